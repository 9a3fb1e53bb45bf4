// The whole Asterisk path without an Asterisk: a ctigw.csta.v1 client over TLS, the gateway's
// server, asterisk_backend and its AMI link, and a fake AMI server replaying what Asterisk 22
// sends (docs/asterisk.md). What the client sees is what a TSP would.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "ctigw/gateway/asterisk_backend.hpp"
#include "fake_ami.hpp"
#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;
using ami::message;
using ami::testing::fake_ami;
using ami::testing::reply;

constexpr std::string_view token = "t-asterisk-e2e-0123456789";

/// A fake Asterisk that answers the backend's resync and accepts every Originate.
void script_asterisk(fake_ami& ami, std::string startup = "10:00:00") {
    ami.on_action("CoreStatus", [startup](const message& a) {
        return std::vector<message>{reply(a, {{"Response", "Success"},
                                              {"CoreStartupDate", "2026-12-04"},
                                              {"CoreStartupTime", startup}})};
    });
    ami.on_action("CoreShowChannels", [](const message& a) {
        return std::vector<message>{reply(a, {{"Response", "Success"}, {"EventList", "start"}}),
                                    reply(a, {{"Event", "CoreShowChannelsComplete"},
                                              {"EventList", "Complete"},
                                              {"ListItems", "0"}})};
    });
    ami.on_action("DBGetTree", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Error"}, {"Message", "Database entry not found"}})};
    });
    ami.on_action("Originate", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Success"}, {"Message", "Originate successfully queued"}})};
    });
    ami.on_action("Hangup", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Success"}, {"Message", "Channel Hungup"}})};
    });
}

message channel_event(std::string_view event, std::string_view channel, std::string_view uid,
                      std::string_view linked, int state) {
    return message{{"Event", event},
                   {"Channel", channel},
                   {"ChannelState", std::to_string(state)},
                   {"Uniqueid", uid},
                   {"Linkedid", linked}};
}

