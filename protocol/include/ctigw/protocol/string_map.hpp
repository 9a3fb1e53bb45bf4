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
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

namespace ctigw::protocol {

/// Hashes std::string and std::string_view alike, so lookups by view build no string.
///
/// The keys are short (extensions, callIDs, monitorRefs: mostly under 16 bytes) and a switch
/// event looks up several, so this reads a key in at most two loads (overlapping) below 16 bytes
/// instead of std::hash's byte-oriented loop (~45 instructions a key, 2% of the TSP's event
/// path). Keys of one length up to 8 bytes never collide (the loads cover every byte and each
/// step is invertible); the tables mix the result again (Boost.Unordered's post-mix), so it
/// needs no avalanche of its own. Unkeyed, as std::hash is.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        const char* p = s.data();
        const std::size_t n = s.size();
        std::uint64_t h = n * kMultiplier;
        if (n >= 8) {
            for (std::size_t at = 0; at + 8 < n; at += 8) h = step(h, load<8>(p + at));
            h = step(h, load<8>(p + n - 8));
        } else if (n >= 4) {
            h = step(h, load<4>(p) | load<4>(p + n - 4) << 32);
        } else if (n > 0) {
            h = step(h, static_cast<unsigned char>(p[0]) |
                            std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
                            std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
        }
        return static_cast<std::size_t>(h ^ (h >> 29));
    }

  private:
    static constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;  // odd: invertible
    template <std::size_t N>
    static std::uint64_t load(const char* p) noexcept {
        std::conditional_t<N == 8, std::uint64_t, std::uint32_t> w = 0;
        std::memcpy(&w, p, N);
        return w;
    }
    static std::uint64_t step(std::uint64_t h, std::uint64_t w) noexcept {
        h = (h ^ w) * kMultiplier;
        return h ^ (h >> 32);
    }
};

template <class Value>
using string_map = boost::unordered_flat_map<std::string, Value, string_hash, std::equal_to<>>;
using string_set = boost::unordered_flat_set<std::string, string_hash, std::equal_to<>>;

}  // namespace ctigw::protocol
