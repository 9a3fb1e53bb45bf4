/**
 * @file
 * The in-process switch simulator (`--sim`): a ctigw::pbxsim::server on its own io thread with
 * throwaway TLS certificates, and a temporary ctigw configuration pointing at it, so that
 * `ctigw-tapihost --sim --scenario demo.tsc` is a self-contained end-to-end run.
 *
 * Thread safety: start/stop from the main thread; check/execute from one thread at a time (they
 * post to the simulator's thread and wait).
 */
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "ctigw/tapihost/runner.hpp"

namespace boost::asio {
class io_context;
}
namespace ctigw::pbxsim {
class server;
}

namespace ctigw::tapihost {

class in_process_sim final : public sim_hook {
  public:
    /// True when the host was built with the pbx-sim library.
    static bool available();

    in_process_sim();
    ~in_process_sim() override;

    /**
     * Writes certificates and a ctigw config (lines and phones = `extensions`) into a new temp
     * directory, starts the server on 127.0.0.1 (free port), sets the token variable named in
     * the config in this process's environment. `config_path` receives the config file.
     * Returns an error text or empty. `acd` (the scenario's `acdgroup` statements) become the
     * simulator's ACD groups and lines with a role in the config; `reasons` its not-ready reasons.
     */
    std::string start(const std::set<std::string>& extensions, std::filesystem::path& config_path,
                      bool verbose, const std::vector<acd_group_decl>& acd = {},
                      const std::vector<std::pair<std::string, std::string>>& reasons = {});
    /**
     * Serves an existing ctigw config instead (`--sim --config FILE`, as `make demo` does with
     * config/examples/demo.json): listens on its first endpoint (which must be on this machine),
     * with server.pem/server-key.pem beside its caFile (a demo set is generated there when
     * missing), the token from its tokenEnv/tokenFile (a tokenEnv that is unset gets a random
     * token in this process's environment), and its lines and phones as stations.
     */
    std::string start_for_config(const std::filesystem::path& config_path, bool verbose);
    void stop();

    /// The port the simulator listens on (0 when it is not running).
    unsigned short port() const;
    /**
     * Runs `fn` on the simulator's thread with its io_context and server, and returns once it
     * has run (tools that drive the switch directly, e.g. ctigw-soak's load generator), so `fn`
     * may capture the caller's locals by reference. Returns an error text (what it threw, or no
     * simulator) or empty; `fn` must not block.
     */
    std::string run_on_switch(
        const std::function<void(boost::asio::io_context&, pbxsim::server&)>& fn);

    std::string check(const std::string& command) override;
    std::string execute(const std::string& command, std::string& output) override;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::tapihost
