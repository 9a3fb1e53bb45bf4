// ctigw-pbxsim: the simulated PBX. Listens for ctigw.csta.v1 clients and can be driven by
// scenario files, an interactive console and a load generator (docs/pbx-sim.md).
//
// Exit codes: 0 ok, 1 runtime error, 2 usage error (bad command line or scenario file).

#include <unistd.h>

#include <boost/asio.hpp>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/pbxsim/control.hpp"
#include "ctigw/pbxsim/control_port.hpp"
#include "ctigw/pbxsim/load.hpp"
#include "ctigw/pbxsim/server.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ctigw::pbxsim;
using std::chrono::milliseconds;

constexpr int exit_ok = 0;
constexpr int exit_runtime = 1;
constexpr int exit_usage = 2;

/// A bad command line: printed with a hint to --help, exit code 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Something that failed while running: exit code 1.
struct runtime_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr std::string_view usage_text =
    R"(ctigw-pbxsim - a simulated PBX speaking ctigw.csta.v1 (ECMA-269 CSTA as JSON over WebSocket)

Usage:
  ctigw-pbxsim [run] [options]         run the switch
  ctigw-pbxsim --demo [options]        run it with demo certificates, 100 stations, a demo token
  ctigw-pbxsim certs DIR [--host H]... write a demo CA, server and client certificates into DIR
  ctigw-pbxsim --help                  this text

Listener:
  --listen ADDR:PORT        where to listen (default 127.0.0.1:8443; [::1]:8443 for IPv6;
                            port 0 picks a free port, printed in the "listening on" line)
  --cert-dir DIR            TLS with DIR/server.pem (chain) and DIR/server-key.pem, as written
                            by "ctigw-pbxsim certs DIR"
  --cert FILE --key FILE    TLS with this certificate chain and private key (PEM)
  --require-client-cert     clients must present a certificate issued by DIR/ca.pem (needs --cert-dir)
  --plain                   plain ws:// without TLS (must be asked for explicitly)
  --token T                 the bearer token clients must present in Authenticate
  --token-file F            ... read from file F (trailing whitespace removed)
  --token-env VAR           ... read from environment variable VAR
                            (exactly one of the three is required, except with --demo)
  --heartbeat-interval MS   heartbeat interval offered in Hello (default 10000)

Switch:
  --stations FIRST-LAST     a range of station extensions, same digit count (repeatable;
                            default 2000-2099); a single number is a range of one
  --orbits FIRST-LAST       park orbit devices (default 7001-7005); also a comma list
  --pickup-group NAME=LIST  a pickup group; LIST is numbers and ranges, e.g. sales=2001-2005,2010
                            (repeatable; default: none)
  --acd-group EXT=LIST      an ACD group: calls to EXT wait for the longest-idle ready agent of
                            LIST (stations, as for --pickup-group); 20 may wait, 10 s of wrap-up
                            (repeatable; default: none; docs/pbx-sim.md "ACD groups and agents")
  --external PREFIX=BEHAVIOUR[:DELAY_MS[:HANGUP_MS]]
                            how outside numbers starting with PREFIX behave when called
                            (repeatable; checked in order; an empty PREFIX matches all).
                            BEHAVIOUR: answer (after DELAY_MS), busy, noanswer, reject (after
                            DELAY_MS), hangup (answers after DELAY_MS, hangs up HANGUP_MS later).
                            Defaults: DELAY_MS 2000, HANGUP_MS 30000; numbers no rule matches
                            answer after 2 s
  --max-conference N        most parties in one conference (default 6)
  --max-calls N             most concurrent calls; beyond it call-creating services are refused
                            with systemResourceAvailability/resourceBusy (default 100000)
  --new-callid-on-transfer  transfer and conference give the surviving call a new callID
  --park-timeout S          seconds before a parked call is recalled to the parker (default 60)

