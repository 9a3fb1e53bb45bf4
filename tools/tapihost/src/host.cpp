// The TAPISRV stand-in (host.hpp): the event log, names and lookups, and the TSPI callbacks.
// Lifecycle: host_lifecycle.cpp; operations: host_ops.cpp, host_phone.cpp; queries:
// host_status.cpp.
#include "ctigw/tapihost/host.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "agents.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "host_internal.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {

using detail::from_handle;
using detail::to_handle;

double host::now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void host::print_locked(const std::string& text) {
    options_.print(text);
}

void host::note(const std::string& text) {
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::note;
    e.text = text;
    push_locked(std::move(e));
}

void host::violation(const std::string& text) {
    // Called by the checker, with the host lock held.
    print_locked(format_time(now()) + " VIOLATION " + text);
}

namespace {

/// Device detail a person following the call flow does not need: PHONE_STATE (lamps, display,
/// ringer ...) and the line's call counts (LINEDEVSTATE_NUMCALLS, LINEADDRESSSTATE_NUMCALLS and
/// INUSE*), which follow every call state change.
bool is_detail(const event& e) {
    if (e.kind == event_kind::phone) return e.msg == PHONE_STATE;
    if (e.kind != event_kind::line) return false;
    if (e.msg == LINE_LINEDEVSTATE) return e.p1 == LINEDEVSTATE_NUMCALLS;
    constexpr DWORD counts = LINEADDRESSSTATE_NUMCALLS | LINEADDRESSSTATE_INUSEZERO |
                             LINEADDRESSSTATE_INUSEONE | LINEADDRESSSTATE_INUSEMANY;
    return e.msg == LINE_ADDRESSSTATE && (e.p2 & ~static_cast<DWORD_PTR>(counts)) == 0;
}

}  // namespace

event& host::push_locked(event e) {
    e.seq = events_total_++;
    e.at = now();
    if (options_.phone_detail || !is_detail(e)) {
        print_locked(format_event(e));
    } else if (!phone_detail_hidden_) {
        phone_detail_hidden_ = true;
        print_locked(format_time(e.at) +
                     " (PHONE_STATE and call-count events are not printed: --phone-detail)");
    }
    // Long runs keep the newest events only (nothing matches against the log there).
    if (options_.log_limit != 0 && log_.size() >= 2 * options_.log_limit)
        log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(options_.log_limit));
    log_.push_back(std::move(e));
    changed_.notify_all();
    return log_.back();
}

std::vector<std::string> host::violations() const {
    std::lock_guard lock(mutex_);
    return checker_.violations();
}

void host::with_log(const std::function<void(const std::vector<event>&)>& fn) const {
    std::lock_guard lock(mutex_);
    fn(log_);
}

void host::wait_for_events(std::size_t known,
                           std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return events_total_ > known; });
}

// ---- names and lookups --------------------------------------------------------------------------

std::uint64_t host::new_call_locked(std::size_t line, const std::string& name, bool pending) {
    const auto key = next_call_++;
    call_rec c;
    c.key = key;
    c.line = line;
    c.name = name.empty() ? "call#" + std::to_string(key) : name;
    c.pending_create = pending;
    calls_[key] = c;
    if (!name.empty()) names_[name] = key;
    return key;
}

void host::bind_name(const std::string& name, std::uint64_t call) {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    const auto old = it->second.name;
    it->second.name = name;
    names_[name] = call;
    if (old != name) print_locked(format_time(now()) + " " + old + " is now " + name);
}

std::optional<std::uint64_t> host::call_by_name(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return call_key_locked(name);
}

std::optional<std::uint64_t> host::call_key_locked(const std::string& name) const {
    if (auto it = names_.find(name); it != names_.end()) return it->second;
    // call#N: the number of every call the host remembers, whatever its latest name.
    const std::string_view prefix = "call#";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        !std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    try {
        const auto key = std::stoull(name.substr(prefix.size()));
        if (calls_.contains(key)) return key;
    } catch (...) {  // out of range
    }
    return std::nullopt;
}

std::string host::call_name(std::uint64_t call) const {
    std::lock_guard lock(mutex_);
    return call_label_locked(call);
}

std::string host::call_label_locked(std::uint64_t key) const {
    auto it = calls_.find(key);
    return it == calls_.end() ? "call#" + std::to_string(key) : it->second.name;
}

