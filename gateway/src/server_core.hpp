// The protocol side of the gateway's server, without sockets: session states, Hello and
// Authenticate, rights, monitors per session, fan-out of backend events, faults. transport.cpp
// owns the sockets (Beast/OpenSSL) and feeds frames in; the core answers through session_base.
//
// Thread safety: everything runs on the server's single io thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctigw/gateway/backend.hpp"
#include "ctigw/gateway/server.hpp"
#include "ctigw/protocol/codec.hpp"
#include "ctigw/protocol/string_map.hpp"

namespace ctigw::gateway::detail {

using session_id = std::uint64_t;
using steady = std::chrono::steady_clock;

/// A session's protocol state machine (docs/gateway.md): transitions are logged by the core.
enum class session_state { awaiting_hello, awaiting_auth, ready, closing };
std::string_view to_string(session_state s);

/// What the core needs of a connection, whatever its stream type.
class session_base {
  public:
    explicit session_base(session_id id) : id_(id) {}
    virtual ~session_base();  // wipes `credential`
    session_id id() const { return id_; }
    /// Queues a frame; disconnects a client that lets the queue overflow (4008).
    virtual void send(std::string frame) = 0;
    /// Sends what is queued, then closes with `code`.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    /// Closes the socket at once, no close handshake.
    virtual void drop() = 0;
    /// Bytes queued and not yet written (server_stats::send_queue_bytes).
    virtual std::size_t queued_bytes() const = 0;

    session_state state() const { return state_; }

  private:
    friend struct server_core;
    const session_id id_;
    session_state state_ = session_state::awaiting_hello;

  public:  // owned by the core; kept here so that a session's protocol state dies with it
    std::uint64_t next_seq = 1;
    std::uint32_t version = protocol::min_protocol_version;  ///< negotiated in Hello
    std::unique_ptr<protocol::codec> wire;
    std::optional<client_identity> client;
    /// The token the session authenticated with, kept so that a reload can re-check it against
    /// the new clients (replace_authenticator). Never logged; wiped when the session dies.
    std::string credential;
    protocol::string_map<std::string> monitor_of_device;  ///< device -> monitorRef
    protocol::string_map<std::string> device_of_monitor;  ///< monitorRef -> device
    std::deque<steady::time_point> malformed;             ///< within the last minute
    double request_credit = -1;  ///< token bucket of the rate limit; < 0: not started
    steady::time_point credit_at{};
    std::uint64_t rate_limited = 0;
    std::uint64_t access_refusals = 0;  ///< requests and monitors refused by the client's rights
    struct held_event {
        std::string call;
        std::string monitor_ref;
        std::shared_ptr<const std::string> tail;
    };
    std::vector<held_event> reorder_buffer;
};

struct server_core : std::enable_shared_from_this<server_core>, backend_listener {
    server_core(switch_backend& b, server_options o);

    switch_backend& backend;
    server_options options;
    std::string instance;
    server_stats stats;
    std::map<session_id, std::shared_ptr<session_base>> sessions;
    session_id next_session = 1;
    std::uint64_t next_monitor = 1;
    /// device -> the (session, monitorRef) pairs that watch it: the fan-out table.
    protocol::string_map<std::vector<std::pair<session_id, std::string>>> watchers;
    /// Set by the transport: runs `fn` on the io thread after `delay`.
    std::function<void(milliseconds, std::function<void()>)> schedule;

    // fault switches
    bool heartbeats_paused = false;
    milliseconds response_delay{0};
    bool reorder = false;
    struct refusal {
        protocol::csta_error error;
        std::uint32_t remaining;
    };
    std::map<std::string, refusal, std::less<>> refusals;

    void log(const std::string& line) const;
    std::string hello_instance() const { return instance + "." + backend.instance_id(); }

    // ---- called by the transport ----
    void session_opened(std::shared_ptr<session_base> s);
    void session_closed(session_id id);
    void on_frame(session_base& s, std::string_view frame);
    bool at_session_limit() const { return sessions.size() >= options.max_sessions; }

    // ---- backend_listener ----
    void on_device_event(const std::string& device, const protocol::event_body& body) override;
    void on_backend_status(backend_status status, bool restarted, const std::string& why) override;

