#include "ctigw/config/loader.hpp"

#include <gtest/gtest.h>

#include "ctigw/config/devices.hpp"

namespace ctigw::config {
namespace {

const std::filesystem::path examples = CTIGW_CONFIG_EXAMPLES_DIR;

std::string first_error(const load_result& r) {
    return r.errors.empty() ? std::string() : format(r.errors.front());
}

TEST(config_examples, small_office_loads) {
    const auto r = load_file(examples / "small-office.json");
    ASSERT_TRUE(r.ok()) << first_error(r);
    EXPECT_EQ(count(r.value->devices.lines), 8U);
    EXPECT_EQ(expand(r.value->devices, device_kind::line)[0].name, "Alice Martin");
}

TEST(config_examples, call_centre_loads) {
    const auto r = load_file(examples / "call-centre-5000.json");
    ASSERT_TRUE(r.ok()) << first_error(r);
    const settings& s = *r.value;
    EXPECT_EQ(count(s.devices.lines), 5000U);
    EXPECT_EQ(count(s.devices.phones), 5000U);
    EXPECT_EQ(s.link.endpoints.size(), 2U);
    EXPECT_TRUE(s.link.tls.pinned_sha256.has_value());
    EXPECT_TRUE(s.link.fallback_to_primary.enabled);
}

TEST(config_examples, demo_loads) {
    const auto r = load_file(examples / "demo.json");
    ASSERT_TRUE(r.ok()) << first_error(r);
    EXPECT_EQ(r.value->link.auth.token_env, "CTIGW_DEMO_TOKEN");
    EXPECT_EQ(r.value->link.tls.ca_file, (examples / "certs/ca.pem").lexically_normal());
}

}  // namespace
}  // namespace ctigw::config
