// UTF-8/UTF-16 conversion and bounds-checked reading of TAPI variable-size structures.
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp {

namespace {

constexpr char32_t replacement = 0xFFFD;

void append_utf16(std::u16string& out, char32_t cp) {
    if (cp < 0x10000) {
        out.push_back(static_cast<char16_t>(cp));
    } else {
        cp -= 0x10000;
        out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
        out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    }
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

// Decoder follows Unicode's "maximal subpart" practice (Table 3-7 well-formed sequences): the
// second byte's allowed range depends on the lead byte, which rules out overlongs, surrogates
// and values above U+10FFFF without a separate check.
std::u16string utf8_to_utf16(std::string_view utf8) {
    std::u16string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    const std::size_t n = utf8.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(utf8[i]);
        if (b0 < 0x80) {
            out.push_back(static_cast<char16_t>(b0));
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        char32_t cp = 0;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            cp = b0 & 0x1Fu;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            cp = b0 & 0x0Fu;
            if (b0 == 0xE0) lo = 0xA0;
            if (b0 == 0xED) hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            cp = b0 & 0x07u;
            if (b0 == 0xF0) lo = 0x90;
            if (b0 == 0xF4) hi = 0x8F;
        } else {
            append_utf16(out, replacement);
            ++i;
            continue;
        }
        std::size_t k = 1;
        bool ok = true;
        for (; k < len; ++k) {
            if (i + k >= n) {
                ok = false;
                break;
            }
            const auto b = static_cast<unsigned char>(utf8[i + k]);
            const unsigned char min = (k == 1) ? lo : static_cast<unsigned char>(0x80);
            const unsigned char max = (k == 1) ? hi : static_cast<unsigned char>(0xBF);
            if (b < min || b > max) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (b & 0x3Fu);
        }
        if (!ok) {
            append_utf16(out, replacement);
            i += k;  // the maximal valid prefix is one replacement; resume at the offending byte
            continue;
        }
        append_utf16(out, cp);
        i += len;
    }
    return out;
}

std::string utf16_to_utf8(std::u16string_view utf16) {
    std::string out;
    out.reserve(utf16.size() * 3);
    const std::size_t n = utf16.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t u = utf16[i];
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 1 < n && utf16[i + 1] >= 0xDC00 && utf16[i + 1] <= 0xDFFF) {
                const char32_t cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) +
                                    (static_cast<char32_t>(utf16[i + 1]) - 0xDC00);
                append_utf8(out, cp);
                ++i;
            } else {
                append_utf8(out, replacement);
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            append_utf8(out, replacement);
        } else {
            append_utf8(out, u);
        }
    }
    return out;
}

std::u16string_view wide_view(LPCWSTR text, std::size_t max_chars) noexcept {
    if (text == nullptr) return {};
    // On Windows WCHAR is wchar_t (16-bit); on Linux it is char16_t. Same representation.
    static_assert(sizeof(WCHAR) == sizeof(char16_t));
    const auto* p = reinterpret_cast<const char16_t*>(text);
    std::size_t len = 0;
    while (len < max_chars && p[len] != u'\0') ++len;
    return {p, len};
}

std::optional<std::span<const std::byte>> read_var_field(const void* structure, std::uint32_t fixed,
                                                         std::uint32_t size,
                                                         std::uint32_t offset) noexcept {
    if (structure == nullptr) return std::nullopt;
    if (size == 0) return std::span<const std::byte>{};
    DWORD total = 0;
    std::memcpy(&total, structure, sizeof total);
    const std::uint64_t end = static_cast<std::uint64_t>(offset) + size;
    if (offset < fixed || end > total) return std::nullopt;
    const auto* base = static_cast<const std::byte*>(structure);
    return std::span<const std::byte>{base + offset, size};
}

std::optional<std::u16string> read_var_string(const void* structure, std::uint32_t fixed,
                                              std::uint32_t size, std::uint32_t offset) {
    if (size % 2 != 0) return std::nullopt;
    auto field = read_var_field(structure, fixed, size, offset);
    if (!field) return std::nullopt;
    std::u16string out;
    const std::size_t chars = field->size() / 2;
    out.reserve(chars);
    for (std::size_t i = 0; i < chars; ++i) {
        char16_t c = 0;
        std::memcpy(&c, field->data() + 2 * i, sizeof c);
        if (c == u'\0') break;
        out.push_back(c);
    }
    return out;
}

}  // namespace ctigw::tsp
