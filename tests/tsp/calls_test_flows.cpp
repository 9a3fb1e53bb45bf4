// Call control flows: every operation's TAPI message sequence on every line, its synchronous
// failures, and resync / link loss.
#include <algorithm>
#include <cstring>
#include <set>

#include "calls_test.hpp"

#include "capabilities.hpp"

namespace ctigw::tsp::testing {
namespace {

using svc_result = proto::service_result;
namespace svc = proto::svc;
constexpr LONG E(DWORD e) {
    return static_cast<LONG>(e);
}
using strings = std::vector<std::string>;
const auto ht_call = [](int n) {
    return reinterpret_cast<HTAPICALL>(static_cast<std::uintptr_t>(0x5000 + n));
};

template <class S>
svc_result ok(typename S::result r = {}) {
    return svc_result{std::in_place_type<typename S::result>, std::move(r)};
}

pbx_link::device_truth truth(std::string device, std::vector<proto::snapshot_connection> conns) {
    return pbx_link::device_truth{std::move(device), std::move(conns), std::nullopt, std::nullopt};
}

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

// ---- hold / unhold / swap ---------------------------------------------------------------------

TEST_F(calls_test, hold_unhold_and_the_far_end_sees_activeheld) {
    auto hd = incoming_connected("c1", "2001", "2002");
    EXPECT_EQ(calls::unhold(p(), 1, hd), E(LINEERR_INVALCALLSTATE));
    const auto h = rid();
    ASSERT_EQ(calls::hold(p(), h, hd), static_cast<LONG>(h));
    EXPECT_EQ(std::get<svc::hold_call::params>(sent()).call_to_be_held,
              (connection_id{"c1", "2002"}));
    reply(ok<svc::hold_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    event("2001", ev_held({"c1", "2002"}, connection_state::connected));
    EXPECT_EQ(calls::hold(p(), 1, hd), E(LINEERR_INVALCALLSTATE));
    const auto u = rid();
    ASSERT_EQ(calls::unhold(p(), u, hd), static_cast<LONG>(u));
    reply(ok<svc::retrieve_call>());
    event("2002", ev_retrieved({"c1", "2002"}, connection_state::connected));
    event("2001", ev_retrieved({"c1", "2002"}, connection_state::connected));
    EXPECT_EQ(seen("2002"), (strings{"NEWCALL", "OFFERING", "CONNECTED", "ONHOLD", "CONNECTED"}));
    const auto a = seen("2001");
    ASSERT_GE(a.size(), 2u);
    EXPECT_EQ(a[a.size() - 2], "CONNECTED(0x4)");
    EXPECT_EQ(a.back(), "CONNECTED");
    // A refused hold completes with the mapped error.
    const auto h2 = rid();
    calls::hold(p(), h2, hd);
    refuse(proto::error_category::state_incompatibility, "invalidConnectionState");
    EXPECT_EQ(completions(h2), std::vector<LONG>{E(LINEERR_INVALCALLSTATE)});
}

// ---- consultation transfer ----------------------------------------------------------------------

TEST_F(calls_test, setup_transfer_dial_and_complete_transfer) {
    auto orig = incoming_connected("c1", "2001", "2002");
    HDRVCALL consult = nullptr;
    const auto st = rid();
    ASSERT_EQ(calls::setup_transfer(p(), st, orig, ht_call(2), &consult, nullptr),
              static_cast<LONG>(st));
    reply(ok<svc::hold_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    event("2001", ev_held({"c1", "2002"}, connection_state::connected));
    EXPECT_EQ(completions(st), std::vector<LONG>{0});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_ONHOLDPENDTRANSFER});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_DIALTONE});
    EXPECT_EQ(calls::setup_transfer(p(), 1, orig, ht_call(3), &consult, nullptr),
              E(LINEERR_INVALCALLSTATE));
    const auto d = rid();
    ASSERT_EQ(calls::dial(p(), d, consult, w(u"2003"), 0), static_cast<LONG>(d));
    reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
    event("2002", ev_initiated({"c2", "2002"}, event_cause::make_call));
    event("2002", ev_originated({"c2", "2002"}, "2002", "2003"));
    event("2002", ev_delivered({"c2", "2003"}, "2002", "2003", connection_state::connected));
    event("2003", ev_delivered({"c2", "2003"}, "2002", "2003", connection_state::alerting));
    event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    event("2003", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    EXPECT_TRUE(features_of(orig) & LINECALLFEATURE_COMPLETETRANSF);
    // Wrong modes and handles.
    HDRVCALL conf = nullptr;
    EXPECT_EQ(calls::complete_transfer(p(), 1, orig, consult, nullptr, &conf, 0),
              E(LINEERR_INVALTRANSFERMODE));
    EXPECT_EQ(
        calls::complete_transfer(p(), 1, orig, orig, nullptr, &conf, LINETRANSFERMODE_TRANSFER),
        E(LINEERR_INVALCONSULTCALLHANDLE));
    EXPECT_EQ(
        calls::complete_transfer(p(), 1, orig, nullptr, nullptr, &conf, LINETRANSFERMODE_TRANSFER),
        E(LINEERR_INVALCONSULTCALLHANDLE));
    const auto ct = rid();
    ASSERT_EQ(calls::complete_transfer(p(), ct, orig, consult, nullptr, nullptr,
                                       LINETRANSFERMODE_TRANSFER),
              static_cast<LONG>(ct));
    const auto& tp = std::get<svc::transfer_call::params>(sent());
    EXPECT_EQ(tp.held_call, (connection_id{"c1", "2002"}));
    EXPECT_EQ(tp.active_call, (connection_id{"c2", "2002"}));
    svc::transfer_call::result tr;
    tr.transferred_call = "c4";
    reply(ok<svc::transfer_call>(tr));
    proto::evt::transferred te;
    te.primary_old_call = {"c1", "2002"};
    te.secondary_old_call = connection_id{"c2", "2002"};
    te.transferring_device = "2002";
    te.transferred_to_device = "2003";
    te.transferred_connections = {
        {connection_id{"c1", "2001"}, connection_id{"c4", "2001"}, "2001"},
        {connection_id{"c2", "2003"}, connection_id{"c4", "2003"}, "2003"},
        {connection_id{"c1", "2002"}, std::nullopt, "2002"}};
    te.cause = event_cause::transfer;
    te.local_connection_info = connection_state::null;
    event("2002", te);
    te.local_connection_info = connection_state::connected;
    event("2001", te);
    event("2003", te);
    EXPECT_EQ(completions(ct), std::vector<LONG>{0});
    EXPECT_EQ(seen("2002", true),
              (strings{"c1:NEWCALL", "c1:OFFERING", "c1:CONNECTED", "c1:ONHOLDPENDTRANSFER",
                       "c2:DIALTONE", "c2:DIALING", "c2:PROCEEDING", "c2:RINGBACK", "c2:CONNECTED",
                       "c1:IDLE", "c2:IDLE"}));
    EXPECT_EQ(seen("2003"), (strings{"NEWCALL", "OFFERING", "CONNECTED"}));
    // A and C keep their handles, re-keyed to the new callID; CONNECTEDID changed.
    ASSERT_TRUE(bound("2001", "c4"));
    ASSERT_TRUE(bound("2003", "c4"));
    EXPECT_EQ(bound("2001", "c4")->connected.number, "2003");
    EXPECT_EQ(bound("2003", "c4")->connected.number, "2001");
    EXPECT_FALSE(bound("2001", "c1"));
}

TEST_F(calls_test, unhold_of_a_pending_transfer_cancels_it_with_reconnect) {
    auto orig = incoming_connected("c1", "2001", "2002");
    HDRVCALL consult = nullptr;
    const auto st = rid();
    calls::setup_transfer(p(), st, orig, ht_call(2), &consult, nullptr);
    reply(ok<svc::hold_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    const auto d = rid();
    calls::dial(p(), d, consult, w(u"2003"), 0);
    reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
    event("2002", ev_originated({"c2", "2002"}, "2002", "2003"));
    event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    const auto u = rid();
    ASSERT_EQ(calls::unhold(p(), u, orig), static_cast<LONG>(u));
    const auto& rp = std::get<svc::reconnect_call::params>(sent());
    EXPECT_EQ(rp.active_call, (connection_id{"c2", "2002"}));
    EXPECT_EQ(rp.held_call, (connection_id{"c1", "2002"}));
    reply(ok<svc::reconnect_call>());
    clear_messages();
    event("2002", ev_cleared({"c2", "2002"}, connection_state::null));
    event("2002", ev_retrieved({"c1", "2002"}, connection_state::connected));
    EXPECT_EQ(seen("2002", true), (strings{"c1:IDLE", "c2:CONNECTED"}));
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_CONNECTED});
}

