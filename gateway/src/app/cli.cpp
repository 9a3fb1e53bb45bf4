// ctigw-gateway's commands (app/cli.hpp).
#include "ctigw/gateway/app/cli.hpp"

#include <ostream>

#include "ctigw/config/diagnostic.hpp"
#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/app/service.hpp"
#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway::app {

namespace {

constexpr const char* usage =
    R"(Usage:
  ctigw-gateway run [--config FILE] [--port-file FILE] [--any-port]
                            serve ctigw.csta.v1 (default config /etc/ctigw-gateway/ctigw-gateway.json);
                            SIGHUP reloads the configuration, SIGTERM/SIGINT stop
  ctigw-gateway check FILE  check a configuration (and its TLS files); exit 0 when valid
  ctigw-gateway token [NAME]
                            make a new client token; prints the token once and the tokenHash
                            to put into the configuration
  ctigw-gateway --help | --version

--port-file FILE writes the bound port of each listener, one per line, once listening;
--any-port binds every listener to a free port instead of its configured one (scripts, tests).
Logs go to standard error (the journal under systemd) or to logging.file.
See ctigw-gateway(8), docs/gateway.md and docs/gateway-config.md.
)";

bool valid_client_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

int check_command(const std::string& file, std::ostream& out, std::ostream& err) {
    const auto loaded = load_gateway_file(file);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics) err << file << ": " << config::format(d) << '\n';
        err << file << ": " << loaded.diagnostics.size() << " error(s)\n";
        return 1;
    }
    const auto tls = check_tls_files(loaded.settings->tls);
    for (const auto& d : tls.warnings) err << file << ": warning: " << config::format(d) << '\n';
    for (const auto& d : tls.errors) err << file << ": " << config::format(d) << '\n';
    if (!tls.ok()) {
        err << file << ": " << tls.errors.size() << " error(s)\n";
        return 1;
    }
    const auto& s = *loaded.settings;
    out << file << ": OK (" << s.listen.size() << " listener(s), " << s.clients.size()
        << " client(s), backend " << to_string(s.backend.type) << ")\n";
    return 0;
}

int token_command(const std::string& name, std::ostream& out, std::ostream& err) {
    if (!name.empty() && !valid_client_name(name)) {
        err << "ctigw-gateway token: a client name is 1 to 64 of A-Z a-z 0-9 . _ @ -\n";
        return 2;
    }
    std::string token;
    std::string hash;
    try {
        token = generate_token();
        hash = hash_token(token);
    } catch (const std::exception& e) {
        err << "ctigw-gateway token: " << e.what() << '\n';
        return 1;
    }
    out << "token:     " << token << '\n';
    out << "tokenHash: " << hash << '\n';
    if (!name.empty()) {
        out << "\nConfiguration entry (add the devices):\n"
            << "    { \"name\": \"" << name << "\", \"tokenHash\": \"" << hash
            << "\", \"devices\": [] }\n";
    }
    out << "\nGive the token to the client's administrator; it is not stored anywhere and "
           "cannot be shown again.\n";
    return 0;
}

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << usage;
        return 2;
    }
    const std::string& cmd = args[0];
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        out << usage;
        return 0;
    }
    if (cmd == "--version" || cmd == "version") {
        out << "ctigw-gateway " << CTIGW_VERSION << '\n';
        return 0;
    }
    if (cmd == "check") {
        if (args.size() != 2) {
            err << "ctigw-gateway check: expected one FILE\n";
            return 2;
        }
        return check_command(args[1], out, err);
    }
    if (cmd == "token") {
        if (args.size() > 2) {
            err << "ctigw-gateway token: expected at most one NAME\n";
            return 2;
        }
        return token_command(args.size() == 2 ? args[1] : std::string(), out, err);
    }
    if (cmd == "run") {
        run_options o;
        for (std::size_t i = 1; i < args.size(); ++i) {
            const bool has_value = i + 1 < args.size();
            if (args[i] == "--config" && has_value) {
                o.config = args[++i];
            } else if (args[i] == "--port-file" && has_value) {
                o.port_file = args[++i];
            } else if (args[i] == "--any-port") {
                o.any_port = true;
            } else {
                err << "ctigw-gateway run: unexpected argument \"" << args[i]
                    << "\" (expected --config FILE, --port-file FILE, --any-port)\n";
                return 2;
            }
        }
        out.flush();
        return run(o);
    }
    err << "ctigw-gateway: unknown command \"" << cmd << "\" (run, check, token, --help)\n";
    return 2;
}

}  // namespace ctigw::gateway::app
