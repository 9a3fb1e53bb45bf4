// Call control flows of lineMakeCall and lineDial: the TAPI message sequence of a made call, its
// call info, synchronous failures, a link not yet live or timing out, dialling a lifted handset,
// and a made call ending busy / DND.
#include <algorithm>
#include <cstring>

#include "calls_test_flows.hpp"

#include "capabilities.hpp"

namespace ctigw::tsp::testing {
namespace {

// ---- lineMakeCall -------------------------------------------------------------------------------

TEST_F(calls_test, make_call_events_before_response_bind_to_the_tapi_call) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    ASSERT_NE(hd, nullptr);
    const auto& mp = std::get<svc::make_call::params>(sent());
    EXPECT_EQ(mp.calling_device, "2001");
    EXPECT_EQ(mp.called_directory_number, "2002");
    // The switch's events overtake the response: no ghost NEWCALL, nothing reported yet.
    event("2001", ev_initiated({"c1", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c1", "2001"}, "2001", "2002"));
    EXPECT_EQ(seen("2001"), strings{});
    reply(ok<svc::make_call>({connection_id{"c1", "2001"}}));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    event("2001", ev_delivered({"c1", "2002"}, "2001", "2002", connection_state::connected));
    event("2002", ev_delivered({"c1", "2002"}, "2001", "2002", connection_state::alerting));
    event("2001", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(seen("2001"), (strings{"PROCEEDING", "RINGBACK", "CONNECTED"}));
    EXPECT_EQ(seen("2002"), (strings{"NEWCALL", "OFFERING", "CONNECTED"}));
    // The completion comes before the first state of the TAPI-created call.
    {
        auto& r = record();
        std::lock_guard lock(r.m);
        ASSERT_FALSE(r.messages.empty());
        EXPECT_EQ(r.messages.front().call, ht_call(1));
    }
    // lineDrop: IDLE only on this line (we dropped), DISCONNECTED+IDLE at the far end.
    const auto drop_id = rid();
    ASSERT_EQ(calls::drop(p(), drop_id, hd), static_cast<LONG>(drop_id));
    EXPECT_EQ(std::get<svc::clear_connection::params>(sent()).connection_to_be_cleared,
              (connection_id{"c1", "2001"}));
    reply(ok<svc::clear_connection>());
    clear_messages();
    event("2001", ev_cleared({"c1", "2001"}, connection_state::null));
    event("2002", ev_cleared({"c1", "2001"}, connection_state::connected));
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    EXPECT_EQ(seen("2001"), (strings{"IDLE"}));
    EXPECT_EQ(seen("2002"), (strings{"DISCONNECTED(0x1)", "IDLE"}));
    EXPECT_EQ(completions(drop_id), std::vector<LONG>{0});
}

// A switch that rings the caller's phone first (Asterisk; autoOriginate false): the made call
// proceeds while the user's own phone rings, and is never offered to the user as a new call.
TEST_F(calls_test, make_call_that_rings_the_callers_phone_first_proceeds_then_rings_back) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    reply(ok<svc::make_call>({connection_id{"c9", "2001"}}));
    event("2001", ev_delivered({"c9", "2001"}, "2001", "2002", connection_state::alerting,
                               event_cause::make_call));
    EXPECT_EQ(seen("2001"), (strings{"DIALING", "PROCEEDING"}));
    event("2001", ev_originated({"c9", "2001"}, "2001", "2002"));
    event("2001", ev_delivered({"c9", "2002"}, "2001", "2002", connection_state::connected));
    event("2001", ev_established({"c9", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(seen("2001"), (strings{"DIALING", "PROCEEDING", "RINGBACK", "CONNECTED"}));
}

// A destination that rang and then returned busy (an Asterisk phone rejecting with Busy):
// the far party's release cause is why the caller's call ended.
TEST_F(calls_test, far_party_released_busy_disconnects_the_caller_busy) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2004"), 0, nullptr),
        static_cast<LONG>(id));
    reply(ok<svc::make_call>({connection_id{"c4", "2001"}}));
    event("2001", ev_initiated({"c4", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c4", "2001"}, "2001", "2004"));
    event("2001", ev_delivered({"c4", "2004"}, "2001", "2004", connection_state::connected));
    event("2001", ev_cleared({"c4", "2004"}, connection_state::connected, event_cause::busy));
    // The switch then releases the caller too (protocol.md "Cause of the last party").
    event("2001", ev_cleared({"c4", "2001"}, connection_state::null, event_cause::busy));
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE", "DIALING", "PROCEEDING", "RINGBACK",
                                     "DISCONNECTED(0x20)", "IDLE"}));  // BUSY
}

TEST_F(calls_test, make_call_response_first_then_events_and_call_info) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2003"), 0, nullptr),
        static_cast<LONG>(id));
    reply(ok<svc::make_call>({connection_id{"c7", "2001"}}));
    event("2001", ev_initiated({"c7", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c7", "2001"}, "2001", "2003"));
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE", "DIALING", "PROCEEDING"}));
    LINECALLINFO info{};
    std::vector<unsigned char> buf(4096);
    auto* ci = reinterpret_cast<LINECALLINFO*>(buf.data());
    ci->dwTotalSize = static_cast<DWORD>(buf.size());
    ASSERT_EQ(calls::get_call_info(p(), hd, ci), 0);
    EXPECT_EQ(ci->dwOrigin, DWORD{LINECALLORIGIN_INTERNAL});
    EXPECT_EQ(ci->dwReason, DWORD{LINECALLREASON_DIRECT});
    EXPECT_NE(ci->dwCallID, 0u);
    EXPECT_EQ(ci->dwCalledIDFlags, DWORD{LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME});
    std::u16string called(reinterpret_cast<const char16_t*>(buf.data() + ci->dwCalledIDOffset),
                          ci->dwCalledIDSize / 2 - 1);
    EXPECT_EQ(called, u"2003");
    EXPECT_EQ(ci->dwCallStates, caps::call_states);
    info.dwTotalSize = 8;
    EXPECT_EQ(calls::get_call_info(p(), hd, &info), E(LINEERR_STRUCTURETOOSMALL));
    EXPECT_EQ(calls::get_call_info(p(), hd, nullptr), E(LINEERR_INVALPOINTER));
    DWORD addr = 9, cid = 0, rel = 9;
    EXPECT_EQ(calls::get_call_ids(p(), hd, &addr, &cid, &rel), 0);
    EXPECT_EQ(addr, 0u);
    EXPECT_EQ(cid, ci->dwCallID);
    EXPECT_EQ(rel, 0u);
}

TEST_F(calls_test, make_call_refused_kills_the_handle_and_close_is_harmless) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    refuse(proto::error_category::operation, "invalidDestination");
    EXPECT_EQ(completions(id), std::vector<LONG>{E(LINEERR_INVALADDRESS)});
    EXPECT_EQ(seen("2001"), strings{});
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    // A later switch call of the same device is a new call (NEWCALL), not the dead handle.
    event("2001", ev_initiated({"c9", "2001"}, event_cause::new_call));
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "DIALTONE"}));
}

TEST_F(calls_test, make_call_synchronous_failures) {
    HDRVCALL hd = nullptr;
    const auto l = line_of("2001")->hd();
    EXPECT_EQ(calls::make_call(p(), 1, nullptr, ht_call(1), &hd, w(u"2002"), 0, nullptr),
              E(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), nullptr, w(u"2002"), 0, nullptr),
              E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), &hd, w(u"20x2!"), 0, nullptr),
              E(LINEERR_INVALADDRESS));
    std::vector<unsigned char> buf(sizeof(LINECALLPARAMS) + 8192);
    auto* cp = reinterpret_cast<LINECALLPARAMS*>(buf.data());
    cp->dwTotalSize = sizeof(LINECALLPARAMS);
    cp->dwAddressID = 1;
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), &hd, w(u"2002"), 0, cp),
              E(LINEERR_INVALADDRESSID));
    cp->dwAddressID = 0;
    cp->dwCallParamFlags = LINECALLPARAMFLAGS_BLOCKID;
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), &hd, w(u"2002"), 0, cp),
              E(LINEERR_INVALCALLPARAMS));
    cp->dwCallParamFlags = LINECALLPARAMFLAGS_IDLE;  // benign
    cp->dwCallDataSize = 5000;
    cp->dwCallDataOffset = sizeof(LINECALLPARAMS);
    cp->dwTotalSize = static_cast<DWORD>(buf.size());
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), &hd, w(u"2002"), 0, cp),
              E(LINEERR_INVALPARAM));
    cp->dwCallDataSize = 3;
    std::memcpy(buf.data() + sizeof(LINECALLPARAMS), "abc", 3);
    device_machine::set_in_service(p(), *line_of("2001"), false);
    EXPECT_EQ(calls::make_call(p(), 1, l, ht_call(1), &hd, w(u"2002"), 0, cp),
              E(LINEERR_INVALLINESTATE));
    device_machine::set_in_service(p(), *line_of("2001"), true);
    const auto id = rid();
    ASSERT_EQ(calls::make_call(p(), id, l, ht_call(1), &hd, w(u"2002"), 0, cp),
              static_cast<LONG>(id));
    EXPECT_EQ(std::get<svc::make_call::params>(sent()).correlator_data,
              (proto::byte_string{"abc"}));
    reply(ok<svc::make_call>({connection_id{"c1", "2001"}}));
    EXPECT_EQ(pending(), 0u);
}

