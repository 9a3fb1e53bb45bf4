// The TAPI call state machine (call_machine::transition), call features by state, and the small
// helpers every part of call control shares: bindings, parties, reporting. Fixed mappings (state
// names, CSTA → TAPI states and causes): calls/mapping.cpp.
#include <algorithm>
#include <cstdio>

#include "calls/calls.hpp"
#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::tsp {

namespace {

constexpr DWORD held_states =
    LINECALLSTATE_ONHOLD | LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_ONHOLDPENDCONF;
constexpr DWORD ending = LINECALLSTATE_DISCONNECTED | LINECALLSTATE_IDLE;

/// Allowed successors per state. IDLE is final: a call that comes back gets a new handle.
DWORD successors(DWORD from) {
    switch (from) {
        case LINECALLSTATE_UNKNOWN:
            return ~static_cast<DWORD>(LINECALLSTATE_UNKNOWN);
        case LINECALLSTATE_IDLE:
            return 0;
        case LINECALLSTATE_DISCONNECTED:
            return LINECALLSTATE_IDLE;
        case LINECALLSTATE_OFFERING:
        case LINECALLSTATE_ACCEPTED:
            return LINECALLSTATE_ACCEPTED | LINECALLSTATE_CONNECTED | ending;
        case LINECALLSTATE_DIALTONE:
        case LINECALLSTATE_DIALING:
        case LINECALLSTATE_PROCEEDING:
        case LINECALLSTATE_RINGBACK:
            return LINECALLSTATE_DIALING | LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK |
                   LINECALLSTATE_CONNECTED | LINECALLSTATE_BUSY | held_states |
                   LINECALLSTATE_CONFERENCED | ending;
        case LINECALLSTATE_BUSY:
            return ending;
        case LINECALLSTATE_CONNECTED:
            return LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY | held_states |
                   LINECALLSTATE_CONFERENCED | ending;
        case LINECALLSTATE_ONHOLD:
        case LINECALLSTATE_ONHOLDPENDTRANSFER:
        case LINECALLSTATE_ONHOLDPENDCONF:
            return LINECALLSTATE_CONNECTED | held_states | LINECALLSTATE_CONFERENCED | ending;
        case LINECALLSTATE_CONFERENCED:
            return LINECALLSTATE_CONNECTED | LINECALLSTATE_ONHOLD | ending;
        default:
            return ending;
    }
}

std::string mode_text(DWORD state, DWORD mode) {
    if (state == LINECALLSTATE_CONFERENCED) return "parent";
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(mode));
    return buf;
}

bool has_other(const line& l, const call& self, DWORD states, bool need_connection) {
    return std::any_of(l.calls.begin(), l.calls.end(), [&](const call_ptr& o) {
        return o.get() != &self && !o->failed() && (o->state() & states) != 0 &&
               (!need_connection || o->connection.has_value());
    });
}

/// lineUnhold cannot retrieve `c` while another call is active on the address without a switch
/// call to put on hold (a dial-tone call not yet dialled).
bool unhold_blocked(const line& l, const call& c) {
    const auto other = calls::active_besides(l, c);
    return other && !other->connection;
}

}  // namespace

// ---- the state machine ----------------------------------------------------------------------

void call_machine::report_current(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (c->requested() || c->gone()) return;
    if (!c->told()) {
        if (c->state() == LINECALLSTATE_IDLE || c->state() == LINECALLSTATE_UNKNOWN) return;
        if (!announce(p, l, c)) return;  // line closed
    }
    if (c->state() != LINECALLSTATE_UNKNOWN &&
        (c->reported_state() != c->state() || c->reported_mode() != c->state_mode())) {
        queue_call_state(p, l, c, c->state(), c->state_mode());
    }
    calls::flush_info(p, l, c);
    devices_calls_changed(p, l, false);
}

bool call_machine::allowed(DWORD from, DWORD to) {
    if (to == LINECALLSTATE_UNKNOWN) return false;
    if (from == to) return from != LINECALLSTATE_IDLE;  // a new mode (or parent)
    return (successors(from) & to) != 0;
}

