// The status server over loopback as an HTTP server: routes and methods, the security headers,
// the request limits, keep-alive, idle and surplus connections, a failing snapshot, stop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ctigw/gateway/status_http.hpp"
#include "status_http_test.hpp"

namespace ctigw::gateway {
namespace {

using namespace ctigw::gateway::testing;
using ::testing::HasSubstr;

TEST_F(status_http, EveryAnswerCarriesTheSecurityHeaders) {
    start();
    for (const auto* target : {"/", "/metrics", "/status.json", "/nope"}) {
        auto r = get(target);
        EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << target;
        EXPECT_EQ(r.headers["cache-control"], "no-store") << target;
        EXPECT_THAT(r.headers["content-security-policy"], HasSubstr("default-src 'none'"))
            << target;
    }
}

TEST_F(status_http, UnknownRoutesAre404AndOtherMethods405) {
    start();
    EXPECT_EQ(get("/nope").status, 404u);
    EXPECT_EQ(get("/metrics/").status, 404u);
    EXPECT_EQ(get("/status.json/../metrics").status, 404u);
    EXPECT_EQ(get("/metrics?x=1").status, 200u);  // a query does not change the route
    for (auto verb :
         {http::verb::post, http::verb::put, http::verb::delete_, http::verb::options}) {
        auto r = request(verb, "/metrics");
        EXPECT_EQ(r.status, 405u) << verb;
        EXPECT_EQ(r.headers["allow"], "GET, HEAD");
    }
    EXPECT_EQ(request(http::verb::post, "/").status, 405u);
    EXPECT_EQ(request(http::verb::post, "/elsewhere").status, 404u);
}

TEST_F(status_http, HeadAnswersTheLengthWithoutABody) {
    start();
    auto full = get("/metrics");
    auto head = request(http::verb::head, "/metrics");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.headers["content-length"], std::to_string(full.body.size()));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(status_http, OversizedAndMalformedRequestsAreRefused) {
    status_options o;
    o.max_header_bytes = 4096;
    o.max_body_bytes = 64;
    start(std::move(o));
    const std::string big_header =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(16 * 1024, 'a') + "\r\n\r\n";
    EXPECT_THAT(raw(big_header), ::testing::StartsWith("HTTP/1.1 431 "));
    const std::string big_body =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
        std::string(100000, 'b');
    EXPECT_THAT(raw(big_body), ::testing::StartsWith("HTTP/1.1 413 "));
    EXPECT_THAT(raw("NOT HTTP AT ALL\r\n\r\n"), ::testing::StartsWith("HTTP/1.1 400 "));
    // Still serving.
    EXPECT_EQ(get("/metrics").status, 200u);
    std::lock_guard lock(mu_);
    EXPECT_EQ(snapshots_, 1);  // refused requests never reached the snapshot
}

TEST_F(status_http, KeepAliveServesSeveralRequestsOnOneConnection) {
    start();
    auto s = connect();
    for (int i = 0; i < 3; ++i) {
        http::request<http::string_body> req{http::verb::get, "/status.json", 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(s, req);
        EXPECT_EQ(read_reply(s).status, 200u);
    }
}

TEST_F(status_http, AnIdleConnectionIsClosedAfterTheRequestTimeout) {
    status_options o;
    o.request_timeout = milliseconds(200);
    start(std::move(o));
    auto s = connect();
    net::write(s, net::buffer(std::string("GET /metr")));  // never finished
    char buf[64];
    beast::error_code ec;
    const auto n = s.read_some(net::buffer(buf), ec);  // returns when the server gives up
    EXPECT_EQ(n, 0u);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

TEST_F(status_http, ConnectionsBeyondTheCapAreClosed) {
    status_options o;
    o.max_connections = 2;
    start(std::move(o));
    auto a = connect();
    auto b = connect();
    auto c = connect();  // accepted after a and b (backlog order), then closed at once
    char buf[64];
    beast::error_code ec;
    EXPECT_EQ(c.read_some(net::buffer(buf), ec), 0u);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    // a is still served; once it is done, a new connection is too.
    http::request<http::string_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    http::write(a, req);
    EXPECT_EQ(read_reply(a).status, 200u);
    EXPECT_EQ(a.read_some(net::buffer(buf), ec), 0u);  // the server closed a
    EXPECT_EQ(get("/metrics").status, 200u);
    std::lock_guard lock(mu_);
    EXPECT_EQ(std::count_if(logs_.begin(), logs_.end(),
                            [](const auto& l) { return l.find("refusing more") != l.npos; }),
              1);
}

TEST_F(status_http, AFailingSnapshotIs500AndLoggedOnOneLine) {
    start();
    {
        std::lock_guard lock(mu_);
        fail_ = true;
    }
    EXPECT_EQ(get("/metrics").status, 500u);
    EXPECT_EQ(get("/status.json").status, 500u);
    EXPECT_EQ(get("/").status, 200u);  // the page itself needs no snapshot
    {
        std::lock_guard lock(mu_);
        fail_ = false;
        ASSERT_FALSE(logs_.empty());
        EXPECT_THAT(logs_.back(), HasSubstr("backend gone"));
        for (const auto& l : logs_) EXPECT_EQ(l.find('\n'), std::string::npos) << l;
    }
    EXPECT_EQ(get("/metrics").status, 200u);
}

TEST_F(status_http, StopClosesConnectionsAndTheListener) {
    start();
    auto s = connect();
    http::request<http::string_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(s, req);
    EXPECT_EQ(read_reply(s).status, 200u);  // keep-alive: the connection stays open
    net::post(io_, [this] { server_->stop(); });
    thread_.join();  // io_.run() returns: no handler is left behind
    char buf[64];
    beast::error_code ec;
    EXPECT_EQ(s.read_some(net::buffer(buf), ec), 0u);
    EXPECT_TRUE(ec);
    tcp::socket again(client_io_);
    again.connect({net::ip::address_v4::loopback(), port_}, ec);
    EXPECT_TRUE(ec);
}

TEST_F(status_http, BadListenAddressIsAnError) {
    status_options o;
    o.address = "not an address";
    status_server s(io_, std::move(o));
    EXPECT_THAT(s.start(), HasSubstr("invalid listen address"));
    EXPECT_EQ(s.port(), 0);
}

}  // namespace
}  // namespace ctigw::gateway
