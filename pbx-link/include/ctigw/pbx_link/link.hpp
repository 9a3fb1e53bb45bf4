// The switch link: everything the TSP learns about the switch comes through this interface.
// A pure interface (plus a factory) so that the TSP can be tested with a mock
// (tests/mocks/pbx_link/mock_link.hpp); the Boost.Beast implementation sits behind it.
//
// Threading
// - The link runs its own I/O thread; nothing here ever blocks the caller on the network.
// - start(), stop(), request(), set_devices() and figures() may be called from any thread.
// - Every link_callbacks function is called on the link's single *delivery thread*, one at a
//   time, in the order the link produced them (events in the switch's order). A slow consumer
//   slows the delivery thread only: the delivery queue is bounded, and when it is full the link
//   stops reading from the switch (backpressure) rather than dropping or growing.
// - Request completions are delivered on the same delivery thread, in order with the events.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ctigw/protocol/codec.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::pbx_link {

using std::chrono::milliseconds;

/// The link's state machine (docs/state-machines/link.md). One writer, every transition logged.
enum class link_state : std::uint8_t {
    stopped,         ///< not started, or stopped
    connecting,      ///< resolving and opening TCP to the current endpoint
    tls_handshake,   ///< TLS handshake and certificate checks
    ws_handshake,    ///< WebSocket upgrade with the ctigw.csta.v1 subprotocol
    negotiating,     ///< Hello: version and the switch's instance id
    authenticating,  ///< Authenticate with the bearer token
    monitoring,      ///< MonitorStartBatch for every configured device
    resyncing,       ///< SnapshotDeviceBatch for every device; the truth is handed over
    live,            ///< events flow; requests accepted
    backoff,         ///< waiting before the next connection attempt
};
std::string_view to_string(link_state s);

struct endpoint {
    std::string url;  ///< as configured, for logs: wss://pbx1.example.com:8443/csta
    std::string host;
    std::uint16_t port = 443;
    std::string target = "/";
    bool secure = true;  ///< false: plain ws://, only when the config says so explicitly
};

struct tls_settings {
    std::string ca_file;   ///< empty: the system's trusted roots
    std::string crl_file;  ///< PEM CRLs; when set, the leaf's issuer must have one (CRL_CHECK)
    std::string client_certificate;
    std::string client_key;
    /// Decrypts an encrypted client_key (a secret: never logged). Never a console prompt.
    std::string client_key_passphrase;
    /// Empty: the policy's TLS 1.2 suites (ctigw/protocol/tls_policy.hpp). Otherwise an OpenSSL
    /// cipher list that replaces them, for an old switch; its use is logged as a warning.
    std::string cipher_list;
    std::string pinned_sha256;  ///< 64 hex digits (colons allowed) or empty
    bool tls13_only = false;    ///< minimum TLS 1.3 instead of 1.2
    bool verify_peer = true;
    std::string server_name;  ///< SNI and host-name check override; empty: the endpoint's host
};

struct link_settings {
    std::vector<endpoint> endpoints;  ///< primary first, then standbys
    tls_settings tls;
    std::string token;  ///< bearer token (a secret: never logged)
    std::string client_name = "ctigw";
    std::vector<std::string>
        devices;  ///< devices to monitor and snapshot (set_devices() replaces them)

    milliseconds connect_timeout{5000};  ///< TCP + TLS + WebSocket upgrade
    milliseconds request_timeout{5000};
    milliseconds heartbeat_interval{10000};  ///< ours; the switch's comes in Hello
    std::uint32_t missed_heartbeats = 3;     ///< silence for this many intervals = dead link
    milliseconds backoff_initial{500};
    milliseconds backoff_max{30000};
    double backoff_jitter = 0.2;  ///< ±20 %
    /// A session must stay live this long before the backoff starts again from backoff_initial;
    /// one lost earlier is a flap (link_figures::flaps) and the delays keep growing.
    milliseconds stable_after{30000};
    /// After a failover, return to the primary once the link has been idle this long (no
    /// requests in flight); nullopt: stay on the endpoint that works.
    std::optional<milliseconds> fallback_to_primary_after_idle;

