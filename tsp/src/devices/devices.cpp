// Lines and phones as devices: building them from the configuration, permanent ids, device events
// (forwarding, DND, message waiting, service state), in/out of service, the status-query throttle.
// Phone-set status and events: devices/phone_state.cpp; provider::reload(): devices/reload.cpp;
// TSPI functions: devices/line.cpp, devices/phone.cpp.
#include "agents/agents.hpp"
#include "devices/devices.hpp"
#include "ctigw/protocol/log_safe.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

#include "ctigw/config/devices.hpp"
#include "ctigw/tsp/varstruct.hpp"
#include "modules.hpp"

namespace ctigw::tsp {

namespace {

constexpr DWORD id_payload = 0x3FFFFFFFu;  // 30 bits
constexpr DWORD phone_space = 0x40000000u;
constexpr DWORD hash_space = 0x80000000u;

std::uint32_t fnv1a32(std::string_view a, std::string_view b) noexcept {
    std::uint32_t h = 2166136261u;
    for (auto part : {a, b}) {
        for (char ch : part) {
            const auto c = static_cast<unsigned char>(ch);
            h ^= c;
            h *= 16777619u;
        }
    }
    return h;
}

std::uint64_t fnv1a64(std::string_view text, std::uint64_t seed) noexcept {
    std::uint64_t h = 14695981039346656037ull ^ seed;
    for (char ch : text) {
        h ^= static_cast<unsigned char>(ch);
        h *= 1099511628211ull;
    }
    // final avalanche (splitmix64) so that close names give unrelated GUIDs
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/// The extension's value when it is all digits, has no leading zero and fits in 30 bits.
std::optional<DWORD> digits_value(std::string_view ext) noexcept {
    if (ext.empty() || ext.size() > 10 || (ext.size() > 1 && ext[0] == '0')) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : ext) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > id_payload) return std::nullopt;
    return static_cast<DWORD>(v);
}

DWORD permanent_id(std::string_view kind, std::string_view ext, bool phone) noexcept {
    const DWORD space = phone ? phone_space : 0;
    if (auto v = digits_value(ext)) return space | *v;
    return hash_space | space | (fnv1a32(kind, ext) & id_payload);
}

/// Gives `ext` its permanent id, probing past a hashed id another extension already holds.
DWORD assign_id(std::unordered_map<DWORD, std::string>& used, std::string_view ext, DWORD id) {
    for (;;) {
        auto [it, inserted] = used.try_emplace(id, ext);
        if (inserted || it->second == ext) return id;
        id = (id & ~id_payload) | ((id + 1) & id_payload);
    }
}

}  // namespace

DWORD permanent_line_id(std::string_view extension) noexcept {
    return permanent_id("line/", extension, false);
}

DWORD permanent_phone_id(std::string_view extension) noexcept {
    return permanent_id("phone/", extension, true);
}

GUID permanent_guid(std::string_view kind, std::string_view extension) noexcept {
    std::string name = "ctigw/";
    name.append(kind).append("/").append(extension);
    std::uint64_t hi = fnv1a64(name, 0x6374696777ull);          // "ctigw"
    std::uint64_t lo = fnv1a64(name, 0x7461706931ull);          // "tapi1"
    hi = (hi & ~0xF000ull) | 0x8000ull;                         // version 8 (RFC 9562)
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
    GUID g{};
    g.Data1 = static_cast<decltype(g.Data1)>(hi >> 32);
    g.Data2 = static_cast<decltype(g.Data2)>((hi >> 16) & 0xFFFF);
    g.Data3 = static_cast<decltype(g.Data3)>(hi & 0xFFFF);
    for (int i = 0; i < 8; ++i) {
        g.Data4[i] = static_cast<unsigned char>((lo >> (56 - 8 * i)) & 0xFF);
    }
    return g;
}

void devices::fan_in(locked_provider& p, std::vector<protocol::service_params> ops,
                     std::function<LONG(const pbx_link::request_outcome&)> error_of,
                     std::function<void(LONG)> done) {
    if (ops.empty()) return done(0);
    struct fan {
        std::size_t remaining = 0;
        LONG result = 0;
        std::function<LONG(const pbx_link::request_outcome&)> error_of;
        std::function<void(LONG)> done;
    };
    auto f = std::make_shared<fan>(fan{ops.size(), 0, std::move(error_of), std::move(done)});
    for (auto& op : ops) {
        p.send(std::move(op), [f](const pbx_link::request_outcome& o) {
            if (!o.ok() && f->result == 0) f->result = f->error_of(o);
            if (--f->remaining == 0) f->done(f->result);
        });
    }
}

devices_context& devices_of(locked_provider& p) {
    if (!p.devices_) p.devices_ = std::make_shared<devices_context>();
    return *p.devices_;
}

// ---- helpers shared by devices/ -------------------------------------------------------------

