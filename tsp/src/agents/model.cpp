// The agent model (agents/agents.hpp): the switch's agent events and GetAgentState answers become
// the TAPI 2.1 address view and the TAPI 2.2 agent/session view, and every change is reported as a
// LINE_DEVSPECIFIC agent event (ctigw/tsp/agent_extension.hpp) that the proxy relays.
#include <algorithm>
#include <chrono>

#include "agents/agents.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/agent_extension.hpp"
#include "devices/devices.hpp"

namespace ctigw::tsp::agents {

namespace {

using protocol::agent_state;

DWORD session_state_of(agent_state s) {
    switch (s) {
        case agent_state::logged_off:
            return LINEAGENTSESSIONSTATE_ENDED;
        case agent_state::not_ready:
            return LINEAGENTSESSIONSTATE_NOTREADY;
        case agent_state::ready:
            return LINEAGENTSESSIONSTATE_READY;
        case agent_state::busy:
            return LINEAGENTSESSIONSTATE_BUSYONCALL;
        case agent_state::working_after_call:
            return LINEAGENTSESSIONSTATE_BUSYWRAPUP;
    }
    return LINEAGENTSESSIONSTATE_NOTREADY;
}

DWORD tapi_of(agent_state s) {
    switch (s) {
        case agent_state::logged_off:
            return LINEAGENTSTATE_LOGGEDOFF;
        case agent_state::not_ready:
            return LINEAGENTSTATE_NOTREADY;
        case agent_state::ready:
            return LINEAGENTSTATE_READY;
        case agent_state::busy:
            return LINEAGENTSTATE_BUSYACD;
        case agent_state::working_after_call:
            return LINEAGENTSTATE_WORKINGAFTERCALL;
    }
    return LINEAGENTSTATE_UNKNOWN;
}

/// A TAPI 2.2 agent's state: the most active of its live sessions.
DWORD agent_state_ex(const context& c, DWORD agent) {
    bool any = false, ready = false;
    for (const auto& [h, s] : c.sessions) {
        if (s.agent != agent || s.state == LINEAGENTSESSIONSTATE_ENDED) continue;
        any = true;
        if (s.state == LINEAGENTSESSIONSTATE_BUSYONCALL) return LINEAGENTSTATEEX_BUSYACD;
        ready = ready || s.state == LINEAGENTSESSIONSTATE_READY;
    }
    if (ready) return LINEAGENTSTATEEX_READY;
    return any ? LINEAGENTSTATEEX_NOTREADY : LINEAGENTSTATEEX_RELEASED;
}

std::string groups_key(const address_agent& a) {
    std::string k;
    for (const auto& [g, m] : a.groups) k += g + '\n';
    return k;
}

/// Session statistics: a call starts when the session becomes busy, its wrap-up when it leaves
/// busy for after-call work.
void account(session& s, DWORD from, DWORD to, DWORD now) {
    if (from == to) return;
    if (from == LINEAGENTSESSIONSTATE_BUSYONCALL && s.busy_since) {
        s.talk_ms += now - *s.busy_since;
        s.busy_since.reset();
    }
    if (from == LINEAGENTSESSIONSTATE_BUSYWRAPUP && s.wrapup_since) {
        s.wrapup_ms += now - *s.wrapup_since;
        s.wrapup_since.reset();
    }
    if (to == LINEAGENTSESSIONSTATE_BUSYONCALL) {
        ++s.calls;
        s.busy_since = now;
    }
    if (to == LINEAGENTSESSIONSTATE_BUSYWRAPUP) s.wrapup_since = now;
}

/// lineSetAgentState's next state, once the call that made the agent busy has ended.
void apply_next_state(locked_provider& p, const line_ptr& l, address_agent& a, DWORD before) {
    const DWORD now = tapi_state(a);
    const bool call_ended = before == LINEAGENTSTATE_BUSYACD && now != LINEAGENTSTATE_BUSYACD;
    if (!call_ended || a.next_state == 0 || a.groups.empty()) return;
    const DWORD next = std::exchange(a.next_state, 0);
    if (next == now) return;
    protocol::svc::set_agent_state::params prm;
    prm.device = l->extension;
    prm.requested = next == LINEAGENTSTATE_READY ? protocol::requested_agent_state::ready
                    : next == LINEAGENTSTATE_NOTREADY
                        ? protocol::requested_agent_state::not_ready
                        : protocol::requested_agent_state::working_after_call;
    if (next == LINEAGENTSTATE_NOTREADY && a.chosen_activity != 0) {
        const auto& reasons = of(p).reasons;
        if (a.chosen_activity <= reasons.size())
            prm.reason_code = reasons[a.chosen_activity - 1].code;
    }
    p.log(level::info, "agent at " + l->extension + ": the call ended, next state applied");
    if (!devices::can_send(p)) return;
    p.send(std::move(prm), [&p, ext = l->extension](const pbx_link::request_outcome& o) {
        if (!o.ok()) p.log(level::warn, "agent at " + ext + ": the next state was refused");
    });
}

}  // namespace

context& of(locked_provider& p) {
    if (!p.agents_) p.agents_ = std::make_shared<context>();
    return *p.agents_;
}

DWORD tapi_state(const address_agent& a) {
    if (a.groups.empty()) return LINEAGENTSTATE_LOGGEDOFF;
    bool ready = false, wrapup = false;
    for (const auto& [g, m] : a.groups) {
        if (m.state == agent_state::busy) return LINEAGENTSTATE_BUSYACD;
        wrapup = wrapup || m.state == agent_state::working_after_call;
        ready = ready || m.state == agent_state::ready;
    }
    if (wrapup) return LINEAGENTSTATE_WORKINGAFTERCALL;
    return ready ? LINEAGENTSTATE_READY : LINEAGENTSTATE_NOTREADY;
}

DWORD tapi_next_state(const address_agent& a) {
    if (a.next_state != 0) return a.next_state;
    for (const auto& [g, m] : a.groups) {
        if (m.pending && *m.pending != agent_state::busy) return tapi_of(*m.pending);
    }
    return 0;
}

DWORD activity_id(locked_provider& p, const std::string& code) {
    auto& reasons = of(p).reasons;
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        if (reasons[i].code == code) return static_cast<DWORD>(i + 1);
    }
    reasons.push_back({code, std::nullopt});
    return static_cast<DWORD>(reasons.size());
}