class asterisk_gateway {
  public:
    explicit asterisk_gateway(std::uint16_t ami_port) {
        asterisk_backend_settings s;
        s.ami.host = "127.0.0.1";
        s.ami.port = ami_port;
        s.ami.insecure = true;
        s.ami.username = "ctigw";
        s.ami.action_timeout = std::chrono::milliseconds(2000);
        s.stations = {{"2001", "2006"}};
        s.channel_patterns = {"IAX2/{ext}-"};
        s.dial_string = "IAX2/{ext}/{ext}";
        s.context = "internal";
        backend_ = std::make_unique<asterisk_backend>(io_, s, "fake-secret");
        server_options o;
        o.tls = tls_files{cert_dir() / "server.pem", cert_dir() / "server-key.pem", {}, {}};
        o.authenticate = app::make_authenticator(std::make_shared<const access_control>(
            std::vector<client>{make_client("tsp", token, devices_of({"2001-2006", "sales"}))}));
        server_ = std::make_unique<server>(io_, *backend_, std::move(o));
        if (auto err = server_->start(); !err.empty()) throw std::runtime_error(err);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~asterisk_gateway() {
        std::promise<void> done;
        server_->post([&] {
            server_->stop();
            backend_->stop();
            done.set_value();
        });
        done.get_future().wait();
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return server_->port(); }

  private:
    boost::asio::io_context io_;
    std::unique_ptr<asterisk_backend> backend_;
    std::unique_ptr<server> server_;
    std::thread thread_;
};

/// Waits (bounded) until the backend has read Asterisk's state and serves.
bool wait_enabled(gateway_client& c) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        const auto r = c.call(svc::request_system_status::params{});
        if (succeeded(r) &&
            std::get<svc::request_system_status::result>(std::get<service_result>(r.outcome))
                    .status != system_status::disabled) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

/// The next event (system statuses skipped), as "Name device" for readable failures.
std::string next_event(gateway_client& c) {
    for (;;) {
        auto m = c.next();
        if (const auto* e = std::get_if<event_message>(&m)) {
            return std::string(event_name(e->body));
        }
    }
}

TEST(AsteriskGateway, MakeCallThroughAmiAndTheEventsOfTheRealCallReachTheClient) {
    fake_ami ami;
    script_asterisk(ami);
    asterisk_gateway gw(ami.port());
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(token)));
    ASSERT_TRUE(wait_enabled(c));
    ASSERT_TRUE(succeeded(c.call(svc::monitor_start_batch::params{{{"2001"}, {"2002"}}})));

    const auto r = c.call(svc::make_call::params{"2001", "2002", {}, {}});
    ASSERT_TRUE(succeeded(r)) << error_of(r).value;
    const auto conn =
        std::get<svc::make_call::result>(std::get<service_result>(r.outcome)).calling_connection;
    ASSERT_TRUE(ami.wait_for_actions("Originate", 1));
    const auto originate = ami.actions("Originate").front();
    EXPECT_EQ(originate.get("ChannelId"), conn.call_id);
    EXPECT_EQ(originate.get("Channel"), "IAX2/2001/2001");
    EXPECT_EQ(originate.get("Async"), "true");

    // Asterisk 22's order: the caller's phone rings, answers, then the callee rings.
    ami.push(channel_event("Newchannel", "IAX2/2001-11", conn.call_id, conn.call_id, 0));
    ami.push(channel_event("Newstate", "IAX2/2001-11", conn.call_id, conn.call_id, 5));
    EXPECT_EQ(next_event(c), "Delivered");
    ami.push(channel_event("Newstate", "IAX2/2001-11", conn.call_id, conn.call_id, 6));
    EXPECT_EQ(next_event(c), "Originated");
    ami.push(channel_event("Newchannel", "IAX2/2002-12", "pbx-1.2", conn.call_id, 0));
    ami.push(message{{"Event", "DialBegin"},
                     {"Uniqueid", conn.call_id},
                     {"Linkedid", conn.call_id},
                     {"DestChannel", "IAX2/2002-12"},
                     {"DestUniqueid", "pbx-1.2"},
                     {"DestChannelState", "0"},
                     {"DialString", "IAX2/2002"}});
    ami.push(channel_event("Newstate", "IAX2/2002-12", "pbx-1.2", conn.call_id, 5));
    EXPECT_EQ(next_event(c), "Delivered");  // 2001's monitor
    EXPECT_EQ(next_event(c), "Delivered");  // 2002's monitor
    ami.push(channel_event("Newstate", "IAX2/2002-12", "pbx-1.2", conn.call_id, 6));
    EXPECT_EQ(next_event(c), "Established");
    EXPECT_EQ(next_event(c), "Established");

    const auto snap = c.call(svc::snapshot_device::params{"2002"});
    ASSERT_TRUE(succeeded(snap));
    const auto& conns =
        std::get<svc::snapshot_device::result>(std::get<service_result>(snap.outcome)).connections;
    ASSERT_EQ(conns.size(), 1u);
    EXPECT_EQ(conns[0].state, connection_state::connected);
    EXPECT_EQ(conns[0].connection.call_id, conn.call_id);

    // lineDrop: a Hangup of the caller's own channel.
    ASSERT_TRUE(succeeded(c.call(svc::clear_connection::params{conn})));
    ASSERT_TRUE(ami.wait_for_actions("Hangup", 1));
    EXPECT_EQ(ami.actions("Hangup").front().get("Channel"), "IAX2/2001-11");
}

TEST(AsteriskGateway, AnAmiLinkLossTakesTheSwitchDownAndAReconnectBringsItBack) {
    fake_ami ami;
    script_asterisk(ami);
    asterisk_gateway gw(ami.port());
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(token)));
    ASSERT_TRUE(wait_enabled(c));
    ASSERT_TRUE(succeeded(c.call(svc::monitor_start::params{"2001"})));
    ami.drop();
    // disabled while the link is down, enabled once it has read Asterisk's state again.
    std::vector<system_status> seen;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while ((seen.empty() || seen.back() != system_status::enabled) &&
           std::chrono::steady_clock::now() < until) {
        auto m = c.next();
        if (const auto* s = std::get_if<system_status_message>(&m)) seen.push_back(s->status);
    }
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen.front(), system_status::disabled);
    EXPECT_EQ(seen.back(), system_status::enabled);
    EXPECT_GE(ami.actions("Login").size(), 2u);
}

