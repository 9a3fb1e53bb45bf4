// The gateway's ctigw.csta.v1 server: TLS WebSocket sessions (or plain ws:// when asked),
// Hello/Authenticate with per-client rights, heartbeats, per-session event sequence numbers,
// monitors owned per session and fanned out from one switch backend (each event encoded once),
// bounded send queues, and the protocol faults the simulator offers for tests.
//
// Thread safety: the server runs on the io_context it is given, which exactly one thread runs.
// Every member function must be called on that thread, except post(), which any thread may call.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/backend.hpp"
#include "ctigw/protocol/codec.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::gateway {

namespace detail {
struct server_core;
}

using std::chrono::milliseconds;

/// Who a session is, once authenticated. `rights` must be cheap: it runs for every device of
/// every request and monitor.
struct client_identity {
    std::string name;
    std::function<access(std::string_view device)> rights;
};

/// Maps a presented token to a client; nullopt refuses it. Never logs the token.
using authenticator = std::function<std::optional<client_identity>(std::string_view token)>;

/// An authenticator for a single token with every right (the simulator's and the tests').
authenticator single_token(std::string token);

struct tls_files {
    std::filesystem::path certificate_chain;  ///< PEM, server certificate first
    std::filesystem::path private_key;        ///< PEM
    /// When set, clients must present a certificate issued by this CA.
    std::optional<std::filesystem::path> client_ca;
    /// For an encrypted private key; never logged. Empty: the key must not be encrypted.
    std::string private_key_passphrase;
};

/// One listening socket. All listeners share the server's backend, limits and TLS files.
struct listener_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: pick a free port (see server::ports())
    std::string target = "/csta";
    /// TLS with server_options::tls (which must then be set); false: plain ws://.
    bool tls = true;
};

struct server_options {
    /// The listener used when `listeners` is empty (TLS when `tls` is set). ctigw-pbxsim's form.
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: pick a free port (see server::port())
    /// Several listeners (ctigw-gateway's "listen"); when set, replaces bind_address, port and
    /// target above.
    std::vector<listener_options> listeners;
    /// nullopt: plain ws:// (only when the operator asks for it).
    std::optional<tls_files> tls;
    /// Lowest TLS version accepted (1.2 or 1.3).
    config::tls_version tls_min_version = config::tls_version::v1_2;
    /// Replaces the project's TLS 1.2 suites (ctigw/protocol/tls_policy.hpp), OpenSSL syntax:
    /// for old clients by explicit config, and for tests that play an old peer.
    std::string tls_cipher_list;
    /// Tests only: TLS 1.2 as the highest version (an old peer).
    bool tls12_only = false;
    authenticator authenticate;
    std::string target = "/csta";
    std::string switch_name = "ctigw-gateway";
    milliseconds heartbeat_interval{10000};
    std::uint32_t missed_heartbeats = 3;
    /// A connection that has not completed its TLS handshake and WebSocket upgrade by then is
    /// dropped (a client that connects and says nothing holds no session forever).
    milliseconds handshake_timeout{10000};
    /// Per-session send queue; a client that lets it overflow is disconnected (close 4008).
    std::size_t send_queue_limit_bytes = 16 * 1024 * 1024;
    std::uint32_t max_batch_size = 5000;
    /// Events carry `timestamp`: the gateway's clock when it encoded the event, RFC 3339 UTC
    /// with microseconds (docs/protocol.md §4.2: informative). Off by default: ~30 bytes a frame.
    /// The config's `events.timestamps`; the benchmarks turn it on to measure latency from the
    /// gateway to a client.
    bool event_timestamps = false;
    /// Malformed frames tolerated within one minute before close 4000.
    std::uint32_t malformed_tolerance = 10;
    /// Sessions open at once; further connections are refused at the upgrade (503).
    std::size_t max_sessions = 1000;
    /// Requests per second one session may sustain (bursts up to as many); beyond it a request
    /// is answered systemResourceAvailability/resourceBusy. 0: unlimited.
    std::uint32_t requests_per_second = 0;
    protocol::codec_limits limits;
    /// Where the server reports what it does (connections, faults, disconnects). Default: stderr.
    std::function<void(std::string_view)> log;
};

