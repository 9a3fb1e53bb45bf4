// backend_core's call-centre services (protocol version 2) without a socket: app_queue members
// as agents, their states and the queue statistics, and the callers waiting in a queue.
#include <gtest/gtest.h>

#include <algorithm>

#include "asterisk_backend_test.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace fixture;
namespace svc = protocol::svc;

// ---- call-centre services (protocol version 2) ----

TEST_F(backend_test, AgentsAreAppQueueMembersFromQueueStatusAndLiveEvents) {
    const ami::message member{{"Event", "QueueMember"},
                              {"Queue", "sales"},
                              {"Name", "Agent 2002"},
                              {"Location", "Local/2002@from-queue/n"},
                              {"StateInterface", "hint:2002@ext-local"},
                              {"Membership", "dynamic"},
                              {"InCall", "0"},
                              {"Status", "1"},
                              {"Paused", "1"},
                              {"PausedReason", "lunch"},
                              {"Wrapuptime", "0"}};
    // A member named by its plain device interface maps through the channel patterns.
    const ami::message plain{{"Event", "QueueMember"},  {"Queue", "sales"},
                             {"Location", "IAX2/2003"}, {"StateInterface", "IAX2/2003"},
                             {"InCall", "0"},           {"Paused", "0"}};
    connect({}, "2026-12-04 10:00:00", {},
            {ami::message{{"Event", "QueueParams"}, {"Queue", "sales"}, {"Completed", "3"}}, member,
             plain});
    EXPECT_EQ(agent_log(), std::vector<std::string>{});  // a resync is silent
    EXPECT_EQ(core_.agents().state_of("2002"), agent_state::not_ready);
    EXPECT_EQ(core_.agents().state_of("2003"), agent_state::ready);
    EXPECT_EQ(core_.agents().statistics("sales", clock_now())->completed, 3);

    const ami::message connect_ev{
        {"Event", "AgentConnect"}, {"Queue", "sales"}, {"Interface", "IAX2/2003"}};
    const ami::message complete_ev{
        {"Event", "AgentComplete"}, {"Queue", "sales"}, {"Interface", "IAX2/2003"}};
    event(connect_ev);
    event(complete_ev);
    core_.on_tick();
    clock_now() += std::chrono::seconds(5);
    core_.on_tick();
    EXPECT_EQ(agent_log(),
              (std::vector<std::string>{"2003 sales busy", "2003 sales workingAfterCall",
                                        "2003 sales ready"}));
    // Each change is an agent event for the station and for the queue as a device.
    EXPECT_EQ(listener_.events,
              (std::vector<std::string>{"2003 AgentBusy", "sales AgentBusy",
                                        "2003 AgentWorkingAfterCall", "sales AgentWorkingAfterCall",
                                        "2003 AgentReady", "sales AgentReady"}));
}

ami::message sales_member(std::string_view ext, bool paused, std::string_view reason = "",
                          bool in_call = false) {
    return ami::message{{"Event", "QueueMember"},
                        {"Queue", "sales"},
                        {"Location", "Local/" + std::string(ext) + "@from-queue/n"},
                        {"StateInterface", "hint:" + std::string(ext) + "@ext-local"},
                        {"Membership", "dynamic"},
                        {"InCall", in_call ? "1" : "0"},
                        {"Status", in_call ? "2" : "1"},
                        {"Paused", paused ? "1" : "0"},
                        {"PausedReason", reason}};
}

const ami::message sales_params{{"Event", "QueueParams"}, {"Queue", "sales"}, {"Completed", "7"},
                                {"Abandoned", "2"},       {"Holdtime", "12"}, {"TalkTime", "95"}};