DWORD activity_of(locked_provider& p, const address_agent& a) {
    for (const auto& [g, m] : a.groups) {
        if (m.state == agent_state::not_ready && m.reason) return activity_id(p, *m.reason);
    }
    return a.chosen_activity;
}

GUID group_guid(std::string_view device) {
    return permanent_guid("acdgroup", device);
}

std::vector<line_ptr> group_lines(const locked_provider& p) {
    std::vector<line_ptr> out;
    for (const auto& l : p.lines_) {
        if (!l->removed() && l->role == config::line_role::acd_group) out.push_back(l);
    }
    return out;
}

line_ptr queue_line(const locked_provider& p, DWORD queue_id) {
    for (const auto& l : p.lines_) {
        if (!l->removed() && l->permanent_id == queue_id &&
            (l->role == config::line_role::acd_group || l->role == config::line_role::queue)) {
            return l;
        }
    }
    return nullptr;
}

void send_event(locked_provider& p, const std::string& extension, DWORD message, DWORD param1,
                DWORD param2, DWORD param3) {
    auto it = p.line_by_extension_.find(extension);
    if (it == p.line_by_extension_.end() || !it->second->is_open()) return;
    DWORD_PTR p1 = 0, p2 = 0, p3 = 0;
    encode_agent_event({message, param1, param2, param3}, p1, p2, p3);
    p.line_event(it->second, nullptr, LINE_DEVSPECIFIC, p1, p2, p3);
}

LONG agent_lineerr(const pbx_link::request_outcome& o, bool had_password, LONG out_of_range) {
    if (o.ok()) return 0;
    if (o.error && o.failure == pbx_link::request_failure::csta_error) {
        const auto& e = *o.error;
        using protocol::error_category;
        namespace ev = protocol::error_values;
        if (e.value == ev::invalid_credentials) {
            return static_cast<LONG>(had_password ? LINEERR_INVALPASSWORD : LINEERR_INVALAGENTID);
        }
        if (e.category == error_category::state_incompatibility) {
            return static_cast<LONG>(LINEERR_INVALAGENTSTATE);
        }
        if (e.value == ev::invalid_parameter_value) {
            return out_of_range;
        }
    }
    return to_lineerr(o);
}

