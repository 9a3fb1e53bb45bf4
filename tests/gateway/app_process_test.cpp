// The real ctigw-gateway binary: SIGHUP with an open session (the session survives and gets
// the new rights), then SIGTERM (the session is closed with 1001 and the process exits 0).
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "app_support.hpp"

extern char** environ;

namespace ctigw::gateway::app {
namespace {

using namespace ctigw::gateway::testing;
using namespace protocol;

/// Waits for the port file the gateway writes once listening (or for the process to die).
std::uint16_t wait_for_port(const std::filesystem::path& file, pid_t pid) {
    for (int i = 0; i < 1000; ++i) {
        std::ifstream in(file);
        unsigned port = 0;
        if (in >> port && port != 0) return static_cast<std::uint16_t>(port);
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) throw std::runtime_error("gateway exited");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the gateway never wrote its port file");
}

int wait_exit(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(AppProcess, SighupKeepsSessionsAndSigtermClosesThemWith1001) {
    temp_dir dir;
    const std::string token = "proc-token-0123456789abcdefghij";
    const auto config = dir.write("gw.json", plain_config(client_entry("a", token, R"(["2001"])")));
    const auto port_file = dir.path / "port";
    std::vector<std::string> args{CTIGW_GATEWAY_EXE, "run",         "--config",
                                  config.string(),   "--port-file", port_file.string(),
                                  "--any-port"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    struct reaper {
        pid_t pid;
        ~reaper() {
            if (pid > 0 && ::kill(pid, 0) == 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
        }
    } guard{pid};

    ws_client c(wait_for_port(port_file, pid));
    ASSERT_TRUE(c.login(token));
    ASSERT_FALSE(ok(c.request(svc::monitor_start::params{"2002"})));  // not yet allowed

    std::ofstream(config, std::ios::trunc)
        << plain_config(client_entry("a", token, R"(["2001", "2002"])"));
    ASSERT_EQ(::kill(pid, SIGHUP), 0);
    // The reload is asynchronous: the session survives it and gains 2002 once it is applied.
    bool allowed = false;
    for (int i = 0; i < 500 && !allowed; ++i) {
        allowed = ok(c.request(svc::monitor_start::params{"2002"}));
        if (!allowed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(allowed);

    ASSERT_EQ(::kill(pid, SIGTERM), 0);
    EXPECT_EQ(c.close_code(), 1001);
    EXPECT_EQ(wait_exit(pid), 0);
    guard.pid = 0;
}

}  // namespace
}  // namespace ctigw::gateway::app
