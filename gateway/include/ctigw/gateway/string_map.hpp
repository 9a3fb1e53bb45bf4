// The gateway's large string-keyed tables (devices, monitorRefs, the fan-out table): an
// open-addressing hash table, the key and value inline. With std::unordered_map's node per entry,
// a table of 100,000 devices made each lookup a cache miss or two and each erase a free(): a TSP
// of 100,000 lines cost the simulator ~250 ms of monitor bookkeeping at every (re)connection.
// No pointer stability: nothing may keep a pointer, reference or iterator into one across an
// insertion (or an erase, for iterators other than the erased one).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ctigw::gateway {

/// Hashes std::string and std::string_view alike, so lookups by view build no string.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

template <class Value>
using string_map = boost::unordered_flat_map<std::string, Value, string_hash, std::equal_to<>>;

}  // namespace ctigw::gateway
