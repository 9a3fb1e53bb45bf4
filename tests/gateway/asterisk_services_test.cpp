// Services planned as AMI actions against a call model in a known state.
#include <gtest/gtest.h>

#include "asterisk/services.hpp"
#include "asterisk_services_fixture.hpp"

namespace ctigw::gateway::asterisk {

namespace {

using namespace fixture;
namespace svc = protocol::svc;
using protocol::connection_id;

TEST_F(services_test, MakeCallOriginatesAsynchronouslyWithTheCallIdAsChannelId) {
    const auto p = ok(run(svc::make_call::params{"2001", "2002", std::nullopt, std::nullopt}));
    ASSERT_EQ(p.actions.size(), 1u);
    const auto& a = p.actions[0];
    EXPECT_EQ(a.name, "Originate");
    const ami_action expected{"Originate",
                              {{"Channel", "IAX2/2001"},
                               {"Context", "internal"},
                               {"Exten", "2002"},
                               {"Priority", "1"},
                               {"CallerID", "<2001>"},
                               {"Timeout", "30000"},
                               {"Async", "true"},
                               {"ChannelId", "ctigw-1"},
                               {"Variable", "CTIGW_CALL=ctigw-1"}}};
    EXPECT_EQ(a, expected);
    ASSERT_TRUE(p.originate);
    EXPECT_EQ(p.originate->call_id, "ctigw-1");
    EXPECT_EQ(std::get<svc::make_call::result>(p.result).calling_connection,
              (connection_id{"ctigw-1", "2001"}));
}

TEST_F(services_test, MakeCallRefusesABusyCallerAStrangerAndAnInjectedNumber) {
    talking();
    EXPECT_EQ(refusal(run(svc::make_call::params{"2001", "2003", {}, {}})), "invalidDeviceState");
    EXPECT_EQ(refusal(run(svc::make_call::params{"3001", "2003", {}, {}})), "invalidDeviceID");
    EXPECT_EQ(refusal(run(svc::make_call::params{"2003", "2002\r\nAction: Logoff", {}, {}})),
              "invalidDestination");
    EXPECT_EQ(refusal(run(svc::make_call::params{"2003", "", {}, {}})), "invalidDestination");
}

TEST_F(services_test, ADeviceWhoseCallsAreAllHeldMayCallAgain) {
    talking();
    chan("BridgeLeave", "IAX2/2001-1", "u1", "u1", 6);
    chan("Newexten", "IAX2/2001-1", "u1", "u1", 6, {{"Context", "ctigw-hold"}, {"Exten", "s"}});
    ASSERT_EQ(model_.state_of({"u1", "2001"}), connection_state::hold);
    EXPECT_EQ(refusal(run(svc::make_call::params{"2001", "2003", {}, {}})), "planned");
}

TEST_F(services_test, ADeviceMayCallAgainAsSoonAsItsHoldWasAccepted) {
    // lineSetupTransfer completes when the hold Redirect is accepted; lineDial follows at once,
    // before Asterisk reports the holder leaving its bridge.
    talking();
    ok(run(svc::hold_call::params{{"u1", "2001"}})).on_model(model_);
    ASSERT_EQ(model_.state_of({"u1", "2001"}), connection_state::connected);
    EXPECT_EQ(refusal(run(svc::make_call::params{"2001", "2003", {}, {}})), "planned");
    EXPECT_EQ(refusal(run(svc::make_call::params{"2002", "2003", {}, {}})), "invalidDeviceState");
}

TEST_F(services_test, ADeviceMayCallAgainAsSoonAsItsDropWasAccepted) {
    // lineDrop completes when the Hangup is accepted; the next lineMakeCall may come before
    // Asterisk's Hangup event (found live: step 14 right after step 13's drop).
    talking();
    EXPECT_EQ(refusal(run(svc::make_call::params{"2001", "2003", {}, {}})), "invalidDeviceState");
    ok(run(svc::clear_connection::params{{"u1", "2001"}})).on_model(model_);
    EXPECT_EQ(model_.state_of({"u1", "2001"}), connection_state::connected);  // until Hangup
    EXPECT_EQ(refusal(run(svc::make_call::params{"2001", "2003", {}, {}})), "planned");
    EXPECT_EQ(refusal(run(svc::make_call::params{"2002", "2003", {}, {}})), "invalidDeviceState");
    ok(run(svc::clear_call::params{"u1"})).on_model(model_);
    EXPECT_EQ(refusal(run(svc::make_call::params{"2002", "2003", {}, {}})), "planned");
}

TEST_F(services_test, AnswerSendsTheConfiguredNotifyToAPhoneThatAllowsIt) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-8", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-8", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-8", "u2", "u1", 5);
    take();
    EXPECT_EQ(refusal(run(svc::answer_call::params{{"u1", "2002"}})), "serviceNotSupported");
    env_.can_answer = [](std::string_view ext) { return ext == "2002" || ext == "2003"; };
    env_.answer_endpoint = "desk-{ext}";
    const auto p = ok(run(svc::answer_call::params{{"u1", "2002"}}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  {"PJSIPNotify", {{"Endpoint", "desk-2002"}, {"Variable", "Event=talk"}}}}));
    EXPECT_EQ(refusal(run(svc::answer_call::params{{"u1", "2003"}})), "noCallToAnswer");
    EXPECT_EQ(refusal(run(svc::answer_call::params{{"u9", "2002"}})), "invalidConnectionID");
}

