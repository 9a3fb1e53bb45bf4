// call_model against AMI event sequences in the order a real Asterisk 22 sends them (the
// orders, fields and quirks come from the recorded traffic described in docs/asterisk.md; the
// sequences are written here, trimmed to the fields the model reads).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asterisk_events.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace fixture;

TEST_F(model_test, MakeCallRingsTheCallerFirstAndNeverReportsItsAnswerAsEstablished) {
    model_.expect_originate("ctigw-call-1", "2001", "2002", std::nullopt);
    chan("Newchannel", "IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 0);
    EXPECT_EQ(take(), lines{});
    chan("Newstate", "IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 5);
    dial_begin("", "", "IAX2/2001-11293", "ctigw-call-1", "2001", 5);
    EXPECT_EQ(take(), lines{"2001 Delivered makeCall"});
    chan("Newstate", "IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 6);
    EXPECT_EQ(take(), lines{"2001 Originated makeCall"});
    chan("Newchannel", "IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 0);
    dial_begin("ctigw-call-1", "ctigw-call-1", "IAX2/2002-5", "pbx-1.8", "IAX2/2002");
    chan("Newstate", "IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 5);
    EXPECT_EQ(take(), (lines{"2001 Delivered normal", "2002 Delivered normal"}));
    chan("Newstate", "IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 6);
    EXPECT_EQ(take(), (lines{"2001 Established normal", "2002 Established normal"}));
    EXPECT_EQ(model_.state_of({"ctigw-call-1", "2001"}), connection_state::connected);
    EXPECT_EQ(model_.devices_in_call("ctigw-call-1"), (std::vector<std::string>{"2001", "2002"}));

    chan("BridgeEnter", "IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 6,
         {{"BridgeUniqueid", "b1"}});
    chan("BridgeEnter", "IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 6, {{"BridgeUniqueid", "b1"}});
    EXPECT_EQ(take(), lines{});
    hangup("IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing",
                             "2002 ConnectionCleared normalClearing"}));
    hangup("IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 16);
    EXPECT_EQ(take(),
              (lines{"2001 ConnectionCleared normalClearing", "2001 CallCleared normalClearing"}));
    EXPECT_FALSE(model_.has_call("ctigw-call-1"));
}

TEST_F(model_test, AnIncomingCallIsDeliveredWithTheCallersExtensionNotTheCalleesCallerIdS) {
    chan("Newchannel", "IAX2/2003-7", "pbx-1.10", "pbx-1.10", 4,
         {{"Exten", "2001"}, {"CallerIDNum", "2003"}});
    EXPECT_EQ(take(), lines{"2003 ServiceInitiated newCall"});
    // The callee channel's CallerIDNum is "s" (app_dial inside a Gosub): the model ignores it.
    chan("Newchannel", "IAX2/2001-8", "pbx-1.11", "pbx-1.10", 0, {{"CallerIDNum", "s"}});
    dial_begin("pbx-1.10", "pbx-1.10", "IAX2/2001-8", "pbx-1.11", "IAX2/2001");
    EXPECT_EQ(take(), lines{"2003 Originated normal"});
    chan("Newstate", "IAX2/2001-8", "pbx-1.11", "pbx-1.10", 5);
    ASSERT_EQ(events_.size(), 2u);
    const auto& d = std::get<evt::delivered>(events_[1].body);
    EXPECT_EQ(d.calling_device, "2003");
    EXPECT_EQ(d.called_device, "2001");
    EXPECT_EQ(d.connection, (protocol::connection_id{"pbx-1.10", "2001"}));
    take();
    chan("Newstate", "IAX2/2001-8", "pbx-1.11", "pbx-1.10", 6);
    chan("Newstate", "IAX2/2003-7", "pbx-1.10", "pbx-1.10", 6);
    EXPECT_EQ(take(), (lines{"2003 Established normal", "2001 Established normal"}));
    const auto snap = model_.snapshot_device("2001");
    ASSERT_EQ(snap.size(), 1u);
    EXPECT_EQ(snap[0].state, connection_state::connected);
    EXPECT_EQ(snap[0].calling_device, "2003");
}

// Issue 12: an outside caller's CallerIDName goes with its number as callingName, when it names
// someone: not Asterisk's "<unknown>", not the number again.
TEST_F(model_test, AnOutsideCallersNameIsDeliveredWithItsNumber) {
    const auto delivered_name = [this](std::string_view name, std::string_view n) {
        events_.clear();
        const std::string uid = "pbx-2." + std::string(n);
        chan("Newchannel", "PJSIP/trunk-" + std::string(n), uid, uid, 4,
             {{"Exten", "2001"}, {"CallerIDNum", "0145678901"}, {"CallerIDName", name}});
        const std::string callee = "IAX2/2001-" + std::string(n);
        const std::string callee_uid = uid + "b";
        chan("Newchannel", callee, callee_uid, uid, 0, {{"CallerIDNum", "s"}});
        dial_begin(uid, uid, callee, callee_uid, "IAX2/2001");
        chan("Newstate", callee, callee_uid, uid, 5);
        for (const auto& e : events_) {
            if (const auto* d = std::get_if<evt::delivered>(&e.body)) {
                EXPECT_EQ(d->calling_device, "0145678901");
                return d->calling_name;
            }
        }
        ADD_FAILURE() << "no Delivered";
        return std::optional<std::string>();
    };
    EXPECT_EQ(delivered_name("Agence Dupont", "1"), "Agence Dupont");
    EXPECT_EQ(delivered_name("<unknown>", "2"), std::nullopt);
    EXPECT_EQ(delivered_name("0145678901", "3"), std::nullopt);
    // An ISDN trunk's Latin-1 "Müller" and a name with a line break: valid UTF-8, one line (the
    // encoder refused the whole event with the raw bytes).
    EXPECT_EQ(delivered_name("M\xFCller", "4"), "M\xC3\xBCller");
    EXPECT_EQ(delivered_name("Agence\r\nDupont", "5"), "Agence  Dupont");
}

TEST_F(model_test, ACallToABusyExtensionFailsTheCallerWithBusy) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2002"}, {"CallerIDNum", "2003"}});
    chan("Newchannel", "IAX2/2002-9", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-9", "u2", "IAX2/2002");
    take();
    model_.on_event(ami::message{{"Event", "DialEnd"}, {"Uniqueid", "u1"}, {"DialStatus", "BUSY"}});
    hangup("IAX2/2002-9", "u2", "u1", 17);
    EXPECT_EQ(take(), lines{});  // the callee never rang: no connection to clear
    chan("Newstate", "IAX2/2003-7", "u1", "u1", 7);
    ASSERT_EQ(take(), lines{"2003 Failed busy"});
    hangup("IAX2/2003-7", "u1", "u1", 17);
    EXPECT_EQ(take(), (lines{"2003 ConnectionCleared busy", "2003 CallCleared busy"}));
}

TEST_F(model_test, AnAbandonedCallClearsTheRingingPartyWithCallCancelled) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2002"}, {"CallerIDNum", "2003"}});
    chan("Newchannel", "IAX2/2002-9", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-9", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-9", "u2", "u1", 5);
    take();
    hangup("IAX2/2003-7", "u1", "u1", 16);
    hangup("IAX2/2002-9", "u2", "u1", 16);
    EXPECT_EQ(
        take(),
        (lines{"2003 ConnectionCleared normalClearing", "2002 ConnectionCleared normalClearing",
               "2002 ConnectionCleared callCancelled", "2002 CallCleared callCancelled"}));
}

TEST_F(model_test, APickerJoinsTheRingingCallWhenItsLinkedidChanges) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2002"}, {"CallerIDNum", "2003"}});
    chan("Newchannel", "IAX2/2002-9", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-9", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-9", "u2", "u1", 5);
    // 2004 is originated into PickupChan: its own call first, rung, answered.
    model_.expect_originate("ctigw-pickup-1", "2004", "2002", std::nullopt);
    chan("Newchannel", "IAX2/2004-3", "ctigw-pickup-1", "ctigw-pickup-1", 0);
    chan("Newstate", "IAX2/2004-3", "ctigw-pickup-1", "ctigw-pickup-1", 5);
    chan("Newstate", "IAX2/2004-3", "ctigw-pickup-1", "ctigw-pickup-1", 6);
    take();
    chan("Pickup", "IAX2/2004-3", "ctigw-pickup-1", "ctigw-pickup-1", 6);
    hangup("IAX2/2002-9", "u2", "u1", 26);
    EXPECT_EQ(take(),
              (lines{"2003 ConnectionCleared callPickup", "2002 ConnectionCleared callPickup"}));
    // The next event of the picker carries the ringing call's Linkedid.
    chan("BridgeEnter", "IAX2/2004-3", "ctigw-pickup-1", "u1", 6, {{"BridgeUniqueid", "b7"}});
    EXPECT_EQ(take(),
              (lines{"2004 ConnectionCleared normalClearing", "2004 CallCleared normalClearing",
                     "2003 Established callPickup", "2004 Established callPickup"}));
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2003", "2004"}));
    EXPECT_FALSE(model_.has_call("ctigw-pickup-1"));
}

TEST_F(model_test, TwoDevicesOfOneExtensionShowAsOneConnection) {
    chan("Newchannel", "IAX2/2003-7", "u1", "u1", 4, {{"Exten", "2001"}, {"CallerIDNum", "2003"}});
    chan("Newchannel", "IAX2/2001-a", "u2", "u1", 5);
    chan("Newchannel", "IAX2/2001-b", "u3", "u1", 5);
    take();
    chan("Newstate", "IAX2/2001-b", "u3", "u1", 6);
    hangup("IAX2/2001-a", "u2", "u1", 26);
    EXPECT_EQ(take(), (lines{"2003 Established normal", "2001 Established normal"}));
    EXPECT_EQ(model_.channels_of({"u1", "2001"}), std::vector<std::string>{"IAX2/2001-b"});
}

TEST_F(model_test, MusicOnHoldToTheFarPartyMeansTheStationHolds) {
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-2", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-2", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-2", "u2", "u1", 6);
    chan("Newstate", "IAX2/2001-1", "u1", "u1", 6);
    chan("BridgeEnter", "IAX2/2001-1", "u1", "u1", 6, {{"BridgeUniqueid", "b1"}});
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "b1"}});
    take();
    chan("MusicOnHoldStart", "IAX2/2002-2", "u2", "u1", 6);  // 2001 pressed hold
    EXPECT_EQ(take(), (lines{"2001 Held normal", "2002 Held normal"}));
    EXPECT_EQ(model_.state_of({"u1", "2001"}), connection_state::hold);
    EXPECT_EQ(model_.state_of({"u1", "2002"}), connection_state::connected);
    chan("MusicOnHoldStop", "IAX2/2002-2", "u2", "u1", 6);
    EXPECT_EQ(take(), (lines{"2001 Retrieved normal", "2002 Retrieved normal"}));
}

TEST_F(model_test, DigitsFromAPhoneGoToEveryPartyOnTheSendersConnection) {
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2002-2", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2002-2", "u2", "IAX2/2002");
    chan("Newstate", "IAX2/2002-2", "u2", "u1", 6);
    take();
    chan("DTMFEnd", "IAX2/2001-1", "u1", "u1", 6, {{"Digit", "5"}, {"Direction", "Received"}});
    chan("DTMFEnd", "IAX2/2002-2", "u2", "u1", 6, {{"Digit", "5"}, {"Direction", "Sent"}});
    ASSERT_EQ(take(), (lines{"2001 DigitsDetected normal", "2002 DigitsDetected normal"}));
}

