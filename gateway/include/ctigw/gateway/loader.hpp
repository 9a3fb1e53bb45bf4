#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "ctigw/config/diagnostic.hpp"
#include "ctigw/gateway/settings.hpp"

namespace ctigw::gateway {

/** Outcome of loading ctigw-gateway.json: either settings, or every problem found. */
struct load_result {
    std::optional<gateway_settings> settings;  ///< set only when diagnostics is empty
    /// Errors, sorted by position (I/O and file-system errors, which have line 0, first). Each has
    /// the JSON pointer of the offending value; messages never contain tokens or other secrets.
    std::vector<config::diagnostic> diagnostics;
    bool io_error = false;  ///< the configuration file itself could not be read

    bool ok() const noexcept { return settings.has_value() && diagnostics.empty(); }
};

struct load_options {
    /// Check that the files named by the configuration (TLS certificate, key, passphrase file,
    /// client CA) exist and are readable. Off only for tools that check a file on another host.
    bool check_files = true;
};

/**
 * Parses and validates configuration text (JSON with // and block comments), collecting all
 * errors in one pass. Relative paths are resolved against `base_directory` when it is not empty
 * (else against the working directory when checking files). Never throws; reads no secret (the
 * passphrase file is only checked for readability). Callable from any thread.
 */
load_result load_gateway_text(std::string_view text,
                              const std::filesystem::path& base_directory = {},
                              const load_options& options = {});

/**
 * Reads `file` and calls load_gateway_text with the file's directory as base directory. Failures
 * to read it are one diagnostic with an empty pointer and line 0, and set io_error. Never throws.
 * Callable from any thread.
 */
load_result load_gateway_file(const std::filesystem::path& file, const load_options& options = {});

/** Findings of check_tls_files. Diagnostics carry the JSON pointer of the setting, no position. */
struct tls_check_result {
    std::vector<config::diagnostic> errors;
    std::vector<config::diagnostic> warnings;

    bool ok() const noexcept { return errors.empty(); }
};

/**
 * Deeper TLS check for `ctigw-gateway check`: parses the certificate chain, the key (decrypting it
 * with the configured passphrase) and the client CA bundle with OpenSSL; checks that the key
 * matches the leaf certificate and that every certificate is valid at `now`. A certificate that
 * expires within 30 days of `now` is a warning. Does nothing when tls.certificate_file is empty.
 *
 * Reads the passphrase environment variable with std::getenv: do not race it with setenv (call it
 * at start-up). Never throws; messages never contain the passphrase or key material.
 */
tls_check_result check_tls_files(
    const tls_settings& tls,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace ctigw::gateway
