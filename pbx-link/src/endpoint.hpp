// Small pure helpers shared by the link and its tests (no Asio, no OpenSSL).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctigw::pbx_link::detail {

/// "AB:cd:..." or "abcd..." -> 64 lower-case hex digits; nullopt when it is not a SHA-256.
std::optional<std::string> normalize_pin(std::string_view pin);

/// `url` for logs and figures: a query, which could carry a credential, is replaced by "?...".
std::string without_query(std::string_view url);

/// Whether `host` is an IPv4/IPv6 literal (SNI must not carry those, RFC 6066 §3).
bool is_ip_literal(std::string_view host);

}  // namespace ctigw::pbx_link::detail