/// 2002 talks to 2001 (c1, `orig`), holds it with lineSetupTransfer and consults 2003 (c2,
/// `consult`, connected).
class consultation_test : public calls_test {
  protected:
    HDRVCALL orig = nullptr, consult = nullptr;
    void SetUp() override {
        calls_test::SetUp();
        orig = incoming_connected("c1", "2001", "2002");
        calls::setup_transfer(p(), rid(), orig, ht_call(2), &consult, nullptr);
        reply(ok<svc::hold_call>());
        event("2002", ev_held({"c1", "2002"}, connection_state::hold));
        calls::dial(p(), rid(), consult, w(u"2003"), 0);
        reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
        event("2002", ev_originated({"c2", "2002"}, "2002", "2003"));
        event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    }
};

TEST_F(consultation_test, swap_hold_moves_the_transfer_pairing) {
    EXPECT_EQ(calls::swap_hold(p(), 1, orig, consult), E(LINEERR_INVALCALLSTATE));
    const auto s = rid();
    ASSERT_EQ(calls::swap_hold(p(), s, consult, orig), static_cast<LONG>(s));
    const auto& ap = std::get<svc::alternate_call::params>(sent());
    EXPECT_EQ(ap.active_call, (connection_id{"c2", "2002"}));
    EXPECT_EQ(ap.other_call, (connection_id{"c1", "2002"}));
    reply(ok<svc::alternate_call>());
    clear_messages();
    event("2002", ev_held({"c2", "2002"}, connection_state::hold, event_cause::alternate));
    event("2002",
          ev_retrieved({"c1", "2002"}, connection_state::connected, event_cause::alternate));
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_ONHOLDPENDTRANSFER});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_CONNECTED});
    // The pending transfer now completes from the other handle.
    EXPECT_TRUE(features_of(consult) & LINECALLFEATURE_COMPLETETRANSF);
    EXPECT_EQ(completions(s), std::vector<LONG>{0});
}

