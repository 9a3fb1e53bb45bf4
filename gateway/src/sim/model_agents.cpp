// The simulator's ACD (docs/pbx-sim.md "ACD groups and agents"): calls to an ACD group device
// wait there (Queued) until the longest-idle ready agent of the group takes the oldest one
// (Diverted from the group, Delivered at the agent); the agent is busy until the call leaves
// it, then in after-call work for the group's wrap-up time, then ready. Agents log on and change
// state with SetAgentState (protocol version 2); every change is an agent event per group, to the
// agent's monitors and the group's.
#include <algorithm>

#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace sv = protocol::svc;
namespace ev = protocol::evt;
namespace errv = protocol::error_values;
using protocol::agent_state;
using protocol::requested_agent_state;

namespace {

std::uint32_t seconds_of(std::chrono::milliseconds total, std::uint32_t count) {
    if (count == 0) return 0;
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(total / count).count());
}

}  // namespace

// ---- groups and calls -----------------------------------------------------------------------

acd_rec* switch_model::impl::find_acd(const std::string& device) {
    auto it = acd_.find(device);
    return it == acd_.end() ? nullptr : &it->second;
}

void switch_model::impl::enqueue(call_rec& call, const std::string& group, event_cause cause,
                                 time_point now) {
    acd_rec& g = *find_acd(group);
    const auto waiting = static_cast<std::uint32_t>(find_device(group)->calls.size());
    if (waiting >= g.config.max_queued) {
        ++g.overflowed;
        if (!g.config.overflow_to || call.redirections >= max_redirections) {
            fail_call(call, group, event_cause::overflow);
            return;
        }
        ++call.redirections;
        ev::diverted d;
        d.connection = {call.id, group};
        d.diverting_device = group;
        d.new_destination = *g.config.overflow_to;
        d.calling_device = call.calling_device;
        d.called_device = call.called_device;
        d.last_redirection_device = call.last_redirection;
        d.cause = event_cause::overflow;
        emit(call, d, {group});  // the group's monitors see what became of the call
        call.last_redirection = group;
        offer(call, *g.config.overflow_to, event_cause::overflow, now);
        return;
    }
    party& q = add_party(call, group, false);
    transition(call, q, connection_state::queued);
    call.acd_group = group;
    call.queued_at = now;
    ev::queued e;
    e.queued_connection = {call.id, group};
    e.queue = group;
    e.calling_device = call.calling_device;
    e.called_device = call.called_device;
    e.last_redirection_device = call.last_redirection;
    e.number_queued = waiting + 1;
    e.cause = cause == event_cause::normal ? event_cause::entering_distribution : cause;
    emit(call, e);
    // Distribution waits for settle_acd(): the caller's own events come first.
}

void switch_model::impl::acd_answered(call_rec& call, time_point now) {
    acd_rec* g = find_acd(call.acd_group);
    if (g == nullptr || call.answered_at) return;
    call.answered_at = now;
    ++g->completed;
    g->wait_total += std::chrono::duration_cast<std::chrono::milliseconds>(now - call.queued_at);
}

void switch_model::impl::distribute(const std::string& group, time_point now) {
    device_state* dev = find_device(group);
    acd_rec* g = find_acd(group);
    if (dev == nullptr || g == nullptr) return;
    while (!dev->calls.empty()) {
        // The longest-idle ready agent whose phone is free.
        std::string best;
        for (auto& [station, a] : agents_) {
            if (a.state != agent_state::ready || is_busy(station) ||
                std::find(a.groups.begin(), a.groups.end(), group) == a.groups.end()) {
                continue;
            }
            if (best.empty() || a.idle_since < agents_.at(best).idle_since ||
                (a.idle_since == agents_.at(best).idle_since && station < best)) {
                best = station;
            }
        }
        if (best.empty()) return;
        call_rec* c = find_call(dev->calls.front());
        if (c == nullptr) return;
        remove_party(*c, group);
        ev::diverted d;
        d.connection = {c->id, group};
        d.diverting_device = group;
        d.new_destination = best;
        d.calling_device = c->calling_device;
        d.called_device = c->called_device;
        d.last_redirection_device = c->last_redirection;
        d.cause = event_cause::distributed;
        emit(*c, d, {group});
        c->last_redirection = group;
        c->acd_agent = best;
        agent_rec& a = agents_.at(best);
        set_agent_state(best, a, agent_state::busy, {}, now);
        alert(*c, best, event_cause::distributed, now);
    }
}

