// backend_core without a socket: the test answers every AMI action it sends, and plays
// Asterisk's events (the sequences follow the recorded Asterisk 22 traffic, docs/asterisk.md).
#include <gtest/gtest.h>

#include <deque>

#include "asterisk/backend_core.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using protocol::connection_state;
namespace svc = protocol::svc;

struct sent_action {
    std::string name;
    std::vector<ami::header> headers;
    ami::completion done;
    std::string get(std::string_view h) const {
        for (const auto& x : headers)
            if (x.name == h) return x.value;
        return {};
    }
};

class recording_listener : public backend_listener {
  public:
    void on_device_event(const std::string& device, const protocol::event_body& body) override {
        events.push_back(device + " " + std::string(protocol::event_name(body)));
        bodies.emplace_back(device, body);
    }
    void on_backend_status(backend_status s, bool restarted, const std::string&) override {
        statuses.push_back(std::string(to_string(s)) + (restarted ? " restarted" : ""));
    }
    std::vector<std::string> events;
    std::vector<std::pair<std::string, protocol::event_body>> bodies;
    std::vector<std::string> statuses;
};

ami::action_result success(std::vector<ami::message> events = {},
                           ami::message response = {{"Response", "Success"}}) {
    ami::action_result r;
    r.response = std::move(response);
    r.events = std::move(events);
    return r;
}

ami::action_result refused(std::string why) {
    ami::action_result r;
    r.error = ami::action_error::refused;
    r.reason = std::move(why);
    r.response = ami::message{{"Response", "Error"}, {"Message", r.reason}};
    return r;
}

ami::message channel(std::string_view name, std::string_view uid, std::string_view linked,
                     int state) {
    return ami::message{{"Event", "CoreShowChannel"},
                        {"Channel", name},
                        {"Uniqueid", uid},
                        {"Linkedid", linked},
                        {"ChannelState", std::to_string(state)}};
}

class backend_test : public ::testing::Test {
  protected:
    // The settings are built before the fixture's members exist: the agent log and the clock
    // are per test, reset by the constructor.
    static std::vector<std::string>& agent_log() {
        static std::vector<std::string> log;
        return log;
    }
    static roster_clock::time_point& clock_now() {
        static roster_clock::time_point now;
        return now;
    }
    backend_test()
        : core_(make_settings(),
                [this](std::string a, std::vector<ami::header> h, ami::completion d) {
                    sent_.push_back({std::move(a), std::move(h), std::move(d)});
                }) {
        core_.attach(listener_);
        agent_log().clear();
        clock_now() = roster_clock::time_point(std::chrono::hours(1));
    }

    static core_settings make_settings() {
        core_settings s;
        s.stations = {"2001", "2002", "2003", "2004"};
        s.station_of = [](std::string_view ch) -> std::optional<std::string> {
            if (ch.substr(0, 5) != "IAX2/" || ch.size() < 10) return std::nullopt;
            return std::string(ch.substr(5, 4));
        };
        s.cause_of = [](int, bool answered) {
            return answered ? protocol::event_cause::normal_clearing
                            : protocol::event_cause::call_cancelled;
        };
        s.services.dial_string = [](std::string_view ext) { return "IAX2/" + std::string(ext); };
        s.services.context = "internal";
        s.parking_first = 7001;
        s.parking_last = 7003;
        s.agents.wrapup = std::chrono::seconds(5);
        s.on_agent = [](const agent_change& c) {
            agent_log().push_back(c.station + " " + c.queue + " " +
                                  std::string(to_string(c.state)));
        };
        s.now = [] { return clock_now(); };
        return s;
    }