/// app_queue with queue "sales" and 2001 as a ready member; QueuePause is accepted.
void script_queue(fake_ami& ami) {
    ami.on_action("QueueStatus", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Success"}, {"EventList", "start"}}),
            reply(a, {{"Event", "QueueParams"}, {"Queue", "sales"}, {"Completed", "4"}}),
            reply(a, {{"Event", "QueueMember"},
                      {"Queue", "sales"},
                      {"Location", "IAX2/2001"},
                      {"StateInterface", "IAX2/2001"},
                      {"Membership", "dynamic"},
                      {"InCall", "0"},
                      {"Status", "1"},
                      {"Paused", "0"}}),
            reply(a, {{"Event", "QueueStatusComplete"}, {"EventList", "Complete"}})};
    });
    ami.on_action("QueuePause", [](const message& a) {
        return std::vector<message>{reply(a, {{"Response", "Success"}})};
    });
}

TEST(AsteriskGateway, AgentServicesAndEventsReachVersion2SessionsOnly) {
    fake_ami ami;
    script_asterisk(ami);
    script_queue(ami);
    asterisk_gateway gw(ami.port());
    gateway_client agent(gw.port());
    gateway_client old(gw.port());
    ASSERT_TRUE(agent.login(std::string(token), {2, 1}));
    ASSERT_TRUE(old.login(std::string(token)));
    ASSERT_TRUE(wait_enabled(agent));
    ASSERT_TRUE(succeeded(agent.call(svc::monitor_start_batch::params{{{"2001"}, {"sales"}}})));
    ASSERT_TRUE(succeeded(old.call(svc::monitor_start::params{"2001"})));

    // lineSetAgentState(NOTREADY) with an activity: a pause with its reason.
    const auto r = agent.call(svc::set_agent_state::params{
        "2001", requested_agent_state::not_ready, {}, {}, "sales", "lunch"});
    ASSERT_TRUE(succeeded(r)) << error_of(r).value << " " << error_of(r).message.value_or("");
    ASSERT_TRUE(ami.wait_for_actions("QueuePause", 1));
    EXPECT_EQ(ami.actions("QueuePause").front().get("Reason"), "lunch");
    ami.push(message{{"Event", "QueueMemberPause"},
                     {"Queue", "sales"},
                     {"Interface", "IAX2/2001"},
                     {"StateInterface", "IAX2/2001"},
                     {"InCall", "0"},
                     {"Status", "1"},
                     {"Paused", "1"},
                     {"PausedReason", "lunch"}});
    EXPECT_EQ(next_event(agent), "AgentNotReady");  // 2001's monitor
    EXPECT_EQ(next_event(agent), "AgentNotReady");  // the queue's
    const auto st = agent.call(svc::get_agent_state::params{"2001", {}});
    ASSERT_TRUE(succeeded(st));
    const auto& states =
        std::get<svc::get_agent_state::result>(std::get<service_result>(st.outcome)).agent_states;
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].reason_code, "lunch");

    // The version-1 session saw none of it: its next event is the call that follows.
    ami.push(channel_event("Newchannel", "IAX2/2001-11", "pbx-1.1", "pbx-1.1", 0));
    ami.push(channel_event("Newstate", "IAX2/2001-11", "pbx-1.1", "pbx-1.1", 5));
    EXPECT_EQ(next_event(old), "Delivered");
    const auto refused = old.call(svc::get_queue_statistics::params{"sales"});
    EXPECT_EQ(error_of(refused).value, error_values::service_not_supported);
    const auto stats = agent.call(svc::get_queue_statistics::params{"sales"});
    ASSERT_TRUE(succeeded(stats));
    EXPECT_EQ(std::get<svc::get_queue_statistics::result>(std::get<service_result>(stats.outcome))
                  .calls_completed,
              4u);
}

}  // namespace
}  // namespace ctigw::gateway::testing
