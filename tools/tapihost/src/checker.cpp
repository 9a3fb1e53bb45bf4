// TAPI rule checks (checker.hpp).
#include "ctigw/tapihost/checker.hpp"

#include "ctigw/tapihost/names.hpp"

namespace ctigw::tapihost {

rule_checker::rule_checker(std::function<void(const std::string&)> on_violation)
    : on_violation_(std::move(on_violation)) {}

void rule_checker::violate(std::string text) {
    if (on_violation_) on_violation_(text);
    violations_.push_back(std::move(text));
}

std::string rule_checker::name(DRV_REQUESTID id) const {
    auto it = requests_.find(id);
    return "req " + std::to_string(id) + (it == requests_.end() ? "" : " " + it->second.op);
}

void rule_checker::request_issued(DRV_REQUESTID id, const std::string& op,
                                  const std::vector<std::uint64_t>& new_calls) {
    auto& r = requests_[id];
    r.op = op;
    r.new_calls = new_calls;
    for (auto c : new_calls) {
        auto& cs = calls_[c];
        cs.created_by_request = true;
        cs.creator = id;
    }
}

void rule_checker::request_returned(DRV_REQUESTID id, LONG rc) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    auto& r = it->second;
    r.returned = true;
    if (rc == static_cast<LONG>(id)) return;
    if (rc >= 0) {
        violate(name(id) + " returned " + std::to_string(rc) +
                ": an async TSPI function must return its dwRequestID or a negative LINEERR_");
        r.sync_failed = true;
    } else {
        r.sync_failed = true;
        if (r.completions > 0)
            violate(name(id) + " failed synchronously (" + result_name(rc) +
                    ") but was also completed through ASYNC_COMPLETION");
    }
    if (r.sync_failed) {
        for (auto c : r.new_calls) calls_[c].valid = false;
    }
}

void rule_checker::proxy_request(DRV_REQUESTID id, const std::string& tapi) {
    request_issued(id, "LINE_PROXYREQUEST " + tapi);
    requests_[id].proxy = true;
    request_returned(id, static_cast<LONG>(id));
}

void rule_checker::proxy_answered(DRV_REQUESTID id, LONG result) {
    auto it = requests_.find(id);
    if (it == requests_.end() || !it->second.proxy) {
        violate("lineProxyResponse for req " + std::to_string(id) +
                ", which is no LINE_PROXYREQUEST");
        return;
    }
    if (++it->second.completions > 1)
        violate(name(id) + " answered again (" + result_name(result) +
                "): lineProxyResponse must be called exactly once per request");
}

void rule_checker::completion(DRV_REQUESTID id, LONG result) {
    auto it = requests_.find(id);
    if (it == requests_.end()) {
        violate("ASYNC_COMPLETION for req " + std::to_string(id) + ", which was never issued");
        return;
    }
    auto& r = it->second;
    ++r.completions;
    if (r.completions == 2)
        violate(name(id) + " completed a second time (" + result_name(result) + ")");
    else if (r.completions > 2)
        violate(name(id) + " completed " + std::to_string(r.completions) + " times");
    if (r.sync_failed && r.completions == 1)
        violate(name(id) + " was completed (" + result_name(result) +
                ") although it failed synchronously");
    if (r.completions == 1 && result != 0) {
        for (auto c : r.new_calls) calls_[c].valid = false;
    }
}

void rule_checker::line_event(const std::string& device, std::uint64_t call, DWORD msg,
                              DWORD_PTR p1) {
    const std::string where = "line " + device;
    if (!open_lines_.contains(device) && msg != LINE_CREATE && msg != LINE_REMOVE) {
        violate(where + ": " + message_name(msg) + " for a line that is not open");
    }
    if (call == 0) return;
    auto& cs = calls_[call];
    const std::string what = where + " call#" + std::to_string(call) + ": " + message_name(msg);
    if (cs.closed) {
        violate(what + " after TSPI_lineCloseCall");
        return;
    }
    if (cs.created_by_request) {
        auto r = requests_.find(cs.creator);
        if (!cs.valid) {
            violate(what + " for a call whose creating request failed");
            return;
        }
        if (r != requests_.end() && r->second.completions == 0) {
            violate(what + " before " + name(cs.creator) +
                    " completed (the new handle is not valid yet)");
        }
    }
    if (msg == LINE_NEWCALL) {
        cs.awaiting_state = true;
        return;
    }
    if (cs.awaiting_state) {
        cs.awaiting_state = false;
        if (msg != LINE_CALLSTATE)
            violate(what + " right after LINE_NEWCALL (the next message must be LINE_CALLSTATE)");
    }
    if (msg == LINE_CALLINFO && cs.idle) violate(what + " after IDLE");
    if (msg == LINE_CALLSTATE) cs.idle = (p1 == LINECALLSTATE_IDLE);
}

void rule_checker::unknown_call(const std::string& device, std::uintptr_t ht_call, DWORD msg) {
    violate("line " + device + ": " + message_name(msg) + " for unknown htCall " +
            std::to_string(ht_call));
}

void rule_checker::phone_event(const std::string& device, DWORD msg) {
    if (!open_phones_.contains(device) && msg != PHONE_CREATE && msg != PHONE_REMOVE)
        violate("phone " + device + ": " + message_name(msg) + " for a phone that is not open");
}

void rule_checker::line_opened(const std::string& device) {
    open_lines_.insert(device);
}
void rule_checker::line_closed(const std::string& device) {
    open_lines_.erase(device);
}
void rule_checker::phone_opened(const std::string& device) {
    open_phones_.insert(device);
}
void rule_checker::phone_closed(const std::string& device) {
    open_phones_.erase(device);
}
void rule_checker::call_closed(std::uint64_t call) {
    calls_[call].closed = true;
}

void rule_checker::forget_request(DRV_REQUESTID id) {
    auto it = requests_.find(id);
    if (it == requests_.end() || !it->second.returned) return;
    if (it->second.completions > 0 || it->second.sync_failed) requests_.erase(it);
}

void rule_checker::forget_call(std::uint64_t call) {
    calls_.erase(call);
}

std::size_t rule_checker::pending() const {
    std::size_t n = 0;
    for (const auto& [id, r] : requests_) {
        if (!r.sync_failed && r.completions == 0) ++n;
    }
    return n;
}

void rule_checker::finish() {
    if (finished_) return;
    finished_ = true;
    for (const auto& [id, r] : requests_) {
        if (r.proxy && r.completions == 0)
            violate(name(id) + " never answered (the proxy must call lineProxyResponse once)");
        else if (!r.sync_failed && r.completions == 0)
            violate(name(id) + " never completed (every async request must complete once)");
    }
}

}  // namespace ctigw::tapihost
