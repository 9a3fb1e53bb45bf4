// The one road from the TSP to TAPI: LINEEVENT, PHONEEVENT, ASYNC_COMPLETION and the create
// procs are called from a single dispatcher thread, in the order the TSP queued them. The TSP
// queues while it holds the provider lock, so TAPI sees events in the order the state changed
// (per line and overall), and no TAPI callback ever runs under our lock or on a TAPISRV thread
// that called into us.
//
// The dispatcher thread takes the whole queue per wake-up (one lock for a batch, not one per
// callback) and runs the batch without the lock; push() wakes it only when it is waiting. The
// batch counts as busy until its last callback has run, so drain() waits for it.
//
// Thread safety: push(), delivered(), batches() and on_dispatcher_thread() from any thread;
// stop() and drain() from any thread except the dispatcher's.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ctigw::tsp {

class dispatcher {
  public:
    using work = std::function<void()>;

    dispatcher();
    ~dispatcher();
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;

    /// Queues one TAPI callback. Exceptions from it are swallowed (TAPI must not be able to
    /// break the queue).
    void push(work w);
    /// Runs everything queued so far, then stops the thread. Idempotent.
    void stop();
    /// Blocks until everything queued before this call has run (tests, shutdown). Not from the
    /// dispatcher thread.
    void drain();
    /// True on the dispatcher thread.
    bool on_dispatcher_thread() const;
    /// Callbacks run so far (counted as each one returns).
    std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
    /// How many batches the thread has taken (tests: one wake-up takes everything queued).
    std::uint64_t batches() const noexcept { return batches_.load(std::memory_order_relaxed); }

  private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::vector<work> queue_;  // mutex_; swapped with the thread's batch
    bool stopping_ = false;    // mutex_
    bool busy_ = false;        // mutex_: a batch is taken and not yet done
    bool waiting_ = false;     // mutex_: the thread waits on wake_ (push() notifies)
    std::atomic<std::uint64_t> delivered_{0};  // the dispatcher thread writes
    std::atomic<std::uint64_t> batches_{0};    // the dispatcher thread writes
    std::thread thread_;
};

}  // namespace ctigw::tsp
