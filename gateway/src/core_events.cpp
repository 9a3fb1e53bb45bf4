// The gateway's protocol core, second half: monitors (start, stop, their references) and the
// fan-out of backend events to the sessions that monitor a device, in per-call order; backend
// status and injected faults. Sessions and requests are in core.cpp.
#include <algorithm>
#include <chrono>

#include "access_rules.hpp"
#include "ctigw/protocol/timestamp.hpp"
#include "server_core.hpp"

namespace ctigw::gateway::detail {

using namespace protocol;

namespace {

/// The callID an event is about, so that reordering keeps each call's events in order.
std::string call_of(const event_body& body) {
    return std::visit(
        [](const auto& e) -> std::string {
            using E = std::remove_cvref_t<decltype(e)>;
            if constexpr (requires { e.connection.call_id; })
                return e.connection.call_id;
            else if constexpr (requires { e.initiated_connection; })
                return e.initiated_connection.call_id;
            else if constexpr (requires { e.originated_connection; })
                return e.originated_connection.call_id;
            else if constexpr (requires { e.established_connection; })
                return e.established_connection.call_id;
            else if constexpr (requires { e.held_connection; })
                return e.held_connection.call_id;
            else if constexpr (requires { e.retrieved_connection; })
                return e.retrieved_connection.call_id;
            else if constexpr (requires { e.dropped_connection; })
                return e.dropped_connection.call_id;
            else if constexpr (requires { e.primary_old_call; })
                return e.primary_old_call.call_id;
            else if constexpr (requires { e.queued_connection; })
                return e.queued_connection.call_id;
            else if constexpr (requires { e.failed_connection; })
                return e.failed_connection.call_id;
            else if constexpr (requires { e.outbound_connection; })
                return e.outbound_connection.call_id;
            else if constexpr (std::is_same_v<E, evt::call_cleared>)
                return e.cleared_call;
            else
                return {};
        },
        body);
}

/// Frames that break the protocol in different ways, for the `malformed` fault.
constexpr std::array<std::string_view, 6> malformed_frames{
    R"({"type":"event","seq":)",
    R"([1,2,3])",
    R"({"type":"teleport","id":"x"})",
    R"({"type":"event","seq":"seven","event":"Held","data":{}})",
    R"({"type":"event","seq":1,"event":"Delivered","data":{"connection":42}})",
    "\xff\xfe not utf-8 \xc3\x28"};

}  // namespace

// ---- monitors -----------------------------------------------------------------------------------

std::variant<std::string, csta_error> server_core::start_monitor(session_base& s,
                                                                 const std::string& device) {
    if (auto it = s.monitor_of_device.find(device); it != s.monitor_of_device.end()) {
        return it->second;
    }
    if (rights(s, device) == access::none) {
        note_refusal(s, "MonitorStart", "device " + device);
        return privilege_violation("device " + device);
    }
    if (!backend.is_device(device)) {
        return error(error_category::operation, error_values::invalid_device_id,
                     "device " + device + " is not configured");
    }
    auto& list = watchers[device];
    if (list.empty()) {
        if (auto e = backend.monitor(device)) {
            watchers.erase(device);
            return *e;
        }
        stats.devices_monitored = watchers.size();
    }
    std::string ref = "m-" + std::to_string(next_monitor++);
    list.emplace_back(s.id(), ref);
    s.monitor_of_device.emplace(device, ref);
    s.device_of_monitor.emplace(ref, device);
    ++stats.monitors;
    return ref;
}

std::optional<csta_error> server_core::stop_monitor(session_base& s, const std::string& ref) {
    auto it = s.device_of_monitor.find(ref);
    if (it == s.device_of_monitor.end()) {
        return error(error_category::operation, error_values::invalid_monitor_cross_ref_id,
                     "unknown monitorRef " + ref);
    }
    const std::string device = it->second;
    s.device_of_monitor.erase(it);
    s.monitor_of_device.erase(device);
    --stats.monitors;
    unwatch(device, ref);
    return std::nullopt;
}

void server_core::unwatch(const std::string& device, const std::string& ref) {
    auto w = watchers.find(device);
    if (w == watchers.end()) return;
    std::erase_if(w->second, [&](const auto& m) { return m.second == ref; });
    if (w->second.empty()) {
        watchers.erase(w);
        stats.devices_monitored = watchers.size();
        backend.unmonitor(device);
    }
}

// ---- events -------------------------------------------------------------------------------------

void server_core::on_device_event(const std::string& device, const event_body& body) {
    auto w = watchers.find(device);
    if (w == watchers.end()) return;
    // Encoded once; each session adds its own seq and monitorRef.
    auto tail = std::make_shared<const std::string>(encode_event_tail(
        body, options.event_timestamps
                  ? std::optional(format_timestamp(std::chrono::system_clock::now()))
                  : std::nullopt));
    ++stats.events_encoded;
    const auto version = event_since_version(body);
    const auto targets = w->second;  // a send may close a slow session, which edits the table
    for (const auto& [id, ref] : targets) {
        auto it = sessions.find(id);
        if (it == sessions.end()) continue;
        auto& s = *it->second;
        if (version > s.version) continue;  // unknown to that session's version
        if (reorder) {
            s.reorder_buffer.push_back({call_of(body), ref, tail});
            auto self = shared_from_this();
            if (s.reorder_buffer.size() == 1 && schedule) {
                schedule(milliseconds{0}, [self, weak = std::weak_ptr(it->second)] {
                    if (auto live = weak.lock()) self->flush_reordered(*live);
                });
            }
        } else {
            send_event(s, ref, *tail);
        }
    }
}

void server_core::send_event(session_base& s, const std::string& ref, const std::string& tail) {
    ++stats.events_sent;
    s.send(event_frame(s.next_seq++, ref, tail));
}

void server_core::flush_reordered(session_base& s) {
    // Calls in reverse order of first appearance: events of different calls are reordered,
    // each call's own events stay in order.
    std::vector<std::string> order;
    for (const auto& h : s.reorder_buffer) {
        if (std::find(order.begin(), order.end(), h.call) == order.end()) order.push_back(h.call);
    }
    auto buffer = std::move(s.reorder_buffer);
    s.reorder_buffer.clear();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        for (auto& h : buffer) {
            if (h.call == *it) send_event(s, h.monitor_ref, *h.tail);
        }
    }
}