Driving it:
  --scenario FILE           run the "at <time> <command>" lines of FILE (see docs/pbx-sim.md;
                            the simulator keeps running afterwards unless FILE ends in "quit")
  --console                 read commands from stdin (default when stdin is a terminal and not in
                            load mode); type "help" for the commands; end of input quits
  --no-console              do not read stdin even when it is a terminal
  --control ADDR:PORT       also take console commands over plain TCP, one per line; each is
                            answered with its output and a last line "ok" or "error: <text>"
                            ("check <command>" only parses; "quit" closes that connection only).
                            NO AUTHENTICATION: anyone who can connect drives the switch, so only
                            loopback addresses are accepted (port 0 picks a free port)
  --control-any             allow --control on an address that is not loopback
  --ready-file PATH         once listening, write PATH (via PATH.tmp and a rename) with the lines
                            "listen HOST:PORT", "control HOST:PORT" (with --control) and
                            "url URL"; a stale PATH is removed at start, PATH at exit
  --load RATE               load mode: outside numbers call random stations at RATE calls/s and
                            the simulator plays the agents (answer, talk, hold, transfers)
  --duration S              load mode: seconds of offering calls (also 500ms, 2m; required with
                            --load); then calls in progress finish, a summary is printed, exit 0
  --seed N                  load mode: random seed (default 1)
  --mix T,H,C,B             load mode: percentages of talk, hold, consultation+transfer and
                            single-step transfer calls, adding up to 100 (default 60,20,15,5)
  --even                    load mode: evenly spaced arrivals instead of Poisson
  --acd-share P             load mode: percentage of calls that go to the ACD groups, whose
                            agents the simulator logs on and plays (default 0; needs --acd-group)
  --quiet                   no server log and no load progress (errors, the "listening" line,
                            command output and the load summary are still printed)
  --demo                    TLS with certificates in ./pbxsim-certs (--cert-dir to change; generated
                            when server.pem is missing), stations 2000-2099 unless --stations,
                            token "demo-token" unless --token/--token-file/--token-env,
                            listening on 127.0.0.1:8443 unless --listen
  -h, --help                this text

Once listening it prints one line, e.g.
  ctigw-pbxsim listening on wss://127.0.0.1:8443/csta (instance 3f2a9c..., 100 stations)
and with --control a second one:
  ctigw-pbxsim control on 127.0.0.1:7001
SIGINT/SIGTERM stop it cleanly. Exit codes: 0 ok, 1 runtime error, 2 usage error.

Examples:
  # one command starts it with 100 extensions and a demo certificate set
  ctigw-pbxsim --demo
  # plain ws on a free port, two station ranges, a scenario, no console
  ctigw-pbxsim --plain --listen 127.0.0.1:0 --token-env PBX_TOKEN --stations 2000-2099 \
      --stations 3000-3049 --scenario tools/pbx-sim/scenarios/basic.scn --no-console
  # driven by a test host over TCP; ports and URL in a file instead of stdout
  ctigw-pbxsim --plain --listen 127.0.0.1:0 --token t --control 127.0.0.1:0 \
      --ready-file /tmp/pbxsim.ready --no-console
  #   printf 'call 0301555 2001\n' | nc 127.0.0.1 PORT   ->  call 0301555 -> 2001: callID c-1 / ok
  # load: 200 calls/s for 60 s against 2000 stations, TLS from a certificate directory
  ctigw-pbxsim --cert-dir ./pbxsim-certs --token-file token.txt --stations 2000-3999 \
      --load 200 --duration 60 --seed 7
)";

