// The events of ctigw.csta.v1 (docs/protocol.md §6): one struct per event with its `name` on the
// wire. Call events share `localConnectionInfo` (the monitored device's own connection state
// after the event) and `cause` (ECMA-269 EventCause).
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol {

/// Members every call-related event carries (both optional on the wire).
struct call_event_common {
    std::optional<connection_state> local_connection_info;
    std::optional<event_cause> cause;
    friend bool operator==(const call_event_common&, const call_event_common&) = default;
    static constexpr auto common_fields() {
        return std::tuple{opt("localConnectionInfo", &call_event_common::local_connection_info),
                          opt("cause", &call_event_common::cause)};
    }
};

#define CTIGW_EVENT_FIELDS(...)                                          \
    static constexpr auto fields() {                                     \
        return std::tuple_cat(std::tuple{__VA_ARGS__}, common_fields()); \
    }

namespace evt {

struct service_initiated : call_event_common {
    static constexpr std::string_view name = "ServiceInitiated";
    connection_id initiated_connection;
    std::optional<std::string> initiating_device;
    std::optional<byte_string> correlator_data;
    friend bool operator==(const service_initiated&, const service_initiated&) = default;
    CTIGW_EVENT_FIELDS(req("initiatedConnection", &service_initiated::initiated_connection),
                       opt("initiatingDevice", &service_initiated::initiating_device),
                       opt("correlatorData", &service_initiated::correlator_data))
};

struct originated : call_event_common {
    static constexpr std::string_view name = "Originated";
    connection_id originated_connection;
    std::string calling_device;
    std::string called_device;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const originated&, const originated&) = default;
    CTIGW_EVENT_FIELDS(req("originatedConnection", &originated::originated_connection),
                       req("callingDevice", &originated::calling_device),
                       opt("callingName", &originated::calling_name),
                       req("calledDevice", &originated::called_device))
};

struct delivered : call_event_common {
    static constexpr std::string_view name = "Delivered";
    connection_id connection;  ///< the alerting device's connection
    std::string alerting_device;
    std::string calling_device;
    std::string called_device;
    std::optional<std::string> last_redirection_device;
    std::optional<byte_string> correlator_data;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const delivered&, const delivered&) = default;
    CTIGW_EVENT_FIELDS(req("connection", &delivered::connection),
                       req("alertingDevice", &delivered::alerting_device),
                       req("callingDevice", &delivered::calling_device),
                       opt("callingName", &delivered::calling_name),
                       req("calledDevice", &delivered::called_device),
                       opt("lastRedirectionDevice", &delivered::last_redirection_device),
                       opt("correlatorData", &delivered::correlator_data))
};

struct established : call_event_common {
    static constexpr std::string_view name = "Established";
    connection_id established_connection;
    std::string answering_device;
    std::string calling_device;
    std::string called_device;
    std::optional<std::string> last_redirection_device;
    std::optional<byte_string> correlator_data;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const established&, const established&) = default;
    CTIGW_EVENT_FIELDS(req("establishedConnection", &established::established_connection),
                       req("answeringDevice", &established::answering_device),
                       req("callingDevice", &established::calling_device),
                       opt("callingName", &established::calling_name),
                       req("calledDevice", &established::called_device),
                       opt("lastRedirectionDevice", &established::last_redirection_device),
                       opt("correlatorData", &established::correlator_data))
};

struct held : call_event_common {
    static constexpr std::string_view name = "Held";
    connection_id held_connection;
    std::string holding_device;
    friend bool operator==(const held&, const held&) = default;
    CTIGW_EVENT_FIELDS(req("heldConnection", &held::held_connection),
                       req("holdingDevice", &held::holding_device))
};

struct retrieved : call_event_common {
    static constexpr std::string_view name = "Retrieved";
    connection_id retrieved_connection;
    std::string retrieving_device;
    friend bool operator==(const retrieved&, const retrieved&) = default;
    CTIGW_EVENT_FIELDS(req("retrievedConnection", &retrieved::retrieved_connection),
                       req("retrievingDevice", &retrieved::retrieving_device))
};

