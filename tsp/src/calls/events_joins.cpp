// CSTA events that join, split or move calls — Transferred, Conferenced, Diverted, Queued — and
// Failed, as TAPI call states for one line (call-flows.md §2.4-§2.7). The other events and the
// dispatch: calls/events.cpp.
#include "calls/events.hpp"

namespace ctigw::tsp::calls::events {

using protocol::connection_state;
using protocol::event_cause;

namespace {

void rebuild_parties(call& c, const std::vector<protocol::connection_list_entry>& list,
                     const std::string& self) {
    c.parties.clear();
    for (const auto& en : list) {
        if (!en.new_connection) continue;
        calls::add_party(c, en.new_connection->device_id, self);
    }
}

}  // namespace

void on(const event_context& x, const evt::transferred& e) {
    if (e.transferring_device == x.self) {
        // This line left both calls: IDLE without DISCONNECTED (call-flows §2.5, MS-CT).
        for (const auto* old :
             {&e.primary_old_call, e.secondary_old_call ? &*e.secondary_old_call : nullptr}) {
            if (!old) continue;
            auto c = calls::find_call(*x.l, old->call_id);
            if (!c) continue;
            c->drop_requested = true;
            c->switch_state = connection_state::null;
            if (c->role == call_role::conference_parent) {
                end_conference(x, c, LINEDISCONNECTMODE_NORMAL);
            } else {
                calls::end_call(x.p, x.l, c, LINEDISCONNECTMODE_NORMAL);
            }
        }
        return;
    }
    for (const auto& en : e.transferred_connections) {
        if (!en.old_connection || en.old_connection->device_id != x.self) continue;
        auto c = calls::find_call(*x.l, en.old_connection->call_id);
        if (!c) continue;
        if (!en.new_connection) {
            c->drop_requested = true;
            calls::end_call(x.p, x.l, c, LINEDISCONNECTMODE_NORMAL);
            continue;
        }
        calls::bind(x.p, x.l, c, *en.new_connection);  // the callID may change
        rebuild_parties(*c, e.transferred_connections, x.self);
        if (x.lci()) c->switch_state = *x.lci();
        calls::set_party(x.p, *c, &call::redirecting, e.transferring_device,
                         LINECALLINFOSTATE_REDIRECTINGID);
        const std::string other = c->parties.empty() ? std::string() : c->parties.front();
        if (e.transferred_to_device == x.self) {
            // The target now talks to (or is rung by) the transferee.
            calls::set_party(x.p, *c, &call::caller, other, LINECALLINFOSTATE_CALLERID);
            if (c->switch_state != connection_state::alerting) {
                calls::set_party(x.p, *c, &call::connected, other, LINECALLINFOSTATE_CONNECTEDID);
            }
        } else {
            calls::set_party(x.p, *c, &call::redirection, e.transferred_to_device,
                             LINECALLINFOSTATE_REDIRECTIONID);
            // A consultative transfer connects us to the target at once; a single-step one
            // only when the target answers (Established).
            if (!x.cause_is(event_cause::single_step_transfer)) {
                calls::set_party(x.p, *c, &call::connected, e.transferred_to_device,
                                 LINECALLINFOSTATE_CONNECTEDID);
            }
        }
        if (c->state() == LINECALLSTATE_CONNECTED &&
            c->state_mode() == LINECONNECTEDMODE_ACTIVEHELD) {
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                     LINECONNECTEDMODE_ACTIVE);
        }
        calls::flush_info(x.p, x.l, c);
    }
}

}  // namespace ctigw::tsp::calls::events

