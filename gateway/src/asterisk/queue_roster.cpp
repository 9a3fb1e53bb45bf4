#include "asterisk/queue_roster.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "asterisk/ext_pattern.hpp"

namespace ctigw::gateway::asterisk {

using protocol::csta_error;
using protocol::error_category;
namespace errv = protocol::error_values;

namespace {

/// How engaged a state is, for a station's overall state.
int rank(agent_state s) noexcept {
    switch (s) {
        case agent_state::busy:
            return 4;
        case agent_state::working_after_call:
            return 3;
        case agent_state::ready:
            return 2;
        case agent_state::not_ready:
            return 1;
        case agent_state::logged_off:
            return 0;
    }
    return 0;
}

csta_error refuse(std::string_view value, std::string why) {
    return fail(error_category::operation, value, std::move(why));
}

/// Queue names and pause reasons travel in AMI headers and app_queue's logs: printable text.
bool printable(std::string_view s, std::size_t max) {
    return s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
               return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
           });
}

}  // namespace

std::string_view to_string(agent_state s) noexcept {
    return protocol::enum_traits<agent_state>::names[static_cast<std::size_t>(s)];
}

agent_state queue_membership::state() const noexcept {
    if (in_call) return agent_state::busy;
    if (paused) return agent_state::not_ready;
    if (wrapup_until) return agent_state::working_after_call;
    return agent_state::ready;
}

queue_roster::queue_roster(roster_env env, agent_sink sink)
    : env_(std::move(env)), sink_(std::move(sink)) {}

void queue_roster::report(const queue_membership& before, const queue_membership* after) {
    const bool existed = !before.queue.empty();
    const auto was = existed ? before.state() : agent_state::logged_off;
    const auto now = after != nullptr ? after->state() : agent_state::logged_off;
    const auto& why = after != nullptr && now == agent_state::not_ready ? after->reason : "";
    const auto& why_before = existed && was == agent_state::not_ready ? before.reason : "";
    const auto& m = after != nullptr ? *after : before;
    if (!m.station || !sink_ || (was == now && why == why_before)) return;
    sink_(agent_change{*m.station, m.queue, now, why, was});
}

// ---- resync ----

void queue_roster::begin_load() {
    members_.clear();
    callers_.clear();
    queues_.clear();
}

void queue_roster::on_row(const ami::message& row, roster_clock::time_point now) {
    const auto name = row.event();
    if (name == "QueueParams") {
        auto& q = queues_[std::string(row.get("Queue"))];
        q.strategy = row.get("Strategy");
        q.completed = ami::to_int(row.get("Completed")).value_or(0);
        q.abandoned = ami::to_int(row.get("Abandoned")).value_or(0);
        q.hold_time = ami::to_int(row.get("Holdtime")).value_or(0);
        q.talk_time = ami::to_int(row.get("TalkTime")).value_or(0);
    } else if (name == "QueueMember") {
        update_member(row, true);
    } else if (name == "QueueEntry" && callers_.size() < env_.max_callers) {
        const auto wait = ami::to_int(row.get("Wait")).value_or(0);
        const std::string_view linked = row.get("Linkedid");
        callers_[std::string(row.get("Uniqueid"))] =
            caller{std::string(row.get("Queue")),
                   std::string(row.get("Channel")),
                   ami::to_int(row.get("Position")).value_or(0),
                   now - std::chrono::seconds(wait),
                   std::string(linked.empty() ? row.get("Uniqueid") : linked),
                   std::string(row.get("CallerIDNum")),
                   false};
    }
}

// ---- live ----

/// QueueMember rows name the interface "Location" and the member "Name"; the events say
/// "Interface" and "MemberName".
void queue_roster::update_member(const ami::message& e, bool row) {
    const std::string queue(e.get("Queue"));
    const std::string interface(row ? e.get("Location") : e.get("Interface"));
    if (queue.empty() || interface.empty()) return;
    auto it = members_.find({queue, interface});
    if (it == members_.end()) {
        if (members_.size() >= env_.max_members) return;
        it = members_.try_emplace({queue, interface}).first;
    }
    const queue_membership before = it->second;
    auto& m = it->second;
    m.queue = queue;
    m.interface = interface;
    m.state_interface = e.get("StateInterface");
    m.name = row ? e.get("Name") : e.get("MemberName");
    m.station = env_.station_of ? env_.station_of(m.interface, m.state_interface) : std::nullopt;
    m.dynamic = e.get("Membership") != "static";
    m.paused = e.get("Paused") == "1";
    m.reason = m.paused ? std::string(e.get("PausedReason")) : std::string();
    // InCall is app_queue's "bridged to a queue caller" (member->starttime): the truth, also
    // in the events that precede AgentConnect or follow AgentComplete.
    if (e.has("InCall")) m.in_call = e.get("InCall") == "1";
    if (m.in_call) m.wrapup_until.reset();
    m.device_status = ami::to_int(e.get("Status")).value_or(0);
    m.calls_taken = ami::to_int(e.get("CallsTaken")).value_or(m.calls_taken);
    m.login_time = ami::to_int<std::int64_t>(e.get("LoginTime")).value_or(0);
    m.last_call = ami::to_int<std::int64_t>(e.get("LastCall")).value_or(0);
    m.own_wrapup = std::chrono::seconds(ami::to_int(e.get("Wrapuptime")).value_or(0));
    if (!row) report(before, &m);
}

