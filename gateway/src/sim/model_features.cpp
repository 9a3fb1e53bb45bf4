// switch_model park and pickup, digits and correlator data, and device features (forwarding,
// DND, message waiting). Phone sets and the control side are in model_phone.cpp.
#include <algorithm>

#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace ev = protocol::evt;
namespace sv = protocol::svc;
namespace errv = protocol::error_values;
using protocol::connection_id;

namespace {
csta_error nothing_to_pick(std::string message) {
    return bad_state(errv::no_call_to_pick_up, std::move(message));
}
}  // namespace

// ---- pickup and park ---------------------------------------------------------------------------

/// `from` (alerting at a station, or queued at an orbit) leaves; `requester` answers the call.
void switch_model::impl::pick_up(call_rec& call, party& from, const std::string& requester,
                                 event_cause cause) {
    const std::string diverting = from.device;
    remove_party(call, diverting);
    ev::diverted d;
    d.connection = {call.id, diverting};
    d.diverting_device = diverting;
    d.new_destination = requester;
    d.calling_device = call.calling_device;
    d.called_device = call.called_device;
    d.last_redirection_device = call.last_redirection;
    d.cause = cause;
    emit(call, d, {diverting});
    call.last_redirection = diverting;
    call.parked_by.reset();
    party& c = add_party(call, requester, false);
    transition(call, c, connection_state::connected);
    ev::established e;
    e.established_connection = {call.id, requester};
    e.answering_device = requester;
    e.calling_device = call.calling_device;
    e.called_device = call.called_device;
    e.last_redirection_device = call.last_redirection;
    e.correlator_data = call.correlator;
    e.cause = cause;
    emit(call, e);
}

outcome<sv::directed_pickup_call> switch_model::impl::serve(
    session_id, const sv::directed_pickup_call::params& p, time_point) {
    if (find_station(p.requesting_device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "requesting device " + p.requesting_device + " is not a station");
    }
    if (p.device_to_be_picked_up.has_value() == p.call_to_be_picked_up.has_value()) {
        return out_of_range("/params: exactly one of deviceToBePickedUp, callToBePickedUp");
    }
    call_rec* call = nullptr;
    party* from = nullptr;
    if (p.call_to_be_picked_up) {
        call = find_call(p.call_to_be_picked_up->call_id);
        from = call != nullptr ? find_party(*call, p.call_to_be_picked_up->device_id) : nullptr;
        if (from == nullptr || from->external) {
            return make_error(error_category::operation, errv::invalid_connection_id,
                              "no connection " + p.call_to_be_picked_up->call_id + "/" +
                                  p.call_to_be_picked_up->device_id);
        }
    } else {
        device_state* dev = find_device(*p.device_to_be_picked_up);
        if (dev == nullptr || dev->kind == device_kind::pickup_group) {
            return make_error(error_category::operation, errv::invalid_device_id,
                              *p.device_to_be_picked_up + " is not a station or park orbit");
        }
        std::uint64_t best = 0;
        for (const auto& cid : dev->calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, *p.device_to_be_picked_up);
            const bool takeable =
                x->state == connection_state::alerting || x->state == connection_state::queued;
            if (takeable && (from == nullptr || x->alert_seq < best)) {
                call = c;
                from = x;
                best = x->alert_seq;
            }
        }
    }
    if (from == nullptr ||
        (from->state != connection_state::alerting && from->state != connection_state::queued) ||
        (call->pending_destination && from->device == call->calling_device)) {
        return nothing_to_pick("nothing alerting or parked there");
    }
    if (from->device == p.requesting_device) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "a device cannot pick up its own call");
    }
    if (is_busy(p.requesting_device)) {
        return bad_state(errv::invalid_device_state, "requesting device is busy");
    }
    const bool parked = from->state == connection_state::queued;
    pick_up(*call, *from, p.requesting_device,
            parked ? event_cause::park : event_cause::call_pickup);
    return sv::directed_pickup_call::result{connection_id{call->id, p.requesting_device}};
}

