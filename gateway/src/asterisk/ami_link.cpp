// The AMI link (ami_link.hpp): the only Asio/OpenSSL TU of the Asterisk backend's AMI part.
// One io thread, so no locks. Each connection attempt gets a number (attempt_); a handler of an
// older attempt finds it changed and does nothing, which is how closing and reconnecting stay
// race-free without per-attempt objects.
#include "ami_link.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <deque>
#include <exception>
#include <optional>
#include <random>
#include <utility>

#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/protocol/tls_policy.hpp"

namespace ctigw::gateway::ami {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;
using config::log_level;

std::string_view to_string(link_state s) noexcept {
    switch (s) {
        case link_state::stopped:
            return "stopped";
        case link_state::connecting:
            return "connecting";
        case link_state::awaiting_banner:
            return "awaiting_banner";
        case link_state::logging_in:
            return "logging_in";
        case link_state::up:
            return "up";
        case link_state::backoff:
            return "backoff";
    }
    return "unknown";
}

namespace {

constexpr std::string_view banner_prefix = "Asterisk Call Manager/";

std::string ms_text(milliseconds d) {
    return std::to_string(d.count()) + " ms";
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

/// A client context under the project's policy, trusting `ca_file` (or the system's store).
std::string make_tls_context(const link_settings& s, std::shared_ptr<ssl::context>& out) {
    namespace policy = protocol::tls_policy;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | SSL_OP_NO_RENEGOTIATION,
                     ec);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_security_level(native, policy::min_security_level);
    if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(native, policy::tls12_cipher_list) != 1 ||
        SSL_CTX_set_ciphersuites(native, policy::tls13_ciphersuites) != 1) {
        return "TLS: cannot apply the TLS policy";
    }
    if (s.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) return "TLS: cannot load the system's trust store: " + ec.message();
    } else {
        ctx->load_verify_file(s.ca_file, ec);
        if (ec) return "TLS: cannot load the CA file " + s.ca_file + ": " + ec.message();
    }
    ctx->set_verify_mode(ssl::verify_peer);
    out = std::move(ctx);
    return {};
}

}  // namespace

