#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/config/endpoint.hpp"

// Plain data describing a validated configuration. Every field holds the documented default until
// the loader overwrites it; values produced by the loader are always within the documented limits.
// All types are thread-compatible values. See docs/config.md for the file format.

namespace ctigw::config {

enum class tls_version { v1_2, v1_3 };

struct tls_settings {
    /// CA bundle (PEM) used to verify the switch; empty means the system's trusted roots.
    std::filesystem::path ca_file;
    /// Client certificate and key (PEM) for mutual TLS; both empty or both set.
    std::filesystem::path client_certificate;
    std::filesystem::path client_key;
    /// Where the passphrase of an encrypted client_key is read from: at most one of the two
    /// (both empty: the key is not encrypted). Read by resolve_key_passphrase().
    std::filesystem::path client_key_passphrase_file;
    std::string client_key_passphrase_env;
    /// Empty: the TLS policy's TLS 1.2 suites. Otherwise an OpenSSL cipher list replacing them,
    /// for an old switch (logged as a warning at every start).
    std::string cipher_list;
    /// PEM file of CRLs; when set the switch certificate's issuer must have one in it.
    std::filesystem::path crl_file;
    /// SHA-256 of the server's leaf certificate (DER), checked in addition to chain verification.
    std::optional<std::array<std::uint8_t, 32>> pinned_sha256;
    tls_version min_version = tls_version::v1_2;
    /// false only when the file also sets allowInsecure.
    bool verify_peer = true;
    /// Overrides the name used for SNI and the host name check; empty means the endpoint's host.
    std::string server_name;
};

enum class token_source { file, environment };

/** Where the bearer token comes from; the token itself is never stored in the configuration. */
struct auth_settings {
    token_source source = token_source::file;
    std::filesystem::path token_file;  ///< when source == file
    std::string token_env;             ///< environment variable name, when source == environment
};

struct timeout_settings {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds request{10000};
    std::chrono::milliseconds heartbeat_interval{15000};
    std::uint32_t missed_heartbeats = 3;
};

struct reconnect_settings {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds max{30000};  ///< >= initial
    double jitter = 0.2;                   ///< 0..1, fraction of the delay randomised
    /// A session must stay up this long after going live before the delay starts again from
    /// `initial`; shorter sessions (flaps) keep it growing.
    std::chrono::milliseconds stable_after{30000};
};

/** Going back to the primary endpoint after failing over to a standby. */
struct fallback_settings {
    bool enabled = false;
    std::chrono::seconds idle{60};  ///< only switch back after this long without calls
};

struct switch_settings {
    std::vector<endpoint> endpoints;  ///< primary first, then standbys; never empty once loaded
    bool allow_insecure = false;
    tls_settings tls;
    auth_settings auth;
    timeout_settings timeouts;
    reconnect_settings reconnect;
    fallback_settings fallback_to_primary;
};

/** What a line is to TAPI (LINEADDRCAPFLAGS_ACDGROUP / _QUEUE / _ROUTEPOINT). */
enum class line_role { station, acd_group, queue, route_point };

/**
 * One entry of `devices.lines` or `devices.phones`: a single extension (first == last) or an
 * inclusive range of extensions with the same number of digits.
 */
struct device_range {
    std::string first;
    std::string last;
    std::string name;          ///< name or pattern ("Agent {ext}"); empty means the default name
    std::string pickup_group;  ///< empty means none
    std::string pointer;       ///< JSON pointer of the entry in the file, for messages
    /// What the lines are: agents' stations (default), ACD groups that agents log into (each is
    /// its own queue), queues, or route points (docs/agents.md). Lines only.
    line_role role = line_role::station;
};

struct device_settings {
    std::vector<device_range> lines;
    std::vector<device_range> phones;
    /// Per-extension display names; they win over entry names and patterns.
    std::map<std::string, std::string, std::less<>> names;
};

struct dialing_settings {
    std::string outside_prefix;         ///< digits dialled to get an outside line; may be empty
    std::string country_code;           ///< site's country code without '+'; may be empty
    std::string area_code;              ///< site's area code; may be empty
    std::uint32_t internal_length = 4;  ///< digits in an internal extension
    std::string international_prefix = "00";
    std::string national_prefix = "0";  ///< may be empty
};

enum class log_level { trace, debug, info, warn, error, critical, off };

struct logging_settings {
    std::filesystem::path file;  ///< empty means no log file
    log_level level = log_level::info;
    std::uint32_t rotate_size_mb = 10;
    std::uint32_t rotate_count = 5;
};

/** Resource limits for the protocol codec and the switch link. */
struct limit_settings {
    std::size_t max_frame_bytes = std::size_t{1024} * 1024;
    std::size_t max_string_length = 4096;
    std::size_t max_list_length = 10000;
    std::size_t max_requests_in_flight = 64;
    std::size_t max_outbound_queue = 4096;
};

struct settings {
    switch_settings link;
    device_settings devices;
    dialing_settings dialing;
    logging_settings logging;
    limit_settings limits;
};

/** "trace", "debug", ... as written in the file. Pure; any thread. */
const char* to_string(log_level level) noexcept;
/** "station", "acdGroup", "queue" or "routePoint" as written in the file. Pure; any thread. */
const char* to_string(line_role role) noexcept;
/** "1.2" or "1.3". Pure; any thread. */
const char* to_string(tls_version version) noexcept;

}  // namespace ctigw::config