struct connection_cleared : call_event_common {
    static constexpr std::string_view name = "ConnectionCleared";
    connection_id dropped_connection;
    std::string releasing_device;
    friend bool operator==(const connection_cleared&, const connection_cleared&) = default;
    CTIGW_EVENT_FIELDS(req("droppedConnection", &connection_cleared::dropped_connection),
                       req("releasingDevice", &connection_cleared::releasing_device))
};

struct call_cleared : call_event_common {
    static constexpr std::string_view name = "CallCleared";
    std::string cleared_call;  ///< callID
    friend bool operator==(const call_cleared&, const call_cleared&) = default;
    CTIGW_EVENT_FIELDS(req("clearedCall", &call_cleared::cleared_call))
};

/// The surviving call may carry a new callID: only transferredConnections maps old to new.
struct transferred : call_event_common {
    static constexpr std::string_view name = "Transferred";
    connection_id primary_old_call;
    std::optional<connection_id> secondary_old_call;
    std::string transferring_device;
    std::string transferred_to_device;
    std::vector<connection_list_entry> transferred_connections;
    friend bool operator==(const transferred&, const transferred&) = default;
    CTIGW_EVENT_FIELDS(req("primaryOldCall", &transferred::primary_old_call),
                       opt("secondaryOldCall", &transferred::secondary_old_call),
                       req("transferringDevice", &transferred::transferring_device),
                       req("transferredToDevice", &transferred::transferred_to_device),
                       req("transferredConnections", &transferred::transferred_connections))
};

struct conferenced : call_event_common {
    static constexpr std::string_view name = "Conferenced";
    connection_id primary_old_call;
    std::optional<connection_id> secondary_old_call;
    std::string conferencing_device;
    std::string added_party;
    std::vector<connection_list_entry> conference_connections;
    friend bool operator==(const conferenced&, const conferenced&) = default;
    CTIGW_EVENT_FIELDS(req("primaryOldCall", &conferenced::primary_old_call),
                       opt("secondaryOldCall", &conferenced::secondary_old_call),
                       req("conferencingDevice", &conferenced::conferencing_device),
                       req("addedParty", &conferenced::added_party),
                       req("conferenceConnections", &conferenced::conference_connections))
};

/// The call left a device without being answered there (deflect, forward, pickup).
struct diverted : call_event_common {
    static constexpr std::string_view name = "Diverted";
    connection_id connection;  ///< the diverting device's (now gone) connection
    std::string diverting_device;
    std::string new_destination;
    std::optional<std::string> calling_device;
    std::optional<std::string> called_device;
    std::optional<std::string> last_redirection_device;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const diverted&, const diverted&) = default;
    CTIGW_EVENT_FIELDS(req("connection", &diverted::connection),
                       req("divertingDevice", &diverted::diverting_device),
                       req("newDestination", &diverted::new_destination),
                       opt("callingDevice", &diverted::calling_device),
                       opt("callingName", &diverted::calling_name),
                       opt("calledDevice", &diverted::called_device),
                       opt("lastRedirectionDevice", &diverted::last_redirection_device))
};

/// The call waits at a device: a queue, or a park orbit (cause park).
struct queued : call_event_common {
    static constexpr std::string_view name = "Queued";
    connection_id queued_connection;
    std::string queue;
    std::optional<std::string> calling_device;
    std::optional<std::string> called_device;
    std::optional<std::string> last_redirection_device;
    std::optional<std::uint32_t> number_queued;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const queued&, const queued&) = default;
    CTIGW_EVENT_FIELDS(req("queuedConnection", &queued::queued_connection),
                       req("queue", &queued::queue), opt("callingDevice", &queued::calling_device),
                       opt("callingName", &queued::calling_name),
                       opt("calledDevice", &queued::called_device),
                       opt("lastRedirectionDevice", &queued::last_redirection_device),
                       opt("numberQueued", &queued::number_queued))
};

