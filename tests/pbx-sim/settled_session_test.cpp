// The session points docs/protocol.md settles (its "Settled points" index), pinned on the
// gateway server with the simulator backend over TLS on loopback: unknown path, heartbeats,
// per-monitor members of fanned-out events, oversized frames, restart.
#include "server_client.hpp"

#include <boost/beast/http.hpp>

namespace ctigw::pbxsim {
namespace {

namespace http = boost::beast::http;

/// An upgrade request to `target` over TLS, answered by the server with a plain HTTP response.
http::response<http::string_body> upgrade_to(std::uint16_t port, const std::string& target) {
    net::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file((certs().dir / "ca.pem").string());
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream.handshake(ssl::stream_base::client);
    http::request<http::empty_body> req(http::verb::get, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "upgrade");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_protocol, std::string(subprotocol));
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
}

/// The frame after its envelope's seq and monitorRef: what every copy of one event shares.
std::string after_monitor_ref(const std::string& frame) {
    const std::string key = R"("monitorRef":")";
    auto at = frame.find(key);
    if (at == std::string::npos) return "no monitorRef in " + frame;
    return frame.substr(frame.find('"', at + key.size()) + 1);
}

// §2.1: an upgrade to a path the switch does not serve gets 404, without echoing the path.
TEST(settled_session, unknown_path_gets_404_without_the_path_echoed) {
    running_server srv;
    auto res = upgrade_to(srv.port(), "/no-such-path-<script>");
    EXPECT_EQ(res.result(), http::status::not_found);
    EXPECT_EQ(res.body().find("no-such-path"), std::string::npos) << res.body();
    EXPECT_FALSE(srv.logged("no-such-path"));
    EXPECT_EQ(upgrade_to(srv.port(), "/csta").result(), http::status::switching_protocols);
}

// §2.5: the switch's interval is the one in Hello; on an idle link the switch sends heartbeats
// itself, answers the client's with the same id, and closes 4002 after 3 silent intervals.
TEST(settled_session, both_sides_send_heartbeats_at_the_hello_interval) {
    server_options o;
    o.heartbeat_interval = milliseconds{200};
    running_server srv(o);
    client c(srv.port());
    auto hello = c.call(svc::hello::params{{1}, "test", {}});
    const auto& res = std::get<svc::hello::result>(std::get<service_result>(hello.outcome));
    EXPECT_EQ(res.heartbeat_interval_ms, 200u);
    ASSERT_TRUE(std::holds_alternative<service_result>(
        c.call(svc::authenticate::params{"s3cret"}).outcome));
    // Idle: the switch's own heartbeat arrives (nothing else is due on this session).
    auto frame = c.next_raw();
    EXPECT_NE(frame.find(R"("type":"heartbeat")"), std::string::npos) << frame;
    c.send(heartbeat{"client-hb-1"});
    bool acked = false;
    for (int i = 0; i < 10 && !acked; ++i) {
        const auto f = c.next_raw();
        acked = f.find(R"("type":"heartbeatAck")") != std::string::npos &&
                f.find("client-hb-1") != std::string::npos;
    }
    EXPECT_TRUE(acked);
    // A client that sends nothing at all (not even acks) is closed as dead.
    EXPECT_EQ(c.read_until_closed(), 4002);
}

// §6.1: one event fanned out to several sessions differs only in seq and monitorRef.
TEST(settled_session, fanned_out_copies_differ_only_in_seq_and_monitor_ref) {
    running_server srv;
    client one(srv.port()), two(srv.port()), caller(srv.port());
    one.login();
    two.login();
    caller.login();
    auto m1 = one.call(svc::monitor_start_batch::params{{"2001", "2002"}});
    const auto& r1 =
        std::get<svc::monitor_start_batch::result>(std::get<service_result>(m1.outcome));
    const std::string ref_one = *r1.results.at(1).monitor_ref;
    auto m2 = two.call(svc::monitor_start::params{"2002"});
    const auto ref_two =
        std::get<svc::monitor_start::result>(std::get<service_result>(m2.outcome)).monitor_ref;
    EXPECT_NE(ref_one, ref_two);
    ASSERT_TRUE(std::holds_alternative<service_result>(
        caller.call(svc::make_call::params{"2001", "2002", {}, {}}).outcome));
    // Session one: ServiceInitiated, Originated, Delivered (2001), Delivered (2002).
    std::string one_frame;
    for (int i = 0; i < 4; ++i) {
        auto f = one.next_raw();
        if (f.find(ref_one) != std::string::npos) one_frame = f;
    }
    const auto two_frame = two.next_raw();
    ASSERT_FALSE(one_frame.empty());
    EXPECT_NE(one_frame.find(R"("seq":4,)"), std::string::npos) << one_frame;
    EXPECT_NE(two_frame.find(R"("seq":1,)"), std::string::npos) << two_frame;
    EXPECT_NE(two_frame.find(ref_two), std::string::npos) << two_frame;
    EXPECT_NE(two_frame.find("Delivered"), std::string::npos) << two_frame;
    EXPECT_EQ(after_monitor_ref(one_frame), after_monitor_ref(two_frame));
}