// ---- reading and reporting ---------------------------------------------------------------------

void apply_state(locked_provider& p, const line_ptr& l,
                 const protocol::svc::get_agent_state::result& r) {
    auto& a = of(p).addresses[l->extension];
    for (const auto& reason : r.reasons) {
        const DWORD id = activity_id(p, reason.code);
        if (reason.name) of(p).reasons[id - 1].name = reason.name;
    }
    const DWORD before = tapi_state(a);
    a.groups.clear();
    for (const auto& g : r.agent_states) {
        if (g.state == agent_state::logged_off) continue;
        a.groups[g.acd_group.value_or("")] = {g.state, g.pending_state, g.reason_code};
        if (g.agent_id) a.agent_id = g.agent_id;
    }
    if (a.groups.empty()) a.agent_id.reset();
    a.known = true;
    apply_next_state(p, l, a, before);
    report(p, l);
    follow_sessions(p, l, std::nullopt);
}

void with_state(locked_provider& p, const line_ptr& l, std::function<void(LONG)> then) {
    auto& a = of(p).addresses[l->extension];
    if (a.known) return then(0);
    // One GetAgentState serves every request that arrives while it is in flight.
    if (a.reading) return a.waiters.push_back(std::move(then));
    if (!devices::can_send(p)) return then(static_cast<LONG>(LINEERR_OPERATIONFAILED));
    a.reading = true;
    a.waiters.push_back(std::move(then));
    std::weak_ptr<line> wl = l;
    protocol::svc::get_agent_state::params prm;
    prm.device = l->extension;
    p.send(std::move(prm), [&p, wl, ext = l->extension](const pbx_link::request_outcome& o) {
        auto& addr = of(p).addresses[ext];
        addr.reading = false;
        auto waiters = std::exchange(addr.waiters, {});
        LONG result = 0;
        const auto station = wl.lock();
        const auto* r =
            o.ok()
                ? std::get_if<protocol::service_index_v<protocol::svc::get_agent_state>>(&*o.result)
                : nullptr;
        if (!station || station->removed()) {
            result = static_cast<LONG>(LINEERR_OPERATIONFAILED);
        } else if (r == nullptr) {
            p.log(level::warn, "agent state of " + ext + " could not be read");
            result = o.ok() ? static_cast<LONG>(LINEERR_OPERATIONFAILED)
                            : agent_lineerr(o, false, static_cast<LONG>(LINEERR_OPERATIONFAILED));
        } else {
            apply_state(p, station, *r);
        }
        for (auto& w : waiters) w(result);
    });
}

void report(locked_provider& p, const line_ptr& l) {
    auto& c = of(p);
    auto& a = c.addresses[l->extension];
    const DWORD state = tapi_state(a), next = tapi_next_state(a), activity = activity_of(p, a);
    const std::string groups = groups_key(a);
    DWORD bits = 0;
    if (state != a.reported_state) {
        bits |=
            LINEAGENTSTATUS_STATE | LINEAGENTSTATUS_VALIDSTATES | LINEAGENTSTATUS_VALIDNEXTSTATES;
    }
    if (next != a.reported_next) bits |= LINEAGENTSTATUS_NEXTSTATE;
    if (activity != a.reported_activity) bits |= LINEAGENTSTATUS_ACTIVITY;
    if (groups != a.reported_groups) bits |= LINEAGENTSTATUS_GROUP;
    if (bits != 0) {
        if (state != a.reported_state) {
            p.log(level::info, "agent at " + l->extension + ": state " +
                                   std::to_string(a.reported_state) + " -> " +
                                   std::to_string(state));
        }
        a.reported_state = state;
        a.reported_next = next;
        a.reported_activity = activity;
        a.reported_groups = groups;
        send_event(p, l->extension, LINE_AGENTSTATUS, 0, bits, state);
    }
}

