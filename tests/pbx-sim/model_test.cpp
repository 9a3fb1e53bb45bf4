// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): one test per documented
// service sequence and per documented forbidden case. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

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

// ---- consultation / transfer / conference ------------------------------------------------------

TEST_F(model_test, consultation_call) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    auto r = ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    EXPECT_EQ(r.initiated_call, (connection_id{"c-2", B}));
    EXPECT_EQ(nth<ev::held>().cause, event_cause::consultation);
    EXPECT_EQ(nth<ev::service_initiated>().cause, event_cause::consultation);
    expect_events({{A, "Held", cs::connected},
                   {B, "Held", cs::hold},
                   {B, "ServiceInitiated", cs::initiated},
                   {B, "Originated", cs::connected},
                   {B, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{"c-2", C}});
    expect_events({{B, "Established", cs::connected}, {C, "Established", cs::connected}});
    auto s = snap(B);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].state, cs::hold);
    EXPECT_EQ(s[1].state, cs::connected);
}

TEST_F(model_test, consultation_forbidden_cases) {
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    refused<sv::consultation_call>({connection_id{"c-1", B}, C, std::nullopt},
                                   error_category::state_incompatibility, "invalidConnectionState");
    ok<sv::answer_call>({connection_id{"c-1", B}});
    refused<sv::consultation_call>({connection_id{"c-1", B}, "555", std::nullopt},
                                   error_category::operation, "invalidDestination");
}

TEST_F(model_test, transfer_keeps_the_held_call_id) {
    const auto c1 = connect(A, B);
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-2", C}});
    monitor_all({A, B, C});
    auto r = ok<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    using entry = protocol::connection_list_entry;
    const std::vector<entry> list{
        {connection_id{c1, A}, connection_id{c1, A}, A},
        {connection_id{"c-2", C}, connection_id{c1, C}, C},
        {connection_id{c1, B}, std::nullopt, B},
    };
    EXPECT_EQ(r.transferred_call, c1);
    EXPECT_EQ(r.connections, list);
    auto t = nth<ev::transferred>();
    EXPECT_EQ(t.transferred_connections, list);
    EXPECT_EQ(t.transferred_to_device, C);
    EXPECT_EQ(t.secondary_old_call, (connection_id{"c-2", B}));
    expect_events({{A, "Transferred", cs::connected},
                   {C, "Transferred", cs::connected},
                   {B, "Transferred", cs::null}});
    EXPECT_TRUE(snap(B).empty());
    EXPECT_EQ(
        snap(C),
        (std::vector<protocol::snapshot_connection>{{{c1, C}, cs::connected, A, B, std::nullopt}}));
    refused<sv::snapshot_call>({"c-2"}, error_category::operation, "invalidCallID");
    EXPECT_EQ(m().stats().active_calls, 1u);
}

TEST_F(model_test, transfer_with_new_call_id) {
    sim_config cfg = test_config();
    cfg.new_call_id_on_transfer = true;
    make(cfg);
    const auto c1 = connect(A, B);
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-2", C}});
    monitor_all({A, B, C});
    auto r = ok<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    using entry = protocol::connection_list_entry;
    EXPECT_EQ(r.transferred_call, "c-3");
    EXPECT_EQ(r.connections, (std::vector<entry>{
                                 {connection_id{c1, A}, connection_id{"c-3", A}, A},
                                 {connection_id{"c-2", C}, connection_id{"c-3", C}, C},
                                 {connection_id{c1, B}, std::nullopt, B},
                             }));
    expect_events({{A, "Transferred", cs::connected},
                   {C, "Transferred", cs::connected},
                   {B, "Transferred", cs::null}});
    EXPECT_EQ(snap(A)[0].connection.call_id, "c-3");
    refused<sv::snapshot_call>({c1}, error_category::operation, "invalidCallID");
    EXPECT_EQ(m().stats().active_calls, 1u);
}

TEST_F(model_test, blind_transfer_after_consult_while_alerting) {
    const auto c1 = connect(A, B);
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    monitor_all({A, B, C});
    ok<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    expect_events({{A, "Transferred", cs::connected},
                   {C, "Transferred", cs::alerting},
                   {B, "Transferred", cs::null}});
    ok<sv::answer_call>({connection_id{c1, C}});
    auto e = nth<ev::established>();
    EXPECT_EQ(e.cause, event_cause::transfer);
    EXPECT_EQ(e.calling_device, A);
    expect_events({{A, "Established", cs::connected}, {C, "Established", cs::connected}});
}

