// ctigw.json: load_text/load_file, the document's top level, the dialing, logging and limits
// sections, and resolving relative paths against the file's directory.
#include "ctigw/config/loader.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <variant>

#include "ctigw/config/detail/position_index.hpp"
#include "ctigw/config/detail/text.hpp"
#include "ctigw/config/dial_plan.hpp"
#include "settings_reader.hpp"

namespace ctigw::config {

namespace detail {

namespace {

namespace fs = std::filesystem;

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

settings settings_reader::read(const json& root) {
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
    if (const json* l =
            object(root, "", "logging", false, {"file", "level", "rotateSizeMb", "rotateCount"})) {
        read_logging(*l, s.logging);
    }
    if (const json* l = object(root, "", "limits", false,
                               {"maxFrameBytes", "maxStringLength", "maxListLength",
                                "maxRequestsInFlight", "maxOutboundQueue"})) {
        read_limits(*l, s.limits);
    }
    return s;
}

// Every object of ctigw.json asks for its secrets in files or the environment; the tls
// object's one is the client key's passphrase.
const json* settings_reader::object(const json& obj, const std::string& ptr, const char* key,
                                    bool required, keys known) {
    return json_reader::object(obj, ptr, key, required, known,
                               std::string_view(key) == "tls" ? passphrase_hint : token_hint);
}

std::optional<std::filesystem::path> settings_reader::path(const json& obj, const std::string& ptr,
                                                           const char* key, bool required) {
    auto s = string(obj, ptr, key, required);
    if (!s) return std::nullopt;
    return fs::path(*s);
}

// A digit string of min..max digits, e.g. a dialing prefix.
void settings_reader::digits(const json& obj, const std::string& ptr, const char* key,
                             std::size_t min, std::size_t max, bool required, std::string& out) {
    auto s = string(obj, ptr, key, required, min == 0);
    if (!s) return;
    if (!all_digits(*s) || s->size() < min || s->size() > max) {
        error(child(ptr, key), "expected " + std::to_string(min) + " to " + std::to_string(max) +
                                   " digits, found " + quote(*s));
        return;
    }
    out = *s;
}

void settings_reader::read_dialing(const json& d, dialing_settings& s) {
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

void settings_reader::read_logging(const json& l, logging_settings& s) {
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

void settings_reader::read_limits(const json& l, limit_settings& s) {
    const std::string p = "/limits";
    const auto set = [&](const char* key, std::int64_t min, std::int64_t max, std::size_t& out) {
        if (auto v = integer(l, p, key, min, max)) out = static_cast<std::size_t>(*v);
    };
    set("maxFrameBytes", 4096, std::int64_t{64} * 1024 * 1024, s.max_frame_bytes);
    set("maxStringLength", 64, std::int64_t{1024} * 1024, s.max_string_length);
    set("maxListLength", 16, 1000000, s.max_list_length);
    set("maxRequestsInFlight", 1, 1024, s.max_requests_in_flight);
    set("maxOutboundQueue", 16, 1000000, s.max_outbound_queue);
    if (s.max_string_length > s.max_frame_bytes) {
        error(p + (l.contains("maxStringLength") ? "/maxStringLength" : "/maxFrameBytes"),
              "maxStringLength must not exceed maxFrameBytes");
    }
}
}  // namespace detail

namespace {

namespace fs = std::filesystem;

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
        detail::settings_reader r(index);
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
