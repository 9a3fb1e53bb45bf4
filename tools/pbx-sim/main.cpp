// ctigw-pbxsim: the simulated PBX. Listens for ctigw.csta.v1 clients and can be driven by
// scenario files, an interactive console and a load generator (docs/pbx-sim.md).
//
// Exit codes: 0 ok, 1 runtime error, 2 usage error (bad command line or scenario file).

#include <unistd.h>

#include <boost/asio.hpp>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "ctigw/pbxsim/certs.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ctigw::pbxsim;
using namespace ctigw::pbxsim::app;

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
            std::cout << usage_text();
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
