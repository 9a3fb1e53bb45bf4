// TSPI_lineDevSpecific carrying the ctigw agent extension: the 20 LINEPROXYREQUEST types TAPISRV
// hands the proxy (docs/agents.md §4), each answered from the agent model (agents/model.cpp) or
// by the switch's SetAgentState / GetAgentState / GetQueueStatistics.
//
// Every request that passes validation becomes an async request on its line (so that lineClose
// and shutdown complete it) and completes exactly once through finish(), which is also the only
// place that writes returned data into TAPISRV's buffer — never after the completion.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "agents/agents.hpp"
#include "agents/write.hpp"
#include "ctigw/tsp/agent_extension.hpp"
#include "devices/devices.hpp"

namespace ctigw::tsp::agents {

namespace {

using requested = protocol::requested_agent_state;
using set_state = protocol::svc::set_agent_state;

LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

constexpr std::uint32_t header_size = sizeof(agent_request_header);
constexpr std::uint32_t request_fixed = offsetof(LINEPROXYREQUEST, SetAgentGroup);
/// Entries of a LINEAGENTGROUPLIST that lineSetAgentGroup may carry.
constexpr DWORD max_group_entries = 256;
/// TAPI 2.2 agents and sessions the provider keeps (lineCreateAgent/CreateAgentSession).
constexpr std::size_t max_agents = 10000, max_sessions = 20000;

/// One agent request in flight.
struct job {
    locked_provider& p;
    request_ptr r;
    line_ptr l;
    LINEPROXYREQUEST* req;  ///< inside TAPISRV's buffer: written only by finish()
    std::uint32_t size;     ///< req->dwSize, validated against the buffer
};
using job_ptr = std::shared_ptr<job>;

/// Completes the request once; `fill` writes the returned data first (success only).
void finish(const job_ptr& j, LONG result, const std::function<void()>& fill = {}) {
    if (j->r->completed) return;
    if (result == 0 && fill) fill();
    std::erase(j->l->pending, j->r);
    j->p.complete(j->r, result);
}

/// Sends SetAgentState requests and finishes with the first failure, if any (devices' fan-in);
/// `on_success` runs first when all succeeded.
void send_all(const job_ptr& j, std::vector<set_state::params> ops, LONG out_of_range,
              std::function<void()> on_success = {}) {
    const bool had_password = std::any_of(
        ops.begin(), ops.end(), [](const set_state::params& o) { return o.password.has_value(); });
    std::vector<protocol::service_params> params(std::make_move_iterator(ops.begin()),
                                                 std::make_move_iterator(ops.end()));
    devices::fan_in(
        j->p, std::move(params),
        [had_password, out_of_range](const pbx_link::request_outcome& o) {
            return agent_lineerr(o, had_password, out_of_range);
        },
        [j, on_success = std::move(on_success)](LONG result) {
            if (result == 0 && on_success) on_success();
            finish(j, result);
        });
}

set_state::params op(const line& l, requested what, std::optional<std::string> group = {}) {
    set_state::params prm;
    prm.device = l.extension;
    prm.requested = what;
    prm.acd_group = std::move(group);
    return prm;
}

std::optional<std::string> reason_of(locked_provider& p, DWORD activity) {
    const auto& reasons = of(p).reasons;
    if (activity == 0 || activity > reasons.size()) return std::nullopt;
    return reasons[activity - 1].code;
}

/// The ACD group device of a GUID: a configured group line, or a group the station is in.
std::optional<std::string> group_of(locked_provider& p, const GUID& id, const address_agent* a) {
    for (const auto& g : group_lines(p)) {
        if (same_guid(group_guid(g->extension), id)) return g->extension;
    }
    if (a != nullptr) {
        for (const auto& [g, m] : a->groups) {
            if (same_guid(group_guid(g), id)) return g;
        }
    }
    return std::nullopt;
}

// ---- TAPI 2.1: per address ----------------------------------------------------------------------

void set_agent_group(const job_ptr& j) {
    auto& req = *j->req;
    const auto* list = &req.SetAgentGroup.GroupList;
    const auto limit = j->size - offsetof(LINEPROXYREQUEST, SetAgentGroup.GroupList);
    auto entries = read_group_list(list, static_cast<std::uint32_t>(limit), max_group_entries);
    if (!entries) return finish(j, err(LINEERR_INVALPARAM));
    with_state(j->p, j->l, [j, entries = std::move(*entries)](LONG e) {
        if (e != 0) return finish(j, e);
        auto& p = j->p;
        auto& a = of(p).addresses[j->l->extension];
        std::optional<std::string> agent_id, password;
        std::vector<std::string> wanted;
        for (const auto& entry : entries) {
            if (is_null_guid(entry.id)) {
                // The convention of many TSPs (tapi-agents.md §3): entries without a group carry
                // the agent ID, then the password.
                (agent_id ? password : agent_id) = entry.name;
                continue;
            }
            auto g = group_of(p, entry.id, &a);
            if (!g) return finish(j, err(LINEERR_INVALAGENTGROUP));
            if (std::find(wanted.begin(), wanted.end(), *g) == wanted.end()) wanted.push_back(*g);
        }
        std::vector<set_state::params> ops;
        if (wanted.empty()) {
            if (!a.groups.empty()) ops.push_back(op(*j->l, requested::logged_off));
        } else {
            for (const auto& [g, m] : a.groups) {
                if (std::find(wanted.begin(), wanted.end(), g) == wanted.end()) {
                    ops.push_back(op(*j->l, requested::logged_off, g));
                }
            }
            for (const auto& g : wanted) {
                if (a.groups.count(g) != 0) continue;
                auto on = op(*j->l, requested::logged_on, g);
                on.agent_id = agent_id;
                on.password = password;
                ops.push_back(std::move(on));
            }
        }
        send_all(j, std::move(ops), err(LINEERR_INVALAGENTGROUP));
    });
}

void set_agent_state(const job_ptr& j) {
    const DWORD state = j->req->SetAgentState.dwAgentState;
    const DWORD next = j->req->SetAgentState.dwNextAgentState;
    if (!settable_state(state) || !settable_next_state(next)) {
        return finish(j, err(LINEERR_INVALAGENTSTATE));
    }
    with_state(j->p, j->l, [j, state, next](LONG e) {
        if (e != 0) return finish(j, e);
        auto& p = j->p;
        auto& a = of(p).addresses[j->l->extension];
        const bool logged_on = !a.groups.empty();
        if (!logged_on && state != 0 && state != LINEAGENTSTATE_LOGGEDOFF) {
            // Logging on is lineSetAgentGroup's job (it names the groups).
            return finish(j, err(LINEERR_INVALAGENTSTATE));
        }
        if (!logged_on && next != 0) return finish(j, err(LINEERR_INVALAGENTSTATE));
        auto remember_next = [j, next] {
            of(j->p).addresses[j->l->extension].next_state = next;
            report(j->p, j->l);
        };
        std::vector<set_state::params> ops;
        if (state == LINEAGENTSTATE_LOGGEDOFF) {
            if (logged_on) ops.push_back(op(*j->l, requested::logged_off));
        } else if (state != 0) {
            auto o = op(*j->l, state == LINEAGENTSTATE_READY      ? requested::ready
                               : state == LINEAGENTSTATE_NOTREADY ? requested::not_ready
                                                                  : requested::working_after_call);
            if (state == LINEAGENTSTATE_NOTREADY) o.reason_code = reason_of(p, a.chosen_activity);
            ops.push_back(std::move(o));
        }
        send_all(j, std::move(ops), err(LINEERR_INVALAGENTSTATE), remember_next);
    });
}

void set_agent_activity(const job_ptr& j) {
    const DWORD activity = j->req->SetAgentActivity.dwActivityID;
    with_state(j->p, j->l, [j, activity](LONG e) {
        if (e != 0) return finish(j, e);
        auto& p = j->p;
        if (activity > of(p).reasons.size()) return finish(j, err(LINEERR_INVALAGENTACTIVITY));
        auto& a = of(p).addresses[j->l->extension];
        a.chosen_activity = activity;
        std::vector<set_state::params> ops;
        if (tapi_state(a) == LINEAGENTSTATE_NOTREADY && activity != 0) {
            // Already not ready: the new reason applies now.
            auto o = op(*j->l, requested::not_ready);
            o.reason_code = reason_of(p, activity);
            ops.push_back(std::move(o));
        }
        send_all(j, std::move(ops), err(LINEERR_INVALAGENTACTIVITY), [j] { report(j->p, j->l); });
    });
}

void get_agent_caps(const job_ptr& j) {
    finish(j, 0, [j] {
        write_agent_caps(j->p, &j->req->GetAgentCaps.AgentCaps, j->req->dwClientAppAPIVersion);
    });
}

void get_agent_status(const job_ptr& j) {
    with_state(j->p, j->l, [j](LONG e) {
        finish(j, e, [j] {
            write_agent_status(j->p, of(j->p).addresses[j->l->extension],
                               &j->req->GetAgentStatus.AgentStatus);
        });
    });
}

void get_activity_list(const job_ptr& j) {
    with_state(j->p, j->l, [j](LONG e) {
        finish(j, e,
               [j] { write_activity_list(j->p, &j->req->GetAgentActivityList.ActivityList); });
    });
}

void get_agent_group_list(const job_ptr& j) {
    with_state(j->p, j->l, [j](LONG e) {
        finish(j, e, [j] {
            write_group_list(j->p, &of(j->p).addresses[j->l->extension],
                             &j->req->GetAgentGroupList.GroupList);
        });
    });
}

// ---- TAPI 2.2: agents and sessions ------------------------------------------------------------

agent* find_agent(locked_provider& p, DWORD h) {
    auto it = of(p).agents.find(h);
    return it == of(p).agents.end() ? nullptr : &it->second;
}

session* find_session(locked_provider& p, DWORD h) {
    auto it = of(p).sessions.find(h);
    return it == of(p).sessions.end() ? nullptr : &it->second;
}

void create_agent(const job_ptr& j) {
    const auto fixed = static_cast<std::uint32_t>(offsetof(LINEPROXYREQUEST, CreateAgent) +
                                                  sizeof(j->req->CreateAgent));
    const auto& ca = j->req->CreateAgent;
    auto id = read_text(j->req, fixed, ca.dwAgentIDSize, ca.dwAgentIDOffset);
    auto pin = read_text(j->req, fixed, ca.dwAgentPINSize, ca.dwAgentPINOffset);
    if (!id || !pin) return finish(j, err(LINEERR_INVALPARAM));
    auto& c = of(j->p);
    // One HAGENT per agent ID: creating it again (a restarted application) finds the same agent.
    for (auto& [h, a] : c.agents) {
        if (!id->empty() && a.id == *id) {
            a.pin = *pin;
            a.line_extension = j->l->extension;
            return finish(j, 0, [j, h = h] { j->req->CreateAgent.hAgent = h; });
        }
    }
    if (c.agents.size() >= max_agents) return finish(j, err(LINEERR_RESOURCEUNAVAIL));
    const DWORD h = c.next_handle++;
    c.agents[h] = agent{h, *id, *pin, j->l->extension, 0, LINEAGENTSTATEEX_RELEASED};
    j->p.log(level::info, "agent " + std::to_string(h) + " created on " + j->l->extension);
    finish(j, 0, [j, h] { j->req->CreateAgent.hAgent = h; });
    send_event(j->p, j->l->extension, LINE_AGENTSTATUSEX, h, LINEAGENTSTATUSEX_NEWAGENT,
               LINEAGENTSTATEEX_RELEASED);
}

void set_agent_measurement_period(const job_ptr& j) {
    auto* a = find_agent(j->p, j->req->SetAgentMeasurementPeriod.hAgent);
    if (a == nullptr) return finish(j, err(LINEERR_INVALAGENTID));
    const DWORD period = j->req->SetAgentMeasurementPeriod.dwMeasurementPeriod;
    if (period == 0) return finish(j, err(LINEERR_INVALPARAM));
    a->measurement_period = period;
    finish(j, 0);
    send_event(j->p, a->line_extension, LINE_AGENTSTATUSEX, a->handle, LINEAGENTSTATUSEX_UPDATEINFO,
               agent_state_ex(j->p, a->handle));
}

void get_agent_info(const job_ptr& j) {
    const DWORD h = j->req->GetAgentInfo.hAgent;
    if (find_agent(j->p, h) == nullptr) return finish(j, err(LINEERR_INVALAGENTID));
    finish(j, 0, [j, h] { write_agent_info(j->p, h, &j->req->GetAgentInfo.AgentInfo); });
}

void create_agent_session(const job_ptr& j) {
    auto& cs = j->req->CreateAgentSession;
    auto* a = find_agent(j->p, cs.hAgent);
    if (a == nullptr) return finish(j, err(LINEERR_INVALAGENTID));
    if (cs.dwWorkingAddressID != 0) return finish(j, err(LINEERR_INVALADDRESSID));
    if (of(j->p).sessions.size() >= max_sessions) return finish(j, err(LINEERR_RESOURCEUNAVAIL));
    const auto fixed =
        static_cast<std::uint32_t>(offsetof(LINEPROXYREQUEST, CreateAgentSession) + sizeof(cs));
    auto pin = read_text(j->req, fixed, cs.dwAgentPINSize, cs.dwAgentPINOffset);
    if (!pin) return finish(j, err(LINEERR_INVALPARAM));
    const GUID group_id = cs.GroupID;
    auto group = group_of(j->p, group_id, nullptr);
    if (!group) return finish(j, err(LINEERR_INVALAGENTGROUP));
    auto on = op(*j->l, requested::logged_on, *group);
    if (!a->id.empty()) on.agent_id = a->id;
    const std::string& secret = pin->empty() ? a->pin : *pin;
    if (!secret.empty()) on.password = secret;
    const DWORD agent_handle = a->handle;
    std::vector<set_state::params> ops;
    ops.push_back(std::move(on));
    send_all(j, std::move(ops), err(LINEERR_INVALAGENTGROUP), [j, agent_handle, group = *group] {
        auto& p = j->p;
        auto& c = of(p);
        const DWORD h = c.next_handle++;
        session s;
        s.handle = h;
        s.agent = agent_handle;
        s.group = group;
        s.line_extension = j->l->extension;
        s.start_date = ole_date_now();
        s.start_tick = p.env_.tick_count ? p.env_.tick_count() : 0;
        s.state = LINEAGENTSESSIONSTATE_NOTREADY;
        c.sessions[h] = s;
        p.log(level::info, "agent session " + std::to_string(h) + " of agent " +
                               std::to_string(agent_handle) + " at " + j->l->extension + " in " +
                               group);
        // Written before finish() completes it, and only while the request is still open:
        // after a completion the buffer is no longer ours.
        if (!j->r->completed) j->req->CreateAgentSession.hAgentSession = h;
        send_event(p, j->l->extension, LINE_AGENTSESSIONSTATUS, h,
                   LINEAGENTSESSIONSTATUS_NEWSESSION, s.state);
        // Already in the group (logged on before, or its events came ahead of this answer):
        // the session takes that state now; otherwise the coming events bring it.
        if (c.addresses[j->l->extension].groups.count(group) != 0) {
            follow_sessions(p, j->l, group);
        }
        report_agent(p, agent_handle);
    });
}

void get_agent_session_list(const job_ptr& j) {
    const DWORD h = j->req->GetAgentSessionList.hAgent;
    if (find_agent(j->p, h) == nullptr) return finish(j, err(LINEERR_INVALAGENTID));
    finish(j, 0, [j, h] { write_session_list(j->p, h, &j->req->GetAgentSessionList.SessionList); });
}

void set_agent_session_state(const job_ptr& j) {
    auto& ss = j->req->SetAgentSessionState;
    auto* s = find_session(j->p, ss.hAgentSession);
    if (s == nullptr || s->state == LINEAGENTSESSIONSTATE_ENDED) {
        return finish(j, err(LINEERR_INVALPARAM));
    }
    const DWORD state = ss.dwAgentSessionState, next = ss.dwNextAgentSessionState;
    const bool state_ok = state == 0 || state == LINEAGENTSESSIONSTATE_NOTREADY ||
                          state == LINEAGENTSESSIONSTATE_READY ||
                          state == LINEAGENTSESSIONSTATE_ENDED;
    const bool next_ok =
        next == 0 || next == LINEAGENTSESSIONSTATE_NOTREADY || next == LINEAGENTSESSIONSTATE_READY;
    if (!state_ok || !next_ok) return finish(j, err(LINEERR_INVALAGENTSESSIONSTATE));
    auto it = j->p.line_by_extension_.find(s->line_extension);
    if (it == j->p.line_by_extension_.end()) return finish(j, err(LINEERR_OPERATIONFAILED));
    const line_ptr station = it->second;
    std::vector<set_state::params> ops;
    if (state == LINEAGENTSESSIONSTATE_ENDED) {
        ops.push_back(op(*station, requested::logged_off, s->group));
    } else if (state != 0) {
        ops.push_back(
            op(*station,
               state == LINEAGENTSESSIONSTATE_READY ? requested::ready : requested::not_ready,
               s->group));
    }
    const DWORD h = s->handle;
    send_all(j, std::move(ops), err(LINEERR_INVALAGENTSESSIONSTATE), [j, h, next, station] {
        auto* updated = find_session(j->p, h);
        if (updated == nullptr) return;
        updated->next_state = next;
        // The station applies it when its call ends (apply_next_state).
        if (next != 0) {
            of(j->p).addresses[station->extension].next_state =
                next == LINEAGENTSESSIONSTATE_READY ? DWORD{LINEAGENTSTATE_READY}
                                                    : DWORD{LINEAGENTSTATE_NOTREADY};
        }
        report(j->p, station);
    });
}

void get_agent_session_info(const job_ptr& j) {
    const DWORD h = j->req->GetAgentSessionInfo.hAgentSession;
    if (find_session(j->p, h) == nullptr) return finish(j, err(LINEERR_INVALPARAM));
    finish(j, 0, [j, h] { write_session_info(j->p, h, &j->req->GetAgentSessionInfo.SessionInfo); });
}

// ---- queues and groups -------------------------------------------------------------------------

void get_queue_list(const job_ptr& j) {
    const GUID id = j->req->GetQueueList.GroupID;
    line_ptr group;
    for (const auto& g : group_lines(j->p)) {
        if (same_guid(group_guid(g->extension), id)) group = g;
    }
    if (!group) return finish(j, err(LINEERR_INVALAGENTGROUP));
    finish(j, 0, [j, group] { write_queue_list(*group, &j->req->GetQueueList.QueueList); });
}

void set_queue_measurement_period(const job_ptr& j) {
    auto q = queue_line(j->p, j->req->SetQueueMeasurementPeriod.dwQueueID);
    const DWORD period = j->req->SetQueueMeasurementPeriod.dwMeasurementPeriod;
    if (!q || period == 0) return finish(j, err(LINEERR_INVALPARAM));
    of(j->p).queue_periods[q->extension] = period;
    finish(j, 0);
    on_queue_activity(j->p, q);
}

void get_queue_info(const job_ptr& j) {
    auto q = queue_line(j->p, j->req->GetQueueInfo.dwQueueID);
    if (!q) return finish(j, err(LINEERR_INVALPARAM));
    if (!devices::can_send(j->p)) return finish(j, err(LINEERR_OPERATIONFAILED));
    protocol::svc::get_queue_statistics::params prm;
    prm.device = q->extension;
    j->p.send(std::move(prm), [j, q](const pbx_link::request_outcome& o) {
        using stats = protocol::svc::get_queue_statistics;
        const auto* r =
            o.ok() ? std::get_if<protocol::service_index_v<stats>>(&*o.result) : nullptr;
        if (r == nullptr) {
            return finish(j, o.ok() ? err(LINEERR_OPERATIONFAILED) : to_lineerr(o));
        }
        finish(j, 0,
               [j, q, r] { write_queue_info(j->p, *q, *r, &j->req->GetQueueInfo.QueueInfo); });
    });
}

void get_group_list(const job_ptr& j) {
    finish(j, 0, [j] { write_group_list(j->p, nullptr, &j->req->GetGroupList.GroupList); });
}

void set_agent_state_ex(const job_ptr& j) {
    auto& sx = j->req->SetAgentStateEx;
    auto* a = find_agent(j->p, sx.hAgent);
    if (a == nullptr) return finish(j, err(LINEERR_INVALAGENTID));
    const DWORD state = sx.dwAgentState, next = sx.dwNextAgentState;
    const auto ok = [](DWORD s) {
        return s == 0 || s == LINEAGENTSTATEEX_NOTREADY || s == LINEAGENTSTATEEX_READY;
    };
    if (!ok(state) || !ok(next)) return finish(j, err(LINEERR_INVALAGENTSTATE));
    std::vector<set_state::params> ops;
    std::vector<line_ptr> stations;
    for (const auto& [h, s] : of(j->p).sessions) {
        if (s.agent != a->handle || s.state == LINEAGENTSESSIONSTATE_ENDED) continue;
        auto it = j->p.line_by_extension_.find(s.line_extension);
        if (it == j->p.line_by_extension_.end()) continue;
        stations.push_back(it->second);
        if (state != 0) {
            ops.push_back(
                op(*it->second,
                   state == LINEAGENTSTATEEX_READY ? requested::ready : requested::not_ready,
                   s.group));
        }
    }
    if (stations.empty()) return finish(j, err(LINEERR_INVALAGENTSTATE));  // no live session
    send_all(j, std::move(ops), err(LINEERR_INVALAGENTSTATE), [j, next, stations] {
        if (next == 0) return;
        for (const auto& st : stations) {
            of(j->p).addresses[st->extension].next_state = next == LINEAGENTSTATEEX_READY
                                                               ? DWORD{LINEAGENTSTATE_READY}
                                                               : DWORD{LINEAGENTSTATE_NOTREADY};
            report(j->p, st);
        }
    });
}

/// Validation of a request's type-specific part: the union member and the structure it returns
/// must lie inside the request. Returns the handler, or null for an unknown type.
using handler = void (*)(const job_ptr&);
struct request_kind {
    handler run;
    std::uint32_t arm;    ///< bytes of the union member
    bool per_address;     ///< keyed by dwAddressID (TAPI 2.1): a station's address 0
    std::uint32_t inner;  ///< offset of a returned variable-size structure, 0 = none
};

std::optional<request_kind> kind_of(DWORD type) {
#define CTIGW_ARM(member) static_cast<std::uint32_t>(sizeof(LINEPROXYREQUEST::member))
#define CTIGW_AT(member) static_cast<std::uint32_t>(offsetof(LINEPROXYREQUEST, member))
    switch (type) {
        case LINEPROXYREQUEST_SETAGENTGROUP:
            return request_kind{set_agent_group, CTIGW_ARM(SetAgentGroup), true, 0};
        case LINEPROXYREQUEST_SETAGENTSTATE:
            return request_kind{set_agent_state, CTIGW_ARM(SetAgentState), true, 0};
        case LINEPROXYREQUEST_SETAGENTACTIVITY:
            return request_kind{set_agent_activity, CTIGW_ARM(SetAgentActivity), true, 0};
        case LINEPROXYREQUEST_GETAGENTCAPS:
            return request_kind{get_agent_caps, CTIGW_ARM(GetAgentCaps), true,
                                CTIGW_AT(GetAgentCaps.AgentCaps)};
        case LINEPROXYREQUEST_GETAGENTSTATUS:
            return request_kind{get_agent_status, CTIGW_ARM(GetAgentStatus), true,
                                CTIGW_AT(GetAgentStatus.AgentStatus)};
        case LINEPROXYREQUEST_AGENTSPECIFIC:
            return std::nullopt;  // no agent extensions
        case LINEPROXYREQUEST_GETAGENTACTIVITYLIST:
            return request_kind{get_activity_list, CTIGW_ARM(GetAgentActivityList), true,
                                CTIGW_AT(GetAgentActivityList.ActivityList)};
        case LINEPROXYREQUEST_GETAGENTGROUPLIST:
            return request_kind{get_agent_group_list, CTIGW_ARM(GetAgentGroupList), true,
                                CTIGW_AT(GetAgentGroupList.GroupList)};
        case LINEPROXYREQUEST_CREATEAGENT:
            return request_kind{create_agent, CTIGW_ARM(CreateAgent), false, 0};
        case LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD:
            return request_kind{set_agent_measurement_period, CTIGW_ARM(SetAgentMeasurementPeriod),
                                false, 0};
        case LINEPROXYREQUEST_GETAGENTINFO:
            return request_kind{get_agent_info, CTIGW_ARM(GetAgentInfo), false,
                                CTIGW_AT(GetAgentInfo.AgentInfo)};
        case LINEPROXYREQUEST_CREATEAGENTSESSION:
            return request_kind{create_agent_session, CTIGW_ARM(CreateAgentSession), false, 0};
        case LINEPROXYREQUEST_GETAGENTSESSIONLIST:
            return request_kind{get_agent_session_list, CTIGW_ARM(GetAgentSessionList), false,
                                CTIGW_AT(GetAgentSessionList.SessionList)};
        case LINEPROXYREQUEST_SETAGENTSESSIONSTATE:
            return request_kind{set_agent_session_state, CTIGW_ARM(SetAgentSessionState), false, 0};
        case LINEPROXYREQUEST_GETAGENTSESSIONINFO:
            return request_kind{get_agent_session_info, CTIGW_ARM(GetAgentSessionInfo), false,
                                CTIGW_AT(GetAgentSessionInfo.SessionInfo)};
        case LINEPROXYREQUEST_GETQUEUELIST:
            return request_kind{get_queue_list, CTIGW_ARM(GetQueueList), false,
                                CTIGW_AT(GetQueueList.QueueList)};
        case LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD:
            return request_kind{set_queue_measurement_period, CTIGW_ARM(SetQueueMeasurementPeriod),
                                false, 0};
        case LINEPROXYREQUEST_GETQUEUEINFO:
            return request_kind{get_queue_info, CTIGW_ARM(GetQueueInfo), false,
                                CTIGW_AT(GetQueueInfo.QueueInfo)};
        case LINEPROXYREQUEST_GETGROUPLIST:
            return request_kind{get_group_list, CTIGW_ARM(GetGroupList), false,
                                CTIGW_AT(GetGroupList.GroupList)};
        case LINEPROXYREQUEST_SETAGENTSTATEEX:
            return request_kind{set_agent_state_ex, CTIGW_ARM(SetAgentStateEx), false, 0};
        default:
            return std::nullopt;
    }
#undef CTIGW_ARM
#undef CTIGW_AT
}

}  // namespace

LONG dev_specific(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd, DWORD address_id,
                  HDRVCALL call, void* params, DWORD size) {
    (void)address_id;  // the request names its address itself
    auto l = devices::open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if (call != nullptr) return err(LINEERR_OPERATIONUNAVAIL);  // no call-level extension
    if (params == nullptr) return err(LINEERR_INVALPOINTER);
    if (size < header_size + request_fixed) return err(LINEERR_INVALPARAM);
    agent_request_header header{};
    std::memcpy(&header, params, sizeof header);
    if (header.dwMagic != agent_request_magic || header.dwExtVersion != agent_ext_version) {
        return err(LINEERR_INVALPARAM);
    }
    auto* req =
        reinterpret_cast<LINEPROXYREQUEST*>(static_cast<unsigned char*>(params) + header_size);
    const std::uint32_t req_size = req->dwSize;
    if (req_size < request_fixed || req_size > size - header_size) return err(LINEERR_INVALPARAM);
    auto kind = kind_of(req->dwRequestType);
    if (!kind) return err(LINEERR_OPERATIONUNAVAIL);
    if (req_size < request_fixed + kind->arm) return err(LINEERR_INVALPARAM);
    if (kind->inner != 0) {
        // The returned structure's dwTotalSize must not reach past the request: it is what the
        // writers trust.
        DWORD total = 0;
        std::memcpy(&total, reinterpret_cast<const unsigned char*>(req) + kind->inner,
                    sizeof total);
        if (total > req_size - kind->inner) return err(LINEERR_INVALPARAM);
    }
    if (kind->per_address) {
        if (req->SetAgentState.dwAddressID != 0) return err(LINEERR_INVALADDRESSID);
        if (l->role != config::line_role::station) return err(LINEERR_OPERATIONUNAVAIL);
    }
    if (!supported(p)) return err(LINEERR_OPERATIONUNAVAIL);  // a version-1 switch
    if (!devices::can_send(p)) return err(LINEERR_OPERATIONFAILED);

    auto r = p.new_request(id, "agent request " + std::to_string(req->dwRequestType), l, nullptr);
    // From here TAPI is owed exactly one completion: a failure below (no memory) completes the
    // request instead of escaping to the export, which would also answer it synchronously.
    try {
        l->pending.push_back(r);
        kind->run(std::make_shared<job>(job{p, r, l, req, req_size}));
    } catch (const std::exception& e) {
        p.log(level::error, r->what + " failed: " + e.what());
        std::erase(l->pending, r);
        p.complete(r, err(LINEERR_OPERATIONFAILED));
    }
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::agents