namespace ctigw::tsp::calls {

using protocol::connection_state;

/// Joins this line's calls into one conference (Conferenced for the conferencing device, or the
/// ConferenceCall result). Idempotent: the event and the response may both arrive, in any order.
void merge_conference(locked_provider& p, const line_ptr& l, const call_ptr& parent,
                      const protocol::connection_id& new_conn,
                      const std::vector<protocol::connection_list_entry>& list,
                      const std::vector<call_ptr>& old_calls) {
    const std::string& self = l->extension;
    parent->role = call_role::conference_parent;
    for (const auto& oc : old_calls) {
        if (!oc || oc == parent || oc->state() == LINECALLSTATE_IDLE) continue;
        const std::string old_id = oc->connection ? oc->connection->call_id : std::string();
        if (oc->role != call_role::conference_member) {
            oc->role = call_role::conference_member;
            oc->conference = parent;
            for (const auto& en : list) {
                if (en.old_connection && en.old_connection->call_id == old_id &&
                    en.old_connection->device_id != self && en.new_connection) {
                    oc->member_party = en.new_connection->device_id;
                    break;
                }
            }
            if (oc->member_party.empty() && !oc->parties.empty())
                oc->member_party = oc->parties.front();
        }
        unbind(l, oc);
        oc->connection = protocol::connection_id{new_conn.call_id, self};
        oc->hold_target = 0;
        oc->original.reset();
        oc->consultation.reset();
    }
    // Members of the set-up phase keep their old connection until now.
    for (auto& m : members_of(*l, parent)) {
        if (m->connection && m->connection->call_id != new_conn.call_id) {
            unbind(l, m);
            m->connection = protocol::connection_id{new_conn.call_id, self};
        }
    }
    calls::bind(p, l, parent, new_conn);
    parent->switch_state = connection_state::connected;
    parent->parties.clear();
    for (const auto& en : list) {
        if (en.new_connection) add_party(*parent, en.new_connection->device_id, self);
    }
    parent->hold_target = 0;
    if (parent->requested()) return;  // reported after the request's completion
    call_machine::transition(p, l, parent, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    for (auto& m : members_of(*l, parent)) {
        if (m->state() != LINECALLSTATE_CONFERENCED ||
            m->reported_state() != LINECALLSTATE_CONFERENCED) {
            call_machine::transition(p, l, m, LINECALLSTATE_CONFERENCED, 0);
        }
        flush_info(p, l, m);
    }
    flush_info(p, l, parent);
}

}  // namespace ctigw::tsp::calls

namespace ctigw::tsp::calls::events {

void on(const event_context& x, const evt::conferenced& e) {
    if (e.conferencing_device == x.self) {
        std::optional<protocol::connection_id> new_conn;
        for (const auto& en : e.conference_connections) {
            if (en.new_connection && en.new_connection->device_id == x.self) {
                new_conn = en.new_connection;
                break;
            }
        }
        if (!new_conn) return;
        auto c1 = calls::find_call(*x.l, e.primary_old_call.call_id);
        auto c2 =
            e.secondary_old_call ? calls::find_call(*x.l, e.secondary_old_call->call_id) : nullptr;
        call_ptr parent;
        for (const auto& c : {c1, c2}) {
            if (!c || parent) continue;
            if (c->role == call_role::conference_parent)
                parent = c;
            else if (c->role == call_role::conference_member)
                parent = calls::parent_of(*c);
            else if (auto pending = c->conference.lock();
                     pending && pending->role == call_role::conference_parent &&
                     pending->state() != LINECALLSTATE_IDLE) {
                parent = pending;  // lineCompleteTransfer(CONFERENCE) in flight
            }
        }
        if (!parent) parent = calls::find_call(*x.l, new_conn->call_id);
        if (parent && parent->role != call_role::conference_parent &&
            parent->role != call_role::normal) {
            parent = nullptr;
        }
        if (!parent) {  // built at the phone: a new parent, announced by NEWCALL
            parent = calls::create_call(x.p, x.l);
            parent->origin = LINECALLORIGIN_CONFERENCE;
            parent->reason = LINECALLREASON_DIRECT;
            parent->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
            x.p.log(level::info, calls::describe(*parent, *x.l) + " conference built at the phone");
        }
        std::vector<call_ptr> olds;
        for (const auto& c : {c1, c2}) {
            if (c && c != parent) olds.push_back(c);
        }
        calls::merge_conference(x.p, x.l, parent, *new_conn, e.conference_connections, olds);
        return;
    }
    // A participant: same handle, maybe a new callID, more parties.
    for (const auto& en : e.conference_connections) {
        if (en.new_connection && en.new_connection->device_id == x.self && !en.old_connection) {
            // Joined without a call of its own (single-step conference).
            auto c = calls::find_call(*x.l, en.new_connection->call_id);
            if (!c) {
                c = calls::create_call(x.p, x.l);
                calls::bind(x.p, x.l, c, *en.new_connection);
                c->reason = LINECALLREASON_DIRECT;
                c->origin = calls::origin_for(x.p, e.conferencing_device, false);
                c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
            }
            rebuild_parties(*c, e.conference_connections, x.self);
            calls::set_party(x.p, *c, &call::connected, e.conferencing_device,
                             LINECALLINFOSTATE_CONNECTEDID);
            c->switch_state = connection_state::connected;
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                     LINECONNECTEDMODE_ACTIVE);
            calls::flush_info(x.p, x.l, c);
            continue;
        }
        if (!en.old_connection || en.old_connection->device_id != x.self) continue;
        auto c = calls::find_call(*x.l, en.old_connection->call_id);
        if (!c) continue;
        if (!en.new_connection) {
            calls::end_call(x.p, x.l, c, LINEDISCONNECTMODE_NORMAL);
            continue;
        }
        calls::bind(x.p, x.l, c, *en.new_connection);
        rebuild_parties(*c, e.conference_connections, x.self);
        if (c->connected.empty()) {
            calls::set_party(x.p, *c, &call::connected, e.conferencing_device,
                             LINECALLINFOSTATE_CONNECTEDID);
        }
        // The conferencing device's held connection is now its connected conference
        // connection: nobody holds us any more (Conferenced replaces Retrieved here).
        if (c->state() == LINECALLSTATE_CONNECTED &&
            c->state_mode() == LINECONNECTEDMODE_ACTIVEHELD &&
            (!x.lci() || *x.lci() == connection_state::connected)) {
            call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                     LINECONNECTEDMODE_ACTIVE);
        }
        calls::flush_info(x.p, x.l, c);
    }
}

