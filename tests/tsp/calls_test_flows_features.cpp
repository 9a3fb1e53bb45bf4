// Call control flows of park / unpark, pickup, redirect, call data, app-specific data and
// digits (generate and monitor).
#include "calls_test_flows.hpp"

namespace ctigw::tsp::testing {
namespace {

// ---- park / pickup / redirect -------------------------------------------------------------------

TEST_F(calls_test, park_nondirected_writes_the_orbit) {
    auto hd = incoming_connected("c1", "2001", "2002");
    EXPECT_EQ(calls::park(p(), 1, hd, 7, nullptr, nullptr), E(LINEERR_INVALPARKMODE));
    EXPECT_EQ(calls::park(p(), 1, hd, LINEPARKMODE_NONDIRECTED, nullptr, nullptr),
              E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::park(p(), 1, hd, LINEPARKMODE_DIRECTED, nullptr, nullptr),
              E(LINEERR_INVALADDRESS));
    std::vector<unsigned char> buf(128, 0xCC);
    auto* vs = reinterpret_cast<VARSTRING*>(buf.data());
    vs->dwTotalSize = 8;
    EXPECT_EQ(calls::park(p(), 1, hd, LINEPARKMODE_NONDIRECTED, nullptr, vs),
              E(LINEERR_STRUCTURETOOSMALL));
    vs->dwTotalSize = 64;
    const auto id = rid();
    ASSERT_EQ(calls::park(p(), id, hd, LINEPARKMODE_NONDIRECTED, nullptr, vs),
              static_cast<LONG>(id));
    EXPECT_FALSE(std::get<svc::park_call::params>(sent()).park_to.has_value());
    reply(ok<svc::park_call>({"7001"}));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    EXPECT_EQ(vs->dwStringFormat, DWORD{STRINGFORMAT_UNICODE});
    std::u16string orbit(reinterpret_cast<const char16_t*>(buf.data() + vs->dwStringOffset),
                         vs->dwStringSize / 2 - 1);
    EXPECT_EQ(orbit, u"7001");
    EXPECT_EQ(buf[64], 0xCC) << "nothing written past dwTotalSize";
    // The parked party waits (ACTIVEHELD); the parker's connection is cleared: IDLE only.
    proto::evt::queued q;
    q.queued_connection = {"c1", "7001"};
    q.queue = "7001";
    q.last_redirection_device = "2002";
    q.cause = event_cause::park;
    q.local_connection_info = connection_state::connected;
    event("2001", q);
    event("2002", q);
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null, event_cause::park));
    EXPECT_EQ(seen("2002").back(), "IDLE");
    EXPECT_EQ(seen("2001").back(), "CONNECTED(0x4)");
    // C unparks: new TAPI-created handle, CONNECTED, reason UNPARK.
    HDRVCALL up = nullptr;
    EXPECT_EQ(calls::unpark(p(), 1, line_of("2003")->hd(), 1, ht_call(5), &up, w(u"7001")),
              E(LINEERR_INVALADDRESSID));
    const auto u = rid();
    ASSERT_EQ(calls::unpark(p(), u, line_of("2003")->hd(), 0, ht_call(5), &up, w(u"7001")),
              static_cast<LONG>(u));
    EXPECT_EQ(std::get<svc::directed_pickup_call::params>(sent()).device_to_be_picked_up, "7001");
    event("2003", ev_established({"c1", "2003"}, "2001", "2002", connection_state::connected,
                                 event_cause::park));
    reply(ok<svc::directed_pickup_call>({connection_id{"c1", "2003"}}));
    event("2001", ev_established({"c1", "2003"}, "2001", "2002", connection_state::connected,
                                 event_cause::park));
    EXPECT_EQ(completions(u), std::vector<LONG>{0});
    EXPECT_EQ(seen("2003"), (strings{"CONNECTED"}));
    EXPECT_EQ(call_of(up)->reason, DWORD{LINECALLREASON_UNPARK});
    EXPECT_EQ(seen("2001").back(), "CONNECTED");
    EXPECT_EQ(bound("2001", "c1")->connected.number, "2003");
}