namespace devices {

line_ptr open_line(locked_provider& p, HDRVLINE hd) {
    auto l = p.line_from_handle(hd);
    return l && l->is_open() && !l->removed() ? l : nullptr;
}

phone_ptr open_phone(locked_provider& p, HDRVPHONE hd) {
    auto ph = p.phone_from_handle(hd);
    return ph && ph->is_open() && !ph->removed() ? ph : nullptr;
}

bool can_send(const locked_provider& p) {
    return p.link_ != nullptr && p.link_live_;
}

namespace {

void pump_queries(locked_provider& p) {
    auto& c = devices_of(p);
    if (c.pumping) return;
    c.pumping = true;
    while (c.queries_in_flight < devices_context::max_queries_in_flight && !c.queries.empty()) {
        auto q = std::move(c.queries.front());
        c.queries.pop_front();
        ++c.queries_in_flight;
        try {
            q();
        } catch (const std::exception& e) {
            p.log(level::error, std::string("device query failed: ") + e.what());
        }
    }
    c.pumping = false;
}

}  // namespace

void queue_query(locked_provider& p, std::function<void(std::function<void()> done)> run) {
    auto& c = devices_of(p);
    c.queries.push_back([&p, run = std::move(run)] {
        auto once = std::make_shared<bool>(false);
        run([&p, once] {
            if (*once) return;
            *once = true;
            auto& ctx = devices_of(p);
            if (ctx.queries_in_flight > 0) --ctx.queries_in_flight;
            pump_queries(p);
        });
    });
    pump_queries(p);
}

namespace {

bool is_dnd_type(protocol::forwarding_type t) {
    return t == protocol::forwarding_type::do_not_disturb ||
           t == protocol::forwarding_type::do_not_disturb_internal ||
           t == protocol::forwarding_type::do_not_disturb_external;
}

void report_forward(locked_provider& p, const line_ptr& l) {
    if (l->address_states & LINEADDRESSSTATE_FORWARD) {
        p.line_event(l, nullptr, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_FORWARD, 0);
    }
}

}  // namespace

void apply_forwarding(locked_provider& p, const line_ptr& l,
                      const std::vector<protocol::forwarding_entry>& entries) {
    std::vector<protocol::forwarding_entry> active;
    bool dnd = l->do_not_disturb;
    for (const auto& e : entries) {
        if (is_dnd_type(e.type)) {
            dnd = e.active;
        } else if (e.active) {
            active.push_back(e);
        }
    }
    const bool changed = active != l->forwarding || dnd != l->do_not_disturb;
    l->forwarding = std::move(active);
    l->do_not_disturb = dnd;
    l->forwarding_known = true;
    if (changed) report_forward(p, l);
}

void apply_do_not_disturb(locked_provider& p, const line_ptr& l, bool on) {
    if (l->do_not_disturb == on) return;
    l->do_not_disturb = on;
    report_forward(p, l);
}

void refresh_line(locked_provider& p, const line_ptr& l) {
    if (!l->is_open() || !l->in_service() || l->removed() || !can_send(p)) return;
    if (devices_of(p).outstanding.count(l.get())) return;
    if (status_batches(p)) return batch_refresh(p, l);
    std::weak_ptr<line> wl = l;
    auto wanted = [wl] {
        auto x = wl.lock();
        return x && x->is_open() && x->in_service() && !x->removed();
    };
    query<protocol::svc::get_forwarding>(p, l.get(), {l->extension}, wanted,
                                         [&p, wl](const protocol::svc::get_forwarding::result& r) {
                                             if (auto x = wl.lock())
                                                 apply_forwarding(p, x, r.forwarding);
                                         });
    query<protocol::svc::get_do_not_disturb>(
        p, l.get(), {l->extension}, wanted,
        [&p, wl](const protocol::svc::get_do_not_disturb::result& r) {
            if (auto x = wl.lock()) apply_do_not_disturb(p, x, r.do_not_disturb_on);
        });
}

}  // namespace devices

// ---- modules.hpp --------------------------------------------------------------------------------

namespace devices {

line_ptr make_line(devices_context& ctx, const config::device& d) {
    auto l = std::make_shared<line>();
    l->extension = d.extension;
    l->name = d.name;
    if (!d.pickup_group.empty()) l->pickup_group = d.pickup_group;
    l->role = d.role;
    l->permanent_id = assign_id(ctx.line_ids, d.extension, permanent_line_id(d.extension));
    return l;
}

phone_ptr make_phone(devices_context& ctx, const config::device& d) {
    auto ph = std::make_shared<phone>();
    ph->extension = d.extension;
    ph->name = d.name;
    ph->permanent_id = assign_id(ctx.phone_ids, d.extension, permanent_phone_id(d.extension));
    return ph;
}

}  // namespace devices

