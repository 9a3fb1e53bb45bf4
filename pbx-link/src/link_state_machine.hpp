// The link's state machine (docs/state-machines/link.md): the transition table and the single
// transition() that writes the state, logs `from -> to (why)` and tells the observer. The link
// (beast_link.hpp) translates what happens on the wire into link_event values and performs the
// actions after a transition; this class owns the rules only, so every edge is unit-testable.
//
// Thread safety: one thread (the link's I/O thread) at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::detail {

enum class link_event : std::uint8_t {
    start,                ///< start() called
    tcp_connected,        ///< TCP open to a wss:// endpoint
    tcp_connected_plain,  ///< TCP open to a ws:// endpoint (no TLS)
    tls_done,             ///< TLS handshake and certificate checks passed
    ws_done,              ///< upgrade accepted with our subprotocol
    hello_done,           ///< Hello answered
    authenticated,        ///< Authenticate answered
    monitors_done,        ///< every MonitorStartBatch answered
    truth_complete,       ///< every device's truth handed over
    resync_needed,        ///< seq gap, messagesLost, initializing, disabled, restart of a resync
    attempt_failed,       ///< this endpoint failed before the session was up; another one is left
    round_failed,         ///< this endpoint failed and it was the last of the round
    connection_lost,      ///< an established session ended (heartbeat timeout, close, reset, ...)
    switch_endpoint,      ///< leave a working standby for the primary (fallback when idle)
    backoff_elapsed,      ///< the reconnect delay is over
    stop,                 ///< stop() called
};
std::string_view to_string(link_event e);

class link_state_machine {
  public:
    using observer = std::function<void(link_state from, link_state to, const std::string& why)>;
    using logger = std::function<void(int level, const std::string& line)>;

    link_state_machine(observer on_transition, logger log);

    /// The table: the state `e` leads to from `from`, or nullopt when `e` is not expected there
    /// (a stale timer, a late completion): the caller ignores it.
    static std::optional<link_state> next(link_state from, link_event e) noexcept;

    /// Applies `e`: transition() when the table allows it (self-loops included) and returns
    /// true; otherwise logs at debug and returns false, state unchanged.
    bool dispatch(link_event e, const std::string& why);

    link_state state() const noexcept { return state_; }

  private:
    void transition(link_state to, const std::string& why);

    link_state state_ = link_state::stopped;
    observer on_transition_;
    logger log_;
};

}  // namespace ctigw::pbx_link::detail
