#include "sim_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "child_process.hpp"

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
        // A throwing `fn` must reach the caller (the child then ends, and the bench says how),
        // not leave it waiting for a value that never comes.
        server->post([&] {
            try {
                p.set_value(fn(*server));
            } catch (...) {
                p.set_exception(std::current_exception());
            }
        });
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

/// A whole unsigned decimal number, or nothing.
std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

}  // namespace

std::string simulator_process::start(const pbxsim::sim_config& cfg,
                                     const pbxsim::server_options& opts) {
    // A write to the pipe of a child that has died must fail, not kill the bench with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    const auto child = fork_child(
        [&](int commands, int replies) { serve_simulator(cfg, opts, commands, replies); });
    if (child.pid < 0)
        return std::string("simulator: pipe or fork failed: ") + std::strerror(errno);
    pid_ = child.pid;
    cmd_ = child.commands;
    replies_ = ::fdopen(child.replies, "r");
    const auto first = line();
    if (first.rfind("port ", 0) == 0) {
        if (const auto port = number(std::string_view(first).substr(5)); port && *port <= 65535) {
            port_ = static_cast<std::uint16_t>(*port);
            return {};
        }
    }
    lost("the simulator did not start: " + (first.empty() ? "its process ended" : first));
    return failure_;
}

request_counts simulator_process::requests() {
    request_counts out;
    if (!command('r')) return out;
    for (auto l = line(); !l.empty(); l = line()) {
        const auto space = l.rfind(' ');
        const auto n = space == std::string::npos ? std::nullopt
                                                  : number(std::string_view(l).substr(space + 1));
        if (!n) {
            lost("a garbled reply from the simulator: " + l);
            return {};
        }
        out[l.substr(0, space)] = *n;
    }
    if (!failure_.empty()) return {};  // the reply ended early: the child is gone
    return out;
}

void simulator_process::drop_connections() {
    if (command('d') && line() != ".") lost("the simulator did not confirm the drop");
}

bool simulator_process::alive() {
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) ended(status);
    return failure_.empty();
}

bool simulator_process::stop() {
    if (cmd_ >= 0) ::close(cmd_);  // the child's command loop ends: it stops
    cmd_ = -1;
    if (replies_) ::fclose(replies_);
    replies_ = nullptr;
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) ended(status);
    return failure_.empty();
}

void simulator_process::ended(int status) {
    pid_ = 0;  // reaped
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    // How the child ended is the cause; what the pipes showed came of it.
    failure_ = (WIFSIGNALED(status) ? "the simulator's process was killed by signal " +
                                          std::to_string(WTERMSIG(status))
                                    : "the simulator's process exited with status " +
                                          std::to_string(WEXITSTATUS(status))) +
               (failure_.empty() ? "" : " (seen first as: " + failure_ + ")");
}

bool simulator_process::command(char c) {
    if (!failure_.empty()) return false;
    if (::write(cmd_, &c, 1) == 1) return true;
    lost("the simulator's process is gone (" + std::string(std::strerror(errno)) + ")");
    return false;
}

std::string simulator_process::line() {
    char buf[512];
    if (!replies_ || !std::fgets(buf, sizeof buf, replies_)) {
        lost("the simulator's process is gone (its replies ended)");
        return {};
    }
    std::string l(buf);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    return l;
}

void simulator_process::lost(const std::string& why) {
    if (failure_.empty()) failure_ = why;  // the first cause, not its consequences
}

}  // namespace ctigw::bench
