// The provider's model and its lock, handle tables, the road to TAPI (dispatcher), request plumbing
// and the link callbacks. The lifecycle (enumerate, init, shutdown) is in lifecycle.cpp, call
// control in calls/, devices in devices/.
#include "state.hpp"

#include "agents/agents.hpp"
#include "calls/calls.hpp"
#include "tspi/export.hpp"
#include "ctigw/protocol/log_safe.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <ratio>
#include <utility>

#include "modules.hpp"

namespace ctigw::tsp {

namespace {

std::mutex current_mutex;
provider* current = nullptr;

bool is_device_event(const protocol::event_body& b) {
    return std::holds_alternative<protocol::evt::forwarding>(b) ||
           std::holds_alternative<protocol::evt::do_not_disturb>(b) ||
           std::holds_alternative<protocol::evt::message_waiting>(b) ||
           std::holds_alternative<protocol::evt::back_in_service>(b) ||
           std::holds_alternative<protocol::evt::out_of_service>(b) ||
           std::holds_alternative<protocol::evt::monitor_ended>(b) ||
           std::holds_alternative<protocol::evt::display_updated>(b) ||
           std::holds_alternative<protocol::evt::hookswitch_changed>(b) ||
           std::holds_alternative<protocol::evt::lamp_mode_changed>(b) ||
           std::holds_alternative<protocol::evt::button_pressed>(b) ||
           std::holds_alternative<protocol::evt::ringer_status_changed>(b) ||
           std::holds_alternative<protocol::evt::unknown_event>(b);
}

}  // namespace

std::chrono::system_clock::time_point coarse_wall_clock() noexcept {
    using std::chrono::system_clock;
#if defined(_WIN32)
    FILETIME ft{};
    GetSystemTimeAsFileTime(&ft);  // 100 ns units since 1601-01-01
    const auto ticks = (std::uint64_t{ft.dwHighDateTime} << 32) | ft.dwLowDateTime;
    constexpr std::uint64_t unix_epoch = 116444736000000000ULL;
    using filetime_units = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>;
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
        filetime_units(static_cast<std::int64_t>(ticks - unix_epoch))));
#else
    timespec ts{};
    if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) != 0) return system_clock::now();
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
        std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
#endif
}

// ---- provider_state -----------------------------------------------------------------------------

locked_provider::locked_provider(provider_environment env) : env_(std::move(env)) {}

locked_provider::~locked_provider() {
    if (link_) link_->stop();
    tapi_.stop();
}

// owner_ is relaxed: a thread only compares it with its own id, and it always reads its own last
// store or a later one (coherence), so it can never read its own id from an earlier hold. The
// ordering of the model itself is the mutex's. (Sequentially consistent stores were two locked
// exchanges per switch event.)
provider_lock::provider_lock(locked_provider& model) : model_(&model) {
    if (model.owner_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
        throw std::logic_error("provider lock taken twice on one thread");
    }
    lock_ = std::unique_lock(model.mutex_);
    model.owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

provider_lock::~provider_lock() {
    model_->owner_.store(std::thread::id{}, std::memory_order_relaxed);
}

provider_state::provider_state(provider_environment env) : locked_provider(std::move(env)) {}

provider_state::~provider_state() = default;

bool locked_provider::logs(int lvl) const {
    if (!env_.log) return false;
    if (!env_.log_enabled) return true;
    try {
        return env_.log_enabled(lvl);
    } catch (...) {  // logging must never break the provider
        return false;
    }
}

void locked_provider::log(int lvl, const std::string& text) const {
    if (!env_.log) return;
    try {
        env_.log(lvl, text);
    } catch (...) {  // logging must never break the provider
    }
}

ui::provider_status provider_state::status_snapshot() {
    ui::provider_status s;
    // The latency figures need no provider lock (and sorting them should not hold it).
    if (auto f = tapi_.latency_samples(); !f.samples_us.empty()) {
        auto& v = f.samples_us;
        std::sort(v.begin(), v.end());
        const auto at = [&](double p) {
            return v[std::min(v.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(v.size())))];
        };
        s.latency_callbacks = v.size();
        s.latency_p50_us = at(0.5);
        s.latency_p99_us = at(0.99);
        s.latency_max_us = v.back();
    }
    const auto held = lock();
    s.permanent_provider_id = permanent_provider_id_;
    s.initialized = initialized_;
    if (link_) {
        // figures() is a snapshot under the link's own leaf lock (as in lineGetDevCaps).
        const auto f = link_->figures();
        s.link_state = std::string(pbx_link::to_string(f.state));
        s.endpoint = f.endpoint;
    }
    if (s.endpoint.empty() && settings_ && !settings_->link.endpoints.empty()) {
        s.endpoint = settings_->link.endpoints.front().url;
    }
    for (const auto& l : lines_) {
        if (l->removed()) continue;
        ++s.lines;
        if (l->in_service()) ++s.lines_in_service;
    }
    for (const auto& p : phones_) {
        if (p->removed()) continue;
        ++s.phones;
        if (p->in_service()) ++s.phones_in_service;
    }
    return s;
}