    /// Answers the next action, which must be `name`.
    void answer(std::string_view name, ami::action_result r) {
        ASSERT_FALSE(sent_.empty()) << "expected " << name;
        auto a = std::move(sent_.front());
        sent_.pop_front();
        ASSERT_EQ(a.name, name);
        a.done(std::move(r));
    }
    /// Link up and a full resync with `channels`, Asterisk started at `startup`.
    void connect(std::vector<ami::message> channels = {},
                 std::string startup = "2026-12-04 10:00:00", std::vector<ami::message> parked = {},
                 std::vector<ami::message> queue_rows = {},
                 std::vector<ami::message> mailboxes = {}) {
        core_.on_link_up();
        answer("CoreStatus", success({}, ami::message{{"Response", "Success"},
                                                      {"CoreStartupDate", startup.substr(0, 10)},
                                                      {"CoreStartupTime", startup.substr(11)}}));
        answer("CoreShowChannels", success(std::move(channels)));
        answer("Parkinglots", success({ami::message{{"Event", "Parkinglot"},
                                                    {"Name", "default"},
                                                    {"StartSpace", "7001"},
                                                    {"StopSpace", "7010"}}}));
        answer("ParkedCalls", success(std::move(parked)));
        answer("QueueStatus", success(std::move(queue_rows)));
        answer("DBGetTree", refused("Database entry not found"));
        answer("DBGetTree",
               success({ami::message{
                   {"Event", "DBGetTreeResponse"}, {"Key", "/CF/2002"}, {"Val", "2004"}}}));
        answer("DBGetTree", success());
        answer("DBGetTree", success());
        answer("VoicemailUsersList", success(std::move(mailboxes)));
        ASSERT_EQ(core_.phase(), core_phase::up);
    }
    protocol::response call(protocol::service_params params) {
        std::optional<protocol::response> out;
        core_.execute(protocol::request{"r1", std::move(params)},
                      [&](protocol::response r) { out = std::move(r); });
        EXPECT_TRUE(out.has_value()) << "no response yet";
        return out.value_or(protocol::response{});
    }
    void event(ami::message m) { core_.on_ami_event(m); }

    std::deque<sent_action> sent_;
    recording_listener listener_;
    backend_core core_;
};

TEST_F(backend_test, ResyncReadsChannelsAndFeaturesThenGoesUp) {
    EXPECT_EQ(core_.status(), backend_status::down);
    connect({channel("IAX2/2001-1", "u1", "u1", 6), channel("IAX2/2002-2", "u2", "u1", 6)});
    EXPECT_EQ(listener_.statuses, std::vector<std::string>{"up"});
    EXPECT_EQ(core_.active_calls(), 1u);
    EXPECT_EQ(core_.devices_in_call("u1"), (std::vector<std::string>{"2001", "2002"}));
    const auto fw = call(svc::get_forwarding::params{"2002"});
    const auto& list =
        std::get<svc::get_forwarding::result>(std::get<protocol::service_result>(fw.outcome));
    EXPECT_TRUE(list.forwarding[0].active);
    EXPECT_TRUE(listener_.events.empty());  // a resync reports nothing; sessions snapshot
}

TEST_F(backend_test, EventsDuringTheResyncAreAppliedAfterIt) {
    core_.on_link_up();
    answer("CoreStatus", success());
    event(ami::message{{"Event", "Newchannel"},
                       {"Channel", "IAX2/2003-9"},
                       {"Uniqueid", "u9"},
                       {"Linkedid", "u9"},
                       {"ChannelState", "4"},
                       {"Exten", "2001"}});
    EXPECT_TRUE(listener_.events.empty());
    answer("CoreShowChannels", success());
    answer("Parkinglots", refused("Invalid/unknown command: Parkinglots"));  // no res_parking
    answer("ParkedCalls", refused("Invalid/unknown command: ParkedCalls"));
    answer("QueueStatus", refused("Invalid/unknown command: QueueStatus"));  // no app_queue
    for (int i = 0; i < 4; ++i) answer("DBGetTree", success());
    answer("VoicemailUsersList", refused("Invalid/unknown command"));  // no app_voicemail
    EXPECT_EQ(listener_.events, std::vector<std::string>{"2003 ServiceInitiated"});
}

