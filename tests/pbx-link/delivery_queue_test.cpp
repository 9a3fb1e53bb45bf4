// The delivery queue: the bound and its resume point, essential items during finish(), taking
// the whole queue per wake-up (the batch counts towards the bound until its items start), the
// batch hooks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "delivery_queue.hpp"

namespace ctigw::pbx_link::detail {
namespace {

using namespace std::chrono_literals;

// ---- delivery queue ----

TEST(linkDeliveryQueue, PausesAtLimitAndResumesAtHalf) {
    std::atomic<int> resumes{0};
    delivery_queue q(4, [&] { ++resumes; }, {});
    std::promise<void> gate;
    auto gate_f = gate.get_future().share();
    std::atomic<int> ran{0};
    q.start();
    EXPECT_TRUE(q.push(
        [&, gate_f] {
            gate_f.wait();
            ++ran;
        },
        true));
    // The first item blocks the consumer; fill up to the limit.
    bool accepted = true;
    int pushed = 1;
    while (accepted) {
        accepted = q.push([&] { ++ran; }, true);
        ++pushed;
        ASSERT_LT(pushed, 10);
    }
    EXPECT_GE(q.size(), 3u);
    EXPECT_EQ(resumes.load(), 0);
    gate.set_value();
    q.finish();                    // drains: nothing dropped
    EXPECT_EQ(resumes.load(), 1);  // once, when it fell to half
    EXPECT_LE(q.peak(), 4u);
    EXPECT_EQ(ran.load(), pushed);
}

TEST(linkDeliveryQueue, FinishRunsEssentialItemsOnly) {
    delivery_queue q(100, {}, {});
    std::promise<void> gate;
    auto gate_f = gate.get_future().share();
    std::atomic<int> essential{0}, other{0};
    q.start();
    q.push([gate_f] { gate_f.wait(); }, true);
    for (int i = 0; i < 5; ++i) {
        q.push([&] { ++other; }, false);
        q.push([&] { ++essential; }, true);
    }
    std::thread releaser([&] {
        std::this_thread::sleep_for(20ms);  // let finish() begin first; not an assertion
        gate.set_value();
    });
    q.finish();
    releaser.join();
    EXPECT_EQ(essential.load(), 5);
    EXPECT_LE(other.load(), 5);
}

TEST(linkDeliveryQueue, CallbackExceptionsAreContained) {
    std::vector<std::string> log;
    std::mutex m;
    delivery_queue q(10, {}, [&](int, const std::string& l) {
        std::lock_guard lock(m);
        log.push_back(l);
    });
    std::atomic<int> after{0};
    q.start();
    q.push([] { throw std::runtime_error("boom"); }, true);
    q.push([&] { ++after; }, true);
    q.finish();
    EXPECT_EQ(after.load(), 1);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_THAT(log[0], ::testing::HasSubstr("boom"));
}

/// Starts `q` and holds its delivery thread inside a first (essential) item until open().
struct blocked_consumer {
    std::promise<void> started;
    std::promise<void> gate;
    explicit blocked_consumer(delivery_queue& q) {
        auto gate_f = gate.get_future().share();
        q.start();
        q.push(
            [this, gate_f] {
                started.set_value();
                gate_f.wait();
            },
            true);
        started.get_future().wait();
    }
    void open() { gate.set_value(); }
};

TEST(linkDeliveryQueue, TakesTheWholeQueueInOneBatch) {
    delivery_queue q(1000, {}, {});
    std::promise<void> last;
    std::vector<int> order;  // the delivery thread writes; read after `last`
    blocked_consumer consumer(q);
    const auto before = q.batches();
    for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(q.push(
            [&order, &last, i] {
                order.push_back(i);
                if (i == 99) last.set_value();
            },
            false));
    }
    EXPECT_EQ(q.size(), 100u);
    consumer.open();
    last.get_future().wait();
    EXPECT_EQ(q.batches() - before, 1u);  // one wake-up took all 100
    ASSERT_EQ(order.size(), 100u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
    q.finish();
    EXPECT_EQ(q.size(), 0u);
}

TEST(linkDeliveryQueue, EventsGoToTheSinkInOrderWithCallbacksAndCountTowardsTheBound) {
    std::vector<std::string> seen;  // the delivery thread writes; read after finish()
    delivery_queue q(4, {}, {}, {},
                     [&seen](const std::string& device, const protocol::event_message& e) {
                         const auto* d = std::get_if<protocol::evt::delivered>(&e.body);
                         seen.push_back(device + ":" + std::to_string(e.seq) + ":" +
                                        (d ? d->calling_device : "?"));
                     });
    blocked_consumer consumer(q);
    auto event = [](std::uint64_t seq, const std::string& caller) {
        protocol::event_message m;
        m.seq = seq;
        protocol::evt::delivered d;
        d.calling_device = caller;
        m.body = d;
        return m;
    };
    EXPECT_TRUE(q.push_event("2001", event(7, "a-caller-longer-than-the-short-string-buffer")));
    EXPECT_TRUE(q.push([&seen] { seen.emplace_back("callback"); }, false));
    EXPECT_TRUE(q.push_event("2002", event(8, "b")));
    // The fourth in the backlog reaches the limit: the reader is told to stop, nothing is lost.
    EXPECT_FALSE(q.push_event("2003", event(9, "c")));
    consumer.open();
    for (int i = 0; i < 5000 && !(q.waiting() && q.size() == 0); ++i)
        std::this_thread::sleep_for(1ms);
    q.finish();
    EXPECT_EQ(seen, (std::vector<std::string>{"2001:7:a-caller-longer-than-the-short-string-buffer",
                                              "callback", "2002:8:b", "2003:9:c"}));
}

/// Whether the delivery thread came to wait with nothing left (within 5 s).
bool drained(const delivery_queue& q) {
    for (int i = 0; i < 5000 && !(q.waiting() && q.size() == 0); ++i)
        std::this_thread::sleep_for(1ms);
    return q.waiting() && q.size() == 0;
}

TEST(linkDeliveryQueue, TheNextSlotHintIsWhereTheNextEventLands) {
    // The sink sees each event in the batch's storage. An event pushed when the hint was set,
    // with no growth of the storage after it, is still where its push constructed it: its
    // distance from the hint read before the push is the event's offset in its entry, the same
    // for every such push, or the hint points at the wrong slot.
    std::vector<const void*> landed;  // the delivery thread writes; read after finish()
    delivery_queue q(
        1000, {}, {}, {},
        [&landed](const std::string&, const protocol::event_message& e) { landed.push_back(&e); });
    EXPECT_EQ(q.next_slot(), nullptr);  // no storage yet
    q.prefetch_next();                  // a hint without a slot does nothing
    blocked_consumer consumer(q);
    std::vector<const void*> hints;
    auto push_one = [&](std::uint64_t seq) {
        hints.push_back(q.next_slot());
        q.prefetch_next();
        protocol::event_message m;
        m.seq = seq;
        m.body = protocol::evt::delivered{};
        EXPECT_TRUE(q.push_event("2001", std::move(m)));
    };
    for (std::uint64_t i = 1; i <= 12; ++i) push_one(i);
    // The pushes after the last one that grew the storage (its hint was null) did not move.
    std::size_t stable = hints.size();
    while (stable > 0 && hints[stable - 1] != nullptr) --stable;
    consumer.open();
    ASSERT_TRUE(drained(q));
    // The thread waits: the storage of a batch it ran is the producer's again, and the next
    // push fills its first slot.
    ASSERT_NE(q.next_slot(), nullptr);
    push_one(13);
    ASSERT_TRUE(drained(q));
    q.finish();
    ASSERT_EQ(landed.size(), hints.size());
    std::optional<std::ptrdiff_t> offset;
    std::size_t checked = 0;
    for (std::size_t i = stable; i < hints.size(); ++i) {
        ASSERT_NE(hints[i], nullptr);
        const auto d = static_cast<const char*>(landed[i]) - static_cast<const char*>(hints[i]);
        if (!offset) offset = d;
        EXPECT_EQ(d, *offset) << "push " << i + 1;
        EXPECT_GE(d, 0) << "push " << i + 1;
        ++checked;
    }
    EXPECT_GE(checked, 2u);  // with any growth policy: the push after the last growth, and 13
}

/// Until the delivery thread waits for work (bounded: a test that cannot get there fails).
void wait_until_waiting(const delivery_queue& q) {
    for (int i = 0; i < 5000 && !q.waiting(); ++i) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(q.waiting());
}

TEST(linkDeliveryQueue, HeldPushesWakeTheThreadOnceAtRelease) {
    delivery_queue q(1000, {}, {});
    std::atomic<int> ran{0};
    q.start();
    wait_until_waiting(q);
    const auto before = q.batches();
    q.hold();
    for (int i = 0; i < 10; ++i) q.push([&ran] { ++ran; }, false);
    std::this_thread::sleep_for(20ms);  // a chance to wake too early
    EXPECT_TRUE(q.waiting());
    EXPECT_EQ(ran.load(), 0);
    q.release();
    for (int i = 0; i < 5000 && ran.load() < 10; ++i) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(ran.load(), 10);
    EXPECT_EQ(q.batches() - before, 1u);

    // Another thread's push is not held; the holder's are staged until release(), or until
    // there are kHeldWakes of them.
    wait_until_waiting(q);
    q.hold();
    q.push([&ran] { ++ran; }, false);
    std::thread([&] { q.push([&ran] { ++ran; }, false); }).join();
    for (int i = 0; i < 5000 && ran.load() < 11; ++i) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);  // a chance to take the staged one too early
    EXPECT_EQ(ran.load(), 11);
    EXPECT_EQ(q.size(), 1u);  // the staged one counts
    wait_until_waiting(q);
    for (std::size_t i = 1; i < delivery_queue::kHeldWakes; ++i) q.push([&ran] { ++ran; }, false);
    const int expected = 11 + static_cast<int>(delivery_queue::kHeldWakes);
    for (int i = 0; i < 5000 && ran.load() < expected; ++i) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(ran.load(), expected);
    q.release();
    q.finish();
}

TEST(linkDeliveryQueue, AnEventDecodedIntoItsSlotIsDeliveredInOrderWithThePushes) {
    std::vector<std::string> seen;  // the delivery thread writes; read after finish()
    delivery_queue q(1000, {}, {}, {},
                     [&seen](const std::string& device, const protocol::event_message& e) {
                         seen.push_back(device + ":" + std::to_string(e.seq));
                     });
    q.start();
    q.hold();
    // A slot left unused (a frame that was no event) is the next one's.
    auto* first = &q.event_slot();
    EXPECT_EQ(&q.event_slot(), first);
    q.push([&seen] { seen.emplace_back("a"); }, false);  // drops the unused slot
    std::get<protocol::event_message>(q.event_slot()).seq = 1;
    EXPECT_TRUE(q.stage_event("2001"));
    q.push([&seen] { seen.emplace_back("b"); }, true);
    std::get<protocol::event_message>(q.event_slot()).seq = 2;
    EXPECT_TRUE(q.stage_event("2002"));
    q.event_slot() = protocol::heartbeat{"h"};  // unused at release(): not delivered
    EXPECT_EQ(q.size(), 4u);
    q.release();
    for (int i = 0; i < 5000 && q.size() > 0; ++i) std::this_thread::sleep_for(1ms);
    wait_until_waiting(q);
    q.finish();
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "2001:1", "b", "2002:2"}));
}

