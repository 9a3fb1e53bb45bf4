// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): devices and monitors, making,
// answering, clearing and holding calls, restart and scale. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

// ---- devices and monitors -----------------------------------------------------------------------

TEST_F(model_test, devices_from_config) {
    EXPECT_EQ(m().stations().size(), 100u);
    EXPECT_TRUE(m().is_device("2000"));
    EXPECT_TRUE(m().is_device("7001"));
    EXPECT_TRUE(m().is_device("g1"));
    EXPECT_FALSE(m().is_device("2100"));
    sim_config bad = test_config();
    bad.stations = {{"200", "2000"}};
    EXPECT_THROW(switch_model(bad, sink_), std::invalid_argument);
    sim_config padded = test_config();
    padded.stations = {{"0098", "0101"}};
    padded.pickup_groups.clear();
    switch_model p(padded, sink_);
    EXPECT_EQ(p.stations(), (std::vector<std::string>{"0098", "0099", "0100", "0101"}));
}

TEST_F(model_test, monitor_start_is_idempotent_per_session) {
    auto r1 = ok<sv::monitor_start>({A}, 1);
    auto r2 = ok<sv::monitor_start>({A}, 1);
    auto r3 = ok<sv::monitor_start>({A}, 2);
    EXPECT_EQ(r1.monitor_ref, r2.monitor_ref);
    EXPECT_NE(r1.monitor_ref, r3.monitor_ref);
    EXPECT_EQ(m().stats().monitors, 2u);
    refused<sv::monitor_start>({"9999"}, error_category::operation, "invalidDeviceID");
}

TEST_F(model_test, monitor_batches_answer_per_item_in_order) {
    auto r = ok<sv::monitor_start_batch>({{A, "nope", "7001", A}});
    ASSERT_EQ(r.results.size(), 4u);
    EXPECT_TRUE(r.results[0].monitor_ref);
    ASSERT_TRUE(r.results[1].error);
    EXPECT_EQ(r.results[1].error->value, "invalidDeviceID");
    EXPECT_TRUE(r.results[2].monitor_ref);
    EXPECT_EQ(r.results[3].monitor_ref, r.results[0].monitor_ref);
    auto s = ok<sv::monitor_stop_batch>({{*r.results[0].monitor_ref, "m-999"}});
    ASSERT_EQ(s.results.size(), 2u);
    EXPECT_FALSE(s.results[0].error);
    ASSERT_TRUE(s.results[1].error);
    EXPECT_EQ(s.results[1].error->value, "invalidMonitorCrossRefID");
}

TEST_F(model_test, monitor_stop_and_session_close) {
    const auto ref = monitor(A, 1);
    monitor(B, 2);
    refused<sv::monitor_stop>({"m-77"}, error_category::operation, "invalidMonitorCrossRefID");
    // another session's monitor is not ours to stop
    auto r = call(
        protocol::service_params{std::in_place_index<protocol::service_index_v<sv::monitor_stop>>,
                                 sv::monitor_stop::params{ref}},
        2);
    EXPECT_TRUE(std::holds_alternative<csta_error>(r.outcome));
    ok<sv::monitor_stop>({ref}, 1);
    m().session_closed(2);
    EXPECT_EQ(m().stats().monitors, 0u);
    connect(A, B);
    EXPECT_TRUE(take().empty());
}

TEST_F(model_test, fan_out_reaches_every_session) {
    monitor(A, 1);
    auto ref2 = ok<sv::monitor_start>({A}, 2).monitor_ref;
    ref_device_[ref2] = A + "@2";
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A + "@2", "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A + "@2", "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {A + "@2", "Delivered", cs::connected}});
}

TEST_F(model_test, switching_function_devices_pages_with_cursor) {
    auto p1 = ok<sv::get_switching_function_devices>({std::nullopt, std::nullopt, 60});
    ASSERT_EQ(p1.devices.size(), 60u);
    ASSERT_TRUE(p1.next_cursor);
    auto p2 = ok<sv::get_switching_function_devices>({std::nullopt, p1.next_cursor, 60});
    ASSERT_EQ(p2.devices.size(), 44u);  // 100 stations + 2 orbits + 2 groups
    EXPECT_FALSE(p2.next_cursor);
    EXPECT_EQ(p2.devices[40].device, "7001");
    EXPECT_EQ(p2.devices[40].category, protocol::device_category::park);
    EXPECT_EQ(p2.devices[43].category, protocol::device_category::pickup_group);
    auto parks = ok<sv::get_switching_function_devices>(
        {protocol::device_category::park, std::nullopt, std::nullopt});
    EXPECT_EQ(parks.devices.size(), 2u);
    auto all = ok<sv::get_switching_function_devices>({});
    EXPECT_EQ(all.devices.size(), 104u);
    refused<sv::get_switching_function_devices>({std::nullopt, std::string{"zz"}, std::nullopt},
                                                error_category::operation, "valueOutOfRange");
    refused<sv::get_switching_function_devices>(
        {protocol::device_category::park, p1.next_cursor, 5}, error_category::operation,
        "valueOutOfRange");
}