/// Every option, for strict parsing and did-you-mean.
struct option_spec {
    std::string_view name;
    bool takes_value;
};
constexpr option_spec options_table[] = {
    {"--listen", true},
    {"--cert-dir", true},
    {"--cert", true},
    {"--key", true},
    {"--require-client-cert", false},
    {"--plain", false},
    {"--token", true},
    {"--token-file", true},
    {"--token-env", true},
    {"--heartbeat-interval", true},
    {"--stations", true},
    {"--orbits", true},
    {"--pickup-group", true},
    {"--external", true},
    {"--acd-group", true},
    {"--acd-share", true},
    {"--max-conference", true},
    {"--new-callid-on-transfer", false},
    {"--max-calls", true},
    {"--park-timeout", true},
    {"--scenario", true},
    {"--console", false},
    {"--no-console", false},
    {"--control", true},
    {"--control-any", false},
    {"--ready-file", true},
    {"--load", true},
    {"--duration", true},
    {"--seed", true},
    {"--mix", true},
    {"--even", false},
    {"--quiet", false},
    {"--demo", false},
    {"--help", false},
};

struct cli {
    std::multimap<std::string, std::string> values;  ///< option → values, in order
    std::map<std::string, bool> flags;

    bool has(const std::string& name) const {
        return values.count(name) != 0 || flags.count(name) != 0;
    }
    std::optional<std::string> one(const std::string& name) const {
        const auto n = values.count(name);
        if (n == 0) return std::nullopt;
        if (n > 1) throw usage_error(name + " given more than once");
        return values.find(name)->second;
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> r;
        for (auto [it, end] = values.equal_range(name); it != end; ++it) r.push_back(it->second);
        return r;
    }
};

std::string suggestion(std::string_view word) {
    std::vector<std::string_view> names;
    for (const auto& o : options_table) names.push_back(o.name);
    if (auto s = did_you_mean(word, names); !s.empty()) return "; did you mean " + s + "?";
    return {};
}

cli parse_options(const std::vector<std::string>& args, std::size_t first) {
    cli c;
    for (std::size_t i = first; i < args.size(); ++i) {
        std::string arg = args[i];
        if (arg == "-h") arg = "--help";
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        const option_spec* spec = nullptr;
        for (const auto& o : options_table) {
            if (o.name == arg) spec = &o;
        }
        if (!spec) {
            if (!arg.starts_with("-")) {
                const auto hint = did_you_mean(arg, {"run", "certs"});
                throw usage_error("unexpected argument \"" + arg + "\"" +
                                  (hint.empty() ? "" : "; did you mean " + hint + "?"));
            }
            throw usage_error("unknown option " + arg + suggestion(arg));
        }
        if (!spec->takes_value) {
            if (inline_value) throw usage_error(arg + " takes no value");
            if (c.flags.count(arg)) throw usage_error(arg + " given more than once");
            c.flags[arg] = true;
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) throw usage_error(arg + " needs a value");
            inline_value = args[++i];
        }
        c.values.emplace(arg, *inline_value);
    }
    return c;
}

template <class T>
T parse_number(const std::string& option, const std::string& text, T min, T max) {
    T v{};
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || v < min || v > max) {
        throw usage_error(option + ": bad value \"" + text + "\" (expected a number from " +
                          std::to_string(min) + " to " + std::to_string(max) + ")");
    }
    return v;
}

double parse_rate(const std::string& option, const std::string& text) {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !(v > 0) || v > 100000) {
        throw usage_error(option + ": bad rate \"" + text + "\" (calls/s, > 0 and <= 100000)");
    }
    return v;
}

