// switch_model services on calls in progress: hold/retrieve/alternate/reconnect, consultation,
// transfer, conference and deflect.
#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace ev = protocol::evt;
namespace sv = protocol::svc;
namespace errv = protocol::error_values;
using protocol::connection_id;

// ---- hold / retrieve / alternate / reconnect ---------------------------------------------------

outcome<sv::hold_call> switch_model::impl::serve(session_id, const sv::hold_call::params& p,
                                                 time_point) {
    auto r = find_connection(p.call_to_be_held, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::connected) {
        return bad_state(errv::invalid_connection_state, "only a connected connection can be held");
    }
    hold(*c, *x, std::nullopt);
    return sv::hold_call::result{};
}

outcome<sv::retrieve_call> switch_model::impl::serve(session_id, const sv::retrieve_call::params& p,
                                                     time_point) {
    auto r = find_connection(p.call_to_be_retrieved, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::hold) {
        return bad_state(errv::no_held_call, "the connection is not held");
    }
    retrieve(*c, *x, std::nullopt);
    return sv::retrieve_call::result{};
}

namespace {
std::optional<csta_error> same_device(const connection_id& a, const connection_id& b) {
    if (a.device_id != b.device_id || a.call_id == b.call_id) {
        return make_error(error_category::operation, errv::invalid_connection_id,
                          "the two connections must be of one device in two calls");
    }
    return std::nullopt;
}
}  // namespace

outcome<sv::alternate_call> switch_model::impl::serve(session_id,
                                                      const sv::alternate_call::params& p,
                                                      time_point) {
    if (auto e = same_device(p.active_call, p.other_call)) return *e;
    auto ra = find_connection(p.active_call, true);
    if (auto* e = std::get_if<csta_error>(&ra)) return *e;
    auto rh = find_connection(p.other_call, true);
    if (auto* e = std::get_if<csta_error>(&rh)) return *e;
    auto [ca, xa] = std::get<conn_ref>(ra);
    auto [ch, xh] = std::get<conn_ref>(rh);
    if (xa->state != connection_state::connected) {
        return bad_state(errv::no_active_call, "activeCall is not connected");
    }
    if (xh->state != connection_state::hold) {
        return bad_state(errv::no_held_call, "otherCall is not held");
    }
    hold(*ca, *xa, event_cause::alternate);
    retrieve(*ch, *xh, event_cause::alternate);
    return sv::alternate_call::result{};
}

outcome<sv::reconnect_call> switch_model::impl::serve(session_id,
                                                      const sv::reconnect_call::params& p,
                                                      time_point) {
    if (auto e = same_device(p.active_call, p.held_call)) return *e;
    auto ra = find_connection(p.active_call, true);
    if (auto* e = std::get_if<csta_error>(&ra)) return *e;
    auto rh = find_connection(p.held_call, true);
    if (auto* e = std::get_if<csta_error>(&rh)) return *e;
    if (std::get<conn_ref>(ra).p->state == connection_state::hold) {
        return bad_state(errv::no_active_call, "activeCall is held");
    }
    if (std::get<conn_ref>(rh).p->state != connection_state::hold) {
        return bad_state(errv::no_held_call, "heldCall is not held");
    }
    release(p.active_call.call_id, p.active_call.device_id, event_cause::normal_clearing);
    call_rec* ch = find_call(p.held_call.call_id);
    retrieve(*ch, *find_party(*ch, p.held_call.device_id), std::nullopt);
    return sv::reconnect_call::result{};
}

// ---- consultation, transfer, conference ------------------------------------------------------

outcome<sv::consultation_call> switch_model::impl::serve(session_id,
                                                         const sv::consultation_call::params& p,
                                                         time_point now) {
    auto r = find_connection(p.existing_call, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::connected) {
        return bad_state(errv::invalid_connection_state, "existingCall is not connected");
    }
    const std::string device = x->device;
    if (auto e = check_destination(p.consulted_device, device)) return *e;
    if (p.correlator_data && p.correlator_data->bytes.size() > max_correlator_bytes) {
        return make_error(error_category::operation, errv::invalid_parameter_value,
                          "/params/correlatorData: over 4096 bytes");
    }
    if (auto e = check_call_capacity()) return *e;
    hold(*c, *x, event_cause::consultation);
    call_rec& c2 = new_call(device, p.consulted_device);
    c2.correlator = p.correlator_data;
    party& b = add_party(c2, device, false);
    transition(c2, b, connection_state::initiated);
    ev::service_initiated si;
    si.initiated_connection = {c2.id, device};
    si.initiating_device = device;
    si.correlator_data = c2.correlator;
    si.cause = event_cause::consultation;
    emit(c2, si);
    const connection_id result{c2.id, device};
    transition(c2, b, connection_state::connected);
    ev::originated o;
    o.originated_connection = result;
    o.calling_device = device;
    o.called_device = p.consulted_device;
    o.cause = event_cause::consultation;
    emit(c2, o);
    offer(c2, p.consulted_device, event_cause::normal, now);
    return sv::consultation_call::result{result};
}

