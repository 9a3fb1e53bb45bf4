// One WebSocket session (connection.hpp): resolve -> TCP -> TLS -> upgrade -> read loop, and the
// write queue. Asio and Beast carry the bytes (TCP, TLS, the HTTP upgrade, the TLS close); the
// WebSocket framing is ours (ws_framing.hpp): one read takes every message the socket had, where
// Beast's stream reads one message per asynchronous read (its per-read machinery, a copy of each
// payload and a UTF-8 pass were ~15% of the TSP's CPU at full rate). With link_io.cpp,
// tls_context.cpp and ws_handshake.cpp (OpenSSL's hash, Beast's header helpers) the only files
// of the link that include Beast/Asio/OpenSSL.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connection_factory.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "endpoint.hpp"
#include "tls_context.hpp"
#include "ws_framing.hpp"
#include "ws_handshake.hpp"

namespace ctigw::pbx_link::detail {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using protocol::log_safe;
using protocol::subprotocol;

constexpr milliseconds close_grace{1000};        // graceful close before the socket is cut
constexpr std::size_t write_queue_slack = 1024;  // heartbeat acks etc. beyond the request limit
// The read buffer: a read takes up to 64 KiB (4 TLS records); room for one record is kept for
// each read; a buffer grown past 256 KiB for a large message shrinks once it is taken.
constexpr std::size_t kReadBuffer = std::size_t{64} * 1024;
constexpr std::size_t kMinRead = std::size_t{16} * 1024;
constexpr std::size_t kShrinkAbove = std::size_t{256} * 1024;

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
          stream_(make_stream(ex, tls_.get())),
          verify_host_(settings.tls.server_name.empty() ? ep_.host : settings.tls.server_name),
          reader_(settings.limits.max_frame_bytes + std::size_t{64} * 1024) {}

    void run() override {
        // One deadline for TCP + TLS + upgrade (connect_timeout).
        deadline_.expires_after(settings_.connect_timeout);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->established_ || self->closed_) return;
            self->guarded([&] {
                self->timed_out_ = true;
                self->resolver_.cancel();
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_).socket().close(ignored);
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
        queue_frame(ws::opcode::text, frame, urgent);
    }

    void close(std::uint16_t code, std::string reason) override {
        if (closed_) return;
        // The owner asked: it hears nothing more, not even a failure found before (a close of
        // the switch's still under way).
        closed_by_owner_ = true;
        ending_.clear();
        if (close_requested_) return;
        // What is buffered may be read now, and an owner callback may drop the last reference.
        const auto self = this->shared_from_this();
        if (!established_) return abort();
        begin_close(code, reason);
    }