void follow_sessions(locked_provider& p, const line_ptr& l,
                     const std::optional<std::string>& group) {
    auto& c = of(p);
    const auto& a = c.addresses[l->extension];
    const DWORD tick = p.env_.tick_count ? p.env_.tick_count() : 0;
    std::vector<DWORD> touched;
    for (auto& [h, s] : c.sessions) {
        if (s.line_extension != l->extension || s.state == LINEAGENTSESSIONSTATE_ENDED) continue;
        if (group && s.group != *group) continue;
        // The switch's word: a group the station is not in any more has ended the session.
        auto g = a.groups.find(s.group);
        const DWORD now = g == a.groups.end() ? DWORD{LINEAGENTSESSIONSTATE_ENDED}
                                              : session_state_of(g->second.state);
        if (now == s.state) continue;
        account(s, s.state, now, tick);
        p.log(level::info, "agent session " + std::to_string(h) + ": state " +
                               std::to_string(s.state) + " -> " + std::to_string(now));
        s.state = now;
        if (now == LINEAGENTSESSIONSTATE_ENDED) s.next_state = 0;
        send_event(p, s.line_extension, LINE_AGENTSESSIONSTATUS, h, LINEAGENTSESSIONSTATUS_STATE,
                   now);
        touched.push_back(s.agent);
    }
    for (DWORD h : touched) report_agent(p, h);
}

void report_agent(locked_provider& p, DWORD agent) {
    auto& c = of(p);
    auto it = c.agents.find(agent);
    if (it == c.agents.end()) return;
    const DWORD ex = agent_state_ex(c, agent);
    if (ex == it->second.reported_state) return;
    it->second.reported_state = ex;
    send_event(p, it->second.line_extension, LINE_AGENTSTATUSEX, agent, LINEAGENTSTATUSEX_STATE,
               ex);
}

DWORD agent_state_ex(locked_provider& p, DWORD agent) {
    return agent_state_ex(of(p), agent);
}

// ---- events ------------------------------------------------------------------------------------

void on_event(locked_provider& p, const std::string& device, const protocol::event_message& e) {
    using namespace protocol::evt;
    const auto* common = std::visit(
        [](const auto& b) -> const agent_event_common* {
            if constexpr (std::is_base_of_v<agent_event_common, std::decay_t<decltype(b)>>) {
                return &b;
            } else {
                return nullptr;
            }
        },
        e.body);
    if (common == nullptr) return;
    // A station's events reach its own monitor and its group's: the station's copy is the one
    // the model reads (the group's would count every change twice).
    if (device != common->agent_device) return;
    auto it = p.line_by_extension_.find(device);
    if (it == p.line_by_extension_.end() || it->second->role != config::line_role::station) return;
    const line_ptr& l = it->second;
    auto& a = of(p).addresses[device];
    const std::string group = common->acd_group.value_or("");
    const DWORD before = tapi_state(a);
    if (common->agent_id) a.agent_id = common->agent_id;

    if (std::holds_alternative<agent_logged_off>(e.body)) {
        if (common->acd_group) {
            a.groups.erase(group);
        } else {
            a.groups.clear();
        }
        if (a.groups.empty()) {
            a.agent_id.reset();
            a.next_state = 0;
        }
    } else if (std::holds_alternative<agent_logged_on>(e.body)) {
        a.groups.try_emplace(group);  // the state event follows
    } else {
        membership& m = a.groups[group];
        m.reason.reset();
        m.pending.reset();
        if (const auto* nr = std::get_if<agent_not_ready>(&e.body)) {
            m.state = agent_state::not_ready;
            m.reason = nr->reason_code;
        } else if (std::holds_alternative<agent_ready>(e.body)) {
            m.state = agent_state::ready;
        } else if (const auto* busy = std::get_if<agent_busy>(&e.body)) {
            m.state = agent_state::busy;
            m.pending = busy->pending_state;
        } else if (const auto* wac = std::get_if<agent_working_after_call>(&e.body)) {
            m.state = agent_state::working_after_call;
            m.pending = wac->pending_state;
        }
    }
    apply_next_state(p, l, a, before);
    report(p, l);
    follow_sessions(p, l, common->acd_group ? std::optional<std::string>(group) : std::nullopt);
}

void on_queue_activity(locked_provider& p, const line_ptr& l) {
    if (l->role != config::line_role::acd_group && l->role != config::line_role::queue) return;
    send_event(p, l->extension, LINE_QUEUESTATUS, l->permanent_id, LINEQUEUESTATUS_UPDATEINFO, 0);
}

std::vector<std::string> group_extensions(const locked_provider& p) {
    std::vector<std::string> out;
    for (const auto& g : group_lines(p)) out.push_back(g->extension);
    std::sort(out.begin(), out.end());
    return out;
}

