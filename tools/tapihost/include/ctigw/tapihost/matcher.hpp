/**
 * @file
 * Matching expectations against the host's event log (pure: tests feed synthetic events).
 *
 * Each expectation reads one *stream* of the log:
 * - a call's events (call states, LINE_CALLINFO, digits, LINE_GENERATE): events of that call;
 * - `newcall`: the LINE_NEWCALL messages of a line;
 * - `devstate`, `addressstate`, `event`: the events of a line;
 * - `phone ...`: the events of a phone;
 * - `completion`: the outcome of one operation.
 * The matcher keeps one cursor per stream. An expectation takes the first event of its stream
 * after the cursor that satisfies it, and moves the cursor just past that event; events of the
 * stream it passes over are allowed, as are events of other streams. So expectations on one call
 * must come in the order the call's events arrive, while expectations on different calls or lines
 * may be written in any order relative to each other. `callinfo A|B` is satisfied when the
 * LINE_CALLINFO events since the cursor together carried A and B. A completion with another
 * result than expected is a mismatch at once.
 *
 * Thread safety: none; one runner uses it.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {

/// An expectation with its names resolved to host keys.
struct target {
    expect_kind kind = expect_kind::call_state;
    std::string device;
    std::uint64_t call = 0;
    std::uint32_t value = 0;
    std::optional<std::uint32_t> mode;
    std::optional<std::uint64_t> parent;  ///< CONFERENCED: the parent call's key
    DRV_REQUESTID request = 0;            ///< completion
    LONG result = 0;                      ///< completion
    std::vector<LONG> also;               ///< completion: other accepted results
};

struct match_outcome {
    enum class status { pending, matched, failed };
    status st = status::pending;
    std::size_t index = 0;  ///< matched/failed: the deciding event
};

class matcher {
  public:
    /// Looks for the target in `log` (which only grows) from the stream's cursor.
    match_outcome find(const target& t, const std::vector<event>& log) const;
    /// Moves the stream's cursor past `index` (after a match).
    void consume(const target& t, std::size_t index);
    /// The stream's events since the cursor (what was seen instead, for a mismatch report).
    std::vector<std::size_t> seen(const target& t, const std::vector<event>& log) const;
    /// The stream a target reads ("call:3", "newcall:2001", "line:2001", "phone:2001", "req:7").
    static std::string stream_of(const target& t);
    /// True when `e` belongs to the target's stream.
    static bool in_stream(const target& t, const event& e);

  private:
    std::size_t cursor(const target& t) const;
    std::map<std::string, std::size_t> cursors_;
};

/// Human text of what a target waits for, with names: `line 2001 c1 LINE_CALLSTATE CONNECTED
/// (ACTIVE)`.
std::string describe_target(const target& t, const std::string& call_name,
                            const std::string& parent_name, const std::string& op_name);

}  // namespace ctigw::tapihost