/// Seconds as a plain number ("30", "1.5") or a time with a unit ("500ms", "2m").
milliseconds parse_seconds(const std::string& option, const std::string& text) {
    if (auto t = parse_time(text)) return *t;
    if (auto t = parse_time(text + "s")) return *t;
    throw usage_error(option + ": bad duration \"" + text + "\" (seconds, or e.g. 500ms, 2m)");
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

extension_range parse_range(const std::string& option, const std::string& text) {
    const auto dash = text.find('-');
    const std::string first = text.substr(0, dash);
    const std::string last = dash == std::string::npos ? first : text.substr(dash + 1);
    if (!all_digits(first) || !all_digits(last) || first.size() != last.size() || first > last) {
        throw usage_error(option + ": bad range \"" + text +
                          "\" (FIRST-LAST, digits only, same length, FIRST <= LAST)");
    }
    return {first, last};
}

/// "7001-7003,7010" → 7001 7002 7003 7010.
std::vector<std::string> expand_list(const std::string& option, const std::string& text) {
    std::vector<std::string> out;
    std::stringstream parts(text);
    for (std::string part; std::getline(parts, part, ',');) {
        const auto r = parse_range(option, part);
        const auto first = parse_number<std::uint64_t>(option, r.first, 0, UINT64_MAX / 2);
        const auto last = parse_number<std::uint64_t>(option, r.last, 0, UINT64_MAX / 2);
        if (last - first >= 100000)
            throw usage_error(option + ": range \"" + part + "\" too large");
        for (auto n = first; n <= last; ++n) {
            std::string s = std::to_string(n);
            s.insert(0, r.first.size() - std::min(r.first.size(), s.size()), '0');
            out.push_back(s);
        }
    }
    if (out.empty()) throw usage_error(option + ": empty list");
    return out;
}

external_rule parse_external(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
        throw usage_error("--external: expected PREFIX=BEHAVIOUR[:DELAY_MS[:HANGUP_MS]], got \"" +
                          text + "\"");
    }
    external_rule rule;
    rule.prefix = text.substr(0, eq);
    std::vector<std::string> parts;
    std::stringstream rest(text.substr(eq + 1));
    for (std::string p; std::getline(rest, p, ':');) parts.push_back(p);
    if (parts.empty() || parts.size() > 3) {
        throw usage_error("--external: expected PREFIX=BEHAVIOUR[:DELAY_MS[:HANGUP_MS]], got \"" +
                          text + "\"");
    }
    static const std::map<std::string, external_behaviour, std::less<>> behaviours{
        {"answer", external_behaviour::answer},
        {"busy", external_behaviour::busy},
        {"noanswer", external_behaviour::no_answer},
        {"reject", external_behaviour::reject},
        {"hangup", external_behaviour::answer_then_hangup}};
    const auto b = behaviours.find(parts[0]);
    if (b == behaviours.end()) {
        std::string hint =
            did_you_mean(parts[0], {"answer", "busy", "noanswer", "reject", "hangup"});
        throw usage_error("--external: unknown behaviour \"" + parts[0] +
                          "\" (answer, busy, noanswer, reject, hangup)" +
                          (hint.empty() ? "" : "; did you mean " + hint + "?"));
    }
    rule.behaviour = b->second;
    if (parts.size() > 1) {
        rule.delay =
            milliseconds(parse_number<std::int64_t>("--external delay", parts[1], 0, 86'400'000));
    }
    if (parts.size() > 2) {
        rule.hangup_after =
            milliseconds(parse_number<std::int64_t>("--external hangup", parts[2], 0, 86'400'000));
    }
    return rule;
}

std::string read_token_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw runtime_error("--token-file: cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    std::string token = s.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
    if (token.empty()) throw runtime_error("--token-file: " + path + " is empty");
    return token;
}

/// "ADDR:PORT" or "[v6]:PORT", for --listen and --control.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text,
                                                   const std::string& option = "--listen") {
    std::string host;
    std::string port;
    if (text.starts_with("[")) {
        const auto close = text.find("]:");
        if (close == std::string::npos)
            throw usage_error(option + ": expected [ADDR]:PORT, got \"" + text + "\"");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            throw usage_error(option + ": expected ADDR:PORT (IPv6: [ADDR]:PORT), got \"" + text +
                              "\"");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty()) throw usage_error(option + ": missing address in \"" + text + "\"");
    return {host, parse_number<std::uint16_t>(option + " port", port, 0, 65535)};
}

