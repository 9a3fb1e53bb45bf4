#include "ctigw/config/loader.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <variant>

#include "ctigw/config/detail/json_reader.hpp"
#include "ctigw/config/detail/position_index.hpp"
#include "ctigw/config/detail/text.hpp"
#include "ctigw/config/dial_plan.hpp"

namespace ctigw::config {

namespace {

using detail::child;
using detail::describe;
using detail::json;
using detail::keys;
using detail::quote;
namespace fs = std::filesystem;

// Where ctigw.json wants secrets instead of inline (the hints of "inline secrets are not allowed").
constexpr std::string_view token_hint = "use tokenFile or tokenEnv";
constexpr std::string_view passphrase_hint =
    "use clientKeyPassphraseFile or clientKeyPassphraseEnv";

constexpr std::uint64_t max_devices = 100000;
constexpr std::uint64_t max_range_span = 100000;
constexpr std::size_t max_endpoints = 16;
constexpr std::size_t max_name_length = 128;
constexpr std::size_t max_group_length = 64;

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_env_name(std::string_view s) {
    if (s.empty() || s.size() > 255 || (s[0] >= '0' && s[0] <= '9')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
}

enum class spec_kind { any, single, range };

// Validates one JSON document against the configuration rules, collecting every problem.
class reader : public detail::json_reader {
  public:
    using json_reader::json_reader;

    settings read(const json& root) {
        settings s;
        report_duplicate_keys();
        if (!root.is_object()) {
            error("", "the configuration must be a JSON object, found " + describe(root));
            return s;
        }
        check_keys(root, "", {"$schema", "switch", "devices", "dialing", "logging", "limits"},
                   token_hint);
        string(root, "", "$schema");
        if (const json* sw = object(root, "", "switch", true,
                                    {"endpoints", "allowInsecure", "tls", "auth", "timeouts",
                                     "reconnect", "fallbackToPrimary"})) {
            read_switch(*sw, s.link);
        }
        if (const json* d = object(root, "", "devices", true, {"lines", "phones", "names"})) {
            read_devices(*d, s.devices);
        }
        if (const json* d = object(root, "", "dialing", false,
                                   {"outsidePrefix", "countryCode", "areaCode", "internalLength",
                                    "internationalPrefix", "nationalPrefix"})) {
            read_dialing(*d, s.dialing);
        }
        if (const json* l = object(root, "", "logging", false,
                                   {"file", "level", "rotateSizeMb", "rotateCount"})) {
            read_logging(*l, s.logging);
        }
        if (const json* l = object(root, "", "limits", false,
                                   {"maxFrameBytes", "maxStringLength", "maxListLength",
                                    "maxRequestsInFlight", "maxOutboundQueue"})) {
            read_limits(*l, s.limits);
        }
        return s;
    }

  private:
    // Every object of ctigw.json asks for its secrets in files or the environment; the tls
    // object's one is the client key's passphrase.
    const json* object(const json& obj, const std::string& ptr, const char* key, bool required,
                       keys known) {
        return json_reader::object(obj, ptr, key, required, known,
                                   std::string_view(key) == "tls" ? passphrase_hint : token_hint);
    }

    std::optional<std::filesystem::path> path(const json& obj, const std::string& ptr,
                                              const char* key, bool required = false) {
        auto s = string(obj, ptr, key, required);
        if (!s) return std::nullopt;
        return fs::path(*s);
    }

    // A digit string of min..max digits, e.g. a dialing prefix.
    void digits(const json& obj, const std::string& ptr, const char* key, std::size_t min,
                std::size_t max, bool required, std::string& out) {
        auto s = string(obj, ptr, key, required, min == 0);
        if (!s) return;
        if (!all_digits(*s) || s->size() < min || s->size() > max) {
            error(child(ptr, key), "expected " + std::to_string(min) + " to " +
                                       std::to_string(max) + " digits, found " + quote(*s));
            return;
        }
        out = *s;
    }

    // ---- sections ------------------------------------------------------------------------

    void read_switch(const json& sw, switch_settings& s) {
        const std::string p = "/switch";
        if (auto v = boolean(sw, p, "allowInsecure")) s.allow_insecure = *v;
        if (const json* eps = array(sw, p, "endpoints", true)) {
            const std::string ep = p + "/endpoints";
            if (eps->empty()) error(ep, "at least one endpoint is required");
            if (eps->size() > max_endpoints) {
                error(ep, "at most " + std::to_string(max_endpoints) + " endpoints are supported");
            }
            std::vector<std::pair<std::string, std::size_t>> seen;  // normalised URL, index
            for (std::size_t i = 0; i < eps->size(); ++i) {
                const json& item = (*eps)[i];
                const std::string ip = child(ep, i);
                if (!item.is_string()) {
                    error(ip, "expected a URL string, found " + describe(item));
                    continue;
                }
                auto parsed = parse_endpoint(item.get_ref<const std::string&>());
                if (!parsed) {
                    error(ip, parsed.error());
                    continue;
                }
                endpoint e = std::move(parsed).value();
                if (!e.secure && !s.allow_insecure) {
                    error(ip,
                          "ws:// is not encrypted; use wss:// or, on a test bench only, set "
                          "\"allowInsecure\": true");
                    continue;
                }
                const std::string normal = to_string(e);
                auto dup = std::find_if(seen.begin(), seen.end(),
                                        [&](const auto& x) { return x.first == normal; });
                if (dup != seen.end()) {
                    error(ip, "duplicate endpoint; same as " + child(ep, dup->second));
                }
                seen.emplace_back(normal, i);
                s.endpoints.push_back(std::move(e));
            }
        }
        if (const json* tls =
                object(sw, p, "tls", false,
                       {"caFile", "clientCertificate", "clientKey", "clientKeyPassphraseFile",
                        "clientKeyPassphraseEnv", "pinnedSha256", "minVersion", "verifyPeer",
                        "serverName", "cipherList", "crlFile"})) {
            read_tls(*tls, s);
        }
        if (const json* auth = object(sw, p, "auth", true, {"tokenFile", "tokenEnv"})) {
            read_auth(*auth, s.auth);
        }
        if (const json* t =
                object(sw, p, "timeouts", false,
                       {"connectMs", "requestMs", "heartbeatIntervalMs", "missedHeartbeats"})) {
            const std::string tp = p + "/timeouts";
            using ms = std::chrono::milliseconds;
            if (auto v = integer(*t, tp, "connectMs", 100, 120000)) s.timeouts.connect = ms(*v);
            if (auto v = integer(*t, tp, "requestMs", 100, 300000)) s.timeouts.request = ms(*v);
            if (auto v = integer(*t, tp, "heartbeatIntervalMs", 1000, 300000)) {
                s.timeouts.heartbeat_interval = ms(*v);
            }
            if (auto v = integer(*t, tp, "missedHeartbeats", 1, 20)) {
                s.timeouts.missed_heartbeats = static_cast<std::uint32_t>(*v);
            }
        }
        if (const json* r = object(sw, p, "reconnect", false,
                                   {"initialMs", "maxMs", "jitter", "stableAfterMs"})) {
            read_reconnect(*r, s.reconnect);
        }
        if (const json* f = object(sw, p, "fallbackToPrimary", false, {"enabled", "idleSeconds"})) {
            const std::string fp = p + "/fallbackToPrimary";
            if (auto v = boolean(*f, fp, "enabled")) s.fallback_to_primary.enabled = *v;
            if (auto v = integer(*f, fp, "idleSeconds", 0, 86400)) {
                s.fallback_to_primary.idle = std::chrono::seconds(*v);
            }
        }
    }

    void read_tls(const json& tls, switch_settings& s) {
        const std::string p = "/switch/tls";
        tls_settings& t = s.tls;
        if (auto v = path(tls, p, "caFile")) t.ca_file = *v;
        if (auto v = path(tls, p, "clientCertificate")) t.client_certificate = *v;
        if (auto v = path(tls, p, "clientKey")) t.client_key = *v;
        const bool has_cert = tls.contains("clientCertificate");
        const bool has_key = tls.contains("clientKey");
        if (has_cert && !has_key) {
            error(p + "/clientCertificate",
                  "\"clientKey\" is required when \"clientCertificate\" is set");
        } else if (has_key && !has_cert) {
            error(p + "/clientKey", "\"clientCertificate\" is required when \"clientKey\" is set");
        }
        read_passphrase_source(tls, p, t, has_key);
        if (auto v = path(tls, p, "crlFile")) t.crl_file = *v;
        if (auto v = string(tls, p, "cipherList")) {
            // OpenSSL checks the names when the link starts; here only what cannot be a list.
            const bool printable = std::all_of(v->begin(), v->end(), [](char c) {
                return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F;
            });
            if (!printable || v->size() > 1024) {
                error(p + "/cipherList",
                      "expected an OpenSSL cipher list such as "
                      "\"ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA\"");
            } else {
                t.cipher_list = *v;
            }
        }
        if (auto v = string(tls, p, "pinnedSha256")) read_pin(*v, p + "/pinnedSha256", t);
        if (auto v = min_tls_version(tls, p, "minVersion")) t.min_version = *v;
        if (auto v = boolean(tls, p, "verifyPeer")) {
            t.verify_peer = *v;
            if (!*v && !s.allow_insecure) {
                error(p + "/verifyPeer",
                      "\"verifyPeer\": false disables server authentication and requires "
                      "\"allowInsecure\": true");
            }
        }
        if (auto v = string(tls, p, "serverName")) {
            auto probe = parse_endpoint("wss://" + *v + "/");
            if (!probe || probe.value().host != *v) {
                error(p + "/serverName", "invalid server name " + quote(*v));
            } else {
                t.server_name = *v;
            }
        }
    }

    // Like the token's tokenFile/tokenEnv, but optional: only an encrypted key needs one.
    void read_passphrase_source(const json& tls, const std::string& p, tls_settings& t,
                                bool has_key) {
        const bool has_file = tls.contains("clientKeyPassphraseFile");
        const bool has_env = tls.contains("clientKeyPassphraseEnv");
        if (has_file && has_env) {
            error(p,
                  "set at most one of \"clientKeyPassphraseFile\" or "
                  "\"clientKeyPassphraseEnv\", not both");
        } else if ((has_file || has_env) && !has_key) {
            error(p + (has_file ? "/clientKeyPassphraseFile" : "/clientKeyPassphraseEnv"),
                  "a passphrase needs \"clientKey\" (the encrypted key)");
        }
        if (auto v = path(tls, p, "clientKeyPassphraseFile")) t.client_key_passphrase_file = *v;
        if (auto v = string(tls, p, "clientKeyPassphraseEnv")) {
            if (!is_env_name(*v)) {
                error(p + "/clientKeyPassphraseEnv",
                      "invalid environment variable name " + quote(*v) +
                          "; use letters, digits and _, not starting with a digit");
            } else if (!has_file) {
                t.client_key_passphrase_env = *v;
            }
        }
    }

    void read_pin(const std::string& text, const std::string& ptr, tls_settings& t) {
        std::string hex;
        for (char c : text) {
            if (c == ':') continue;
            if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
                error(ptr,
                      "invalid character in SHA-256 fingerprint; expected 64 hex digits "
                      "(colons allowed)");
                return;
            }
            hex += c;
        }
        if (hex.size() != 64) {
            error(ptr, "expected a SHA-256 fingerprint of 64 hex digits (colons allowed), found " +
                           std::to_string(hex.size()) + " digits");
            return;
        }
        std::array<std::uint8_t, 32> pin{};
        for (std::size_t i = 0; i < pin.size(); ++i) {
            pin[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
        }
        t.pinned_sha256 = pin;
    }

    void read_auth(const json& auth, auth_settings& a) {
        const std::string p = "/switch/auth";
        const bool has_file = auth.contains("tokenFile");
        const bool has_env = auth.contains("tokenEnv");
        if (has_file && has_env) {
            error(p, "set exactly one of \"tokenFile\" or \"tokenEnv\", not both");
        } else if (!has_file && !has_env) {
            error(p,
                  "set one of \"tokenFile\" (a file holding the token) or \"tokenEnv\" (an "
                  "environment variable holding it)");
        }
        if (auto v = path(auth, p, "tokenFile")) {
            a.source = token_source::file;
            a.token_file = *v;
        }
        if (auto v = string(auth, p, "tokenEnv")) {
            if (!is_env_name(*v)) {
                error(p + "/tokenEnv",
                      "invalid environment variable name " + quote(*v) +
                          "; use letters, digits and _, not starting with a digit");
            } else if (!has_file) {
                a.source = token_source::environment;
                a.token_env = *v;
            }
        }
    }

    void read_reconnect(const json& r, reconnect_settings& s) {
        const std::string p = "/switch/reconnect";
        using ms = std::chrono::milliseconds;
        const auto initial = integer(r, p, "initialMs", 10, 60000);
        const auto max = integer(r, p, "maxMs", 100, 3600000);
        if (initial) s.initial = ms(*initial);
        if (max) s.max = ms(*max);
        if (s.max < s.initial && (initial || max)) {
            error(p + (max ? "/maxMs" : "/initialMs"), "maxMs (" + std::to_string(s.max.count()) +
                                                           ") must be at least initialMs (" +
                                                           std::to_string(s.initial.count()) + ")");
        }
        if (auto v = integer(r, p, "stableAfterMs", 0, 3600000)) s.stable_after = ms(*v);
        if (const json* j = find(r, "jitter")) {
            if (!j->is_number()) {
                error(p + "/jitter", "expected a number from 0 to 1, found " + describe(*j));
            } else if (j->get<double>() < 0.0 || j->get<double>() > 1.0) {
                error(p + "/jitter", j->dump() + " is out of range (0 to 1)");
            } else {
                s.jitter = j->get<double>();
            }
        }
    }

    void read_devices(const json& d, device_settings& out) {
        const std::string p = "/devices";
        std::size_t declared = 0;
        read_device_list(d, p, "lines", out.lines, declared);
        read_device_list(d, p, "phones", out.phones, declared);
        for (const auto& r : out.phones) {
            if (r.role != line_role::station) {
                error(r.pointer + "/options/role", "a role applies to lines only");
            }
        }
        if (declared == 0) error(p, "define at least one line or phone");

        const json* names = find(d, "names");
        if (names == nullptr) return;
        const std::string np = p + "/names";
        if (!names->is_object()) {
            error(np, "expected an object mapping extensions to names, found " + describe(*names));
            return;
        }
        detail::extension_set configured;
        configured.add(out.lines);
        configured.add(out.phones);
        configured.seal();
        for (auto it = names->begin(); it != names->end(); ++it) {
            const std::string& ext = it.key();
            const std::string kp = child(np, ext);
            if (!detail::is_extension(ext)) {
                key_error(kp, "invalid extension " + quote(ext) + "; use 1 to 32 digits");
                continue;
            }
            if (auto name = string(*names, np, ext.c_str()); name && check_name(*name, kp)) {
                if (!configured.contains(ext)) {
                    key_error(kp, "extension " + quote(ext) + " is not a configured line or phone");
                } else {
                    out.names.emplace(ext, *name);
                }
            }
        }
    }

    bool check_name(const std::string& name, const std::string& ptr) {
        if (name.size() > max_name_length) {
            error(ptr, "name is longer than " + std::to_string(max_name_length) + " characters");
            return false;
        }
        return true;
    }

    void read_device_list(const json& d, const std::string& p, const char* key,
                          std::vector<device_range>& out, std::size_t& declared) {
        const json* list = array(d, p, key, false);
        if (list == nullptr) return;
        declared += list->size();
        const std::string lp = child(p, key);
        std::uint64_t total = 0;
        out.reserve(list->size());
        for (std::size_t i = 0; i < list->size(); ++i) {
            const json& item = (*list)[i];
            device_range r;
            r.pointer = child(lp, i);
            bool ok = false;
            if (item.is_string()) {
                ok = parse_spec(item.get_ref<const std::string&>(), r.pointer, spec_kind::any, r);
            } else if (item.is_object()) {
                ok = read_device_object(item, r);
            } else {
                error(r.pointer,
                      "expected an extension, a range or an object, found " + describe(item));
            }
            if (ok) {
                total += detail::range_size(r.first, r.last).value_or(0);
                out.push_back(std::move(r));
            }
        }
        if (total > max_devices) {
            error(lp, "too many " + std::string(key) + ": " + std::to_string(total) +
                          "; the limit is " + std::to_string(max_devices));
        }
        for (const auto& o : detail::find_overlaps(out)) {
            const device_range& earlier = out[o.earlier];
            const auto first = index_.value_position(earlier.pointer);
            error(out[o.later].pointer, "duplicate extension \"" + o.extension +
                                            "\"; first defined at " + earlier.pointer + ", line " +
                                            std::to_string(first.line) + ", column " +
                                            std::to_string(first.column));
        }
    }

    bool read_device_object(const json& item, device_range& r) {
        const std::string& ip = r.pointer;
        check_keys(item, ip, {"extension", "range", "name", "options"}, token_hint);
        const bool has_ext = item.contains("extension");
        const bool has_range = item.contains("range");
        bool ok = false;
        if (has_ext && has_range) {
            error(ip, "set either \"extension\" or \"range\", not both");
        } else if (!has_ext && !has_range) {
            error(ip, "missing required key \"extension\" or \"range\"");
        } else {
            const char* key = has_ext ? "extension" : "range";
            if (auto s = string(item, ip, key, true)) {
                ok = parse_spec(*s, child(ip, key), has_ext ? spec_kind::single : spec_kind::range,
                                r);
            }
        }
        if (auto name = string(item, ip, "name"); name && check_name(*name, ip + "/name")) {
            r.name = *name;
        }
        if (const json* o = object(item, ip, "options", false, {"pickupGroup", "role"})) {
            const std::string op = ip + "/options";
            if (auto role = string(*o, op, "role")) read_role(*role, op + "/role", r);
            if (auto g = string(*o, op, "pickupGroup")) {
                if (g->size() > max_group_length) {
                    error(op + "/pickupGroup", "pickup group is longer than " +
                                                   std::to_string(max_group_length) +
                                                   " characters");
                } else {
                    r.pickup_group = *g;
                }
            }
        }
        return ok;
    }

    void read_role(const std::string& text, const std::string& ptr, device_range& r) {
        for (auto role :
             {line_role::station, line_role::acd_group, line_role::queue, line_role::route_point}) {
            if (text == to_string(role)) {
                r.role = role;
                return;
            }
        }
        error(ptr, "unknown role " + quote(text) +
                       "; expected \"station\", \"acdGroup\", \"queue\" or \"routePoint\"");
    }

    bool parse_spec(std::string_view text, const std::string& ptr, spec_kind kind,
                    device_range& r) {
        const auto dash = text.find('-');
        if (dash == std::string_view::npos) {
            if (kind == spec_kind::range) {
                error(ptr, "invalid range " + quote(text) +
                               "; expected \"first-last\", e.g. \"2000-2099\"");
                return false;
            }
            if (!detail::is_extension(text)) {
                error(ptr, "invalid extension " + quote(text) + "; use 1 to 32 digits");
                return false;
            }
            r.first = r.last = std::string(text);
            return true;
        }
        if (kind == spec_kind::single) {
            error(ptr, "invalid extension " + quote(text) +
                           "; use 1 to 32 digits (write ranges under \"range\")");
            return false;
        }
        const std::string_view first = text.substr(0, dash);
        const std::string_view last = text.substr(dash + 1);
        if (!detail::is_extension(first) || !detail::is_extension(last)) {
            error(ptr, "invalid range " + quote(text) +
                           "; expected \"first-last\" with 1 to 32 digits on each side");
            return false;
        }
        if (first.size() != last.size()) {
            error(ptr, "range " + quote(text) + " has ends of different lengths (" +
                           std::to_string(first.size()) + " and " + std::to_string(last.size()) +
                           " digits)");
            return false;
        }
        if (last < first) {
            error(ptr, "range " + quote(text) + " is reversed");
            return false;
        }
        const auto size = detail::range_size(first, last);
        if (!size || *size > max_range_span) {
            error(ptr, "range " + quote(text) + " spans " +
                           (size ? std::to_string(*size) : std::string("over 10^17")) +
                           " extensions; the limit is " + std::to_string(max_range_span));
            return false;
        }
        r.first = std::string(first);
        r.last = std::string(last);
        return true;
    }

    void read_dialing(const json& d, dialing_settings& s) {
        const std::string p = "/dialing";
        digits(d, p, "countryCode", 1, 3, true, s.country_code);
        if (s.country_code.starts_with('0')) {
            error(p + "/countryCode",
                  "a country code does not start with 0; write it without "
                  "the international prefix");
        }
        digits(d, p, "areaCode", 0, 8, false, s.area_code);
        digits(d, p, "outsidePrefix", 0, 4, false, s.outside_prefix);
        const std::size_t before = errors_.size();
        digits(d, p, "internationalPrefix", 1, 4, false, s.international_prefix);
        digits(d, p, "nationalPrefix", 0, 4, false, s.national_prefix);
        // Said at the key the file sets (nationalPrefix when both are): either may be a default.
        if (auto why = prefix_conflict(s); !why.empty() && errors_.size() == before) {
            error(p + (d.contains("nationalPrefix") ? "/nationalPrefix" : "/internationalPrefix"),
                  std::move(why));
        }
        if (auto v = integer(d, p, "internalLength", 1, 32)) {
            s.internal_length = static_cast<std::uint32_t>(*v);
        }
    }

    void read_logging(const json& l, logging_settings& s) {
        const std::string p = "/logging";
        if (auto v = path(l, p, "file")) s.file = *v;
        if (auto v = string(l, p, "level")) {
            static constexpr std::pair<std::string_view, log_level> levels[] = {
                {"trace", log_level::trace}, {"debug", log_level::debug},
                {"info", log_level::info},   {"warn", log_level::warn},
                {"error", log_level::error}, {"critical", log_level::critical},
                {"off", log_level::off}};
            auto it = std::find_if(std::begin(levels), std::end(levels),
                                   [&](const auto& e) { return e.first == *v; });
            if (it == std::end(levels)) {
                error(p + "/level", "unknown level " + quote(*v) +
                                        "; use one of trace, debug, info, warn, error, "
                                        "critical, off");
            } else {
                s.level = it->second;
            }
        }
        if (auto v = integer(l, p, "rotateSizeMb", 1, 1024)) {
            s.rotate_size_mb = static_cast<std::uint32_t>(*v);
        }
        if (auto v = integer(l, p, "rotateCount", 1, 100)) {
            s.rotate_count = static_cast<std::uint32_t>(*v);
        }
    }

    void read_limits(const json& l, limit_settings& s) {
        const std::string p = "/limits";
        const auto set = [&](const char* key, std::int64_t min, std::int64_t max,
                             std::size_t& out) {
            if (auto v = integer(l, p, key, min, max)) out = static_cast<std::size_t>(*v);
        };
        set("maxFrameBytes", 4096, 64 * 1024 * 1024, s.max_frame_bytes);
        set("maxStringLength", 64, 1024 * 1024, s.max_string_length);
        set("maxListLength", 16, 1000000, s.max_list_length);
        set("maxRequestsInFlight", 1, 1024, s.max_requests_in_flight);
        set("maxOutboundQueue", 16, 1000000, s.max_outbound_queue);
        if (s.max_string_length > s.max_frame_bytes) {
            error(p + (l.contains("maxStringLength") ? "/maxStringLength" : "/maxFrameBytes"),
                  "maxStringLength must not exceed maxFrameBytes");
        }
    }
};

void resolve_paths(settings& s, const fs::path& base) {
    const auto fix = [&](fs::path& p) {
        // Absolute on the Windows target even when this code runs elsewhere: left alone.
        if (!p.empty() && p.is_relative() && !foreign_windows_path(p)) {
            p = (base / p).lexically_normal();
        }
    };
    fix(s.link.tls.ca_file);
    fix(s.link.tls.client_certificate);
    fix(s.link.tls.client_key);
    fix(s.link.tls.client_key_passphrase_file);
    fix(s.link.tls.crl_file);
    fix(s.link.auth.token_file);
    fix(s.logging.file);
}

}  // namespace

bool foreign_windows_path(const std::filesystem::path& p) {
#if defined(_WIN32)
    (void)p;
    return false;  // on Windows such a path is simply absolute
#else
    const std::string& g = p.native();  // as written: generic_string() may fold a leading "//"
    return (g.size() >= 3 && std::isalpha(static_cast<unsigned char>(g[0])) != 0 && g[1] == ':' &&
            (g[2] == '/' || g[2] == '\\')) ||
           g.starts_with("\\\\") || g.starts_with("//");
#endif
}

namespace {

load_result io_failure(std::string message) {
    load_result r;
    r.io_error = true;
    r.errors.push_back({"", std::move(message), 0, 0});
    return r;
}

}  // namespace

load_result load_text(std::string_view text, const std::filesystem::path& base_directory) {
    load_result out;
    try {
        const auto root = detail::parse_config(text, out.errors);
        if (!root) return out;
        const auto index = detail::position_index::build(text);
        reader r(index);
        settings s = r.read(*root);
        out.errors = r.take_errors();
        detail::sort_by_position(out.errors);
        if (out.errors.empty()) {
            if (!base_directory.empty()) resolve_paths(s, base_directory);
            out.value = std::move(s);
        }
    } catch (const std::exception& e) {
        // Only resource exhaustion should get here; keep the contract of never throwing.
        out.value.reset();
        out.errors.push_back({"", std::string("internal error while loading: ") + e.what(), 0, 0});
    }
    return out;
}

load_result load_file(const std::filesystem::path& file) {
    auto read = detail::read_config_file(file);
    if (auto* why = std::get_if<std::string>(&read)) return io_failure(std::move(*why));
    const auto& f = std::get<detail::config_file>(read);
    return load_text(f.text, f.base_directory);
}

}  // namespace ctigw::config
