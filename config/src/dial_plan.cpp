#include "ctigw/config/dial_plan.hpp"

#include <algorithm>
#include <array>

namespace ctigw::config {

namespace {

constexpr std::size_t max_number_length = 128;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
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

dial_plan::dial_plan(dialing_settings settings) : settings_(std::move(settings)) {}

result<std::string> dial_plan::to_dialable(std::string_view number) const {
    using r = result<std::string>;
    const std::string_view text = trim(number);
    if (text.empty()) return r::failure("the number is empty");
    if (text.size() > max_number_length) {
        return r::failure("the number is longer than " + std::to_string(max_number_length) +
                          " characters");
    }
    const bool canonical = text.front() == '+';
    std::string digits;
    for (std::size_t i = canonical ? 1 : 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_digit(c) || (!canonical && (c == '*' || c == '#'))) {
            digits += c;
        } else if (!is_separator(c)) {
            return r::failure("invalid character " + describe_char(c) + " at position " +
                              std::to_string(i + 1) + "; use digits" +
                              (canonical ? "" : ", * and #") + " with optional spaces, - . ( )");
        }
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

std::string dial_plan::to_canonical(std::string_view switch_number) const {
    const dialing_settings& s = settings_;
    const std::string original(switch_number);
    if (!all_digits(switch_number) || s.country_code.empty()) return original;
    if (switch_number.size() == s.internal_length) return original;
    if (!switch_number.starts_with(s.outside_prefix)) return original;
    const std::string_view rest = switch_number.substr(s.outside_prefix.size());
    if (rest.empty()) return original;

    // The international prefix is tested first: it usually starts with the national one ("00"
    // and "0", "011" and "1").
    if (!s.international_prefix.empty() && rest.starts_with(s.international_prefix)) {
        const std::string_view international = rest.substr(s.international_prefix.size());
        const std::size_t cc = country_code_length(international);
        if (international.size() <= cc) return original;
        return "+" + std::string(international.substr(0, cc)) + " " +
               std::string(international.substr(cc));
    }
    std::string national;
    if (s.national_prefix.empty()) {
        national = rest;
    } else if (rest.starts_with(s.national_prefix)) {
        national = rest.substr(s.national_prefix.size());
        if (national.empty()) return original;
    } else {
        national = s.area_code + std::string(rest);  // a local call within the site's area
    }
    if (!s.area_code.empty() && national.size() > s.area_code.size() &&
        national.starts_with(s.area_code)) {
        return "+" + s.country_code + " " + s.area_code + " " + national.substr(s.area_code.size());
    }
    return "+" + s.country_code + " " + national;
}

}  // namespace ctigw::config
