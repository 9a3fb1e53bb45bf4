// TransferCall, ConferenceCall, ReconnectCall and AlternateCall on Asterisk: the actions planned,
// and the model staying silent while they run, then reporting one Transferred / Conferenced. The
// channel events follow the order Asterisk 22 sends them for an AMI Bridge, dual Redirect into
// ConfBridge and Hangup (docs/asterisk.md "Transfer and conference").
#include <gtest/gtest.h>

#include "asterisk_services_fixture.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace fixture;
namespace svc = protocol::svc;
using protocol::connection_id;
using protocol::connection_list_entry;

class merge_test : public services_test {
  protected:
    /// 2001 holds 2002 (call u1, held by the gateway's HoldCall) and talks with 2003 in its
    /// consultation call ctigw-1 (a MakeCall: 2001's phone rung on a second channel).
    void consulting() {
        talking();
        const auto h = ok(run(svc::hold_call::params{held_}));
        h.on_model(model_);
        chan("BridgeLeave", "IAX2/2001-1", "u1", "u1", 6);
        chan("BridgeLeave", "IAX2/2002-2", "u2", "u1", 6);
        chan("MusicOnHoldStart", "IAX2/2002-2", "u2", "u1", 6);
        model_.expect_originate("ctigw-1", "2001", "2003", std::nullopt);
        chan("Newchannel", "IAX2/2001-3", "ctigw-1", "ctigw-1", 0);
        dial_begin("", "", "IAX2/2001-3", "ctigw-1", "2001", 5);
        chan("Newstate", "IAX2/2001-3", "ctigw-1", "ctigw-1", 6);
        chan("Newchannel", "IAX2/2003-4", "u4", "ctigw-1", 0);
        dial_begin("ctigw-1", "ctigw-1", "IAX2/2003-4", "u4", "IAX2/2003");
        chan("Newstate", "IAX2/2003-4", "u4", "ctigw-1", 5);
        chan("Newstate", "IAX2/2003-4", "u4", "ctigw-1", 6);
        chan("BridgeEnter", "IAX2/2001-3", "ctigw-1", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
        chan("BridgeEnter", "IAX2/2003-4", "u4", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
        take();
        ASSERT_EQ(model_.state_of(held_), connection_state::hold);
        ASSERT_EQ(model_.state_of(active_), connection_state::connected);
        ASSERT_EQ(model_.state_of({"ctigw-1", "2003"}), connection_state::connected);
    }
    /// The local connection state of the copy of the last events that went to `device`.
    std::optional<connection_state> info_of(const std::string& device) const {
        for (const auto& s : events_) {
            if (s.device != device) continue;
            return std::visit(
                [](const auto& e) -> std::optional<connection_state> {
                    if constexpr (requires { e.local_connection_info; })
                        return e.local_connection_info;
                    return std::nullopt;
                },
                s.body);
        }
        return std::nullopt;
    }

    const connection_id held_{"u1", "2001"};
    const connection_id active_{"ctigw-1", "2001"};
};

ami_action may_fail(ami_action a) {
    a.may_fail = true;
    return a;
}

TEST_F(merge_test, TransferBridgesTheHeldAndConsultedPartiesAndHangsUpTheTransferrer) {
    consulting();
    const auto p = ok(run(svc::transfer_call::params{held_, active_}));
    EXPECT_EQ(
        p.actions,
        (std::vector<ami_action>{
            {"Bridge", {{"Channel1", "IAX2/2002-2"}, {"Channel2", "IAX2/2003-4"}, {"Tone", "no"}}},
            may_fail({"Hangup", {{"Channel", "IAX2/2001-3"}, {"Cause", "16"}}}),
            may_fail({"Hangup", {{"Channel", "IAX2/2001-1"}, {"Cause", "16"}}})}));
    const auto& r = std::get<svc::transfer_call::result>(p.result);
    EXPECT_EQ(r.transferred_call, "u1");
    EXPECT_EQ(r.connections,
              (std::vector<connection_list_entry>{
                  {connection_id{"u1", "2002"}, connection_id{"u1", "2002"}, "2002"},
                  {connection_id{"ctigw-1", "2003"}, connection_id{"u1", "2003"}, "2003"},
                  {held_, std::nullopt, "2001"}}));

    // While the actions run, the channel moves say nothing: the Bridge rewrites 2003's Linkedid
    // to the older call's, the transferrer's legs are hung up.
    p.prepare(model_);
    chan("BridgeLeave", "IAX2/2003-4", "u4", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
    chan("MusicOnHoldStop", "IAX2/2002-2", "u2", "u1", 6);
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "b3"}});
    chan("BridgeEnter", "IAX2/2003-4", "u4", "u1", 6, {{"BridgeUniqueid", "b3"}});
    chan("BridgeLeave", "IAX2/2001-3", "ctigw-1", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
    hangup("IAX2/2001-1", "u1", "u1", 16);
    EXPECT_EQ(take(), lines{});

    p.on_model(model_);
    EXPECT_EQ(events_.size(), 3u);
    EXPECT_EQ(info_of("2001"), connection_state::null);
    EXPECT_EQ(info_of("2003"), connection_state::connected);
    EXPECT_EQ(take(), (lines{"2001 Transferred transfer", "2002 Transferred transfer",
                             "2003 Transferred transfer"}));
    // The transferrer's last leg goes after the response: silently.
    hangup("IAX2/2001-3", "ctigw-1", "ctigw-1", 16);
    EXPECT_EQ(take(), lines{});
    EXPECT_FALSE(model_.has_call("ctigw-1"));
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2002", "2003"}));
    EXPECT_EQ(model_.state_of({"u1", "2003"}), connection_state::connected);

    // The transferred call goes on under the held call's ID.
    hangup("IAX2/2003-4", "u4", "u1", 16);
    EXPECT_EQ(take(), (lines{"2002 ConnectionCleared normalClearing",
                             "2003 ConnectionCleared normalClearing"}));
}

TEST_F(merge_test, ConferenceRedirectsAllThreeIntoOneRoomAndKeepsThemInTheHeldCall) {
    consulting();
    const auto p = ok(run(svc::conference_call::params{held_, active_}));
    ASSERT_EQ(p.actions.size(), 3u);
    EXPECT_EQ(p.actions[0], (ami_action{"Redirect",
                                        {{"Channel", "IAX2/2001-3"},
                                         {"Context", "ctigw-conference"},
                                         {"Exten", "u1"},
                                         {"Priority", "1"},
                                         {"ExtraChannel", "IAX2/2003-4"},
                                         {"ExtraContext", "ctigw-conference"},
                                         {"ExtraExten", "u1"},
                                         {"ExtraPriority", "1"}}}));
    EXPECT_EQ(p.actions[1], (ami_action{"Redirect",
                                        {{"Channel", "IAX2/2002-2"},
                                         {"Context", "ctigw-conference"},
                                         {"Exten", "u1"},
                                         {"Priority", "1"}}}));
    EXPECT_EQ(p.actions[2], may_fail({"Hangup", {{"Channel", "IAX2/2001-1"}, {"Cause", "16"}}}));
    const auto& r = std::get<svc::conference_call::result>(p.result);
    EXPECT_EQ(r.conference_call, held_);
    EXPECT_EQ(r.connections.size(), 3u);

    p.prepare(model_);
    chan("BridgeLeave", "IAX2/2001-3", "ctigw-1", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
    chan("BridgeLeave", "IAX2/2003-4", "u4", "ctigw-1", 6, {{"BridgeUniqueid", "b2"}});
    chan("BridgeEnter", "IAX2/2001-3", "ctigw-1", "ctigw-1", 6, {{"BridgeUniqueid", "conf"}});
    chan("BridgeEnter", "IAX2/2003-4", "u4", "ctigw-1", 6, {{"BridgeUniqueid", "conf"}});
    chan("MusicOnHoldStop", "IAX2/2002-2", "u2", "u1", 6);
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "conf"}});
    EXPECT_EQ(take(), lines{});
    p.on_model(model_);
    EXPECT_EQ(info_of("2001"), connection_state::connected);
    EXPECT_EQ(take(), (lines{"2001 Conferenced conference", "2002 Conferenced conference",
                             "2003 Conferenced conference"}));
    hangup("IAX2/2001-1", "u1", "u1", 16);  // the held leg, hung up after the response
    EXPECT_EQ(take(), lines{});
    EXPECT_FALSE(model_.has_call("ctigw-1"));
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2001", "2002", "2003"}));

    // ConfBridge never unifies Linkedids: the consultation's channels stay in the conference,
    // live and after a resync.
    chan("Newstate", "IAX2/2003-4", "u4", "ctigw-1", 6);
    EXPECT_EQ(take(), lines{});
    model_.resync({ami::message{{"Event", "CoreShowChannel"},
                                {"Channel", "IAX2/2001-3"},
                                {"ChannelState", "6"},
                                {"Uniqueid", "ctigw-1"},
                                {"Linkedid", "ctigw-1"},
                                {"BridgeId", "conf"}},
                   ami::message{{"Event", "CoreShowChannel"},
                                {"Channel", "IAX2/2002-2"},
                                {"ChannelState", "6"},
                                {"Uniqueid", "u2"},
                                {"Linkedid", "u1"},
                                {"BridgeId", "conf"}},
                   ami::message{{"Event", "CoreShowChannel"},
                                {"Channel", "IAX2/2003-4"},
                                {"ChannelState", "6"},
                                {"Uniqueid", "u4"},
                                {"Linkedid", "ctigw-1"},
                                {"BridgeId", "conf"}}});
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2001", "2002", "2003"}));
    EXPECT_FALSE(model_.has_call("ctigw-1"));

    // One leaves: the others stay in the conference (its announcer is no party).
    chan("Newchannel", "CBAnn/ctigw-u1-00000005;1", "a1", "a1", 6);
    hangup("IAX2/2001-3", "ctigw-1", "ctigw-1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing",
                             "2002 ConnectionCleared normalClearing",
                             "2003 ConnectionCleared normalClearing"}));
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2002", "2003"}));
    EXPECT_TRUE(released_.empty());
    // Down to one: ConfBridge would keep 2003 alone in the room, so the model releases it.
    hangup("IAX2/2002-2", "u2", "u1", 16);
    EXPECT_EQ(released_, std::vector<std::string>{"IAX2/2003-4"});
    take();
    hangup("IAX2/2003-4", "u4", "ctigw-1", 16);
    EXPECT_FALSE(model_.has_call("u1"));
    EXPECT_EQ(released_.size(), 1u);
}

