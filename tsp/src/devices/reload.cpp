// provider::reload(): the configuration read again while TAPI runs — lines and phones added
// (LINE_CREATE / PHONE_CREATE), removed (LINE_REMOVE / PHONE_REMOVE, their handles stale), the
// monitored set and the settings changed; a bad file keeps the running configuration.
#include <algorithm>
#include <unordered_set>

#include "agents/agents.hpp"
#include "ctigw/config/devices.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp {

namespace {

void remove_line(locked_provider& p, const line_ptr& l) {
    const bool tapi_knows = !l->awaiting_create();
    device_machine::remove(p, *l);
    p.line_by_extension_.erase(l->extension);
    // complete call-less requests now: TAPI closes the line after LINE_REMOVE anyway
    auto pending = std::move(l->pending);
    l->pending.clear();
    for (auto& r : pending) p.complete(r, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    if (!tapi_knows) return;  // TAPI never heard of it (see tspi-mapping.md)
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

void remove_phone(locked_provider& p, const phone_ptr& ph) {
    const bool tapi_knows = !ph->awaiting_create();
    device_machine::remove(p, *ph);
    p.phone_by_extension_.erase(ph->extension);
    auto pending = std::move(ph->pending);
    ph->pending.clear();
    for (auto& r : pending) p.complete(r, static_cast<LONG>(PHONEERR_OPERATIONFAILED));
    if (!tapi_knows) return;
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
    auto& st = *state_;
    auto loaded = st.env_.load_config
                      ? st.env_.load_config()
                      : std::variant<config::settings, std::string>("no configuration loader");
    if (auto* err = std::get_if<std::string>(&loaded)) {
        st.log(level::error, "configuration reload refused, the running configuration stays:");
        std::size_t start = 0;
        while (start <= err->size()) {
            const auto end = err->find('\n', start);
            const auto part =
                err->substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!part.empty()) st.log(level::error, "  " + part);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return err->empty() ? std::string("configuration refused") : *err;
    }
    auto next = std::move(std::get<config::settings>(loaded));

    const auto held = st.lock();
    auto& s = *held;
    if (!s.settings_ || !s.initialized_) {
        s.log(level::info, "configuration reload: provider not initialized, nothing to apply");
        return {};
    }
    auto& ctx = devices_of(s);
    const auto groups_before = agents::group_extensions(s);
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
        auto before = devices_monitored(s);
        monitored_before.reserve(before.size());
        for (auto& d : before) monitored_before.insert(std::move(d));
    }
    std::vector<std::string> already_monitored;

    std::size_t added = 0, removed = 0, renamed = 0;
    // removed and renamed lines (tombstones stay in lines_: their ids and handles stay stale)
    for (std::size_t i = 0; i < s.lines_.size(); ++i) {
        const auto l = s.lines_[i];
        if (l->removed()) continue;
        auto it = want_lines.find(l->extension);
        if (it == want_lines.end()) {
            remove_line(s, l);
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
                s.line_event(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_CAPSCHANGE, 0, 0);
            }
        }
    }
    for (const auto& d : lines) {
        if (s.line_by_extension_.count(d.extension)) continue;
        auto l = devices::make_line(ctx, d);
        device_machine::await_create(s, *l);
        if (monitored_before.count(l->extension)) already_monitored.push_back(l->extension);
        const auto temp = static_cast<DWORD_PTR>(s.lines_.size());
        s.line_by_extension_.emplace(l->extension, l);
        s.add_line(l);
        ++added;
        if (s.line_create_proc_) {
            s.tapi_.push([proc = s.line_create_proc_, hp = s.provider_handle_, temp] {
                proc(nullptr, nullptr, LINE_CREATE, reinterpret_cast<DWORD_PTR>(hp), temp, 0);
            });
        }
    }
    for (std::size_t i = 0; i < s.phones_.size(); ++i) {
        const auto ph = s.phones_[i];
        if (ph->removed()) continue;
        auto it = want_phones.find(ph->extension);
        if (it == want_phones.end()) {
            remove_phone(s, ph);
            ++removed;
            continue;
        }
        if (ph->name != it->second->name) {
            ph->name = it->second->name;
            ++renamed;
            devices::report_phone_state(s, ph, PHONESTATE_CAPSCHANGE, 0);
        }
    }
    for (const auto& d : phones) {
        if (s.phone_by_extension_.count(d.extension)) continue;
        auto ph = devices::make_phone(ctx, d);
        device_machine::await_create(s, *ph);
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
        s.link_->set_devices(devices_monitored(s));
        // A new line (phone) of an extension already monitored for its phone (line) gets no new
        // truth: the device's events already flow, so it is in service whenever the link is live.
        // (Calls that existed before the reload show up on the new line at the next resync.)
        if (s.link_live_) {
            for (const auto& ext : already_monitored) {
                auto l = s.line_by_extension_.find(ext);
                auto ph = s.phone_by_extension_.find(ext);
                const bool up = (l != s.line_by_extension_.end() && l->second->in_service()) ||
                                (ph != s.phone_by_extension_.end() && ph->second->in_service());
                if (up) devices_set_in_service(s, ext, true);
            }
        }
    }
    s.dial_plan_.emplace(next.dialing);
    s.settings_ = std::move(next);
    agents::groups_changed(s, groups_before);
    s.log(level::info, "configuration reloaded: " + std::to_string(added) + " devices added, " +
                           std::to_string(removed) + " removed, " + std::to_string(renamed) +
                           " renamed");
    return {};
}

}  // namespace ctigw::tsp