line_ptr locked_provider::line_from_handle(HDRVLINE hd) const {
    auto it = line_by_handle_.find(reinterpret_cast<std::uintptr_t>(hd));
    return it == line_by_handle_.end() ? nullptr : it->second;
}

phone_ptr locked_provider::phone_from_handle(HDRVPHONE hd) const {
    auto it = phone_by_handle_.find(reinterpret_cast<std::uintptr_t>(hd));
    return it == phone_by_handle_.end() ? nullptr : it->second;
}

call_ptr locked_provider::call_from_handle(HDRVCALL hd) const {
    auto it = call_by_handle_.find(reinterpret_cast<std::uintptr_t>(hd));
    return it == call_by_handle_.end() || it->second->closed() ? nullptr : it->second;
}

void locked_provider::add_line(const line_ptr& l) {
    l->slot = static_cast<std::uint32_t>(lines_.size());
    l->serial = new_handle();
    lines_.push_back(l);
}

const line_ptr& locked_provider::owner_of(const call& c) const {
    static const line_ptr none;
    const auto ref = c.owner_ref();
    if (ref.serial != 0 && ref.slot < lines_.size() && lines_[ref.slot]->serial == ref.serial) {
        return lines_[ref.slot];
    }
    return none;
}

call::call(std::uint64_t handle, const line& owner)
    : handle_(handle), owner_{owner.serial, owner.slot} {}

DWORD locked_provider::hold_call_id(call& c, const std::string& switch_call_id) {
    if (!c.call_id_of.empty() && c.call_id_of == switch_call_id)
        return call_ids_.at(switch_call_id).id;
    release_call_id(c);
    if (switch_call_id.empty()) return 0;  // 0: "no call id" in LINECALLINFO
    auto [it, inserted] = call_ids_.try_emplace(switch_call_id, held_call_id{next_call_id_, 0});
    if (inserted) {
        ++next_call_id_;
        if (next_call_id_ == 0) next_call_id_ = 1;  // 0 means "no call id" in LINECALLINFO
    }
    ++it->second.holders;
    c.call_id_of = switch_call_id;
    return it->second.id;
}

void locked_provider::release_call_id(call& c) {
    if (c.call_id_of.empty()) return;
    auto it = call_ids_.find(c.call_id_of);
    if (it != call_ids_.end() && --it->second.holders == 0) call_ids_.erase(it);
    c.call_id_of.clear();
}