void on(const event_context& x, const evt::diverted& e) {
    auto c = calls::find_call(*x.l, e.connection.call_id);
    if (!c) return;
    if (e.diverting_device == x.self) {
        c->switch_state = connection_state::null;
        if (x.cause_is(event_cause::park) || x.cause_is(event_cause::recall)) {
            c->drop_requested = true;
        }
        DWORD mode = calls::disconnect_mode(x.cause());
        if (mode != LINEDISCONNECTMODE_PICKUP && mode != LINEDISCONNECTMODE_FORWARDED) {
            mode = LINEDISCONNECTMODE_UNKNOWN;
        }
        calls::end_call(x.p, x.l, c, mode);
        return;
    }
    calls::remove_party(*c, e.diverting_device);
    calls::set_party(x.p, *c, &call::redirecting, e.diverting_device,
                     LINECALLINFOSTATE_REDIRECTINGID);
    calls::set_party(x.p, *c, &call::redirection, e.new_destination,
                     LINECALLINFOSTATE_REDIRECTIONID);
    calls::flush_info(x.p, x.l, c);
}

void on(const event_context& x, const evt::queued& e) {
    const auto& conn = e.queued_connection;
    auto c = calls::find_call(*x.l, conn.call_id);
    if (conn.device_id == x.self) {
        // This line is the queue / park orbit: the call waits here, inactive.
        if (!c) {
            c = calls::create_call(x.p, x.l);
            calls::bind(x.p, x.l, c, conn);
            c->reason = x.cause_is(event_cause::park) ? LINECALLREASON_PARKED
                                                      : calls::reason_for(x.cause());
            c->origin = calls::origin_for(x.p, e.calling_device.value_or(""), false);
            c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
        }
        if (e.calling_device) {
            calls::add_party(*c, *e.calling_device, x.self);
            calls::set_party(x.p, *c, &call::caller, *e.calling_device, LINECALLINFOSTATE_CALLERID);
        }
        if (e.called_device) {
            calls::set_party(x.p, *c, &call::called, *e.called_device, LINECALLINFOSTATE_CALLEDID);
        }
        if (e.last_redirection_device) {
            calls::set_party(x.p, *c, &call::redirecting, *e.last_redirection_device,
                             LINECALLINFOSTATE_REDIRECTINGID);
        }
        c->switch_state = connection_state::queued;
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE);
        calls::flush_info(x.p, x.l, c);
        return;
    }
    if (!c) return;
    calls::add_party(*c, conn.device_id, x.self);
    // The parked party waits on the orbit: ACTIVEHELD until someone retrieves it. The parker
    // itself (the last redirection device) leaves right after.
    const bool parker = e.last_redirection_device && *e.last_redirection_device == x.self;
    if (!parker && x.cause_is(event_cause::park) && c->state() == LINECALLSTATE_CONNECTED &&
        c->role != call_role::conference_member) {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_CONNECTED,
                                 LINECONNECTEDMODE_ACTIVEHELD);
    }
}

void on(const event_context& x, const evt::failed& e) {
    auto c = calls::find_call(*x.l, e.failed_connection.call_id);
    if (!c) return;
    if (e.failing_device != x.self) calls::remove_party(*c, e.failing_device);
    // Key on our own state (call-flows §4.6): vendors name different failing connections.
    auto lci = x.lci();
    if (!lci && (c->state() == LINECALLSTATE_RINGBACK || originating(c->state()))) {
        lci = connection_state::fail;
    }
    if (!lci) return;
    if (*lci == connection_state::null) {
        calls::end_call(x.p, x.l, c, calls::disconnect_mode(x.cause()));
        return;
    }
    if (*lci != connection_state::fail) return;
    c->switch_state = connection_state::fail;
    if (c->state() == LINECALLSTATE_BUSY || c->state() == LINECALLSTATE_DISCONNECTED) return;
    const DWORD mode = calls::disconnect_mode(x.cause());
    if (mode == LINEDISCONNECTMODE_BUSY) {
        const bool trunk =
            x.cause_is(event_cause::trunks_busy) || x.cause_is(event_cause::selected_trunk_busy);
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_BUSY,
                                 trunk ? LINEBUSYMODE_TRUNK : LINEBUSYMODE_STATION);
    } else {
        call_machine::transition(x.p, x.l, c, LINECALLSTATE_DISCONNECTED, mode);
    }
}

}  // namespace ctigw::tsp::calls::events