TEST_F(backend_test, SetAgentStateBecomesQueueAddRemoveAndPause) {
    connect({}, "2026-12-04 10:00:00", {}, {sales_params, sales_member("2002", false)});
    std::optional<protocol::response> res;
    auto start = [&](svc::set_agent_state::params p) {
        res.reset();
        core_.execute(protocol::request{"a", std::move(p)},
                      [&](protocol::response r) { res = std::move(r); });
    };
    // Log on: a paused dynamic member, the agent says when it is ready.
    start({"2001", protocol::requested_agent_state::logged_on, {}, {}, "sales", {}});
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_.front().get("Interface"), "Local/2001@from-queue/n");
    EXPECT_EQ(sent_.front().get("Paused"), "true");
    EXPECT_FALSE(res);
    answer("QueueAdd", success());
    ASSERT_TRUE(res);
    EXPECT_TRUE(std::holds_alternative<protocol::service_result>(res->outcome));
    // Not ready with a reason, in every queue of the agent (no acdGroup).
    start({"2002", protocol::requested_agent_state::not_ready, {}, {}, {}, "lunch"});
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_.front().get("Paused"), "true");
    EXPECT_EQ(sent_.front().get("Reason"), "lunch");
    answer("QueuePause", success());
    ASSERT_TRUE(res);
    // Log off.
    start({"2002", protocol::requested_agent_state::logged_off, {}, {}, "sales", {}});
    answer("QueueRemove", success());
    ASSERT_TRUE(res);
    EXPECT_TRUE(std::holds_alternative<protocol::service_result>(res->outcome));

    // What Asterisk cannot do is refused before any action.
    const auto wac = call(svc::set_agent_state::params{
        "2002", protocol::requested_agent_state::working_after_call, {}, {}, "sales", {}});
    EXPECT_EQ(std::get<protocol::csta_error>(wac.outcome).value, "valueOutOfRange");
    const auto no_queue = call(svc::set_agent_state::params{
        "2002", protocol::requested_agent_state::logged_on, {}, {}, "nope", {}});
    EXPECT_EQ(std::get<protocol::csta_error>(no_queue.outcome).value, "valueOutOfRange");
    const auto no_group = call(svc::set_agent_state::params{
        "2002", protocol::requested_agent_state::logged_on, {}, {}, {}, {}});
    EXPECT_EQ(std::get<protocol::csta_error>(no_group.outcome).value, "valueOutOfRange");
    const auto not_member = call(svc::set_agent_state::params{
        "2003", protocol::requested_agent_state::ready, {}, {}, "sales", {}});
    EXPECT_EQ(std::get<protocol::csta_error>(not_member.outcome).value, "invalidDeviceState");
    const auto queue_as_agent = call(svc::set_agent_state::params{
        "sales", protocol::requested_agent_state::ready, {}, {}, {}, {}});
    EXPECT_EQ(std::get<protocol::csta_error>(queue_as_agent.outcome).value, "invalidDeviceID");
    EXPECT_TRUE(sent_.empty());
}

TEST_F(backend_test, AChangeDuringAQueueCallIsPendingUntilItEnds) {
    connect({}, "2026-12-04 10:00:00", {}, {sales_member("2002", false, "", true)});
    std::optional<protocol::response> res;
    core_.execute(
        protocol::request{
            "a",
            svc::set_agent_state::params{
                "2002", protocol::requested_agent_state::not_ready, {}, {}, "sales", "paperwork"}},
        [&](protocol::response r) { res = std::move(r); });
    answer("QueuePause", success());
    ASSERT_TRUE(res);
    const auto& r =
        std::get<svc::set_agent_state::result>(std::get<protocol::service_result>(res->outcome));
    EXPECT_EQ(r.pending_state, protocol::agent_state::not_ready);
    // app_queue pauses at once; the member stays busy, and says what comes next.
    event(ami::message{{"Event", "QueueMemberPause"},
                       {"Queue", "sales"},
                       {"Interface", "Local/2002@from-queue/n"},
                       {"StateInterface", "hint:2002@ext-local"},
                       {"InCall", "1"},
                       {"Status", "2"},
                       {"Paused", "1"},
                       {"PausedReason", "paperwork"}});
    const auto st = call(svc::get_agent_state::params{"2002", {}});
    const auto& states =
        std::get<svc::get_agent_state::result>(std::get<protocol::service_result>(st.outcome))
            .agent_states;
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].state, protocol::agent_state::busy);
    EXPECT_EQ(states[0].pending_state, protocol::agent_state::not_ready);
    EXPECT_FALSE(states[0].reason_code);  // the reason belongs to notReady, once it is
}

