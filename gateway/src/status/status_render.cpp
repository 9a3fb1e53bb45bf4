// Snapshot, events/s and the two machine-readable renderings of the status server.
#include "status_render.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <type_traits>

#include "ctigw/gateway/backend.hpp"
#include "ctigw/gateway/server.hpp"

#ifndef CTIGW_GATEWAY_VERSION
#error "CTIGW_GATEWAY_VERSION must be defined by the build (gateway/CMakeLists.txt)"
#endif

namespace ctigw::gateway {

std::string_view gateway_version() noexcept {
    return CTIGW_GATEWAY_VERSION;
}

status_snapshot make_status_snapshot(const server& srv, const switch_backend& backend,
                                     const std::vector<std::string>& client_names,
                                     std::chrono::steady_clock::time_point started) {
    const server_stats st = srv.stats();
    status_snapshot s;
    s.version = std::string(gateway_version());
    s.instance = srv.instance_id();
    s.uptime_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    s.backend_kind = std::string(backend.kind());
    s.backend_up = backend.status() == backend_status::up;
    s.backend_instance = backend.instance_id();
    s.sessions_open = st.sessions_open;
    s.sessions_accepted = st.sessions_accepted;
    for (const auto& name : client_names) s.sessions_by_client.emplace(name, 0);
    for (const auto& [name, count] : st.sessions_by_client) s.sessions_by_client[name] = count;
    s.devices_monitored = st.devices_monitored;
    s.monitors = st.monitors;
    s.active_calls = backend.active_calls();
    s.frames_received = st.frames_received;
    s.frames_sent = st.frames_sent;
    s.events_sent = st.events_sent;
    s.events_encoded = st.events_encoded;
    s.malformed_received = st.malformed_received;
    s.slow_consumers_dropped = st.slow_consumers_dropped;
    s.tls_handshake_failures = st.tls_handshake_failures;
    s.authentication_failures = st.authentication_failures;
    s.access_refusals = st.access_refusals;
    s.requests_rate_limited = st.requests_rate_limited;
    s.requests_by_service = st.requests_by_service;
    return s;
}

}  // namespace ctigw::gateway