void locked_provider::line_event(const line_ptr& l, const call_ptr& c, DWORD msg, DWORD_PTR p1,
                                 DWORD_PTR p2, DWORD_PTR p3) {
    if (!l->is_open() || !l->event_proc) return;
    if (c && (!c->told())) return;
    // What TAPI knows of the line is captured now; the call's htCall is read at dispatch time
    // (it may be written by a LINE_NEWCALL queued just before). `c = c`, not `c`: a plain
    // capture of a const& is a const member, which every move of the callback copies (two
    // atomic reference counts per shared_ptr, per move: 1.50 -> 1.44 us per LINEEVENT, A/B).
    // The line itself is not captured (open_guard).
    auto fn = [proc = l->event_proc, ht = l->ht, c = c, msg, p1, p2, p3, open = l->guard()] {
        if (open.closed_since()) return;  // closed since: TAPI must not hear of it
        HTAPICALL htc = nullptr;
        if (c) {
            htc = c->ht.load();
            if (htc == nullptr) return;  // TAPI refused the call (LINE_NEWCALL gave NULL)
        }
        proc(ht, htc, msg, p1, p2, p3);
    };
    static_assert(dispatcher::work::fits<decltype(fn)>, "a LINEEVENT is queued without allocating");
    tapi_.push(std::move(fn));
}

void locked_provider::phone_event(const phone_ptr& p, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                  DWORD_PTR p3) {
    if (!p->is_open() || !p->event_proc) return;
    auto fn = [proc = p->event_proc, ht = p->ht, msg, p1, p2, p3, open = p->guard()] {
        if (open.closed_since()) return;
        proc(ht, msg, p1, p2, p3);
    };
    static_assert(dispatcher::work::fits<decltype(fn)>,
                  "a PHONEEVENT is queued without allocating");
    tapi_.push(std::move(fn));
}

bool locked_provider::announce_call(const line_ptr& l, const call_ptr& c) {
    if (!l->is_open() || !l->event_proc) return false;
    tapi_.push([proc = l->event_proc, ht = l->ht, c = c, open = l->guard()] {  // as line_event
        if (open.closed_since()) return;
        HTAPICALL htc = nullptr;
        proc(ht, nullptr, LINE_NEWCALL, reinterpret_cast<DWORD_PTR>(c->hd()),
             reinterpret_cast<DWORD_PTR>(&htc), 0);
        c->ht.store(htc);
    });
    return true;
}

request_ptr locked_provider::new_request(DRV_REQUESTID id, std::string what, const line_ptr& l,
                                         const call_ptr& c) {
    auto r = std::make_shared<async_request>();
    r->id = id;
    r->what = std::move(what);
    r->owner_line = l;
    r->subject = c;
    requests_.emplace(id, r);
    return r;
}

void forget_failed_request(provider& prov, DRV_REQUESTID id) noexcept {
    try {
        const auto held = prov.state().lock();
        auto& s = *held;
        auto it = s.requests_.find(id);
        if (it == s.requests_.end()) return;
        const request_ptr r = it->second;
        r->completed.store(true);  // a late link completion finds it answered
        s.requests_.erase(it);
        // A call the request created is unknown to TAPI (it was told the request failed).
        auto c = r->subject.lock();
        auto l = r->owner_line.lock();
        if (c && l && c->requested()) calls::forget(s, l, c);
        s.log(level::warn, "request " + std::to_string(id) + " failed synchronously; forgotten");
    } catch (...) {  // nothing may cross the export
    }
}

void locked_provider::complete(const request_ptr& r, LONG result) {
    if (!r || r->completed.exchange(true)) return;
    requests_.erase(r->id);
    log(result == 0 ? level::debug : level::info,
        r->what + " request " + std::to_string(r->id) +
            " completed: " + (result == 0 ? std::string("ok") : "error " + std::to_string(result)));
    if (!completion_proc_) return;
    tapi_.push([proc = completion_proc_, id = r->id, result] { proc(id, result); });
}

