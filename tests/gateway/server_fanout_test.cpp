// One backend, many sessions (issue: "each event reaches exactly the sessions that monitor that
// device"; "a slow session is closed by its own bounded queue without slowing the others"), and
// the scale of a call centre: 200 sessions x 50 devices plus one TAPI server with 10,000.
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;

std::string token_for(std::size_t i) {
    return "session-token-" + std::to_string(i) + "-0123456789abcdef";
}

/// Monitors `devices` (in batches of at most 5000) and returns monitorRef -> device.
std::map<std::string, std::string> monitor_all(gateway_client& c,
                                               const std::vector<std::string>& devices) {
    std::map<std::string, std::string> refs;
    for (std::size_t at = 0; at < devices.size(); at += 5000) {
        std::vector<std::string> part(
            devices.begin() + static_cast<std::ptrdiff_t>(at),
            devices.begin() + static_cast<std::ptrdiff_t>(std::min(devices.size(), at + 5000)));
        const auto r = c.call(svc::monitor_start_batch::params{part});
        const auto& items =
            std::get<svc::monitor_start_batch::result>(std::get<service_result>(r.outcome)).results;
        for (const auto& item : items) {
            EXPECT_TRUE(item.monitor_ref.has_value()) << item.device;
            if (item.monitor_ref) refs.emplace(*item.monitor_ref, item.device);
        }
    }
    return refs;
}

/// The devices that the events a client received so far are about (by their monitorRef).
std::multiset<std::string> devices_seen(gateway_client& c,
                                        const std::map<std::string, std::string>& refs) {
    c.call(svc::request_system_status::params{});  // everything queued before arrives first
    std::multiset<std::string> seen;
    for (const auto& m : c.take_events()) {
        const auto* e = std::get_if<event_message>(&m);
        if (e == nullptr || !e->monitor_ref) continue;
        const auto it = refs.find(*e->monitor_ref);
        seen.insert(it == refs.end() ? "foreign monitorRef " + *e->monitor_ref : it->second);
    }
    return seen;
}

std::vector<std::string> range(int first, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back(std::to_string(first + i));
    return out;
}

void call_between(running_gateway& gw, const std::string& from, const std::string& to) {
    gw.run([&](server&, sim_backend& b) {
        b.with_model([&](sim::switch_model& m, sim::time_point now) {
            ASSERT_EQ(m.device_action(from, "offhook", now), "");
            ASSERT_EQ(m.device_action(from, "dial " + to, now), "");
        });
    });
}

TEST(GatewayFanOut, EachEventReachesExactlyTheSessionsMonitoringItsDevice) {
    // Ten agents of ten extensions each, and one supervisor who watches all of them.
    std::vector<client> clients;
    for (int i = 0; i < 10; ++i) {
        const auto first = std::to_string(2000 + 10 * i);
        const auto last = std::to_string(2009 + 10 * i);
        clients.push_back(make_client("team-" + std::to_string(i),
                                      token_for(static_cast<std::size_t>(i)),
                                      device_set({{first, last}})));
    }
    clients.push_back(make_client("supervisor", token_for(99), {}, devices_of({"2000-2099"})));
    running_gateway gw(std::move(clients));

    std::vector<std::unique_ptr<gateway_client>> teams;
    std::vector<std::map<std::string, std::string>> refs;
    for (int i = 0; i < 10; ++i) {
        teams.push_back(std::make_unique<gateway_client>(gw.port()));
        ASSERT_TRUE(teams.back()->login(token_for(static_cast<std::size_t>(i))));
        refs.push_back(monitor_all(*teams.back(), range(2000 + 10 * i, 10)));
    }
    gateway_client supervisor(gw.port());
    ASSERT_TRUE(supervisor.login(token_for(99)));
    const auto sup_refs = monitor_all(supervisor, range(2000, 100));

    call_between(gw, "2001", "2011");  // team 0 calls team 1

    const auto sup_seen = devices_seen(supervisor, sup_refs);
    ASSERT_GT(sup_seen.count("2001"), 0U);
    ASSERT_GT(sup_seen.count("2011"), 0U);
    EXPECT_EQ(sup_seen.size(), sup_seen.count("2001") + sup_seen.count("2011"));
    // Each team sees exactly what the supervisor saw of its own devices, in number too.
    for (std::size_t i = 0; i < teams.size(); ++i) {
        const auto seen = devices_seen(*teams[i], refs[i]);
        std::set<std::string> mine;
        for (const auto& [ref, device] : refs[i]) mine.insert(device);
        std::multiset<std::string> expected;
        for (const auto& d : sup_seen) {
            if (mine.count(d) != 0) expected.insert(d);
        }
        EXPECT_EQ(seen, expected) << "team " << i;
    }
    // Encoded once per device event, sent once per monitoring session.
    const auto st = gw.stats();
    EXPECT_EQ(st.events_encoded, sup_seen.size());
    EXPECT_EQ(st.events_sent, 2 * sup_seen.size());
    EXPECT_EQ(st.devices_monitored, 100U);
    EXPECT_EQ(st.monitors, 200U);
}

