// Device status read in batches (protocol version 3, GetDeviceStatusBatch): a line's forwarding
// and DND, a phone's display, buttons, hookswitches, ringer and lamps, for many devices per
// request. Start-up and every resync refresh every open device; with per-device queries that is
// 2 requests per line and ~19 per phone (950,000 for 50,000 lines and phones), with batches a few
// dozen. Self-clocking: the first refresh goes at once, and whatever arrives while
// `max_batches_in_flight` batches are out waits for the next one, so a single refresh is not
// delayed and a burst is not split into single requests. The results go through the same apply_*
// functions as the per-device answers. A version-1/2 switch keeps the per-device queries.
//
// Threading: under the provider lock (refreshes from the TSPI and link callbacks; completions on
// the link's delivery thread, which takes the lock).
#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp::devices {

namespace {

using protocol::status_read;

bool wanted(const line& l) {
    return l.is_open() && l.in_service() && !l.removed();
}
bool wanted(const phone& ph) {
    return ph.is_open() && ph.in_service() && !ph.removed();
}

void release(devices_context& c, const void* key) {
    if (auto it = c.outstanding.find(key); it != c.outstanding.end() && --it->second == 0) {
        c.outstanding.erase(it);
    }
}

std::vector<status_read> reads_of(const line*, bool) {
    return {status_read::forwarding, status_read::do_not_disturb};
}
/// A phone's buttons are applied once (see apply): a batch of phones that all know theirs, as
/// after a resync, leaves them out — 12 of them are ~45% of a phone's item.
std::vector<status_read> reads_of(const phone*, bool buttons_unknown) {
    if (!buttons_unknown) {
        return {status_read::display, status_read::hookswitch, status_read::ringer,
                status_read::lamps};
    }
    return {status_read::display, status_read::buttons, status_read::hookswitch,
            status_read::ringer, status_read::lamps};
}

bool failed(const protocol::device_status_item& item, status_read read) {
    return std::any_of(item.errors.begin(), item.errors.end(),
                       [&](const protocol::status_read_error& e) { return e.read == read; });
}

void apply(locked_provider& p, const line_ptr& l, protocol::device_status_item& item) {
    if (!failed(item, status_read::forwarding)) apply_forwarding(p, l, item.forwarding);
    if (item.do_not_disturb) apply_do_not_disturb(p, l, *item.do_not_disturb);
}

void apply(locked_provider& p, const phone_ptr& ph, protocol::device_status_item& item) {
    if (item.display) apply_display(p, ph, *item.display);
    // Buttons once per phone, as with per-device queries (a reread would announce CAPSCHANGE).
    if (!ph->set_info_known && !failed(item, status_read::buttons)) {
        apply_buttons(p, ph, std::move(item.buttons));
    }
    if (!failed(item, status_read::hookswitch)) apply_hookswitches(p, ph, item.hookswitches);
    if (item.ringer) apply_ringer(p, ph, *item.ringer);
    for (const auto& lamp : item.lamps) apply_lamp(p, ph, lamp.lamp, lamp.mode);
}

void log_item_errors(locked_provider& p, const protocol::device_status_item& item) {
    if (item.error) {
        p.log(level::debug, "status of " + protocol::log_safe(item.device, 64) +
                                " not read: " + protocol::log_safe(item.error->value, 64));
    }
    for (const auto& e : item.errors) {
        p.log(level::debug, "status of " + protocol::log_safe(item.device, 64) + ": " +
                                std::string(protocol::enum_traits<status_read>::names.at(
                                    static_cast<std::size_t>(e.read))) +
                                " not read: " + protocol::log_safe(e.error.value, 64));
    }
}

void flush(locked_provider& p);

/// The switch's maxBatchSize, at most our own limit for the kind of device.
std::size_t batch_limit(const locked_provider& p, const line*) {
    const auto max = p.link_ ? p.link_->figures().max_batch_size : 0;
    return std::clamp<std::size_t>(max, 1, devices_context::max_line_batch);
}
std::size_t batch_limit(const locked_provider& p, const phone*) {
    const auto max = p.link_ ? p.link_->figures().max_batch_size : 0;
    return std::clamp<std::size_t>(max, 1, devices_context::max_phone_batch);
}

bool limited(const protocol::device_status_item& item) {
    return item.error && item.error->value == protocol::error_values::performance_limit_exceeded;
}

std::deque<devices_context::waiting_refresh<line>>& waiting_of(devices_context& c, const line*) {
    return c.batch_lines;
}
std::deque<devices_context::waiting_refresh<phone>>& waiting_of(devices_context& c, const phone*) {
    return c.batch_phones;
}

/// Sends one batch of the devices of this kind that wait (those still wanted).
template <class Device>
void send_batch(locked_provider& p) {
    auto& c = devices_of(p);
    auto& waiting = waiting_of(c, static_cast<Device*>(nullptr));
    const auto limit = batch_limit(p, static_cast<Device*>(nullptr));
    protocol::svc::get_device_status_batch::params params;
    std::vector<devices_context::waiting_refresh<Device>> sent;
    bool buttons_unknown = false;
    while (!waiting.empty() && sent.size() < limit) {
        auto w = std::move(waiting.front());
        waiting.pop_front();
        auto d = w.device.lock();
        if (!d || !wanted(*d)) {
            release(c, w.key);
            continue;
        }
        if constexpr (std::is_same_v<Device, phone>) buttons_unknown |= !d->set_info_known;
        params.devices.push_back(d->extension);
        sent.push_back(std::move(w));
    }
    if (sent.empty()) return;
    params.reads = reads_of(static_cast<Device*>(nullptr), buttons_unknown);
    // Alike phones' buttons and lamps then come once per answer (an idle phone of the
    // simulator: 28 bytes instead of 1,659).
    params.allow_same_as = true;
    ++c.batches_in_flight;
    p.send(std::move(params), [&p, sent = std::move(sent)](pbx_link::request_outcome& o) {
        auto& ctx = devices_of(p);
        if (ctx.batches_in_flight > 0) --ctx.batches_in_flight;
        auto* r = o.ok() ? std::get_if<protocol::svc::get_device_status_batch::result>(&*o.result)
                         : nullptr;
        // The decoder checked every sameAs already: only an answer built past it fails here.
        if (const char* bad = r != nullptr ? protocol::resolve_same_as(r->results) : nullptr) {
            p.log(level::warn, "GetDeviceStatusBatch of " + std::to_string(sent.size()) +
                                   " devices: the answer is not usable: " + bad);
            r = nullptr;
        }
        if (r == nullptr) {
            p.log(level::debug,
                  "GetDeviceStatusBatch of " + std::to_string(sent.size()) + " devices failed: " +
                      std::string(o.failure ? pbx_link::to_string(*o.failure) : "unknown") +
                      (o.error ? " " + protocol::log_safe(o.error->value, 64) : ""));
        }
        // Items the switch left out to keep its answer within the frame limit go again, first
        // in line, as long as the batch brought something (no loop on an item too big alone).
        const bool progress =
            r != nullptr && std::any_of(r->results.begin(), r->results.end(),
                                        [](const auto& item) { return !limited(item); });
        std::vector<devices_context::waiting_refresh<Device>> again;
        for (std::size_t i = 0; i < sent.size(); ++i) {
            release(ctx, sent[i].key);
            auto d = sent[i].device.lock();
            if (!d || r == nullptr) continue;
            // One item per device, in the request's order (a switch that breaks this is ignored
            // for the devices it mixed up, and logged).
            if (i >= r->results.size() || r->results[i].device != d->extension) {
                p.log(level::warn, "GetDeviceStatusBatch: the switch answered out of order at " +
                                       protocol::log_safe(d->extension, 64));
                continue;
            }
            auto& item = r->results[i];
            if (limited(item) && progress) {
                again.push_back(std::move(sent[i]));
                continue;
            }
            log_item_errors(p, item);
            if (!item.error) apply(p, d, item);
        }
        auto& retry = waiting_of(ctx, static_cast<Device*>(nullptr));
        for (auto it = again.rbegin(); it != again.rend(); ++it) {
            ++ctx.outstanding[it->key];
            retry.push_front(std::move(*it));
        }
        // The link is going down or stopping: what waits is dropped when the TSP hears of it
        // (devices_set_all_out_of_service), and refreshed when the devices resume.
        if (o.failure == pbx_link::request_failure::link_lost ||
            o.failure == pbx_link::request_failure::stopped) {
            return;
        }
        flush(p);
    });
}

void flush(locked_provider& p) {
    auto& c = devices_of(p);
    while (c.batches_in_flight < devices_context::max_batches_in_flight &&
           (!c.batch_lines.empty() || !c.batch_phones.empty())) {
        if (!can_send(p)) {
            // The link went down: the devices refresh when they resume.
            for (const auto& w : c.batch_lines) release(c, w.key);
            for (const auto& w : c.batch_phones) release(c, w.key);
            c.batch_lines.clear();
            c.batch_phones.clear();
            return;
        }
        if (!c.batch_lines.empty()) {
            send_batch<line>(p);
        } else {
            send_batch<phone>(p);
        }
    }
}

template <class Device>
void queue(locked_provider& p, const std::shared_ptr<Device>& d,
           std::deque<devices_context::waiting_refresh<Device>>& waiting) {
    ++devices_of(p).outstanding[d.get()];
    waiting.push_back({d.get(), d});
    flush(p);
}

}  // namespace

bool status_batches(const locked_provider& p) {
    return p.link_ != nullptr && p.link_->figures().protocol_version >= 3;
}

void batch_refresh(locked_provider& p, const line_ptr& l) {
    queue(p, l, devices_of(p).batch_lines);
}

void batch_refresh(locked_provider& p, const phone_ptr& ph) {
    queue(p, ph, devices_of(p).batch_phones);
}

}  // namespace ctigw::tsp::devices
