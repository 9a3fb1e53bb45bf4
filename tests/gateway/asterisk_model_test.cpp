// call_model against AMI event sequences in the order a real Asterisk 22 sends them (the
// orders, fields and quirks come from the recorded traffic described in docs/asterisk.md; the
// sequences are written here, trimmed to the fields the model reads).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asterisk/call_model.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using protocol::connection_state;
using protocol::event_cause;
namespace evt = protocol::evt;

struct seen {
    std::string device;
    protocol::event_body body;
};

/// "Event(device:call/conn-device state cause)" lines make failures readable.
std::string describe(const seen& s) {
    std::string out = s.device + " " + std::string(protocol::event_name(s.body));
    std::visit(
        [&](const auto& e) {
            if constexpr (requires { e.cause; }) {
                if (e.cause) out += " " + std::string(protocol::to_string(*e.cause));
            }
        },
        s.body);
    return out;
}

int q850_cause(int q850, bool answered) {
    switch (q850) {
        case 17: return static_cast<int>(event_cause::busy);
        case 26: return static_cast<int>(event_cause::call_pickup);
        default:
            return static_cast<int>(answered ? event_cause::normal_clearing
                                             : event_cause::call_cancelled);
    }
}

class model_test : public ::testing::Test {
  protected:
    model_test()
        : model_(
              model_hooks{
                  [](std::string_view ch) -> std::optional<std::string> {
                      // IAX2/2001-123 → 2001 for stations 2001-2009.
                      auto slash = ch.find('/');
                      auto dash = ch.rfind('-');
                      if (ch.substr(0, 5) != "IAX2/" || dash == std::string_view::npos) return std::nullopt;
                      auto ext = ch.substr(slash + 1, dash - slash - 1);
                      if (ext.size() != 4 || ext.substr(0, 3) != "200") return std::nullopt;
                      return std::string(ext);
                  },
                  [](int q, bool answered) { return static_cast<event_cause>(q850_cause(q, answered)); },
                  {"ctigw-hold"}},
              [this](const std::string& device, protocol::event_body body) {
                  events_.push_back({device, std::move(body)});
              }) {}

    /// A channel event: Channel, Uniqueid, Linkedid and ChannelState, plus `extra`.
    void chan(std::string_view event, std::string_view channel, std::string_view uniqueid,
              std::string_view linkedid, int state,
              std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) {
        ami::message m{{"Event", event}, {"Channel", channel}, {"ChannelState", std::to_string(state)},
                       {"Uniqueid", uniqueid}, {"Linkedid", linkedid}};
        for (const auto& [k, v] : extra) m.add(std::string(k), std::string(v));
        model_.on_event(m);
    }
    void dial_begin(std::string_view src_uid, std::string_view src_linked, std::string_view dest,
                    std::string_view dest_uid, std::string_view dial_string, int dest_state = 0) {
        ami::message m{{"Event", "DialBegin"}, {"DestChannel", dest}, {"DestUniqueid", dest_uid},
                       {"DestChannelState", std::to_string(dest_state)}, {"DialString", dial_string}};
        if (!src_uid.empty()) {
            m.add("Uniqueid", std::string(src_uid));
            m.add("Linkedid", std::string(src_linked));
        }
        model_.on_event(m);
    }
    void hangup(std::string_view channel, std::string_view uid, std::string_view linked, int cause) {
        chan("Hangup", channel, uid, linked, 6, {{"Cause", std::to_string(cause)}});
    }
    std::vector<std::string> take() {
        std::vector<std::string> out;
        for (const auto& s : events_) out.push_back(describe(s));
        events_.clear();
        return out;
    }

    std::vector<seen> events_;
    call_model model_;
};

using lines = std::vector<std::string>;

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

    chan("BridgeEnter", "IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 6, {{"BridgeUniqueid", "b1"}});
    chan("BridgeEnter", "IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 6, {{"BridgeUniqueid", "b1"}});
    EXPECT_EQ(take(), lines{});
    hangup("IAX2/2002-5", "pbx-1.8", "ctigw-call-1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing", "2002 ConnectionCleared normalClearing"}));
    hangup("IAX2/2001-11293", "ctigw-call-1", "ctigw-call-1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing", "2001 CallCleared normalClearing"}));
    EXPECT_FALSE(model_.has_call("ctigw-call-1"));
}

TEST_F(model_test, AnIncomingCallIsDeliveredWithTheCallersExtensionNotTheCalleesCallerIdS) {
    chan("Newchannel", "IAX2/2003-7", "pbx-1.10", "pbx-1.10", 4, {{"Exten", "2001"}, {"CallerIDNum", "2003"}});
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
    EXPECT_EQ(take(), (lines{"2003 ConnectionCleared normalClearing",
                             "2002 ConnectionCleared normalClearing",
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
    EXPECT_EQ(take(), (lines{"2003 ConnectionCleared callPickup", "2002 ConnectionCleared callPickup"}));
    // The next event of the picker carries the ringing call's Linkedid.
    chan("BridgeEnter", "IAX2/2004-3", "ctigw-pickup-1", "u1", 6, {{"BridgeUniqueid", "b7"}});
    EXPECT_EQ(take(), (lines{"2004 ConnectionCleared normalClearing", "2004 CallCleared normalClearing",
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

TEST_F(model_test, DigitsFromAPhoneAreDetectedOnItsOwnConnection) {
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
    take();
    chan("DTMFEnd", "IAX2/2001-1", "u1", "u1", 6, {{"Digit", "5"}, {"Direction", "Received"}});
    chan("DTMFEnd", "IAX2/2001-1", "u1", "u1", 6, {{"Digit", "6"}, {"Direction", "Sent"}});
    ASSERT_EQ(take(), lines{"2001 DigitsDetected"});
}

TEST_F(model_test, AResyncKeepsSurvivingCallIdsSilentlyAndForgetsVanishedCalls) {
    chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
    chan("Newchannel", "IAX2/2004-1", "u9", "u9", 4, {{"Exten", "2005"}});
    take();
    model_.resync({ami::message{{"Event", "CoreShowChannel"}, {"Channel", "IAX2/2001-1"},
                                {"Uniqueid", "u1"}, {"Linkedid", "u1"}, {"ChannelState", "6"},
                                {"Application", "Dial"}, {"BridgeId", "b1"}},
                   ami::message{{"Event", "CoreShowChannel"}, {"Channel", "IAX2/2002-2"},
                                {"Uniqueid", "u2"}, {"Linkedid", "u1"}, {"ChannelState", "6"},
                                {"Application", "AppDial"}, {"BridgeId", "b1"}}});
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(model_.state_of({"u1", "2001"}), connection_state::connected);
    EXPECT_EQ(model_.state_of({"u1", "2002"}), connection_state::connected);
    EXPECT_FALSE(model_.has_call("u9"));
    hangup("IAX2/2002-2", "u2", "u1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared normalClearing", "2002 ConnectionCleared normalClearing"}));
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
