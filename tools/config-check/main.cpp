// ctigw-config: checks a ctigw configuration file and prints a summary or every error.
// Exit codes: 0 valid, 1 invalid configuration, 2 usage or I/O error.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/loader.hpp"
#include "ctigw/config/token.hpp"
#include "ctigw/pbx_link/link.hpp"

namespace {

namespace cfg = ctigw::config;

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;
constexpr int exit_usage = 2;

constexpr std::string_view help_text =
    R"(Usage: ctigw-config check [--quiet] FILE
       ctigw-config --help

Checks a ctigw configuration file (JSON; // and /* */ comments allowed) without
connecting to the switch and without reading the token. A client certificate and
key are loaded as the TSP loads them (an encrypted key with its passphrase from
clientKeyPassphraseFile or clientKeyPassphraseEnv; never a prompt) when the files
are readable here.

Commands:
  check FILE     Validate FILE. When it is valid, print a summary: number of
                 lines and phones, switch endpoints (primary first), TLS, where
                 the token comes from, log file and dialing rules. When it is
                 not, print every error, one per line, as
                   /json/pointer: message (line L, column C)
                 for example
                   /devices/lines/3: range "2999-2000" is reversed (line 41, column 12)

Options:
  -q, --quiet    Print nothing when the file is valid (errors are still printed).
  -h, --help     Show this help.

Relative paths in FILE (caFile, clientCertificate, clientKey, tokenFile,
logging.file) are resolved against the directory containing FILE.

Exit status:
  0  the configuration is valid
  1  the configuration is invalid (errors printed on standard output)
  2  usage error, or FILE cannot be read (message on standard error)

See docs/config.md for every key, its default and its limits.
)";

int usage_error(std::string_view message) {
    std::cerr << "ctigw-config: " << message << "\nTry 'ctigw-config --help'.\n";
    return exit_usage;
}

/// Loads the client certificate and key as the link will. Empty when fine or not checkable here
/// (`note` says which), else the error.
std::string check_client_key(const cfg::tls_settings& tls, std::string& note) {
    if (tls.client_certificate.empty()) return {};
    std::error_code ec;
    if (!std::filesystem::exists(tls.client_key, ec) ||
        !std::filesystem::exists(tls.client_certificate, ec)) {
        // Often checked on another machine than the TSP's: not an error of the file.
        note = "client key not checked (" +
               (std::filesystem::exists(tls.client_key, ec) ? tls.client_certificate.string()
                                                            : tls.client_key.string()) +
               " not found here)";
        return {};
    }
    auto passphrase = cfg::resolve_key_passphrase(tls);
    if (!passphrase.ok()) return passphrase.error();
    ctigw::pbx_link::tls_settings t;
    t.client_certificate = tls.client_certificate.string();
    t.client_key = tls.client_key.string();
    t.client_key_passphrase = passphrase.value();
    auto error = ctigw::pbx_link::check_client_identity(t);
    if (!error.empty()) return error;
    note = passphrase.value().empty()
               ? "client key loaded"
               : "client key loaded (decrypted with the passphrase from " +
                     (tls.client_key_passphrase_env.empty()
                          ? "file " + tls.client_key_passphrase_file.string()
                          : "environment variable " + tls.client_key_passphrase_env) +
                     ")";
    return {};
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

int check(const std::string& file, bool quiet) {
    const cfg::load_result result = cfg::load_file(file);
    if (result.io_error) {
        for (const auto& e : result.errors) std::cerr << "ctigw-config: " << cfg::format(e) << "\n";
        return exit_usage;
    }
    if (!result.ok()) {
        for (const auto& e : result.errors) std::cout << cfg::format(e) << "\n";
        return exit_invalid;
    }
    std::string key_note;
    if (auto error = check_client_key(result.value->link.tls, key_note); !error.empty()) {
        std::cout << "/switch/tls/clientKey: " << error << "\n";
        return exit_invalid;
    }
    if (!quiet) print_summary(*result.value, key_note);
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
    std::vector<std::string_view> files;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--quiet" || args[i] == "-q") {
            quiet = true;
        } else if (args[i].starts_with('-') && args[i].size() > 1) {
            return usage_error("unknown option '" + std::string(args[i]) + "'");
        } else {
            files.push_back(args[i]);
        }
    }
    if (files.size() != 1) return usage_error("check needs exactly one FILE");
    return check(std::string(files[0]), quiet);
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
