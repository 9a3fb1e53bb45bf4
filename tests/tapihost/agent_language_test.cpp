// The LINEPROXYREQUESTs the host builds for agent statements, and how it reads their answers
// (tools/tapihost/src/agent_requests.cpp).
#include <gtest/gtest.h>

#include <cstring>

#include "agent_language.hpp"
#include "ctigw/tapihost/wide.hpp"

namespace ctigw::tapihost::agent {
namespace {

op_stmt op(std::string verb, std::vector<std::string> args, std::vector<std::string> names = {}) {
    return op_stmt{std::move(verb), std::move(args), std::move(names)};
}

const auto no_lines = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };

const LINEPROXYREQUEST& req(const std::vector<unsigned char>& b) {
    return *reinterpret_cast<const LINEPROXYREQUEST*>(b.data());
}

/// Writes a UTF-16 string at `at` of `b`; returns its size in bytes.
DWORD put(std::vector<unsigned char>& b, std::size_t at, const std::string& s) {
    const auto w = to_wide(s);
    const auto size = (w.size() + 1) * sizeof(WCHAR);
    std::memcpy(b.data() + at, w.c_str(), size);
    return static_cast<DWORD>(size);
}

TEST(AgentRequests, GroupsAreLearntFromTheGroupListAndUsedToLogOn) {
    app_names names;
    std::string error;
    // Unknown before lineGetGroupList: the statement says what to run first.
    EXPECT_FALSE(build_request(op("setagentgroup", {"2001", "Sales"}), names, no_lines, &error));
    EXPECT_NE(error.find("run getgrouplist first"), std::string::npos);

    auto list = build_request(op("getgrouplist", {"2001"}), names, no_lines, &error);
    ASSERT_TRUE(list);
    auto& b = *list;
    EXPECT_EQ(req(b).dwRequestType, DWORD{LINEPROXYREQUEST_GETGROUPLIST});
    EXPECT_EQ(req(b).dwSize, b.size());
    auto* gl = const_cast<LINEAGENTGROUPLIST*>(&req(b).GetGroupList.GroupList);
    EXPECT_EQ(gl->dwTotalSize, b.size() - offsetof(LINEPROXYREQUEST, GetGroupList.GroupList));
    // The provider's answer: one group "Sales".
    const auto base = offsetof(LINEPROXYREQUEST, GetGroupList.GroupList);
    LINEAGENTGROUPENTRY e{};
    e.GroupID.dwGroupID1 = 0x11223344;
    e.dwNameOffset = sizeof(LINEAGENTGROUPLIST) + sizeof e;
    e.dwNameSize = put(b, base + e.dwNameOffset, "Sales");
    gl->dwNumEntries = 1;
    gl->dwListOffset = sizeof(LINEAGENTGROUPLIST);
    gl->dwListSize = sizeof e;
    std::memcpy(b.data() + base + sizeof(LINEAGENTGROUPLIST), &e, sizeof e);
    const auto fields = read_result(b, op("getgrouplist", {"2001"}), names);
    EXPECT_EQ(fields.at("groups"), "Sales");
    EXPECT_EQ(fields.at("count"), "1");

    // Now by name, and by the group's line (8000 is named Sales).
    const auto line_name = [](const std::string& t) -> std::optional<std::string> {
        if (t == "8000") return "Sales";
        return std::nullopt;
    };
    auto on =
        build_request(op("setagentgroup", {"2001", "8000", "4711"}), names, line_name, &error);
    ASSERT_TRUE(on) << error;
    const auto& sg = req(*on).SetAgentGroup.GroupList;
    ASSERT_EQ(sg.dwNumEntries, 2u);
    const auto list_at = offsetof(LINEPROXYREQUEST, SetAgentGroup.GroupList);
    LINEAGENTGROUPENTRY first{}, id{};
    std::memcpy(&first, on->data() + list_at + sg.dwListOffset, sizeof first);
    std::memcpy(&id, on->data() + list_at + sg.dwListOffset + sizeof first, sizeof id);
    EXPECT_EQ(first.GroupID.dwGroupID1, 0x11223344u);
    EXPECT_EQ(var_string(*on, first.dwNameSize, static_cast<DWORD>(list_at + first.dwNameOffset)),
              "8000");
    // The agent ID: an entry with a null GroupID whose name is the ID.
    EXPECT_EQ(id.GroupID.dwGroupID1, 0u);
    EXPECT_EQ(var_string(*on, id.dwNameSize, static_cast<DWORD>(list_at + id.dwNameOffset)),
              "4711");
    EXPECT_LE(list_at + sg.dwUsedSize, on->size());

    auto off = build_request(op("setagentgroup", {"2001", "none"}), names, no_lines, &error);
    ASSERT_TRUE(off);
    EXPECT_EQ(req(*off).SetAgentGroup.GroupList.dwNumEntries, 0u);
}

TEST(AgentRequests, AgentsAndSessionsAreNamedByTheirStatements) {
    app_names names;
    names.groups["sales"] = guid_bytes{1};
    std::string error;
    auto create =
        build_request(op("createagent", {"2001", "4711", "1234"}, {"ag"}), names, no_lines, &error);
    ASSERT_TRUE(create);
    const auto& c = req(*create).CreateAgent;
    EXPECT_EQ(var_string(*create, c.dwAgentIDSize, c.dwAgentIDOffset), "4711");
    EXPECT_EQ(var_string(*create, c.dwAgentPINSize, c.dwAgentPINOffset), "1234");
    EXPECT_FALSE(build_request(op("createagentsession", {"2001", "ag", "Sales"}, {"s"}), names,
                               no_lines, &error));
    EXPECT_NE(error.find("agent \"ag\" is not known"), std::string::npos);
    // The provider answers hAgent 7: the statement's name now means it.
    const_cast<LINEPROXYREQUEST&>(req(*create)).CreateAgent.hAgent = 7;
    EXPECT_EQ(read_result(*create, op("createagent", {"2001", "4711"}, {"ag"}), names).at("agent"),
              "7");
    auto session = build_request(op("createagentsession", {"2001", "AG", "sales"}, {"s"}), names,
                                 no_lines, &error);
    ASSERT_TRUE(session) << error;
    EXPECT_EQ(req(*session).CreateAgentSession.hAgent, 7u);
    EXPECT_EQ(reinterpret_cast<const unsigned char*>(&req(*session).CreateAgentSession.GroupID)[0],
              1u);
    auto ex = build_request(op("setagentstateex", {"2001", "ag", "NOTREADY", "READY"}), names,
                            no_lines, &error);
    ASSERT_TRUE(ex);
    EXPECT_EQ(req(*ex).SetAgentStateEx.dwAgentState, DWORD{LINEAGENTSTATEEX_NOTREADY});
    EXPECT_EQ(req(*ex).SetAgentStateEx.dwNextAgentState, DWORD{LINEAGENTSTATEEX_READY});
}

TEST(AgentRequests, QueueInfoReadsTheStatistics) {
    app_names names;
    names.queues["sales"] = 4242;
    std::string error;
    auto info = build_request(op("getqueueinfo", {"2001", "Sales"}), names, no_lines, &error);
    ASSERT_TRUE(info);
    auto& q = const_cast<LINEPROXYREQUEST&>(req(*info)).GetQueueInfo;
    EXPECT_EQ(q.dwQueueID, 4242u);
    q.QueueInfo.dwCurrentCallsQueued = 1;
    q.QueueInfo.dwTotalCallsQueued = 3;
    q.QueueInfo.dwTotalCallsAbandoned = 2;
    q.QueueInfo.dwMeasurementPeriod = 900;
    const auto f = read_result(*info, op("getqueueinfo", {"2001", "Sales"}), names);
    EXPECT_EQ(f.at("waiting"), "1");
    EXPECT_EQ(f.at("total"), "3");
    EXPECT_EQ(f.at("abandoned"), "2");
    EXPECT_EQ(f.at("period"), "900");
    EXPECT_FALSE(build_request(op("getqueueinfo", {"2001", "Support"}), names, no_lines, &error));
    EXPECT_NE(error.find("run getqueuelist first"), std::string::npos);
}

TEST(AgentRequests, EventsMatchTheirStates) {
    // LINE_AGENTSTATUS: the state counts only with the STATE bit.
    EXPECT_TRUE(event_matches(LINE_AGENTSTATUS, LINEAGENTSTATE_READY, 0, LINEAGENTSTATUS_STATE,
                              LINEAGENTSTATE_READY));
    EXPECT_FALSE(event_matches(LINE_AGENTSTATUS, LINEAGENTSTATE_READY, 0, LINEAGENTSTATUS_ACTIVITY,
                               LINEAGENTSTATE_READY));
    EXPECT_FALSE(event_matches(LINE_AGENTSESSIONSTATUS, LINEAGENTSESSIONSTATE_READY, 2,
                               LINEAGENTSESSIONSTATUS_NEWSESSION, LINEAGENTSESSIONSTATE_READY));
    EXPECT_TRUE(event_matches(LINE_QUEUESTATUS, LINEQUEUESTATUS_UPDATEINFO, 8000,
                              LINEQUEUESTATUS_UPDATEINFO, 0));
    EXPECT_TRUE(event_matches(LINE_GROUPSTATUS, std::nullopt, LINEGROUPSTATUS_NEWGROUP, 0, 0));
    EXPECT_EQ(
        describe_event(LINE_AGENTSTATUSEX, 3, LINEAGENTSTATUSEX_STATE, LINEAGENTSTATEEX_BUSYACD),
        "agent 3 0x2 BUSYACD");
}

}  // namespace
}  // namespace ctigw::tapihost::agent