outcome<sv::group_pickup_call> switch_model::impl::serve(session_id,
                                                         const sv::group_pickup_call::params& p,
                                                         time_point) {
    if (find_station(p.requesting_device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "requesting device " + p.requesting_device + " is not a station");
    }
    std::string group;
    if (p.pickup_group) {
        group = *p.pickup_group;
    } else if (auto it = group_of_.find(p.requesting_device); it != group_of_.end()) {
        group = it->second;
    }
    auto g = config_.pickup_groups.find(group);
    if (g == config_.pickup_groups.end()) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          group.empty() ? "the requesting device has no pickup group"
                                        : "unknown pickup group " + group);
    }
    call_rec* call = nullptr;
    party* from = nullptr;
    for (const auto& member : g->second) {
        if (member == p.requesting_device) continue;
        for (const auto& cid : devices_.at(member).calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, member);
            if (x->state == connection_state::alerting &&
                !(c->pending_destination && member == c->calling_device) &&
                (from == nullptr || x->alert_seq < from->alert_seq)) {
                call = c;
                from = x;
            }
        }
    }
    if (from == nullptr) return nothing_to_pick("no call alerting in group " + group);
    if (is_busy(p.requesting_device)) {
        return bad_state(errv::invalid_device_state, "requesting device is busy");
    }
    pick_up(*call, *from, p.requesting_device, event_cause::call_pickup);
    return sv::group_pickup_call::result{connection_id{call->id, p.requesting_device}};
}

outcome<sv::park_call> switch_model::impl::serve(session_id, const sv::park_call::params& p,
                                                 time_point now) {
    auto r = find_connection(p.parking, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::connected || c->parties.size() < 2) {
        return bad_state(errv::invalid_connection_state,
                         "only a call connected to another party can be parked");
    }
    std::string orbit;
    if (p.park_to) {
        const device_state* dev = find_device(*p.park_to);
        if (dev == nullptr || dev->kind != device_kind::park) {
            return make_error(error_category::operation, errv::invalid_device_id,
                              *p.park_to + " is not a park orbit");
        }
        if (!dev->calls.empty()) {
            return make_error(error_category::system_resource_availability, errv::resource_busy,
                              "orbit " + *p.park_to + " is occupied");
        }
        orbit = *p.park_to;
    } else {
        for (const auto& o : config_.park_orbits) {
            if (devices_.at(o).calls.empty()) {
                orbit = o;
                break;
            }
        }
        if (orbit.empty()) {
            return make_error(error_category::subscribed_resource_availability,
                              errv::resource_limit_exceeded, "no free park orbit");
        }
    }
    const std::string b = x->device;
    c->parked_by = b;
    c->last_redirection = b;
    party& q = add_party(*c, orbit, false);
    transition(*c, q, connection_state::queued);
    ev::queued qd;
    qd.queued_connection = {c->id, orbit};
    qd.queue = orbit;
    qd.calling_device = c->calling_device;
    qd.called_device = c->called_device;
    qd.last_redirection_device = b;
    qd.number_queued = 1;
    qd.cause = event_cause::park;
    emit(*c, qd);
    arm_timer(*c, *find_party(*c, orbit), timer_kind::park_recall, now + config_.park_timeout);
    remove_party(*c, b);
    ev::connection_cleared cc;
    cc.dropped_connection = p.parking;
    cc.releasing_device = b;
    cc.cause = event_cause::park;
    emit(*c, cc, {b});
    return sv::park_call::result{orbit};
}

// ---- digits and call data --------------------------------------------------------------------

outcome<sv::generate_digits> switch_model::impl::serve(session_id,
                                                       const sv::generate_digits::params& p,
                                                       time_point) {
    auto r = find_connection(p.connection_to_send_digits, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    const auto& s = p.characters_to_send;
    const bool valid = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#' || (ch >= 'A' && ch <= 'D') ||
               ch == ',';
    });
    if (!valid) return out_of_range("/params/charactersToSend: only 0-9 * # A-D ,");
    if (x->state != connection_state::connected) {
        return bad_state(errv::invalid_connection_state, "the connection is not connected");
    }
    ev::digits_generated d;
    d.connection = p.connection_to_send_digits;
    d.digits = s;
    emit(*c, d);
    return sv::generate_digits::result{};
}