// Issue 12 #12: after lineSwapHold in a consultation, lineUnhold of the held consultation was sent
// as ReconnectCall, which clears the *active* call: the customer. It swaps back instead.
TEST_F(consultation_test, unhold_after_swap_hold_retrieves_and_never_drops_the_customer) {
    calls::swap_hold(p(), rid(), consult, orig);
    reply(ok<svc::alternate_call>());
    event("2002", ev_held({"c2", "2002"}, connection_state::hold, event_cause::alternate));
    event("2002",
          ev_retrieved({"c1", "2002"}, connection_state::connected, event_cause::alternate));
    ASSERT_EQ(state_of(orig), DWORD{LINECALLSTATE_CONNECTED});
    ASSERT_TRUE(features_of(consult) & LINECALLFEATURE_UNHOLD);
    const auto u = rid();
    ASSERT_EQ(calls::unhold(p(), u, consult), static_cast<LONG>(u));
    ASSERT_TRUE(std::holds_alternative<svc::alternate_call::params>(sent()))
        << "unhold must not clear a call";
    const auto& ap = std::get<svc::alternate_call::params>(sent());
    EXPECT_EQ(ap.active_call, (connection_id{"c1", "2002"}));  // the customer goes on hold
    EXPECT_EQ(ap.other_call, (connection_id{"c2", "2002"}));
    reply(ok<svc::alternate_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold, event_cause::alternate));
    event("2002",
          ev_retrieved({"c2", "2002"}, connection_state::connected, event_cause::alternate));
    EXPECT_EQ(completions(u), std::vector<LONG>{0});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_ONHOLDPENDTRANSFER});  // the pairing is back
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_TRUE(features_of(orig) & LINECALLFEATURE_COMPLETETRANSF);
}

