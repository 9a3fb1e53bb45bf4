// Test support: the simulator in-process on its own thread (TLS on loopback, port 0), throwaway
// certificates, and a recording link_callbacks. Asio stays in sim_harness.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ctigw/pbx_link/link.hpp"
#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/pbxsim/server.hpp"

namespace ctigw::pbx_link::testing {

using namespace std::chrono_literals;

/// Certificates written to a fresh temp dir: a CA and the odd ones the TLS tests need.
struct cert_files {
    std::filesystem::path dir;
    std::filesystem::path ca;                          // trusted CA
    std::filesystem::path server, server_key;          // good: 127.0.0.1, ::1, localhost
    std::filesystem::path server2, server2_key;        // good too, another key (pin tests)
    std::filesystem::path expired, expired_key;        // by the CA, expired
    std::filesystem::path wrong_host, wrong_host_key;  // by the CA, for wrong.example.com
    std::filesystem::path unknown, unknown_key;        // by another CA
    std::filesystem::path client, client_key;          // client certificate by the CA
    std::filesystem::path client_key_encrypted;        // the same key, encrypted with:
    static constexpr const char* client_key_passphrase = "correct horse battery";
    std::filesystem::path rsa_server, rsa_server_key;  // good, RSA key (RSA-only suites)
    std::filesystem::path ca_leaf, ca_leaf_key;        // by the CA, for 127.0.0.1, but CA:TRUE
    std::string server_sha256;                         // fingerprint of `server`
    static const cert_files& get();                    // made once per test binary
};

/// One simulator on its own thread.
class sim {
  public:
    /// tls_cert/tls_key empty: plain ws://.
    sim(pbxsim::server_options options, pbxsim::sim_config config = {});
    ~sim();
    sim(const sim&) = delete;
    sim& operator=(const sim&) = delete;

    /// Runs `fn` on the server's thread and waits for it.
    void call(const std::function<void(pbxsim::server&)>& fn);
    std::uint16_t port() const { return port_; }
    std::string url(bool secure = true) const;

    static pbxsim::server_options tls_options(const std::filesystem::path& cert,
                                              const std::filesystem::path& key);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::uint16_t port_ = 0;
};

/// A port on 127.0.0.1 where nothing listens.
std::uint16_t closed_port();

/// A port on 127.0.0.1 that accepts connections and closes each at once (a balancer in front of
/// nothing, a gateway still starting): open for TCP, useless for TLS.
class slamming_door {
  public:
    slamming_door();
    ~slamming_door();
    slamming_door(const slamming_door&) = delete;
    slamming_door& operator=(const slamming_door&) = delete;
    std::uint16_t port() const { return port_; }
    std::size_t accepted() const { return accepted_; }

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::uint16_t port_ = 0;
    std::atomic<std::size_t> accepted_{0};
};

/// Records every callback; waits on conditions with a deadline.
class recorder : public link_callbacks {
  public:
    void on_state(link_state from, link_state to, const std::string& why) override;
    void on_link_down(const link_down& why) override;
    void on_device_truth(const device_truth& truth) override;
    void on_live() override;
    void on_event(const std::string& device, const protocol::event_message& event) override;
    void on_system_status(protocol::system_status status) override;
    void on_late_result(const protocol::service_result& result) override;

    /// Waits until `pred` (called under the lock) holds; false after `timeout`.
    bool wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s);

    std::mutex mutex;
    std::vector<std::pair<link_state, link_state>> states;
    std::vector<link_down> downs;
    /// `state` (the last on_state) when each on_link_down ran: the link must have left live.
    std::vector<link_state> state_at_down;
    std::vector<device_truth> truths;
    std::vector<std::pair<std::string, protocol::event_message>> events;
    std::vector<protocol::system_status> statuses;
    std::vector<protocol::service_result> late_results;
    int lives = 0;
    link_state state = link_state::stopped;
    /// Slows the consumer down (per event).
    std::chrono::microseconds event_delay{0};
    std::function<void()> on_event_hook;

  private:
    void changed() { cv_.notify_all(); }
    std::condition_variable cv_;
};

/// A thread-safe log capture.
class log_capture {
  public:
    log_sink sink();
    bool contains(const std::string& text) const;
    std::size_t count(const std::string& text) const;
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 10s) const;
    std::vector<std::string> lines() const;

  private:
    struct state {
        mutable std::mutex mutex;
        mutable std::condition_variable cv;
        std::vector<std::string> lines;
    };
    std::shared_ptr<state> s_ = std::make_shared<state>();
};

}  // namespace ctigw::pbx_link::testing