// A Blind transfer as Asterisk 22 reports it: the transferer leaves, the transferee stays
// connected and dials the target on the same Linkedid. Each copy of an event carries its
// recipient's own state (the transferee must not read its own release in the transferer's).
TEST_F(model_test, EachCopyOfAnEventCarriesItsRecipientsOwnState) {
    chan("Newchannel", "IAX2/2003-1", "u1", "u1", 4, {{"Exten", "2001"}});
    chan("Newchannel", "IAX2/2001-2", "u2", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2001-2", "u2", "IAX2/2001");
    chan("Newstate", "IAX2/2001-2", "u2", "u1", 6);
    chan("Newstate", "IAX2/2003-1", "u1", "u1", 6);
    take();
    chan("Unhold", "IAX2/2001-2", "u2", "u1", 6);
    model_.on_event(ami::message{{"Event", "BlindTransfer"}, {"Result", "Success"}});
    hangup("IAX2/2001-2", "u2", "u1", 16);
    ASSERT_EQ(events_.size(), 2u);
    EXPECT_EQ(events_[0].device, "2003");
    EXPECT_EQ(std::get<evt::connection_cleared>(events_[0].body).local_connection_info,
              connection_state::connected);
    EXPECT_EQ(std::get<evt::connection_cleared>(events_[1].body).local_connection_info,
              connection_state::null);
    take();
    chan("Newchannel", "IAX2/2004-3", "u3", "u1", 0);
    dial_begin("u1", "u1", "IAX2/2004-3", "u3", "IAX2/2004");
    chan("Newstate", "IAX2/2004-3", "u3", "u1", 5);
    EXPECT_EQ(take(), (lines{"2003 Delivered normal", "2004 Delivered normal"}));
    EXPECT_EQ(model_.devices_in_call("u1"), (std::vector<std::string>{"2003", "2004"}));
}

TEST_F(model_test, ACallAnsweredByTheDialplanIsEstablishedByTheDialledNumber) {
    chan("Newchannel", "IAX2/2005-1", "u1", "u1", 4, {{"Exten", "*2001"}});
    EXPECT_EQ(take(), lines{"2005 ServiceInitiated newCall"});
    chan("Newstate", "IAX2/2005-1", "u1", "u1", 6);  // VoiceMail() answers
    ASSERT_EQ(events_.size(), 2u);
    EXPECT_EQ(std::get<evt::established>(events_[1].body).answering_device, "*2001");
    EXPECT_EQ(take(), (lines{"2005 Originated normal", "2005 Established normal"}));
}

TEST_F(model_test, AResyncKeepsSurvivingCallIdsSilentlyAndForgetsVanishedCalls) {
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2004-1", "u9", "u9", 4, {{"Exten", "2005"}});
    take();
    model_.resync({ami::message{{"Event", "CoreShowChannel"},
                                {"Channel", "IAX2/2001-1"},
                                {"Uniqueid", "u1"},
                                {"Linkedid", "u1"},
                                {"ChannelState", "6"},
                                {"Application", "Dial"},
                                {"BridgeId", "b1"}},
                   ami::message{{"Event", "CoreShowChannel"},
                                {"Channel", "IAX2/2002-2"},
                                {"Uniqueid", "u2"},
                                {"Linkedid", "u1"},
                                {"ChannelState", "6"},
                                {"Application", "AppDial"},
                                {"BridgeId", "b1"}}});
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(model_.state_of({"u1", "2001"}), connection_state::connected);
    EXPECT_EQ(model_.state_of({"u1", "2002"}), connection_state::connected);
    EXPECT_FALSE(model_.has_call("u9"));
    hangup("IAX2/2002-2", "u2", "u1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing",
                             "2002 ConnectionCleared normalClearing"}));
}