TEST_F(services_test, ClearConnectionTellsAnEndedCallFromADepartedDevice) {
    talking();
    const auto p = ok(run(svc::clear_connection::params{{"u1", "2002"}}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{{"Hangup", {{"Channel", "IAX2/2002-2"}, {"Cause", "16"}}}}));
    EXPECT_EQ(refusal(run(svc::clear_connection::params{{"u1", "2005"}})), "noConnectionToClear");
    EXPECT_EQ(refusal(run(svc::clear_connection::params{{"gone", "2001"}})), "invalidConnectionID");
    EXPECT_EQ(refusal(run(svc::clear_call::params{"gone"})), "invalidCallID");
    EXPECT_EQ(ok(run(svc::clear_call::params{"u1"})).actions.size(), 2u);
}

TEST_F(services_test, HoldMovesTheFarPartyToMusicAndRetrieveBridgesThemAgain) {
    talking();
    const auto h = ok(run(svc::hold_call::params{{"u1", "2001"}}));
    ASSERT_EQ(h.actions.size(), 1u);
    EXPECT_EQ(h.actions[0].name, "Redirect");
    EXPECT_EQ(h.actions[0].headers[0], (ami::header{"Channel", "IAX2/2002-2"}));
    // The Redirect's response comes first (the backend tells the model where the holder goes),
    // but the call is held only once the holder really left the bridge (Newexten filtered out).
    h.on_model(model_);
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(refusal(run(svc::retrieve_call::params{{"u1", "2001"}})), "noHeldCall");
    chan("BridgeLeave", "IAX2/2001-1", "u1", "u1", 6);
    EXPECT_EQ(take(), (lines{"2001 Held normal", "2002 Held normal"}));
    chan("BridgeLeave", "IAX2/2002-2", "u2", "u1", 6);
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(refusal(run(svc::hold_call::params{{"u1", "2001"}})), "invalidConnectionState");
    const auto r = ok(run(svc::retrieve_call::params{{"u1", "2001"}}));
    EXPECT_EQ(r.actions,
              (std::vector<ami_action>{
                  {"Bridge",
                   {{"Channel1", "IAX2/2001-1"}, {"Channel2", "IAX2/2002-2"}, {"Tone", "no"}}}}));
    chan("BridgeEnter", "IAX2/2001-1", "u1", "u1", 6, {{"BridgeUniqueid", "b2"}});
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "b2"}});
    EXPECT_EQ(take(), (lines{"2001 Retrieved normal", "2002 Retrieved normal"}));
    // The hold context's Wait reported after the Bridge (seen on Asterisk 22): stale.
    chan("Newexten", "IAX2/2001-1", "u1", "u1", 6,
         {{"Context", "ctigw-hold"}, {"Exten", "s"}, {"Application", "Wait"}});
    // Transferred later: the holder's channel leaves the bridge and runs the hold context's
    // last priority on its way out. That is no hold.
    chan("BridgeLeave", "IAX2/2001-1", "u1", "u1", 6);
    chan("Newexten", "IAX2/2001-1", "u1", "u1", 6,
         {{"Context", "ctigw-hold"}, {"Exten", "s"}, {"Application", "Hangup"}});
    EXPECT_EQ(take(), lines{});
}

