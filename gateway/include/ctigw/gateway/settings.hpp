#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/settings.hpp"

// Plain data describing a validated ctigw-gateway.json (docs/gateway-config.md). Every field holds
// the documented default until the loader overwrites it; values produced by the loader are always
// within the documented limits. All types are thread-compatible values: once built, const access
// from any number of threads is safe.

namespace ctigw::gateway {

using config::log_level;
using config::tls_version;

/**
 * An inclusive range of extensions with the same number of digits (first == last for a single
 * extension). For device sets, `first == last` may also hold a non-numeric device ID ("sales" for a
 * pickup group); such an item matches only itself.
 */
struct device_range {
    std::string first;
    std::string last;

    friend bool operator==(const device_range&, const device_range&) = default;
};

/**
 * The devices a client may use: single device IDs, ranges of extensions, or every device ("*").
 * Membership is decided without expanding ranges: O(log n) in the number of items. Extensions of
 * different widths never match ("0201" is not "201"), as in the TSP configuration.
 */
class device_set {
  public:
    /** Contains nothing. */
    device_set() = default;

    /** Every device ("*"). */
    static device_set every_device();

    /**
     * @pre each numeric item has digit-only ends of equal width with first <= last; a non-numeric
     * item has first == last (the loader guarantees both). Overlapping items are merged.
     */
    explicit device_set(std::vector<device_range> items);

    bool contains(std::string_view device) const noexcept;
    bool all() const noexcept { return all_; }
    bool empty() const noexcept { return !all_ && ranges_.empty() && ids_.empty(); }

    /**
     * Number of devices covered (saturating); SIZE_MAX when all(). For logs and metrics; check
     * all() before using it to size anything.
     */
    std::size_t size_hint() const noexcept;

    /** The normalised items: numeric ranges sorted by (width, first) and disjoint, then the
     * non-numeric IDs sorted. Empty when all(). */
    std::vector<device_range> items() const;

  private:
    bool all_ = false;
    std::vector<device_range> ranges_;  // numeric, sorted by (width, first), disjoint
    std::vector<std::string> ids_;      // non-numeric device IDs, sorted, unique
};

/** One TSP installation (or other client) allowed to connect, identified by its token. */
struct client {
    std::string name;         ///< unique; for logs and metrics ([A-Za-z0-9._@-], 1 to 64)
    std::string token_hash;   ///< "sha256$<salt hex>$<digest hex>" (access.hpp); never the token
    device_set devices;       ///< may monitor, snapshot and control
    device_set monitor_only;  ///< may monitor and snapshot only
};

/** One listening socket for ctigw.csta.v1 clients. */
struct listen_settings {
    std::string address;         ///< IPv4 or IPv6 literal (no brackets); "::"/"0.0.0.0" = all
    std::uint16_t port = 0;      ///< required in the file
    std::string path = "/csta";  ///< WebSocket upgrade target, starts with '/'
    bool insecure = false;       ///< plain ws:// (no TLS); only when the file says so explicitly

    friend bool operator==(const listen_settings&, const listen_settings&) = default;
};

enum class passphrase_source { none, file, environment };

struct tls_settings {
    /// Certificate chain (PEM, leaf first) and its private key; set when any listener uses TLS.
    std::filesystem::path certificate_file;
    std::filesystem::path key_file;
    /// Where the key's passphrase comes from (an encrypted key); never the passphrase itself.
    passphrase_source key_passphrase = passphrase_source::none;
    std::filesystem::path key_passphrase_file;  ///< when key_passphrase == file
    std::string key_passphrase_env;             ///< when key_passphrase == environment
    /// CA bundle (PEM) for client certificates. Non-empty means mutual TLS: every client must
    /// present a certificate it signed (in addition to its token).
    std::filesystem::path client_ca_file;
    tls_version min_version = tls_version::v1_2;
    /// Allows TLS 1.2 CBC suites (and other non-AEAD suites) for old clients; off by default.
    bool legacy_ciphers = false;

    bool mutual() const noexcept { return !client_ca_file.empty(); }

    friend bool operator==(const tls_settings&, const tls_settings&) = default;
};

enum class backend_type { sim, asterisk };

/** The built-in switch simulator (docs/pbx-sim.md). Defaults are the simulator's own. */
struct sim_backend_settings {
    std::vector<device_range> stations{{"2000", "2099"}};
    std::vector<std::string> park_orbits{"7001", "7002", "7003", "7004", "7005"};
    /// Pickup group name -> member stations.
    std::map<std::string, std::vector<std::string>, std::less<>> pickup_groups;
    /// ACD groups by their extension (docs/pbx-sim.md "ACD groups and agents").
    struct acd_group {
        std::string name;
        std::vector<std::string> agents;  ///< empty: every station
        std::uint32_t max_queued = 20;
        std::optional<std::string> overflow_to;
        std::chrono::seconds wrapup{10};
        friend bool operator==(const acd_group&, const acd_group&) = default;
    };
    std::map<std::string, acd_group, std::less<>> acd_groups;
    /// Not-ready reasons as (code, name); empty: the simulator's own.
    std::vector<std::pair<std::string, std::string>> not_ready_reasons;
    /// agentID -> PIN (test data: the simulator's agents); empty: any agentID, no PIN.
    std::map<std::string, std::string, std::less<>> agent_pins;

