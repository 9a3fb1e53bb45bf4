#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ctigw/config/result.hpp"

namespace ctigw::config {

/** One switch WebSocket endpoint, parsed from `ws[s]://host[:port][/path]`. */
struct endpoint {
    std::string url;           ///< as written in the file
    bool secure = true;        ///< wss:// (TLS); false only for ws://
    std::string host;          ///< host name or address; IPv6 without brackets
    std::uint16_t port = 443;  ///< 443 for wss, 80 for ws when not written
    std::string target = "/";  ///< path and query, always starting with '/'
};

/**
 * Parses a WebSocket URL. Accepts `ws://` too: whether an unencrypted endpoint is allowed is a
 * policy decided by the loader (`allowInsecure`). Rejects user info (credentials) and fragments.
 * The error message never repeats the URL. Pure function; callable from any thread.
 */
result<endpoint> parse_endpoint(std::string_view url);

/** Normalised form `wss://host:port/target` (IPv6 hosts bracketed). Pure; any thread. */
std::string to_string(const endpoint& e);

}  // namespace ctigw::config