TEST_F(merge_test, ConfiguredConferenceProfilesAreSetOnEachPartyBeforeTheRedirects) {
    consulting();
    env_.conference_user_profile = "ctigw_user";
    const auto p = ok(run(svc::conference_call::params{held_, active_}));
    ASSERT_EQ(p.actions.size(), 6u);
    EXPECT_EQ(p.actions[0], (ami_action{"Setvar",
                                        {{"Channel", "IAX2/2001-3"},
                                         {"Variable", "CTIGW_USER_PROFILE"},
                                         {"Value", "ctigw_user"}}}));
    EXPECT_EQ(p.actions[2].headers[0].value, "IAX2/2002-2");
    EXPECT_EQ(p.actions[3].name, "Redirect");
}

TEST_F(merge_test, AFailedActionReportsWhatHappenedMeanwhileAndMergesNothing) {
    consulting();
    const auto p = ok(run(svc::transfer_call::params{held_, active_}));
    p.prepare(model_);
    hangup("IAX2/2003-4", "u4", "ctigw-1", 16);  // the consulted party hung up: Bridge fails
    EXPECT_EQ(take(), lines{});
    p.unprepare(model_);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing",
                             "2003 ConnectionCleared normalClearing"}));
    EXPECT_EQ(model_.state_of(held_), connection_state::hold);
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2001", "2002"}));
}

