#include "ctigw/config/endpoint.hpp"

#include <algorithm>
#include <cctype>

namespace ctigw::config {

namespace {

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

}  // namespace

result<endpoint> parse_endpoint(std::string_view url) {
    using r = result<endpoint>;
    constexpr const char* shape = "expected a URL like wss://host:port/path";
    if (std::any_of(url.begin(), url.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; })) {
        return r::failure("URL contains spaces or control characters");
    }
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return r::failure(shape);
    std::string scheme(url.substr(0, scheme_end));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    endpoint e;
    e.url = std::string(url);
    if (scheme == "wss") {
        e.secure = true;
        e.port = 443;
    } else if (scheme == "ws") {
        e.secure = false;
        e.port = 80;
    } else {
        return r::failure("unsupported scheme; use wss://host:port/path");
    }
    std::string_view rest = url.substr(scheme_end + 3);
    if (rest.find('#') != std::string_view::npos)
        return r::failure("URL fragments (#) are not allowed");
    // A query is where credentials get pasted (?token=...); the token has its own settings and
    // the switch protocol takes no parameters, so no query at all.
    if (rest.find('?') != std::string_view::npos) {
        return r::failure(
            "a query (?...) is not allowed in the switch URL; the token belongs in "
            "tokenFile or tokenEnv");
    }
    const auto authority_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return r::failure("credentials in the URL are not allowed; use tokenFile or tokenEnv");
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return r::failure("unterminated IPv6 address");
        e.host = std::string(authority.substr(1, close - 1));
        if (e.host.empty() || !std::all_of(e.host.begin(), e.host.end(), is_ipv6_char)) {
            return r::failure("invalid IPv6 address");
        }
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) return r::failure(shape);
            port_text = after.substr(1);
            if (port_text.empty()) return r::failure("missing port number after ':'");
        }
    } else {
        const auto colon = authority.find(':');
        e.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) return r::failure("missing port number after ':'");
        }
        if (e.host.empty()) return r::failure("missing host name");
        if (e.host.size() > 253 || !std::all_of(e.host.begin(), e.host.end(), is_host_char) ||
            e.host.front() == '.' || e.host.front() == '-' || e.host.back() == '-') {
            return r::failure("invalid host name");
        }
    }
    if (!port_text.empty()) {
        if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                                 [](char c) { return c >= '0' && c <= '9'; })) {
            return r::failure("invalid port; expected a number from 1 to 65535");
        }
        const int port = std::stoi(std::string(port_text));
        if (port < 1 || port > 65535) return r::failure("port is out of range (1 to 65535)");
        e.port = static_cast<std::uint16_t>(port);
    }
    if (authority_end != std::string_view::npos) {
        e.target = std::string(rest.substr(authority_end));
        if (e.target.front() == '?') e.target.insert(0, "/");
    }
    return r::success(std::move(e));
}

std::string to_string(const endpoint& e) {
    const bool v6 = e.host.find(':') != std::string::npos;
    std::string out = e.secure ? "wss://" : "ws://";
    out += v6 ? "[" + e.host + "]" : e.host;
    out += ":" + std::to_string(e.port) + e.target;
    return out;
}

}  // namespace ctigw::config
