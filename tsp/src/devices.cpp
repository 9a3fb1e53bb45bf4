// Lines and phones as devices: building them from the configuration, permanent ids, device events
// (forwarding, DND, message waiting, service state, phone-set events), in/out of service, the
// status-query throttle and provider::reload(). TSPI functions: devices_line.cpp,
// devices_phone.cpp.
#include "agents.hpp"
#include "devices.hpp"
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

DWORD hookswitch_state_bit(protocol::hookswitch_type t) {
    switch (t) {
        case protocol::hookswitch_type::handset:
            return PHONESTATE_HANDSETHOOKSWITCH;
        case protocol::hookswitch_type::speaker:
            return PHONESTATE_SPEAKERHOOKSWITCH;
        case protocol::hookswitch_type::headset:
            return PHONESTATE_HEADSETHOOKSWITCH;
    }
    return PHONESTATE_OTHER;
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

void devices::fan_in_locked(provider_state& p, std::vector<protocol::service_params> ops,
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
        p.send_locked(std::move(op), [f](const pbx_link::request_outcome& o) {
            if (!o.ok() && f->result == 0) f->result = f->error_of(o);
            if (--f->remaining == 0) f->done(f->result);
        });
    }
}

devices_context& devices_of(provider_state& p) {
    if (!p.devices_) p.devices_ = std::make_shared<devices_context>();
    return *p.devices_;
}

// ---- helpers shared by devices*.cpp -------------------------------------------------------------