TEST_F(model_test, transfer_forbidden_cases) {
    const auto c1 = connect(A, B);
    const auto c2 = connect(C, D);
    refused<sv::transfer_call>({connection_id{c1, B}, connection_id{c2, B}},
                               error_category::operation, "invalidConnectionID");
    ok<sv::hold_call>({connection_id{c1, B}});
    ok<sv::make_call>({B, E, std::nullopt, std::nullopt});  // c-3, B connected, E alerting
    refused<sv::transfer_call>({connection_id{"c-3", B}, connection_id{c1, B}},
                               error_category::state_incompatibility, "noHeldCall");
    ok<sv::retrieve_call>({connection_id{c1, B}});
    refused<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-3", B}},
                               error_category::state_incompatibility, "noHeldCall");
}

TEST_F(model_test, single_step_transfer) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    auto r = ok<sv::single_step_transfer>({connection_id{c1, B}, C});
    EXPECT_EQ(r.transferred_call, c1);
    auto t = nth<ev::transferred>();
    EXPECT_EQ(t.cause, event_cause::single_step_transfer);
    EXPECT_FALSE(t.secondary_old_call);
    ASSERT_EQ(t.transferred_connections.size(), 3u);
    EXPECT_EQ(t.transferred_connections[2].new_connection, (connection_id{c1, C}));
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.last_redirection_device, B);
    EXPECT_EQ(d.called_device, C);
    EXPECT_EQ(d.cause, event_cause::single_step_transfer);
    expect_events({{A, "Transferred", cs::connected},
                   {B, "Transferred", cs::null},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{c1, C}});
    EXPECT_EQ(nth<ev::established>().cause, event_cause::single_step_transfer);
    expect_events({{A, "Established", cs::connected}, {C, "Established", cs::connected}});
    refused<sv::single_step_transfer>({connection_id{c1, C}, A}, error_category::operation,
                                      "invalidDestination");
}

TEST_F(model_test, single_step_transfer_with_new_call_id) {
    sim_config cfg = test_config();
    cfg.new_call_id_on_transfer = true;
    make(cfg);
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    auto r = ok<sv::single_step_transfer>({connection_id{c1, B}, C});
    EXPECT_EQ(r.transferred_call, "c-2");
    ASSERT_EQ(nth<ev::transferred>().transferred_connections.size(), 3u);
    auto t = nth<ev::transferred>();
    EXPECT_EQ(t.transferred_connections[0].old_connection, (connection_id{c1, A}));
    EXPECT_EQ(t.transferred_connections[0].new_connection, (connection_id{"c-2", A}));
    EXPECT_EQ(snap(C)[0].connection.call_id, "c-2");
}

TEST_F(model_test, single_step_transfer_forbidden) {
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    refused<sv::single_step_transfer>({connection_id{"c-1", B}, C},
                                      error_category::state_incompatibility,
                                      "invalidConnectionState");
}