TEST_F(backend_test, AgentStatesAndQueueStatisticsAreReadFromTheRoster) {
    connect({}, "2026-12-04 10:00:00", {},
            {sales_params, sales_member("2001", true, "lunch"), sales_member("2002", false),
             ami::message{{"Event", "QueueEntry"},
                          {"Queue", "sales"},
                          {"Position", "1"},
                          {"Channel", "IAX2/trunk-9"},
                          {"Uniqueid", "pbx-9"},
                          {"Wait", "40"}}});
    const auto st = call(svc::get_agent_state::params{"2001", {}});
    const auto& r =
        std::get<svc::get_agent_state::result>(std::get<protocol::service_result>(st.outcome));
    ASSERT_EQ(r.agent_states.size(), 1u);
    EXPECT_EQ(r.agent_states[0].acd_group, "sales");
    EXPECT_EQ(r.agent_states[0].state, protocol::agent_state::not_ready);
    EXPECT_EQ(r.agent_states[0].reason_code, "lunch");
    const auto none = call(svc::get_agent_state::params{"2003", {}});
    EXPECT_TRUE(
        std::get<svc::get_agent_state::result>(std::get<protocol::service_result>(none.outcome))
            .agent_states.empty());  // logged off everywhere
    const auto other = call(svc::get_agent_state::params{"2001", "support"});
    EXPECT_TRUE(
        std::get<svc::get_agent_state::result>(std::get<protocol::service_result>(other.outcome))
            .agent_states.empty());

    const auto qs = call(svc::get_queue_statistics::params{"sales"});
    const auto& q =
        std::get<svc::get_queue_statistics::result>(std::get<protocol::service_result>(qs.outcome));
    EXPECT_EQ(q.calls_waiting, 1u);
    EXPECT_EQ(q.longest_wait_seconds, 40u);
    EXPECT_EQ(q.agents_logged_on, 2u);
    EXPECT_EQ(q.agents_ready, 1u);
    EXPECT_EQ(q.calls_completed, 7u);
    EXPECT_EQ(q.calls_abandoned, 2u);
    EXPECT_EQ(q.average_wait_seconds, 12u);
    EXPECT_EQ(q.average_talk_seconds, 95u);
    // GetSwitchingFunctionDevices lists the queue after the stations, or alone by category.
    const auto acd = call(svc::get_switching_function_devices::params{
        protocol::device_category::acd, std::nullopt, std::nullopt});
    const auto& groups = std::get<svc::get_switching_function_devices::result>(
                             std::get<protocol::service_result>(acd.outcome))
                             .devices;
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].device, "sales");
    EXPECT_EQ(groups[0].category, protocol::device_category::acd);
    const auto every = call(svc::get_switching_function_devices::params{});
    EXPECT_EQ(std::get<svc::get_switching_function_devices::result>(
                  std::get<protocol::service_result>(every.outcome))
                  .devices.back()
                  .device,
              "sales");
    const auto station = call(svc::get_queue_statistics::params{"2001"});
    EXPECT_EQ(std::get<protocol::csta_error>(station.outcome).value, "invalidDeviceID");

    // The queue is a device: monitored and snapshotted, and able to do little else.
    EXPECT_TRUE(core_.is_device("sales"));
    EXPECT_FALSE(core_.monitor("sales"));
    const auto u = core_.unsupported_services("sales");
    auto has = [&](std::string_view s) { return std::find(u.begin(), u.end(), s) != u.end(); };
    EXPECT_TRUE(has("MakeCall"));
    EXPECT_TRUE(has("SetAgentState"));
    EXPECT_FALSE(has("GetQueueStatistics"));
    EXPECT_FALSE(has("MonitorStart"));
    const auto u2 = core_.unsupported_services("2001");
    EXPECT_NE(std::find(u2.begin(), u2.end(), "GetQueueStatistics"), u2.end());
    EXPECT_EQ(std::find(u2.begin(), u2.end(), "SetAgentState"), u2.end());
}

