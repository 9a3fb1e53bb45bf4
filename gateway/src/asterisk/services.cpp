#include "asterisk/services.hpp"

#include "asterisk/ext_pattern.hpp"

#include <algorithm>

namespace ctigw::gateway::asterisk {

using protocol::connection_id;
using protocol::connection_state;
using protocol::csta_error;
using protocol::error_category;
namespace errv = protocol::error_values;
namespace svc = protocol::svc;

namespace {

/// A number Asterisk may run as an extension: dial-pad characters and the letters, dots,
/// dashes and underscores dialplans use; never anything that could change an AMI header.
bool dialable(std::string_view n) {
    if (n.empty() || n.size() > 64) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '*' || c == '#' || c == '+' || c == '.' || c == '-' || c == '_';
    });
}

ami_action action(std::string name, std::vector<ami::header> headers) {
    return ami_action{std::move(name), std::move(headers)};
}

ami_action hangup(const std::string& channel) {
    return action("Hangup", {{"Channel", channel}, {"Cause", "16"}});
}

/// The connection must exist; returns its state (null: the call goes on without the device).
std::variant<connection_state, csta_error> existing(const call_model& m, const connection_id& c) {
    if (!m.has_call(c.call_id)) {
        return fail(error_category::operation, errv::invalid_connection_id,
                    "no call " + c.call_id + " on the switch");
    }
    return *m.state_of(c);
}

/// The device's departure will be a redirection, not a release.
void redirecting(plan& out, const connection_id& c, const std::string& to,
                 protocol::event_cause cause) {
    out.prepare = [c, to, cause](call_model& m) { m.expect_redirect(c, to, cause); };
    out.unprepare = [id = c.call_id](call_model& m) { m.forget_redirect(id); };
}

struct planner {
    const call_model& m;
    const service_env& env;

    /// The device has a call that is not held (nor on its way to hold: a HoldCall whose Redirect
    /// was accepted before Asterisk reports the holder leaving its bridge).
    bool busy(const std::string& device) const {
        const auto calls = m.snapshot_device(device);
        return std::any_of(calls.begin(), calls.end(), [&](const auto& s) {
            return s.state != connection_state::hold && !m.hold_requested(s.connection) &&
                   !m.hanging_up(s.connection);
        });
    }

    plan_outcome operator()(const svc::make_call::params& p) const {
        if (!env.is_station(p.calling_device)) {
            return fail(error_category::operation, errv::invalid_device_id,
                        "the calling device is not a station of this switch");
        }
        if (!dialable(p.called_directory_number)) {
            return fail(error_category::operation, errv::invalid_destination,
                        "the number has characters a dialplan cannot run");
        }
        if (busy(p.calling_device)) {
            return fail(error_category::state_incompatibility, errv::invalid_device_state,
                        "the calling device is busy");
        }
        plan out;
        const std::string id = env.new_call_id();
        out.originate =
            originate_intent{id, p.calling_device, p.called_directory_number, p.correlator_data};
        // Async: a synchronous Originate blocks the whole AMI session until the phone answers.
        std::vector<ami::header> h{{"Channel", env.dial_string(p.calling_device)},
                                   {"Context", env.context},
                                   {"Exten", p.called_directory_number},
                                   {"Priority", "1"}};
        if (env.caller_id) {
            if (auto cid = env.caller_id(p.calling_device); !cid.empty())
                h.push_back({"CallerID", cid});
        }
        h.insert(h.end(), {{"Timeout", std::to_string(env.originate_timeout_ms)},
                           {"Async", "true"},
                           {"ChannelId", id},
                           {"Variable", "CTIGW_CALL=" + id}});
        out.actions.push_back(action("Originate", std::move(h)));
        out.result = svc::make_call::result{connection_id{id, p.calling_device}};
        return out;
    }

