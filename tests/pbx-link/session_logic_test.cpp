// The link session's decisions (session_logic) with time passed in, and the containment of
// exceptions in the link's Asio runtime (link_io): no network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "link_io.hpp"
#include "session_logic.hpp"

namespace ctigw::pbx_link::detail {
namespace {

using namespace std::chrono_literals;
using protocol::system_status;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- systemStatus ----

TEST(linkSwitchService, MessagesLostResyncsOnTheSameConnection) {
    switch_service s;
    auto r = s.on_status(link_state::live, system_status::messages_lost);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->messages_lost);
    EXPECT_EQ(r->why, "systemStatus messagesLost");
    EXPECT_FALSE(s.hold());
    // The switch is in service: a normal afterwards asks for nothing.
    EXPECT_FALSE(s.on_status(link_state::live, system_status::normal));
}

TEST(linkSwitchService, DisabledHoldsTheResyncUntilEnabledOrNormal) {
    switch_service s;
    auto r = s.on_status(link_state::live, system_status::disabled);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->messages_lost);
    EXPECT_TRUE(s.hold());
    // Still disabled while resyncing: another resync, still held.
    EXPECT_TRUE(s.on_status(link_state::resyncing, system_status::disabled));
    EXPECT_TRUE(s.hold());
    r = s.on_status(link_state::resyncing, system_status::normal);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->why, "systemStatus normal after initializing/disabled");
    EXPECT_FALSE(s.hold());
    EXPECT_FALSE(s.on_status(link_state::live, system_status::normal));  // once only

    ASSERT_TRUE(s.on_status(link_state::live, system_status::disabled));
    ASSERT_TRUE(s.on_status(link_state::resyncing, system_status::enabled));
    EXPECT_FALSE(s.hold());
    // enabled settled it: a normal afterwards asks for nothing more.
    EXPECT_FALSE(s.on_status(link_state::live, system_status::normal));
}

TEST(linkSwitchService, InitializingWaitsForServiceWithoutHolding) {
    switch_service s;
    ASSERT_TRUE(s.on_status(link_state::monitoring, system_status::initializing));
    EXPECT_FALSE(s.hold());
    EXPECT_TRUE(s.on_status(link_state::resyncing, system_status::normal));
    // Overload notices change nothing.
    EXPECT_FALSE(s.on_status(link_state::live, system_status::overload_imminent));
    EXPECT_FALSE(s.on_status(link_state::live, system_status::partially_disabled));
}

TEST(linkSwitchService, OutsideASessionNothingAndANewSessionForgets) {
    switch_service s;
    for (auto st : {link_state::stopped, link_state::connecting, link_state::negotiating,
                    link_state::authenticating, link_state::backoff}) {
        EXPECT_FALSE(s.on_status(st, system_status::messages_lost));
        EXPECT_FALSE(s.on_status(st, system_status::disabled));
    }
    EXPECT_FALSE(s.hold());
    ASSERT_TRUE(s.on_status(link_state::live, system_status::disabled));
    s.reset();
    EXPECT_FALSE(s.hold());
    EXPECT_FALSE(s.on_status(link_state::live, system_status::normal));
}

// ---- batch results ----

protocol::csta_error error_of(std::string value) {
    return protocol::csta_error{protocol::error_category::operation, std::move(value), {}};
}

TEST(linkBatchSorting, MonitorResults) {
    const std::vector<std::string> devices{"a", "b", "c", "d", "gone", "e", "f"};
    const protocol::string_set wanted{"a", "b", "c", "d", "e", "f"};
    protocol::svc::monitor_start_batch::result r;
    r.results.push_back({"a", "m-a", {}, protocol::capabilities{{"AnswerCall"}}});
    r.results.push_back({"b", {}, error_of("performanceLimitExceeded"), {}});
    r.results.push_back({"c", {}, error_of("invalidDeviceID"), {}});
    r.results.push_back({"d", "m-d", {}, {}});
    r.results.push_back({"gone", "m-gone", {}, {}});  // removed by set_devices meanwhile
    // e and f left out by the switch
    monitor_map monitors;
    auto s = sort_monitor_batch(devices, r, wanted, monitors);
    EXPECT_THAT(s.monitored, ElementsAre("a", "d"));
    EXPECT_THAT(s.retry, ElementsAre("b", "e", "f"));
    ASSERT_EQ(s.truths.size(), 1u);
    EXPECT_EQ(s.truths[0].device, "c");
    ASSERT_TRUE(s.truths[0].error);
    EXPECT_EQ(s.truths[0].error->value, "invalidDeviceID");
    EXPECT_THAT(s.stop_refs, ElementsAre("m-gone"));
    ASSERT_NE(monitors.device_of("m-a"), nullptr);
    EXPECT_EQ(*monitors.device_of("m-a"), "a");
    EXPECT_EQ(monitors.capabilities("a"), (protocol::capabilities{{"AnswerCall"}}));
    EXPECT_TRUE(monitors.monitored("d"));
    EXPECT_FALSE(monitors.monitored("gone"));
    EXPECT_FALSE(monitors.ready("a"));  // not before its snapshot
}

