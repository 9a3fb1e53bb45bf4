// The Boost.Beast link (README.md): one I/O thread, one delivery thread.
// The class is Beast-free: Asio sits behind link_io (the runtime, timers, the probe) and the
// WebSocket behind connection_base (connection.cpp). Its member functions are in files by
// concern:
//
//   link_lifecycle.cpp  start/stop, connection attempts, endpoints and backoff, stable sessions,
//                       losing a session, fallback to the primary (the probe)
//   link_session.cpp    a new session: Hello, Authenticate; the resync pass; systemStatus and
//                       sequence gaps; set_devices() while a session runs
//   link_requests.cpp   the request pump: the request table, the outbound queue, timeouts,
//                       responses (late results included)
//   link_heartbeat.cpp  heartbeats
//   link_delivery.cpp   frames in, events out, callbacks via the delivery queue, logs, figures
//
// The decisions that need no socket are pure logic (session_logic, resync_plan, request_table,
// link_state_machine, backoff), unit-tested with time passed in.
//
// Thread safety: the public functions (the `link` interface) from any thread, except stop()
// from a callback (the delivery thread); everything else runs on the I/O thread,
// except write_log(), update(), figures() (fig_mutex_, and the per-event figures, which are
// atomics) and deliver()'s queue.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backoff.hpp"
#include "connection.hpp"
#include "ctigw/pbx_link/link.hpp"
#include "ctigw/protocol/string_map.hpp"
#include "delivery_queue.hpp"
#include "link_io.hpp"
#include "link_state_machine.hpp"
#include "request_table.hpp"
#include "resync_plan.hpp"
#include "sequence_tracker.hpp"
#include "session_logic.hpp"

namespace ctigw::pbx_link::detail {

inline constexpr std::uint32_t malformed_tolerance = 10;  // per minute, then close 4000 (§4.7)

class beast_link final : public link, public connection_owner {
  public:
    beast_link(link_settings settings, link_callbacks& callbacks, log_sink log);
    ~beast_link() override;

    // ---- link (any thread) ----
    void start() override;
    void stop() override;
    bool request(protocol::service_params params, completion done,
                 std::optional<milliseconds> timeout) override;
    void set_devices(std::vector<std::string> devices) override;
    link_figures figures() const override;

  private:
    // ---- logging, figures, delivery (link_delivery.cpp) ----

    /// Endpoint URLs go to logs and figures: a query (which could carry a credential) is cut
    /// from them; the upgrade request still uses the full target.
    static link_settings loggable(link_settings s);
    /// Never throws: a logger must not take the link down. Any thread.
    void write_log(int level, const std::string& line) const noexcept;

    template <class F>
    void update(F&& f) {
        std::lock_guard lock(fig_mutex_);
        f(fig_);
    }

    /// Runs I/O-thread work; nothing escapes into Asio. A failure drops the session (if any).
    template <class F>
    void guarded(const char* what, F&& f) noexcept {
        try {
            f();
        } catch (const std::exception& e) {
            internal_error(what, e.what());
        } catch (...) {
            internal_error(what, "a non-standard exception");
        }
    }
    void internal_error(const char* what, const char* error) noexcept;

    /// Hands a callback to the delivery thread; stops reading when the queue is full.
    void deliver(delivery_queue::item fn, bool essential);
    /// After a push: a full queue pauses the reading (once, until it drains to half).
    void queued(bool accepted);
    /// On the delivery thread: the queue has drained to half.
    void on_delivery_drained();
    void complete(completion done, request_outcome o);
    static request_outcome failed(request_failure f);
    void on_transition(link_state from, link_state to, const std::string& why);
    /// Queues on_link_down. Call it after the transition out of `live`, so that the callback
    /// follows on_state and the link's figures already show it down when it runs.
    void report_down(const std::string& reason, bool restarted, bool connection_kept = false);
    void malformed(std::size_t bytes, const std::string& why);
    /// Per frame, on the I/O thread: no lock (unknown_messages_).
    void update_codec_figures();
    /// Per event, on the I/O thread: no lock (events_, rate_). `received`: when its frame was
    /// read (the connection's stamp: no clock read of its own per event).
    void count_event(time_point received);

    // ---- lifecycle, endpoints, backoff, fallback (link_lifecycle.cpp) ----

    void do_start();
    void do_stop();
    /// Starts an attempt on endpoint (preferred + attempt_in_round) of the list.
    void connect_next();
    void attempt_failed(const std::string& reason);
    void round_failed(const std::string& reason);
    void schedule_reconnect();
    /// An established session ended: fail what was outstanding, report, back off.
    void lose_connection(const std::string& reason);
    /// Closes the session with `code` (the close frame goes out after queued frames, the socket
    /// is cut after a grace period), then handles the loss.
    void drop_session(std::uint16_t code, const std::string& to_switch, const std::string& why);
    void arm_stable_timer();
    void count_flap();
    void maybe_probe_primary(time_point now);
    void probe_done(bool reachable);

    // ---- connection_owner (link_lifecycle.cpp; on_ws_done in link_session.cpp; on_frame and
    //      on_oversized in link_delivery.cpp) ----
    bool current(connection_base* c) const { return c != nullptr && c == conn_.get(); }
    void on_tcp_connected(connection_base* c, bool tls) override;
    void on_tls_done(connection_base* c) override;
    void on_ws_done(connection_base* c) override;
    void on_frame(connection_base* c, std::string_view frame, bool text) override;
    void on_oversized(connection_base* c, std::size_t limit) override;
    void on_failed(connection_base* c, const std::string& reason, bool established) override;

