// The simulator's server on its own thread over real TLS on loopback, and a small blocking Beast
// client: shared by the server-level test files.
#pragma once

#include "ctigw/pbxsim/server.hpp"

#include <gtest/gtest.h>

#include "log_capture.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ctigw/pbxsim/certs.hpp"

namespace ctigw::pbxsim {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using namespace protocol;

/// Certificates for the whole test binary (EC keys are cheap, but once is enough).
struct pki {
    std::filesystem::path dir;
    pki() {
        dir = std::filesystem::temp_directory_path() /
              ("ctigw-server-test-" + std::to_string(::getpid()));
        auto err = write_demo_certificates(dir);
        if (!err.empty()) throw std::runtime_error(err);
    }
    ~pki() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};
const pki& certs() {
    static pki p;
    return p;
}

/// The simulator on its own thread, as tests and tools use it.
class running_server {
  public:
    explicit running_server(server_options o = {}, sim_config c = {}) {
        o.tls = tls_files{certs().dir / "server.pem", certs().dir / "server-key.pem", {}, {}};
        o.token = "s3cret";
        o.log = log_.sink();
        server_ = std::make_unique<server>(io_, std::move(c), std::move(o));
        auto err = server_->start();
        if (!err.empty()) throw std::runtime_error(err);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~running_server() {
        server_->post([this] {
            server_->stop();
            io_.stop();
        });
        thread_.join();
    }
    std::uint16_t port() const { return server_->port(); }
    /// Runs fn on the server thread and waits for it.
    void run(std::function<void(server&)> fn) {
        std::promise<void> done;
        server_->post([&] {
            fn(*server_);
            done.set_value();
        });
        done.get_future().wait();
    }
    bool logged(std::string_view text) const { return log_.contains(text); }

  private:
    net::io_context io_;
    std::unique_ptr<server> server_;
    std::thread thread_;
    ctigw::pbxsim::testing::log_capture log_;
};

/// A blocking client; enough to test the server's session rules.
class client {
  public:
    explicit client(std::uint16_t port, std::string subprotocol_offer = std::string(subprotocol))
        : ctx_(ssl::context::tls_client), ws_(io_, ctx_) {
        ctx_.load_verify_file((certs().dir / "ca.pem").string());
        ws_.next_layer().set_verify_mode(ssl::verify_peer);
        ws_.next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
        beast::get_lowest_layer(ws_).connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        ws_.next_layer().handshake(ssl::stream_base::client);
        ws_.set_option(websocket::stream_base::decorator(
            [offer = std::move(subprotocol_offer)](websocket::request_type& req) {
                if (!offer.empty()) req.set(beast::http::field::sec_websocket_protocol, offer);
            }));
        ws_.handshake("127.0.0.1", "/csta");
    }
    void send(const message& m) { send_raw(codec_->encode(m)); }
    void send_raw(const std::string& frame) {
        ws_.text(true);
        ws_.write(net::buffer(frame));
    }
    std::string next_raw() {
        beast::flat_buffer buf;
        ws_.read(buf);
        return beast::buffers_to_string(buf.data());
    }
    /// Next message, skipping heartbeats; fails the test on a decode error.
    message next() {
        for (;;) {
            beast::flat_buffer buf;
            ws_.read(buf);
            auto r = codec_->decode(beast::buffers_to_string(buf.data()));
            if (!r.ok()) throw std::runtime_error(r.error().to_string());
            if (std::holds_alternative<heartbeat>(r.value())) {
                send(heartbeat_ack{std::get<heartbeat>(r.value()).id});
                continue;
            }
            return std::move(r).value();
        }
    }
    response call(service_params p) {
        send(request{std::to_string(++next_id_), std::move(p)});
        for (;;) {
            auto m = next();
            if (auto* r = std::get_if<response>(&m)) return *r;
            events_.push_back(std::move(m));
        }
    }
    void login() {
        auto hello = call(svc::hello::params{{1}, "test", {}});
        ASSERT_TRUE(std::holds_alternative<service_result>(hello.outcome));
        auto auth = call(svc::authenticate::params{"s3cret"});
        ASSERT_TRUE(std::holds_alternative<service_result>(auth.outcome));
    }
    /// The close code the server sent (reads until the socket closes).
    int read_until_closed() {
        beast::flat_buffer buf;
        beast::error_code ec;
        for (;;) {
            ws_.read(buf, ec);
            if (ec) break;
            buf.consume(buf.size());
        }
        return ws_.reason().code;
    }
    std::vector<message> events_;

  private:
    net::io_context io_;
    ssl::context ctx_;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
    std::unique_ptr<codec> codec_ = make_json_codec();
    int next_id_ = 0;
};

[[maybe_unused]] const csta_error& error_of(const response& r) {
    return std::get<csta_error>(r.outcome);
}

}  // namespace
}  // namespace ctigw::pbxsim
