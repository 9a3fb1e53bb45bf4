// switch_model monitoring and snapshot services, the device list (GetSwitchingFunctionDevices)
// and the session-level services (system status, Hello, Authenticate).
#include <algorithm>

#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace sv = protocol::svc;
namespace errv = protocol::error_values;

std::vector<protocol::snapshot_connection> switch_model::impl::snapshot(
    const std::string& device) const {
    std::vector<protocol::snapshot_connection> out;
    const device_state* dev = find_device(device);
    if (dev == nullptr) return out;
    for (const auto& cid : dev->calls) {
        auto it = calls_.find(cid);
        if (it == calls_.end()) continue;
        const party* p = find_party(it->second, device);
        if (p == nullptr) continue;
        out.push_back(protocol::snapshot_connection{{cid, device},
                                                    p->state,
                                                    it->second.calling_device,
                                                    it->second.called_device,
                                                    it->second.correlator});
    }
    return out;
}

// ---- monitoring and snapshot services -----------------------------------------------------------

std::variant<std::string, csta_error> switch_model::impl::start_monitor(session_id session,
                                                                        const std::string& device) {
    device_state* dev = find_device(device);
    if (dev == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "device " + device + " is not configured");
    }
    auto& mine = session_monitors_[session];
    if (auto it = mine.find(device); it != mine.end()) return it->second;
    if (monitors_.size() >= max_monitors) {
        return make_error(error_category::system_resource_availability,
                          errv::overall_monitor_limit_exceeded, "switch-wide monitor limit");
    }
    std::string ref = "m-" + std::to_string(next_monitor_++);
    monitors_.emplace(ref, monitor_rec{session, device});
    mine.emplace(device, ref);
    dev->monitors.emplace_back(session, ref);
    stats_.monitors = monitors_.size();
    return ref;
}

std::optional<csta_error> switch_model::impl::stop_monitor(session_id session,
                                                           const std::string& ref) {
    auto it = monitors_.find(ref);
    if (it == monitors_.end() || it->second.session != session) {
        return make_error(error_category::operation, errv::invalid_monitor_cross_ref_id,
                          "unknown monitorRef " + ref);
    }
    if (device_state* dev = find_device(it->second.device)) {
        std::erase_if(dev->monitors, [&](const auto& m) { return m.second == ref; });
    }
    if (auto s = session_monitors_.find(session); s != session_monitors_.end()) {
        s->second.erase(it->second.device);
        if (s->second.empty()) session_monitors_.erase(s);
    }
    monitors_.erase(it);
    stats_.monitors = monitors_.size();
    return std::nullopt;
}

