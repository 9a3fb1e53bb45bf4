// A small ctigw.csta.v1 client over TLS WebSocket for server-level tests (the simulator's and
// the gateway's). Every read has a deadline, so that a missing frame fails the test instead of
// hanging it. One thread: the test's.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ctigw/protocol/codec.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::testing {

class csta_client {
  public:
    /// Connects to 127.0.0.1:`port`, verifying the server against `ca_file`, and upgrades on
    /// `target` offering `subprotocol` (none when empty). Throws on any failure.
    csta_client(std::uint16_t port, const std::filesystem::path& ca_file,
                std::string subprotocol_offer = std::string(protocol::subprotocol),
                std::string target = "/csta")
        : ctx_(boost::asio::ssl::context::tls_client), ws_(io_, ctx_) {
        namespace ssl = boost::asio::ssl;
        ctx_.load_verify_file(ca_file.string());
        ws_.next_layer().set_verify_mode(ssl::verify_peer);
        ws_.next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
        boost::beast::get_lowest_layer(ws_).connect(
            boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        ws_.next_layer().handshake(ssl::stream_base::client);
        ws_.set_option(boost::beast::websocket::stream_base::decorator(
            [offer = std::move(subprotocol_offer)](boost::beast::websocket::request_type& req) {
                if (!offer.empty())
                    req.set(boost::beast::http::field::sec_websocket_protocol, offer);
            }));
        ws_.handshake("127.0.0.1", target);
    }

    void send(const protocol::message& m) { send_raw(codec_->encode(m)); }
    void send_raw(const std::string& frame) {
        ws_.text(true);
        ws_.write(boost::asio::buffer(frame));
    }

    /// The next frame as text; throws when none comes within `deadline` or the session ends.
    std::string next_raw(std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
        boost::beast::flat_buffer buf;
        const auto ec = read(buf, deadline);
        if (ec) throw std::runtime_error("read: " + ec.message());
        return boost::beast::buffers_to_string(buf.data());
    }

    /// Next message, answering and skipping heartbeats; throws on a decode error.
    protocol::message next() {
        for (;;) {
            auto r = codec_->decode(next_raw());
            if (!r.ok()) throw std::runtime_error(r.error().to_string());
            if (const auto* hb = std::get_if<protocol::heartbeat>(&r.value())) {
                send(protocol::heartbeat_ack{hb->id});
                continue;
            }
            return std::move(r).value();
        }
    }

    /// Sends a request and returns its response; messages before it go to events_.
    protocol::response call(protocol::service_params p) {
        send(protocol::request{std::to_string(++next_id_), std::move(p)});
        for (;;) {
            auto m = next();
            if (auto* r = std::get_if<protocol::response>(&m)) return *r;
            events_.push_back(std::move(m));
        }
    }

    /// Hello offering `versions` (version 1 unless told) and Authenticate; true when both
    /// succeed.
    bool login(const std::string& token, std::vector<std::uint32_t> versions = {1}) {
        const auto hello = call(protocol::svc::hello::params{std::move(versions), "test", {}});
        if (!std::holds_alternative<protocol::service_result>(hello.outcome)) return false;
        const auto auth = call(protocol::svc::authenticate::params{token});
        return std::holds_alternative<protocol::service_result>(auth.outcome);
    }

    /// Reads until the server closes the session; returns its close code (0: the connection
    /// broke without one). Throws when nothing closes within `deadline`.
    int read_until_closed(std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
        boost::beast::flat_buffer buf;
        const auto until = std::chrono::steady_clock::now() + deadline;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            const auto ec = left.count() > 0 ? read(buf, left) : boost::asio::error::timed_out;
            if (ec == boost::asio::error::timed_out)
                throw std::runtime_error("the server did not close");
            if (ec) break;
            buf.consume(buf.size());
        }
        return ws_.reason().code;
    }

    /// Moves out the messages call() kept aside.
    std::vector<protocol::message> take_events() { return std::exchange(events_, {}); }

    std::vector<protocol::message> events_;

  private:
    /// One asynchronous read run for at most `deadline`; on expiry the socket is closed (the
    /// client is unusable afterwards) and the error is timed_out.
    boost::system::error_code read(boost::beast::flat_buffer& buf,
                                   std::chrono::milliseconds deadline) {
        std::optional<boost::system::error_code> result;
        ws_.async_read(buf, [&](boost::system::error_code ec, std::size_t) { result = ec; });
        io_.restart();
        io_.run_for(deadline);
        if (result) return *result;
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(ws_).socket().close(ignored);
        io_.restart();
        io_.run();
        return boost::asio::error::timed_out;
    }

    boost::asio::io_context io_;
    boost::asio::ssl::context ctx_;
    boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>> ws_;
    std::unique_ptr<protocol::codec> codec_ = protocol::make_json_codec();
    int next_id_ = 0;
};

/// Whether the switch executed the request (a result, not an error).
[[maybe_unused]] inline bool succeeded(const protocol::response& r) {
    return std::holds_alternative<protocol::service_result>(r.outcome);
}

[[maybe_unused]] inline const protocol::csta_error& error_of(const protocol::response& r) {
    return std::get<protocol::csta_error>(r.outcome);
}

}  // namespace ctigw::testing
