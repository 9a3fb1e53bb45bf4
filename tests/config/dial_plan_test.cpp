#include "ctigw/config/dial_plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctigw::config {
namespace {

dial_plan france() {
    dialing_settings s;
    s.outside_prefix = "0";
    s.country_code = "33";
    s.area_code = "1";
    s.internal_length = 4;
    return dial_plan(s);  // international "00", national "0" by default
}

dial_plan us() {
    dialing_settings s;
    s.outside_prefix = "9";
    s.country_code = "1";
    s.area_code = "425";
    s.internal_length = 4;
    s.international_prefix = "011";
    s.national_prefix = "1";
    return dial_plan(s);
}

std::string dialable(const dial_plan& p, std::string_view n) {
    auto r = p.to_dialable(n);
    return r ? r.value() : "error: " + r.error();
}

TEST(config_dial_plan, france_to_dialable) {
    const auto p = france();
    EXPECT_EQ(dialable(p, "+33 1 23 45 67 89"), "00123456789");
    EXPECT_EQ(dialable(p, "+33 (1) 23-45-67-89"), "00123456789");
    EXPECT_EQ(dialable(p, "+33 6 12 34 56 78"), "00612345678");
    EXPECT_EQ(dialable(p, "+44 20 7946 0958"), "000442079460958");
    EXPECT_EQ(dialable(p, "2001"), "2001");
    EXPECT_EQ(dialable(p, " 01 23 45 67 89 "), "0123456789");
    EXPECT_EQ(dialable(p, "*8#"), "*8#");
}

TEST(config_dial_plan, rejects_bad_input_clearly) {
    const auto p = france();
    EXPECT_EQ(
        dialable(p, "+33 1 2x"),
        "error: invalid character 'x' at position 8; use digits with optional spaces, - . ( )");
    EXPECT_EQ(dialable(p, "20;1"),
              "error: invalid character ';' at position 3; use digits, * and "
              "# with optional spaces, - . ( )");
    EXPECT_EQ(dialable(p, "+*1"),
              "error: invalid character '*' at position 2; use digits with "
              "optional spaces, - . ( )");
    EXPECT_EQ(dialable(p, "  "), "error: the number is empty");
    EXPECT_EQ(dialable(p, "+33"), "error: the number has a country code but no subscriber number");
    EXPECT_EQ(dialable(p, "+ ( )"), "error: the number has no digits");
    EXPECT_EQ(dialable(p, std::string(129, '1')),
              "error: the number is longer than 128 characters");
}

/// Each number as reported by the switch, and its canonical form.
using shapes = std::vector<std::pair<std::string_view, std::string_view>>;

void expect_canonical(const dial_plan& p, const shapes& cases) {
    for (const auto& [reported, canonical] : cases) {
        EXPECT_EQ(p.to_canonical(reported), canonical) << reported;
    }
}

// Issue 12: every shape in which a switch reports an outside number, on a French site where the
// outside prefix and the national prefix are both "0" (and together spell the international
// prefix "00").
TEST(config_dial_plan, france_to_canonical) {
    expect_canonical(
        france(),
        {
            // National form, without the outside prefix (was "+33 1 145678901").
            {"0145678901", "+33 1 45678901"},
            {"0612345678", "+33 612345678"},
            // National form with the outside prefix, as the site dials it.
            {"00145678901", "+33 1 45678901"},
            {"00123456789", "+33 1 23456789"},
            {"00612345678", "+33 612345678"},
            // International form, without and with the outside prefix; the site's own country too.
            {"0033145678901", "+33 1 45678901"},
            {"00033145678901", "+33 1 45678901"},
            {"000442079460958", "+44 2079460958"},
            // Already canonical, with or without separators.
            {"+33145678901", "+33 1 45678901"},
            {"+33 1 45 67 89 01", "+33 1 45678901"},
            {"+442079460958", "+44 2079460958"},
            // A subscriber number alone: a number of the site's area.
            {"45678901", "+33 1 45678901"},
            // Internal extensions, shorter service numbers and what is not a number stay as they
            // are.
            {"2001", "2001"},
            {"112", "112"},
            {"*8#", "*8#"},
            {"anonymous", "anonymous"},
            // Bad input stays as it is too.
            {"+", "+"},
            {"+33", "+33"},
            {"0", "0"},
            {"00", "00"},
            {"0033", "0033"},
            // ... also beyond the internal length (the shorter ones stop at the extension rule):
            // outside + international prefix and a country code with nothing after it.
            {"00033", "00033"},
        });
    const std::string huge(200, '5');
    EXPECT_EQ(france().to_canonical(huge), huge);
}

// The same shapes where the prefixes do not overlap (outside "9", national "1", international
// "011"), and where there is no national prefix and no area code.
TEST(config_dial_plan, us_and_spain_to_canonical) {
    expect_canonical(us(),
                     {
                         {"14255550100", "+1 425 5550100"},       // national
                         {"914255550100", "+1 425 5550100"},      // national, outside prefix
                         {"011442079460958", "+44 2079460958"},   // international
                         {"9011442079460958", "+44 2079460958"},  // international, outside prefix
                         {"+1 (425) 555-0100", "+1 425 5550100"},
                         {"5550100", "+1 425 5550100"},   // subscriber, site's area
                         {"95550100", "+1 425 5550100"},  // subscriber, outside prefix
                         {"1234", "1234"},
                     });
    dialing_settings s;  // Spain-like: no national prefix, no area codes
    s.outside_prefix = "9";
    s.country_code = "34";
    s.national_prefix = "";
    s.internal_length = 3;
    expect_canonical(
        dial_plan(s),
        {
            {"9912345678", "+34 912345678"},  // outside prefix, then the national number
            {"612345678", "+34 612345678"},   // no prefix at all
            {"0034912345678", "+34 912345678"},
            {"90034912345678", "+34 912345678"},
            {"201", "201"},
        });
}

TEST(config_dial_plan, us_both_ways) {
    const auto p = us();
    EXPECT_EQ(dialable(p, "+1 (425) 555-0100"), "914255550100");
    EXPECT_EQ(dialable(p, "+1 212 555 0100"), "912125550100");
    EXPECT_EQ(dialable(p, "+44 20 7946 0958"), "9011442079460958");
    EXPECT_EQ(dialable(p, "1234"), "1234");
    EXPECT_EQ(p.to_canonical("914255550100"), "+1 425 5550100");
    EXPECT_EQ(p.to_canonical("912125550100"), "+1 2125550100");
    EXPECT_EQ(p.to_canonical("95550100"), "+1 425 5550100");  // local call in the site's area
    EXPECT_EQ(p.to_canonical("9011442079460958"), "+44 2079460958");
    EXPECT_EQ(p.to_canonical("90113531234567"), "+353 1234567");
    EXPECT_EQ(p.to_canonical("1234"), "1234");
}

TEST(config_dial_plan, round_trip) {
    for (const auto& p : {france(), us()}) {
        for (std::string_view n : {"+44 2079460958", "+353 1234567", "+7 4951234567"}) {
            EXPECT_EQ(p.to_canonical(p.to_dialable(n).value()), n);
        }
    }
}

TEST(config_dial_plan, country_code_lengths) {
    EXPECT_EQ(country_code_length("14255550100"), 1U);
    EXPECT_EQ(country_code_length("74951234567"), 1U);
    EXPECT_EQ(country_code_length("33123456789"), 2U);
    EXPECT_EQ(country_code_length("3531234567"), 3U);
    EXPECT_EQ(country_code_length("8801234"), 3U);
}

}  // namespace
}  // namespace ctigw::config