outcome<sv::monitor_start> switch_model::impl::serve(session_id s,
                                                     const sv::monitor_start::params& p,
                                                     time_point) {
    auto r = start_monitor(s, p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    return sv::monitor_start::result{std::get<std::string>(r), {}};
}

outcome<sv::monitor_start_batch> switch_model::impl::serve(session_id s,
                                                           const sv::monitor_start_batch::params& p,
                                                           time_point) {
    sv::monitor_start_batch::result out;
    out.results.reserve(p.devices.size());
    for (const auto& d : p.devices) {
        auto r = start_monitor(s, d);
        sv::monitor_item item{d, {}, {}, {}};
        if (auto* e = std::get_if<csta_error>(&r)) {
            item.error = *e;
        } else {
            item.monitor_ref = std::get<std::string>(r);
        }
        out.results.push_back(std::move(item));
    }
    return out;
}

outcome<sv::monitor_stop> switch_model::impl::serve(session_id s, const sv::monitor_stop::params& p,
                                                    time_point) {
    if (auto e = stop_monitor(s, p.monitor_ref)) return *e;
    return sv::monitor_stop::result{};
}

outcome<sv::monitor_stop_batch> switch_model::impl::serve(session_id s,
                                                          const sv::monitor_stop_batch::params& p,
                                                          time_point) {
    sv::monitor_stop_batch::result out;
    for (const auto& ref : p.monitor_refs) {
        out.results.push_back(sv::monitor_stop_item{ref, stop_monitor(s, ref)});
    }
    return out;
}

outcome<sv::snapshot_device> switch_model::impl::serve(session_id,
                                                       const sv::snapshot_device::params& p,
                                                       time_point) {
    if (find_device(p.device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "device " + p.device + " is not configured");
    }
    return sv::snapshot_device::result{snapshot(p.device)};
}

outcome<sv::snapshot_device_batch> switch_model::impl::serve(
    session_id, const sv::snapshot_device_batch::params& p, time_point) {
    sv::snapshot_device_batch::result out;
    for (const auto& d : p.devices) {
        sv::snapshot_item item{d, {}, std::nullopt};
        if (find_device(d) == nullptr) {
            item.error = make_error(error_category::operation, errv::invalid_device_id,
                                    "device " + d + " is not configured");
        } else {
            item.connections = snapshot(d);
        }
        out.results.push_back(std::move(item));
    }
    return out;
}

outcome<sv::snapshot_call> switch_model::impl::serve(session_id, const sv::snapshot_call::params& p,
                                                     time_point) {
    const call_rec* c = find_call(p.call_id);
    if (c == nullptr) {
        return make_error(error_category::operation, errv::invalid_call_id,
                          "unknown callID " + p.call_id);
    }
    sv::snapshot_call::result out;
    for (const party& x : c->parties) {
        out.parties.push_back(protocol::call_party{{c->id, x.device}, x.state});
    }
    out.correlator_data = c->correlator;
    return out;
}

/// Pages over stations, then orbits, then pickup groups (or one of those lists). The cursor is
/// "<list>:<index>"; it stays valid until the configuration changes (it never does at run time).
outcome<sv::get_switching_function_devices> switch_model::impl::serve(
    session_id, const sv::get_switching_function_devices::params& p, time_point) {
    using protocol::device_category;
    char list = 'a';
    if (p.category) {
        switch (*p.category) {
            case device_category::station:
                list = 's';
                break;
            case device_category::park:
                list = 'p';
                break;
            case device_category::pickup_group:
                list = 'g';
                break;
            case device_category::acd:
                list = 'q';
                break;
            default:
                list = 'x';
                break;
        }
    }
    std::vector<const std::vector<protocol::device_info>*> parts;
    if (list == 'a' || list == 's') parts.push_back(&device_lists_[0]);
    if (list == 'a' || list == 'p') parts.push_back(&device_lists_[1]);
    if (list == 'a' || list == 'g') parts.push_back(&device_lists_[2]);
    if (list == 'a' || list == 'q') parts.push_back(&device_lists_[3]);
    std::size_t total = 0;
    for (const auto* v : parts) total += v->size();

    std::size_t start = 0;
    if (p.cursor) {
        const std::string& c = *p.cursor;
        std::size_t idx = 0;
        const bool ok = c.size() > 2 && c[0] == list && c[1] == ':' && all_digits(c.substr(2)) &&
                        (idx = static_cast<std::size_t>(to_number(c.substr(2)))) <= total;
        if (!ok) {
            return make_error(error_category::operation, errv::invalid_parameter_value,
                              "/params/cursor: unknown cursor");
        }
        start = idx;
    }
    std::uint32_t max_count = p.max_count.value_or(1000);
    if (max_count == 0) {
        return make_error(error_category::operation, errv::invalid_parameter_value,
                          "/params/maxCount: must be at least 1");
    }
    max_count = std::min<std::uint32_t>(max_count, 10000);
    sv::get_switching_function_devices::result out;
    std::size_t i = start;
    const std::size_t end = std::min(total, start + max_count);
    std::size_t base = 0;
    for (const auto* v : parts) {
        while (i < end && i < base + v->size()) {
            out.devices.push_back((*v)[i - base]);
            ++i;
        }
        base += v->size();
    }
    if (end < total) out.next_cursor = std::string{list} + ":" + std::to_string(end);
    return out;
}

outcome<sv::request_system_status> switch_model::impl::serve(
    session_id, const sv::request_system_status::params&, time_point) {
    return sv::request_system_status::result{protocol::system_status::normal};
}

outcome<sv::hello> switch_model::impl::serve(session_id, const sv::hello::params&, time_point) {
    return make_error(error_category::operation, errv::generic, "Hello is the server's business");
}

outcome<sv::authenticate> switch_model::impl::serve(session_id, const sv::authenticate::params&,
                                                    time_point) {
    return make_error(error_category::operation, errv::generic,
                      "Authenticate is the server's business");
}

}  // namespace ctigw::gateway::sim
