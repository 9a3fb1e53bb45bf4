// The bounded hand-over from the link's I/O thread to its delivery thread, where every
// link_callbacks function runs. Nothing is dropped: when the backlog reaches its limit, push()
// says so and the I/O side stops reading from the switch; once the delivery thread has drained
// it to half, `on_resume` fires (once) and reading starts again. Items pushed while "full" are
// still accepted: they are bounded by what the I/O side has in hand (one frame's worth, plus
// request completions, which are bounded by the request limits).
//
// The delivery thread takes the whole queue per wake-up (one lock for a batch, not one per item)
// and runs the batch without the lock; push() wakes it only when it is waiting. The backlog
// counts the items of the batch not yet started, so the bound and the resume point are the same
// as if the items were taken one at a time.
//
// Thread safety: push(), size(), peak(), batches() and finishing() from any thread;
// start()/finish() from the owner (finish() not from the delivery thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ctigw::pbx_link::detail {

class delivery_queue {
  public:
    using item = std::function<void()>;
    using logger = std::function<void(int level, const std::string& line)>;

    /// Called on the delivery thread before (true) and after (false) each batch it runs.
    using batch_hook = std::function<void(bool begin)>;

    delivery_queue(std::size_t limit, std::function<void()> on_resume, logger log,
                   batch_hook on_batch = {});
    ~delivery_queue();
    delivery_queue(const delivery_queue&) = delete;
    delivery_queue& operator=(const delivery_queue&) = delete;

    /// Starts the delivery thread.
    void start();
    /// Queues an item. `essential` items (request completions, the final state change) still run
    /// during finish(); the others (events, truths) are skipped once finish() has begun, also
    /// those already taken in the delivery thread's current batch.
    /// Returns false when the backlog is at or over its limit: the caller should stop reading.
    bool push(item fn, bool essential);
    /// Runs the essential items still queued, then joins the thread. Not from the delivery thread.
    void finish();

    /// The backlog: items queued plus items of the delivery thread's current batch not yet
    /// started (the item running is not counted). This is what the limit applies to.
    std::size_t size() const noexcept { return pending_.load(std::memory_order_relaxed); }
    /// The largest backlog seen right after a push.
    std::size_t peak() const;
    /// How many batches the delivery thread has taken (tests: one wake-up takes everything).
    std::uint64_t batches() const noexcept { return batches_.load(std::memory_order_relaxed); }
    /// True once finish() has begun (until the next start()).
    bool finishing() const noexcept { return finishing_.load(std::memory_order_acquire); }
    /// True while the delivery thread waits for work (tests).
    bool waiting() const {
        std::lock_guard lock(mutex_);
        return waiting_;
    }
    bool on_delivery_thread() const noexcept { return std::this_thread::get_id() == thread_id_; }

  private:
    struct entry {
        item fn;
        bool essential;
    };
    void run();
    /// Waits for work and swaps the queue into `batch`; false when finishing and drained.
    bool take(std::vector<entry>& batch);
    /// Counts one item of the batch as started; fires on_resume when the backlog reached half.
    void started_one();
    void run_item(entry& e);
    void batch_edge(bool begin);

    const std::size_t limit_;
    std::function<void()> on_resume_;
    logger log_;
    batch_hook on_batch_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<entry> queue_;  // mutex_; swapped with the delivery thread's batch
    std::size_t peak_ = 0;      // mutex_
    bool waiting_ = false;      // mutex_: the delivery thread waits on cv_ (push() notifies)
    // The backlog: push() adds under mutex_; the delivery thread subtracts per item without it.
    std::atomic<std::size_t> pending_{0};
    // Written under mutex_; atomic so that the delivery thread can look per item without the
    // lock (the common case, "not paused" and "not finishing", needs none).
    std::atomic<bool> paused_{false};
    std::atomic<bool> finishing_{false};
    std::atomic<std::uint64_t> batches_{0};  // delivery thread writes
    std::thread thread_;
    std::thread::id thread_id_{};
};

}  // namespace ctigw::pbx_link::detail