TEST_F(backend_test, MakeCallAnswersWithTheCallIdTheOriginateWillCarry) {
    connect();
    std::optional<protocol::response> res;
    core_.execute(protocol::request{"m1", svc::make_call::params{"2001", "2002", {}, {}}},
                  [&](protocol::response r) { res = std::move(r); });
    ASSERT_EQ(sent_.size(), 1u);
    const std::string id = sent_.front().get("ChannelId");
    EXPECT_EQ(sent_.front().get("Async"), "true");
    EXPECT_FALSE(res);  // not before Asterisk accepted it
    answer("Originate", success({}, ami::message{{"Response", "Success"},
                                                 {"Message", "Originate successfully queued"}}));
    ASSERT_TRUE(res);
    const auto& mc =
        std::get<svc::make_call::result>(std::get<protocol::service_result>(res->outcome));
    EXPECT_EQ(mc.calling_connection, (protocol::connection_id{id, "2001"}));
    event(ami::message{{"Event", "Newchannel"},
                       {"Channel", "IAX2/2001-5"},
                       {"Uniqueid", id},
                       {"Linkedid", id},
                       {"ChannelState", "5"}});
    EXPECT_EQ(listener_.events, std::vector<std::string>{"2001 Delivered"});
}

TEST_F(backend_test, AnOriginateThatNeverRangClearsTheCall) {
    connect();
    core_.execute(protocol::request{"m1", svc::make_call::params{"2001", "2002", {}, {}}},
                  [](protocol::response) {});
    const std::string id = sent_.front().get("ChannelId");
    answer("Originate", success());
    event(ami::message{{"Event", "OriginateResponse"},
                       {"Response", "Failure"},
                       {"Uniqueid", id},
                       {"Reason", "0"}});
    EXPECT_EQ(listener_.events, std::vector<std::string>{"2001 CallCleared"});
    EXPECT_EQ(core_.active_calls(), 0u);
}

TEST_F(backend_test, ARefusedActionIsAnErrorAndARefusedOriginateLeavesNoCall) {
    connect();
    std::optional<protocol::response> res;
    core_.execute(protocol::request{"m1", svc::make_call::params{"2001", "2002", {}, {}}},
                  [&](protocol::response r) { res = std::move(r); });
    answer("Originate", refused("Permission denied"));
    ASSERT_TRUE(res);
    const auto* e = std::get_if<protocol::csta_error>(&res->outcome);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->message, "Permission denied");
    EXPECT_EQ(core_.active_calls(), 0u);
}

TEST_F(backend_test, LinkLossTakesTheSwitchDownAndAReconnectKeepsCallIds) {
    connect({channel("IAX2/2001-1", "u1", "u1", 6), channel("IAX2/2002-2", "u2", "u1", 6)});
    core_.on_link_down("connection reset");
    EXPECT_EQ(listener_.statuses, (std::vector<std::string>{"up", "down"}));
    const auto r = call(svc::snapshot_device::params{"2001"});
    EXPECT_EQ(std::get<protocol::csta_error>(r.outcome).value, "resourceBusy");
    // The call went on without us; 2002 hung up meanwhile.
    connect({channel("IAX2/2001-1", "u1", "u1", 6)});
    EXPECT_EQ(listener_.statuses, (std::vector<std::string>{"up", "down", "up"}));
    EXPECT_EQ(core_.devices_in_call("u1"), std::vector<std::string>{"2001"});
    const auto instance = core_.instance_id();
    core_.on_link_down("restart");
    connect({}, "2026-12-04 11:30:00");
    EXPECT_EQ(listener_.statuses.back(), "up restarted");
    EXPECT_NE(core_.instance_id(), instance);
    EXPECT_EQ(core_.active_calls(), 0u);
}

