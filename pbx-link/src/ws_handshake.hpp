// The pieces of the WebSocket opening handshake (RFC 6455 §4.1) and of client masking that need
// randomness or hashing, on OpenSSL, without Beast: connection.cpp writes the upgrade request and
// checks the switch's answer with them.
//
// Thread safety: the functions from any thread; a mask_source belongs to one connection.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ctigw::pbx_link::detail::ws {

/// A fresh Sec-WebSocket-Key: 16 random bytes, base64 (24 characters).
std::string new_key();

/// The Sec-WebSocket-Accept a server must answer `key` with: base64(SHA-1(key + the RFC's GUID)).
std::string accept_for(std::string_view key);

/// Whether the comma-separated header value `value` lists `token` (case-insensitive; spaces and
/// tabs around each element ignored), as Connection must list "upgrade".
bool lists_token(std::string_view value, std::string_view token);

/// Masking keys for client frames from OpenSSL's generator (RFC 6455 §5.3: unpredictable), drawn
/// 64 at a time so that a frame costs no call into OpenSSL.
class mask_source {
  public:
    std::array<std::uint8_t, 4> next();

  private:
    std::array<std::uint8_t, 256> pool_{};
    std::size_t used_ = 256;
};

}  // namespace ctigw::pbx_link::detail::ws
