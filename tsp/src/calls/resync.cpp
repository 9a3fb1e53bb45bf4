// Resynchronisation (the switch's truth after a reconnect or a sequence gap), line close and
// refresh: the module functions state.cpp and devices/ call (modules.hpp).
#include <algorithm>
#include <map>
#include <set>

#include "calls/calls.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::tsp {

namespace {

using protocol::connection_state;

/// Whether a call's TAPI state already agrees with the switch's connection state (a connected
/// connection is also RINGBACK/PROCEEDING/DIALING for the caller; a held one any held state).
bool agrees(const call& c, connection_state s) {
    switch (s) {
        case connection_state::initiated:
            return c.state() == LINECALLSTATE_DIALTONE || c.state() == LINECALLSTATE_DIALING;
        case connection_state::alerting:
            return c.state() == LINECALLSTATE_OFFERING || c.state() == LINECALLSTATE_ACCEPTED;
        case connection_state::connected:
            return c.state() == LINECALLSTATE_CONNECTED || c.state() == LINECALLSTATE_RINGBACK ||
                   c.state() == LINECALLSTATE_PROCEEDING || c.state() == LINECALLSTATE_DIALING ||
                   c.state() == LINECALLSTATE_CONFERENCED;
        case connection_state::hold:
            return c.state() == LINECALLSTATE_ONHOLD ||
                   c.state() == LINECALLSTATE_ONHOLDPENDTRANSFER ||
                   c.state() == LINECALLSTATE_ONHOLDPENDCONF ||
                   c.state() == LINECALLSTATE_CONFERENCED;
        case connection_state::queued:
            return c.state() == LINECALLSTATE_CONNECTED;
        case connection_state::fail:
            return c.state() == LINECALLSTATE_BUSY || c.state() == LINECALLSTATE_DISCONNECTED;
        default:
            return false;
    }
}

void end_with_members(locked_provider& p, const line_ptr& l, const call_ptr& c, DWORD mode) {
    if (c->role == call_role::conference_parent) {
        for (auto& m : calls::members_of(*l, c)) calls::end_call(p, l, m, mode);
    }
    auto par = c->role == call_role::conference_member ? calls::parent_of(*c) : nullptr;
    calls::end_call(p, l, c, mode);
    if (par) calls::check_conference(p, l, par);
}

}  // namespace

void calls_apply_truth(locked_provider& p, const line_ptr& l, const pbx_link::device_truth& truth) {
    if (!l) return;
    std::map<std::string, const protocol::snapshot_connection*> now;
    if (!truth.error) {
        for (const auto& sc : truth.connections) {
            if (sc.connection.device_id == l->extension && sc.state != connection_state::null) {
                now[sc.connection.call_id] = &sc;
            }
        }
    }
    // 1. Calls whose connection is gone end; surviving ones move to the switch's state.
    std::vector<std::pair<std::string, call_ptr>> bound;
    for (const auto& [id, weak] : l->by_call_id) {
        if (auto c = weak.lock(); c && c->state() != LINECALLSTATE_IDLE) bound.emplace_back(id, c);
    }
    for (const auto& [id, c] : bound) {
        if (c->state() == LINECALLSTATE_IDLE) continue;  // ended with an earlier one
        auto it = now.find(id);
        if (it == now.end()) {
            p.log(level::info, calls::describe(*c, *l) + " gone after resync");
            end_with_members(p, l, c, LINEDISCONNECTMODE_UNKNOWN);
            continue;
        }
        const auto& sc = *it->second;
        c->switch_state = sc.state;
        if (sc.correlator_data) calls::set_call_data(*c, sc.correlator_data->bytes);
        if (!agrees(*c, sc.state)) {
            DWORD mode = 0;
            // (A held parent already ONHOLDPENDCONF agrees with `hold`: it never gets here.)
            const DWORD to = calls::tapi_state_of(sc.state, mode);
            p.log(level::info, calls::describe(*c, *l) + " resynced");
            if (!call_machine::transition(p, l, c, to, mode)) {
                end_with_members(p, l, c, LINEDISCONNECTMODE_UNKNOWN);
                continue;
            }
        }
        calls::flush_info(p, l, c);
    }
    // 2. Connections we do not know: new calls (a pending MakeCall takes its own).
    for (const auto& [id, sc] : now) {
        if (calls::find_call(*l, id)) continue;
        call_ptr c;
        const bool outgoing = sc->calling_device && *sc->calling_device == l->extension;
        if (outgoing) {
            for (auto& k : l->calls) {
                if (k->awaiting_connection == call::awaiting::make_call && !k->connection &&
                    !k->failed()) {
                    c = k;
                    c->awaiting_connection = call::awaiting::none;
                    break;
                }
            }
        }
        const bool fresh = !c;
        if (fresh) c = calls::create_call(p, l);
        calls::bind(p, l, c, sc->connection);
        const std::string calling = sc->calling_device.value_or("");
        const std::string called = sc->called_device.value_or("");
        const std::string other = outgoing ? called : calling;
        calls::add_party(*c, other, l->extension);
        if (fresh) {
            calls::set_party(p, *c, &call::caller, calling, LINECALLINFOSTATE_CALLERID);
            calls::set_party(p, *c, &call::called, called, LINECALLINFOSTATE_CALLEDID);
            if (sc->state == connection_state::connected && !other.empty()) {
                calls::set_party(p, *c, &call::connected, other, LINECALLINFOSTATE_CONNECTEDID);
            }
            c->origin = calls::origin_for(p, other, outgoing);
            c->reason = outgoing ? LINECALLREASON_DIRECT : LINECALLREASON_UNKNOWN;
            c->pending_info |= LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON;
        }
        if (sc->correlator_data) calls::set_call_data(*c, sc->correlator_data->bytes);
        c->switch_state = sc->state;
        DWORD mode = 0;
        const DWORD to = calls::tapi_state_of(sc->state, mode);
        p.log(level::info, calls::describe(*c, *l) + " found by resync");
        call_machine::transition(p, l, c, to, mode);
        calls::flush_info(p, l, c);
    }
}

