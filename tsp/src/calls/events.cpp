// CSTA call events → TAPI call states and call information, per line (call-flows.md §1 rule 4,
// §2). The monitored device's own localConnectionInfo is the primary truth; the event type and
// cause are hints. A monitor that missed events tracks the call from the next one it gets.
// Transferred, Conferenced, Diverted, Queued and Failed: calls/events_joins.cpp.
#include <algorithm>

#include "calls/events.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::tsp::calls::events {

using protocol::connection_state;
using protocol::event_cause;

call_ptr take_pending(const event_context& x, call::awaiting kind,
                      const protocol::connection_id& conn) {
    for (const auto& c : x.l->calls) {
        if (c->awaiting_connection == kind && !c->connection && !c->failed() &&
            c->state() != LINECALLSTATE_IDLE) {
            calls::bind(x.p, x.l, c, conn);
            c->awaiting_connection = call::awaiting::none;
            if (x.p.logs(level::debug)) {
                x.p.log(level::debug, calls::describe(*c, *x.l) + " bound to its switch call");
            }
            return c;
        }
    }
    return nullptr;
}

call_ptr adopt(const event_context& x, const std::string& call_id, const std::string& calling,
               const std::string& called) {
    if (!x.lci() || *x.lci() == connection_state::null) return nullptr;
    auto c = calls::create_call(x.p, x.l);
    calls::bind(x.p, x.l, c, protocol::connection_id{call_id, x.self});
    const bool outgoing = calling == x.self;
    const std::string other = outgoing ? called : calling;
    calls::add_party(*c, other, x.self);
    calls::set_party(x.p, *c, &call::caller, calling, LINECALLINFOSTATE_CALLERID);
    calls::set_party(x.p, *c, &call::called, called, LINECALLINFOSTATE_CALLEDID);
    c->origin = calls::origin_for(x.p, other, outgoing);
    c->reason = LINECALLREASON_UNKNOWN;
    c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
    c->switch_state = *x.lci();
    DWORD mode = 0;
    const DWORD to = calls::tapi_state_of(*x.lci(), mode);
    x.p.log(level::info, calls::describe(*c, *x.l) + " adopted mid-call");
    call_machine::transition(x.p, x.l, c, to, mode);
    return c;
}

void set_correlator(call& c, const std::optional<protocol::byte_string>& data) {
    if (data) calls::set_call_data(c, data->bytes);
}

bool originating(DWORD s) {
    return s == LINECALLSTATE_DIALTONE || s == LINECALLSTATE_DIALING ||
           s == LINECALLSTATE_PROCEEDING || s == LINECALLSTATE_UNKNOWN;
}

void to_proceeding(const event_context& x, const call_ptr& c) {
    if (c->state() == LINECALLSTATE_UNKNOWN || c->state() == LINECALLSTATE_DIALTONE) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_DIALING, 0);
    }
    if (c->state() == LINECALLSTATE_DIALING) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_PROCEEDING, 0);
    }
}

void end_conference(const event_context& x, const call_ptr& parent, DWORD mode) {
    for (auto& m : calls::members_of(*x.l, parent)) {
        m->drop_requested = m->drop_requested || parent->drop_requested;
        calls::end_call(x.p, x.l, m, mode);
    }
    calls::end_call(x.p, x.l, parent, mode);
}

// ---- per event ----------------------------------------------------------------------------------

void on(const event_context& x, const evt::service_initiated& e) {
    const auto& conn = e.initiated_connection;
    if (conn.device_id != x.self) return;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (!c && (!x.cause() || x.cause_is(event_cause::make_call) ||
               x.cause_is(event_cause::consultation))) {
        c = take_pending(x, call::awaiting::make_call, conn);
    }
    if (!c) {  // off-hook at the phone
        c = calls::create_call(x.p, x.l);
        calls::bind(x.p, x.l, c, conn);
        c->origin = LINECALLORIGIN_OUTBOUND;
        c->reason = LINECALLREASON_DIRECT;
        c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
        calls::set_party(x.p, *c, &call::caller, x.self, LINECALLINFOSTATE_CALLERID);
    }
    c->switch_state = connection_state::initiated;
    set_correlator(*c, e.correlator_data);
    if (c->state() == LINECALLSTATE_UNKNOWN) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
    }
    calls::flush_info(x.p, x.l, c);
}