void switch_model::impl::settle_acd(time_point now) {
    if (acd_.empty()) return;
    auto left = std::move(acd_left_);
    acd_left_.clear();
    for (const auto& l : left) {
        acd_rec* g = find_acd(l.group);
        if (g != nullptr) {
            if (l.answered_at) {
                g->talk_total +=
                    std::chrono::duration_cast<std::chrono::milliseconds>(now - *l.answered_at);
            } else {
                ++g->abandoned;  // the caller hung up while the agent's phone rang
            }
        }
        auto it = agents_.find(l.station);
        if (it == agents_.end() || it->second.state != agent_state::busy) continue;
        agent_rec& a = it->second;
        const auto wrapup = g != nullptr ? g->config.wrapup : std::chrono::milliseconds{0};
        if (a.pending) {
            const auto next = *a.pending;
            a.pending.reset();
            if (next == agent_state::logged_off) {
                set_agent_state(l.station, a, agent_state::logged_off, {}, now);
            } else {
                set_agent_state(l.station, a, next, next == agent_state::not_ready ? a.reason : "",
                                now);
            }
        } else if (l.answered_at && wrapup.count() > 0) {
            set_agent_state(l.station, a, agent_state::working_after_call, {}, now);
            timer_key key{now + wrapup, next_timer_seq_++};
            timers_.emplace(key, timer_rec{timer_kind::wrapup_end, {}, l.station});
            a.wrapup_timer = key;
        } else {
            set_agent_state(l.station, a, agent_state::ready, {}, now);
        }
    }
    for (const auto& [group, g] : acd_) distribute(group, now);
}

void switch_model::impl::end_wrapup(const std::string& station, time_point now) {
    auto it = agents_.find(station);
    if (it == agents_.end()) return;
    it->second.wrapup_timer.reset();
    if (it->second.state == agent_state::working_after_call) {
        set_agent_state(station, it->second, agent_state::ready, {}, now);
    }
    settle_acd(now);
}

// ---- agent state ------------------------------------------------------------------------------

void switch_model::impl::set_agent_state(const std::string& station, agent_rec& a, agent_state to,
                                         std::string reason, time_point now) {
    if (a.state == to && a.reason == reason) return;
    if (a.wrapup_timer && to != agent_state::working_after_call) {
        timers_.erase(*a.wrapup_timer);
        a.wrapup_timer.reset();
    }
    a.state = to;
    a.reason = to == agent_state::not_ready ? std::move(reason) : std::string();
    if (to == agent_state::ready) a.idle_since = now;
    agent_events(station, a, a.groups);
    if (to == agent_state::logged_off) {
        a.groups.clear();
        a.pending.reset();
    }
}

template <class E>
void switch_model::impl::agent_event(const std::string& station, const agent_rec& a,
                                     const std::string& group, E event) {
    event.agent_device = station;
    event.agent_id = a.agent_id;
    event.acd_group = group;
    deliver(station, event);
    deliver(group, event);
}

void switch_model::impl::agent_events(const std::string& station, const agent_rec& a,
                                      const std::vector<std::string>& groups) {
    for (const auto& g : groups) {
        switch (a.state) {
            case agent_state::logged_off:
                agent_event(station, a, g, ev::agent_logged_off{});
                break;
            case agent_state::not_ready: {
                ev::agent_not_ready e;
                if (!a.reason.empty()) e.reason_code = a.reason;
                agent_event(station, a, g, std::move(e));
                break;
            }
            case agent_state::ready:
                agent_event(station, a, g, ev::agent_ready{});
                break;
            case agent_state::busy: {
                ev::agent_busy e;
                e.pending_state = a.pending;
                agent_event(station, a, g, std::move(e));
                break;
            }
            case agent_state::working_after_call: {
                ev::agent_working_after_call e;
                e.pending_state = a.pending.value_or(agent_state::ready);
                agent_event(station, a, g, std::move(e));
                break;
            }
        }
    }
}

// ---- services ---------------------------------------------------------------------------------

