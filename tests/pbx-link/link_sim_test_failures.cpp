// The Beast link against the in-process simulator: failures of the session (heartbeats, dead
// endpoints, a switch restart, sequence gaps, lost messages, a disabled switch) and recovery.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "link_sim_test.hpp"

namespace ctigw::pbx_link::testing {
namespace {

using ::testing::HasSubstr;

// ---- failures of the session ----

TEST_F(linkSim, HeartbeatLossReconnects) {
    auto o = good_tls();
    o.heartbeat_interval = 100ms;
    sim pbx(o);
    auto s = base_settings({pbx.url()});
    s.heartbeat_interval = 50ms;
    s.missed_heartbeats = 3;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.pause_heartbeats(true); });
    ASSERT_TRUE(cb.wait([&] {
        for (auto& d : cb.downs) {
            if (d.reason == "heartbeat timeout") return true;
        }
        return false;
    }));
    pbx.call([](pbxsim::server& srv) { srv.pause_heartbeats(false); });
    ASSERT_TRUE(wait_live(2));
    EXPECT_GE(l->figures().reconnects, 1u);
    l->stop();
}

TEST_F(linkSim, PrimaryDownStandbyUsedAndKept) {
    sim standby(good_tls());
    const std::string dead = "wss://127.0.0.1:" + std::to_string(closed_port()) + "/csta";
    auto l = make(base_settings({dead, standby.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    EXPECT_EQ(l->figures().endpoint, standby.url());
    EXPECT_EQ(logs.count("connecting to " + dead), 1u);
    // After a loss the link stays on the endpoint that works.
    standby.call([](pbxsim::server& srv) { srv.drop_connections(); });
    ASSERT_TRUE(wait_live(2));
    EXPECT_EQ(logs.count("connecting to " + dead), 1u);
    EXPECT_EQ(l->figures().endpoint, standby.url());
    l->stop();
}

TEST_F(linkSim, AllEndpointsDownBacksOffAndNeverGivesUp) {
    const std::string dead = "wss://127.0.0.1:" + std::to_string(closed_port()) + "/csta";
    auto l = make(base_settings({dead}));
    l->start();
    ASSERT_TRUE(wait_until([&] { return logs.count("connecting to " + dead) >= 5; }));
    EXPECT_TRUE(logs.contains("reconnecting in"));
    // Held while the link is not live, for at most its timeout: the switch never saw it.
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1), 100ms));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.count(request_failure::not_connected), 1u);
    EXPECT_TRUE(logs.contains("gave up waiting for the link to be live"));
    l->stop();
}

TEST_F(linkSim, SwitchRestartResyncsWithSwitchRestarted) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    const auto before = l->figures().switch_instance;
    pbx.call([](pbxsim::server& srv) { srv.restart(); });
    ASSERT_TRUE(cb.wait([&] {
        for (auto& d : cb.downs) {
            if (d.switch_restarted) return true;
        }
        return false;
    }));
    ASSERT_TRUE(wait_live(2));
    EXPECT_NE(l->figures().switch_instance, before);
    l->stop();
}

TEST_F(linkSim, SequenceGapResyncsOnTheSameConnection) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) {
        srv.skip_sequence_number();
        srv.with_model([](pbxsim::switch_model& m, pbxsim::time_point now) {
            m.external_call("0301555000", "2004", now);
        });
    });
    ASSERT_TRUE(wait_live(2));
    {
        std::lock_guard lock(cb.mutex);
        ASSERT_FALSE(cb.downs.empty());
        EXPECT_THAT(cb.downs.back().reason, HasSubstr("sequence gap"));
        EXPECT_FALSE(cb.downs.back().switch_restarted);
        EXPECT_EQ(cb.state_at_down.back(), link_state::resyncing);  // left live before the report
        // The call is in 2004's new truth (the gapped event itself was dropped).
        bool in_truth = false;
        for (auto it = cb.truths.rbegin(); it != cb.truths.rend(); ++it) {
            if (it->device == "2004") {
                in_truth = it->connections.size() == 1;
                break;
            }
        }
        EXPECT_TRUE(in_truth);
    }
    const auto f = l->figures();
    EXPECT_EQ(f.sequence_gaps, 1u);
    EXPECT_EQ(f.connects, 1u);  // same connection
    EXPECT_EQ(f.resyncs, 2u);
    l->stop();
}

TEST_F(linkSim, MessagesLostResyncsOnTheSameConnection) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.send_system_status(system_status::messages_lost); });
    ASSERT_TRUE(wait_live(2));
    {
        std::lock_guard lock(cb.mutex);
        ASSERT_EQ(cb.downs.size(), 1u);
        EXPECT_THAT(cb.downs[0].reason, HasSubstr("messagesLost"));
        EXPECT_EQ(cb.state_at_down[0], link_state::resyncing);
        ASSERT_EQ(cb.statuses.size(), 1u);
        EXPECT_EQ(cb.statuses[0], system_status::messages_lost);
        EXPECT_EQ(cb.truths.size(), 20u);  // every device twice
    }
    EXPECT_EQ(l->figures().connects, 1u);
    EXPECT_EQ(l->figures().resyncs, 2u);
    l->stop();
}

TEST_F(linkSim, DisabledIsNotLiveUntilEnabled) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.send_system_status(system_status::disabled); });
    ASSERT_TRUE(cb.wait([&] { return cb.state == link_state::resyncing; }));
    // A request made meanwhile is held, not refused, and sent once the link is live again.
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1), 10s));
    ASSERT_TRUE(wait_until([&] { return l->figures().requests_queued == 1u; }));
    EXPECT_EQ(out.completed(), 0u);
    pbx.call([](pbxsim::server& srv) { srv.send_system_status(system_status::enabled); });
    ASSERT_TRUE(wait_live(2));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.ok(), 1u);
    EXPECT_TRUE(out.each_exactly_once(1));
    l->stop();
}

TEST_F(linkSim, RequestMadeRightAfterStartIsSentOnceLive) {
    sim pbx(good_tls());
    auto l = make(base_settings({pbx.url()}));
    l->start();
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1)));  // connecting: held
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.ok(), 1u);
    EXPECT_EQ(cb.lives, 1);
    l->stop();
}

}  // namespace
}  // namespace ctigw::pbx_link::testing
