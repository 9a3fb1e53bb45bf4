// Call control when things go wrong: hostile calls, a monitor that missed events, close with
// requests pending, resync (the far end's view too) and link loss.
#include <algorithm>
#include <set>

#include "calls_test_flows.hpp"

#include "capabilities.hpp"

namespace ctigw::tsp::testing {
namespace {

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
    // LINECALLFEATURE2 follow from the features as they are when read.
    EXPECT_NE(st.dwCallFeatures & LINECALLFEATURE_PARK, 0u);
    EXPECT_EQ(st.dwCallFeatures2 & (LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT),
              DWORD{LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT});
    EXPECT_EQ(st.dwCallFeatures2 & ~caps::call_features2, 0u);
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
    calls_line_closed(p(), line_of("2003"));
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
    state_->on_link_down(pbx_link::link_down{"systemStatus messagesLost", false, true});
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
    reply(ok<svc::conference_call>(conference_of_c1_and_c2()));
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