    friend bool operator==(const sim_backend_settings&, const sim_backend_settings&) = default;
};

enum class secret_source { file, environment };

/**
 * How the Asterisk backend reaches the Asterisk Manager Interface (docs/gateway-config.md,
 * "backend.asterisk.ami"). TLS unless `insecure`, which the loader allows only towards a loopback
 * host. The secret is named (a file or an environment variable), never held here.
 */
struct asterisk_ami_settings {
    std::string host;           ///< host name or IP literal (no brackets); required in the file
    std::uint16_t port = 5039;  ///< default 5039 with TLS, 5038 when insecure
    bool insecure = false;      ///< plain TCP; only to 127.0.0.0/8, ::1 or "localhost"
    /// CA bundle (PEM) the AMI server's certificate must chain to; set unless insecure.
    std::filesystem::path ca_file;
    /// Name checked against the server's certificate and sent as SNI; the loader sets it to
    /// `host` when the file does not say.
    std::string server_name;
    std::string username;  ///< AMI user (manager.conf section); required in the file
    secret_source secret = secret_source::file;
    std::filesystem::path secret_file;  ///< when secret == file: its first line is the secret
    std::string secret_env;             ///< when secret == environment
    std::chrono::milliseconds action_timeout{10000};  ///< per action, until its response
    std::chrono::milliseconds ping_interval{20000};   ///< idle link check (AMI Ping)

    friend bool operator==(const asterisk_ami_settings&, const asterisk_ami_settings&) = default;
};

/** res_parking lot used for Park and unpark (ParkedCall(lot,space)). */
struct asterisk_parking_settings {
    std::string lot = "default";
    /// Parking spaces exposed as park devices. FreePBX's default lot has 71-78 (parkext 70);
    /// Asterisk's res_parking.conf.sample has 701-720 (parkext 700).
    device_range spaces{"71", "78"};

    friend bool operator==(const asterisk_parking_settings&,
                           const asterisk_parking_settings&) = default;
};

/** Where conferences are built (ConfBridge); empty profiles mean ConfBridge's defaults. */
struct asterisk_conference_settings {
    std::string context = "ctigw-conference";
    std::string bridge_profile;
    std::string user_profile;

    friend bool operator==(const asterisk_conference_settings&,
                           const asterisk_conference_settings&) = default;
};

/**
 * FreePBX's conventions for do-not-disturb and forwarding: AstDB families keyed by extension
 * (DND/<ext> = "YES", CF/<ext> = destination) and a custom device state showing DND on phones.
 */
struct asterisk_feature_settings {
    std::string dnd_family = "DND";
    std::string forward_immediate_family = "CF";
    std::string forward_busy_family = "CFB";
    std::string forward_no_answer_family = "CFU";
    /// "Custom:..." with one "{ext}"; empty: DND is not shown as a device state.
    std::string dnd_device_state = "Custom:DND{ext}";

    friend bool operator==(const asterisk_feature_settings&,
                           const asterisk_feature_settings&) = default;
};

/**
 * Answering a ringing phone from the CTI: Asterisk cannot take a SIP phone off-hook; phones
 * that honour a NOTIFY with "Event: talk" (Polycom, Yealink, Snom, Grandstream when enabled)
 * answer on PJSIPNotify. Only the listed stations offer AnswerCall.
 */
struct asterisk_answer_settings {
    std::vector<device_range> stations;  ///< empty: no station can be answered remotely
    std::string endpoint = "{ext}";      ///< the PJSIP endpoint of a station
    std::string event = "talk";          ///< the NOTIFY's Event header

    friend bool operator==(const asterisk_answer_settings&,
                           const asterisk_answer_settings&) = default;
};

/**
 * app_queue members as agents (docs/asterisk.md "Agents and queues"). Defaults follow FreePBX's
 * dynamic agents; on plain Asterisk "PJSIP/{ext}" and no state interface are typical.
 */
struct asterisk_queue_settings {
    std::string member_interface = "Local/{ext}@from-queue/n";  ///< QueueAdd's Interface
    std::string state_interface = "hint:{ext}@ext-local";       ///< its StateInterface; "": none
    /// After-call work once a queue call ends, for members without their own Wrapuptime (AMI
    /// does not report queues.conf's wrapuptime); zero: none.
    std::chrono::seconds wrapup{0};

