// Tests of the pbx-sim call model (docs/pbx-sim.md "Call model"): digits and call data, and the
// phone sets (display, lamps, ringer, buttons, hookswitch, device actions). Deterministic time.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

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

}  // namespace
}  // namespace ctigw::pbxsim
