// Settings -> server options, simulator config and authenticator (app/options.hpp).
#include "ctigw/gateway/app/options.hpp"

#include <cstdlib>
#include <fstream>

namespace ctigw::gateway::app {

const char* const legacy_tls12_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";

authenticator make_authenticator(std::shared_ptr<const access_control> clients) {
    return
        [clients = std::move(clients)](std::string_view token) -> std::optional<client_identity> {
            const client* c = clients->authenticate(token);
            if (c == nullptr) return std::nullopt;
            // `c` points into *clients, which the rights function keeps alive.
            return client_identity{c->name, [clients, c](std::string_view device) {
                                       return access_control::rights(*c, device);
                                   }};
        };
}

namespace {

/// The passphrase of an encrypted key: the file's first line, or the environment variable.
bool read_passphrase(const tls_settings& tls, std::string& out, std::string& error) {
    switch (tls.key_passphrase) {
        case passphrase_source::none:
            return true;
        case passphrase_source::file:
            return read_secret(tls.key_passphrase_file, {}, "tls.keyPassphrase", out, error);
        case passphrase_source::environment:
            return read_secret({}, tls.key_passphrase_env, "tls.keyPassphrase", out, error);
    }
    return true;
}

}  // namespace

bool read_secret(const std::filesystem::path& file, const std::string& env, std::string_view what,
                 std::string& out, std::string& error) {
    if (!env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (v == nullptr || *v == '\0') {
            error = std::string(what) + "Env: the environment variable " + env + " is not set";
            return false;
        }
        out = v;
        return true;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        error = std::string(what) + "File: cannot read \"" + file.string() + "\"";
        return false;
    }
    std::getline(in, out);  // the first line; editors add a line break
    if (!out.empty() && out.back() == '\r') out.pop_back();
    if (out.empty()) {
        error = std::string(what) + "File: \"" + file.string() + "\" is empty";
        return false;
    }
    return true;
}

server_options_result make_server_options(const gateway_settings& settings,
                                          std::shared_ptr<const access_control> clients) {
    server_options_result r;
    auto& o = r.options;
    for (const auto& l : settings.listen) {
        o.listeners.push_back(listener_options{l.address, l.port, l.path, !l.insecure});
    }
    if (settings.any_tls()) {
        tls_files files;
        files.certificate_chain = settings.tls.certificate_file;
        files.private_key = settings.tls.key_file;
        if (settings.tls.mutual()) files.client_ca = settings.tls.client_ca_file;
        if (!read_passphrase(settings.tls, files.private_key_passphrase, r.error)) return r;
        o.tls = std::move(files);
        o.tls_min_version = settings.tls.min_version;
        if (settings.tls.legacy_ciphers) o.tls_cipher_list = legacy_tls12_cipher_list;
    }
    o.authenticate = make_authenticator(std::move(clients));
    const auto& lim = settings.limits;
    o.max_sessions = lim.max_sessions;
    o.send_queue_limit_bytes = lim.send_queue_bytes;
    o.limits.max_frame_bytes = lim.max_frame_bytes;
    o.max_batch_size = static_cast<std::uint32_t>(lim.max_batch_size);
    o.malformed_tolerance = lim.malformed_per_minute;
    o.heartbeat_interval = lim.heartbeat_interval;
    o.missed_heartbeats = lim.missed_heartbeats;
    o.requests_per_second = lim.requests_per_second;
    o.event_timestamps = settings.events.timestamps;
    o.switch_name = "ctigw-gateway";
    return r;
}

sim::sim_config make_sim_config(const sim_backend_settings& settings) {
    sim::sim_config c;
    c.stations.clear();
    for (const auto& r : settings.stations) c.stations.push_back({r.first, r.last});
    c.park_orbits = settings.park_orbits;
    c.pickup_groups.clear();
    for (const auto& [name, members] : settings.pickup_groups) c.pickup_groups[name] = members;
    for (const auto& [device, g] : settings.acd_groups) {
        c.acd_groups.push_back({device, g.name, g.agents, g.max_queued, g.overflow_to,
                                std::chrono::duration_cast<sim::milliseconds>(g.wrapup)});
    }
    if (!settings.not_ready_reasons.empty()) {
        c.not_ready_reasons.clear();
        for (const auto& [code, name] : settings.not_ready_reasons) {
            c.not_ready_reasons.push_back(
                {code, name.empty() ? std::nullopt : std::optional<std::string>(name)});
        }
    }
    c.agent_pins = {settings.agent_pins.begin(), settings.agent_pins.end()};
    return c;
}

std::vector<std::string> restart_needed(const gateway_settings& running,
                                        const gateway_settings& loaded) {
    std::vector<std::string> out;
    if (!(running.listen == loaded.listen)) out.emplace_back("listen");
    if (!(running.tls == loaded.tls)) out.emplace_back("tls");
    if (!(running.backend == loaded.backend)) out.emplace_back("backend");
    if (!(running.limits == loaded.limits)) out.emplace_back("limits");
    if (running.events != loaded.events) out.emplace_back("events");
    if (running.status != loaded.status) out.emplace_back("status");
    if (running.logging.file != loaded.logging.file ||
        running.logging.rotate_size_mb != loaded.logging.rotate_size_mb ||
        running.logging.rotate_count != loaded.logging.rotate_count) {
        out.emplace_back("logging.file");
    }
    return out;
}

}  // namespace ctigw::gateway::app