    /// No AMI action takes a phone off-hook; phones that honour "NOTIFY Event: talk" answer on
    /// PJSIPNotify. Accepted when Asterisk sent the NOTIFY; Established follows if the phone did.
    plan_outcome operator()(const svc::answer_call::params& p) const {
        if (!env.can_answer || !env.can_answer(p.call_to_be_answered.device_id)) {
            return fail(error_category::operation, errv::service_not_supported,
                        "this phone is not configured to answer on request (answer.stations)");
        }
        auto st = existing(m, p.call_to_be_answered);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::alerting) {
            return fail(error_category::state_incompatibility, errv::no_call_to_answer,
                        "the connection is not ringing");
        }
        plan out;
        out.actions.push_back(
            action("PJSIPNotify",
                   {{"Endpoint", expand_ext(env.answer_endpoint, p.call_to_be_answered.device_id)},
                    {"Variable", "Event=" + env.answer_event}}));
        out.result = svc::answer_call::result{};
        return out;
    }

    plan_outcome operator()(const svc::clear_connection::params& p) const {
        auto st = existing(m, p.connection_to_be_cleared);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        const auto channels = m.channels_of(p.connection_to_be_cleared);
        if (channels.empty()) {
            return fail(error_category::state_incompatibility, errv::no_connection_to_clear,
                        "the device has no connection in this call");
        }
        plan out;
        for (const auto& ch : channels) out.actions.push_back(hangup(ch));
        out.on_model = [channels](call_model& model) { model.mark_hanging_up(channels); };
        out.result = svc::clear_connection::result{};
        return out;
    }

    plan_outcome operator()(const svc::clear_call::params& p) const {
        if (!m.has_call(p.call_to_be_cleared)) {
            return fail(error_category::operation, errv::invalid_call_id,
                        "no call " + p.call_to_be_cleared + " on the switch");
        }
        const auto channels = m.call_channels(p.call_to_be_cleared);
        if (channels.empty()) {
            return fail(error_category::state_incompatibility, errv::no_call_to_clear,
                        "the call has no channel left");
        }
        plan out;
        for (const auto& ch : channels) out.actions.push_back(hangup(ch));
        out.on_model = [channels](call_model& model) { model.mark_hanging_up(channels); };
        out.result = svc::clear_call::result{};
        return out;
    }

    /// The device's one channel and the one far party of a two-party call.
    std::variant<std::pair<std::string, std::string>, csta_error> two_party(
        const connection_id& c) const {
        const auto own = m.channels_of(c);
        const auto far = m.far_channels(c);
        if (own.size() != 1 || far.size() != 1) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "this works on a call between two parties only");
        }
        return std::pair{own[0], far[0]};
    }

    plan_outcome operator()(const svc::hold_call::params& p) const {
        auto st = existing(m, p.call_to_be_held);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::connected) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "only a connected call can be held");
        }
        auto pair = two_party(p.call_to_be_held);
        if (auto* e = std::get_if<csta_error>(&pair)) return *e;
        const auto& [own, far] = std::get<0>(pair);
        // AMI has no hold: the far party goes to music on hold and the holder's phone waits in
        // silence; RetrieveCall bridges them again (docs/asterisk.md "Hold").
        plan out;
        out.actions.push_back(action("Redirect", {{"Channel", far},
                                                  {"Context", env.held_context},
                                                  {"Exten", "s"},
                                                  {"Priority", "1"},
                                                  {"ExtraChannel", own},
                                                  {"ExtraContext", env.hold_context},
                                                  {"ExtraExten", "s"},
                                                  {"ExtraPriority", "1"}}));
        out.on_model = [c = p.call_to_be_held, ctx = env.hold_context](call_model& model) {
            model.enter_context(c, ctx);
        };
        out.result = svc::hold_call::result{};
        return out;
    }

    plan_outcome operator()(const svc::retrieve_call::params& p) const {
        auto st = existing(m, p.call_to_be_retrieved);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::hold) {
            return fail(error_category::state_incompatibility, errv::no_held_call,
                        "the connection is not held");
        }
        if (!m.held_in_context(p.call_to_be_retrieved)) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "the phone holds this call; retrieve it at the phone");
        }
        auto pair = two_party(p.call_to_be_retrieved);
        if (auto* e = std::get_if<csta_error>(&pair)) return *e;
        const auto& [own, far] = std::get<0>(pair);
        plan out;
        out.actions.push_back(
            action("Bridge", {{"Channel1", own}, {"Channel2", far}, {"Tone", "no"}}));
        out.result = svc::retrieve_call::result{};
        return out;
    }

    plan_outcome operator()(const svc::deflect_call::params& p) const {
        auto st = existing(m, p.call_to_be_diverted);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::alerting) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "only a ringing call can be deflected");
        }
        if (!dialable(p.new_destination)) {
            return fail(error_category::operation, errv::invalid_destination,
                        "the number has characters a dialplan cannot run");
        }
        const auto caller = m.dial_source_of(p.call_to_be_diverted);
        if (!caller) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "no caller to redirect (a call this switch originated)");
        }
        // Redirecting the caller ends the ringing leg (DialEnd CANCEL) and dials the new number.
        plan out;
        out.actions.push_back(action("Redirect", {{"Channel", *caller},
                                                  {"Context", env.context},
                                                  {"Exten", p.new_destination},
                                                  {"Priority", "1"}}));
        redirecting(out, p.call_to_be_diverted, p.new_destination,
                    protocol::event_cause::redirected);
        out.result = svc::deflect_call::result{};
        return out;
    }

    plan_outcome operator()(const svc::single_step_transfer::params& p) const {
        auto st = existing(m, p.active_call);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::connected) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "only a connected call can be transferred");
        }
        if (!dialable(p.transferred_to)) {
            return fail(error_category::operation, errv::invalid_destination,
                        "the number has characters a dialplan cannot run");
        }
        auto pair = two_party(p.active_call);
        if (auto* e = std::get_if<csta_error>(&pair)) return *e;
        // BlindTransfer (not Redirect): Asterisk reports it as a transfer, and the new leg keeps
        // the call's Linkedid, so the callID survives.
        plan out;
        out.actions.push_back(action("BlindTransfer", {{"Channel", std::get<0>(pair).first},
                                                       {"Context", env.context},
                                                       {"Exten", p.transferred_to}}));
        redirecting(out, p.active_call, p.transferred_to,
                    protocol::event_cause::single_step_transfer);
        out.result = svc::single_step_transfer::result{p.active_call.call_id};
        return out;
    }

    plan_outcome operator()(const svc::directed_pickup_call::params& p) const {
        if (!env.is_station(p.requesting_device)) {
            return fail(error_category::operation, errv::invalid_device_id,
                        "the requesting device is not a station of this switch");
        }
        if (busy(p.requesting_device)) {
            return fail(error_category::state_incompatibility, errv::invalid_device_state,
                        "the requesting device is busy");
        }
        if (p.device_to_be_picked_up) {
            if (auto parked = m.parked_call(*p.device_to_be_picked_up)) {
                return unpark(p.requesting_device, *p.device_to_be_picked_up, *parked);
            }
        }
        std::optional<connection_id> target = p.call_to_be_picked_up;
        if (!target && p.device_to_be_picked_up) {
            for (const auto& s : m.snapshot_device(*p.device_to_be_picked_up)) {
                if (s.state == connection_state::alerting) {
                    target = s.connection;
                    break;
                }
            }
        }
        if (!target || m.state_of(*target) != connection_state::alerting) {
            return fail(error_category::state_incompatibility, errv::no_call_to_pick_up,
                        "no call is ringing there");
        }
        const auto ringing = m.channels_of(*target);
        if (ringing.empty()) {
            return fail(error_category::state_incompatibility, errv::no_call_to_pick_up,
                        "no call is ringing there");
        }
        // No Pickup action in AMI: the picker's phone is rung into PickupChan(<ringing channel>).
        plan out;
        const std::string leg = env.new_call_id();
        out.actions.push_back(
            action("Originate", {{"Channel", env.dial_string(p.requesting_device)},
                                 {"Application", "PickupChan"},
                                 {"Data", ringing.front()},
                                 {"Timeout", std::to_string(env.originate_timeout_ms)},
                                 {"Async", "true"},
                                 {"ChannelId", leg}}));
        out.prepare = [leg, picker = p.requesting_device](call_model& model) {
            model.expect_pickup_leg(leg, picker);
        };
        out.unprepare = [leg](call_model& model) { model.abandon_originate(leg); };
        out.result =
            svc::directed_pickup_call::result{connection_id{target->call_id, p.requesting_device}};
        return out;
    }

    /// Asterisk's Pickup() chooses the call only when the picker's phone answers, so the result
    /// could not name it: the gateway chooses (the group's longest-ringing call, as Pickup does)
    /// and picks that one up as DirectedPickupCall does.
    plan_outcome operator()(const svc::group_pickup_call::params& p) const {
        auto target = group_pickup_target(p, m, env);
        if (auto* e = std::get_if<csta_error>(&target)) return *e;
        svc::directed_pickup_call::params directed;
        directed.requesting_device = p.requesting_device;
        directed.call_to_be_picked_up = std::get<connection_id>(target);
        auto out = (*this)(directed);
        if (auto* pl = std::get_if<plan>(&out)) {
            pl->result = svc::group_pickup_call::result{
                std::get<svc::directed_pickup_call::result>(pl->result).picked_call};
        }
        return out;
    }

    /// The legs of a device's two calls that TransferCall / ConferenceCall join.
    struct merge_legs {
        std::string own_held, far_held, own_active, far_active;
    };

    std::variant<merge_legs, csta_error> legs_to_merge(const connection_id& held,
                                                       const connection_id& active) const {
        if (held.device_id != active.device_id || held.call_id == active.call_id) {
            return fail(error_category::operation, errv::invalid_connection_id,
                        "heldCall and activeCall must be one device's connections in two calls");
        }
        auto hs = existing(m, held);
        if (auto* e = std::get_if<csta_error>(&hs)) return *e;
        auto as = existing(m, active);
        if (auto* e = std::get_if<csta_error>(&as)) return *e;
        if (std::get<connection_state>(hs) != connection_state::hold) {
            return fail(error_category::state_incompatibility, errv::no_held_call,
                        "heldCall is not held");
        }
        auto h = two_party(held);
        if (auto* e = std::get_if<csta_error>(&h)) return *e;
        auto a = two_party(active);
        if (auto* e = std::get_if<csta_error>(&a)) return *e;
        const auto& [own_held, far_held] = std::get<0>(h);
        const auto& [own_active, far_active] = std::get<0>(a);
        if (std::get<connection_state>(as) != connection_state::connected ||
            !m.answered(far_active)) {
            // Asterisk bridges answered channels only: a ringing consultation cannot be joined.
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "the consulted party must answer first on this switch");
        }
        if (far_held == far_active || own_held == own_active) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "both calls run on the same channels");
        }
        return merge_legs{own_held, far_held, own_active, far_active};
    }

    static void merging(plan& out, const connection_id& held, const connection_id& active,
                        call_model::merge_kind kind) {
        out.prepare = [held, active](call_model& model) { model.begin_merge(held, active); };
        out.unprepare = [held, active](call_model& model) { model.cancel_merge(held, active); };
        out.on_model = [held, active, kind](call_model& model) {
            model.commit_merge(held, active, kind);
        };
    }

    plan_outcome operator()(const svc::transfer_call::params& p) const {
        auto legs = legs_to_merge(p.held_call, p.active_call);
        if (auto* e = std::get_if<csta_error>(&legs)) return *e;
        const auto& l = std::get<merge_legs>(legs);
        // The held party and the consulted one are bridged together; the transferring
        // device's two legs are hung up (one of them may already be gone with its bridge).
        plan out;
        out.actions.push_back(action(
            "Bridge", {{"Channel1", l.far_held}, {"Channel2", l.far_active}, {"Tone", "no"}}));
        for (const auto* ch : {&l.own_active, &l.own_held}) {
            auto h = hangup(*ch);
            h.may_fail = true;
            out.actions.push_back(std::move(h));
        }
        merging(out, p.held_call, p.active_call, call_model::merge_kind::transfer);
        out.result = svc::transfer_call::result{
            p.held_call.call_id,
            m.merge_list(p.held_call, p.active_call, call_model::merge_kind::transfer)};
        return out;
    }

    plan_outcome operator()(const svc::conference_call::params& p) const {
        auto legs = legs_to_merge(p.held_call, p.active_call);
        if (auto* e = std::get_if<csta_error>(&legs)) return *e;
        const auto& l = std::get<merge_legs>(legs);
        // All three into a ConfBridge room named after the held call: the active pair at once
        // (so neither is left alone in its bridge and hung up), then the held party; the
        // device's held leg is hung up.
        const std::string room = call_model::conference_room(p.held_call.call_id);
        plan out;
        for (const auto* ch : {&l.own_active, &l.far_active, &l.far_held}) {
            for (const auto& [var, value] :
                 {std::pair{"CTIGW_BRIDGE_PROFILE", &env.conference_bridge_profile},
                  std::pair{"CTIGW_USER_PROFILE", &env.conference_user_profile}}) {
                if (value->empty()) continue;
                out.actions.push_back(
                    action("Setvar", {{"Channel", *ch}, {"Variable", var}, {"Value", *value}}));
            }
        }
        out.actions.push_back(action("Redirect", {{"Channel", l.own_active},
                                                  {"Context", env.conference_context},
                                                  {"Exten", room},
                                                  {"Priority", "1"},
                                                  {"ExtraChannel", l.far_active},
                                                  {"ExtraContext", env.conference_context},
                                                  {"ExtraExten", room},
                                                  {"ExtraPriority", "1"}}));
        out.actions.push_back(action("Redirect", {{"Channel", l.far_held},
                                                  {"Context", env.conference_context},
                                                  {"Exten", room},
                                                  {"Priority", "1"}}));
        auto h = hangup(l.own_held);
        h.may_fail = true;
        out.actions.push_back(std::move(h));
        merging(out, p.held_call, p.active_call, call_model::merge_kind::conference);
        out.result = svc::conference_call::result{
            p.held_call,
            m.merge_list(p.held_call, p.active_call, call_model::merge_kind::conference)};
        return out;
    }

    /// lineSwapHold: the active call is held, then the held one retrieved, both the way HoldCall
    /// and RetrieveCall do it. An alerting otherCall would need AnswerCall: refused with it.
    plan_outcome operator()(const svc::alternate_call::params& p) const {
        if (p.active_call.device_id != p.other_call.device_id) {
            return fail(error_category::operation, errv::invalid_connection_id,
                        "activeCall and otherCall must be one device's connections");
        }
        auto retrieve = (*this)(svc::retrieve_call::params{p.other_call});
        if (auto* e = std::get_if<csta_error>(&retrieve)) return *e;
        auto hold = (*this)(svc::hold_call::params{p.active_call});
        if (auto* e = std::get_if<csta_error>(&hold)) return *e;
        plan out = std::get<plan>(std::move(hold));
        for (auto& a : std::get<plan>(retrieve).actions) out.actions.push_back(std::move(a));
        out.result = svc::alternate_call::result{};
        return out;
    }

    plan_outcome operator()(const svc::reconnect_call::params& p) const {
        // Drop the consultation, take the held call back (lineUnhold / lineDrop of a pending
        // transfer or conference).
        if (p.held_call.device_id != p.active_call.device_id) {
            return fail(error_category::operation, errv::invalid_connection_id,
                        "heldCall and activeCall must be one device's connections");
        }
        auto retrieve = (*this)(svc::retrieve_call::params{p.held_call});
        if (auto* e = std::get_if<csta_error>(&retrieve)) return *e;
        auto as = existing(m, p.active_call);
        if (auto* e = std::get_if<csta_error>(&as)) return *e;
        plan out;
        for (const auto& ch : m.channels_of(p.active_call)) {
            auto h = hangup(ch);
            h.may_fail = true;  // the consultation may end on its own meanwhile
            out.actions.push_back(std::move(h));
        }
        for (auto& a : std::get<plan>(retrieve).actions) out.actions.push_back(std::move(a));
        out.result = svc::reconnect_call::result{};
        return out;
    }

    /// lineUnpark: the retriever's phone is rung into the space's extension (res_parking's
    /// ParkedCall); it joins the parked call at UnParkedCall.
    plan_outcome unpark(const std::string& requester, const std::string& space,
                        const std::string& parked) const {
        plan out;
        const std::string leg = env.new_call_id();
        out.actions.push_back(
            action("Originate", {{"Channel", env.dial_string(requester)},
                                 {"Context", env.context},
                                 {"Exten", space},
                                 {"Priority", "1"},
                                 {"Timeout", std::to_string(env.originate_timeout_ms)},
                                 {"Async", "true"},
                                 {"ChannelId", leg}}));
        out.prepare = [leg, requester](call_model& model) {
            model.expect_pickup_leg(leg, requester);
        };
        out.unprepare = [leg](call_model& model) { model.abandon_originate(leg); };
        out.result = svc::directed_pickup_call::result{connection_id{parked, requester}};
        return out;
    }

    plan_outcome operator()(const svc::park_call::params& p) const {
        auto st = existing(m, p.parking);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::connected) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "only a connected call can be parked");
        }
        auto pair = two_party(p.parking);
        if (auto* e = std::get_if<csta_error>(&pair)) return *e;
        if (!m.parking_available()) {
            return fail(error_category::operation, errv::service_not_supported,
                        "Asterisk has no parking lot (res_parking)");
        }
        const auto space = m.park_space(p.park_to);
        if (!space && p.park_to) {
            return fail(error_category::system_resource_availability, errv::resource_busy,
                        "not a free parking space");
        }
        if (!space) {
            return fail(error_category::subscribed_resource_availability,
                        errv::resource_limit_exceeded, "every parking space is taken");
        }
        const auto& [own, far] = std::get<0>(pair);
        // Park takes the far party into the lot; the parker's channel is left alone in its
        // bridge and hung up (Asterisk does so itself only later).
        plan out;
        out.actions.push_back(action("Park", {{"Channel", far},
                                              {"TimeoutChannel", own},
                                              {"Parkinglot", space->first},
                                              {"ParkingSpace", space->second}}));
        auto h = hangup(own);
        h.may_fail = true;
        out.actions.push_back(std::move(h));
        out.prepare = [c = p.parking, space = space->second](call_model& model) {
            model.expect_park(c, space);
        };
        out.unprepare = [id = p.parking.call_id](call_model& model) { model.forget_park(id); };
        out.result = svc::park_call::result{space->second};
        return out;
    }

    plan_outcome operator()(const svc::generate_digits::params& p) const {
        auto st = existing(m, p.connection_to_send_digits);
        if (auto* e = std::get_if<csta_error>(&st)) return *e;
        if (std::get<connection_state>(st) != connection_state::connected) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "digits need a connected call");
        }
        if (!valid_dtmf(p.characters_to_send)) {
            return fail(error_category::operation, errv::invalid_parameter_value,
                        "digits are 0-9, *, #, A-D");
        }
        const auto far = m.far_channels(p.connection_to_send_digits);
        if (far.empty()) {
            return fail(error_category::state_incompatibility, errv::invalid_connection_state,
                        "no far party to hear the digits");
        }
        // PlayDTMF sends one digit out to the named channel's device: the far party hears it.
        plan out;
        const auto ms = std::to_string(p.tone_duration_ms.value_or(100));
        for (char d : p.characters_to_send) {
            out.actions.push_back(action(
                "PlayDTMF", {{"Channel", far[0]}, {"Digit", std::string(1, d)}, {"Duration", ms}}));
        }
        out.on_model = [c = p.connection_to_send_digits, d = p.characters_to_send](
                           call_model& model) { model.digits_generated(c, d); };
        out.result = svc::generate_digits::result{};
        return out;
    }
};

}  // namespace