// Issue 12 #4: lineUnhold while another call on the address is active left two ACTIVE calls
// (dwMaxNumActiveCalls is 1). The active one goes on hold (AlternateCall); one that has no switch
// call to hold yet makes unhold unavailable.
TEST_F(calls_test, unhold_with_another_active_call_swaps_or_is_refused) {
    auto first = incoming_connected("c1", "2001", "2002");
    const auto h = rid();
    calls::hold(p(), h, first);
    reply(ok<svc::hold_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    ASSERT_EQ(state_of(first), DWORD{LINECALLSTATE_ONHOLD});
    // A second call, answered while the first is held.
    event("2002", ev_delivered({"c3", "2002"}, "2003", "2002", connection_state::alerting));
    event("2002", ev_established({"c3", "2002"}, "2003", "2002", connection_state::connected));
    const auto u = rid();
    ASSERT_EQ(calls::unhold(p(), u, first), static_cast<LONG>(u));
    ASSERT_TRUE(std::holds_alternative<svc::alternate_call::params>(sent()));
    const auto& ap = std::get<svc::alternate_call::params>(sent());
    EXPECT_EQ(ap.active_call, (connection_id{"c3", "2002"}));
    EXPECT_EQ(ap.other_call, (connection_id{"c1", "2002"}));
    reply(ok<svc::alternate_call>());
    event("2002", ev_held({"c3", "2002"}, connection_state::hold, event_cause::alternate));
    event("2002",
          ev_retrieved({"c1", "2002"}, connection_state::connected, event_cause::alternate));
    EXPECT_EQ(completions(u), std::vector<LONG>{0});
    EXPECT_EQ(state_of(first), DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_EQ(state_of(bound("2002", "c3")->hd()), DWORD{LINECALLSTATE_ONHOLD});
    // A dial-tone call of our own (no switch call yet) cannot be put on hold: no UNHOLD.
    const auto h2 = rid();
    calls::hold(p(), h2, first);
    reply(ok<svc::hold_call>());
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    const auto c3 = bound("2002", "c3")->hd();
    const auto d = rid();
    calls::drop(p(), d, c3);
    reply(ok<svc::clear_connection>());
    event("2002", ev_cleared({"c3", "2002"}, connection_state::null));
    HDRVCALL tone = nullptr;
    const auto m = rid();
    ASSERT_EQ(
        calls::make_call(p(), m, line_of("2002")->hd(), ht_call(9), &tone, nullptr, 0, nullptr),
        static_cast<LONG>(m));
    EXPECT_EQ(state_of(tone), DWORD{LINECALLSTATE_DIALTONE});
    EXPECT_FALSE(features_of(first) & LINECALLFEATURE_UNHOLD);
    EXPECT_EQ(calls::unhold(p(), 1, first), E(LINEERR_INVALCALLSTATE));
    EXPECT_EQ(pending(), 0u);
}

// Issue 12 #11: a switch that keeps the last party in `fail` (reorder tone) instead of clearing
// it. The call went IDLE on the other party's ConnectionCleared, lineDrop was then refused and
// the failed connection stayed on the switch for ever; it now stays DISCONNECTED until lineDrop.
TEST_F(calls_test, a_party_left_in_fail_stays_disconnected_until_line_drop_clears_it) {
    auto c = incoming_connected("c1", "2001", "2002");
    clear_messages();
    event("2002", ev_cleared({"c1", "2001"}, connection_state::connected));
    event("2002",
          ev_failed({"c1", "2002"}, "2002", connection_state::fail, event_cause::reorder_tone));
    EXPECT_EQ(state_of(c), DWORD{LINECALLSTATE_DISCONNECTED});
    EXPECT_EQ(seen("2002"), strings{"DISCONNECTED(0x1)"});  // NORMAL, and it stays
    const auto d = rid();
    ASSERT_EQ(calls::drop(p(), d, c), static_cast<LONG>(d));
    EXPECT_EQ(std::get<svc::clear_connection::params>(sent()).connection_to_be_cleared,
              (connection_id{"c1", "2002"}));
    reply(ok<svc::clear_connection>());
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    event("2002", ev_call_cleared("c1"));
    EXPECT_EQ(completions(d), std::vector<LONG>{0});
    EXPECT_EQ(state_of(c), DWORD{LINECALLSTATE_IDLE});
}

TEST_F(calls_test, blind_transfer_and_its_failures) {
    auto hd = incoming_connected("c1", "2001", "2002");
    EXPECT_EQ(calls::blind_transfer(p(), 1, hd, nullptr, 0), E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::blind_transfer(p(), 1, hd, w(u"ab!"), 0), E(LINEERR_INVALADDRESS));
    const auto b = rid();
    ASSERT_EQ(calls::blind_transfer(p(), b, hd, w(u"2003"), 0), static_cast<LONG>(b));
    EXPECT_EQ(std::get<svc::single_step_transfer::params>(sent()).transferred_to, "2003");
    reply(ok<svc::single_step_transfer>());
    proto::evt::transferred te;
    te.primary_old_call = {"c1", "2002"};
    te.transferring_device = "2002";
    te.transferred_to_device = "2003";
    te.transferred_connections = {
        {connection_id{"c1", "2001"}, connection_id{"c1", "2001"}, "2001"},
        {connection_id{"c1", "2002"}, std::nullopt, "2002"},
        {std::nullopt, connection_id{"c1", "2003"}, "2003"}};
    te.cause = event_cause::single_step_transfer;
    te.local_connection_info = connection_state::null;
    event("2002", te);
    te.local_connection_info = connection_state::connected;
    event("2001", te);
    event("2003", ev_delivered({"c1", "2003"}, "2001", "2003", connection_state::alerting,
                               event_cause::single_step_transfer, "2002"));
    EXPECT_EQ(seen("2002"), (strings{"NEWCALL", "OFFERING", "CONNECTED", "IDLE"}));
    EXPECT_EQ(seen("2003"), (strings{"NEWCALL", "OFFERING"}));
    EXPECT_EQ(bound("2003", "c1")->reason, DWORD{LINECALLREASON_TRANSFER});
    EXPECT_EQ(bound("2003", "c1")->redirecting.number, "2002");
    EXPECT_EQ(completions(b), std::vector<LONG>{0});
    EXPECT_EQ(calls::blind_transfer(p(), 1, hd, w(u"2003"), 0), E(LINEERR_INVALCALLSTATE));
}

// ---- conference ---------------------------------------------------------------------------------

TEST_F(calls_test, setup_conference_add_remove_and_collapse) {
    auto orig = incoming_connected("c1", "2001", "2002");
    HDRVCALL conf = nullptr, consult = nullptr;
    EXPECT_EQ(calls::setup_conference(p(), 1, orig, nullptr, ht_call(10), &conf, ht_call(11),
                                      nullptr, 3, nullptr),
              E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::setup_conference(p(), 1, orig, nullptr, ht_call(10), &conf, ht_call(11),
                                      &consult, 99, nullptr),
              E(LINEERR_CONFERENCEFULL));
    const auto sc = rid();
    ASSERT_EQ(calls::setup_conference(p(), sc, orig, nullptr, ht_call(10), &conf, ht_call(11),
                                      &consult, 3, nullptr),
              static_cast<LONG>(sc));
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));  // before the response
    reply(ok<svc::hold_call>());
    EXPECT_EQ(completions(sc), std::vector<LONG>{0});
    calls::dial(p(), rid(), consult, w(u"2003"), 0);
    reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
    event("2002", ev_originated({"c2", "2002"}, "2002", "2003"));
    event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    EXPECT_EQ(calls::add_to_conference(p(), 1, orig, consult), E(LINEERR_INVALCONFCALLHANDLE));
    EXPECT_EQ(calls::add_to_conference(p(), 1, conf, nullptr), E(LINEERR_INVALCONSULTCALLHANDLE));
    const auto add = rid();
    ASSERT_EQ(calls::add_to_conference(p(), add, conf, consult), static_cast<LONG>(add));
    const auto& cp = std::get<svc::conference_call::params>(sent());
    EXPECT_EQ(cp.held_call, (connection_id{"c1", "2002"}));
    EXPECT_EQ(cp.active_call, (connection_id{"c2", "2002"}));
    svc::conference_call::result cr;
    cr.conference_call = {"c1", "2002"};
    cr.connections = {{connection_id{"c1", "2001"}, connection_id{"c1", "2001"}, "2001"},
                      {connection_id{"c1", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2003"}, connection_id{"c1", "2003"}, "2003"}};
    reply(ok<svc::conference_call>(cr));
    EXPECT_EQ(completions(add), std::vector<LONG>{0});
    EXPECT_EQ(seen("2002", true),
              (strings{"c1:NEWCALL", "c1:OFFERING", "c1:CONNECTED", "c2:ONHOLDPENDCONF",
                       "c1:CONFERENCED(c2)", "c3:DIALTONE", "c3:DIALING", "c3:PROCEEDING",
                       "c3:CONNECTED", "c2:CONNECTED", "c3:CONFERENCED(c2)"}));
    // The Conferenced event after the response changes nothing more.
    proto::evt::conferenced ce;
    ce.primary_old_call = {"c1", "2002"};
    ce.secondary_old_call = connection_id{"c2", "2002"};
    ce.conferencing_device = "2002";
    ce.added_party = "2003";
    ce.conference_connections = cr.connections;
    ce.local_connection_info = connection_state::connected;
    clear_messages();
    event("2002", ce);
    EXPECT_EQ(seen("2002"), strings{});
    // Remove the consulted party: its member goes IDLE, the conference collapses (TSP++).
    EXPECT_EQ(calls::remove_from_conference(p(), 1, conf), E(LINEERR_INVALCALLSTATE));
    const auto rm = rid();
    ASSERT_EQ(calls::remove_from_conference(p(), rm, consult), static_cast<LONG>(rm));
    EXPECT_EQ(std::get<svc::clear_connection::params>(sent()).connection_to_be_cleared,
              (connection_id{"c1", "2003"}));
    reply(ok<svc::clear_connection>());
    event("2002", ev_cleared({"c1", "2003"}, connection_state::connected));
    EXPECT_EQ(completions(rm), std::vector<LONG>{0});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(conf), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_EQ(bound("2002", "c1")->hd(), orig);
}

// The party the conferencing device held (CONNECTED ACTIVEHELD) is active again once the
// conference is built: Conferenced replaces the Retrieved it never gets (e2e conference.tsc).
TEST_F(calls_test, conference_participant_held_by_the_conferencing_device_becomes_active) {
    incoming_connected("c1", "2001", "2002");
    event("2001", ev_held({"c1", "2002"}, connection_state::connected));
    proto::evt::conferenced ce;
    ce.primary_old_call = {"c1", "2002"};
    ce.secondary_old_call = connection_id{"c2", "2002"};
    ce.conferencing_device = "2002";
    ce.added_party = "2003";
    ce.conference_connections = {
        {connection_id{"c1", "2001"}, connection_id{"c1", "2001"}, "2001"},
        {connection_id{"c1", "2002"}, connection_id{"c1", "2002"}, "2002"},
        {connection_id{"c2", "2002"}, connection_id{"c1", "2002"}, "2002"},
        {connection_id{"c2", "2003"}, connection_id{"c1", "2003"}, "2003"}};
    ce.local_connection_info = connection_state::connected;
    event("2001", ce);
    const auto a = seen("2001");
    ASSERT_GE(a.size(), 2u);
    EXPECT_EQ(a[a.size() - 2], "CONNECTED(0x4)");
    EXPECT_EQ(a.back(), "CONNECTED");
}

/// 2002 talks to 2001 (c1), consults 2003 (c2) and completes the transfer as a conference (c5).
class conference_test : public calls_test {
  protected:
    HDRVCALL orig = nullptr, consult = nullptr, conf = nullptr;
    proto::evt::conferenced ce;

    void consult_then_conference() {
        orig = incoming_connected("c1", "2001", "2002");
        calls::setup_transfer(p(), rid(), orig, ht_call(2), &consult, nullptr);
        reply(ok<svc::hold_call>());
        calls::dial(p(), rid(), consult, w(u"2003"), 0);
        reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
        event("2002", ev_originated({"c2", "2002"}, "2002", "2003"));
        event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
        EXPECT_EQ(calls::complete_transfer(p(), 1, orig, consult, ht_call(3), nullptr,
                                           LINETRANSFERMODE_CONFERENCE),
                  E(LINEERR_INVALPOINTER));
        const auto ct = rid();
        ASSERT_EQ(calls::complete_transfer(p(), ct, orig, consult, ht_call(3), &conf,
                                           LINETRANSFERMODE_CONFERENCE),
                  static_cast<LONG>(ct));
        ASSERT_NE(conf, nullptr);
        // The event first, then the response.
        ce.primary_old_call = {"c1", "2002"};
        ce.secondary_old_call = connection_id{"c2", "2002"};
        ce.conferencing_device = "2002";
        ce.added_party = "2003";
        ce.conference_connections = {
            {connection_id{"c1", "2001"}, connection_id{"c5", "2001"}, "2001"},
            {connection_id{"c1", "2002"}, connection_id{"c5", "2002"}, "2002"},
            {connection_id{"c2", "2002"}, connection_id{"c5", "2002"}, "2002"},
            {connection_id{"c2", "2003"}, connection_id{"c5", "2003"}, "2003"}};
        ce.local_connection_info = connection_state::connected;
        clear_messages();
        event("2002", ce);
        EXPECT_EQ(seen("2002"), strings{}) << "nothing before the request completes";
        svc::conference_call::result cr;
        cr.conference_call = {"c5", "2002"};
        cr.connections = ce.conference_connections;
        reply(ok<svc::conference_call>(cr));
        EXPECT_EQ(completions(ct), std::vector<LONG>{0});
    }
};

TEST_F(conference_test, complete_transfer_as_conference_creates_a_parent) {
    consult_then_conference();
    const auto s = seen("2002");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], "CONNECTED");
    EXPECT_EQ(s[1].substr(0, 11), "CONFERENCED");
    EXPECT_EQ(s[2].substr(0, 11), "CONFERENCED");
    EXPECT_EQ(state_of(conf), DWORD{LINECALLSTATE_CONNECTED});
    // A participant line keeps its handle under the new callID.
    event("2001", ce);
    EXPECT_TRUE(bound("2001", "c5"));
    // The far end A hangs up: its member ends, the conference collapses to 2002–2003.
    event("2002", ev_cleared({"c5", "2001"}, connection_state::connected));
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(conf), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_CONNECTED});
}

