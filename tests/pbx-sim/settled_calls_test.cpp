// The call-control points docs/protocol.md settles (its "Settled points" index), pinned on the
// simulator's call model: one test per point, named after it.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

using entry = protocol::connection_list_entry;

/// The first ConnectionCleared recorded for `device`'s connection.
std::optional<ev::connection_cleared> cleared_of(const recording_sink& sink,
                                                 const std::string& device) {
    for (const auto& r : sink.events) {
        if (auto* e = std::get_if<ev::connection_cleared>(&r.body)) {
            if (e->releasing_device == device) return *e;
        }
    }
    return std::nullopt;
}

// §5.3 ClearConnection: invalidConnectionID when the call is unknown (or over),
// noConnectionToClear when the call goes on without this device.
TEST_F(model_test, clear_connection_tells_an_unknown_call_from_a_party_already_gone) {
    const auto c1 = connect(A, B);
    ok<sv::single_step_conference>({connection_id{c1, A}, C, std::nullopt});
    ok<sv::clear_connection>({connection_id{c1, C}});
    refused<sv::clear_connection>({connection_id{c1, C}}, error_category::state_incompatibility,
                                  "noConnectionToClear");
    refused<sv::clear_connection>({connection_id{c1, D}}, error_category::state_incompatibility,
                                  "noConnectionToClear");
    refused<sv::clear_connection>({connection_id{"c-999", A}}, error_category::operation,
                                  "invalidConnectionID");
    // Other services keep invalidConnectionID for a device that is not in the call.
    refused<sv::hold_call>({connection_id{c1, C}}, error_category::operation,
                           "invalidConnectionID");
    ok<sv::clear_connection>({connection_id{c1, A}});  // B was the last one: the call ends
    refused<sv::clear_connection>({connection_id{c1, B}}, error_category::operation,
                                  "invalidConnectionID");
}

// §6.2 Failed: failedConnection = {callID, failingDevice}; that connection never appears
// anywhere else (no snapshot, no ConnectionCleared).
TEST_F(model_test, failed_names_the_destination_that_never_got_a_connection) {
    connect(B, C);
    monitor_all({A, B});
    auto r = ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    const auto c = r.calling_connection.call_id;
    auto f = nth<ev::failed>();
    EXPECT_EQ(f.failed_connection, (connection_id{c, B}));
    EXPECT_EQ(f.failing_device, B);
    EXPECT_EQ(f.calling_device, A);
    EXPECT_EQ(f.called_device, B);
    EXPECT_EQ(f.local_connection_info, cs::fail);  // A's copy: the caller hears busy tone
    take();
    for (const auto& s : snap(B)) EXPECT_NE(s.connection.call_id, c);
    ok<sv::clear_connection>({connection_id{c, A}});
    for (const auto& e : take()) EXPECT_NE(e.device, B) << e.name;
}

// §5.3 MakeCall: a device whose only calls are held may call (consultation by hand); any other
// connection makes the calling device busy.
TEST_F(model_test, make_call_from_a_device_holding_a_call_is_allowed) {
    const auto c1 = connect(A, B);
    ok<sv::hold_call>({connection_id{c1, A}});
    auto r = ok<sv::make_call>({A, C, std::nullopt, std::nullopt});
    EXPECT_NE(r.calling_connection.call_id, c1);
    EXPECT_EQ(snap(A).size(), 2u);
    // Now A is connected (ringback) on the new call: busy for another MakeCall.
    refused<sv::make_call>({A, D, std::nullopt, std::nullopt},
                           error_category::state_incompatibility, "invalidDeviceState");
    // Alerting counts as busy too.
    ok<sv::make_call>({E, D, std::nullopt, std::nullopt});
    refused<sv::make_call>({D, "2006", std::nullopt, std::nullopt},
                           error_category::state_incompatibility, "invalidDeviceState");
}

// §5.3 ClearConnection: the last party's ConnectionCleared and the CallCleared carry
// callCancelled when that party never answered (alerting, queued), normalClearing otherwise.
TEST_F(model_test, last_party_cause_depends_on_whether_it_answered) {
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    ok<sv::clear_connection>({connection_id{"c-1", A}});
    EXPECT_EQ(cleared_of(sink_, A)->cause, event_cause::normal_clearing);  // A's own
    ASSERT_TRUE(cleared_of(sink_, B));
    EXPECT_EQ(cleared_of(sink_, B)->cause, event_cause::call_cancelled);
    EXPECT_EQ(nth<ev::call_cleared>().cause, event_cause::call_cancelled);
    take();

    // Parked: the orbit's queued connection is cleared with callCancelled when A hangs up.
    const auto c2 = connect(A, B);
    monitor("7001");
    ok<sv::park_call>({connection_id{c2, B}, std::string("7001")});
    take();
    ok<sv::clear_connection>({connection_id{c2, A}});
    ASSERT_TRUE(cleared_of(sink_, "7001"));
    EXPECT_EQ(cleared_of(sink_, "7001")->cause, event_cause::call_cancelled);
    EXPECT_EQ(nth<ev::call_cleared>().cause, event_cause::call_cancelled);
    take();

    // Held: the holder's connection is cleared with normalClearing.
    const auto c3 = connect(A, B);
    ok<sv::hold_call>({connection_id{c3, A}});
    ok<sv::clear_connection>({connection_id{c3, B}});
    ASSERT_TRUE(cleared_of(sink_, A));
    EXPECT_EQ(cleared_of(sink_, A)->cause, event_cause::normal_clearing);
    EXPECT_EQ(nth<ev::call_cleared>().cause, event_cause::normal_clearing);
}