// ---- MakeCall / AnswerCall / clearing -----------------------------------------------------------

TEST_F(model_test, make_call_and_answer) {
    monitor_all({A, B});
    const protocol::byte_string corr{"abc"};
    auto r = ok<sv::make_call>({A, B, corr, std::nullopt});
    EXPECT_EQ(r.calling_connection.device_id, A);
    EXPECT_EQ(r.calling_connection.call_id, "c-1");
    EXPECT_EQ(nth<ev::service_initiated>().cause, event_cause::make_call);
    EXPECT_EQ(nth<ev::service_initiated>().correlator_data, corr);
    EXPECT_EQ(nth<ev::delivered>().correlator_data, corr);
    EXPECT_EQ(nth<ev::delivered>().called_device, B);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    EXPECT_EQ(snap(B),
              (std::vector<protocol::snapshot_connection>{{{"c-1", B}, cs::alerting, A, B, corr}}));
    ok<sv::answer_call>({connection_id{"c-1", B}});
    EXPECT_EQ(nth<ev::established>().answering_device, B);
    expect_events({{A, "Established", cs::connected}, {B, "Established", cs::connected}});
    auto sc = ok<sv::snapshot_call>({"c-1"});
    EXPECT_EQ(sc.parties, (std::vector<protocol::call_party>{{{"c-1", A}, cs::connected},
                                                             {{"c-1", B}, cs::connected}}));
    EXPECT_EQ(sc.correlator_data, corr);
    auto sd = ok<sv::snapshot_device_batch>({{A, "x"}});
    ASSERT_EQ(sd.results.size(), 2u);
    EXPECT_EQ(sd.results[0].connections.size(), 1u);
    EXPECT_EQ(sd.results[1].error->value, "invalidDeviceID");
    // second call gets a fresh callID
    auto r2 = ok<sv::make_call>({C, D, std::nullopt, std::nullopt});
    EXPECT_EQ(r2.calling_connection.call_id, "c-2");
}