    // ---- messages from the switch (link_delivery.cpp; responses in link_requests.cpp,
    //      systemStatus in link_session.cpp, heartbeats in link_heartbeat.cpp) ----
    void on_message(protocol::response& r);
    /// Checks an event's seq, monitor and readiness (and counts it): the device to deliver it
    /// for, or null to drop it. Pushes nothing unless it returns null.
    const std::string* accept_event(const protocol::event_message& m);
    void on_message(protocol::system_status_message& m);
    void on_message(protocol::heartbeat& h);
    void on_message(protocol::heartbeat_ack& a);
    void on_message(protocol::request& r);

    // ---- session start and resync (link_session.cpp) ----

    void on_hello(std::uint64_t gen, request_outcome o);
    void on_authenticated(std::uint64_t gen, request_outcome o);
    void session_step_failed(const char* step, const request_outcome& o);
    void begin_pass();
    std::size_t batch_limit() const;
    /// `messages_lost`: a gap or messagesLost, the switch itself is fine
    /// (link_down::connection_kept).
    void start_resync(const std::string& why, bool messages_lost = false);
    void drive_resync();
    bool check_seq(std::uint64_t seq);
    void send_batch(std::vector<std::string> devices, bool extra);
    void on_batch(bool monitor, bool extra, const std::vector<std::string>& devices,
                  request_outcome o);
    void truth(device_truth t);
    void finish_pass();
    /// Takes `devices` as the monitored set (duplicates dropped, order kept).
    void adopt_devices(std::vector<std::string> devices);
    bool wanted(const std::string& device) const { return wanted_.count(device) != 0; }
    bool in_session() const;
    void do_set_devices(std::vector<std::string> devices);
    void start_extra();
    void drive_extra();
    void pump_stops();

    // ---- requests (link_requests.cpp) ----

    void send_frame(std::string frame, bool urgent);
    void send_internal(protocol::service_params params, completion done);
    void do_request(protocol::service_params params, completion done, milliseconds timeout);
    void send_user(protocol::service_params params, completion done, milliseconds timeout);
    void pump_waiting();
    void update_request_figures();
    void fail_requests(request_failure why);
    void run_internal(pending_request& p, request_outcome o);
    /// One timer for every request: armed at the earliest deadline.
    void arm_request_timer();
    void on_request_timer();

    // ---- heartbeats (link_heartbeat.cpp) ----

    milliseconds send_interval() const;
    void start_heartbeats();
    void arm_heartbeat();
    /// Returns false when the session was dropped.
    bool on_heartbeat_tick();

    // ---- data ----

    const link_settings settings_;
    link_callbacks& callbacks_;
    log_sink log_;

    link_io io_;  // before everything that uses the I/O thread: destroyed after it
    std::mutex life_;
    bool running_ = false;

    mutable std::mutex fig_mutex_;
    link_figures fig_;  // all but the per-event figures below
    // The figures that change with every frame or event are written by the I/O thread alone and
    // read by figures() without fig_mutex_: taking a lock per event showed in the profile. The
    // counters are relaxed (figures() is a moment's view, not a synchronisation point); a rate
    // slot publishes a new second with release, after zeroing its count.
    struct rate_slot {
        std::atomic<long long> second{-1};  ///< published after `count` was zeroed for it
        std::atomic<std::uint64_t> count{0};
    };
    std::atomic<std::uint64_t> events_{0};
    std::atomic<std::uint64_t> unknown_messages_{0};
    std::array<rate_slot, 8> rate_{};  ///< events per second, slot = second % 8

    // Everything below belongs to the I/O thread.
    delivery_queue delivery_;
    link_state_machine sm_;
    request_table requests_;
    std::mt19937_64 rng_;
    backoff backoff_;
    std::unique_ptr<protocol::codec> codec_;
    link_timer request_timer_;
    link_timer heartbeat_timer_;
    link_timer backoff_timer_;
    link_timer stable_timer_;
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
    bool probing_ = false;
    time_point idle_since_{};
    time_point next_probe_{};
    std::optional<time_point> live_since_;  ///< when this session first went live
    bool stable_ = false;                   ///< live for stable_after: the backoff was reset

    std::string instance_;
    milliseconds switch_heartbeat_{10000};
    std::size_t max_batch_ = 1000;
    sequence_tracker seq_;
    switch_service service_;  ///< systemStatus: awaiting service, resync held
    monitor_map monitors_;
    resync_plan plan_;
    // the monitored set (set_devices), and its changes while a session runs
    std::vector<std::string> devices_;
    protocol::string_set wanted_;
    resync_plan extra_;                       ///< additions being monitored + snapshot (live)
    std::vector<std::string> extra_waiting_;  ///< additions waiting for live / for extra_
    std::deque<std::string> stop_refs_;       ///< monitors of removed devices, to stop
    std::size_t stops_in_flight_ = 0;
    std::uint64_t session_ = 0;
    malformed_window malformed_{malformed_tolerance};
    std::string heartbeat_id_;
    time_point heartbeat_sent_{};
    std::uint64_t heartbeat_count_ = 0;
};

}  // namespace ctigw::pbx_link::detail
