// ctigw-gateway's settings (settings.hpp, from ctigw-gateway.json) turned into what the server and
// the simulator backend take. Pure functions apart from reading the key passphrase; any thread.
#pragma once

#include <filesystem>
#include <string_view>

#include <memory>
#include <string>
#include <vector>

#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/settings.hpp"
#include "ctigw/gateway/sim/model.hpp"

namespace ctigw::gateway::app {

/// TLS 1.2 suites offered with "legacyCiphers": the project's AEAD suites first, then ECDHE with
/// CBC for old clients (still forward secret; no RSA key exchange, no RC4/3DES).
extern const char* const legacy_tls12_cipher_list;

/// Authenticates tokens against `clients` (kept alive by the returned function); a client's
/// rights are access_control::rights for its device sets.
authenticator make_authenticator(std::shared_ptr<const access_control> clients);

struct server_options_result {
    server_options options;
    std::string error;  ///< empty on success; never contains the passphrase
};

/// Listeners, TLS (reading the key passphrase from its file or environment variable), limits
/// and the authenticator. `log` is copied into the options as is.
server_options_result make_server_options(const gateway_settings& settings,
                                          std::shared_ptr<const access_control> clients);

sim::sim_config make_sim_config(const sim_backend_settings& settings);

/// A secret named by the configuration: the environment variable `env` when not empty, else the
/// first line of `file`. `what` prefixes the error ("tls.keyPassphrase" → "...File: ...");
/// the error never contains the secret.
bool read_secret(const std::filesystem::path& file, const std::string& env, std::string_view what,
                 std::string& out, std::string& error);

/// The sections that differ between two configurations and that only a restart applies
/// ("listen", "tls", "backend", "limits", "status", "logging.file"...), for the reload's log.
std::vector<std::string> restart_needed(const gateway_settings& running,
                                        const gateway_settings& loaded);

}  // namespace ctigw::gateway::app
