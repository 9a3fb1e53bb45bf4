// switch_model call control: delivery (forwarding, DND, busy, outside numbers), the call
// primitives (originate, answer, release, hold, moving parties), MakeCall, AnswerCall, clearing,
// plus the timers of outside parties and no-answer forwarding. Hold/retrieve, consultation,
// transfer, conference and deflect are in model_transfer.cpp.
#include <algorithm>

#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace ev = protocol::evt;
namespace sv = protocol::svc;
namespace errv = protocol::error_values;
using protocol::connection_id;

namespace {
csta_error no_connection(const connection_id& id) {
    return make_error(error_category::operation, errv::invalid_connection_id,
                      "no connection " + id.call_id + "/" + id.device_id);
}
}  // namespace

std::variant<switch_model::impl::conn_ref, csta_error> switch_model::impl::find_connection(
    const connection_id& id, bool station_only) {
    call_rec* c = find_call(id.call_id);
    party* p = c != nullptr ? find_party(*c, id.device_id) : nullptr;
    if (p == nullptr) return no_connection(id);
    if (station_only && (p->external || find_station(p->device) == nullptr)) {
        return make_error(
            error_category::operation, errv::invalid_connection_id,
            "connection " + id.call_id + "/" + id.device_id + " is not a station's connection");
    }
    return conn_ref{c, p};
}

std::optional<csta_error> switch_model::impl::check_call_capacity() const {
    if (calls_.size() >= config_.max_calls) {
        return make_error(error_category::system_resource_availability, errv::resource_busy,
                          "concurrent call limit reached");
    }
    return std::nullopt;
}

// ---- delivery --------------------------------------------------------------------------------

/// Presents the call to `target`: immediate forwarding, then DND, then busy (with forwarding on
/// busy), else alerting (arming forwarding on no answer). Outside numbers go to a trunk.
void switch_model::impl::offer(call_rec& call, std::string target, event_cause cause,
                               time_point now) {
    for (;;) {
        if (find_acd(target) != nullptr) {
            enqueue(call, target, cause, now);
            return;
        }
        device_state* dev = find_station(target);
        if (dev == nullptr) {
            offer_external(call, target, cause, now);
            return;
        }
        station_features* f = dev->features.get();
        auto divert_to = [&](const protocol::forwarding_entry& fw, event_cause why) {
            ++call.redirections;
            ev::diverted d;
            d.connection = {call.id, target};
            d.diverting_device = target;
            d.new_destination = *fw.forward_to;
            d.calling_device = call.calling_device;
            d.called_device = call.called_device;
            d.last_redirection_device = call.last_redirection;
            d.cause = why;
            call.last_redirection = target;
            emit(call, d, {target});
            target = *fw.forward_to;
            cause = why;
        };
        const bool may_forward = call.redirections < max_redirections;
        if (f != nullptr && may_forward && f->forwarding[0].active) {
            divert_to(f->forwarding[0], event_cause::call_forward_immediate);
            continue;
        }
        if (f != nullptr && f->do_not_disturb) {
            fail_call(call, target, event_cause::do_not_disturb);
            return;
        }
        if (is_busy(target)) {
            if (f != nullptr && may_forward && f->forwarding[1].active) {
                divert_to(f->forwarding[1], event_cause::call_forward_busy);
                continue;
            }
            fail_call(call, target, event_cause::busy);
            return;
        }
        alert(call, target, cause, now);
        if (f != nullptr && may_forward && f->forwarding[2].active) {
            const auto rings =
                f->forwarding[2].ring_count.value_or(config_.default_no_answer_rings);
            party* p = find_party(call, target);
            arm_timer(call, *p, timer_kind::no_answer_forward,
                      now + config_.ring_interval * static_cast<std::int64_t>(rings));
        }
        return;
    }
}

void switch_model::impl::alert(call_rec& call, const std::string& target, event_cause cause,
                               time_point) {
    party& p = add_party(call, target, false);
    p.alert_cause = cause;
    p.alert_seq = next_alert_seq_++;
    transition(call, p, connection_state::alerting);
    ev::delivered d;
    d.connection = {call.id, target};
    d.alerting_device = target;
    d.calling_device = call.calling_device;
    d.called_device = call.called_device;
    d.last_redirection_device = call.last_redirection;
    d.correlator_data = call.correlator;
    d.cause = cause;
    emit(call, d);
}

