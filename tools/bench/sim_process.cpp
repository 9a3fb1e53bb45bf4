#include "sim_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace ctigw::bench {
namespace {

/// The simulator on its own thread (in the child).
struct simulator {
    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::unique_ptr<pbxsim::server> server;
    std::thread thread;

    std::string start(pbxsim::sim_config cfg, pbxsim::server_options opts) {
        std::promise<std::string> started;
        auto f = started.get_future();
        work.emplace(io.get_executor());
        thread = std::thread([this, cfg, opts, &started] {
            try {
                server = std::make_unique<pbxsim::server>(io, cfg, opts);
                started.set_value(server->start());
            } catch (const std::exception& e) {
                started.set_value(std::string("simulator: ") + e.what());
            }
            io.run();
        });
        return f.get();
    }
    template <class F>
    auto call(F&& fn) {
        std::promise<decltype(fn(*server))> p;
        auto f = p.get_future();
        server->post([&] { p.set_value(fn(*server)); });
        return f.get();
    }
    void stop() {
        if (!thread.joinable()) return;
        call([](pbxsim::server& s) {
            s.stop();
            return 0;
        });
        work.reset();
        io.stop();
        thread.join();
        server.reset();
    }
};

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

/// The child: serves until the command pipe closes. First line "port N" (or "error TEXT"); then
/// per command byte 'r' the request counters, a line "service count" each, an empty line after
/// them; 'd' drops every connection and answers ".".
[[noreturn]] void serve_simulator(const pbxsim::sim_config& cfg, const pbxsim::server_options& opts,
                                  int cmd_fd, int reply_fd) {
    simulator sim;
    if (auto err = sim.start(cfg, opts); !err.empty()) {
        write_all(reply_fd, "error " + err + "\n");
        std::_Exit(1);
    }
    const auto port = sim.call([](pbxsim::server& s) { return s.port(); });
    if (!write_all(reply_fd, "port " + std::to_string(port) + "\n")) std::_Exit(1);
    char command = 0;
    while (::read(cmd_fd, &command, 1) == 1) {
        std::string reply;
        if (command == 'r') {
            const auto counts =
                sim.call([](pbxsim::server& s) { return s.stats().requests_by_service; });
            for (const auto& [service, n] : counts)
                reply += service + " " + std::to_string(n) + "\n";
            reply += "\n";
        } else if (command == 'd') {
            sim.call([](pbxsim::server& s) {
                s.drop_connections();
                return 0;
            });
            reply = ".\n";
        }
        if (!write_all(reply_fd, reply)) break;
    }
    sim.stop();
    std::_Exit(0);
}

}  // namespace

std::string simulator_process::start(const pbxsim::sim_config& cfg,
                                     const pbxsim::server_options& opts) {
    int cmd[2], reply[2];
    if (::pipe(cmd) != 0 || ::pipe(reply) != 0) return "pipe failed";
    pid_ = ::fork();
    if (pid_ < 0) return "fork failed";
    if (pid_ == 0) {
        ::close(cmd[1]);
        ::close(reply[0]);
        serve_simulator(cfg, opts, cmd[0], reply[1]);
    }
    ::close(cmd[0]);
    ::close(reply[1]);
    cmd_ = cmd[1];
    replies_ = ::fdopen(reply[0], "r");
    const auto first = line();
    if (first.rfind("port ", 0) != 0) return "simulator: " + first;
    port_ = static_cast<std::uint16_t>(std::stoul(first.substr(5)));
    return {};
}

request_counts simulator_process::requests() {
    request_counts out;
    if (!command('r')) return out;
    for (auto l = line(); !l.empty(); l = line()) {
        const auto space = l.rfind(' ');
        if (space != std::string::npos) out[l.substr(0, space)] = std::stoull(l.substr(space + 1));
    }
    return out;
}

void simulator_process::drop_connections() {
    if (command('d')) line();
}

void simulator_process::stop() {
    if (pid_ <= 0) return;
    ::close(cmd_);
    if (replies_) ::fclose(replies_);
    replies_ = nullptr;
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
}

bool simulator_process::command(char c) {
    return ::write(cmd_, &c, 1) == 1;
}

std::string simulator_process::line() {
    char buf[512];
    if (!replies_ || !std::fgets(buf, sizeof buf, replies_)) return {};
    std::string l(buf);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    return l;
}

}  // namespace ctigw::bench