/// LINE_CALLSTATE, with CONFERENCED's dwParam2 (the parent's htCall) read at dispatch time like
/// line_event reads the call's own htCall: a parent announced just before has it by then.
void call_machine::queue_call_state(locked_provider& p, const line_ptr& l, const call_ptr& c,
                                    DWORD state, DWORD mode) {
    if (!l->is_open() || !l->event_proc || !c->told()) return;
    call_ptr parent = state == LINECALLSTATE_CONFERENCED ? calls::parent_of(*c) : nullptr;
    if (state == LINECALLSTATE_CONFERENCED && (!parent || !parent->told())) {
        p.log(level::warn,
              calls::describe(*c, *l) + " CONFERENCED with a parent TAPI was not told of");
    }
    c->reported_state_ = state;
    c->reported_mode_ = mode;
    // `c = c`: movable members (locked_provider::line_event says why).
    p.tapi_.push([proc = l->event_proc, ht = l->ht, c = c, parent, state, mode,
                  media = c->media_mode, open = l->guard()] {
        if (open.closed_since()) return;
        const HTAPICALL htc = c->ht.load();
        if (htc == nullptr) return;
        DWORD_PTR p2 = mode;
        if (state == LINECALLSTATE_CONFERENCED) {
            p2 = parent ? reinterpret_cast<DWORD_PTR>(parent->ht.load()) : 0;
        }
        proc(ht, htc, LINE_CALLSTATE, state, p2, media);
    });
}

// ---- the TAPI state -----------------------------------------------------------------------------

bool call_machine::transition(locked_provider& p, const line_ptr& l, const call_ptr& c, DWORD to,
                              DWORD mode) {
    const DWORD from = c->state();
    if (from == to && c->state_mode() == mode && to != LINECALLSTATE_CONFERENCED) return true;
    if (!allowed(from, to)) {
        p.log(level::warn, calls::describe(*c, *l) + " refused " +
                               std::string(calls::state_name(from)) + " -> " +
                               std::string(calls::state_name(to)));
        return false;
    }
    if (p.logs(level::debug)) {
        p.log(level::debug, calls::describe(*c, *l) + " " + std::string(calls::state_name(from)) +
                                " -> " + std::string(calls::state_name(to)) + " (" +
                                mode_text(to, mode) + ")");
    }
    if (to == LINECALLSTATE_IDLE) calls::cancel_generate(p, l, c);
    c->state_ = to;
    c->state_mode_ = to == LINECALLSTATE_CONFERENCED ? 0 : mode;
    c->state_entered_ = coarse_wall_clock();
    // A call TAPI does not know yet is announced before its first state; a TAPI-created call
    // waits for its request's completion (report_current then).
    if (c->lifecycle() == call_lifecycle::untold && to != LINECALLSTATE_IDLE) announce(p, l, c);
    if (to == LINECALLSTATE_IDLE) {
        calls::unbind(l, c);
        c->awaiting_connection = call::awaiting::none;
        c->hold_target = 0;
        c->pending_info = 0;  // no LINE_CALLINFO after IDLE
        if (auto o = c->original.lock()) {
            if (o->consultation.lock() == c) o->consultation.reset();
        }
        if (auto k = c->consultation.lock()) {
            if (k->original.lock() == c) {
                k->original.reset();
                if (k->role == call_role::consultation && !calls::parent_of(*k)) {
                    k->role = call_role::normal;
                }
            }
        }
    }
    call_machine::recompute_features(*l);
    queue_call_state(p, l, c, to, mode);
    if (c->told()) {
        devices_calls_changed(p, l, to == LINECALLSTATE_OFFERING && from != to);
    }
    devices_alerting_changed(p, l);
    if (to == LINECALLSTATE_IDLE && c->lifecycle() == call_lifecycle::untold) {
        // TAPI never heard of it (line closed all along): nobody will close it.
        calls::forget(p, l, c);
    }
    return true;
}

