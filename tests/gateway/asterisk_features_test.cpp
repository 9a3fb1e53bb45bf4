// DND, forwarding and message waiting on Asterisk: AstDB rows and device-state events in, CSTA
// events and AMI actions out.
#include <gtest/gtest.h>

#include "asterisk/features.hpp"
#include "asterisk_events.hpp"

namespace ctigw::gateway::asterisk {

namespace {

using namespace fixture;
namespace svc = protocol::svc;
using protocol::forwarding_type;

class features_test : public ::testing::Test {
  protected:
    features_test()
        : store_(feature_env{[](std::string_view d) { return d.size() == 4 && d[0] == '2'; }},
                 [this](const std::string& device, protocol::event_body body) {
                     events_.push_back({device, std::move(body)});
                 }) {}

    plan run(protocol::service_params params) {
        auto o = store_.plan_feature_service(protocol::request{"r", std::move(params)});
        if (auto* e = std::get_if<protocol::csta_error>(&o)) {
            ADD_FAILURE() << "refused: " << e->value;
            return {};
        }
        return std::get<plan>(std::move(o));
    }
    std::string refusal(protocol::service_params params) {
        auto o = store_.plan_feature_service(protocol::request{"r", std::move(params)});
        auto* e = std::get_if<protocol::csta_error>(&o);
        return e == nullptr ? "planned" : e->value;
    }
    std::vector<std::string> take() {
        std::vector<std::string> out;
        for (const auto& s : events_) out.push_back(describe(s));
        events_.clear();
        return out;
    }