struct link::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io, link_settings settings, link_listener& l, log_sink log)
        : io_(io),
          s_(std::move(settings)),
          listener_(&l),
          log_(std::move(log)),
          resolver_(io),
          connect_timer_(io),
          action_timer_(io),
          ping_timer_(io),
          backoff_timer_(io),
          tick_timer_(io),
          parser_(s_.limits),
          actions_(s_.max_pending_actions),
          next_delay_(s_.backoff_min) {
        if (s_.server_name.empty()) s_.server_name = s_.host;
    }

    // ---- state ------------------------------------------------------------------------------

    void transition(link_state to, const std::string& why) {
        const auto from = state_;
        state_ = to;
        ++epoch_;
        log(log_level::info, "ami: " + std::string(to_string(from)) + " -> " +
                                 std::string(to_string(to)) + " (" + why + ")");
        notify([&] { listener_->on_transition(from, to, why); });
    }

    void start() {
        if (state_ != link_state::stopped) return;
        transition(link_state::connecting, "start");
        connect();
        schedule_tick();
    }

    /// The owner's clock tick: runs in every state but stopped, connected or not.
    void schedule_tick() {
        if (s_.tick_interval.count() <= 0) return;
        tick_timer_.expires_after(s_.tick_interval);
        tick_timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->state_ == link_state::stopped) return;
            self->guarded([&] {
                self->notify([&] { self->listener_->on_tick(); });
                if (self->state_ != link_state::stopped) self->schedule_tick();
            });
        });
    }

    /// Up to `jitter` of the delay is taken off at random, so that gateways that lost the same
    /// Asterisk do not all log in again in the same millisecond.
    milliseconds jittered(milliseconds delay) {
        if (s_.backoff_jitter <= 0.0 || delay.count() <= 1) return delay;
        std::uniform_real_distribution<double> cut(0.0, std::min(s_.backoff_jitter, 1.0));
        return milliseconds(static_cast<milliseconds::rep>(static_cast<double>(delay.count()) *
                                                           (1.0 - cut(random_))));
    }

    void stop(bool tell_listener) {
        if (state_ == link_state::stopped) return;
        if (!tell_listener) listener_ = nullptr;
        close_connection();
        backoff_timer_.cancel();
        tick_timer_.cancel();
        transition(link_state::stopped, "stop");
        complete_all(action_error::stopped, "the AMI link was stopped");
        notify([&] { listener_->on_down("stopped", false); });
    }

    /// The end of an attempt or session (never called in stopped or backoff).
    void fail(const std::string& reason) {
        if (state_ == link_state::stopped || state_ == link_state::backoff) return;
        const bool was_up = state_ == link_state::up;
        log(was_up ? log_level::warn : log_level::error, "ami: " + reason);
        close_connection();
        if (was_up && clock::now() - up_since_ >= s_.stable_after) next_delay_ = s_.backoff_min;
        const auto delay = jittered(next_delay_);
        next_delay_ = std::min(next_delay_ * 2, s_.backoff_max);
        transition(link_state::backoff, reason + "; retry in " + ms_text(delay));
        const auto epoch = epoch_;
        complete_all(action_error::link_lost, "the AMI link was lost: " + reason);
        notify([&] { listener_->on_down(reason, true); });
        if (epoch != epoch_) return;  // a callback stopped the link
        backoff_timer_.expires_after(delay);
        backoff_timer_.async_wait([self = shared_from_this(), epoch](error_code ec) {
            if (ec || epoch != self->epoch_) return;
            self->guarded([&] {
                self->transition(link_state::connecting, "backoff elapsed");
                self->connect();
            });
        });
    }

    // ---- connecting -------------------------------------------------------------------------

    void connect() {
        const auto attempt = ++attempt_;
        parser_.reset();
        tls_refusal_.clear();
        if (s_.tls) {
            if (auto err = make_tls_context(s_, tls_ctx_); !err.empty()) return fail(err);
            tls_ = std::make_shared<ssl::stream<tcp::socket>>(io_, *tls_ctx_);
        } else {
            tcp_ = std::make_shared<tcp::socket>(io_);
        }
        connect_timer_.expires_after(s_.connect_timeout);
        connect_timer_.async_wait([self = shared_from_this(), attempt](error_code ec) {
            if (ec || attempt != self->attempt_) return;
            self->guarded([&] {
                self->fail("no AMI banner within " + ms_text(self->s_.connect_timeout) + " of " +
                           "starting to connect to " + self->endpoint_text());
            });
        });
        resolver_.async_resolve(
            s_.host, std::to_string(s_.port),
            [self = shared_from_this(), attempt](error_code ec, tcp::resolver::results_type r) {
                if (attempt != self->attempt_) return;
                self->guarded([&] {
                    if (ec)
                        return self->fail("cannot resolve " + self->s_.host + ": " + ec.message());
                    net::async_connect(self->socket(), r,
                                       [self, attempt, keep = self->streams()](
                                           error_code ec2, const tcp::endpoint&) {
                                           if (attempt != self->attempt_) return;
                                           self->guarded([&] { self->on_connected(ec2); });
                                       });
                });
            });
    }

    void on_connected(error_code ec) {
        if (ec) return fail("cannot connect to " + endpoint_text() + ": " + ec.message());
        error_code ignored;
        socket().set_option(tcp::no_delay(true), ignored);
        if (!tls_) return on_stream_ready();
        SSL* native = tls_->native_handle();
        // SNI carries host names only (RFC 6066 §3), never IP literals.
        if (!is_ip_literal(s_.server_name) &&
            SSL_set_tlsext_host_name(native, s_.server_name.c_str()) != 1) {
            return fail("TLS: cannot set SNI to " + s_.server_name);
        }
        tls_->set_verify_callback(
            [this](bool preverified, ssl::verify_context& vc) {
                const bool ok = ssl::host_name_verification(s_.server_name)(preverified, vc);
                if (!ok && tls_refusal_.empty()) {
                    const int err = X509_STORE_CTX_get_error(vc.native_handle());
                    tls_refusal_ = err == X509_V_OK
                                       ? "host name mismatch (not valid for " + s_.server_name + ")"
                                       : X509_verify_cert_error_string(err);
                }
                return ok;
            },
            ec);
        if (ec) return fail("TLS setup: " + ec.message());
        tls_->async_handshake(ssl::stream_base::client, [self = shared_from_this(),
                                                         attempt = attempt_,
                                                         keep = streams()](error_code ec2) {
            if (attempt != self->attempt_) return;
            self->guarded([&] {
                if (ec2) {
                    return self->fail("TLS handshake with " + self->endpoint_text() + " failed: " +
                                      (self->tls_refusal_.empty()
                                           ? ec2.message()
                                           : "certificate refused: " + self->tls_refusal_));
                }
                self->on_stream_ready();
            });
        });
    }

    void on_stream_ready() {
        transition(link_state::awaiting_banner, "connected to " + endpoint_text());
        read();
    }

    void on_banner(const std::string& banner) {
        if (banner.substr(0, banner_prefix.size()) != banner_prefix) {
            return fail("not an AMI server: banner \"" + protocol::log_safe(banner) + "\"");
        }
        connect_timer_.cancel();
        version_ = banner.substr(banner_prefix.size());
        transition(link_state::logging_in, "banner \"" + protocol::log_safe(banner) + "\"");
        // The secret goes into the wire text only; no log line ever shows action headers.
        submit(
            "Login", {{"Username", s_.username}, {"Secret", s_.secret}, {"Events", "on"}},
            [self = shared_from_this(), attempt = attempt_](const action_result& r) {
                if (attempt != self->attempt_) return;
                self->on_login(r);
            },
            true);
    }

    void on_login(const action_result& r) {
        if (r.error == action_error::refused) {
            const auto why = r.response.get("Message");
            return fail("login refused by Asterisk for user \"" + protocol::log_safe(s_.username) +
                        "\" (secret=<redacted>): " +
                        (why.empty() ? std::string("(no message)") : protocol::log_safe(why)));
        }
        if (r.error == action_error::timeout) {
            return fail("no answer to Login within " + ms_text(s_.action_timeout));
        }
        if (r.error == action_error::link_lost || r.error == action_error::stopped) return;
        if (!r.ok()) return fail("Login failed: " + r.reason);
        up_since_ = clock::now();
        transition(link_state::up, "logged in as \"" + protocol::log_safe(s_.username) + "\"");
        const auto epoch = epoch_;
        notify([&] { listener_->on_up(version_); });
        if (epoch == epoch_) arm_ping();
    }

    // ---- keepalive --------------------------------------------------------------------------

    void arm_ping() {
        ping_timer_.expires_after(s_.ping_interval);
        ping_timer_.async_wait([self = shared_from_this(), attempt = attempt_](error_code ec) {
            if (ec || attempt != self->attempt_ || self->state_ != link_state::up) return;
            self->guarded([&] {
                self->submit(
                    "Ping", {},
                    [self, attempt](const action_result& r) {
                        if (attempt != self->attempt_) return;
                        if (r.ok()) return self->arm_ping();
                        if (r.error == action_error::timeout) {
                            self->fail("no answer to Ping within " +
                                       ms_text(self->s_.action_timeout) +
                                       " (connection dead or half-open)");
                        }
                    },
                    true);
            });
        });
    }

    // ---- actions ----------------------------------------------------------------------------

    void send(std::string action, const std::vector<header>& headers, completion done) {
        if (state_ != link_state::up) {
            return post_error(std::move(done), action_error::not_up,
                              "the AMI link is not up (" + std::string(to_string(state_)) + ")");
        }
        submit(std::move(action), headers, std::move(done), false);
    }

    void submit(std::string action, const std::vector<header>& headers, completion done,
                bool internal) {
        auto wire = encode_action(action, actions_.next_id(), headers);
        if (!wire.ok()) {
            log(log_level::warn,
                "ami: action " + protocol::log_safe(action) + " not sent: " + wire.error);
            return post_error(std::move(done), action_error::invalid, wire.error);
        }
        if (!internal && actions_.full()) {  // Login and Ping never wait behind user actions
            return post_error(
                std::move(done), action_error::queue_full,
                "too many pending AMI actions (" + std::to_string(s_.max_pending_actions) + ")");
        }
        if (queued_bytes_ + wire.wire.size() > s_.max_queued_bytes) {
            return post_error(std::move(done), action_error::queue_full,
                              "AMI send queue full (" + std::to_string(queued_bytes_) + " bytes)");
        }
        log(log_level::debug,
            "ami: sending " + protocol::log_safe(action) + " " + actions_.next_id());
        actions_.add(std::move(action), std::move(done), s_.action_timeout, clock::now(), internal);
        arm_action_timer();
        queued_bytes_ += wire.wire.size();
        queue_.push_back(std::move(wire.wire));
        if (!writing_) write();
    }

    void post_error(completion done, action_error e, std::string reason) {
        action_result r;
        r.error = e;
        r.reason = std::move(reason);
        net::post(io_, [done = std::move(done), r = std::move(r)]() mutable {
            try {
                done(std::move(r));
            } catch (...) {  // nothing to tell: the caller's own completion failed
            }
        });
    }

    void complete(action_table::entry& e) {
        try {
            e.done(std::move(e.result));
        } catch (const std::exception& ex) {
            log(log_level::error, std::string("ami: completion of ") + e.action +
                                      " threw: " + protocol::log_safe(ex.what()));
        } catch (...) {
            log(log_level::error, "ami: completion of " + e.action + " threw");
        }
    }

    void complete_all(action_error why, const std::string& reason) {
        for (auto& e : actions_.take_all()) {
            e.result = action_result{why, reason, {}, {}};
            complete(e);
        }
        arm_action_timer();
    }

    void arm_action_timer() {
        const auto next = actions_.next_deadline();
        if (!next) {
            if (timer_at_) action_timer_.cancel();
            timer_at_.reset();
            return;
        }
        if (timer_at_ && *timer_at_ <= *next) return;  // fires early enough; re-armed then
        timer_at_ = *next;
        action_timer_.expires_at(*next);
        action_timer_.async_wait([self = shared_from_this(), at = *next](error_code ec) {
            if (ec || self->timer_at_ != at) return;
            self->timer_at_.reset();
            self->guarded([&] {
                for (auto& e : self->actions_.take_expired(clock::now())) {
                    e.result.error = action_error::timeout;
                    e.result.reason =
                        "no answer to " + e.action + " within " + ms_text(self->s_.action_timeout);
                    e.result.events.clear();
                    self->complete(e);
                }
                self->arm_action_timer();
            });
        });
    }

    // ---- reading and writing ----------------------------------------------------------------

    void read() {
        auto handler = [self = shared_from_this(), attempt = attempt_, keep = streams()](
                           error_code ec, std::size_t n) {
            if (attempt != self->attempt_) return;
            self->guarded([&] { self->on_read(ec, n, attempt); });
        };
        if (tls_) {
            tls_->async_read_some(net::buffer(read_buffer_), std::move(handler));
        } else {
            tcp_->async_read_some(net::buffer(read_buffer_), std::move(handler));
        }
    }

    void on_read(error_code ec, std::size_t n, std::uint64_t attempt) {
        if (ec) {
            return fail(ec == net::error::eof || ec == ssl::error::stream_truncated
                            ? "Asterisk closed the connection"
                            : "read from " + endpoint_text() + " failed: " + ec.message());
        }
        const bool had_banner = parser_.banner().has_value();
        std::vector<message> messages;
        const bool sound = parser_.feed(std::string_view(read_buffer_.data(), n), messages);
        if (!had_banner && parser_.banner()) {
            on_banner(*parser_.banner());
            if (attempt != attempt_) return;
        }
        for (const auto& m : messages) {
            on_message(m);
            if (attempt != attempt_) return;  // a callback stopped the link, or it failed
        }
        if (!sound) return fail("protocol error: " + parser_.error());
        read();
    }

    void on_message(const message& m) {
        std::optional<action_table::entry> finished;
        if (actions_.route(m, clock::now(), finished)) {
            if (finished) complete(*finished);
            arm_action_timer();
            return;
        }
        if (m.is_event()) {
            notify([&] { listener_->on_event(m); });
            return;
        }
        log(log_level::debug, "ami: ignoring a response to an unknown ActionID \"" +
                                  protocol::log_safe(m.action_id()) + "\"");
    }

    void write() {
        writing_ = true;
        auto handler = [self = shared_from_this(), attempt = attempt_, keep = streams()](
                           error_code ec, std::size_t) {
            if (attempt != self->attempt_) return;
            self->guarded([&] {
                if (ec)
                    return self->fail("write to " + self->endpoint_text() +
                                      " failed: " + ec.message());
                self->queued_bytes_ -= self->queue_.front().size();
                self->queue_.pop_front();
                self->writing_ = false;
                if (!self->queue_.empty()) self->write();
            });
        };
        if (tls_) {
            net::async_write(*tls_, net::buffer(queue_.front()), std::move(handler));
        } else {
            net::async_write(*tcp_, net::buffer(queue_.front()), std::move(handler));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    tcp::socket& socket() { return tls_ ? tls_->next_layer() : *tcp_; }
    std::pair<std::shared_ptr<void>, std::shared_ptr<void>> streams() const { return {tls_, tcp_}; }

    void close_connection() {
        ++attempt_;  // every outstanding handler of this connection is now stale
        error_code ignored;
        resolver_.cancel();
        if (tls_ || tcp_) {
            socket().shutdown(tcp::socket::shutdown_both, ignored);
            socket().close(ignored);
        }
        connect_timer_.cancel();
        ping_timer_.cancel();
        queue_.clear();
        queued_bytes_ = 0;
        writing_ = false;
        // The streams themselves go at the next connect(): handlers may still refer to them.
    }

    std::string endpoint_text() const {
        return (s_.tls ? "tls://" : "tcp://") + s_.host + ":" + std::to_string(s_.port);
    }

    void log(log_level level, const std::string& line) {
        if (!log_) return;
        try {
            log_(level, line);
        } catch (...) {  // a logger must not take the link down
        }
    }

    /// Calls the listener (when there is one) and contains what it throws.
    template <class F>
    void notify(F&& f) {
        if (listener_ == nullptr) return;
        try {
            f();
        } catch (const std::exception& e) {
            log(log_level::error,
                std::string("ami: listener threw: ") + protocol::log_safe(e.what()));
        } catch (...) {
            log(log_level::error, "ami: listener threw");
        }
    }

    /// Every handler body: no exception leaves an Asio handler; one ends the connection.
    template <class F>
    void guarded(F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            try {
                fail(std::string("internal error: ") + protocol::log_safe(e.what()));
            } catch (...) {
            }
        } catch (...) {
            try {
                fail("internal error");
            } catch (...) {
            }
        }
    }

    net::io_context& io_;
    link_settings s_;
    link_listener* listener_;  // null after the link's destruction began
    log_sink log_;
    link_state state_ = link_state::stopped;
    std::uint64_t epoch_ = 0;    // bumped by every transition
    std::uint64_t attempt_ = 0;  // bumped by every connect and close
    tcp::resolver resolver_;
    std::shared_ptr<ssl::context> tls_ctx_;
    // Shared with the handlers of their connection, so that a stream outlives its operations.
    std::shared_ptr<ssl::stream<tcp::socket>> tls_;
    std::shared_ptr<tcp::socket> tcp_;
    std::string tls_refusal_;
    net::steady_timer connect_timer_;
    net::steady_timer action_timer_;
    std::optional<clock::time_point> timer_at_;
    net::steady_timer ping_timer_;
    net::steady_timer backoff_timer_;
    net::steady_timer tick_timer_;
    std::minstd_rand random_{std::random_device{}()};
    parser parser_;
    std::array<char, std::size_t{16} * 1024> read_buffer_{};
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    action_table actions_;
    std::string version_;
    milliseconds next_delay_;
    clock::time_point up_since_{};
};

link::link(net::io_context& io, link_settings settings, link_listener& listener, log_sink log)
    : impl_(std::make_shared<impl>(io, std::move(settings), listener, std::move(log))) {}

link::~link() {
    try {
        impl_->stop(false);
    } catch (...) {
    }
}

void link::start() {
    impl_->guarded([&] { impl_->start(); });
}
void link::stop() {
    impl_->stop(true);
}
void link::send(std::string action, const std::vector<header>& headers, completion done) {
    impl_->send(std::move(action), headers, std::move(done));
}
link_state link::state() const noexcept {
    return impl_->state_;
}
std::size_t link::pending_actions() const noexcept {
    return impl_->actions_.size();
}

}  // namespace ctigw::gateway::ami
