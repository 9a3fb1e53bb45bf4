// beast_link: construction, start/stop and the public entry points, connection attempts over the
// endpoint list with backoff, losing a session, stable sessions and flaps, and the fallback from
// a standby to the primary.
#include <algorithm>
#include <random>
#include <string>

#include "beast_link.hpp"

namespace ctigw::pbx_link::detail {

namespace {

std::uint64_t seed_of(std::uint64_t seed) {
    return seed != 0 ? seed
                     : static_cast<std::uint64_t>(clock::now().time_since_epoch().count()) ^
                           static_cast<std::uint64_t>(std::random_device{}());
}

}  // namespace

beast_link::beast_link(link_settings settings, link_callbacks& callbacks, log_sink log)
    : settings_(loggable(std::move(settings))),
      callbacks_(callbacks),
      log_(std::move(log)),
      io_(
          settings_, [this](int level, const std::string& line) { write_log(level, line); },
          [this](bool begin) { begin ? delivery_.hold() : delivery_.release(); }),
      delivery_(
          settings_.max_delivery_queue, [this] { on_delivery_drained(); },
          [this](int level, const std::string& line) { write_log(level, line); },
          [this](bool begin) { begin ? callbacks_.on_batch_begin() : callbacks_.on_batch_end(); },
          [this](const std::string& device, const protocol::event_message& e) {
              callbacks_.on_event(device, e);
          }),
      sm_([this](link_state from, link_state to,
                 const std::string& why) { on_transition(from, to, why); },
          [this](int level, const std::string& line) { write_log(level, line); }),
      requests_(settings_.max_requests_in_flight, settings_.max_outbound_queue),
      rng_(seed_of(settings_.seed)),
      backoff_(settings_.backoff_initial, settings_.backoff_max, settings_.backoff_jitter,
               [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }),
      codec_(protocol::make_json_codec(settings_.limits)),
      request_timer_(io_),
      heartbeat_timer_(io_),
      backoff_timer_(io_),
      stable_timer_(io_) {
    adopt_devices(settings_.devices);
}

beast_link::~beast_link() {
    stop();
}

// ---- link ----

void beast_link::start() {
    std::lock_guard lock(life_);
    if (running_) return;
    running_ = true;
    delivery_.start();
    io_.start_thread();
    io_.post([this] { guarded("start", [&] { do_start(); }); });
}

void beast_link::stop() {
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
        io_.post([this] { guarded("stop", [&] { do_stop(); }); });
    }
    io_.join();
    delivery_.finish();
}

bool beast_link::request(protocol::service_params params, completion done,
                         std::optional<milliseconds> timeout) {
    // Under life_: a stop() either comes after this post (and do_stop completes the request)
    // or before it (and the caller is told at once); never both, never neither.
    std::lock_guard lock(life_);
    if (!running_) return false;
    io_.post([this, p = std::move(params), d = std::move(done),
              t = timeout.value_or(settings_.request_timeout)]() mutable {
        guarded("request", [&] { do_request(std::move(p), std::move(d), t); });
    });
    return true;
}

void beast_link::set_devices(std::vector<std::string> devices) {
    // Always through the I/O thread, in call order. When the I/O thread is not running the work
    // waits in the io_context and runs first at the next start() (before do_start).
    std::lock_guard lock(life_);
    io_.post([this, d = std::move(devices)]() mutable {
        guarded("set_devices", [&] { do_set_devices(std::move(d)); });
    });
}

// ---- lifecycle ----

void beast_link::do_start() {
    stopping_ = false;
    preferred_ = 0;
    attempt_in_round_ = 0;
    sm_.dispatch(link_event::start, "start()");
    if (settings_.endpoints.empty()) {
        write_log(log_level::error, "pbx-link: no endpoint configured");
    }
    connect_next();
}

void beast_link::do_stop() {
    stopping_ = true;
    request_timer_.cancel();
    heartbeat_timer_.cancel();
    backoff_timer_.cancel();
    stable_timer_.cancel();
    io_.cancel_probe();
    fail_requests(request_failure::stopped);
    if (conn_) {
        conn_->close(1000, "client shutdown");
        conn_.reset();
    }
    reported_up_ = false;
    sm_.dispatch(link_event::stop, "stop()");
    io_.release();  // the I/O thread ends once the close has finished (bounded by its grace)
}

// ---- endpoints and backoff ----

void beast_link::connect_next() {
    if (stopping_) return;
    const auto n = settings_.endpoints.size();
    if (n == 0) return round_failed("no endpoint configured");
    current_ = (preferred_ + attempt_in_round_) % n;
    const auto& ep = settings_.endpoints[current_];
    update([&](link_figures& f) { f.endpoint = ep.url; });
    write_log(log_level::info, "pbx-link: connecting to " + ep.url);
    if (!ep.secure) write_log(log_level::warn, "pbx-link: " + ep.url + " is plain ws:// (no TLS)");
    std::string error;
    conn_ = io_.connect(*this, ep, error);
    if (!conn_) return attempt_failed(error);
    conn_->run();
}

