// ctigw.csta.v1 services as AMI actions (docs/asterisk.md "Services"). Pure: a request and the
// call model's current truth in, the AMI actions to send (in order) and the response out, or a
// CSTA error when the request cannot work on this switch right now.
//
// Thread safety: pure functions; the backend calls them on its io thread with its model.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "asterisk/ami_message.hpp"
#include "asterisk/call_model.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::asterisk {

struct ami_action {
    std::string name;
    std::vector<ami::header> headers;
    /// An Error response does not fail the service (DBDel of a key that is already gone).
    bool may_fail = false;
    friend bool operator==(const ami_action&, const ami_action&) = default;
};

/// "Name: value" lines, for logs and test failures (values are ours or already checked).
std::string describe(const ami_action& a);

/// What the planner needs from the backend's configuration.
struct service_env {
    /// The dial string that rings a station's phone ("PJSIP/2001").
    std::function<std::string(std::string_view ext)> dial_string;
    std::function<bool(std::string_view device)> is_station;
    /// A fresh callID for a MakeCall; becomes the Originate's ChannelId (so Uniqueid and Linkedid).
    std::function<std::string()> new_call_id;
    /// Originate's CallerID for a station's MakeCall (what the caller's own phone shows while
    /// it rings, and the dialplan passes on); empty: none, the dialplan decides.
    std::function<std::string(std::string_view ext)> caller_id;
    std::string context = "from-internal";    ///< where dialled numbers run
    std::string hold_context = "ctigw-hold";  ///< the holder waits here (silence)
    std::string held_context = "ctigw-held";  ///< the held party hears music on hold here
    /// Where ConferenceCall sends the parties: exten = the room (docs/asterisk.md).
    std::string conference_context = "ctigw-conference";
    /// ConfBridge profiles, set on each party as CTIGW_BRIDGE_PROFILE / CTIGW_USER_PROFILE for
    /// the context's ConfBridge(); empty: not set (ConfBridge's defaults).
    std::string conference_bridge_profile;
    std::string conference_user_profile;
    int originate_timeout_ms = 30000;
    /// Stations whose phones answer on a NOTIFY (AnswerCall); empty: none.
    std::function<bool(std::string_view ext)> can_answer;
    std::string answer_endpoint = "{ext}";  ///< PJSIPNotify's Endpoint for a station
    std::string answer_event = "talk";      ///< the NOTIFY's Event header
    /// GroupPickupCall's groups: name -> member stations (docs/gateway-config.md).
    std::map<std::string, std::vector<std::string>, std::less<>> pickup_groups;
};

/// A MakeCall's call, announced to the model before the Originate's first channel event.
struct originate_intent {
    std::string call_id;
    std::string calling;
    std::string called;
    std::optional<protocol::byte_string> correlator;
};

struct plan {
    std::vector<ami_action> actions;  ///< sent one after the other; the first error stops
    protocol::service_result result;  ///< the positive response once every action succeeded
    std::optional<originate_intent> originate;  ///< set for MakeCall
    /// Runs once every action succeeded, before the response is sent (features: the cache and
    /// the events that report the change).
    std::function<void()> commit;
    /// What the model must know once every action succeeded (HoldCall: the holder now waits in
    /// the hold context, even when Newexten events are filtered out).
    std::function<void(call_model&)> on_model;
    /// What the model must expect before the first action is sent (events may overtake the
    /// response), and how to take it back when an action fails.
    std::function<void(call_model&)> prepare;
    std::function<void(call_model&)> unprepare;
};

using plan_outcome = std::variant<plan, protocol::csta_error>;

/// A planner's refusal: the CSTA error and why, in words for the client's log.
inline protocol::csta_error fail(protocol::error_category category, std::string_view value,
                                 std::string why) {
    return protocol::csta_error{category, std::string(value), std::move(why)};
}

/// The services plan_call_service() handles: call control on existing channels and MakeCall.
bool is_call_service(const protocol::request& request);

/// Plans one call-control service. @pre is_call_service(request).
plan_outcome plan_call_service(const protocol::request& request, const call_model& model,
                               const service_env& env);

/// The call GroupPickupCall takes: the longest-ringing one of the group (named, or the
/// requester's first), or why there is none.
std::variant<protocol::connection_id, protocol::csta_error> group_pickup_target(
    const protocol::svc::group_pickup_call::params& request, const call_model& model,
    const service_env& env);

/// Digits GenerateDigits may carry, and their AMI spelling (one PlayDTMF per digit).
bool valid_dtmf(std::string_view digits);

}  // namespace ctigw::gateway::asterisk
