#include "dispatcher.hpp"

namespace ctigw::tsp {

dispatcher::dispatcher() : thread_([this] { run(); }) {}

dispatcher::~dispatcher() {
    stop();
}

void dispatcher::push(work w) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(w));
        // A running thread takes this with the rest of the queue after its batch; only a waiting
        // one needs the (costly) wake-up. Cleared so that the next pushes do not notify again.
        if (waiting_ && holder_ == std::this_thread::get_id() && held_ < kHeldWakes) {
            ++held_;  // release() wakes it
        } else {
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
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (holder_ != std::this_thread::get_id()) return;  // taken over by another hold()
        holder_ = {};
        // held_ > 0 only while the thread waits with those pushes queued (it zeroes it on waking).
        wake = held_ > 0 && claim_wake();
    }
    if (wake) wake_.notify_one();
}

void dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void dispatcher::drain() {
    std::unique_lock lock(mutex_);
    // Pushes a hold() put off run before we return.
    if (!queue_.empty() && claim_wake()) wake_.notify_one();
    // busy_ covers the batch taken out of queue_: an empty queue alone is not "drained".
    idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

bool dispatcher::on_dispatcher_thread() const {
    return std::this_thread::get_id() == thread_.get_id();
}

void dispatcher::run() {
    std::vector<work> batch;
    std::unique_lock lock(mutex_);
    for (;;) {
        while (queue_.empty() && !stopping_) {
            waiting_ = true;
            wake_.wait(lock);
        }
        waiting_ = false;
        held_ = 0;                  // the held pushes are in this batch
        if (queue_.empty()) break;  // stopping, and everything queued has run
        batch.swap(queue_);         // queue_ gets the last batch's (empty) storage
        busy_ = true;
        batches_.fetch_add(1, std::memory_order_relaxed);
        lock.unlock();
        for (auto& w : batch) {
            try {
                w();
            } catch (...) {  // a TAPI callback must not stop the queue
            }
            w = nullptr;  // its captures go now, as when callbacks were taken one at a time
            delivered_.fetch_add(1, std::memory_order_relaxed);
        }
        batch.clear();
        lock.lock();
        busy_ = false;
        if (queue_.empty()) idle_.notify_all();
    }
    idle_.notify_all();
}

}  // namespace ctigw::tsp
