// ctigw-setup's command line: service-recovery, CustomActionData, error names, usage errors, and
// run() never throwing.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ctigw/setup/setup.hpp"
#include "fakes.hpp"

namespace ctigw::setup::testing {
namespace {

using serviceRecovery = setup_fixture;
using commandLine = setup_fixture;

TEST_F(serviceRecovery, SetsTheActionsOfTheNamedService) {
    EXPECT_EQ(run_args({"service-recovery", "ctigw-acdproxy"}), 0);
    EXPECT_EQ(services.calls, (std::vector<std::string>{"ctigw-acdproxy"}));
    EXPECT_EQ(log, (std::vector<std::string>{
                       "service ctigw-acdproxy restarts on failure (after 5 s, 5 s, then 60 s; "
                       "count reset after a day)"}));
}

TEST_F(serviceRecovery, AnErrorFailsWithItsNumber) {
    services.result = 1060;  // ERROR_SERVICE_DOES_NOT_EXIST
    EXPECT_EQ(run_args({"service-recovery", "ctigw-acdproxy"}), 1);
    EXPECT_TRUE(logged("cannot set ctigw-acdproxy's recovery actions: error 1060")) << log_text();
}

TEST_F(serviceRecovery, WithoutAServiceManagerFailsClearly) {
    env.services = nullptr;
    EXPECT_EQ(run_args({"service-recovery", "ctigw-acdproxy"}), 1);
    EXPECT_TRUE(logged("cannot set ctigw-acdproxy's recovery actions")) << log_text();
}

TEST_F(serviceRecovery, NeedsExactlyOneName) {
    EXPECT_EQ(run_args({"service-recovery"}), 2);
    EXPECT_EQ(run_args({"service-recovery", ""}), 2);
    EXPECT_EQ(run_args({"service-recovery", "a", "b"}), 2);
    EXPECT_TRUE(services.calls.empty());
}

TEST(splitActionData, KeepsEmptyFieldsAndBackslashes) {
    EXPECT_EQ(split_action_data("config|--config|C:\\x\\|--endpoint|"),
              (std::vector<std::string>{"config", "--config", "C:\\x\\", "--endpoint", ""}));
    EXPECT_EQ(split_action_data("a||b"), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(split_action_data("|"), (std::vector<std::string>{"", ""}));
    EXPECT_EQ(split_action_data("provider"), (std::vector<std::string>{"provider"}));
    EXPECT_TRUE(split_action_data("").empty());
}

TEST(lineerrName, NamesKnownCodesWithTheirValue) {
    EXPECT_EQ(lineerr_name(0x80000048), "LINEERR_OPERATIONFAILED (0x80000048)");
    EXPECT_EQ(lineerr_name(0x80000056), "LINEERR_NOMULTIPLEINSTANCE (0x80000056)");
    EXPECT_EQ(lineerr_name(0x80000001), "LINEERR_ALLOCATED (0x80000001)");
    EXPECT_EQ(lineerr_name(0x80000061), "LINEERR_SERVICE_NOT_RUNNING (0x80000061)");
    EXPECT_EQ(lineerr_name(0x8000000A), "LINEERR_DIALPROMPT (0x8000000A)");
}

TEST(lineerrName, UnknownCodesAsHex) {
    EXPECT_EQ(lineerr_name(0x80000004), "error 0x80000004");  // a gap in tapi.h's list
    EXPECT_EQ(lineerr_name(0x80000999), "error 0x80000999");
    EXPECT_EQ(lineerr_name(0x90000005), "error 0x90000005");  // a PHONEERR_
    EXPECT_EQ(lineerr_name(5), "error 0x00000005");
}

TEST_F(commandLine, HelpIsTheUsageAndSucceeds) {
    for (const char* help : {"--help", "help", "-h"}) {
        EXPECT_EQ(run_args({help}), 0);
        EXPECT_TRUE(logged("Usage: ctigw-setup provider add|remove|list")) << log_text();
    }
    EXPECT_TRUE(usage().starts_with("Usage: ctigw-setup"));
    for (const auto& line : log) EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST_F(commandLine, UsageErrorsGiveAReasonFirstThenTheUsage) {
    const std::vector<std::vector<std::string>> bad = {
        {},
        {""},
        {"frobnicate"},
        {"provider"},
        {"provider", "install"},
        {"provider", "add", "extra"},
        {"config"},
        {"config", "--config"},
        {"config", "--config", ""},
        {"config", "--config", "x.json", "--bogus", "1"},
        {"config", "--config", "x.json", "stray"},
        {"config", "--config", "a.json", "--config", "b.json"},
    };
    for (const auto& args : bad) {
        SCOPED_TRACE(::testing::PrintToString(args));
        EXPECT_EQ(run_args(args), 2);
        ASSERT_GE(log.size(), 2u);
        EXPECT_TRUE(log[0].starts_with("ctigw-setup: ")) << log[0];
        EXPECT_TRUE(log[1].starts_with("Usage: ")) << log[1];
    }
    EXPECT_EQ(tapi.list_calls, 0);
    EXPECT_TRUE(tapi.added.empty());
}

TEST_F(commandLine, AnUnknownCommandIsNamedWithItsControlCharactersEscaped) {
    EXPECT_EQ(run_args({"bad\x1b[31m\ncommand"}), 2);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0], "ctigw-setup: unknown command 'bad\\x1b[31m\\ncommand'");
}

class throwing_tapi : public fake_tapi {
  public:
    std::uint32_t list(std::vector<tapi_provider>&) override {
        throw std::runtime_error("tapi32 exploded");
    }
};

TEST_F(commandLine, AnExceptionIsLoggedAndFails) {
    throwing_tapi broken;
    env.tapi = &broken;
    EXPECT_EQ(run_args({"provider", "add"}), 1);
    EXPECT_TRUE(logged("internal error: tapi32 exploded")) << log_text();
}

TEST_F(commandLine, ALogSinkThatThrowsDoesNotFailTheCommand) {
    env.log = [](std::string_view) { throw std::runtime_error("log full"); };
    EXPECT_EQ(run({"provider", "add"}, env), 0);
    EXPECT_EQ(tapi.added.size(), 1u);
    env.log = nullptr;
    EXPECT_EQ(run({"frobnicate"}, env), 2);
}

}  // namespace
}  // namespace ctigw::setup::testing