TEST_F(model_test, conference_build_up_limit_and_collapse) {
    const auto c1 = connect(A, B);
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-2", C}});
    monitor_all({A, B, C, D});
    auto r = ok<sv::conference_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    EXPECT_EQ(r.conference_call, (connection_id{c1, B}));
    using entry = protocol::connection_list_entry;
    EXPECT_EQ(r.connections, (std::vector<entry>{
                                 {connection_id{c1, A}, connection_id{c1, A}, A},
                                 {connection_id{c1, B}, connection_id{c1, B}, B},
                                 {connection_id{"c-2", C}, connection_id{c1, C}, C},
                             }));
    EXPECT_EQ(nth<ev::conferenced>().added_party, C);
    EXPECT_EQ(nth<ev::conferenced>().cause, event_cause::conference);
    expect_events({{A, "Conferenced", cs::connected},
                   {B, "Conferenced", cs::connected},
                   {C, "Conferenced", cs::connected}});
    // a fourth party (limit 4)
    ok<sv::consultation_call>({connection_id{c1, B}, D, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-3", D}});
    ok<sv::conference_call>({connection_id{c1, B}, connection_id{"c-3", B}});
    EXPECT_EQ(ok<sv::snapshot_call>({c1}).parties.size(), 4u);
    // a fifth is refused
    ok<sv::consultation_call>({connection_id{c1, B}, E, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-4", E}});
    take();
    refused<sv::conference_call>({connection_id{c1, B}, connection_id{"c-4", B}},
                                 error_category::system_resource_availability,
                                 "conferenceMemberLimitExceeded");
    ok<sv::clear_call>({"c-4"});
    ok<sv::retrieve_call>({connection_id{c1, B}});
    take();
    // parties leave: the call keeps its callID and collapses to a normal 2-party call
    ok<sv::clear_connection>({connection_id{c1, D}});
    expect_events({{A, "ConnectionCleared", cs::connected},
                   {B, "ConnectionCleared", cs::connected},
                   {C, "ConnectionCleared", cs::connected},
                   {D, "ConnectionCleared", cs::null}});
    ok<sv::clear_connection>({connection_id{c1, C}});
    take();
    EXPECT_EQ(ok<sv::snapshot_call>({c1}).parties.size(), 2u);
    ok<sv::hold_call>({connection_id{c1, B}});
    expect_events({{A, "Held", cs::connected}, {B, "Held", cs::hold}});
}

TEST_F(model_test, conference_forbidden_cases) {
    const auto c1 = connect(A, B);
    const auto c2 = connect(C, D);
    refused<sv::conference_call>({connection_id{c1, B}, connection_id{c2, C}},
                                 error_category::operation, "invalidConnectionID");
    refused<sv::conference_call>({connection_id{c1, B}, connection_id{"c-9", B}},
                                 error_category::operation, "invalidConnectionID");
}

TEST_F(model_test, single_step_conference) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, D});
    auto r = ok<sv::single_step_conference>({connection_id{c1, B}, D, std::nullopt});
    EXPECT_EQ(r.conference_call, (connection_id{c1, D}));
    auto cf = nth<ev::conferenced>();
    EXPECT_EQ(cf.cause, event_cause::single_step_conference);
    ASSERT_EQ(cf.conference_connections.size(), 3u);
    EXPECT_FALSE(cf.conference_connections[2].old_connection);
    expect_events({{A, "Conferenced", cs::connected},
                   {B, "Conferenced", cs::connected},
                   {D, "Conferenced", cs::connected}});
    ok<sv::single_step_conference>({connection_id{c1, B}, E, std::nullopt});
    refused<sv::single_step_conference>({connection_id{c1, B}, "2006", std::nullopt},
                                        error_category::system_resource_availability,
                                        "conferenceMemberLimitExceeded");
    refused<sv::single_step_conference>({connection_id{c1, B}, D, std::nullopt},
                                        error_category::state_incompatibility,
                                        "invalidDeviceState");
    refused<sv::single_step_conference>(
        {connection_id{c1, B}, "2006", protocol::participation_type::silent},
        error_category::operation, "serviceNotSupported");
    refused<sv::single_step_conference>({connection_id{c1, B}, "7001", std::nullopt},
                                        error_category::operation, "invalidDeviceID");
}

// ---- deflect / pickup / park -----------------------------------------------------------------

TEST_F(model_test, deflect_call) {
    monitor_all({A, B, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    ok<sv::deflect_call>({connection_id{"c-1", B}, C});
    auto dv = nth<ev::diverted>();
    EXPECT_EQ(dv.cause, event_cause::redirected);
    EXPECT_EQ(dv.new_destination, C);
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.last_redirection_device, B);
    EXPECT_EQ(d.called_device, B);
    EXPECT_EQ(d.cause, event_cause::redirected);
    expect_events({{A, "Diverted", cs::connected},
                   {B, "Diverted", cs::null},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{"c-1", C}});
    refused<sv::deflect_call>({connection_id{"c-1", C}, D}, error_category::state_incompatibility,
                              "invalidConnectionState");
}

TEST_F(model_test, directed_pickup_of_alerting_device) {
    monitor_all({A, B, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    auto r = ok<sv::directed_pickup_call>({B, std::nullopt, C});
    EXPECT_EQ(r.picked_call, (connection_id{"c-1", C}));
    EXPECT_EQ(nth<ev::diverted>().cause, event_cause::call_pickup);
    auto e = nth<ev::established>();
    EXPECT_EQ(e.cause, event_cause::call_pickup);
    EXPECT_EQ(e.last_redirection_device, B);
    EXPECT_EQ(e.called_device, B);
    expect_events({{A, "Diverted", cs::connected},
                   {B, "Diverted", cs::null},
                   {A, "Established", cs::connected},
                   {C, "Established", cs::connected}});
    EXPECT_TRUE(snap(B).empty());
}

TEST_F(model_test, directed_pickup_forbidden_cases) {
    refused<sv::directed_pickup_call>({B, std::nullopt, C}, error_category::state_incompatibility,
                                      "noCallToPickUp");
    refused<sv::directed_pickup_call>({"7001", std::nullopt, C},
                                      error_category::state_incompatibility, "noCallToPickUp");
    refused<sv::directed_pickup_call>({"9999", std::nullopt, C}, error_category::operation,
                                      "invalidDeviceID");
    refused<sv::directed_pickup_call>({B, std::nullopt, "9999"}, error_category::operation,
                                      "invalidDeviceID");
    refused<sv::directed_pickup_call>({std::nullopt, connection_id{"c-5", B}, C},
                                      error_category::operation, "invalidConnectionID");
    const auto c1 = connect(A, B);
    refused<sv::directed_pickup_call>({std::nullopt, connection_id{c1, B}, C},
                                      error_category::state_incompatibility, "noCallToPickUp");
    ok<sv::make_call>({D, E, std::nullopt, std::nullopt});
    refused<sv::directed_pickup_call>({E, std::nullopt, A}, error_category::state_incompatibility,
                                      "invalidDeviceState");
}

TEST_F(model_test, group_pickup) {
    monitor_all({A, B, C});
    ok<sv::make_call>({"2010", B, std::nullopt, std::nullopt});  // B in g1 alerting
    take();
    auto r = ok<sv::group_pickup_call>({C, std::nullopt});  // C's own group g1
    EXPECT_EQ(r.picked_call, (connection_id{"c-1", C}));
    EXPECT_EQ(nth<ev::established>().cause, event_cause::call_pickup);
    expect_events({{B, "Diverted", cs::null}, {C, "Established", cs::connected}});
    ok<sv::make_call>({A, "2011", std::nullopt, std::nullopt});
    auto r2 = ok<sv::group_pickup_call>({D, std::string{"g2"}});
    EXPECT_EQ(r2.picked_call, (connection_id{"c-2", D}));
    refused<sv::group_pickup_call>({E, std::nullopt}, error_category::operation, "invalidDeviceID");
    refused<sv::group_pickup_call>({E, std::string{"nope"}}, error_category::operation,
                                   "invalidDeviceID");
    refused<sv::group_pickup_call>({"2010", std::nullopt}, error_category::state_incompatibility,
                                   "noCallToPickUp");
}

TEST_F(model_test, park_and_retrieve) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C, "7001"});
    auto r = ok<sv::park_call>({connection_id{c1, B}, std::string{"7001"}});
    EXPECT_EQ(r.parked_to, "7001");
    auto q = nth<ev::queued>();
    EXPECT_EQ(q.cause, event_cause::park);
    EXPECT_EQ(q.last_redirection_device, B);
    EXPECT_EQ(nth<ev::connection_cleared>().cause, event_cause::park);
    expect_events({{A, "Queued", cs::connected},
                   {B, "Queued", cs::connected},
                   {"7001", "Queued", cs::queued},
                   {A, "ConnectionCleared", cs::connected},
                   {"7001", "ConnectionCleared", cs::queued},
                   {B, "ConnectionCleared", cs::null}});
    EXPECT_EQ(snap("7001")[0].state, cs::queued);
    refused<sv::park_call>({connection_id{"c-1", A}, std::string{"7001"}},
                           error_category::system_resource_availability, "resourceBusy");
    auto p = ok<sv::directed_pickup_call>({std::string{"7001"}, std::nullopt, C});
    EXPECT_EQ(p.picked_call, (connection_id{c1, C}));
    auto e = nth<ev::established>();
    EXPECT_EQ(e.cause, event_cause::park);
    EXPECT_EQ(e.last_redirection_device, "7001");
    EXPECT_EQ(e.called_device, B);
    expect_events({{A, "Diverted", cs::connected},
                   {"7001", "Diverted", cs::null},
                   {A, "Established", cs::connected},
                   {C, "Established", cs::connected}});
    EXPECT_FALSE(m().next_deadline());  // recall timer cancelled
}

TEST_F(model_test, park_to_any_orbit_and_recall) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, "7001"});
    auto r = ok<sv::park_call>({connection_id{c1, B}, std::nullopt});
    EXPECT_EQ(r.parked_to, "7001");
    take();
    ASSERT_TRUE(m().next_deadline());
    EXPECT_EQ(*m().next_deadline(), now_ + milliseconds{60000});
    advance(milliseconds{59999});
    EXPECT_TRUE(take().empty());
    advance(milliseconds{1});
    EXPECT_EQ(nth<ev::diverted>().cause, event_cause::recall);
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.cause, event_cause::recall);
    EXPECT_EQ(d.last_redirection_device, "7001");
    expect_events({{A, "Diverted", cs::connected},
                   {"7001", "Diverted", cs::null},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{c1, B}});
    EXPECT_EQ(nth<ev::established>().cause, event_cause::recall);
}

