#include "base64.hpp"

#include <array>
#include <cstdint>

namespace ctigw::protocol::detail {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// int16_t, not int8_t: -1 marks a byte outside the alphabet, and a signed char read as int is
// what bugprone-signed-char-misuse warns about.
constexpr std::array<std::int16_t, 256> make_reverse() {
    std::array<std::int16_t, 256> table{};
    for (auto& v : table) v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int16_t>(i);
    }
    return table;
}
constexpr auto reverse = make_reverse();

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 2 < bytes.size(); i += 3) {
        std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    if (std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0U);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += rest == 2 ? alphabet[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

bool base64_decode_into(std::string_view text, std::string& out) {
    if (text.size() % 4 != 0) return false;
    // Sized once and written through a pointer: appending byte by byte dominated the decode of
    // correlatorData in the codec profile.
    out.resize(text.size() / 4 * 3);
    char* dst = out.data();
    const auto* src = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    // Padding ('=') may only end the last quantum: "xx==" or "xxx=". Anywhere else '=' is not in
    // the alphabet and is refused by the table lookup.
    std::size_t pad = 0;
    if (n >= 4 && src[n - 1] == '=') pad = src[n - 2] == '=' ? 2 : 1;
    const std::size_t full = pad ? n - 4 : n;
    for (std::size_t i = 0; i < full; i += 4) {
        const int a = reverse[src[i]], b = reverse[src[i + 1]], c = reverse[src[i + 2]],
                  d = reverse[src[i + 3]];
        if ((a | b | c | d) < 0) return false;
        const auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
        *dst++ = static_cast<char>(v >> 16 & 0xFF);
        *dst++ = static_cast<char>(v >> 8 & 0xFF);
        *dst++ = static_cast<char>(v & 0xFF);
    }
    if (pad > 0) {
        const int a = reverse[src[full]], b = reverse[src[full + 1]],
                  c = pad == 1 ? reverse[src[full + 2]] : 0;
        if ((a | b | c) < 0) return false;
        const auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
        // Canonical form only: the bits dropped by the padding must be zero.
        if ((pad == 1 && (v & 0xFF) != 0) || (pad == 2 && (v & 0xFFFF) != 0)) return false;
        *dst++ = static_cast<char>(v >> 16 & 0xFF);
        if (pad == 1) *dst++ = static_cast<char>(v >> 8 & 0xFF);
        out.resize(static_cast<std::size_t>(dst - out.data()));
    }
    return true;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    if (!base64_decode_into(text, out)) return std::nullopt;
    return out;
}

}  // namespace ctigw::protocol::detail
