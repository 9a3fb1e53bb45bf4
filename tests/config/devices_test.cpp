#include "ctigw/config/devices.hpp"

#include <gtest/gtest.h>

#include "ctigw/config/detail/text.hpp"
#include "ctigw/config/loader.hpp"

namespace ctigw::config {
namespace {

device_settings load_devices(std::string_view devices) {
    const auto r = load_text(R"({"switch": {"endpoints": ["wss://p/"], "auth": {"tokenEnv": "T"}},
                                "devices": )" +
                             std::string(devices) + "}");
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : format(r.errors[0]));
    return r.ok() ? r.value->devices : device_settings{};
}

TEST(config_devices, expands_ranges_names_and_groups) {
    const auto d = load_devices(R"j({
        "lines": ["2001", {"range": "098-101", "name": "Agent {ext} ({ext})",
                           "options": {"pickupGroup": "sales"}},
                  {"extension": "3000", "name": "Reception"}],
        "phones": ["2001"],
        "names": {"099": "Alice", "2001": "Bob"}})j");
    const auto lines = expand(d, device_kind::line);
    ASSERT_EQ(lines.size(), 6U);
    EXPECT_EQ(lines[0].extension, "2001");
    EXPECT_EQ(lines[0].name, "Bob");
    EXPECT_EQ(lines[1].extension, "098");
    EXPECT_EQ(lines[1].name, "Agent 098 (098)");
    EXPECT_EQ(lines[1].pickup_group, "sales");
    EXPECT_EQ(lines[2].name, "Alice");
    EXPECT_EQ(lines[4].extension, "101");
    EXPECT_EQ(lines[5].name, "Reception");
    EXPECT_TRUE(lines[5].pickup_group.empty());
    const auto phones = expand(d, device_kind::phone);
    ASSERT_EQ(phones.size(), 1U);
    EXPECT_EQ(phones[0].name, "Bob");
    EXPECT_EQ(count(d.lines), 6U);
}

TEST(config_devices, roles_expand_with_their_lines) {
    const auto d = load_devices(R"j({
        "lines": ["2001", {"extension": "8000", "name": "Sales", "options": {"role": "acdGroup"}},
                  {"range": "8100-8101", "options": {"role": "routePoint"}},
                  {"extension": "8200", "options": {"role": "queue"}},
                  {"extension": "2002", "options": {"role": "station"}}]})j");
    const auto lines = expand(d, device_kind::line);
    ASSERT_EQ(lines.size(), 6U);
    EXPECT_EQ(lines[0].role, line_role::station);
    EXPECT_EQ(lines[1].role, line_role::acd_group);
    EXPECT_EQ(lines[1].name, "Sales");
    EXPECT_EQ(lines[2].role, line_role::route_point);
    EXPECT_EQ(lines[3].role, line_role::route_point);
    EXPECT_EQ(lines[4].role, line_role::queue);
    EXPECT_EQ(lines[5].role, line_role::station);
    EXPECT_STREQ(to_string(line_role::acd_group), "acdGroup");
}

TEST(config_devices, default_names) {
    const auto d = load_devices(R"({"lines": ["7"], "phones": ["8-9"]})");
    EXPECT_EQ(expand(d, device_kind::line)[0].name, "Line 7");
    EXPECT_EQ(expand(d, device_kind::phone)[1].name, "Phone 9");
}

TEST(config_devices, large_ranges_expand_in_order) {
    const auto d = load_devices(
        R"({"lines": ["10000-59999"], "phones": ["00000000000000000000000000099990-00000000000000000000000000100089"]})");
    const auto lines = expand(d, device_kind::line);
    ASSERT_EQ(lines.size(), 50000U);
    EXPECT_EQ(lines.back().extension, "59999");
    const auto phones = expand(d, device_kind::phone);
    ASSERT_EQ(phones.size(), 100U);
    EXPECT_EQ(phones[10].extension, "00000000000000000000000000100000");
}

TEST(config_devices, invalid_hand_built_range_is_skipped) {
    device_settings d;
    d.lines.push_back({"9", "1", "", "", ""});
    EXPECT_TRUE(expand(d, device_kind::line).empty());
}

TEST(config_devices, range_helpers) {
    EXPECT_EQ(detail::range_size("2000", "2999"), 1000U);
    EXPECT_EQ(detail::range_size("5", "5"), 1U);
    EXPECT_EQ(detail::range_size("1" + std::string(30, '0'), "1" + std::string(25, '0') + "99999"),
              100000U);
    EXPECT_FALSE(detail::range_size(std::string(32, '0'), std::string(32, '9')).has_value());
    std::string s = "0999";
    detail::increment(s);
    EXPECT_EQ(s, "1000");
    EXPECT_TRUE(detail::is_extension(std::string(32, '1')));
    EXPECT_FALSE(detail::is_extension(std::string(33, '1')));
    EXPECT_FALSE(detail::is_extension("*1"));
}

TEST(config_devices, overlaps_and_membership) {
    std::vector<device_range> r = {{"100", "199", "", "", ""},
                                   {"50", "60", "", "", ""},
                                   {"150", "150", "", "", ""},
                                   {"060", "070", "", "", ""},
                                   {"199", "250", "", "", ""}};
    const auto o = detail::find_overlaps(r);
    ASSERT_EQ(o.size(), 2U);
    EXPECT_EQ(o[0].later, 2U);
    EXPECT_EQ(o[0].earlier, 0U);
    EXPECT_EQ(o[0].extension, "150");
    EXPECT_EQ(o[1].later, 4U);
    EXPECT_EQ(o[1].extension, "199");
    detail::extension_set set;
    set.add(r);
    set.seal();
    EXPECT_TRUE(set.contains("250"));
    EXPECT_TRUE(set.contains("065"));
    EXPECT_FALSE(set.contains("65"));
    EXPECT_FALSE(set.contains("251"));
    EXPECT_FALSE(set.contains("099"));
}

TEST(config_devices, did_you_mean) {
    const std::string_view known[] = {"connectMs", "requestMs", "heartbeatIntervalMs"};
    EXPECT_EQ(detail::closest("conectMs", known), "connectMs");
    EXPECT_EQ(detail::closest("REQUESTMS", known), "requestMs");
    EXPECT_FALSE(detail::closest("timeout", known).has_value());
    EXPECT_EQ(detail::edit_distance("kitten", "sitting"), 3U);
}

}  // namespace
}  // namespace ctigw::config