TEST_F(calls_test, pickup_directed_and_group) {
    auto hd = incoming_offering("c1", "2001", "2002");
    HDRVCALL pk = nullptr;
    EXPECT_EQ(
        calls::pickup(p(), 1, line_of("2003")->hd(), 0, ht_call(6), nullptr, w(u"2002"), nullptr),
        E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::pickup(p(), 1, line_of("2003")->hd(), 0, ht_call(6), &pk, nullptr, nullptr),
              E(LINEERR_INVALGROUPID));
    const auto id = rid();
    ASSERT_EQ(
        calls::pickup(p(), id, line_of("2003")->hd(), 0, ht_call(6), &pk, w(u"2002"), nullptr),
        static_cast<LONG>(id));
    reply(ok<svc::directed_pickup_call>({connection_id{"c1", "2003"}}));
    event("2002",
          ev_diverted({"c1", "2002"}, "2003", connection_state::null, event_cause::call_pickup));
    event("2003", ev_established({"c1", "2003"}, "2001", "2002", connection_state::connected,
                                 event_cause::call_pickup));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    EXPECT_EQ(seen("2002"), (strings{"NEWCALL", "OFFERING", "DISCONNECTED(0x8)", "IDLE"}));
    EXPECT_EQ(seen("2003"), (strings{"CONNECTED"}));
    EXPECT_EQ(call_of(pk)->reason, DWORD{LINECALLREASON_PICKUP});
    EXPECT_EQ(call_of(pk)->caller.number, "2001");
    (void)hd;
    // Group pickup names the group; a refusal kills the new handle.
    const auto g = rid();
    HDRVCALL pk2 = nullptr;
    ASSERT_EQ(
        calls::pickup(p(), g, line_of("2001")->hd(), 0, ht_call(7), &pk2, nullptr, w(u"sales")),
        static_cast<LONG>(g));
    EXPECT_EQ(std::get<svc::group_pickup_call::params>(sent()).pickup_group, "sales");
    refuse(proto::error_category::state_incompatibility, "noCallToPickUp");
    EXPECT_EQ(completions(g), std::vector<LONG>{E(LINEERR_INVALCALLSTATE)});
    EXPECT_EQ(calls::close_call(p(), pk2), 0);
}

TEST_F(calls_test, redirect_only_when_offering) {
    auto hd = incoming_offering("c1", "2001", "2002");
    const auto id = rid();
    ASSERT_EQ(calls::redirect(p(), id, hd, w(u"2003"), 0), static_cast<LONG>(id));
    reply(ok<svc::deflect_call>());
    event("2002",
          ev_diverted({"c1", "2002"}, "2003", connection_state::null, event_cause::redirected));
    event("2001", ev_diverted({"c1", "2002"}, "2003", connection_state::connected,
                              event_cause::redirected));
    event("2003", ev_delivered({"c1", "2003"}, "2001", "2002", connection_state::alerting,
                               event_cause::redirected, "2002"));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    EXPECT_EQ(seen("2002"), (strings{"NEWCALL", "OFFERING", "IDLE"}));
    EXPECT_EQ(bound("2003", "c1")->reason, DWORD{LINECALLREASON_REDIRECT});
    EXPECT_EQ(bound("2001", "c1")->redirection.number, "2003");
    EXPECT_EQ(calls::redirect(p(), 1, hd, w(u"2003"), 0), E(LINEERR_INVALCALLSTATE));
    auto connected = incoming_connected("c2", "2003", "2001");
    EXPECT_EQ(calls::redirect(p(), 1, connected, w(u"2002"), 0), E(LINEERR_INVALCALLSTATE));
}

// ---- call data, app specific, digits ---------------------------------------------------------

