#include "ctigw/pbxsim/control.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ctigw/protocol/codec.hpp"

#include "ctigw/pbxsim/load.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

command parsed(std::string_view text) {
    auto r = parse_command(text);
    if (auto* e = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << "\"" << text << "\": " << *e;
        return cmd::help{};
    }
    return std::get<command>(r);
}

std::string error_of(std::string_view text) {
    auto r = parse_command(text);
    if (auto* e = std::get_if<std::string>(&r)) return *e;
    ADD_FAILURE() << "\"" << text << "\" parsed, expected an error";
    return {};
}

// ---- commands ------------------------------------------------------------------------------

TEST(ControlParse, CallAndHangup) {
    EXPECT_EQ(parsed("call 0301555 2001"), command(cmd::call{"0301555", "2001", ""}));
    EXPECT_EQ(parsed("  call   2001\t2002  "), command(cmd::call{"2001", "2002", ""}));
    EXPECT_EQ(parsed("call 0145678901 2001 \"Agence Dupont\" SA"),
              command(cmd::call{"0145678901", "2001", "Agence Dupont SA"}));
    EXPECT_EQ(parsed("hangup c17"), command(cmd::hangup{"c17"}));
}

TEST(ControlParse, DeviceActions) {
    EXPECT_EQ(parsed("do 2001 offhook"), command(cmd::device_do{"2001", "offhook"}));
    EXPECT_EQ(parsed("do 2001 onhook"), command(cmd::device_do{"2001", "onhook"}));
    EXPECT_EQ(parsed("do 2001 answer"), command(cmd::device_do{"2001", "answer"}));
    EXPECT_EQ(parsed("do 2001 hold"), command(cmd::device_do{"2001", "hold"}));
    EXPECT_EQ(parsed("do 2001 retrieve"), command(cmd::device_do{"2001", "retrieve"}));
    EXPECT_EQ(parsed("do 2001 dial 2002"), command(cmd::device_do{"2001", "dial 2002"}));
    EXPECT_EQ(parsed("do 2001 \"dial 2002\""), command(cmd::device_do{"2001", "dial 2002"}));
    EXPECT_EQ(parsed("do 2001 DIAL 2002"), command(cmd::device_do{"2001", "dial 2002"}));
    EXPECT_EQ(parsed("do 2001 dtmf 12*#A"), command(cmd::device_do{"2001", "dtmf 12*#A"}));
    EXPECT_EQ(parsed("do 2001 dtmf \"#\""), command(cmd::device_do{"2001", "dtmf #"}));
    EXPECT_EQ(parsed("do 2001 press 3"), command(cmd::device_do{"2001", "press 3"}));
}

TEST(ControlParse, Faults) {
    EXPECT_EQ(parsed("fault drop"), command(cmd::fault_drop{}));
    EXPECT_EQ(parsed("fault heartbeats off"), command(cmd::fault_heartbeats{false}));
    EXPECT_EQ(parsed("fault heartbeats on"), command(cmd::fault_heartbeats{true}));
    EXPECT_EQ(parsed("fault delay 500"), command(cmd::fault_delay{500ms}));
    EXPECT_EQ(parsed("fault delay 0"), command(cmd::fault_delay{0ms}));
    EXPECT_EQ(parsed("fault delay 1.5s"), command(cmd::fault_delay{1500ms}));
    EXPECT_EQ(parsed("fault malformed 3"), command(cmd::fault_malformed{3}));
    EXPECT_EQ(parsed("fault reorder on"), command(cmd::fault_reorder{true}));
    EXPECT_EQ(parsed("fault reorder off"), command(cmd::fault_reorder{false}));
    EXPECT_EQ(parsed("fault gap"), command(cmd::fault_gap{}));
    EXPECT_EQ(parsed("fault status messagesLost"),
              command(cmd::fault_status{protocol::system_status::messages_lost}));
    EXPECT_EQ(parsed("fault restart"), command(cmd::fault_restart{}));
    EXPECT_EQ(parsed("unsupported 2002 AnswerCall HoldCall"),
              command(cmd::unsupported{"2002", {"AnswerCall", "HoldCall"}}));
    EXPECT_EQ(parsed("unsupported * none"), command(cmd::unsupported{"*", {}}));

    auto refuse = std::get<cmd::fault_refuse>(parsed("fault refuse MakeCall operation generic"));
    EXPECT_EQ(refuse.service, "MakeCall");
    EXPECT_EQ(refuse.error.category, protocol::error_category::operation);
    EXPECT_EQ(refuse.error.value, "generic");
    EXPECT_EQ(refuse.count, 1u);
    refuse = std::get<cmd::fault_refuse>(
        parsed("fault refuse HoldCall stateIncompatibility invalidConnectionState 4"));
    EXPECT_EQ(refuse.service, "HoldCall");
    EXPECT_EQ(refuse.error.category, protocol::error_category::state_incompatibility);
    EXPECT_EQ(refuse.error.value, "invalidConnectionState");
    EXPECT_EQ(refuse.count, 4u);
}

