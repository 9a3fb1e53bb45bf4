#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/gateway/settings.hpp"

// Per-token access control of ctigw-gateway (docs/gateway-config.md, "clients").
//
// Tokens are high-entropy random secrets made by generate_token(), so a fast salted hash is
// enough (nothing to brute-force) and keeps authentication cheap although it must try every
// client. Stored form: "sha256$<salt: 32 hex digits>$<SHA-256(salt || token): 64 hex digits>".

namespace ctigw::gateway {

/** What a client may do with one device. control implies monitor. */
enum class access { none, monitor, control };

inline constexpr std::size_t min_token_length = 24;
/// Longer tokens are refused without hashing, so that a hostile client cannot make
/// authenticate() hash megabytes once per configured client.
inline constexpr std::size_t max_token_length = 512;

/**
 * A new token: 32 random bytes (RAND_bytes) in unpadded base64url, 43 characters.
 * Throws std::runtime_error when the random generator fails. Any thread.
 */
std::string generate_token();

/**
 * The stored form of `token`, with a fresh 16-byte random salt. Throws std::invalid_argument when
 * the token is shorter than min_token_length, longer than max_token_length, or contains
 * whitespace or control characters (the message never repeats the token); std::runtime_error when
 * the random generator fails. Any thread.
 */
std::string hash_token(std::string_view token);

/** Whether `text` has the stored form (does not say anything about which token). Any thread. */
bool is_token_hash(std::string_view text) noexcept;

/**
 * Whether `token` hashes to `token_hash`, compared in constant time (CRYPTO_memcmp). False for a
 * malformed hash or an out-of-range token length. Any thread.
 */
bool verify_token(std::string_view token, std::string_view token_hash) noexcept;

/**
 * Authenticates tokens and answers "may this client use this device?".
 *
 * Thread safety: immutable after construction; every const member may be called concurrently
 * from any thread (each call uses its own hashing context).
 */
class access_control {
  public:
    /**
     * @pre every token_hash satisfies is_token_hash() (the loader guarantees it); clients whose
     * hash does not are kept but can never authenticate.
     */
    explicit access_control(std::vector<client> clients);

    /**
     * The client whose token this is, or nullptr. Cost: one salted SHA-256 per client, always all
     * of them (the time taken does not depend on which client matched). When two clients share a
     * token (possible only with different salts), the first in file order wins.
     */
    const client* authenticate(std::string_view token) const;

    /** control when `device` is in c.devices, else monitor when in c.monitor_only, else none. */
    static access rights(const client& c, std::string_view device) noexcept;

    const std::vector<client>& clients() const noexcept { return clients_; }
    /** By name; nullptr if none. Linear; for admin paths, not per request. */
    const client* find(std::string_view name) const noexcept;

  private:
    struct parsed_hash {
        std::array<std::uint8_t, 16> salt{};
        std::array<std::uint8_t, 32> digest{};
        bool valid = false;
    };

    std::vector<client> clients_;
    std::vector<parsed_hash> hashes_;  // same order as clients_
};

/** "none", "monitor" or "control". Pure; any thread. */
const char* to_string(access a) noexcept;

}  // namespace ctigw::gateway
