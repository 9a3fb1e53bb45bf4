// The LINEPROXYREQUESTs of the agent statements, and what their answers say
// (agent_language.hpp): what TAPISRV builds for an application's agent call, and what the
// application reads from the structure TAPISRV copies back.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "agent_language.hpp"
#include "ctigw/tapihost/wide.hpp"

namespace ctigw::tapihost::agent {
namespace {

/// Room TAPISRV leaves after the fixed LINEPROXYREQUEST for what a request returns.
constexpr std::size_t room = 4096;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The request buffer under construction: the LINEPROXYREQUEST and a bump allocator for the
/// variable parts after the fixed structure.
struct builder {
    std::vector<unsigned char> bytes = std::vector<unsigned char>(sizeof(LINEPROXYREQUEST) + room);
    std::size_t used = sizeof(LINEPROXYREQUEST);

    LINEPROXYREQUEST& req() { return *reinterpret_cast<LINEPROXYREQUEST*>(bytes.data()); }
    std::size_t offset_of(const void* p) const {
        return static_cast<std::size_t>(static_cast<const unsigned char*>(p) - bytes.data());
    }
    /// A returned structure at `member`: its dwTotalSize is the room left to the end.
    template <class T>
    T* output(T* member) {
        const auto total = static_cast<DWORD>(bytes.size() - offset_of(member));
        std::memcpy(member, &total, sizeof total);
        return member;
    }
    /// Appends a NUL-terminated UTF-16 string; {size, offset from `base`}.
    std::pair<DWORD, DWORD> text(const std::string& s, std::size_t base) {
        const auto w = to_wide(s);
        const auto size = (w.size() + 1) * sizeof(WCHAR);
        used = (used + 3) & ~std::size_t{3};
        if (used + size > bytes.size()) return {0, 0};  // longer than any name a scenario has
        const auto at = used;
        std::memcpy(bytes.data() + at, w.c_str(), size);
        used += size;
        return {static_cast<DWORD>(size), static_cast<DWORD>(at - base)};
    }
};

std::optional<DWORD> number(const std::string& s) {
    if (!is_number(s)) return std::nullopt;
    return static_cast<DWORD>(std::stoul(s));
}

/// A value from `map` by its name, or by the name of the line the token is.
template <class V>
std::optional<V> by_name(
    const std::map<std::string, V>& map, const std::string& token,
    const std::function<std::optional<std::string>(const std::string&)>& line_name) {
    if (auto it = map.find(lower(token)); it != map.end()) return it->second;
    if (auto n = line_name(token))
        if (auto it = map.find(lower(*n)); it != map.end()) return it->second;
    return std::nullopt;
}

std::string string_at(const std::vector<unsigned char>& buf, const void* base, DWORD size,
                      DWORD offset) {
    const auto at = static_cast<const unsigned char*>(base) - buf.data();
    return var_string(buf, size, static_cast<DWORD>(at + offset));
}

/// Entries of a list structure (LINEAGENTGROUPLIST ...): dwNumEntries entries at dwListOffset.
template <class Entry, class List>
std::vector<Entry> entries(const std::vector<unsigned char>& buf, const List* list) {
    std::vector<Entry> out;
    const auto base =
        static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(list) - buf.data());
    for (DWORD i = 0; i < list->dwNumEntries && i < 256; ++i) {
        const std::size_t at = base + list->dwListOffset + i * sizeof(Entry);
        if (at + sizeof(Entry) > buf.size()) break;
        Entry e{};
        std::memcpy(&e, buf.data() + at, sizeof e);
        out.push_back(e);
    }
    return out;
}

std::string hex(DWORD v) {
    char t[16];
    std::snprintf(t, sizeof t, "0x%X", static_cast<unsigned>(v));
    return t;
}

}  // namespace