void groups_changed(locked_provider& p, const std::vector<std::string>& before) {
    const auto after = group_extensions(p);
    DWORD bits = 0;
    if (std::any_of(after.begin(), after.end(), [&](const std::string& g) {
            return !std::binary_search(before.begin(), before.end(), g);
        })) {
        bits |= LINEGROUPSTATUS_NEWGROUP;
    }
    if (std::any_of(before.begin(), before.end(), [&](const std::string& g) {
            return !std::binary_search(after.begin(), after.end(), g);
        })) {
        bits |= LINEGROUPSTATUS_GROUPREMOVED;
    }
    if (bits == 0) return;
    p.log(level::info, "ACD groups changed: LINE_GROUPSTATUS " + std::to_string(bits));
    for (const auto& l : p.lines_) {
        if (!l->removed() && l->role == config::line_role::station && l->is_open()) {
            send_event(p, l->extension, LINE_GROUPSTATUS, bits, 0, 0);
        }
    }
}

void on_link_down(locked_provider& p) {
    if (!p.agents_) return;
    // Unknown until read again; what TAPI was told stays until then. A station that was read
    // keeps `reread` so that the next live link reads it at once.
    for (auto& [ext, a] : p.agents_->addresses) {
        a.reread = a.reread || a.known;
        a.known = false;
        a.reading = false;
    }
}

bool supported(const locked_provider& p) {
    return p.link_ && p.link_->figures().protocol_version >= 2;
}

void on_live(locked_provider& p) {
    if (!p.agents_ || !supported(p)) return;
    for (auto& [ext, a] : p.agents_->addresses) {
        if (!a.reread || a.known || a.reading) continue;
        a.reread = false;
        auto it = p.line_by_extension_.find(ext);
        if (it == p.line_by_extension_.end()) continue;
        // Re-read what the switch has now: agents logged on or off during the outage are
        // reported as soon as the link is back, not at the next request.
        with_state(p, it->second, [](LONG) {});
    }
}

// ---- the extension's identity (TSPI_lineNegotiateExtVersion, GetExtensionID, SelectExtVersion)

namespace {
bool is_line(const locked_provider& p, DWORD device_id) {
    auto it = p.line_by_device_id_.find(device_id);
    return it != p.line_by_device_id_.end() && !it->second->removed();
}
}  // namespace

LONG negotiate_ext_version(locked_provider& p, DWORD device_id, DWORD tspi_version, DWORD low,
                           DWORD high, LPDWORD ext_version) {
    (void)tspi_version;
    if (ext_version == nullptr) return static_cast<LONG>(LINEERR_INVALPOINTER);
    if (!is_line(p, device_id)) return static_cast<LONG>(LINEERR_BADDEVICEID);
    if (low > high) return static_cast<LONG>(LINEERR_INCOMPATIBLEEXTVERSION);
    if (agent_ext_version < low || agent_ext_version > high) {
        return static_cast<LONG>(LINEERR_INCOMPATIBLEEXTVERSION);
    }
    *ext_version = agent_ext_version;
    return 0;
}

LONG get_extension_id(locked_provider& p, DWORD device_id, DWORD tspi_version,
                      LINEEXTENSIONID* extension_id) {
    (void)tspi_version;
    if (extension_id == nullptr) return static_cast<LONG>(LINEERR_INVALPOINTER);
    if (!is_line(p, device_id)) return static_cast<LONG>(LINEERR_BADDEVICEID);
    extension_id->dwExtensionID0 = agent_extension_id[0];
    extension_id->dwExtensionID1 = agent_extension_id[1];
    extension_id->dwExtensionID2 = agent_extension_id[2];
    extension_id->dwExtensionID3 = agent_extension_id[3];
    return 0;
}

LONG select_ext_version(locked_provider& p, HDRVLINE hd, DWORD ext_version) {
    if (!devices::open_line(p, hd)) return static_cast<LONG>(LINEERR_INVALLINEHANDLE);
    if (ext_version != 0 && ext_version != agent_ext_version) {
        return static_cast<LONG>(LINEERR_INCOMPATIBLEEXTVERSION);
    }
    return 0;
}

}  // namespace ctigw::tsp::agents
