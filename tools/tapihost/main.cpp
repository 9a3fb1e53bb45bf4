// ctigw-tapihost: plays the Windows Telephony service (TAPISRV) against a TSP: libctigw-tsp.so on
// Linux, ctigw.tsp on Windows (built with mingw, run under Wine in CI).
// Usage and the scenario language: --help, docs/tapihost.md.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>

#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/platform.hpp"
#include "ctigw/tapihost/provider_setup.hpp"
#include "ctigw/tapihost/remote_sim.hpp"
#include "ctigw/tapihost/runner.hpp"
#include "ctigw/tapihost/scenario.hpp"
#include "ctigw/tapihost/sim.hpp"

namespace th = ctigw::tapihost;

namespace {

constexpr int exit_ok = 0, exit_mismatch = 1, exit_usage = 2;

void usage(std::ostream& o) {
    o << "ctigw-tapihost: plays the Windows Telephony service (TAPISRV) against a TSP.\n"
         "\n"
         "Usage: ctigw-tapihost [options]\n"
         "  --tsp PATH          the TSP shared library (default: $CTIGW_TSP, else libctigw-tsp.so\n"
         "                      next to this program or in ../../tsp/ of a build tree)\n"
         "  --config PATH       the TSP's configuration: CTIGW_CONFIG on Linux, the ConfigPath\n"
         "                      registry value on Windows; with --sim the simulator serves that\n"
         "                      config (its endpoint, caFile directory, token, devices)\n"
         "  --sim               run the switch simulator in-process (TLS on 127.0.0.1, a "
         "temporary\n"
         "                      ctigw config with the scenario's extensions); enables `sim` lines\n"
         "  --extensions LIST   extra extensions for --sim, comma separated (2001,2002)\n"
         "  --sim-control H:P   send `sim` lines to a simulator's control port\n"
         "                      (ctigw-pbxsim --control), e.g. one outside Wine\n"
         "  --provider-install  call TUISPI_providerInstall first, as lineAddProvider does\n"
         "  --provider-remove   call TUISPI_providerRemove at the end, as lineRemoveProvider does\n"
         "  --provider-config   call TUISPI_providerConfig (the configuration dialog) and exit\n"
         "  --trust-root-ca PEM (Windows) add a CA certificate to the machine's ROOT store first\n"
         "  --scenario FILE     run a scenario file (see below), then exit\n"
         "  --check             only parse the scenario (and its sim lines) and exit\n"
         "  --console           read statements from stdin (default when stdin is a terminal and\n"
         "                      no --scenario is given)\n"
         "  --timeout TIME      default time an expect waits (default 5s)\n"
         "  --idle-close TIME   close IDLE calls this long after IDLE (default 1s)\n"
         "  --keep-idle         never close IDLE calls before exit (or `closecall`)\n"
         "  --keep-going        go on after a mismatch\n"
         "  --no-open           do not open lines and phones at start (use `open`)\n"
         "  --linger TIME       keep running this long after the scenario (default 0)\n"
         "  --provider-id N     dwPermanentProviderID (default 1)\n"
         "  --line-base N       dwLineDeviceIDBase (default 0); --phone-base N (default 1000)\n"
         "  --phone-detail      also print PHONE_STATE events (lamps, display, ringer ...);\n"
         "                      without it the timeline shows the call flow\n"
         "  -v, --verbose       also print the simulator's log\n"
         "  -h, --help          this text\n"
         "\n"
         "What the host does: TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, 2.0, 3.1),\n"
         "TSPI_providerEnumDevices (keeping the LINE_CREATE/PHONE_CREATE procs), "
         "TSPI_providerInit,\n"
         "per device negotiation, GetDevCaps/GetAddressCaps, lineOpen/phoneOpen, "
         "SetStatusMessages\n"
         "(all bits); it answers LINE_NEWCALL with a fresh htCall, closes IDLE calls, checks that\n"
         "every async request completes exactly once and the TAPI event rules, and prints every\n"
         "event with names. At exit: lineCloseCall, lineClose, phoneClose, providerShutdown.\n"
         "\n"
         "Exit codes: 0 ok; 1 scenario mismatch or TAPI rule violation; 2 usage or load error.\n"
         "\n"
      << th::language_help();
}

}  // namespace

