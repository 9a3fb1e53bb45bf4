// What Asterisk reports about a call's progress and end, mapped to ctigw.csta.v1's terms: the
// Q.850 cause of a Hangup event, the DialStatus of DialEnd/DialState, and the ChannelState of
// every channel event. The tables and their reasons are in causes.cpp.
//
// Thread safety: pure functions; callable from any thread. Unknown or malformed input maps to a
// documented default, never an exception.
#pragma once

#include <cstdint>
#include <string_view>

#include "ctigw/protocol/types.hpp"

namespace ctigw::gateway::asterisk {

using protocol::event_cause;

/**
 * The CSTA cause of a Hangup event's `Cause` (Q.850 number, as Asterisk's `ast_cause`).
 * Unlisted numbers fall back by Q.850 class: 1-31 (normal events) -> normal_clearing, 32-47
 * (resource unavailable) -> resources_not_available, anything else -> unknown.
 */
event_cause cause_of_hangup(int q850) noexcept;

/** The same from the header text ("16"); not a number (or empty) -> unknown. */
event_cause cause_of_hangup(std::string_view cause) noexcept;

/**
 * The CSTA cause of a DialStatus (DialEnd's final ANSWER/BUSY/NOANSWER/..., or DialState's
 * RINGING/PROCEEDING/PROGRESS). Case-sensitive, as Asterisk writes them; unknown -> unknown.
 */
event_cause cause_of_dial_status(std::string_view dial_status) noexcept;

/** Asterisk's channel states (`ChannelState` header; enum ast_channel_state). */
enum class channel_state : std::uint8_t {
    down,              ///< 0 Down: not yet ringing or answered, or gone
    reserved,          ///< 1 Rsrvd
    off_hook,          ///< 2 OffHook
    dialing,           ///< 3 Dialing: digits being sent
    ring,              ///< 4 Ring: the calling side, the far end is being alerted
    ringing,           ///< 5 Ringing: this device is alerting (the called side)
    up,                ///< 6 Up: answered
    busy,              ///< 7 Busy
    dialing_off_hook,  ///< 8 Dialing Offhook
    pre_ring,          ///< 9 Pre-ring
    unknown            ///< anything else (a newer Asterisk's state, or a malformed header)
};

/** From the number (0 to 9); anything else -> unknown. */
channel_state channel_state_of(int state) noexcept;

/** From the `ChannelState` header text ("6"); not a number (or empty) -> unknown. */
channel_state channel_state_of(std::string_view state) noexcept;

/** Asterisk's own description ("Up", "Ringing", ...; "Unknown" for unknown), for logs. */
std::string_view to_string(channel_state state) noexcept;

}  // namespace ctigw::gateway::asterisk