std::optional<std::vector<unsigned char>> build_request(
    const op_stmt& op, const app_names& names,
    const std::function<std::optional<std::string>(const std::string&)>& line_name,
    std::string* error) {
    const auto* info = find_verb(op.verb);
    if (!info) {
        *error = "\"" + op.verb + "\" is not an agent statement";
        return std::nullopt;
    }
    builder b;
    auto& r = b.req();
    r.dwSize = static_cast<DWORD>(b.bytes.size());
    r.dwClientAppAPIVersion = 0x00030001;
    r.dwRequestType = info->type;
    const auto arg = [&](std::size_t i) { return i < op.args.size() ? op.args[i] : std::string(); };
    auto unknown = [&](const std::string& what, const std::string& token, const char* hint) {
        *error = what + " \"" + token + "\" is not known (" + hint + ")";
        return std::nullopt;
    };
    auto group = [&](const std::string& token) { return by_name(names.groups, token, line_name); };
    auto handle = [&](const std::map<std::string, DWORD>& m, const std::string& token) {
        auto it = m.find(lower(token));
        return it == m.end() ? std::optional<DWORD>() : std::optional<DWORD>(it->second);
    };
    auto state = [&](state_kind k, std::size_t i) -> DWORD {
        if (arg(i).empty() || arg(i) == "0") return 0;
        return state_value(k, arg(i)).value_or(0);
    };
    switch (info->type) {
        case LINEPROXYREQUEST_SETAGENTGROUP: {
            auto* list = b.output(&r.SetAgentGroup.GroupList);
            std::vector<std::string> tokens;
            if (lower(arg(1)) != "none") {
                std::string t = arg(1);
                for (std::size_t pos = 0;;) {
                    const auto comma = t.find(',', pos);
                    tokens.push_back(
                        t.substr(pos, comma == std::string::npos ? comma : comma - pos));
                    if (comma == std::string::npos) break;
                    pos = comma + 1;
                }
            }
            // The agent ID travels as an entry with a null GroupID whose name is the ID (the TSP's
            // convention, docs/agents.md).
            const std::size_t n = tokens.size() + (arg(2).empty() ? 0 : 1);
            const auto base = b.offset_of(list);
            list->dwNumEntries = static_cast<DWORD>(n);
            list->dwListOffset = sizeof(LINEAGENTGROUPLIST);
            list->dwListSize = static_cast<DWORD>(n * sizeof(LINEAGENTGROUPENTRY));
            b.used = base + sizeof(LINEAGENTGROUPLIST) + list->dwListSize;
            for (std::size_t i = 0; i < n; ++i) {
                LINEAGENTGROUPENTRY e{};
                const bool is_id = i == tokens.size();
                const std::string name = is_id ? arg(2) : tokens[i];
                if (!is_id) {
                    auto g = group(name);
                    if (!g) return unknown("group", name, "run getgrouplist first");
                    std::memcpy(&e.GroupID, g->data(), g->size());
                }
                std::tie(e.dwNameSize, e.dwNameOffset) = b.text(name, base);
                std::memcpy(b.bytes.data() + base + sizeof(LINEAGENTGROUPLIST) +
                                i * sizeof(LINEAGENTGROUPENTRY),
                            &e, sizeof e);
            }
            list = &b.req().SetAgentGroup.GroupList;
            list->dwNeededSize = list->dwUsedSize = static_cast<DWORD>(b.used - base);
            break;
        }
        case LINEPROXYREQUEST_SETAGENTSTATE:
            r.SetAgentState.dwAgentState = state(state_kind::agent, 1);
            r.SetAgentState.dwNextAgentState = state(state_kind::agent, 2);
            break;
        case LINEPROXYREQUEST_SETAGENTACTIVITY: {
            auto id = number(arg(1));
            if (!id) id = handle(names.activities, arg(1));
            if (!id) return unknown("activity", arg(1), "run getagentactivitylist first");
            r.SetAgentActivity.dwActivityID = *id;
            break;
        }
        case LINEPROXYREQUEST_GETAGENTCAPS:
            b.output(&r.GetAgentCaps.AgentCaps);
            break;
        case LINEPROXYREQUEST_GETAGENTSTATUS:
            b.output(&r.GetAgentStatus.AgentStatus);
            break;
        case LINEPROXYREQUEST_GETAGENTACTIVITYLIST:
            b.output(&r.GetAgentActivityList.ActivityList);
            break;
        case LINEPROXYREQUEST_GETAGENTGROUPLIST:
            b.output(&r.GetAgentGroupList.GroupList);
            break;
        case LINEPROXYREQUEST_GETGROUPLIST:
            b.output(&r.GetGroupList.GroupList);
            break;
        case LINEPROXYREQUEST_CREATEAGENT: {
            std::tie(r.CreateAgent.dwAgentIDSize, r.CreateAgent.dwAgentIDOffset) =
                b.text(arg(1), 0);
            if (!arg(2).empty())
                std::tie(b.req().CreateAgent.dwAgentPINSize, b.req().CreateAgent.dwAgentPINOffset) =
                    b.text(arg(2), 0);
            break;
        }
        case LINEPROXYREQUEST_CREATEAGENTSESSION: {
            auto agent = handle(names.agents, arg(1));
            if (!agent) return unknown("agent", arg(1), "createagent ... as <name> first");
            auto g = group(arg(2));
            if (!g) return unknown("group", arg(2), "run getgrouplist first");
            r.CreateAgentSession.hAgent = *agent;
            std::memcpy(&r.CreateAgentSession.GroupID, g->data(), g->size());
            r.CreateAgentSession.dwWorkingAddressID = 0;
            if (!arg(3).empty())
                std::tie(b.req().CreateAgentSession.dwAgentPINSize,
                         b.req().CreateAgentSession.dwAgentPINOffset) = b.text(arg(3), 0);
            break;
        }
        case LINEPROXYREQUEST_SETAGENTSESSIONSTATE: {
            auto s = handle(names.sessions, arg(1));
            if (!s) return unknown("session", arg(1), "createagentsession ... as <name> first");
            r.SetAgentSessionState.hAgentSession = *s;
            r.SetAgentSessionState.dwAgentSessionState = state(state_kind::session, 2);
            r.SetAgentSessionState.dwNextAgentSessionState = state(state_kind::session, 3);
            break;
        }
        case LINEPROXYREQUEST_SETAGENTSTATEEX:
        case LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD:
        case LINEPROXYREQUEST_GETAGENTINFO:
        case LINEPROXYREQUEST_GETAGENTSESSIONLIST: {
            auto agent = handle(names.agents, arg(1));
            if (!agent) return unknown("agent", arg(1), "createagent ... as <name> first");
            if (info->type == LINEPROXYREQUEST_SETAGENTSTATEEX) {
                r.SetAgentStateEx.hAgent = *agent;
                r.SetAgentStateEx.dwAgentState = state(state_kind::agent_ex, 2);
                r.SetAgentStateEx.dwNextAgentState = state(state_kind::agent_ex, 3);
            } else if (info->type == LINEPROXYREQUEST_SETAGENTMEASUREMENTPERIOD) {
                r.SetAgentMeasurementPeriod.hAgent = *agent;
                r.SetAgentMeasurementPeriod.dwMeasurementPeriod = number(arg(2)).value_or(0);
            } else if (info->type == LINEPROXYREQUEST_GETAGENTINFO) {
                r.GetAgentInfo.hAgent = *agent;
                b.output(&r.GetAgentInfo.AgentInfo);
            } else {
                r.GetAgentSessionList.hAgent = *agent;
                b.output(&r.GetAgentSessionList.SessionList);
            }
            break;
        }
        case LINEPROXYREQUEST_GETAGENTSESSIONINFO: {
            auto s = handle(names.sessions, arg(1));
            if (!s) return unknown("session", arg(1), "createagentsession ... as <name> first");
            r.GetAgentSessionInfo.hAgentSession = *s;
            b.output(&r.GetAgentSessionInfo.SessionInfo);
            break;
        }
        case LINEPROXYREQUEST_GETQUEUELIST: {
            auto g = group(arg(1));
            if (!g) return unknown("group", arg(1), "run getgrouplist first");
            std::memcpy(&r.GetQueueList.GroupID, g->data(), g->size());
            b.output(&r.GetQueueList.QueueList);
            break;
        }
        case LINEPROXYREQUEST_GETQUEUEINFO:
        case LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD: {
            auto q = number(arg(1));
            if (!q) q = by_name(names.queues, arg(1), line_name);
            if (!q) return unknown("queue", arg(1), "run getqueuelist first");
            if (info->type == LINEPROXYREQUEST_GETQUEUEINFO) {
                r.GetQueueInfo.dwQueueID = *q;
                b.output(&r.GetQueueInfo.QueueInfo);
            } else {
                r.SetQueueMeasurementPeriod.dwQueueID = *q;
                r.SetQueueMeasurementPeriod.dwMeasurementPeriod = number(arg(2)).value_or(0);
            }
            break;
        }
        default:
            *error = "not an agent request";
            return std::nullopt;
    }
    return std::move(b.bytes);
}