outcome<sv::associate_data> switch_model::impl::serve(session_id,
                                                      const sv::associate_data::params& p,
                                                      time_point) {
    auto r = find_connection(p.existing_call, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    if (p.correlator_data.bytes.size() > max_correlator_bytes) {
        return out_of_range("/params/correlatorData: over 4096 bytes");
    }
    call_rec& c = *std::get<conn_ref>(r).call;
    c.correlator = p.correlator_data;
    send_call_information(c);
    return sv::associate_data::result{};
}

void switch_model::impl::send_call_information(const call_rec& c) {
    // CallInformation names each recipient's own connection (docs/protocol.md §6.2).
    for (const party& q : c.parties) {
        if (q.external) continue;
        ev::call_information ci;
        ci.connection = {c.id, q.device};
        ci.correlator_data = c.correlator;
        ci.local_connection_info = q.state;
        deliver(q.device, protocol::event_body{ci});
    }
}

// ---- device features ---------------------------------------------------------------------------

std::variant<device_state*, csta_error> switch_model::impl::feature_device(
    const std::string& device) {
    device_state* dev = find_device(device);
    if (dev == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "device " + device + " is not configured");
    }
    if (dev->kind != device_kind::station) {
        return make_error(error_category::operation, errv::service_not_supported,
                          device + " is not a station");
    }
    return dev;
}

outcome<sv::set_forwarding> switch_model::impl::serve(session_id,
                                                      const sv::set_forwarding::params& p,
                                                      time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    std::size_t slot = 0;
    switch (p.type) {
        case protocol::forwarding_type::immediate:
            slot = 0;
            break;
        case protocol::forwarding_type::busy:
            slot = 1;
            break;
        case protocol::forwarding_type::no_answer:
            slot = 2;
            break;
        default:
            return make_error(error_category::operation, errv::service_not_supported,
                              "only forwardImmediate, forwardBusy and forwardNoAns");
    }
    if (p.activate) {
        if (!p.forward_to) return out_of_range("/params/forwardTo: required when activating");
        if (auto e = check_destination(*p.forward_to, p.device)) return *e;
    }
    if (p.ring_count && *p.ring_count == 0) return out_of_range("/params/ringCount: at least 1");
    auto& entry = features(*std::get<device_state*>(r)).forwarding[slot];
    entry.active = p.activate;
    if (p.forward_to) entry.forward_to = p.forward_to;
    if (slot == 2 && p.ring_count) entry.ring_count = p.ring_count;
    ev::forwarding f;
    f.device = p.device;
    f.type = entry.type;
    f.forward_status = entry.active;
    f.forward_to = entry.forward_to;
    f.ring_count = entry.ring_count;
    emit_device(p.device, f);
    return sv::set_forwarding::result{};
}

outcome<sv::get_forwarding> switch_model::impl::serve(session_id,
                                                      const sv::get_forwarding::params& p,
                                                      time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    const auto& f = features(*std::get<device_state*>(r));
    return sv::get_forwarding::result{{f.forwarding.begin(), f.forwarding.end()}};
}

outcome<sv::set_do_not_disturb> switch_model::impl::serve(session_id,
                                                          const sv::set_do_not_disturb::params& p,
                                                          time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    features(*std::get<device_state*>(r)).do_not_disturb = p.do_not_disturb_on;
    ev::do_not_disturb d;
    d.device = p.device;
    d.do_not_disturb_on = p.do_not_disturb_on;
    emit_device(p.device, d);
    return sv::set_do_not_disturb::result{};
}

outcome<sv::get_do_not_disturb> switch_model::impl::serve(session_id,
                                                          const sv::get_do_not_disturb::params& p,
                                                          time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    return sv::get_do_not_disturb::result{features(*std::get<device_state*>(r)).do_not_disturb};
}

outcome<sv::set_message_waiting_indicator> switch_model::impl::serve(
    session_id, const sv::set_message_waiting_indicator::params& p, time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto& f = features(*std::get<device_state*>(r));
    f.message_waiting = p.message_waiting_on;
    f.device_for_message = p.device_for_message;
    ev::message_waiting m;
    m.target_device = p.device;
    m.device_for_message = p.device_for_message;
    m.message_waiting_on = p.message_waiting_on;
    emit_device(p.device, m);
    return sv::set_message_waiting_indicator::result{};
}

}  // namespace ctigw::gateway::sim