TEST(linkDeliveryQueue, TheBatchHooksSurroundEachBatch) {
    std::vector<std::string> seen;  // the delivery thread writes; read after finish()
    delivery_queue q(1000, {}, {}, [&seen](bool begin) { seen.emplace_back(begin ? "[" : "]"); });
    std::promise<void> started, gate;
    auto gate_f = gate.get_future().share();
    q.start();
    q.push(
        [&seen, &started, gate_f] {
            seen.emplace_back("first");
            started.set_value();
            gate_f.wait();
        },
        true);
    started.get_future().wait();  // the consumer is inside the first batch: the rest is the next
    for (int i = 0; i < 3; ++i) q.push([&seen] { seen.emplace_back("x"); }, false);
    gate.set_value();
    for (int i = 0; i < 5000 && !(q.waiting() && q.size() == 0); ++i)
        std::this_thread::sleep_for(1ms);
    q.finish();
    EXPECT_EQ(seen, (std::vector<std::string>{"[", "first", "]", "[", "x", "x", "x", "]"}));
}

TEST(linkDeliveryQueue, TheTakenBatchCountsTowardsTheBound) {
    std::atomic<int> resumes{0};
    std::atomic<int> ran{0};
    std::atomic<std::size_t> size_at_resume{0};
    std::atomic<int> ran_at_resume{-1};
    delivery_queue* qp = nullptr;
    delivery_queue q(8,
                     [&] {
                         size_at_resume = qp->size();
                         ran_at_resume = ran.load();
                         ++resumes;
                     },
                     {});
    qp = &q;
    std::promise<void> started_a, gate_a, started_b, gate_b;
    auto gate_a_f = gate_a.get_future().share();
    auto gate_b_f = gate_b.get_future().share();
    auto count = [&] { ++ran; };
    q.start();
    q.push(
        [&started_a, gate_a_f] {
            started_a.set_value();
            gate_a_f.wait();
        },
        true);
    started_a.get_future().wait();
    // B and five more are queued behind A, then taken as one batch when A returns.
    EXPECT_TRUE(q.push(
        [&, gate_b_f] {
            started_b.set_value();
            gate_b_f.wait();
            ++ran;
        },
        true));
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push(count, true));
    gate_a.set_value();
    started_b.get_future().wait();
    EXPECT_EQ(q.size(), 5u);  // five taken into the batch but not started: still the backlog
    // Three more reach the limit of 8: the third push says "full".
    EXPECT_TRUE(q.push(count, true));
    EXPECT_TRUE(q.push(count, true));
    EXPECT_FALSE(q.push(count, true));
    EXPECT_EQ(q.size(), 8u);
    EXPECT_EQ(q.peak(), 8u);
    EXPECT_EQ(resumes.load(), 0);
    gate_b.set_value();
    q.finish();  // all essential: everything runs
    EXPECT_EQ(ran.load(), 9);
    EXPECT_EQ(resumes.load(), 1);          // once
    EXPECT_LE(size_at_resume.load(), 4u);  // at half, not before
    EXPECT_GE(ran_at_resume.load(), 4);    // B and at least three of the batch had run
    EXPECT_EQ(q.peak(), 8u);
}

