#include "ctigw/gateway/loader.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>

#include "reader.hpp"

namespace ctigw::gateway {

namespace detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_listeners = 16;
constexpr std::size_t max_path_length = 256;

constexpr std::string_view passphrase_hint =
    "keep the passphrase in a file (keyPassphraseFile) or an environment variable "
    "(keyPassphraseEnv)";

bool is_ip_literal(const std::string& s) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, s.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, s.c_str(), buffer) == 1;
}

std::string endpoint_text(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

gateway_settings gateway_reader::read(const json& root) {
    gateway_settings s;
    report_duplicate_keys();
    if (!root.is_object()) {
        error("", "the configuration must be a JSON object, found " + describe(root));
        return s;
    }
    check_keys(
        root, "",
        {"$schema", "listen", "tls", "clients", "backend", "limits", "events", "status", "logging"},
        generic_hint);
    string(root, "", "$schema");
    if (const json* l = array(root, "", "listen", true)) read_listen(*l, s.listen);
    if (const json* t = object(root, "", "tls", false,
                               {"certificateFile", "keyFile", "keyPassphraseFile",
                                "keyPassphraseEnv", "clientCaFile", "minVersion", "legacyCiphers"},
                               passphrase_hint)) {
        read_tls(*t, s.tls);
    } else if (!root.contains("tls") && root.contains("listen") && root["listen"].is_array()) {
        // Point at the first listener that wants TLS, counted in the file (not in s.listen).
        const json& list = root["listen"];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json* insecure = list[i].is_object() ? find(list[i], "insecure") : nullptr;
            if (list[i].is_object() &&
                !(insecure != nullptr && insecure->is_boolean() && insecure->get<bool>())) {
                error(child("/listen", i),
                      "this listener uses TLS but there is no \"tls\" section; add one, or set "
                      "\"insecure\": true for plain ws:// (test benches only)");
                break;
            }
        }
    }
    if (const json* c = array(root, "", "clients", true)) read_clients(*c, s.clients);
    if (const json* b =
            object(root, "", "backend", true, {"type", "sim", "asterisk"}, generic_hint)) {
        read_backend(*b, s.backend);
    }
    if (const json* l = object(
            root, "", "limits", false,
            {"maxSessions", "sendQueueBytes", "maxFrameBytes", "maxBatchSize", "malformedTolerance",
             "heartbeatIntervalMs", "missedHeartbeats", "requestsPerSecond"},
            generic_hint)) {
        read_limits(*l, s.limits);
    }
    if (const json* e = object(root, "", "events", false, {"timestamps"}, generic_hint)) {
        if (auto v = boolean(*e, "/events", "timestamps")) s.events.timestamps = *v;
    }
    if (const json* st = object(root, "", "status", false, {"address", "port"}, generic_hint)) {
        read_status(*st, s.listen, s.status);
    }
    if (const json* l = object(root, "", "logging", false,
                               {"file", "level", "rotateSizeMb", "rotateCount"}, generic_hint)) {
        read_logging(*l, s.logging);
    }
    return s;
}

std::optional<std::string> gateway_reader::address(const json& obj, const std::string& ptr) {
    auto a = string(obj, ptr, "address", true);
    if (!a) return std::nullopt;
    if (!is_ip_literal(*a)) {
        error(ptr + "/address", "invalid address " + quote(*a) +
                                    "; expected an IPv4 or IPv6 address without brackets "
                                    "(\"0.0.0.0\" or \"::\" for every interface)");
        return std::nullopt;
    }
    return a;
}

