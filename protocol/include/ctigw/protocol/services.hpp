// The services of ctigw.csta.v1 (docs/protocol.md §5): one struct per service with its `name`
// on the wire, its `params` (the request body) and its `result` (the positive response body).
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ctigw/protocol/agent_services.hpp"
#include "ctigw/protocol/status_services.hpp"
#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol {

/// A result with no fields. Each service still gets its own type (they are nested below), so
/// that a response variant names the service it answers.
#define CTIGW_EMPTY_RESULT                                              \
    struct result {                                                     \
        friend bool operator==(const result&, const result&) = default; \
        static constexpr auto fields() { return std::tuple{}; }         \
    }

namespace svc {

// ---- system services ---------------------------------------------------------------------

/// First request on a new WebSocket: version negotiation. The switch picks the highest version
/// it supports from `versions` and reports its instance id (new at every switch restart).
struct hello {
    static constexpr std::string_view name = "Hello";
    struct params {
        std::vector<std::uint32_t> versions;
        std::string client_name;
        std::optional<std::string> client_version;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("versions", &params::versions),
                              req("clientName", &params::client_name),
                              opt("clientVersion", &params::client_version)};
        }
    };
    struct result {
        std::uint32_t version = 1;
        std::string instance_id;
        std::string switch_name;
        std::uint32_t heartbeat_interval_ms = 10000;
        std::optional<std::uint32_t> max_batch_size;
        std::optional<std::uint32_t> max_frame_bytes;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("version", &result::version),
                              req("instanceId", &result::instance_id),
                              req("switchName", &result::switch_name),
                              req("heartbeatIntervalMs", &result::heartbeat_interval_ms),
                              opt("maxBatchSize", &result::max_batch_size),
                              opt("maxFrameBytes", &result::max_frame_bytes)};
        }
    };
};

/// Bearer-token authentication; required before any service other than Hello.
struct authenticate {
    static constexpr std::string_view name = "Authenticate";
    struct params {
        std::string token;  ///< a secret: never logged
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("token", &params::token)}; }
    };
    struct result {
        std::optional<std::string> session_id;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{opt("sessionId", &result::session_id)}; }
    };
};

struct request_system_status {
    static constexpr std::string_view name = "RequestSystemStatus";
    struct params {
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{}; }
    };
    struct result {
        system_status status = system_status::normal;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("status", &result::status)}; }
    };
};

// ---- monitoring and snapshots ----------------------------------------------------------------

struct monitor_start {
    static constexpr std::string_view name = "MonitorStart";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        std::string monitor_ref;           ///< ECMA-269 monitorCrossRefID; echoed by every event
        std::optional<capabilities> caps;  ///< absent = every service the switch implements
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("monitorRef", &result::monitor_ref),
                              opt("capabilities", &result::caps)};
        }
    };
};

/// One device's outcome inside a batched monitor result: a monitorRef or an error.
struct monitor_item {
    std::string device;
    std::optional<std::string> monitor_ref;
    std::optional<csta_error> error;
    std::optional<capabilities> caps;  ///< success only; absent = every service implemented
    friend bool operator==(const monitor_item&, const monitor_item&) = default;
    static constexpr auto fields() {
        return std::tuple{
            req("device", &monitor_item::device), opt("monitorRef", &monitor_item::monitor_ref),
            opt("error", &monitor_item::error), opt("capabilities", &monitor_item::caps)};
    }
};

/// MonitorStart for many devices in one round trip; results in request order.
struct monitor_start_batch {
    static constexpr std::string_view name = "MonitorStartBatch";
    struct params {
        std::vector<std::string> devices;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("devices", &params::devices)}; }
    };
    struct result {
        std::vector<monitor_item> results;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("results", &result::results)}; }
    };
};