TEST(linkBatchSorting, SnapshotResults) {
    monitor_map monitors;
    monitors.add("m-a", "a");
    monitors.set_capabilities("a", protocol::capabilities{{"MakeCall"}});
    monitors.add("m-b", "b");
    monitors.add("m-gone", "gone");
    const std::vector<std::string> devices{"a", "b", "c", "gone", "d"};
    const protocol::string_set wanted{"a", "b", "c", "d"};
    protocol::svc::snapshot_device_batch::result r;
    protocol::snapshot_connection conn;
    conn.calling_device = "a";
    r.results.push_back({"a", {conn}, {}});
    r.results.push_back({"b", {}, error_of("performanceLimitExceeded")});
    r.results.push_back({"c", {}, {}});     // no monitor (removed and added again): skipped
    r.results.push_back({"gone", {}, {}});  // removed meanwhile: no truth
    auto s = sort_snapshot_batch(devices, r, wanted, monitors);
    EXPECT_TRUE(s.monitored.empty());
    EXPECT_THAT(s.retry, ElementsAre("b", "d"));
    ASSERT_EQ(s.truths.size(), 1u);
    EXPECT_EQ(s.truths[0].device, "a");
    ASSERT_EQ(s.truths[0].connections.size(), 1u);
    EXPECT_EQ(s.truths[0].connections[0].calling_device, "a");
    EXPECT_EQ(s.truths[0].capabilities, (protocol::capabilities{{"MakeCall"}}));
    EXPECT_TRUE(s.stop_refs.empty());
}

TEST(linkBatchSorting, ARefusedBatchIsEveryWantedDevicesTruth) {
    const auto e = error_of("privilegeViolationSpecifiedDevice");
    auto s = sort_refused_batch({"a", "gone", "b"}, e, {"a", "b"});
    ASSERT_EQ(s.truths.size(), 2u);
    EXPECT_EQ(s.truths[0].device, "a");
    EXPECT_EQ(s.truths[1].device, "b");
    EXPECT_EQ(s.truths[1].error, e);
    EXPECT_TRUE(s.retry.empty());
    EXPECT_TRUE(retry_later(error_of("performanceLimitExceeded")));
    EXPECT_FALSE(retry_later(error_of("resourceBusy")));
}

// ---- malformed frames ----

TEST(linkMalformedWindow, TenPerMinuteAreToleratedTheEleventhIsNot) {
    malformed_window w(10);
    const auto t0 = time_point{} + 1h;
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(w.count(t0 + i * 1s)) << i;
    EXPECT_TRUE(w.count(t0 + 59s));
    w.clear();
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(w.count(t0 + i * 1s));
    // A minute after the first, it has left the window.
    EXPECT_FALSE(w.count(t0 + 60s + 1ms));
    EXPECT_TRUE(w.count(t0 + 60s + 2ms));  // the second (t0 + 1s) is still in
}

// ---- heartbeats ----

