// backend_core without a socket: the test answers every AMI action it sends, and plays
// Asterisk's events (the sequences follow the recorded Asterisk 22 traffic, docs/asterisk.md).
#include <gtest/gtest.h>

#include <algorithm>

#include "asterisk_backend_test.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace fixture;
using protocol::connection_state;
namespace svc = protocol::svc;

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

}  // namespace
}  // namespace ctigw::gateway::asterisk