void queue_roster::end_call(const ami::message& e, roster_clock::time_point now, bool completed) {
    const std::string queue(e.get("Queue"));
    if (completed) {
        if (auto q = queues_.find(queue); q != queues_.end()) ++q->second.completed;
    }
    auto it = members_.find({queue, std::string(e.get("Interface"))});
    if (it == members_.end()) return;
    const queue_membership before = it->second;
    auto& m = it->second;
    m.in_call = false;
    const auto wrapup = m.own_wrapup.count() > 0 ? m.own_wrapup : env_.wrapup;
    if (completed && wrapup.count() > 0) m.wrapup_until = now + wrapup;
    report(before, &m);
}

void queue_roster::on_event(const ami::message& e, roster_clock::time_point now) {
    const auto name = e.event();
    if (name == "QueueMemberAdded" || name == "QueueMemberStatus" || name == "QueueMemberPause" ||
        name == "QueueMemberPenalty" || name == "QueueMemberRinginuse") {
        update_member(e, false);
    } else if (name == "QueueMemberRemoved") {
        auto it = members_.find({std::string(e.get("Queue")), std::string(e.get("Interface"))});
        if (it == members_.end()) return;
        const queue_membership gone = std::move(it->second);
        members_.erase(it);
        report(gone, nullptr);
    } else if (name == "AgentConnect") {
        auto it = members_.find({std::string(e.get("Queue")), std::string(e.get("Interface"))});
        if (it == members_.end()) return;
        const queue_membership before = it->second;
        it->second.in_call = true;
        it->second.wrapup_until.reset();
        report(before, &it->second);
    } else if (name == "AgentComplete") {
        end_call(e, now, true);
    } else if (name == "AgentDump") {
        end_call(e, now, false);
    } else if (name == "QueueCallerJoin") {
        if (callers_.size() >= env_.max_callers) return;
        queues_.try_emplace(std::string(e.get("Queue")));  // new since the last resync
        const std::string_view linked = e.get("Linkedid");
        caller c{std::string(e.get("Queue")),
                 std::string(e.get("Channel")),
                 ami::to_int(e.get("Position")).value_or(0),
                 now,
                 std::string(linked.empty() ? e.get("Uniqueid") : linked),
                 std::string(e.get("CallerIDNum")),
                 false};
        if (c.call_id.empty()) return;  // nothing to name its connection by
        if (env_.on_caller) {
            env_.on_caller(
                {caller_change::kind::joined, c.queue, c.call_id, c.channel, c.number, c.position});
        }
        callers_[std::string(e.get("Uniqueid"))] = std::move(c);
    } else if (name == "QueueCallerLeave") {
        auto c = callers_.find(e.get("Uniqueid"));
        if (c == callers_.end()) return;
        // An agent took the call (or the queue let it go on in the dialplan), unless the caller
        // hung up first: app_queue sends QueueCallerAbandon before this Leave.
        if (env_.on_caller) {
            const auto& x = c->second;
            env_.on_caller(
                {x.abandoned ? caller_change::kind::abandoned : caller_change::kind::distributed,
                 x.queue, x.call_id, x.channel, x.number, x.position});
        }
        callers_.erase(c);
    } else if (name == "QueueCallerAbandon") {
        if (auto q = queues_.find(e.get("Queue")); q != queues_.end()) ++q->second.abandoned;
        if (auto c = callers_.find(e.get("Uniqueid")); c != callers_.end())
            c->second.abandoned = true;
    }
}

void queue_roster::expire(roster_clock::time_point now) {
    for (auto& [key, m] : members_) {
        if (!m.wrapup_until || *m.wrapup_until > now) continue;
        const queue_membership before = m;
        m.wrapup_until.reset();
        report(before, &m);
    }
}

