#include "session_logic.hpp"

#include <algorithm>

namespace ctigw::pbx_link::detail {

using protocol::system_status;

std::optional<status_resync> switch_service::on_status(link_state state, system_status status) {
    if (state != link_state::monitoring && state != link_state::resyncing &&
        state != link_state::live) {
        return std::nullopt;
    }
    switch (status) {
        case system_status::messages_lost:
            return status_resync{"systemStatus messagesLost", true};
        case system_status::initializing:
            awaiting_ = true;
            return status_resync{"systemStatus initializing"};
        case system_status::disabled:
            awaiting_ = true;
            hold_ = true;
            return status_resync{"systemStatus disabled: not live until enabled/normal"};
        case system_status::enabled:
            awaiting_ = false;
            hold_ = false;
            return status_resync{"systemStatus enabled"};
        case system_status::normal:
            if (!awaiting_) return std::nullopt;
            awaiting_ = false;
            hold_ = false;
            return status_resync{"systemStatus normal after initializing/disabled"};
        default:
            return std::nullopt;
    }
}

bool retry_later(const protocol::csta_error& e) {
    return e.value == protocol::error_values::performance_limit_exceeded;
}

namespace {

bool is_wanted(const protocol::string_set& wanted, const std::string& device) {
    return wanted.count(device) != 0;
}

/// Results are in request order; devices the switch left out go round again.
void retry_left_out(const std::vector<std::string>& devices, std::size_t answered,
                    const protocol::string_set& wanted, batch_sorting& out) {
    for (std::size_t i = answered; i < devices.size(); ++i) {
        if (is_wanted(wanted, devices[i])) out.retry.push_back(devices[i]);
    }
}

}  // namespace

batch_sorting sort_refused_batch(const std::vector<std::string>& devices,
                                 const protocol::csta_error& error,
                                 const protocol::string_set& wanted) {
    batch_sorting out;
    for (const auto& d : devices) {
        if (is_wanted(wanted, d)) out.truths.push_back(device_truth{d, {}, error, {}});
    }
    return out;
}

batch_sorting sort_monitor_batch(const std::vector<std::string>& devices,
                                 protocol::svc::monitor_start_batch::result& r,
                                 const protocol::string_set& wanted, monitor_map& monitors) {
    batch_sorting out;
    for (auto& item : r.results) {
        if (!is_wanted(wanted, item.device)) {
            if (item.monitor_ref) out.stop_refs.push_back(std::move(*item.monitor_ref));
        } else if (item.monitor_ref) {
            monitors.add(*item.monitor_ref, item.device);
            monitors.set_capabilities(item.device, std::move(item.caps));
            out.monitored.push_back(item.device);
        } else if (item.error && retry_later(*item.error)) {
            out.retry.push_back(item.device);
        } else {
            out.truths.push_back(device_truth{item.device, {}, item.error, {}});
        }
    }
    retry_left_out(devices, r.results.size(), wanted, out);
    return out;
}

batch_sorting sort_snapshot_batch(const std::vector<std::string>& devices,
                                  protocol::svc::snapshot_device_batch::result& r,
                                  const protocol::string_set& wanted, const monitor_map& monitors) {
    batch_sorting out;
    for (auto& item : r.results) {
        if (!is_wanted(wanted, item.device) || !monitors.monitored(item.device)) continue;
        if (item.error && retry_later(*item.error)) {
            out.retry.push_back(item.device);
            continue;
        }
        out.truths.push_back(device_truth{item.device, std::move(item.connections), item.error,
                                          monitors.capabilities(item.device)});
    }
    retry_left_out(devices, r.results.size(), wanted, out);
    return out;
}

bool malformed_window::count(time_point now) {
    times_.push_back(now);
    while (!times_.empty() && now - times_.front() > std::chrono::minutes(1)) times_.pop_front();
    return times_.size() > tolerance_;
}

milliseconds heartbeat_send_interval(milliseconds ours, milliseconds switches) {
    return std::max(std::min(ours, switches), milliseconds{1});
}

heartbeat_action heartbeat_check(time_point now, milliseconds interval, std::uint32_t missed,
                                 const heartbeat_view& v) {
    if (!v.read_paused && now - v.last_received > interval * missed) return heartbeat_action::dead;
    if (now - v.last_sent >= interval && v.queued_writes == 0) return heartbeat_action::send;
    return heartbeat_action::none;
}

}  // namespace ctigw::pbx_link::detail