void on(const event_context& x, const evt::originated& e) {
    const auto& conn = e.originated_connection;
    if (conn.device_id != x.self) return;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (!c) c = take_pending(x, call::awaiting::make_call, conn);
    if (!c) {
        c = calls::create_call(x.p, x.l);
        calls::bind(x.p, x.l, c, conn);
        c->reason = LINECALLREASON_DIRECT;
        c->pending_info |= LINECALLINFOSTATE_REASON;
    }
    c->switch_state = x.lci().value_or(connection_state::connected);
    calls::set_party(x.p, *c, &call::caller, e.calling_device, LINECALLINFOSTATE_CALLERID);
    calls::set_party(x.p, *c, &call::called, e.called_device, LINECALLINFOSTATE_CALLEDID);
    const DWORD origin = calls::origin_for(x.p, e.called_device, true);
    if (c->origin != origin) {
        c->origin = origin;
        c->pending_info |= LINECALLINFOSTATE_ORIGIN;
    }
    to_proceeding(x, c);
    calls::flush_info(x.p, x.l, c);
}

void on(const event_context& x, const evt::delivered& e) {
    const auto& conn = e.connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (e.alerting_device == x.self) {
        if (!c && x.cause_is(event_cause::call_pickup)) {
            c = take_pending(x, call::awaiting::pickup, conn);
        }
        if (!c && x.cause_is(event_cause::make_call)) {
            c = take_pending(x, call::awaiting::make_call, conn);
        }
        const bool fresh = !c;
        if (fresh) {
            c = calls::create_call(x.p, x.l);
            calls::bind(x.p, x.l, c, conn);
            c->reason = calls::reason_for(x.cause());
            c->origin = calls::origin_for(x.p, e.calling_device, false);
            c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
        }
        calls::add_party(*c, e.calling_device, x.self);
        calls::set_party(x.p, *c, &call::caller, e.calling_device, LINECALLINFOSTATE_CALLERID,
                         e.calling_name);
        calls::set_party(x.p, *c, &call::called, e.called_device, LINECALLINFOSTATE_CALLEDID);
        if (e.last_redirection_device && *e.last_redirection_device != x.self) {
            calls::set_party(x.p, *c, &call::redirecting, *e.last_redirection_device,
                             LINECALLINFOSTATE_REDIRECTINGID);
            calls::set_party(x.p, *c, &call::redirection, x.self, LINECALLINFOSTATE_REDIRECTIONID);
        }
        set_correlator(*c, e.correlator_data);
        c->switch_state = connection_state::alerting;
        if (!fresh && x.cause_is(event_cause::make_call) && originating(c->state())) {
            // The switch rings the caller's own phone first (autoOriginate false, or a switch
            // that cannot take a phone off-hook, protocol.md §5.3): our lineMakeCall is
            // proceeding, not an offered call.
            to_proceeding(x, c);
        } else if (c->state() == LINECALLSTATE_UNKNOWN || c->state() == LINECALLSTATE_OFFERING) {
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
        }
        calls::flush_info(x.p, x.l, c);
        return;
    }
    // Another party rings: our call (the caller, a transferee, a redirected caller) follows.
    if (!c) c = adopt(x, conn.call_id, e.calling_device, e.called_device);
    if (!c) return;
    calls::add_party(*c, e.alerting_device, x.self);
    if (e.last_redirection_device && *e.last_redirection_device != x.self &&
        *e.last_redirection_device != e.alerting_device) {
        calls::set_party(x.p, *c, &call::redirecting, *e.last_redirection_device,
                         LINECALLINFOSTATE_REDIRECTINGID);
        calls::set_party(x.p, *c, &call::redirection, e.alerting_device,
                         LINECALLINFOSTATE_REDIRECTIONID);
    }
    set_correlator(*c, e.correlator_data);
    if (c->role == call_role::normal || c->role == call_role::consultation) {
        if (originating(c->state())) {
            to_proceeding(x, c);
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_RINGBACK, 0);
        }
    }
    calls::flush_info(x.p, x.l, c);
}

