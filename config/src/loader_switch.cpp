// ctigw.json's "switch" section: endpoints, TLS (files, passphrase, pins), auth and reconnect.
#include <algorithm>
#include <cstdint>

#include "ctigw/config/detail/text.hpp"
#include "ctigw/config/loader.hpp"
#include "settings_reader.hpp"

namespace ctigw::config::detail {

namespace {

constexpr std::size_t max_endpoints = 16;

bool is_env_name(std::string_view s) {
    if (s.empty() || s.size() > 255 || (s[0] >= '0' && s[0] <= '9')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
}

}  // namespace

void settings_reader::read_switch(const json& sw, switch_settings& s) {
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
    if (const json* r =
            object(sw, p, "reconnect", false, {"initialMs", "maxMs", "jitter", "stableAfterMs"})) {
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

void settings_reader::read_tls(const json& tls, switch_settings& s) {
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
void settings_reader::read_passphrase_source(const json& tls, const std::string& p, tls_settings& t,
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

void settings_reader::read_pin(const std::string& text, const std::string& ptr, tls_settings& t) {
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

void settings_reader::read_auth(const json& auth, auth_settings& a) {
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
            error(p + "/tokenEnv", "invalid environment variable name " + quote(*v) +
                                       "; use letters, digits and _, not starting with a digit");
        } else if (!has_file) {
            a.source = token_source::environment;
            a.token_env = *v;
        }
    }
}

void settings_reader::read_reconnect(const json& r, reconnect_settings& s) {
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
}  // namespace ctigw::config::detail
