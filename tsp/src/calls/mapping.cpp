// The fixed mappings of call control: TAPI state names for logs, the CSTA connection state →
// TAPI call state rule, and CSTA causes → LINEDISCONNECTMODE_* / LINECALLREASON_*.
#include "calls/calls.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::tsp::calls {

std::string_view state_name(DWORD state) {
    switch (state) {
        case LINECALLSTATE_IDLE:
            return "IDLE";
        case LINECALLSTATE_OFFERING:
            return "OFFERING";
        case LINECALLSTATE_ACCEPTED:
            return "ACCEPTED";
        case LINECALLSTATE_DIALTONE:
            return "DIALTONE";
        case LINECALLSTATE_DIALING:
            return "DIALING";
        case LINECALLSTATE_RINGBACK:
            return "RINGBACK";
        case LINECALLSTATE_BUSY:
            return "BUSY";
        case LINECALLSTATE_SPECIALINFO:
            return "SPECIALINFO";
        case LINECALLSTATE_CONNECTED:
            return "CONNECTED";
        case LINECALLSTATE_PROCEEDING:
            return "PROCEEDING";
        case LINECALLSTATE_ONHOLD:
            return "ONHOLD";
        case LINECALLSTATE_CONFERENCED:
            return "CONFERENCED";
        case LINECALLSTATE_ONHOLDPENDCONF:
            return "ONHOLDPENDCONF";
        case LINECALLSTATE_ONHOLDPENDTRANSFER:
            return "ONHOLDPENDTRANSFER";
        case LINECALLSTATE_DISCONNECTED:
            return "DISCONNECTED";
        case LINECALLSTATE_UNKNOWN:
            return "UNKNOWN";
        default:
            return "?";
    }
}

std::string describe(const call& c, const line& l) {
    return "call " + std::to_string(c.handle()) + " (" +
           (c.connection ? protocol::log_safe(c.connection->call_id, 64) : std::string("-")) + "," +
           l.extension + ")";
}

DWORD tapi_state_of(protocol::connection_state s, DWORD& mode) {
    mode = 0;
    switch (s) {
        case protocol::connection_state::initiated:
            mode = LINEDIALTONEMODE_NORMAL;
            return LINECALLSTATE_DIALTONE;
        case protocol::connection_state::alerting:
            mode = LINEOFFERINGMODE_ACTIVE;
            return LINECALLSTATE_OFFERING;
        case protocol::connection_state::connected:
            mode = LINECONNECTEDMODE_ACTIVE;
            return LINECALLSTATE_CONNECTED;
        case protocol::connection_state::hold:
            return LINECALLSTATE_ONHOLD;
        case protocol::connection_state::queued:
            mode = LINECONNECTEDMODE_INACTIVE;
            return LINECALLSTATE_CONNECTED;
        case protocol::connection_state::fail:
            mode = LINEDISCONNECTMODE_UNKNOWN;
            return LINECALLSTATE_DISCONNECTED;
        default:
            return LINECALLSTATE_IDLE;
    }
}

DWORD disconnect_mode(std::optional<protocol::event_cause> cause) {
    using protocol::event_cause;
    if (!cause) return LINEDISCONNECTMODE_NORMAL;
    switch (*cause) {
        case event_cause::busy:
        case event_cause::acd_busy:
        case event_cause::trunks_busy:
        case event_cause::selected_trunk_busy:
        case event_cause::recall_busy:
            return LINEDISCONNECTMODE_BUSY;
        case event_cause::do_not_disturb:
            return LINEDISCONNECTMODE_DONOTDISTURB;
        case event_cause::dest_not_obtainable:
        case event_cause::number_unallocated:
        case event_cause::invalid_number_format:
            return LINEDISCONNECTMODE_BADADDRESS;
        case event_cause::call_not_answered:
        case event_cause::alert_time_expired:
        case event_cause::recall_no_answer:
            return LINEDISCONNECTMODE_NOANSWER;
        case event_cause::call_pickup:
            return LINEDISCONNECTMODE_PICKUP;
        case event_cause::redirected:
        case event_cause::call_forward:
        case event_cause::call_forward_immediate:
        case event_cause::call_forward_busy:
        case event_cause::call_forward_no_answer:
        case event_cause::recall_forwarded:
            return LINEDISCONNECTMODE_FORWARDED;
        case event_cause::network_congestion:
        case event_cause::resources_not_available:
            return LINEDISCONNECTMODE_CONGESTION;
        case event_cause::call_cancelled:
            return LINEDISCONNECTMODE_CANCELLED;
        case event_cause::normal_clearing:
        case event_cause::normal:
            return LINEDISCONNECTMODE_NORMAL;
        case event_cause::number_changed:
            return LINEDISCONNECTMODE_NUMBERCHANGED;
        case event_cause::dest_out_of_order:
        case event_cause::network_out_of_order:
            return LINEDISCONNECTMODE_OUTOFORDER;
        case event_cause::network_not_obtainable:
            return LINEDISCONNECTMODE_UNREACHABLE;
        case event_cause::blocked:
        case event_cause::lockout:
            return LINEDISCONNECTMODE_REJECT;
        default:
            return LINEDISCONNECTMODE_UNKNOWN;
    }
}

DWORD reason_for(std::optional<protocol::event_cause> cause) {
    using protocol::event_cause;
    if (!cause) return LINECALLREASON_DIRECT;
    switch (*cause) {
        case event_cause::call_forward_immediate:
        case event_cause::call_forward:
            return LINECALLREASON_FWDUNCOND;
        case event_cause::call_forward_busy:
            return LINECALLREASON_FWDBUSY;
        case event_cause::call_forward_no_answer:
            return LINECALLREASON_FWDNOANSWER;
        case event_cause::call_pickup:
            return LINECALLREASON_PICKUP;
        case event_cause::park:
            return LINECALLREASON_UNPARK;
        case event_cause::redirected:
            return LINECALLREASON_REDIRECT;
        case event_cause::transfer:
        case event_cause::single_step_transfer:
            return LINECALLREASON_TRANSFER;
        case event_cause::recall:
        case event_cause::recall_busy:
        case event_cause::recall_forwarded:
        case event_cause::recall_no_answer:
            return LINECALLREASON_REMINDER;
        case event_cause::call_back:
            return LINECALLREASON_CALLCOMPLETION;
        case event_cause::intrude:
            return LINECALLREASON_INTRUDE;
        default:
            return LINECALLREASON_DIRECT;
    }
}

}  // namespace ctigw::tsp::calls
