// The control port over plain TCP on loopback, port 0, in-process: the server and the port on a
// background thread, line clients and a monitoring ws:// client here with timeouts.
#include "ctigw/pbxsim/control_port.hpp"

#include <gtest/gtest.h>

#include "log_capture.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <thread>

#include "ctigw/pbxsim/control.hpp"
#include "ctigw/protocol/codec.hpp"
#include "control_port_test.hpp"

namespace ctigw::pbxsim {
namespace {

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

}  // namespace
}  // namespace ctigw::pbxsim
