// Whether bytes from a peer are well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing
// past U+10FFFF), checked with simdjson's SIMD validator: a WebSocket text message and a close
// reason must be UTF-8 (RFC 6455 §8.1), and the link checks every message it reads.
//
// Thread safety: a pure function; any thread.
#pragma once

#include <string_view>

namespace ctigw::protocol {

bool valid_utf8(std::string_view s) noexcept;

}  // namespace ctigw::protocol
