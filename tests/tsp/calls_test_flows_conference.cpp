// Call control flows of conferences: setup, add and remove a party, a transfer completed as a
// conference, and dropping the conference call.
#include "calls_test_flows.hpp"

namespace ctigw::tsp::testing {
namespace {

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
    const auto cr = conference_of_c1_and_c2();
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

}  // namespace
}  // namespace ctigw::tsp::testing
