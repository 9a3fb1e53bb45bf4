// The call-centre agent model of the provider (docs/agents.md §4): what TAPI's agent functions
// read and change, kept current by the switch's agent events (protocol version 2).
//
// - TAPI 2.1 view, per station address: the ACD groups the agent is logged on to, its state,
//   the next state (lineSetAgentState's dwNextAgentState) and its activity (= the switch's
//   not-ready reason). Reported with LINE_AGENTSTATUS.
// - TAPI 2.2 / TAPI 3 view: agents (lineCreateAgent) and their sessions (lineCreateAgentSession:
//   one station in one group), whose states follow the station's membership of that group.
//   Reported with LINE_AGENTSTATUSEX and LINE_AGENTSESSIONSTATUS.
// - Groups are the lines configured with role acdGroup (a stable GUID per extension); each is its
//   own queue (queue ID = the line's permanent id). Activities are the switch's reasons, numbered
//   from 1 in the order first seen, never renumbered while the provider runs.
//
// Requests arrive as the ctigw agent extension (ctigw/tsp/agent_extension.hpp) through
// TSPI_lineDevSpecific; events leave as LINE_DEVSPECIFIC (agents/model.cpp).
//
// Threading: every function here takes `locked_provider&`, so it runs with the provider lock held
// (taken by the TSPI adapters or the link callbacks). Nothing here blocks or calls TAPI.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state.hpp"

