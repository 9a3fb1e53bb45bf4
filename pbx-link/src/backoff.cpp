#include "backoff.hpp"

#include <algorithm>
#include <cmath>

namespace ctigw::pbx_link::detail {

backoff::backoff(milliseconds initial, milliseconds max, double jitter,
                 std::function<double()> uniform01)
    : initial_(std::max(initial, milliseconds{1})),
      max_(std::max(max, std::max(initial, milliseconds{1}))),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      uniform01_(std::move(uniform01)),
      current_(initial_) {}

milliseconds backoff::next() {
    const double base = static_cast<double>(current_.count());
    const double r = uniform01_ ? std::clamp(uniform01_(), 0.0, 1.0) : 0.5;
    // r in [0,1) -> factor in [1 - jitter, 1 + jitter)
    const double factor = 1.0 + jitter_ * (2.0 * r - 1.0);
    const auto delay = milliseconds{std::max<long long>(0, std::llround(base * factor))};
    current_ = std::min(max_, current_ * 2);
    return delay;
}

}  // namespace ctigw::pbx_link::detail