TEST_F(merge_test, TransferAndConferenceRefuseWhatAsteriskCannotJoin) {
    consulting();
    // Not one device's two calls, the calls swapped (activeCall is not held), unknown calls.
    EXPECT_EQ(refusal(run(svc::transfer_call::params{held_, {"ctigw-1", "2003"}})),
              "invalidConnectionID");
    EXPECT_EQ(refusal(run(svc::transfer_call::params{active_, held_})), "noHeldCall");
    EXPECT_EQ(refusal(run(svc::conference_call::params{held_, {"gone", "2001"}})),
              "invalidConnectionID");
    // A consultation that still rings cannot be bridged (the consulting phone is off-hook).
    hangup("IAX2/2003-4", "u4", "ctigw-1", 16);
    chan("Newchannel", "IAX2/2004-5", "u5", "ctigw-1", 0);
    dial_begin("ctigw-1", "ctigw-1", "IAX2/2004-5", "u5", "IAX2/2004");
    chan("Newstate", "IAX2/2004-5", "u5", "ctigw-1", 5);
    EXPECT_EQ(refusal(run(svc::transfer_call::params{held_, active_})), "invalidConnectionState");
}

TEST_F(merge_test, ReconnectHangsUpTheConsultationAndBridgesTheHeldCallBack) {
    consulting();
    const auto p = ok(run(svc::reconnect_call::params{active_, held_}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  may_fail({"Hangup", {{"Channel", "IAX2/2001-3"}, {"Cause", "16"}}}),
                  {"Bridge",
                   {{"Channel1", "IAX2/2001-1"}, {"Channel2", "IAX2/2002-2"}, {"Tone", "no"}}}}));
    EXPECT_EQ(refusal(run(svc::reconnect_call::params{held_, active_})), "noHeldCall");
}

