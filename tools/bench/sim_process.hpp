// ctigw-bench-scale's switch: the gateway's simulator in a forked child process, so that the
// benchmark's resident memory is the TSP's alone. Commands over a pipe: the simulator's request
// counters and dropping every connection (the resync). Single-threaded use: the bench's main
// thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "ctigw/pbxsim/server.hpp"

namespace ctigw::bench {

using request_counts = std::map<std::string, std::uint64_t, std::less<>>;

/// The bench's handle on the child. start() must run before this process starts any thread
/// (fork() copies only the calling thread).
class simulator_process {
  public:
    simulator_process() = default;
    simulator_process(const simulator_process&) = delete;
    simulator_process& operator=(const simulator_process&) = delete;
    ~simulator_process() { stop(); }

    /// Forks; "" once the child listens, else why not.
    std::string start(const pbxsim::sim_config& cfg, const pbxsim::server_options& opts);
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    /// The simulator's requests by service so far; empty once the child is lost (failure()).
    request_counts requests();
    /// Drops every client connection; returns once done.
    void drop_connections();
    /// False once the child is lost: it ended (checked without waiting) or a command failed.
    bool alive();
    /// Closes the command pipe (the child stops) and waits for it; false if the child was lost
    /// or did not exit cleanly (failure() says how).
    bool stop();
    /// Why the child was lost (its first cause), or "".
    const std::string& failure() const { return failure_; }

  private:
    bool command(char c);
    std::string line();
    void lost(const std::string& why);
    void ended(int status);  ///< the child was reaped with `status`

    pid_t pid_ = 0;
    int cmd_ = -1;
    std::FILE* replies_ = nullptr;
    std::uint16_t port_ = 0;
    std::string failure_;
};

}  // namespace ctigw::bench