// §4.7/§9: a frame over the limit is not a malformed frame: the receiver closes 1009 at once.
TEST(settled_session, oversized_frame_closes_1009_and_is_not_counted_as_malformed) {
    server_options o;
    o.limits.max_frame_bytes = 4096;
    running_server srv(o);
    client c(srv.port());
    c.login();
    std::string big = R"({"type":"heartbeat","id":"x","pad":")" + std::string(5000, 'a') + "\"}";
    c.send_raw(big);
    EXPECT_EQ(c.read_until_closed(), 1009);
    std::uint64_t malformed = 1;
    srv.run([&](server& s) { malformed = s.stats().malformed_received; });
    EXPECT_EQ(malformed, 0u);
}

// §7/§8: a restarting switch sends systemStatus initializing to each session, then closes 1001.
TEST(settled_session, restart_sends_initializing_then_closes_1001) {
    running_server srv;
    client c(srv.port());
    c.login();
    srv.run([](server& s) { s.restart(); });
    auto m = c.next();
    auto* st = std::get_if<system_status_message>(&m);
    ASSERT_NE(st, nullptr);
    EXPECT_EQ(st->status, system_status::initializing);
    EXPECT_EQ(st->seq, 1u);
    EXPECT_EQ(c.read_until_closed(), 1001);
}

// §5.2: MonitorStart(Batch) results list what a device cannot do; a request for a listed service
// is refused by the server before it reaches the switch, and nothing changes.
TEST(settled_session, capabilities_list_unsupported_services_which_are_refused_up_front) {
    running_server srv;
    client c(srv.port());
    c.login();
    srv.run([](server& s) {
        s.set_unsupported("2002", {"AnswerCall", "HoldCall"});
        s.set_unsupported("*", {"ParkCall"});
    });
    auto one = c.call(svc::monitor_start::params{"2002"});
    const auto& r1 = std::get<svc::monitor_start::result>(std::get<service_result>(one.outcome));
    ASSERT_TRUE(r1.caps.has_value());
    EXPECT_EQ(r1.caps->unsupported,
              (std::vector<std::string>{"ParkCall", "AnswerCall", "HoldCall"}));
    auto batch = c.call(svc::monitor_start_batch::params{{"2001", "9999"}});
    const auto& items =
        std::get<svc::monitor_start_batch::result>(std::get<service_result>(batch.outcome)).results;
    ASSERT_EQ(items.size(), 2u);
    ASSERT_TRUE(items[0].caps.has_value());
    EXPECT_EQ(items[0].caps->unsupported, std::vector<std::string>{"ParkCall"});
    EXPECT_TRUE(items[1].error.has_value());
    EXPECT_FALSE(items[1].caps.has_value());  // capabilities only with a monitorRef

    auto made = c.call(svc::make_call::params{"2001", "2002", {}, {}});
    const auto call_id = std::get<svc::make_call::result>(std::get<service_result>(made.outcome))
                             .calling_connection.call_id;
    auto answer = c.call(svc::answer_call::params{{call_id, "2002"}});
    EXPECT_EQ(error_of(answer).category, error_category::operation);
    EXPECT_EQ(error_of(answer).value, error_values::service_not_supported);
    std::vector<snapshot_connection> at_2002;
    srv.run([&](server& s) { at_2002 = s.model().snapshot("2002"); });
    ASSERT_EQ(at_2002.size(), 1u);
    EXPECT_EQ(at_2002[0].state, connection_state::alerting);  // the switch never saw it
    // Other devices and services are unaffected; "none" (empty) lifts the restriction.
    EXPECT_TRUE(std::holds_alternative<service_result>(
        c.call(svc::get_do_not_disturb::params{"2002"}).outcome));
    srv.run([](server& s) {
        s.set_unsupported("2002", {});
        s.set_unsupported("*", {});
    });
    auto again = c.call(svc::monitor_start::params{"2002"});
    EXPECT_FALSE(std::get<svc::monitor_start::result>(std::get<service_result>(again.outcome))
                     .caps.has_value());
    EXPECT_TRUE(std::holds_alternative<service_result>(
        c.call(svc::answer_call::params{{call_id, "2002"}}).outcome));
}

}  // namespace
}  // namespace ctigw::pbxsim
