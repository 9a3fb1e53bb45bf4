// The simulator's ACD (docs/pbx-sim.md "ACD groups and agents"): agents log on and change
// state, calls to a group wait there and go to the longest-idle ready agent, after-call work
// ends on its timer, overflow and abandon are counted. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;
using protocol::agent_state;
using protocol::requested_agent_state;
using rq = protocol::requested_agent_state;

const std::string Q = "6001", Q2 = "6002";

class acd_test : public model_test {
  protected:
    void SetUp() override {
        auto c = test_config();
        c.acd_groups = {{Q, "Sales", {A, B, C}, 2, std::nullopt, milliseconds{10000}},
                        {Q2, "Support", {}, 1, std::string(D), milliseconds{0}}};
        c.agent_pins = {{"a-1", "1111"}, {"a-2", "2222"}, {"a-3", "3333"}};
        make(std::move(c));
    }
    sv::set_agent_state::result set(const std::string& dev, rq to,
                                    std::optional<std::string> group = std::nullopt,
                                    std::optional<std::string> reason = std::nullopt) {
        return ok<sv::set_agent_state>({dev, to, {}, {}, std::move(group), std::move(reason)});
    }
    void log_on(const std::string& dev, const std::string& id, const std::string& pin) {
        ok<sv::set_agent_state>({dev, rq::logged_on, id, pin, Q, {}});
    }
    std::vector<protocol::agent_group_state> states(const std::string& dev) {
        return ok<sv::get_agent_state>({dev, {}}).agent_states;
    }
    sv::get_queue_statistics::result stats(const std::string& q = Q) {
        return ok<sv::get_queue_statistics>({q});
    }
    std::string waiting_call(const std::string& from = "0301", const std::string& to = Q) {
        auto r = m().external_call(from, to, now_);
        EXPECT_EQ(r.index(), 0u) << std::get<1>(r);
        return std::get<0>(r);
    }
};

TEST_F(acd_test, groups_are_acd_devices_listed_after_the_others) {
    EXPECT_TRUE(m().is_device(Q));
    const auto r = ok<sv::get_switching_function_devices>(
        {protocol::device_category::acd, std::nullopt, std::nullopt});
    ASSERT_EQ(r.devices.size(), 2u);
    EXPECT_EQ(r.devices[0].device, Q);
    EXPECT_EQ(r.devices[0].name, "Sales");
    auto bad = test_config();
    bad.acd_groups = {{"6001", "x", {"7001"}, 2, std::nullopt, milliseconds{0}}};
    EXPECT_THROW(switch_model(bad, sink_), std::invalid_argument);  // an orbit is no agent
}

TEST_F(acd_test, an_agent_logs_on_not_ready_and_every_change_is_an_event_per_group) {
    monitor_all({A, Q});
    log_on(A, "a-1", "1111");
    expect_events({{A, "AgentLoggedOn", {}},
                   {Q, "AgentLoggedOn", {}},
                   {A, "AgentNotReady", {}},
                   {Q, "AgentNotReady", {}}});
    set(A, rq::ready);
    expect_events({{A, "AgentReady", {}}, {Q, "AgentReady", {}}});
    set(A, rq::not_ready, std::nullopt, std::string("lunch"));
    EXPECT_EQ(nth<ev::agent_not_ready>().reason_code, "lunch");
    EXPECT_EQ(nth<ev::agent_not_ready>().agent_id, "a-1");
    take();
    const auto s = ok<sv::get_agent_state>({A, {}});
    ASSERT_EQ(s.agent_states.size(), 1u);
    EXPECT_EQ(s.agent_states[0].acd_group, Q);
    EXPECT_EQ(s.agent_states[0].state, agent_state::not_ready);
    EXPECT_EQ(s.agent_states[0].reason_code, "lunch");
    EXPECT_EQ(s.reasons.size(), 4u);
    set(A, rq::logged_off);
    expect_events({{A, "AgentLoggedOff", {}}, {Q, "AgentLoggedOff", {}}});
    EXPECT_TRUE(states(A).empty());
}

