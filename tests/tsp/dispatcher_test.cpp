// The dispatcher (the one road to TAPI): order, the whole queue per wake-up, drain() waiting for
// the batch in flight, stop() running what was queued, exceptions contained, held wake-ups.
#include "dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ctigw::tsp {
namespace {

/// Blocks the dispatcher inside a callback until release() (and says when it got there).
struct gate {
    std::promise<void> entered;
    std::promise<void> open;
    std::shared_future<void> opened = open.get_future().share();

    dispatcher::work item() {
        return [this] {
            entered.set_value();
            opened.wait();
        };
    }
    void wait_entered() { entered.get_future().wait(); }
    void release() { open.set_value(); }
};

/// Until the dispatcher thread waits for work (bounded: a test that cannot get there fails).
void wait_until_waiting(const dispatcher& d) {
    for (int i = 0; i < 5000 && !d.waiting(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(d.waiting());
}

TEST(tspDispatcher, HeldPushesWaitForReleaseAndRunInOneBatch) {
    dispatcher d;
    wait_until_waiting(d);
    const auto before = d.batches();
    d.hold();
    std::atomic<int> ran{0};
    for (int i = 0; i < 10; ++i) d.push([&ran] { ++ran; });
    // Nothing woke the thread: it still waits, and none of them ran.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(d.waiting());
    EXPECT_EQ(ran.load(), 0);
    d.release();
    d.drain();
    EXPECT_EQ(ran.load(), 10);
    EXPECT_EQ(d.batches() - before, 1u);  // one wake-up, at release()
}

TEST(tspDispatcher, ReleaseRunsTheHeldBatchOnTheReleasingThread) {
    dispatcher d;
    wait_until_waiting(d);
    const auto before = d.batches();
    d.hold();
    std::vector<std::thread::id> ran_on;  // this thread writes (the callbacks run here)
    std::vector<bool> counted_as_dispatcher;
    for (int i = 0; i < 3; ++i) {
        d.push([&] {
            ran_on.push_back(std::this_thread::get_id());
            counted_as_dispatcher.push_back(d.on_dispatcher_thread());
        });
    }
    d.release();
    // All three ran before release() returned, here, and the thread was not woken for them.
    ASSERT_EQ(ran_on.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(ran_on[i], std::this_thread::get_id());
        EXPECT_TRUE(counted_as_dispatcher[i]);  // drain() from such a callback would deadlock
    }
    EXPECT_FALSE(d.on_dispatcher_thread());
    EXPECT_TRUE(d.waiting());
    EXPECT_EQ(d.batches() - before, 1u);
    EXPECT_EQ(d.delivered(), 3u);
}

/// A producer thread that holds, queues `first` and `then`, and releases: `first` blocks it
/// inside its own batch until the gate opens.
std::thread release_behind_gate(dispatcher& d, gate& g, dispatcher::work then) {
    wait_until_waiting(d);
    return std::thread([&d, &g, then = std::move(then)]() mutable {
        d.hold();
        d.push(g.item());
        d.push(std::move(then));
        d.release();
    });
}

TEST(tspDispatcher, OtherThreadsPushesDuringAReleasedBatchRunAfterItOnTheThread) {
    dispatcher d;
    gate g;
    std::mutex m;
    std::vector<int> order;
    std::thread::id y_ran_on;
    auto producer = release_behind_gate(d, g, [&] {
        std::lock_guard lock(m);
        order.push_back(1);
    });
    g.wait_entered();
    d.push([&] {
        std::lock_guard lock(m);
        order.push_back(2);
        y_ran_on = std::this_thread::get_id();
    });
    // The thread must not take the queue while the producer's batch runs.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    {
        std::lock_guard lock(m);
        EXPECT_TRUE(order.empty());
    }
    const auto producer_id = producer.get_id();
    g.release();
    producer.join();
    d.drain();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_NE(y_ran_on, producer_id);  // the dispatcher thread took it, woken by the producer
    EXPECT_EQ(d.delivered(), 3u);
}

TEST(tspDispatcher, DrainAndStopWaitForAReleasedBatch) {
    dispatcher d;
    gate g;
    std::atomic<int> ran{0};
    auto producer = release_behind_gate(d, g, [&ran] { ++ran; });
    g.wait_entered();
    d.push([&ran] { ++ran; });
    auto drained = std::async(std::launch::async, [&d] { d.drain(); });
    auto stopped = std::async(std::launch::async, [&d] { d.stop(); });
    EXPECT_EQ(drained.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
    EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(1)), std::future_status::timeout);
    g.release();
    producer.join();
    drained.get();
    stopped.get();
    EXPECT_EQ(ran.load(), 2);  // stop() ran what was queued before it
}

TEST(tspDispatcher, StopFromACallbackAtReleaseDoesNotWaitForItself) {
    dispatcher d;
    wait_until_waiting(d);
    d.hold();
    d.push([&d] { d.stop(); });
    d.release();  // returns: stop() did not join the thread that waits for this batch
    std::atomic<int> ran{0};
    d.push([&ran] { ++ran; });  // after stop(): dropped
    d.drain();
    EXPECT_EQ(ran.load(), 0);
}

TEST(tspDispatcher, AHoldPutsOffOnlyABoundedNumberOfWakeUps) {
    dispatcher d;
    wait_until_waiting(d);
    d.hold();
    std::atomic<std::size_t> ran{0};
    for (std::size_t i = 0; i <= dispatcher::kHeldWakes; ++i) d.push([&ran] { ++ran; });
    // The push after kHeldWakes held ones woke the thread without a release().
    for (int i = 0; i < 5000 && ran.load() <= dispatcher::kHeldWakes; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(ran.load(), dispatcher::kHeldWakes + 1);
    d.release();
}

TEST(tspDispatcher, DrainAndOtherThreadsPushesDoNotWaitForTheHolder) {
    dispatcher d;
    wait_until_waiting(d);
    std::thread([&d] { d.hold(); }).join();  // held by a thread that never releases
    std::atomic<int> ran{0};
    d.push([&ran] { ++ran; });  // another thread's push wakes the dispatcher
    for (int i = 0; i < 5000 && ran.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(ran.load(), 1);

    d.hold();  // this thread's own held push: drain() wakes the dispatcher for it
    wait_until_waiting(d);
    d.push([&ran] { ++ran; });
    auto drained = std::async(std::launch::async, [&d] { d.drain(); });
    EXPECT_EQ(drained.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    d.release();  // (would end a drain() that the held push blocked)
    drained.wait();
    EXPECT_EQ(ran.load(), 2);
}

TEST(tspDispatcher, TakesTheWholeQueueInOneBatchInOrder) {
    dispatcher d;
    gate g;
    d.push(g.item());
    g.wait_entered();
    const auto before = d.batches();
    std::vector<int> order;  // the dispatcher thread writes; read after drain()
    for (int i = 0; i < 100; ++i) d.push([&order, i] { order.push_back(i); });
    g.release();
    d.drain();
    EXPECT_EQ(d.batches() - before, 1u);  // one wake-up took all 100
    ASSERT_EQ(order.size(), 100u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(d.delivered(), 101u);
}

TEST(tspDispatcher, DrainWaitsForTheBatchInFlight) {
    dispatcher d;
    gate a, b;
    d.push(a.item());
    a.wait_entered();
    // B and nine more are queued behind A, then taken as one batch: while B blocks, the queue
    // itself is empty but nine callbacks are still to run.
    std::atomic<int> ran{0};
    d.push(b.item());
    for (int i = 0; i < 9; ++i) d.push([&ran] { ++ran; });
    a.release();
    b.wait_entered();
    std::atomic<bool> drained{false};
    int ran_at_drain = -1;
    std::thread drainer([&] {
        d.drain();
        ran_at_drain = ran.load();
        drained = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a chance to return too early
    EXPECT_FALSE(drained.load());
    b.release();
    drainer.join();
    EXPECT_EQ(ran_at_drain, 9);  // drain() returned only after the whole batch
}

TEST(tspDispatcher, StopRunsWhatWasQueuedAndRefusesMore) {
    dispatcher d;
    gate g;
    std::atomic<int> ran{0};
    d.push(g.item());
    g.wait_entered();
    for (int i = 0; i < 50; ++i) d.push([&ran] { ++ran; });
    std::thread stopper([&] { d.stop(); });
    g.release();
    stopper.join();
    EXPECT_EQ(ran.load(), 50);
    d.push([&ran] { ++ran; });  // after stop(): dropped
    d.drain();
    EXPECT_EQ(ran.load(), 50);
    EXPECT_EQ(d.delivered(), 51u);
}

TEST(tspDispatcher, ExceptionsDoNotStopTheBatch) {
    dispatcher d;
    gate g;
    std::atomic<int> ran{0};
    d.push(g.item());
    g.wait_entered();
    d.push([] { throw std::runtime_error("TAPI threw"); });
    d.push([&ran] { ++ran; });
    g.release();
    d.drain();
    EXPECT_EQ(ran.load(), 1);
}

TEST(tspDispatcher, OnDispatcherThreadOnlyThere) {
    dispatcher d;
    EXPECT_FALSE(d.on_dispatcher_thread());
    std::promise<bool> inside;
    d.push([&] { inside.set_value(d.on_dispatcher_thread()); });
    EXPECT_TRUE(inside.get_future().get());
}

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr std::int64_t five_s_us = 5'000'000;
constexpr std::int64_t one_hour_us = 3'600'000'000;

TEST(tspDispatcher, CallbacksFromATimestampedEventAreMeasured) {
    dispatcher d;
    EXPECT_EQ(d.latency_samples().total, 0u);
    EXPECT_TRUE(d.latency_samples().samples_us.empty());
    d.push([] {});  // no origin: not measured
    {
        // The event was stamped 5 s ago: each callback it causes is at least 5 s late.
        const dispatcher::origin_scope event(now_us() - five_s_us);
        d.push([] {});
        {
            const dispatcher::origin_scope none(0);  // e.g. a completion while mapping: untagged
            d.push([] {});
        }
        d.push([] {});                               // the outer origin again
        std::thread other([&d] { d.push([] {}); });  // another thread's pushes carry none
        other.join();
    }
    d.push([] {});
    d.drain();
    const auto f = d.latency_samples();
    EXPECT_EQ(f.total, 2u);
    ASSERT_EQ(f.samples_us.size(), 2u);
    for (const auto us : f.samples_us) {
        EXPECT_GE(us, five_s_us);
        EXPECT_LT(us, five_s_us + 60'000'000);  // taken when run, not at some later read
    }
}

TEST(tspDispatcher, LatencyKeepsTheLastSamplesOnly) {
    dispatcher d;
    const auto n = dispatcher::kLatencySamples;
    {
        // The first 10 an hour late, then n on time: the late ones are overwritten.
        const dispatcher::origin_scope late(now_us() - one_hour_us);
        for (int i = 0; i < 10; ++i) d.push([] {});
    }
    d.drain();
    const auto first = d.latency_samples().samples_us;
    ASSERT_EQ(first.size(), 10u);
    EXPECT_EQ(*std::min_element(first.begin(), first.end()), INT32_MAX);  // an hour: clamped
    {
        const dispatcher::origin_scope recent(now_us());
        for (std::size_t i = 0; i < n; ++i) d.push([] {});
    }
    d.drain();
    const auto f = d.latency_samples();
    EXPECT_EQ(f.total, n + 10);
    ASSERT_EQ(f.samples_us.size(), n);
    EXPECT_LT(*std::max_element(f.samples_us.begin(), f.samples_us.end()), 60'000'000);
}

TEST(tspDispatcher, AnOriginInTheFutureGivesANegativeLatency) {
    // The switch's clock ahead of ours: said as it is, not hidden.
    dispatcher d;
    {
        const dispatcher::origin_scope ahead(now_us() + five_s_us);
        d.push([] {});
    }
    d.drain();
    const auto f = d.latency_samples();
    ASSERT_EQ(f.samples_us.size(), 1u);
    EXPECT_LE(f.samples_us[0], -five_s_us + 60'000'000);
    EXPECT_LT(f.samples_us[0], 0);
}

}  // namespace
}  // namespace ctigw::tsp
