// The call-centre services and events of the Asterisk backend (docs/asterisk.md "Agents and
// queues"): ctigw.csta.v1 version 2 on top of the queue roster. ACD groups are app_queue's
// queues, by name; an agent is a station that is a member of them.
#include <algorithm>

#include "asterisk/backend_core.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::gateway::asterisk {

using namespace protocol;
namespace errv = protocol::error_values;

namespace {

/// What follows a busy or wrap-up membership: app_queue applies a pause made during the call
/// when it ends, so a paused member will be notReady, any other ready.
std::optional<protocol::agent_state> pending_of(const queue_membership& m) {
    const auto s = m.state();
    if (s != agent_state::busy && s != agent_state::working_after_call) {
        return std::nullopt;
    }
    if (m.paused) return agent_state::not_ready;
    return s == agent_state::busy && m.own_wrapup.count() > 0 ? agent_state::working_after_call
                                                              : agent_state::ready;
}

template <class E>
E agent_event(const agent_change& c) {
    E e;
    e.agent_device = c.station;
    e.acd_group = c.queue;
    return e;
}

}  // namespace

bool backend_core::is_acd_group(std::string_view device) const {
    return !is_station(device) && roster_.has_queue(device);
}

void backend_core::emit_agent_events(const agent_change& c) {
    // The membership as it is now, for the pending state (gone: logged off).
    std::optional<queue_membership> now;
    for (auto& m : roster_.memberships(c.station)) {
        if (m.queue == c.queue) now = std::move(m);
    }
    std::vector<event_body> events;
    if (c.previous == agent_state::logged_off && c.state != agent_state::logged_off) {
        events.emplace_back(agent_event<evt::agent_logged_on>(c));
    }
    switch (c.state) {
        case agent_state::logged_off:
            events.emplace_back(agent_event<evt::agent_logged_off>(c));
            break;
        case agent_state::not_ready: {
            auto e = agent_event<evt::agent_not_ready>(c);
            if (!c.reason.empty()) e.reason_code = c.reason;
            events.emplace_back(std::move(e));
            break;
        }
        case agent_state::ready:
            events.emplace_back(agent_event<evt::agent_ready>(c));
            break;
        case agent_state::busy: {
            auto e = agent_event<evt::agent_busy>(c);
            if (now) e.pending_state = pending_of(*now);
            events.emplace_back(std::move(e));
            break;
        }
        case agent_state::working_after_call: {
            auto e = agent_event<evt::agent_working_after_call>(c);
            if (now) e.pending_state = pending_of(*now);
            events.emplace_back(std::move(e));
            break;
        }
    }
    // The agent's station, and the queue as a device (a supervisor monitors it).
    const bool group_device = is_acd_group(c.queue);
    for (const auto& e : events) {
        emit(c.station, e);
        if (group_device) emit(c.queue, e);
    }
}

std::string backend_core::caller_device(const caller_change& c) const {
    std::optional<std::string> station;
    if (settings_.station_of && !c.channel.empty()) station = settings_.station_of(c.channel);
    return station.value_or(c.caller_number);
}

std::vector<protocol::snapshot_connection> backend_core::queue_snapshot(
    const std::string& queue) const {
    std::vector<protocol::snapshot_connection> out;
    for (const auto& c : roster_.waiting(queue)) {
        protocol::snapshot_connection s;
        s.connection = {c.call_id, queue};
        s.state = protocol::connection_state::queued;
        if (auto calling = caller_device(c); !calling.empty()) s.calling_device = calling;
        s.called_device = queue;
        out.push_back(std::move(s));
    }
    return out;
}

void backend_core::emit_caller_events(const caller_change& c) {
    // Only queues that are devices of ours (not a station's extension) have monitors to tell.
    if (!is_acd_group(c.queue)) return;
    const std::string calling = caller_device(c);
    const protocol::connection_id conn{c.call_id, c.queue};
    if (c.what == caller_change::kind::joined) {
        evt::queued e;
        e.queued_connection = conn;
        e.queue = c.queue;
        if (!calling.empty()) e.calling_device = calling;
        e.called_device = c.queue;
        if (c.position > 0) e.number_queued = static_cast<std::uint32_t>(c.position);
        e.local_connection_info = protocol::connection_state::queued;
        e.cause = protocol::event_cause::entering_distribution;
        emit(c.queue, std::move(e));
        return;
    }
    // The caller left the queue: an agent took it (distributed), or it hung up while waiting.
    // The queue's connection ends either way; the agent's own call events follow from the model.
    evt::connection_cleared e;
    e.dropped_connection = conn;
    e.releasing_device =
        c.what == caller_change::kind::distributed || calling.empty() ? c.queue : calling;
    e.local_connection_info = protocol::connection_state::null;
    e.cause = c.what == caller_change::kind::distributed ? protocol::event_cause::distributed
                                                         : protocol::event_cause::normal_clearing;
    emit(c.queue, std::move(e));
}