void on(const event_context& x, const evt::established& e) {
    const auto& conn = e.established_connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (e.answering_device == x.self) {
        if (!c) c = take_pending(x, call::awaiting::pickup, conn);
        if (!c && x.cause_is(event_cause::make_call)) {
            c = take_pending(x, call::awaiting::make_call, conn);
        }
        if (!c) {  // picked up or retrieved at the phone, or we missed the Delivered
            c = calls::create_call(x.p, x.l);
            calls::bind(x.p, x.l, c, conn);
            c->reason = calls::reason_for(x.cause());
            c->origin = calls::origin_for(x.p, e.calling_device, false);
            c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
        }
        if (c->caller.empty()) {
            calls::set_party(x.p, *c, &call::caller, e.calling_device, LINECALLINFOSTATE_CALLERID,
                             e.calling_name);
        }
        if (c->called.empty()) {
            calls::set_party(x.p, *c, &call::called, e.called_device, LINECALLINFOSTATE_CALLEDID);
        }
        if (e.calling_device != x.self) {
            calls::add_party(*c, e.calling_device, x.self);
            calls::set_party(x.p, *c, &call::connected, e.calling_device,
                             LINECALLINFOSTATE_CONNECTEDID, e.calling_name);
        }
        if (e.last_redirection_device && *e.last_redirection_device != x.self) {
            calls::set_party(x.p, *c, &call::redirecting, *e.last_redirection_device,
                             LINECALLINFOSTATE_REDIRECTINGID);
        }
        set_correlator(*c, e.correlator_data);
        c->switch_state = connection_state::connected;
        if (c->role != call_role::conference_member) {
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                     LINECONNECTEDMODE_ACTIVE);
        }
        calls::flush_info(x.p, x.l, c);
        return;
    }
    if (!c) c = adopt(x, conn.call_id, e.calling_device, e.called_device);
    if (!c) return;
    calls::add_party(*c, e.answering_device, x.self);
    set_correlator(*c, e.correlator_data);
    if (c->role == call_role::conference_parent) {
        calls::flush_info(x.p, x.l, c);
        return;
    }
    calls::set_party(x.p, *c, &call::connected, e.answering_device, LINECALLINFOSTATE_CONNECTEDID);
    if (e.last_redirection_device && *e.last_redirection_device != x.self &&
        *e.last_redirection_device != e.answering_device && c->state() != LINECALLSTATE_CONNECTED) {
        calls::set_party(x.p, *c, &call::redirecting, *e.last_redirection_device,
                         LINECALLINFOSTATE_REDIRECTINGID);
        calls::set_party(x.p, *c, &call::redirection, e.answering_device,
                         LINECALLINFOSTATE_REDIRECTIONID);
    }
    if (c->role != call_role::conference_member &&
        (originating(c->state()) || c->state() == LINECALLSTATE_RINGBACK ||
         c->state() == LINECALLSTATE_CONNECTED)) {
        to_proceeding(x, c);
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
    calls::flush_info(x.p, x.l, c);
}

void on(const event_context& x, const evt::held& e) {
    const auto& conn = e.held_connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (conn.device_id == x.self || e.holding_device == x.self) {
        if (!c) {
            adopt(x, conn.call_id, "", "");
            return;
        }
        c->switch_state = connection_state::hold;
        if (c->role == call_role::conference_member) {
            // The original of a conference being set up: its hold is the parent's.
            auto par = calls::parent_of(*c);
            if (par && !par->requested() && par->state() == LINECALLSTATE_CONNECTED) {
                call_machine::transition(x.p, x.l, par, LINECALLSTATE_ONHOLDPENDCONF, 0);
            }
            return;
        }
        if (c->hold_target == LINECALLSTATE_CONFERENCED) return;  // lineSetupConference decides
        DWORD to = c->hold_target != 0 ? c->hold_target : LINECALLSTATE_ONHOLD;
        if (c->hold_target == 0 && (c->state() == LINECALLSTATE_ONHOLDPENDTRANSFER ||
                                    c->state() == LINECALLSTATE_ONHOLDPENDCONF)) {
            to = c->state();
        }
        c->hold_target = 0;
        call_machine::transition(x.p, x.l, c, to, 0);
        calls::flush_info(x.p, x.l, c);
        return;
    }
    // The far end holds us: CONNECTED (ACTIVEHELD), TSP++ style (call-flows §4.4).
    if (c && c->state() == LINECALLSTATE_CONNECTED && c->role != call_role::conference_member) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                 LINECONNECTEDMODE_ACTIVEHELD);
    }
}