std::map<std::string, std::string> read_result(const std::vector<unsigned char>& buf,
                                               const op_stmt& op, app_names& names) {
    std::map<std::string, std::string> out;
    if (buf.size() < sizeof(LINEPROXYREQUEST)) return out;
    const auto& r = *reinterpret_cast<const LINEPROXYREQUEST*>(buf.data());
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
        return s;
    };
    // Group entries and their names lie relative to the structure holding them.
    auto groups = [&](const void* holder, DWORD count, DWORD offset) {
        std::vector<std::string> v;
        const auto base = static_cast<const unsigned char*>(holder);
        const auto base_off = static_cast<std::size_t>(base - buf.data());
        for (DWORD i = 0; i < count && i < 256; ++i) {
            const auto pos = base_off + offset + i * sizeof(LINEAGENTGROUPENTRY);
            if (pos + sizeof(LINEAGENTGROUPENTRY) > buf.size()) break;
            LINEAGENTGROUPENTRY e{};
            std::memcpy(&e, buf.data() + pos, sizeof e);
            const auto name = string_at(buf, base, e.dwNameSize, e.dwNameOffset);
            guid_bytes g{};
            std::memcpy(g.data(), &e.GroupID, g.size());
            if (!name.empty()) names.groups[lower(name)] = g;
            v.push_back(name);
        }
        out["groups"] = join(v);
        out["count"] = std::to_string(v.size());
    };
    switch (r.dwRequestType) {
        case LINEPROXYREQUEST_GETAGENTCAPS: {
            const auto& c = r.GetAgentCaps.AgentCaps;
            out["version"] = hex(c.dwCapsVersion);
            out["features"] = hex(c.dwFeatures);
            out["states"] = hex(c.dwStates);
            out["maxgroups"] = std::to_string(c.dwMaxNumGroupEntries);
            out["handler"] =
                string_at(buf, &c, c.dwAgentHandlerInfoSize, c.dwAgentHandlerInfoOffset);
            break;
        }
        case LINEPROXYREQUEST_GETAGENTSTATUS: {
            const auto& s = r.GetAgentStatus.AgentStatus;
            out["state"] = state_name(state_kind::agent, s.dwState);
            out["next"] = s.dwNextState ? state_name(state_kind::agent, s.dwNextState) : "0";
            out["activityid"] = std::to_string(s.dwActivityID);
            out["activity"] = string_at(buf, &s, s.dwActivitySize, s.dwActivityOffset);
            groups(&s, s.dwNumEntries, s.dwGroupListOffset);
            break;
        }
        case LINEPROXYREQUEST_GETAGENTACTIVITYLIST: {
            const auto* l = &r.GetAgentActivityList.ActivityList;
            std::vector<std::string> v;
            for (const auto& e : entries<LINEAGENTACTIVITYENTRY>(buf, l)) {
                const auto name = string_at(buf, l, e.dwNameSize, e.dwNameOffset);
                names.activities[lower(name)] = e.dwID;
                v.push_back(name);
            }
            out["activities"] = join(v);
            out["count"] = std::to_string(v.size());
            break;
        }
        case LINEPROXYREQUEST_GETAGENTGROUPLIST:
        case LINEPROXYREQUEST_GETGROUPLIST: {
            const auto* l = r.dwRequestType == LINEPROXYREQUEST_GETGROUPLIST
                                ? &r.GetGroupList.GroupList
                                : &r.GetAgentGroupList.GroupList;
            groups(l, l->dwNumEntries, l->dwListOffset);
            break;
        }
        case LINEPROXYREQUEST_CREATEAGENT:
            out["agent"] = std::to_string(r.CreateAgent.hAgent);
            if (!op.names.empty()) names.agents[lower(op.names[0])] = r.CreateAgent.hAgent;
            break;
        case LINEPROXYREQUEST_CREATEAGENTSESSION:
            out["session"] = std::to_string(r.CreateAgentSession.hAgentSession);
            if (!op.names.empty())
                names.sessions[lower(op.names[0])] = r.CreateAgentSession.hAgentSession;
            break;
        case LINEPROXYREQUEST_GETAGENTINFO: {
            const auto& i = r.GetAgentInfo.AgentInfo;
            out["state"] = state_name(state_kind::agent_ex, i.dwAgentState);
            out["next"] =
                i.dwNextAgentState ? state_name(state_kind::agent_ex, i.dwNextAgentState) : "0";
            out["period"] = std::to_string(i.dwMeasurementPeriod);
            out["acdcalls"] = std::to_string(i.dwNumberOfACDCalls);
            out["incoming"] = std::to_string(i.dwNumberOfIncomingCalls);
            out["outgoing"] = std::to_string(i.dwNumberOfOutgoingCalls);
            break;
        }
        case LINEPROXYREQUEST_GETAGENTSESSIONLIST: {
            const auto* l = &r.GetAgentSessionList.SessionList;
            std::vector<std::string> v;
            for (const auto& e : entries<LINEAGENTSESSIONENTRY>(buf, l)) {
                std::string name = std::to_string(e.hAgentSession);
                for (const auto& [n, h] : names.sessions)
                    if (h == e.hAgentSession) name = n;
                v.push_back(name);
            }
            out["sessions"] = join(v);
            out["count"] = std::to_string(v.size());
            break;
        }
        case LINEPROXYREQUEST_GETAGENTSESSIONINFO: {
            const auto& i = r.GetAgentSessionInfo.SessionInfo;
            out["state"] = state_name(state_kind::session, i.dwAgentSessionState);
            out["next"] = i.dwNextAgentSessionState
                              ? state_name(state_kind::session, i.dwNextAgentSessionState)
                              : "0";
            out["calls"] = std::to_string(i.dwNumberOfCalls);
            break;
        }
        case LINEPROXYREQUEST_GETQUEUELIST: {
            const auto* l = &r.GetQueueList.QueueList;
            std::vector<std::string> v;
            for (const auto& e : entries<LINEQUEUEENTRY>(buf, l)) {
                const auto name = string_at(buf, l, e.dwNameSize, e.dwNameOffset);
                names.queues[lower(name)] = e.dwQueueID;
                v.push_back(name);
            }
            out["queues"] = join(v);
            out["count"] = std::to_string(v.size());
            break;
        }
        case LINEPROXYREQUEST_GETQUEUEINFO: {
            const auto& q = r.GetQueueInfo.QueueInfo;
            out["period"] = std::to_string(q.dwMeasurementPeriod);
            out["total"] = std::to_string(q.dwTotalCallsQueued);
            out["waiting"] = std::to_string(q.dwCurrentCallsQueued);
            out["abandoned"] = std::to_string(q.dwTotalCallsAbandoned);
            out["flowedin"] = std::to_string(q.dwTotalCallsFlowedIn);
            out["flowedout"] = std::to_string(q.dwTotalCallsFlowedOut);
            out["longestever"] = std::to_string(q.dwLongestEverWaitTime);
            out["longest"] = std::to_string(q.dwCurrentLongestWaitTime);
            out["average"] = std::to_string(q.dwAverageWaitTime);
            break;
        }
        default:
            break;
    }
    return out;
}

}  // namespace ctigw::tapihost::agent