TEST_F(model_test, park_forbidden_cases) {
    const auto c1 = connect(A, B);
    const auto c2 = connect(C, D);
    const auto c3 = connect(E, "2006");
    refused<sv::park_call>({connection_id{c1, B}, std::string{B}}, error_category::operation,
                           "invalidDeviceID");
    ok<sv::park_call>({connection_id{c1, B}, std::nullopt});
    ok<sv::park_call>({connection_id{c2, D}, std::nullopt});
    refused<sv::park_call>({connection_id{c3, E}, std::nullopt},
                           error_category::subscribed_resource_availability,
                           "resourceLimitExceeded");
    ok<sv::make_call>({"2020", "2021", std::nullopt, std::nullopt});
    refused<sv::park_call>({connection_id{"c-4", "2021"}, std::nullopt},
                           error_category::state_incompatibility, "invalidConnectionState");
}

// ---- forwarding and DND ----------------------------------------------------------------------

TEST_F(model_test, forwarding_settings_and_events) {
    monitor(B);
    ok<sv::set_forwarding>({B, protocol::forwarding_type::no_answer, true, C, 2u});
    auto f = nth<ev::forwarding>();
    EXPECT_EQ(f.device, B);
    EXPECT_TRUE(f.forward_status);
    EXPECT_EQ(f.ring_count, 2u);
    expect_events({{B, "Forwarding", std::nullopt}});
    auto g = ok<sv::get_forwarding>({B});
    ASSERT_EQ(g.forwarding.size(), 3u);
    EXPECT_FALSE(g.forwarding[0].active);
    EXPECT_TRUE(g.forwarding[2].active);
    EXPECT_EQ(g.forwarding[2].forward_to, C);
    refused<sv::set_forwarding>(
        {B, protocol::forwarding_type::immediate, true, std::nullopt, std::nullopt},
        error_category::operation, "valueOutOfRange");
    refused<sv::set_forwarding>({B, protocol::forwarding_type::immediate, true, B, std::nullopt},
                                error_category::operation, "invalidDestination");
    refused<sv::set_forwarding>(
        {B, protocol::forwarding_type::do_not_disturb, true, C, std::nullopt},
        error_category::operation, "serviceNotSupported");
    refused<sv::set_forwarding>(
        {"9999", protocol::forwarding_type::immediate, true, C, std::nullopt},
        error_category::operation, "invalidDeviceID");
}

