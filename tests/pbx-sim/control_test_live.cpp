// The console commands, a scenario and the load generator against a real server (in-process,
// plain ws on port 0).
#include "ctigw/pbxsim/control.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "ctigw/protocol/codec.hpp"

#include "ctigw/pbxsim/load.hpp"
#include "control_test.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace std::chrono_literals;

// ---- against a real server (in-process, plain ws on port 0) ----------------------------------

struct live_server {
    explicit live_server(sim_config c = config()) : srv(io, std::move(c), options()) {
        const auto error = srv.start();
        EXPECT_EQ(error, "");
    }
    static sim_config config() {
        sim_config c;
        c.stations = {{"2000", "2199"}};
        return c;
    }
    static server_options options() {
        server_options o;
        o.port = 0;
        o.token = "test-token";
        o.log = [](std::string_view) {};
        return o;
    }
    model_stats model_stats_now() {
        model_stats m;
        srv.with_model([&](switch_model& model, time_point) { m = model.stats(); });
        return m;
    }
    boost::asio::io_context io;
    server srv;
};

TEST(ControlExecute, CallAnswerSnapshotHangup) {
    live_server live;
    std::ostringstream out;
    command_executor ex(live.srv, out);

    ASSERT_TRUE(ex.execute(parsed("call 0301555 2001"))) << out.str();
    const std::string call_id = ex.last_call_id();
    ASSERT_FALSE(call_id.empty());
    EXPECT_NE(out.str().find("call 0301555 -> 2001: callID " + call_id), std::string::npos)
        << out.str();

    out.str("");
    ASSERT_TRUE(ex.execute(parsed("snapshot 2001")));
    EXPECT_NE(out.str().find(call_id + "/2001 alerting"), std::string::npos) << out.str();

    ASSERT_TRUE(ex.execute(parsed("do 2001 answer"))) << out.str();
    out.str("");
    ASSERT_TRUE(ex.execute(parsed("snapshot 2001")));
    EXPECT_NE(out.str().find(call_id + "/2001 connected"), std::string::npos) << out.str();

    ASSERT_TRUE(ex.execute(parsed("hangup " + call_id))) << out.str();
    out.str("");
    ASSERT_TRUE(ex.execute(parsed("snapshot 2001")));
    EXPECT_EQ(out.str(), "2001: 0 connections\n");

    out.str("");
    ASSERT_TRUE(ex.execute(parsed("status")));
    EXPECT_NE(out.str().find("calls: active 0, created 1, cleared 1"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("sessions: open 0"), std::string::npos) << out.str();
}

TEST(ControlExecute, HangupByDevice) {
    live_server live;
    std::ostringstream out;
    command_executor ex(live.srv, out);
    ASSERT_TRUE(ex.execute(parsed("call 0301555 2003"))) << out.str();
    ASSERT_TRUE(ex.execute(parsed("do 2003 answer"))) << out.str();
    out.str("");
    ASSERT_TRUE(ex.execute(parsed("hangup @2003"))) << out.str();
    EXPECT_EQ(out.str(), "hangup " + ex.last_call_id() + ": ok\n");
    out.str("");
    EXPECT_FALSE(ex.execute(parsed("hangup @2003")));
    EXPECT_EQ(out.str(), "hangup @2003: no call at 2003\n");
}

TEST(ControlExecute, InternalCallerDials) {
    live_server live;
    std::ostringstream out;
    command_executor ex(live.srv, out);
    ASSERT_TRUE(ex.execute(parsed("call 2001 2002"))) << out.str();
    EXPECT_FALSE(ex.last_call_id().empty()) << out.str();
    out.str("");
    ASSERT_TRUE(ex.execute(parsed("snapshot 2002")));
    EXPECT_NE(out.str().find("alerting"), std::string::npos) << out.str();
}

TEST(ControlExecute, FailuresAreReported) {
    live_server live;
    std::ostringstream out;
    command_executor ex(live.srv, out);
    EXPECT_FALSE(ex.execute(parsed("snapshot 9999")));
    EXPECT_EQ(out.str(), "snapshot 9999: unknown device\n");
    out.str("");
    EXPECT_FALSE(ex.execute(parsed("hangup nosuchcall")));
    EXPECT_EQ(out.str().rfind("hangup nosuchcall: ", 0), 0u) << out.str();
    out.str("");
    EXPECT_FALSE(ex.execute(parsed("do 2001 answer")));
    EXPECT_EQ(out.str().rfind("do 2001 answer: ", 0), 0u) << out.str();
    out.str("");
    EXPECT_FALSE(ex.execute(parsed("call 0301555 9999")));
    EXPECT_TRUE(ex.execute(parsed("quit")));
    EXPECT_TRUE(ex.quit_requested());
}

TEST(ControlExecute, FaultsReachTheServer) {
    live_server live;
    std::ostringstream out;
    command_executor ex(live.srv, out);
    const std::string before = live.srv.instance_id();
    for (const char* c :
         {"fault drop", "fault heartbeats off", "fault heartbeats on", "fault delay 10",
          "fault delay 0", "fault malformed 2", "fault refuse MakeCall operation generic 2",
          "fault reorder on", "fault reorder off", "fault gap", "fault status disabled",
          "fault status normal"}) {
        EXPECT_TRUE(ex.execute(parsed(c))) << c << ": " << out.str();
    }
    ASSERT_TRUE(ex.execute(parsed("fault restart")));
    EXPECT_NE(live.srv.instance_id(), before);
}

TEST(ControlScenarioRunner, RunsInOrderAndQuits) {
    live_server live;
    std::ostringstream out;
    auto plan = parse_scenario(
        "at 60ms quit\n"
        "at 20ms do 2001 answer\n"
        "at 0ms call 0301555 2001\n"
        "at 40ms snapshot 2001\n"
        "at 10s status\n");  // never reached: quit comes first
    ASSERT_TRUE(plan.ok());
    bool quit = false;
    scenario_runner runner(live.io, live.srv, std::move(plan), out, [&] {
        quit = true;
        live.srv.stop();
        live.io.stop();
    });
    runner.start();
    live.io.run_for(5s);
    EXPECT_TRUE(quit);
    EXPECT_EQ(runner.executed(), 4u);
    EXPECT_EQ(runner.failed(), 0u) << out.str();
    const std::string text = out.str();
    const auto call_at = text.find("[0ms] line 3: call 0301555 2001");
    const auto answer_at = text.find("[20ms] line 2: do 2001 answer");
    const auto snap_at = text.find("connected");
    ASSERT_NE(call_at, std::string::npos) << text;
    ASSERT_NE(answer_at, std::string::npos) << text;
    ASSERT_NE(snap_at, std::string::npos) << text;
    EXPECT_LT(call_at, answer_at);
    EXPECT_LT(answer_at, snap_at);
    EXPECT_EQ(text.find("status"), std::string::npos) << text;
}

/// 200 calls/s for a second with compressed agent timings, so that every call runs its whole
/// script within the test.
load_options fast_load(std::uint64_t seed) {
    load_options o;
    o.calls_per_second = 200;
    o.duration = 1000ms;
    o.seed = seed;
    o.progress = false;
    o.answer_min = 10ms;
    o.answer_max = 40ms;
    o.talk_min = 40ms;
    o.talk_max = 200ms;
    o.hold_min = 10ms;
    o.hold_max = 50ms;
    o.drain_timeout = 5000ms;
    return o;
}

/// Runs a load to its end (at most 20 s) and returns its summary.
std::optional<load_summary> run_load(live_server& live, const load_options& o) {
    EXPECT_EQ(validate(o), "");
    std::optional<load_summary> result;
    load_generator load(live.io, live.srv, o);
    load.start([&](const load_summary& s) {
        result = s;
        live.srv.stop();
        live.io.stop();
    });
    live.io.run_for(20s);
    return result;
}

TEST(LoadGenerator, ShortRunCreatesAndClearsCallsWithoutRefusals) {
    live_server live;
    const auto result = run_load(live, fast_load(3));
    ASSERT_TRUE(result.has_value());
    const load_summary& s = *result;
    EXPECT_GT(s.offered, 120u) << format_summary(s);
    EXPECT_LT(s.offered, 300u) << format_summary(s);
    EXPECT_EQ(s.blocked, 0u) << format_summary(s);
    EXPECT_EQ(s.requests_refused, 0u) << format_summary(s);
    EXPECT_EQ(s.failed, 0u) << format_summary(s);
    EXPECT_EQ(s.cut_off, 0u) << format_summary(s);
    EXPECT_EQ(s.completed, s.offered) << format_summary(s);
    EXPECT_EQ(s.answered, s.offered) << format_summary(s);
    EXPECT_GT(s.peak_active, 0u);
    for (auto n : s.scripts) EXPECT_GT(n, 0u) << format_summary(s);
    EXPECT_GT(s.requests, s.offered);

    const auto m = live.model_stats_now();
    EXPECT_EQ(m.active_calls, 0u);
    EXPECT_GE(m.calls_created, s.offered);
    EXPECT_EQ(m.calls_cleared, m.calls_created);
    EXPECT_EQ(m.requests_refused, 0u);
}

TEST(LoadGenerator, AcdCallsGoToTheAgentsItPlaysAndImpatientCallersAbandon) {
    auto config = live_server::config();
    // Sales has three agents and no wrap-up; a caller waits 300 to 600 ms.
    config.acd_groups = {{"6001", "Sales", {"2190", "2191", "2192"}, 50, std::nullopt, 0ms}};
    live_server live(config);
    auto o = fast_load(5);
    o.acd_share = 50;
    o.patience_min = 300ms;
    o.patience_max = 600ms;
    const auto result = run_load(live, o);
    ASSERT_TRUE(result.has_value());
    const load_summary& s = *result;
    EXPECT_EQ(s.agents, 3u) << format_summary(s);
    EXPECT_GT(s.acd_offered, 40u) << format_summary(s);
    EXPECT_LT(s.acd_offered, s.offered) << format_summary(s);
    // Three agents cannot take ~100 calls/s of 40-200 ms calls: many answered, many abandoned.
    EXPECT_GT(s.acd_answered, 5u) << format_summary(s);
    EXPECT_GT(s.acd_abandoned, 5u) << format_summary(s);
    EXPECT_EQ(s.acd_answered + s.acd_abandoned + s.acd_lost, s.acd_offered) << format_summary(s);
    EXPECT_EQ(s.failed, 0u) << format_summary(s);
    EXPECT_EQ(s.requests_refused, 0u) << format_summary(s);
    EXPECT_NE(format_summary(s).find("ACD"), std::string::npos);
    EXPECT_EQ(live.model_stats_now().active_calls, 0u);
}

TEST(LoadGenerator, StopCutsOffRunningCalls) {
    live_server live;
    load_options o;
    o.calls_per_second = 500;
    o.duration = 60000ms;
    o.progress = false;
    std::optional<load_summary> result;
    load_generator load(live.io, live.srv, o);
    boost::asio::steady_timer stop_timer(live.io, 200ms);
    stop_timer.async_wait([&](const boost::system::error_code&) { load.stop(); });
    load.start([&](const load_summary& s) {
        result = s;
        live.srv.stop();
        live.io.stop();
    });
    live.io.run_for(10s);
    ASSERT_TRUE(result.has_value());
    EXPECT_GT(result->offered, 20u);
    EXPECT_EQ(result->cut_off + result->completed + result->failed, result->offered)
        << format_summary(*result);
    EXPECT_EQ(live.model_stats_now().active_calls, 0u);
}

// A real client monitoring every station sees the load's events (server thread in the
// background, a synchronous Beast client here).
TEST(LoadGenerator, ConnectedClientSeesCallCentreEvents) {
    namespace beast = boost::beast;
    namespace websocket = beast::websocket;
    using boost::asio::ip::tcp;

    live_server live;
    auto guard = boost::asio::make_work_guard(live.io);
    std::thread server_thread([&] { live.io.run(); });

    auto codec = protocol::make_json_codec();
    boost::asio::io_context client_io;
    websocket::stream<tcp::socket> ws(client_io);
    ws.next_layer().connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), live.srv.port()));
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::sec_websocket_protocol, std::string(protocol::subprotocol));
    }));
    ws.handshake("127.0.0.1", "/csta");
    ws.text(true);

    auto exchange = [&](protocol::service_params params) {
        static int id = 0;
        ws.write(boost::asio::buffer(codec->encode(
            protocol::message{protocol::request{"t" + std::to_string(++id), std::move(params)}})));
        for (;;) {
            beast::flat_buffer buffer;
            ws.read(buffer);
            auto decoded = codec->decode(beast::buffers_to_string(buffer.data()));
            if (!decoded) continue;
            if (auto* r = std::get_if<protocol::response>(&decoded.value())) return *r;
        }
    };
    using namespace protocol::svc;
    auto hello = exchange(protocol::service_params{
        std::in_place_type<hello::params>, hello::params{{1}, "control_test", std::nullopt}});
    ASSERT_EQ(hello.outcome.index(), 0u);
    auto auth = exchange(protocol::service_params{std::in_place_type<authenticate::params>,
                                                  authenticate::params{"test-token"}});
    ASSERT_EQ(auth.outcome.index(), 0u);
    std::vector<std::string> stations;
    for (int n = 2000; n <= 2199; ++n) stations.push_back(std::to_string(n));
    auto monitors = exchange(protocol::service_params{
        std::in_place_type<monitor_start_batch::params>, monitor_start_batch::params{stations}});
    ASSERT_EQ(monitors.outcome.index(), 0u);

    load_options o;
    o.calls_per_second = 100;
    o.duration = 800ms;
    o.seed = 11;
    o.progress = false;
    o.answer_min = 10ms;
    o.answer_max = 30ms;
    o.talk_min = 40ms;
    o.talk_max = 120ms;
    o.hold_min = 10ms;
    o.hold_max = 30ms;
    std::promise<load_summary> done;
    std::unique_ptr<load_generator> load;
    live.srv.post([&] {
        load = std::make_unique<load_generator>(live.io, live.srv, o);
        load->start([&](const load_summary& s) {
            done.set_value(s);
            live.srv.stop();  // closes our session: the read loop below ends
        });
    });

    std::set<std::string> names;
    std::uint64_t events = 0;
    for (;;) {
        beast::flat_buffer buffer;
        beast::error_code ec;
        ws.read(buffer, ec);
        if (ec) break;
        auto decoded = codec->decode(beast::buffers_to_string(buffer.data()));
        ASSERT_TRUE(decoded) << decoded.error().to_string();
        if (auto* e = std::get_if<protocol::event_message>(&decoded.value())) {
            ++events;
            names.insert(std::string(protocol::event_name(e->body)));
        }
    }
    const load_summary s = done.get_future().get();
    boost::asio::post(live.io, [&] {
        load.reset();
        guard.reset();
        live.io.stop();
    });
    server_thread.join();

    EXPECT_EQ(s.requests_refused, 0u) << format_summary(s);
    EXPECT_EQ(s.failed, 0u) << format_summary(s);
    EXPECT_GT(s.events_sent, 0u);
    EXPECT_EQ(events, s.events_sent) << format_summary(s);
    for (const char* name :
         {"Delivered", "Established", "Held", "Retrieved", "Transferred", "ConnectionCleared"}) {
        EXPECT_TRUE(names.count(name)) << name;
    }
}

}  // namespace
}  // namespace ctigw::pbxsim
