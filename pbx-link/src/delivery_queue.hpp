// The bounded hand-over from the link's I/O thread to its delivery thread, where every
// link_callbacks function runs. Nothing is dropped: when the backlog reaches its limit, push()
// says so and the I/O side stops reading from the switch; once the delivery thread has drained
// it to half, `on_resume` fires (once) and reading starts again. Items pushed while "full" are
// still accepted: they are bounded by what the I/O side has in hand (one frame's worth, plus
// request completions, which are bounded by the request limits).
//
// Switch events, the hot path, are queued in place (push_event): the entry holds the device and
// the decoded event, and the delivery thread hands them to the event sink; queuing one allocates
// nothing once the queue's storage has grown (a callback for it would be a heap-allocated
// std::function, allocated on the I/O thread and freed on this one).
//
// The delivery thread takes the whole queue per wake-up (one lock for a batch, not one per item)
// and runs the batch without the lock; push() wakes it only when it is waiting. The producer (the
// link's I/O thread) holds the queue while it runs a burst of ready work (hold()/release()): its
// pushes in between go to its own staging vector, without the lock, and reach the queue together
// — at release(), or at the kHeldWakes-th — with one lock and at most one wake-up, so that a
// socket read's frames reach the delivery thread as one batch. The staged vector is queued whole,
// as a chunk (the queue is a list of chunks): its entries are never moved again, also when the
// delivery thread has not taken the previous chunks yet (moving them was ~5% of the I/O thread).
// While it holds, the producer may also decode an event straight into a staged slot (event_slot(),
// stage_event()): no move of the event between the decoder and the callback. The backlog counts
// staged items and the items of the batch not yet started, so the bound and the resume point are
// the same as if the items were taken one at a time.
//
// Thread safety: push(), push_event(), size(), peak(), batches() and finishing() from any thread;
// hold() and release() in pairs from one producer thread (the link's I/O thread; no other thread
// holds meanwhile), and event_slot()/stage_event() from it between them; start()/finish() from
// the owner (finish() not from the delivery thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::pbx_link::detail {

class delivery_queue {
  public:
    using item = std::function<void()>;
    using logger = std::function<void(int level, const std::string& line)>;

    /// Called on the delivery thread before (true) and after (false) each batch it runs.
    using batch_hook = std::function<void(bool begin)>;
    /// Called on the delivery thread for each event queued with push_event().
    using event_sink =
        std::function<void(const std::string& device, const protocol::event_message& event)>;

    delivery_queue(std::size_t limit, std::function<void()> on_resume, logger log,
                   batch_hook on_batch = {}, event_sink on_event = {});
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
    /// Queues a switch event for the event sink, in order with push()'s items; not essential.
    /// Returns as push() does.
    bool push_event(std::string device, protocol::event_message&& event);
    /// This thread's pushes are staged until release() (or kHeldWakes of them); pushes from
    /// other threads are queued and wake the delivery thread as before.
    void hold();
    /// Ends hold(): queues what this thread staged meanwhile and wakes the delivery thread.
    void release();
    /// True on the thread that holds (between hold() and release()).
    bool staging() const noexcept {
        return stager_.load(std::memory_order_relaxed) == std::this_thread::get_id();
    }
    /// While holding: a staged slot holding an empty event to decode into, kept until
    /// stage_event() queues it; unused, it is the next call's (or dropped at the next push).
    protocol::message& event_slot();
    /// While holding: queues the event_slot() (it holds an event_message) for `device`.
    /// Returns as push() does.
    bool stage_event(const std::string& device);
    /// Asks for the cache lines of the slot the next push will fill, for writing: the storage was
    /// the delivery thread's last batch, so its lines sit in that thread's core, and a push that
    /// finds them there waits for each one (the store of an event's entry, ~460 bytes then and
    /// ~500 since timestamp_text, was ~7% of the TSP's CPU). The producer calls it before decoding
    /// the next frame, which hides the wait. Only a hint: a stale slot (the delivery thread took
    /// the queue since) costs a few lines.
    void prefetch_next() const noexcept;
    /// The slot prefetch_next() would ask for (null: none yet, or the storage must grow) (tests).
    const void* next_slot() const noexcept { return next_slot_.load(std::memory_order_relaxed); }
    /// Staged pushes that are queued (and wake the delivery thread) before release().
    static constexpr std::size_t kHeldWakes = 128;
    /// Runs the essential items still queued, then joins the thread. Not from the delivery thread.
    void finish();

    /// The backlog: items queued plus items of the delivery thread's current batch not yet
    /// started (the item running is not counted). This is what the limit applies to.
    std::size_t size() const noexcept {
        const auto started = started_.load(std::memory_order_acquire);  // first: never > pushed_
        return static_cast<std::size_t>(pushed_.load(std::memory_order_acquire) - started);
    }
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
        entry(item f, bool e) : fn(std::move(f)), essential(e) {}
        entry(std::string d, protocol::event_message&& ev)
            : device(std::move(d)), msg(std::move(ev)) {}
        explicit entry(std::in_place_type_t<protocol::event_message> t) : msg(t) {}