TEST(ControlParse, Inspection) {
    EXPECT_EQ(parsed("status"), command(cmd::status{}));
    EXPECT_EQ(parsed("snapshot 2001"), command(cmd::snapshot{"2001"}));
    EXPECT_EQ(parsed("help"), command(cmd::help{}));
    EXPECT_EQ(parsed("quit"), command(cmd::quit{}));
    EXPECT_EQ(parsed("status # trailing comment"), command(cmd::status{}));
}

TEST(ControlParse, Errors) {
    EXPECT_EQ(error_of("cal 1 2"), "unknown command \"cal\"; did you mean \"call\"?");
    EXPECT_EQ(error_of("hangpu c1"), "unknown command \"hangpu\"; did you mean \"hangup\"?");
    EXPECT_EQ(error_of("snap 2001"), "unknown command \"snap\"; did you mean \"snapshot\"?");
    EXPECT_EQ(error_of("frobnicate"), "unknown command \"frobnicate\"");
    EXPECT_EQ(error_of("unsupported 2002 AnswerCal"),
              "unsupported: unknown service \"AnswerCal\"; did you mean \"AnswerCall\"?");
    EXPECT_EQ(error_of(""), "empty command");
    EXPECT_EQ(error_of("call 2001"), "call: expected <from> <to> [name...], got 1 argument");
    EXPECT_EQ(error_of("hangup"), "hangup: expected <callID>, got 0 arguments");
    EXPECT_EQ(error_of("snapshot"), "snapshot: expected <device>, got 0 arguments");
    EXPECT_EQ(error_of("status now"), "status: expected no arguments, got 1 argument");
    EXPECT_EQ(error_of("quit now"), "quit: expected no arguments, got 1 argument");
    EXPECT_EQ(error_of("do 2001"), "do: expected <device> <action...>, got 1 argument");
    EXPECT_EQ(error_of("do 2001 anser"), "do: unknown action \"anser\"; did you mean \"answer\"?");
    EXPECT_EQ(error_of("do 2001 answer now"), "do answer: expected no arguments, got 1 argument");
    EXPECT_EQ(error_of("do 2001 dial"), "do dial: expected <number>, got 0 arguments");
    EXPECT_EQ(error_of("do 2001 dtmf 12x"), "do dtmf: bad digits \"12x\" (0-9 * # A-D and , only)");
    EXPECT_EQ(error_of("do 2001 press x"), "do press: bad button \"x\" (a whole number)");
    EXPECT_EQ(error_of("call \"2001 2002"), "unterminated quote");

    EXPECT_EQ(error_of("fault"),
              "fault: missing fault kind (drop, heartbeats, delay, malformed, "
              "refuse, reorder, gap, status, restart)");
    EXPECT_EQ(error_of("fault dorp"), "unknown fault \"dorp\"; did you mean \"drop\"?");
    EXPECT_EQ(error_of("fault drop now"), "fault drop: expected no arguments, got 1 argument");
    EXPECT_EQ(error_of("fault heartbeats maybe"),
              "fault heartbeats: expected on or off, got \"maybe\"");
    EXPECT_EQ(error_of("fault reorder"), "fault reorder: expected on|off, got 0 arguments");
    EXPECT_EQ(error_of("fault delay soon"),
              "fault delay: bad delay \"soon\" (milliseconds, e.g. 500)");
    EXPECT_EQ(error_of("fault malformed 0"),
              "fault malformed: bad count \"0\" (a whole number >= 1)");
    EXPECT_EQ(error_of("fault refuse MakeCall operation"),
              "fault refuse: expected <Service> <category> <value> [count], got 2 arguments");
    EXPECT_EQ(error_of("fault refuse MakeCal operation generic"),
              "fault refuse: unknown service \"MakeCal\"; did you mean \"MakeCall\"?");
    EXPECT_EQ(error_of("fault refuse MakeCall operaton generic"),
              "fault refuse: unknown error category \"operaton\"; did you mean \"operation\"?");
    EXPECT_EQ(error_of("fault refuse MakeCall operation generic lots"),
              "fault refuse: bad count \"lots\" (a whole number >= 1)");
    EXPECT_EQ(error_of("fault status disabeld"),
              "fault status: unknown systemStatus \"disabeld\"; did you mean \"disabled\"?");
}