struct monitor_stop {
    static constexpr std::string_view name = "MonitorStop";
    struct params {
        std::string monitor_ref;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("monitorRef", &params::monitor_ref)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct monitor_stop_item {
    std::string monitor_ref;
    std::optional<csta_error> error;
    friend bool operator==(const monitor_stop_item&, const monitor_stop_item&) = default;
    static constexpr auto fields() {
        return std::tuple{req("monitorRef", &monitor_stop_item::monitor_ref),
                          opt("error", &monitor_stop_item::error)};
    }
};

struct monitor_stop_batch {
    static constexpr std::string_view name = "MonitorStopBatch";
    struct params {
        std::vector<std::string> monitor_refs;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("monitorRefs", &params::monitor_refs)};
        }
    };
    struct result {
        std::vector<monitor_stop_item> results;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("results", &result::results)}; }
    };
};

/// Every current connection of a device.
struct snapshot_device {
    static constexpr std::string_view name = "SnapshotDevice";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        std::vector<snapshot_connection> connections;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("connections", &result::connections)};
        }
    };
};

struct snapshot_item {
    std::string device;
    std::vector<snapshot_connection> connections;
    std::optional<csta_error> error;
    friend bool operator==(const snapshot_item&, const snapshot_item&) = default;
    static constexpr auto fields() {
        return std::tuple{req("device", &snapshot_item::device),
                          opt("connections", &snapshot_item::connections),
                          opt("error", &snapshot_item::error)};
    }
};

struct snapshot_device_batch {
    static constexpr std::string_view name = "SnapshotDeviceBatch";
    struct params {
        std::vector<std::string> devices;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("devices", &params::devices)}; }
    };
    struct result {
        std::vector<snapshot_item> results;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("results", &result::results)}; }
    };
};

struct snapshot_call {
    static constexpr std::string_view name = "SnapshotCall";
    struct params {
        std::string call_id;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("callID", &params::call_id)}; }
    };
    struct result {
        std::vector<call_party> parties;
        std::optional<byte_string> correlator_data;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("parties", &result::parties),
                              opt("correlatorData", &result::correlator_data)};
        }
    };
};

/// The devices the switch exposes, paged with an opaque cursor.
struct get_switching_function_devices {
    static constexpr std::string_view name = "GetSwitchingFunctionDevices";
    struct params {
        std::optional<device_category> category;
        std::optional<std::string> cursor;
        std::optional<std::uint32_t> max_count;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{opt("category", &params::category), opt("cursor", &params::cursor),
                              opt("maxCount", &params::max_count)};
        }
    };
    struct result {
        std::vector<device_info> devices;
        std::optional<std::string> next_cursor;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("devices", &result::devices),
                              opt("nextCursor", &result::next_cursor)};
        }
    };
};

// ---- basic call control ------------------------------------------------------------------

struct make_call {
    static constexpr std::string_view name = "MakeCall";
    struct params {
        std::string calling_device;
        std::string called_directory_number;
        std::optional<byte_string> correlator_data;
        std::optional<bool> auto_originate;  ///< true (default): the switch goes off-hook itself
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callingDevice", &params::calling_device),
                              req("calledDirectoryNumber", &params::called_directory_number),
                              opt("correlatorData", &params::correlator_data),
                              opt("autoOriginate", &params::auto_originate)};
        }
    };
    struct result {
        connection_id calling_connection;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callingConnection", &result::calling_connection)};
        }
    };
};