void switch_model::impl::offer_external(call_rec& call, const std::string& number,
                                        event_cause cause, time_point now) {
    const external_rule* rule = match_rule(number);
    if (rule == nullptr) {
        fail_call(call, number, event_cause::dest_not_obtainable);
        return;
    }
    party& p = add_party(call, number, true);
    p.rule = *rule;
    p.alert_cause = cause;
    p.alert_seq = next_alert_seq_++;
    transition(call, p, connection_state::alerting);
    ev::network_reached n;
    n.outbound_connection = {call.id, number};
    n.network_interface_used = std::string{trunk_name};
    n.calling_device = call.calling_device;
    n.called_device = call.called_device;
    n.cause = cause;
    emit(call, n);
    if (rule->behaviour == external_behaviour::busy) {
        remove_party(call, number);
        fail_call(call, number, event_cause::busy);
        return;
    }
    ev::delivered d;
    d.connection = {call.id, number};
    d.alerting_device = number;
    d.calling_device = call.calling_device;
    d.called_device = call.called_device;
    d.last_redirection_device = call.last_redirection;
    d.correlator_data = call.correlator;
    d.cause = cause;
    emit(call, d);
    party* px = find_party(call, number);
    switch (rule->behaviour) {
        case external_behaviour::answer:
        case external_behaviour::answer_then_hangup:
            arm_timer(call, *px, timer_kind::external_answer, now + rule->delay);
            break;
        case external_behaviour::reject:
            arm_timer(call, *px, timer_kind::external_reject, now + rule->delay);
            break;
        case external_behaviour::no_answer:
        case external_behaviour::busy:
            break;
    }
}

/// The call cannot reach `failing`: the connected parties go to fail (they hear busy/reorder
/// tone) until they hang up. Outside callers hang up at once.
void switch_model::impl::fail_call(call_rec& call, const std::string& failing, event_cause cause) {
    for (party& p : call.parties) {
        if (p.state == connection_state::connected) transition(call, p, connection_state::fail);
    }
    ev::failed f;
    f.failed_connection = {call.id, failing};
    f.failing_device = failing;
    f.calling_device = call.calling_device;
    f.called_device = call.called_device;
    f.cause = cause;
    emit(call, f);
    const bool any_internal = std::any_of(call.parties.begin(), call.parties.end(),
                                          [](const party& p) { return !p.external; });
    if (!any_internal) destroy_call(call.id);
}

/// Dialling complete at `caller` (initiated/alerting → connected): Originated, then delivery.
void switch_model::impl::originate(call_rec& call, party& caller, event_cause cause,
                                   time_point now) {
    transition(call, caller, connection_state::connected);
    ev::originated o;
    o.originated_connection = {call.id, caller.device};
    o.calling_device = call.calling_device;
    o.called_device = call.called_device;
    o.cause = cause;
    emit(call, o);
    const std::string target = call.called_device;
    call.pending_destination.reset();
    offer(call, target, event_cause::normal, now);
}

void switch_model::impl::answer(call_rec& call, party& p, time_point now) {
    cancel_timer(p);
    if (call.pending_destination && p.device == call.calling_device) {
        originate(call, p, event_cause::make_call, now);
        return;
    }
    transition(call, p, connection_state::connected);
    ev::established e;
    e.established_connection = {call.id, p.device};
    e.answering_device = p.device;
    e.calling_device = call.calling_device;
    e.called_device = call.called_device;
    e.last_redirection_device = call.last_redirection;
    e.correlator_data = call.correlator;
    e.cause = p.alert_cause;
    emit(call, e);
    if (!call.acd_agent.empty() && p.device == call.acd_agent) acd_answered(call, now);
    if (p.external && p.rule && p.rule->behaviour == external_behaviour::answer_then_hangup) {
        arm_timer(call, p, timer_kind::external_hangup, now + p.rule->hangup_after);
    }
}

void switch_model::impl::release(const std::string& call_id, const std::string& device,
                                 event_cause cause) {
    call_rec* c = find_call(call_id);
    if (c == nullptr || find_party(*c, device) == nullptr) return;
    remove_party(*c, device);
    ev::connection_cleared cc;
    cc.dropped_connection = {call_id, device};
    cc.releasing_device = device;
    cc.cause = cause;
    emit(*c, cc, {device});
    if (c->parties.size() > 1) return;
    std::vector<std::string> last{device};
    if (c->parties.size() == 1) {
        // docs/protocol.md §5.3: a last party that never answered (alerting, queued, still
        // dialling) is cleared with callCancelled, which the call's end then carries too.
        const party& rest = c->parties.front();
        if (rest.state == connection_state::alerting || rest.state == connection_state::queued ||
            rest.state == connection_state::initiated) {
            cause = event_cause::call_cancelled;
        }
        if (acd_rec* g = rest.state == connection_state::queued ? find_acd(rest.device) : nullptr) {
            ++g->abandoned;  // the caller hung up while waiting in the ACD group
        }
        const std::string other = rest.device;
        remove_party(*c, other);
        cc.dropped_connection = {call_id, other};
        cc.releasing_device = other;
        cc.cause = cause;
        emit(*c, cc, {other});
        last = {other};
    }
    ev::call_cleared done;
    done.cleared_call = call_id;
    done.cause = cause;
    emit(*c, done, last);
    destroy_call(call_id);
}