// ---- time ----------------------------------------------------------------------------------

TEST(ControlTime, Units) {
    EXPECT_EQ(parse_time("500ms"), 500ms);
    EXPECT_EQ(parse_time("0ms"), 0ms);
    EXPECT_EQ(parse_time("2s"), 2000ms);
    EXPECT_EQ(parse_time("1.5s"), 1500ms);
    EXPECT_EQ(parse_time("0.25s"), 250ms);
    EXPECT_EQ(parse_time("1m"), 60000ms);
    EXPECT_EQ(parse_time("1.5m"), 90000ms);
    EXPECT_EQ(parse_time("1h"), 3600000ms);
    EXPECT_EQ(parse_time("0.0016s"), 2ms);  // rounded
    for (const char* bad :
         {"5x", "", "s", "5", ".5s", "1.s", "1..5s", "-1s", "1.5.2s", "1 s", "ms", "1sec", "1S"}) {
        EXPECT_EQ(parse_time(bad), std::nullopt) << bad;
    }
}

TEST(ControlTime, FormatRoundTrips) {
    for (auto t : {0ms, 5ms, 999ms, 1000ms, 1500ms, 1234ms, 60000ms, 61500ms, 120000ms}) {
        EXPECT_EQ(parse_time(format_time(t)), t) << format_time(t);
    }
    EXPECT_EQ(format_time(1500ms), "1.5s");
    EXPECT_EQ(format_time(250ms), "250ms");
    EXPECT_EQ(format_time(120000ms), "2m");
}

// ---- scenarios -----------------------------------------------------------------------------

TEST(ControlScenario, SortsByTimeKeepingFileOrderForTies) {
    const auto s = parse_scenario(
        "# a scenario\n"
        "\n"
        "at 2s hangup c1\n"
        "at 500ms call 0301555 2001   # first call\n"
        "at 2s status\n"
        "at 1.5s do 2001 answer\n"
        "   at 0ms help\n");
    ASSERT_TRUE(s.ok()) << s.errors.front();
    ASSERT_EQ(s.commands.size(), 5u);
    EXPECT_EQ(s.commands[0].at, 0ms);
    EXPECT_EQ(s.commands[0].line, 7u);
    EXPECT_EQ(s.commands[1].what, command(cmd::call{"0301555", "2001", ""}));
    EXPECT_EQ(s.commands[1].line, 4u);
    EXPECT_EQ(s.commands[1].text, "call 0301555 2001");
    EXPECT_EQ(s.commands[2].at, 1500ms);
    EXPECT_EQ(s.commands[3].what, command(cmd::hangup{"c1"}));
    EXPECT_EQ(s.commands[3].line, 3u);
    EXPECT_EQ(s.commands[4].what, command(cmd::status{}));
    EXPECT_EQ(s.commands[4].line, 5u);
}

