// "{ext}" patterns of the Asterisk backend's configuration (docs/gateway-config.md): a device
// state ("Custom:DND{ext}"), a queue member's interface ("Local/{ext}@from-queue/n").
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctigw::gateway::asterisk {

/// `pattern` with every "{ext}" replaced by `ext` (a pattern without one: as written).
inline std::string expand_ext(std::string_view pattern, std::string_view ext) {
    std::string out(pattern);
    for (auto at = out.find("{ext}"); at != std::string::npos;
         at = out.find("{ext}", at + ext.size())) {
        out.replace(at, 5, ext);
    }
    return out;
}

/// The non-empty text `value` has where `pattern` has "{ext}", the rest matching exactly;
/// nullopt when it does not match or the pattern has no "{ext}".
inline std::optional<std::string> match_ext(std::string_view value, std::string_view pattern) {
    const auto at = pattern.find("{ext}");
    if (pattern.empty() || at == std::string_view::npos) return std::nullopt;
    const auto prefix = pattern.substr(0, at);
    const auto suffix = pattern.substr(at + 5);
    if (value.size() <= prefix.size() + suffix.size()) return std::nullopt;
    if (!value.starts_with(prefix) || !value.ends_with(suffix)) return std::nullopt;
    return std::string(value.substr(prefix.size(), value.size() - prefix.size() - suffix.size()));
}

}  // namespace ctigw::gateway::asterisk
