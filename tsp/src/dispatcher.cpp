#include "dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace ctigw::tsp {

namespace {

// The origin this thread's pushes carry (origin_scope).
thread_local std::int64_t t_origin_us = 0;

}  // namespace

dispatcher::origin_scope::origin_scope(std::int64_t origin_us) noexcept : saved_(t_origin_us) {
    t_origin_us = origin_us;
}

dispatcher::origin_scope::~origin_scope() {
    t_origin_us = saved_;
}

dispatcher::dispatcher() : thread_([this] { run(); }) {}

dispatcher::~dispatcher() {
    stop();
}

void dispatcher::push(work w) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(item{std::move(w), t_origin_us});
        // A running thread takes this with the rest of the queue after its batch, and a runner at
        // release() wakes it at the end of its batch; only a waiting thread with no batch running
        // needs the (costly) wake-up. Cleared so that the next pushes do not notify again.
        if (waiting_ && holder_ == std::this_thread::get_id() && held_ < kHeldWakes) {
            ++held_;  // release() runs it
        } else if (!busy_) {
            wake = claim_wake();
        }
    }
    if (wake) wake_.notify_one();
}

bool dispatcher::claim_wake() {
    if (!waiting_) return false;
    waiting_ = false;
    held_ = 0;
    return true;
}

void dispatcher::hold() {
    std::lock_guard lock(mutex_);
    holder_ = std::this_thread::get_id();
}

void dispatcher::release() {
    std::unique_lock lock(mutex_);
    if (holder_ != std::this_thread::get_id()) return;  // taken over by another hold()
    holder_ = {};
    // held_ > 0 only while the thread waits with those pushes queued (it zeroes it on waking).
    if (held_ == 0) return;
    if (busy_) return;  // another thread's batch runs: it wakes the thread when it ends
    if (stopping_) {
        if (claim_wake()) wake_.notify_one();
        return;
    }
    // The thread waits and nothing runs: run the batch here rather than wake it.
    held_ = 0;
    run_batch(lock, true);
}

void dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_one();
    // Not from a callback: the thread, or a runner whose batch the thread would wait for.
    if (thread_.joinable() && !on_dispatcher_thread()) thread_.join();
}

void dispatcher::drain() {
    std::unique_lock lock(mutex_);
    // Pushes a hold() put off run before we return.
    if (!queue_.empty() && claim_wake()) wake_.notify_one();
    // busy_ covers the batch taken out of queue_: an empty queue alone is not "drained".
    idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

bool dispatcher::on_dispatcher_thread() const {
    const auto self = std::this_thread::get_id();
    return self == thread_.get_id() || self == runner_.load(std::memory_order_relaxed);
}

void dispatcher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Not while a runner's batch runs (busy_): it wakes the thread when it ends.
        while (busy_ || (queue_.empty() && !stopping_)) {
            waiting_ = true;
            wake_.wait(lock);
        }
        waiting_ = false;
        held_ = 0;                  // the held pushes are in this batch
        if (queue_.empty()) break;  // stopping, and everything queued has run
        run_batch(lock, false);
    }
    idle_.notify_all();
}

void dispatcher::run_batch(std::unique_lock<std::mutex>& lock, bool runner) {
    batch_.swap(queue_);  // queue_ gets the last batch's (empty) storage
    busy_ = true;
    batches_.fetch_add(1, std::memory_order_relaxed);
    if (runner) runner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    lock.unlock();
    // Batches never overlap (busy_, under mutex_): one writer at a time, so a load and a store
    // count it, not a locked add per callback.
    auto delivered = delivered_.load(std::memory_order_relaxed);
    for (auto& [w, origin_us] : batch_) {
        if (origin_us != 0) record_latency(origin_us);
        try {
            w();
        } catch (...) {  // a TAPI callback must not stop the queue
        }
        w = nullptr;  // its captures go now, as when callbacks were taken one at a time
        delivered_.store(++delivered, std::memory_order_relaxed);
    }
    batch_.clear();
    lock.lock();
    if (runner) runner_.store(std::thread::id{}, std::memory_order_relaxed);
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
    // What other threads queued during a runner's batch, or a stop(), is the thread's to take.
    if ((!queue_.empty() || stopping_) && claim_wake()) wake_.notify_one();
}

void dispatcher::record_latency(std::int64_t origin_us) {
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto* samples = latencies_.load(std::memory_order_relaxed);  // only this thread stores it
    if (samples == nullptr) {
        try {
            ring_storage_ = std::make_unique<ring[]>(kLatencySamples);
        } catch (const std::bad_alloc&) {
            return;  // a figure is not worth failing a callback for
        }
        samples = ring_storage_.get();
        latencies_.store(samples, std::memory_order_release);
    }
    constexpr std::int64_t lo = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t hi = std::numeric_limits<std::int32_t>::max();
    const auto n = latency_total_.load(std::memory_order_relaxed);
    samples[n % kLatencySamples].store(
        static_cast<std::int32_t>(std::clamp(now_us - origin_us, lo, hi)),
        std::memory_order_relaxed);
    latency_total_.store(n + 1, std::memory_order_release);
}

dispatcher::latency_figures dispatcher::latency_samples() const {
    latency_figures f;
    // The count first: the ring holds at least that many (a sample written meanwhile may replace
    // one of the oldest: still one of the last kLatencySamples).
    f.total = latency_total_.load(std::memory_order_acquire);
    const auto* samples = latencies_.load(std::memory_order_acquire);
    if (samples == nullptr || f.total == 0) return f;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(f.total, kLatencySamples));
    f.samples_us.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        f.samples_us.push_back(samples[i].load(std::memory_order_relaxed));
    return f;
}

}  // namespace ctigw::tsp
