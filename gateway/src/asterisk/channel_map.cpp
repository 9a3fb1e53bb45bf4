#include "channel_map.hpp"

#include <algorithm>

namespace ctigw::gateway::asterisk {

namespace {

constexpr std::string_view placeholder = "{ext}";
constexpr std::size_t max_extension = 32;

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// "IAX2/2001-1234<ZOMBIE>" -> "IAX2/2001-1234": markers Asterisk appends to a channel that lost
// a masquerade.
std::string_view without_marker(std::string_view channel) noexcept {
    if (!channel.ends_with('>')) return channel;
    const auto open = channel.rfind('<');
    return open == std::string_view::npos ? channel : channel.substr(0, open);
}

// The ";1"/";2" of a Local channel half, as 1 or 2; 0 when absent.
int half_of(std::string_view name) noexcept {
    if (!name.starts_with("Local/") || name.size() < 2 || name[name.size() - 2] != ';') return 0;
    return name.back() == '1' ? 1 : name.back() == '2' ? 2 : 0;
}

}  // namespace

channel_map::channel_map(const asterisk_backend_settings& settings)
    : endpoints_(settings.endpoints.begin(), settings.endpoints.end()),
      stations_(settings.stations) {
    for (const auto& p : settings.channel_patterns) {
        const auto at = p.find(placeholder);
        if (at == std::string::npos || p.find(placeholder, at + 1) != std::string::npos) continue;
        pattern compiled{p.substr(0, at), p.substr(at + placeholder.size()), false};
        if (compiled.tail.empty() || is_digit(compiled.tail.front())) continue;
        compiled.to_suffix = compiled.tail.back() == '-';
        patterns_.push_back(std::move(compiled));
    }
    std::string_view rest = settings.dial_string;
    for (auto at = rest.find(placeholder); at != std::string_view::npos;
         at = rest.find(placeholder)) {
        dial_parts_.emplace_back(rest.substr(0, at));
        rest.remove_prefix(at + placeholder.size());
    }
    dial_parts_.emplace_back(rest);
}

std::string_view channel_map::endpoint_of(std::string_view channel) noexcept {
    std::string_view name = without_marker(channel);
    if (name.starts_with("Local/")) {
        // Only a real half ("...-<unique>;1") has a unique suffix; "Local/2001@from-internal"
        // (a dial string) is an endpoint already.
        if (half_of(name) == 0) return name;
        name.remove_suffix(2);
    }
    const auto dash = name.rfind('-');
    const auto slash = name.find('/');
    if (dash == std::string_view::npos || (slash != std::string_view::npos && dash < slash)) {
        return name;
    }
    return name.substr(0, dash);
}

bool channel_map::is_local(std::string_view channel) noexcept {
    return channel.starts_with("Local/");
}

int channel_map::local_half(std::string_view channel) noexcept {
    return half_of(without_marker(channel));
}

std::optional<std::string> channel_map::local_peer(std::string_view channel) {
    const std::string_view name = without_marker(channel);
    const int half = half_of(name);
    if (half == 0) return std::nullopt;
    std::string peer(name);
    peer.back() = half == 1 ? '2' : '1';
    return peer;
}

std::optional<std::string> channel_map::extension_of(std::string_view channel) const {
    const std::string_view name = without_marker(channel);
    const std::string_view endpoint = endpoint_of(name);
    if (auto it = endpoints_.find(endpoint); it != endpoints_.end()) return it->second;
    for (const auto& p : patterns_) {
        if (!name.starts_with(p.prefix)) continue;
        const std::size_t begin = p.prefix.size();
        std::size_t end = begin;
        while (end < name.size() && is_digit(name[end])) ++end;
        if (end == begin || end - begin > max_extension) continue;
        if (!name.substr(end).starts_with(p.tail)) continue;
        const std::size_t match_end = end + p.tail.size();
        // A final '-' must be the separator of the unique suffix (right after the endpoint);
        // any other tail must stay inside the endpoint.
        if (p.to_suffix ? match_end != endpoint.size() + 1 : match_end > endpoint.size()) continue;
        const std::string_view ext = name.substr(begin, end - begin);
        if (is_station(ext)) return std::string(ext);
    }
    return std::nullopt;
}

std::string channel_map::dial_string(std::string_view ext) const {
    std::string out = dial_parts_.front();
    for (std::size_t i = 1; i < dial_parts_.size(); ++i) {
        out += ext;
        out += dial_parts_[i];
    }
    return out;
}

}  // namespace ctigw::gateway::asterisk