void beast_link::attempt_failed(const std::string& reason) {
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

void beast_link::round_failed(const std::string& reason) {
    sm_.dispatch(link_event::round_failed, reason);
    schedule_reconnect();
}

void beast_link::schedule_reconnect() {
    if (stopping_) return;
    attempt_in_round_ = 0;
    auto delay = backoff_.next();
    if (min_next_delay_ > delay) delay = min_next_delay_;
    min_next_delay_ = milliseconds{0};
    write_log(log_level::info,
              "pbx-link: reconnecting in " + std::to_string(delay.count()) + " ms");
    backoff_timer_.expires_after(delay);
    backoff_timer_.wait([this] {
        if (stopping_) return;
        guarded("backoff", [&] {
            if (sm_.dispatch(link_event::backoff_elapsed, "backoff elapsed")) connect_next();
        });
    });
}

void beast_link::lose_connection(const std::string& reason) {
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

void beast_link::drop_session(std::uint16_t code, const std::string& to_switch,
                              const std::string& why) {
    if (conn_) {
        conn_->close(code, to_switch);
        conn_.reset();
    }
    lose_connection(why);
}

// ---- stable sessions ----

/// The backoff starts again from its initial delay only once a session has stayed up for
/// stable_after after going live: a switch that breaks every session right after the resync
/// gets growing delays, not a reconnection and a full resync every second.
void beast_link::arm_stable_timer() {
    if (live_since_) return;  // live again after a resync on the same session
    live_since_ = clock::now();
    stable_ = false;
    stable_timer_.expires_after(settings_.stable_after);
    stable_timer_.wait([this, session = session_] {
        if (stopping_ || session != session_ || !conn_) return;
        guarded("stable", [&] {
            stable_ = true;
            backoff_.reset();
            write_log(log_level::info, "pbx-link: session stable for " +
                                           std::to_string(settings_.stable_after.count()) +
                                           " ms: the reconnect delay starts again from " +
                                           std::to_string(settings_.backoff_initial.count()) +
                                           " ms");
        });
    });
}

/// A session lost after going live but before it was stable is a flap.
void beast_link::count_flap() {
    stable_timer_.cancel();
    if (live_since_ && !stable_) {
        const auto up = std::chrono::duration_cast<milliseconds>(clock::now() - *live_since_);
        std::uint64_t n = 0;
        update([&](link_figures& f) { n = ++f.flaps; });
        write_log(log_level::warn, "pbx-link: the session was lost " + std::to_string(up.count()) +
                                       " ms after going live (flap " + std::to_string(n) +
                                       "): the reconnect delay is not reset");
    }
    live_since_.reset();
    stable_ = false;
}

// ---- connection_owner ----

void beast_link::on_tcp_connected(connection_base* c, bool tls) {
    if (!current(c)) return;
    const auto& ep = settings_.endpoints[current_];
    sm_.dispatch(tls ? link_event::tcp_connected : link_event::tcp_connected_plain,
                 "TCP open to " + ep.host + ":" + std::to_string(ep.port));
}

void beast_link::on_tls_done(connection_base* c) {
    if (!current(c)) return;
    sm_.dispatch(link_event::tls_done, settings_.tls.verify_peer
                                           ? "certificate chain and host name verified"
                                           : "certificate NOT verified (configured)");
}

void beast_link::on_failed(connection_base* c, const std::string& reason, bool established) {
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

// ---- fallback to the primary ----

/// Fallback to the primary (optional): when the link has been idle (no request in flight or
/// queued) for the configured time on a standby, a probe checks the primary in the background;
/// only when it answers is the standby session closed and the primary tried (standbys follow in
/// order if the full handshake fails there). For wss:// the probe is a verified TLS handshake:
/// an open port alone (a balancer, a gateway still starting, a broken certificate) would tear
/// the standby session down at every probe for a primary that fails at once (ctigw-soak's
/// failover fault found this).
void beast_link::maybe_probe_primary(time_point now) {
    if (!settings_.fallback_to_primary_after_idle || current_ == 0 || probing_ ||
        sm_.state() != link_state::live || settings_.endpoints.empty()) {
        return;
    }
    if (requests_.user_in_flight() != 0 || requests_.waiting() != 0) {
        idle_since_ = now;
        return;
    }
    if (now - idle_since_ < *settings_.fallback_to_primary_after_idle || now < next_probe_) return;
    probing_ = true;
    io_.probe(settings_.endpoints[0], settings_.connect_timeout,
              [this](bool reachable) { guarded("fallback", [&] { probe_done(reachable); }); });
}

void beast_link::probe_done(bool reachable) {
    probing_ = false;
    next_probe_ = clock::now() + *settings_.fallback_to_primary_after_idle;
    if (!reachable || stopping_ || sm_.state() != link_state::live || current_ == 0) return;
    if (requests_.user_in_flight() != 0 || requests_.waiting() != 0) return;
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
}

}  // namespace ctigw::pbx_link::detail

namespace ctigw::pbx_link {

std::unique_ptr<link> make_beast_link(link_settings settings, link_callbacks& callbacks,
                                      log_sink log) {
    return std::make_unique<detail::beast_link>(std::move(settings), callbacks, std::move(log));
}

}  // namespace ctigw::pbx_link
