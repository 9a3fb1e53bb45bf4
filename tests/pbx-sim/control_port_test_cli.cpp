// End to end: the ctigw-pbxsim executable with --control, --control-any and --ready-file, its
// control port driven by a line client.
#include "ctigw/pbxsim/control_port.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control_port_test.hpp"

extern char** environ;

namespace ctigw::pbxsim {
namespace {

namespace fs = std::filesystem;

// ---- the executable: --control, --control-any, --ready-file -----------------------------------

#ifdef CTIGW_PBXSIM_EXE

/// ctigw-pbxsim as a child process, its stdout and stderr on pipes.
class child {
  public:
    explicit child(std::vector<std::string> args) {
        args.insert(args.begin(), CTIGW_PBXSIM_EXE);
        int out[2], err[2];
        if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        posix_spawn_file_actions_addclose(&actions, err[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
        if (rc != 0) throw std::runtime_error("posix_spawn failed");
    }
    ~child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        ::close(out_);
        ::close(err_);
    }
    /// The next stdout line, or nullopt at its end or after io_timeout.
    std::optional<std::string> stdout_line() {
        for (;;) {
            if (auto nl = out_buffer_.find('\n'); nl != std::string::npos) {
                std::string l = out_buffer_.substr(0, nl);
                out_buffer_.erase(0, nl + 1);
                return l;
            }
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(io_timeout).count())) <=
                0) {
                ADD_FAILURE() << "no stdout line within 10 s";
                return std::nullopt;
            }
            char buf[512];
            const auto n = ::read(out_, buf, sizeof buf);
            if (n <= 0) return std::nullopt;
            out_buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }
    /// All of stderr (until the child closes it).
    std::string all_stderr() {
        std::string text;
        char buf[512];
        pollfd p{err_, POLLIN, 0};
        while (::poll(&p, 1, 10000) > 0) {
            const auto n = ::read(err_, buf, sizeof buf);
            if (n <= 0) break;
            text.append(buf, static_cast<std::size_t>(n));
        }
        return text;
    }
    void signal(int s) { ::kill(pid_, s); }
    /// The exit code (-1: killed by a signal).
    int wait() {
        int status = 0;
        if (::waitpid(pid_, &status, 0) != pid_) return -2;
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

  private:
    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::string out_buffer_;
};

std::uint16_t port_after_last_colon(std::string_view text) {
    return static_cast<std::uint16_t>(std::stoi(std::string(text.substr(text.rfind(':') + 1))));
}

TEST(PbxsimCli, ControlPortAndReadyFile) {
    const fs::path dir =
        fs::temp_directory_path() / ("ctigw-pbxsim-cli-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path ready = dir / "pbxsim.ready";
    std::ofstream(ready) << "listen 127.0.0.1:1\n";  // stale: must not survive the start
    child sim({"--plain", "--token", "t", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
               "--ready-file", ready.string(), "--no-console", "--quiet"});

    const auto listening = sim.stdout_line();
    ASSERT_TRUE(listening.has_value());
    ASSERT_TRUE(listening->starts_with("ctigw-pbxsim listening on ws://127.0.0.1:")) << *listening;
    // "ctigw-pbxsim listening on ws://127.0.0.1:PORT/csta (instance ...)"
    const std::size_t url_at = std::string_view("ctigw-pbxsim listening on ").size();
    const std::string url = listening->substr(url_at, listening->find(' ', url_at) - url_at);
    const std::uint16_t csta_port = port_after_last_colon(url.substr(0, url.rfind('/')));
    EXPECT_EQ(url, "ws://127.0.0.1:" + std::to_string(csta_port) + "/csta");
    const auto control_line = sim.stdout_line();
    ASSERT_TRUE(control_line.has_value());
    ASSERT_TRUE(control_line->starts_with("ctigw-pbxsim control on 127.0.0.1:")) << *control_line;
    const std::uint16_t control = port_after_last_colon(*control_line);
    EXPECT_NE(control, 0);
    EXPECT_NE(control, csta_port);

    // Written before the lines above were printed.
    std::ifstream in(ready);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "listen 127.0.0.1:" + std::to_string(csta_port) +
                              "\ncontrol 127.0.0.1:" + std::to_string(control) +
                              "\nurl ws://127.0.0.1:" + std::to_string(csta_port) + "/csta\n");
    EXPECT_FALSE(fs::exists(ready.string() + ".tmp"));

    {
        line_client c(control);
        const lines call = c.command("call 0301555 2001");
        ASSERT_EQ(call.size(), 2u) << ::testing::PrintToString(call);
        EXPECT_EQ(call[1], "ok");
        EXPECT_EQ(c.command("quit"), lines{"ok"});
        EXPECT_TRUE(c.closed_by_server());
    }
    {  // quit closed that connection only: the simulator still runs, with its call
        line_client c(control);
        const lines snapshot = c.command("snapshot 2001");
        ASSERT_EQ(snapshot.size(), 3u) << ::testing::PrintToString(snapshot);
        EXPECT_EQ(snapshot[0], "2001: 1 connection");
    }
    sim.signal(SIGTERM);
    EXPECT_EQ(sim.wait(), 0);
    EXPECT_FALSE(fs::exists(ready)) << "the ready file is removed at exit";
    fs::remove_all(dir);
}

TEST(PbxsimCli, ControlOnANonLoopbackAddressNeedsControlAny) {
    {
        child sim({"--plain", "--token", "t", "--listen", "127.0.0.1:0", "--control", "0.0.0.0:0",
                   "--no-console"});
        const std::string err = sim.all_stderr();
        EXPECT_EQ(sim.wait(), 2) << err;
        EXPECT_NE(err.find("--control: 0.0.0.0 is not a loopback address"), std::string::npos)
            << err;
        EXPECT_NE(err.find("--control-any"), std::string::npos) << err;
    }
    {
        child sim({"--plain", "--token", "t", "--control-any", "--no-console"});
        const std::string err = sim.all_stderr();
        EXPECT_EQ(sim.wait(), 2) << err;
        EXPECT_NE(err.find("--control-any only makes sense with --control"), std::string::npos)
            << err;
    }
    {
        child sim({"--plain", "--token", "t", "--control", "127.0.0.1", "--no-console"});
        const std::string err = sim.all_stderr();
        EXPECT_EQ(sim.wait(), 2) << err;
        EXPECT_NE(err.find("--control: expected ADDR:PORT"), std::string::npos) << err;
    }
    {
        child sim({"--plain", "--token", "t", "--listen", "127.0.0.1:0", "--control", "0.0.0.0:0",
                   "--control-any", "--no-console", "--quiet"});
        ASSERT_TRUE(sim.stdout_line().has_value());
        const auto control_line = sim.stdout_line();
        ASSERT_TRUE(control_line.has_value());
        EXPECT_TRUE(control_line->starts_with("ctigw-pbxsim control on 0.0.0.0:")) << *control_line;
        line_client c(port_after_last_colon(*control_line));
        EXPECT_EQ(c.command("check status"), lines{"ok"});
        sim.signal(SIGTERM);
        EXPECT_EQ(sim.wait(), 0);
    }
}

#endif  // CTIGW_PBXSIM_EXE

}  // namespace
}  // namespace ctigw::pbxsim