// Issue 12 #5: lineDrop of the conference call released only the controller's connection and
// left the others talking in a conference nobody on this line controls. The conferencing line
// drops the whole conference (TSPI_lineDrop: every participating call is dropped).
TEST_F(conference_test, line_drop_of_the_conference_call_drops_every_party) {
    consult_then_conference();
    const auto d = rid();
    ASSERT_EQ(calls::drop(p(), d, conf), static_cast<LONG>(d));
    ASSERT_TRUE(std::holds_alternative<svc::clear_call::params>(sent()));
    EXPECT_EQ(std::get<svc::clear_call::params>(sent()).call_to_be_cleared, "c5");
    reply(ok<svc::clear_call>());
    clear_messages();
    event("2002", ev_cleared({"c5", "2001"}, connection_state::connected));
    event("2002", ev_cleared({"c5", "2003"}, connection_state::connected));
    event("2002", ev_cleared({"c5", "2002"}, connection_state::null));
    event("2002", ev_call_cleared("c5"));
    EXPECT_EQ(completions(d), std::vector<LONG>{0});
    EXPECT_EQ(state_of(conf), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_IDLE});
}

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

// ---- hostile calls ------------------------------------------------------------------------------

TEST_F(calls_test, hostile_calls_never_crash) {
    const auto stale = reinterpret_cast<HDRVCALL>(static_cast<std::uintptr_t>(987654));
    EXPECT_EQ(calls::answer(p(), 1, stale), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::drop(p(), 1, nullptr), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::hold(p(), 1, stale), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::swap_hold(p(), 1, stale, stale), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::get_call_status(p(), stale, nullptr), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::close_call(p(), stale), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::generate_digits(p(), stale, 1, LINEDIGITMODE_DTMF, w(u"1"), 0),
              E(LINEERR_INVALCALLHANDLE));
    auto hd = incoming_connected("c1", "2001", "2002");
    EXPECT_EQ(calls::get_call_status(p(), hd, nullptr), E(LINEERR_INVALPOINTER));
    LINECALLSTATUS small{};
    small.dwTotalSize = 4;
    EXPECT_EQ(calls::get_call_status(p(), hd, &small), E(LINEERR_STRUCTURETOOSMALL));
    EXPECT_EQ(calls::get_call_address_id(p(), hd, nullptr), E(LINEERR_INVALPOINTER));
    EXPECT_EQ(calls::get_call_ids(p(), hd, nullptr, nullptr, nullptr), E(LINEERR_INVALPOINTER));
    LINECALLSTATUS st{};
    st.dwTotalSize = sizeof st;
    ASSERT_EQ(calls::get_call_status(p(), hd, &st), 0);
    EXPECT_EQ(st.dwCallPrivilege, DWORD{LINECALLPRIVILEGE_OWNER});
    EXPECT_EQ(st.dwCallFeatures & ~caps::call_features, 0u);
    EXPECT_NE(st.tStateEntryTime.wYear, 0);
    EXPECT_EQ(calls::answer(p(), 1, hd), E(LINEERR_INVALCALLSTATE));
    EXPECT_EQ(calls::unpark(p(), 1, nullptr, 0, ht_call(1), nullptr, nullptr),
              E(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(calls::pickup(p(), 1, nullptr, 0, ht_call(1), nullptr, nullptr, nullptr),
              E(LINEERR_INVALLINEHANDLE));
    // Events for unknown calls, unknown events, out of order events.
    event("2002", ev_cleared({"zz", "2002"}, connection_state::null));
    event("2002", ev_call_cleared("zz"));
    event("2002", proto::evt::unknown_event{"FancyNewEvent"});
    event("2002", ev_retrieved({"zz", "2002"}, connection_state::null));
    event("9999", ev_cleared({"c1", "2001"}, connection_state::null));
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(state_of(hd), DWORD{LINECALLSTATE_CONNECTED});
    // After lineCloseCall every call function refuses the handle.
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    EXPECT_EQ(calls::drop(p(), 1, hd), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::set_app_specific(p(), hd, 1), E(LINEERR_INVALCALLHANDLE));
}

TEST_F(calls_test, a_monitor_that_missed_events_tracks_the_call_from_the_next_one) {
    // 2001 never saw the start of c3; an Established with its state connected adopts it.
    event("2001", ev_established({"c3", "2003"}, "2001", "2003", connection_state::connected));
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "CONNECTED"}));
    // Far end leaves: nobody else → DISCONNECTED(NORMAL), IDLE when the switch releases 2001.
    event("2001", ev_cleared({"c3", "2003"}, connection_state::connected));
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "CONNECTED", "DISCONNECTED(0x1)"}));
    event("2001", ev_cleared({"c3", "2001"}, connection_state::null));
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "CONNECTED", "DISCONNECTED(0x1)", "IDLE"}));
}