TEST_F(merge_test, AlternateHoldsTheActiveCallThenRetrievesTheHeldOne) {
    consulting();
    const auto p = ok(run(svc::alternate_call::params{active_, held_}));
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  {"Redirect",
                   {{"Channel", "IAX2/2003-4"},
                    {"Context", "ctigw-held"},
                    {"Exten", "s"},
                    {"Priority", "1"},
                    {"ExtraChannel", "IAX2/2001-3"},
                    {"ExtraContext", "ctigw-hold"},
                    {"ExtraExten", "s"},
                    {"ExtraPriority", "1"}}},
                  {"Bridge",
                   {{"Channel1", "IAX2/2001-1"}, {"Channel2", "IAX2/2002-2"}, {"Tone", "no"}}}}));
    ASSERT_TRUE(p.on_model);  // the consultation's holder now waits in the hold context
    p.on_model(model_);
    EXPECT_TRUE(model_.hold_requested(active_));
    // The other call must be held, and both must be one device's.
    EXPECT_EQ(refusal(run(svc::alternate_call::params{held_, active_})), "noHeldCall");
    EXPECT_EQ(refusal(run(svc::alternate_call::params{{"ctigw-1", "2003"}, held_})),
              "invalidConnectionID");
}

TEST(conference_room, IsTheCallIdWithEveryOtherCharacterSpelledOut) {
    EXPECT_EQ(call_model::conference_room("u1"), "u1");
    EXPECT_EQ(call_model::conference_room("pbx-1796322534.159"), "pbx78x2d1796322534x2e159");
    EXPECT_EQ(call_model::conference_room("x"), "x78");
    EXPECT_EQ(call_model::conference_room("a\r\n"), "ax0dx0a");
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
