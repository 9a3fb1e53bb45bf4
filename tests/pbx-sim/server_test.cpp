// The simulator's server over real TLS on loopback, driven by a small blocking Beast client:
// the session rules of docs/protocol.md §2 and the per-session event stream.
#include "server_client.hpp"

namespace ctigw::pbxsim {
namespace {

TEST(pbxsim_server, hello_then_authenticate_then_services) {
    running_server srv;
    client c(srv.port());
    auto hello = c.call(svc::hello::params{{1, 2}, "test", {}});
    const auto& res = std::get<svc::hello::result>(std::get<service_result>(hello.outcome));
    EXPECT_EQ(res.version, 2U);  // the highest version both speak
    // gateway run "." backend run: either restarting changes it (protocol.md §8).
    EXPECT_EQ(res.instance_id.size(), 33U);
    EXPECT_EQ(res.instance_id[16], '.');
    auto early = c.call(svc::get_do_not_disturb::params{"2001"});
    EXPECT_EQ(error_of(early).category, error_category::security);
    EXPECT_EQ(error_of(early).value, error_values::not_authenticated);
    auto auth = c.call(svc::authenticate::params{"s3cret"});
    EXPECT_TRUE(std::holds_alternative<service_result>(auth.outcome));
    auto dnd = c.call(svc::get_do_not_disturb::params{"2001"});
    EXPECT_TRUE(std::holds_alternative<service_result>(dnd.outcome));
}

TEST(pbxsim_server, wrong_token_is_refused_and_closed_with_4001) {
    running_server srv;
    client c(srv.port());
    c.call(svc::hello::params{{1}, "test", {}});
    auto auth = c.call(svc::authenticate::params{"guess"});
    EXPECT_EQ(error_of(auth).value, error_values::invalid_credentials);
    EXPECT_EQ(c.read_until_closed(), 4001);
    EXPECT_TRUE(srv.logged("authentication failed"));
    EXPECT_FALSE(srv.logged("guess"));  // secrets never logged
}

TEST(pbxsim_server, unsupported_version_is_refused_and_closed_with_4003) {
    running_server srv;
    client c(srv.port());
    auto hello = c.call(svc::hello::params{{7}, "test", {}});
    EXPECT_EQ(error_of(hello).value, error_values::unsupported_version);
    EXPECT_EQ(c.read_until_closed(), 4003);
}

TEST(pbxsim_server, an_upgrade_without_the_subprotocol_is_refused) {
    running_server srv;
    EXPECT_THROW(client(srv.port(), ""), boost::system::system_error);
    EXPECT_TRUE(srv.logged("did not offer the subprotocol"));
}

TEST(pbxsim_server, malformed_requests_are_answered_and_the_session_survives) {
    running_server srv;
    client c(srv.port());
    c.login();
    c.send_raw(R"({"type":"request","id":"x1","service":"TeleportCall","params":{}})");
    // Our own codec cannot decode a response for a service it does not know: read it raw.
    auto raw = c.next_raw();
    EXPECT_NE(raw.find(R"("id":"x1")"), std::string::npos) << raw;
    EXPECT_NE(raw.find(R"("service":"TeleportCall")"), std::string::npos) << raw;
    EXPECT_NE(raw.find("serviceNotSupported"), std::string::npos) << raw;
    c.send_raw(R"({"type":"request","id":"x2","service":"HoldCall","params":{"callToBeHeld":7}})");
    auto m = c.next();
    EXPECT_EQ(error_of(std::get<response>(m)).value, "valueOutOfRange");
    c.send_raw("{garbage");
    auto dnd = c.call(svc::get_do_not_disturb::params{"2001"});  // still served
    EXPECT_TRUE(std::holds_alternative<service_result>(dnd.outcome));
}

TEST(pbxsim_server, events_follow_the_response_with_consecutive_sequence_numbers) {
    running_server srv;
    client c(srv.port());
    c.login();
    auto mon = c.call(svc::monitor_start_batch::params{{"2001", "2002"}});
    ASSERT_TRUE(std::holds_alternative<service_result>(mon.outcome));
    auto mk = c.call(svc::make_call::params{"2001", "2002", {}, {}});
    ASSERT_TRUE(std::holds_alternative<service_result>(mk.outcome));
    // ServiceInitiated, Originated, Delivered fan out to both monitors: read a few.
    std::uint64_t expected_seq = 1;
    std::vector<std::string> names;
    while (names.size() < 3) {
        auto m = c.next();
        auto& e = std::get<event_message>(m);
        EXPECT_EQ(e.seq, expected_seq++);
        names.emplace_back(event_name(e.body));
    }
    EXPECT_EQ(names.front(), "ServiceInitiated");
}

TEST(pbxsim_server, refuse_fault_answers_with_the_given_error) {
    running_server srv;
    client c(srv.port());
    c.login();
    srv.run([](server& s) {
        s.refuse_service("GetDoNotDisturb",
                         {error_category::system_resource_availability, "resourceBusy", {}}, 1);
    });
    auto first = c.call(svc::get_do_not_disturb::params{"2001"});
    EXPECT_EQ(error_of(first).value, "resourceBusy");
    auto second = c.call(svc::get_do_not_disturb::params{"2001"});
    EXPECT_TRUE(std::holds_alternative<service_result>(second.outcome));
}

TEST(pbxsim_server, a_client_that_does_not_read_is_disconnected) {
    server_options o;
    o.send_queue_limit_bytes = 64 * 1024;
    running_server srv(o);
    client c(srv.port());
    c.login();
    c.call(svc::monitor_start::params{"2001"});
    // Flood the session with events the client never reads.
    srv.run([](server& s) {
        for (int i = 0; i < 100000; ++i) {
            s.with_model(
                [](switch_model& m, time_point now) { m.device_action("2001", "press 1", now); });
        }
    });
    for (int i = 0; i < 200 && !srv.logged("client is not reading"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(srv.logged("client is not reading"));
}

}  // namespace
}  // namespace ctigw::pbxsim
