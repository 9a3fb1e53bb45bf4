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
      on_event_(std::move(on_event)) {
    pool_.reserve(kKeptChunks);
}

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
    if (staging()) {
        drop_spare();
        staged_.emplace_back(std::forward<Args>(args)...);
        return staged_added();
    }
    bool wake = false;
    bool accepted = true;
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) queue_.push_back(reuse_chunk());
        try {
            queue_.back().emplace_back(std::forward<Args>(args)...);
        } catch (...) {  // no empty chunk left queued: the consumer would run an empty batch
            if (queue_.back().empty()) queue_.pop_back();
            throw;
        }
        note_next_slot();
        accepted = count_push(started_seen_, peak_);
        // Only a waiting consumer needs a wake-up; a running one takes this item with the rest
        // of the queue when its batch is done. Cleared here so that the next pushes before it
        // wakes do not notify again.
        if (waiting_) {
            waiting_ = false;
            wake = true;
        }
    }
    if (wake) cv_.notify_one();
    return accepted;
}

bool delivery_queue::count_push(std::uint64_t& started_seen, std::size_t& peak) {
    const auto pushed = pushed_.fetch_add(1, std::memory_order_acq_rel) + 1;
    auto backlog = static_cast<std::size_t>(pushed - started_seen);
    if (backlog >= limit_ || backlog > peak) {  // an upper bound: look at the real one
        started_seen = started_.load(std::memory_order_acquire);
        backlog = static_cast<std::size_t>(pushed - started_seen);
    }
    if (backlog > peak) peak = backlog;
    if (backlog < limit_) return true;
    paused_.store(true, std::memory_order_release);
    return false;
}

bool delivery_queue::staged_added() {
    const bool accepted = count_push(stage_started_seen_, stage_peak_);
    if (staged_.size() >= kHeldWakes) flush_staged();
    return accepted;
}

void delivery_queue::drop_spare() noexcept {
    if (!spare_) return;
    staged_.pop_back();
    spare_ = false;
}

protocol::message& delivery_queue::event_slot() {
    if (!spare_) {
        staged_.emplace_back(std::in_place_type<protocol::event_message>);
        spare_ = true;
    }
    return staged_.back().msg;
}

bool delivery_queue::stage_event(const std::string& device) {
    auto& e = staged_.back();
    e.device = device;
    spare_ = false;
    return staged_added();
}

void delivery_queue::flush_staged() {
    drop_spare();
    if (staged_.empty()) return;
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(staged_));  // whole: its entries stay where they were built
        staged_ = reuse_chunk();
        note_next_slot();
        if (stage_peak_ > peak_) peak_ = stage_peak_;
        if (waiting_) {
            waiting_ = false;
            wake = true;
        }
    }
    if (wake) cv_.notify_one();
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
    const entry* slot = nullptr;
    if (staging()) {
        // The slot after the spare one (the next frame's).
        if (staged_.size() < staged_.capacity()) slot = staged_.data() + staged_.size();
    } else {
        slot = next_slot_.load(std::memory_order_relaxed);
    }
    if (slot == nullptr) return;
    constexpr std::uintptr_t line = 64;
    const auto end = reinterpret_cast<std::uintptr_t>(slot + 1);
    for (auto at = reinterpret_cast<std::uintptr_t>(slot) & ~(line - 1); at < end; at += line)
        __builtin_prefetch(reinterpret_cast<const void*>(at), 1, 3);
}

void delivery_queue::hold() {
    stager_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

void delivery_queue::release() {
    if (!staging()) return;  // not holding: nothing staged
    flush_staged();
    stager_.store(std::thread::id{}, std::memory_order_relaxed);
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

void delivery_queue::recycle(std::vector<chunk>& batch) noexcept {
    for (auto& c : batch) {
        // Emptied by run(); kept while pool_ has room (reserved: no allocation) and the kept
        // entries stay within kKeptEntries, else freed.
        if (c.capacity() == 0 || pool_.size() == pool_.capacity() ||
            pooled_ + c.capacity() > kKeptEntries)
            continue;
        pooled_ += c.capacity();
        pool_.push_back(std::move(c));
    }
    batch.clear();
}

delivery_queue::chunk delivery_queue::reuse_chunk() noexcept {
    if (pool_.empty()) return {};
    chunk c = std::move(pool_.back());
    pool_.pop_back();
    pooled_ -= c.capacity();
    return c;
}

bool delivery_queue::take(std::vector<chunk>& batch) {
    bool resume = false;
    {
        std::unique_lock lock(mutex_);
        recycle(batch);
        note_next_slot();
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
            on_event_(e.device, std::get<protocol::event_message>(e.msg));
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
    std::vector<chunk> batch;
    while (take(batch)) {
        if (batch.empty()) continue;  // a resume only
        batch_edge(true);
        for (auto& c : batch) {
            for (auto& e : c) {
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
        }
        batch_edge(false);
        for (auto& c : batch) c.clear();  // outside the lock; take() keeps their storage
    }
}

}  // namespace ctigw::pbx_link::detail
