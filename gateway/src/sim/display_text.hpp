// UTF-8 <-> code points for the simulated phone display, whose positions hold characters, not
// bytes (docs/protocol.md §5.9). Any thread; no state.
#pragma once

#include <string>
#include <string_view>

namespace ctigw::gateway::sim {

/// Display positions hold characters, not bytes (docs/protocol.md §5.9). The codec hands over
/// valid UTF-8 only; a stray byte still takes one position rather than derailing the decode.
inline std::u32string code_points(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80           ? 1
                              : (b >> 5) == 0x6  ? 2
                              : (b >> 4) == 0xe  ? 3
                              : (b >> 3) == 0x1e ? 4
                                                 : 1;
        auto cp = static_cast<char32_t>(n == 1 ? b : b & (0x7f >> n));
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fu);
        }
        out.push_back(cp);
        i += n;
    }
    return out;
}

inline std::string utf8(std::u32string_view s) {
    std::string out;
    for (char32_t cp : s) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    return out;
}

}  // namespace ctigw::gateway::sim
