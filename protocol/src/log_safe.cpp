#include "ctigw/protocol/log_safe.hpp"

#include <cstdint>

namespace ctigw::protocol {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

std::string hex_byte(unsigned char b) {
    return {'\\', 'x', hex_digits[b >> 4], hex_digits[b & 15]};
}

/// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates,
/// nothing above U+10FFFF), and its code point; 0 when the bytes are not UTF-8.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    cp = b0 & (0x7Fu >> n);
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/// Code points that are valid UTF-8 but still act on a terminal or a log viewer: C1 controls
/// (U+009B is a CSI), line and paragraph separators, bidi embeddings, overrides and isolates.
bool invisible_control(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string u_escape(std::uint32_t cp) {
    std::string out = "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(cp >> shift) & 15];
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

std::string display_text(std::string_view s, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size() && chars < max_chars;) {
        std::uint32_t cp = static_cast<unsigned char>(s[i]);
        std::size_t used = 1;
        if (std::uint32_t decoded = 0; cp >= 0x80) {
            if (const std::size_t n = utf8_sequence(s, i, decoded); n != 0) {
                used = n;
                cp = decoded;
            }  // else: a Latin-1 byte, cp is its code point
        }
        i += used;
        if (cp < 0x20 || cp == 0x7F || invisible_control(cp)) cp = ' ';
        if (cp == ' ' && out.empty()) continue;  // no leading spaces
        append_utf8(out, cp);
        ++chars;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string log_safe(std::string_view s, std::size_t max) {
    std::string out;
    out.reserve(s.size() < max ? s.size() : max);
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::string unit;
        std::size_t used = 1;
        if (b == '\n') {
            unit = "\\n";
        } else if (b == '\r') {
            unit = "\\r";
        } else if (b == '\t') {
            unit = "\\t";
        } else if (b == '\\') {
            unit = "\\\\";
        } else if (b < 0x20 || b == 0x7F) {
            unit = hex_byte(b);
        } else if (b < 0x80) {
            unit.assign(1, static_cast<char>(b));
        } else {
            std::uint32_t cp = 0;
            used = utf8_sequence(s, i, cp);
            if (used == 0) {
                used = 1;
                unit = hex_byte(b);
            } else if (invisible_control(cp)) {
                unit = u_escape(cp);
            } else {
                unit.assign(s.substr(i, used));
            }
        }
        if (out.size() + unit.size() > max) {
            // Whole escapes and characters only: the cut never leaves half of one.
            return out + "...[" + std::to_string(s.size()) + " bytes]";
        }
        out += unit;
        i += used;
    }
    return out;
}

}  // namespace ctigw::protocol
