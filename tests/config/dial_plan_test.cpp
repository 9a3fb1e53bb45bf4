#include "ctigw/config/dial_plan.hpp"

#include <gtest/gtest.h>

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

TEST(config_dial_plan, france_to_canonical) {
    const auto p = france();
    EXPECT_EQ(p.to_canonical("2001"), "2001");
    EXPECT_EQ(p.to_canonical("00123456789"), "+33 1 23456789");
    EXPECT_EQ(p.to_canonical("00612345678"), "+33 612345678");
    EXPECT_EQ(p.to_canonical("000442079460958"), "+44 2079460958");
    EXPECT_EQ(p.to_canonical("023456789"), "+33 1 23456789");  // local call in the site area
    EXPECT_EQ(p.to_canonical("123456"), "123456");             // no outside prefix: unchanged
    EXPECT_EQ(p.to_canonical("anonymous"), "anonymous");       // not a number: unchanged
    EXPECT_EQ(p.to_canonical("0"), "0");
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
