#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// Internal: maps JSON pointers to where values and keys start in the text, because nlohmann::json
// keeps no source positions. Public only so tests can exercise it directly.

namespace ctigw::config::detail {

struct text_position {
    int line = 0;    ///< 1-based; 0 = unknown
    int column = 0;  ///< 1-based, in UTF-8 code points

    friend bool operator==(const text_position&, const text_position&) = default;
};

/** RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1"). */
std::string escape_pointer_token(std::string_view token);

/** Line and column of a byte offset (clamped to the text). */
text_position position_of_offset(std::string_view text, std::size_t offset);

/**
 * Walks JSON text (with line and block comments) and records where each value and key starts.
 * Only meant for text nlohmann::json already accepted with ignore_comments = true: it does not
 * validate and stops quietly on anything unexpected. Iterative, so deep nesting cannot overflow
 * the stack. Thread-compatible value type.
 */
class position_index {
  public:
    struct duplicate_key {
        std::string pointer;
        text_position first;   ///< earlier occurrence of the key
        text_position second;  ///< later occurrence; nlohmann keeps this one's value
    };

    static position_index build(std::string_view text);

    /** Start of the value at `pointer`; {0, 0} if unknown. */
    text_position value_position(const std::string& pointer) const;
    /** Start of the key naming `pointer` (the value's start for array elements and the root). */
    text_position key_position(const std::string& pointer) const;

    const std::vector<duplicate_key>& duplicate_keys() const noexcept { return duplicates_; }
    std::size_t size() const noexcept { return entries_.size(); }

  private:
    struct entry {
        text_position value;
        text_position key;
    };

    std::unordered_map<std::string, entry> entries_;
    std::vector<duplicate_key> duplicates_;

    friend class indexer;
};

}  // namespace ctigw::config::detail