void require_file(const fs::path& path, const std::string& hint) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw runtime_error("cannot read " + path.string() + hint);
}

int run_certs(const std::vector<std::string>& args) {
    if (args.size() < 3 || args[2].starts_with("-")) {
        throw usage_error("certs: expected ctigw-pbxsim certs DIR [--host H]...");
    }
    std::vector<std::string> hosts;
    for (std::size_t i = 3; i < args.size(); ++i) {
        if (args[i] == "--host") {
            if (i + 1 >= args.size()) throw usage_error("--host needs a value");
            hosts.push_back(args[++i]);
        } else if (args[i].starts_with("--host=")) {
            hosts.push_back(args[i].substr(7));
        } else {
            std::string hint = did_you_mean(args[i], {"--host"});
            throw usage_error("certs: unknown argument \"" + args[i] + "\"" +
                              (hint.empty() ? "" : "; did you mean " + hint + "?"));
        }
    }
    const std::string error =
        hosts.empty() ? write_demo_certificates(args[2]) : write_demo_certificates(args[2], hosts);
    if (!error.empty()) throw runtime_error("certs: " + error);
    std::cout << "wrote ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem, client-key.pem "
                 "into "
              << args[2] << '\n';
    return exit_ok;
}

struct run_plan {
    sim_config config;
    server_options server;
    std::optional<scenario> script;
    bool console = false;
    std::optional<control_port_options> control;
    std::optional<fs::path> ready_file;
    std::optional<load_options> load;
    bool quiet = false;
    std::string demo_note;  ///< printed after the listening line in --demo mode
};