void gateway_reader::read_listen(const json& list, std::vector<listen_settings>& out) {
    const std::string lp = "/listen";
    if (list.empty()) error(lp, "at least one listener is required");
    if (list.size() > max_listeners) {
        error(lp, "at most " + std::to_string(max_listeners) + " listeners are supported");
    }
    std::vector<std::size_t> indices;  // file index of each entry of `out`
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& item = list[i];
        const std::string ip = child(lp, i);
        if (!item.is_object()) {
            error(ip, "expected an object {\"address\", \"port\"}, found " + describe(item));
            continue;
        }
        check_keys(item, ip, {"address", "port", "path", "insecure"}, generic_hint);
        listen_settings l;
        bool ok = true;
        if (auto a = address(item, ip))
            l.address = *a;
        else
            ok = false;
        if (auto p = integer(item, ip, "port", 1, 65535, true)) {
            l.port = static_cast<std::uint16_t>(*p);
        } else {
            ok = false;
        }
        if (auto p = string(item, ip, "path")) {
            const bool clean = std::all_of(p->begin(), p->end(), [](char c) {
                const auto b = static_cast<unsigned char>(c);
                return b > 0x20 && b < 0x7F && c != '?' && c != '#';
            });
            if (!p->starts_with('/') || !clean || p->size() > max_path_length) {
                error(ip + "/path", "invalid path " + quote(*p) +
                                        "; expected \"/\" followed by at most 255 printable "
                                        "characters, without spaces, '?' or '#'");
                ok = false;
            } else {
                l.path = *p;
            }
        }
        if (auto v = boolean(item, ip, "insecure")) l.insecure = *v;
        if (!ok) continue;
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (out[k].address == l.address && out[k].port == l.port) {
                error(ip, "duplicate listener " + endpoint_text(l.address, l.port) +
                              "; already defined at " + where(child(lp, indices[k])));
            }
        }
        indices.push_back(i);
        out.push_back(std::move(l));
    }
}

bool gateway_reader::is_env_name(const std::string& ptr, const std::string& name) {
    const bool ok = name.size() <= 255 && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                    });
    if (!ok) {
        error(ptr, "invalid environment variable name " + quote(name) +
                       "; use letters, digits and _, not starting with a digit");
    }
    return ok;
}

std::optional<std::filesystem::path> gateway_reader::file(const json& obj, const std::string& ptr,
                                                          const char* key, bool required,
                                                          bool must_exist) {
    auto s = string(obj, ptr, key, required);
    if (!s) return std::nullopt;
    fs::path p(*s);
    if (p.is_relative() && !base_.empty()) p = (base_ / p).lexically_normal();
    if (!must_exist || !options_.check_files) return p;
    const std::string kp = child(ptr, key);
    const std::string name = "\"" + p.string() + "\"";
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (st.type() == fs::file_type::not_found) {
        error(kp, "cannot read " + name + ": no such file");
    } else if (ec) {
        error(kp, "cannot read " + name + ": " + ec.message());
    } else if (!fs::is_regular_file(st)) {
        error(kp, "cannot read " + name + ": not a regular file");
    } else if (std::ifstream in(p, std::ios::binary); !in) {
        error(kp, "cannot open " + name + " for reading (check its permissions)");
    }
    return p;
}

void gateway_reader::read_tls(const json& tls, tls_settings& out) {
    const std::string p = "/tls";
    if (auto f = file(tls, p, "certificateFile", true, true)) out.certificate_file = *f;
    if (auto f = file(tls, p, "keyFile", true, true)) out.key_file = *f;
    const bool has_file = tls.contains("keyPassphraseFile");
    const bool has_env = tls.contains("keyPassphraseEnv");
    if (has_file && has_env) {
        error(p + "/keyPassphraseEnv",
              "set at most one of \"keyPassphraseFile\" or \"keyPassphraseEnv\"");
    }
    if (auto f = file(tls, p, "keyPassphraseFile", false, true)) {
        out.key_passphrase = passphrase_source::file;
        out.key_passphrase_file = *f;
    }
    if (auto e = string(tls, p, "keyPassphraseEnv");
        e && is_env_name(p + "/keyPassphraseEnv", *e) && !has_file) {
        out.key_passphrase = passphrase_source::environment;
        out.key_passphrase_env = *e;
    }
    if (auto f = file(tls, p, "clientCaFile", false, true)) out.client_ca_file = *f;
    if (auto v = min_tls_version(tls, p, "minVersion")) out.min_version = *v;
    if (auto v = boolean(tls, p, "legacyCiphers")) {
        out.legacy_ciphers = *v;
        if (*v && out.min_version == tls_version::v1_3) {
            error(p + "/legacyCiphers",
                  "legacy cipher suites exist only in TLS 1.2; they cannot be enabled with "
                  "\"minVersion\": \"1.3\"");
        }
    }
}