    std::vector<seen> events_;
    feature_store store_;
};

TEST_F(features_test, TheStartingValuesComeFromAstDbWithoutEvents) {
    EXPECT_EQ(store_.load_actions().size(), 5u);  // 4 families, VoicemailUsersList
    store_.begin_load();
    store_.on_row(
        ami::message{{"Event", "DBGetTreeResponse"}, {"Key", "/DND/2002"}, {"Val", "YES"}}, false);
    store_.on_row(
        ami::message{{"Event", "DBGetTreeResponse"}, {"Key", "/CF/2002"}, {"Val", "2004"}}, false);
    store_.on_row(ami::message{{"Event", "DBGetTreeResponse"}, {"Key", "/CF/9999x"}, {"Val", "1"}},
                  false);
    store_.on_row(ami::message{{"Event", "DBGetTreeResponse"}, {"Key", "garbage"}}, false);
    EXPECT_EQ(take(), lines{});
    EXPECT_TRUE(store_.dnd("2002"));
    const auto fw =
        std::get<svc::get_forwarding::result>(run(svc::get_forwarding::params{"2002"}).result);
    ASSERT_EQ(fw.forwarding.size(), 3u);  // every supported type once, never forwardDND
    EXPECT_EQ(fw.forwarding[0].type, forwarding_type::immediate);
    EXPECT_TRUE(fw.forwarding[0].active);
    EXPECT_EQ(fw.forwarding[0].forward_to, "2004");
    EXPECT_FALSE(fw.forwarding[1].active);
    // A reload where the key is gone turns it off.
    store_.begin_load();
    EXPECT_FALSE(store_.dnd("2002"));
}

TEST_F(features_test, SetDoNotDisturbWritesAstDbAndTheDeviceStateAndReportsOnce) {
    auto p = run(svc::set_do_not_disturb::params{"2002", true});
    EXPECT_EQ(p.actions,
              (std::vector<ami_action>{
                  {"DBPut", {{"Family", "DND"}, {"Key", "2002"}, {"Val", "YES"}}},
                  {"Setvar", {{"Variable", "DEVICE_STATE(Custom:DND2002)"}, {"Value", "BUSY"}}}}));
    // Asterisk announces the device state before our Setvar's response arrives.
    store_.on_event(ami::message{
        {"Event", "DeviceStateChange"}, {"Device", "Custom:DND2002"}, {"State", "BUSY"}});
    p.commit();
    EXPECT_EQ(take(), lines{"2002 DoNotDisturb"});
    EXPECT_TRUE(std::get<svc::get_do_not_disturb::result>(
                    run(svc::get_do_not_disturb::params{"2002"}).result)
                    .do_not_disturb_on);
    auto off = run(svc::set_do_not_disturb::params{"2002", false});
    EXPECT_TRUE(off.actions[0].may_fail);  // DBDel of a key already gone is fine
    off.commit();
    EXPECT_EQ(take(), lines{"2002 DoNotDisturb"});
}

TEST_F(features_test, DndSetAtThePhoneIsLearnedFromTheCustomDeviceState) {
    store_.on_event(ami::message{
        {"Event", "DeviceStateChange"}, {"Device", "Custom:DND2003"}, {"State", "BUSY"}});
    EXPECT_EQ(take(), lines{"2003 DoNotDisturb"});
    EXPECT_TRUE(store_.dnd("2003"));
    const auto reads = store_.on_event(ami::message{
        {"Event", "DeviceStateChange"}, {"Device", "Custom:DND2003"}, {"State", "UNKNOWN"}});
    EXPECT_EQ(reads, (std::vector<db_read>{{"DND", "2003"}}));
    store_.on_value("DND", "2003", std::nullopt, true);
    EXPECT_EQ(take(), lines{"2003 DoNotDisturb"});
}

TEST_F(features_test, ForwardingSetAtThePhoneIsReadBackFromAstDb) {
    const auto reads = store_.on_event(ami::message{
        {"Event", "DeviceStateChange"}, {"Device", "Custom:CF2002"}, {"State", "BUSY"}});
    EXPECT_EQ(reads, (std::vector<db_read>{{"CF", "2002"}, {"CFB", "2002"}, {"CFU", "2002"}}));
    store_.on_value("CF", "2002", "2005", true);
    store_.on_value("CFB", "2002", std::nullopt, true);
    EXPECT_EQ(take(), lines{"2002 Forwarding"});
}

TEST_F(features_test, SetForwardingChecksTypeAndDestination) {
    auto p = run(svc::set_forwarding::params{"2002", forwarding_type::busy, true, "2005", {}});
    EXPECT_EQ(p.actions, (std::vector<ami_action>{
                             {"DBPut", {{"Family", "CFB"}, {"Key", "2002"}, {"Val", "2005"}}}}));
    p.commit();
    ASSERT_EQ(events_.size(), 1u);
    const auto& f = std::get<evt::forwarding>(events_[0].body);
    EXPECT_EQ(f.type, forwarding_type::busy);
    EXPECT_TRUE(f.forward_status);
    EXPECT_EQ(f.forward_to, "2005");
    EXPECT_EQ(
        refusal(svc::set_forwarding::params{"2002", forwarding_type::do_not_disturb, true, {}, {}}),
        "serviceNotSupported");
    EXPECT_EQ(
        refusal(svc::set_forwarding::params{"2002", forwarding_type::immediate, true, {}, {}}),
        "valueOutOfRange");
    EXPECT_EQ(refusal(svc::set_forwarding::params{
                  "2002", forwarding_type::immediate, true, "20\n05", {}}),
              "invalidDestination");
    EXPECT_EQ(refusal(svc::set_do_not_disturb::params{"9999", true}), "invalidDeviceID");
}

TEST_F(features_test, MessageWaitingFollowsTheVoicemailContext) {
    store_.on_event(
        ami::message{{"Event", "MessageWaiting"}, {"Mailbox", "2001@default"}, {"Waiting", "1"}});
    store_.on_event(
        ami::message{{"Event", "MessageWaiting"}, {"Mailbox", "2001@other"}, {"Waiting", "1"}});
    store_.on_event(
        ami::message{{"Event", "MessageWaiting"}, {"Mailbox", "2001@default"}, {"Waiting", "0"}});
    ASSERT_EQ(take(), (lines{"2001 MessageWaiting", "2001 MessageWaiting"}));
    // app_voicemail repeats MessageWaiting for each new message: one event per change.
    store_.on_event(
        ami::message{{"Event", "MessageWaiting"}, {"Mailbox", "2001"}, {"Waiting", "1"}});
    store_.on_event(
        ami::message{{"Event", "MessageWaiting"}, {"Mailbox", "2001"}, {"Waiting", "1"}});
    ASSERT_EQ(take(), (lines{"2001 MessageWaiting"}));
}

ami::message mailbox(std::string_view box, std::string_view context, std::string_view count) {
    return ami::message{{"Event", "VoicemailUserEntry"}, {"VMContext", context},
                        {"VoiceMailbox", box},           {"Fullname", "Phone"},
                        {"NewMessageCount", count},      {"OldMessageCount", "3"}};
}

TEST_F(features_test, EachLoadReadsTheMailboxesAndTellsWhatChangedSinceTheLastOne) {
    std::vector<bool> on;
    const auto waiting = [&] {
        lines out;
        for (const auto& s : events_) {
            const auto& m = std::get<evt::message_waiting>(s.body);
            out.push_back(m.target_device + (m.message_waiting_on ? " on" : " off"));
        }
        events_.clear();
        return out;
    };
    store_.begin_load();
    store_.on_row(mailbox("2001", "default", "2"), false);
    store_.on_row(mailbox("2002", "default", "0"), false);
    store_.on_row(mailbox("2003", "other", "5"), false);    // another context: not our station's
    store_.on_row(mailbox("9999", "default", "5"), false);  // not a station
    store_.on_row(mailbox("2004", "default", "x"), false);  // unreadable count: none
    EXPECT_EQ(waiting(), lines{});                          // nothing while loading
    store_.end_load();
    EXPECT_EQ(waiting(), lines{"2001 on"});
    // While the link was down 2001's messages were heard and 2002 got one.
    store_.begin_load();
    store_.on_row(mailbox("2001", "default", "0"), false);
    store_.on_row(mailbox("2002", "default", "1"), false);
    store_.end_load();
    EXPECT_EQ(waiting(), (lines{"2001 off", "2002 on"}));
    // Nothing changed: nothing told; without app_voicemail (no rows) every lamp goes off.
    store_.begin_load();
    store_.on_row(mailbox("2002", "default", "1"), false);
    store_.end_load();
    EXPECT_EQ(waiting(), lines{});
    store_.begin_load();
    store_.end_load();
    EXPECT_EQ(waiting(), lines{"2002 off"});
    // A load that never ended (the link dropped mid-resync) loses nothing: the next one compares
    // with what was last reported.
    store_.begin_load();
    store_.on_row(mailbox("2002", "default", "1"), false);
    store_.begin_load();
    store_.on_row(mailbox("2001", "default", "1"), false);
    store_.end_load();
    EXPECT_EQ(waiting(), lines{"2001 on"});
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
