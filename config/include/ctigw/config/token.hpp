#pragma once

#include <string>

#include "ctigw/config/result.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config {

/**
 * Reads the switch bearer token from the configured file (surrounding whitespace trimmed, at most
 * 64 KiB) or environment variable. Fails when the source is missing, empty, or the token contains
 * whitespace or control characters. Error messages name the source but never include any part of
 * its content.
 *
 * Thread safety: reads the environment with std::getenv, so must not race with setenv/putenv;
 * call it from the thread that starts the link, before worker threads modify the environment.
 */
result<std::string> resolve_token(const auth_settings& auth);

/**
 * Reads the passphrase of an encrypted client key from tls.client_key_passphrase_file (a UTF-8
 * BOM and trailing line breaks removed, at most 1023 bytes: OpenSSL's limit) or
 * tls.client_key_passphrase_env. Succeeds with an empty string when neither is configured. Fails
 * when the source is missing or empty; messages name the source, never its content.
 *
 * Thread safety: as resolve_token.
 */
result<std::string> resolve_key_passphrase(const tls_settings& tls);

}  // namespace ctigw::config
