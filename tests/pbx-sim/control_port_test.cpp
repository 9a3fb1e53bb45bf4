// The control port (control_port.hpp) without sockets: the line protocol (control_reply), the
// loopback address check, the endpoints and the ready file.
#include "ctigw/pbxsim/control_port.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control_port_test.hpp"

namespace ctigw::pbxsim {
namespace {

namespace fs = std::filesystem;

// ---- control_reply: the line protocol without sockets ----------------------------------------

struct ControlReply : ::testing::Test {
    net::io_context io;
    server srv{io, stations_2000_2199(), plain_options()};
    std::string reply(std::string_view line) {
        bool close = false;
        auto r = control_reply(srv, line, close);
        EXPECT_FALSE(close) << line;
        return r;
    }
    model_stats stats() {
        model_stats m;
        srv.with_model([&](switch_model& model, time_point) { m = model.stats(); });
        return m;
    }
};

TEST_F(ControlReply, OutputLinesThenOk) {
    EXPECT_EQ(reply("snapshot 2001"), "2001: 0 connections\nok\n");
    const auto call = reply("call 0301555 2001");
    EXPECT_TRUE(call.starts_with("call 0301555 -> 2001: callID c-")) << call;
    EXPECT_TRUE(call.ends_with("\nok\n")) << call;
    EXPECT_EQ(std::count(call.begin(), call.end(), '\n'), 2) << call;
    EXPECT_EQ(stats().active_calls, 1u);
    const auto help = reply("help");
    EXPECT_TRUE(help.starts_with("Commands")) << help;
    EXPECT_TRUE(help.ends_with("\nok\n")) << help;
}

TEST_F(ControlReply, ErrorsAreOneTerminatorLine) {
    EXPECT_EQ(reply("cal 0301555 2001"),
              "error: unknown command \"cal\"; did you mean \"call\"?\n");
    EXPECT_EQ(reply("snapshot 9999"), "error: snapshot 9999: unknown device\n");
    const auto r = reply("do 2001 answer");  // nothing is ringing there
    EXPECT_TRUE(r.starts_with("error: do 2001 answer: ")) << r;
    EXPECT_EQ(std::count(r.begin(), r.end(), '\n'), 1) << r;
    EXPECT_EQ(reply("call \"0301555 2001"), "error: unterminated quote\n");
}

TEST_F(ControlReply, CheckOnlyParses) {
    EXPECT_EQ(reply("check call 0301555 2001"), "ok\n");
    EXPECT_EQ(reply("check fault restart"), "ok\n");
    EXPECT_EQ(reply("  check\tsnapshot 9999"), "ok\n");  // parses; would fail when run
    EXPECT_EQ(stats().calls_created, 0u);
    EXPECT_EQ(reply("check cal 0301555 2001"),
              "error: unknown command \"cal\"; did you mean \"call\"?\n");
    EXPECT_TRUE(reply("check").starts_with("error: check: expected a command"));
    EXPECT_EQ(reply("check quit"), "ok\n");  // no close: EXPECT_FALSE(close) in reply()
}

TEST_F(ControlReply, QuitClosesTheConnectionOnly) {
    for (const char* line : {"quit", "exit", " quit "}) {
        bool close = false;
        EXPECT_EQ(control_reply(srv, line, close), "ok\n");
        EXPECT_TRUE(close) << line;
    }
}

TEST_F(ControlReply, BlankLinesGetNoReplyAndCommentsOk) {
    EXPECT_EQ(reply(""), "");
    EXPECT_EQ(reply(" \t\r"), "");
    EXPECT_EQ(reply("# a note"), "ok\n");
}

// ---- addresses, endpoints, the ready file -----------------------------------------------------

TEST(ControlAddress, LoopbackOnlyUnlessAllowed) {
    for (const char* ok : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
        EXPECT_EQ(check_control_address(ok, false), "") << ok;
    }
    for (const char* bad : {"0.0.0.0", "192.168.1.10", "::", "10.0.0.1", "::ffff:10.0.0.1"}) {
        const auto error = check_control_address(bad, false);
        EXPECT_NE(error.find("not a loopback address"), std::string::npos) << bad << ": " << error;
        EXPECT_NE(error.find("--control-any"), std::string::npos) << error;
        EXPECT_EQ(check_control_address(bad, true), "") << bad;
    }
    EXPECT_NE(check_control_address("localhost", true).find("not an IP address"),
              std::string::npos);
}

TEST(ControlAddress, StartRefusesNonLoopbackWithoutAllowAny) {
    net::io_context io;
    server srv(io, stations_2000_2199(), plain_options());
    control_port_options o;
    o.bind_address = "0.0.0.0";
    o.log = [](std::string_view) {};
    control_port refused(io, srv, o);
    EXPECT_NE(refused.start().find("not a loopback address"), std::string::npos);
    EXPECT_EQ(refused.port(), 0);

    o.allow_any_address = true;
    control_port allowed(io, srv, o);
    EXPECT_EQ(allowed.start(), "");
    EXPECT_NE(allowed.port(), 0);
}

TEST(ControlAddress, Endpoints) {
    EXPECT_EQ(format_endpoint("127.0.0.1", 8443), "127.0.0.1:8443");
    EXPECT_EQ(format_endpoint("::1", 7001), "[::1]:7001");
}

TEST(ReadyFile, WrittenWholeAndReplacesAnOldOne) {
    const fs::path dir =
        fs::temp_directory_path() / ("ctigw-ready-file-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path path = dir / "pbxsim.ready";
    std::ofstream(path) << "listen 127.0.0.1:1\n";  // a stale one
    ASSERT_EQ(
        write_ready_file(path, {"127.0.0.1:8443", "127.0.0.1:7001", "wss://127.0.0.1:8443/csta"}),
        "");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(),
              "listen 127.0.0.1:8443\ncontrol 127.0.0.1:7001\nurl wss://127.0.0.1:8443/csta\n");
    EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
    EXPECT_EQ(format_ready_file({"[::1]:1", std::nullopt, "ws://[::1]:1/csta"}),
              "listen [::1]:1\nurl ws://[::1]:1/csta\n");
    EXPECT_NE(write_ready_file(dir / "no-such-dir" / "x", {"a:1", std::nullopt, "u"}), "");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ctigw::pbxsim
