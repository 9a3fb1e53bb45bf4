#include "ctigw/gateway/access.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace ctigw::gateway {

namespace {

constexpr std::string_view scheme = "sha256$";
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t digest_bytes = 32;
constexpr std::size_t token_bytes = 32;
constexpr std::size_t hash_text_length = scheme.size() + 2 * salt_bytes + 1 + 2 * digest_bytes;

using md_ctx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

template <std::size_t N>
bool parse_hex(std::string_view text, std::array<std::uint8_t, N>& out) noexcept {
    if (text.size() != 2 * N) return false;
    for (std::size_t i = 0; i < N; ++i) {
        const int hi = hex_value(text[2 * i]);
        const int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return true;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * size);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0x0F];
    }
    return out;
}

struct parsed {
    std::array<std::uint8_t, salt_bytes> salt{};
    std::array<std::uint8_t, digest_bytes> digest{};
};

std::optional<parsed> parse_hash(std::string_view text) noexcept {
    if (text.size() != hash_text_length || !text.starts_with(scheme)) return std::nullopt;
    text.remove_prefix(scheme.size());
    parsed p;
    if (!parse_hex(text.substr(0, 2 * salt_bytes), p.salt) || text[2 * salt_bytes] != '$' ||
        !parse_hex(text.substr(2 * salt_bytes + 1), p.digest)) {
        return std::nullopt;
    }
    return p;
}

// Tokens travel in a JSON string and may be pasted into files; whitespace or control characters
// are always a copy-and-paste accident.
bool clean(std::string_view token) noexcept {
    return std::all_of(token.begin(), token.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b != 0x7F;
    });
}

bool acceptable_length(std::string_view token) noexcept {
    return token.size() >= min_token_length && token.size() <= max_token_length;
}

// Fetched once: an implicit fetch (EVP_sha256() in EVP_DigestInit_ex) takes a lock per call.
const EVP_MD* sha256() noexcept {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
}

// SHA-256(salt || token) into `out`; false on an OpenSSL failure.
bool salted_digest(EVP_MD_CTX* ctx, const std::array<std::uint8_t, salt_bytes>& salt,
                   std::string_view token, std::array<std::uint8_t, digest_bytes>& out) noexcept {
    unsigned int size = 0;
    return EVP_DigestInit_ex(ctx, sha256(), nullptr) == 1 &&
           EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
           EVP_DigestUpdate(ctx, token.data(), token.size()) == 1 &&
           EVP_DigestFinal_ex(ctx, out.data(), &size) == 1 && size == out.size();
}

void random_bytes(std::uint8_t* out, std::size_t size) {
    if (RAND_bytes(out, static_cast<int>(size)) != 1) {
        throw std::runtime_error("the random number generator failed (RAND_bytes)");
    }
}

}  // namespace

std::string generate_token() {
    std::array<std::uint8_t, token_bytes> raw{};
    random_bytes(raw.data(), raw.size());
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::uint8_t b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 0x3F];
        }
    }
    if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3F];
    OPENSSL_cleanse(raw.data(), raw.size());
    return out;
}

std::string hash_token(std::string_view token) {
    if (token.size() < min_token_length) {
        throw std::invalid_argument("the token is too short (" + std::to_string(token.size()) +
                                    " characters; at least " + std::to_string(min_token_length) +
                                    " are required)");
    }
    if (token.size() > max_token_length) {
        throw std::invalid_argument("the token is longer than " + std::to_string(max_token_length) +
                                    " characters");
    }
    if (!clean(token)) {
        throw std::invalid_argument("the token contains whitespace or control characters");
    }
    std::array<std::uint8_t, salt_bytes> salt{};
    random_bytes(salt.data(), salt.size());
    std::array<std::uint8_t, digest_bytes> digest{};
    md_ctx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || !salted_digest(ctx.get(), salt, token, digest)) {
        throw std::runtime_error("SHA-256 failed (OpenSSL)");
    }
    return std::string(scheme) + to_hex(salt.data(), salt.size()) + "$" +
           to_hex(digest.data(), digest.size());
}

bool is_token_hash(std::string_view text) noexcept {
    return parse_hash(text).has_value();
}

bool verify_token(std::string_view token, std::string_view token_hash) noexcept {
    const auto p = parse_hash(token_hash);
    if (!p || !acceptable_length(token)) return false;
    md_ctx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::array<std::uint8_t, digest_bytes> digest{};
    if (!ctx || !salted_digest(ctx.get(), p->salt, token, digest)) return false;
    return CRYPTO_memcmp(digest.data(), p->digest.data(), digest.size()) == 0;
}

access_control::access_control(std::vector<client> clients) : clients_(std::move(clients)) {
    hashes_.reserve(clients_.size());
    for (const auto& c : clients_) {
        parsed_hash h;
        if (auto p = parse_hash(c.token_hash)) {
            h.salt = p->salt;
            h.digest = p->digest;
            h.valid = true;
        }
        hashes_.push_back(h);
    }
}

const client* access_control::authenticate(std::string_view token) const {
    if (!acceptable_length(token)) return nullptr;
    md_ctx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx) return nullptr;
    const client* match = nullptr;
    std::array<std::uint8_t, digest_bytes> digest{};
    // No early exit: the time taken must not tell which client (if any) the token belongs to.
    for (std::size_t i = 0; i < hashes_.size(); ++i) {
        const parsed_hash& h = hashes_[i];
        if (!salted_digest(ctx.get(), h.salt, token, digest)) return nullptr;
        const bool equal = CRYPTO_memcmp(digest.data(), h.digest.data(), digest.size()) == 0;
        if (equal && h.valid && match == nullptr) match = &clients_[i];
    }
    OPENSSL_cleanse(digest.data(), digest.size());
    return match;
}

access access_control::rights(const client& c, std::string_view device) noexcept {
    if (c.devices.contains(device)) return access::control;
    if (c.monitor_only.contains(device)) return access::monitor;
    return access::none;
}

const client* access_control::find(std::string_view name) const noexcept {
    auto it = std::find_if(clients_.begin(), clients_.end(),
                           [&](const client& c) { return c.name == name; });
    return it == clients_.end() ? nullptr : &*it;
}

const char* to_string(access a) noexcept {
    switch (a) {
        case access::monitor:
            return "monitor";
        case access::control:
            return "control";
        case access::none:
            break;
    }
    return "none";
}

}  // namespace ctigw::gateway