outcome<sv::set_agent_state> switch_model::impl::serve(session_id,
                                                       const sv::set_agent_state::params& p,
                                                       time_point now) {
    if (find_station(p.device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          p.device + " is not a station");
    }
    if (p.acd_group && find_acd(*p.acd_group) == nullptr) {
        return out_of_range("/params/acdGroup: " + *p.acd_group + " is not an ACD group");
    }
    if (p.reason_code &&
        std::none_of(config_.not_ready_reasons.begin(), config_.not_ready_reasons.end(),
                     [&](const protocol::agent_reason& r) { return r.code == *p.reason_code; })) {
        return out_of_range("/params/reasonCode: unknown reason " + *p.reason_code);
    }
    agent_rec& a = agents_[p.device];
    const bool logged_on = a.state != agent_state::logged_off;
    auto member_of = [&](const std::string& g) {
        const auto& allowed = acd_.at(g).config.agents;
        return allowed.empty() ||
               std::find(allowed.begin(), allowed.end(), p.device) != allowed.end();
    };
    sv::set_agent_state::result out;

    if (p.requested == requested_agent_state::logged_on) {
        if (!config_.agent_pins.empty()) {
            auto pin = p.agent_id ? config_.agent_pins.find(*p.agent_id) : config_.agent_pins.end();
            if (pin == config_.agent_pins.end() || pin->second != p.password.value_or("")) {
                return make_error(error_category::security, errv::invalid_credentials,
                                  "unknown agentID or wrong password");
            }
        }
        if (logged_on && p.agent_id && a.agent_id && *p.agent_id != *a.agent_id) {
            return bad_state(errv::invalid_device_state,
                             "agent " + *a.agent_id + " is logged on at " + p.device);
        }
        std::vector<std::string> join;
        if (p.acd_group) {
            if (!member_of(*p.acd_group)) {
                return out_of_range("/params/acdGroup: " + p.device + " is not an agent of " +
                                    *p.acd_group);
            }
            join.push_back(*p.acd_group);
        } else {
            for (const auto& [g, rec] : acd_) {
                if (member_of(g)) join.push_back(g);
            }
            if (join.empty()) return out_of_range(p.device + " is an agent of no ACD group");
        }
        std::erase_if(join, [&](const std::string& g) {
            return std::find(a.groups.begin(), a.groups.end(), g) != a.groups.end();
        });
        if (!logged_on) {
            a.agent_id = p.agent_id;
            a.state = agent_state::not_ready;  // logged on not ready: the agent says when
            a.reason.clear();
        }
        for (const auto& g : join) {
            a.groups.push_back(g);
            agent_event(p.device, a, g, ev::agent_logged_on{});
        }
        agent_events(p.device, a, join);
        return out;
    }

    if (!logged_on) return bad_state(errv::invalid_device_state, p.device + " is not logged on");
    if (p.acd_group &&
        std::find(a.groups.begin(), a.groups.end(), *p.acd_group) == a.groups.end()) {
        return bad_state(errv::invalid_device_state,
                         p.device + " is not logged on to " + *p.acd_group);
    }
    const auto wanted = p.requested == requested_agent_state::logged_off ? agent_state::logged_off
                        : p.requested == requested_agent_state::ready    ? agent_state::ready
                        : p.requested == requested_agent_state::not_ready
                            ? agent_state::not_ready
                            : agent_state::working_after_call;
    if (p.requested == requested_agent_state::logged_off && p.acd_group && a.groups.size() > 1) {
        // Leaves one group; the others keep the agent.
        std::erase(a.groups, *p.acd_group);
        agent_event(p.device, a, *p.acd_group, ev::agent_logged_off{});
        return out;
    }
    if (a.state == agent_state::busy) {
        // ECMA-269: the change waits for the call to end.
        a.pending = wanted;
        if (wanted == agent_state::not_ready) a.reason = p.reason_code.value_or("");
        out.pending_state = wanted;
        agent_events(p.device, a, a.groups);  // AgentBusy with the new pending state
        return out;
    }
    a.pending.reset();
    set_agent_state(p.device, a, wanted, p.reason_code.value_or(""), now);
    return out;
}

outcome<sv::get_agent_state> switch_model::impl::serve(session_id,
                                                       const sv::get_agent_state::params& p,
                                                       time_point) {
    if (find_station(p.device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          p.device + " is not a station");
    }
    sv::get_agent_state::result out;
    out.reasons = config_.not_ready_reasons;
    auto it = agents_.find(p.device);
    if (it == agents_.end()) return out;
    const agent_rec& a = it->second;
    for (const auto& g : a.groups) {
        if (p.acd_group && *p.acd_group != g) continue;
        protocol::agent_group_state s;
        s.acd_group = g;
        s.agent_id = a.agent_id;
        s.state = a.state;
        s.pending_state = a.pending;
        if (a.state == agent_state::not_ready && !a.reason.empty()) s.reason_code = a.reason;
        out.agent_states.push_back(std::move(s));
    }
    return out;
}

outcome<sv::get_queue_statistics> switch_model::impl::serve(
    session_id, const sv::get_queue_statistics::params& p, time_point now) {
    acd_rec* g = find_acd(p.device);
    if (g == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          p.device + " is not an ACD group");
    }
    sv::get_queue_statistics::result out;
    const device_state* dev = find_device(p.device);
    out.calls_waiting = static_cast<std::uint32_t>(dev->calls.size());
    for (const auto& id : dev->calls) {
        if (const call_rec* c = find_call(id)) {
            const auto wait = std::chrono::duration_cast<std::chrono::seconds>(now - c->queued_at);
            out.longest_wait_seconds =
                std::max(out.longest_wait_seconds, static_cast<std::uint32_t>(wait.count()));
        }
    }
    for (const auto& [station, a] : agents_) {
        if (std::find(a.groups.begin(), a.groups.end(), p.device) == a.groups.end()) continue;
        ++out.agents_logged_on;
        if (a.state == agent_state::ready && !is_busy(station)) ++out.agents_ready;
    }
    out.calls_completed = g->completed;
    out.calls_abandoned = g->abandoned;
    out.average_wait_seconds = seconds_of(g->wait_total, g->completed);
    out.average_talk_seconds = seconds_of(g->talk_total, g->completed);
    return out;
}

}  // namespace ctigw::gateway::sim