    // ---- configuration reload (reauth.cpp) ----
    reauthentication_summary reauthenticate(authenticator a);

    // ---- faults ----
    void send_malformed(std::uint32_t count);
    void send_system_status(protocol::system_status status);

  private:
    void malformed_frame(session_base& s, const protocol::decode_error& err,
                         std::string_view frame);
    void on_request(session_base& s, protocol::request r);
    /// Counts a frame that breaks the protocol; logged up to the tolerance, beyond it the
    /// session is closed with 4000. False when the session is closing (session_limits.cpp).
    bool count_malformed(session_base& s, const std::string& why);
    /// The per-session request rate limit (requests_per_second): false when the request was
    /// answered resourceBusy instead (session_limits.cpp).
    bool admit_request(session_base& s, const protocol::request& r);
    void hello(session_base& s, const protocol::request& r);
    void authenticate(session_base& s, const protocol::request& r);
    void execute(session_base& s, const protocol::request& r);
    void forward(session_base& s, const protocol::request& r);
    void refuse_access(session_base& s, const protocol::request& r, const std::string& what);
    /// Counts one refusal by the client's rights; logs only the first few of a session.
    void note_refusal(session_base& s, std::string_view service, const std::string& what);
    void send_response(session_base& s, const protocol::response& r);
    void transition(session_base& s, session_state to);

    // monitors (docs/gateway.md: a session's monitor of a device is one monitorRef, idempotent)
    std::variant<std::string, protocol::csta_error> start_monitor(session_base& s,
                                                                  const std::string& device);
    std::optional<protocol::csta_error> stop_monitor(session_base& s, const std::string& ref);
    /// Takes monitor `ref` of `device` out of the fan-out table; the backend stops monitoring
    /// the device when no session watches it any more.
    void unwatch(const std::string& device, const std::string& ref);
    void snapshot_batch(session_base& s, const protocol::request& r);
    /// GetDeviceStatusBatch: every read through the backend's Get* services (status_batch.cpp).
    void status_batch(session_base& s, const protocol::request& r);
    /// Sends batch result `out` of service S within the frame limit (docs/protocol.md §5.2): if
    /// its answer is too long, the items from some `keep` on become `limit(item)` (answered
    /// performanceLimitExceeded, see limited_item) and the most that fit are kept; the client
    /// asks for the rest again. If not even the item errors fit, the request is refused
    /// performanceLimitExceeded. `out` moves into each encoded response and back, and is trimmed
    /// in place (`keep` only shrinks): a batch answer of up to a frame is never copied.
    template <class S, class Limit>
    void send_batch_response(session_base& s, const std::string& id, typename S::result& out,
                             const Limit& limit) {
        send_batch_response(
            s, id, protocol::service_index_v<S>, out.results.size(), [&](std::size_t keep) {
                for (std::size_t k = keep; k < out.results.size(); ++k) {
                    limit(out.results[k]);
                }
                protocol::message m = protocol::make_response<S>(id, std::move(out));
                auto text = s.wire->encode(m);
                out = std::move(std::get<typename S::result>(
                    std::get<protocol::service_result>(std::get<protocol::response>(m).outcome)));
                return text;
            });
    }
    /// The loop of the template above: `encode(keep)` encodes the answer with the items from
    /// `keep` on limited.
    void send_batch_response(session_base& s, const std::string& id, std::size_t service_index,
                             std::size_t items,
                             const std::function<std::string(std::size_t keep)>& encode);

    void send_event(session_base& s, const std::string& ref, const std::string& tail);
    void flush_reordered(session_base& s);
    access rights(const session_base& s, std::string_view device) const;
};

/// A random hex string (instance ids).
std::string random_hex(std::size_t bytes);

/// A CSTA error for a response (core.cpp); the message only when there is one.
protocol::csta_error error(protocol::error_category c, std::string_view value,
                           std::string message = {});
/// The error of a request for a device outside the session's rights.
protocol::csta_error privilege_violation(std::string_view what);
/// The error of a batch item left out because the response would exceed the frame limit.
protocol::csta_error limited_item();

}  // namespace ctigw::gateway::detail