run_plan make_plan(const cli& c) {
    run_plan plan;
    const bool demo = c.has("--demo");
    plan.quiet = c.has("--quiet");

    // ---- listener ----
    const auto [host, port] = parse_listen(c.one("--listen").value_or("127.0.0.1:8443"));
    plan.server.bind_address = host;
    plan.server.port = port;

    const bool plain = c.has("--plain");
    auto cert_dir = c.one("--cert-dir");
    const auto cert = c.one("--cert");
    const auto key = c.one("--key");
    if (demo && !plain && !cert_dir && !cert) cert_dir = "pbxsim-certs";
    if (plain && (cert_dir || cert || key || c.has("--require-client-cert"))) {
        throw usage_error(
            "--plain cannot be combined with --cert-dir, --cert, --key or --require-client-cert");
    }
    if (cert_dir && (cert || key))
        throw usage_error("use either --cert-dir or --cert/--key, not both");
    if (cert.has_value() != key.has_value()) throw usage_error("--cert and --key go together");
    if (c.has("--require-client-cert") && !cert_dir) {
        throw usage_error("--require-client-cert needs --cert-dir (the client CA is DIR/ca.pem)");
    }
    if (!plain && !cert_dir && !cert) {
        throw usage_error(
            "TLS needs --cert-dir DIR or --cert FILE --key FILE (or ask for ws:// with --plain)");
    }
    if (cert_dir) {
        const fs::path dir = *cert_dir;
        if (demo && !fs::exists(dir / "server.pem")) {
            if (auto error = write_demo_certificates(dir); !error.empty()) {
                throw runtime_error("--demo: cannot write certificates into " + dir.string() +
                                    ": " + error);
            }
            plan.demo_note += "demo: wrote certificates into " + dir.string() + "\n";
        }
        const std::string hint = " (create a set with: ctigw-pbxsim certs " + dir.string() + ")";
        tls_files files{dir / "server.pem", dir / "server-key.pem", std::nullopt, {}};
        require_file(files.certificate_chain, hint);
        require_file(files.private_key, hint);
        if (c.has("--require-client-cert")) {
            files.client_ca = dir / "ca.pem";
            require_file(*files.client_ca, hint);
        }
        if (demo) plan.demo_note += "demo: clients trust " + (dir / "ca.pem").string() + "\n";
        plan.server.tls = files;
    } else if (cert) {
        require_file(*cert, "");
        require_file(*key, "");
        plan.server.tls = tls_files{*cert, *key, std::nullopt, {}};
    }

    const int token_sources =
        int(c.has("--token")) + int(c.has("--token-file")) + int(c.has("--token-env"));
    if (token_sources > 1) throw usage_error("give only one of --token, --token-file, --token-env");
    if (auto t = c.one("--token")) {
        if (t->empty()) throw usage_error("--token: empty token");
        plan.server.token = *t;
    } else if (auto f = c.one("--token-file")) {
        plan.server.token = read_token_file(*f);
    } else if (auto v = c.one("--token-env")) {
        const char* value = std::getenv(v->c_str());
        if (!value || !*value)
            throw runtime_error("--token-env: environment variable " + *v + " is not set");
        plan.server.token = value;
    } else if (demo) {
        plan.server.token = "demo-token";
        plan.demo_note += "demo: token \"demo-token\"\n";
    } else {
        throw usage_error("a token is required: --token T, --token-file F or --token-env VAR");
    }
    if (auto hb = c.one("--heartbeat-interval")) {
        plan.server.heartbeat_interval =
            milliseconds(parse_number<std::int64_t>("--heartbeat-interval", *hb, 100, 3'600'000));
    }
    if (plan.quiet) plan.server.log = [](std::string_view) {};

    // ---- switch ----
    if (auto s = c.all("--stations"); !s.empty()) {
        plan.config.stations.clear();
        for (const auto& r : s) plan.config.stations.push_back(parse_range("--stations", r));
    }
    if (auto o = c.one("--orbits")) plan.config.park_orbits = expand_list("--orbits", *o);
    for (const auto& g : c.all("--pickup-group")) {
        const auto eq = g.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw usage_error("--pickup-group: expected NAME=LIST, got \"" + g + "\"");
        }
        const std::string name = g.substr(0, eq);
        if (plan.config.pickup_groups.count(name))
            throw usage_error("--pickup-group: " + name + " given twice");
        plan.config.pickup_groups[name] = expand_list("--pickup-group", g.substr(eq + 1));
    }
    for (const auto& g : c.all("--acd-group")) {
        const auto eq = g.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw usage_error("--acd-group: expected EXT=LIST, got \"" + g + "\"");
        }
        acd_group_config group;
        group.device = g.substr(0, eq);
        group.name = "ACD " + group.device;
        group.agents = expand_list("--acd-group", g.substr(eq + 1));
        for (const auto& other : plan.config.acd_groups) {
            if (other.device == group.device) {
                throw usage_error("--acd-group: " + group.device + " given twice");
            }
        }
        plan.config.acd_groups.push_back(std::move(group));
    }
    if (auto e = c.all("--external"); !e.empty()) {
        plan.config.external_rules.clear();
        bool catch_all = false;
        for (const auto& r : e) {
            plan.config.external_rules.push_back(parse_external(r));
            catch_all = catch_all || plan.config.external_rules.back().prefix.empty();
        }
        // Numbers no rule matches keep the default behaviour (answer after 2 s).
        if (!catch_all) plan.config.external_rules.push_back(external_rule{});
    }
    if (auto m = c.one("--max-conference")) {
        plan.config.max_conference_parties =
            parse_number<std::uint32_t>("--max-conference", *m, 2, 1000);
    }
    if (auto m = c.one("--max-calls")) {
        plan.config.max_calls = parse_number<std::size_t>("--max-calls", *m, 1, 100'000'000);
    }
    plan.config.new_call_id_on_transfer = c.has("--new-callid-on-transfer");
    if (auto p = c.one("--park-timeout"))
        plan.config.park_timeout = parse_seconds("--park-timeout", *p);

    // ---- driving ----
    if (auto path = c.one("--scenario")) {
        scenario s = load_scenario(*path);
        if (!s.ok()) {
            std::string all;
            for (const auto& e : s.errors) all += (all.empty() ? "" : "\n") + e;
            if (!fs::exists(*path)) throw runtime_error(all);
            throw usage_error(all);
        }
        plan.script = std::move(s);
    }
    if (c.has("--load")) {
        load_options lo;
        lo.calls_per_second = parse_rate("--load", *c.one("--load"));
        const auto d = c.one("--duration");
        if (!d) throw usage_error("--load needs --duration S");
        lo.duration = parse_seconds("--duration", *d);
        if (lo.duration <= milliseconds::zero()) throw usage_error("--duration must be > 0");
        if (auto s = c.one("--seed"))
            lo.seed = parse_number<std::uint64_t>("--seed", *s, 0, UINT64_MAX);
        if (auto m = c.one("--mix")) {
            std::vector<std::uint32_t> p;
            std::stringstream parts(*m);
            for (std::string part; std::getline(parts, part, ',');) {
                p.push_back(parse_number<std::uint32_t>("--mix", part, 0, 100));
            }
            if (p.size() != 4) throw usage_error("--mix: expected four percentages T,H,C,B");
            lo.mix = load_mix{p[0], p[1], p[2], p[3]};
        }
        lo.poisson = !c.has("--even");
        if (auto a = c.one("--acd-share")) {
            lo.acd_share = parse_number<std::uint32_t>("--acd-share", *a, 0, 100);
            if (plan.config.acd_groups.empty()) throw usage_error("--acd-share needs --acd-group");
        }
        lo.progress = !plan.quiet;
        if (auto error = validate(lo); !error.empty()) throw usage_error("--load: " + error);
        plan.load = lo;
    } else {
        for (const char* o : {"--duration", "--seed", "--mix", "--even", "--acd-share"}) {
            if (c.has(o)) throw usage_error(std::string(o) + " only makes sense with --load");
        }
    }
    if (c.has("--console") && c.has("--no-console"))
        throw usage_error("--console or --no-console, not both");
    plan.console =
        c.has("--console") || (!c.has("--no-console") && !plan.load && ::isatty(STDIN_FILENO) == 1);

    // ---- control port and ready file ----
    if (auto control = c.one("--control")) {
        const auto [chost, cport] = parse_listen(*control, "--control");
        control_port_options co;
        co.bind_address = chost;
        co.port = cport;
        co.allow_any_address = c.has("--control-any");
        if (auto error = check_control_address(chost, co.allow_any_address); !error.empty()) {
            throw usage_error("--control: " + error);
        }
        if (plan.quiet) co.log = [](std::string_view) {};
        plan.control = std::move(co);
    } else if (c.has("--control-any")) {
        throw usage_error("--control-any only makes sense with --control ADDR:PORT");
    }
    if (auto path = c.one("--ready-file")) {
        if (path->empty()) throw usage_error("--ready-file: empty path");
        plan.ready_file = fs::path(*path);
    }
    return plan;
}

