// The control port (control_port.hpp): console commands over plain TCP on loopback, port 0.
// In-process: the server and the port on a background thread, line clients here with
// timeouts (a broken port fails a test instead of hanging it). End to end: the ctigw-pbxsim
// executable with --control and --ready-file.
#include "ctigw/pbxsim/control_port.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "log_capture.hpp"
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "ctigw/pbxsim/control.hpp"
#include "ctigw/protocol/codec.hpp"

extern char** environ;

namespace ctigw::pbxsim {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using lines = std::vector<std::string>;

constexpr auto io_timeout = 10s;

sim_config stations_2000_2199() {
    sim_config c;
    c.stations = {{"2000", "2199"}};
    return c;
}

server_options plain_options() {
    server_options o;
    o.port = 0;
    o.token = "test-token";
    o.log = [](std::string_view) {};
    return o;
}

/// The simulator with a control port, run by a thread of its own as ctigw-pbxsim runs it.
class live_sim {
  public:
    explicit live_sim(control_port_options co = {})
        : srv_(io_, stations_2000_2199(), plain_options()) {
        EXPECT_EQ(srv_.start(), "");
        co.log = log_.sink();
        control_ = std::make_unique<control_port>(io_, srv_, co);
        EXPECT_EQ(control_->start(), "");
        port_ = control_->port();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~live_sim() {
        srv_.post([this] {
            control_->stop();
            srv_.stop();
            io_.stop();
        });
        thread_.join();
        control_.reset();
    }
    std::uint16_t control_port_number() const { return port_; }
    std::uint16_t csta_port() const { return srv_.port(); }

    /// Runs fn on the server's thread and waits for it.
    template <class F>
    auto on_server(F fn) {
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto result = task.get_future();
        srv_.post([&] { task(); });
        if (result.wait_for(io_timeout) != std::future_status::ready) {
            ADD_FAILURE() << "the server thread did not run the task";
            std::abort();  // the task refers to this frame
        }
        return result.get();
    }
    model_stats model_stats_now() {
        return on_server([this] {
            model_stats m;
            srv_.with_model([&](switch_model& model, time_point) { m = model.stats(); });
            return m;
        });
    }
    std::size_t clients() {
        return on_server([this] { return control_->clients(); });
    }
    bool logged(std::string_view text) const { return log_.contains(text); }

  private:
    net::io_context io_;
    server srv_;
    std::unique_ptr<control_port> control_;
    std::uint16_t port_ = 0;
    std::thread thread_;
    ctigw::pbxsim::testing::log_capture log_;
};

/// A line client with timeouts: Asio async operations run for at most io_timeout.
class line_client {
  public:
    explicit line_client(std::uint16_t port) : socket_(io_) {
        socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }
    void send(std::string_view text) { net::write(socket_, net::buffer(text)); }

    /// The next line (without LF), or nullopt at the end of the stream (or on a timeout, which
    /// is a test failure).
    std::optional<std::string> line() {
        auto nl = buffer_.find('\n');
        if (nl == std::string::npos) {
            bool done = false;
            boost::system::error_code result;
            net::async_read_until(socket_, net::dynamic_buffer(buffer_), '\n',
                                  [&](boost::system::error_code ec, std::size_t) {
                                      result = ec;
                                      done = true;
                                  });
            io_.restart();
            io_.run_for(io_timeout);
            if (!done) {
                ADD_FAILURE() << "no line from the control port within 10 s";
                socket_.cancel();
                io_.restart();
                io_.run();
                return std::nullopt;
            }
            if (result) {
                ended_ = result == net::error::eof || result == net::error::connection_reset;
                return std::nullopt;
            }
            nl = buffer_.find('\n');
        }
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
    }
    /// Lines up to and including the terminator (`ok` or `error: ...`).
    lines reply() {
        lines r;
        while (auto l = line()) {
            r.push_back(*l);
            if (*l == "ok" || l->starts_with("error: ")) return r;
        }
        r.push_back("<end of stream>");
        return r;
    }
    lines command(std::string_view text) {
        send(std::string(text) + "\n");
        return reply();
    }
    /// True when the server closed the connection (after what was already read).
    bool closed_by_server() {
        if (auto l = line()) {
            ADD_FAILURE() << "unexpected line: " << *l;
            return false;
        }
        return ended_;
    }

