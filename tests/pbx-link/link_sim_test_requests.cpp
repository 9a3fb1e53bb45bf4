// The Beast link against the in-process simulator: requests (timeouts, errors, backpressure,
// a lost link, stop), untrusted input and a consumer slower than the events.
#include <gtest/gtest.h>

#include <atomic>

#include "link_sim_test.hpp"

namespace ctigw::pbx_link::testing {
namespace {

// ---- requests ----

TEST_F(linkSim, RequestTimeoutCompletesExactlyOnce) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.delay_responses(400ms); });
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1), 50ms));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.count(request_failure::timeout), 1u);
    // The late response arrives, completes nothing, and is handed over as a late result (the
    // switch did carry the request out: issue 12 #2, a MakeCall placed late).
    ASSERT_TRUE(cb.wait([&] { return cb.late_results.size() == 1; }));
    EXPECT_TRUE(logs.contains("arrived after its request timed out"));
    EXPECT_TRUE(out.each_exactly_once(1));
    EXPECT_EQ(l->figures().request_timeouts, 1u);
    EXPECT_EQ(l->figures().state, link_state::live);
    l->stop();
}

TEST_F(linkSim, CstaErrorOutcome) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) {
        srv.refuse_service("GetDoNotDisturb", csta_error{error_category::operation, "generic", {}},
                           1);
    });
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1)));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    std::lock_guard lock(out.mutex);
    const auto& o = out.by_request[1].front();
    EXPECT_EQ(o.failure, request_failure::csta_error);
    ASSERT_TRUE(o.error);
    EXPECT_EQ(o.error->value, "generic");
    l->stop();
}

TEST_F(linkSim, OutboundQueueFullIsBackpressure) {
    sim pbx(good_tls());
    auto s = base_settings({pbx.url()});
    s.max_requests_in_flight = 2;
    s.max_outbound_queue = 3;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.delay_responses(200ms); });
    outcome_log out;
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(l->request(get_dnd("2001"), out.make(i)));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 10; }));
    EXPECT_TRUE(out.each_exactly_once(10));
    EXPECT_EQ(out.count(request_failure::backpressure), 5u);
    EXPECT_EQ(out.ok(), 5u);  // 2 in flight + 3 queued, sent as slots freed
    l->stop();
}

TEST_F(linkSim, LinkLostFailsRequestsInFlight) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.delay_responses(5000ms); });
    outcome_log out;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(l->request(get_dnd("2001"), out.make(i)));
    ASSERT_TRUE(wait_until([&] { return l->figures().requests_in_flight == 3; }));
    pbx.call([](pbxsim::server& srv) {
        srv.delay_responses(0ms);
        srv.drop_connections();
    });
    ASSERT_TRUE(wait_until([&] { return out.completed() == 3; }));
    EXPECT_EQ(out.count(request_failure::link_lost), 3u);
    ASSERT_TRUE(wait_live(2));
    EXPECT_TRUE(out.each_exactly_once(3));  // never re-sent after the reconnect
    l->stop();
}

TEST_F(linkSim, StopCompletesEverythingWithStopped) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.delay_responses(5000ms); });
    outcome_log out;
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(l->request(get_dnd("2001"), out.make(i)));
    ASSERT_TRUE(wait_until([&] { return l->figures().requests_in_flight == 5; }));
    l->stop();
    EXPECT_TRUE(out.each_exactly_once(5));  // all done by the time stop() returns
    EXPECT_EQ(out.count(request_failure::stopped), 5u);
    EXPECT_EQ(cb.state, link_state::stopped);
    // After stop: refused at once, and `done` is never called (no thread to call it on).
    EXPECT_FALSE(l->request(get_dnd("2001"), out.make(99)));
    EXPECT_EQ(out.completed(), 5u);
}

// ---- untrusted input and slow consumers ----

TEST_F(linkSim, MalformedFramesSkippedLinkStaysUp) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.send_malformed(5); });
    ASSERT_TRUE(wait_until([&] { return l->figures().malformed_frames == 5; }));
    EXPECT_EQ(logs.count("malformed frame ("), 5u);
    for (const auto& line : logs.lines()) {
        // The decoder's verdict is logged, never the frame itself.
        EXPECT_EQ(line.find("{\"type\""), std::string::npos) << "frame content logged: " << line;
    }
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1)));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.ok(), 1u);
    EXPECT_EQ(l->figures().connects, 1u);
    EXPECT_EQ(l->figures().state, link_state::live);
    l->stop();
}

// A consumer slower than the event rate: reading pauses (backpressure), nothing is lost, the
// queue stays bounded, and the link stays up (the switch's 16 MiB slow-consumer limit is far
// from reached at this volume, so we assert that it is *not* cut).
TEST_F(linkSim, SlowConsumerLosesNothingQueueBounded) {
    sim pbx(good_tls());
    auto s = base_settings({pbx.url()});
    s.devices = devices(2000, 50);
    s.max_delivery_queue = 32;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    std::atomic<std::size_t> peak{0};
    {
        std::lock_guard lock(cb.mutex);
        cb.event_delay = 500us;
        cb.on_event_hook = [&] {
            const auto q = l->figures().delivery_queue;
            if (q > peak) peak = q;
        };
    }
    std::uint64_t sent_before = 0, sent_after = 0;
    pbx.call([&](pbxsim::server& srv) { sent_before = srv.stats().events_sent; });
    for (int round = 0; round < 4; ++round) {
        pbx.call([&](pbxsim::server& srv) {
            std::vector<std::string> calls;
            srv.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
                for (int d = 0; d < 50; ++d) {
                    auto r = m.external_call("0301" + std::to_string(100000 + d),
                                             std::to_string(2000 + d), now);
                    if (r.index() == 0) calls.push_back(std::get<0>(r));
                }
            });
            srv.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
                for (auto& c : calls) m.external_hangup(c, now);
            });
        });
    }
    pbx.call([&](pbxsim::server& srv) { sent_after = srv.stats().events_sent; });
    const auto expected = sent_after - sent_before;
    ASSERT_GT(expected, 300u);
    ASSERT_TRUE(cb.wait([&] { return cb.events.size() >= expected; }, 30s))
        << cb.events.size() << " of " << expected;
    {
        std::lock_guard lock(cb.mutex);
        cb.on_event_hook = {};
        EXPECT_EQ(cb.events.size(), expected);
        // In the switch's order: seq strictly increasing.
        for (std::size_t i = 1; i < cb.events.size(); ++i) {
            ASSERT_LT(cb.events[i - 1].second.seq, cb.events[i].second.seq);
        }
    }
    EXPECT_TRUE(logs.contains("reading paused"));
    EXPECT_LE(peak.load(), 32u + 8u);  // the limit, plus at most one frame's worth
    const auto f = l->figures();
    EXPECT_EQ(f.connects, 1u);
    EXPECT_EQ(f.sequence_gaps, 0u);
    EXPECT_EQ(f.state, link_state::live);
    l->stop();
}

}  // namespace
}  // namespace ctigw::pbx_link::testing