/// Counters for the console's `status`, the status page and /metrics.
struct server_stats {
    std::uint64_t sessions_accepted = 0;
    std::size_t sessions_open = 0;
    std::uint64_t frames_received = 0;
    std::uint64_t frames_sent = 0;
    std::uint64_t events_sent = 0;     ///< event frames sent, over all sessions
    std::uint64_t events_encoded = 0;  ///< backend events encoded (once each, then fanned out)
    std::uint64_t malformed_received = 0;
    std::uint64_t slow_consumers_dropped = 0;
    std::uint64_t tls_handshake_failures = 0;
    std::uint64_t authentication_failures = 0;
    std::uint64_t access_refusals = 0;        ///< requests or monitors outside a client's rights
    std::uint64_t requests_rate_limited = 0;  ///< answered resourceBusy by the rate limit
    /// Bytes queued to sessions and not yet written: in total, and the most one session has.
    /// A source that must not outrun its clients (the benchmarks' firehose) paces on these.
    std::size_t send_queue_bytes = 0;
    std::size_t send_queue_bytes_max = 0;
    std::size_t devices_monitored = 0;  ///< distinct devices with at least one session monitor
    std::size_t monitors = 0;           ///< session monitors
    /// Authenticated sessions open now, per client name.
    std::map<std::string, std::size_t, std::less<>> sessions_by_client;
    /// Requests executed (or refused by fault injection), by service name ("MonitorStartBatch").
    std::map<std::string, std::uint64_t, std::less<>> requests_by_service;
};

/// What replace_authenticator() did to the open sessions.
struct reauthentication_summary {
    std::size_t sessions_kept = 0;    ///< authenticated sessions whose token still authenticates
    std::size_t sessions_closed = 0;  ///< closed with 4001: their token no longer authenticates
    std::size_t monitors_ended = 0;   ///< MonitorEnded sent: the device left the client's rights
};

class server {
  public:
    /// `backend` must outlive the server; the server attaches itself to it.
    server(boost::asio::io_context& io, switch_backend& backend, server_options options);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds and starts accepting. Returns an error text, or empty on success.
    std::string start();
    /// Stops accepting and closes every session (close code 1001).
    void stop();
    /// The port actually bound (after start()); the first listener's when there are several.
    std::uint16_t port() const;
    /// The ports actually bound, in listener order (after start()).
    std::vector<std::uint16_t> ports() const;
    /// What Hello reports: the gateway's own instance and the backend's, so that a backend
    /// restart is a new instance for clients.
    std::string instance_id() const;
    server_stats stats() const;

    /// Authenticates new sessions with `a` from now on, and re-checks every authenticated
    /// session's token against it (a configuration reload): a session whose token no longer
    /// authenticates is closed with 4001; the others take the new client identity, so that
    /// their next requests use the new rights; a monitor of a device now outside the rights
    /// ends with MonitorEnded (cause resourcesNotAvailable) and is stopped. Each closed session
    /// and ended monitor is logged; the summary is for the caller to report.
    reauthentication_summary replace_authenticator(authenticator a);

    /// Runs `fn` on the server's thread. Callable from any thread.
    void post(std::function<void()> fn);

    // ---- fault injection (tests, the simulator's console) ----

    /// Drops every connection abruptly (no close handshake).
    void drop_connections();
    /// Stops (true) or resumes (false) answering and sending heartbeats.
    void pause_heartbeats(bool paused);
    /// Delays every response (and the events it causes) by `delay` (0 = off).
    void delay_responses(milliseconds delay);
    /// Sends `count` malformed frames to every session (broken JSON, wrong types, unknown type...).
    void send_malformed(std::uint32_t count);
    /// Sends `frame` as is (a text frame) to every session: oversized or hostile content.
    void send_raw(const std::string& frame);
    /// Closes every session with this close code and reason (the reason as given, unchecked).
    void close_sessions(std::uint16_t code, const std::string& reason);
    /// Answers the next `count` requests for `service` with `error` instead of executing them.
    void refuse_service(std::string service, protocol::csta_error error, std::uint32_t count);
    /// Reorders (true) events of different calls within each burst; each call's own order stays.
    void reorder_events(bool enabled);
    /// Skips one event sequence number on every session (the client must see a gap).
    void skip_sequence_number();
    /// Sends a systemStatus message to every session.
    void send_system_status(protocol::system_status status);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::gateway