  private:
    net::io_context io_;
    tcp::socket socket_;
    std::string buffer_;
    bool ended_ = false;
};

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

// ---- the port over TCP ----------------------------------------------------------------------

/// A plain ws:// client that authenticates and monitors one device.
class monitoring_client {
  public:
    monitoring_client(std::uint16_t port, const std::string& device) : ws_(io_) {
        ws_.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        ws_.set_option(boost::beast::websocket::stream_base::decorator(
            [](boost::beast::websocket::request_type& req) {
                req.set(boost::beast::http::field::sec_websocket_protocol,
                        std::string(protocol::subprotocol));
            }));
        ws_.handshake("127.0.0.1", "/csta");
        ws_.text(true);
        using namespace protocol::svc;
        EXPECT_EQ(request(protocol::service_params{std::in_place_type<hello::params>,
                                                   hello::params{{1}, "test", std::nullopt}})
                      .outcome.index(),
                  0u);
        EXPECT_EQ(request(protocol::service_params{std::in_place_type<authenticate::params>,
                                                   authenticate::params{"test-token"}})
                      .outcome.index(),
                  0u);
        EXPECT_EQ(request(protocol::service_params{std::in_place_type<monitor_start::params>,
                                                   monitor_start::params{device}})
                      .outcome.index(),
                  0u);
    }
    /// The next event, or nullopt after io_timeout.
    std::optional<protocol::event_message> next_event() {
        for (;;) {
            auto m = next_message();
            if (!m) return std::nullopt;
            if (auto* e = std::get_if<protocol::event_message>(&*m)) return *e;
        }
    }

  private:
    protocol::response request(protocol::service_params params) {
        ws_.write(net::buffer(codec_->encode(
            protocol::message{protocol::request{"t" + std::to_string(++id_), std::move(params)}})));
        for (;;) {
            auto m = next_message();
            if (!m) return protocol::response{};
            if (auto* r = std::get_if<protocol::response>(&*m)) return *r;
        }
    }
    std::optional<protocol::message> next_message() {
        for (;;) {
            boost::beast::flat_buffer buffer;
            bool done = false;
            boost::system::error_code result;
            ws_.async_read(buffer, [&](boost::system::error_code ec, std::size_t) {
                result = ec;
                done = true;
            });
            io_.restart();
            io_.run_for(io_timeout);
            if (!done) {
                ADD_FAILURE() << "no frame within 10 s";
                boost::beast::get_lowest_layer(ws_).cancel();
                io_.restart();
                io_.run();
                return std::nullopt;
            }
            if (result) {
                ADD_FAILURE() << "read: " << result.message();
                return std::nullopt;
            }
            auto decoded = codec_->decode(boost::beast::buffers_to_string(buffer.data()));
            if (decoded) return std::move(decoded.value());
        }
    }