namespace ctigw::gateway::status {

rate_meter::rate_meter(std::chrono::milliseconds window, std::chrono::milliseconds min_spacing)
    : window_(window), min_spacing_(min_spacing) {}

double rate_meter::sample(time_point now, std::uint64_t value) {
    if (!samples_.empty() && (value < samples_.back().value || now < samples_.back().at)) {
        samples_.clear();  // a counter reset or a clock that went back: start again
    }
    if (samples_.size() >= 2 && now - samples_.back().at < min_spacing_) {
        samples_.back() = {now, value};
    } else {
        samples_.push_back({now, value});
    }
    // Keep exactly one sample at or before the window's start: the base of the rate.
    const auto window_start = now - window_;
    while (samples_.size() >= 2 && samples_[1].at <= window_start) samples_.pop_front();
    // Bounded whatever the clock does (min_spacing makes this unreachable in practice).
    while (samples_.size() > 1024) samples_.pop_front();

    const auto& first = samples_.front();
    const auto& last = samples_.back();
    const double seconds = std::chrono::duration<double>(last.at - first.at).count();
    if (seconds <= 0) return 0;
    return static_cast<double>(last.value - first.value) / seconds;
}

std::string escape_exposition(std::string_view s, bool help) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '"':
                if (help) {
                    out += c;
                } else {
                    out += "\\\"";
                }
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

std::string number(double v) {
    if (!std::isfinite(v)) return "0";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::string("0");
}

template <typename T>
requires std::is_integral_v<T> std::string number(T v) {
    return std::to_string(v);
}

/// Writes one metric family: HELP and TYPE, then its samples.
class exposition {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += escape_exposition(help, true);
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    template <typename V>
    void sample(std::string_view name, V value, std::string_view labels = {}) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += number(value);
        out_ += '\n';
    }
    template <typename V>
    void one(std::string_view name, std::string_view type, std::string_view help, V value) {
        family(name, type, help);
        sample(name, value);
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

std::string label(std::string_view name, std::string_view value) {
    return std::string(name) + "=\"" + escape_exposition(value) + '"';
}

}  // namespace

std::string render_metrics(const status_snapshot& s, double eps) {
    exposition m;
    const std::string info_labels = label("version", s.version) + "," +
                                    label("instance", s.instance) + "," +
                                    label("backend", s.backend_kind);
    m.family("ctigw_gateway_info", "gauge", "The gateway's version and instance (always 1).");
    m.sample("ctigw_gateway_info", 1, info_labels);
    m.one("ctigw_gateway_uptime_seconds", "gauge", "Seconds since the gateway started.",
          s.uptime_seconds);

    m.family("ctigw_gateway_backend_up", "gauge",
             "1 while the switch backend is up, 0 while it is down.");
    m.sample("ctigw_gateway_backend_up", s.backend_up ? 1 : 0,
             label("kind", s.backend_kind) + "," + label("instance", s.backend_instance));

    m.one("ctigw_gateway_sessions_open", "gauge", "Client sessions open now.", s.sessions_open);
    m.one("ctigw_gateway_sessions_accepted_total", "counter", "Client sessions accepted.",
          s.sessions_accepted);
    m.family("ctigw_gateway_client_sessions_open", "gauge",
             "Sessions open now per configured client name.");
    for (const auto& [name, count] : s.sessions_by_client) {
        m.sample("ctigw_gateway_client_sessions_open", count, label("client", name));
    }
    m.one("ctigw_gateway_devices_monitored", "gauge",
          "Distinct devices with at least one session monitor.", s.devices_monitored);
    m.one("ctigw_gateway_monitors", "gauge", "Session monitors.", s.monitors);
    m.one("ctigw_gateway_active_calls", "gauge", "Calls the switch backend has now.",
          s.active_calls);
    m.one("ctigw_gateway_events_per_second", "gauge",
          "Event frames sent per second over the last few seconds (for the status page; use "
          "rate(ctigw_gateway_events_sent_total) in queries).",
          eps);

    m.one("ctigw_gateway_frames_received_total", "counter", "WebSocket frames received.",
          s.frames_received);
    m.one("ctigw_gateway_frames_sent_total", "counter", "WebSocket frames sent.", s.frames_sent);
    m.one("ctigw_gateway_events_sent_total", "counter", "Event frames sent, over all sessions.",
          s.events_sent);
    m.one("ctigw_gateway_events_encoded_total", "counter",
          "Backend events encoded (once each, then fanned out).", s.events_encoded);
    m.one("ctigw_gateway_malformed_frames_total", "counter", "Malformed frames received.",
          s.malformed_received);
    m.one("ctigw_gateway_slow_consumers_dropped_total", "counter",
          "Sessions closed because their send queue overflowed.", s.slow_consumers_dropped);
    m.one("ctigw_gateway_tls_handshake_failures_total", "counter", "Failed TLS handshakes.",
          s.tls_handshake_failures);
    m.one("ctigw_gateway_authentication_failures_total", "counter",
          "Refused authentications (unknown token).", s.authentication_failures);
    m.one("ctigw_gateway_access_refusals_total", "counter",
          "Requests or monitors refused as outside a client's rights.", s.access_refusals);
    m.one("ctigw_gateway_requests_rate_limited_total", "counter",
          "Requests answered resourceBusy by the per-session rate limit.", s.requests_rate_limited);
    m.family("ctigw_gateway_requests_total", "counter", "Requests executed, by service.");
    for (const auto& [service, count] : s.requests_by_service) {
        m.sample("ctigw_gateway_requests_total", count, label("service", service));
    }
    return m.take();
}

std::string render_status_json(const status_snapshot& s, double eps) {
    using nlohmann::json;
    json clients = json::object();
    for (const auto& [name, count] : s.sessions_by_client) clients[name] = count;
    json services = json::object();
    for (const auto& [name, count] : s.requests_by_service) services[name] = count;
    const json doc = {
        {"gateway",
         {{"version", s.version}, {"instance", s.instance}, {"uptimeSeconds", s.uptime_seconds}}},
        {"backend",
         {{"kind", s.backend_kind},
          {"status", s.backend_up ? "up" : "down"},
          {"instance", s.backend_instance}}},
        {"sessions",
         {{"open", s.sessions_open}, {"accepted", s.sessions_accepted}, {"byClient", clients}}},
        {"devicesMonitored", s.devices_monitored},
        {"monitors", s.monitors},
        {"activeCalls", s.active_calls},
        {"eventsPerSecond", std::isfinite(eps) ? eps : 0.0},
        {"counters",
         {{"framesReceived", s.frames_received},
          {"framesSent", s.frames_sent},
          {"eventsSent", s.events_sent},
          {"eventsEncoded", s.events_encoded},
          {"malformedReceived", s.malformed_received},
          {"slowConsumersDropped", s.slow_consumers_dropped},
          {"tlsHandshakeFailures", s.tls_handshake_failures},
          {"authenticationFailures", s.authentication_failures},
          {"accessRefusals", s.access_refusals}}},
        {"requestsByService", services},
    };
    // Names come from the config; replace rather than throw should one not be UTF-8.
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ctigw::gateway::status
