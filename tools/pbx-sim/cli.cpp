// ctigw-pbxsim's options: the --help text, strict parsing with did-you-mean, and the parsers of
// option values.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli.hpp"

namespace ctigw::pbxsim::app {

namespace {

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

std::string suggestion(std::string_view word) {
    std::vector<std::string_view> names;
    for (const auto& o : options_table) names.push_back(o.name);
    if (auto s = did_you_mean(word, names); !s.empty()) return "; did you mean " + s + "?";
    return {};
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

std::string_view usage_text() {
    return R"(ctigw-pbxsim - a simulated PBX speaking ctigw.csta.v1 (ECMA-269 CSTA as JSON over WebSocket)

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

milliseconds parse_seconds(const std::string& option, const std::string& text) {
    if (auto t = parse_time(text)) return *t;
    if (auto t = parse_time(text + "s")) return *t;
    throw usage_error(option + ": bad duration \"" + text + "\" (seconds, or e.g. 500ms, 2m)");
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

std::pair<std::string, std::uint16_t> parse_listen(const std::string& text,
                                                   const std::string& option) {
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

}  // namespace ctigw::pbxsim::app