void locked_provider::send(protocol::service_params params,
                           std::function<void(pbx_link::request_outcome&)> done) {
    // The one completion wrapper: the link completes on its delivery thread only, so the lock is
    // always taken here; a link that is not running refuses and the refusal is answered now, on
    // this thread, which already holds the lock.
    auto run = [this](const std::function<void(pbx_link::request_outcome&)>& d,
                      pbx_link::request_outcome& o) {
        try {
            d(o);
        } catch (const std::exception& e) {
            log(level::error, std::string("request completion failed: ") + e.what());
        } catch (...) {
            log(level::error, "request completion failed: unknown exception");
        }
    };
    auto shared =
        std::make_shared<std::function<void(pbx_link::request_outcome&)>>(std::move(done));
    const bool accepted = link_ && link_->request(std::move(params),
                                                  [this, run, shared](pbx_link::request_outcome o) {
                                                      const provider_lock held(*this);
                                                      run(*shared, o);
                                                  });
    if (accepted) return;
    pbx_link::request_outcome o;
    o.failure =
        link_ ? pbx_link::request_failure::stopped : pbx_link::request_failure::not_connected;
    run(*shared, o);
}

// ---- link callbacks (delivery thread) -----------------------------------------------------------

void provider_state::on_state(pbx_link::link_state from, pbx_link::link_state to,
                              const std::string& why) {
    log(level::info, "link " + std::string(pbx_link::to_string(from)) + " -> " +
                         std::string(pbx_link::to_string(to)) +
                         (why.empty() ? "" : " (" + why + ")"));
}

void provider_state::on_link_down(const pbx_link::link_down& why) {
    const auto held = lock();
    link_live_ = false;  // requests are held by the link until it is live again
    truths_pending_.clear();
    if (why.connection_kept) {
        // Events were lost but the switch works: devices stay in service (no flap every
        // application sees); the truths correct the calls, the status reads the rest.
        reread_status_at_live_ = true;
        log(level::warn, "switch link resyncing (" + why.reason + "): devices stay in service");
        agents::on_link_down(*this);
        return;
    }
    log(level::warn, "switch link down: " + why.reason +
                         (why.switch_restarted ? " (switch restarted: every call is gone)" : ""));
    devices_set_all_out_of_service(*this);
    agents::on_link_down(*this);
}

void provider_state::on_device_truth(const pbx_link::device_truth& truth) {
    const auto held = lock();
    try {
        if (auto it = line_by_extension_.find(truth.device); it != line_by_extension_.end()) {
            // Before the calls: their features are computed with the device's capabilities.
            if (!truth.error) {
                devices_set_capabilities(*this, it->second, truth.capabilities);
            }
            calls_apply_truth(*this, it->second, truth);
        }
        if (truth.error) {
            log(level::warn, "device " + truth.device +
                                 " unavailable: " + protocol::log_safe(truth.error->value, 64));
        }
        if (link_live_) {
            // A device added while live (pbx_link::link::set_devices after a reload): the link
            // takes requests already, so it goes in service at once.
            devices_set_in_service(*this, truth.device, !truth.error.has_value());
        } else {
            truths_pending_.emplace_back(truth.device, !truth.error.has_value());
        }
    } catch (const std::exception& e) {
        log(level::error, "resync of " + truth.device + " failed: " + e.what());
    }
}

void provider_state::on_live() {
    const auto held = lock();
    link_live_ = true;
    log(level::info, "switch link live (" + std::to_string(truths_pending_.size()) + " devices)");
    // Only now does the link accept requests: report INSERVICE/RESUME from here, not per truth.
    auto pending = std::move(truths_pending_);
    truths_pending_.clear();
    const bool reread = std::exchange(reread_status_at_live_, false);
    for (const auto& [device, usable] : pending) {
        try {
            // Device events (forwarding, DND, lamps ...) may have been lost with the calls'.
            if (reread && usable) devices_reread_status(*this, device);
            devices_set_in_service(*this, device, usable);
        } catch (const std::exception& e) {
            log(level::error, "in-service report for " + device + " failed: " + e.what());
        }
    }
    try {
        calls_after_resync(*this);
    } catch (const std::exception& e) {
        log(level::error, std::string("far-end resync failed: ") + e.what());
    }
    agents::on_live(*this);
}