struct answer_call {
    static constexpr std::string_view name = "AnswerCall";
    struct params {
        connection_id call_to_be_answered;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callToBeAnswered", &params::call_to_be_answered)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct clear_connection {
    static constexpr std::string_view name = "ClearConnection";
    struct params {
        connection_id connection_to_be_cleared;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("connectionToBeCleared", &params::connection_to_be_cleared)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct clear_call {
    static constexpr std::string_view name = "ClearCall";
    struct params {
        std::string call_to_be_cleared;  ///< a callID: every connection of the call goes
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callToBeCleared", &params::call_to_be_cleared)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct hold_call {
    static constexpr std::string_view name = "HoldCall";
    struct params {
        connection_id call_to_be_held;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callToBeHeld", &params::call_to_be_held)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct retrieve_call {
    static constexpr std::string_view name = "RetrieveCall";
    struct params {
        connection_id call_to_be_retrieved;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callToBeRetrieved", &params::call_to_be_retrieved)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

/// Hold the active call and retrieve the held one, atomically.
struct alternate_call {
    static constexpr std::string_view name = "AlternateCall";
    struct params {
        connection_id active_call;
        connection_id other_call;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("activeCall", &params::active_call),
                              req("otherCall", &params::other_call)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

/// Clear the active call and retrieve the held one.
struct reconnect_call {
    static constexpr std::string_view name = "ReconnectCall";
    struct params {
        connection_id active_call;
        connection_id held_call;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("activeCall", &params::active_call),
                              req("heldCall", &params::held_call)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

/// Hold existingCall and call consultedDevice from the same device.
struct consultation_call {
    static constexpr std::string_view name = "ConsultationCall";
    struct params {
        connection_id existing_call;
        std::string consulted_device;
        std::optional<byte_string> correlator_data;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("existingCall", &params::existing_call),
                              req("consultedDevice", &params::consulted_device),
                              opt("correlatorData", &params::correlator_data)};
        }
    };
    struct result {
        connection_id initiated_call;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("initiatedCall", &result::initiated_call)};
        }
    };
};

/// Join the held and the active call and drop the transferring device.
struct transfer_call {
    static constexpr std::string_view name = "TransferCall";
    struct params {
        connection_id held_call;
        connection_id active_call;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("heldCall", &params::held_call),
                              req("activeCall", &params::active_call)};
        }
    };
    struct result {
        std::optional<std::string> transferred_call;  ///< callID of the surviving call
        std::vector<connection_list_entry> connections;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{opt("transferredCall", &result::transferred_call),
                              opt("connections", &result::connections)};
        }
    };
};

struct single_step_transfer {
    static constexpr std::string_view name = "SingleStepTransfer";
    struct params {
        connection_id active_call;
        std::string transferred_to;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("activeCall", &params::active_call),
                              req("transferredTo", &params::transferred_to)};
        }
    };
    struct result {
        std::optional<std::string> transferred_call;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{opt("transferredCall", &result::transferred_call)};
        }
    };
};

struct conference_call {
    static constexpr std::string_view name = "ConferenceCall";
    struct params {
        connection_id held_call;
        connection_id active_call;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("heldCall", &params::held_call),
                              req("activeCall", &params::active_call)};
        }
    };
    struct result {
        connection_id conference_call;  ///< the conferencing device's connection in the result
        std::vector<connection_list_entry> connections;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("conferenceCall", &result::conference_call),
                              opt("connections", &result::connections)};
        }
    };
};

struct single_step_conference {
    static constexpr std::string_view name = "SingleStepConference";
    struct params {
        connection_id active_call;
        std::string device_to_join;
        std::optional<participation_type> participation;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("activeCall", &params::active_call),
                              req("deviceToJoin", &params::device_to_join),
                              opt("participationType", &params::participation)};
        }
    };
    struct result {
        connection_id conference_call;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("conferenceCall", &result::conference_call)};
        }
    };
};

/// Send an alerting call elsewhere (TAPI lineRedirect).
struct deflect_call {
    static constexpr std::string_view name = "DeflectCall";
    struct params {
        connection_id call_to_be_diverted;
        std::string new_destination;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callToBeDiverted", &params::call_to_be_diverted),
                              req("newDestination", &params::new_destination)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

/// Pick up a call alerting at (or parked on) another device. Name the device (the switch picks
/// its alerting or queued call) or the exact connection. A parked call is retrieved by picking up
/// its park orbit device (docs/protocol.md §5.6).
struct directed_pickup_call {
    static constexpr std::string_view name = "DirectedPickupCall";
    struct params {
        std::optional<std::string> device_to_be_picked_up;
        std::optional<connection_id> call_to_be_picked_up;
        std::string requesting_device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{opt("deviceToBePickedUp", &params::device_to_be_picked_up),
                              opt("callToBePickedUp", &params::call_to_be_picked_up),
                              req("requestingDevice", &params::requesting_device)};
        }
    };
    struct result {
        connection_id picked_call;  ///< the requesting device's new connection
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("pickedCall", &result::picked_call)};
        }
    };
};