void devices_build(locked_provider& p, const config::settings& s) {
    auto& ctx = devices_of(p);
    const auto lines = config::expand(s.devices, config::device_kind::line);
    const auto phones = config::expand(s.devices, config::device_kind::phone);
    // The old devices go after every TAPI callback queued before (open_guard): released by the
    // dispatcher, not here. Copies, not moves: if queuing them fails (bad_alloc) the devices stay
    // where they were, rather than being freed under the callbacks that name them.
    if (!p.lines_.empty() || !p.phones_.empty()) p.tapi_.push([l = p.lines_, ph = p.phones_] {});
    p.lines_.clear();
    p.phones_.clear();
    p.line_by_extension_.clear();
    p.phone_by_extension_.clear();
    p.line_by_device_id_.clear();
    p.phone_by_device_id_.clear();
    p.line_by_handle_.clear();
    p.phone_by_handle_.clear();
    ctx.queries.clear();
    ctx.queries_in_flight = 0;
    ctx.batch_lines.clear();
    ctx.batch_phones.clear();
    ctx.outstanding.clear();
    p.lines_.reserve(lines.size());
    p.phones_.reserve(phones.size());
    p.line_by_extension_.reserve(lines.size());
    p.phone_by_extension_.reserve(phones.size());
    for (const auto& d : lines) {
        auto l = devices::make_line(ctx, d);
        p.line_by_extension_.emplace(l->extension, l);
        p.add_line(l);
    }
    for (const auto& d : phones) {
        auto ph = devices::make_phone(ctx, d);
        p.phone_by_extension_.emplace(ph->extension, ph);
        p.phones_.push_back(std::move(ph));
    }
}

std::vector<std::string> devices_monitored(const locked_provider& p) {
    std::vector<std::string> devices;
    devices.reserve(p.line_by_extension_.size() + p.phone_by_extension_.size());
    for (const auto& [ext, l] : p.line_by_extension_) devices.push_back(ext);
    for (const auto& [ext, ph] : p.phone_by_extension_) {
        if (!p.line_by_extension_.count(ext)) devices.push_back(ext);
    }
    std::sort(devices.begin(), devices.end());
    return devices;
}

void devices_set_in_service(locked_provider& p, const std::string& device, bool in_service) {
    if (auto it = p.line_by_extension_.find(device); it != p.line_by_extension_.end()) {
        const auto& l = it->second;
        if (device_machine::set_in_service(p, *l, in_service)) {
            const DWORD state = in_service ? LINEDEVSTATE_INSERVICE : LINEDEVSTATE_OUTOFSERVICE;
            if (l->line_states & state) p.line_event(l, nullptr, LINE_LINEDEVSTATE, state, 0, 0);
            if (in_service) {
                devices::refresh_line(p, l);
            } else {
                l->forwarding_known = false;
            }
        }
    }
    if (auto it = p.phone_by_extension_.find(device); it != p.phone_by_extension_.end()) {
        const auto& ph = it->second;
        if (device_machine::set_in_service(p, *ph, in_service)) {
            const DWORD state = in_service ? PHONESTATE_RESUME : PHONESTATE_SUSPEND;
            if (ph->phone_states & state) p.phone_event(ph, PHONE_STATE, state, 0, 0);
            if (in_service) {
                devices::refresh_phone(p, ph);
            } else {
                ph->status_known = false;
            }
        }
    }
}

void devices_calls_changed(locked_provider& p, const line_ptr& l, bool ringing) {
    // One ring per offered call: the switch does not report ring cycles (ring mode 1).
    if (ringing && (l->line_states & LINEDEVSTATE_RINGING) != 0) {
        p.line_event(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 1, 1);
    }
    const auto n = devices::count_calls(*l);
    const std::array<DWORD, 3> now{n.active, n.on_hold, n.on_hold_pending};
    if (now == l->reported_calls) return;
    const bool was_in_use = l->reported_calls != std::array<DWORD, 3>{};
    const bool in_use = now != std::array<DWORD, 3>{};
    l->reported_calls = now;
    if ((l->line_states & LINEDEVSTATE_NUMCALLS) != 0) {
        p.line_event(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_NUMCALLS, 0, 0);
    }
    if ((l->address_states & LINEADDRESSSTATE_NUMCALLS) != 0) {
        p.line_event(l, nullptr, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_NUMCALLS, 0);
    }
    // A private address: used by one station (INUSEONE) or none (INUSEZERO), never many.
    const DWORD use = in_use ? LINEADDRESSSTATE_INUSEONE : LINEADDRESSSTATE_INUSEZERO;
    if (was_in_use != in_use && (l->address_states & use) != 0) {
        p.line_event(l, nullptr, LINE_ADDRESSSTATE, 0, use, 0);
    }
}

