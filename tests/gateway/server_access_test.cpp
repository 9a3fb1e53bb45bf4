// Per-token rights at the gateway's server (docs/gateway-config.md "clients", protocol.md §3.4
// privilegeViolationSpecifiedDevice): a token sees and controls only its own devices.
#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;

constexpr std::string_view agent_token = "agent-2001-token-0123456789abcdef";
constexpr std::string_view watcher_token = "watcher-token-0123456789abcdef-xyz";

std::vector<client> agent_and_watcher() {
    return {make_client("agent-2001", agent_token, devices_of({"2001"})),
            make_client("watcher", watcher_token, {}, devices_of({"2000-2009"}))};
}

bool refused(const response& r) {
    const auto* e = std::get_if<csta_error>(&r.outcome);
    return e != nullptr && e->category == error_category::security &&
           e->value == error_values::privilege_violation;
}

TEST(GatewayAccess, ATokenFor2001CannotMonitorOrCallFrom2002) {
    running_gateway gw(agent_and_watcher());
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(std::string(agent_token)));

    EXPECT_TRUE(succeeded(agent.call(svc::monitor_start::params{"2001"})));
    EXPECT_TRUE(refused(agent.call(svc::monitor_start::params{"2002"})));
    EXPECT_TRUE(refused(agent.call(svc::make_call::params{"2002", "2003", {}, {}})));
    EXPECT_TRUE(refused(agent.call(svc::snapshot_device::params{"2002"})));
    EXPECT_TRUE(refused(agent.call(svc::set_do_not_disturb::params{"2002", true})));

    // A batch answers per item: its own device monitored, the other refused.
    const auto batch = agent.call(svc::monitor_start_batch::params{{"2001", "2002"}});
    const auto& items =
        std::get<svc::monitor_start_batch::result>(std::get<service_result>(batch.outcome)).results;
    ASSERT_EQ(items.size(), 2U);
    EXPECT_TRUE(items[0].monitor_ref.has_value());
    ASSERT_TRUE(items[1].error.has_value());
    EXPECT_EQ(items[1].error->value, error_values::privilege_violation);

    // Calling *to* 2002 is a dialled number, not control of 2002: allowed.
    const auto call = agent.call(svc::make_call::params{"2001", "2002", {}, {}});
    ASSERT_TRUE(succeeded(call));
    const auto call_id = std::get<svc::make_call::result>(std::get<service_result>(call.outcome))
                             .calling_connection.call_id;
    // 2002's connection in that call is not the agent's to answer...
    EXPECT_TRUE(refused(agent.call(svc::answer_call::params{{call_id, "2002"}})));
    // ...but the call has the agent's device in it, so the agent may clear it.
    EXPECT_TRUE(succeeded(agent.call(svc::clear_call::params{call_id})));

    const auto st = gw.stats();
    EXPECT_EQ(st.access_refusals, 6U);
    EXPECT_TRUE(gw.logged("(agent-2001): MonitorStart refused: device 2002"));
    EXPECT_FALSE(gw.logged(agent_token));
}

TEST(GatewayAccess, MonitorOnlyDevicesAreWatchedButNotControlled) {
    running_gateway gw(agent_and_watcher());
    gateway_client watcher(gw.port());
    ASSERT_TRUE(watcher.login(std::string(watcher_token)));
    EXPECT_TRUE(succeeded(watcher.call(svc::monitor_start::params{"2005"})));
    EXPECT_TRUE(succeeded(watcher.call(svc::snapshot_device::params{"2005"})));
    EXPECT_TRUE(refused(watcher.call(svc::make_call::params{"2005", "2006", {}, {}})));
    EXPECT_TRUE(refused(watcher.call(svc::monitor_start::params{"2010"})));
}

TEST(GatewayAccess, EventsOfADeviceOutsideTheRightsNeverReachTheSession) {
    running_gateway gw(agent_and_watcher());
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(std::string(agent_token)));
    ASSERT_TRUE(succeeded(agent.call(svc::monitor_start::params{"2001"})));
    gateway_client watcher(gw.port());
    ASSERT_TRUE(watcher.login(std::string(watcher_token)));
    ASSERT_TRUE(succeeded(watcher.call(svc::monitor_start_batch::params{{"2002", "2003"}})));
    // 2002 calls 2003: the watcher sees it, the agent (2001 only) sees nothing.
    gw.run([](server&, sim_backend& b) {
        b.with_model([](sim::switch_model& m, sim::time_point now) {
            ASSERT_EQ(m.device_action("2002", "offhook", now), "");
            ASSERT_EQ(m.device_action("2002", "dial 2003", now), "");
        });
    });
    // Events are queued on the server thread before a later request is even read, so
    // everything the agent would get arrives before this response.
    agent.call(svc::request_system_status::params{});
    EXPECT_TRUE(agent.take_events().empty());
    watcher.call(svc::request_system_status::params{});
    EXPECT_FALSE(watcher.take_events().empty());
}

TEST(GatewayAccess, AFloodOfRefusedRequestsIsCountedButLoggedOnlyAFewTimes) {
    running_gateway gw(agent_and_watcher());
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(std::string(agent_token)));
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(refused(agent.call(svc::monitor_start::params{"2002"})));
    }
    EXPECT_EQ(gw.stats().access_refusals, 50U);
    EXPECT_EQ(gw.log_count("outside the client's rights"), 3U);
    EXPECT_TRUE(gw.logged("further refusals of this session are counted, not logged"));
    // The session is still served.
    EXPECT_TRUE(succeeded(agent.call(svc::monitor_start::params{"2001"})));
}

TEST(GatewayAccess, ARequestFloodIsAnsweredResourceBusyBeyondTheRateAndLoggedOnce) {
    server_options o;
    o.requests_per_second = 5;  // a bucket of 5, refilled at 5/s
    running_gateway gw(agent_and_watcher(), o);
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(std::string(agent_token)));  // 2 of the 5
    int served = 0, busy = 0;
    for (int i = 0; i < 40; ++i) {
        const auto r = agent.call(svc::get_do_not_disturb::params{"2001"});
        if (succeeded(r)) {
            ++served;
        } else {
            EXPECT_EQ(error_of(r).value, error_values::resource_busy);
            ++busy;
        }
    }
    // 3 left in the bucket, plus whatever trickled in meanwhile (5/s).
    EXPECT_GE(served, 3);
    EXPECT_GE(busy, 20);
    EXPECT_EQ(gw.stats().requests_rate_limited, static_cast<std::uint64_t>(busy));
    EXPECT_EQ(gw.log_count("requests/s, answering resourceBusy"), 1U);
}

TEST(GatewayAccess, AnUnknownTokenIsRefusedWith4001AndNeverLogged) {
    running_gateway gw(agent_and_watcher());
    gateway_client intruder(gw.port());
    constexpr std::string_view guess = "guessed-token-0123456789abcdef-guess";
    EXPECT_FALSE(intruder.login(std::string(guess)));
    EXPECT_EQ(intruder.read_until_closed(), 4001);
    EXPECT_EQ(gw.stats().authentication_failures, 1U);
    EXPECT_FALSE(gw.logged(guess));
}

}  // namespace
}  // namespace ctigw::gateway::testing