void switch_model::impl::hold(call_rec& call, party& p, std::optional<event_cause> cause) {
    transition(call, p, connection_state::hold);
    ev::held h;
    h.held_connection = {call.id, p.device};
    h.holding_device = p.device;
    h.cause = cause;
    emit(call, h);
}

void switch_model::impl::retrieve(call_rec& call, party& p, std::optional<event_cause> cause) {
    transition(call, p, connection_state::connected);
    ev::retrieved r;
    r.retrieved_connection = {call.id, p.device};
    r.retrieving_device = p.device;
    r.cause = cause;
    emit(call, r);
}

void switch_model::impl::move_party(call_rec& from, const std::string& device, call_rec& to) {
    party* p = find_party(from, device);
    if (p == nullptr) return;
    const connection_state state = p->state;
    party moved = *p;
    std::optional<timer_key> timer = p->timer;
    p->timer.reset();  // keep the timer: re-pointed below
    remove_party(from, device);
    party& q = add_party(to, device, moved.external);
    q.alert_cause = moved.alert_cause;
    q.alert_seq = moved.alert_seq;
    q.rule = moved.rule;
    transition(to, q, state);
    if (timer) {
        if (auto it = timers_.find(*timer); it != timers_.end()) {
            it->second.call_id = to.id;
            q.timer = timer;
        }
    }
}

call_rec& switch_model::impl::rename_call(const std::string& call_id, const std::string& new_id) {
    call_rec& old = calls_.at(call_id);
    call_rec& fresh = calls_[new_id];
    ++stats_.calls_created;
    fresh.id = new_id;
    fresh.calling_device = old.calling_device;
    fresh.calling_name = old.calling_name;
    fresh.called_device = old.called_device;
    fresh.last_redirection = old.last_redirection;
    fresh.correlator = old.correlator;
    fresh.parked_by = old.parked_by;
    fresh.redirections = old.redirections;
    std::vector<std::string> devices;
    for (const party& p : old.parties) devices.push_back(p.device);
    for (const auto& d : devices) move_party(old, d, fresh);
    destroy_call(call_id);
    return calls_.at(new_id);
}

// ---- MakeCall / AnswerCall -------------------------------------------------------------------

std::string switch_model::impl::start_manual_call(const std::string& device, time_point) {
    call_rec& c = new_call(device, "");
    party& p = add_party(c, device, false);
    transition(c, p, connection_state::initiated);
    ev::service_initiated si;
    si.initiated_connection = {c.id, device};
    si.initiating_device = device;
    si.cause = event_cause::new_call;
    emit(c, si);
    return c.id;
}

outcome<sv::make_call> switch_model::impl::serve(session_id, const sv::make_call::params& p,
                                                 time_point now) {
    if (find_station(p.calling_device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "calling device " + p.calling_device + " is not a station");
    }
    if (auto e = check_destination(p.called_directory_number, p.calling_device)) return *e;
    if (p.correlator_data && p.correlator_data->bytes.size() > max_correlator_bytes) {
        return make_error(error_category::operation, errv::invalid_parameter_value,
                          "/params/correlatorData: over 4096 bytes");
    }
    // docs/protocol.md "Dialling from a lifted handset": the device's dial tone is dialled.
    if (call_rec* tone = dial_tone_call(p.calling_device); tone != nullptr) {
        if (party* a = find_party(*tone, p.calling_device); a != nullptr) {
            tone->called_device = p.called_directory_number;
            if (p.correlator_data) tone->correlator = p.correlator_data;
            originate(*tone, *a, event_cause::make_call, now);
            return sv::make_call::result{connection_id{tone->id, p.calling_device}};
        }
    }
    if (is_busy(p.calling_device)) {
        return bad_state(errv::invalid_device_state, "calling device is busy");
    }
    if (auto e = check_call_capacity()) return *e;
    call_rec& c = new_call(p.calling_device, p.called_directory_number);
    c.correlator = p.correlator_data;
    party& a = add_party(c, p.calling_device, false);
    const connection_id result{c.id, p.calling_device};
    if (!p.auto_originate.value_or(true)) {
        c.pending_destination = p.called_directory_number;
        a.alert_cause = event_cause::make_call;
        a.alert_seq = next_alert_seq_++;
        transition(c, a, connection_state::alerting);
        ev::delivered d;
        d.connection = result;
        d.alerting_device = p.calling_device;
        d.calling_device = c.calling_device;
        d.called_device = c.called_device;
        d.correlator_data = c.correlator;
        d.cause = event_cause::make_call;
        emit(c, d);
        return sv::make_call::result{result};
    }
    transition(c, a, connection_state::initiated);
    ev::service_initiated si;
    si.initiated_connection = result;
    si.initiating_device = p.calling_device;
    si.correlator_data = c.correlator;
    si.cause = event_cause::make_call;
    emit(c, si);
    originate(c, a, event_cause::make_call, now);
    return sv::make_call::result{result};
}

