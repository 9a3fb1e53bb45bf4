// The large string-keyed tables of the TSP, the link and the gateway (devices, monitorRefs,
// the fan-out table): open-addressing hash tables (Boost.Unordered), key and value inline. With
// std::unordered_map's node per entry, a table of 100,000 devices made each lookup a cache miss
// or two and each erase a free(), the top cost of a 100,000-line start-up and resync on both
// sides of the link (docs/performance.md, "The per-device tables").
// No pointer stability: nothing may keep a pointer, reference or iterator into one across an
// insertion (or an erase, for iterators other than the erased one).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ctigw::protocol {

/// Hashes std::string and std::string_view alike, so lookups by view build no string.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

template <class Value>
using string_map = boost::unordered_flat_map<std::string, Value, string_hash, std::equal_to<>>;
using string_set = boost::unordered_flat_set<std::string, string_hash, std::equal_to<>>;

}  // namespace ctigw::protocol