TEST(ControlScenario, ErrorsCarryLineNumbers) {
    const auto s = parse_scenario(
        "at 1s call 0301555 2001\n"                     // 1 ok
        "# comment\n"                                   // 2
        "at 5x status\n"                                // 3
        "call 1 2\n"                                    // 4
        "at\n"                                          // 5
        "at 3s\n"                                       // 6
        "at 4s cal 1 2\n"                               // 7
        "when 1s status\n"                              // 8
        "at 1s fault refuse Foo operation generic\r\n"  // 9
        "at 2s do 2001 \"dial\n");                      // 10
    ASSERT_EQ(s.errors.size(), 8u);
    EXPECT_EQ(s.errors[0], "line 3: bad time \"5x\" (e.g. 500ms, 2s, 1.5s, 1m)");
    EXPECT_EQ(s.errors[1], "line 4: expected \"at <time> <command>\" (scenario lines need a time)");
    EXPECT_EQ(s.errors[2], "line 5: missing time after \"at\"");
    EXPECT_EQ(s.errors[3], "line 6: missing command after \"at 3s\"");
    EXPECT_EQ(s.errors[4], "line 7: unknown command \"cal\"; did you mean \"call\"?");
    EXPECT_EQ(s.errors[5], "line 8: expected \"at <time> <command>\", got \"when\"");
    EXPECT_EQ(s.errors[6], "line 9: fault refuse: unknown service \"Foo\"");
    EXPECT_EQ(s.errors[7], "line 10: unterminated quote");
    EXPECT_EQ(s.commands.size(), 1u);
    EXPECT_FALSE(s.ok());
}

TEST(ControlScenario, MissingFile) {
    const auto s = load_scenario("/nonexistent/x.scn");
    ASSERT_EQ(s.errors.size(), 1u);
    EXPECT_EQ(s.errors[0], "/nonexistent/x.scn: cannot open");
}

TEST(ControlScenario, ExampleFilesParse) {
    for (const char* name : {"basic.scn", "consult.scn", "faults.scn"}) {
        const auto dir = std::filesystem::path(CTIGW_PBXSIM_SCENARIOS_DIR);
        const auto s = load_scenario((dir / name).string());
        EXPECT_TRUE(s.ok()) << name << ": " << (s.errors.empty() ? "" : s.errors.front());
        EXPECT_FALSE(s.commands.empty()) << name;
    }
}

TEST(ControlHelp, MentionsEveryCommand) {
    const std::string h = help_text();
    for (const char* word :
         {"call", "hangup", "do <device>", "fault drop", "fault heartbeats", "fault delay",
          "fault malformed", "fault refuse", "fault reorder", "fault gap", "fault status",
          "fault restart", "status", "snapshot", "help", "quit", "offhook", "dtmf", "press"}) {
        EXPECT_NE(h.find(word), std::string::npos) << word;
    }
}

TEST(ControlSuggest, DidYouMean) {
    EXPECT_EQ(did_you_mean("--lisen", {"--listen", "--load"}), "--listen");
    EXPECT_EQ(did_you_mean("stauts", {"status", "snapshot"}), "status");
    EXPECT_EQ(did_you_mean("xyz", {"status", "snapshot"}), "");
    EXPECT_EQ(did_you_mean("", {"status"}), "");
}

// ---- load decisions ------------------------------------------------------------------------

TEST(LoadDecider, MixProportionsFollowThePercentages) {
    load_options o;
    o.seed = 42;
    load_decider d(o);
    constexpr int n = 100000;
    std::map<call_script, int> counts;
    int caller_hangs_up = 0;
    for (int i = 0; i < n; ++i) {
        const auto p = d.plan_call();
        ++counts[p.script];
        caller_hangs_up += p.caller_hangs_up ? 1 : 0;
    }
    EXPECT_NEAR(counts[call_script::talk] / double(n), 0.60, 0.01);
    EXPECT_NEAR(counts[call_script::hold] / double(n), 0.20, 0.01);
    EXPECT_NEAR(counts[call_script::consult_transfer] / double(n), 0.15, 0.01);
    EXPECT_NEAR(counts[call_script::single_step_transfer] / double(n), 0.05, 0.01);
    EXPECT_NEAR(caller_hangs_up / double(n), 0.5, 0.01);
}