void calls_line_closed(locked_provider& p, const line_ptr& l) {
    if (!l) return;
    // Call requests still pending complete now (tspi.md §3.3); call-less ones are devices'.
    std::vector<request_ptr> pending;
    for (const auto& [id, r] : p.requests_) {
        auto subject = r->subject.lock();
        if (subject && p.owner_of(*subject) == l) pending.push_back(r);
    }
    for (auto& r : pending) p.complete(r, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    // TAPI forgets every handle of the line: live calls stay tracked (silently) and are
    // announced again by the next open (calls_refresh); the rest go.
    auto calls_now = l->calls;
    for (auto& c : calls_now) {
        c->ht.store(nullptr);
        call_machine::line_closed(p, l, c);
        if (c->failed() || c->state() == LINECALLSTATE_IDLE ||
            c->state() == LINECALLSTATE_UNKNOWN) {
            calls::forget(p, l, c);
        }
    }
}

namespace {

/// One call's parties as the switch sees them now: the view of the far end of each line in the
/// call is corrected (a device's own snapshot cannot tell whether the far end rang, answered or
/// held meanwhile).
void apply_far_ends(locked_provider& p, const std::string& call_id,
                    const std::vector<std::weak_ptr<line>>& lines,
                    const std::vector<protocol::call_party>& parties) {
    for (const auto& weak : lines) {
        auto l = weak.lock();
        auto c = l ? calls::find_call(*l, call_id) : nullptr;
        if (!c || c->state() == LINECALLSTATE_IDLE || c->role != call_role::normal) continue;
        if (c->switch_state != connection_state::connected) continue;
        const protocol::call_party* connected = nullptr;
        bool alerting = false, all_held = true, others = false;
        for (const auto& party : parties) {
            if (party.connection.device_id == l->extension) continue;
            others = true;
            if (party.state == connection_state::connected && connected == nullptr)
                connected = &party;
            alerting = alerting || party.state == connection_state::alerting;
            all_held = all_held && party.state == connection_state::hold;
        }
        if (!others) continue;
        const std::string self =
            p.dial_plan_ ? p.dial_plan_->to_canonical(l->extension) : l->extension;
        const bool outgoing = c->caller.number == self;
        DWORD to = c->state(), mode = c->state_mode();
        if (connected != nullptr) {
            to = LINECALLSTATE_CONNECTED;
            mode = LINECONNECTEDMODE_ACTIVE;
            calls::set_party(p, *c, &call::connected, connected->connection.device_id,
                             LINECALLINFOSTATE_CONNECTEDID);
        } else if (all_held && c->state() == LINECALLSTATE_CONNECTED) {
            mode = LINECONNECTEDMODE_ACTIVEHELD;  // held by the far end meanwhile
        } else if (alerting && outgoing && c->state() == LINECALLSTATE_CONNECTED) {
            to = LINECALLSTATE_RINGBACK;  // the far end still rings
            mode = 0;
        }
        if (to != c->state() || mode != c->state_mode()) {
            p.log(level::info, calls::describe(*c, *l) + " far end resynced");
            call_machine::transition(p, l, c, to, mode);
        }
        calls::flush_info(p, l, c);
    }
}

}  // namespace

void calls_after_resync(locked_provider& p) {
    // One SnapshotCall per switch call, answered to the lines in it (not to every line).
    std::map<std::string, std::vector<std::weak_ptr<line>>> in_call;
    for (const auto& l : p.lines_) {
        for (const auto& c : l->calls) {
            if (c->connection && !c->failed() && c->role == call_role::normal &&
                c->switch_state == connection_state::connected) {
                in_call[c->connection->call_id].push_back(l);
            }
        }
    }
    for (auto& entry : in_call) {
        // Not a structured binding: clang before 16 cannot capture one.
        const std::string& id = entry.first;
        p.send(protocol::svc::snapshot_call::params{id},
               [&p, id, lines = std::move(entry.second)](const pbx_link::request_outcome& o) {
                   if (!o.ok()) return;  // gone meanwhile: its events tell
                   const auto* r = std::get_if<protocol::svc::snapshot_call::result>(&*o.result);
                   if (r != nullptr) apply_far_ends(p, id, lines, r->parties);
               });
    }
}

void calls_on_late_result(locked_provider& p, const protocol::service_result& result) {
    const auto* made = std::get_if<protocol::svc::make_call::result>(&result);
    if (made == nullptr) return;
    const auto& conn = made->calling_connection;
    p.log(level::warn, "a MakeCall that timed out was placed by the switch later (call " +
                           protocol::log_safe(conn.call_id, 64) + " at " +
                           protocol::log_safe(conn.device_id, 64) +
                           "): its TAPI request already failed, clearing it");
    p.send(protocol::svc::clear_connection::params{conn}, [&p](const auto& o) {
        if (!o.ok()) p.log(level::warn, "clearing the late MakeCall's call failed");
    });
}

void calls_refresh(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (!l || !c || c->closed()) return;
    c->features = call_machine::features(*l, *c);
    if (c->role == call_role::conference_member) {
        // TAPI must know the parent before CONFERENCED names it.
        if (auto par = calls::parent_of(*c)) call_machine::report_current(p, l, par);
    }
    call_machine::report_current(p, l, c);
}

}  // namespace ctigw::tsp
