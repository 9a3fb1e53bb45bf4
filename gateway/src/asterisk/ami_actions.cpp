// AMI action correlation (ami_actions.hpp).
#include "ami_actions.hpp"

#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::gateway::ami {

std::string_view to_string(action_error e) noexcept {
    switch (e) {
        case action_error::none:
            return "none";
        case action_error::refused:
            return "refused";
        case action_error::timeout:
            return "timeout";
        case action_error::link_lost:
            return "link_lost";
        case action_error::stopped:
            return "stopped";
        case action_error::queue_full:
            return "queue_full";
        case action_error::not_up:
            return "not_up";
        case action_error::invalid:
            return "invalid";
    }
    return "unknown";
}

void action_table::add(std::string action, completion done, clock::duration timeout,
                       clock::time_point now, bool internal) {
    entry e;
    e.id = "ctigw-" + std::to_string(++next_);
    e.action = std::move(action);
    e.done = std::move(done);
    e.timeout = timeout;
    e.deadline = now + timeout;
    deadlines_.emplace(e.deadline, e.id);
    if (internal) {
        internal_.insert(e.id);
    } else {
        ++user_count_;
    }
    auto id = e.id;
    by_id_.emplace(std::move(id), std::move(e));
}

action_table::entry action_table::remove(std::map<std::string, entry>::iterator it) {
    entry e = std::move(it->second);
    by_id_.erase(it);
    deadlines_.erase({e.deadline, e.id});
    if (internal_.erase(e.id) == 0) --user_count_;
    return e;
}

bool action_table::route(const message& m, clock::time_point now, std::optional<entry>& finished) {
    finished.reset();
    const auto id = m.action_id();
    if (id.empty()) return false;
    auto it = by_id_.find(std::string(id));
    if (it == by_id_.end()) return false;
    entry& e = it->second;
    // OriginateResponse carries both Event and Response: an event is whatever has Event.
    if (!m.is_event()) {
        if (!m.is_response() || e.listing) return false;  // a second response: not ours
        e.result.response = m;
        if (same_name(m.response(), "Error")) {
            e.result.error = action_error::refused;
            const auto why = m.get("Message");
            e.result.reason = "Asterisk refused " + e.action + ": " +
                              (why.empty() ? std::string("(no message)") : protocol::log_safe(why));
        } else if (same_name(m.get("EventList"), "start")) {
            e.listing = true;
            restart(e, now);
            return true;
        }
        finished = remove(it);
        return true;
    }
    if (!e.listing) return false;
    e.result.events.push_back(m);
    const auto list = m.get("EventList");
    if (!list.empty() && !same_name(list, "start")) {  // Complete (or Cancelled): the end
        finished = remove(it);
        return true;
    }
    restart(e, now);
    return true;
}

void action_table::restart(entry& e, clock::time_point now) {
    // A list makes progress with each event: its deadline restarts with each.
    deadlines_.erase({e.deadline, e.id});
    e.deadline = now + e.timeout;
    deadlines_.emplace(e.deadline, e.id);
}

std::vector<action_table::entry> action_table::take_expired(clock::time_point now) {
    std::vector<entry> out;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        auto it = by_id_.find(deadlines_.begin()->second);
        out.push_back(remove(it));
    }
    return out;
}

std::vector<action_table::entry> action_table::take_all() {
    std::vector<entry> out;
    while (!deadlines_.empty()) out.push_back(remove(by_id_.find(deadlines_.begin()->second)));
    return out;
}

std::optional<clock::time_point> action_table::next_deadline() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
}

}  // namespace ctigw::gateway::ami
