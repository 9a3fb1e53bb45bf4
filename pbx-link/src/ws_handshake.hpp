// The pieces of the WebSocket opening handshake (RFC 6455 §4.1) and of client masking: the key
// and the accept on OpenSSL, the answer's checks with Beast's header helpers. The header needs
// neither: connection.cpp writes the upgrade request and checks the switch's answer with them.
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

/// What RFC 6455 §4.1 has a client check in the switch's answer to its upgrade request.
struct upgrade_answer {
    unsigned status = 0;          ///< the HTTP status: 101 opens the WebSocket
    std::string_view reason;      ///< the status line's text (the switch's: escaped when quoted)
    std::string_view upgrade;     ///< Upgrade: must be "websocket" (any case)
    std::string_view connection;  ///< Connection: must list the token "upgrade"
    std::string_view accept;      ///< Sec-WebSocket-Accept: must be accept_for(the key sent)
    bool extensions = false;      ///< Sec-WebSocket-Extensions present (none is offered)
};

/// Why `answer` does not open a WebSocket for the request that sent `key`, in an operator's
/// words; empty when it does. The subprotocol is checked apart (a refusal there is closed 1002).
std::string upgrade_refusal(const upgrade_answer& answer, std::string_view key);

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
