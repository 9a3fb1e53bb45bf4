// The Boost.Beast link (README.md): one I/O thread running one strand, one delivery thread.
// Beast/Asio/OpenSSL are used in this file and in tls_context.cpp (the TLS context and checks).
//
//   connection<Tls>   one WebSocket session: resolve -> TCP -> TLS -> upgrade -> read loop, and
//                     the write queue (one async_write at a time). Never reused: every attempt
//                     is a new object. Reports to its owner on the strand.
//   beast_link        the owner: the state machine, endpoints and backoff, Hello/Authenticate,
//                     the resync pass, heartbeats, the request table, the delivery queue.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include "backoff.hpp"
#include "ctigw/pbx_link/link.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "delivery_queue.hpp"
#include "endpoint.hpp"
#include "link_state_machine.hpp"
#include "request_table.hpp"
#include "resync_plan.hpp"
#include "sequence_tracker.hpp"
#include "tls_context.hpp"

namespace ctigw::pbx_link {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using namespace detail;
using namespace protocol;
using strand_t = net::strand<net::io_context::executor_type>;

constexpr milliseconds close_grace{1000};          // graceful close before the socket is cut
constexpr std::uint32_t malformed_tolerance = 10;  // per minute, then close 4000 (§4.7)
constexpr std::size_t write_queue_slack = 1024;    // heartbeat acks etc. beyond the request limit

// ---- one connection ---------------------------------------------------------------------------

class connection_base;

/// What a connection reports to its owner, always on the strand.
class connection_owner {
  public:
    virtual ~connection_owner() = default;
    virtual void on_tcp_connected(connection_base* c, bool tls) = 0;
    virtual void on_tls_done(connection_base* c) = 0;
    virtual void on_ws_done(connection_base* c) = 0;
    virtual void on_frame(connection_base* c, std::string_view frame, bool text) = 0;
    /// A message passed the read limit; reading has stopped, the owner closes (1009).
    virtual void on_oversized(connection_base* c, std::size_t limit) = 0;
    /// The connection is gone. `established`: the WebSocket had been up.
    virtual void on_failed(connection_base* c, const std::string& reason, bool established) = 0;
};

class connection_base {
  public:
    virtual ~connection_base() = default;
    virtual void run() = 0;
    /// Queues a frame; `urgent` (heartbeat acks) goes ahead of queued traffic.
    virtual void send(std::string frame, bool urgent) = 0;
    /// Sends what is queued, then the close frame; the socket is cut after close_grace.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    /// Cuts the socket now. The owner is not told (it asked).
    virtual void abort() = 0;
    virtual void pause_reading() = 0;
    virtual void resume_reading() = 0;
    virtual std::size_t queued_writes() const = 0;