std::optional<std::size_t> host::line_index_locked(const std::string& token) const {
    if (token.size() > 1 && token[0] == '#') {
        try {
            const auto id = static_cast<DWORD>(std::stoul(token.substr(1)));
            for (std::size_t i = 0; i < lines_.size(); ++i)
                if (lines_[i].device_id == id && !lines_[i].removed) return i;
        } catch (...) {
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < lines_.size(); ++i)
        if (!lines_[i].removed && lines_[i].extension == token) return i;
    for (std::size_t i = 0; i < lines_.size(); ++i)
        if (!lines_[i].removed && lines_[i].name == token) return i;
    return std::nullopt;
}

std::optional<std::size_t> host::phone_index_locked(const std::string& token) const {
    if (token.size() > 1 && token[0] == '#') {
        try {
            const auto id = static_cast<DWORD>(std::stoul(token.substr(1)));
            for (std::size_t i = 0; i < phones_.size(); ++i)
                if (phones_[i].device_id == id && !phones_[i].removed) return i;
        } catch (...) {
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < phones_.size(); ++i)
        if (!phones_[i].removed && (phones_[i].extension == token || phones_[i].name == token))
            return i;
    return std::nullopt;
}

std::optional<std::string> host::line_device(const std::string& token) const {
    std::lock_guard lock(mutex_);
    if (auto i = line_index_locked(token)) return lines_[*i].extension;
    return std::nullopt;
}

std::optional<std::string> host::phone_device(const std::string& token) const {
    std::lock_guard lock(mutex_);
    if (auto i = phone_index_locked(token)) return phones_[*i].extension;
    return std::nullopt;
}

std::optional<DRV_REQUESTID> host::last_op() {
    std::lock_guard lock(mutex_);
    if (last_op_ == 0) return std::nullopt;
    if (auto it = ops_.find(last_op_); it != ops_.end()) it->second.claimed = true;
    return last_op_;
}

std::optional<DRV_REQUESTID> host::claim_op(const std::string& verb_or_tspi) {
    std::lock_guard lock(mutex_);
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const auto want = lower(verb_or_tspi);
    for (auto& [id, op] : ops_) {
        if (op.claimed) continue;
        if (lower(op.verb) == want || lower(op.tspi) == want) {
            op.claimed = true;
            return id;
        }
    }
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> host::park_check(DRV_REQUESTID id) const {
    std::lock_guard lock(mutex_);
    auto e = park_expected_.find(id);
    if (e == park_expected_.end()) return std::nullopt;
    auto a = parked_at_.find(id);
    return std::make_pair(e->second, a == parked_at_.end() ? std::string() : a->second);
}

std::string host::op_name(DRV_REQUESTID id) const {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(id);
    return it == ops_.end() ? "?" : it->second.tspi;
}

// ---- TSPI callbacks -----------------------------------------------------------------------------

void host::on_line_event(HTAPILINE ht_line, HTAPICALL ht_call, DWORD msg, DWORD_PTR p1,
                         DWORD_PTR p2, DWORD_PTR p3) {
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::line;
    e.msg = msg;
    e.p1 = p1;
    e.p2 = p2;
    e.p3 = p3;
    const auto li = from_handle(ht_line);
    if (msg == LINE_CREATE) {
        push_locked(e);
        tasks_.push_back({task::kind::create_line, p2});
        changed_.notify_all();
        return;
    }
    if (msg == LINE_REMOVE) {
        std::optional<std::size_t> idx;
        for (std::size_t i = 0; i < lines_.size(); ++i)
            if (lines_[i].device_id == static_cast<DWORD>(p1) && !lines_[i].removed) idx = i;
        e.device = idx ? lines_[*idx].extension : "#" + std::to_string(p1);
        push_locked(e);
        if (idx)
            tasks_.push_back({task::kind::remove_line, *idx});
        else
            checker_.unknown_call(e.device, 0, msg);
        return;
    }
    if (li == 0 || li > lines_.size()) {
        e.device = "?";
        push_locked(e);
        checker_.unknown_call("htLine " + std::to_string(li), from_handle(ht_call), msg);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(li - 1);
    e.device = lines_[index].extension;
    if (msg == LINE_NEWCALL) {
        const auto key = new_call_locked(index, "", false);
        calls_[key].hd = to_handle<HDRVCALL>(p1);
        if (p2 != 0) *reinterpret_cast<HTAPICALL*>(p2) = to_handle<HTAPICALL>(key);
        e.call = key;
        e.call_name = calls_[key].name;
        checker_.line_event(e.device, key, msg, p1);
        push_locked(e);
        return;
    }
    if (ht_call != nullptr) {
        const auto key = from_handle(ht_call);
        auto it = calls_.find(key);
        if (it == calls_.end()) {
            push_locked(e);
            checker_.unknown_call(e.device, key, msg);
            return;
        }
        auto& c = it->second;
        e.call = key;
        e.call_name = c.name;
        checker_.line_event(e.device, key, msg, p1);
        if (msg == LINE_CALLSTATE) {
            c.state = static_cast<DWORD>(p1);
            c.mode = static_cast<DWORD>(p2);
            if (p1 == LINECALLSTATE_IDLE)
                c.idle_since = std::chrono::steady_clock::now();
            else
                c.idle_since.reset();
            if (p1 == LINECALLSTATE_CONFERENCED && p2 != 0) {
                e.parent = static_cast<std::uint64_t>(p2);
                e.parent_name = call_label_locked(e.parent);
            }
        }
        push_locked(e);
        return;
    }
    checker_.line_event(e.device, 0, msg, p1);
    push_locked(e);
    if (msg == LINE_CLOSE) tasks_.push_back({task::kind::close_line, index});
    if (agents_ && msg == LINE_DEVSPECIFIC) agents_->devspecific(index, p1, p2, p3);
    if (agents_ && msg == LINE_CLOSE) agents_->line_closed(index);
}

void host::on_phone_event(HTAPIPHONE ht_phone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                          DWORD_PTR p3) {
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::phone;
    e.msg = msg;
    e.p1 = p1;
    e.p2 = p2;
    e.p3 = p3;
    if (msg == PHONE_CREATE) {
        push_locked(e);
        tasks_.push_back({task::kind::create_phone, p2});
        changed_.notify_all();
        return;
    }
    if (msg == PHONE_REMOVE) {
        std::optional<std::size_t> idx;
        for (std::size_t i = 0; i < phones_.size(); ++i)
            if (phones_[i].device_id == static_cast<DWORD>(p1) && !phones_[i].removed) idx = i;
        e.device = idx ? phones_[*idx].extension : "#" + std::to_string(p1);
        push_locked(e);
        if (idx) tasks_.push_back({task::kind::remove_phone, *idx});
        return;
    }
    const auto pi = from_handle(ht_phone);
    if (pi == 0 || pi > phones_.size()) {
        e.device = "?";
        push_locked(e);
        checker_.phone_event("htPhone " + std::to_string(pi), msg);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(pi - 1);
    e.device = phones_[index].extension;
    checker_.phone_event(e.device, msg);
    push_locked(e);
    if (msg == PHONE_CLOSE) tasks_.push_back({task::kind::close_phone, index});
}

void host::on_completion(DRV_REQUESTID id, LONG result) {
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::completion;
    e.request = id;
    e.result = result;
    auto it = ops_.find(id);
    e.op = it == ops_.end() ? "?" : it->second.tspi;
    checker_.completion(id, result);
    if (it != ops_.end() && !it->second.completed) {
        it->second.completed = true;
        for (auto key : it->second.new_calls) {
            auto c = calls_.find(key);
            if (c == calls_.end()) continue;
            c->second.pending_create = false;
            if (result != 0) c->second.closed = true;  // the handle never became valid
        }
    }
    push_locked(e);
    if (options_.on_completion) options_.on_completion(id, result);
    if (agents_) agents_->completion(id, result);
    if (auto pk = park_requests_.find(id); pk != park_requests_.end() && result == 0) {
        const auto* vs = reinterpret_cast<const VARSTRING*>(pk->second->data());
        event n;
        n.kind = event_kind::note;
        parked_at_[id] = var_string(*pk->second, vs->dwStringSize, vs->dwStringOffset);
        n.text = "parked at \"" + parked_at_[id] + "\"";
        push_locked(std::move(n));
    }
}

}  // namespace ctigw::tapihost