void server_core::on_backend_status(backend_status status, bool restarted, const std::string& why) {
    log("backend " + std::string(backend.kind()) + ": " + std::string(to_string(status)) +
        (restarted ? " (restarted)" : "") + ": " + why);
    if (restarted) {
        // The switch lost its calls: every session must start over with the new instance id.
        // `initializing` first, so that a client reading it marks its lines out of service
        // even before it sees the close.
        send_system_status(system_status::initializing);
        watchers.clear();
        stats.devices_monitored = 0;
        auto all = sessions;
        for (auto& [id, s] : all) {
            s->monitor_of_device.clear();
            s->device_of_monitor.clear();
            s->close(1001, "switch restarted");
        }
        stats.monitors = 0;
        return;
    }
    send_system_status(status == backend_status::down ? system_status::disabled
                                                      : system_status::enabled);
}

// ---- faults -------------------------------------------------------------------------------------

void server_core::send_malformed(std::uint32_t count) {
    log("fault: sending " + std::to_string(count) + " malformed frame(s) per session");
    for (auto& [id, s] : sessions) {
        for (std::uint32_t i = 0; i < count; ++i) {
            s->send(std::string(malformed_frames[i % malformed_frames.size()]));
        }
    }
}

void server_core::send_system_status(system_status status) {
    log("systemStatus " + std::string(protocol::to_string(status)));
    for (auto& [id, s] : sessions) {
        if (s->state_ != session_state::ready) continue;
        s->send(s->wire->encode(system_status_message{s->next_seq++, status, {}}));
    }
}

}  // namespace ctigw::gateway::detail
