// The agent statements of the scenario language (agent_language.hpp).
#include "agent_language.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "ctigw/tapihost/names.hpp"

namespace ctigw::tapihost::agent {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool is_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::vector<verb_info> verbs = {
    {"setagentgroup", "lineSetAgentGroup", LINEPROXYREQUEST_SETAGENTGROUP},
    {"setagentstate", "lineSetAgentState", LINEPROXYREQUEST_SETAGENTSTATE},
    {"setagentactivity", "lineSetAgentActivity", LINEPROXYREQUEST_SETAGENTACTIVITY},
    {"getagentcaps", "lineGetAgentCaps", LINEPROXYREQUEST_GETAGENTCAPS},
    {"getagentstatus", "lineGetAgentStatus", LINEPROXYREQUEST_GETAGENTSTATUS},
    {"getagentactivitylist", "lineGetAgentActivityList", LINEPROXYREQUEST_GETAGENTACTIVITYLIST},
    {"getagentgrouplist", "lineGetAgentGroupList", LINEPROXYREQUEST_GETAGENTGROUPLIST},
    {"createagent", "lineCreateAgent", LINEPROXYREQUEST_CREATEAGENT},
    {"setagentmeasurementperiod", "lineSetAgentMeasurementPeriod",
     LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD},
    {"getagentinfo", "lineGetAgentInfo", LINEPROXYREQUEST_GETAGENTINFO},
    {"createagentsession", "lineCreateAgentSession", LINEPROXYREQUEST_CREATEAGENTSESSION},
    {"getagentsessionlist", "lineGetAgentSessionList", LINEPROXYREQUEST_GETAGENTSESSIONLIST},
    {"setagentsessionstate", "lineSetAgentSessionState", LINEPROXYREQUEST_SETAGENTSESSIONSTATE},
    {"getagentsessioninfo", "lineGetAgentSessionInfo", LINEPROXYREQUEST_GETAGENTSESSIONINFO},
    {"getqueuelist", "lineGetQueueList", LINEPROXYREQUEST_GETQUEUELIST},
    {"setqueuemeasurementperiod", "lineSetQueueMeasurementPeriod",
     LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD},
    {"getqueueinfo", "lineGetQueueInfo", LINEPROXYREQUEST_GETQUEUEINFO},
    {"getgrouplist", "lineGetGroupList", LINEPROXYREQUEST_GETGROUPLIST},
    {"setagentstateex", "lineSetAgentStateEx", LINEPROXYREQUEST_SETAGENTSTATEEX},
};

struct named {
    std::string_view name;
    std::uint32_t value;
};
const std::vector<named> agent_states = {{"LOGGEDOFF", LINEAGENTSTATE_LOGGEDOFF},
                                         {"NOTREADY", LINEAGENTSTATE_NOTREADY},
                                         {"READY", LINEAGENTSTATE_READY},
                                         {"BUSYACD", LINEAGENTSTATE_BUSYACD},
                                         {"BUSYINCOMING", LINEAGENTSTATE_BUSYINCOMING},
                                         {"BUSYOUTBOUND", LINEAGENTSTATE_BUSYOUTBOUND},
                                         {"BUSYOTHER", LINEAGENTSTATE_BUSYOTHER},
                                         {"WORKINGAFTERCALL", LINEAGENTSTATE_WORKINGAFTERCALL},
                                         {"UNKNOWN", LINEAGENTSTATE_UNKNOWN},
                                         {"UNAVAIL", LINEAGENTSTATE_UNAVAIL}};
const std::vector<named> agent_ex_states = {{"NOTREADY", LINEAGENTSTATEEX_NOTREADY},
                                            {"READY", LINEAGENTSTATEEX_READY},
                                            {"BUSYACD", LINEAGENTSTATEEX_BUSYACD},
                                            {"BUSYINCOMING", LINEAGENTSTATEEX_BUSYINCOMING},
                                            {"BUSYOUTGOING", LINEAGENTSTATEEX_BUSYOUTGOING},
                                            {"UNKNOWN", LINEAGENTSTATEEX_UNKNOWN},
                                            {"RELEASED", LINEAGENTSTATEEX_RELEASED}};
const std::vector<named> session_states = {{"NOTREADY", LINEAGENTSESSIONSTATE_NOTREADY},
                                           {"READY", LINEAGENTSESSIONSTATE_READY},
                                           {"BUSYONCALL", LINEAGENTSESSIONSTATE_BUSYONCALL},
                                           {"BUSYWRAPUP", LINEAGENTSESSIONSTATE_BUSYWRAPUP},
                                           {"ENDED", LINEAGENTSESSIONSTATE_ENDED},
                                           {"RELEASED", LINEAGENTSESSIONSTATE_RELEASED}};
const std::vector<named> queue_bits = {{"UPDATEINFO", LINEQUEUESTATUS_UPDATEINFO},
                                       {"NEWQUEUE", LINEQUEUESTATUS_NEWQUEUE},
                                       {"QUEUEREMOVED", LINEQUEUESTATUS_QUEUEREMOVED}};
const std::vector<named> group_bits = {{"NEWGROUP", LINEGROUPSTATUS_NEWGROUP},
                                       {"GROUPREMOVED", LINEGROUPSTATUS_GROUPREMOVED}};

const std::vector<named>& table(state_kind k) {
    switch (k) {
        case state_kind::agent:
            return agent_states;
        case state_kind::agent_ex:
            return agent_ex_states;
        case state_kind::session:
            return session_states;
    }
    return agent_states;
}

std::optional<std::uint32_t> lookup(const std::vector<named>& t, std::string_view name) {
    for (const auto& n : t)
        if (n.name == upper(name)) return n.value;
    if (is_number(name)) return static_cast<std::uint32_t>(std::stoul(std::string(name)));
    return std::nullopt;
}

std::string name_in(const std::vector<named>& t, std::uint32_t v) {
    for (const auto& n : t)
        if (n.value == v) return std::string(n.name);
    return std::to_string(v);
}

std::string list_of(const std::vector<named>& t) {
    std::string s;
    for (const auto& n : t) s += (s.empty() ? "" : " ") + std::string(n.name);
    return s;
}

/// Which state family the statement's state arguments (from index `at`) belong to.
std::optional<std::pair<state_kind, std::size_t>> states_of(std::string_view verb) {
    if (verb == "setagentstate") return std::pair{state_kind::agent, std::size_t{1}};
    if (verb == "setagentstateex") return std::pair{state_kind::agent_ex, std::size_t{2}};
    if (verb == "setagentsessionstate") return std::pair{state_kind::session, std::size_t{2}};
    return std::nullopt;
}

}  // namespace

