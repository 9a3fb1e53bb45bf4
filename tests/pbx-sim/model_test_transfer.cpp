// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): consultation, transfer and
// conference, one test per documented sequence and forbidden case. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

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

}  // namespace
}  // namespace ctigw::pbxsim
