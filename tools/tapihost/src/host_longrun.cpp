// What long runs (ctigw-soak) need from the host: views of its calls, counters, and forgetting
// what is settled so that memory stays flat over hours (host.hpp, host_options::log_limit).
#include "ctigw/tapihost/host.hpp"

namespace ctigw::tapihost {

std::vector<call_view> host::call_views() const {
    std::lock_guard lock(mutex_);
    std::vector<call_view> out;
    out.reserve(calls_.size());
    for (const auto& [key, c] : calls_) {
        call_view v;
        v.key = key;
        v.name = c.name;
        v.line = c.line < lines_.size() ? lines_[c.line].extension : std::string();
        v.state = c.state;
        v.closed = c.closed;
        v.pending_create = c.pending_create;
        out.push_back(std::move(v));
    }
    return out;
}

host_counters host::counters() const {
    std::lock_guard lock(mutex_);
    host_counters out;
    out.events = events_total_;
    out.pending_requests = checker_.pending();
    out.calls = calls_.size();
    out.violations = checker_.violations().size();
    return out;
}

void host::prune_locked() {
    // Requests: once completed and returned, nothing refers to them any more (a second
    // completion is then "never issued", still a violation).
    for (auto it = ops_.begin(); it != ops_.end();) {
        const auto& r = it->second;
        if (!r.completed || !r.returned || it->first == last_op_) {
            ++it;
            continue;
        }
        const auto id = it->first;
        checker_.forget_request(id);
        if (auto pk = park_requests_.find(id); pk != park_requests_.end()) {
            std::erase(park_buffers_, pk->second);
            park_requests_.erase(pk);
        }
        park_expected_.erase(id);
        parked_at_.erase(id);
        it = ops_.erase(it);
    }
    // Calls: closed ones (by lineCloseCall, or whose creating request failed). An event for one
    // later finds no htCall: the checker reports it as unknown.
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (!it->second.closed || it->second.closing || it->second.pending_create) {
            ++it;
            continue;
        }
        checker_.forget_call(it->first);
        it = calls_.erase(it);
    }
    // Names of forgotten calls.
    std::erase_if(names_, [&](const auto& entry) { return !calls_.contains(entry.second); });
}

}  // namespace ctigw::tapihost