namespace ctigw::tsp::agents {

/// A station's membership of one ACD group, as the switch last reported it.
struct membership {
    protocol::agent_state state = protocol::agent_state::not_ready;
    std::optional<protocol::agent_state> pending;  ///< taken when the current call ends
    std::optional<std::string> reason;             ///< notReady: the switch's reason code
};

/// The agent side of one station line's address 0.
struct address_agent {
    std::map<std::string, membership> groups;  ///< logged-on groups by device ("" = unnamed)
    std::optional<std::string> agent_id;
    bool known = false;    ///< GetAgentState answered in this link session
    bool reading = false;  ///< a GetAgentState is in flight
    std::vector<std::function<void(LONG)>> waiters;  ///< what runs when it answers
    bool reread = false;        ///< was known before the link went down: read again once live
    DWORD next_state = 0;       ///< lineSetAgentState's next state, applied when the call ends
    DWORD chosen_activity = 0;  ///< lineSetAgentActivity: the reason of the next notReady
    // what LINE_AGENTSTATUS last told (0 = nothing yet)
    DWORD reported_state = 0, reported_next = 0, reported_activity = 0;
    std::string reported_groups;
};

/// A TAPI 2.2 agent (HAGENT) created by lineCreateAgent.
struct agent {
    DWORD handle = 0;
    std::string id;
    std::string pin;             ///< a secret: never logged
    std::string line_extension;  ///< the line it was created on: its LINE_AGENTSTATUSEX go there
    DWORD measurement_period = 0;
    DWORD reported_state = 0;  ///< last LINE_AGENTSTATUSEX state
};

/// A TAPI 2.2 agent session (HAGENTSESSION): one agent at one station in one ACD group.
struct session {
    DWORD handle = 0;
    DWORD agent = 0;
    std::string group;           ///< the ACD group's device
    std::string line_extension;  ///< the working address's line
    double start_date = 0;       ///< DATE (days since 1899-12-30) when it was created
    DWORD start_tick = 0;
    DWORD state = LINEAGENTSESSIONSTATE_NOTREADY;
    DWORD next_state = 0;
    // statistics counted from the agent events (milliseconds of the provider's tick clock)
    DWORD calls = 0;
    DWORD talk_ms = 0, wrapup_ms = 0;
    std::optional<DWORD> busy_since, wrapup_since;
};

/// The provider's agent state (locked_provider::agents_).
struct context {
    std::map<std::string, address_agent> addresses;  ///< by station extension
    std::map<DWORD, agent> agents;                   ///< by HAGENT
    std::map<DWORD, session> sessions;               ///< by HAGENTSESSION
    DWORD next_handle = 1;                        ///< shared by agents and sessions, never reused
    std::vector<protocol::agent_reason> reasons;  ///< activity ID = index + 1
    std::map<std::string, DWORD> queue_periods;   ///< lineSetQueueMeasurementPeriod
    std::map<std::string, DWORD> longest_ever_wait;  ///< per queue, seconds (seen so far)
};

context& of(locked_provider& p);

// ---- the model (agents/model.cpp; lock held) ---------------------------------------------------

/// An agent event for `device`'s monitor (the station's or the group's).
void on_event(locked_provider& p, const std::string& device, const protocol::event_message& e);
/// A call event on an ACD group or queue line: its waiting calls changed (LINE_QUEUESTATUS).
void on_queue_activity(locked_provider& p, const line_ptr& l);
/// A configuration reload changed the ACD group lines: LINE_GROUPSTATUS (NEWGROUP,
/// GROUPREMOVED) on every open station line. `before` = group extensions before the reload.
void groups_changed(locked_provider& p, const std::vector<std::string>& before);
/// The extensions of the configured ACD group lines (for groups_changed).
std::vector<std::string> group_extensions(const locked_provider& p);
/// The link went down: every station's agent state must be read again.
void on_link_down(locked_provider& p);
/// The link is live again: stations whose state was known are read again.
void on_live(locked_provider& p);

/// The switch's answer to GetAgentState for a station replaces what the model had.
void apply_state(locked_provider& p, const line_ptr& l,
                 const protocol::svc::get_agent_state::result& r);
/// Reads a station's agent state unless known, then runs `then` (with the lock held, exactly
/// once; with a LINEERR_* value when the read failed, else 0).
void with_state(locked_provider& p, const line_ptr& l, std::function<void(LONG)> then);
/// Reports what changed for a station (LINE_AGENTSTATUS).
void report(locked_provider& p, const line_ptr& l);
/// The TAPI 2.2 sessions at a station (of one group, or all) take the state of the station's
/// membership; a group the station left ends them (LINE_AGENTSESSIONSTATUS, and
/// LINE_AGENTSTATUSEX for their agents). Called after the switch said so (an event, a read).
void follow_sessions(locked_provider& p, const line_ptr& l,
                     const std::optional<std::string>& group);
/// LINE_AGENTSTATUSEX when a TAPI 2.2 agent's state changed.
void report_agent(locked_provider& p, DWORD agent);

/// True when the link's session speaks protocol version 2 (the agent services).
bool supported(const locked_provider& p);
/// A TAPI 2.2 agent's LINEAGENTSTATEEX_* (its sessions' most active state).
DWORD agent_state_ex(locked_provider& p, DWORD agent);

/// TAPI's views of a station (agents/model.cpp).
DWORD tapi_state(const address_agent& a);
DWORD tapi_next_state(const address_agent& a);
DWORD activity_of(locked_provider& p, const address_agent& a);
/// Activity ID of a reason code (added when new).
DWORD activity_id(locked_provider& p, const std::string& code);
/// GUID of an ACD group device (stable: a name-based UUID of "ctigw/acdgroup/<device>").
GUID group_guid(std::string_view device);
/// The configured ACD group lines (role acdGroup, not removed), in configuration order.
std::vector<line_ptr> group_lines(const locked_provider& p);
/// The line of a queue ID (an ACD group or queue line's permanent id), or null.
line_ptr queue_line(const locked_provider& p, DWORD queue_id);
/// LINE_DEVSPECIFIC agent event on a line, if it is open.
void send_event(locked_provider& p, const std::string& extension, DWORD message, DWORD param1,
                DWORD param2, DWORD param3);

/// LINEERR_* for a failed agent request: credentials and agent states get TAPI's agent errors;
/// a value out of range is `out_of_range` (INVALAGENTGROUP, INVALAGENTACTIVITY ...).
LONG agent_lineerr(const pbx_link::request_outcome& o, bool had_password, LONG out_of_range);

// ---- the TSPI side (agents/requests.cpp: requests; agents/model.cpp: the extension's identity;
// tspi/agents.cpp: the adapters; each locks)
// ----------------------------------------------------

LONG dev_specific(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd, DWORD address_id,
                  HDRVCALL call, void* params, DWORD size);
LONG negotiate_ext_version(locked_provider& p, DWORD device_id, DWORD tspi_version, DWORD low,
                           DWORD high, LPDWORD ext_version);
LONG get_extension_id(locked_provider& p, DWORD device_id, DWORD tspi_version,
                      LINEEXTENSIONID* extension_id);
LONG select_ext_version(locked_provider& p, HDRVLINE hd, DWORD ext_version);

}  // namespace ctigw::tsp::agents
