// ctigw-config's check of the TLS files a configuration names (caFile, clientCertificate,
// clientKey and its passphrase): each is opened and loaded as the TSP's link will load it
// (pbx-link), and the dates of its certificates are checked. The config library stays free of
// OpenSSL, so this lives with the tool.
//
// Thread safety: pure apart from reading the files and the passphrase's environment variable;
// any thread.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ctigw/config/detail/position_index.hpp"
#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config_check {

/// A certificate that expires sooner than this is a warning.
inline constexpr int expiry_warning_days = 30;

struct tls_file_findings {
    std::vector<config::diagnostic> errors;
    std::vector<config::diagnostic> warnings;
    /// For the summary, e.g. "client key loaded"; empty without a client certificate.
    std::string key_note;
};

/**
 * Checks the TLS files of `tls` (paths already resolved against the configuration's directory,
 * as load_file does): each exists and is readable; caFile holds at least one PEM certificate;
 * the client certificate and key load, the key decrypted with the configured passphrase, and
 * match. A certificate already expired, or not yet valid, at `now` is an error (in caFile only
 * when no certificate of the file is valid: a bundle may keep an old CA during a rollover); one
 * that expires within expiry_warning_days is a warning with its date. Diagnostics are located
 * with `index`, the position index of the configuration's text. Never throws.
 */
tls_file_findings check_tls_files(const config::tls_settings& tls,
                                  const config::detail::position_index& index,
                                  std::chrono::system_clock::time_point now);

}  // namespace ctigw::config_check