struct failed : call_event_common {
    static constexpr std::string_view name = "Failed";
    connection_id failed_connection;
    std::string failing_device;
    std::optional<std::string> calling_device;
    std::optional<std::string> called_device;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const failed&, const failed&) = default;
    CTIGW_EVENT_FIELDS(req("failedConnection", &failed::failed_connection),
                       req("failingDevice", &failed::failing_device),
                       opt("callingDevice", &failed::calling_device),
                       opt("callingName", &failed::calling_name),
                       opt("calledDevice", &failed::called_device))
};

struct network_reached : call_event_common {
    static constexpr std::string_view name = "NetworkReached";
    connection_id outbound_connection;
    std::string network_interface_used;
    std::optional<std::string> calling_device;
    std::optional<std::string> called_device;
    std::optional<std::string> calling_name;  ///< the calling party's name, when the switch has one
    friend bool operator==(const network_reached&, const network_reached&) = default;
    CTIGW_EVENT_FIELDS(req("outboundConnection", &network_reached::outbound_connection),
                       req("networkInterfaceUsed", &network_reached::network_interface_used),
                       opt("callingDevice", &network_reached::calling_device),
                       opt("callingName", &network_reached::calling_name),
                       opt("calledDevice", &network_reached::called_device))
};

struct digits_generated : call_event_common {
    static constexpr std::string_view name = "DigitsGenerated";
    connection_id connection;
    std::string digits;
    friend bool operator==(const digits_generated&, const digits_generated&) = default;
    CTIGW_EVENT_FIELDS(req("connection", &digits_generated::connection),
                       req("digits", &digits_generated::digits))
};

/// DTMF digits received from the far end of a connection.
struct digits_detected : call_event_common {
    static constexpr std::string_view name = "DigitsDetected";
    connection_id connection;
    std::string digits;
    friend bool operator==(const digits_detected&, const digits_detected&) = default;
    CTIGW_EVENT_FIELDS(req("connection", &digits_detected::connection),
                       req("digits", &digits_detected::digits))
};

/// Correlator data of a call changed (AssociateData, or set by another party).
struct call_information : call_event_common {
    static constexpr std::string_view name = "CallInformation";
    connection_id connection;
    std::optional<byte_string> correlator_data;
    friend bool operator==(const call_information&, const call_information&) = default;
    CTIGW_EVENT_FIELDS(req("connection", &call_information::connection),
                       opt("correlatorData", &call_information::correlator_data))
};

// ---- device feature and maintenance events --------------------------------------------------

struct forwarding : call_event_common {
    static constexpr std::string_view name = "Forwarding";
    std::string device;
    forwarding_type type = forwarding_type::immediate;
    bool forward_status = false;
    std::optional<std::string> forward_to;
    std::optional<std::uint32_t> ring_count;
    friend bool operator==(const forwarding&, const forwarding&) = default;
    CTIGW_EVENT_FIELDS(req("device", &forwarding::device), req("forwardingType", &forwarding::type),
                       req("forwardStatus", &forwarding::forward_status),
                       opt("forwardTo", &forwarding::forward_to),
                       opt("ringCount", &forwarding::ring_count))
};

struct do_not_disturb : call_event_common {
    static constexpr std::string_view name = "DoNotDisturb";
    std::string device;
    bool do_not_disturb_on = false;
    friend bool operator==(const do_not_disturb&, const do_not_disturb&) = default;
    CTIGW_EVENT_FIELDS(req("device", &do_not_disturb::device),
                       req("doNotDisturbOn", &do_not_disturb::do_not_disturb_on))
};

struct message_waiting : call_event_common {
    static constexpr std::string_view name = "MessageWaiting";
    std::string target_device;
    std::optional<std::string> device_for_message;
    bool message_waiting_on = false;
    friend bool operator==(const message_waiting&, const message_waiting&) = default;
    CTIGW_EVENT_FIELDS(req("targetDevice", &message_waiting::target_device),
                       opt("deviceForMessage", &message_waiting::device_for_message),
                       req("messageWaitingOn", &message_waiting::message_waiting_on))
};

