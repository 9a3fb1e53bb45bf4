// ctigw-setup's command line: dispatch, usage, CustomActionData, service-recovery, and the
// helpers the commands share (internal.hpp).
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/setup/setup.hpp"
#include "internal.hpp"

namespace ctigw::setup {

namespace detail {

void output::line(std::string_view text) const noexcept {
    if (!sink_) return;
    try {
        sink_(text);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a lost log line must not fail the command
    }
}

std::string shown(std::string_view s) {
    std::string escaped = protocol::log_safe(s, 1024);
    // log_safe doubles every backslash; when that is all it did, the string was harmless and
    // is shown as written (C:\ProgramData\ctigw, not C:\\ProgramData\\ctigw).
    std::string doubled;
    doubled.reserve(s.size());
    for (char c : s) {
        doubled += c;
        if (c == '\\') doubled += '\\';
    }
    if (escaped == doubled) return std::string(s);
    return escaped;
}

std::filesystem::path to_path(std::string_view utf8) {
    return {std::u8string(utf8.begin(), utf8.end())};
}

std::string from_path(const std::filesystem::path& p) {
    const std::u8string u = p.u8string();
    return {u.begin(), u.end()};
}

void log_usage(const output& out) {
    const std::string text = usage();
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        out.line(rest.substr(0, nl));
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
}

int usage_error(const output& out, std::string_view reason) {
    out.line("ctigw-setup: " + std::string(reason));
    log_usage(out);
    return exit_code::usage;
}

}  // namespace detail

namespace {

using detail::output;
using detail::shown;

int service_recovery(const std::vector<std::string>& args, service_control* services,
                     const output& out) {
    if (args.empty() || args[0].empty()) {
        return detail::usage_error(out, "service-recovery needs the service's NAME");
    }
    if (args.size() > 1) {
        return detail::usage_error(
            out, "service-recovery takes one NAME, not '" + shown(args[1]) + "' as well");
    }
    const std::string name = shown(args[0]);
    if (services == nullptr) {
        out.line("cannot set " + name +
                 "'s recovery actions: the Windows service manager is not available here");
        return exit_code::failed;
    }
    const std::uint32_t rc = services->set_restart_on_failure(args[0]);
    if (rc != 0) {
        out.line("cannot set " + name + "'s recovery actions: error " + std::to_string(rc));
        return exit_code::failed;
    }
    out.line("service " + name +
             " restarts on failure (after 5 s, 5 s, then 60 s; count reset after a day)");
    return exit_code::ok;
}

// Building the line may itself throw (bad_alloc): nothing leaves run().
void internal_error(const output& out, const char* what) noexcept {
    try {
        out.line("ctigw-setup: internal error: " + shown(what));
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing left to tell it with
    }
}

int dispatch(const std::vector<std::string>& args, environment& env, const output& out) {
    if (args.empty()) return detail::usage_error(out, "missing command");
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--help" || command == "-h" || command == "help" || command == "/?") {
        detail::log_usage(out);
        return exit_code::ok;
    }
    if (command == "provider") return detail::provider_command(rest, env.tapi, out);
    if (command == "config") return detail::config_command(rest, out);
    if (command == "service-recovery") return service_recovery(rest, env.services, out);
    return detail::usage_error(out, "unknown command '" + shown(command) + "'");
}

}  // namespace

std::string usage() {
    return R"(Usage: ctigw-setup provider add|remove|list
       ctigw-setup config [--check-only|--undo] --config FILE [--endpoint URL --lines RANGES [--phones RANGES]
                          [--ca-file FILE] [--token-file FILE] [--server-name HOST]]
       ctigw-setup service-recovery NAME
       ctigw-setup --help

Commands:
  provider add     Register ctigw.tsp with TAPI (lineAddProvider), unless it already is.
  provider remove  Remove every TAPI provider entry of ctigw.tsp (lineRemoveProvider).
  provider list    List TAPI's providers; ctigw.tsp's entries are marked.
  config           Without --endpoint: check FILE when it exists. With --endpoint: write FILE
                   from the options after validating them (an existing FILE is kept as
                   FILE.bak).
  service-recovery NAME
                   Make Windows restart service NAME when it fails (after 5 s, 5 s, then 60 s).

Options of config:
  --config FILE       The configuration file (required).
  --check-only        Validate as above but write nothing (the installer's first step).
  --undo              Undo a write: FILE.bak back in place, else FILE removed (the installer's
                      rollback; FILE.bak is kept only when a write replaced a file).
  --endpoint URL      The switch: wss://host[:port][/path].
  --lines RANGES      TAPI lines, comma-separated extensions and ranges: 2001,2100-2199.
                      Required with --endpoint.
  --phones RANGES     TAPI phones, as --lines.
  --ca-file FILE      PEM bundle of the CA that signed the switch's certificate.
  --token-file FILE   The file holding the switch's bearer token (never read here).
  --server-name HOST  The name in the switch's certificate, when it is not the URL's host.
An option whose value is empty counts as absent. Relative paths in the written file are
relative to FILE's folder. See docs/config.md for everything else the file can hold.

Exit status: 0 done (also when there was nothing to do), 1 failed, 2 usage error.)";
}

std::vector<std::string> split_action_data(std::string_view data) {
    std::vector<std::string> out;
    if (data.empty()) return out;
    for (;;) {
        const auto bar = data.find('|');
        out.emplace_back(data.substr(0, bar));
        if (bar == std::string_view::npos) break;
        data.remove_prefix(bar + 1);
    }
    return out;
}

int run(const std::vector<std::string>& args, environment& env) {
    const output out(env.log);
    try {
        return dispatch(args, env, out);
    } catch (const std::exception& e) {
        internal_error(out, e.what());
    } catch (...) {
        internal_error(out, "unknown exception");
    }
    return exit_code::failed;
}

}  // namespace ctigw::setup