TEST_F(calls_test, call_data_follows_the_call) {
    auto hd = incoming_connected("c1", "2001", "2002");
    std::string big(5000, 'x');
    EXPECT_EQ(calls::set_call_data(p(), 1, hd, big.data(), 5000), E(LINEERR_INVALPARAM));
    EXPECT_EQ(calls::set_call_data(p(), 1, hd, nullptr, 4), E(LINEERR_INVALPOINTER));
    const auto id = rid();
    char data[] = "order-42";
    ASSERT_EQ(calls::set_call_data(p(), id, hd, data, 8), static_cast<LONG>(id));
    EXPECT_EQ(std::get<svc::associate_data::params>(sent()).correlator_data.bytes, "order-42");
    reply(ok<svc::associate_data>());
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    auto infos = messages("2002", LINE_CALLINFO);
    EXPECT_EQ(infos.back().p1, DWORD_PTR{LINECALLINFOSTATE_CALLDATA});
    proto::evt::call_information ci;
    ci.connection = {"c1", "2001"};
    ci.correlator_data = proto::byte_string{"order-42"};
    event("2001", ci);
    EXPECT_EQ(bound("2001", "c1")->call_data, "order-42");
    // App-specific: LINE_CALLINFO(APPSPECIFIC), never after IDLE.
    EXPECT_EQ(calls::set_app_specific(p(), hd, 77), 0);
    EXPECT_EQ(messages("2002", LINE_CALLINFO).back().p1, DWORD_PTR{LINECALLINFOSTATE_APPSPECIFIC});
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    const auto before = messages("2002", LINE_CALLINFO).size();
    EXPECT_EQ(calls::set_app_specific(p(), hd, 78), 0);
    EXPECT_EQ(messages("2002", LINE_CALLINFO).size(), before);
}

TEST_F(calls_test, generate_and_monitor_digits) {
    auto hd = incoming_connected("c1", "2001", "2002");
    EXPECT_EQ(calls::generate_digits(p(), hd, 1, LINEDIGITMODE_PULSE, w(u"12"), 0),
              E(LINEERR_INVALDIGITMODE));
    EXPECT_EQ(calls::generate_digits(p(), hd, 1, LINEDIGITMODE_DTMF, w(u"1x"), 0),
              E(LINEERR_INVALDIGITS));
    EXPECT_EQ(calls::generate_digits(p(), hd, 1, LINEDIGITMODE_DTMF, w(u"12#"), 0), 0);
    EXPECT_EQ(std::get<svc::generate_digits::params>(sent()).characters_to_send, "12#");
    // A second one cancels the first.
    EXPECT_EQ(calls::generate_digits(p(), hd, 2, LINEDIGITMODE_DTMF, w(u"9"), 0), 0);
    reply(ok<svc::generate_digits>());
    reply(ok<svc::generate_digits>());
    proto::evt::digits_generated dg;
    dg.connection = {"c1", "2002"};
    dg.digits = "9";
    event("2002", dg);
    auto gen = messages("2002", LINE_GENERATE);
    ASSERT_EQ(gen.size(), 2u);
    EXPECT_EQ(gen[0].p1, DWORD_PTR{LINEGENERATETERM_CANCEL});
    EXPECT_EQ(gen[0].p2, 1u);
    EXPECT_EQ(gen[1].p1, DWORD_PTR{LINEGENERATETERM_DONE});
    EXPECT_EQ(gen[1].p2, 2u);
    EXPECT_EQ(gen[1].p3, 4242u);
    // Monitoring: DTMF only; one LINE_MONITORDIGITS per far-end digit.
    EXPECT_EQ(calls::monitor_digits(p(), hd, LINEDIGITMODE_PULSE), E(LINEERR_INVALDIGITMODE));
    proto::evt::digits_detected dd;
    dd.connection = {"c1", "2001"};
    dd.digits = "45";
    event("2002", dd);
    EXPECT_TRUE(messages("2002", LINE_MONITORDIGITS).empty());
    EXPECT_EQ(calls::monitor_digits(p(), hd, LINEDIGITMODE_DTMF), 0);
    event("2002", dd);
    auto md = messages("2002", LINE_MONITORDIGITS);
    ASSERT_EQ(md.size(), 2u);
    EXPECT_EQ(md[0].p1, DWORD_PTR{'4'});
    EXPECT_EQ(md[1].p2, DWORD_PTR{LINEDIGITMODE_DTMF});
    // A generation in progress is cancelled when the call goes idle.
    EXPECT_EQ(calls::generate_digits(p(), hd, 3, LINEDIGITMODE_DTMF, w(u"7"), 0), 0);
    reply(ok<svc::generate_digits>());
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    gen = messages("2002", LINE_GENERATE);
    EXPECT_EQ(gen.back().p1, DWORD_PTR{LINEGENERATETERM_CANCEL});
    EXPECT_EQ(gen.back().p2, 3u);
}

}  // namespace
}  // namespace ctigw::tsp::testing