TEST_F(acd_test, what_an_agent_may_not_do_is_refused_and_changes_nothing) {
    using protocol::error_category;
    refused<sv::set_agent_state>({A, rq::logged_on, "a-1", "9999", Q, {}}, error_category::security,
                                 "invalidCredentials");
    refused<sv::set_agent_state>({A, rq::logged_on, "a-9", "1111", Q, {}}, error_category::security,
                                 "invalidCredentials");
    refused<sv::set_agent_state>({A, rq::ready, {}, {}, {}, {}},
                                 error_category::state_incompatibility, "invalidDeviceState");
    refused<sv::set_agent_state>({D, rq::logged_on, "a-2", "2222", Q, {}},
                                 error_category::operation, "valueOutOfRange");  // not in Sales
    refused<sv::set_agent_state>({A, rq::logged_on, "a-1", "1111", "7001", {}},
                                 error_category::operation, "valueOutOfRange");
    refused<sv::set_agent_state>({Q, rq::logged_on, "a-1", "1111", Q, {}},
                                 error_category::operation, "invalidDeviceID");
    log_on(A, "a-1", "1111");
    refused<sv::set_agent_state>({A, rq::not_ready, {}, {}, {}, "nap"}, error_category::operation,
                                 "valueOutOfRange");
    refused<sv::set_agent_state>({A, rq::ready, {}, {}, Q2, {}},
                                 error_category::state_incompatibility, "invalidDeviceState");
    refused<sv::get_queue_statistics>({A}, error_category::operation, "invalidDeviceID");
}

TEST_F(acd_test, a_call_waits_then_goes_to_the_longest_idle_ready_agent_then_wrap_up) {
    log_on(A, "a-1", "1111");
    log_on(B, "a-2", "2222");
    set(B, rq::ready);
    advance(milliseconds{1000});
    set(A, rq::ready);  // B has been idle longer
    monitor_all({A, B, Q});
    take();
    advance(milliseconds{5000});
    set(B, rq::not_ready, std::nullopt, std::string("break"));
    take();
    // Only A is ready now. A second caller finds nobody and waits.
    const auto c1 = waiting_call();
    EXPECT_EQ(nth<ev::delivered>().cause, event_cause::distributed);
    expect_events({{Q, "Queued", cs::queued},
                   {Q, "Diverted", cs::null},
                   {A, "AgentBusy", {}},
                   {Q, "AgentBusy", {}},
                   {A, "Delivered", cs::alerting}});
    const auto c2 = waiting_call("0302");
    expect_events({{Q, "Queued", cs::queued}});
    EXPECT_EQ(stats().calls_waiting, 1u);
    advance(milliseconds{7000});
    EXPECT_EQ(stats().longest_wait_seconds, 7u);

    ok<sv::answer_call>({connection_id{c1, A}});
    take();
    advance(milliseconds{60000});
    ok<sv::clear_connection>({connection_id{c1, A}});
    expect_events({{A, "ConnectionCleared", cs::null},
                   {A, "AgentWorkingAfterCall", {}},
                   {Q, "AgentWorkingAfterCall", {}}});
    // Wrap-up: the waiting call stays until A is ready again.
    advance(milliseconds{9999});
    EXPECT_TRUE(take().empty());
    advance(milliseconds{1});
    EXPECT_EQ(nth<ev::delivered>().connection.call_id, c2);
    expect_events({{A, "AgentReady", {}},
                   {Q, "AgentReady", {}},
                   {Q, "Diverted", cs::null},
                   {A, "AgentBusy", {}},
                   {Q, "AgentBusy", {}},
                   {A, "Delivered", cs::alerting}});
    const auto s = stats();
    EXPECT_EQ(s.calls_completed, 1u);
    EXPECT_EQ(s.calls_waiting, 0u);
    EXPECT_EQ(s.agents_logged_on, 2u);
    EXPECT_EQ(s.agents_ready, 0u);
    EXPECT_EQ(s.average_talk_seconds, 60u);
}