    void abort() override {
        if (closed_) return;
        closed_ = true;
        resolver_.cancel();
        deadline_.cancel();
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).socket().close(ignored);
    }

    void pause_reading() override { paused_ = true; }

    void resume_reading() override {
        if (!paused_) return;
        paused_ = false;
        // The buffered messages are taken here: an owner callback may drop the last reference.
        const auto self = this->shared_from_this();
        // We were not reading, so the silence says nothing about the switch.
        last_received = clock::now();
        if (established_ && !reading_ && !closed_) do_read();
    }

    std::size_t queued_writes() const override { return queue_.size() + (writing_ ? 1 : 0); }

  private:
    static auto make_stream(io_executor_t ex, ssl::context* tls) {
        if constexpr (Tls) {
            return next_layer_t(ex, *tls);
        } else {
            (void)tls;
            return next_layer_t(ex);
        }
    }

    void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return fail(ec, "resolve " + ep_.host);
        beast::get_lowest_layer(stream_).async_connect(results, handler(&connection::on_connect));
    }

    void on_connect(beast::error_code ec, const tcp::endpoint&) {
        if (ec) return fail(ec, "TCP connect");
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ignored);
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
            auto error = prepare_client_stream(stream_, settings_.tls, verify_host_, tls_refusal_);
            if (!error.empty()) return fail_with(error);
            watch_certificate_request(stream_.native_handle(), &certificate_requested_);
            stream_.async_handshake(ssl::stream_base::client,
                                    handler(&connection::on_tls_handshake));
        }
    }

    void on_tls_handshake(beast::error_code ec) {
        if (ec) return fail(ec, "TLS handshake");
        if constexpr (Tls) {
            if (!settings_.tls.pinned_sha256.empty()) {
                auto refusal = check_pin(stream_.native_handle(), settings_.tls.pinned_sha256);
                if (!refusal.empty()) return fail_with(refusal);
            }
        }
        if (!report([&] { owner_.on_tls_done(this); })) return;
        start_upgrade();
    }

    // ---- WebSocket ----

    void start_upgrade() {
        // The connect deadline (run()) covers the upgrade too.
        key_ = ws::new_key();
        std::string host =
            ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]" : ep_.host;
        host += ":" + std::to_string(ep_.port);
        request_.method(http::verb::get);
        request_.target(ep_.target);
        request_.version(11);
        request_.set(http::field::host, host);
        request_.set(http::field::upgrade, "websocket");
        request_.set(http::field::connection, "Upgrade");
        request_.set(http::field::sec_websocket_key, key_);
        request_.set(http::field::sec_websocket_version, "13");
        request_.set(http::field::sec_websocket_protocol, std::string(subprotocol));
        request_.set(http::field::user_agent, "ctigw-pbx-link");
        http::async_write(stream_, request_, handler(&connection::on_upgrade_sent));
    }

    void on_upgrade_sent(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "WebSocket upgrade");
        parser_.emplace();
        parser_->header_limit(std::uint32_t{16} * 1024);
        // A refusal's page is not read into the reason (only its status is): 16 KiB is plenty.
        parser_->body_limit(std::uint64_t{16} * 1024);
        http::async_read(stream_, hbuf_, *parser_, handler(&connection::on_upgrade));
    }

    void on_upgrade(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "WebSocket upgrade");
        const auto& res = parser_->get();
        const auto text = [](beast::string_view v) { return std::string_view(v.data(), v.size()); };
        ws::upgrade_answer answer;
        answer.status = res.result_int();
        answer.reason = text(res.reason());
        answer.upgrade = text(res[http::field::upgrade]);
        answer.connection = text(res[http::field::connection]);
        answer.accept = text(res[http::field::sec_websocket_accept]);
        answer.extensions = res.count(http::field::sec_websocket_extensions) != 0;
        if (auto refusal = ws::upgrade_refusal(answer, key_); !refusal.empty()) {
            return fail_with("WebSocket upgrade: " + refusal);
        }
        // The bytes after the answer are the switch's first frames.
        const auto rest = hbuf_.cdata();
        rbuf_.append(std::string_view(static_cast<const char*>(rest.data()), rest.size()));
        const bool chose_ours = res[http::field::sec_websocket_protocol] == subprotocol;
        parser_.reset();
        hbuf_ = beast::flat_buffer();
        request_ = {};
        established_ = true;
        if (!chose_ours) {
            // §2.1: the switch must select ctigw.csta.v1; close 1002 and try again later.
            const std::string why =
                "the switch did not select the subprotocol " + std::string(subprotocol);
            tell_failed(why, false);
            closed_by_owner_ = true;
            close(static_cast<std::uint16_t>(1002), "subprotocol");
            return;
        }
        deadline_.cancel();
        last_received = last_sent = clock::now();
        if (!report([&] { owner_.on_ws_done(this); })) return;
        do_write();
        do_read();
    }

    // ---- reading: every message in what one read brought ----

    bool reading_allowed() const {
        return established_ && !closed_ && !read_done_ && !close_received_ &&
               (!paused_ || close_requested_);
    }

    void do_read() {
        // Not from inside take_buffered() (an owner callback closing): that loop goes on.
        if (reading_ || taking_ || !take_buffered() || !reading_allowed()) return;
        rbuf_.reserve(reader_.wanted());
        reading_ = true;
        stream_.async_read_some(net::buffer(rbuf_.space(), rbuf_.space_size()),
                                handler(&connection::on_read));
    }

    void on_read(beast::error_code ec, std::size_t n) {
        reading_ = false;
        if (ec) return fail(ec, "read");
        rbuf_.commit(n);
        last_received = clock::now();
        do_read();
    }

    /// Hands over every whole message buffered; false when reading must not go on.
    bool take_buffered() {
        taking_ = true;
        const bool more = take_each();
        taking_ = false;
        return more;
    }

    bool take_each() {
        // The read limit is a little over the codec's, so that an oversized frame still reaches
        // the decoder and is counted and skipped (§9); past it the session ends.
        const std::size_t limit = settings_.limits.max_frame_bytes + std::size_t{64} * 1024;
        while (reading_allowed()) {
            std::size_t used = 0;
            const ws::item it = reader_.next(rbuf_.unread(), used);
            switch (it.what) {
                case ws::item::kind::need_more:
                    rbuf_.consume(used);
                    return true;
                case ws::item::kind::message:
                    // After a close, what the switch still sends is dropped (RFC 6455 §1.4).
                    if (!close_requested_)
                        report([&] { owner_.on_frame(this, it.payload, it.text); });
                    break;
                case ws::item::kind::ping:
                    if (!close_requested_) queue_pong(it.payload);
                    break;
                case ws::item::kind::pong:
                    break;
                case ws::item::kind::close:
                    rbuf_.consume(used);
                    on_close_frame(it.code, it.payload);
                    return false;
                case ws::item::kind::oversized:
                    if (!close_requested_) {
                        report([&] { owner_.on_oversized(this, limit); });
                        // The owner closes (1009); the message's bytes are skipped meanwhile.
                        if (!close_requested_) read_done_ = true;
                    }
                    break;
                case ws::item::kind::violation:
                    read_done_ = true;
                    on_violation(it.code, it.why);
                    return false;
            }
            rbuf_.consume(used);  // after the callbacks: the payloads were views of rbuf_
        }
        return false;
    }

    // ---- closing ----

    /// The switch's close frame: answered (unless ours went first), then the connection ends
    /// and the owner is told (as Beast did: the owner cuts the socket when told).
    void on_close_frame(std::uint16_t code, std::string_view reason) {
        close_received_ = true;
        if (close_requested_) {  // the answer to ours: nothing more goes out
            queue_.clear();
            pong_.reset();
            if (close_sent_) teardown();
            return;
        }
        close_code_seen = code;
        ending_ = "closed by the switch (code " + std::to_string(code) +
                  (reason.empty() ? std::string() : " " + log_safe(reason)) + ")";
        begin_close(code, reason);
    }

    /// The switch broke RFC 6455: the close frame says why, then the owner is told.
    void on_violation(std::uint16_t code, const char* why) {
        if (close_requested_) {  // closing already (the owner asked): end sooner
            if (close_sent_) teardown();
            return;
        }
        ending_ = std::string("the switch broke the WebSocket protocol: ") + why;
        begin_close(code, code == 1007 ? "invalid UTF-8" : "protocol error");
    }

    /// Sends our close frame after the frame being written (queued ones are dropped when the
    /// switch closed first); the connection ends after close_grace whatever happens.
    void begin_close(std::uint16_t code, std::string_view reason) {
        if (closed_) return;
        close_requested_ = true;
        close_frame_.clear();
        append_frame(close_frame_, ws::opcode::close, ws::close_payload(code, reason));
        pong_.reset();
        if (close_received_) queue_.clear();
        deadline_.expires_after(close_grace);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->guarded([&] { self->end_closing(); });
        });
        do_write();
        if (!close_received_) do_read();  // the switch's answer
    }

    void on_close_sent(beast::error_code ec, std::size_t) {
        writing_ = false;
        if (closed_) return;
        if (ec) return end_closing();
        close_sent_ = true;
        last_sent = clock::now();
        // Without a readable stream (a violation, an oversized message not taken) nothing of
        // the switch's answer could be read: end now.
        if (close_received_ || read_done_) teardown();
    }

    /// The TLS close_notify (or the TCP half-close), then the connection ends.
    void teardown() {
        if (closed_) return;
        using beast::websocket::async_teardown;
        async_teardown(beast::role_type::client, stream_,
                       [self = this->shared_from_this()](beast::error_code) {
                           self->guarded([&] { self->end_closing(); });
                       });
    }

    /// The end of a close: the socket goes, and the owner hears why when the switch closed or
    /// broke the protocol (not when it asked for the close itself).
    void end_closing() {
        const bool was_open = !closed_;
        abort();
        if (was_open && !ending_.empty()) tell_failed(ending_, true);
    }

    // ---- writing ----

    void append_frame(std::string& out, ws::opcode op, std::string_view payload) {
        ws::append_client_frame(out, op, payload, masks_.next());
    }

    void queue_frame(ws::opcode op, std::string_view payload, bool urgent) {
        std::string wire;
        wire.reserve(payload.size() + 14);
        append_frame(wire, op, payload);
        // The frame being written is not in the queue (inflight_): the front is next.
        if (urgent) {
            queue_.push_front(std::move(wire));
        } else {
            queue_.push_back(std::move(wire));
        }
        if (established_) do_write();
    }

    /// One pong pending at most, for the latest ping (RFC 6455 §5.5.3): a switch that pings
    /// without reading cannot grow the queue.
    void queue_pong(std::string_view payload) {
        if (!pong_) pong_.emplace();
        pong_->clear();
        append_frame(*pong_, ws::opcode::pong, payload);
        do_write();
    }

    /// Starts the next write, if none is in flight: a pong, the queue, then the close frame.
    void do_write() {
        if (closed_ || close_sent_ || writing_ || !established_) return;
        // A pong goes first, but not twice in a row while frames wait: pings sent faster than
        // we write cannot starve the heartbeat's answers.
        const bool pong_now = pong_ && (queue_.empty() || !wrote_pong_);
        wrote_pong_ = pong_now;
        if (pong_now) {
            inflight_ = std::move(*pong_);
            pong_.reset();
        } else if (!queue_.empty()) {
            inflight_ = std::move(queue_.front());
            queue_.pop_front();
        } else if (close_requested_) {
            writing_ = true;
            net::async_write(stream_, net::buffer(close_frame_),
                             handler(&connection::on_close_sent));
            return;
        } else {
            return;
        }
        writing_ = true;
        net::async_write(stream_, net::buffer(inflight_), handler(&connection::on_write));
    }

    void on_write(beast::error_code ec, std::size_t) {
        writing_ = false;
        if (ec) return fail(ec, "write");
        last_sent = clock::now();
        do_write();
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
        if (closed_) return;
        // Once closing, the owner asked, or hears why when the close ends: an error ends it now.
        if (closed_by_owner_ || close_requested_) return end_closing();
        if (timed_out_) {
            return fail_with("connect timeout (" +
                             std::to_string(settings_.connect_timeout.count()) + " ms) during " +
                             step);
        }
        if (!tls_refusal_.empty()) return fail_with(tls_refusal_);
        fail_with(describe_connection_error(ec, step, certificate_requested_,
                                            !settings_.tls.client_certificate.empty()));
    }

    void fail_with(const std::string& reason) {
        if (closed_) return;
        if (closed_by_owner_) return abort();  // it asked: nothing to tell
        const bool was_established = established_;
        abort();
        tell_failed(reason, was_established);
    }

    /// Tells the owner the connection is gone, once.
    void tell_failed(const std::string& reason, bool was_established) {
        if (told_) return;
        told_ = true;
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
    std::shared_ptr<ssl::context> tls_;  // must outlive stream_
    log_sink log_;
    tcp::resolver resolver_;
    net::steady_timer deadline_;
    next_layer_t stream_;
    std::string verify_host_;
    // The upgrade (freed once the WebSocket is open).
    std::string key_;
    http::request<http::empty_body> request_;
    std::optional<http::response_parser<http::string_body>> parser_;
    beast::flat_buffer hbuf_;
    // Reading: what was received and not yet taken.
    ws::reader reader_;
    ws::read_buffer rbuf_{kReadBuffer, kMinRead, kShrinkAbove};
    // Writing: whole client frames, one write at a time; the close frame goes after them.
    ws::mask_source masks_;
    std::deque<std::string> queue_;
    std::string inflight_;             // the frame being written
    std::optional<std::string> pong_;  // the answer to the latest ping, not yet written
    bool wrote_pong_ = false;          // the last write was a pong
    std::string close_frame_;
    std::string ending_;  // why the connection ends, told to the owner once the close is done
    std::string tls_refusal_;
    bool certificate_requested_ = false;  // set by OpenSSL during the handshake (tls_context)
    bool writing_ = false;
    bool reading_ = false;
    bool paused_ = false;
    bool established_ = false;
    bool close_requested_ = false;  // our close frame is queued or sent (begin_close)
    bool close_sent_ = false;
    bool close_received_ = false;  // the switch's close frame was read
    bool read_done_ = false;       // nothing more can be read (a violation, an oversized message)
    bool taking_ = false;          // take_buffered() runs
    bool told_ = false;            // the owner heard on_failed
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
