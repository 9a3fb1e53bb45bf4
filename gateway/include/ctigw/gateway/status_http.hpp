// The gateway's operations endpoint: plain HTTP with three read-only routes
// (docs/gateway-status.md)
//   GET /metrics      Prometheus text exposition format 0.0.4, metric names ctigw_gateway_*
//   GET /status.json  the same figures as JSON, for the status page and for scripts
//   GET /             a self-contained status page that refreshes from /status.json every second
// HEAD is accepted wherever GET is. The figures come from a snapshot function the owner supplies;
// the server itself only adds events/s, computed from successive events_sent samples.
//
// Security: there is no authentication and no TLS here, by design of the route set (counts only,
// no tokens, no device lists). Bind it to loopback or to a management network only. Requests are
// bounded (header and body size, a per-request timeout, a cap on open connections).
//
// Thread safety: the status server runs on the gateway's io_context, which exactly one thread runs
// (the same thread as server and backend). Construct it, call start(), stop() and port() on that
// thread (or before the thread runs the io_context); the snapshot and log functions are called on
// that thread only. The destructor calls stop().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace ctigw::gateway {

class server;
class switch_backend;

/// The figures shown by the status page and /metrics at one moment.
struct status_snapshot {
    std::string version;   ///< the gateway's version ("0.1.0")
    std::string instance;  ///< the gateway instance (server::instance_id())
    double uptime_seconds = 0;
    std::string backend_kind;  ///< "sim", "asterisk"
    bool backend_up = false;
    std::string backend_instance;  ///< changes when the switch restarts
    std::size_t sessions_open = 0;
    std::uint64_t sessions_accepted = 0;
    /// Open sessions per configured client name (never a token); clients without a session
    /// appear with 0.
    std::map<std::string, std::size_t, std::less<>> sessions_by_client;
    std::size_t devices_monitored = 0;
    std::size_t monitors = 0;
    std::size_t active_calls = 0;
    // Counters of server_stats (monotonic while the server lives).
    std::uint64_t frames_received = 0;
    std::uint64_t frames_sent = 0;
    std::uint64_t events_sent = 0;
    std::uint64_t events_encoded = 0;
    std::uint64_t malformed_received = 0;
    std::uint64_t slow_consumers_dropped = 0;
    std::uint64_t tls_handshake_failures = 0;
    std::uint64_t authentication_failures = 0;
    std::uint64_t access_refusals = 0;
    std::uint64_t requests_rate_limited = 0;
    std::map<std::string, std::uint64_t, std::less<>> requests_by_service;
};

/// The gateway's version, as CMake's project() declares it.
std::string_view gateway_version() noexcept;

/// A snapshot of a running gateway: server statistics, backend kind/status/instance/active calls,
/// and one sessions_by_client entry per name in `client_names` (the config's client names) plus
/// any other client that has a session. Call on the io thread.
status_snapshot make_status_snapshot(const server& srv, const switch_backend& backend,
                                     const std::vector<std::string>& client_names,
                                     std::chrono::steady_clock::time_point started);

struct status_options {
    std::string address = "127.0.0.1";  ///< loopback or a management network only
    std::uint16_t port = 0;             ///< 0: pick a free port (see port())
    /// Called on the io thread for every /metrics and /status.json request. May throw: the
    /// request is then answered 500 and the exception text logged.
    std::function<status_snapshot()> snapshot;
    /// One line per notable thing (start, refusals, failures). Default: stderr.
    std::function<void(std::string_view)> log;
    /// The clock of the events/s computation (tests step it). Default: steady_clock::now.
    std::function<std::chrono::steady_clock::time_point()> now;
    /// events/s is the increase of events_sent over this window (or since the previous sample
    /// when requests are rarer than that).
    std::chrono::milliseconds rate_window{10000};
    /// A connection must deliver a whole request, and take its response, within this time.
    std::chrono::milliseconds request_timeout{10000};
    std::size_t max_connections = 16;       ///< further connections are closed at once
    std::uint32_t max_header_bytes = 8192;  ///< larger request heads are answered 431
    std::uint64_t max_body_bytes = 1024;    ///< larger request bodies are answered 413
};

class status_server {
  public:
    status_server(boost::asio::io_context& io, status_options options);
    ~status_server();
    status_server(const status_server&) = delete;
    status_server& operator=(const status_server&) = delete;

    /// Binds and starts accepting. Returns an error text, or empty on success.
    std::string start();
    /// Stops accepting and closes every connection. Idempotent.
    void stop();
    /// The port actually bound (after start()), 0 when not listening.
    std::uint16_t port() const;

    /// Defined in status_http.cpp; shared with the connections, which may outlive this object
    /// until their handlers have run.
    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace ctigw::gateway