const verb_info* find_verb(std::string_view verb) {
    const auto v = lower(verb);
    for (const auto& i : verbs)
        if (i.verb == v) return &i;
    return nullptr;
}

const std::vector<op_spec>& op_specs() {
    using a = arg_kind;
    static const std::vector<op_spec> specs = {
        {"setagentgroup",
         "lineSetAgentGroup",
         {a::line, a::text, a::text},
         2,
         0,
         {},
         "setagentgroup <line> <group>[,<group>...]|none [<agent id>]",
         "lineSetAgentGroup: log on to groups (names from getgrouplist, or their lines), none: "
         "log off"},
        {"setagentstate",
         "lineSetAgentState",
         {a::line, a::text, a::text},
         2,
         0,
         {},
         "setagentstate <line> <STATE>|0 [<NEXT STATE>]",
         "lineSetAgentState (LINEAGENTSTATE_ names: READY NOTREADY WORKINGAFTERCALL ...)"},
        {"setagentactivity",
         "lineSetAgentActivity",
         {a::line, a::text},
         2,
         0,
         {},
         "setagentactivity <line> <activity name|id>",
         "lineSetAgentActivity (names from getagentactivitylist)"},
        {"getagentcaps",
         "lineGetAgentCaps",
         {a::line},
         1,
         0,
         {},
         "getagentcaps <line>",
         "lineGetAgentCaps"},
        {"getagentstatus",
         "lineGetAgentStatus",
         {a::line},
         1,
         0,
         {},
         "getagentstatus <line>",
         "lineGetAgentStatus"},
        {"getagentactivitylist",
         "lineGetAgentActivityList",
         {a::line},
         1,
         0,
         {},
         "getagentactivitylist <line>",
         "lineGetAgentActivityList"},
        {"getagentgrouplist",
         "lineGetAgentGroupList",
         {a::line},
         1,
         0,
         {},
         "getagentgrouplist <line>",
         "lineGetAgentGroupList"},
        {"getgrouplist",
         "lineGetGroupList",
         {a::line},
         1,
         0,
         {},
         "getgrouplist <line>",
         "lineGetGroupList (learns the group names)"},
        {"createagent",
         "lineCreateAgent",
         {a::line, a::text, a::text},
         2,
         1,
         {},
         "createagent <line> <agent id> [<pin>] as <agent>",
         "lineCreateAgent"},
        {"createagentsession",
         "lineCreateAgentSession",
         {a::line, a::text, a::text, a::text},
         3,
         1,
         {},
         "createagentsession <line> <agent> <group> [<pin>] as <session>",
         "lineCreateAgentSession on the line's address 0"},
        {"setagentsessionstate",
         "lineSetAgentSessionState",
         {a::line, a::text, a::text, a::text},
         3,
         0,
         {},
         "setagentsessionstate <line> <session> <STATE>|0 [<NEXT>]",
         "lineSetAgentSessionState (LINEAGENTSESSIONSTATE_: READY NOTREADY ENDED ...)"},
        {"setagentstateex",
         "lineSetAgentStateEx",
         {a::line, a::text, a::text, a::text},
         3,
         0,
         {},
         "setagentstateex <line> <agent> <STATE>|0 [<NEXT>]",
         "lineSetAgentStateEx (LINEAGENTSTATEEX_: READY NOTREADY ...)"},
        {"setagentmeasurementperiod",
         "lineSetAgentMeasurementPeriod",
         {a::line, a::text, a::text},
         3,
         0,
         {},
         "setagentmeasurementperiod <line> <agent> <seconds>",
         "lineSetAgentMeasurementPeriod"},
        {"getagentinfo",
         "lineGetAgentInfo",
         {a::line, a::text},
         2,
         0,
         {},
         "getagentinfo <line> <agent>",
         "lineGetAgentInfo"},
        {"getagentsessionlist",
         "lineGetAgentSessionList",
         {a::line, a::text},
         2,
         0,
         {},
         "getagentsessionlist <line> <agent>",
         "lineGetAgentSessionList"},
        {"getagentsessioninfo",
         "lineGetAgentSessionInfo",
         {a::line, a::text},
         2,
         0,
         {},
         "getagentsessioninfo <line> <session>",
         "lineGetAgentSessionInfo"},
        {"getqueuelist",
         "lineGetQueueList",
         {a::line, a::text},
         2,
         0,
         {},
         "getqueuelist <line> <group>",
         "lineGetQueueList (learns the queue names)"},
        {"getqueueinfo",
         "lineGetQueueInfo",
         {a::line, a::text},
         2,
         0,
         {},
         "getqueueinfo <line> <queue name|id>",
         "lineGetQueueInfo"},
        {"setqueuemeasurementperiod",
         "lineSetQueueMeasurementPeriod",
         {a::line, a::text, a::text},
         3,
         0,
         {},
         "setqueuemeasurementperiod <line> <queue> <seconds>",
         "lineSetQueueMeasurementPeriod"},
    };
    return specs;
}

