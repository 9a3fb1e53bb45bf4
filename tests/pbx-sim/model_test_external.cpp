// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): calls to and from outside
// numbers, as the external rules of the configuration play them. Deterministic time only.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

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

}  // namespace
}  // namespace ctigw::pbxsim