std::string listen_url(const run_plan& plan, std::uint16_t port) {
    const std::string& host = plan.server.bind_address;
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(plan.server.tls ? "wss" : "ws") + "://" + (v6 ? "[" + host + "]" : host) +
           ":" + std::to_string(port) + plan.server.target;
}

/// Removes the ready file when the run ends, however it ends.
struct ready_file_guard {
    std::optional<fs::path> path;
    ~ready_file_guard() {
        std::error_code ec;
        if (path) fs::remove(*path, ec);
    }
};

int run(run_plan plan) {
    ready_file_guard ready{plan.ready_file};
    if (ready.path) {  // a file left by an earlier run must not look like this one's
        std::error_code ec;
        fs::remove(*ready.path, ec);
    }
    boost::asio::io_context io;
    server srv(io, plan.config, plan.server);
    if (auto error = srv.start(); !error.empty()) throw runtime_error("cannot start: " + error);
    std::unique_ptr<control_port> control;
    if (plan.control) {
        control = std::make_unique<control_port>(io, srv, *plan.control);
        if (auto error = control->start(); !error.empty()) {
            throw runtime_error("cannot start the control port: " + error);
        }
    }
    const std::string url = listen_url(plan, srv.port());
    if (ready.path) {
        ready_info info{format_endpoint(plan.server.bind_address, srv.port()), std::nullopt, url};
        if (control) info.control = format_endpoint(plan.control->bind_address, control->port());
        if (auto error = write_ready_file(*ready.path, info); !error.empty()) {
            throw runtime_error("--ready-file: " + error);
        }
    }

    std::size_t stations = 0;
    srv.with_model([&](switch_model& model, time_point) { stations = model.stations().size(); });
    std::cout << "ctigw-pbxsim listening on " << url << " (instance " << srv.instance_id() << ", "
              << stations << " station" << (stations == 1 ? "" : "s") << ")" << std::endl;
    if (control) {
        std::cout << "ctigw-pbxsim control on "
                  << format_endpoint(plan.control->bind_address, control->port()) << std::endl;
    }
    if (!plan.demo_note.empty()) std::cout << plan.demo_note << std::flush;

    int exit_code = exit_ok;
    bool stopping = false;
    std::unique_ptr<load_generator> load;
    std::unique_ptr<scenario_runner> runner;
    std::unique_ptr<console_reader> console;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    boost::asio::steady_timer shutdown_timer(io);

    // Leaves the loop once the sessions have closed after srv.stop(), or at the deadline.
    std::chrono::steady_clock::time_point close_deadline;
    std::function<void()> wait_closed = [&] {
        if (srv.stats().sessions_open == 0 || std::chrono::steady_clock::now() >= close_deadline) {
            signals.cancel();
            io.stop();
            return;
        }
        shutdown_timer.expires_after(milliseconds(20));
        shutdown_timer.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) wait_closed();
        });
    };
    std::function<void()> shutdown = [&] {
        if (stopping) return;
        stopping = true;
        if (runner) runner->stop();
        if (control) control->stop();
        srv.stop();
        close_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        wait_closed();
    };

    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (stopping) {  // a second signal: do not wait for anything
                io.stop();
                return;
            }
            if (!plan.quiet) std::cerr << "ctigw-pbxsim: signal " << signal << ", stopping\n";
            signals.async_wait(on_signal);
            if (load) {
                load->stop();  // its summary callback shuts down
            } else {
                shutdown();
            }
        };
    signals.async_wait(on_signal);

    if (plan.script) {
        runner = std::make_unique<scenario_runner>(io, srv, std::move(*plan.script), std::cout,
                                                   [&] { shutdown(); });
        runner->start();
    }
    if (plan.load) {
        load = std::make_unique<load_generator>(io, srv, *plan.load);
        load->start([&](const load_summary& summary) {
            std::cout << format_summary(summary) << std::flush;
            shutdown();
        });
    }
    if (plan.console) {
        const bool prompt = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
        console =
            std::make_unique<console_reader>(srv, std::cin, std::cout, prompt, [&] { shutdown(); });
        console->start();
    }

    io.run();
    console.reset();
    runner.reset();
    load.reset();
    control.reset();
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv, argv + argc);
    try {
        if (args.size() > 1 && args[1] == "certs") return run_certs(args);
        const std::size_t first = args.size() > 1 && args[1] == "run" ? 2 : 1;
        const cli c = parse_options(args, first);
        if (c.has("--help")) {
            std::cout << usage_text;
            return exit_ok;
        }
        return run(make_plan(c));
    } catch (const usage_error& e) {
        std::cerr << "ctigw-pbxsim: " << e.what() << "\n(try ctigw-pbxsim --help)\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "ctigw-pbxsim: " << e.what() << '\n';
        return exit_runtime;
    }
}
