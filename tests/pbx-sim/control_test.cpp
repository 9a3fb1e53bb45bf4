// The simulator's console commands without a server (control.hpp): parsing, times, scenario
// files, the help text and the did-you-mean suggestions.
#include "ctigw/pbxsim/control.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "control_test.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

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

}  // namespace
}  // namespace ctigw::pbxsim