std::optional<response> backend_core::serve_agent_read(const request& r) const {
    if (const auto* p = std::get_if<svc::get_agent_state::params>(&r.params)) {
        if (!is_station(p->device)) {
            return response{r.id, r.params.index(),
                            fail(error_category::operation, errv::invalid_device_id,
                                 "not a station of this switch")};
        }
        svc::get_agent_state::result out;
        for (const auto& m : roster_.memberships(p->device)) {
            if (p->acd_group && m.queue != *p->acd_group) continue;
            agent_group_state g;
            g.acd_group = m.queue;
            g.state = m.state();
            g.pending_state = pending_of(m);
            if (g.state == agent_state::not_ready && !m.reason.empty()) {
                g.reason_code = m.reason;
            }
            out.agent_states.push_back(std::move(g));
        }
        return make_response<svc::get_agent_state>(r.id, std::move(out));
    }
    if (const auto* p = std::get_if<svc::get_queue_statistics::params>(&r.params)) {
        auto s =
            is_acd_group(p->device) ? roster_.statistics(p->device, settings_.now()) : std::nullopt;
        if (!s) {
            return response{r.id, r.params.index(),
                            fail(error_category::operation, errv::invalid_device_id,
                                 "not a queue of this switch")};
        }
        auto u = [](auto v) { return static_cast<std::uint32_t>(std::max<std::int64_t>(0, v)); };
        svc::get_queue_statistics::result out;
        out.calls_waiting = u(s->waiting);
        out.longest_wait_seconds = u(s->longest_wait.count());
        out.agents_logged_on = u(s->logged_in);
        out.agents_ready = u(s->available);
        out.calls_completed = u(s->completed);
        out.calls_abandoned = u(s->abandoned);
        out.average_wait_seconds = u(s->hold_time);  // app_queue's "Holdtime": time in queue
        out.average_talk_seconds = u(s->talk_time);
        return make_response<svc::get_queue_statistics>(r.id, out);
    }
    return std::nullopt;
}

plan_outcome backend_core::plan_agent_state(const svc::set_agent_state::params& p) const {
    if (!is_station(p.device)) {
        return fail(error_category::operation, errv::invalid_device_id,
                    "not a station of this switch");
    }
    const std::string queue = p.acd_group.value_or("");
    if (!queue.empty() && !roster_.has_queue(queue)) {
        return fail(error_category::operation, errv::invalid_parameter_value,
                    "no queue " + log_safe(queue, 80) + " on this switch");
    }
    plan_outcome out;
    switch (p.requested) {
        case requested_agent_state::logged_on:
            if (queue.empty()) {
                return fail(error_category::operation, errv::invalid_parameter_value,
                            "Asterisk needs the queue (acdGroup) to log an agent on");
            }
            // Logged on not ready: the agent says when to take calls (docs/protocol.md §5.10).
            out = roster_.plan_log_on(p.device, queue, false, "");
            break;
        case requested_agent_state::logged_off:
            out = roster_.plan_log_off(p.device, queue);
            break;
        case requested_agent_state::ready:
        case requested_agent_state::not_ready:
            out = roster_.plan_ready(p.device, queue, p.requested == requested_agent_state::ready,
                                     p.reason_code.value_or(""));
            break;
        case requested_agent_state::working_after_call:
            return fail(error_category::operation, errv::invalid_parameter_value,
                        "app_queue starts after-call work itself; it cannot be requested");
    }
    auto* pl = std::get_if<plan>(&out);
    if (pl == nullptr) return out;
    // A change during a call waits for its end: app_queue pauses at once but the member stays
    // on the call, and a removed member's call goes on.
    if (roster_.state_of(p.device) == agent_state::busy &&
        p.requested != requested_agent_state::logged_on) {
        svc::set_agent_state::result res;
        res.pending_state = p.requested == requested_agent_state::ready ? agent_state::ready
                            : p.requested == requested_agent_state::not_ready
                                ? agent_state::not_ready
                                : agent_state::logged_off;
        pl->result =
            service_result{std::in_place_index<service_index_v<svc::set_agent_state>>, res};
    } else {
        pl->result = service_result{std::in_place_index<service_index_v<svc::set_agent_state>>,
                                    svc::set_agent_state::result{}};
    }
    return out;
}

}  // namespace ctigw::gateway::asterisk
