/**
 * @file
 * `sim` lines sent to a simulator running as another process (`ctigw-pbxsim --control`), for a
 * host that cannot have it in-process: the Windows host under Wine drives the Linux simulator
 * this way. Protocol (docs/pbx-sim.md, "Control port"): one command per line; the reply is the
 * command's output lines, then `ok` or `error: <text>`; `check <command>` parses without running.
 *
 * Thread safety: one thread at a time (the runner's).
 */
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ctigw/tapihost/runner.hpp"

namespace ctigw::tapihost {

class remote_sim final : public sim_hook {
  public:
    remote_sim();
    ~remote_sim() override;
    remote_sim(const remote_sim&) = delete;
    remote_sim& operator=(const remote_sim&) = delete;

    /// Connects to HOST:PORT (IPv4 literal or name). Returns an error text or empty.
    std::string connect(const std::string& host_port,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool connected() const;

    std::string check(const std::string& command) override;
    std::string execute(const std::string& command, std::string& output) override;

  private:
    /// Sends one line and collects the reply up to its `ok`/`error:` line.
    std::string exchange(const std::string& line, std::string& output);

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::tapihost