void gateway_reader::read_limits(const json& l, limit_settings& out) {
    const std::string p = "/limits";
    const auto set = [&](const char* key, std::int64_t min, std::int64_t max, auto& field) {
        if (auto v = integer(l, p, key, min, max)) {
            field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
        }
    };
    set("maxSessions", 1, 100000, out.max_sessions);
    set("sendQueueBytes", std::int64_t{64} * 1024, std::int64_t{1024} * 1024 * 1024,
        out.send_queue_bytes);
    set("maxFrameBytes", 4096, std::int64_t{64} * 1024 * 1024, out.max_frame_bytes);
    set("maxBatchSize", 1, 100000, out.max_batch_size);
    set("malformedTolerance", 0, 10000, out.malformed_per_minute);
    set("missedHeartbeats", 1, 20, out.missed_heartbeats);
    set("requestsPerSecond", 0, 1000000, out.requests_per_second);
    if (auto v = integer(l, p, "heartbeatIntervalMs", 1000, 300000)) {
        out.heartbeat_interval = std::chrono::milliseconds(*v);
    }
    if (out.send_queue_bytes < out.max_frame_bytes) {
        error(p + (l.contains("sendQueueBytes") ? "/sendQueueBytes" : "/maxFrameBytes"),
              "sendQueueBytes (" + std::to_string(out.send_queue_bytes) +
                  ") must be at least maxFrameBytes (" + std::to_string(out.max_frame_bytes) +
                  "): a largest message must fit in the queue");
    }
}

void gateway_reader::read_status(const json& s, const std::vector<listen_settings>& listen,
                                 std::optional<status_settings>& out) {
    const std::string p = "/status";
    status_settings st;
    auto a = address(s, p);
    auto port = integer(s, p, "port", 1, 65535, true);
    if (!a || !port) return;
    st.address = *a;
    st.port = static_cast<std::uint16_t>(*port);
    for (std::size_t i = 0; i < listen.size(); ++i) {
        if (listen[i].port == st.port && listen[i].address == st.address) {
            error(p + "/port", "the status page cannot share " +
                                   endpoint_text(st.address, st.port) + " with /listen/" +
                                   std::to_string(i));
            return;
        }
    }
    out = st;
}

void gateway_reader::read_logging(const json& l, logging_settings& out) {
    const std::string p = "/logging";
    if (auto f = file(l, p, "file", false, false)) out.file = *f;
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
                                    "; use one of trace, debug, info, warn, error, critical, off");
        } else {
            out.level = it->second;
        }
    }
    if (auto v = integer(l, p, "rotateSizeMb", 1, 1024)) {
        out.rotate_size_mb = static_cast<std::uint32_t>(*v);
    }
    if (auto v = integer(l, p, "rotateCount", 1, 100)) {
        out.rotate_count = static_cast<std::uint32_t>(*v);
    }
}

}  // namespace detail

namespace {

load_result io_failure(std::string message) {
    load_result r;
    r.io_error = true;
    r.diagnostics.push_back({"", std::move(message), 0, 0});
    return r;
}

}  // namespace

load_result load_gateway_text(std::string_view text, const std::filesystem::path& base_directory,
                              const load_options& options) {
    load_result out;
    try {
        const auto root = config::detail::parse_config(text, out.diagnostics);
        if (!root) return out;
        const auto index = config::detail::position_index::build(text);
        detail::gateway_reader r(index, base_directory, options);
        gateway_settings s = r.read(*root);
        out.diagnostics = r.take_errors();
        config::detail::sort_by_position(out.diagnostics);
        if (out.diagnostics.empty()) out.settings = std::move(s);
    } catch (const std::exception& e) {
        // Only resource exhaustion should get here; keep the contract of never throwing.
        out.settings.reset();
        out.diagnostics.push_back(
            {"", std::string("internal error while loading: ") + e.what(), 0, 0});
    }
    return out;
}

load_result load_gateway_file(const std::filesystem::path& file, const load_options& options) {
    auto read = config::detail::read_config_file(file);
    if (auto* why = std::get_if<std::string>(&read)) return io_failure(std::move(*why));
    const auto& f = std::get<config::detail::config_file>(read);
    return load_gateway_text(f.text, f.base_directory, options);
}

}  // namespace ctigw::gateway
