// ctigw-config: checks a ctigw configuration file and prints a summary or every error.
// Exit codes: 0 valid, 1 invalid configuration, 2 usage or I/O error.

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/loader.hpp"
#include "tls_files.hpp"

namespace {

namespace cfg = ctigw::config;

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;
constexpr int exit_usage = 2;

constexpr std::string_view help_text =
    R"(Usage: ctigw-config check [--quiet] [--no-files] FILE
       ctigw-config --help

Checks a ctigw configuration file (JSON; // and /* */ comments allowed) without
connecting to the switch and without reading the token. The TLS files it names
are loaded as the TSP loads them: caFile must hold a PEM certificate; the client
certificate and key must load (an encrypted key with its passphrase from
clientKeyPassphraseFile or clientKeyPassphraseEnv; never a prompt) and match.
An expired certificate is an error, one that expires within 30 days a warning.

Commands:
  check FILE     Validate FILE. When it is valid, print a summary: number of
                 lines and phones, switch endpoints (primary first), TLS, where
                 the token comes from, log file and dialing rules. When it is
                 not, print every error, one per line, as
                   /json/pointer: message (line L, column C)
                 for example
                   /devices/lines/3: range "2999-2000" is reversed (line 41, column 12)

Options:
  -q, --quiet    Print nothing when the file is valid (errors and warnings are
                 still printed).
  --no-files     Do not open caFile, clientCertificate, clientKey or the
                 passphrase file: for a file written for another machine.
  -h, --help     Show this help.

Relative paths in FILE (caFile, clientCertificate, clientKey, tokenFile,
logging.file) are resolved against the directory containing FILE.

Exit status:
  0  the configuration is valid (warnings, if any, on standard output)
  1  the configuration is invalid (errors printed on standard output)
  2  usage error, or FILE cannot be read (message on standard error)

See docs/config.md for every key, its default and its limits.
)";

int usage_error(std::string_view message) {
    std::cerr << "ctigw-config: " << message << "\nTry 'ctigw-config --help'.\n";
    return exit_usage;
}

void print_summary(const cfg::settings& s, const std::string& key_note) {
    const auto& link = s.link;
    std::cout << "ok: " << cfg::count(s.devices.lines) << " lines, " << cfg::count(s.devices.phones)
              << " phones, " << link.endpoints.size()
              << (link.endpoints.size() == 1 ? " endpoint (" : " endpoints (");
    for (std::size_t i = 0; i < link.endpoints.size(); ++i) {
        std::cout << (i == 0 ? "primary " : ", standby ") << cfg::to_string(link.endpoints[i]);
    }
    std::cout << ")\n";

    const auto& tls = link.tls;
    std::size_t plain = 0;
    for (const auto& e : link.endpoints) plain += e.secure ? 0 : 1;
    if (plain == link.endpoints.size()) {
        // Nothing is verified on ws://: saying "peer verification on" would be a lie.
        std::cout << "tls: NONE (ws://: not encrypted, the switch is not authenticated)\n";
    } else {
        std::cout << "tls: minimum version " << cfg::to_string(tls.min_version)
                  << ", peer verification " << (tls.verify_peer ? "on" : "OFF") << ", CA "
                  << (tls.ca_file.empty() ? std::string("system roots") : tls.ca_file.string());
        if (plain != 0)
            std::cout << " (wss:// endpoints only; " << plain << " ws:// NOT encrypted)";
        if (!tls.crl_file.empty()) std::cout << ", CRL " << tls.crl_file.string();
        if (!tls.client_certificate.empty()) {
            std::cout << ", client certificate " << tls.client_certificate.string();
        }
        if (!key_note.empty()) std::cout << ", " << key_note;
        if (tls.pinned_sha256) std::cout << ", certificate pinned";
        if (!tls.server_name.empty()) std::cout << ", server name " << tls.server_name;
        std::cout << "\n";
        if (!tls.cipher_list.empty()) {
            std::cout << "warning: tls.cipherList replaces the TLS 1.2 policy (ECDHE with AES-GCM "
                         "or ChaCha20-Poly1305) with \""
                      << tls.cipher_list << "\": for an old switch only\n";
        }
    }

    if (link.auth.source == cfg::token_source::file) {
        std::cout << "auth: token from file " << link.auth.token_file.string() << "\n";
    } else {
        std::cout << "auth: token from environment variable " << link.auth.token_env << "\n";
    }

    const auto& t = link.timeouts;
    std::cout << "timeouts: connect " << t.connect.count() << " ms, request " << t.request.count()
              << " ms, heartbeat " << t.heartbeat_interval.count() << " ms x "
              << t.missed_heartbeats << "; reconnect " << link.reconnect.initial.count() << ".."
              << link.reconnect.max.count() << " ms, reset after "
              << link.reconnect.stable_after.count() << " ms live; fallback to primary "
              << (link.fallback_to_primary.enabled
                      ? "after " + std::to_string(link.fallback_to_primary.idle.count()) + " s idle"
                      : std::string("off"))
              << "\n";

    const auto& l = s.logging;
    std::cout << "log: " << (l.file.empty() ? std::string("no file") : l.file.string())
              << " (level " << cfg::to_string(l.level) << ", rotate at " << l.rotate_size_mb
              << " MiB, keep " << l.rotate_count << ")\n";

    const auto& d = s.dialing;
    std::cout << "dialing: country " << (d.country_code.empty() ? "-" : d.country_code) << ", area "
              << (d.area_code.empty() ? "-" : d.area_code) << ", outside prefix "
              << (d.outside_prefix.empty() ? "-" : d.outside_prefix) << ", internal length "
              << d.internal_length << "\n";
}

int check(const std::string& file, bool quiet, bool no_files) {
    const cfg::load_result result = cfg::load_file(file);
    if (result.io_error) {
        for (const auto& e : result.errors) std::cerr << "ctigw-config: " << cfg::format(e) << "\n";
        return exit_usage;
    }
    if (!result.ok()) {
        for (const auto& e : result.errors) std::cout << cfg::format(e) << "\n";
        return exit_invalid;
    }
    ctigw::config_check::tls_file_findings files;
    if (no_files) {
        files.key_note = "TLS files not checked (--no-files)";
    } else {
        // load_file read it a moment ago: the text again, for the positions of the TLS keys.
        std::ifstream in(file, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        files = ctigw::config_check::check_tls_files(result.value->link.tls,
                                                     cfg::detail::position_index::build(text),
                                                     std::chrono::system_clock::now());
    }
    for (const auto& e : files.errors) std::cout << cfg::format(e) << "\n";
    for (const auto& w : files.warnings) std::cout << "warning: " << cfg::format(w) << "\n";
    if (!files.errors.empty()) return exit_invalid;
    if (!quiet) print_summary(*result.value, files.key_note);
    return exit_ok;
}

int run(const std::vector<std::string_view>& args) {
    if (args.empty()) return usage_error("missing command");
    for (auto a : args) {
        if (a == "--help" || a == "-h") {
            std::cout << help_text;
            return exit_ok;
        }
    }
    if (args[0] != "check") return usage_error("unknown command '" + std::string(args[0]) + "'");
    bool quiet = false;
    bool no_files = false;
    std::vector<std::string_view> files;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--quiet" || args[i] == "-q") {
            quiet = true;
        } else if (args[i] == "--no-files") {
            no_files = true;
        } else if (args[i].starts_with('-') && args[i].size() > 1) {
            return usage_error("unknown option '" + std::string(args[i]) + "'");
        } else {
            files.push_back(args[i]);
        }
    }
    if (files.size() != 1) return usage_error("check needs exactly one FILE");
    return check(std::string(files[0]), quiet, no_files);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string_view> args(argv + 1, argv + argc);
        const int code = run(args);
        std::cout.flush();
        return code;
    } catch (const std::exception& e) {
        std::cerr << "ctigw-config: " << e.what() << "\n";
        return exit_usage;
    }
}
