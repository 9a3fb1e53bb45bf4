// The Asterisk backend's connection to Asterisk's AMI (docs/asterisk.md): TCP or TLS, banner,
// Login, actions correlated by ActionID with exactly-once completions, events, Ping keepalive
// (half-open detection) and reconnection with backoff.
//
// States (one explicit machine, the only writer is transition(), logged at info):
//   stopped -> connecting (resolve, TCP, TLS) -> awaiting_banner -> logging_in -> up
//   any failure -> backoff -> connecting ...;  stop() from anywhere -> stopped.
//
// Threading: everything runs on the caller's io_context, which ONE thread runs. Every member
// function must be called on that thread (or before it runs), and every callback (listener,
// completions, log) is called on it. Destroy the link before the io_context.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ami_actions.hpp"
#include "ami_message.hpp"
#include "ami_parser.hpp"
#include "ctigw/config/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::gateway::ami {

using std::chrono::milliseconds;

struct link_settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5038;
    /// TLS with verification always on: the CA file (empty: the system's trust store), TLS
    /// >= 1.2 under the project policy (protocol/tls_policy.hpp), the host name check.
    bool tls = false;
    std::string ca_file;
    /// For SNI and the certificate's name check; empty: `host`.
    std::string server_name;
    std::string username;
    /// The AMI secret itself, held in memory for each Login. Never logged, at any level.
    std::string secret;
    /// Resolve + TCP + TLS + banner.
    milliseconds connect_timeout{10'000};
    /// Per action (Login and Ping included); a list action's restarts with each of its events.
    milliseconds action_timeout{10'000};
    /// Action: Ping while up; no answer within action_timeout: the link is dead (half-open TCP).
    milliseconds ping_interval{20'000};
    /// Reconnect delays: backoff_min, doubling up to backoff_max; back to backoff_min only
    /// after a session stayed up for stable_after.
    milliseconds backoff_min{1'000};
    milliseconds backoff_max{30'000};
    milliseconds stable_after{30'000};
    /// Each reconnect delay is shortened by a random part of up to this fraction of it (0: none).
    double backoff_jitter = 0.25;
    /// link_listener::on_tick() period from start() to stop() (0: none): the owner's timers
    /// (queue members' wrap-up) without an Asio timer of its own.
    milliseconds tick_interval{0};
    /// Beyond it send() completes at once with queue_full.
    std::size_t max_pending_actions = 1000;
    /// Bytes written but not yet on the wire; beyond it send() completes with queue_full.
    std::size_t max_queued_bytes = 4 * 1024 * 1024;
    parser_limits limits;
};

enum class link_state : std::uint8_t {
    stopped,
    connecting,
    awaiting_banner,
    logging_in,
    up,
    backoff
};
std::string_view to_string(link_state s) noexcept;

/// What the link tells its owner; all on the io thread. Implementations should not throw (an
/// exception is logged and ends the connection).
class link_listener {
  public:
    virtual ~link_listener() = default;
    /// Logged in. `version`: the banner's, e.g. "11.0.0" from "Asterisk Call Manager/11.0.0".
    /// Nothing survives a reconnect on Asterisk's side (no event replay): resync here.
    virtual void on_up(std::string_view version) = 0;
    /// A connection attempt or session ended (also every failed attempt, so that a status can
    /// show why; login refused included). `reason` is safe to log. will_retry is false only
    /// after stop(). Pending actions have completed (link_lost/stopped) before this call.
    virtual void on_down(std::string_view reason, bool will_retry) = 0;
    /// Every event that is not part of a pending list action's answer.
    virtual void on_event(const message& event) = 0;
    /// Every state change, after it happened (tests, status).
    virtual void on_transition(link_state /*from*/, link_state /*to*/, std::string_view /*why*/) {}
    /// Every link_settings::tick_interval while started, connected or not.
    virtual void on_tick() {}
};

/// The log: level and one line (Asterisk's strings already escaped by protocol::log_safe). The
/// gateway's app maps it onto its spdlog logger.
using log_sink = std::function<void(config::log_level, std::string_view)>;

class link {
  public:
    /// `listener` must outlive the link. Nothing happens before start().
    link(boost::asio::io_context& io, link_settings settings, link_listener& listener,
         log_sink log = {});
    /// stop() without listener calls; pending actions complete with `stopped`.
    ~link();
    link(const link&) = delete;
    link& operator=(const link&) = delete;

    /// stopped -> connecting. No effect in another state.
    void start();
    /// Any state -> stopped: the connection closes (no Logoff), timers end, every pending
    /// action completes with `stopped` before this returns, then on_down("stopped", false).
    void stop();

    /// Sends `action` with `headers` (Action and ActionID are the link's) and a fresh ActionID.
    /// `done` runs exactly once, on the io thread and never inside send(): with the response
    /// (list actions: plus their events), or with an error (see action_error). Names and values
    /// with CR, LF or NUL (names also ':' or space) are refused, never sent.
    void send(std::string action, const std::vector<header>& headers, completion done);

    link_state state() const noexcept;
    std::size_t pending_actions() const noexcept;

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace ctigw::gateway::ami