// §5.3 ClearConnection: a party left in `fail` is released by ClearConnection on its connection.
TEST_F(model_test, a_party_left_in_fail_is_released_by_clear_connection) {
    connect(B, C);
    monitor(A);
    auto r = ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    ASSERT_EQ(snap(A).size(), 1u);
    EXPECT_EQ(snap(A)[0].state, cs::fail);
    ok<sv::clear_connection>({r.calling_connection});
    EXPECT_EQ(nth<ev::connection_cleared>().cause, event_cause::normal_clearing);
    EXPECT_EQ(nth<ev::call_cleared>().cause, event_cause::normal_clearing);
    expect_events({{A, "ConnectionCleared", cs::null}, {A, "CallCleared", cs::null}});
    EXPECT_TRUE(snap(A).empty());
}

// §5.3 MakeCall: with autoOriginate false the caller's own answer yields Originated, never
// Established (Established always names the called side).
TEST_F(model_test, caller_answer_without_auto_originate_yields_originated_only) {
    monitor_all({A, B});
    ok<sv::make_call>({A, B, std::nullopt, false});
    take();
    ok<sv::answer_call>({connection_id{"c-1", A}});
    EXPECT_EQ(nth<ev::originated>().cause, event_cause::make_call);
    expect_events({{A, "Originated", cs::connected},
                   {A, "Delivered", cs::connected},
                   {B, "Delivered", cs::alerting}});
    ok<sv::answer_call>({connection_id{"c-1", B}});
    EXPECT_EQ(nth<ev::established>().answering_device, B);
}

// §5.4 TransferCall: the list has one entry per remaining party plus the transferring device's
// primary (held) connection; its secondary connection is named by secondaryOldCall only, and
// neither of its connections gets ConnectionCleared.
TEST_F(model_test, transferred_lists_the_held_connection_of_the_transferring_device) {
    const auto c1 = connect(A, B);
    ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    ok<sv::answer_call>({connection_id{"c-2", C}});
    monitor_all({A, B, C});
    auto r = ok<sv::transfer_call>({connection_id{c1, B}, connection_id{"c-2", B}});
    std::size_t b_entries = 0;
    for (const auto& e : r.connections) {
        if (e.endpoint != B) continue;
        ++b_entries;
        EXPECT_EQ(e.old_connection, (connection_id{c1, B}));
        EXPECT_FALSE(e.new_connection.has_value());
    }
    EXPECT_EQ(b_entries, 1u);
    auto t = nth<ev::transferred>();
    EXPECT_EQ(t.primary_old_call, (connection_id{c1, B}));
    EXPECT_EQ(t.secondary_old_call, (connection_id{"c-2", B}));
    auto events = take();
    std::size_t to_b = 0;
    for (const auto& e : events) {
        EXPECT_NE(e.name, "ConnectionCleared");
        EXPECT_NE(e.name, "CallCleared");
        if (e.device == B) ++to_b;
    }
    EXPECT_EQ(to_b, 1u);
}

// §5.4 TransferCall: the surviving call keeps the primary call's calling/called devices; the
// transferring device becomes lastRedirectionDevice; correlator data is the primary's, else the
// secondary's.
TEST_F(model_test, surviving_call_keeps_the_primary_calls_identity_and_data) {
    monitor(C);
    const protocol::byte_string x{"crm-x"}, y{"crm-y"};
    auto r = ok<sv::make_call>({A, B, x, std::nullopt});
    const auto c1 = r.calling_connection.call_id;
    ok<sv::answer_call>({connection_id{c1, B}});
    auto consult = ok<sv::consultation_call>({connection_id{c1, B}, C, y});
    const auto c2 = consult.initiated_call.call_id;
    take();
    ok<sv::transfer_call>({connection_id{c1, B}, connection_id{c2, B}});  // C still alerting
    EXPECT_EQ(snap(C),
              (std::vector<protocol::snapshot_connection>{{{c1, C}, cs::alerting, A, B, x}}));
    EXPECT_EQ(nth<ev::call_information>().correlator_data, x);
    take();
    ok<sv::answer_call>({connection_id{c1, C}});
    auto est = nth<ev::established>();
    EXPECT_EQ(est.calling_device, A);
    EXPECT_EQ(est.called_device, B);
    EXPECT_EQ(est.last_redirection_device, B);
    EXPECT_EQ(est.correlator_data, x);
    EXPECT_EQ(est.cause, event_cause::transfer);

    // Without data on the primary call, the consultation's data survives.
    const auto c3 = connect(D, E);
    auto consult2 = ok<sv::consultation_call>({connection_id{c3, E}, "2006", y});
    ok<sv::transfer_call>({connection_id{c3, E}, consult2.initiated_call});
    EXPECT_EQ(snap(D)[0].correlator_data, y);
}

