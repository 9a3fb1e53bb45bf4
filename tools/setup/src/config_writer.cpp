// `ctigw-setup config`: writes the provider's configuration from the installer's properties, or
// checks the file that is there. A generated file is validated by the provider's own loader
// before anything is written, so the installer never leaves a file the provider refuses.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/loader.hpp"
#include "ctigw/setup/setup.hpp"
#include "internal.hpp"

namespace ctigw::setup {

namespace {

namespace fs = std::filesystem;
using detail::output;
using detail::shown;
using json = nlohmann::ordered_json;

constexpr std::string_view header_comment =
    "// Written by ctigw-setup from the installer's properties; edit freely.\n";

struct config_options {
    std::string config;
    std::string endpoint;
    std::string lines;
    std::string phones;
    std::string ca_file;
    std::string token_file;
    std::string server_name;
    /// Validate only, write nothing: the installer runs this before it changes anything, so
    /// that a refused configuration leaves an installed version as it was.
    bool check_only = false;
    /// The installer's rollback of a write: FILE.bak back in place, or FILE removed when there
    /// was none (write_file keeps FILE.bak exactly when it replaced a file).
    bool undo = false;
};

struct option_spec {
    std::string_view name;
    std::string config_options::*field;
};

constexpr option_spec option_specs[] = {
    {"--config", &config_options::config},
    {"--endpoint", &config_options::endpoint},
    {"--lines", &config_options::lines},
    {"--phones", &config_options::phones},
    {"--ca-file", &config_options::ca_file},
    {"--token-file", &config_options::token_file},
    {"--server-name", &config_options::server_name},
};

/// Reads `--name VALUE` and `--name=VALUE`. Returns a usage error's reason, or "".
std::string parse(const std::vector<std::string>& args, config_options& o) {
    std::vector<std::string_view> seen;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--check-only" || arg == "--undo") {
            (arg == "--undo" ? o.undo : o.check_only) = true;
            continue;
        }
        std::string_view inline_value;
        bool has_inline = false;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_inline = true;
        }
        const option_spec* spec = nullptr;
        for (const auto& s : option_specs) {
            if (s.name == arg) spec = &s;
        }
        if (spec == nullptr) {
            if (args[i].starts_with("-"))
                return "unknown option '" + shown(args[i]) + "' of config";
            return "config takes no argument '" + shown(args[i]) + "' (options only)";
        }
        for (const auto s : seen) {
            if (s == spec->name) return std::string(spec->name) + " is given twice";
        }
        seen.push_back(spec->name);
        if (has_inline) {
            o.*spec->field = std::string(inline_value);
        } else if (i + 1 < args.size()) {
            // The next argument whatever it looks like: the MSI passes every property, and an
            // empty one must not swallow the option after it as its value.
            o.*spec->field = args[++i];
        } else {
            return std::string(spec->name) + " needs a value";
        }
    }
    return {};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// "2001, 2100-2199" → ["2001", {"range": "2100-2199"}]. Items are not checked here: the loader
/// says what is wrong with one, naming its place in the list.
json device_list(std::string_view ranges) {
    json list = json::array();
    for (;;) {
        const auto comma = ranges.find(',');
        const std::string item(trim(ranges.substr(0, comma)));
        if (item.find('-') != std::string::npos) {
            list.push_back({{"range", item}});
        } else {
            list.push_back(item);
        }
        if (comma == std::string_view::npos) break;
        ranges.remove_prefix(comma + 1);
    }
    return list;
}

json generate(const config_options& o) {
    json sw = json::object();
    sw["endpoints"] = json::array({o.endpoint});
    json tls = json::object();
    if (!o.ca_file.empty()) tls["caFile"] = o.ca_file;
    if (!o.server_name.empty()) tls["serverName"] = o.server_name;
    if (!tls.empty()) sw["tls"] = tls;
    if (!o.token_file.empty()) sw["auth"] = {{"tokenFile", o.token_file}};
    json devices = json::object();
    devices["lines"] = device_list(o.lines);
    if (!o.phones.empty()) devices["phones"] = device_list(o.phones);
    json root = json::object();
    root["switch"] = sw;
    root["devices"] = devices;
    return root;
}

/// The option a diagnostic of the generated file is about, so that the administrator knows which
/// installer property to fix ("" when none: the file as a whole).
std::string_view option_of(const config::diagnostic& d) {
    const std::string_view pointer = d.pointer;
    if (pointer == "/switch" && d.message.find("\"auth\"") != std::string::npos) {
        return "--token-file";  // missing required key "auth": no --token-file
    }
    if (pointer.starts_with("/switch/endpoints")) return "--endpoint";
    if (pointer.starts_with("/devices/lines")) return "--lines";
    if (pointer.starts_with("/devices/phones")) return "--phones";
    if (pointer.starts_with("/switch/tls/caFile")) return "--ca-file";
    if (pointer.starts_with("/switch/tls/serverName")) return "--server-name";
    if (pointer.starts_with("/switch/auth")) return "--token-file";
    return {};
}

