// One WebSocket session over Boost.Beast (connection.hpp): resolve -> TCP -> TLS -> upgrade ->
// read loop, and the write queue. With link_io.cpp and tls_context.cpp the only files of the
// link that include Beast/Asio/OpenSSL.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <deque>
#include <exception>
#include <memory>
#include <string>

#include "connection_factory.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "endpoint.hpp"
#include "tls_context.hpp"

namespace ctigw::pbx_link::detail {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using protocol::log_safe;
using protocol::subprotocol;

constexpr milliseconds close_grace{1000};        // graceful close before the socket is cut
constexpr std::size_t write_queue_slack = 1024;  // heartbeat acks etc. beyond the request limit

template <bool Tls>
class connection final : public connection_base,
                         public std::enable_shared_from_this<connection<Tls>> {
    // The concrete executor, not beast::tcp_stream's any_io_executor: Beast copies the stream's
    // executor several times per message read, and a type-erased copy is an indirect call.
    using tcp_stream_t = beast::basic_stream<tcp, io_executor_t>;
    using next_layer_t = std::conditional_t<Tls, beast::ssl_stream<tcp_stream_t>, tcp_stream_t>;

  public:
    connection(io_executor_t ex, connection_owner& owner, const link_settings& settings,
               endpoint ep, std::shared_ptr<ssl::context> tls, log_sink log)
        : owner_(owner),
          settings_(settings),
          ep_(std::move(ep)),
          tls_(std::move(tls)),
          log_(std::move(log)),
          resolver_(ex),
          deadline_(ex),
          ws_(make_stream(ex, tls_.get())),
          verify_host_(settings.tls.server_name.empty() ? ep_.host : settings.tls.server_name) {}

    void run() override {
        // One deadline for TCP + TLS + upgrade (connect_timeout).
        deadline_.expires_after(settings_.connect_timeout);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->established_ || self->closed_) return;
            self->guarded([&] {
                self->timed_out_ = true;
                self->resolver_.cancel();
                beast::error_code ignored;
                beast::get_lowest_layer(self->ws_).socket().close(ignored);
            });
        });
        resolver_.async_resolve(ep_.host, std::to_string(ep_.port),
                                handler(&connection::on_resolve));
    }

    void send(std::string frame, bool urgent) override {
        if (closed_ || close_requested_) return;
        if (queue_.size() >
            settings_.max_requests_in_flight + settings_.batches_in_flight + write_queue_slack) {
            // Cannot happen with the request limits in place; refuse to grow without bound.
            return fail_with("write queue overflow (the switch is not reading)");
        }
        if (urgent && !queue_.empty()) {
            queue_.insert(queue_.begin() + (writing_ ? 1 : 0), std::move(frame));
        } else {
            queue_.push_back(std::move(frame));
        }
        if (!writing_ && established_) do_write();
    }

    void close(std::uint16_t code, std::string reason) override {
        if (closed_ || close_requested_) return;
        if (!established_) return abort();
        close_requested_ = true;
        close_code_ = code;
        close_reason_ = std::move(reason);
        deadline_.expires_after(close_grace);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->guarded([&] { self->abort(); });
        });
        if (!writing_) do_close();
    }

    void abort() override {
        if (closed_) return;
        closed_ = true;
        resolver_.cancel();
        deadline_.cancel();
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    void pause_reading() override { paused_ = true; }

    void resume_reading() override {
        if (!paused_) return;
        paused_ = false;
        // We were not reading, so the silence says nothing about the switch.
        last_received = clock::now();
        if (established_ && !reading_ && !closed_) do_read();
    }

    std::size_t queued_writes() const override { return queue_.size(); }

  private:
    static auto make_stream(io_executor_t ex, ssl::context* tls) {
        if constexpr (Tls) {
            return websocket::stream<next_layer_t>(ex, *tls);
        } else {
            (void)tls;
            return websocket::stream<next_layer_t>(ex);
        }
    }

    void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return fail(ec, "resolve " + ep_.host);
        beast::get_lowest_layer(ws_).async_connect(results, handler(&connection::on_connect));
    }

    void on_connect(beast::error_code ec, const tcp::endpoint&) {
        if (ec) return fail(ec, "TCP connect");
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        if (!report([&] { owner_.on_tcp_connected(this, Tls); })) return;
        if constexpr (Tls) {
            start_tls();
        } else {
            start_upgrade();
        }
    }

    // ---- TLS ----

    void start_tls() {
        if constexpr (Tls) {
            auto error =
                prepare_client_stream(ws_.next_layer(), settings_.tls, verify_host_, tls_refusal_);
            if (!error.empty()) return fail_with(error);
            watch_certificate_request(ws_.next_layer().native_handle(), &certificate_requested_);
            ws_.next_layer().async_handshake(ssl::stream_base::client,
                                             handler(&connection::on_tls_handshake));
        }
    }

    void on_tls_handshake(beast::error_code ec) {
        if (ec) return fail(ec, "TLS handshake");
        if constexpr (Tls) {
            if (!settings_.tls.pinned_sha256.empty()) {
                auto refusal =
                    check_pin(ws_.next_layer().native_handle(), settings_.tls.pinned_sha256);
                if (!refusal.empty()) return fail_with(refusal);
            }
        }
        if (!report([&] { owner_.on_tls_done(this); })) return;
        start_upgrade();
    }

    // ---- WebSocket ----

    void start_upgrade() {
        websocket::stream_base::timeout t{};
        t.handshake_timeout = settings_.connect_timeout;
        t.idle_timeout = websocket::stream_base::none();  // application heartbeats instead
        t.keep_alive_pings = false;
        ws_.set_option(t);
        ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(http::field::sec_websocket_protocol, std::string(subprotocol));
            req.set(http::field::user_agent, "ctigw-pbx-link");
        }));
        // The read limit is enforced in on_read, not by Beast: Beast's own check closes 1009 but
        // its teardown's error (on TLS "application data after close notify") replaces
        // message_too_big in what the read reports, and the reason was lost.
        ws_.read_message_max(0);
        std::string host =
            ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]" : ep_.host;
        host += ":" + std::to_string(ep_.port);
        ws_.async_handshake(upgrade_response_, host, ep_.target, handler(&connection::on_upgrade));
    }

    void on_upgrade(beast::error_code ec) {
        if (ec) return fail(ec, "WebSocket upgrade");
        if (upgrade_response_[http::field::sec_websocket_protocol] != subprotocol) {
            // §2.1: the switch must select ctigw.csta.v1; close 1002 and try again later.
            const std::string why =
                "the switch did not select the subprotocol " + std::string(subprotocol);
            report([&] { owner_.on_failed(this, why, false); });
            closed_by_owner_ = true;
            established_ = true;
            close(static_cast<std::uint16_t>(websocket::close_code::protocol_error), "subprotocol");
            return;
        }
        established_ = true;
        deadline_.cancel();
        last_received = last_sent = clock::now();
        if (!report([&] { owner_.on_ws_done(this); })) return;
        if (!queue_.empty() && !writing_) do_write();
        do_read();
    }

    void do_read() {
        if (paused_ || closed_) return;
        reading_ = true;
        ws_.async_read_some(buffer_, 0, handler(&connection::on_read));
    }

    void on_read(beast::error_code ec, std::size_t) {
        reading_ = false;
        if (ec) return fail(ec, "read");
        last_received = clock::now();
        if (!ws_.is_message_done()) {
            // A little over the codec's limit, so that an oversized frame still reaches the
            // decoder and is counted and skipped (§9); past that the session ends.
            const std::size_t limit = settings_.limits.max_frame_bytes + std::size_t{64} * 1024;
            if (buffer_.size() <= limit) return do_read();
            buffer_.consume(buffer_.size());
            report([&] { owner_.on_oversized(this, limit); });
            return;
        }
        const auto data = buffer_.cdata();
        const std::string_view frame(static_cast<const char*>(data.data()), data.size());
        const bool text = ws_.got_text();
        const bool alive = report([&] { owner_.on_frame(this, frame, text); });
        buffer_.consume(buffer_.size());
        if (alive) do_read();
    }

    void do_write() {
        if (closed_) return;
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(queue_.front()), handler(&connection::on_write));
    }

    void on_write(beast::error_code ec, std::size_t) {
        writing_ = false;
        if (ec) return fail(ec, "write");
        last_sent = clock::now();
        queue_.pop_front();
        if (!queue_.empty()) return do_write();
        if (close_requested_) do_close();
    }

    void do_close() {
        if (closed_) return;
        ws_.async_close(
            websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
            [self = this->shared_from_this()](beast::error_code) {
                self->guarded([&] { self->abort(); });
            });
    }

    /// The completion handler calling `member`: nothing it throws reaches Asio (the connection
    /// fails instead, and the owner is told).
    template <class... Args>
    auto handler(void (connection::*member)(Args...)) {
        return [self = this->shared_from_this(), member](Args... args) {
            self->guarded([&] { ((*self).*member)(std::forward<Args>(args)...); });
        };
    }

    template <class F>
    void guarded(F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            fail_internal(e.what());
        } catch (...) {
            fail_internal("unknown exception");
        }
    }

    void fail_internal(const char* what) noexcept {
        try {
            fail_with(std::string("internal error: ") + what);
        } catch (...) {  // out of memory: cut the socket at least
            try {
                abort();
            } catch (...) {
            }
        }
    }

    /// Runs an owner callback; false when the connection should stop (closed by the owner, or
    /// the callback failed).
    template <class F>
    bool report(F&& f) {
        if (closed_by_owner_ || closed_) return false;
        try {
            f();
        } catch (const std::exception& e) {
            fail_internal(e.what());
            return false;
        } catch (...) {
            fail_internal("unknown exception");
            return false;
        }
        return !closed_ && !close_requested_;
    }

    void fail(beast::error_code ec, const std::string& step) {
        if (closed_ || closed_by_owner_) return;
        std::string reason;
        if (timed_out_) {
            reason = "connect timeout (" + std::to_string(settings_.connect_timeout.count()) +
                     " ms) during " + step;
        } else if (!tls_refusal_.empty()) {
            reason = tls_refusal_;
        } else if (ec == websocket::error::closed) {
            const auto& r = ws_.reason();
            const std::string_view text(r.reason.data(), r.reason.size());
            reason = "closed by the switch (code " + std::to_string(r.code) +
                     (text.empty() ? std::string() : " " + log_safe(text)) + ")";
            close_code_seen = r.code;
        } else if (ec == websocket::error::message_too_big) {
            reason = "a message from the switch exceeds the frame limit during " + step;
        } else if (certificate_requested_ && settings_.tls.client_certificate.empty() &&
                   (is_tls_category(ec) || ec == net::error::eof ||
                    ec == net::error::connection_reset)) {
            // TLS 1.2 says only "handshake failure"; TLS 1.3 alerts "certificate required".
            const auto what = is_tls_category(ec) ? describe_tls_error(ec) : ec.message();
            reason =
                "client certificate required by the switch (clientCertificate/clientKey not "
                "configured; " +
                what + " during " + step + ")";
        } else if (is_tls_category(ec) && ec != ssl::error::stream_truncated) {
            reason = describe_tls_error(ec) + " during " + step;
        } else if (ec == net::error::eof || ec == ssl::error::stream_truncated ||
                   ec == net::error::connection_reset) {
            reason = "connection reset by the switch during " + step;
        } else {
            reason = step + ": " + ec.message();
        }
        fail_with(reason);
    }

    void fail_with(const std::string& reason) {
        if (closed_ || closed_by_owner_) return;
        const bool was_established = established_;
        abort();
        try {
            owner_.on_failed(this, reason, was_established);
        } catch (const std::exception& e) {
            if (log_) log_(log_level::error, std::string("pbx-link: on_failed threw: ") + e.what());
        } catch (...) {
            if (log_) log_(log_level::error, "pbx-link: on_failed threw a non-standard exception");
        }
    }

    connection_owner& owner_;
    const link_settings& settings_;
    endpoint ep_;
    std::shared_ptr<ssl::context> tls_;  // must outlive ws_
    log_sink log_;
    tcp::resolver resolver_;
    net::steady_timer deadline_;
    websocket::stream<next_layer_t> ws_;
    std::string verify_host_;
    websocket::response_type upgrade_response_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;
    std::string tls_refusal_;
    bool certificate_requested_ = false;  // set by OpenSSL during the handshake (tls_context)
    std::string close_reason_;
    std::uint16_t close_code_ = 1000;
    bool writing_ = false;
    bool reading_ = false;
    bool paused_ = false;
    bool established_ = false;
    bool close_requested_ = false;
    bool closed_ = false;
    bool closed_by_owner_ = false;
    bool timed_out_ = false;
};

}  // namespace

std::shared_ptr<connection_base> make_connection(io_executor_t ex, connection_owner& owner,
                                                 const link_settings& settings, endpoint ep,
                                                 std::shared_ptr<ssl::context> tls, log_sink log) {
    if (tls) {
        return std::make_shared<connection<true>>(std::move(ex), owner, settings, std::move(ep),
                                                  std::move(tls), std::move(log));
    }
    return std::make_shared<connection<false>>(std::move(ex), owner, settings, std::move(ep),
                                               nullptr, std::move(log));
}

}  // namespace ctigw::pbx_link::detail