    net::io_context io_;
    boost::beast::websocket::stream<tcp::socket> ws_;
    std::unique_ptr<protocol::codec> codec_ = protocol::make_json_codec();
    int id_ = 0;
};

TEST(ControlPort, CallToAStationIsAnsweredOkAndReachesAMonitoringClient) {
    live_sim sim;
    monitoring_client monitor(sim.csta_port(), "2001");
    line_client control(sim.control_port_number());

    const lines r = control.command("call 0301555 2001");
    ASSERT_EQ(r.size(), 2u) << ::testing::PrintToString(r);
    EXPECT_TRUE(r[0].starts_with("call 0301555 -> 2001: callID c-")) << r[0];
    EXPECT_EQ(r[1], "ok");
    const std::string call_id = r[0].substr(r[0].rfind(' ') + 1);

    auto event = monitor.next_event();
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(protocol::event_name(event->body), "Delivered");
    const auto* delivered = std::get_if<protocol::evt::delivered>(&event->body);
    ASSERT_NE(delivered, nullptr);
    EXPECT_EQ(delivered->connection.call_id, call_id);
    EXPECT_EQ(delivered->connection.device_id, "2001");

    EXPECT_EQ(control.command("do 2001 answer"), (lines{"do 2001 answer: ok", "ok"}));
    event = monitor.next_event();
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(protocol::event_name(event->body), "Established");
}

TEST(ControlPort, InvalidCommandGetsAnErrorAndTheConnectionStaysUsable) {
    live_sim sim;
    line_client control(sim.control_port_number());
    EXPECT_EQ(control.command("cal 0301555 2001"),
              (lines{"error: unknown command \"cal\"; did you mean \"call\"?"}));
    const lines bad_delay = control.command("fault delay soon");
    ASSERT_EQ(bad_delay.size(), 1u) << ::testing::PrintToString(bad_delay);
    EXPECT_TRUE(bad_delay[0].starts_with("error: fault delay: ")) << bad_delay[0];
    const lines failed = control.command("do 2001 answer");
    ASSERT_EQ(failed.size(), 1u) << ::testing::PrintToString(failed);
    EXPECT_TRUE(failed[0].starts_with("error: do 2001 answer: ")) << failed[0];
    EXPECT_EQ(control.command("snapshot 2001"), (lines{"2001: 0 connections", "ok"}));
    EXPECT_EQ(sim.model_stats_now().calls_created, 0u);
}

TEST(ControlPort, CheckDoesNotExecute) {
    live_sim sim;
    line_client control(sim.control_port_number());
    EXPECT_EQ(control.command("check call 0301555 2001"), lines{"ok"});
    EXPECT_EQ(control.command("check fault restart"), lines{"ok"});
    EXPECT_EQ(control.command("check quit"), lines{"ok"});
    EXPECT_EQ(control.command("check cal 0301555 2001"),
              (lines{"error: unknown command \"cal\"; did you mean \"call\"?"}));
    EXPECT_EQ(sim.model_stats_now().calls_created, 0u);
    EXPECT_EQ(control.command("snapshot 2001"), (lines{"2001: 0 connections", "ok"}));
}

TEST(ControlPort, PipelinedCommandsAreAnsweredInOrder) {
    live_sim sim;
    line_client control(sim.control_port_number());
    control.send(
        "snapshot 2001\n"
        "check bogus\n"
        "\n"
        "call 0301555 2002\r\n"
        "   \n"
        "snapshot 2002\n"
        "do 2002 answer\n"
        "snapshot 9999\n"
        "# a comment\n"
        "hangup @2002\n"
        "snapshot 2002\n");
    EXPECT_EQ(control.reply(), (lines{"2001: 0 connections", "ok"}));
    EXPECT_EQ(control.reply(), (lines{"error: unknown command \"bogus\""}));
    const lines call = control.reply();
    ASSERT_EQ(call.size(), 2u) << ::testing::PrintToString(call);
    EXPECT_TRUE(call[0].starts_with("call 0301555 -> 2002: callID ")) << call[0];
    const std::string id = call[0].substr(call[0].rfind(' ') + 1);
    const lines alerting = control.reply();
    ASSERT_EQ(alerting.size(), 3u) << ::testing::PrintToString(alerting);
    EXPECT_EQ(alerting[0], "2002: 1 connection");
    EXPECT_TRUE(alerting[1].starts_with("  " + id + "/2002 alerting")) << alerting[1];
    EXPECT_EQ(control.reply(), (lines{"do 2002 answer: ok", "ok"}));
    EXPECT_EQ(control.reply(), (lines{"error: snapshot 9999: unknown device"}));
    EXPECT_EQ(control.reply(), lines{"ok"});
    EXPECT_EQ(control.reply(), (lines{"hangup " + id + ": ok", "ok"}));
    EXPECT_EQ(control.reply(), (lines{"2002: 0 connections", "ok"}));
}

TEST(ControlPort, LineOfTheLimitWorksALongerOneIsRefusedAndCloses) {
    live_sim sim;
    line_client control(sim.control_port_number());
    std::string at_limit = "snapshot 2001";
    at_limit.resize(4096, ' ');
    EXPECT_EQ(control.command(at_limit), (lines{"2001: 0 connections", "ok"}));
    EXPECT_EQ(control.command(at_limit + "\r"), (lines{"2001: 0 connections", "ok"}));

    // Lines before the long one in the same write are still answered.
    control.send("snapshot 2001\n" + std::string(4097, 'x') + "\nsnapshot 2001\n");
    EXPECT_EQ(control.reply(), (lines{"2001: 0 connections", "ok"}));
    EXPECT_EQ(control.reply(), lines{"error: line too long"});
    EXPECT_TRUE(control.closed_by_server());

    // Also without any newline, and with much more behind it than the limit.
    line_client flood(sim.control_port_number());
    flood.send(std::string(64 * 1024, 'y'));
    EXPECT_EQ(flood.reply(), lines{"error: line too long"});
    EXPECT_TRUE(flood.closed_by_server());
    EXPECT_TRUE(sim.logged("line longer than 4096 bytes"));
}

TEST(ControlPort, QuitClosesOnlyThatConnection) {
    live_sim sim;
    line_client other(sim.control_port_number());
    EXPECT_EQ(other.command("check status"), lines{"ok"});
    line_client control(sim.control_port_number());
    control.send("quit\nsnapshot 2001\n");  // nothing after quit runs
    EXPECT_EQ(control.reply(), lines{"ok"});
    EXPECT_TRUE(control.closed_by_server());

    EXPECT_EQ(other.command("snapshot 2001"), (lines{"2001: 0 connections", "ok"}));
    line_client again(sim.control_port_number());
    EXPECT_EQ(again.command("snapshot 2001"), (lines{"2001: 0 connections", "ok"}));
    monitoring_client still_serving(sim.csta_port(), "2001");
}

TEST(ControlPort, LastLineWithoutNewlineRunsAtEndOfInput) {
    live_sim sim;
    tcp::iostream raw("127.0.0.1", std::to_string(sim.control_port_number()));
    raw << "call 0301555 2003\nsnapshot 2003" << std::flush;
    raw.socket().shutdown(tcp::socket::shutdown_send);
    raw.expires_after(io_timeout);
    std::vector<std::string> got;
    for (std::string l; std::getline(raw, l);) got.push_back(l);
    ASSERT_EQ(got.size(), 5u) << ::testing::PrintToString(got);
    EXPECT_EQ(got[1], "ok");
    EXPECT_EQ(got[2], "2003: 1 connection");
    EXPECT_EQ(got[4], "ok");
}

TEST(ControlPort, AtMostEightClients) {
    live_sim sim;
    std::vector<std::unique_ptr<line_client>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<line_client>(sim.control_port_number()));
        EXPECT_EQ(clients.back()->command("check status"), lines{"ok"}) << i;
    }
    line_client ninth(sim.control_port_number());
    EXPECT_EQ(ninth.reply(), lines{"error: too many control connections (at most 8)"});
    EXPECT_TRUE(ninth.closed_by_server());
    for (auto& c : clients) EXPECT_EQ(c->command("check status"), lines{"ok"});

    // A client that leaves frees its place.
    EXPECT_EQ(clients.front()->command("quit"), lines{"ok"});
    EXPECT_TRUE(clients.front()->closed_by_server());
    clients.erase(clients.begin());
    EXPECT_EQ(sim.clients(), 7u);
    line_client next(sim.control_port_number());
    EXPECT_EQ(next.command("snapshot 2001"), (lines{"2001: 0 connections", "ok"}));
}

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