TEST_F(backend_test, ALogOnIsAnnouncedThenTheStateTheAgentIsIn) {
    connect({}, "2026-12-04 10:00:00", {}, {sales_params});
    listener_.events.clear();
    event(ami::message{{"Event", "QueueMemberAdded"},
                       {"Queue", "sales"},
                       {"Interface", "Local/2001@from-queue/n"},
                       {"StateInterface", "hint:2001@ext-local"},
                       {"Membership", "dynamic"},
                       {"Paused", "1"},
                       {"PausedReason", "login"}});
    EXPECT_EQ(listener_.events,
              (std::vector<std::string>{"2001 AgentLoggedOn", "sales AgentLoggedOn",
                                        "2001 AgentNotReady", "sales AgentNotReady"}));
    listener_.events.clear();
    event(ami::message{{"Event", "QueueMemberRemoved"},
                       {"Queue", "sales"},
                       {"Interface", "Local/2001@from-queue/n"}});
    EXPECT_EQ(listener_.events,
              (std::vector<std::string>{"2001 AgentLoggedOff", "sales AgentLoggedOff"}));
}

TEST_F(backend_test, QueueCallersAreQueuedConnectionsOfTheQueueDevice) {
    connect({}, "2026-12-04 10:00:00", {}, {sales_params});
    listener_.bodies.clear();
    auto caller = [](std::string_view event, std::string_view unique) {
        return ami::message{{"Event", event},           {"Queue", "sales"},
                            {"Channel", "IAX2/2005-1"}, {"Uniqueid", unique},
                            {"Linkedid", "pbx-77.0"},   {"CallerIDNum", "2005"},
                            {"Position", "1"},          {"Count", "1"}};
    };
    event(caller("QueueCallerJoin", "pbx-77.0"));
    ASSERT_EQ(listener_.bodies.size(), 1u);
    EXPECT_EQ(listener_.bodies[0].first, "sales");
    const auto* q = std::get_if<protocol::evt::queued>(&listener_.bodies[0].second);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->queued_connection, (protocol::connection_id{"pbx-77.0", "sales"}));
    EXPECT_EQ(q->calling_device, "2005");
    EXPECT_EQ(q->number_queued, 1u);
    // The queue's snapshot (a TSP's resync of the queue line) shows the waiting caller.
    const auto snap = call(svc::snapshot_device::params{"sales"});
    const auto& conns =
        std::get<svc::snapshot_device::result>(std::get<protocol::service_result>(snap.outcome))
            .connections;
    ASSERT_EQ(conns.size(), 1u);
    EXPECT_EQ(conns[0].state, protocol::connection_state::queued);
    EXPECT_EQ(conns[0].connection, (protocol::connection_id{"pbx-77.0", "sales"}));
    // An agent took it: the queue's connection ends, distributed.
    event(caller("QueueCallerLeave", "pbx-77.0"));
    ASSERT_EQ(listener_.bodies.size(), 2u);
    const auto* gone = std::get_if<protocol::evt::connection_cleared>(&listener_.bodies[1].second);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->cause, protocol::event_cause::distributed);
    EXPECT_EQ(gone->releasing_device, "sales");
    // A caller who hangs up while waiting: Abandon, then Leave (as Asterisk 22.10.1 sent them
    // live, with Linkedid and CallerIDNum on each).
    event(caller("QueueCallerJoin", "pbx-78.0"));
    event(caller("QueueCallerAbandon", "pbx-78.0"));
    event(caller("QueueCallerLeave", "pbx-78.0"));
    ASSERT_EQ(listener_.bodies.size(), 4u);
    const auto* hung = std::get_if<protocol::evt::connection_cleared>(&listener_.bodies[3].second);
    ASSERT_NE(hung, nullptr);
    EXPECT_EQ(hung->cause, protocol::event_cause::normal_clearing);
    EXPECT_EQ(hung->releasing_device, "2005");
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
