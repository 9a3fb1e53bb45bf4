#include "sequence_tracker.hpp"

namespace ctigw::pbx_link::detail {

seq_verdict sequence_tracker::check(std::uint64_t seq) noexcept {
    const auto expected = expected_;
    expected_ = seq + 1;
    if (seq == expected) return seq_verdict::in_order;
    return seq > expected ? seq_verdict::gap : seq_verdict::backwards;
}

}  // namespace ctigw::pbx_link::detail
