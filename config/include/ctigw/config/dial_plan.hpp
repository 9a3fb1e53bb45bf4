#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/result.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config {

/**
 * Translates between TAPI canonical numbers (`+CC AREA SUBSCRIBER`) and what the switch dials or
 * reports, using the site's dialing settings. Rules (see docs/config.md, "dialing"):
 *
 * to_dialable:
 *  - separators (space - . ( )) are removed;
 *  - `+CC...` with the site's country code -> outsidePrefix + nationalPrefix + national number;
 *  - `+CC...` of another country -> outsidePrefix + internationalPrefix + CC + number;
 *  - digit strings (also with * and #), internal extensions included, pass through;
 *  - anything else is rejected with a message naming the bad character.
 * Country codes are matched by prefix, which is sound because E.164 country codes form a prefix
 * code.
 *
 * to_canonical (numbers reported by the switch; docs/config.md has the table of shapes):
 *  - separators are ignored; anything else that is not a digit leaves the number unchanged;
 *  - `+CC...` -> `+CC REST` (`+SITECC [AREA ]REST` for the site's own country);
 *  - up to internalLength digits: an extension or service number, unchanged;
 *  - longer: read by the longest of the prefixes outside+international, outside+national,
 *    international, national, outside (of two spelt alike, the earlier) as international,
 *    national, or a subscriber of the site's area; no prefix: a subscriber of the site's area.
 *    Where outside+national spells the international prefix (France "0"+"0" = "00"), "00" then
 *    the site's country code is read as international.
 *
 * Thread safety: immutable after construction; const members may be called from any thread.
 */
class dial_plan {
  public:
    /** @pre `settings` passed validation (prefixes and codes are digit strings). */
    explicit dial_plan(dialing_settings settings);

    /** Canonical or dialable number -> the digits the switch should dial. */
    result<std::string> to_dialable(std::string_view number) const;

    /** Number as reported by the switch -> canonical form where possible. */
    std::string to_canonical(std::string_view switch_number) const;

    const dialing_settings& settings() const noexcept { return settings_; }

  private:
    enum class form : std::uint8_t { international, national, local };
    struct reading {
        std::string prefix;
        form kind;
    };
    dialing_settings settings_;
    /// The prefixes a switch may put before an outside number, longest first (built once: the
    /// TSP reads every party of every call event through to_canonical).
    std::vector<reading> readings_;
};

/**
 * Why the national and international prefixes of `s` cannot be told apart in numbers from the
 * switch (to_canonical reads a number by its prefix), or empty: a national prefix equal to the
 * international one, or starting with it, makes every national number read as international.
 * The reverse ("0" and "00", "1" and "011") is the usual plan. Pure; any thread.
 */
std::string prefix_conflict(const dialing_settings& s);

/** Length (1-3) of the E.164 country code at the start of `digits`. Pure; any thread. */
std::size_t country_code_length(std::string_view digits) noexcept;

}  // namespace ctigw::config