    time_point last_received{};
    time_point last_sent{};
    std::uint16_t close_code_seen = 0;  ///< the switch's close code, when it closed
};

template <bool Tls>
class connection final : public connection_base,
                         public std::enable_shared_from_this<connection<Tls>> {
    using next_layer_t =
        std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  public:
    connection(strand_t strand, connection_owner& owner, const link_settings& settings, endpoint ep,
               std::shared_ptr<ssl::context> tls, log_sink log)
        : owner_(owner),
          settings_(settings),
          ep_(std::move(ep)),
          tls_(std::move(tls)),
          log_(std::move(log)),
          resolver_(strand),
          deadline_(strand),
          ws_(make_stream(strand, tls_.get())),
          verify_host_(settings.tls.server_name.empty() ? ep_.host : settings.tls.server_name) {}

    void run() override {
        // One deadline for TCP + TLS + upgrade (connect_timeout).
        deadline_.expires_after(settings_.connect_timeout);
        deadline_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->established_ || self->closed_) return;
            self->timed_out_ = true;
            self->resolver_.cancel();
            beast::error_code ignored;
            beast::get_lowest_layer(self->ws_).socket().close(ignored);
        });
        resolver_.async_resolve(
            ep_.host, std::to_string(ep_.port),
            beast::bind_front_handler(&connection::on_resolve, this->shared_from_this()));
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
            if (!ec) self->abort();
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
    static auto make_stream(strand_t strand, ssl::context* tls) {
        if constexpr (Tls) {
            return websocket::stream<next_layer_t>(strand, *tls);
        } else {
            (void)tls;
            return websocket::stream<next_layer_t>(strand);
        }
    }

    void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return fail(ec, "resolve " + ep_.host);
        beast::get_lowest_layer(ws_).async_connect(
            results, beast::bind_front_handler(&connection::on_connect, this->shared_from_this()));
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
            SSL* ssl_handle = ws_.next_layer().native_handle();
            // SNI carries host names only (RFC 6066 §3), never IP literals.
            if (!is_ip_literal(verify_host_) &&
                SSL_set_tlsext_host_name(ssl_handle, verify_host_.c_str()) != 1) {
                return fail_with("TLS: cannot set SNI to " + verify_host_);
            }
            watch_certificate_request(ssl_handle, &certificate_requested_);
            beast::error_code ec;
            if (settings_.tls.verify_peer) {
                ws_.next_layer().set_verify_mode(ssl::verify_peer, ec);
                if (!ec) {
                    ws_.next_layer().set_verify_callback(
                        [this](bool preverified, ssl::verify_context& vc) {
                            return verify_certificate(preverified, vc, verify_host_, tls_refusal_);
                        },
                        ec);
                }
            } else {
                ws_.next_layer().set_verify_mode(ssl::verify_none, ec);
            }
            if (ec) return fail(ec, "TLS setup");
            ws_.next_layer().async_handshake(
                ssl::stream_base::client,
                beast::bind_front_handler(&connection::on_tls_handshake, this->shared_from_this()));
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
        ws_.async_handshake(
            upgrade_response_, host, ep_.target,
            beast::bind_front_handler(&connection::on_upgrade, this->shared_from_this()));
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
        ws_.async_read_some(
            buffer_, 0, beast::bind_front_handler(&connection::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        reading_ = false;
        if (ec) return fail(ec, "read");
        last_received = clock::now();
        if (!ws_.is_message_done()) {
            // A little over the codec's limit, so that an oversized frame still reaches the
            // decoder and is counted and skipped (§9); past that the session ends.
            const std::size_t limit = settings_.limits.max_frame_bytes + 64 * 1024;
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
        ws_.async_write(net::buffer(queue_.front()),
                        beast::bind_front_handler(&connection::on_write, this->shared_from_this()));
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
            [self = this->shared_from_this()](beast::error_code) { self->abort(); });
    }

    /// Runs an owner callback; false when the connection should stop (closed by the owner, or
    /// the callback failed).
    template <class F>
    bool report(F&& f) {
        if (closed_by_owner_ || closed_) return false;
        try {
            f();
        } catch (const std::exception& e) {
            fail_with(std::string("internal error: ") + e.what());
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

// ---- the link ---------------------------------------------------------------------------------

std::uint64_t seed_of(std::uint64_t seed) {
    return seed != 0 ? seed
                     : static_cast<std::uint64_t>(clock::now().time_since_epoch().count()) ^
                           static_cast<std::uint64_t>(std::random_device{}());
}

class beast_link final : public link, public connection_owner {
  public:
    beast_link(link_settings settings, link_callbacks& callbacks, log_sink log)
        : settings_(loggable(std::move(settings))),
          callbacks_(callbacks),
          log_(std::move(log)),
          strand_(net::make_strand(io_)),
          delivery_(
              settings_.max_delivery_queue, [this] { on_delivery_drained(); },
              [this](int level, const std::string& line) { write_log(level, line); }),
          sm_([this](link_state from, link_state to,
                     const std::string& why) { on_transition(from, to, why); },
              [this](int level, const std::string& line) { write_log(level, line); }),
          requests_(settings_.max_requests_in_flight, settings_.max_outbound_queue),
          rng_(seed_of(settings_.seed)),
          backoff_(settings_.backoff_initial, settings_.backoff_max, settings_.backoff_jitter,
                   [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }),
          codec_(make_json_codec(settings_.limits)),
          tls_(settings_.tls,
               [this](int level, const std::string& line) { write_log(level, line); }),
          request_timer_(strand_),
          heartbeat_timer_(strand_),
          backoff_timer_(strand_),
          stable_timer_(strand_),
          probe_socket_(strand_),
          probe_resolver_(strand_),
          probe_timer_(strand_) {
        adopt_devices(settings_.devices);
    }

    ~beast_link() override { stop(); }

    // ---- link ----

    void start() override {
        std::lock_guard lock(life_);
        if (running_) return;
        running_ = true;
        io_.restart();
        work_.emplace(io_.get_executor());
        delivery_.start();
        io_thread_ = std::thread([this] {
            for (;;) {
                try {
                    io_.run();
                    return;
                } catch (const std::exception& e) {  // handlers catch their own; belt and braces
                    write_log(log_level::error, std::string("pbx-link: I/O thread: ") + e.what());
                }
            }
        });
        net::post(strand_, [this] { guarded("start", [&] { do_start(); }); });
    }

    void stop() override {
        {
            std::lock_guard lock(life_);
            if (!running_) return;
            if (delivery_.on_delivery_thread()) {
                write_log(log_level::error,
                          "pbx-link: stop() called from a callback (the delivery thread); ignored");
                return;
            }
            running_ = false;
            // Posted under the lock: every request() posted before is handled before this.
            net::post(strand_, [this] { guarded("stop", [&] { do_stop(); }); });
        }
        if (io_thread_.joinable()) io_thread_.join();
        delivery_.finish();
    }

    bool request(service_params params, completion done,
                 std::optional<milliseconds> timeout) override {
        // Under life_: a stop() either comes after this post (and do_stop completes the request)
        // or before it (and the caller is told at once); never both, never neither.
        std::lock_guard lock(life_);
        if (!running_) return false;
        net::post(strand_, [this, p = std::move(params), d = std::move(done),
                            t = timeout.value_or(settings_.request_timeout)]() mutable {
            guarded("request", [&] { do_request(std::move(p), std::move(d), t); });
        });
        return true;
    }

    void set_devices(std::vector<std::string> devices) override {
        // Always through the strand, in call order. When the I/O thread is not running the work
        // waits in the io_context and runs first at the next start() (before do_start).
        std::lock_guard lock(life_);
        net::post(strand_, [this, d = std::move(devices)]() mutable {
            guarded("set_devices", [&] { do_set_devices(std::move(d)); });
        });
    }

    link_figures figures() const override {
        std::lock_guard lock(fig_mutex_);
        link_figures f = fig_;
        f.delivery_queue = delivery_.size();
        const auto now_s =
            std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch())
                .count();
        std::uint64_t n = 0;
        for (const auto& [sec, count] : rate_) {
            // the last 4 complete seconds
            if (sec >= now_s - 4 && sec < now_s) n += count;
        }
        f.events_per_second = static_cast<double>(n) / 4.0;
        return f;
    }

  private:
    // ---- logging, figures, delivery ----

    /// Endpoint URLs go to logs and figures: a query (which could carry a credential) is cut
    /// from them; the upgrade request still uses the full target.
    static link_settings loggable(link_settings s) {
        for (auto& ep : s.endpoints) ep.url = without_query(ep.url);
        return s;
    }

    void write_log(int level, const std::string& line) const {
        if (!log_) return;
        try {
            log_(level, line);
        } catch (...) {  // a logger must not take the link down
        }
    }

    template <class F>
    void update(F&& f) {
        std::lock_guard lock(fig_mutex_);
        f(fig_);
    }

    /// Runs strand work; nothing escapes into Asio. A failure drops the session (if any).
    template <class F>
    void guarded(const char* what, F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            write_log(log_level::error,
                      std::string("pbx-link: internal error in ") + what + ": " + e.what());
            if (conn_) lose_connection(std::string("internal error: ") + e.what());
        }
    }

    /// Hands a callback to the delivery thread; stops reading when the queue is full.
    void deliver(delivery_queue::item fn, bool essential) {
        if (!delivery_.push(std::move(fn), essential) && !read_paused_) {
            read_paused_ = true;
            write_log(log_level::warn, "pbx-link: delivery queue full (" +
                                           std::to_string(settings_.max_delivery_queue) +
                                           "): reading paused until the consumer catches up");
            if (conn_) conn_->pause_reading();
        }
    }

    void on_delivery_drained() {
        net::post(strand_, [this] {
            if (!read_paused_) return;
            read_paused_ = false;
            write_log(log_level::info, "pbx-link: delivery queue drained: reading resumed");
            if (conn_) conn_->resume_reading();
        });
    }

    void complete(completion done, request_outcome o) {
        if (!done) return;
        deliver([d = std::move(done), o = std::move(o)]() { d(o); }, true);
    }

    static request_outcome failed(request_failure f) {
        request_outcome o;
        o.failure = f;
        return o;
    }

    void on_transition(link_state from, link_state to, const std::string& why) {
        update([&](link_figures& f) { f.state = to; });
        deliver([this, from, to, why] { callbacks_.on_state(from, to, why); },
                to == link_state::stopped);
    }

    // ---- lifecycle ----

    void do_start() {
        stopping_ = false;
        preferred_ = 0;
        attempt_in_round_ = 0;
        sm_.dispatch(link_event::start, "start()");
        if (settings_.endpoints.empty()) {
            write_log(log_level::error, "pbx-link: no endpoint configured");
        }
        connect_next();
    }

    void do_stop() {
        stopping_ = true;
        beast::error_code ignored;
        request_timer_.cancel();
        heartbeat_timer_.cancel();
        backoff_timer_.cancel();
        stable_timer_.cancel();
        probe_resolver_.cancel();
        probe_timer_.cancel();
        probe_socket_.close(ignored);
        if (auto p = probe_tls_.lock()) p->lowest_layer().close(ignored);
        fail_requests(request_failure::stopped);
        if (conn_) {
            conn_->close(1000, "client shutdown");
            conn_.reset();
        }
        reported_up_ = false;
        sm_.dispatch(link_event::stop, "stop()");
        work_.reset();  // run() returns once the close has finished (bounded by close_grace)
    }

    void fail_requests(request_failure why) {
        for (auto& p : requests_.take_all_pending()) {
            auto o = failed(why);
            o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p.sent);
            if (p.internal) {
                run_internal(p, std::move(o));
            } else {
                complete(std::move(p.done), std::move(o));
            }
        }
        if (why == request_failure::link_lost) {
            // Never on the wire: they wait for the next session like any request made now.
            requests_.hold_waiting(clock::now());
            arm_request_timer();
        } else {
            for (auto& w : requests_.take_all_waiting()) complete(std::move(w.done), failed(why));
        }
        update_request_figures();
    }

    void run_internal(pending_request& p, request_outcome o) {
        try {
            if (p.done) p.done(std::move(o));
        } catch (const std::exception& e) {
            write_log(log_level::error,
                      std::string("pbx-link: internal completion threw: ") + e.what());
        }
    }

    // ---- endpoints and backoff ----

    /// Starts an attempt on endpoint (preferred + attempt_in_round) of the list.
    void connect_next() {
        if (stopping_) return;
        const auto n = settings_.endpoints.size();
        if (n == 0) return round_failed("no endpoint configured");
        current_ = (preferred_ + attempt_in_round_) % n;
        const auto& ep = settings_.endpoints[current_];
        update([&](link_figures& f) { f.endpoint = ep.url; });
        write_log(log_level::info, "pbx-link: connecting to " + ep.url);
        if (!ep.secure) {
            write_log(log_level::warn, "pbx-link: " + ep.url + " is plain ws:// (no TLS)");
            conn_ =
                std::make_shared<connection<false>>(strand_, *this, settings_, ep, nullptr, log_);
        } else {
            std::shared_ptr<ssl::context> ctx;
            std::string error = tls_.make(ctx);
            if (!error.empty()) return attempt_failed(error);
            conn_ = std::make_shared<connection<true>>(strand_, *this, settings_, ep, ctx, log_);
        }
        conn_->run();
    }

    void attempt_failed(const std::string& reason) {
        const auto& url =
            settings_.endpoints.empty() ? std::string("-") : settings_.endpoints[current_].url;
        write_log(log_level::warn, "pbx-link: " + url + ": " + reason);
        conn_.reset();
        ++attempt_in_round_;
        if (attempt_in_round_ < settings_.endpoints.size()) {
            sm_.dispatch(link_event::attempt_failed,
                         url + ": " + reason + "; trying the next endpoint");
            return connect_next();
        }
        round_failed(url + ": " + reason);
    }

    void round_failed(const std::string& reason) {
        sm_.dispatch(link_event::round_failed, reason);
        schedule_reconnect();
    }

    void schedule_reconnect() {
        if (stopping_) return;
        attempt_in_round_ = 0;
        auto delay = backoff_.next();
        if (min_next_delay_ > delay) delay = min_next_delay_;
        min_next_delay_ = milliseconds{0};
        write_log(log_level::info,
                  "pbx-link: reconnecting in " + std::to_string(delay.count()) + " ms");
        backoff_timer_.expires_after(delay);
        backoff_timer_.async_wait([this](beast::error_code ec) {
            if (ec || stopping_) return;
            guarded("backoff", [&] {
                if (sm_.dispatch(link_event::backoff_elapsed, "backoff elapsed")) connect_next();
            });
        });
    }

    /// An established session ended: fail what was outstanding, report, back off.
    void lose_connection(const std::string& reason) {
        if (conn_) {
            conn_->abort();
            conn_.reset();
        }
        heartbeat_timer_.cancel();
        ++generation_;  // late batch completions of the old session are ignored
        fail_requests(request_failure::link_lost);
        write_log(log_level::warn, "pbx-link: connection lost: " + reason);
        count_flap();
        // Leave `live` first: whoever handles on_link_down must already see the link down.
        sm_.dispatch(link_event::connection_lost, reason);
        report_down(reason, false);
        schedule_reconnect();
    }

    // ---- stable sessions ----

    /// The backoff starts again from its initial delay only once a session has stayed up for
    /// stable_after after going live: a switch that breaks every session right after the resync
    /// gets growing delays, not a reconnection and a full resync every second.
    void arm_stable_timer() {
        if (live_since_) return;  // live again after a resync on the same session
        live_since_ = clock::now();
        stable_ = false;
        stable_timer_.expires_after(settings_.stable_after);
        stable_timer_.async_wait([this, session = session_](beast::error_code ec) {
            if (ec || stopping_ || session != session_ || !conn_) return;
            guarded("stable", [&] {
                stable_ = true;
                backoff_.reset();
            });
        });
    }

    /// A session lost after going live but before it was stable is a flap.
    void count_flap() {
        stable_timer_.cancel();
        if (live_since_ && !stable_) {
            const auto up = std::chrono::duration_cast<milliseconds>(clock::now() - *live_since_);
            std::uint64_t n = 0;
            update([&](link_figures& f) { n = ++f.flaps; });
            write_log(log_level::warn, "pbx-link: the session was lost " +
                                           std::to_string(up.count()) +
                                           " ms after going live (flap " + std::to_string(n) +
                                           "): the reconnect delay is not reset");
        }
        live_since_.reset();
        stable_ = false;
    }

    /// Closes the session with `code` (the close frame goes out after queued frames, the socket
    /// is cut after close_grace), then handles the loss.
    void drop_session(std::uint16_t code, const std::string& to_switch, const std::string& why) {
        if (conn_) {
            conn_->close(code, to_switch);
            conn_.reset();
        }
        lose_connection(why);
    }

    /// Queues on_link_down. Call it after the transition out of `live`, so that the callback
    /// follows on_state and the link's figures already show it down when it runs.
    void report_down(const std::string& reason, bool restarted, bool connection_kept = false) {
        if (!reported_up_ && !restarted) return;
        reported_up_ = false;
        deliver([this,
                 d = link_down{reason, restarted, connection_kept}] { callbacks_.on_link_down(d); },
                false);
    }

    // ---- connection_owner ----

    bool current(connection_base* c) const { return c != nullptr && c == conn_.get(); }

    void on_tcp_connected(connection_base* c, bool tls) override {
        if (!current(c)) return;
        const auto& ep = settings_.endpoints[current_];
        sm_.dispatch(tls ? link_event::tcp_connected : link_event::tcp_connected_plain,
                     "TCP open to " + ep.host + ":" + std::to_string(ep.port));
    }

    void on_tls_done(connection_base* c) override {
        if (!current(c)) return;
        sm_.dispatch(link_event::tls_done, settings_.tls.verify_peer
                                               ? "certificate chain and host name verified"
                                               : "certificate NOT verified (configured)");
    }

    void on_ws_done(connection_base* c) override {
        if (!current(c)) return;
        sm_.dispatch(link_event::ws_done,
                     "upgrade accepted, subprotocol " + std::string(subprotocol));
        update([&](link_figures& f) {
            if (++f.connects > 1) ++f.reconnects;
        });
        seq_.reset();
        monitors_.clear();
        ++session_;  // monitorRefs belong to a session: stops of the old one are moot
        live_since_.reset();
        stable_ = false;
        stop_refs_.clear();
        stops_in_flight_ = 0;
        hold_ = false;
        awaiting_service_ = false;
        malformed_times_.clear();
        if (read_paused_) c->pause_reading();
        // Every version this build speaks, newest first: a version-1 switch still serves us.
        svc::hello::params hello{
            {protocol_version, min_protocol_version}, settings_.client_name, std::string("0.1.0")};
        send_internal(
            service_params{std::in_place_index<service_index_v<svc::hello>>, hello},
            [this, gen = generation_](request_outcome o) { on_hello(gen, std::move(o)); });
    }

    void on_failed(connection_base* c, const std::string& reason, bool established) override {
        if (!current(c)) return;
        const auto code = c->close_code_seen;
        if (code == 4001) min_next_delay_ = std::min(milliseconds{60000}, settings_.backoff_max);
        if (code == 4003) min_next_delay_ = settings_.backoff_max;
        if (!established || sm_.state() == link_state::ws_handshake ||
            sm_.state() == link_state::tls_handshake || sm_.state() == link_state::connecting) {
            return attempt_failed(reason);
        }
        lose_connection(reason);
    }

    void on_frame(connection_base* c, std::string_view frame, bool text) override {
        if (!current(c)) return;
        if (!text) return malformed(frame.size(), "binary frame");
        auto decoded = codec_->decode(frame);
        update_codec_figures();
        if (!decoded.ok()) return malformed(frame.size(), decoded.error().to_string());
        std::visit([&](auto& m) { on_message(m); }, decoded.value());
    }

    void on_oversized(connection_base* c, std::size_t limit) override {
        if (!current(c)) return;
        update([&](link_figures& f) { ++f.malformed_frames; });
        drop_session(1009, "message too big",
                     "a message from the switch exceeds the frame limit of " +
                         std::to_string(limit) + " bytes (closed 1009)");
    }

    void malformed(std::size_t bytes, const std::string& why) {
        // The content may hold secrets: log the length and the decoder's verdict only.
        update([&](link_figures& f) { ++f.malformed_frames; });
        // The verdict may quote the frame (a member name, an unknown value): made log-safe.
        write_log(log_level::warn, "pbx-link: malformed frame (" + std::to_string(bytes) +
                                       " bytes) skipped: " + log_safe(why));
        const auto now = clock::now();
        malformed_times_.push_back(now);
        while (!malformed_times_.empty() &&
               now - malformed_times_.front() > std::chrono::minutes(1)) {
            malformed_times_.pop_front();
        }
        if (malformed_times_.size() > malformed_tolerance) {
            drop_session(4000, "too many malformed frames",
                         "more than " + std::to_string(malformed_tolerance) +
                             " malformed frames within a minute (closed 4000)");
        }
    }

    void update_codec_figures() {
        const auto& s = codec_->stats();
        update([&](link_figures& f) {
            f.unknown_messages = s.unknown_events + s.unknown_members + s.unknown_enum_values;
        });
    }

    // ---- messages from the switch ----

    void on_message(response& r) {
        auto p = requests_.take(r.id);
        if (!p) {
            auto* late = std::get_if<service_result>(&r.outcome);
            if (late != nullptr && requests_.take_timed_out(r.id)) {
                write_log(log_level::warn, "pbx-link: response " + log_safe(r.id, 64) +
                                               " arrived after its request timed out: the switch "
                                               "carried it out");
                deliver([this, res = std::move(*late)] { callbacks_.on_late_result(res); }, false);
                return;
            }
            write_log(log_level::debug, "pbx-link: response " + log_safe(r.id, 64) +
                                            " for no outstanding request (timed out before?)");
            return;
        }
        request_outcome o;
        o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p->sent);
        if (r.service_index != p->service_index) {
            o.failure = request_failure::csta_error;
            o.error = csta_error{error_category::operation, std::string(error_values::generic),
                                 "protocol error: response names another service"};
        } else if (auto* res = std::get_if<service_result>(&r.outcome)) {
            o.result = std::move(*res);
        } else {
            o.failure = request_failure::csta_error;
            o.error = std::get<csta_error>(std::move(r.outcome));
        }
        if (p->internal) {
            run_internal(*p, std::move(o));
        } else {
            update([&](link_figures& f) {
                f.last_round_trip = o.round_trip;
                f.average_round_trip =
                    f.average_round_trip.count() == 0
                        ? o.round_trip
                        : milliseconds{(f.average_round_trip.count() * 7 + o.round_trip.count()) /
                                       8};
            });
            complete(std::move(p->done), std::move(o));
        }
        pump_waiting();
        arm_request_timer();
    }

    void on_message(event_message& m) {
        if (!check_seq(m.seq)) return;
        if (std::holds_alternative<evt::unknown_event>(m.body)) return;  // counted by the codec
        const std::string* device = m.monitor_ref ? monitors_.device_of(*m.monitor_ref) : nullptr;
        if (!device) {
            write_log(log_level::debug, "pbx-link: event for an unknown monitor dropped");
            return;
        }
        // Before its snapshot the device's events are already reflected in it (§8).
        if (!monitors_.ready(*device)) return;
        count_event();
        deliver([this, d = *device, e = std::move(m)] { callbacks_.on_event(d, e); }, false);
    }

    void on_message(system_status_message& m) {
        if (!check_seq(m.seq)) return;
        const auto status = m.status;
        deliver([this, status] { callbacks_.on_system_status(status); }, false);
        write_log(log_level::info, "pbx-link: switch status " + std::string(to_string(status)));
        const auto st = sm_.state();
        if (st != link_state::monitoring && st != link_state::resyncing && st != link_state::live)
            return;
        switch (status) {
            case system_status::messages_lost:
                start_resync("systemStatus messagesLost", true);
                break;
            case system_status::initializing:
                awaiting_service_ = true;
                start_resync("systemStatus initializing");
                break;
            case system_status::disabled:
                awaiting_service_ = true;
                hold_ = true;
                start_resync("systemStatus disabled: not live until enabled/normal");
                break;
            case system_status::enabled:
                awaiting_service_ = false;
                hold_ = false;
                start_resync("systemStatus enabled");
                break;
            case system_status::normal:
                if (awaiting_service_) {
                    awaiting_service_ = false;
                    hold_ = false;
                    start_resync("systemStatus normal after initializing/disabled");
                }
                break;
            default:
                break;
        }
    }

    void on_message(heartbeat& h) { send_frame(codec_->encode(heartbeat_ack{h.id}), true); }

    void on_message(heartbeat_ack& a) {
        if (a.id == heartbeat_id_) {
            const auto rtt =
                std::chrono::duration_cast<milliseconds>(clock::now() - heartbeat_sent_);
            write_log(log_level::debug,
                      "pbx-link: heartbeat round trip " + std::to_string(rtt.count()) + " ms");
        }
    }

    void on_message(protocol::request&) {
        write_log(log_level::warn,
                  "pbx-link: the switch sent a request (not in version 1); ignored");
    }

    bool check_seq(std::uint64_t seq) {
        const auto expected = seq_.expected();
        const auto verdict = seq_.check(seq);
        if (verdict == seq_verdict::in_order) return true;
        update([&](link_figures& f) { ++f.sequence_gaps; });
        const auto why =
            std::string(verdict == seq_verdict::gap ? "sequence gap" : "sequence went back") +
            ": expected " + std::to_string(expected) + ", got " + std::to_string(seq);
        write_log(log_level::warn, "pbx-link: " + why);
        start_resync(why, true);
        return false;
    }

    void count_event() {
        const auto sec =
            std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch())
                .count();
        update([&](link_figures& f) {
            ++f.events;
            auto& slot = rate_[static_cast<std::size_t>(sec) % rate_.size()];
            if (slot.first != sec) slot = {sec, 0};
            ++slot.second;
        });
    }

    // ---- Hello, Authenticate ----

    void on_hello(std::uint64_t gen, request_outcome o) {
        if (gen != generation_ || !conn_) return;
        if (!o.ok()) return session_step_failed("Hello", o);
        const auto& r = std::get<service_index_v<svc::hello>>(*o.result);
        if (r.version < min_protocol_version || r.version > protocol_version) {
            min_next_delay_ = settings_.backoff_max;
            write_log(log_level::error, "pbx-link: the switch chose protocol version " +
                                            std::to_string(r.version) + ", which was not offered");
            return drop_session(1002, "Hello", "Hello failed: version not offered");
        }
        switch_heartbeat_ = milliseconds{r.heartbeat_interval_ms};
        max_batch_ = r.max_batch_size.value_or(1000);
        if (!instance_.empty() && instance_ != r.instance_id) {
            write_log(log_level::warn, "pbx-link: switch restarted (instance " +
                                           log_safe(instance_) + " -> " + log_safe(r.instance_id) +
                                           "): every previous call is gone");
            report_down("switch restarted", true);
        }
        instance_ = r.instance_id;
        update([&](link_figures& f) {
            f.switch_instance = instance_;
            f.protocol_version = r.version;
        });
        sm_.dispatch(link_event::hello_done, "version " + std::to_string(r.version) + ", switch " +
                                                 log_safe(r.switch_name) + ", instance " +
                                                 log_safe(r.instance_id));
        start_heartbeats();
        svc::authenticate::params auth{settings_.token};  // the token is never logged
        send_internal(service_params{std::in_place_index<service_index_v<svc::authenticate>>, auth},
                      [this, gen](request_outcome a) { on_authenticated(gen, std::move(a)); });
    }

    void on_authenticated(std::uint64_t gen, request_outcome o) {
        if (gen != generation_ || !conn_) return;
        if (!o.ok()) {
            if (o.error && o.error->category == error_category::security) {
                min_next_delay_ = std::min(milliseconds{60000}, settings_.backoff_max);
            }
            return session_step_failed("Authenticate", o);
        }
        preferred_ = current_;  // stay on the endpoint that works
        sm_.dispatch(link_event::authenticated, "authenticated");
        begin_pass();
    }

    void session_step_failed(const char* step, const request_outcome& o) {
        std::string why = std::string(step) + " failed: ";
        if (o.error) {
            why += std::string(to_string(o.error->category)) + "/" + log_safe(o.error->value, 64);
            if (o.error->value == error_values::unsupported_version) {
                min_next_delay_ = settings_.backoff_max;
                write_log(log_level::error, "pbx-link: no common protocol version with the switch");
            }
        } else if (o.failure) {
            why += std::string(to_string(*o.failure));
        }
        drop_session(1000, step, why);
    }

    // ---- resync ----

    void begin_pass() {
        ++generation_;  // completions of the previous pass and of additions in flight are moot
        monitors_.not_ready_any();
        // The full pass covers the whole current set, additions not yet handled included.
        extra_ = resync_plan();
        extra_waiting_.clear();
        plan_ = resync_plan(devices_, batch_limit(), settings_.batches_in_flight);
        update([&](link_figures& f) { ++f.resyncs; });
        drive_resync();
    }

    std::size_t batch_limit() const {
        return std::max<std::size_t>(1, std::min<std::size_t>(settings_.batch_size, max_batch_));
    }

    /// `messages_lost`: a gap or messagesLost, the switch itself is fine
    /// (link_down::connection_kept).
    void start_resync(const std::string& why, bool messages_lost = false) {
        const bool was_live = sm_.state() == link_state::live;
        const bool resyncing = sm_.dispatch(link_event::resync_needed, why);
        if (was_live)
            report_down(why, false, messages_lost);  // after the transition, as in lose_connection
        if (resyncing) begin_pass();
    }

    void drive_resync() {
        if (hold_) return;
        for (;;) {
            if (plan_.phase() == resync_phase::snapshot && sm_.state() == link_state::monitoring) {
                sm_.dispatch(link_event::monitors_done, "every device monitored");
            }
            if (plan_.phase() == resync_phase::done) {
                if (sm_.state() == link_state::monitoring) {
                    sm_.dispatch(link_event::monitors_done, "no device to snapshot");
                }
                return finish_pass();
            }
            while (auto b = plan_.next_batch()) send_batch(std::move(*b), false);
            if (!plan_.advance()) return;
        }
    }

    // ---- the monitored set changes (set_devices) ----

    /// Takes `devices` as the monitored set (duplicates dropped, order kept).
    void adopt_devices(std::vector<std::string> devices) {
        std::vector<std::string> next;
        std::unordered_set<std::string> wanted;
        next.reserve(devices.size());
        wanted.reserve(devices.size());
        for (auto& d : devices) {
            if (wanted.insert(d).second) next.push_back(std::move(d));
        }
        devices_ = std::move(next);
        wanted_ = std::move(wanted);
    }

    bool wanted(const std::string& device) const { return wanted_.count(device) != 0; }

    bool in_session() const {
        const auto st = sm_.state();
        return conn_ && !stopping_ &&
               (st == link_state::monitoring || st == link_state::resyncing ||
                st == link_state::live);
    }

    /// On the strand. Outside a session the new set applies at the next pass (begin_pass). In a
    /// session: removed devices lose their monitor at once (events dropped, MonitorStopBatch);
    /// added ones are monitored and snapshot once live (at once when live, else after the pass
    /// in progress), in batches with the same window as a resync. A pass in progress filters its
    /// results against the new set (see on_batch).
    void do_set_devices(std::vector<std::string> devices) {
        const auto old_wanted = wanted_;
        const auto old_count = devices_.size();
        adopt_devices(std::move(devices));
        std::vector<std::string> added, removed;
        for (const auto& d : devices_) {
            if (!old_wanted.count(d)) added.push_back(d);
        }
        for (const auto& d : old_wanted) {
            if (!wanted_.count(d)) removed.push_back(d);
        }
        if (added.empty() && removed.empty()) return;
        write_log(log_level::info, "pbx-link: monitored devices " + std::to_string(old_count) +
                                       " -> " + std::to_string(devices_.size()) + " (" +
                                       std::to_string(added.size()) + " added, " +
                                       std::to_string(removed.size()) + " removed)");
        if (!in_session()) return;  // the next pass monitors devices_
        for (const auto& d : removed) {
            if (auto ref = monitors_.remove_device(d)) stop_refs_.push_back(std::move(*ref));
        }
        std::erase_if(extra_waiting_, [&](const std::string& d) { return !wanted(d); });
        pump_stops();
        extra_waiting_.insert(extra_waiting_.end(), added.begin(), added.end());
        if (sm_.state() == link_state::live) start_extra();
    }

    /// Monitors + snapshots the devices added while live (extra_waiting_); one plan at a time.
    void start_extra() {
        if (extra_.phase() != resync_phase::done || extra_waiting_.empty()) return;
        if (sm_.state() != link_state::live || !conn_) return;
        extra_ = resync_plan(extra_waiting_, batch_limit(), settings_.batches_in_flight);
        extra_waiting_.clear();
        drive_extra();
    }

    void drive_extra() {
        for (;;) {
            if (extra_.phase() == resync_phase::done) return start_extra();  // more added since
            while (auto b = extra_.next_batch()) send_batch(std::move(*b), true);
            if (!extra_.advance()) return;
        }
    }

    /// MonitorStopBatch for the monitors of removed devices, `batches_in_flight` at a time. A
    /// failure is logged only: the devices' events are dropped by the link anyway.
    void pump_stops() {
        if (!in_session()) return;
        const auto window = std::max<std::size_t>(1, settings_.batches_in_flight);
        while (stops_in_flight_ < window && !stop_refs_.empty()) {
            const auto n = std::min(batch_limit(), stop_refs_.size());
            std::vector<std::string> refs(
                std::make_move_iterator(stop_refs_.begin()),
                std::make_move_iterator(stop_refs_.begin() + static_cast<std::ptrdiff_t>(n)));
            stop_refs_.erase(stop_refs_.begin(),
                             stop_refs_.begin() + static_cast<std::ptrdiff_t>(n));
            ++stops_in_flight_;
            svc::monitor_stop_batch::params p{std::move(refs)};
            send_internal(
                service_params{std::in_place_index<service_index_v<svc::monitor_stop_batch>>,
                               std::move(p)},
                [this, session = session_](request_outcome o) {
                    if (session != session_) return;  // another session: its monitors are gone
                    if (stops_in_flight_ > 0) --stops_in_flight_;
                    if (!o.ok()) {
                        write_log(
                            log_level::warn,
                            "pbx-link: MonitorStopBatch failed: " +
                                (o.error ? o.error->value
                                         : std::string(o.failure ? to_string(*o.failure) : "?")));
                    } else {
                        const auto& r =
                            std::get<service_index_v<svc::monitor_stop_batch>>(*o.result);
                        for (const auto& item : r.results) {
                            if (item.error) {
                                write_log(log_level::debug, "pbx-link: MonitorStop " +
                                                                item.monitor_ref + ": " +
                                                                item.error->value);
                            }
                        }
                    }
                    pump_stops();
                });
        }
    }

    void send_batch(std::vector<std::string> devices, bool extra) {
        const bool monitor = (extra ? extra_ : plan_).phase() == resync_phase::monitor;
        auto handler = [this, gen = generation_, monitor, extra,
                        devs = devices](request_outcome o) {
            if (gen != generation_) return;  // a newer pass (or session) owns the plan
            on_batch(monitor, extra, devs, std::move(o));
        };
        if (monitor) {
            svc::monitor_start_batch::params p{std::move(devices)};
            send_internal(
                service_params{std::in_place_index<service_index_v<svc::monitor_start_batch>>,
                               std::move(p)},
                std::move(handler));
        } else {
            svc::snapshot_device_batch::params p{std::move(devices)};
            send_internal(
                service_params{std::in_place_index<service_index_v<svc::snapshot_device_batch>>,
                               std::move(p)},
                std::move(handler));
        }
    }

    static bool retry_later(const csta_error& e) { return e.value == "performanceLimitExceeded"; }

    /// A batch of the full pass (plan_) or of additions (extra_) came back. Devices removed by
    /// set_devices meanwhile get no truth, and a monitor started for one is stopped again.
    void on_batch(bool monitor, bool extra, const std::vector<std::string>& devices,
                  request_outcome o) {
        if (!o.ok() && o.failure != request_failure::csta_error) {
            // Timed out (or lost): the pass cannot complete on this session.
            if (o.failure == request_failure::timeout) {
                lose_connection(std::string(monitor ? "MonitorStartBatch" : "SnapshotDeviceBatch") +
                                " timed out");
            }
            return;
        }
        std::vector<std::string> done, retry;
        if (!o.ok()) {  // the whole batch was refused: every device gets the error as its truth
            for (const auto& d : devices) {
                if (wanted(d)) truth(device_truth{d, {}, o.error, {}});
            }
        } else if (monitor) {
            auto& r = std::get<service_index_v<svc::monitor_start_batch>>(*o.result);
            for (auto& item : r.results) {
                if (!wanted(item.device)) {  // removed meanwhile
                    if (item.monitor_ref) stop_refs_.push_back(std::move(*item.monitor_ref));
                } else if (item.monitor_ref) {
                    monitors_.add(*item.monitor_ref, item.device);
                    monitors_.set_capabilities(item.device, std::move(item.caps));
                    done.push_back(item.device);
                } else if (item.error && retry_later(*item.error)) {
                    retry.push_back(item.device);
                } else {
                    truth(device_truth{item.device, {}, item.error, {}});
                }
            }
            for (std::size_t i = r.results.size(); i < devices.size(); ++i) {
                if (wanted(devices[i])) retry.push_back(devices[i]);
            }
        } else {
            auto& r = std::get<service_index_v<svc::snapshot_device_batch>>(*o.result);
            for (auto& item : r.results) {
                // removed meanwhile (or removed and added again: the additions snapshot it)
                if (!wanted(item.device) || !monitors_.monitored(item.device)) continue;
                if (item.error && retry_later(*item.error)) {
                    retry.push_back(item.device);
                    continue;
                }
                truth(device_truth{item.device, std::move(item.connections), item.error,
                                   monitors_.capabilities(item.device)});
            }
            for (std::size_t i = r.results.size(); i < devices.size(); ++i) {
                if (wanted(devices[i])) retry.push_back(devices[i]);
            }
        }
        auto& plan = extra ? extra_ : plan_;
        if (monitor) {
            plan.monitor_batch_done(done, retry);
        } else {
            plan.snapshot_batch_done(retry);
        }
        pump_stops();
        if (extra) {
            drive_extra();
        } else {
            drive_resync();
        }
    }

    void truth(device_truth t) {
        monitors_.set_ready(t.device);
        deliver([this, t = std::move(t)] { callbacks_.on_device_truth(t); }, false);
    }

    void finish_pass() {
        if (!sm_.dispatch(link_event::truth_complete, "every device has its truth")) return;
        reported_up_ = true;
        arm_stable_timer();
        idle_since_ = clock::now();
        deliver([this] { callbacks_.on_live(); }, false);
        pump_waiting();
        pump_stops();
        start_extra();  // devices added during the pass
    }

    // ---- requests ----

    void send_frame(std::string frame, bool urgent) {
        if (conn_) conn_->send(std::move(frame), urgent);
    }

    void send_internal(service_params params, completion done) {
        const auto index = params.index();
        auto id =
            requests_.add(index, std::move(done), settings_.request_timeout, clock::now(), true);
        send_frame(codec_->encode(protocol::request{std::move(id), std::move(params)}), false);
        arm_request_timer();
    }

    void do_request(service_params params, completion done, milliseconds timeout) {
        update([&](link_figures& f) { ++f.requests; });
        if (stopping_) return complete(std::move(done), failed(request_failure::stopped));
        const bool live = sm_.state() == link_state::live && conn_;
        if (live) idle_since_ = clock::now();
        if (live && requests_.has_slot() && requests_.waiting() == 0) {
            send_user(std::move(params), std::move(done), timeout);
        } else {
            // Not live: held until the resync is over (an application that opens a line and
            // dials at once must succeed), bounded by the request's own timeout.
            waiting_request w{std::move(params), done, timeout, std::nullopt};
            if (!live) w.hold_deadline = clock::now() + timeout;
            if (!requests_.enqueue(std::move(w))) {
                complete(std::move(done), failed(request_failure::backpressure));
            } else if (!live) {
                arm_request_timer();
            }
        }
        update_request_figures();
    }

    void send_user(service_params params, completion done, milliseconds timeout) {
        const auto index = params.index();
        auto id = requests_.add(index, std::move(done), timeout, clock::now(), false);
        send_frame(codec_->encode(protocol::request{std::move(id), std::move(params)}), false);
        arm_request_timer();
    }

    void pump_waiting() {
        if (sm_.state() != link_state::live || !conn_) return;
        while (auto w = requests_.pop_waiting())
            send_user(std::move(w->params), std::move(w->done), w->timeout);
        update_request_figures();
    }

    void update_request_figures() {
        update([&](link_figures& f) {
            f.requests_in_flight = static_cast<std::uint32_t>(requests_.user_in_flight());
            f.requests_queued = static_cast<std::uint32_t>(requests_.waiting());
        });
    }

    /// One timer for every request: armed at the earliest deadline.
    void arm_request_timer() {
        const auto next = requests_.next_deadline();
        if (!next) {
            armed_deadline_.reset();
            return;  // a pending wait finds nothing expired and does not re-arm
        }
        if (armed_deadline_ && *armed_deadline_ <= *next) return;
        armed_deadline_ = *next;
        request_timer_.expires_at(*next);
        request_timer_.async_wait([this](beast::error_code ec) {
            if (ec) return;  // re-armed earlier, or stopping
            guarded("request timer", [&] { on_request_timer(); });
        });
    }

    void on_request_timer() {
        armed_deadline_.reset();
        for (auto& w : requests_.take_expired_waiting(clock::now())) {
            write_log(log_level::warn, "pbx-link: a " +
                                           std::string(service_name(w.params.index())) +
                                           " request gave up waiting for the link to be live");
            complete(std::move(w.done), failed(request_failure::not_connected));
        }
        for (auto& p : requests_.take_expired(clock::now())) {
            auto o = failed(request_failure::timeout);
            o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p.sent);
            if (p.internal) {
                write_log(log_level::warn,
                          "pbx-link: " + std::string(service_name(p.service_index)) + " timed out");
                run_internal(p, std::move(o));
            } else {
                // The outcome on the switch is unknown; the request is never sent again.
                write_log(log_level::warn, "pbx-link: request " + p.id + " (" +
                                               std::string(service_name(p.service_index)) +
                                               ") timed out");
                update([&](link_figures& f) { ++f.request_timeouts; });
                complete(std::move(p.done), std::move(o));
            }
        }
        pump_waiting();
        arm_request_timer();
    }

    // ---- heartbeats, fallback ----

    milliseconds send_interval() const {
        auto i = std::min(settings_.heartbeat_interval, switch_heartbeat_);
        return std::max(i, milliseconds{1});
    }

    void start_heartbeats() {
        heartbeat_timer_.cancel();
        arm_heartbeat();
    }

    void arm_heartbeat() {
        heartbeat_timer_.expires_after(std::max(send_interval() / 4, milliseconds{1}));
        heartbeat_timer_.async_wait([this, c = conn_.get()](beast::error_code ec) {
            if (ec || stopping_ || !current(c)) return;
            guarded("heartbeat", [&] {
                if (on_heartbeat_tick()) arm_heartbeat();
            });
        });
    }

    /// Returns false when the session was dropped.
    bool on_heartbeat_tick() {
        const auto now = clock::now();
        const auto interval = send_interval();
        // While we are not reading (our consumer is slow) silence proves nothing.
        if (!read_paused_ && now - conn_->last_received > interval * settings_.missed_heartbeats) {
            write_log(log_level::warn, "pbx-link: nothing received for " +
                                           std::to_string(settings_.missed_heartbeats) +
                                           " heartbeat intervals of " +
                                           std::to_string(interval.count()) + " ms");
            drop_session(4002, "heartbeat timeout", "heartbeat timeout");
            return false;
        }
        if (now - conn_->last_sent >= interval && conn_->queued_writes() == 0) {
            heartbeat_id_ = "c-hb-" + std::to_string(++heartbeat_count_);
            heartbeat_sent_ = now;
            send_frame(codec_->encode(heartbeat{heartbeat_id_}), false);
            conn_->last_sent = now;  // one heartbeat per interval, even before it is written
        }
        maybe_probe_primary(now);
        return true;
    }

    /// Fallback to the primary (optional): when the link has been idle (no request in flight or
    /// queued) for the configured time on a standby, a probe checks the primary in the
    /// background; only when it answers is the standby session closed and the primary tried
    /// (standbys follow in order if the full handshake fails there). For wss:// the probe is a
    /// verified TLS handshake: an open port alone (a balancer, a gateway still starting, a
    /// broken certificate) would tear the standby session down at every probe for a primary that
    /// fails at once (ctigw-soak's failover fault found this).
    void maybe_probe_primary(time_point now) {
        if (!settings_.fallback_to_primary_after_idle || current_ == 0 || probing_ ||
            sm_.state() != link_state::live || settings_.endpoints.empty()) {
            return;
        }
        if (requests_.user_in_flight() != 0 || requests_.waiting() != 0) {
            idle_since_ = now;
            return;
        }
        if (now - idle_since_ < *settings_.fallback_to_primary_after_idle || now < next_probe_)
            return;
        probing_ = true;
        // A primary that takes the connection and then says nothing must not hold the probe.
        probe_timer_.expires_after(settings_.connect_timeout);
        probe_timer_.async_wait([this](beast::error_code ec) {
            if (ec) return;
            beast::error_code ignored;
            probe_resolver_.cancel();
            probe_socket_.close(ignored);
            if (auto p = probe_tls_.lock()) p->lowest_layer().close(ignored);
        });
        const auto& primary = settings_.endpoints[0];
        probe_resolver_.async_resolve(
            primary.host, std::to_string(primary.port),
            [this](beast::error_code ec, tcp::resolver::results_type results) {
                if (ec || stopping_) return probe_done(false);
                net::async_connect(probe_socket_, results,
                                   [this](beast::error_code ec2, const tcp::endpoint&) {
                                       if (ec2 || stopping_ || !settings_.endpoints[0].secure) {
                                           beast::error_code ignored;
                                           probe_socket_.close(ignored);
                                           return probe_done(!ec2);
                                       }
                                       probe_tls();
                                   });
            });
    }

    void probe_tls() {
        std::shared_ptr<ssl::context> ctx;
        if (!tls_.make(ctx).empty()) {
            beast::error_code ignored;
            probe_socket_.close(ignored);
            return probe_done(false);
        }
        const auto& primary = settings_.endpoints[0];
        auto host = std::make_shared<std::string>(
            settings_.tls.server_name.empty() ? primary.host : settings_.tls.server_name);
        // The stream owns the socket now (probe_socket_ is as new again) and ends with the probe.
        auto stream = std::make_shared<ssl::stream<tcp::socket>>(std::move(probe_socket_), *ctx);
        probe_tls_ = stream;
        auto refusal = std::make_shared<std::string>();
        beast::error_code ec;
        if (!is_ip_literal(*host)) SSL_set_tlsext_host_name(stream->native_handle(), host->c_str());
        if (settings_.tls.verify_peer) {
            stream->set_verify_mode(ssl::verify_peer, ec);
            stream->set_verify_callback(
                [host, refusal](bool preverified, ssl::verify_context& vc) {
                    return verify_certificate(preverified, vc, *host, *refusal);
                },
                ec);
        }
        stream->async_handshake(
            ssl::stream_base::client, [this, stream, ctx](beast::error_code hec) {
                const auto& pin = settings_.tls.pinned_sha256;
                const bool ok =
                    !hec && (pin.empty() || check_pin(stream->native_handle(), pin).empty());
                beast::error_code ignored;
                stream->lowest_layer().close(ignored);
                probe_tls_.reset();
                probe_done(ok && !stopping_);
            });
    }

    void probe_done(bool reachable) {
        probing_ = false;
        probe_timer_.cancel();
        next_probe_ = clock::now() + *settings_.fallback_to_primary_after_idle;
        if (!reachable || stopping_ || sm_.state() != link_state::live || current_ == 0) return;
        if (requests_.user_in_flight() != 0 || requests_.waiting() != 0) return;
        guarded("fallback", [&] {
            const std::string why = "the primary is reachable again and the link is idle";
            if (conn_) {
                conn_->close(1000, "returning to the primary");
                conn_.reset();
            }
            heartbeat_timer_.cancel();
            ++generation_;
            fail_requests(request_failure::link_lost);  // none: the link is idle
            preferred_ = 0;
            attempt_in_round_ = 0;
            const bool switching = sm_.dispatch(link_event::switch_endpoint, why);
            report_down("returning to the primary endpoint", false);
            if (switching) connect_next();
        });
    }

    // ---- data ----

    const link_settings settings_;
    link_callbacks& callbacks_;
    log_sink log_;

    net::io_context io_;
    strand_t strand_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
    std::thread io_thread_;
    std::mutex life_;
    bool running_ = false;

    mutable std::mutex fig_mutex_;
    link_figures fig_;
    std::array<std::pair<long long, std::uint64_t>, 8> rate_{};

    // Everything below belongs to the strand.
    delivery_queue delivery_;
    link_state_machine sm_;
    request_table requests_;
    std::mt19937_64 rng_;
    backoff backoff_;
    std::unique_ptr<codec> codec_;
    tls_context_factory tls_;
    net::steady_timer request_timer_;
    net::steady_timer heartbeat_timer_;
    net::steady_timer backoff_timer_;
    net::steady_timer stable_timer_;
    tcp::socket probe_socket_;
    tcp::resolver probe_resolver_;
    std::weak_ptr<ssl::stream<tcp::socket>> probe_tls_;  ///< the TLS probe while it runs
    net::steady_timer probe_timer_;                      ///< bounds a probe (connect_timeout)
    std::optional<time_point> armed_deadline_;

    std::shared_ptr<connection_base> conn_;
    std::size_t preferred_ = 0;
    std::size_t current_ = 0;
    std::size_t attempt_in_round_ = 0;
    milliseconds min_next_delay_{0};
    std::uint64_t generation_ = 0;
    bool stopping_ = false;
    bool reported_up_ = false;
    bool read_paused_ = false;
    bool hold_ = false;
    bool awaiting_service_ = false;
    bool probing_ = false;
    time_point idle_since_{};
    time_point next_probe_{};
    std::optional<time_point> live_since_;  ///< when this session first went live
    bool stable_ = false;                   ///< live for stable_after: the backoff was reset

    std::string instance_;
    milliseconds switch_heartbeat_{10000};
    std::size_t max_batch_ = 1000;
    sequence_tracker seq_;
    monitor_map monitors_;
    resync_plan plan_;
    // the monitored set (set_devices), and its changes while a session runs
    std::vector<std::string> devices_;
    std::unordered_set<std::string> wanted_;
    resync_plan extra_;                       ///< additions being monitored + snapshot (live)
    std::vector<std::string> extra_waiting_;  ///< additions waiting for live / for extra_
    std::deque<std::string> stop_refs_;       ///< monitors of removed devices, to stop
    std::size_t stops_in_flight_ = 0;
    std::uint64_t session_ = 0;
    std::deque<time_point> malformed_times_;
    std::string heartbeat_id_;
    time_point heartbeat_sent_{};
    std::uint64_t heartbeat_count_ = 0;
};

}  // namespace

std::unique_ptr<link> make_beast_link(link_settings settings, link_callbacks& callbacks,
                                      log_sink log) {
    return std::make_unique<beast_link>(std::move(settings), callbacks, std::move(log));
}

}  // namespace ctigw::pbx_link