// §5.4 SingleStepTransfer: Transferred goes to the transferring device and the remaining
// parties, not to the destination; the call is then offered to the destination, whose
// Delivered has calledDevice = transferredTo.
TEST_F(model_test, single_step_transfer_membership_and_called_device) {
    const auto c1 = connect(A, B);
    monitor_all({A, B, C});
    ok<sv::single_step_transfer>({connection_id{c1, B}, C});
    auto t = nth<ev::transferred>();
    EXPECT_FALSE(t.secondary_old_call.has_value());
    EXPECT_EQ(t.transferred_to_device, C);
    EXPECT_EQ(t.transferred_connections.back(), (entry{std::nullopt, connection_id{c1, C}, C}));
    auto d = nth<ev::delivered>();
    EXPECT_EQ(d.alerting_device, C);
    EXPECT_EQ(d.calling_device, A);
    EXPECT_EQ(d.called_device, C);
    EXPECT_EQ(d.last_redirection_device, B);
    EXPECT_EQ(d.cause, event_cause::single_step_transfer);
    expect_events({{A, "Transferred", cs::connected},
                   {B, "Transferred", cs::null},
                   {A, "Delivered", cs::connected},
                   {C, "Delivered", cs::alerting}});
}

// §5.4 ConferenceCall: with several parties in the secondary call, addedParty is the one that
// joined it first (the consulted device); the list names them all.
TEST_F(model_test, added_party_is_the_first_party_of_the_secondary_call) {
    const auto c1 = connect(A, B);
    auto consult = ok<sv::consultation_call>({connection_id{c1, B}, C, std::nullopt});
    const auto c2 = consult.initiated_call.call_id;
    ok<sv::answer_call>({connection_id{c2, C}});
    ok<sv::single_step_conference>({connection_id{c2, C}, D, std::nullopt});
    monitor(A);  // events reach monitored devices only
    take();
    auto r = ok<sv::conference_call>({connection_id{c1, B}, connection_id{c2, B}});
    auto cf = nth<ev::conferenced>();
    EXPECT_EQ(cf.added_party, C);
    bool c_listed = false, d_listed = false;
    for (const auto& e : r.connections) {
        c_listed |= e.new_connection == connection_id{c1, C};
        d_listed |= e.new_connection == connection_id{c1, D};
    }
    EXPECT_TRUE(c_listed);
    EXPECT_TRUE(d_listed);
}

// §5.4 SingleStepConference: active participation is reported with cause singleStepConference;
// a switch without silent participation refuses it (and then changes nothing).
TEST_F(model_test, single_step_conference_causes_and_silent_participation) {
    const auto c1 = connect(A, B);
    monitor(A);
    refused<sv::single_step_conference>(
        {connection_id{c1, A}, C, protocol::participation_type::silent}, error_category::operation,
        "serviceNotSupported");
    ok<sv::single_step_conference>({connection_id{c1, A}, C, protocol::participation_type::active});
    EXPECT_EQ(nth<ev::conferenced>().cause, event_cause::single_step_conference);
}

// §5.5 DeflectCall to a busy or DND destination: the deflection succeeds (Diverted), then the
// destination is offered the call as on a new presentation and it fails there for the caller.
TEST_F(model_test, deflect_to_a_busy_or_dnd_destination_fails_for_the_caller) {
    connect(C, D);
    monitor_all({A, B, C});
    ok<sv::make_call>({A, B, std::nullopt, std::nullopt});
    take();
    ok<sv::deflect_call>({connection_id{"c-2", B}, C});
    EXPECT_EQ(nth<ev::diverted>().cause, event_cause::redirected);
    auto f = nth<ev::failed>();
    EXPECT_EQ(f.failed_connection, (connection_id{"c-2", C}));
    EXPECT_EQ(f.cause, event_cause::busy);
    expect_events(
        {{A, "Diverted", cs::connected}, {B, "Diverted", cs::null}, {A, "Failed", cs::fail}});

    ok<sv::set_do_not_disturb>({E, true});
    monitor("2006");
    ok<sv::make_call>({"2006", B, std::nullopt, std::nullopt});
    take();
    ok<sv::deflect_call>({connection_id{"c-3", B}, E});
    EXPECT_EQ(nth<ev::failed>().cause, event_cause::do_not_disturb);
}

// §6.2 DigitsDetected: the connection is that of the device where the DTMF was entered; every
// monitor of the call gets it.
TEST_F(model_test, digits_detected_carries_the_sending_devices_connection) {
    const auto c1 = connect(A, B);
    monitor_all({A, B});
    EXPECT_TRUE(m().device_action(B, "dtmf 42", now_).empty());
    EXPECT_EQ(nth<ev::digits_detected>().connection, (connection_id{c1, B}));
    EXPECT_EQ(nth<ev::digits_detected>().digits, "42");
    expect_events({{A, "DigitsDetected", cs::connected}, {B, "DigitsDetected", cs::connected}});
}

}  // namespace
}  // namespace ctigw::pbxsim