outcome<sv::answer_call> switch_model::impl::serve(session_id, const sv::answer_call::params& p,
                                                   time_point now) {
    auto r = find_connection(p.call_to_be_answered, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::alerting) {
        return bad_state(errv::no_call_to_answer, "the connection is not alerting");
    }
    answer(*c, *x, now);
    return sv::answer_call::result{};
}

// ---- clearing ---------------------------------------------------------------------------------

outcome<sv::clear_connection> switch_model::impl::serve(session_id,
                                                        const sv::clear_connection::params& p,
                                                        time_point) {
    // docs/protocol.md §5.3: a call that goes on without this device is noConnectionToClear
    // (e.g. a second lineDrop); an unknown or ended call is invalidConnectionID.
    const auto& id = p.connection_to_be_cleared;
    if (call_rec* c = find_call(id.call_id);
        c != nullptr && find_party(*c, id.device_id) == nullptr) {
        return bad_state(errv::no_connection_to_clear,
                         id.device_id + " has no connection in " + id.call_id);
    }
    auto r = find_connection(id, false);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    release(p.connection_to_be_cleared.call_id, p.connection_to_be_cleared.device_id,
            event_cause::normal_clearing);
    return sv::clear_connection::result{};
}

outcome<sv::clear_call> switch_model::impl::serve(session_id, const sv::clear_call::params& p,
                                                  time_point) {
    call_rec* c = find_call(p.call_to_be_cleared);
    if (c == nullptr) {
        return make_error(error_category::operation, errv::invalid_call_id,
                          "unknown callID " + p.call_to_be_cleared);
    }
    std::vector<std::string> all;
    for (const party& x : c->parties) all.push_back(x.device);
    for (const auto& d : all) {
        remove_party(*c, d);
        ev::connection_cleared cc;
        cc.dropped_connection = {c->id, d};
        cc.releasing_device = d;
        cc.cause = event_cause::normal_clearing;
        emit(*c, cc, {d});
    }
    ev::call_cleared done;
    done.cleared_call = c->id;
    done.cause = event_cause::normal_clearing;
    emit(*c, done, all);
    destroy_call(p.call_to_be_cleared);
    return sv::clear_call::result{};
}

// ---- timers ------------------------------------------------------------------------------------

void switch_model::impl::fire(const timer_rec& t, time_point at) {
    if (t.kind == timer_kind::wrapup_end) return end_wrapup(t.device, at);
    call_rec* c = find_call(t.call_id);
    party* p = c != nullptr ? find_party(*c, t.device) : nullptr;
    if (p == nullptr) return;
    switch (t.kind) {
        case timer_kind::external_answer:
            if (p->state == connection_state::alerting) answer(*c, *p, at);
            break;
        case timer_kind::external_reject:
            if (p->state == connection_state::alerting) {
                remove_party(*c, t.device);
                fail_call(*c, t.device, event_cause::call_not_answered);
            }
            break;
        case timer_kind::external_hangup:
            release(t.call_id, t.device, event_cause::normal_clearing);
            break;
        case timer_kind::no_answer_forward: {
            device_state* dev = find_station(t.device);
            if (p->state != connection_state::alerting || dev == nullptr || !dev->features ||
                !dev->features->forwarding[2].active) {
                break;
            }
            const std::string to = *dev->features->forwarding[2].forward_to;
            remove_party(*c, t.device);
            ++c->redirections;
            ev::diverted d;
            d.connection = {c->id, t.device};
            d.diverting_device = t.device;
            d.new_destination = to;
            d.calling_device = c->calling_device;
            d.called_device = c->called_device;
            d.last_redirection_device = c->last_redirection;
            d.cause = event_cause::call_forward_no_answer;
            emit(*c, d, {t.device});
            c->last_redirection = t.device;
            offer(*c, to, event_cause::call_forward_no_answer, at);
            break;
        }
        case timer_kind::wrapup_end:
            break;
        case timer_kind::park_recall: {
            if (p->state != connection_state::queued || !c->parked_by) break;
            const std::string parker = *c->parked_by;
            remove_party(*c, t.device);
            ev::diverted d;
            d.connection = {c->id, t.device};
            d.diverting_device = t.device;
            d.new_destination = parker;
            d.calling_device = c->calling_device;
            d.called_device = c->called_device;
            d.last_redirection_device = c->last_redirection;
            d.cause = event_cause::recall;
            emit(*c, d, {t.device});
            c->last_redirection = t.device;
            c->parked_by.reset();
            alert(*c, parker, event_cause::recall, at);
            break;
        }
    }
}

}  // namespace ctigw::gateway::sim