    std::uint32_t batch_size = 1000;  ///< devices per batched request (capped by the switch's)
    std::uint32_t batches_in_flight = 4;
    std::uint32_t max_requests_in_flight = 64;
    std::uint32_t max_outbound_queue = 4096;   ///< requests waiting for a slot
    std::uint32_t max_delivery_queue = 65536;  ///< callbacks waiting for the consumer
    protocol::codec_limits limits;
    std::uint64_t seed = 0;  ///< jitter randomness; 0: from the clock
};

/// Why a request did not produce a result.
enum class request_failure : std::uint8_t {
    csta_error,     ///< the switch refused it (see error)
    timeout,        ///< no answer within the timeout; the outcome on the switch is unknown
    link_lost,      ///< the link went down with the request outstanding
    not_connected,  ///< the link did not become live within the request's timeout (never sent)
    backpressure,   ///< the outbound queue was full
    stopped,        ///< the link was stopped
};
std::string_view to_string(request_failure f);

/// The completion of one request: exactly one, whatever happens.
struct request_outcome {
    std::optional<protocol::service_result> result;  ///< set on success
    std::optional<request_failure> failure;          ///< set on failure
    std::optional<protocol::csta_error> error;       ///< set when failure == csta_error
    milliseconds round_trip{0};
    bool ok() const noexcept { return result.has_value(); }
};
using completion = std::function<void(request_outcome)>;

/// A device's connections as the switch reported them during resync: "this is the truth now".
struct device_truth {
    std::string device;
    std::vector<protocol::snapshot_connection> connections;
    std::optional<protocol::csta_error> error;  ///< the device could not be monitored/snapshot
    /// What the device cannot do, from its MonitorStart(Batch) result (docs/protocol.md §5.2);
    /// nullopt when the switch did not say, i.e. every service it implements works.
    std::optional<protocol::capabilities> capabilities;
};

/// Why the link left `live`.
struct link_down {
    std::string reason;  ///< "heartbeat timeout", "switch restarted", "connection reset", ...
    bool switch_restarted = false;  ///< the instance id changed: every call is gone
    /// A resync on the same connection after lost messages (sequence gap, messagesLost): the
    /// switch works and the devices stay usable; only the consumer's view may be stale, and the
    /// truths that follow correct it.
    bool connection_kept = false;
};

/// The consumer (the TSP). Called on the delivery thread only, in order (see the file comment).
class link_callbacks {
  public:
    virtual ~link_callbacks() = default;
    /// Every state transition, for logs and status displays.
    virtual void on_state(link_state from, link_state to, const std::string& why) = 0;
    /// The link was live and is not any more (lost, or a resync is needed). When the connection
    /// was lost, requests in flight complete with link_lost before this is called; when a resync
    /// runs on the same connection (sequence gap, systemStatus messagesLost/initializing/disabled)
    /// they stay outstanding and complete normally. Also called, while not live, once per switch
    /// restart (`switch_restarted` = true, the new session's instance id differs) before the new
    /// session's first truth, even when the loss of the old session was already reported.
    virtual void on_link_down(const link_down& why) = 0;
    /// During resync, once per monitored device: its current connections. Events for the device
    /// that were already reflected in this snapshot are not delivered; later ones follow.
    virtual void on_device_truth(const device_truth& truth) = 0;
    /// Every device has had its truth; the link is live.
    virtual void on_live() = 0;
    /// An event for a monitored device (`device` is the device the monitor watches).
    virtual void on_event(const std::string& device, const protocol::event_message& event) = 0;
    /// The switch reported its status (resyncs are started by the link itself).
    virtual void on_system_status(protocol::system_status /*status*/) {}
    /// The delivery thread took everything queued when it woke (one batch) and runs it now;
    /// on_batch_end() follows its last callback, before the thread waits for more. A consumer
    /// that hands work on to a thread of its own (the TSP's TAPI dispatcher) wakes that thread
    /// once per batch instead of once per callback. Never around an empty batch.
    virtual void on_batch_begin() {}
    virtual void on_batch_end() {}
    /// A successful response to a user request that had already completed with `timeout`: the
    /// switch did carry it out after all (e.g. a MakeCall placed late), and nobody owns what it
    /// made. The last 1,024 timed-out request ids are remembered for this.
    virtual void on_late_result(const protocol::service_result& /*result*/) {}
};