std::optional<std::string> check_op(const op_stmt& op) {
    if (auto s = states_of(op.verb)) {
        for (auto i = s->second; i < op.args.size(); ++i) {
            if (op.args[i] != "0" && !lookup(table(s->first), op.args[i]))
                return "\"" + op.args[i] + "\" is not a state (" + list_of(table(s->first)) + ")";
        }
    }
    if ((op.verb == "setagentmeasurementperiod" || op.verb == "setqueuemeasurementperiod") &&
        !is_number(op.args[2]))
        return op.verb + ": <seconds> must be a number";
    if ((op.verb == "createagent" || op.verb == "createagentsession") && op.names.empty())
        return op.verb + " needs `as <name>` (later statements refer to it by that name)";
    return std::nullopt;
}

std::optional<std::uint32_t> state_value(state_kind k, std::string_view name) {
    return lookup(table(k), name);
}

std::string state_name(state_kind k, std::uint32_t value) {
    return name_in(table(k), value);
}

std::optional<std::string> parse_expect(expect_stmt& ex, const std::vector<std::string>& w) {
    if (w.size() >= 3 && lower(w[1]) == "result") {
        ex.kind = expect_kind::agent_result;
        ex.op = lower(w[2]);
        if (ex.op != "last" && !find_verb(ex.op))
            return "expect result: \"" + w[2] + "\" is not an agent statement (or last)";
        for (std::size_t i = 3; i < w.size(); ++i) {
            const auto eq = w[i].find('=');
            if (eq == std::string::npos || eq == 0) return "\"" + w[i] + "\": expected FIELD=value";
            ex.fields.emplace_back(lower(w[i].substr(0, eq)), w[i].substr(eq + 1));
        }
        return std::string();
    }
    if (w.size() < 3 || w.size() > 4) return std::nullopt;
    const auto k = lower(w[2]);
    const std::vector<named>* t = nullptr;
    if (k == "agentstatus")
        ex.value = LINE_AGENTSTATUS, t = &agent_states;
    else if (k == "agentstatusex")
        ex.value = LINE_AGENTSTATUSEX, t = &agent_ex_states;
    else if (k == "sessionstatus")
        ex.value = LINE_AGENTSESSIONSTATUS, t = &session_states;
    else if (k == "queuestatus")
        ex.value = LINE_QUEUESTATUS, t = &queue_bits;
    else if (k == "groupstatus")
        ex.value = LINE_GROUPSTATUS, t = &group_bits;
    else
        return std::nullopt;
    ex.kind = expect_kind::agent_event;
    ex.device = w[1];
    if (w.size() == 4) {
        auto v = lookup(*t, w[3]);
        if (!v) return "\"" + w[3] + "\" is not one of " + list_of(*t);
        ex.mode = *v;
    }
    return std::string();
}