DWORD call_machine::features(const line& l, const call& c) {
    if (c.gone()) return 0;
    const DWORD s = c.state();
    if (s == LINECALLSTATE_IDLE || s == LINECALLSTATE_UNKNOWN) return 0;
    if (s == LINECALLSTATE_DISCONNECTED) {
        return LINECALLFEATURE_DROP & caps::call_features & ~unsupported_call_features(l, c);
    }
    DWORD f = LINECALLFEATURE_DROP | LINECALLFEATURE_SETCALLDATA | LINECALLFEATURE_MONITORDIGITS;
    const bool conn = c.connection.has_value();
    const bool parent = c.role == call_role::conference_parent;
    const bool consult = c.role == call_role::consultation;
    const bool in_conf_setup = static_cast<bool>(calls::parent_of(c));
    const bool other_held = has_other(l, c, held_states, true);
    const bool other_active = has_other(
        l, c, LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK | LINECALLSTATE_PROCEEDING, true);
    const bool queued = c.switch_state == protocol::connection_state::queued;
    if (queued) {
        // A call waiting at a queue, ACD group or route point line: the application routes it
        // elsewhere with lineRedirect (the switch's DeflectCall of the queued connection).
        if (conn && l.role != config::line_role::station) f |= LINECALLFEATURE_REDIRECT;
        return f & caps::call_features & ~unsupported_call_features(l, c);
    }
    // The switch sends digits on a connected connection only (our side is connected from
    // Originated on).
    if (conn &&
        (s & (LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK | LINECALLSTATE_CONNECTED))) {
        f |= LINECALLFEATURE_GENERATEDIGITS;
    }
    switch (s) {
        case LINECALLSTATE_OFFERING:
        case LINECALLSTATE_ACCEPTED:
            if (conn) f |= LINECALLFEATURE_ANSWER | LINECALLFEATURE_REDIRECT;
            break;
        case LINECALLSTATE_DIALTONE:
        case LINECALLSTATE_DIALING:
            // Dialling makes the switch call (MakeCall) for calls that have none yet, or dials
            // the switch's dial tone of a lifted handset (protocol.md "lifted handset").
            if ((!conn || c.switch_state == protocol::connection_state::initiated) &&
                c.awaiting_connection == call::awaiting::none) {
                f |= LINECALLFEATURE_DIAL;
            }
            if (conn && other_held) f |= LINECALLFEATURE_SWAPHOLD;
            break;
        case LINECALLSTATE_PROCEEDING:
            f |= LINECALLFEATURE_HOLD | LINECALLFEATURE_BLINDTRANSFER;
            if (other_held) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_COMPLETETRANSF;
            if (in_conf_setup) f |= LINECALLFEATURE_ADDTOCONF;
            break;
        case LINECALLSTATE_RINGBACK:
            if (other_held) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_COMPLETETRANSF;
            if (in_conf_setup) f |= LINECALLFEATURE_ADDTOCONF;
            break;
        case LINECALLSTATE_BUSY:
            if (other_held) f |= LINECALLFEATURE_SWAPHOLD;
            break;
        case LINECALLSTATE_CONNECTED:
            if (!conn) break;
            f |= LINECALLFEATURE_HOLD;
            if (parent) {
                f |= LINECALLFEATURE_PREPAREADDCONF;
                if (other_held) f |= LINECALLFEATURE_ADDTOCONF;
                break;
            }
            f |= LINECALLFEATURE_BLINDTRANSFER | LINECALLFEATURE_PARK;
            if (!consult && !in_conf_setup && !other_held) {
                f |= LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_SETUPCONF;
            }
            if (other_held) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_COMPLETETRANSF;
            if (in_conf_setup) f |= LINECALLFEATURE_ADDTOCONF;
            break;
        case LINECALLSTATE_ONHOLD:
            if (!unhold_blocked(l, c)) f |= LINECALLFEATURE_UNHOLD;
            if (other_active) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_COMPLETETRANSF;
            if (parent && other_active) f |= LINECALLFEATURE_ADDTOCONF;
            break;
        case LINECALLSTATE_ONHOLDPENDTRANSFER:
            if (!unhold_blocked(l, c)) f |= LINECALLFEATURE_UNHOLD;
            if (c.consultation.lock()) f |= LINECALLFEATURE_COMPLETETRANSF;
            if (other_active) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_COMPLETETRANSF;
            break;
        case LINECALLSTATE_ONHOLDPENDCONF:
            if (!unhold_blocked(l, c)) f |= LINECALLFEATURE_UNHOLD;
            if (other_active) f |= LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_ADDTOCONF;
            break;
        case LINECALLSTATE_CONFERENCED:
            if (auto par = calls::parent_of(c); par && par->connection) {
                f |= LINECALLFEATURE_REMOVEFROMCONF;
            }
            f &= ~static_cast<DWORD>(
                LINECALLFEATURE_SETCALLDATA);  // the data belongs to the conference call
            break;
        default:
            break;
    }
    if (consult)
        f &= ~static_cast<DWORD>(LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_SETUPCONF);
    return f & caps::call_features & ~unsupported_call_features(l, c);
}

void call_machine::recompute_features(line& l) {
    for (auto& c : l.calls) c->features = features(l, *c);
}