TEST_F(acd_test, a_station_dials_the_group_and_the_ready_agent_answers) {
    log_on(A, "a-1", "1111");
    set(A, rq::ready);
    const auto r = ok<sv::make_call>({E, Q, std::nullopt, std::nullopt});
    const auto c = r.calling_connection.call_id;
    const auto at_a = snap(A);
    ASSERT_EQ(at_a.size(), 1u);
    EXPECT_EQ(at_a[0].state, cs::alerting);
    EXPECT_EQ(at_a[0].connection.call_id, c);
    ok<sv::answer_call>({connection_id{c, A}});
    EXPECT_EQ(states(A)[0].state, agent_state::busy);
    EXPECT_EQ(stats().calls_completed, 1u);
    // While busy, nothing more is delivered to A: a second call waits, and is in the snapshot.
    const auto c2 = waiting_call();
    const auto at_q = snap(Q);
    ASSERT_EQ(at_q.size(), 1u);
    EXPECT_EQ(at_q[0].connection.call_id, c2);
    EXPECT_EQ(at_q[0].state, cs::queued);
}

TEST_F(acd_test, a_not_ready_request_during_a_call_is_pending_until_it_ends) {
    log_on(A, "a-1", "1111");
    set(A, rq::ready);
    const auto c = waiting_call();
    ok<sv::answer_call>({connection_id{c, A}});
    monitor(A);
    take();
    const auto r = set(A, rq::not_ready, std::nullopt, std::string("meeting"));
    EXPECT_EQ(r.pending_state, agent_state::not_ready);
    EXPECT_EQ(nth<ev::agent_busy>().pending_state, agent_state::not_ready);
    EXPECT_EQ(states(A)[0].pending_state, agent_state::not_ready);
    take();
    ok<sv::clear_connection>({connection_id{c, A}});
    EXPECT_EQ(nth<ev::agent_not_ready>().reason_code, "meeting");
    expect_events({{A, "ConnectionCleared", cs::null}, {A, "AgentNotReady", {}}});
}

TEST_F(acd_test, a_caller_who_hangs_up_while_waiting_is_counted_abandoned) {
    const auto c = waiting_call();
    monitor(Q);
    EXPECT_EQ(m().external_hangup(c, now_), "");
    const auto evs = take();
    ASSERT_FALSE(evs.empty());
    EXPECT_EQ(evs.back().name, "CallCleared");
    EXPECT_EQ(stats().calls_abandoned, 1u);
    EXPECT_EQ(stats().calls_waiting, 0u);
}

TEST_F(acd_test, a_full_group_overflows_to_its_destination_or_busy) {
    // Support holds one call and overflows to D.
    waiting_call("0301", Q2);
    monitor_all({D, Q2});
    waiting_call("0302", Q2);
    EXPECT_EQ(nth<ev::delivered>().cause, event_cause::overflow);
    expect_events({{Q2, "Diverted", cs::null}, {D, "Delivered", cs::alerting}});
    // Sales holds two and has nowhere to go: busy.
    waiting_call("0303", Q);
    waiting_call("0304", Q);
    monitor(Q);
    auto r = m().external_call("0305", Q, now_);
    ASSERT_EQ(r.index(), 0u);
    EXPECT_TRUE(m().devices_in_call(std::get<0>(r)).empty());  // the outside caller got busy
    EXPECT_TRUE(take().empty());                               // it never reached the group
    EXPECT_EQ(stats().calls_waiting, 2u);
}

TEST_F(acd_test, a_route_point_moves_a_waiting_call_with_deflect) {
    const auto c = waiting_call();
    monitor_all({Q, E});
    ok<sv::deflect_call>({connection_id{c, Q}, E});
    expect_events({{Q, "Diverted", cs::null}, {E, "Delivered", cs::alerting}});
    EXPECT_EQ(stats().calls_waiting, 0u);
    EXPECT_EQ(stats().calls_abandoned, 0u);
}

TEST_F(acd_test, a_restart_logs_every_agent_off) {
    log_on(A, "a-1", "1111");
    m().restart();
    EXPECT_TRUE(states(A).empty());
}

}  // namespace
}  // namespace ctigw::pbxsim
