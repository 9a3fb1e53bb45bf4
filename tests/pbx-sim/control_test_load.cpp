// The load generator's decisions without a server (load.hpp): the call mix, timings, seeds,
// arrival gaps, option checks, the summary and the memory figures.
#include "ctigw/pbxsim/load.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace ctigw::pbxsim {
namespace {

using namespace std::chrono_literals;

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

}  // namespace
}  // namespace ctigw::pbxsim