// ---- close, resync, link loss ---------------------------------------------------------------

TEST_F(calls_test, close_call_and_close_line_complete_pending_requests) {
    auto hd = incoming_connected("c1", "2001", "2002");
    const auto h = rid();
    calls::hold(p(), h, hd);
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    EXPECT_EQ(completions(h), std::vector<LONG>{E(LINEERR_OPERATIONFAILED)});
    reply(ok<svc::hold_call>());  // the late response changes nothing
    EXPECT_EQ(completions(h).size(), 1u);

    HDRVCALL mk = nullptr;
    const auto m = rid();
    calls::make_call(p(), m, line_of("2003")->hd(), ht_call(1), &mk, w(u"2001"), 0, nullptr);
    {
        std::lock_guard lock(p().mutex_);
        calls_line_closed_locked(p(), line_of("2003"));
    }
    EXPECT_EQ(completions(m), std::vector<LONG>{E(LINEERR_OPERATIONFAILED)});
    reply(ok<svc::make_call>({connection_id{"c8", "2003"}}));
    EXPECT_EQ(completions(m).size(), 1u);
}

proto::snapshot_connection snap(connection_id c, connection_state s, std::string calling,
                                std::string called) {
    proto::snapshot_connection sc;
    sc.connection = std::move(c);
    sc.state = s;
    sc.calling_device = std::move(calling);
    sc.called_device = std::move(called);
    return sc;
}