// Issue 12 #3: an application that opens a line and dials at once (the link still connecting or
// resyncing) succeeds: the MakeCall waits for the link instead of failing with INVALLINESTATE.
TEST_F(calls_test, make_call_while_the_link_is_not_yet_live_waits_for_it) {
    link().go_down("still connecting");
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2003"), 0, nullptr),
        static_cast<LONG>(id));
    ASSERT_EQ(pending(), 1u);
    EXPECT_TRUE(link().pending().front().held);
    EXPECT_TRUE(completions(id).empty());
    link().go_live({truth("2001", {}), truth("2002", {}), truth("2003", {})});
    EXPECT_FALSE(link().pending().front().held);
    reply(ok<svc::make_call>({connection_id{"c7", "2001"}}));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    event("2001", ev_initiated({"c7", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c7", "2001"}, "2001", "2003"));
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE", "DIALING", "PROCEEDING"}));
}

TEST_F(calls_test, a_held_request_that_outlives_its_timeout_fails_with_invallinestate) {
    link().go_down("switch unreachable");
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2003"), 0, nullptr),
        static_cast<LONG>(id));
    link().expire_held();
    EXPECT_EQ(completions(id), std::vector<LONG>{E(LINEERR_INVALLINESTATE)});
    EXPECT_EQ(seen("2001"), strings{});
    EXPECT_EQ(calls::close_call(p(), hd), 0);
}

// Issue 12 #2: a MakeCall that timed out and was placed by the switch later appeared as an
// unsolicited ghost call nobody owns; its late result clears it, and the log says so.
TEST_F(calls_test, a_make_call_placed_after_its_timeout_is_cleared) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2003"), 0, nullptr),
        static_cast<LONG>(id));
    link().fail_next(pbx_link::request_failure::timeout);
    EXPECT_EQ(completions(id), std::vector<LONG>{E(LINEERR_OPERATIONFAILED)});
    // The switch placed it after all: its events make a call TAPI did not ask for ...
    event("2001", ev_initiated({"c7", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c7", "2001"}, "2001", "2003"));
    // ... and the late response names it: cleared.
    link().push_late_result(ok<svc::make_call>({connection_id{"c7", "2001"}}));
    ASSERT_EQ(pending(), 1u);
    EXPECT_EQ(std::get<svc::clear_connection::params>(sent()).connection_to_be_cleared,
              (connection_id{"c7", "2001"}));
    reply(ok<svc::clear_connection>());
    event("2001", ev_cleared({"c7", "2001"}, connection_state::null));
    EXPECT_TRUE(std::any_of(log_.begin(), log_.end(), [](const std::string& line) {
        return line.find("placed by the switch later") != std::string::npos;
    }));
    // Other late results (nothing was made) are ignored.
    link().push_late_result(ok<svc::hold_call>());
    EXPECT_EQ(pending(), 0u);
}

// Issue 12 #6: after the handset is lifted (phoneSetHookSwitch off-hook or at the set) the
// switch's DIALTONE call could not be dialled: lineDial was refused (no DIAL feature) and
// lineMakeCall was refused by the switch (calling device busy). Both dial the dial tone now.
TEST_F(calls_test, dialling_from_a_lifted_handset) {
    event("2002", ev_initiated({"c5", "2002"}, event_cause::new_call));
    auto tone = bound("2002", "c5");
    ASSERT_TRUE(tone);
    ASSERT_EQ(tone->state(), DWORD{LINECALLSTATE_DIALTONE});
    ASSERT_TRUE(features_of(tone->hd()) & LINECALLFEATURE_DIAL);
    const auto d = rid();
    ASSERT_EQ(calls::dial(p(), d, tone->hd(), w(u"2003"), 0), static_cast<LONG>(d));
    const auto& mp = std::get<svc::make_call::params>(sent());
    EXPECT_EQ(mp.calling_device, "2002");
    EXPECT_EQ(mp.called_directory_number, "2003");
    reply(ok<svc::make_call>({connection_id{"c5", "2002"}}));  // the switch dials the dial tone
    EXPECT_EQ(completions(d), std::vector<LONG>{0});
    clear_messages();
    event("2002", ev_originated({"c5", "2002"}, "2002", "2003"));
    event("2002", ev_delivered({"c5", "2003"}, "2002", "2003", connection_state::connected));
    EXPECT_EQ(seen("2002"), (strings{"DIALING", "PROCEEDING", "RINGBACK"}));
    EXPECT_EQ(bound("2002", "c5"), tone);

    // lineMakeCall while the handset is lifted: TAPI's new call takes the switch's call over.
    event("2001", ev_initiated({"c6", "2001"}, event_cause::new_call));
    auto tone1 = bound("2001", "c6");
    ASSERT_TRUE(tone1);
    HDRVCALL made = nullptr;
    const auto m = rid();
    ASSERT_EQ(
        calls::make_call(p(), m, line_of("2001")->hd(), ht_call(7), &made, w(u"2003"), 0, nullptr),
        static_cast<LONG>(m));
    reply(ok<svc::make_call>({connection_id{"c6", "2001"}}));
    EXPECT_EQ(completions(m), std::vector<LONG>{0});
    EXPECT_EQ(tone1->state(), DWORD{LINECALLSTATE_IDLE});
    event("2001", ev_originated({"c6", "2001"}, "2001", "2003"));
    EXPECT_EQ(bound("2001", "c6")->hd(), made);
    EXPECT_EQ(state_of(made), DWORD{LINECALLSTATE_PROCEEDING});
}

TEST_F(calls_test, make_call_without_number_then_dial) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, nullptr, 0, nullptr),
        static_cast<LONG>(id));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    EXPECT_EQ(pending(), 0u);
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE"}));
    EXPECT_TRUE(features_of(hd) & LINECALLFEATURE_DIAL);
    EXPECT_EQ(calls::dial(p(), 1, hd, w(u"2!2"), 0), E(LINEERR_INVALADDRESS));
    const auto d1 = rid();
    ASSERT_EQ(calls::dial(p(), d1, hd, w(u"20;"), 0), static_cast<LONG>(d1));  // partial
    EXPECT_EQ(pending(), 0u);
    const auto d2 = rid();
    ASSERT_EQ(calls::dial(p(), d2, hd, w(u"03"), 0), static_cast<LONG>(d2));
    EXPECT_EQ(std::get<svc::make_call::params>(sent()).called_directory_number, "2003");
    event("2001", ev_initiated({"c2", "2001"}, event_cause::make_call));
    reply(ok<svc::make_call>({connection_id{"c2", "2001"}}));
    event("2001", ev_originated({"c2", "2001"}, "2001", "2003"));
    EXPECT_EQ(completions(d2), std::vector<LONG>{0});
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE", "DIALING", "PROCEEDING"}));
    EXPECT_EQ(calls::dial(p(), 1, hd, w(u"5"), 0), E(LINEERR_INVALCALLSTATE));
}