void devices_reread_status(locked_provider& p, const std::string& device) {
    if (auto it = p.line_by_extension_.find(device); it != p.line_by_extension_.end()) {
        if (it->second->in_service()) devices::refresh_line(p, it->second);
    }
    if (auto it = p.phone_by_extension_.find(device); it != p.phone_by_extension_.end()) {
        if (it->second->in_service()) devices::refresh_phone(p, it->second);
    }
}

void devices_set_all_out_of_service(locked_provider& p) {
    for (const auto& l : p.lines_) {
        if (!device_machine::set_in_service(p, *l, false)) continue;
        l->forwarding_known = false;
        if (l->line_states & LINEDEVSTATE_OUTOFSERVICE) {
            p.line_event(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE, 0, 0);
        }
    }
    for (const auto& ph : p.phones_) {
        if (!device_machine::set_in_service(p, *ph, false)) continue;
        ph->status_known = false;
        if (ph->phone_states & PHONESTATE_SUSPEND) {
            p.phone_event(ph, PHONE_STATE, PHONESTATE_SUSPEND, 0, 0);
        }
    }
    // queries still waiting would only fail: drop them (a device refreshes when it resumes)
    auto& ctx = devices_of(p);
    ctx.queries.clear();
    ctx.batch_lines.clear();
    ctx.batch_phones.clear();
    ctx.outstanding.clear();
}

namespace {

void on_forwarding(locked_provider& p, const line_ptr& l, const protocol::evt::forwarding& e) {
    if (devices::is_dnd_type(e.type)) {
        if (l->do_not_disturb == e.forward_status) return;
        l->do_not_disturb = e.forward_status;
        devices::report_forward(p, l);
        return;
    }
    auto it = std::find_if(l->forwarding.begin(), l->forwarding.end(),
                           [&](const auto& f) { return f.type == e.type; });
    protocol::forwarding_entry entry{e.type, e.forward_status, e.forward_to, e.ring_count};
    if (e.forward_status) {
        if (it != l->forwarding.end()) {
            if (*it == entry) return;
            *it = std::move(entry);
        } else {
            l->forwarding.push_back(std::move(entry));
        }
    } else {
        if (it == l->forwarding.end()) return;
        l->forwarding.erase(it);
    }
    devices::report_forward(p, l);
}

}  // namespace

void devices_on_event(locked_provider& p, const std::string& device,
                      const protocol::event_message& event) {
    using namespace protocol::evt;
    const auto& b = event.body;
    auto line_it = p.line_by_extension_.find(device);
    const line_ptr l = line_it == p.line_by_extension_.end() ? nullptr : line_it->second;
    auto phone_it = p.phone_by_extension_.find(device);
    const phone_ptr ph = phone_it == p.phone_by_extension_.end() ? nullptr : phone_it->second;

    if (const auto* fw = std::get_if<forwarding>(&b)) {
        if (l) on_forwarding(p, l, *fw);
    } else if (const auto* dnd = std::get_if<do_not_disturb>(&b)) {
        if (l && l->do_not_disturb != dnd->do_not_disturb_on) {
            l->do_not_disturb = dnd->do_not_disturb_on;
            devices::report_forward(p, l);
        }
    } else if (const auto* mw = std::get_if<message_waiting>(&b)) {
        // The target is normally the monitored device; honour it if it names another line.
        auto target = l;
        if (!mw->target_device.empty() && mw->target_device != device) {
            auto it = p.line_by_extension_.find(mw->target_device);
            target = it == p.line_by_extension_.end() ? nullptr : it->second;
        }
        if (target && target->message_waiting != mw->message_waiting_on) {
            target->message_waiting = mw->message_waiting_on;
            const DWORD state =
                mw->message_waiting_on ? LINEDEVSTATE_MSGWAITON : LINEDEVSTATE_MSGWAITOFF;
            if (target->line_states & state) {
                p.line_event(target, nullptr, LINE_LINEDEVSTATE, state, 0, 0);
            }
        }
    } else if (std::holds_alternative<back_in_service>(b)) {
        devices_set_in_service(p, device, true);
        // The switch's calls for the device are reported again by the link's next resync; until
        // then the call helper keeps what it had (docs/tspi-mapping.md "Service state").
    } else if (std::holds_alternative<out_of_service>(b)) {
        devices_set_in_service(p, device, false);
    } else if (std::holds_alternative<monitor_ended>(b)) {
        p.log(level::warn, "the switch ended the monitor of " + device +
                               ": out of service until the next resync");
        devices_set_in_service(p, device, false);
    } else if (const auto* ue = std::get_if<unknown_event>(&b)) {
        p.log(level::debug,
              "unknown event " + protocol::log_safe(ue->name, 64) + " for " + device + " ignored");
    } else if (ph) {
        devices::phone_event(p, ph, b);
    }
}

}  // namespace ctigw::tsp