DWORD call_machine::features2(const line& l, DWORD f) {
    DWORD f2 = 0;
    if (f & LINECALLFEATURE_COMPLETETRANSF) {
        f2 |= LINECALLFEATURE2_TRANSFERNORM | LINECALLFEATURE2_TRANSFERCONF;
    }
    if (f & LINECALLFEATURE_PARK)
        f2 |= LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT;
    return f2 & caps::call_features2 & ~l.unsupported.call2;
}

DWORD call_machine::unsupported_call_features(const line& l, const call& c) {
    DWORD m = l.unsupported.call;
    // Without a switch connection, drop and call data stay local (no ClearConnection, the data
    // travels with the MakeCall), so the switch's refusal of those services does not matter.
    const bool local = !c.connection && c.role != call_role::conference_member &&
                       c.role != call_role::conference_parent;
    if (local) m &= ~static_cast<DWORD>(LINECALLFEATURE_DROP | LINECALLFEATURE_SETCALLDATA);
    return m;
}

// ---- helpers -----------------------------------------------------------------------------------

namespace calls {

call_ptr find_call(const line& l, const std::string& call_id) {
    auto it = l.by_call_id.find(call_id);
    if (it == l.by_call_id.end()) return nullptr;
    auto c = it->second.lock();
    return c && c->state() != LINECALLSTATE_IDLE ? c : nullptr;
}

call_ptr create_call(locked_provider& p, const line_ptr& l) {
    auto c = std::make_shared<call>(p.new_handle(), *l);
    c->caller.number.clear();
    l->calls.push_back(c);
    p.call_by_handle_[c->handle()] = c;
    return c;
}

void bind(locked_provider& p, const line_ptr& l, const call_ptr& c,
          const protocol::connection_id& conn) {
    if (c->connection && c->connection->call_id != conn.call_id) unbind(l, c);
    c->connection = protocol::connection_id{conn.call_id, l->extension};
    l->by_call_id[conn.call_id] = c;
    const DWORD id = p.hold_call_id(*c, conn.call_id);
    if (id != c->call_id) {
        c->call_id = id;
        c->pending_info |= LINECALLINFOSTATE_CALLID;
    }
}

void unbind(const line_ptr& l, const call_ptr& c) {
    if (!c->connection) return;
    auto it = l->by_call_id.find(c->connection->call_id);
    if (it != l->by_call_id.end()) {
        auto bound = it->second.lock();
        if (!bound || bound == c) l->by_call_id.erase(it);
    }
}

void set_party(locked_provider& p, call& c, party call::*which, const std::string& device,
               DWORD bit, const std::optional<std::string>& switch_name) {
    party v;
    if (!device.empty()) {
        v.number = p.dial_plan_ ? p.dial_plan_->to_canonical(device) : device;
        if (auto it = p.line_by_extension_.find(device); it != p.line_by_extension_.end()) {
            v.name = it->second->name;  // a configured line keeps its configured name
        } else if (switch_name) {
            v.name = protocol::display_text(*switch_name);  // at most 128, as a configured name
        } else if ((c.*which).number == v.number) {
            v.name = (c.*which).name;  // an event without a name does not forget the one known
        }
    }
    if (c.*which == v) return;
    c.*which = std::move(v);
    c.pending_info |= bit;
}

void add_party(call& c, const std::string& device, const std::string& self) {
    if (device.empty() || device == self) return;
    if (std::find(c.parties.begin(), c.parties.end(), device) == c.parties.end()) {
        c.parties.push_back(device);
    }
}

void remove_party(call& c, const std::string& device) {
    c.parties.erase(std::remove(c.parties.begin(), c.parties.end(), device), c.parties.end());
}

void set_call_data(call& c, const std::string& bytes) {
    if (c.call_data == bytes) return;
    c.call_data = bytes;
    c.pending_info |= LINECALLINFOSTATE_CALLDATA;
}

DWORD origin_for(const locked_provider& p, const std::string& other, bool outgoing) {
    if (!other.empty() && p.line_by_extension_.count(other) != 0) return LINECALLORIGIN_INTERNAL;
    if (other.empty()) return outgoing ? LINECALLORIGIN_OUTBOUND : LINECALLORIGIN_UNKNOWN;
    return outgoing ? LINECALLORIGIN_OUTBOUND : LINECALLORIGIN_EXTERNAL;
}

void flush_info(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (c->pending_info == 0 || !c->told() || c->requested()) return;
    if (c->state() == LINECALLSTATE_IDLE || c->state() == LINECALLSTATE_UNKNOWN) return;
    const DWORD bits = c->pending_info & caps::call_info_states;
    c->pending_info = 0;
    if (bits != 0) p.line_event(l, c, LINE_CALLINFO, bits, 0, 0);
}

void end_call(locked_provider& p, const line_ptr& l, const call_ptr& c, DWORD mode) {
    if (c->state() == LINECALLSTATE_IDLE) return;
    if (!c->drop_requested && c->state() != LINECALLSTATE_DISCONNECTED &&
        c->state() != LINECALLSTATE_BUSY && c->state() != LINECALLSTATE_UNKNOWN) {
        call_machine::transition(p, l, c, LINECALLSTATE_DISCONNECTED, mode);
    }
    call_machine::transition(p, l, c, LINECALLSTATE_IDLE, 0);
}

void forget(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    unbind(l, c);
    p.release_call_id(*c);
    call_machine::close(p, l, c);
    l->calls.erase(std::remove(l->calls.begin(), l->calls.end(), c), l->calls.end());
    p.call_by_handle_.erase(c->handle());
    // lineCloseCall of a call still offered: nothing else would tell the phone to stop ringing.
    devices_alerting_changed(p, l);
}

call_ptr active_besides(const line& l, const call& c) {
    constexpr DWORD active = LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |
                             LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK |
                             LINECALLSTATE_CONNECTED;
    const auto consult = c.consultation.lock();
    call_ptr found;
    for (const auto& o : l.calls) {
        if (o.get() == &c || o->failed() || (o->state() & active) == 0) continue;
        if (o->connection) {
            if (!found) found = o;
            continue;
        }
        if (o != consult && o->conference.lock().get() != &c) return o;  // cannot be held
    }
    return found;
}

call_ptr parent_of(const call& c) {
    auto par = c.conference.lock();
    if (!par || par->state() == LINECALLSTATE_IDLE || par->failed()) return nullptr;
    return par;
}

std::vector<call_ptr> members_of(const line& l, const call_ptr& parent) {
    std::vector<call_ptr> out;
    for (const auto& c : l.calls) {
        if (c->role == call_role::conference_member && c->conference.lock() == parent &&
            c->state() != LINECALLSTATE_IDLE) {
            out.push_back(c);
        }
    }
    return out;
}

void check_conference(locked_provider& p, const line_ptr& l, const call_ptr& parent) {
    if (!parent || parent->state() == LINECALLSTATE_IDLE) return;
    auto members = members_of(*l, parent);
    if (!parent->connection) {
        // Still being set up: without its held original the set-up has nothing to hold.
        if (members.empty()) {
            parent->drop_requested = true;
            call_machine::transition(p, l, parent, LINECALLSTATE_IDLE, 0);
        }
        return;
    }
    if (members.size() == 1) {
        // Collapse to a two-party call (TSP++ style): the parent goes, the last member takes
        // over the switch connection and is an ordinary connected call again.
        auto last = members.front();
        auto conn = *parent->connection;
        parent->drop_requested = true;
        last->role = call_role::normal;
        last->conference.reset();
        last->parties = parent->parties;
        last->member_party.clear();
        call_machine::transition(p, l, parent, LINECALLSTATE_IDLE, 0);
        calls::bind(p, l, last, conn);
        last->switch_state = parent->switch_state;
        const DWORD to = parent->switch_state == protocol::connection_state::hold
                             ? LINECALLSTATE_ONHOLD
                             : LINECALLSTATE_CONNECTED;
        call_machine::transition(p, l, last, to,
                                 to == LINECALLSTATE_CONNECTED ? LINECONNECTEDMODE_ACTIVE : 0);
        flush_info(p, l, last);
    } else if (members.empty()) {
        end_call(p, l, parent, LINEDISCONNECTMODE_NORMAL);
    }
}

void cancel_generate(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (!c->generate_end_to_end_id) return;
    const DWORD id = *c->generate_end_to_end_id;
    c->generate_end_to_end_id.reset();
    p.line_event(l, c, LINE_GENERATE, LINEGENERATETERM_CANCEL, id, tick(p));
}

DWORD tick(const locked_provider& p) {
    return p.env_.tick_count ? p.env_.tick_count() : 0;
}

std::optional<protocol::connection_id> held_connection(const line& l, const call_ptr& parent) {
    if (parent->connection) return parent->connection;
    for (const auto& m : l.calls) {
        if (m->role == call_role::conference_member && m->conference.lock() == parent &&
            m->connection) {
            return m->connection;
        }
    }
    return std::nullopt;
}

}  // namespace calls
}  // namespace ctigw::tsp
