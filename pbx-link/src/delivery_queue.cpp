#include "delivery_queue.hpp"

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::detail {

delivery_queue::delivery_queue(std::size_t limit, std::function<void()> on_resume, logger log,
                               batch_hook on_batch, event_sink on_event)
    : limit_(limit < 2 ? 2 : limit),
      on_resume_(std::move(on_resume)),
      log_(std::move(log)),
      on_batch_(std::move(on_batch)),
      on_event_(std::move(on_event)) {}

delivery_queue::~delivery_queue() {
    finish();
}

void delivery_queue::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    finishing_.store(false, std::memory_order_release);
    paused_.store(false, std::memory_order_relaxed);
    thread_ = std::thread([this] { run(); });
    thread_id_ = thread_.get_id();
}

template <class... Args>
bool delivery_queue::add(Args&&... args) {
    bool wake = false;
    bool accepted = true;
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(std::forward<Args>(args)...);
        note_next_slot();
        const auto pushed = pushed_.load(std::memory_order_relaxed) + 1;
        pushed_.store(pushed, std::memory_order_release);
        auto backlog = static_cast<std::size_t>(pushed - started_seen_);
        if (backlog >= limit_ || backlog > peak_) {  // an upper bound: look at the real one
            started_seen_ = started_.load(std::memory_order_acquire);
            backlog = static_cast<std::size_t>(pushed - started_seen_);
        }
        if (backlog > peak_) peak_ = backlog;
        if (backlog >= limit_) {
            paused_.store(true, std::memory_order_release);
            accepted = false;
        }
        // Only a waiting consumer needs a wake-up; a running one takes this item with the rest
        // of the queue when its batch is done. Cleared here so that the next pushes before it
        // wakes do not notify again. The holder's pushes wait for its release().
        if (waiting_) {
            if (holder_ == std::this_thread::get_id() && held_ < kHeldWakes) {
                ++held_;
            } else {
                waiting_ = false;
                held_ = 0;
                wake = true;
            }
        }
    }
    if (wake) cv_.notify_one();
    return accepted;
}

bool delivery_queue::push(item fn, bool essential) {
    return add(std::move(fn), essential);
}

bool delivery_queue::push_event(std::string device, protocol::event_message&& event) {
    return add(std::move(device), std::move(event));
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
// PREFETCHW (Broadwell and later; earlier processors run it as a no-op) asks for the lines in the
// state a store needs; a plain prefetch would fetch them shared and the store would still wait.
__attribute__((target("prfchw")))
#endif
void delivery_queue::prefetch_next() const noexcept {
    const auto* slot = next_slot_.load(std::memory_order_relaxed);
    if (slot == nullptr) return;
    constexpr std::uintptr_t line = 64;
    const auto end = reinterpret_cast<std::uintptr_t>(slot + 1);
    for (auto at = reinterpret_cast<std::uintptr_t>(slot) & ~(line - 1); at < end; at += line)
        __builtin_prefetch(reinterpret_cast<const void*>(at), 1, 3);
}

void delivery_queue::hold() {
    std::lock_guard lock(mutex_);
    holder_ = std::this_thread::get_id();
}

void delivery_queue::release() {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (holder_ != std::this_thread::get_id()) return;  // taken over by another hold()
        holder_ = {};
        // held_ > 0 only while the thread waits with those pushes queued (it zeroes it on waking).
        if (held_ > 0 && waiting_) {
            waiting_ = false;
            held_ = 0;
            wake = true;
        }
    }
    if (wake) cv_.notify_one();
}

void delivery_queue::finish() {
    std::thread t;
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) return;
        finishing_.store(true, std::memory_order_release);
        t = std::move(thread_);
    }
    cv_.notify_one();
    t.join();
    std::lock_guard lock(mutex_);
    thread_id_ = {};
}

std::size_t delivery_queue::peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

bool delivery_queue::take(std::vector<entry>& batch) {
    bool resume = false;
    {
        std::unique_lock lock(mutex_);
        // A pause set by a push that raced with the last batch's per-item checks (which read
        // paused_ without the lock) is seen here at the latest, before the thread can wait.
        if (paused_.load(std::memory_order_relaxed) && size() <= limit_ / 2) {
            paused_.store(false, std::memory_order_relaxed);
            resume = true;
        }
        if (!resume) {
            while (queue_.empty() && !finishing_.load(std::memory_order_relaxed)) {
                waiting_ = true;
                cv_.wait(lock);
            }
            waiting_ = false;
            held_ = 0;                         // the held pushes are in this batch
            if (queue_.empty()) return false;  // finishing and drained
            batch.swap(queue_);                // queue_ gets the old batch's (empty) storage
            note_next_slot();
            batches_.fetch_add(1, std::memory_order_relaxed);
        }
    }
    if (resume && on_resume_) {
        try {
            on_resume_();
        } catch (...) {  // posting to the I/O thread only allocates; keep the thread alive
            if (log_) log_(log_level::error, "link: resuming the reading failed");
        }
    }
    return true;  // a batch, or (after a resume) an empty one: the caller comes back
}

void delivery_queue::count_started(bool may_resume) {
    // Only this thread writes started_: a store, not a read-modify-write.
    started_.store(started_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    if (!may_resume || !paused_.load(std::memory_order_acquire) || size() > limit_ / 2) return;
    {
        std::lock_guard lock(mutex_);
        // A push may have raised the backlog again since; then a later item resumes.
        if (!paused_.load(std::memory_order_relaxed) || size() > limit_ / 2) return;
        paused_.store(false, std::memory_order_relaxed);
    }
    if (!on_resume_) return;
    try {
        on_resume_();
    } catch (...) {  // posting to the I/O thread only allocates; keep the thread alive
        if (log_) log_(log_level::error, "link: resuming the reading failed");
    }
}

void delivery_queue::run_item(entry& e) {
    try {
        if (e.fn) {
            e.fn();
        } else if (on_event_) {
            on_event_(e.device, e.event);
        }
    } catch (const std::exception& ex) {
        if (log_) log_(log_level::error, std::string("link: a callback threw: ") + ex.what());
    } catch (...) {
        if (log_) log_(log_level::error, "link: a callback threw a non-standard exception");
    }
}

void delivery_queue::batch_edge(bool begin) {
    if (!on_batch_) return;
    try {
        on_batch_(begin);
    } catch (const std::exception& ex) {
        if (log_) log_(log_level::error, std::string("link: a batch hook threw: ") + ex.what());
    } catch (...) {
        if (log_) log_(log_level::error, "link: a batch hook threw a non-standard exception");
    }
}

void delivery_queue::run() {
    std::vector<entry> batch;
    while (take(batch)) {
        if (batch.empty()) continue;  // a resume only
        batch_edge(true);
        for (auto& e : batch) {
            // Checked per item: finish() may begin in the middle of a batch.
            if (finishing_.load(std::memory_order_acquire) && !e.essential) {
                count_started(false);
                e.fn = nullptr;
                continue;
            }
            count_started(true);
            run_item(e);
            e.fn = nullptr;  // its captures go now, as when items were taken one at a time
        }
        batch_edge(false);
        batch.clear();  // keeps the storage: the next swap hands it to the producer
        if (batch.capacity() > kKeptEntries) std::vector<entry>().swap(batch);
    }
}

}  // namespace ctigw::pbx_link::detail