void on(const event_context& x, const evt::retrieved& e) {
    const auto& conn = e.retrieved_connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (conn.device_id == x.self || e.retrieving_device == x.self) {
        if (!c) {
            adopt(x, conn.call_id, "", "");
            return;
        }
        c->switch_state = connection_state::connected;
        c->hold_target = 0;
        if (c->role == call_role::conference_member) {
            auto par = calls::parent_of(*c);
            if (!par) return;
            if (par->cancel_requested) {
                // lineUnhold cancelled the conference set-up: back to a plain call.
                par->drop_requested = true;
                call_machine::transition(x.p, x.l, par, LINECALLSTATE_IDLE, 0);
                c->role = call_role::normal;
                c->conference.reset();
                call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                         LINECONNECTEDMODE_ACTIVE);
            } else if (!par->requested()) {
                call_machine::transition(x.p, x.l, par, LINECALLSTATE_CONNECTED,
                                         LINECONNECTEDMODE_ACTIVE);
            }
            return;
        }
        c->cancel_requested = false;
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        calls::flush_info(x.p, x.l, c);
        return;
    }
    if (c && c->state() == LINECALLSTATE_CONNECTED &&
        c->state_mode() == LINECONNECTEDMODE_ACTIVEHELD) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
}

void on(const event_context& x, const evt::connection_cleared& e) {
    const auto& conn = e.dropped_connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (!c) return;
    const DWORD mode = calls::disconnect_mode(x.cause());
    if (conn.device_id == x.self) {
        c->switch_state = connection_state::null;
        // Leaving through our own park or transfer is this line's doing.
        if (x.cause_is(event_cause::park) || x.cause_is(event_cause::transfer) ||
            x.cause_is(event_cause::single_step_transfer)) {
            c->drop_requested = true;
        }
        if (c->role == call_role::conference_parent) {
            end_conference(x, c, mode);
        } else if (c->role == call_role::conference_member) {
            auto par = calls::parent_of(*c);
            calls::end_call(x.p, x.l, c, mode);
            calls::check_conference(x.p, x.l, par);
        } else {
            calls::end_call(x.p, x.l, c, mode);
        }
        return;
    }
    // Another party left.
    calls::remove_party(*c, conn.device_id);
    if (c->role == call_role::conference_parent) {
        for (auto& m : calls::members_of(*x.l, c)) {
            if (m->member_party == conn.device_id) {
                calls::end_call(x.p, x.l, m, LINEDISCONNECTMODE_NORMAL);
            }
        }
        calls::check_conference(x.p, x.l, c);
        return;
    }
    if (c->role == call_role::conference_member) {  // the far end of a set-up's original
        auto par = calls::parent_of(*c);
        calls::end_call(x.p, x.l, c, LINEDISCONNECTMODE_NORMAL);
        calls::check_conference(x.p, x.l, par);
        return;
    }
    if (!c->parties.empty()) return;
    if (x.lci() && *x.lci() == connection_state::fail) {
        // Reorder-tone switches keep us in the call until we hang up.
        c->switch_state = connection_state::fail;
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_DISCONNECTED,
                                 LINEDISCONNECTMODE_NORMAL);
        return;
    }
    if (x.lci() && *x.lci() != connection_state::null) {
        // Our connection outlives the last other party (a switch that leaves it in `fail` says
        // so with a Failed that follows: protocol.md "A party left in fail"): DISCONNECTED until
        // lineDrop clears it or the switch does; IDLE now would leave it on the switch for ever.
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_DISCONNECTED, mode);
        return;
    }
    // The last other party left: its cause is why our call ended (a destination that rang and
    // then returned busy is DISCONNECTED BUSY, not NORMAL).
    calls::end_call(x.p, x.l, c, mode);
}