TEST(linkDeliveryQueue, TheBacklogAndPeakStayExactWhileTheThreadKeepsUp) {
    // A push reads the delivery thread's count only when its own bound reaches the peak or the
    // limit: items started meanwhile must not count towards either.
    delivery_queue q(16, {}, {});
    // n items while the thread is held in a batch: all of them the backlog and the peak.
    auto fill_while_held = [&q](std::size_t n) {
        blocked_consumer consumer(q);
        for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(q.push([] {}, false));
        EXPECT_EQ(q.size(), n);
        EXPECT_EQ(q.peak(), n);
        consumer.open();
        EXPECT_TRUE(drained(q));
    };
    fill_while_held(10);
    // 40 items, one at a time, each run before the next: 40 pushed since the last look, but
    // never more than one waiting: never "full" (limit 16), and the peak stays 10.
    for (int i = 0; i < 40; ++i) {
        EXPECT_TRUE(q.push([] {}, false)) << "push " << i;
        ASSERT_TRUE(drained(q));
    }
    EXPECT_EQ(q.peak(), 10u);
    fill_while_held(12);
    q.finish();
    EXPECT_EQ(q.size(), 0u);
}

TEST(linkDeliveryQueue, FinishDuringABatchSkipsItsNonEssentialItems) {
    std::atomic<int> essential{0}, other{0}, events{0};
    delivery_queue q(100, {}, {}, {},
                     [&events](const std::string&, const protocol::event_message&) { ++events; });
    std::promise<void> started_a, gate_a, started_b, gate_b;
    auto gate_a_f = gate_a.get_future().share();
    auto gate_b_f = gate_b.get_future().share();
    q.start();
    q.push(
        [&started_a, gate_a_f] {
            started_a.set_value();
            gate_a_f.wait();
        },
        true);
    started_a.get_future().wait();
    q.push(
        [&started_b, gate_b_f] {
            started_b.set_value();
            gate_b_f.wait();
        },
        true);
    for (int i = 0; i < 5; ++i) {
        q.push([&] { ++other; }, false);
        q.push([&] { ++essential; }, true);
        q.push_event("2001", protocol::event_message{});  // an event is never essential
    }
    gate_a.set_value();
    started_b.get_future().wait();  // the fifteen are in the consumer's batch now
    EXPECT_EQ(q.size(), 15u);
    std::thread finisher([&] { q.finish(); });
    while (!q.finishing()) std::this_thread::yield();
    gate_b.set_value();
    finisher.join();
    EXPECT_EQ(essential.load(), 5);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(events.load(), 0);
    EXPECT_EQ(q.size(), 0u);  // skipped items left the backlog too
}