bool event_matches(std::uint32_t msg, std::optional<std::uint32_t> want, DWORD_PTR p1, DWORD_PTR p2,
                   DWORD_PTR p3) {
    (void)p1;
    if (!want) return true;
    switch (msg) {
        case LINE_QUEUESTATUS:
            return (static_cast<std::uint32_t>(p2) & *want) == *want;
        case LINE_GROUPSTATUS:
            return (static_cast<std::uint32_t>(p1) & *want) == *want;
        case LINE_AGENTSTATUS:  // a new state: the STATE bit with the state in dwParam3
            return (p2 & LINEAGENTSTATUS_STATE) && static_cast<std::uint32_t>(p3) == *want;
        default:  // STATUSEX, SESSIONSTATUS: the state in dwParam3
            return (p2 & 0x2u) && static_cast<std::uint32_t>(p3) == *want;
    }
}

std::string value_name(DWORD msg, std::uint32_t value) {
    switch (msg) {
        case LINE_AGENTSTATUS:
            return name_in(agent_states, value);
        case LINE_AGENTSTATUSEX:
            return name_in(agent_ex_states, value);
        case LINE_AGENTSESSIONSTATUS:
            return name_in(session_states, value);
        case LINE_QUEUESTATUS:
            return name_in(queue_bits, value);
        default:
            return name_in(group_bits, value);
    }
}

std::string describe_event(DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    const auto d1 = static_cast<std::uint32_t>(p1), d2 = static_cast<std::uint32_t>(p2),
               d3 = static_cast<std::uint32_t>(p3);
    auto bits = [](std::uint32_t v) {
        char t[16];
        std::snprintf(t, sizeof t, "0x%X", static_cast<unsigned>(v));
        return std::string(t);
    };
    switch (msg) {
        case LINE_AGENTSTATUS:
            return "address " + std::to_string(d1) + " " + bits(d2) +
                   ((d2 & LINEAGENTSTATUS_STATE) ? " " + name_in(agent_states, d3) : "");
        case LINE_AGENTSTATUSEX:
            return "agent " + std::to_string(d1) + " " + bits(d2) +
                   ((d2 & LINEAGENTSTATUSEX_STATE) ? " " + name_in(agent_ex_states, d3) : "");
        case LINE_AGENTSESSIONSTATUS:
            return "session " + std::to_string(d1) + " " + bits(d2) +
                   ((d2 & LINEAGENTSESSIONSTATUS_STATE) ? " " + name_in(session_states, d3) : "");
        case LINE_QUEUESTATUS:
            return "queue " + std::to_string(d1) + " " + name_in(queue_bits, d2);
        case LINE_GROUPSTATUS:
            return name_in(group_bits, d1);
        default:
            return bits(d1) + " " + bits(d2) + " " + bits(d3);
    }
}

}  // namespace ctigw::tapihost::agent
