// The bounded hand-over from the link's I/O thread to its delivery thread, where every
// link_callbacks function runs. Nothing is dropped: when the queue reaches its limit, push()
// says so and the I/O side stops reading from the switch; once the delivery thread has drained
// it to half, `on_resume` fires (once) and reading starts again. Items pushed while "full" are
// still accepted: they are bounded by what the I/O side has in hand (one frame's worth, plus
// request completions, which are bounded by the request limits).
//
// Thread safety: push(), size() and full() from any thread; start()/finish() from the owner.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ctigw::pbx_link::detail {

class delivery_queue {
  public:
    using item = std::function<void()>;
    using logger = std::function<void(int level, const std::string& line)>;

    delivery_queue(std::size_t limit, std::function<void()> on_resume, logger log);
    ~delivery_queue();
    delivery_queue(const delivery_queue&) = delete;
    delivery_queue& operator=(const delivery_queue&) = delete;

    /// Starts the delivery thread.
    void start();
    /// Queues an item. `essential` items (request completions, the final state change) still run
    /// during finish(); the others (events, truths) are skipped once finish() has begun.
    /// Returns false when the queue is at or over its limit: the caller should stop reading.
    bool push(item fn, bool essential);
    /// Runs the essential items still queued, then joins the thread. Not from the delivery thread.
    void finish();

    std::size_t size() const;
    std::size_t peak() const;
    bool on_delivery_thread() const noexcept { return std::this_thread::get_id() == thread_id_; }

  private:
    struct entry {
        item fn;
        bool essential;
    };
    void run();

    const std::size_t limit_;
    std::function<void()> on_resume_;
    logger log_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<entry> queue_;
    std::size_t peak_ = 0;
    bool paused_ = false;
    bool finishing_ = false;
    std::thread thread_;
    std::thread::id thread_id_{};
};

}  // namespace ctigw::pbx_link::detail
