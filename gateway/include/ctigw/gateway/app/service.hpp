// The running ctigw-gateway: backend + server built from a validated configuration, reload
// (SIGHUP) and graceful stop (SIGTERM/SIGINT). `run()` is `ctigw-gateway run`.
//
// Thread safety: a service lives on the io_context it is given, which one thread runs; every
// member must be called on that thread (run() arranges it for signals).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/gateway/loader.hpp"
#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/settings.hpp"

namespace boost::asio {
class io_context;
}
namespace spdlog {
class logger;
}

namespace ctigw::gateway::app {

/// What a reload did.
struct reload_outcome {
    bool applied = false;  ///< false: the file was invalid and the old configuration stays
    std::vector<std::string> diagnostics;     ///< formatted, when not applied
    std::vector<std::string> restart_needed;  ///< changed sections that only a restart applies
    reauthentication_summary sessions;        ///< when applied
};

class service {
  public:
    /// `settings` comes from load_gateway_file(config_file); `log` receives everything.
    /// `any_port`: every listener binds a free port instead of its configured one (tests and
    /// scripts; see ports()).
    service(boost::asio::io_context& io, std::filesystem::path config_file,
            gateway_settings settings, std::shared_ptr<spdlog::logger> log, bool any_port = false);
    ~service();
    service(const service&) = delete;
    service& operator=(const service&) = delete;

    /// Creates the backend, binds every listener. Returns an error text, or empty.
    std::string start();
    /// The bound ports, in the order of the configuration's "listen".
    std::vector<std::uint16_t> ports() const;
    /// The status page's bound port; nullopt when the configuration has no "status".
    std::optional<std::uint16_t> status_port() const;
    /// "wss://127.0.0.1:8443/csta" per listener, as bound.
    std::vector<std::string> urls() const;

    /// Re-reads the configuration file and applies it (see reload_outcome).
    reload_outcome reload();
    /// Applies an already loaded configuration (reload() and tests).
    reload_outcome apply(const load_result& loaded);

    /// Stops accepting and closes every session with 1001.
    void stop();
    std::size_t open_sessions() const;

    const gateway_settings& settings() const { return settings_; }
    server& gateway_server() { return *server_; }

  private:
    /// The status page and /metrics (docs/gateway-status.md).
    std::string start_status();
    /// The configured switch backend (the Asterisk one reads its AMI secret here).
    std::string make_backend();
    struct parts;
    boost::asio::io_context& io_;
    std::filesystem::path config_file_;
    gateway_settings settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<parts> parts_;
    server* server_ = nullptr;
    bool any_port_ = false;
};

struct run_options {
    std::filesystem::path config = "/etc/ctigw-gateway/ctigw-gateway.json";
    /// When set: the bound ports, one line per listener, written once listening (for scripts and
    /// tests that use port 0). Written to a temporary name, then renamed into place.
    std::filesystem::path port_file;
    /// Bind every listener to a free port instead of the configured one (with port_file).
    bool any_port = false;
};

/// `ctigw-gateway run`: loads, starts, serves until SIGTERM/SIGINT, reloads on SIGHUP. Tells
/// systemd READY=1/STOPPING=1 when NOTIFY_SOCKET is set. Returns the process exit code.
int run(const run_options& options);

/// Sends `state` ("READY=1") to $NOTIFY_SOCKET when set (sd_notify without libsystemd).
/// Returns false when the socket is set but the send failed.
bool notify_systemd(const std::string& state);

}  // namespace ctigw::gateway::app