        item fn;  // a callback; empty for an event
        std::string device;
        protocol::message msg;  // an event_message when fn is empty
        bool essential = false;
    };
    /// A run of entries in push order: a holder's staged entries, queued whole, or pushes made
    /// without holding (appended to the last chunk).
    using chunk = std::vector<entry>;
    /// Entries the emptied chunks keep room for between batches, in all (beyond, a chunk is
    /// freed: an entry is ~450 bytes, and a burst may have grown a chunk to the limit).
    static constexpr std::size_t kKeptEntries = 8192;
    /// Emptied chunks kept at most (pool_'s room, reserved once).
    static constexpr std::size_t kKeptChunks = 16;

    /// Appends an entry made of `args` in place, under the lock; the backlog rules of push().
    template <class... Args>
    bool add(Args&&... args);
    /// Counts one push and applies the backlog rules (false: at the limit, reading pauses), on a
    /// lower bound of started_ and a peak of the caller's: mutex_'s for a queued push, the
    /// holder's own for a staged one.
    bool count_push(std::uint64_t& started_seen, std::size_t& peak);
    /// The holder's part of a push: count_push(), and the staged items queued at kHeldWakes.
    bool staged_added();
    /// Queues the staged items (one lock) and wakes the delivery thread if it waits.
    void flush_staged();
    void drop_spare() noexcept;
    void run();
    /// Keeps the emptied chunks of `batch` for reuse (within kKeptChunks and kKeptEntries) and
    /// clears it; under mutex_.
    void recycle(std::vector<chunk>& batch) noexcept;
    /// Under mutex_: an empty chunk, with room when one was kept.
    chunk reuse_chunk() noexcept;
    /// Recycles `batch` (its chunks emptied), waits for work and swaps the queue into `batch`;
    /// false when finishing and drained.
    bool take(std::vector<chunk>& batch);
    /// Counts one item of the batch as started; when `may_resume` (false for an item skipped at
    /// finish), fires on_resume once the backlog reached half.
    void count_started(bool may_resume);
    void run_item(entry& e);
    void batch_edge(bool begin);
    /// Under mutex_: records where the next push will construct its entry (the last chunk's
    /// end, or the first of a kept chunk that such a push would begin).
    void note_next_slot() noexcept {
        const chunk* c = !queue_.empty()  ? &queue_.back()
                         : !pool_.empty() ? &pool_.back()
                                          : nullptr;
        next_slot_.store(
            c != nullptr && c->size() < c->capacity() ? c->data() + c->size() : nullptr,
            std::memory_order_relaxed);
    }

    const std::size_t limit_;
    std::function<void()> on_resume_;
    logger log_;
    batch_hook on_batch_;
    event_sink on_event_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<chunk> queue_;  // mutex_; swapped with the delivery thread's batch
    std::vector<chunk> pool_;   // mutex_: emptied chunks kept for reuse (their room)
    std::size_t pooled_ = 0;    // mutex_: the entries pool_'s chunks have room for
    std::size_t peak_ = 0;      // mutex_
    bool waiting_ = false;      // mutex_: the delivery thread waits on cv_ (push() notifies)
    // The holder's (hold()): its staged items, perhaps with an unused event_slot() last
    // (spare_), its lower bound of started_ and its peak (merged into peak_ at each flush).
    std::atomic<std::thread::id> stager_{};
    chunk staged_;
    bool spare_ = false;
    std::uint64_t stage_started_seen_ = 0;
    std::size_t stage_peak_ = 0;
    // Where the next push will construct its entry (null: the storage must grow first); set
    // under mutex_, read without it by prefetch_next(), which only hints with it.
    std::atomic<const entry*> next_slot_{nullptr};
    // The backlog is pushed_ - started_. Each side counts on its own cache line: one counter
    // written by both threads per event made each side wait for the other's line.
    std::atomic<std::uint64_t> pushed_{0};  // added to by pushes (staged too); read by anyone
    // mutex_: started_ as a push last read it (a lower bound, so pushed_ - started_seen_ bounds
    // the backlog from above; a push reads started_ only when that bound reaches the limit or
    // the peak, which keeps both exact).
    std::uint64_t started_seen_ = 0;
    std::thread thread_;
    std::thread::id thread_id_{};
    // Written under mutex_, rarely; atomic so that the delivery thread can look per item without
    // the lock (the common case, "not paused" and "not finishing", needs none). Off the line the
    // producer writes per push.
    alignas(64) std::atomic<bool> paused_{false};
    std::atomic<bool> finishing_{false};
    // The delivery thread's own line: the items of its batches started (or skipped), batches.
    alignas(64) std::atomic<std::uint64_t> started_{0};
    std::atomic<std::uint64_t> batches_{0};
};

}  // namespace ctigw::pbx_link::detail
