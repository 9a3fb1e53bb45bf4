// Device service state: out of service and back (link loss, the switch's device events) told
// only to the applications that asked, calls that existed while a line was closed, and pending
// device requests completed once at shutdown.
#include "devices/devices.hpp"

#include "devices_test.hpp"

namespace ctigw::tsp::testing {
namespace {

// ---- service state ------------------------------------------------------------------------------

TEST_F(DevicesTest, OutOfServiceAndBackInServiceOnlyWhenSelectedAndChanged) {
    start();
    const HDRVLINE hd = open_line(0);
    const HDRVLINE quiet = open_line(1);  // selects nothing: hears nothing
    ASSERT_EQ(devices::line_set_status_messages(
                  st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0),
              ok);
    (void)quiet;
    const HDRVPHONE ph = open_phone(0);
    ASSERT_EQ(
        devices::phone_set_status_messages(st(), ph, PHONESTATE_SUSPEND | PHONESTATE_RESUME, 0, 0),
        ok);
    go_live();
    answer_all_queries();
    auto states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    EXPECT_EQ(states[0].ht, reinterpret_cast<HTAPILINE>(std::uintptr_t{0x1100}));
    auto phone_states = phone_msgs(PHONE_STATE);
    ASSERT_EQ(phone_states.size(), 1u);
    EXPECT_EQ(phone_states[0].p1, static_cast<DWORD_PTR>(PHONESTATE_RESUME));

    link->go_down("test");
    link->go_down("again");  // no change, no message
    states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
    phone_states = phone_msgs(PHONE_STATE);
    ASSERT_EQ(phone_states.size(), 2u);
    EXPECT_EQ(phone_states[1].p1, static_cast<DWORD_PTR>(PHONESTATE_SUSPEND));
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwDevStatusFlags,
              static_cast<DWORD>(LINEDEVSTATUSFLAGS_CONNECTED));
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwLineFeatures, 0u);
    var_buffer ps(1024);
    ASSERT_EQ(devices::phone_get_status(st(), ph, ps.as<PHONESTATUS>()), ok);
    EXPECT_EQ(ps.as<PHONESTATUS>()->dwStatusFlags,
              static_cast<DWORD>(PHONESTATUSFLAGS_CONNECTED | PHONESTATUSFLAGS_SUSPENDED));
    // the link is down: a device request is held by the link (issue 12 #3), and one that gives
    // up before the link is back completes with INVALLINESTATE
    const auto id = new_request();
    EXPECT_EQ(track(id, devices::line_forward(st(), id, hd, 0, 0, nullptr, 0, nullptr)),
              static_cast<LONG>(id));
    ASSERT_FALSE(link->pending().empty());  // SetForwarding per type and SetDoNotDisturb
    for (const auto& r : link->pending()) EXPECT_TRUE(r.held);
    link->expire_held();
    drain();
    EXPECT_EQ(completions_of(id), std::vector<LONG>{err(LINEERR_INVALLINESTATE)});

    // a device-level OutOfService / BackInService while live
    go_live();
    answer_all_queries();
    link->push_event("2001", event_of(protocol::evt::out_of_service{{}, "2001"}));
    // the switch took the device out of service while the link is live: refused at once
    const auto refused = new_request();
    EXPECT_EQ(track(refused, devices::line_forward(st(), refused, hd, 0, 0, nullptr, 0, nullptr)),
              err(LINEERR_INVALLINESTATE));
    link->push_event("2001", event_of(protocol::evt::back_in_service{{}, "2001"}));
    answer_all_queries();
    states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 5u);
    EXPECT_EQ(states[3].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
    EXPECT_EQ(states[4].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    // the quiet line heard none of it
    for (const auto& m : line_msgs(LINE_LINEDEVSTATE)) EXPECT_EQ(m.ht, states[0].ht);
}

TEST_F(DevicesTest, OpenAnnouncesCallsThatExistedWhileClosed) {
    start();
    std::vector<pbx_link::device_truth> truths;
    for (const auto& d : link_settings.devices)
        truths.push_back({d, {}, std::nullopt, std::nullopt});
    protocol::snapshot_connection conn;
    conn.connection = {"c1", "2001"};
    conn.state = protocol::connection_state::connected;
    conn.calling_device = "2001";
    conn.called_device = "2002";
    truths[0].connections.push_back(conn);
    link->go_live(truths);
    drain();
    EXPECT_TRUE(line_msgs(LINE_NEWCALL).empty());  // closed: TAPI hears nothing
    const HDRVLINE hd = open_line(0);
    answer_all_queries();
    ASSERT_EQ(line_msgs(LINE_NEWCALL).size(), 1u);
    auto states = line_msgs(LINE_CALLSTATE);
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.back().p1, static_cast<DWORD_PTR>(LINECALLSTATE_CONNECTED));
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwNumActiveCalls, 1u);
    // at the active-call limit: no MAKECALL now
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwLineFeatures & LINEFEATURE_MAKECALL, 0u);
}

TEST_F(DevicesTest, ShutdownCompletesPendingDeviceRequestsOnce) {
    start();
    go_live();
    const HDRVLINE hd = open_line(0);
    const HDRVPHONE ph = open_phone(1);
    answer_all_queries();
    const auto fwd = new_request();
    ASSERT_EQ(track(fwd, devices::line_forward(st(), fwd, hd, 0, 0, nullptr, 0, nullptr)),
              static_cast<LONG>(fwd));
    const auto lamp = new_request();
    ASSERT_EQ(track(lamp, devices::phone_set_lamp(st(), lamp, ph, 3, PHONELAMPMODE_STEADY)),
              static_cast<LONG>(lamp));
    prov->shutdown(v31, 7);
    EXPECT_EQ(completions_of(fwd), std::vector<LONG>{err(LINEERR_OPERATIONFAILED)});
    ASSERT_EQ(completions_of(lamp).size(), 1u);
    EXPECT_LT(completions_of(lamp)[0], 0);
}

}  // namespace
}  // namespace ctigw::tsp::testing
