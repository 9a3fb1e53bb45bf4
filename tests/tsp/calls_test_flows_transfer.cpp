// Call control flows of hold, unhold and swap hold, consultation transfer (setup, complete,
// cancel by unhold) and blind transfer.
#include "calls_test_flows.hpp"

namespace ctigw::tsp::testing {
namespace {

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

}  // namespace
}  // namespace ctigw::tsp::testing
