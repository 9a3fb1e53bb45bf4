#include "delivery_queue.hpp"

#include <exception>
#include <string>

#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::detail {

delivery_queue::delivery_queue(std::size_t limit, std::function<void()> on_resume, logger log)
    : limit_(limit < 2 ? 2 : limit), on_resume_(std::move(on_resume)), log_(std::move(log)) {}

delivery_queue::~delivery_queue() {
    finish();
}

void delivery_queue::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    finishing_ = false;
    paused_ = false;
    thread_ = std::thread([this] { run(); });
    thread_id_ = thread_.get_id();
}

bool delivery_queue::push(item fn, bool essential) {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(fn), essential});
    if (queue_.size() > peak_) peak_ = queue_.size();
    cv_.notify_one();
    if (queue_.size() >= limit_) {
        paused_ = true;
        return false;
    }
    return true;
}

void delivery_queue::finish() {
    std::thread t;
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) return;
        finishing_ = true;
        t = std::move(thread_);
        cv_.notify_one();
    }
    t.join();
    std::lock_guard lock(mutex_);
    thread_id_ = {};
}

std::size_t delivery_queue::size() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::size_t delivery_queue::peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

void delivery_queue::run() {
    for (;;) {
        entry e;
        bool resume = false;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return !queue_.empty() || finishing_; });
            if (queue_.empty()) return;  // finishing and drained
            e = std::move(queue_.front());
            queue_.pop_front();
            if (finishing_ && !e.essential) continue;
            if (paused_ && queue_.size() <= limit_ / 2) {
                paused_ = false;
                resume = true;
            }
        }
        if (resume && on_resume_) {
            try {
                on_resume_();
            } catch (...) {  // posting to the strand only allocates; keep the thread alive
                if (log_) log_(log_level::error, "link: resuming the reading failed");
            }
        }
        try {
            e.fn();
        } catch (const std::exception& ex) {
            if (log_) log_(log_level::error, std::string("link: a callback threw: ") + ex.what());
        } catch (...) {
            if (log_) log_(log_level::error, "link: a callback threw a non-standard exception");
        }
    }
}

}  // namespace ctigw::pbx_link::detail