namespace devices {

line_ptr open_line_locked(provider_state& p, HDRVLINE hd) {
    auto l = p.line_from_handle_locked(hd);
    return l && l->is_open() && !l->removed ? l : nullptr;
}

phone_ptr open_phone_locked(provider_state& p, HDRVPHONE hd) {
    auto ph = p.phone_from_handle_locked(hd);
    return ph && ph->is_open() && !ph->removed ? ph : nullptr;
}

bool can_send_locked(const provider_state& p) {
    return p.link_ != nullptr && p.link_live_;
}

namespace {

void pump_queries_locked(provider_state& p) {
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

void queue_query_locked(provider_state& p, std::function<void(std::function<void()> done)> run) {
    auto& c = devices_of(p);
    c.queries.push_back([&p, run = std::move(run)] {
        auto once = std::make_shared<bool>(false);
        run([&p, once] {
            if (*once) return;
            *once = true;
            auto& ctx = devices_of(p);
            if (ctx.queries_in_flight > 0) --ctx.queries_in_flight;
            pump_queries_locked(p);
        });
    });
    pump_queries_locked(p);
}

namespace {

/// Sends one query for a device if it is still worth it; `handle` runs with the result.
template <class Service>
void query_locked(provider_state& p, const void* key, typename Service::params params,
                  std::function<bool()> still_wanted,
                  std::function<void(const typename Service::result&)> handle) {
    ++devices_of(p).outstanding[key];
    queue_query_locked(
        p, [&p, key, params = std::move(params), still_wanted = std::move(still_wanted),
            handle = std::move(handle)](std::function<void()> done_slot) {
            auto done = [&p, key, done_slot] {
                auto& out = devices_of(p).outstanding;
                if (auto it = out.find(key); it != out.end() && --it->second == 0) out.erase(it);
                done_slot();
            };
            if (!still_wanted() || !can_send_locked(p)) return done();
            p.send_locked(params, [&p, handle, done, what = std::string(Service::name)](
                                      const pbx_link::request_outcome& o) {
                if (o.ok()) {
                    if (auto* r = std::get_if<typename Service::result>(&*o.result)) handle(*r);
                } else {
                    p.log(level::debug,
                          what + " failed: " +
                              std::string(o.failure ? pbx_link::to_string(*o.failure) : "unknown") +
                              (o.error ? " " + protocol::log_safe(o.error->value, 64) : ""));
                }
                done();
            });
        });
}

bool is_dnd_type(protocol::forwarding_type t) {
    return t == protocol::forwarding_type::do_not_disturb ||
           t == protocol::forwarding_type::do_not_disturb_internal ||
           t == protocol::forwarding_type::do_not_disturb_external;
}

void report_forward_locked(provider_state& p, const line_ptr& l) {
    if (l->address_states & LINEADDRESSSTATE_FORWARD) {
        p.line_event_locked(l, nullptr, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_FORWARD, 0);
    }
}

void report_phone_state_locked(provider_state& p, const phone_ptr& ph, DWORD state, DWORD_PTR p2,
                               DWORD_PTR p3 = 0) {
    if (ph->phone_states & state) p.phone_event_locked(ph, PHONE_STATE, state, p2, p3);
}

DWORD to_tapi_volume(std::uint32_t percent) {
    return static_cast<DWORD>(std::min<std::uint32_t>(percent, 100) * 0xFFFFu / 100);
}

}  // namespace

void refresh_line_locked(provider_state& p, const line_ptr& l) {
    if (!l->is_open() || !l->in_service || l->removed || !can_send_locked(p)) return;
    if (devices_of(p).outstanding.count(l.get())) return;
    std::weak_ptr<line> wl = l;
    auto wanted = [wl] {
        auto x = wl.lock();
        return x && x->is_open() && x->in_service && !x->removed;
    };
    query_locked<protocol::svc::get_forwarding>(
        p, l.get(), {l->extension}, wanted,
        [&p, wl](const protocol::svc::get_forwarding::result& r) {
            auto x = wl.lock();
            if (!x) return;
            std::vector<protocol::forwarding_entry> active;
            bool dnd = x->do_not_disturb;
            for (const auto& e : r.forwarding) {
                if (is_dnd_type(e.type)) {
                    dnd = e.active;
                } else if (e.active) {
                    active.push_back(e);
                }
            }
            const bool changed = active != x->forwarding || dnd != x->do_not_disturb;
            x->forwarding = std::move(active);
            x->do_not_disturb = dnd;
            x->forwarding_known = true;
            if (changed) report_forward_locked(p, x);
        });
    query_locked<protocol::svc::get_do_not_disturb>(
        p, l.get(), {l->extension}, wanted,
        [&p, wl](const protocol::svc::get_do_not_disturb::result& r) {
            auto x = wl.lock();
            if (!x || x->do_not_disturb == r.do_not_disturb_on) return;
            x->do_not_disturb = r.do_not_disturb_on;
            report_forward_locked(p, x);
        });
}

DWORD phone_button_count(const phone& ph) {
    DWORD n = 12;
    for (const auto& b : ph.buttons) n = std::max<DWORD>(n, b.button + 1);
    return std::min<DWORD>(n, 256);
}

}  // namespace devices

namespace {

DWORD lamp_mode_to_tapi(protocol::lamp_mode m) {
    switch (m) {
        case protocol::lamp_mode::off:
            return PHONELAMPMODE_OFF;
        case protocol::lamp_mode::steady:
            return PHONELAMPMODE_STEADY;
        case protocol::lamp_mode::wink:
            return PHONELAMPMODE_WINK;
        case protocol::lamp_mode::flash:
            return PHONELAMPMODE_FLASH;
        case protocol::lamp_mode::flutter:
            return PHONELAMPMODE_FLUTTER;
        case protocol::lamp_mode::broken_flutter:
            return PHONELAMPMODE_BROKENFLUTTER;
    }
    return PHONELAMPMODE_UNKNOWN;
}

DWORD hookswitch_mode_to_tapi(protocol::hookswitch_mode m) {
    switch (m) {
        case protocol::hookswitch_mode::on_hook:
            return PHONEHOOKSWITCHMODE_ONHOOK;
        case protocol::hookswitch_mode::mic_only:
            return PHONEHOOKSWITCHMODE_MIC;
        case protocol::hookswitch_mode::speaker_only:
            return PHONEHOOKSWITCHMODE_SPEAKER;
        case protocol::hookswitch_mode::mic_and_speaker:
            return PHONEHOOKSWITCHMODE_MICSPEAKER;
    }
    return PHONEHOOKSWITCHMODE_UNKNOWN;
}

DWORD& hookswitch_slot(phone& ph, protocol::hookswitch_type t) {
    switch (t) {
        case protocol::hookswitch_type::speaker:
            return ph.hookswitch_speaker;
        case protocol::hookswitch_type::headset:
            return ph.hookswitch_headset;
        case protocol::hookswitch_type::handset:
            break;
    }
    return ph.hookswitch_handset;
}

/// Writes `text` into the display at (row, column), clipped to the display; the display is kept
/// as rows*columns characters.
void write_display(phone& ph, std::string_view text, std::uint32_t row, std::uint32_t column) {
    const std::size_t size = static_cast<std::size_t>(ph.display_rows) * ph.display_columns;
    std::u16string d = utf8_to_utf16(ph.display);
    d.resize(size, u' ');
    const std::size_t at = static_cast<std::size_t>(row) * ph.display_columns + column;
    const std::u16string t = utf8_to_utf16(text);
    for (std::size_t i = 0; i < t.size() && at + i < size; ++i) d[at + i] = t[i];
    ph.display = utf16_to_utf8(d);
}

}  // namespace

namespace devices {

void refresh_phone_locked(provider_state& p, const phone_ptr& ph) {
    if (!ph->is_open() || !ph->in_service || ph->removed || !can_send_locked(p)) return;
    if (devices_of(p).outstanding.count(ph.get())) return;
    std::weak_ptr<phone> wp = ph;
    auto wanted = [wp] {
        auto x = wp.lock();
        return x && x->is_open() && x->in_service && !x->removed;
    };
    if (!ph->set_info_known) {
        query_locked<protocol::svc::get_display>(
            p, ph.get(), {ph->extension}, wanted,
            [&p, wp](const protocol::svc::get_display::result& r) {
                auto x = wp.lock();
                if (!x) return;
                const bool caps_changed = (r.rows != 0 && r.rows != x->display_rows) ||
                                          (r.columns != 0 && r.columns != x->display_columns);
                if (r.rows != 0 && r.columns != 0 && r.rows <= 64 && r.columns <= 256) {
                    x->display_rows = r.rows;
                    x->display_columns = r.columns;
                }
                const auto before = x->display;
                x->display.clear();
                write_display(*x, r.text, 0, 0);
                if (caps_changed) report_phone_state_locked(p, x, PHONESTATE_CAPSCHANGE, 0);
                if (before != x->display) report_phone_state_locked(p, x, PHONESTATE_DISPLAY, 0);
            });
        query_locked<protocol::svc::get_button_information>(
            p, ph.get(), {ph->extension, std::nullopt}, wanted,
            [&p, wp](const protocol::svc::get_button_information::result& r) {
                auto x = wp.lock();
                if (!x) return;
                const DWORD before = phone_button_count(*x);
                x->buttons = r.buttons;
                std::sort(x->buttons.begin(), x->buttons.end(),
                          [](const auto& a, const auto& b) { return a.button < b.button; });
                x->set_info_known = true;
                if (phone_button_count(*x) != before || !r.buttons.empty()) {
                    report_phone_state_locked(p, x, PHONESTATE_CAPSCHANGE, 0);
                }
                // the lamps the switch just named: read their modes
                for (const auto& b : x->buttons) {
                    if (!b.lamp) continue;
                    query_locked<protocol::svc::get_lamp_mode>(
                        p, x.get(), {x->extension, *b.lamp}, [wp] { return !wp.expired(); },
                        [&p, wp, id = b.button](const protocol::svc::get_lamp_mode::result& lr) {
                            auto y = wp.lock();
                            if (!y) return;
                            const DWORD lamp = id;
                            const DWORD m = lamp_mode_to_tapi(lr.mode);
                            auto [it, inserted] = y->lamps.try_emplace(lamp, m);
                            if (!inserted && it->second == m) return;
                            it->second = m;
                            report_phone_state_locked(p, y, PHONESTATE_LAMP, lamp);
                        });
                }
            });
    }
    query_locked<protocol::svc::get_hookswitch_status>(
        p, ph.get(), {ph->extension}, wanted,
        [&p, wp](const protocol::svc::get_hookswitch_status::result& r) {
            auto x = wp.lock();
            if (!x) return;
            for (const auto& h : r.hookswitches) {
                DWORD& slot = hookswitch_slot(*x, h.hookswitch);
                const DWORD m = hookswitch_mode_to_tapi(h.mode);
                if (slot == m) continue;
                slot = m;
                report_phone_state_locked(p, x, hookswitch_state_bit(h.hookswitch), m);
            }
            x->status_known = true;
        });
    query_locked<protocol::svc::get_ringer_status>(
        p, ph.get(), {ph->extension}, wanted,
        [&p, wp](const protocol::svc::get_ringer_status::result& r) {
            auto x = wp.lock();
            if (!x) return;
            const DWORD mode = r.mode == protocol::ringer_mode::ringing ? 1 : 0;
            if (mode != x->ring_mode) {
                x->ring_mode = mode;
                report_phone_state_locked(p, x, PHONESTATE_RINGMODE, mode);
            }
            if (r.volume && to_tapi_volume(*r.volume) != x->ring_volume) {
                x->ring_volume = to_tapi_volume(*r.volume);
                report_phone_state_locked(p, x, PHONESTATE_RINGVOLUME, x->ring_volume);
            }
        });
    if (ph->set_info_known) {
        for (const auto& b : ph->buttons) {
            if (!b.lamp) continue;
            query_locked<protocol::svc::get_lamp_mode>(
                p, ph.get(), {ph->extension, *b.lamp}, wanted,
                [&p, wp, lamp = b.button](const protocol::svc::get_lamp_mode::result& r) {
                    auto x = wp.lock();
                    if (!x) return;
                    const DWORD m = lamp_mode_to_tapi(r.mode);
                    auto [it, inserted] = x->lamps.try_emplace(lamp, m);
                    if (!inserted && it->second == m) return;
                    it->second = m;
                    report_phone_state_locked(p, x, PHONESTATE_LAMP, lamp);
                });
        }
    }
}

}  // namespace devices

// ---- modules.hpp --------------------------------------------------------------------------------

namespace {

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

}  // namespace

void devices_build_locked(provider_state& p, const config::settings& s) {
    auto& ctx = devices_of(p);
    const auto lines = config::expand(s.devices, config::device_kind::line);
    const auto phones = config::expand(s.devices, config::device_kind::phone);
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
    ctx.outstanding.clear();
    p.lines_.reserve(lines.size());
    p.phones_.reserve(phones.size());
    p.line_by_extension_.reserve(lines.size());
    p.phone_by_extension_.reserve(phones.size());
    for (const auto& d : lines) {
        auto l = make_line(ctx, d);
        p.line_by_extension_.emplace(l->extension, l);
        p.lines_.push_back(std::move(l));
    }
    for (const auto& d : phones) {
        auto ph = make_phone(ctx, d);
        p.phone_by_extension_.emplace(ph->extension, ph);
        p.phones_.push_back(std::move(ph));
    }
}

std::vector<std::string> devices_monitored_locked(const provider_state& p) {
    std::vector<std::string> devices;
    devices.reserve(p.line_by_extension_.size() + p.phone_by_extension_.size());
    for (const auto& [ext, l] : p.line_by_extension_) devices.push_back(ext);
    for (const auto& [ext, ph] : p.phone_by_extension_) {
        if (!p.line_by_extension_.count(ext)) devices.push_back(ext);
    }
    std::sort(devices.begin(), devices.end());
    return devices;
}

void devices_set_in_service_locked(provider_state& p, const std::string& device, bool in_service) {
    if (auto it = p.line_by_extension_.find(device); it != p.line_by_extension_.end()) {
        const auto& l = it->second;
        if (l->in_service != in_service && !l->removed) {
            l->in_service = in_service;
            const DWORD state = in_service ? LINEDEVSTATE_INSERVICE : LINEDEVSTATE_OUTOFSERVICE;
            if (l->line_states & state)
                p.line_event_locked(l, nullptr, LINE_LINEDEVSTATE, state, 0, 0);
            if (in_service) {
                devices::refresh_line_locked(p, l);
            } else {
                l->forwarding_known = false;
            }
        }
    }
    if (auto it = p.phone_by_extension_.find(device); it != p.phone_by_extension_.end()) {
        const auto& ph = it->second;
        if (ph->in_service != in_service && !ph->removed) {
            ph->in_service = in_service;
            const DWORD state = in_service ? PHONESTATE_RESUME : PHONESTATE_SUSPEND;
            if (ph->phone_states & state) p.phone_event_locked(ph, PHONE_STATE, state, 0, 0);
            if (in_service) {
                devices::refresh_phone_locked(p, ph);
            } else {
                ph->status_known = false;
            }
        }
    }
}

void devices_calls_changed_locked(provider_state& p, const line_ptr& l, bool ringing) {
    // One ring per offered call: the switch does not report ring cycles (ring mode 1).
    if (ringing && (l->line_states & LINEDEVSTATE_RINGING) != 0) {
        p.line_event_locked(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 1, 1);
    }
    const auto n = devices::count_calls(*l);
    const std::array<DWORD, 3> now{n.active, n.on_hold, n.on_hold_pending};
    if (now == l->reported_calls) return;
    const bool was_in_use = l->reported_calls != std::array<DWORD, 3>{};
    const bool in_use = now != std::array<DWORD, 3>{};
    l->reported_calls = now;
    if ((l->line_states & LINEDEVSTATE_NUMCALLS) != 0) {
        p.line_event_locked(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_NUMCALLS, 0, 0);
    }
    if ((l->address_states & LINEADDRESSSTATE_NUMCALLS) != 0) {
        p.line_event_locked(l, nullptr, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_NUMCALLS, 0);
    }
    // A private address: used by one station (INUSEONE) or none (INUSEZERO), never many.
    const DWORD use = in_use ? LINEADDRESSSTATE_INUSEONE : LINEADDRESSSTATE_INUSEZERO;
    if (was_in_use != in_use && (l->address_states & use) != 0) {
        p.line_event_locked(l, nullptr, LINE_ADDRESSSTATE, 0, use, 0);
    }
}

void devices_reread_status_locked(provider_state& p, const std::string& device) {
    if (auto it = p.line_by_extension_.find(device); it != p.line_by_extension_.end()) {
        if (it->second->in_service) devices::refresh_line_locked(p, it->second);
    }
    if (auto it = p.phone_by_extension_.find(device); it != p.phone_by_extension_.end()) {
        if (it->second->in_service) devices::refresh_phone_locked(p, it->second);
    }
}

void devices_set_all_out_of_service_locked(provider_state& p) {
    for (const auto& l : p.lines_) {
        if (l->removed || !l->in_service) continue;
        l->in_service = false;
        l->forwarding_known = false;
        if (l->line_states & LINEDEVSTATE_OUTOFSERVICE) {
            p.line_event_locked(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE, 0, 0);
        }
    }
    for (const auto& ph : p.phones_) {
        if (ph->removed || !ph->in_service) continue;
        ph->in_service = false;
        ph->status_known = false;
        if (ph->phone_states & PHONESTATE_SUSPEND) {
            p.phone_event_locked(ph, PHONE_STATE, PHONESTATE_SUSPEND, 0, 0);
        }
    }
    // queries still waiting would only fail: drop them (a device refreshes when it resumes)
    auto& ctx = devices_of(p);
    ctx.queries.clear();
    ctx.outstanding.clear();
}

namespace {

void on_forwarding_locked(provider_state& p, const line_ptr& l,
                          const protocol::evt::forwarding& e) {
    if (devices::is_dnd_type(e.type)) {
        if (l->do_not_disturb == e.forward_status) return;
        l->do_not_disturb = e.forward_status;
        devices::report_forward_locked(p, l);
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
    devices::report_forward_locked(p, l);
}

void on_phone_event_locked(provider_state& p, const phone_ptr& ph, const protocol::event_body& b) {
    using namespace protocol::evt;
    if (const auto* du = std::get_if<display_updated>(&b)) {
        const auto before = ph->display;
        write_display(*ph, du->text, du->row.value_or(0), du->column.value_or(0));
        if (before != ph->display) devices::report_phone_state_locked(p, ph, PHONESTATE_DISPLAY, 0);
    } else if (const auto* hc = std::get_if<hookswitch_changed>(&b)) {
        DWORD& slot = hookswitch_slot(*ph, hc->hookswitch);
        const DWORD m = hookswitch_mode_to_tapi(hc->mode);
        if (slot == m) return;
        slot = m;
        devices::report_phone_state_locked(p, ph, hookswitch_state_bit(hc->hookswitch), m);
    } else if (const auto* lm = std::get_if<lamp_mode_changed>(&b)) {
        const DWORD m = lamp_mode_to_tapi(lm->mode);
        const DWORD id = devices::tapi_lamp_of(*ph, lm->lamp);
        auto [it, inserted] = ph->lamps.try_emplace(id, m);
        if (!inserted && it->second == m) return;
        it->second = m;
        devices::report_phone_state_locked(p, ph, PHONESTATE_LAMP, id);
    } else if (const auto* bp = std::get_if<button_pressed>(&b)) {
        DWORD mode = bp->button < 12 ? PHONEBUTTONMODE_KEYPAD : PHONEBUTTONMODE_DUMMY;
        for (const auto& info : ph->buttons) {
            if (info.button != bp->button) continue;
            mode = devices::button_mode(info);
            break;
        }
        if ((ph->button_modes & mode) == 0) return;
        if (ph->button_states & PHONEBUTTONSTATE_DOWN) {
            p.phone_event_locked(ph, PHONE_BUTTON, bp->button, mode, PHONEBUTTONSTATE_DOWN);
        }
        if (ph->button_states & PHONEBUTTONSTATE_UP) {
            p.phone_event_locked(ph, PHONE_BUTTON, bp->button, mode, PHONEBUTTONSTATE_UP);
        }
    } else if (const auto* rs = std::get_if<ringer_status_changed>(&b)) {
        const DWORD mode = rs->mode == protocol::ringer_mode::ringing ? 1 : 0;
        if (mode != ph->ring_mode) {
            ph->ring_mode = mode;
            devices::report_phone_state_locked(p, ph, PHONESTATE_RINGMODE, mode);
        }
        if (rs->volume && devices::to_tapi_volume(*rs->volume) != ph->ring_volume) {
            ph->ring_volume = devices::to_tapi_volume(*rs->volume);
            devices::report_phone_state_locked(p, ph, PHONESTATE_RINGVOLUME, ph->ring_volume);
        }
    }
}

}  // namespace

void devices_on_event_locked(provider_state& p, const std::string& device,
                             const protocol::event_message& event) {
    using namespace protocol::evt;
    const auto& b = event.body;
    auto line_it = p.line_by_extension_.find(device);
    const line_ptr l = line_it == p.line_by_extension_.end() ? nullptr : line_it->second;
    auto phone_it = p.phone_by_extension_.find(device);
    const phone_ptr ph = phone_it == p.phone_by_extension_.end() ? nullptr : phone_it->second;

    if (const auto* fw = std::get_if<forwarding>(&b)) {
        if (l) on_forwarding_locked(p, l, *fw);
    } else if (const auto* dnd = std::get_if<do_not_disturb>(&b)) {
        if (l && l->do_not_disturb != dnd->do_not_disturb_on) {
            l->do_not_disturb = dnd->do_not_disturb_on;
            devices::report_forward_locked(p, l);
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
                p.line_event_locked(target, nullptr, LINE_LINEDEVSTATE, state, 0, 0);
            }
        }
    } else if (std::holds_alternative<back_in_service>(b)) {
        devices_set_in_service_locked(p, device, true);
        // The switch's calls for the device are reported again by the link's next resync; until
        // then the call helper keeps what it had (docs/tspi-mapping.md "Service state").
    } else if (std::holds_alternative<out_of_service>(b)) {
        devices_set_in_service_locked(p, device, false);
    } else if (std::holds_alternative<monitor_ended>(b)) {
        p.log(level::warn, "the switch ended the monitor of " + device +
                               ": out of service until the next resync");
        devices_set_in_service_locked(p, device, false);
    } else if (const auto* ue = std::get_if<unknown_event>(&b)) {
        p.log(level::debug,
              "unknown event " + protocol::log_safe(ue->name, 64) + " for " + device + " ignored");
    } else if (ph) {
        on_phone_event_locked(p, ph, b);
    }
}

// ---- reload -------------------------------------------------------------------------------------

namespace {

void remove_line_locked(provider_state& p, const line_ptr& l) {
    l->removed = true;
    p.line_by_extension_.erase(l->extension);
    // complete call-less requests now: TAPI closes the line after LINE_REMOVE anyway
    auto pending = std::move(l->pending);
    l->pending.clear();
    for (auto& r : pending) p.complete_locked(r, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    if (l->awaiting_create) return;  // TAPI never heard of it (see tspi-mapping.md)
    const DWORD id = l->device_id;
    if (l->is_open() && l->event_proc) {
        // An application that selected it hears LINEDEVSTATE_REMOVED first (advertised in
        // LINEDEVCAPS.dwLineStates), then LINE_REMOVE.
        if ((l->line_states & LINEDEVSTATE_REMOVED) != 0) {
            p.tapi_.push([proc = l->event_proc, ht = l->ht] {
                proc(ht, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_REMOVED, 0, 0);
            });
        }
        p.tapi_.push(
            [proc = l->event_proc, ht = l->ht, id] { proc(ht, nullptr, LINE_REMOVE, id, 0, 0); });
    } else if (p.line_create_proc_) {
        p.tapi_.push(
            [proc = p.line_create_proc_, id] { proc(nullptr, nullptr, LINE_REMOVE, id, 0, 0); });
    }
}

void remove_phone_locked(provider_state& p, const phone_ptr& ph) {
    ph->removed = true;
    p.phone_by_extension_.erase(ph->extension);
    auto pending = std::move(ph->pending);
    ph->pending.clear();
    for (auto& r : pending) p.complete_locked(r, static_cast<LONG>(PHONEERR_OPERATIONFAILED));
    if (ph->awaiting_create) return;
    const DWORD id = ph->device_id;
    if (ph->is_open() && ph->event_proc) {
        p.tapi_.push(
            [proc = ph->event_proc, ht = ph->ht, id] { proc(ht, PHONE_REMOVE, id, 0, 0); });
    } else if (p.phone_create_proc_) {
        p.tapi_.push([proc = p.phone_create_proc_, id] { proc(nullptr, PHONE_REMOVE, id, 0, 0); });
    }
}

}  // namespace

std::string provider::reload() {
    auto& s = *state_;
    auto loaded = s.env_.load_config
                      ? s.env_.load_config()
                      : std::variant<config::settings, std::string>("no configuration loader");
    if (auto* err = std::get_if<std::string>(&loaded)) {
        s.log(level::error, "configuration reload refused, the running configuration stays:");
        std::size_t start = 0;
        while (start <= err->size()) {
            const auto end = err->find('\n', start);
            const auto part =
                err->substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!part.empty()) s.log(level::error, "  " + part);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return err->empty() ? std::string("configuration refused") : *err;
    }
    auto next = std::move(std::get<config::settings>(loaded));

    std::lock_guard lock(s.mutex_);
    if (!s.settings_ || !s.initialized_) {
        s.log(level::info, "configuration reload: provider not initialized, nothing to apply");
        return {};
    }
    auto& ctx = devices_of(s);
    const auto groups_before = agents::group_extensions_locked(s);
    const auto lines = config::expand(next.devices, config::device_kind::line);
    const auto phones = config::expand(next.devices, config::device_kind::phone);

    std::unordered_map<std::string_view, const config::device*> want_lines, want_phones;
    want_lines.reserve(lines.size());
    want_phones.reserve(phones.size());
    for (const auto& d : lines) want_lines.emplace(d.extension, &d);
    for (const auto& d : phones) want_phones.emplace(d.extension, &d);

    // what the link monitors now (a new line or phone of an extension already monitored for the
    // other kind gets no new truth from the link: see below)
    std::unordered_set<std::string> monitored_before;
    {
        auto before = devices_monitored_locked(s);
        monitored_before.reserve(before.size());
        for (auto& d : before) monitored_before.insert(std::move(d));
    }
    std::vector<std::string> already_monitored;

    std::size_t added = 0, removed = 0, renamed = 0;
    // removed and renamed lines (tombstones stay in lines_: their ids and handles stay stale)
    for (std::size_t i = 0; i < s.lines_.size(); ++i) {
        const auto l = s.lines_[i];
        if (l->removed) continue;
        auto it = want_lines.find(l->extension);
        if (it == want_lines.end()) {
            remove_line_locked(s, l);
            ++removed;
            continue;
        }
        const auto& d = *it->second;
        std::optional<std::string> group;
        if (!d.pickup_group.empty()) group = d.pickup_group;
        if (l->name != d.name || l->pickup_group != group || l->role != d.role) {
            l->name = d.name;
            l->pickup_group = group;
            l->role = d.role;
            ++renamed;
            if (l->line_states & LINEDEVSTATE_CAPSCHANGE) {
                s.line_event_locked(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_CAPSCHANGE, 0, 0);
            }
        }
    }
    for (const auto& d : lines) {
        if (s.line_by_extension_.count(d.extension)) continue;
        auto l = make_line(ctx, d);
        l->awaiting_create = true;
        if (monitored_before.count(l->extension)) already_monitored.push_back(l->extension);
        const auto temp = static_cast<DWORD_PTR>(s.lines_.size());
        s.line_by_extension_.emplace(l->extension, l);
        s.lines_.push_back(l);
        ++added;
        if (s.line_create_proc_) {
            s.tapi_.push([proc = s.line_create_proc_, hp = s.provider_handle_, temp] {
                proc(nullptr, nullptr, LINE_CREATE, reinterpret_cast<DWORD_PTR>(hp), temp, 0);
            });
        }
    }
    for (std::size_t i = 0; i < s.phones_.size(); ++i) {
        const auto ph = s.phones_[i];
        if (ph->removed) continue;
        auto it = want_phones.find(ph->extension);
        if (it == want_phones.end()) {
            remove_phone_locked(s, ph);
            ++removed;
            continue;
        }
        if (ph->name != it->second->name) {
            ph->name = it->second->name;
            ++renamed;
            devices::report_phone_state_locked(s, ph, PHONESTATE_CAPSCHANGE, 0);
        }
    }
    for (const auto& d : phones) {
        if (s.phone_by_extension_.count(d.extension)) continue;
        auto ph = make_phone(ctx, d);
        ph->awaiting_create = true;
        if (monitored_before.count(ph->extension)) already_monitored.push_back(ph->extension);
        const auto temp = static_cast<DWORD_PTR>(s.phones_.size());
        s.phone_by_extension_.emplace(ph->extension, ph);
        s.phones_.push_back(ph);
        ++added;
        if (s.phone_create_proc_) {
            s.tapi_.push([proc = s.phone_create_proc_, hp = s.provider_handle_, temp] {
                proc(nullptr, PHONE_CREATE, reinterpret_cast<DWORD_PTR>(hp), temp, 0);
            });
        }
    }

    const bool link_changed =
        next.link.endpoints.size() != s.settings_->link.endpoints.size() ||
        !std::equal(next.link.endpoints.begin(), next.link.endpoints.end(),
                    s.settings_->link.endpoints.begin(),
                    [](const auto& a, const auto& b) { return a.url == b.url; }) ||
        next.link.tls.ca_file != s.settings_->link.tls.ca_file ||
        next.link.auth.token_file != s.settings_->link.auth.token_file ||
        next.link.auth.token_env != s.settings_->link.auth.token_env;
    if (link_changed) {
        s.log(level::warn,
              "configuration reload: switch settings changed; they apply at the next "
              "provider start (TSPI_providerInit)");
    }
    if ((added != 0 || removed != 0) && s.link_) {
        // The link monitors the new set: added extensions are monitored and snapshot (each comes
        // in service when its truth arrives, at once if the link is live: on_device_truth), removed
        // ones get MonitorStop. set_devices never blocks nor calls back synchronously, so it is
        // called under the lock, which keeps successive reloads in order.
        s.link_->set_devices(devices_monitored_locked(s));
        // A new line (phone) of an extension already monitored for its phone (line) gets no new
        // truth: the device's events already flow, so it is in service whenever the link is live.
        // (Calls that existed before the reload show up on the new line at the next resync.)
        if (s.link_live_) {
            for (const auto& ext : already_monitored) {
                auto l = s.line_by_extension_.find(ext);
                auto ph = s.phone_by_extension_.find(ext);
                const bool up = (l != s.line_by_extension_.end() && l->second->in_service) ||
                                (ph != s.phone_by_extension_.end() && ph->second->in_service);
                if (up) devices_set_in_service_locked(s, ext, true);
            }
        }
    }
    s.dial_plan_.emplace(next.dialing);
    s.settings_ = std::move(next);
    agents::groups_changed_locked(s, groups_before);
    s.log(level::info, "configuration reloaded: " + std::to_string(added) + " devices added, " +
                           std::to_string(removed) + " removed, " + std::to_string(renamed) +
                           " renamed");
    return {};
}

}  // namespace ctigw::tsp