TEST_F(backend_test, AStaleCompletionFromBeforeALinkLossChangesNothing) {
    core_.on_link_up();
    auto stale = std::move(sent_.front());
    sent_.clear();
    core_.on_link_down("gone");
    stale.done(success());
    EXPECT_TRUE(sent_.empty());
    EXPECT_EQ(core_.phase(), core_phase::down);
}

TEST_F(backend_test, ATransferRunsItsActionsInOrderToleratesAGoneLegAndReportsAfterTheResponse) {
    // After a reconnect: 2001 holds 2002 (u1) in the hold contexts and talks with 2003 (c1).
    auto in = [](ami::message m, std::string_view h, std::string_view v) {
        m.add(std::string(h), std::string(v));
        return m;
    };
    connect({in(channel("IAX2/2001-1", "u1", "u1", 6), "Context", "ctigw-hold"),
             in(channel("IAX2/2002-2", "u2", "u1", 6), "Context", "ctigw-held"),
             in(channel("IAX2/2001-3", "c1", "c1", 6), "BridgeId", "b2"),
             in(channel("IAX2/2003-4", "u4", "c1", 6), "BridgeId", "b2")});
    std::optional<protocol::response> res;
    core_.execute(
        protocol::request{"t1", svc::transfer_call::params{{"u1", "2001"}, {"c1", "2001"}}},
        [&](protocol::response r) {
            res = std::move(r);
            listener_.events.push_back("response");
        });
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_.front().get("Channel1"), "IAX2/2002-2");
    EXPECT_EQ(sent_.front().get("Channel2"), "IAX2/2003-4");
    answer("Bridge", success());
    // The consultation's leg went with its bridge before its Hangup arrived: not an error.
    answer("Hangup", refused("No such channel"));
    EXPECT_FALSE(res);
    answer("Hangup", success());
    ASSERT_TRUE(res);
    EXPECT_TRUE(std::holds_alternative<protocol::service_result>(res->outcome));
    EXPECT_EQ(listener_.events, (std::vector<std::string>{"response", "2001 Transferred",
                                                          "2002 Transferred", "2003 Transferred"}));
    EXPECT_EQ(core_.devices_in_call("u1"), (std::vector<std::string>{"2002", "2003"}));
}

TEST_F(backend_test, AResyncLearnsTheParkingLotsAndWhoIsParkedWhere) {
    // 2002 was parked on 7001 by 2001 while the link was down; 2003 talks with 2004.
    connect({channel("IAX2/2002-2", "u2", "u1", 6), channel("IAX2/2003-3", "u3", "u3", 6),
             channel("IAX2/2004-4", "u4", "u3", 6)},
            "2026-12-04 10:00:00",
            {ami::message{{"Event", "ParkedCall"},
                          {"ParkeeChannel", "IAX2/2002-2"},
                          {"ParkeeUniqueid", "u2"},
                          {"ParkingSpace", "7001"}}});
    std::optional<protocol::response> res;
    core_.execute(protocol::request{"u", svc::directed_pickup_call::params{std::string("7001"),
                                                                           std::nullopt, "2001"}},
                  [&](protocol::response r) { res = std::move(r); });
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_.front().get("Exten"), "7001");
    answer("Originate", success());
    ASSERT_TRUE(res);
    EXPECT_EQ(std::get<svc::directed_pickup_call::result>(
                  std::get<protocol::service_result>(res->outcome))
                  .picked_call,
              (protocol::connection_id{"u1", "2001"}));
    // Parking uses the configured spaces (7001-7003) of the lot's 7001-7010: 7001 is taken.
    std::optional<protocol::response> parked;
    core_.execute(protocol::request{"p", svc::park_call::params{{"u3", "2003"}, std::nullopt}},
                  [&](protocol::response r) { parked = std::move(r); });
    ASSERT_FALSE(parked) << std::get<protocol::csta_error>(parked->outcome).message.value_or("");
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_.front().get("ParkingSpace"), "7002");
    EXPECT_EQ(sent_.front().get("Parkinglot"), "default");
}

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