int main(int argc, char** argv) {
    std::string tsp, scenario_path, config, extensions, sim_control, root_ca;
    bool sim = false, console = false, check_only = false, verbose = false;
    bool provider_install = false, provider_remove = false, provider_config = false;
    th::host_options hopt;
    th::runner_options ropt;
    std::chrono::milliseconds linger{0};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* what) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "ctigw-tapihost: " << a << " needs " << what << "\n";
                std::exit(exit_usage);
            }
            return argv[++i];
        };
        auto duration = [&](const char* what) {
            auto v = value(what);
            auto d = th::parse_duration(v);
            if (!d) {
                std::cerr << "ctigw-tapihost: " << a << ": \"" << v
                          << "\" is not a time (500ms, 2s)\n";
                std::exit(exit_usage);
            }
            return *d;
        };
        auto number = [&](const char* what) {
            auto v = value(what);
            try {
                return static_cast<DWORD>(std::stoul(v));
            } catch (...) {
                std::cerr << "ctigw-tapihost: " << a << ": \"" << v << "\" is not a number\n";
                std::exit(exit_usage);
            }
        };
        if (a == "-h" || a == "--help") {
            usage(std::cout);
            return exit_ok;
        } else if (a == "--tsp")
            tsp = value("a path");
        else if (a == "--config")
            config = value("a path");
        else if (a == "--scenario")
            scenario_path = value("a file");
        else if (a == "--sim")
            sim = true;
        else if (a == "--extensions")
            extensions = value("a list");
        else if (a == "--sim-control")
            sim_control = value("HOST:PORT");
        else if (a == "--provider-install")
            provider_install = true;
        else if (a == "--provider-remove")
            provider_remove = true;
        else if (a == "--provider-config")
            provider_config = true;
        else if (a == "--trust-root-ca")
            root_ca = value("a PEM file");
        else if (a == "--console")
            console = true;
        else if (a == "--check")
            check_only = true;
        else if (a == "--timeout")
            ropt.default_timeout = duration("a time");
        else if (a == "--idle-close")
            hopt.idle_close = duration("a time");
        else if (a == "--keep-idle")
            hopt.idle_close.reset();
        else if (a == "--keep-going")
            ropt.keep_going = true;
        else if (a == "--no-open")
            hopt.open_lines = hopt.open_phones = false;
        else if (a == "--linger")
            linger = duration("a time");
        else if (a == "--provider-id")
            hopt.provider_id = number("a number");
        else if (a == "--line-base")
            hopt.line_base = number("a number");
        else if (a == "--phone-base")
            hopt.phone_base = number("a number");
        else if (a == "--phone-detail")
            hopt.phone_detail = true;
        else if (a == "-v" || a == "--verbose")
            verbose = true;
        else {
            std::cerr << "ctigw-tapihost: unknown option \"" << a << "\" (see --help)\n";
            return exit_usage;
        }
    }
    if (sim && !th::in_process_sim::available()) {
        std::cerr << "ctigw-tapihost: --sim: this build has no pbx-sim library\n";
        return exit_usage;
    }
    if (sim && !sim_control.empty()) {
        std::cerr << "ctigw-tapihost: --sim and --sim-control exclude each other\n";
        return exit_usage;
    }
    const bool stdin_tty = th::platform::stdin_is_terminal();
    if (provider_config) scenario_path.clear(), console = false;
    if (scenario_path.empty() && !console && !provider_config) console = stdin_tty;
    if (scenario_path.empty() && !console && !check_only && !provider_config)
        console = true;  // piped statements

    // Parse everything before loading anything; every error is reported, then the run stops.
    th::scenario sc;
    if (!scenario_path.empty()) sc = th::load_scenario(scenario_path);
    th::in_process_sim simulator;
    th::remote_sim remote;
    if (!sim_control.empty()) {
        if (auto err = remote.connect(sim_control); !err.empty()) {
            // The scenario's own errors first: they do not need the simulator to be found.
            for (const auto& e : sc.errors) std::cerr << e.located(scenario_path) << "\n";
            std::cerr << "ctigw-tapihost: --sim-control: " << err << "\n";
            return exit_usage;
        }
    }
    th::sim_hook* sim_hook = sim                  ? static_cast<th::sim_hook*>(&simulator)
                             : remote.connected() ? &remote
                                                  : nullptr;
    {
        // --check reads `sim` lines with the simulator's own parser, with or without --sim.
        auto errors = sc.errors;
        const auto sim_errors = th::check_sim_lines(sc, sim_hook     ? sim_hook
                                                        : check_only ? &simulator
                                                                     : nullptr);
        errors.insert(errors.end(), sim_errors.begin(), sim_errors.end());
        std::stable_sort(errors.begin(), errors.end(),
                         [](const auto& a, const auto& b) { return a.line < b.line; });
        for (const auto& e : errors) std::cerr << e.located(scenario_path) << "\n";
        if (!errors.empty()) {
            std::cerr << scenario_path << ": " << errors.size()
                      << (errors.size() == 1 ? " error" : " errors") << "\n";
            return exit_usage;
        }
    }
    if (check_only) {
        std::cout << scenario_path << ": " << sc.statements.size() << " statements, ok\n";
        return exit_ok;
    }

    if (tsp.empty()) {
        auto d = th::platform::default_tsp(argv[0]);
        if (!d) {
            std::cerr << "ctigw-tapihost: no TSP: give --tsp PATH or set CTIGW_TSP\n";
            return exit_usage;
        }
        tsp = *d;
    }
    hopt.tsp_path = tsp;
    std::mutex out_mutex;
    hopt.print = [&out_mutex](const std::string& line) {
        std::lock_guard lock(out_mutex);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };

    if (sim) {
        auto exts = sc.extensions();
        std::string list = extensions;
        for (std::size_t pos = 0; !list.empty();) {
            auto comma = list.find(',', pos);
            auto e = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            if (!e.empty()) exts.insert(e);
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
        if (!config.empty()) {
            // Serve the given config (the demo's), rather than a temporary one.
            if (auto err = simulator.start_for_config(config, verbose); !err.empty()) {
                std::cerr << "ctigw-tapihost: --sim: " << err << "\n";
                return exit_usage;
            }
            hopt.print("simulator serving " + config);
        } else {
            std::filesystem::path cfg;
            if (auto err = simulator.start(exts, cfg, verbose, sc.acd_groups(), sc.reasons());
                !err.empty()) {
                std::cerr << "ctigw-tapihost: --sim: " << err << "\n";
                return exit_usage;
            }
            config = cfg.string();
            hopt.print("simulator on " + cfg.parent_path().string() + ", config " + config);
        }
    }
    int rc = exit_ok;
    {
        th::host h(hopt);
        if (auto err = h.load(); !err.empty()) {
            std::cerr << "ctigw-tapihost: " << err << "\n";
            return exit_usage;
        }
        // As lineAddProvider: the provider's own set-up first, then the administrator's settings.
        th::provider_setup setup(h.library(), hopt.provider_id, hopt.print);
        if (provider_install && !setup.install()) return exit_mismatch;
        if (!root_ca.empty()) {
            if (auto err = th::trust_root_ca(root_ca); !err.empty()) {
                std::cerr << "ctigw-tapihost: --trust-root-ca: " << err << "\n";
                return exit_usage;
            }
            hopt.print("added " + root_ca + " to the machine's ROOT certificate store");
        }
        if (!config.empty()) {
            if (auto err = th::platform::point_tsp_at_config(config); !err.empty()) {
                std::cerr << "ctigw-tapihost: --config: " << err << "\n";
                return exit_usage;
            }
        }
        if (provider_config) return setup.config() ? exit_ok : exit_mismatch;
        if (auto err = h.start(); !err.empty()) {
            std::cerr << "ctigw-tapihost: " << err << "\n";
            h.stop(std::chrono::milliseconds(0));
            simulator.stop();
            return exit_usage;
        }
        th::runner r(h, sim_hook, ropt);
        if (!scenario_path.empty()) {
            r.run_all(sc);
            if (linger.count() > 0) std::this_thread::sleep_for(linger);
        }
        if (console) {
            th::statement_parser parser;
            const bool tty = stdin_tty;
            std::string text;
            if (tty) hopt.print("type `help` for the statements, `quit` to leave");
            while (!r.quit_requested()) {
                if (tty) {
                    std::fputs("tapihost> ", stdout);
                    std::fflush(stdout);
                }
                if (!std::getline(std::cin, text)) break;
                // Every call the host has seen by now is call#N and goes by its latest name
                // (a scenario's `as` names too), calls that arrived while the console waited
                // for this line included; the host resolves the names when the statement runs.
                for (const auto& c : h.call_views()) {
                    parser.define(c.name);
                    parser.define("call#" + std::to_string(c.key));
                }
                std::string err;
                auto st = parser.parse(text, &err);
                if (!err.empty()) {
                    hopt.print("error: " + err);
                    continue;
                }
                if (!st) continue;
                r.run(*st);
            }
        }
        h.stop();
        const auto violations = h.violations();
        if (r.failures() > 0 && !console) rc = exit_mismatch;
        if (!violations.empty()) {
            hopt.print(std::to_string(violations.size()) + " TAPI rule violation(s):");
            for (const auto& v : violations) hopt.print("  " + v);
            rc = exit_mismatch;
        }
        if (provider_remove && !setup.remove()) rc = exit_mismatch;
        if (!scenario_path.empty())
            hopt.print(rc == exit_ok ? "scenario passed" : "scenario FAILED");
    }
    simulator.stop();
    return rc;
}