TEST_F(calls_test, resync_vanished_appeared_and_survived) {
    auto survivor = incoming_connected("c1", "2001", "2002");
    auto vanished = incoming_offering("c2", "2003", "2002");
    link().go_down();
    clear_messages();
    link().go_live(
        {truth("2002", {snap({"c1", "2002"}, connection_state::hold, "2001", "2002"),
                        snap({"c9", "2002"}, connection_state::alerting, "2003", "2002")})});
    auto got = seen("2002");
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (strings{"DISCONNECTED(0x2)", "IDLE", "NEWCALL", "OFFERING", "ONHOLD"}));
    EXPECT_EQ(state_of(survivor), DWORD{LINECALLSTATE_ONHOLD});
    EXPECT_EQ(bound("2002", "c1")->hd(), survivor);
    EXPECT_EQ(state_of(vanished), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(bound("2002", "c9")->caller.number, "2003");
}

TEST_F(calls_test, link_loss_during_a_consultation_and_a_conference) {
    auto orig = incoming_connected("c1", "2001", "2002");
    HDRVCALL consult = nullptr;
    calls::setup_transfer(p(), rid(), orig, ht_call(2), &consult, nullptr);
    reply(ok<svc::hold_call>());
    const auto d = rid();
    calls::dial(p(), d, consult, w(u"2003"), 0);
    // The link drops with the MakeCall in flight: OPERATIONFAILED, the consult back to dial tone.
    link().go_down();
    EXPECT_EQ(completions(d), std::vector<LONG>{E(LINEERR_OPERATIONFAILED)});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_DIALTONE});
    EXPECT_EQ(calls::hold(p(), 1, orig), E(LINEERR_INVALCALLSTATE));
    // Made while the link is down: held by the link, sent once it is live again.
    const auto u = rid();
    EXPECT_EQ(calls::unhold(p(), u, orig), static_cast<LONG>(u));
    ASSERT_EQ(pending(), 1u);
    EXPECT_TRUE(link().pending().front().held);
    // Back, the switch lost everything (restart): every call ends; the unhold finds no call.
    link().go_live({truth("2002", {})});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_IDLE});
    refuse(proto::error_category::operation, "invalidConnectionID");
    EXPECT_EQ(completions(u), std::vector<LONG>{E(LINEERR_INVALCALLSTATE)});
}

// Issue 12 #13: a sequence gap took every line out of service and back. Now the lines stay in
// service, calls keep their handles and only what changed is reported; a request made during the
// resync waits for it.
TEST_F(calls_test, a_sequence_gap_corrects_only_what_changed) {
    auto c = incoming_connected("c1", "2001", "2002");
    clear_messages();
    const auto h = rid();
    link().resync_after_lost_messages(
        {truth("2001", {snap({"c1", "2001"}, connection_state::connected, "2001", "2002")}),
         truth("2002", {snap({"c1", "2002"}, connection_state::hold, "2001", "2002")}),
         truth("2003", {})},
        "sequence gap");
    EXPECT_TRUE(line_of("2002")->in_service());
    EXPECT_EQ(state_of(c), DWORD{LINECALLSTATE_ONHOLD});  // held while the events were lost
    EXPECT_EQ(seen("2002"), strings{"ONHOLD"});
    EXPECT_TRUE(messages("2002", LINE_LINEDEVSTATE).empty());
    // The far ends are read: 2001 learns that 2002 holds it.
    answer_status_reads();  // re-read after lost messages
    ASSERT_EQ(pending(), 1u);
    svc::snapshot_call::result parties;
    parties.parties = {proto::call_party{connection_id{"c1", "2001"}, connection_state::connected},
                       proto::call_party{connection_id{"c1", "2002"}, connection_state::hold}};
    reply(svc_result{std::in_place_type<svc::snapshot_call::result>, parties});
    EXPECT_EQ(call_of(bound("2001", "c1")->hd())->state_mode(),
              DWORD{LINECONNECTEDMODE_ACTIVEHELD});
    // A request during the next resync is held, not refused.
    link().set_state(pbx_link::link_state::resyncing, "messagesLost");
    p().on_link_down(pbx_link::link_down{"systemStatus messagesLost", false, true});
    ASSERT_EQ(calls::unhold(p(), h, c), static_cast<LONG>(h));
    EXPECT_TRUE(link().pending().front().held);
    link().go_live(
        {truth("2001", {snap({"c1", "2001"}, connection_state::connected, "2001", "2002")}),
         truth("2002", {snap({"c1", "2002"}, connection_state::hold, "2001", "2002")}),
         truth("2003", {})});
    EXPECT_TRUE(std::holds_alternative<svc::retrieve_call::params>(sent()));
    reply(ok<svc::retrieve_call>());
    EXPECT_EQ(completions(h), std::vector<LONG>{0});
    answer_status_reads();
    reply(svc_result{std::in_place_type<svc::snapshot_call::result>, parties});
    EXPECT_TRUE(messages("2002", LINE_LINEDEVSTATE).empty());
}

