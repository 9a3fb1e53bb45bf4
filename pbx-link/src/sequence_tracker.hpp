// Event sequence numbers (docs/protocol.md §4.2): events and systemStatus share one counter per
// session, starting at 1 and increasing by exactly one. Anything else means messages were lost.
//
// Thread safety: a plain value; one thread at a time.
#pragma once

#include <cstdint>

namespace ctigw::pbx_link::detail {

enum class seq_verdict : std::uint8_t { in_order, gap, backwards };

class sequence_tracker {
  public:
    /// A new session: the next message must carry seq 1.
    void reset() noexcept { expected_ = 1; }
    /// Checks one message's seq and moves on past it (so that one gap is reported once).
    seq_verdict check(std::uint64_t seq) noexcept;
    std::uint64_t expected() const noexcept { return expected_; }

  private:
    std::uint64_t expected_ = 1;
};

}  // namespace ctigw::pbx_link::detail
