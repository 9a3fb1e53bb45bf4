// Park and unpark on Asterisk (res_parking): the actions planned and the events the model makes
// of ParkedCall / UnParkedCall / ParkedCallTimeOut, in the order Asterisk 22 sends them
// (docs/asterisk.md "Park"; protocol.md §5.6).
#include <gtest/gtest.h>

#include "asterisk_services_fixture.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace fixture;
namespace svc = protocol::svc;
using protocol::connection_id;

class park_test : public services_test {
  protected:
    park_test() { model_.set_parking_lots({{"default", 7001, 7003}}); }

    void park_event(std::string_view event, std::string_view parkee_uid, std::string_view space,
                    std::string_view retriever_uid = {}) {
        ami::message m{{"Event", event},
                       {"ParkeeChannel", "IAX2/2002-2"},
                       {"ParkeeUniqueid", parkee_uid},
                       {"ParkeeLinkedid", "u1"},
                       {"ParkingSpace", space}};
        if (!retriever_uid.empty()) m.add("RetrieverUniqueid", std::string(retriever_uid));
        model_.on_event(m);
    }
    /// 2001 parks 2002 (call u1) on 7001 the way ParkCall does it.
    void parked() {
        talking();
        const auto p = ok(run(svc::park_call::params{{"u1", "2001"}, std::nullopt}));
        p.prepare(model_);
        chan("BridgeLeave", "IAX2/2002-2", "u2", "u1", 6);
        park_event("ParkedCall", "u2", "7001");
        chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "lot"}});
        chan("MusicOnHoldStart", "IAX2/2002-2", "u2", "u1", 6);
        hangup("IAX2/2001-1", "u1", "u1", 16);
        take();
    }
};

ami_action may_fail(ami_action a) {
    a.may_fail = true;
    return a;
}

TEST_F(park_test, ParkTakesTheFarPartyToTheLowestFreeSpaceAndTheParkerLeavesWithCausePark) {
    talking();
    const auto p = ok(run(svc::park_call::params{{"u1", "2001"}, std::nullopt}));
    EXPECT_EQ(p.actions, (std::vector<ami_action>{
                             {"Park",
                              {{"Channel", "IAX2/2002-2"},
                               {"TimeoutChannel", "IAX2/2001-1"},
                               {"Parkinglot", "default"},
                               {"ParkingSpace", "7001"}}},
                             may_fail({"Hangup", {{"Channel", "IAX2/2001-1"}, {"Cause", "16"}}})}));
    EXPECT_EQ(std::get<svc::park_call::result>(p.result).parked_to, "7001");

    p.prepare(model_);
    // Asterisk answers Park before its ParkedCall event: the space is taken already.
    EXPECT_EQ(model_.parked_call("7001"), "u1");
    EXPECT_EQ(model_.park_space(std::nullopt),
              (std::pair<std::string, std::string>{"default", "7002"}));
    chan("BridgeLeave", "IAX2/2002-2", "u2", "u1", 6);
    park_event("ParkedCall", "u2", "7001");
    ASSERT_EQ(events_.size(), 2u);
    const auto& q = std::get<evt::queued>(events_[0].body);
    EXPECT_EQ(q.queued_connection, (connection_id{"u1", "7001"}));
    EXPECT_EQ(q.last_redirection_device, "2001");
    EXPECT_EQ(take(), (lines{"2001 Queued park", "2002 Queued park"}));
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "lot"}});
    chan("MusicOnHoldStart", "IAX2/2002-2", "u2", "u1", 6);
    EXPECT_EQ(take(), lines{});  // the parked party is not "held": it waits in the lot
    hangup("IAX2/2001-1", "u1", "u1", 16);
    EXPECT_EQ(take(), (lines{"2001 ConnectionCleared park", "2002 ConnectionCleared park"}));
    EXPECT_EQ(model_.state_of({"u1", "2002"}), connection_state::connected);
    EXPECT_EQ(model_.parked_call("7001"), "u1");
}

TEST_F(park_test, TakenSpacesAreSkippedAndAFullOrMissingLotIsRefused) {
    parked();
    EXPECT_EQ(model_.park_space(std::nullopt),
              (std::pair<std::string, std::string>{"default", "7002"}));
    EXPECT_EQ(model_.park_space(std::string("7001")), std::nullopt);
    EXPECT_EQ(model_.park_space(std::string("7004")), std::nullopt);
    // 2003 talks with 2004 and wants 7001, which 2002 occupies.
    chan("Newchannel", "IAX2/2003-3", "u3", "u3", 4, {{"Exten", "2004"}});
    chan("Newchannel", "IAX2/2004-4", "u4", "u3", 0);
    dial_begin("u3", "u3", "IAX2/2004-4", "u4", "IAX2/2004");
    chan("Newstate", "IAX2/2004-4", "u4", "u3", 6);
    chan("Newstate", "IAX2/2003-3", "u3", "u3", 6);
    EXPECT_EQ(refusal(run(svc::park_call::params{{"u3", "2003"}, std::string("7001")})),
              "resourceBusy");
    model_.set_parking_lots({});
    EXPECT_EQ(refusal(run(svc::park_call::params{{"u3", "2003"}, std::nullopt})),
              "serviceNotSupported");
}

TEST_F(park_test, UnparkRingsTheRetrieverIntoTheSpaceAndItJoinsTheParkedCall) {
    parked();
    const auto p =
        ok(run(svc::directed_pickup_call::params{std::string("7001"), std::nullopt, "2003"}));
    ASSERT_EQ(p.actions.size(), 1u);
    EXPECT_EQ(p.actions[0], (ami_action{"Originate",
                                        {{"Channel", "IAX2/2003"},
                                         {"Context", "internal"},
                                         {"Exten", "7001"},
                                         {"Priority", "1"},
                                         {"Timeout", "30000"},
                                         {"Async", "true"},
                                         {"ChannelId", "ctigw-1"}}}));
    EXPECT_EQ(std::get<svc::directed_pickup_call::result>(p.result).picked_call,
              (connection_id{"u1", "2003"}));
    p.prepare(model_);
    // The retriever's phone rings first: its own leg is never reported.
    chan("Newchannel", "IAX2/2003-5", "ctigw-1", "ctigw-1", 0);
    chan("Newstate", "IAX2/2003-5", "ctigw-1", "ctigw-1", 5);
    chan("Newstate", "IAX2/2003-5", "ctigw-1", "ctigw-1", 6);
    EXPECT_EQ(take(), lines{});
    chan("MusicOnHoldStop", "IAX2/2002-2", "u2", "u1", 6);
    park_event("UnParkedCall", "u2", "7001", "ctigw-1");
    EXPECT_EQ(take(), (lines{"2002 Established park", "2003 Established park"}));
    chan("BridgeEnter", "IAX2/2003-5", "ctigw-1", "u1", 6, {{"BridgeUniqueid", "b9"}});
    chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "b9"}});
    EXPECT_EQ(take(), lines{});
    EXPECT_FALSE(model_.parked_call("7001"));
    EXPECT_FALSE(model_.has_call("ctigw-1"));
}

TEST_F(park_test, AParkNobodyRetrievesRingsTheParkerAgainAsARecall) {
    parked();
    park_event("ParkedCallTimeOut", "u2", "7001");
    chan("Newchannel", "IAX2/2001-7", "u7", "u1", 0);
    dial_begin("u2", "u1", "IAX2/2001-7", "u7", "IAX2/2001");
    chan("Newstate", "IAX2/2001-7", "u7", "u1", 5);
    EXPECT_EQ(take(), (lines{"2002 Delivered recall", "2001 Delivered recall"}));
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