TEST_F(model_test, forwarding_immediate) {
    ok<sv::set_forwarding>({B, protocol::forwarding_type::immediate, true, C, std::nullopt});
    monitor_all({A, B, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::diverted>().cause, event_cause::call_forward_immediate);
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.cause, event_cause::call_forward_immediate);
    EXPECT_EQ(d.last_redirection_device, B);
    EXPECT_EQ(d.called_device, B);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Diverted", cs::connected},
                   {B, "Diverted", cs::null},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{"c-1", C}});
    EXPECT_EQ(nth<ev::established>().cause, event_cause::call_forward_immediate);
}

TEST_F(model_test, forwarding_busy) {
    connect(B, D);
    ok<sv::set_forwarding>({B, protocol::forwarding_type::busy, true, C, std::nullopt});
    monitor_all({A, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::delivered>().cause, event_cause::call_forward_busy);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Diverted", cs::connected},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
}

TEST_F(model_test, forwarding_no_answer_after_rings) {
    ok<sv::set_forwarding>({B, protocol::forwarding_type::no_answer, true, C, 2u});
    monitor_all({A, B, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    EXPECT_EQ(*m().next_deadline(), now_ + milliseconds{8000});
    advance(milliseconds{8000});
    EXPECT_EQ(nth<ev::diverted>().cause, event_cause::call_forward_no_answer);
    EXPECT_EQ(nth<ev::delivered>().last_redirection_device, B);
    expect_events({{A, "Diverted", cs::connected},
                   {B, "Diverted", cs::null},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
    // answering before the timer cancels it
    ok<sv::set_forwarding>({D, protocol::forwarding_type::no_answer, true, C, std::nullopt});
    ok<sv::make_call>({E, D, std::nullopt, std::nullopt});
    EXPECT_TRUE(m().next_deadline());
    ok<sv::answer_call>({connection_id{"c-2", D}});
    EXPECT_FALSE(m().next_deadline());
}

TEST_F(model_test, do_not_disturb_settings) {
    monitor(B);
    ok<sv::set_do_not_disturb>({B, true});
    EXPECT_TRUE(nth<ev::do_not_disturb>().do_not_disturb_on);
    expect_events({{B, "DoNotDisturb", std::nullopt}});
    EXPECT_TRUE(ok<sv::get_do_not_disturb>({B}).do_not_disturb_on);
    refused<sv::set_do_not_disturb>({"7001", true}, error_category::operation,
                                    "serviceNotSupported");
    refused<sv::get_do_not_disturb>({"nope"}, error_category::operation, "invalidDeviceID");
}

TEST_F(model_test, message_waiting) {
    monitor(B);
    ok<sv::set_message_waiting_indicator>({B, true, std::string{"2099"}});
    auto mw = nth<ev::message_waiting>();
    EXPECT_EQ(mw.target_device, B);
    EXPECT_EQ(mw.device_for_message, "2099");
    expect_events({{B, "MessageWaiting", std::nullopt}});
}

// ---- outside numbers ----------------------------------------------------------------------------

TEST_F(model_test, external_answer_after_delay) {
    monitor(A);
    ok<sv::make_call>({A, "901234", std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::network_reached>().outbound_connection, (connection_id{"c-1", "901234"}));
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "NetworkReached", cs::connected},
                   {A, "Delivered", cs::connected}});
    EXPECT_EQ(snap(A)[0].state, cs::connected);
    advance(milliseconds{1999});
    EXPECT_TRUE(take().empty());
    advance(milliseconds{1});
    expect_events({{A, "Established", cs::connected}});
    EXPECT_FALSE(m().next_deadline());
}

TEST_F(model_test, external_busy) {
    monitor(A);
    ok<sv::make_call>({A, "91555", std::nullopt, std::nullopt});
    EXPECT_EQ(nth<ev::failed>().cause, event_cause::busy);
    expect_events({{A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "NetworkReached", cs::connected},
                   {A, "Failed", cs::fail}});
}

TEST_F(model_test, external_no_answer_and_reject) {
    monitor_all({A, B});
    ok<sv::make_call>({A, "92555", std::nullopt, std::nullopt});
    EXPECT_FALSE(m().next_deadline());
    take();
    ok<sv::make_call>({B, "93555", std::nullopt, std::nullopt});
    take();
    advance(milliseconds{3000});
    EXPECT_EQ(nth<ev::failed>().cause, event_cause::call_not_answered);
    expect_events({{B, "Failed", cs::fail}});
    EXPECT_EQ(snap(A)[0].state, cs::connected);
}

TEST_F(model_test, external_answer_then_hangup) {
    monitor(A);
    ok<sv::make_call>({A, "94555", std::nullopt, std::nullopt});
    take();
    advance(milliseconds{1000});
    expect_events({{A, "Established", cs::connected}});
    EXPECT_EQ(*m().next_deadline(), now_ + milliseconds{5000});
    advance(milliseconds{5000});
    expect_events({{A, "ConnectionCleared", cs::connected},
                   {A, "ConnectionCleared", cs::null},
                   {A, "CallCleared", cs::null}});
    EXPECT_EQ(m().stats().active_calls, 0u);
}

TEST_F(model_test, incoming_external_call_and_hangup) {
    monitor(B);
    auto r = m().external_call("0301234", B, now_);
    ASSERT_EQ(r.index(), 0u);
    const std::string id = std::get<0>(r);
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.calling_device, "0301234");
    expect_events({{B, "Delivered", cs::alerting}});
    EXPECT_TRUE(m().device_action(B, "answer", now_).empty());
    expect_events({{B, "Established", cs::connected}});
    EXPECT_TRUE(m().external_hangup(id, now_).empty());
    expect_events({{B, "ConnectionCleared", cs::connected},
                   {B, "ConnectionCleared", cs::null},
                   {B, "CallCleared", cs::null}});
    EXPECT_FALSE(m().external_hangup(id, now_).empty());
    EXPECT_EQ(m().external_call("0301234", "7001", now_).index(), 1u);
    EXPECT_EQ(m().external_call(A, B, now_).index(), 1u);
}

// Issue 12: an outside caller's name goes with its number (callingName) on the call's events.
TEST_F(model_test, an_outside_callers_name_goes_with_its_number) {
    monitor(B);
    ASSERT_EQ(m().external_call("0145678901", B, now_, "Agence Dupont").index(), 0u);
    EXPECT_EQ(nth<ev::delivered>().calling_name, "Agence Dupont");
    EXPECT_TRUE(m().device_action(B, "answer", now_).empty());
    EXPECT_EQ(nth<ev::established>().calling_name, "Agence Dupont");
    monitor(C);
    ASSERT_EQ(m().external_call("0145678902", C, now_).index(), 0u);  // no name: none sent
    EXPECT_EQ(nth<ev::delivered>(1).calling_name, std::nullopt);
}

TEST_F(model_test, incoming_external_call_to_busy_station_is_dropped) {
    connect(B, C);
    auto r = m().external_call("0301234", B, now_);
    ASSERT_EQ(r.index(), 0u);
    EXPECT_EQ(m().stats().active_calls, 1u);
}

// ---- digits and data ----------------------------------------------------------------------------

TEST_F(model_test, generate_digits_and_dtmf) {
    const auto c1 = connect(A, B);
    monitor_all({A, B});
    ok<sv::generate_digits>({connection_id{c1, A}, "12#,*", std::nullopt});
    EXPECT_EQ(nth<ev::digits_generated>().digits, "12#,*");
    expect_events({{A, "DigitsGenerated", cs::connected}, {B, "DigitsGenerated", cs::connected}});
    refused<sv::generate_digits>({connection_id{c1, A}, "12x", std::nullopt},
                                 error_category::operation, "valueOutOfRange");
    EXPECT_TRUE(m().device_action(A, "dtmf 55", now_).empty());
    EXPECT_EQ(nth<ev::digits_detected>().connection, (connection_id{c1, A}));
    expect_events({{A, "DigitsDetected", cs::connected}, {B, "DigitsDetected", cs::connected}});
    ok<sv::hold_call>({connection_id{c1, A}});
    refused<sv::generate_digits>({connection_id{c1, A}, "1", std::nullopt},
                                 error_category::state_incompatibility, "invalidConnectionState");
}

TEST_F(model_test, associate_data_follows_the_call) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    const protocol::byte_string corr{"order-42"};
    ok<sv::associate_data>({connection_id{c1, B}, corr});
    auto ci = nth<ev::call_information>(0);
    EXPECT_EQ(ci.connection, (connection_id{c1, A}));  // each monitor sees its own connection
    EXPECT_EQ(ci.correlator_data, corr);
    EXPECT_EQ(nth<ev::call_information>(1).connection, (connection_id{c1, B}));
    expect_events({{A, "CallInformation", cs::connected}, {B, "CallInformation", cs::connected}});
    ok<sv::single_step_transfer>({connection_id{c1, B}, C});
    EXPECT_EQ(nth<ev::delivered>().correlator_data, corr);
    take();
    ok<sv::answer_call>({connection_id{c1, C}});
    EXPECT_EQ(nth<ev::established>().correlator_data, corr);
    EXPECT_EQ(snap(C)[0].correlator_data, corr);
    refused<sv::associate_data>({connection_id{c1, B}, corr}, error_category::operation,
                                "invalidConnectionID");
    refused<sv::associate_data>(
        {connection_id{c1, C}, protocol::byte_string{std::string(5000, 'x')}},
        error_category::operation, "valueOutOfRange");
}

TEST_F(model_test, correlator_data_survives_consult_transfer) {
    const auto c1 = connect(A, B);
    ok<sv::associate_data>({connection_id{c1, B}, protocol::byte_string{"x"}});
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    ok<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    EXPECT_EQ(ok<sv::snapshot_call>({c1}).correlator_data, protocol::byte_string{"x"});
}

TEST_F(model_test, transfer_and_conference_tell_the_joined_parties_the_call_data) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    const protocol::byte_string corr{"order-7"};
    ok<sv::associate_data>({connection_id{c1, B}, corr});
    auto k = ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt}).initiated_call;
    ok<sv::answer_call>({connection_id{k.call_id, C}});
    take();
    ok<sv::transfer_call>({connection_id{c1, B}, k});
    // Transferred first, then CallInformation to each remaining party with its own connection.
    auto ci = nth<ev::call_information>(0);
    EXPECT_EQ(ci.correlator_data, corr);
    bool c_told = false;
    for (std::size_t i = 0; i < 2; ++i) {
        auto e = nth<ev::call_information>(i);
        if (e.connection == connection_id{c1, C}) c_told = e.correlator_data == corr;
    }
    EXPECT_TRUE(c_told);
}

