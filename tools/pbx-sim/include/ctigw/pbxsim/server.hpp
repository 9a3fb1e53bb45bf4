// The simulated switch: the gateway's ctigw.csta.v1 server (gateway/server.hpp) on the
// simulator backend (gateway/sim_backend.hpp), one code path with ctigw-gateway. Adds what only a
// simulator has: one shared token with every right, direct access to the call model, restart.
//
// Thread safety: the server runs on the io_context it is given, which must be run by exactly one
// thread. Every member function must be called on that thread, except post(), which may be called
// from any thread to run work there.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ctigw/gateway/server.hpp"
#include "ctigw/pbxsim/model.hpp"
#include "ctigw/protocol/codec.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::pbxsim {

using gateway::server_stats;
using gateway::tls_files;

struct server_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: pick a free port (see server::port())
    /// nullopt: plain ws:// (only when the operator asks for it).
    std::optional<tls_files> tls;
    /// Tests only, to play an old switch: TLS 1.2 suites (OpenSSL syntax) instead of the
    /// project's policy (ctigw/protocol/tls_policy.hpp), and TLS 1.2 as the highest version.
    std::string tls_legacy_cipher_list;
    bool tls12_only = false;
    /// The bearer token clients must present. Never logged.
    std::string token;
    std::string target = "/csta";
    std::string switch_name = "ctigw-pbxsim";
    milliseconds heartbeat_interval{10000};
    std::uint32_t missed_heartbeats = 3;
    /// Per-session send queue; a client that lets it overflow is disconnected (close 4008).
    std::size_t send_queue_limit_bytes = 16 * 1024 * 1024;
    std::uint32_t max_batch_size = 5000;
    /// Malformed frames tolerated within one minute before close 4000.
    std::uint32_t malformed_tolerance = 10;
    protocol::codec_limits limits;
    /// Where the server reports what it does (connections, faults, disconnects). Default: stderr.
    std::function<void(std::string_view)> log;
};

class server {
  public:
    server(boost::asio::io_context& io, sim_config config, server_options options);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds and starts accepting. Returns an error text, or empty on success.
    std::string start();
    /// Stops accepting and closes every session (close code 1001).
    void stop();
    /// The port actually bound (after start()).
    std::uint16_t port() const;
    /// Changes at every start and restart.
    std::string instance_id() const;

    switch_model& model();
    server_stats stats() const;

    /// Runs `fn` on the server's thread. Callable from any thread.
    void post(std::function<void()> fn);

    // ---- control helpers that also flush the model's events to the sessions ----

    /// Runs `fn` against the model at the current time, then sends the events it caused.
    void with_model(const std::function<void(switch_model&, time_point)>& fn);

    // ---- fault injection ----

    /// Drops every connection abruptly (no close handshake).
    void drop_connections();
    /// Stops (true) or resumes (false) answering and sending heartbeats.
    void pause_heartbeats(bool paused);
    /// Delays every response (and the events it causes) by `delay` (0 = off).
    void delay_responses(milliseconds delay);
    /// Sends `count` malformed frames to every session (broken JSON, wrong types, unknown type...).
    void send_malformed(std::uint32_t count);
    /// Sends `frame` as is (a text frame) to every session: oversized or hostile content.
    void send_raw(std::string frame);
    /// Closes every session with this close code and reason (the reason as given, unchecked).
    void close_sessions(std::uint16_t code, std::string reason);
    /// Answers the next `count` requests for `service` with `error` instead of executing them.
    void refuse_service(std::string service, protocol::csta_error error, std::uint32_t count);
    /// Reorders (true) events of different calls within each burst; each call's own order stays.
    void reorder_events(bool enabled);
    /// Skips one event sequence number on every session (the client must see a gap).
    void skip_sequence_number();
    /// Sends a systemStatus message to every session.
    void send_system_status(protocol::system_status status);
    /// Restart: all model state lost, a new instance id; every session gets systemStatus
    /// initializing and is closed (1001).
    void restart();

    /// The switch becomes unreachable to the gateway (true) or reachable again (false).
    void set_unreachable(bool unreachable);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::pbxsim
