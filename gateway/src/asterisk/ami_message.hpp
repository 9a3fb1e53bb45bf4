// One AMI message (docs/asterisk.md): an action we send, or a response or event Asterisk sends.
// AMI frames are "Name: value" lines ended by an empty line; names are matched without regard to
// case (as Asterisk's astman_get_header does) and may repeat (Variable, ChanVariable).
//
// Thread safety: a value type; const access from any number of threads is safe.
#pragma once

#include <charconv>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctigw::gateway::ami {

struct header {
    std::string name;
    std::string value;
    friend bool operator==(const header&, const header&) = default;
};

inline bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// A header value as a decimal integer: all of it, nothing else ("16", "7001"); nullopt
/// otherwise (also when it does not fit `Int`).
template <class Int = int>
std::optional<Int> to_int(std::string_view text) noexcept {
    Int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

class message {
  public:
    message() = default;
    message(std::initializer_list<std::pair<std::string_view, std::string_view>> headers) {
        for (const auto& [n, v] : headers) add(std::string(n), std::string(v));
    }

    void add(std::string name, std::string value) {
        bytes_ += name.size() + value.size() + 4;  // ": " and CRLF
        headers_.push_back({std::move(name), std::move(value)});
    }

    /// The first value of `name`; empty when absent (AMI does not tell absent from empty).
    std::string_view get(std::string_view name) const noexcept {
        for (const auto& h : headers_)
            if (same_name(h.name, name)) return h.value;
        return {};
    }
    bool has(std::string_view name) const noexcept {
        for (const auto& h : headers_)
            if (same_name(h.name, name)) return true;
        return false;
    }
    /// Every value of a repeated header, in order.
    std::vector<std::string_view> all(std::string_view name) const {
        std::vector<std::string_view> out;
        for (const auto& h : headers_)
            if (same_name(h.name, name)) out.emplace_back(h.value);
        return out;
    }

    std::string_view event() const noexcept { return get("Event"); }
    std::string_view response() const noexcept { return get("Response"); }
    std::string_view action_id() const noexcept { return get("ActionID"); }
    bool is_event() const noexcept { return has("Event"); }
    bool is_response() const noexcept { return has("Response"); }

    const std::vector<header>& headers() const noexcept { return headers_; }
    bool empty() const noexcept { return headers_.empty(); }
    /// Size on the wire (without the closing empty line).
    std::size_t size_bytes() const noexcept { return bytes_; }

    friend bool operator==(const message& a, const message& b) { return a.headers_ == b.headers_; }

  private:
    std::vector<header> headers_;
    std::size_t bytes_ = 0;
};

}  // namespace ctigw::gateway::ami
