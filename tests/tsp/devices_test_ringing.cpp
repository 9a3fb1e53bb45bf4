// Phones ring while a call alerts at their device (issue 12 #7): PHONESTATE_RINGMODE 1 when a call
// is offered to the extension, 0 once no call alerts there; the switch's own ringer (phoneSetRing,
// RingerStatusChanged) still counts.
#include <gtest/gtest.h>

#include "calls/calls.hpp"
#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {
namespace {

constexpr LONG ok = 0;
namespace ev = protocol::evt;

ev::delivered offered(const std::string& call_id) {
    ev::delivered d;
    d.connection = {call_id, "2001"};
    d.alerting_device = "2001";
    d.calling_device = "2002";
    d.called_device = "2001";
    return d;
}

ev::established answered(const std::string& call_id) {
    ev::established e;
    e.established_connection = {call_id, "2001"};
    e.answering_device = "2001";
    e.calling_device = "2002";
    e.called_device = "2001";
    return e;
}

ev::ringer_status_changed ringer(protocol::ringer_mode mode) {
    return ev::ringer_status_changed{{}, "2001", mode, std::nullopt};
}

class PhoneRinging : public devices_fixture {
  protected:
    HDRVPHONE ph = nullptr;
    void SetUp() override {
        devices_fixture::SetUp();
        start();
        go_live();
        ph = open_phone(0);  // 2001; its line stays closed: the phone rings all the same
        answer_all_queries();
        ASSERT_EQ(devices::phone_set_status_messages(st(), ph, PHONESTATE_RINGMODE, 0, 0), ok);
    }
    std::vector<DWORD_PTR> ring_modes() {
        std::vector<DWORD_PTR> out;
        for (const auto& m : phone_msgs(PHONE_STATE)) {
            if (m.p1 == PHONESTATE_RINGMODE) out.push_back(m.p2);
        }
        return out;
    }
    DWORD ring_now() {
        DWORD mode = 99, volume = 0;
        EXPECT_EQ(devices::phone_get_ring(st(), ph, &mode, &volume), ok);
        return mode;
    }
};

TEST_F(PhoneRinging, AnOfferedCallRingsThePhoneUntilItIsAnswered) {
    link->push_event("2001", event_of(offered("C1")));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1}));
    EXPECT_EQ(ring_now(), 1u);
    link->push_event("2001", event_of(answered("C1")));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1, 0}));
    EXPECT_EQ(ring_now(), 0u);
}

TEST_F(PhoneRinging, RingsWhileAnyCallAlertsAndStopsWhenTheLastIsGone) {
    link->push_event("2001", event_of(offered("C1")));
    link->push_event("2001", event_of(offered("C2")));
    ev::connection_cleared gone;
    gone.dropped_connection = {"C1", "2001"};
    gone.releasing_device = "2002";
    link->push_event("2001", event_of(gone));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1}));  // C2 still alerts
    link->push_event("2001", event_of(ev::call_cleared{{}, "C2"}));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1, 0}));
    EXPECT_EQ(ring_now(), 0u);
}

TEST_F(PhoneRinging, TheSwitchRingerAndAnAlertingCallAreOneRingMode) {
    link->push_event("2001", event_of(ringer(protocol::ringer_mode::ringing)));
    link->push_event("2001", event_of(offered("C1")));
    // the switch stops its ringer while the call still alerts: the phone still rings
    link->push_event("2001", event_of(ringer(protocol::ringer_mode::not_ringing)));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1}));
    EXPECT_EQ(ring_now(), 1u);
    link->push_event("2001", event_of(answered("C1")));
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1, 0}));
}

TEST_F(PhoneRinging, ClosingAnOfferedCallStopsTheRinging) {
    open_line(0);  // 2001: TAPI gets a handle for the offered call
    answer_all_queries();
    link->push_event("2001", event_of(offered("C1")));
    ASSERT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1}));
    const auto& offered_calls = st()->line_by_extension_.at("2001")->calls;
    ASSERT_EQ(offered_calls.size(), 1u);
    // TAPI lets go of the call while it still alerts: the TSP forgets it, nothing else would
    // ever end the ring.
    ASSERT_EQ(calls::close_call(st(), offered_calls.front()->hd()), ok);
    EXPECT_EQ(ring_modes(), (std::vector<DWORD_PTR>{1, 0}));
    EXPECT_EQ(ring_now(), 0u);
}

TEST_F(PhoneRinging, OnlyTheSelectedStateIsSentAndGetRingAlwaysAnswers) {
    ASSERT_EQ(devices::phone_set_status_messages(st(), ph, PHONESTATE_LAMP, 0, 0), ok);
    link->push_event("2001", event_of(offered("C1")));
    EXPECT_TRUE(ring_modes().empty());
    EXPECT_EQ(ring_now(), 1u);
}

}  // namespace
}  // namespace ctigw::tsp::testing