std::string describe(const ami_action& a) {
    std::string out = "Action: " + a.name;
    for (const auto& h : a.headers) out += "; " + h.name + ": " + h.value;
    return out;
}

bool valid_dtmf(std::string_view digits) {
    if (digits.empty() || digits.size() > 64) return false;
    return std::all_of(digits.begin(), digits.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
    });
}

bool is_call_service(const protocol::request& r) {
    return std::holds_alternative<svc::make_call::params>(r.params) ||
           std::holds_alternative<svc::clear_connection::params>(r.params) ||
           std::holds_alternative<svc::clear_call::params>(r.params) ||
           std::holds_alternative<svc::hold_call::params>(r.params) ||
           std::holds_alternative<svc::retrieve_call::params>(r.params) ||
           std::holds_alternative<svc::deflect_call::params>(r.params) ||
           std::holds_alternative<svc::single_step_transfer::params>(r.params) ||
           std::holds_alternative<svc::generate_digits::params>(r.params) ||
           std::holds_alternative<svc::directed_pickup_call::params>(r.params) ||
           std::holds_alternative<svc::transfer_call::params>(r.params) ||
           std::holds_alternative<svc::conference_call::params>(r.params) ||
           std::holds_alternative<svc::reconnect_call::params>(r.params) ||
           std::holds_alternative<svc::alternate_call::params>(r.params) ||
           std::holds_alternative<svc::group_pickup_call::params>(r.params) ||
           std::holds_alternative<svc::answer_call::params>(r.params) ||
           std::holds_alternative<svc::park_call::params>(r.params);
}

plan_outcome plan_call_service(const protocol::request& request, const call_model& model,
                               const service_env& env) {
    const planner p{model, env};
    return std::visit(
        [&](const auto& params) -> plan_outcome {
            if constexpr (requires { p(params); }) {
                return p(params);
            } else {
                return fail(error_category::operation, errv::service_not_supported,
                            "not a call-control service");
            }
        },
        request.params);
}

}  // namespace ctigw::gateway::asterisk