TEST_F(model_test, LocalChannelHalvesAreNeverParties) {
    model_.expect_originate("ctigw-call-2", "2001", "2002", std::nullopt);
    chan("Newchannel", "Local/2001@internal-00000001;1", "ctigw-call-2", "ctigw-call-2", 0);
    chan("Newchannel", "Local/2001@internal-00000001;2", "ctigw-call-2b", "ctigw-call-2", 0);
    chan("Newchannel", "IAX2/2001-4", "pbx-1.20", "ctigw-call-2", 0);
    dial_begin("ctigw-call-2b", "ctigw-call-2", "IAX2/2001-4", "pbx-1.20", "IAX2/2001");
    chan("Newstate", "IAX2/2001-4", "pbx-1.20", "ctigw-call-2", 5);
    EXPECT_EQ(take(), lines{"2001 Delivered makeCall"});
    EXPECT_EQ(model_.devices_in_call("ctigw-call-2"), std::vector<std::string>{"2001"});
}

TEST_F(model_test, EventsWithMissingOrUnknownFieldsChangeNothing) {
    model_.on_event(ami::message{{"Event", "Newchannel"}});
    model_.on_event(ami::message{{"Event", "Hangup"}, {"Uniqueid", "nope"}});
    model_.on_event(ami::message{{"Event", "DialBegin"}, {"DestUniqueid", "nope"}});
    model_.on_event(ami::message{{"Event", "Newstate"}, {"Uniqueid", "x"}, {"ChannelState", "99"}});
    model_.on_event(ami::message{{"Event", "SomethingNew"}, {"Uniqueid", "x"}});
    model_.on_event(ami::message{});
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(model_.call_count(), 0u);
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