std::vector<caller_change> queue_roster::waiting(std::string_view queue) const {
    std::vector<std::pair<roster_clock::time_point, caller_change>> found;
    for (const auto& [id, c] : callers_) {
        if (c.queue != queue || c.abandoned) continue;
        found.push_back(
            {c.since,
             {caller_change::kind::joined, c.queue, c.call_id, c.channel, c.number, c.position}});
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<caller_change> out;
    out.reserve(found.size());
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

std::optional<roster_clock::time_point> queue_roster::next_expiry() const {
    std::optional<roster_clock::time_point> next;
    for (const auto& [key, m] : members_) {
        if (m.wrapup_until && (!next || *m.wrapup_until < *next)) next = m.wrapup_until;
    }
    return next;
}

// ---- reads ----

std::vector<const queue_membership*> queue_roster::find(std::string_view station,
                                                        std::string_view queue) const {
    std::vector<const queue_membership*> out;
    for (const auto& [key, m] : members_) {
        if (m.station && *m.station == station && (queue.empty() || m.queue == queue)) {
            out.push_back(&m);
        }
    }
    return out;
}

agent_state queue_roster::state_of(std::string_view station) const {
    auto best = agent_state::logged_off;
    for (const auto* m : find(station, {})) {
        if (rank(m->state()) > rank(best)) best = m->state();
    }
    return best;
}

std::vector<queue_membership> queue_roster::memberships(std::string_view station) const {
    std::vector<queue_membership> out;
    for (const auto* m : find(station, {})) out.push_back(*m);
    return out;
}

std::vector<std::string> queue_roster::queues() const {
    std::set<std::string> names;
    for (const auto& [name, q] : queues_) names.insert(name);
    for (const auto& [key, m] : members_) names.insert(key.first);
    return {names.begin(), names.end()};
}

bool queue_roster::has_queue(std::string_view queue) const {
    if (queues_.find(queue) != queues_.end()) return true;
    return std::any_of(members_.begin(), members_.end(),
                       [&](const auto& m) { return m.first.first == queue; });
}

std::optional<queue_statistics> queue_roster::statistics(std::string_view queue,
                                                         roster_clock::time_point now) const {
    queue_statistics s;
    s.queue = queue;
    bool known = false;
    if (auto q = queues_.find(queue); q != queues_.end()) {
        known = true;
        s.strategy = q->second.strategy;
        s.completed = q->second.completed;
        s.abandoned = q->second.abandoned;
        s.hold_time = q->second.hold_time;
        s.talk_time = q->second.talk_time;
    }
    for (const auto& [key, m] : members_) {
        if (key.first != queue) continue;
        known = true;
        ++s.logged_in;
        if (m.state() == agent_state::ready && (m.device_status == 0 || m.device_status == 1)) {
            ++s.available;
        }
    }
    for (const auto& [id, c] : callers_) {
        if (c.queue != queue) continue;
        ++s.waiting;
        s.longest_wait = std::max(s.longest_wait,
                                  std::chrono::duration_cast<std::chrono::seconds>(now - c.since));
    }
    if (!known) return std::nullopt;
    return s;
}

// ---- planners ----

plan_outcome queue_roster::plan_log_on(std::string_view station, std::string_view queue, bool ready,
                                       std::string_view reason) const {
    if (!env_.is_station || !env_.is_station(station)) {
        return refuse(errv::invalid_device_id, "not a station of this switch");
    }
    if (queue.empty() || !printable(queue, 80)) {
        return refuse(errv::invalid_parameter_value,
                      "a queue name is 1 to 80 printable characters");
    }
    if (!printable(reason, 80)) {
        return refuse(errv::invalid_parameter_value, "a reason is up to 80 printable characters");
    }
    if (!find(station, queue).empty()) {
        return fail(error_category::state_incompatibility, errv::invalid_device_state,
                    "the agent is already logged on to this queue");
    }
    plan out;
    std::vector<ami::header> h{{"Queue", std::string(queue)},
                               {"Interface", expand_ext(env_.member_interface, station)},
                               {"MemberName", std::string(station)},
                               {"Paused", ready ? "false" : "true"}};
    if (!env_.state_interface.empty()) {
        h.push_back({"StateInterface", expand_ext(env_.state_interface, station)});
    }
    if (!ready && !reason.empty()) h.push_back({"Reason", std::string(reason)});
    out.actions.push_back({"QueueAdd", std::move(h)});
    return out;
}

plan_outcome queue_roster::plan_log_off(std::string_view station, std::string_view queue) const {
    const auto members = find(station, queue);
    if (members.empty()) {
        return fail(error_category::state_incompatibility, errv::invalid_device_state,
                    "the agent is not logged on to that queue");
    }
    plan out;
    for (const auto* m : members) {
        if (!m->dynamic) {
            return fail(error_category::state_incompatibility, errv::invalid_device_state,
                        "a static member (queues.conf) cannot log off through AMI");
        }
        out.actions.push_back({"QueueRemove", {{"Queue", m->queue}, {"Interface", m->interface}}});
    }
    return out;
}

plan_outcome queue_roster::plan_ready(std::string_view station, std::string_view queue, bool ready,
                                      std::string_view reason) const {
    if (!printable(reason, 80)) {
        return refuse(errv::invalid_parameter_value, "a reason is up to 80 printable characters");
    }
    const auto members = find(station, queue);
    if (members.empty()) {
        return fail(error_category::state_incompatibility, errv::invalid_device_state,
                    "the agent is not logged on to that queue");
    }
    plan out;
    for (const auto* m : members) {
        std::vector<ami::header> h{
            {"Interface", m->interface}, {"Queue", m->queue}, {"Paused", ready ? "false" : "true"}};
        if (!ready && !reason.empty()) h.push_back({"Reason", std::string(reason)});
        out.actions.push_back({"QueuePause", std::move(h)});
    }
    return out;
}

}  // namespace ctigw::gateway::asterisk