namespace {
/// Validates the (held, active) pair of TransferCall / ConferenceCall.
template <class Impl>
std::optional<csta_error> check_pair(Impl& m, const connection_id& held,
                                     const connection_id& active) {
    if (auto e = same_device(held, active)) return e;
    auto rh = m.find_connection(held, true);
    if (auto* e = std::get_if<csta_error>(&rh)) return *e;
    auto ra = m.find_connection(active, true);
    if (auto* e = std::get_if<csta_error>(&ra)) return *e;
    if (std::get<0>(rh).p->state != connection_state::hold) {
        return bad_state(errv::no_held_call, "heldCall is not held");
    }
    auto [ca, xa] = std::get<0>(ra);
    if (xa->state != connection_state::connected || ca->parties.size() < 2) {
        return bad_state(errv::no_active_call, "activeCall is not connected to another party");
    }
    for (const party& q : ca->parties) {
        if (q.device != active.device_id && Impl::find_party(*std::get<0>(rh).call, q.device)) {
            return bad_state(errv::invalid_connection_state,
                             q.device + " is a party of both calls");
        }
    }
    return std::nullopt;
}
}  // namespace

outcome<sv::transfer_call> switch_model::impl::serve(session_id, const sv::transfer_call::params& p,
                                                     time_point) {
    if (auto e = check_pair(*this, p.held_call, p.active_call)) return *e;
    const std::string b = p.held_call.device_id;
    call_rec* held = find_call(p.held_call.call_id);
    call_rec* active = find_call(p.active_call.call_id);
    std::string survivor = held->id;
    if (config_.new_call_id_on_transfer) survivor = rename_call(held->id, fresh_call_id()).id;
    call_rec& s = calls_.at(survivor);
    active = find_call(p.active_call.call_id);
    if (!s.correlator) s.correlator = active->correlator;

    std::vector<protocol::connection_list_entry> list;
    std::string transferred_to;
    for (const party& q : s.parties) {
        if (q.device == b) continue;
        list.push_back({connection_id{p.held_call.call_id, q.device},
                        connection_id{survivor, q.device}, q.device});
    }
    std::vector<std::string> moving;
    for (const party& q : active->parties) {
        if (q.device == b) continue;
        moving.push_back(q.device);
        if (transferred_to.empty()) transferred_to = q.device;
        list.push_back(
            {connection_id{active->id, q.device}, connection_id{survivor, q.device}, q.device});
    }
    list.push_back({p.held_call, std::nullopt, b});

    remove_party(s, b);
    for (const auto& d : moving) {
        move_party(*active, d, s);
        if (party* q = find_party(s, d); q->state == connection_state::alerting) {
            q->alert_cause = event_cause::transfer;
        }
    }
    destroy_call(active->id);  // only B's connection is left there
    s.last_redirection = b;

    ev::transferred t;
    t.primary_old_call = p.held_call;
    t.secondary_old_call = p.active_call;
    t.transferring_device = b;
    t.transferred_to_device = transferred_to;
    t.transferred_connections = list;
    t.cause = event_cause::transfer;
    emit(s, t, {b});
    // The call's data follows it: the parties that came from the consultation learn it now.
    if (s.correlator) send_call_information(s);
    return sv::transfer_call::result{survivor, list};
}

outcome<sv::single_step_transfer> switch_model::impl::serve(
    session_id, const sv::single_step_transfer::params& p, time_point now) {
    auto r = find_connection(p.active_call, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::connected || c->parties.size() < 2) {
        return bad_state(errv::invalid_connection_state,
                         "activeCall is not connected to another party");
    }
    if (auto e = check_destination(p.transferred_to, x->device)) return *e;
    if (find_party(*c, p.transferred_to) != nullptr) {
        return make_error(error_category::operation, errv::invalid_destination,
                          p.transferred_to + " is already in the call");
    }
    const std::string b = x->device;
    std::string id = c->id;
    if (config_.new_call_id_on_transfer) id = rename_call(c->id, fresh_call_id()).id;
    call_rec& s = calls_.at(id);
    std::vector<protocol::connection_list_entry> list;
    for (const party& q : s.parties) {
        if (q.device == b) continue;
        list.push_back({connection_id{p.active_call.call_id, q.device}, connection_id{id, q.device},
                        q.device});
    }
    list.push_back({p.active_call, std::nullopt, b});
    list.push_back({std::nullopt, connection_id{id, p.transferred_to}, p.transferred_to});
    remove_party(s, b);
    ev::transferred t;
    t.primary_old_call = p.active_call;
    t.transferring_device = b;
    t.transferred_to_device = p.transferred_to;
    t.transferred_connections = list;
    t.cause = event_cause::single_step_transfer;
    emit(s, t, {b});
    s.called_device = p.transferred_to;
    s.last_redirection = b;
    offer(s, p.transferred_to, event_cause::single_step_transfer, now);
    return sv::single_step_transfer::result{id};
}

