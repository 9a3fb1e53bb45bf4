// Channel names of Asterisk and the stations they belong to (docs/gateway-config.md,
// "backend.asterisk"). Asterisk names a channel "<tech>/<resource>-<unique>" (PJSIP/2001-0000001a,
// IAX2/2001-11293) and a Local channel half "Local/<exten>@<context>-<unique>;<1|2>"; the part
// before the unique suffix is the endpoint. A station's extension is found from the endpoint by
// the configured `endpoints` map first, then by the `channelPatterns`.
//
// Thread safety: an immutable value once built; const members may be called from any number of
// threads. Every member is pure and allocation-free except where it returns a std::string.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/gateway/settings.hpp"

namespace ctigw::gateway::asterisk {

class channel_map {
  public:
    /**
     * Precomputes the patterns, the endpoint table and the station set. @pre `settings` came from
     * the loader; a pattern without exactly one "{ext}" is ignored, a dial string without one
     * rings the string as written.
     */
    explicit channel_map(const asterisk_backend_settings& settings);

    /**
     * The extension of the station `channel` belongs to, or nullopt (a trunk, an unknown
     * endpoint, an extension outside `stations`). Endpoints listed in `endpoints` win over the
     * patterns. A pattern's "{ext}" matches a run of digits; when the pattern ends in '-', that '-'
     * must be the one before the unique suffix, so "PJSIP/{ext}-" does not take
     * "PJSIP/2001-mobile-00000003" for station 2001. Called for every AMI event: O(patterns +
     * log(endpoints) + log(station ranges)), no allocation beyond the result.
     */
    std::optional<std::string> extension_of(std::string_view channel) const;

    /**
     * The channel name without its unique suffix: "PJSIP/anna-mobile-00000003" ->
     * "PJSIP/anna-mobile", "Local/2003@from-internal-00000002;1" -> "Local/2003@from-internal".
     * A trailing "<ZOMBIE>"-style marker (left by masquerades) is ignored. A name without '-'
     * is returned whole. A view into `channel`.
     */
    static std::string_view endpoint_of(std::string_view channel) noexcept;

    /** Whether `channel` is a Local channel half ("Local/..."). */
    static bool is_local(std::string_view channel) noexcept;

    /** 1 or 2 for the halves of a Local channel (";1", ";2"); 0 for anything else. */
    static int local_half(std::string_view channel) noexcept;

    /** The other half's name ("...;1" <-> "...;2"); nullopt when not a Local channel half. */
    static std::optional<std::string> local_peer(std::string_view channel);

    /** What Originate's Channel rings for `ext`: `dialString` with every "{ext}" replaced. */
    std::string dial_string(std::string_view ext) const;

  private:
    struct pattern {
        std::string prefix;  // before "{ext}", e.g. "PJSIP/"
        std::string tail;    // after it, e.g. "-"; never empty, never starting with a digit
        bool to_suffix;      // tail ends in '-': it reaches the unique suffix
    };

    bool is_station(std::string_view ext) const noexcept { return stations_.contains(ext); }

    std::vector<pattern> patterns_;
    std::map<std::string, std::string, std::less<>> endpoints_;
    device_set stations_;
    std::vector<std::string> dial_parts_;  // dial string split at each "{ext}"
};

}  // namespace ctigw::gateway::asterisk