// A holder's staged events are queued whole: each is delivered from the slot it was decoded
// into, also when the delivery thread has not taken the previous release()'s yet.
TEST(linkDeliveryQueue, StagedEventsAreDeliveredFromTheSlotsTheyWereDecodedInto) {
    std::vector<const void*> landed;  // the delivery thread writes; read after finish()
    delivery_queue q(
        1000, {}, {}, {},
        [&landed](const std::string&, const protocol::event_message& e) { landed.push_back(&e); });
    blocked_consumer consumer(q);  // the previous batch is still running
    // Each burst's last event: no later slot of its burst can grow the staged storage under it.
    std::vector<const void*> last_slots;
    for (std::uint64_t burst = 0; burst < 3; ++burst) {
        q.hold();
        for (std::uint64_t i = 0; i < 5; ++i) {
            auto& slot = q.event_slot();
            std::get<protocol::event_message>(slot).seq = burst * 5 + i;
            if (i == 4) last_slots.push_back(&std::get<protocol::event_message>(slot));
            EXPECT_TRUE(q.stage_event("2001"));
        }
        q.release();  // the 2nd and 3rd find the 1st still queued
    }
    consumer.open();
    ASSERT_TRUE(drained(q));
    q.finish();
    ASSERT_EQ(landed.size(), 15u);
    EXPECT_EQ((std::vector<const void*>{landed[4], landed[9], landed[14]}), last_slots);
}

}  // namespace
}  // namespace ctigw::pbx_link::detail