// ---- busy, DND, failures ------------------------------------------------------------------------

TEST_F(calls_test, busy_and_dnd_and_bad_address) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2002"), 0, nullptr);
    reply(ok<svc::make_call>({connection_id{"c1", "2001"}}));
    event("2001", ev_initiated({"c1", "2001"}, event_cause::make_call));
    event("2001", ev_originated({"c1", "2001"}, "2001", "2002"));
    event("2001", ev_failed({"c1", "2002"}, "2002", connection_state::fail, event_cause::busy));
    EXPECT_EQ(seen("2001"), (strings{"DIALTONE", "DIALING", "PROCEEDING", "BUSY(0x1)"}));
    // The app drops the failed call; the switch clears it: IDLE only.
    const auto d = rid();
    calls::drop(p(), d, hd);
    reply(ok<svc::clear_connection>());
    event("2001", ev_cleared({"c1", "2001"}, connection_state::null));
    EXPECT_EQ(seen("2001").back(), "IDLE");

    HDRVCALL hd2 = nullptr;
    const auto id2 = rid();
    calls::make_call(p(), id2, line_of("2001")->hd(), ht_call(2), &hd2, w(u"2003"), 0, nullptr);
    reply(ok<svc::make_call>({connection_id{"c2", "2001"}}));
    event("2001", ev_originated({"c2", "2001"}, "2001", "2003"));
    event("2001",
          ev_failed({"c2", "2003"}, "2003", connection_state::fail, event_cause::do_not_disturb));
    EXPECT_EQ(seen("2001").back(), "DISCONNECTED(0x40000)");
    EXPECT_EQ(state_of(hd2), DWORD{LINECALLSTATE_DISCONNECTED});
    EXPECT_EQ(features_of(hd2), DWORD{LINECALLFEATURE_DROP});
}

}  // namespace
}  // namespace ctigw::tsp::testing
