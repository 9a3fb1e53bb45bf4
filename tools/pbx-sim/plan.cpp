// ctigw-pbxsim's run plan: the options checked together and turned into the server, switch,
// scenario, load and control-port settings.
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "cli.hpp"
#include "ctigw/pbxsim/certs.hpp"

namespace ctigw::pbxsim::app {

namespace {

namespace fs = std::filesystem;

void require_file(const fs::path& path, const std::string& hint) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw runtime_error("cannot read " + path.string() + hint);
}

}  // namespace

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

}  // namespace ctigw::pbxsim::app
