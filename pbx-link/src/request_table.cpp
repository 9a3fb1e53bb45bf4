#include "request_table.hpp"

#include <algorithm>

namespace ctigw::pbx_link::detail {

request_table::request_table(std::size_t max_in_flight, std::size_t max_waiting)
    : max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight), max_waiting_(max_waiting) {}

std::string request_table::add(std::size_t service_index, completion done, milliseconds timeout,
                               time_point now, bool internal) {
    auto id = std::to_string(next_id_++);
    pending_request p{id, service_index, now, now + timeout, internal, std::move(done)};
    deadlines_.emplace(p.deadline, id);
    by_id_.emplace(id, std::move(p));
    if (!internal) ++user_in_flight_;
    return id;
}

pending_request request_table::remove(
    std::unordered_map<std::string, pending_request>::iterator it) {
    pending_request p = std::move(it->second);
    by_id_.erase(it);
    deadlines_.erase({p.deadline, p.id});
    if (!p.internal) --user_in_flight_;
    return p;
}

std::optional<pending_request> request_table::take(const std::string& id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return remove(it);
}

std::vector<pending_request> request_table::take_expired(time_point now) {
    std::vector<pending_request> out;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        auto it = by_id_.find(deadlines_.begin()->second);
        if (it == by_id_.end()) {  // cannot happen: both containers change together
            deadlines_.erase(deadlines_.begin());
            continue;
        }
        out.push_back(remove(it));
        if (!out.back().internal) {
            if (timed_out_.size() == max_timed_out) timed_out_.pop_front();
            timed_out_.push_back(out.back().id);
        }
    }
    return out;
}

bool request_table::take_timed_out(const std::string& id) {
    auto it = std::find(timed_out_.begin(), timed_out_.end(), id);
    if (it == timed_out_.end()) return false;
    timed_out_.erase(it);
    return true;
}

std::vector<pending_request> request_table::take_all_pending() {
    std::vector<pending_request> out;
    // In deadline order, which is also (nearly) sending order.
    while (!deadlines_.empty()) {
        auto it = by_id_.find(deadlines_.begin()->second);
        if (it == by_id_.end()) {
            deadlines_.erase(deadlines_.begin());
            continue;
        }
        out.push_back(remove(it));
    }
    return out;
}

std::vector<waiting_request> request_table::take_all_waiting() {
    std::vector<waiting_request> out(std::make_move_iterator(waiting_.begin()),
                                     std::make_move_iterator(waiting_.end()));
    waiting_.clear();
    hold_deadlines_.clear();
    return out;
}

std::optional<time_point> request_table::next_deadline() const {
    std::optional<time_point> next;
    if (!deadlines_.empty()) next = deadlines_.begin()->first;
    if (!hold_deadlines_.empty() && (!next || *hold_deadlines_.begin() < *next)) {
        next = *hold_deadlines_.begin();
    }
    return next;
}

bool request_table::enqueue(waiting_request w) {
    if (waiting_.size() >= max_waiting_) return false;
    if (w.hold_deadline) hold_deadlines_.insert(*w.hold_deadline);
    waiting_.push_back(std::move(w));
    return true;
}

void request_table::unhold(waiting_request& w) {
    if (!w.hold_deadline) return;
    hold_deadlines_.erase(hold_deadlines_.find(*w.hold_deadline));
    w.hold_deadline.reset();
}

std::optional<waiting_request> request_table::pop_waiting() {
    if (waiting_.empty() || !has_slot()) return std::nullopt;
    auto w = std::move(waiting_.front());
    waiting_.pop_front();
    unhold(w);
    return w;
}

void request_table::hold_waiting(time_point now) {
    for (auto& w : waiting_) {
        if (w.hold_deadline) continue;
        w.hold_deadline = now + w.timeout;
        hold_deadlines_.insert(*w.hold_deadline);
    }
}

std::vector<waiting_request> request_table::take_expired_waiting(time_point now) {
    std::vector<waiting_request> out;
    if (hold_deadlines_.empty() || *hold_deadlines_.begin() > now) return out;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->hold_deadline && *it->hold_deadline <= now) {
            unhold(*it);
            out.push_back(std::move(*it));
            it = waiting_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

}  // namespace ctigw::pbx_link::detail
