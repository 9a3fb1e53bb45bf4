// ctigw-soak's pure decisions: the fault order, stale calls, the memory verdict, the report files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ctigw/soak/logic.hpp"
#include "ctigw/soak/report.hpp"

namespace ctigw::soak {
namespace {

tsp_call call(std::uint64_t key, const char* device, bool active) {
    tsp_call c;
    c.key = key;
    c.device = device;
    c.active = active;
    return c;
}

TEST(soakFaults, EveryKindOncePerRoundInASeededOrder) {
    fault_plan a(all_faults(), 7), b(all_faults(), 7), c(all_faults(), 8);
    std::vector<fault_kind> first, same, other;
    for (std::size_t i = 0; i < 3 * fault_kind_count; ++i) {
        first.push_back(*a.next());
        same.push_back(*b.next());
        other.push_back(*c.next());
    }
    EXPECT_EQ(first, same);
    EXPECT_NE(first, other);
    for (std::size_t round = 0; round < 3; ++round) {
        std::set<fault_kind> kinds(
            first.begin() + static_cast<std::ptrdiff_t>(round * fault_kind_count),
            first.begin() + static_cast<std::ptrdiff_t>((round + 1) * fault_kind_count));
        EXPECT_EQ(kinds.size(), fault_kind_count) << "round " << round;
    }
}

TEST(soakFaults, ASubsetIsAllThatComes) {
    fault_plan p({fault_kind::link_drop, fault_kind::failover}, 1);
    for (int i = 0; i < 10; ++i) {
        const auto k = p.next();
        EXPECT_TRUE(k == fault_kind::link_drop || k == fault_kind::failover);
    }
    EXPECT_FALSE(fault_plan({}, 1).next());  // --faults none
}

TEST(soakFaults, NamesRoundTrip) {
    for (auto k : all_faults()) EXPECT_EQ(parse_fault(to_string(k)), k);
    EXPECT_EQ(parse_fault("messagesLost"), fault_kind::messages_lost);
    EXPECT_FALSE(parse_fault("meltdown"));
    EXPECT_FALSE(parse_fault(""));
}

TEST(soakStale, ACallIsStaleOnlyAfterTheGraceAndOnce) {
    stale_tracker t(10000);
    const std::vector<tsp_call> calls = {call(1, "2001", true), call(2, "2002", true),
                                         call(3, "2003", false)};
    const std::map<std::string, std::size_t> sw = {{"2002", 1}};  // 2001 and 2003 have nothing
    EXPECT_TRUE(t.observe(0, calls, sw).empty());
    EXPECT_EQ(t.suspects(), 1u);  // call 1 only: 2 is at the switch, 3 is IDLE
    EXPECT_TRUE(t.observe(9999, calls, sw).empty());
    const auto stale = t.observe(10000, calls, sw);
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_EQ(stale[0].key, 1u);
    EXPECT_EQ(stale[0].device, "2001");
    EXPECT_TRUE(t.observe(30000, calls, sw).empty());  // reported once
    EXPECT_EQ(t.reported(), 1u);
}

TEST(soakStale, ACallThatAgreesAgainStartsOver) {
    stale_tracker t(1000);
    const std::vector<tsp_call> calls = {call(5, "2005", true)};
    EXPECT_TRUE(t.observe(0, calls, {}).empty());
    EXPECT_TRUE(t.observe(900, calls, {{"2005", 1}}).empty());  // the switch has it after all
    EXPECT_EQ(t.suspects(), 0u);
    EXPECT_TRUE(t.observe(1000, calls, {}).empty());  // a new suspicion, from 1000
    EXPECT_TRUE(t.observe(1999, calls, {}).empty());
    EXPECT_EQ(t.observe(2000, calls, {}).size(), 1u);
    EXPECT_TRUE(t.observe(2500, {}, {}).empty());  // gone from the TSP: nothing to track
    EXPECT_EQ(t.suspects(), 0u);
}

TEST(soakStale, ALineOutOfServiceIsNotJudgedAndStartsOver) {
    stale_tracker t(1000);
    auto c = call(7, "2007", true);
    EXPECT_TRUE(t.observe(0, {c}, {}).empty());
    c.in_service = false;  // the link went down: the TSP cannot know better now
    EXPECT_TRUE(t.observe(5000, {c}, {}).empty());
    EXPECT_EQ(t.suspects(), 0u);
    c.in_service = true;
    EXPECT_TRUE(t.observe(6000, {c}, {}).empty());  // the grace starts again
    EXPECT_TRUE(t.observe(6999, {c}, {}).empty());
    EXPECT_EQ(t.observe(7000, {c}, {}).size(), 1u);
}

TEST(soakMemory, FlatAndGrowingRuns) {
    std::vector<double> flat(200, 40.0);
    for (std::size_t i = 0; i < 20; ++i) flat[i] = 20.0 + static_cast<double>(i);  // warm-up
    const auto f = judge_memory(flat, 20, 8, 1.0);
    EXPECT_TRUE(f.enough_samples);
    EXPECT_TRUE(f.flat);
    EXPECT_NEAR(f.growth_mib, 0, 1e-9);
    EXPECT_NEAR(f.slope_mib_per_hour, 0, 1e-6);

    std::vector<double> leak;
    for (std::size_t i = 0; i < 200; ++i) leak.push_back(40.0 + 0.1 * static_cast<double>(i));
    const auto l = judge_memory(leak, 20, 8, 1.0);
    EXPECT_FALSE(l.flat);
    EXPECT_NEAR(l.slope_mib_per_hour, 0.1 * 3600, 1e-6);
    EXPECT_GT(l.growth_mib, 8);

    const auto s = judge_memory(std::vector<double>(12, 1.0), 5, 8, 1.0);
    EXPECT_FALSE(s.enough_samples);
    EXPECT_TRUE(s.flat);  // not judged
}

TEST(soakReport, CsvAndPlotScript) {
    const auto dir = std::filesystem::temp_directory_path() / "ctigw-soak-test";
    std::filesystem::create_directories(dir);
    std::vector<sample> samples = {{1, 10, 300, 40.5, 2, ""}, {2, 12, 310, 40.6, 0, "drop"}};
    ASSERT_EQ(write_csv(dir / "s.csv", samples), "");
    std::ifstream in(dir / "s.csv");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(),
              "t_s,calls_per_s,events_per_s,rss_mib,requests_in_flight,fault\n"
              "1,10,300,40.5,2,\n2,12,310,40.6,0,drop\n");
    const auto script = plot_script(dir / "s.csv", dir / "it's.png", samples, "title");
    EXPECT_NE(script.find("set arrow 1 from 2, graph 0"), std::string::npos);  // the fault
    EXPECT_EQ(script.find("set arrow 2"), std::string::npos);
    EXPECT_NE(script.find("it_s.png'"), std::string::npos);  // no quote breaks out
    EXPECT_NE(script.find("using 1:5"), std::string::npos);  // requests in flight
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ctigw::soak
