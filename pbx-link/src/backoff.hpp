// Reconnect delays: exponential (initial, x2, capped at max) with symmetric jitter.
// Pure logic: the randomness is injected so that tests can pin it.
//
// Thread safety: a plain value; one thread (the link's I/O thread) at a time.
#pragma once

#include <chrono>
#include <functional>

namespace ctigw::pbx_link::detail {

using std::chrono::milliseconds;

class backoff {
  public:
    /// `uniform01` returns a number in [0, 1); jitter moves each delay by up to ±jitter.
    backoff(milliseconds initial, milliseconds max, double jitter,
            std::function<double()> uniform01);

    /// The delay before the next attempt; the following one doubles (up to max).
    milliseconds next();
    /// After a successful session: start again from `initial`.
    void reset() noexcept { current_ = initial_; }
    /// The un-jittered delay next() will be based on.
    milliseconds current() const noexcept { return current_; }

  private:
    milliseconds initial_;
    milliseconds max_;
    double jitter_;
    std::function<double()> uniform01_;
    milliseconds current_;
};

}  // namespace ctigw::pbx_link::detail
