// Endpoint URLs, enum names and the certificate pin format.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "ctigw/pbx_link/link.hpp"
#include "endpoint.hpp"

namespace ctigw::pbx_link {

std::string_view to_string(link_state s) {
    switch (s) {
        case link_state::stopped:
            return "stopped";
        case link_state::connecting:
            return "connecting";
        case link_state::tls_handshake:
            return "tls_handshake";
        case link_state::ws_handshake:
            return "ws_handshake";
        case link_state::negotiating:
            return "negotiating";
        case link_state::authenticating:
            return "authenticating";
        case link_state::monitoring:
            return "monitoring";
        case link_state::resyncing:
            return "resyncing";
        case link_state::live:
            return "live";
        case link_state::backoff:
            return "backoff";
    }
    return "?";
}

std::string_view to_string(request_failure f) {
    switch (f) {
        case request_failure::csta_error:
            return "csta_error";
        case request_failure::timeout:
            return "timeout";
        case request_failure::link_lost:
            return "link_lost";
        case request_failure::not_connected:
            return "not_connected";
        case request_failure::backpressure:
            return "backpressure";
        case request_failure::stopped:
            return "stopped";
    }
    return "?";
}

namespace detail {

std::string without_query(std::string_view url) {
    const auto q = url.find('?');
    if (q == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, q)) + "?...";
}

}  // namespace detail

std::optional<endpoint> parse_endpoint(std::string_view url) {
    endpoint ep;
    ep.url = std::string(url);
    std::string_view rest;
    auto starts = [&](std::string_view scheme) {
        if (url.size() < scheme.size()) return false;
        for (std::size_t i = 0; i < scheme.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
        }
        return true;
    };
    if (starts("wss://")) {
        ep.secure = true;
        ep.port = 443;
        rest = url.substr(6);
    } else if (starts("ws://")) {
        ep.secure = false;
        ep.port = 80;
        rest = url.substr(5);
    } else {
        return std::nullopt;
    }
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    ep.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (ep.target.find_first_of(" \t\r\n#") != std::string::npos) return std::nullopt;
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

    std::string_view host, port;
    if (authority.front() == '[') {  // [v6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
            if (port.empty()) return std::nullopt;
        }
    } else {
        const auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            if (authority.find(':') != colon) return std::nullopt;  // bare IPv6 needs brackets
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
            if (port.empty()) return std::nullopt;
        } else {
            host = authority;
        }
    }
    if (host.empty()) return std::nullopt;
    for (char c : host) {
        const auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '.' || c == '-' || c == ':' || c == '_')) return std::nullopt;
    }
    if (!port.empty()) {
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) {
            return std::nullopt;
        }
        ep.port = static_cast<std::uint16_t>(value);
    }
    ep.host = std::string(host);
    return ep;
}

namespace detail {

std::optional<std::string> normalize_pin(std::string_view pin) {
    std::string out;
    for (char c : pin) {
        if (c == ':') continue;
        const auto u = static_cast<unsigned char>(c);
        if (!std::isxdigit(u)) return std::nullopt;
        out += static_cast<char>(std::tolower(u));
    }
    if (out.size() != 64) return std::nullopt;
    return out;
}

bool is_ip_literal(std::string_view host) {
    if (host.find(':') != std::string_view::npos) return true;  // IPv6
    int dots = 0;
    for (char c : host) {
        if (c == '.')
            ++dots;
        else if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return dots == 3;
}

}  // namespace detail
}  // namespace ctigw::pbx_link