// The event_timestamps option: every event of one device event carries the same timestamp (it
// is encoded once), RFC 3339 UTC with microseconds, taken when the gateway encoded it; off by
// default. The queued-bytes figures come back to 0 once the clients have read everything.
TEST(GatewayFanOut, EventTimestampsAreTheEncodingTimeInMicrosecondsWhenAskedFor) {
    for (const bool stamped : {false, true}) {
        server_options o;
        o.event_timestamps = stamped;
        const std::string first = "2000";
        const std::string last = "2099";
        std::vector<client> clients;
        clients.push_back(make_client("a", token_for(1), device_set({{first, last}})));
        clients.push_back(make_client("b", token_for(2), device_set({{first, last}})));
        running_gateway gw(std::move(clients), o);
        gateway_client a(gw.port());
        gateway_client b(gw.port());
        ASSERT_TRUE(a.login(token_for(1)));
        ASSERT_TRUE(b.login(token_for(2)));
        monitor_all(a, {"2001"});
        monitor_all(b, {"2001"});
        const auto before = std::chrono::system_clock::now();
        call_between(gw, "2001", "2002");
        a.call(svc::request_system_status::params{});
        b.call(svc::request_system_status::params{});
        const auto after = std::chrono::system_clock::now();
        const auto stamps = [](gateway_client& c) {
            std::vector<std::optional<std::string>> out;
            for (const auto& m : c.take_events()) {
                if (const auto* e = std::get_if<event_message>(&m); e && e->monitor_ref) {
                    out.push_back(e->timestamp ? std::optional<std::string>(e->timestamp->str())
                                               : std::nullopt);
                }
            }
            return out;
        };
        const auto of_a = stamps(a);
        ASSERT_FALSE(of_a.empty());
        EXPECT_EQ(stamps(b), of_a);  // one encoding, the same stamp for every session
        for (const auto& t : of_a) {
            if (!stamped) {
                EXPECT_FALSE(t.has_value()) << *t;
                continue;
            }
            ASSERT_TRUE(t.has_value());
            ASSERT_EQ(t->size(), 27U) << *t;  // 2026-12-05T19:40:00.123456Z
            std::tm tm{};
            ASSERT_NE(strptime(t->c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << *t;
            EXPECT_EQ(t->at(19), '.');
            EXPECT_EQ(t->back(), 'Z');
            const auto us = std::chrono::microseconds(std::stol(t->substr(20, 6)));
            const auto at = std::chrono::system_clock::from_time_t(timegm(&tm)) + us;
            EXPECT_GE(at, std::chrono::floor<std::chrono::microseconds>(before)) << *t;
            EXPECT_LE(at, after) << *t;
        }
        // The last frame's write completes on the server after the client has read it.
        auto st = gw.stats();
        for (int i = 0; i < 200 && st.send_queue_bytes != 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            st = gw.stats();
        }
        EXPECT_EQ(st.send_queue_bytes, 0U);
        EXPECT_EQ(st.send_queue_bytes_max, 0U);
    }
}

TEST(GatewayFanOut, ASlowSessionIsClosedByItsOwnQueueAndTheOthersCarryOn) {
    server_options o;
    o.send_queue_limit_bytes = 16 * 1024;
    running_gateway gw({make_client("wallboard", token_for(1), {}, devices_of({"2000-2099"})),
                        make_client("agent", token_for(2), devices_of({"2001"}))},
                       o);
    gateway_client slow(gw.port());
    ASSERT_TRUE(slow.login(token_for(1)));
    monitor_all(slow, range(2000, 100));
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(token_for(2)));
    const auto agent_refs = monitor_all(agent, {"2001"});

    // One burst of activity on the wallboard's devices, raised within one turn of the server's
    // loop: far more than 16 KiB for the wallboard, a few events for the agent.
    gw.run([](server&, sim_backend& b) {
        b.with_model([](sim::switch_model& m, sim::time_point now) {
            for (int d = 2050; d < 2090; ++d) {
                const auto id = m.external_call("+4930123456", std::to_string(d), now);
                ASSERT_EQ(id.index(), 0U);
                m.device_action(std::to_string(d), "answer", now);
                m.external_hangup(std::get<0>(id), now);
            }
            m.external_call("+4930123456", "2001", now);
        });
    });
    EXPECT_EQ(slow.read_until_closed(), 4008);
    // The agent got its own event and is still served.
    EXPECT_EQ(devices_seen(agent, agent_refs).count("2001"), 1U);
    EXPECT_TRUE(succeeded(agent.call(svc::snapshot_device::params{"2001"})));
    const auto st = gw.stats();
    EXPECT_EQ(st.slow_consumers_dropped, 1U);
    EXPECT_EQ(st.sessions_open, 1U);
    EXPECT_EQ(gw.log_count("client is not reading"), 1U);
}

TEST(GatewayFanOut, TwoHundredSessionsOfFiftyDevicesAndOneOfTenThousand) {
    sim::sim_config c;
    c.stations = {{"10000", "19999"}};
    std::vector<client> clients;
    for (std::size_t i = 0; i < 200; ++i) {
        const auto first = std::to_string(10000 + 50 * i);
        const auto last = std::to_string(10049 + 50 * i);
        clients.push_back(make_client("agent-pc-" + std::to_string(i), token_for(i),
                                      device_set({{first, last}})));
    }
    clients.push_back(make_client("tapi-server", token_for(1000), device_set::every_device()));
    // The clients answer no heartbeats while the others are set up: on a loaded machine (a run
    // took 58 s) the first ones were declared dead after the default 3 × 10 s.
    server_options o;
    o.heartbeat_interval = std::chrono::minutes(10);
    running_gateway gw(std::move(clients), std::move(o), c);

    std::vector<std::unique_ptr<gateway_client>> pcs;
    std::vector<std::map<std::string, std::string>> refs;
    for (std::size_t i = 0; i < 200; ++i) {
        pcs.push_back(std::make_unique<gateway_client>(gw.port()));
        ASSERT_TRUE(pcs.back()->login(token_for(i)));
        refs.push_back(monitor_all(*pcs.back(), range(10000 + 50 * static_cast<int>(i), 50)));
    }
    gateway_client tapi_server(gw.port());
    ASSERT_TRUE(tapi_server.login(token_for(1000)));
    const auto server_refs = monitor_all(tapi_server, range(10000, 10000));
    ASSERT_EQ(server_refs.size(), 10000U);

    const auto st = gw.stats();
    EXPECT_EQ(st.sessions_open, 201U);
    EXPECT_EQ(st.devices_monitored, 10000U);
    EXPECT_EQ(st.monitors, 20000U);

    call_between(gw, "10001", "19999");  // first PC calls the last one
    const auto at_server = devices_seen(tapi_server, server_refs);
    EXPECT_GT(at_server.count("10001"), 0U);
    EXPECT_GT(at_server.count("19999"), 0U);
    EXPECT_EQ(devices_seen(*pcs.front(), refs.front()).count("10001"), at_server.count("10001"));
    EXPECT_EQ(devices_seen(*pcs.back(), refs.back()).count("19999"), at_server.count("19999"));
    EXPECT_TRUE(devices_seen(*pcs[100], refs[100]).empty());
}

}  // namespace
}  // namespace ctigw::gateway::testing
