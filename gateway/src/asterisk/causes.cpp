#include "causes.hpp"

#include <charconv>

namespace ctigw::gateway::asterisk {

namespace {

// Header text -> number; nullopt-like -1 for anything but 1 to 3 plain decimal digits.
int parse_small(std::string_view text) noexcept {
    int value = -1;
    if (text.empty() || text.size() > 3) return -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return (ec == std::errc() && end == text.data() + text.size() && value >= 0) ? value : -1;
}

}  // namespace

// Q.850 cause (Asterisk's causes.h name)     -> event_cause       why / where seen
// 0   NOTDEFINED "Unknown"                   -> unknown           the callee of a Dial that timed
//                                                                 out [ami-22.10 3b]: DialEnd's
//                                                                 NOANSWER says more
// 1   UNALLOCATED                            -> number_unallocated
// 2,3 NO_ROUTE_TRANSIT_NET/_DESTINATION      -> dest_not_obtainable
// 5   MISDIALLED_TRUNK_PREFIX                -> invalid_number_format
// 6   CHANNEL_UNACCEPTABLE                   -> resources_not_available
// 16  NORMAL_CLEARING                        -> normal_clearing   ordinary hang-up [ami-22.10 1-14]
// 17  USER_BUSY                              -> busy              [ami-22.10 3a, 11 DND]
// 18  NO_USER_RESPONSE                       -> call_not_answered as the simulator reports it
// 19  NO_ANSWER "User alerting, no answer"   -> call_not_answered Originate never answered [1]
// 20  SUBSCRIBER_ABSENT (SIP 480, offline)   -> dest_not_obtainable
// 21  CALL_REJECTED (SIP 603 Decline)        -> blocked           the TSP shows REJECT
// 22  NUMBER_CHANGED (SIP 410)               -> number_changed
// 23  REDIRECTED_TO_NEW_DESTINATION          -> redirected
// 26  ANSWERED_ELSEWHERE                     -> call_pickup       the ringing callee of a pickup
//                                                                 [ami-22.10 7]; ring groups give
//                                                                 it too (another member answered)
// 27  DESTINATION_OUT_OF_ORDER               -> dest_out_of_order
// 28  INVALID_NUMBER_FORMAT (SIP 484)        -> invalid_number_format
// 31  NORMAL_UNSPECIFIED                     -> normal_clearing
// 34  NORMAL_CIRCUIT_CONGESTION              -> network_congestion
// 38  NETWORK_OUT_OF_ORDER                   -> network_out_of_order (CSTA has the exact cause)
// 41  NORMAL_TEMPORARY_FAILURE (SIP 500/503) -> network_congestion
// 42  SWITCH_CONGESTION                      -> network_congestion
// 44  REQUESTED_CHAN_UNAVAIL                 -> resources_not_available
// 47  (resource unavailable, unspecified)    -> resources_not_available
// 52  OUTGOING_CALL_BARRED                   -> blocked
// 54  INCOMING_CALL_BARRED                   -> blocked
// 58  BEARERCAPABILITY_NOTAVAIL (SIP 488)    -> incompatible_destination
// 88  INCOMPATIBLE_DESTINATION               -> incompatible_destination
// 102 RECOVERY_ON_TIMER_EXPIRE (SIP 408)     -> timeout
// other 1-31 -> normal_clearing, 32-47 -> resources_not_available, anything else -> unknown.
event_cause cause_of_hangup(int q850) noexcept {
    switch (q850) {
        case 1:
            return event_cause::number_unallocated;
        case 2:
        case 3:
        case 20:
            return event_cause::dest_not_obtainable;
        case 5:
        case 28:
            return event_cause::invalid_number_format;
        case 6:
        case 44:
        case 47:
            return event_cause::resources_not_available;
        case 16:
        case 31:
            return event_cause::normal_clearing;
        case 17:
            return event_cause::busy;
        case 18:
        case 19:
            return event_cause::call_not_answered;
        case 21:
        case 52:
        case 54:
            return event_cause::blocked;
        case 22:
            return event_cause::number_changed;
        case 23:
            return event_cause::redirected;
        case 26:
            return event_cause::call_pickup;
        case 27:
            return event_cause::dest_out_of_order;
        case 34:
        case 41:
        case 42:
            return event_cause::network_congestion;
        case 38:
            return event_cause::network_out_of_order;
        case 58:
        case 88:
            return event_cause::incompatible_destination;
        case 102:
            return event_cause::timeout;
        default:
            break;
    }
    if (q850 >= 1 && q850 <= 31) return event_cause::normal_clearing;
    if (q850 >= 32 && q850 <= 47) return event_cause::resources_not_available;
    return event_cause::unknown;  // 0, the classes 48-127, and anything out of range
}

event_cause cause_of_hangup(std::string_view cause) noexcept {
    const int n = parse_small(cause);
    return n < 0 ? event_cause::unknown : cause_of_hangup(n);
}

// DialStatus (app_dial's DIALSTATUS)  -> event_cause
// ANSWER       callee answered             -> normal
// BUSY         callee busy                 -> busy
// NOANSWER     ring time expired           -> call_not_answered
// CANCEL       caller gave up, or the
//              calling channel was
//              redirected (deflect) [4c]   -> call_cancelled
// CONGESTION   all circuits busy / error   -> network_congestion
// CHANUNAVAIL  device cannot be called
//              (unregistered, not found)   -> dest_not_obtainable
// DONTCALL     privacy manager: refused    -> blocked
// TORTURE      privacy manager: torture    -> blocked
// INVALIDARGS  Dial given bad arguments    -> dest_not_obtainable
// RINGING, PROCEEDING, PROGRESS (DialState, not final) -> normal
// anything else (or empty)                 -> unknown
event_cause cause_of_dial_status(std::string_view s) noexcept {
    struct entry {
        std::string_view status;
        event_cause cause;
    };
    static constexpr entry table[] = {
        {"ANSWER", event_cause::normal},
        {"BUSY", event_cause::busy},
        {"NOANSWER", event_cause::call_not_answered},
        {"CANCEL", event_cause::call_cancelled},
        {"CONGESTION", event_cause::network_congestion},
        {"CHANUNAVAIL", event_cause::dest_not_obtainable},
        {"DONTCALL", event_cause::blocked},
        {"TORTURE", event_cause::blocked},
        {"INVALIDARGS", event_cause::dest_not_obtainable},
        {"RINGING", event_cause::normal},
        {"PROCEEDING", event_cause::normal},
        {"PROGRESS", event_cause::normal},
    };
    for (const auto& e : table) {
        if (e.status == s) return e.cause;
    }
    return event_cause::unknown;
}

channel_state channel_state_of(int state) noexcept {
    return state >= 0 && state <= 9 ? static_cast<channel_state>(state) : channel_state::unknown;
}

channel_state channel_state_of(std::string_view state) noexcept {
    const int n = parse_small(state);
    return n < 0 ? channel_state::unknown : channel_state_of(n);
}

std::string_view to_string(channel_state state) noexcept {
    // Asterisk's ast_state2str() texts.
    static constexpr std::string_view names[] = {
        "Down", "Rsrvd", "OffHook",         "Dialing",  "Ring",   "Ringing",
        "Up",   "Busy",  "Dialing Offhook", "Pre-ring", "Unknown"};
    const auto i = static_cast<std::size_t>(state);
    return i < std::size(names) ? names[i] : names[std::size(names) - 1];
}

}  // namespace ctigw::gateway::asterisk