TEST_F(services_test, ACallHeldAtThePhoneCannotBeRetrievedFromTapi) {
    talking();
    chan("MusicOnHoldStart", "IAX2/2002-2", "u2", "u1", 6);
    ASSERT_EQ(model_.state_of({"u1", "2001"}), connection_state::hold);
    EXPECT_EQ(refusal(run(svc::retrieve_call::params{{"u1", "2001"}})), "invalidConnectionState");
    EXPECT_EQ(refusal(run(svc::retrieve_call::params{{"u1", "2002"}})), "noHeldCall");
}

TEST_F(services_test, DeflectRedirectsTheCallerOfARingingCall) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2001"}});
    chan("Newchannel", "IAX2/2001-8", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2001-8", "u2", "IAX2/2001");
    chan("Newstate", "IAX2/2001-8", "u2", "u1", 5);
    const auto p = ok(run(svc::deflect_call::params{{"u1", "2001"}, "2004"}));
    EXPECT_EQ(p.actions, (std::vector<ami_action>{{"Redirect",
                                                   {{"Channel", "IAX2/2003-7"},
                                                    {"Context", "internal"},
                                                    {"Exten", "2004"},
                                                    {"Priority", "1"}}}}));
    EXPECT_EQ(refusal(run(svc::deflect_call::params{{"u1", "2003"}, "2004"})),
              "invalidConnectionState");
}