/// Copies an existing file to FILE.bak, writes FILE.tmp and renames it over FILE: the provider
/// never reads a half-written file. Returns false after logging why.
bool write_file(const fs::path& path, const std::string& text, const output& out) {
    const std::string name = shown(detail::from_path(path));
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            out.line("cannot create the folder of " + name + ": " + ec.message());
            return false;
        }
    }
    const bool replacing = fs::exists(path, ec);
    if (ec) {
        out.line("cannot look at " + name + " (not replaced): " + ec.message());
        return false;
    }
    if (replacing) {
        fs::path bak = path;
        bak += ".bak";
        fs::copy_file(path, bak, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            out.line("cannot keep a copy of " + name + " (not replaced): " + ec.message());
            return false;
        }
        out.line("kept the previous " + name + " as " + shown(detail::from_path(bak)));
    } else {
        // A .bak left from an earlier write is not the previous file of this one: an undo must
        // remove the new file, not bring back an older one.
        fs::path bak = path;
        bak += ".bak";
        fs::remove(bak, ec);
    }
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        file << text;
        file.close();
        if (!file) {
            fs::remove(tmp, ec);
            out.line("cannot write " + shown(detail::from_path(tmp)));
            return false;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        out.line("cannot replace " + name + ": " + ec.message());
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return false;
    }
    return true;
}

int write_config(const config_options& o, const output& out) {
    const fs::path path = detail::to_path(o.config);
    const std::string name = shown(o.config);
    std::string text;
    try {
        text = std::string(header_comment) + generate(o).dump(4) + "\n";
    } catch (const json::exception&) {
        // dump() refuses text that is not UTF-8; the values are not echoed (a URL may carry a
        // token pasted by mistake).
        out.line("the installer's properties are not valid UTF-8; " + name + " not written");
        return exit_code::failed;
    }
    const config::load_result checked = config::load_text(text, path.parent_path());
    if (!checked.ok()) {
        out.line("the installer's properties do not make a valid configuration; " + name +
                 " not written:");
        for (config::diagnostic d : checked.errors) {
            const std::string_view option = option_of(d);
            d.line = d.column = 0;  // positions in a text nobody sees
            out.line("  " + (option.empty() ? std::string() : std::string(option) + ": ") +
                     config::format(d));
        }
        return exit_code::failed;
    }
    const config::settings& s = *checked.value;
    if (o.check_only) {
        out.line("the installer's properties make a valid configuration for " + name + ": " +
                 std::to_string(config::count(s.devices.lines)) + " lines, " +
                 std::to_string(config::count(s.devices.phones)) + " phones (not written yet)");
        return exit_code::ok;
    }
    if (!write_file(path, text, out)) return exit_code::failed;
    out.line("wrote " + name + ": " + std::to_string(config::count(s.devices.lines)) + " lines, " +
             std::to_string(config::count(s.devices.phones)) + " phones");
    return exit_code::ok;
}

int undo_write(const config_options& o, const output& out) {
    const fs::path path = detail::to_path(o.config);
    fs::path bak = path;
    bak += ".bak";
    const std::string name = shown(o.config);
    std::error_code ec;
    if (fs::exists(bak, ec)) {
        fs::rename(bak, path, ec);
        if (ec) {
            out.line("cannot put back the previous " + name + ": " + ec.message());
            return exit_code::failed;
        }
        out.line("put back the previous " + name);
    } else if (fs::exists(path, ec)) {
        if (!fs::remove(path, ec) || ec) {
            out.line("cannot remove " + name + ": " + ec.message());
            return exit_code::failed;
        }
        out.line("removed " + name + " (there was none before)");
    }
    return exit_code::ok;
}

int check_config(const config_options& o, const output& out) {
    const fs::path path = detail::to_path(o.config);
    const std::string name = shown(o.config);
    std::error_code ec;
    if (!fs::exists(path, ec) && !ec) {
        out.line("no configuration at " + name +
                 " yet: the provider reports LINEERR_INIFILECORRUPT and has no lines until it "
                 "exists; see ctigw.example.json next to it");
        return exit_code::ok;
    }
    const config::load_result result = config::load_file(path);
    if (result.io_error) {
        for (const auto& e : result.errors) {
            out.line("cannot read configuration " + name + ": " + config::format(e));
        }
        return exit_code::failed;
    }
    if (!result.ok()) {
        out.line("configuration " + name + " is invalid:");
        for (const auto& e : result.errors) out.line("  " + config::format(e));
        return exit_code::failed;
    }
    const config::settings& s = *result.value;
    out.line("configuration " + name +
             " is valid: " + std::to_string(config::count(s.devices.lines)) + " lines, " +
             std::to_string(config::count(s.devices.phones)) + " phones, " +
             std::to_string(s.link.endpoints.size()) + " endpoints");
    return exit_code::ok;
}

}  // namespace

namespace detail {

int config_command(const std::vector<std::string>& args, const output& out) {
    config_options o;
    if (const std::string error = parse(args, o); !error.empty()) return usage_error(out, error);
    if (o.config.empty()) return usage_error(out, "config needs --config FILE");
    if (!to_path(o.config).has_filename()) {
        return usage_error(out,
                           "--config must name a file, not a folder: '" + shown(o.config) + "'");
    }
    if (o.undo) return undo_write(o, out);
    if (o.endpoint.empty()) {
        // Writing half a configuration would hide the missing endpoint until the provider
        // starts; the installer passes either all of them or only --config.
        for (const auto& s : option_specs) {
            if (s.field != &config_options::config && !(o.*s.field).empty()) {
                return usage_error(out, std::string(s.name) + " needs --endpoint");
            }
        }
        return check_config(o, out);
    }
    if (o.lines.empty()) return usage_error(out, "--endpoint needs --lines");
    return write_config(o, out);
}

}  // namespace detail

}  // namespace ctigw::setup
