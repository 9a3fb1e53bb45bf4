/**
 * @file
 * A TCP forwarder on 127.0.0.1 in front of the simulator: the soak's *primary* endpoint. The
 * config's standby endpoint is the simulator itself, so refusing here makes the TSP's link fail
 * over to the standby (and fall back once the primary answers again) without losing the switch.
 * TLS passes through untouched.
 *
 * Thread safety: start/stop from one thread; set_refusing and the counters from any thread.
 * The forwarding runs on the proxy's own io thread.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ctigw::soak {

class tcp_proxy {
  public:
    tcp_proxy();
    ~tcp_proxy();
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    /// Listens on 127.0.0.1 (free port) and forwards to 127.0.0.1:`target_port`. Returns an
    /// error text or empty.
    std::string start(std::uint16_t target_port);
    std::uint16_t port() const;
    /// true: every forwarded connection is cut and new ones are closed as soon as accepted.
    void set_refusing(bool refusing);
    std::uint64_t accepted() const;
    void stop();

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace ctigw::soak
