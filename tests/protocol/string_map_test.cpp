// The string-keyed tables (ctigw/protocol/string_map.hpp): their hash reads a key in a load or
// two, so every byte of every length must still count, and lookups by view and by string agree.
#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "ctigw/protocol/string_map.hpp"

namespace ctigw::protocol {
namespace {

TEST(stringMap, KeysOfOneLengthUpToEightBytesNeverShareAHash) {
    const string_hash h;
    // Every key of 1 to 3 bytes over a 16-letter alphabet (each position, the middle one too).
    const std::string_view letters = "0123456789abcxyz";
    for (std::size_t n = 1; n <= 3; ++n) {
        std::set<std::size_t> seen;
        std::size_t keys = 1;
        for (std::size_t i = 0; i < n; ++i) keys *= letters.size();
        for (std::size_t k = 0; k < keys; ++k) {
            std::string key;
            for (std::size_t i = 0, rest = k; i < n; ++i, rest /= letters.size())
                key += letters[rest % letters.size()];
            EXPECT_TRUE(seen.insert(h(key)).second) << key;
        }
    }
    // Extensions of 4 to 8 digits, differing in any one digit.
    for (std::size_t n = 4; n <= 8; ++n) {
        std::set<std::size_t> seen;
        for (std::size_t pos = 0; pos < n; ++pos) {
            for (char d = '0'; d <= '9'; ++d) {
                std::string key(n, '5');
                key[pos] = d;
                seen.insert(h(key));
            }
        }
        EXPECT_EQ(seen.size(), n * 9 + 1) << n;  // "55…5" once, nine others per position
    }
}

TEST(stringMap, EveryByteOfALongKeyCounts) {
    const string_hash h;
    for (std::size_t n = 9; n <= 40; ++n) {
        const std::string base(n, 'k');
        for (std::size_t pos = 0; pos < n; ++pos) {
            std::string other = base;
            other[pos] = 'K';
            EXPECT_NE(h(base), h(other)) << n << " at " << pos;
        }
    }
}

TEST(stringMap, LookupsByViewAndByStringFindTheSameEntries) {
    string_map<int> m;
    for (int i = 0; i < 100000; ++i) m.emplace("c-" + std::to_string(i), i);
    m.emplace("", -1);
    for (int i = 0; i < 100000; i += 7) {
        const std::string key = "c-" + std::to_string(i);
        const auto by_view = m.find(std::string_view(key));
        ASSERT_NE(by_view, m.end()) << key;
        EXPECT_EQ(by_view->second, i);
        EXPECT_EQ(m.find(key), by_view);
    }
    EXPECT_EQ(m.find(std::string_view()), m.find(std::string()));
    EXPECT_EQ(m.find(std::string_view())->second, -1);
    EXPECT_EQ(m.find("c-100000"), m.end());
}

}  // namespace
}  // namespace ctigw::protocol