// Issue 12 #1: a device's own truth cannot tell what its far end did during an outage. After the
// resync each call's parties are read (SnapshotCall) and every line's view corrected.
TEST_F(calls_test, resync_corrects_the_far_end_view) {
    proto::svc::snapshot_call::result parties;
    auto party = [](const char* call, const char* dev, connection_state st) {
        return proto::call_party{connection_id{call, dev}, st};
    };
    // Answered during the outage: the caller was RINGBACK.
    event("2001", ev_initiated({"c1", "2001"}, event_cause::new_call));
    event("2001", ev_originated({"c1", "2001"}, "2001", "2002"));
    event("2001", ev_delivered({"c1", "2002"}, "2001", "2002", connection_state::connected));
    event("2002", ev_delivered({"c1", "2002"}, "2001", "2002", connection_state::alerting));
    const auto a = bound("2001", "c1")->hd();
    ASSERT_EQ(state_of(a), DWORD{LINECALLSTATE_RINGBACK});
    // Held by its far end during the outage: 2003 talking to outside 0145678901.
    event("2003", ev_delivered({"c2", "2003"}, "0145678901", "2003", connection_state::alerting));
    event("2003",
          ev_established({"c2", "2003"}, "0145678901", "2003", connection_state::connected));
    const auto h = bound("2003", "c2")->hd();
    link().go_down();
    link().go_live(
        {truth("2001", {snap({"c1", "2001"}, connection_state::connected, "2001", "2002")}),
         truth("2002", {snap({"c1", "2002"}, connection_state::connected, "2001", "2002")}),
         truth("2003", {snap({"c2", "2003"}, connection_state::connected, "0145678901", "2003")})});
    EXPECT_EQ(state_of(a), DWORD{LINECALLSTATE_RINGBACK}) << "unknown until the switch is asked";
    answer_status_reads();
    // One SnapshotCall per call, whichever lines share it.
    std::set<std::string> asked;
    for (std::size_t i = 0; i < pending(); ++i) {
        asked.insert(std::get<svc::snapshot_call::params>(sent(i)).call_id);
    }
    EXPECT_EQ(asked, (std::set<std::string>{"c1", "c2"}));
    while (pending() != 0) {
        const auto id = std::get<svc::snapshot_call::params>(sent()).call_id;
        svc::snapshot_call::result r;
        if (id == "c1") {
            r.parties = {party("c1", "2001", connection_state::connected),
                         party("c1", "2002", connection_state::connected)};
        } else {
            r.parties = {party("c2", "T1", connection_state::hold),
                         party("c2", "2003", connection_state::connected)};
        }
        reply(svc_result{std::in_place_type<svc::snapshot_call::result>, r});
    }
    EXPECT_EQ(state_of(a), DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_EQ(call_of(a)->connected.number, "2002");
    EXPECT_EQ(state_of(h), DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_EQ(call_of(h)->state_mode(), DWORD{LINECONNECTEDMODE_ACTIVEHELD});
}

TEST_F(calls_test, resync_shows_a_caller_whose_far_end_still_rings_as_ringback) {
    link().go_down();
    link().go_live(
        {truth("2001", {snap({"c4", "2001"}, connection_state::connected, "2001", "0145678901")}),
         truth("2002", {}), truth("2003", {})});
    auto c = bound("2001", "c4");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state(), DWORD{LINECALLSTATE_CONNECTED});
    answer_status_reads();
    svc::snapshot_call::result r;
    r.parties = {proto::call_party{connection_id{"c4", "2001"}, connection_state::connected},
                 proto::call_party{connection_id{"c4", "T7"}, connection_state::alerting}};
    reply(svc_result{std::in_place_type<svc::snapshot_call::result>, r});
    EXPECT_EQ(c->state(), DWORD{LINECALLSTATE_RINGBACK});
}

TEST_F(calls_test, link_loss_keeps_a_conference_the_truth_still_shows) {
    auto orig = incoming_connected("c1", "2001", "2002");
    HDRVCALL conf = nullptr, consult = nullptr;
    calls::setup_conference(p(), rid(), orig, nullptr, ht_call(10), &conf, ht_call(11), &consult, 3,
                            nullptr);
    reply(ok<svc::hold_call>());
    calls::dial(p(), rid(), consult, w(u"2003"), 0);
    reply(ok<svc::make_call>({connection_id{"c2", "2002"}}));
    event("2002", ev_established({"c2", "2003"}, "2002", "2003", connection_state::connected));
    calls::add_to_conference(p(), rid(), conf, consult);
    svc::conference_call::result cr;
    cr.conference_call = {"c1", "2002"};
    cr.connections = {{connection_id{"c1", "2001"}, connection_id{"c1", "2001"}, "2001"},
                      {connection_id{"c1", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2003"}, connection_id{"c1", "2003"}, "2003"}};
    reply(ok<svc::conference_call>(cr));
    ASSERT_EQ(state_of(conf), DWORD{LINECALLSTATE_CONNECTED});
    link().go_down();
    clear_messages();
    link().go_live(
        {truth("2002", {snap({"c1", "2002"}, connection_state::connected, "2001", "2002")})});
    EXPECT_EQ(seen("2002"), strings{});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_CONFERENCED});
    link().go_down();
    link().go_live({truth("2002", {})});
    EXPECT_EQ(state_of(conf), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(orig), DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(state_of(consult), DWORD{LINECALLSTATE_IDLE});
}

}  // namespace
}  // namespace ctigw::tsp::testing