TEST(LoadDecider, CustomMixAndRanges) {
    load_options o;
    o.mix = load_mix{0, 0, 0, 100};
    load_decider d(o);
    for (int i = 0; i < 1000; ++i) {
        const auto p = d.plan_call();
        EXPECT_EQ(p.script, call_script::single_step_transfer);
        EXPECT_GE(p.answer_after, 500ms);
        EXPECT_LE(p.answer_after, 2000ms);
        EXPECT_GE(p.talk, 2000ms);
        EXPECT_LE(p.talk, 10000ms);
        EXPECT_GE(p.hold, 1000ms);
        EXPECT_LE(p.hold, 5000ms);
        EXPECT_GE(p.second_answer, 500ms);
        EXPECT_LE(p.second_answer, 2000ms);
        EXPECT_EQ(p.caller.size(), 10u);
        EXPECT_EQ(p.caller.rfind("0301", 0), 0u);
    }
}

TEST(LoadDecider, SameSeedSameDecisions) {
    load_options o;
    o.seed = 7;
    load_decider a(o);
    load_decider b(o);
    o.seed = 8;
    load_decider c(o);
    bool differs = false;
    for (int i = 0; i < 200; ++i) {
        const auto pa = a.plan_call();
        const auto pb = b.plan_call();
        const auto pc = c.plan_call();
        EXPECT_EQ(pa.caller, pb.caller);
        EXPECT_EQ(pa.script, pb.script);
        EXPECT_EQ(pa.talk, pb.talk);
        EXPECT_EQ(a.next_gap(), b.next_gap());
        EXPECT_EQ(a.pick(100), b.pick(100));
        (void)c.next_gap();
        (void)c.pick(100);
        differs = differs || pa.caller != pc.caller;
    }
    EXPECT_TRUE(differs);
}

TEST(LoadDecider, ArrivalGaps) {
    load_options o;
    o.calls_per_second = 200;
    o.poisson = false;
    load_decider even(o);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(even.next_gap(), std::chrono::microseconds(5000));

    o.poisson = true;
    load_decider poisson(o);
    constexpr int n = 50000;
    double total_us = 0;
    for (int i = 0; i < n; ++i) {
        const auto g = poisson.next_gap();
        EXPECT_GE(g.count(), 0);
        total_us += static_cast<double>(g.count());
    }
    EXPECT_NEAR(total_us / n, 5000.0, 150.0);  // mean of an exponential: 1/rate
}

TEST(LoadDecider, PickIsUniform) {
    load_decider d(load_options{});
    std::vector<int> hits(10);
    for (int i = 0; i < 100000; ++i) ++hits[d.pick(10)];
    for (int h : hits) EXPECT_NEAR(h, 10000, 500);
}

TEST(LoadOptions, Validate) {
    load_options o;
    EXPECT_EQ(validate(o), "");
    o.mix = load_mix{50, 20, 15, 5};
    EXPECT_EQ(validate(o),
              "the mix percentages must add up to 100 (talk 50, hold 20, consult 15, blind 5)");
    o = load_options{};
    o.calls_per_second = 0;
    EXPECT_NE(validate(o), "");
    o = load_options{};
    o.duration = 0ms;
    EXPECT_NE(validate(o), "");
    o = load_options{};
    o.talk_min = 5000ms;
    o.talk_max = 1000ms;
    EXPECT_EQ(validate(o), "each timing range needs 0 <= min <= max");
}

TEST(LoadSummary, Format) {
    load_summary s;
    s.elapsed = 12500ms;
    s.offered = 100;
    s.completed = 98;
    s.cut_off = 2;
    s.peak_active = 40;
    s.calls_per_second = 10;
    s.rss_at_10s_mib = 40.0;
    s.rss_end_mib = 42.5;
    s.peak_rss_mib = 43.0;
    const auto text = format_summary(s);
    EXPECT_NE(text.find("load summary after 12.5 s"), std::string::npos) << text;
    EXPECT_NE(text.find("calls offered    100"), std::string::npos) << text;
    EXPECT_NE(text.find("calls completed  98"), std::string::npos) << text;
    EXPECT_NE(text.find("peak active      40 calls"), std::string::npos) << text;
    EXPECT_NE(text.find("growth +2.5 MiB"), std::string::npos) << text;
    s.rss_at_10s_mib.reset();
    EXPECT_NE(format_summary(s).find("run shorter than 10 s"), std::string::npos);
}

TEST(LoadMemory, RssIsReported) {
    EXPECT_GT(current_rss_mib(), 0.0);
    EXPECT_GE(peak_rss_mib(), current_rss_mib() * 0.5);
}

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