TEST_F(backend_test, MessageWaitingIsReadAtEachResyncAndChangesAreToldOnceUp) {
    const ami::message box{{"Event", "VoicemailUserEntry"},
                           {"VMContext", "default"},
                           {"VoiceMailbox", "2003"},
                           {"NewMessageCount", "1"}};
    connect({}, "2026-12-04 10:00:00", {}, {}, {box});
    EXPECT_EQ(listener_.events, std::vector<std::string>{"2003 MessageWaiting"});
    core_.on_link_down("test");
    connect({}, "2026-12-04 10:00:00", {}, {}, {box});  // unchanged: nothing new
    EXPECT_EQ(listener_.events, std::vector<std::string>{"2003 MessageWaiting"});
}

TEST_F(backend_test, WhatAsteriskCannotDoIsDeclaredUnsupported) {
    const auto u = core_.unsupported_services("2001");
    auto has = [&](std::string_view s) { return std::find(u.begin(), u.end(), s) != u.end(); };
    EXPECT_TRUE(has("AnswerCall"));
    EXPECT_TRUE(has("SetMessageWaitingIndicator"));
    EXPECT_FALSE(has("MakeCall"));
    EXPECT_FALSE(has("HoldCall"));
    EXPECT_FALSE(has("DirectedPickupCall"));
    EXPECT_FALSE(has("TransferCall"));
    EXPECT_FALSE(has("ConferenceCall"));
    EXPECT_FALSE(has("ReconnectCall"));
    EXPECT_FALSE(has("ParkCall"));
    EXPECT_FALSE(has("AlternateCall"));
    EXPECT_TRUE(has("ConsultationCall"));
    EXPECT_TRUE(has("GroupPickupCall"));  // no pickup groups configured here
    auto with_groups = make_settings();
    with_groups.services.pickup_groups = {{"sales", {"2001", "2002"}}};
    backend_core grouped(with_groups, [](auto&&...) {});
    const auto g = grouped.unsupported_services("2001");
    EXPECT_EQ(std::find(g.begin(), g.end(), "GroupPickupCall"), g.end());
    // AnswerCall only for the phones configured to answer on a NOTIFY.
    auto answering = make_settings();
    answering.services.can_answer = [](std::string_view ext) { return ext == "2002"; };
    backend_core remote(answering, [](auto&&...) {});
    const auto a1 = remote.unsupported_services("2001");
    const auto a2 = remote.unsupported_services("2002");
    EXPECT_NE(std::find(a1.begin(), a1.end(), "AnswerCall"), a1.end());
    EXPECT_EQ(std::find(a2.begin(), a2.end(), "AnswerCall"), a2.end());
    connect();
    const auto r = call(svc::answer_call::params{{"x", "2001"}});
    EXPECT_EQ(std::get<protocol::csta_error>(r.outcome).value, "serviceNotSupported");
}

TEST_F(backend_test, DevicesAreListedInPages) {
    connect();
    const auto r = call(svc::get_switching_function_devices::params{{}, {}, 3u});
    const auto& page = std::get<svc::get_switching_function_devices::result>(
        std::get<protocol::service_result>(r.outcome));
    ASSERT_EQ(page.devices.size(), 3u);
    ASSERT_EQ(page.next_cursor, "s:3");
    const auto r2 = call(svc::get_switching_function_devices::params{{}, page.next_cursor, 3u});
    const auto& page2 = std::get<svc::get_switching_function_devices::result>(
        std::get<protocol::service_result>(r2.outcome));
    EXPECT_EQ(page2.devices.size(), 1u);
    EXPECT_FALSE(page2.next_cursor);
    const auto bad = call(svc::get_switching_function_devices::params{{}, std::string("s:x"), 3u});
    EXPECT_EQ(std::get<protocol::csta_error>(bad.outcome).value, "valueOutOfRange");
}

// ---- call-centre services (protocol version 2) ----

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
