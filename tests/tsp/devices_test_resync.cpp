// A resync on the same connection after lost messages (sequence gap, messagesLost): the switch
// works, so devices stay in service (no flap every application sees) and only what changed is
// corrected (issue 12 #13).
#include <gtest/gtest.h>

#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {
namespace {

constexpr LONG ok = 0;

class DevicesResync : public devices_fixture {
  protected:
    std::vector<pbx_link::device_truth> empty_truths() const {
        std::vector<pbx_link::device_truth> truths;
        for (const auto& d : link_settings.devices)
            truths.push_back({d, {}, std::nullopt, std::nullopt});
        return truths;
    }
};

TEST_F(DevicesResync, LostMessagesKeepDevicesInServiceAndRereadTheirStatus) {
    start();
    const HDRVLINE hd = open_line(0);
    ASSERT_EQ(
        devices::line_set_status_messages(
            st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, LINEADDRESSSTATE_FORWARD),
        ok);
    const HDRVPHONE ph = open_phone(0);
    ASSERT_EQ(
        devices::phone_set_status_messages(st(), ph, PHONESTATE_SUSPEND | PHONESTATE_RESUME, 0, 0),
        ok);
    go_live();
    answer_all_queries();
    const auto line_states = line_msgs(LINE_LINEDEVSTATE).size();
    const auto phone_states = phone_msgs(PHONE_STATE).size();
    ASSERT_EQ(line_states, 1u);   // INSERVICE
    ASSERT_EQ(phone_states, 1u);  // RESUME

    link->resync_after_lost_messages(empty_truths());
    drain();
    // No OUTOFSERVICE/INSERVICE (or SUSPEND/RESUME) pair: the devices never left service.
    EXPECT_EQ(line_msgs(LINE_LINEDEVSTATE).size(), line_states);
    EXPECT_EQ(phone_msgs(PHONE_STATE).size(), phone_states);
    // The status is read again (a Forwarding event may have been lost with the gap) and what
    // changed is reported.
    ASSERT_FALSE(link->pending().empty());
    bool forwarding_read = false;
    while (!link->pending().empty()) {
        const auto& params = link->pending().front().params;
        if (std::holds_alternative<protocol::svc::get_forwarding::params>(params)) {
            forwarding_read = true;
            protocol::svc::get_forwarding::result r;
            r.forwarding.push_back(
                {protocol::forwarding_type::immediate, true, "2002", std::nullopt});
            link->complete_next(result_of<protocol::svc::get_forwarding>(r));
        } else {
            std::visit([this](const auto& prm) { answer_default(prm); }, params);
        }
    }
    drain();
    EXPECT_TRUE(forwarding_read);
    const auto forward = line_msgs(LINE_ADDRESSSTATE);
    ASSERT_EQ(forward.size(), 1u);
    EXPECT_EQ(forward[0].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_FORWARD));
}

TEST_F(DevicesResync, ALostConnectionStillTakesDevicesOutOfService) {
    start();
    const HDRVLINE hd = open_line(0);
    ASSERT_EQ(devices::line_set_status_messages(
                  st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0),
              ok);
    go_live();
    answer_all_queries();
    link->go_down("connection reset");
    const auto states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
}

}  // namespace
}  // namespace ctigw::tsp::testing