void on(const event_context& x, const evt::call_cleared& e) {
    auto c = calls::find_call(*x.l, e.cleared_call);
    if (!c) return;
    const DWORD mode = calls::disconnect_mode(x.cause());
    c->switch_state = connection_state::null;
    if (c->role == call_role::conference_parent) {
        end_conference(x, c, mode);
    } else if (c->role == call_role::conference_member) {
        auto par = calls::parent_of(*c);
        calls::end_call(x.p, x.l, c, mode);
        calls::check_conference(x.p, x.l, par);
    } else {
        calls::end_call(x.p, x.l, c, mode);
    }
}

void on(const event_context& x, const evt::network_reached& e) {
    auto c = calls::find_call(*x.l, e.outbound_connection.call_id);
    if (!c) return;
    calls::add_party(*c, e.outbound_connection.device_id, x.self);
    if (originating(c->state()) && c->state() != LINECALLSTATE_UNKNOWN) to_proceeding(x, c);
}

void on(const event_context& x, const evt::digits_generated& e) {
    if (e.connection.device_id != x.self) return;
    auto c = calls::find_call(*x.l, e.connection.call_id);
    if (!c || !c->generate_end_to_end_id) return;
    const DWORD id = *c->generate_end_to_end_id;
    c->generate_end_to_end_id.reset();
    x.p.line_event(x.l, c, LINE_GENERATE, LINEGENERATETERM_DONE, id, calls::tick(x.p));
}

void on(const event_context& x, const evt::digits_detected& e) {
    // Digits pressed at this device are not "received" on its call.
    if (e.connection.device_id == x.self) return;
    auto c = calls::find_call(*x.l, e.connection.call_id);
    if (!c || (c->monitor_digit_modes & LINEDIGITMODE_DTMF) == 0) return;
    for (char ch : e.digits) {
        x.p.line_event(x.l, c, LINE_MONITORDIGITS, static_cast<unsigned char>(ch),
                       LINEDIGITMODE_DTMF, calls::tick(x.p));
    }
}

void on(const event_context& x, const evt::call_information& e) {
    auto c = calls::find_call(*x.l, e.connection.call_id);
    if (!c) return;
    calls::set_call_data(*c, e.correlator_data ? e.correlator_data->bytes : std::string());
    calls::flush_info(x.p, x.l, c);
}

template <class E>
void on(const event_context& x, const E&) {
    if (!x.p.logs(level::debug)) return;
    x.p.log(level::debug, "line " + x.l->extension + ": event " + std::string(E::name) +
                              " ignored by call control");
}

void on(const event_context& x, const evt::unknown_event& e) {
    x.p.log(level::debug, "line " + x.l->extension + ": unknown event " +
                              protocol::log_safe(e.name, 64) + " ignored");
}

const protocol::call_event_common& common_of(const protocol::event_body& body) {
    static const protocol::call_event_common none{};
    return std::visit(
        [](const auto& ev) -> const protocol::call_event_common& {
            if constexpr (std::is_base_of_v<protocol::call_event_common,
                                            std::decay_t<decltype(ev)>>) {
                return ev;
            } else {
                return none;
            }
        },
        body);
}

}  // namespace ctigw::tsp::calls::events

namespace ctigw::tsp {

void calls_on_event(locked_provider& p, const line_ptr& l, const protocol::event_message& e) {
    if (!l || l->removed()) return;
    const calls::events::event_context x{p, l, calls::events::common_of(e.body), l->extension};
    std::visit([&](const auto& ev) { calls::events::on(x, ev); }, e.body);
}

}  // namespace ctigw::tsp