outcome<sv::conference_call> switch_model::impl::serve(session_id,
                                                       const sv::conference_call::params& p,
                                                       time_point) {
    if (auto e = check_pair(*this, p.held_call, p.active_call)) return *e;
    const std::string b = p.held_call.device_id;
    call_rec* held = find_call(p.held_call.call_id);
    call_rec* active = find_call(p.active_call.call_id);
    if (held->parties.size() + active->parties.size() - 1 > config_.max_conference_parties) {
        return make_error(
            error_category::system_resource_availability, errv::conference_full,
            "conference limited to " + std::to_string(config_.max_conference_parties) + " parties");
    }
    std::string survivor = held->id;
    if (config_.new_call_id_on_transfer) survivor = rename_call(held->id, fresh_call_id()).id;
    call_rec& s = calls_.at(survivor);
    active = find_call(p.active_call.call_id);
    if (!s.correlator) s.correlator = active->correlator;

    std::vector<protocol::connection_list_entry> list;
    for (const party& q : s.parties) {
        list.push_back({connection_id{p.held_call.call_id, q.device},
                        connection_id{survivor, q.device}, q.device});
    }
    std::vector<std::string> moving;
    std::string added;
    for (const party& q : active->parties) {
        if (q.device == b) continue;
        moving.push_back(q.device);
        if (added.empty()) added = q.device;
        list.push_back(
            {connection_id{active->id, q.device}, connection_id{survivor, q.device}, q.device});
    }
    for (const auto& d : moving) move_party(*active, d, s);
    destroy_call(active->id);
    transition(s, *find_party(s, b), connection_state::connected);

    ev::conferenced cf;
    cf.primary_old_call = p.held_call;
    cf.secondary_old_call = p.active_call;
    cf.conferencing_device = b;
    cf.added_party = added;
    cf.conference_connections = list;
    cf.cause = event_cause::conference;
    emit(s, cf);
    if (s.correlator) send_call_information(s);
    return sv::conference_call::result{connection_id{survivor, b}, list};
}

outcome<sv::single_step_conference> switch_model::impl::serve(
    session_id, const sv::single_step_conference::params& p, time_point) {
    auto r = find_connection(p.active_call, false);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (p.participation == protocol::participation_type::silent) {
        return make_error(error_category::operation, errv::service_not_supported,
                          "silent participation is not supported");
    }
    if (x->state != connection_state::connected) {
        return bad_state(errv::invalid_connection_state, "activeCall is not connected");
    }
    if (find_station(p.device_to_join) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          p.device_to_join + " is not a station");
    }
    if (find_party(*c, p.device_to_join) != nullptr || is_busy(p.device_to_join)) {
        return bad_state(errv::invalid_device_state, p.device_to_join + " is busy");
    }
    if (c->parties.size() + 1 > config_.max_conference_parties) {
        return make_error(
            error_category::system_resource_availability, errv::conference_full,
            "conference limited to " + std::to_string(config_.max_conference_parties) + " parties");
    }
    std::vector<protocol::connection_list_entry> list;
    for (const party& q : c->parties) {
        list.push_back({connection_id{c->id, q.device}, connection_id{c->id, q.device}, q.device});
    }
    const connection_id joined{c->id, p.device_to_join};
    list.push_back({std::nullopt, joined, p.device_to_join});
    const std::string conferencing = x->device;
    party& d = add_party(*c, p.device_to_join, false);
    transition(*c, d, connection_state::connected);
    ev::conferenced cf;
    cf.primary_old_call = p.active_call;
    cf.conferencing_device = conferencing;
    cf.added_party = p.device_to_join;
    cf.conference_connections = list;
    cf.cause = event_cause::single_step_conference;
    emit(*c, cf);
    return sv::single_step_conference::result{joined};
}

outcome<sv::deflect_call> switch_model::impl::serve(session_id, const sv::deflect_call::params& p,
                                                    time_point now) {
    // A call waiting in an ACD group may be moved too: the group is then a route point.
    const bool waiting = find_acd(p.call_to_be_diverted.device_id) != nullptr;
    auto r = find_connection(p.call_to_be_diverted, !waiting);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if ((waiting ? x->state != connection_state::queued : x->state != connection_state::alerting) ||
        (c->pending_destination && x->device == c->calling_device)) {
        return bad_state(errv::invalid_connection_state,
                         "only an alerting or queued call can be deflected");
    }
    if (auto e = check_destination(p.new_destination, x->device)) return *e;
    if (find_party(*c, p.new_destination) != nullptr) {
        return make_error(error_category::operation, errv::invalid_destination,
                          p.new_destination + " is already in the call");
    }
    const std::string b = x->device;
    remove_party(*c, b);
    ev::diverted d;
    d.connection = p.call_to_be_diverted;
    d.diverting_device = b;
    d.new_destination = p.new_destination;
    d.calling_device = c->calling_device;
    d.called_device = c->called_device;
    d.last_redirection_device = c->last_redirection;
    d.cause = event_cause::redirected;
    emit(*c, d, {b});
    c->last_redirection = b;
    offer(*c, p.new_destination, event_cause::redirected, now);
    return sv::deflect_call::result{};
}

}  // namespace ctigw::gateway::sim
