// The one road from the TSP to TAPI: LINEEVENT, PHONEEVENT, ASYNC_COMPLETION and the create
// procs are called one batch at a time — by the dispatcher thread, or by a producer at release()
// (below) — in the order the TSP queued them. The TSP
// queues while it holds the provider lock, so TAPI sees events in the order the state changed
// (per line and overall), and no TAPI callback ever runs under our lock or on a TAPISRV thread
// that called into us.
//
// The dispatcher thread takes the whole queue per wake-up (one lock for a batch, not one per
// callback) and runs the batch without the lock; push() wakes it only when it is waiting. The
// batch counts as busy until its last callback has run, so drain() waits for it.
//
// A producer with a burst of pushes (the link's delivery thread running one batch of switch
// events: ~2 TAPI callbacks each) holds the wake-ups: its pushes between hold() and release() do
// not wake the thread — at the 256th they do, so that a long burst still overlaps with TAPI. At
// release(), when the thread still waits and no batch runs, the releasing thread runs what it
// queued itself, as the dispatcher for that batch: a wake-up and a thread switch less per batch
// (the costliest part of a callback's trip). Order holds because one batch runs at a time
// (busy_): the thread does not take the queue while such a batch runs, and the runner wakes it
// for whatever other threads queued meanwhile. Pushes from other threads wake the thread as
// before; drain() wakes it itself. A callback run at release() runs on the producer's thread (the
// link's delivery thread), so it must not stop the link: TAPISRV's callbacks only queue.
//
// Event latency: while an origin_scope lives on a producer thread (the TSP mapping one switch
// event), that thread's pushes carry the event's switch timestamp; the dispatcher thread takes the
// time just before it runs such a callback and keeps the difference, the last kLatencySamples of
// them, for the provider's status (a figure that needs the switch's and our clock to agree: one
// host, or PTP). Callbacks without an origin cost a comparison more.
//
// Thread safety: push(), delivered(), batches(), latency_samples() and on_dispatcher_thread() from
// any thread; stop() and drain() from any thread except one running callbacks
// (on_dispatcher_thread()); hold() and release() in pairs from one producer thread (one holder at
// a time: a second hold() takes the hold over), never from inside a callback.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "inline_function.hpp"

namespace ctigw::tsp {

class dispatcher {
  public:
    /// A TAPI callback: kept in place in the queue up to kInlineBytes of captures (a LINEEVENT's
    /// are ~90), so queuing one allocates nothing once the queue's storage has grown.
    static constexpr std::size_t kInlineBytes = 96;
    using work = inline_function<kInlineBytes>;

    /// Tags this thread's pushes, while it lives, with `origin_us`: the switch's timestamp of the
    /// event being mapped (µs since the Unix epoch, system clock); 0 = none. Scopes nest.
    class origin_scope {
      public:
        explicit origin_scope(std::int64_t origin_us) noexcept;
        ~origin_scope();
        origin_scope(const origin_scope&) = delete;
        origin_scope& operator=(const origin_scope&) = delete;

      private:
        std::int64_t saved_;
    };

    dispatcher();
    ~dispatcher();
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;

    /// Queues one TAPI callback. Exceptions from it are swallowed (TAPI must not be able to
    /// break the queue). Capture a `const&` shared_ptr as `p = p`: a plain `[p]` makes a const
    /// member, which each move of the callback through the queue copies (nothing can detect it).
    void push(work w);
    /// This thread's pushes do not wake the dispatcher until release() (or kHeldWakes of them).
    void hold();
    /// Ends hold(): runs what this thread queued meanwhile, here, when the dispatcher thread waits
    /// and no batch runs; otherwise the running batch or the woken thread takes it.
    void release();
    /// Runs everything queued so far, then stops the thread. Idempotent.
    void stop();
    /// Blocks until everything queued before this call has run (tests, shutdown). Not from the
    /// dispatcher thread.
    void drain();
    /// True on the dispatcher thread, and on a thread while it runs a batch at release().
    bool on_dispatcher_thread() const;
    /// Callbacks run so far (counted as each one returns).
    std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
    /// How many batches have been taken, by the thread or at release() (tests: one wake-up takes
    /// everything queued).
    std::uint64_t batches() const noexcept { return batches_.load(std::memory_order_relaxed); }
    /// True while the thread waits for work (tests).
    bool waiting() const {
        std::lock_guard lock(mutex_);
        return waiting_;
    }
    /// The latency of the last kLatencySamples callbacks pushed with an origin (µs from the
    /// origin to the moment the dispatcher began to run it; negative when the clocks disagree),
    /// in no particular order, and how many there have been in all. A copy.
    struct latency_figures {
        std::vector<std::int32_t> samples_us;
        std::uint64_t total = 0;
    };
    latency_figures latency_samples() const;
    /// Wake-ups a hold may put off before one happens anyway.
    static constexpr std::size_t kHeldWakes = 256;
    /// Event latencies kept (a ring: 256 KiB, allocated with the first one).
    static constexpr std::size_t kLatencySamples = 65536;

  private:
    struct item {
        work fn;
        std::int64_t origin_us;  // 0: not from a timestamped switch event
    };
    using ring = std::atomic<std::int32_t>;

    void run();
    /// Under `lock`, busy_ clear: takes the queue as the batch, runs it without the lock, and ends
    /// it: wakes the thread for what was queued meanwhile (`runner`: at release(), not on the
    /// thread), and tells drain() when nothing is left.
    void run_batch(std::unique_lock<std::mutex>& lock, bool runner);
    void record_latency(std::int64_t origin_us);
    /// Under mutex_: true when the thread waits, and then it is no longer counted as waiting —
    /// the caller notifies wake_ after unlocking.
    bool claim_wake();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::vector<item> queue_;   // mutex_; swapped with batch_
    std::vector<item> batch_;   // whoever set busy_ (the thread or a runner at release())
    bool stopping_ = false;     // mutex_
    bool busy_ = false;         // mutex_: a batch is taken and not yet done (one at a time)
    bool waiting_ = false;      // mutex_: the thread waits on wake_ (push() notifies)
    std::thread::id holder_{};  // mutex_: the thread whose pushes do not wake (hold())
    std::size_t held_ = 0;      // mutex_: pushes put off since the thread last woke
    // The thread running a batch at release() (empty otherwise): on_dispatcher_thread().
    std::atomic<std::thread::id> runner_{};
    std::atomic<std::uint64_t> delivered_{0};  // written by whoever runs the batch
    std::atomic<std::uint64_t> batches_{0};    // written by whoever takes the batch
    // The latency ring: whoever runs a batch allocates it (once) and writes; batches never
    // overlap. Readers copy through the published pointer. Freed after the thread has ended.
    std::unique_ptr<ring[]> ring_storage_;  // whoever runs a batch
    std::atomic<ring*> latencies_{nullptr};
    std::atomic<std::uint64_t> latency_total_{0};  // samples written in all
    std::thread thread_;
};

}  // namespace ctigw::tsp
