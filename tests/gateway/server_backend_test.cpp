// The backend's status reaches every session (docs/protocol.md §7): switch unreachable ->
// systemStatus disabled and requests refused; back -> enabled; restarted -> initializing, close
// 1001 and a new instanceId. The gateway itself never needs a restart.
#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;

constexpr std::string_view token = "tapi-server-token-0123456789abcdef";

std::vector<client> one_client() {
    return {make_client("tapi-server", token, device_set::every_device())};
}

system_status next_status(gateway_client& c) {
    for (;;) {
        auto m = c.next();
        if (const auto* st = std::get_if<system_status_message>(&m)) return st->status;
    }
}

std::string instance_of(gateway_client& c) {
    const auto r = c.call(svc::hello::params{{1}, "test", {}});
    return std::get<svc::hello::result>(std::get<service_result>(r.outcome)).instance_id;
}

TEST(GatewayBackend, DownThenUpReachesEverySessionAndRequestsAreRefusedMeanwhile) {
    running_gateway gw(one_client());
    gateway_client a(gw.port());
    gateway_client b(gw.port());
    ASSERT_TRUE(a.login(std::string(token)));
    ASSERT_TRUE(b.login(std::string(token)));
    ASSERT_TRUE(succeeded(a.call(svc::monitor_start::params{"2001"})));

    gw.run([](server&, sim_backend& be) { be.set_unreachable(true); });
    EXPECT_EQ(next_status(a), system_status::disabled);
    EXPECT_EQ(next_status(b), system_status::disabled);
    const auto refused = a.call(svc::make_call::params{"2001", "2002", {}, {}});
    EXPECT_EQ(error_of(refused).value, error_values::resource_busy);
    // RequestSystemStatus still answers, with the current value.
    const auto st = a.call(svc::request_system_status::params{});
    EXPECT_EQ(
        std::get<svc::request_system_status::result>(std::get<service_result>(st.outcome)).status,
        system_status::disabled);
    // A session that logs in while the switch is down learns it at once.
    gateway_client late(gw.port());
    ASSERT_TRUE(late.login(std::string(token)));
    EXPECT_EQ(next_status(late), system_status::disabled);

    gw.run([](server&, sim_backend& be) { be.set_unreachable(false); });
    EXPECT_EQ(next_status(a), system_status::enabled);
    EXPECT_EQ(next_status(b), system_status::enabled);
    EXPECT_EQ(next_status(late), system_status::enabled);
    EXPECT_TRUE(succeeded(a.call(svc::make_call::params{"2001", "2002", {}, {}})));
    EXPECT_TRUE(gw.logged("backend sim: down"));
    EXPECT_TRUE(gw.logged("backend sim: up"));
}

TEST(GatewayBackend, ARestartedSwitchClosesSessionsWith1001AndANewInstance) {
    running_gateway gw(one_client());
    gateway_client a(gw.port());
    const auto before = instance_of(a);
    ASSERT_TRUE(succeeded(a.call(svc::authenticate::params{std::string(token)})));
    ASSERT_TRUE(succeeded(a.call(svc::monitor_start::params{"2001"})));

    gw.run([](server&, sim_backend& be) { be.restart(); });
    EXPECT_EQ(next_status(a), system_status::initializing);
    EXPECT_EQ(a.read_until_closed(), 1001);

    // The gateway serves on: a new session gets the new instance and can monitor again.
    gateway_client again(gw.port());
    const auto after = instance_of(again);
    EXPECT_NE(after, before);
    EXPECT_EQ(after.substr(0, 16), before.substr(0, 16)) << "the gateway's own half stays";
    ASSERT_TRUE(succeeded(again.call(svc::authenticate::params{std::string(token)})));
    EXPECT_TRUE(succeeded(again.call(svc::monitor_start::params{"2001"})));
    const auto st = gw.stats();
    EXPECT_EQ(st.devices_monitored, 1U);
    EXPECT_EQ(st.monitors, 1U);
}

TEST(GatewayVersions, HelloPicksTheHighestCommonVersionAndRefusesNoCommonOne) {
    running_gateway gw(one_client());
    auto version_for = [&](std::vector<std::uint32_t> offered) {
        gateway_client c(gw.port());
        const auto r = c.call(svc::hello::params{std::move(offered), "test", {}});
        return std::get<svc::hello::result>(std::get<service_result>(r.outcome)).version;
    };
    EXPECT_EQ(version_for({1}), 1u);
    EXPECT_EQ(version_for({1, 2}), 2u);
    EXPECT_EQ(version_for({2, 1}), 2u);
    EXPECT_EQ(version_for({3, 2, 1}), 3u);
    EXPECT_EQ(version_for({7, 3, 2, 1}), 3u);  // a future client still gets what both speak

    gateway_client none(gw.port());
    const auto r = none.call(svc::hello::params{{7}, "test", {}});
    EXPECT_EQ(error_of(r).value, error_values::unsupported_version);
    EXPECT_NE(error_of(r).message.value_or("").find("versions 1 to 3"), std::string::npos);
    EXPECT_EQ(none.read_until_closed(), 4003);
}

TEST(GatewayVersions, AVersion2ServiceOnAVersion1SessionIsNotSupported) {
    running_gateway gw(one_client());
    gateway_client old(gw.port());
    ASSERT_TRUE(old.login(std::string(token)));
    const auto r = old.call(svc::get_agent_state::params{"2001", {}});
    EXPECT_EQ(error_of(r).value, error_values::service_not_supported);
    EXPECT_NE(error_of(r).message.value_or("").find("needs protocol version 2"), std::string::npos);
    // The same request on a version-2 session reaches the switch (the simulator has no ACD).
    gateway_client now(gw.port());
    ASSERT_TRUE(now.login(std::string(token), {2, 1}));
    const auto m = now.call(svc::monitor_start::params{"2001"});
    const auto& caps =
        std::get<svc::monitor_start::result>(std::get<service_result>(m.outcome)).caps;
    ASSERT_TRUE(caps);
    EXPECT_NE(std::find(caps->unsupported.begin(), caps->unsupported.end(), "SetAgentState"),
              caps->unsupported.end());
    const auto r2 = now.call(svc::get_agent_state::params{"2001", {}});
    EXPECT_EQ(error_of(r2).value, error_values::service_not_supported);
    EXPECT_EQ(error_of(r2).message.value_or("").find("needs protocol version"), std::string::npos);
}

}  // namespace
}  // namespace ctigw::gateway::testing