TEST_F(services_test, ADeflectedCallIsDivertedAndDeliveredAsRedirected) {
    chan("Newchannel", "IAX2/2005-7", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-8", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-8", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-8", "u2", "u1", 5);
    take();
    const auto p = ok(run(svc::deflect_call::params{{"u1", "2002"}, "2006"}));
    p.prepare(model_);
    // Asterisk 22: the caller leaves Dial (DialEnd CANCEL), the ringing leg hangs up, the
    // caller's channel dials the new number.
    model_.on_event(
        ami::message{{"Event", "DialEnd"}, {"Uniqueid", "u1"}, {"DialStatus", "CANCEL"}});
    hangup("IAX2/2002-8", "u2", "u1", 16);
    EXPECT_EQ(take(), (lines{"2005 Diverted redirected", "2002 Diverted redirected"}));
    chan("Newchannel", "IAX2/2006-9", "u3", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2006-9", "u3", "IAX2/2006");
    chan("Newstate", "IAX2/2006-9", "u3", "u1", 5);
    ASSERT_EQ(take(), (lines{"2005 Delivered redirected", "2006 Delivered redirected"}));
    chan("Newstate", "IAX2/2006-9", "u3", "u1", 6);
    EXPECT_EQ(take(), (lines{"2005 Established redirected", "2006 Established redirected"}));
}

TEST_F(services_test, ABlindTransferIsReportedAsTransferredAndTheCallGoesOn) {
    talking();
    const auto p = ok(run(svc::single_step_transfer::params{{"u1", "2001"}, "2003"}));
    p.prepare(model_);
    chan("Unhold", "IAX2/2001-1", "u1", "u1", 6);
    model_.on_event(ami::message{{"Event", "BlindTransfer"},
                                 {"Result", "Success"},
                                 {"TransfererUniqueid", "u1"},
                                 {"Extension", "2003"}});
    chan("BridgeLeave", "IAX2/2001-1", "u1", "u1", 6);
    hangup("IAX2/2001-1", "u1", "u1", 16);
    ASSERT_EQ(events_.size(), 2u);
    const auto t = std::get<evt::transferred>(events_[1].body);
    EXPECT_EQ(t.transferring_device, "2001");
    EXPECT_EQ(t.transferred_to_device, "2003");
    EXPECT_EQ(t.local_connection_info, connection_state::connected);  // 2002's copy
    ASSERT_EQ(t.transferred_connections.size(), 3u);
    EXPECT_FALSE(t.transferred_connections[0].new_connection);  // 2001 left
    EXPECT_EQ(t.transferred_connections[2].new_connection, (connection_id{"u1", "2003"}));
    EXPECT_EQ(take(), (lines{"2001 Transferred singleStepTransfer",
                             "2002 Transferred singleStepTransfer"}));
    // The transferee's channel dials the target in the same call.
    chan("Newchannel", "IAX2/2003-5", "u5", "u1", 0);
    dial_begin("u2", "u1", "IAX2/2003-5", "u5", "IAX2/2003");
    chan("Newstate", "IAX2/2003-5", "u5", "u1", 5);
    ASSERT_EQ(events_.size(), 2u);
    const auto d = std::get<evt::delivered>(events_[1].body);
    EXPECT_EQ(d.called_device, "2003");
    EXPECT_EQ(d.last_redirection_device, "2001");
    EXPECT_EQ(take(),
              (lines{"2002 Delivered singleStepTransfer", "2003 Delivered singleStepTransfer"}));
}

TEST_F(services_test, GroupPickupTakesTheGroupsLongestRingingCallAndNamesIt) {
    env_.pickup_groups = {{"sales", {"2002", "2003", "2004"}}, {"support", {"2005"}}};
    // 2001 -> 2003 rings first (u1), then 2006 -> 2002 (u5); 2005 rings too but is in another
    // group.
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2003"}});
    chan("Newchannel", "IAX2/2003-2", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2003-2", "u2", "IAX2/2003");
    chan("Newstate", "IAX2/2003-2", "u2", "u1", 5);
    chan("Newchannel", "IAX2/2006-5", "u5", "u5", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-6", "u6", "u5", 0);
    dial_begin("u5", "u5", "IAX2/2002-6", "u6", "IAX2/2002");
    chan("Newstate", "IAX2/2002-6", "u6", "u5", 5);
    take();
    EXPECT_EQ(refusal(run(svc::group_pickup_call::params{"2005", std::nullopt})),
              "noCallToPickUp");  // support: only 2005 itself
    EXPECT_EQ(refusal(run(svc::group_pickup_call::params{"2006", std::nullopt})),
              "invalidDeviceID");  // in no group
    EXPECT_EQ(refusal(run(svc::group_pickup_call::params{"2004", std::string("nosuch")})),
              "invalidDeviceID");
    const auto p = ok(run(svc::group_pickup_call::params{"2004", std::nullopt}));
    ASSERT_EQ(p.actions.size(), 1u);
    EXPECT_EQ(describe(p.actions[0]),
              "Action: Originate; Channel: IAX2/2004; Application: PickupChan; Data: IAX2/2003-2; "
              "Timeout: 30000; Async: true; ChannelId: ctigw-1");
    EXPECT_EQ(std::get<svc::group_pickup_call::result>(p.result).picked_call,
              (connection_id{"u1", "2004"}));
    ASSERT_TRUE(p.prepare);  // the picker's own leg is expected like a directed pickup's
    // A group named explicitly works for a picker outside it; the oldest call has gone.
    hangup("IAX2/2003-2", "u2", "u1", 16);
    const auto q = ok(run(svc::group_pickup_call::params{"2005", std::string("sales")}));
    EXPECT_EQ(std::get<svc::group_pickup_call::result>(q.result).picked_call,
              (connection_id{"u5", "2005"}));
}

TEST_F(services_test, DirectedPickupRingsThePickerIntoPickupChanAndItJoinsThePickedCall) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-8", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-8", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-8", "u2", "u1", 5);
    take();
    EXPECT_EQ(refusal(run(svc::directed_pickup_call::params{std::string("2005"), {}, "2004"})),
              "noCallToPickUp");
    const auto p = ok(run(svc::directed_pickup_call::params{std::string("2002"), {}, "2004"}));
    ASSERT_EQ(p.actions.size(), 1u);
    EXPECT_EQ(describe(p.actions[0]),
              "Action: Originate; Channel: IAX2/2004; Application: PickupChan; Data: IAX2/2002-8; "
              "Timeout: 30000; Async: true; ChannelId: ctigw-1");
    EXPECT_EQ(std::get<svc::directed_pickup_call::result>(p.result).picked_call,
              (connection_id{"u1", "2004"}));
    p.prepare(model_);
    // The picker's own leg rings and is answered: never reported (no phantom call at 2004).
    chan("Newchannel", "IAX2/2004-3", "ctigw-1", "ctigw-1", 0);
    chan("Newstate", "IAX2/2004-3", "ctigw-1", "ctigw-1", 5);
    chan("Newstate", "IAX2/2004-3", "ctigw-1", "ctigw-1", 6);
    EXPECT_EQ(take(), lines{});
    // Asterisk 22: Pickup (picker + Target*), the caller's DialEnd, the ringing leg's Hangup 26;
    // the picker's new Linkedid shows only on its later events.
    chan("Pickup", "IAX2/2004-3", "ctigw-1", "ctigw-1", 6,
         {{"TargetChannel", "IAX2/2002-8"}, {"TargetUniqueid", "u2"}, {"TargetLinkedid", "u1"}});
    EXPECT_EQ(take(), (lines{"2003 Established callPickup", "2002 Established callPickup",
                             "2004 Established callPickup"}));
    hangup("IAX2/2002-8", "u2", "u1", 26);
    EXPECT_EQ(take(),
              (lines{"2003 ConnectionCleared callPickup", "2002 ConnectionCleared callPickup",
                     "2004 ConnectionCleared callPickup"}));
    chan("BridgeEnter", "IAX2/2004-3", "ctigw-1", "u1", 6, {{"BridgeUniqueid", "b7"}});
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(model_.state_of({"u1", "2004"}), connection_state::connected);
    EXPECT_FALSE(model_.has_call("ctigw-1"));
}

TEST_F(services_test, SingleStepTransferUsesBlindTransferSoTheCallIdSurvives) {
    talking();
    const auto p = ok(run(svc::single_step_transfer::params{{"u1", "2001"}, "2003"}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  {"BlindTransfer",
                   {{"Channel", "IAX2/2001-1"}, {"Context", "internal"}, {"Exten", "2003"}}}}));
    EXPECT_EQ(std::get<svc::single_step_transfer::result>(p.result).transferred_call, "u1");
}

TEST_F(services_test, GenerateDigitsPlaysEachDigitToTheFarParty) {
    talking();
    const auto p = ok(run(svc::generate_digits::params{{"u1", "2001"}, "1#", 80u}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  {"PlayDTMF", {{"Channel", "IAX2/2002-2"}, {"Digit", "1"}, {"Duration", "80"}}},
                  {"PlayDTMF", {{"Channel", "IAX2/2002-2"}, {"Digit", "#"}, {"Duration", "80"}}}}));
    EXPECT_EQ(refusal(run(svc::generate_digits::params{{"u1", "2001"}, "1,2", {}})),
              "valueOutOfRange");
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
