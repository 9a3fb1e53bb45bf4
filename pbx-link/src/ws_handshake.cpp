#include "ws_handshake.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <stdexcept>

#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::pbx_link::detail::ws {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

beast::string_view text(std::string_view s) {
    return {s.data(), s.size()};
}

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void random_bytes(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
}

std::string base64(const unsigned char* in, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

}  // namespace

std::string new_key() {
    std::array<unsigned char, 16> raw{};
    random_bytes(raw.data(), raw.size());
    return base64(raw.data(), raw.size());
}

std::string accept_for(std::string_view key) {
    std::string text(key);
    text += kGuid;
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
        throw std::runtime_error("SHA-1 failed");
    }
    return base64(digest.data(), size);
}

std::string upgrade_refusal(const upgrade_answer& answer, std::string_view key) {
    if (answer.status != 101) {
        return "the switch answered HTTP " + std::to_string(answer.status) +
               (answer.reason.empty() ? std::string()
                                      : " " + protocol::log_safe(answer.reason, 80));
    }
    // §4.1: Upgrade is "websocket" (any case); Connection lists the token "upgrade".
    if (!beast::iequals(text(answer.upgrade), "websocket")) {
        return "the switch's answer has no Upgrade: websocket";
    }
    if (!http::token_list(text(answer.connection)).exists("upgrade")) {
        return "the switch's answer has no Connection: upgrade";
    }
    if (answer.accept != accept_for(key)) {
        return "the switch's Sec-WebSocket-Accept does not match the key sent";
    }
    if (answer.extensions) return "the switch chose an extension that was not offered";
    return {};
}

std::array<std::uint8_t, 4> mask_source::next() {
    if (used_ + 4 > pool_.size()) {
        random_bytes(pool_.data(), pool_.size());
        used_ = 0;
    }
    std::array<std::uint8_t, 4> key{};
    std::memcpy(key.data(), pool_.data() + used_, 4);
    used_ += 4;
    return key;
}

}  // namespace ctigw::pbx_link::detail::ws