// ---- phone sets ---------------------------------------------------------------------------------

TEST_F(model_test, display_lamps_ringer_buttons) {
    monitor(A);
    ok<sv::set_display>({A, "Hello", 1u, 2u});
    auto du = nth<ev::display_updated>();
    EXPECT_EQ(du.text, "Hello");
    expect_events({{A, "DisplayUpdated", std::nullopt}});
    auto g = ok<sv::get_display>({A});
    EXPECT_EQ(g.rows, 2u);
    EXPECT_EQ(g.columns, 40u);
    EXPECT_EQ(g.text.substr(42, 5), "Hello");
    refused<sv::set_display>({A, "x", 2u, std::nullopt}, error_category::operation,
                             "valueOutOfRange");
    ok<sv::set_lamp_mode>({A, 3, protocol::lamp_mode::flash});
    expect_events({{A, "LampModeChanged", std::nullopt}});
    EXPECT_EQ(ok<sv::get_lamp_mode>({A, 3}).mode, protocol::lamp_mode::flash);
    refused<sv::set_lamp_mode>({A, 13, protocol::lamp_mode::flash}, error_category::operation,
                               "valueOutOfRange");
    ok<sv::set_ringer_status>({A, protocol::ringer_mode::ringing, 80u});
    expect_events({{A, "RingerStatusChanged", std::nullopt}});
    auto rs = ok<sv::get_ringer_status>({A});
    EXPECT_EQ(rs.mode, protocol::ringer_mode::ringing);
    EXPECT_EQ(rs.volume, 80u);
    refused<sv::set_ringer_status>({A, protocol::ringer_mode::ringing, 101u},
                                   error_category::operation, "valueOutOfRange");
    EXPECT_EQ(ok<sv::get_button_information>({A, std::nullopt}).buttons.size(), 12u);
    EXPECT_EQ(ok<sv::get_button_information>({A, 4u}).buttons[0].lamp, 4u);
    refused<sv::get_button_information>({A, 0u}, error_category::operation, "valueOutOfRange");
    refused<sv::get_display>({"7001"}, error_category::operation, "serviceNotSupported");
    EXPECT_TRUE(m().device_action(A, "press 5", now_).empty());
    EXPECT_EQ(nth<ev::button_pressed>().button, 5u);
    expect_events({{A, "ButtonPressed", std::nullopt}});
    EXPECT_FALSE(m().device_action(A, "press 99", now_).empty());
    EXPECT_FALSE(m().device_action(A, "dance", now_).empty());
    EXPECT_FALSE(m().device_action("9999", "offhook", now_).empty());
}

