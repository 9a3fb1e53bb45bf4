// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): deflect, pickup, park,
// forwarding, do-not-disturb and message waiting. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

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

}  // namespace
}  // namespace ctigw::pbxsim