TEST(linkHeartbeatCheck, SilenceSendingAndAPausedReader) {
    EXPECT_EQ(heartbeat_send_interval(10s, 3s), 3s);
    EXPECT_EQ(heartbeat_send_interval(2s, 3s), 2s);
    EXPECT_EQ(heartbeat_send_interval(0ms, 0ms), 1ms);

    const auto t0 = time_point{} + 1h;
    heartbeat_view v{t0, t0, false, 0};
    EXPECT_EQ(heartbeat_check(t0 + 999ms, 1s, 3, v), heartbeat_action::none);
    EXPECT_EQ(heartbeat_check(t0 + 1s, 1s, 3, v), heartbeat_action::send);
    v.queued_writes = 1;  // a frame is going out anyway
    EXPECT_EQ(heartbeat_check(t0 + 1s, 1s, 3, v), heartbeat_action::none);
    EXPECT_EQ(heartbeat_check(t0 + 3s, 1s, 3, v), heartbeat_action::none);  // not yet
    EXPECT_EQ(heartbeat_check(t0 + 3s + 1ms, 1s, 3, v), heartbeat_action::dead);
    v.read_paused = true;  // we stopped reading: silence proves nothing
    EXPECT_EQ(heartbeat_check(t0 + 1min, 1s, 3, v), heartbeat_action::none);
    v.queued_writes = 0;
    EXPECT_EQ(heartbeat_check(t0 + 1min, 1s, 3, v), heartbeat_action::send);
}

// ---- the Asio runtime keeps exceptions from Asio ----

struct captured_log {
    std::mutex m;
    std::vector<std::string> lines;
    log_sink sink() {
        return [this](int, const std::string& l) {
            std::lock_guard lock(m);
            lines.push_back(l);
        };
    }
    std::vector<std::string> get() {
        std::lock_guard lock(m);
        return lines;
    }
};

TEST(linkIo, WhatATaskThrowsIsLoggedAndTheIoThreadGoesOn) {
    link_settings settings;
    captured_log log;
    link_io io(settings, log.sink());
    io.start_thread();
    std::promise<void> after;
    io.post([] { throw 42; });
    io.post([] { throw std::runtime_error("boom"); });
    io.post([&] { after.set_value(); });
    ASSERT_EQ(after.get_future().wait_for(10s), std::future_status::ready);
    io.post([&] { io.release(); });
    io.join();
    const auto lines = log.get();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_THAT(lines[0], HasSubstr("non-standard exception"));
    EXPECT_THAT(lines[1], HasSubstr("boom"));
}

TEST(linkIo, ATimersTaskRunsOnExpiryOnlyAndIsGuarded) {
    link_settings settings;
    captured_log log;
    link_io io(settings, log.sink());
    link_timer cancelled(io), fired(io);
    std::promise<void> done;
    bool cancelled_ran = false;
    io.start_thread();
    io.post([&] {
        cancelled.expires_after(1h);
        cancelled.wait([&] { cancelled_ran = true; });
        cancelled.cancel();
        fired.expires_after(1ms);
        fired.wait([&] {
            done.set_value();
            throw 7;
        });
    });
    ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
    io.post([&] { io.release(); });
    io.join();
    EXPECT_FALSE(cancelled_ran);
    const auto lines = log.get();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_THAT(lines[0], HasSubstr("non-standard exception"));
}

TEST(linkIo, ReadyWorkRunsInBoundedBurstsInsideTheBurstHook) {
    link_settings settings;
    captured_log log;
    std::vector<std::string> seen;  // the I/O thread writes; read after join()
    link_io io(settings, log.sink(), [&seen](bool begin) { seen.emplace_back(begin ? "[" : "]"); });
    // Queued before the thread starts: all of it is ready at once.
    constexpr std::size_t tasks = link_io::kBurst + 36;
    for (std::size_t i = 0; i < tasks; ++i) io.post([&seen] { seen.emplace_back("t"); });
    io.post([&] { io.release(); });
    io.start_thread();
    io.join();
    std::vector<std::size_t> bursts;  // tasks per burst
    bool inside = false;
    for (const auto& s : seen) {
        if (s == "[") {
            ASSERT_FALSE(inside);
            inside = true;
            bursts.push_back(0);
        } else if (s == "]") {
            ASSERT_TRUE(inside);
            inside = false;
        } else {
            ASSERT_TRUE(inside) << "a task ran outside a burst";
            ++bursts.back();
        }
    }
    EXPECT_FALSE(inside);
    ASSERT_GE(bursts.size(), 2u);
    EXPECT_EQ(bursts[0], link_io::kBurst);  // everything ready, up to the bound, in one burst
    std::size_t total = 0;
    for (auto n : bursts) {
        EXPECT_LE(n, link_io::kBurst);
        total += n;
    }
    EXPECT_EQ(total, tasks);
}

}  // namespace
}  // namespace ctigw::pbx_link::detail