/// Pick up a call alerting in a pickup group (the requesting device's own group by default).
struct group_pickup_call {
    static constexpr std::string_view name = "GroupPickupCall";
    struct params {
        std::string requesting_device;
        std::optional<std::string> pickup_group;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("requestingDevice", &params::requesting_device),
                              opt("pickupGroup", &params::pickup_group)};
        }
    };
    struct result {
        connection_id picked_call;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("pickedCall", &result::picked_call)};
        }
    };
};

/// Park a connected call on an orbit: `parkTo` given = directed park, absent = any free orbit.
struct park_call {
    static constexpr std::string_view name = "ParkCall";
    struct params {
        connection_id parking;
        std::optional<std::string> park_to;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("parking", &params::parking), opt("parkTo", &params::park_to)};
        }
    };
    struct result {
        std::string parked_to;  ///< the orbit device now holding the call
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("parkedTo", &result::parked_to)}; }
    };
};

struct generate_digits {
    static constexpr std::string_view name = "GenerateDigits";
    struct params {
        connection_id connection_to_send_digits;
        std::string characters_to_send;  ///< 0-9 * # A-D, and ',' for a pause
        std::optional<std::uint32_t> tone_duration_ms;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("connectionToSendDigits", &params::connection_to_send_digits),
                              req("charactersToSend", &params::characters_to_send),
                              opt("toneDurationMs", &params::tone_duration_ms)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

/// Attach correlator data to a call; it follows the call through transfer and conference.
struct associate_data {
    static constexpr std::string_view name = "AssociateData";
    struct params {
        connection_id existing_call;
        byte_string correlator_data;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("existingCall", &params::existing_call),
                              req("correlatorData", &params::correlator_data)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

// ---- device features -----------------------------------------------------------------------

struct set_forwarding {
    static constexpr std::string_view name = "SetForwarding";
    struct params {
        std::string device;
        forwarding_type type = forwarding_type::immediate;
        bool activate = false;
        std::optional<std::string> forward_to;  ///< required when activating (not for DND)
        std::optional<std::uint32_t> ring_count;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), req("forwardingType", &params::type),
                              req("activateForward", &params::activate),
                              opt("forwardTo", &params::forward_to),
                              opt("ringCount", &params::ring_count)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_forwarding {
    static constexpr std::string_view name = "GetForwarding";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        std::vector<forwarding_entry> forwarding;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("forwarding", &result::forwarding)};
        }
    };
};

struct set_do_not_disturb {
    static constexpr std::string_view name = "SetDoNotDisturb";
    struct params {
        std::string device;
        bool do_not_disturb_on = false;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device),
                              req("doNotDisturbOn", &params::do_not_disturb_on)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_do_not_disturb {
    static constexpr std::string_view name = "GetDoNotDisturb";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        bool do_not_disturb_on = false;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("doNotDisturbOn", &result::do_not_disturb_on)};
        }
    };
};

struct set_message_waiting_indicator {
    static constexpr std::string_view name = "SetMessageWaitingIndicator";
    struct params {
        std::string device;
        bool message_waiting_on = false;
        std::optional<std::string> device_for_message;  ///< e.g. the voicemail pilot
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device),
                              req("messageWaitingOn", &params::message_waiting_on),
                              opt("deviceForMessage", &params::device_for_message)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

// ---- phone-set (physical device) services ------------------------------------------------------

struct set_display {
    static constexpr std::string_view name = "SetDisplay";
    struct params {
        std::string device;
        std::string text;
        std::optional<std::uint32_t> row;
        std::optional<std::uint32_t> column;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), req("text", &params::text),
                              opt("row", &params::row), opt("column", &params::column)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_display {
    static constexpr std::string_view name = "GetDisplay";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    using result = display_status;
};

struct set_hookswitch_status {
    static constexpr std::string_view name = "SetHookswitchStatus";
    struct params {
        std::string device;
        hookswitch_type hookswitch = hookswitch_type::handset;
        hookswitch_mode mode = hookswitch_mode::on_hook;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device),
                              req("hookswitch", &params::hookswitch), req("mode", &params::mode)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_hookswitch_status {
    static constexpr std::string_view name = "GetHookswitchStatus";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        std::vector<hookswitch_status> hookswitches;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("hookswitches", &result::hookswitches)};
        }
    };
};

