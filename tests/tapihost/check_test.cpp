// --check: every error of a scenario, the parser's and the simulator's, with its line.
#include <gtest/gtest.h>

#include <string>

#include "ctigw/tapihost/runner.hpp"
#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {
namespace {

/// A simulator that knows one command, `call`.
class fake_sim : public sim_hook {
  public:
    std::string check(const std::string& command) override {
        return command.rfind("call ", 0) == 0 ? "" : "unknown command";
    }
    std::string execute(const std::string&, std::string&) override { return {}; }
};

TEST(Check, EveryErrorWithItsLine) {
    const auto sc = parse_scenario(
        "call 2001 2002 as c1\n"
        "setuptransfer c9 as cons\n"  // c9 is unknown ...
        "dial cons 2003\n"            // ... but cons is not reported again
        "wait soon\n"
        "hold c1 now\n");
    ASSERT_EQ(sc.errors.size(), 3u);
    EXPECT_EQ(sc.errors[0].line, 2u);
    EXPECT_EQ(sc.errors[1].line, 4u);
    EXPECT_EQ(sc.errors[2].line, 5u);
    EXPECT_EQ(sc.errors[2].located("x.tsc"), "x.tsc:5: usage: hold <call>");
    EXPECT_EQ(sc.errors[2].text(), "line 5: usage: hold <call>");
    EXPECT_EQ(load_scenario("/nonexistent/x.tsc").errors.at(0).located("x.tsc"),
              "x.tsc: cannot read the file");
}

TEST(Check, SimLines) {
    const auto sc = parse_scenario("sim call 0301555 2001\nwait 1s\nsim dance\nsim frob 1\n");
    ASSERT_TRUE(sc.ok());
    fake_sim sim;
    const auto errors = check_sim_lines(sc, &sim);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].located("x.tsc"), "x.tsc:3: sim: unknown command");
    EXPECT_EQ(errors[1].line, 4u);
    const auto without = check_sim_lines(sc, nullptr);
    ASSERT_EQ(without.size(), 3u);
    EXPECT_EQ(without[0].text(), "line 1: `sim` lines need --sim or --sim-control");
}

}  // namespace
}  // namespace ctigw::tapihost