void provider_state::on_event(const std::string& device, const protocol::event_message& event) {
    // The TAPI callbacks this event causes carry its switch timestamp (event latency figures).
    const dispatcher::origin_scope origin(
        event.timestamp ? timestamps_(*event.timestamp).value_or(0) : 0);
    const auto held = lock();
    try {
        if (protocol::is_agent_event(event.body)) {
            agents::on_event(*this, device, event);
        } else if (is_device_event(event.body)) {
            devices_on_event(*this, device, event);
        } else if (auto it = line_by_extension_.find(device); it != line_by_extension_.end()) {
            calls_on_event(*this, it->second, event);
            if (it->second->role != config::line_role::station) {
                agents::on_queue_activity(*this, it->second);
            }
        }
    } catch (const std::exception& e) {
        log(level::error, "event " + std::string(protocol::event_name(event.body)) + " for " +
                              device + " failed: " + e.what());
    }
}

void provider_state::on_late_result(const protocol::service_result& result) {
    const auto held = lock();
    try {
        calls_on_late_result(*this, result);
    } catch (const std::exception& e) {
        log(level::error, std::string("late result failed: ") + e.what());
    }
}

void provider_state::on_system_status(protocol::system_status status) {
    log(level::info, "switch status " + std::string(protocol::to_string(status)));
}

// ---- errors -------------------------------------------------------------------------------------

LONG to_lineerr(const pbx_link::request_outcome& o) {
    if (o.ok()) return 0;
    // Held until its timeout and the link never came back: the line is still out of service.
    if (o.failure == pbx_link::request_failure::not_connected) {
        return static_cast<LONG>(LINEERR_INVALLINESTATE);
    }
    if (!o.failure || *o.failure != pbx_link::request_failure::csta_error || !o.error) {
        return static_cast<LONG>(LINEERR_OPERATIONFAILED);
    }
    const auto& e = *o.error;
    using protocol::error_category;
    switch (e.category) {
        case error_category::state_incompatibility:
            return static_cast<LONG>(LINEERR_INVALCALLSTATE);
        case error_category::system_resource_availability:
        case error_category::subscribed_resource_availability:
        case error_category::performance_management:
            return static_cast<LONG>(LINEERR_RESOURCEUNAVAIL);
        case error_category::security:
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
        case error_category::operation:
            if (e.value == protocol::error_values::invalid_destination ||
                e.value == protocol::error_values::invalid_device_id) {
                return static_cast<LONG>(LINEERR_INVALADDRESS);
            }
            if (e.value == protocol::error_values::invalid_call_id ||
                e.value == protocol::error_values::invalid_connection_id) {
                return static_cast<LONG>(LINEERR_INVALCALLSTATE);
            }
            if (e.value == protocol::error_values::service_not_supported) {
                return static_cast<LONG>(LINEERR_OPERATIONUNAVAIL);
            }
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
        default:
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
    }
}

LONG to_phoneerr(const pbx_link::request_outcome& o) {
    if (o.ok()) return 0;
    if (o.failure == pbx_link::request_failure::not_connected) {
        return static_cast<LONG>(PHONEERR_INVALPHONESTATE);
    }
    if (o.error && o.error->value == protocol::error_values::service_not_supported) {
        return static_cast<LONG>(PHONEERR_OPERATIONUNAVAIL);
    }
    if (o.error && o.error->category == protocol::error_category::system_resource_availability) {
        return static_cast<LONG>(PHONEERR_RESOURCEUNAVAIL);
    }
    return static_cast<LONG>(PHONEERR_OPERATIONFAILED);
}

provider* current_provider() {
    std::lock_guard lock(current_mutex);
    return current;
}

void set_current_provider(provider* p) {
    std::lock_guard lock(current_mutex);
    current = p;
}

}  // namespace ctigw::tsp