struct back_in_service : call_event_common {
    static constexpr std::string_view name = "BackInService";
    std::string device;
    friend bool operator==(const back_in_service&, const back_in_service&) = default;
    CTIGW_EVENT_FIELDS(req("device", &back_in_service::device))
};

struct out_of_service : call_event_common {
    static constexpr std::string_view name = "OutOfService";
    std::string device;
    friend bool operator==(const out_of_service&, const out_of_service&) = default;
    CTIGW_EVENT_FIELDS(req("device", &out_of_service::device))
};

/// The switch ended a monitor (the envelope's monitorRef names it); no more events will come.
struct monitor_ended : call_event_common {
    static constexpr std::string_view name = "MonitorEnded";
    std::optional<std::string> device;
    friend bool operator==(const monitor_ended&, const monitor_ended&) = default;
    CTIGW_EVENT_FIELDS(opt("device", &monitor_ended::device))
};

// ---- phone-set events ------------------------------------------------------------------------

struct display_updated : call_event_common {
    static constexpr std::string_view name = "DisplayUpdated";
    std::string device;
    std::string text;
    std::optional<std::uint32_t> row;
    std::optional<std::uint32_t> column;
    friend bool operator==(const display_updated&, const display_updated&) = default;
    CTIGW_EVENT_FIELDS(req("device", &display_updated::device), req("text", &display_updated::text),
                       opt("row", &display_updated::row), opt("column", &display_updated::column))
};

struct hookswitch_changed : call_event_common {
    static constexpr std::string_view name = "HookswitchChanged";
    std::string device;
    hookswitch_type hookswitch = hookswitch_type::handset;
    hookswitch_mode mode = hookswitch_mode::on_hook;
    friend bool operator==(const hookswitch_changed&, const hookswitch_changed&) = default;
    CTIGW_EVENT_FIELDS(req("device", &hookswitch_changed::device),
                       req("hookswitch", &hookswitch_changed::hookswitch),
                       req("mode", &hookswitch_changed::mode))
};

struct lamp_mode_changed : call_event_common {
    static constexpr std::string_view name = "LampModeChanged";
    std::string device;
    std::uint32_t lamp = 0;
    lamp_mode mode = lamp_mode::off;
    friend bool operator==(const lamp_mode_changed&, const lamp_mode_changed&) = default;
    CTIGW_EVENT_FIELDS(req("device", &lamp_mode_changed::device),
                       req("lamp", &lamp_mode_changed::lamp),
                       req("lampMode", &lamp_mode_changed::mode))
};

struct button_pressed : call_event_common {
    static constexpr std::string_view name = "ButtonPressed";
    std::string device;
    std::uint32_t button = 0;
    std::optional<std::string> label;
    friend bool operator==(const button_pressed&, const button_pressed&) = default;
    CTIGW_EVENT_FIELDS(req("device", &button_pressed::device),
                       req("button", &button_pressed::button), opt("label", &button_pressed::label))
};

struct ringer_status_changed : call_event_common {
    static constexpr std::string_view name = "RingerStatusChanged";
    std::string device;
    ringer_mode mode = ringer_mode::not_ringing;
    std::optional<std::uint32_t> volume;
    friend bool operator==(const ringer_status_changed&, const ringer_status_changed&) = default;
    CTIGW_EVENT_FIELDS(req("device", &ringer_status_changed::device),
                       req("ringMode", &ringer_status_changed::mode),
                       opt("volume", &ringer_status_changed::volume))
};

// ---- agent events (version 2, docs/protocol.md §6.5) -----------------------------------------
// Sent for the agent's device and for the ACD group's device when that is monitored. A session
// of version 1 never receives them.

/// Members every agent event carries.
struct agent_event_common : call_event_common {
    std::string agent_device;
    std::optional<std::string> agent_id;
    std::optional<std::string> acd_group;
    friend bool operator==(const agent_event_common&, const agent_event_common&) = default;
    static constexpr std::uint32_t since_version = 2;
};