struct set_lamp_mode {
    static constexpr std::string_view name = "SetLampMode";
    struct params {
        std::string device;
        std::uint32_t lamp = 0;
        lamp_mode mode = lamp_mode::off;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), req("lamp", &params::lamp),
                              req("lampMode", &params::mode)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_lamp_mode {
    static constexpr std::string_view name = "GetLampMode";
    struct params {
        std::string device;
        std::uint32_t lamp = 0;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), req("lamp", &params::lamp)};
        }
    };
    struct result {
        lamp_mode mode = lamp_mode::off;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("lampMode", &result::mode)}; }
    };
};

struct set_ringer_status {
    static constexpr std::string_view name = "SetRingerStatus";
    struct params {
        std::string device;
        ringer_mode mode = ringer_mode::not_ringing;
        std::optional<std::uint32_t> volume;  ///< 0..100
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), req("ringMode", &params::mode),
                              opt("volume", &params::volume)};
        }
    };
    CTIGW_EMPTY_RESULT;
};

struct get_ringer_status {
    static constexpr std::string_view name = "GetRingerStatus";
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    using result = ringer_status;
};

struct get_button_information {
    static constexpr std::string_view name = "GetButtonInformation";
    struct params {
        std::string device;
        std::optional<std::uint32_t> button;  ///< absent: every button
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), opt("button", &params::button)};
        }
    };
    struct result {
        std::vector<button_info> buttons;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("buttons", &result::buttons)}; }
    };
};

}  // namespace svc

#undef CTIGW_EMPTY_RESULT

/// Every service, in the order of docs/protocol.md §5. The index of a service in this list is
/// also its index in service_params / service_result.
template <class... S>
struct service_list {};
using all_services =
    service_list<svc::hello, svc::authenticate, svc::request_system_status, svc::monitor_start,
                 svc::monitor_start_batch, svc::monitor_stop, svc::monitor_stop_batch,
                 svc::snapshot_device, svc::snapshot_device_batch, svc::snapshot_call,
                 svc::get_switching_function_devices, svc::make_call, svc::answer_call,
                 svc::clear_connection, svc::clear_call, svc::hold_call, svc::retrieve_call,
                 svc::alternate_call, svc::reconnect_call, svc::consultation_call,
                 svc::transfer_call, svc::single_step_transfer, svc::conference_call,
                 svc::single_step_conference, svc::deflect_call, svc::directed_pickup_call,
                 svc::group_pickup_call, svc::park_call, svc::generate_digits, svc::associate_data,
                 svc::set_forwarding, svc::get_forwarding, svc::set_do_not_disturb,
                 svc::get_do_not_disturb, svc::set_message_waiting_indicator, svc::set_display,
                 svc::get_display, svc::set_hookswitch_status, svc::get_hookswitch_status,
                 svc::set_lamp_mode, svc::get_lamp_mode, svc::set_ringer_status,
                 svc::get_ringer_status, svc::get_button_information, svc::set_agent_state,
                 svc::get_agent_state, svc::get_queue_statistics, svc::get_device_status_batch>;

/// The protocol version that introduced a service: 1 unless it says otherwise.
template <class S>
constexpr std::uint32_t since_version_v = [] {
    if constexpr (requires { S::since_version; })
        return S::since_version;
    else
        return std::uint32_t{1};
}();

}  // namespace ctigw::protocol
