#include "ctigw/config/dial_plan.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace ctigw::config {

namespace {

constexpr std::size_t max_number_length = 128;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

/// Appends the digits of `text` (and * and # when `star_hash`) to `digits`, skipping separators;
/// the index of the first other character, or npos.
std::size_t collect_digits(std::string_view text, bool star_hash, std::string& digits) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_digit(c) || (star_hash && (c == '*' || c == '#'))) {
            digits += c;
        } else if (!is_separator(c)) {
            return i;
        }
    }
    return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string describe_char(char c) {
    const auto b = static_cast<unsigned char>(c);
    if (b > 0x20 && b < 0x7F) return std::string("'") + c + "'";
    constexpr char hex[] = "0123456789ABCDEF";
    return std::string("byte 0x") + hex[b >> 4] + hex[b & 0xF];
}

}  // namespace

std::size_t country_code_length(std::string_view digits) noexcept {
    if (digits.empty()) return 0;
    if (digits[0] == '1' || digits[0] == '7') return 1;
    if (digits.size() < 2) return digits.size();
    // The two-digit codes of ITU-T E.164; every other code has three digits.
    static constexpr std::array<std::string_view, 44> two_digit = {
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"};
    const std::string_view first_two = digits.substr(0, 2);
    if (std::find(two_digit.begin(), two_digit.end(), first_two) != two_digit.end()) return 2;
    return std::min<std::size_t>(3, digits.size());
}

std::string prefix_conflict(const dialing_settings& s) {
    const std::string& national = s.national_prefix;
    const std::string& international = s.international_prefix;
    if (national.empty() || !national.starts_with(international)) return {};
    if (national == international) {
        return "nationalPrefix and internationalPrefix are both \"" + national +
               "\": a national number could not be told from an international one";
    }
    return "nationalPrefix \"" + national + "\" starts with internationalPrefix \"" +
           international + "\": every national number would read as an international one";
}

dial_plan::dial_plan(dialing_settings settings) : settings_(std::move(settings)) {
    // Of two prefixes that are spelt the same (France: outside "0" + national "0" is
    // international "00"; national "0" is outside "0"), the earlier in this list wins: numbers
    // are read as the site dials them.
    const dialing_settings& s = settings_;
    const std::string& out = s.outside_prefix;
    if (!out.empty()) {
        readings_.push_back({out + s.international_prefix, form::international});
        readings_.push_back({out + s.national_prefix, form::national});
    }
    readings_.push_back({s.international_prefix, form::international});
    if (!s.national_prefix.empty()) readings_.push_back({s.national_prefix, form::national});
    if (!out.empty()) readings_.push_back({out, form::local});
    std::stable_sort(readings_.begin(), readings_.end(), [](const reading& a, const reading& b) {
        return a.prefix.size() > b.prefix.size();
    });
}

result<std::string> dial_plan::to_dialable(std::string_view number) const {
    using r = result<std::string>;
    const std::string_view text = trim(number);
    if (text.empty()) return r::failure("the number is empty");
    if (text.size() > max_number_length) {
        return r::failure("the number is longer than " + std::to_string(max_number_length) +
                          " characters");
    }
    const bool canonical = text.front() == '+';
    const std::size_t skip = canonical ? 1 : 0;
    std::string digits;
    if (const auto bad = collect_digits(text.substr(skip), !canonical, digits);
        bad != std::string_view::npos) {
        return r::failure("invalid character " + describe_char(text[skip + bad]) + " at position " +
                          std::to_string(skip + bad + 1) + "; use digits" +
                          (canonical ? "" : ", * and #") + " with optional spaces, - . ( )");
    }
    if (digits.empty()) return r::failure("the number has no digits");
    if (!canonical) return r::success(std::move(digits));

    const dialing_settings& s = settings_;
    if (!s.country_code.empty() && digits.starts_with(s.country_code)) {
        if (digits.size() == s.country_code.size()) {
            return r::failure("the number has a country code but no subscriber number");
        }
        return r::success(s.outside_prefix + s.national_prefix +
                          digits.substr(s.country_code.size()));
    }
    if (digits.size() <= country_code_length(digits)) {
        return r::failure("the number has a country code but no subscriber number");
    }
    return r::success(s.outside_prefix + s.international_prefix + digits);
}

namespace {

/// "+CC [AREA ]REST" of a national significant number of the site's country.
std::string national_canonical(const dialing_settings& s, std::string_view nsn) {
    const std::string& area = s.area_code;
    if (!area.empty() && nsn.size() > area.size() && nsn.starts_with(area)) {
        return "+" + s.country_code + " " + area + " " + std::string(nsn.substr(area.size()));
    }
    return "+" + s.country_code + " " + std::string(nsn);
}

/// "+CC REST" of an international number (country code and the rest); the site's own country as
/// national_canonical. Empty when there is nothing after the country code.
std::string international_canonical(const dialing_settings& s, std::string_view digits) {
    const std::size_t cc = country_code_length(digits);
    if (digits.size() <= cc) return {};
    if (digits.substr(0, cc) == s.country_code) return national_canonical(s, digits.substr(cc));
    return "+" + std::string(digits.substr(0, cc)) + " " + std::string(digits.substr(cc));
}

}  // namespace

std::string dial_plan::to_canonical(std::string_view switch_number) const {
    const dialing_settings& s = settings_;
    const auto original = [&] { return std::string(switch_number); };
    if (s.country_code.empty() || switch_number.size() > max_number_length) return original();
    const bool plus = switch_number.starts_with('+');
    std::string n;
    if (collect_digits(switch_number.substr(plus ? 1 : 0), false, n) != std::string_view::npos) {
        return original();  // a name, "anonymous", a feature code
    }
    if (n.empty()) return original();
    if (plus) {
        auto out = international_canonical(s, n);
        return out.empty() ? original() : out;
    }
    if (n.size() <= s.internal_length) return original();  // extensions, service numbers

    std::string_view rest = n;
    form kind = form::local;  // no prefix: a subscriber number of the site's area
    for (const auto& [prefix, f] : readings_) {
        if (!n.starts_with(prefix)) continue;
        rest = std::string_view(n).substr(prefix.size());
        kind = f;
        // "00" + the site's own country code is that country in international form, not a
        // national number after the outside prefix.
        if (f == form::national && prefix == s.international_prefix &&
            rest.starts_with(s.country_code)) {
            kind = form::international;
        }
        break;
    }
    if (rest.empty()) return original();
    if (kind == form::international) {
        auto canonical = international_canonical(s, rest);
        return canonical.empty() ? original() : canonical;
    }
    if (kind == form::local) return national_canonical(s, s.area_code + std::string(rest));
    return national_canonical(s, rest);
}

}  // namespace ctigw::config
