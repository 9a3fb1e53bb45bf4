// Helpers of the ctigw-gateway app tests: a temporary directory, configuration files with fresh
// tokens, and a small blocking ws:// client (loopback).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "ctigw/gateway/access.hpp"
#include "ctigw/protocol/codec.hpp"

namespace ctigw::gateway::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

/// A fresh directory, removed with its contents at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        static std::atomic<int> n{0};
        path = std::filesystem::temp_directory_path() /
               ("ctigw-app-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        auto p = path / name;
        std::ofstream(p, std::ios::trunc) << text;
        return p;
    }
};

/// One client entry of a configuration.
inline std::string client_entry(const std::string& name, const std::string& token,
                                const std::string& devices) {
    return R"({ "name": ")" + name + R"(", "tokenHash": ")" + hash_token(token) +
           R"(", "devices": )" + devices + " }";
}

/// A configuration with one plain loopback listener and the simulator (2000-2099). Its port, 1,
/// is never bound: the tests start the service with any_port.
inline std::string plain_config(const std::string& clients, const std::string& level = "info") {
    return R"({
  "listen": [ { "address": "127.0.0.1", "port": 1, "insecure": true } ],
  "clients": [ )" +
           clients + R"( ],
  "backend": { "type": "sim" },
  "logging": { "level": ")" +
           level + R"(" }
})";
}

inline bool ok(const protocol::response& r) {
    return std::holds_alternative<protocol::service_result>(r.outcome);
}

/// A blocking ws:// client speaking ctigw.csta.v1.
class ws_client {
  public:
    explicit ws_client(std::uint16_t port, const std::string& path = "/csta") : ws_(io_) {
        ws_.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(beast::http::field::sec_websocket_protocol, std::string(protocol::subprotocol));
        }));
        ws_.handshake("127.0.0.1", path);
    }

    void send(const protocol::message& m) {
        ws_.text(true);
        ws_.write(net::buffer(codec_->encode(m)));
    }

    /// The next message that is not a heartbeat. Throws on a close (see close_code()).
    protocol::message next() {
        for (;;) {
            beast::flat_buffer buf;
            ws_.read(buf);
            auto r = codec_->decode(beast::buffers_to_string(buf.data()));
            if (!r.ok()) throw std::runtime_error(r.error().to_string());
            if (std::holds_alternative<protocol::heartbeat>(r.value())) continue;
            return std::move(r.value());
        }
    }

    protocol::response request(protocol::service_params params) {
        const std::string id = std::to_string(++next_id_);
        send(protocol::request{id, std::move(params)});
        for (;;) {
            auto m = next();
            if (auto* r = std::get_if<protocol::response>(&m); r && r->id == id) return *r;
        }
    }

    /// Hello + Authenticate; true when authenticated.
    bool login(const std::string& token) {
        auto h = request(
            protocol::svc::hello::params{{protocol::protocol_version}, "app-test", std::nullopt});
        if (!ok(h)) return false;
        return ok(request(protocol::svc::authenticate::params{token}));
    }

    /// Reads until the server closes; returns its close code (0 if the connection just ended).
    int close_code() {
        try {
            for (;;) next();
        } catch (const beast::system_error&) {
        }
        return ws_.reason().code;
    }

  private:
    net::io_context io_;
    websocket::stream<tcp::socket> ws_;
    std::unique_ptr<protocol::codec> codec_ = protocol::make_json_codec({});
    int next_id_ = 0;
};

}  // namespace ctigw::gateway::testing
