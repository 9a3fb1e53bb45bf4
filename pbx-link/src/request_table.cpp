#include "request_table.hpp"

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

pending_request request_table::remove(std::unordered_map<std::string, pending_request>::iterator it) {
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
    }
    return out;
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
    return out;
}

std::optional<time_point> request_table::next_deadline() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
}

bool request_table::enqueue(waiting_request w) {
    if (waiting_.size() >= max_waiting_) return false;
    waiting_.push_back(std::move(w));
    return true;
}

std::optional<waiting_request> request_table::pop_waiting() {
    if (waiting_.empty() || !has_slot()) return std::nullopt;
    auto w = std::move(waiting_.front());
    waiting_.pop_front();
    return w;
}

}  // namespace ctigw::pbx_link::detail
