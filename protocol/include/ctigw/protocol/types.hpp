// Vocabulary types of ctigw.csta.v1 (docs/protocol.md §3): identifiers, ECMA-269 enumerations,
// connection lists and errors. Plain data; no I/O.
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ctigw/protocol/describe.hpp"

namespace ctigw::protocol {

/// Raw bytes carried base64-encoded on the wire (correlator data / TAPI call data).
struct byte_string {
    std::string bytes;
    friend bool operator==(const byte_string&, const byte_string&) = default;
};

/// A CSTA connection: the relationship of one call with one device. CallIDs are opaque strings;
/// they are unique only together with the deviceID (csta.md §1.2).
struct connection_id {
    std::string call_id;
    std::string device_id;
    friend bool operator==(const connection_id&, const connection_id&) = default;
    friend auto operator<=>(const connection_id&, const connection_id&) = default;
    static constexpr auto fields() {
        return std::tuple{req("callID", &connection_id::call_id),
                          req("deviceID", &connection_id::device_id)};
    }
};

// ---- enumerations (ECMA-269 names on the wire) ---------------------------------------------

/// ECMA-269 LocalConnectionState.
enum class connection_state : std::uint8_t {
    null,
    initiated,
    alerting,
    connected,
    hold,
    queued,
    fail
};
template <>
struct enum_traits<connection_state> {
    static constexpr std::array<std::string_view, 7> names{
        "null", "initiated", "alerting", "connected", "hold", "queued", "fail"};
    static constexpr bool open = false;
};

/// ECMA-269 EventCause (Phase III names). Open: unknown names decode to `unknown`.
enum class event_cause : std::uint8_t {
    active_participation,
    alternate,
    busy,
    call_back,
    call_cancelled,
    call_forward_immediate,
    call_forward_busy,
    call_forward_no_answer,
    call_forward,
    call_not_answered,
    call_pickup,
    camp_on,
    dest_not_obtainable,
    do_not_disturb,
    incompatible_destination,
    invalid_account_code,
    key_operation,
    lockout,
    maintenance,
    network_congestion,
    network_not_obtainable,
    new_call,
    no_available_agents,
    override,
    park,
    overflow,
    recall,
    redirected,
    reorder_tone,
    resources_not_available,
    silent_participation,
    transfer,
    trunks_busy,
    blocked,
    consultation,
    distributed,
    entering_distribution,
    make_call,
    network_signal,
    normal_clearing,
    number_changed,
    single_step_conference,
    single_step_transfer,
    switching_function_terminated,
    timeout,
    acd_busy,
    acd_forward,
    alert_time_expired,
    conference,
    dest_out_of_order,
    intrude,
    invalid_number_format,
    join_call,
    make_predictive_call,
    multiple_alerting,
    network_out_of_order,
    normal,
    number_unallocated,
    queue_cleared,
    remains_in_queue,
    selected_trunk_busy,
    suspend,
    make_connection,
    path_replacement,
    recall_busy,
    recall_forwarded,
    recall_no_answer,
    unknown
};
template <>
struct enum_traits<event_cause> {
    static constexpr std::array<std::string_view, 68> names{"activeParticipation",
                                                            "alternate",
                                                            "busy",
                                                            "callBack",
                                                            "callCancelled",
                                                            "callForwardImmediate",
                                                            "callForwardBusy",
                                                            "callForwardNoAnswer",
                                                            "callForward",
                                                            "callNotAnswered",
                                                            "callPickup",
                                                            "campOn",
                                                            "destNotObtainable",
                                                            "doNotDisturb",
                                                            "incompatibleDestination",
                                                            "invalidAccountCode",
                                                            "keyOperation",
                                                            "lockout",
                                                            "maintenance",
                                                            "networkCongestion",
                                                            "networkNotObtainable",
                                                            "newCall",
                                                            "noAvailableAgents",
                                                            "override",
                                                            "park",
                                                            "overflow",
                                                            "recall",
                                                            "redirected",
                                                            "reorderTone",
                                                            "resourcesNotAvailable",
                                                            "silentParticipation",
                                                            "transfer",
                                                            "trunksBusy",
                                                            "blocked",
                                                            "consultation",
                                                            "distributed",
                                                            "enteringDistribution",
                                                            "makeCall",
                                                            "networkSignal",
                                                            "normalClearing",
                                                            "numberChanged",
                                                            "singleStepConference",
                                                            "singleStepTransfer",
                                                            "switchingFunctionTerminated",
                                                            "timeout",
                                                            "aCDBusy",
                                                            "aCDForward",
                                                            "alertTimeExpired",
                                                            "conference",
                                                            "destOutOfOrder",
                                                            "intrude",
                                                            "invalidNumberFormat",
                                                            "joinCall",
                                                            "makePredictiveCall",
                                                            "multipleAlerting",
                                                            "networkOutOfOrder",
                                                            "normal",
                                                            "numberUnallocated",
                                                            "queueCleared",
                                                            "remainsInQueue",
                                                            "selectedTrunkBusy",
                                                            "suspend",
                                                            "makeConnection",
                                                            "pathReplacement",
                                                            "recallBusy",
                                                            "recallForwarded",
                                                            "recallNoAnswer",
                                                            "unknown"};
    static constexpr bool open = true;
    static constexpr event_cause unknown_value = event_cause::unknown;
};

/// ECMA-269 SystemStatus.
enum class system_status : std::uint8_t {
    initializing,
    enabled,
    normal,
    messages_lost,
    disabled,
    overload_imminent,
    overload_reached,
    overload_relieved,
    partially_disabled
};
template <>
struct enum_traits<system_status> {
    static constexpr std::array<std::string_view, 9> names{
        "initializing",     "enabled",         "normal",           "messagesLost",     "disabled",
        "overloadImminent", "overloadReached", "overloadRelieved", "partiallyDisabled"};
    static constexpr bool open = false;
};

/// ECMA-269 error categories (the CHOICE of UniversalFailure).
enum class error_category : std::uint8_t {
    operation,
    security,
    state_incompatibility,
    system_resource_availability,
    subscribed_resource_availability,
    performance_management,
    private_data,
    unspecified
};
template <>
struct enum_traits<error_category> {
    static constexpr std::array<std::string_view, 8> names{"operation",
                                                           "security",
                                                           "stateIncompatibility",
                                                           "systemResourceAvailability",
                                                           "subscribedResourceAvailability",
                                                           "performanceManagement",
                                                           "privateData",
                                                           "unspecified"};
    static constexpr bool open = false;
};

/// ECMA-269 ForwardingType.
enum class forwarding_type : std::uint8_t {
    immediate,
    busy,
    no_answer,
    busy_internal,
    busy_external,
    no_answer_internal,
    no_answer_external,
    immediate_internal,
    immediate_external,
    do_not_disturb,
    do_not_disturb_internal,
    do_not_disturb_external
};
template <>
struct enum_traits<forwarding_type> {
    static constexpr std::array<std::string_view, 12> names{
        "forwardImmediate", "forwardBusy",     "forwardNoAns",    "forwardBusyInt",
        "forwardBusyExt",   "forwardNoAnsInt", "forwardNoAnsExt", "forwardImmInt",
        "forwardImmExt",    "forwardDND",      "forwardDNDInt",   "forwardDNDExt"};
    static constexpr bool open = false;
};

enum class participation_type : std::uint8_t { active, silent };
template <>
struct enum_traits<participation_type> {
    static constexpr std::array<std::string_view, 2> names{"active", "silent"};
    static constexpr bool open = false;
};

/// What a device is, as GetSwitchingFunctionDevices reports it.
enum class device_category : std::uint8_t { station, park, pickup_group, acd, trunk, other };
template <>
struct enum_traits<device_category> {
    static constexpr std::array<std::string_view, 6> names{"station", "park",  "pickupGroup",
                                                           "acd",     "trunk", "other"};
    static constexpr bool open = true;
    static constexpr device_category unknown_value = device_category::other;
};

enum class hookswitch_type : std::uint8_t { handset, speaker, headset };
template <>
struct enum_traits<hookswitch_type> {
    static constexpr std::array<std::string_view, 3> names{"handset", "speaker", "headset"};
    static constexpr bool open = false;
};

/// Hookswitch state of one hookswitch device (microphone / speaker on or off).
enum class hookswitch_mode : std::uint8_t { on_hook, mic_only, speaker_only, mic_and_speaker };
template <>
struct enum_traits<hookswitch_mode> {
    static constexpr std::array<std::string_view, 4> names{"onHook", "micOnly", "speakerOnly",
                                                           "micAndSpeaker"};
    static constexpr bool open = false;
};

enum class lamp_mode : std::uint8_t { off, steady, wink, flash, flutter, broken_flutter };
template <>
struct enum_traits<lamp_mode> {
    static constexpr std::array<std::string_view, 6> names{"off",   "steady",  "wink",
                                                           "flash", "flutter", "brokenFlutter"};
    static constexpr bool open = false;
};

enum class ringer_mode : std::uint8_t { ringing, not_ringing };
template <>
struct enum_traits<ringer_mode> {
    static constexpr std::array<std::string_view, 2> names{"ringing", "notRinging"};
    static constexpr bool open = false;
};

/// An agent's state in one ACD group (version 2, docs/protocol.md §5.10). ECMA-269 reports a
/// logged-off agent as loggedOn=false; ctigw folds that into the one state.
enum class agent_state : std::uint8_t { logged_off, not_ready, ready, busy, working_after_call };
template <>
struct enum_traits<agent_state> {
    static constexpr std::array<std::string_view, 5> names{"loggedOff", "notReady", "ready", "busy",
                                                           "workingAfterCall"};
    static constexpr bool open = false;
};

/// What SetAgentState asks for (ECMA-269 ReqAgentState: busy cannot be requested).
enum class requested_agent_state : std::uint8_t {
    logged_on,
    logged_off,
    not_ready,
    ready,
    working_after_call
};
template <>
struct enum_traits<requested_agent_state> {
    static constexpr std::array<std::string_view, 5> names{"loggedOn", "loggedOff", "notReady",
                                                           "ready", "workingAfterCall"};
    static constexpr bool open = false;
};

// ---- composite types -----------------------------------------------------------------------

/// A negative response (ECMA-269 UniversalFailure): a category and the value within it, by its
/// ECMA-269 name (see error_values). Unknown values are kept verbatim.
struct csta_error {
    error_category category = error_category::unspecified;
    std::string value;
    std::optional<std::string> message;  ///< human-readable detail, never parsed
    friend bool operator==(const csta_error&, const csta_error&) = default;
    static constexpr auto fields() {
        return std::tuple{req("category", &csta_error::category), req("value", &csta_error::value),
                          opt("message", &csta_error::message)};
    }
};

/// ECMA-269 error values used by ctigw (others may appear and are kept as text).
namespace error_values {
inline constexpr std::string_view generic = "generic";
inline constexpr std::string_view invalid_call_id = "invalidCallID";
inline constexpr std::string_view invalid_device_id = "invalidDeviceID";
inline constexpr std::string_view invalid_connection_id = "invalidConnectionID";
inline constexpr std::string_view invalid_destination = "invalidDestination";
inline constexpr std::string_view invalid_monitor_cross_ref_id = "invalidMonitorCrossRefID";
inline constexpr std::string_view invalid_parameter_value = "valueOutOfRange";
inline constexpr std::string_view service_not_supported = "serviceNotSupported";
inline constexpr std::string_view invalid_connection_state = "invalidConnectionState";
inline constexpr std::string_view invalid_device_state = "invalidDeviceState";
inline constexpr std::string_view no_active_call = "noActiveCall";
inline constexpr std::string_view no_held_call = "noHeldCall";
inline constexpr std::string_view no_call_to_answer = "noCallToAnswer";
inline constexpr std::string_view no_call_to_clear = "noCallToClear";
inline constexpr std::string_view no_connection_to_clear = "noConnectionToClear";
inline constexpr std::string_view no_call_to_pick_up = "noCallToPickUp";
inline constexpr std::string_view not_authenticated = "notAuthenticated";
inline constexpr std::string_view invalid_credentials = "invalidCredentials";
/// A device or call outside the client's rights (a gateway serving several clients).
inline constexpr std::string_view privilege_violation = "privilegeViolationSpecifiedDevice";
inline constexpr std::string_view resource_busy = "resourceBusy";
inline constexpr std::string_view device_out_of_service = "deviceOutOfService";
inline constexpr std::string_view resource_limit_exceeded = "resourceLimitExceeded";
inline constexpr std::string_view overall_monitor_limit_exceeded = "overallMonitorLimitExceeded";
inline constexpr std::string_view object_monitor_limit_exceeded = "objectMonitorLimitExceeded";
inline constexpr std::string_view outstanding_request_limit_exceeded =
    "outstandingReqLimitExceeded";
inline constexpr std::string_view performance_limit_exceeded = "performanceLimitExceeded";
inline constexpr std::string_view conference_full = "conferenceMemberLimitExceeded";
inline constexpr std::string_view unsupported_version = "unsupportedVersion";
}  // namespace error_values

/// One entry of the old→new map in Transferred / Conferenced (ECMA-269 ConnectionList).
/// A party that left has no newConnection; a party that joined has no oldConnection.
struct connection_list_entry {
    std::optional<connection_id> old_connection;
    std::optional<connection_id> new_connection;
    std::optional<std::string> endpoint;  ///< the party's deviceID when known
    friend bool operator==(const connection_list_entry&, const connection_list_entry&) = default;
    static constexpr auto fields() {
        return std::tuple{opt("oldConnection", &connection_list_entry::old_connection),
                          opt("newConnection", &connection_list_entry::new_connection),
                          opt("endpoint", &connection_list_entry::endpoint)};
    }
};

/// One connection of a device, as SnapshotDevice reports it.
struct snapshot_connection {
    connection_id connection;
    connection_state state = connection_state::null;
    std::optional<std::string> calling_device;
    std::optional<std::string> called_device;
    std::optional<byte_string> correlator_data;
    friend bool operator==(const snapshot_connection&, const snapshot_connection&) = default;
    static constexpr auto fields() {
        return std::tuple{req("connection", &snapshot_connection::connection),
                          req("state", &snapshot_connection::state),
                          opt("callingDevice", &snapshot_connection::calling_device),
                          opt("calledDevice", &snapshot_connection::called_device),
                          opt("correlatorData", &snapshot_connection::correlator_data)};
    }
};

/// One party of a call, as SnapshotCall reports it.
struct call_party {
    connection_id connection;
    connection_state state = connection_state::null;
    friend bool operator==(const call_party&, const call_party&) = default;
    static constexpr auto fields() {
        return std::tuple{req("connection", &call_party::connection),
                          req("state", &call_party::state)};
    }
};

/// One forwarding entry of a device.
struct forwarding_entry {
    forwarding_type type = forwarding_type::immediate;
    bool active = false;
    std::optional<std::string> forward_to;
    std::optional<std::uint32_t> ring_count;
    friend bool operator==(const forwarding_entry&, const forwarding_entry&) = default;
    static constexpr auto fields() {
        return std::tuple{req("forwardingType", &forwarding_entry::type),
                          req("forwardStatus", &forwarding_entry::active),
                          opt("forwardTo", &forwarding_entry::forward_to),
                          opt("ringCount", &forwarding_entry::ring_count)};
    }
};

/// A device known to the switch (GetSwitchingFunctionDevices).
struct device_info {
    std::string device;
    device_category category = device_category::station;
    std::optional<std::string> name;
    friend bool operator==(const device_info&, const device_info&) = default;
    static constexpr auto fields() {
        return std::tuple{req("device", &device_info::device),
                          req("category", &device_info::category), opt("name", &device_info::name)};
    }
};

/// A button of a phone device.
struct button_info {
    std::uint32_t button = 0;
    std::optional<std::string> label;
    std::optional<std::string> function;  ///< e.g. "line", "feature", "keypad"
    std::optional<std::uint32_t> lamp;    ///< the lamp that belongs to this button
    friend bool operator==(const button_info&, const button_info&) = default;
    static constexpr auto fields() {
        return std::tuple{req("button", &button_info::button), opt("label", &button_info::label),
                          opt("function", &button_info::function), opt("lamp", &button_info::lamp)};
    }
};

struct hookswitch_status {
    hookswitch_type hookswitch = hookswitch_type::handset;
    hookswitch_mode mode = hookswitch_mode::on_hook;
    friend bool operator==(const hookswitch_status&, const hookswitch_status&) = default;
    static constexpr auto fields() {
        return std::tuple{req("hookswitch", &hookswitch_status::hookswitch),
                          req("mode", &hookswitch_status::mode)};
    }
};

/// A phone's display (GetDisplay; GetDeviceStatusBatch's `display`).
struct display_status {
    std::string text;  ///< rows*columns characters, row after row
    std::uint32_t rows = 0;
    std::uint32_t columns = 0;
    friend bool operator==(const display_status&, const display_status&) = default;
    static constexpr auto fields() {
        return std::tuple{req("text", &display_status::text), req("rows", &display_status::rows),
                          req("columns", &display_status::columns)};
    }
};

/// A phone's ringer (GetRingerStatus; GetDeviceStatusBatch's `ringer`).
struct ringer_status {
    ringer_mode mode = ringer_mode::not_ringing;
    std::optional<std::uint32_t> volume;  ///< 0..100
    friend bool operator==(const ringer_status&, const ringer_status&) = default;
    static constexpr auto fields() {
        return std::tuple{req("ringMode", &ringer_status::mode),
                          opt("volume", &ringer_status::volume)};
    }
};

/// What one device can do on this switch (MonitorStart result, MonitorItem): the services the
/// switch will refuse for it. A list of what is missing, not of what works, so that an absent
/// member (old switch) and services added later both mean "supported" (docs/protocol.md §3.3).
/// Names stay open strings: a name this build does not know is kept, never an error.
struct capabilities {
    std::vector<std::string> unsupported;  ///< service names, e.g. "AnswerCall"
    friend bool operator==(const capabilities&, const capabilities&) = default;
    static constexpr auto fields() {
        return std::tuple{opt("unsupported", &capabilities::unsupported)};
    }
};

/// An agent's state in one ACD group (GetAgentState). A switch without groups leaves acdGroup out.
struct agent_group_state {
    std::optional<std::string> acd_group;
    std::optional<std::string> agent_id;
    agent_state state = agent_state::logged_off;
    std::optional<agent_state> pending_state;  ///< taken when the current call ends
    std::optional<std::string> reason_code;    ///< notReady: the switch's reason (ctigw extension)
    friend bool operator==(const agent_group_state&, const agent_group_state&) = default;
    static constexpr auto fields() {
        return std::tuple{opt("acdGroup", &agent_group_state::acd_group),
                          opt("agentID", &agent_group_state::agent_id),
                          req("agentState", &agent_group_state::state),
                          opt("pendingAgentState", &agent_group_state::pending_state),
                          opt("reasonCode", &agent_group_state::reason_code)};
    }
};

/// A not-ready reason the switch accepts: its code on the wire and a name for people.
struct agent_reason {
    std::string code;
    std::optional<std::string> name;
    friend bool operator==(const agent_reason&, const agent_reason&) = default;
    static constexpr auto fields() {
        return std::tuple{req("code", &agent_reason::code), opt("name", &agent_reason::name)};
    }
};

}  // namespace ctigw::protocol
