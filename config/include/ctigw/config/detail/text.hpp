#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/settings.hpp"

// Internal helpers shared by the loader and device expansion; public only for tests.

namespace ctigw::config::detail {

/** Levenshtein distance, case-sensitive. */
std::size_t edit_distance(std::string_view a, std::string_view b);

/** Known key equal ignoring case, else the closest within edit distance 2; nullopt if none. */
std::optional<std::string_view> closest(std::string_view key,
                                        std::span<const std::string_view> known);

inline constexpr std::size_t max_extension_length = 32;

/** 1 to 32 ASCII digits. */
bool is_extension(std::string_view s) noexcept;

/**
 * Number of extensions in [first, last]. @pre both are extensions of equal length, first <= last.
 * Returns nullopt when the count exceeds 10^17 (far beyond any limit we accept).
 */
std::optional<std::uint64_t> range_size(std::string_view first, std::string_view last);

/** Adds one to a digit string, keeping its width. @pre not all nines. */
void increment(std::string& digits);

/** Entry `later` (in file order) shares `extension` with the earlier entry `earlier`. */
struct overlap {
    std::size_t later;
    std::size_t earlier;
    std::string extension;
};

/** Overlaps between ranges, in O(n log n) for n entries (never expands ranges). */
std::vector<overlap> find_overlaps(const std::vector<device_range>& ranges);

/** Membership test over many ranges without expanding them. */
class extension_set {
  public:
    void add(const std::vector<device_range>& ranges);
    /** Call after the last add(); merges overlapping ranges for binary search. */
    void seal();
    bool contains(std::string_view extension) const;

  private:
    struct interval {
        std::string first;
        std::string last;
    };
    std::vector<interval> intervals_;  // sorted by (length, first) and disjoint once sealed
};

}  // namespace ctigw::config::detail
