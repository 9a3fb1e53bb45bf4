#include "dispatcher.hpp"

namespace ctigw::tsp {

dispatcher::dispatcher() : thread_([this] { run(); }) {}

dispatcher::~dispatcher() {
    stop();
}

void dispatcher::push(work w) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(w));
    }
    wake_.notify_one();
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
    idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

bool dispatcher::on_dispatcher_thread() const {
    return std::this_thread::get_id() == thread_.get_id();
}

std::uint64_t dispatcher::delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
}

void dispatcher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            if (stopping_) break;
            continue;
        }
        auto w = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        try {
            w();
        } catch (...) {  // a TAPI callback must not stop the queue
        }
        lock.lock();
        busy_ = false;
        ++delivered_;
        if (queue_.empty()) idle_.notify_all();
    }
    idle_.notify_all();
}

}  // namespace ctigw::tsp