    friend bool operator==(const asterisk_queue_settings&,
                           const asterisk_queue_settings&) = default;
};

/**
 * The Asterisk backend (AMI), for plain Asterisk and FreePBX. Defaults follow FreePBX
 * (from-internal, PJSIP). Patterns use "{ext}" for the extension's digits. The loader guarantees:
 * stations are non-empty and disjoint; every channel pattern is "<literal>{ext}<literal>" with a
 * tech prefix ("PJSIP/") and a non-digit separator after {ext}; every endpoint maps to a station;
 * parking spaces are not stations; dial_string has at least one "{ext}".
 */
struct asterisk_backend_settings {
    asterisk_ami_settings ami;
    /// Extensions exposed as station devices; required in the file.
    std::vector<device_range> stations;
    /// How channel names name their station: "PJSIP/{ext}-" matches "PJSIP/2001-0000001a".
    std::vector<std::string> channel_patterns{"PJSIP/{ext}-", "SIP/{ext}-", "IAX2/{ext}-",
                                              "Local/{ext}@"};
    /// Endpoint ("PJSIP/anna-mobile") -> station extension, for endpoints not named by their
    /// extension (hot-desk, mobile twins). Several endpoints may map to one extension.
    std::map<std::string, std::string, std::less<>> endpoints;
    std::string dial_string = "PJSIP/{ext}";  ///< Originate Channel that rings a station's phone
    std::string context = "from-internal";    ///< dialplan context for dialled destinations
    std::string originate_caller_id;          ///< Originate CallerID ("{ext}" allowed); empty: none
    asterisk_parking_settings parking;
    asterisk_conference_settings conference;
    std::string pickup_context = "from-internal";  ///< the loader defaults it to `context`
    /// Group pickup: group name -> member stations (Asterisk's callgroup/pickupgroup are not
    /// readable through AMI); GroupPickupCall picks the longest-ringing call of the group.
    std::map<std::string, std::vector<std::string>, std::less<>> pickup_groups;
    asterisk_feature_settings features;
    asterisk_queue_settings queues;
    asterisk_answer_settings answer;
    std::string voicemail_context = "default";  ///< mailbox = <ext>@<voicemail_context>

    friend bool operator==(const asterisk_backend_settings&,
                           const asterisk_backend_settings&) = default;
};

struct backend_settings {
    backend_type type = backend_type::sim;
    sim_backend_settings sim;            ///< when type == sim
    asterisk_backend_settings asterisk;  ///< when type == asterisk

    friend bool operator==(const backend_settings&, const backend_settings&) = default;
};

/** Per-gateway and per-session resource limits. */
struct limit_settings {
    std::size_t max_sessions = 1000;                  ///< concurrent client sessions
    std::size_t send_queue_bytes = 16 * 1024 * 1024;  ///< per session; >= max_frame_bytes
    std::size_t max_frame_bytes = 1024 * 1024;        ///< largest WebSocket message in or out
    std::size_t max_batch_size = 5000;                ///< advertised in Hello (maxBatchSize)
    std::uint32_t malformed_per_minute = 10;          ///< tolerated per session; 0 = none
    std::chrono::milliseconds heartbeat_interval{10000};
    std::uint32_t missed_heartbeats = 3;
    std::uint32_t requests_per_second = 1000;  ///< per session; 0 = unlimited

    friend bool operator==(const limit_settings&, const limit_settings&) = default;
};

/** What the gateway adds to the events it sends. */
struct event_settings {
    /// Each event carries `timestamp`: the gateway's time of encoding (RFC 3339, µs). Clients
    /// measure the latency to them from it (the TSP's status shows switch-to-TAPI figures).
    bool timestamps = false;

    friend bool operator==(const event_settings&, const event_settings&) = default;
};

/** HTTP status page and /metrics; absent (disabled) unless configured. */
struct status_settings {
    std::string address;  ///< IPv4 or IPv6 literal
    std::uint16_t port = 0;

    friend bool operator==(const status_settings&, const status_settings&) = default;
};

struct logging_settings {
    std::filesystem::path file;  ///< empty: standard error (the journal under systemd)
    log_level level = log_level::info;
    std::uint32_t rotate_size_mb = 10;
    std::uint32_t rotate_count = 5;

    friend bool operator==(const logging_settings&, const logging_settings&) = default;
};

struct gateway_settings {
    std::vector<listen_settings> listen;  ///< never empty once loaded
    tls_settings tls;
    std::vector<client> clients;  ///< never empty once loaded; file order
    backend_settings backend;
    limit_settings limits;
    event_settings events;
    std::optional<status_settings> status;
    logging_settings logging;

    /** Whether any listener uses TLS (then tls.certificate_file and key_file are set). */
    bool any_tls() const noexcept;
};

/** "sim" or "asterisk". Pure; any thread. */
const char* to_string(backend_type type) noexcept;

}  // namespace ctigw::gateway