TEST_F(model_test, hookswitch_starts_answers_and_clears_calls) {
    monitor_all({A, B});
    using protocol::hookswitch_mode;
    using protocol::hookswitch_type;
    ok<sv::set_hookswitch_status>({A, hookswitch_type::handset, hookswitch_mode::mic_and_speaker});
    EXPECT_EQ(nth<ev::service_initiated>().cause, event_cause::new_call);
    expect_events({{A, "HookswitchChanged", std::nullopt}, {A, "ServiceInitiated", cs::initiated}});
    auto hs = ok<sv::get_hookswitch_status>({A});
    ASSERT_EQ(hs.hookswitches.size(), 3u);
    EXPECT_EQ(hs.hookswitches[0].mode, hookswitch_mode::mic_and_speaker);
    EXPECT_TRUE(m().device_action(A, "dial 2002", now_).empty());
    EXPECT_EQ(nth<ev::originated>().cause, event_cause::new_call);
    EXPECT_EQ(nth<ev::originated>().called_device, B);
    expect_events({{A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    ok<sv::set_hookswitch_status>({B, hookswitch_type::speaker, hookswitch_mode::speaker_only});
    expect_events({{B, "HookswitchChanged", std::nullopt},
                   {A, "Established", cs::connected},
                   {B, "Established", cs::connected}});
    ok<sv::set_hookswitch_status>({A, hookswitch_type::handset, hookswitch_mode::on_hook});
    expect_events({{A, "HookswitchChanged", std::nullopt},
                   {B, "ConnectionCleared", cs::connected},
                   {A, "ConnectionCleared", cs::null},
                   {B, "ConnectionCleared", cs::null},
                   {B, "CallCleared", cs::null}});
}

// docs/protocol.md "Dialling from a lifted handset" (issue 12 #6): MakeCall from a device whose
// only connection is `initiated` dials that connection; a second call or one in another state
// is still busy.
TEST_F(model_test, make_call_dials_a_lifted_handset) {
    monitor_all({A, B});
    using protocol::hookswitch_mode;
    using protocol::hookswitch_type;
    ok<sv::set_hookswitch_status>({A, hookswitch_type::handset, hookswitch_mode::mic_and_speaker});
    const auto call = nth<ev::service_initiated>().initiated_connection.call_id;
    expect_events({{A, "HookswitchChanged", std::nullopt}, {A, "ServiceInitiated", cs::initiated}});
    auto r = ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    EXPECT_EQ(r.calling_connection, (connection_id{call, A}));
    EXPECT_EQ(nth<ev::originated>().called_device, B);
    expect_events({{A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    // A is now connected in that call: busy.
    refused<sv::make_call>({A, B, std::nullopt, std::nullopt},
                           error_category::state_incompatibility, "invalidDeviceState");
}

TEST_F(model_test, device_actions_hold_retrieve_dial) {
    monitor_all({A, B});
    EXPECT_TRUE(m().device_action(A, "dial 2002", now_).empty());
    expect_events({{A, "HookswitchChanged", std::nullopt},
                   {A, "ServiceInitiated", cs::initiated},
                   {A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    EXPECT_TRUE(m().device_action(B, "answer", now_).empty());
    take();
    EXPECT_TRUE(m().device_action(B, "hold", now_).empty());
    expect_events({{A, "Held", cs::connected}, {B, "Held", cs::hold}});
    EXPECT_TRUE(m().device_action(B, "retrieve", now_).empty());
    expect_events({{A, "Retrieved", cs::connected}, {B, "Retrieved", cs::connected}});
    EXPECT_FALSE(m().device_action(C, "answer", now_).empty());
    EXPECT_FALSE(m().device_action(C, "dial 555", now_).empty());
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
