// The one road from the TSP to TAPI: LINEEVENT, PHONEEVENT, ASYNC_COMPLETION and the create
// procs are called from a single dispatcher thread, in the order the TSP queued them. The TSP
// queues while it holds the provider lock, so TAPI sees events in the order the state changed
// (per line and overall), and no TAPI callback ever runs under our lock or on a TAPISRV thread
// that called into us.
//
// Thread safety: push() from any thread; stop() from any thread except the dispatcher's.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

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
    std::uint64_t delivered() const;

  private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<work> queue_;
    bool stopping_ = false;
    bool busy_ = false;
    std::uint64_t delivered_ = 0;
    std::thread thread_;
};

}  // namespace ctigw::tsp