#define CTIGW_AGENT_FIELDS(T, ...)                                                         \
    CTIGW_EVENT_FIELDS(req("agentDevice", &T::agent_device), opt("agentID", &T::agent_id), \
                       opt("acdGroup", &T::acd_group) __VA_OPT__(, ) __VA_ARGS__)

struct agent_logged_on : agent_event_common {
    static constexpr std::string_view name = "AgentLoggedOn";
    friend bool operator==(const agent_logged_on&, const agent_logged_on&) = default;
    CTIGW_AGENT_FIELDS(agent_logged_on)
};

struct agent_logged_off : agent_event_common {
    static constexpr std::string_view name = "AgentLoggedOff";
    friend bool operator==(const agent_logged_off&, const agent_logged_off&) = default;
    CTIGW_AGENT_FIELDS(agent_logged_off)
};

struct agent_ready : agent_event_common {
    static constexpr std::string_view name = "AgentReady";
    friend bool operator==(const agent_ready&, const agent_ready&) = default;
    CTIGW_AGENT_FIELDS(agent_ready)
};

struct agent_not_ready : agent_event_common {
    static constexpr std::string_view name = "AgentNotReady";
    std::optional<std::string> reason_code;  ///< ctigw extension: the switch's reason
    friend bool operator==(const agent_not_ready&, const agent_not_ready&) = default;
    CTIGW_AGENT_FIELDS(agent_not_ready, opt("reasonCode", &agent_not_ready::reason_code))
};

/// The agent took a call (ACD or not); `pendingAgentState` is what follows it.
struct agent_busy : agent_event_common {
    static constexpr std::string_view name = "AgentBusy";
    std::optional<agent_state> pending_state;
    friend bool operator==(const agent_busy&, const agent_busy&) = default;
    CTIGW_AGENT_FIELDS(agent_busy, opt("pendingAgentState", &agent_busy::pending_state))
};

struct agent_working_after_call : agent_event_common {
    static constexpr std::string_view name = "AgentWorkingAfterCall";
    std::optional<agent_state> pending_state;
    friend bool operator==(const agent_working_after_call&,
                           const agent_working_after_call&) = default;
    CTIGW_AGENT_FIELDS(agent_working_after_call,
                       opt("pendingAgentState", &agent_working_after_call::pending_state))
};

#undef CTIGW_AGENT_FIELDS

/// An event whose name this version does not know: kept by name, body skipped, and counted
/// (forward compatibility). Never encoded.
struct unknown_event {
    std::string name;
    friend bool operator==(const unknown_event&, const unknown_event&) = default;
};

}  // namespace evt

#undef CTIGW_EVENT_FIELDS

template <class... E>
struct event_list {};
/// Every known event, in the order of docs/protocol.md §6.
using all_events =
    event_list<evt::service_initiated, evt::originated, evt::delivered, evt::established, evt::held,
               evt::retrieved, evt::connection_cleared, evt::call_cleared, evt::transferred,
               evt::conferenced, evt::diverted, evt::queued, evt::failed, evt::network_reached,
               evt::digits_generated, evt::digits_detected, evt::call_information, evt::forwarding,
               evt::do_not_disturb, evt::message_waiting, evt::back_in_service, evt::out_of_service,
               evt::monitor_ended, evt::display_updated, evt::hookswitch_changed,
               evt::lamp_mode_changed, evt::button_pressed, evt::ringer_status_changed,
               evt::agent_logged_on, evt::agent_logged_off, evt::agent_ready, evt::agent_not_ready,
               evt::agent_busy, evt::agent_working_after_call>;

/// The protocol version that introduced an event: 1 unless it says otherwise.
template <class E>
constexpr std::uint32_t event_since_version_v = [] {
    if constexpr (requires { E::since_version; })
        return E::since_version;
    else
        return std::uint32_t{1};
}();

}  // namespace ctigw::protocol