/// Figures for the TSP and the tools. A consistent snapshot, cheap to take.
struct link_figures {
    link_state state = link_state::stopped;
    std::string endpoint;  ///< URL in use (or last tried)
    std::string switch_instance;
    std::uint32_t protocol_version = 0;  ///< negotiated in Hello; 0 before the first
    std::uint32_t max_batch_size = 0;    ///< the switch's maxBatchSize (Hello); 0 before the first
    std::uint64_t connects = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t resyncs = 0;
    milliseconds last_round_trip{0};
    milliseconds average_round_trip{0};  ///< exponentially weighted
    std::uint32_t requests_in_flight = 0;
    std::uint32_t requests_queued = 0;
    double events_per_second = 0;  ///< over the last few seconds
    std::uint64_t events = 0;
    std::uint64_t requests = 0;
    std::uint64_t request_timeouts = 0;
    std::uint64_t unknown_messages = 0;  ///< unknown events, members and enum values tolerated
    std::uint64_t malformed_frames = 0;  ///< refused by the decoder, logged and skipped
    std::uint64_t sequence_gaps = 0;
    std::uint64_t flaps = 0;  ///< sessions lost after going live but before stable_after
    std::size_t delivery_queue = 0;
};

class link {
  public:
    virtual ~link() = default;
    /// Starts connecting (returns at once). Any thread.
    virtual void start() = 0;
    /// Stops and joins the threads: every outstanding request completes with `stopped`, and no
    /// callback runs after this returns. Any thread except the delivery thread.
    virtual void stop() = 0;
    /// Sends a request; `done` is called exactly once, always on the delivery thread, never from
    /// inside request(). Returns false when the link is not running (not started, or stopped):
    /// then `done` is never called and the caller answers for itself. A request that changes
    /// calls is never re-sent automatically. `timeout` defaults to the configured one and runs
    /// from the moment the request goes on the wire (a request waiting for an in-flight slot is
    /// not timed). A request made while the link is not live (connecting, resyncing, backing off)
    /// is held until it is, for at most its timeout (then not_connected: the switch never saw
    /// it); held requests count towards the outbound queue (beyond it: backpressure). Any thread.
    [[nodiscard]] virtual bool request(protocol::service_params params, completion done,
                                       std::optional<milliseconds> timeout = std::nullopt) = 0;
    /// Any thread.
    virtual link_figures figures() const = 0;
    /// Replaces the set of monitored devices. Added devices are monitored and snapshot (their truth
    /// arrives through on_device_truth, then events flow); removed ones get MonitorStop and no more
    /// events. Batched like the initial monitoring. Any thread; never calls back synchronously.
    /// While not live the new set simply applies at the next (re)connection.
    virtual void set_devices(std::vector<std::string> devices) = 0;
};

/// Where the link writes its log lines (level, text). Called from the link's threads.
using log_sink = std::function<void(int level, const std::string& line)>;
namespace log_level {
inline constexpr int debug = 1, info = 2, warn = 3, error = 4;
}

/// The real link: Boost.Beast WebSocket over OpenSSL.
std::unique_ptr<link> make_beast_link(link_settings settings, link_callbacks& callbacks,
                                      log_sink log = {});

/// A certificate the link loaded, for ctigw-config's validity checks.
struct certificate_info {
    std::string subject;          ///< "/O=.../CN=..." (X509_NAME_oneline)
    std::int64_t not_before = 0;  ///< seconds since 1970-01-01 UTC
    std::int64_t not_after = 0;
};

/// Loads the client certificate and key of `tls` as the link does (the key decrypted with
/// client_key_passphrase, never a console prompt). Empty when they load, else the reason, e.g.
/// a wrong or missing passphrase. When they load and `chain` is set, it gets the certificates
/// the link would present, leaf first. For ctigw-config; any thread.
std::string check_client_identity(const tls_settings& tls,
                                  std::vector<certificate_info>* chain = nullptr);

/// Loads `ca_file` as the link loads tls_settings::ca_file into its trust store. Empty when it
/// loads with at least one certificate (all of them in `certificates`), else the reason. For
/// ctigw-config; any thread.
std::string check_ca_file(const std::string& ca_file, std::vector<certificate_info>& certificates);

/// Parses "wss://host:port/path" (or ws://) into an endpoint; nullopt when malformed.
std::optional<endpoint> parse_endpoint(std::string_view url);

}  // namespace ctigw::pbx_link