TEST_F(model_test, make_call_without_auto_originate) {
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, false});
    EXPECT_EQ(nth<ev::delivered>().cause, event_cause::make_call);
    expect_events({{A, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{"c-1", A}});
    expect_events({{A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
}

TEST_F(model_test, make_call_to_busy_device_fails_then_caller_clears) {
    connect(B, C);
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::failed>().cause, event_cause::busy);
    EXPECT_EQ(nth<ev::failed>().failing_device, B);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Failed", cs::fail}});
    EXPECT_EQ(snap(A)[0].state, cs::fail);
    ok<sv::clear_connection>({connection_id{"c-2", A}});
    expect_events({{A, "ConnectionCleared", cs::null}, {A, "CallCleared", cs::null}});
    EXPECT_TRUE(snap(A).empty());
}

TEST_F(model_test, make_call_to_dnd_device_fails) {
    ok<sv::set_do_not_disturb>({B, true});
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::failed>().cause, event_cause::do_not_disturb);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Failed", cs::fail}});
}

TEST_F(model_test, make_call_forbidden_cases) {
    refused<sv::make_call>({"9999", B, std::nullopt, std::nullopt}, error_category::operation,
                           "invalidDeviceID");
    refused<sv::make_call>({"7001", B, std::nullopt, std::nullopt}, error_category::operation,
                           "invalidDeviceID");
    refused<sv::make_call>({A, "12345", std::nullopt, std::nullopt}, error_category::operation,
                           "invalidDestination");
    refused<sv::make_call>({A, "7001", std::nullopt, std::nullopt}, error_category::operation,
                           "invalidDestination");
    refused<sv::make_call>({A, A, std::nullopt, std::nullopt}, error_category::operation,
                           "invalidDestination");
    connect(A, B);
    refused<sv::make_call>({A, C, std::nullopt, std::nullopt},
                           error_category::state_incompatibility, "invalidDeviceState");
}

TEST_F(model_test, call_limit_is_enforced) {
    sim_config cfg = test_config();
    cfg.max_calls = 2;
    make(cfg);
    connect(A, B);
    connect(C, D);
    refused<sv::make_call>({E, "2006", std::nullopt, std::nullopt},
                           error_category::system_resource_availability, "resourceBusy");
    auto r = m().external_call("0301", "2007", now_);
    EXPECT_EQ(r.index(), 1u);
}

TEST_F(model_test, answer_call_forbidden_cases) {
    const auto c1 = connect(A, B);
    refused<sv::answer_call>({connection_id{c1, B}}, error_category::state_incompatibility,
                             "noCallToAnswer");
    refused<sv::answer_call>({connection_id{c1, C}}, error_category::operation,
                             "invalidConnectionID");
    refused<sv::answer_call>({connection_id{"c-999", B}}, error_category::operation,
                             "invalidConnectionID");
}

TEST_F(model_test, clear_connection_clears_the_last_party_too) {
    const auto c1 = connect(A, B);
    monitor_all({A, B});
    ok<sv::clear_connection>({connection_id{c1, A}});
    EXPECT_EQ(nth<ev::connection_cleared>(0).releasing_device, A);
    EXPECT_EQ(nth<ev::connection_cleared>(2).releasing_device, B);
    EXPECT_EQ(nth<ev::call_cleared>().cause, event_cause::normal_clearing);
    expect_events({{B, "ConnectionCleared", cs::connected},
                   {A, "ConnectionCleared", cs::null},
                   {B, "ConnectionCleared", cs::null},
                   {B, "CallCleared", cs::null}});
    EXPECT_TRUE(snap(A).empty());
    EXPECT_TRUE(snap(B).empty());
    EXPECT_EQ(m().stats().active_calls, 0u);
    refused<sv::clear_connection>({connection_id{c1, A}}, error_category::operation,
                                  "invalidConnectionID");
}

TEST_F(model_test, caller_abandons_while_alerting) {
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    ok<sv::clear_connection>({connection_id{"c-1", A}});
    expect_events({{B, "ConnectionCleared", cs::alerting},
                   {A, "ConnectionCleared", cs::null},
                   {B, "ConnectionCleared", cs::null},
                   {B, "CallCleared", cs::null}});
}

TEST_F(model_test, clear_call) {
    const auto c1 = connect(A, B);
    monitor_all({A, B});
    ok<sv::clear_call>({c1});
    expect_events({{B, "ConnectionCleared", cs::connected},
                   {A, "ConnectionCleared", cs::null},
                   {B, "ConnectionCleared", cs::null},
                   {A, "CallCleared", cs::null},
                   {B, "CallCleared", cs::null}});
    refused<sv::clear_call>({c1}, error_category::operation, "invalidCallID");
}

// ---- hold / retrieve / alternate / reconnect ---------------------------------------------------

TEST_F(model_test, hold_and_retrieve) {
    const auto c1 = connect(A, B);
    monitor_all({A, B});
    ok<sv::hold_call>({connection_id{c1, B}});
    expect_events({{A, "Held", cs::connected}, {B, "Held", cs::hold}});
    EXPECT_EQ(snap(B)[0].state, cs::hold);
    ok<sv::retrieve_call>({connection_id{c1, B}});
    expect_events({{A, "Retrieved", cs::connected}, {B, "Retrieved", cs::connected}});
}

TEST_F(model_test, hold_forbidden_cases) {
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    refused<sv::hold_call>({connection_id{"c-1", B}}, error_category::state_incompatibility,
                           "invalidConnectionState");
    refused<sv::hold_call>({connection_id{"c-1", C}}, error_category::operation,
                           "invalidConnectionID");
    refused<sv::retrieve_call>({connection_id{"c-1", A}}, error_category::state_incompatibility,
                               "noHeldCall");
}

TEST_F(model_test, alternate_call) {
    const auto c1 = connect(A, B);
    ok<sv::hold_call>({connection_id{c1, B}});
    const auto c2 = connect(B, C);
    monitor_all({A, B, C});
    ok<sv::alternate_call>({connection_id{c2, B}, connection_id{c1, B}});
    EXPECT_EQ(nth<ev::held>().cause, event_cause::alternate);
    EXPECT_EQ(nth<ev::retrieved>().cause, event_cause::alternate);
    expect_events({{B, "Held", cs::hold},
                   {C, "Held", cs::connected},
                   {A, "Retrieved", cs::connected},
                   {B, "Retrieved", cs::connected}});
    refused<sv::alternate_call>({connection_id{c2, B}, connection_id{c1, B}},
                                error_category::state_incompatibility, "noActiveCall");
    refused<sv::alternate_call>({connection_id{c1, B}, connection_id{c1, A}},
                                error_category::operation, "invalidConnectionID");
    ok<sv::retrieve_call>({connection_id{c2, B}});
    refused<sv::alternate_call>({connection_id{c1, B}, connection_id{c2, B}},
                                error_category::state_incompatibility, "noHeldCall");
}

TEST_F(model_test, reconnect_call) {
    const auto c1 = connect(A, B);
    ok<sv::hold_call>({connection_id{c1, B}});
    const auto c2 = connect(B, C);
    monitor_all({A, B, C});
    refused<sv::reconnect_call>({connection_id{c1, B}, connection_id{c2, B}},
                                error_category::state_incompatibility, "noActiveCall");
    ok<sv::reconnect_call>({connection_id{c2, B}, connection_id{c1, B}});
    expect_events({{C, "ConnectionCleared", cs::connected},
                   {B, "ConnectionCleared", cs::null},
                   {C, "ConnectionCleared", cs::null},
                   {C, "CallCleared", cs::null},
                   {A, "Retrieved", cs::connected},
                   {B, "Retrieved", cs::connected}});
    refused<sv::reconnect_call>({connection_id{c1, B}, connection_id{c2, B}},
                                error_category::operation, "invalidConnectionID");
}

// ---- restart, state machine, scale --------------------------------------------------------------

TEST_F(model_test, restart_loses_calls_monitors_and_settings) {
    connect(A, B);
    monitor(A);
    ok<sv::set_do_not_disturb>({C, true});
    ok<sv::park_call>({connection_id{"c-1", B}, std::nullopt});
    m().restart();
    EXPECT_EQ(m().stats().active_calls, 0u);
    EXPECT_EQ(m().stats().monitors, 0u);
    EXPECT_FALSE(m().next_deadline());
    EXPECT_FALSE(ok<sv::get_do_not_disturb>({C}).do_not_disturb_on);
    EXPECT_TRUE(snap(A).empty());
    sink_.events.clear();
    // callIDs are never reused, even across a restart
    EXPECT_EQ(ok<sv::make_call>({A, B, std::nullopt, std::nullopt}).calling_connection.call_id,
              "c-2");
    EXPECT_TRUE(sink_.events.empty());
}

TEST_F(model_test, transitions_are_traced) {
    transitions_.clear();
    const auto c1 = connect(A, B);
    ok<sv::hold_call>({connection_id{c1, B}});
    ok<sv::clear_connection>({connection_id{c1, A}});
    std::vector<std::tuple<std::string, cs, cs>> got;
    for (const auto& t : transitions_) got.emplace_back(t.device, t.from, t.to);
    EXPECT_EQ(got, (std::vector<std::tuple<std::string, cs, cs>>{{A, cs::null, cs::initiated},
                                                                 {A, cs::initiated, cs::connected},
                                                                 {B, cs::null, cs::alerting},
                                                                 {B, cs::alerting, cs::connected},
                                                                 {B, cs::connected, cs::hold},
                                                                 {A, cs::connected, cs::null},
                                                                 {B, cs::hold, cs::null}}));
}

TEST_F(model_test, hello_and_authenticate_are_refused) {
    refused<sv::hello>({{1}, "x", std::nullopt}, error_category::operation, "generic");
    refused<sv::authenticate>({"t"}, error_category::operation, "generic");
    EXPECT_EQ(ok<sv::request_system_status>({}).status, protocol::system_status::normal);
    EXPECT_GE(m().stats().requests_refused, 2u);
}

TEST_F(model_test, fifty_thousand_devices_are_monitorable) {
    sim_config cfg = test_config();
    cfg.stations = {{"100000", "149999"}};
    cfg.pickup_groups.clear();
    make(cfg);
    sv::monitor_start_batch::params p;
    for (const auto& s : m().stations()) p.devices.push_back(s);
    auto r = ok<sv::monitor_start_batch>(p);
    EXPECT_EQ(r.results.size(), 50000u);
    EXPECT_EQ(m().stats().monitors, 50000u);
    for (int i = 0; i < 1000; ++i) {
        const std::string a = std::to_string(100000 + 2 * i);
        const std::string b = std::to_string(100001 + 2 * i);
        auto mc = ok<sv::make_call>({a, b, std::nullopt, std::nullopt});
        ok<sv::answer_call>({connection_id{mc.calling_connection.call_id, b}});
        ok<sv::clear_connection>({mc.calling_connection});
    }
    EXPECT_EQ(m().stats().active_calls, 0u);
    EXPECT_EQ(m().stats().calls_created, 1000u);
}

}  // namespace
}  // namespace ctigw::pbxsim
