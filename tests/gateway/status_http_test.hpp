// status_http: the status server on loopback (port 0) on a thread of its own, with a settable
// snapshot, a stepped clock and a small HTTP client; shared by the status server's test files.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/gateway/status_http.hpp"

namespace ctigw::gateway::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;

struct reply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

inline status_snapshot example_snapshot() {
    status_snapshot s;
    s.version = "9.8.7";
    s.instance = "gw-1234";
    s.uptime_seconds = 61.5;
    s.backend_kind = "sim";
    s.backend_up = true;
    s.backend_instance = "be-42";
    s.sessions_open = 7;
    s.sessions_accepted = 19;
    s.sessions_by_client = {{"tapi-server", 5}, {"agent \"2001\" \\ desk", 2}, {"idle", 0}};
    s.devices_monitored = 310;
    s.monitors = 321;
    s.active_calls = 12;
    s.frames_received = 1001;
    s.frames_sent = 2002;
    s.events_sent = 3003;
    s.events_encoded = 404;
    s.malformed_received = 5;
    s.slow_consumers_dropped = 6;
    s.tls_handshake_failures = 7;
    s.authentication_failures = 8;
    s.access_refusals = 9;
    s.requests_by_service = {{"MakeCall", 11}, {"MonitorStartBatch", 3}};
    return s;
}

class status_http : public ::testing::Test {
  protected:
    void start(status_options o = {}) {
        o.address = "127.0.0.1";
        o.port = 0;
        o.snapshot = [this] {
            std::lock_guard lock(mu_);
            ++snapshots_;
            if (fail_) throw std::runtime_error("backend gone\nsecond line");
            return snap_;
        };
        o.now = [this] { return std::chrono::steady_clock::time_point{} + milliseconds(now_ms_); };
        o.log = [this](std::string_view line) {
            std::lock_guard lock(mu_);
            logs_.emplace_back(line);
        };
        server_ = std::make_unique<status_server>(io_, std::move(o));
        ASSERT_EQ(server_->start(), "");
        port_ = server_->port();
        ASSERT_NE(port_, 0);
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        if (server_) net::post(io_, [this] { server_->stop(); });
        if (thread_.joinable()) thread_.join();
        server_.reset();
    }

    void set_snapshot(status_snapshot s) {
        std::lock_guard lock(mu_);
        snap_ = std::move(s);
    }
    void set_events(std::uint64_t events, std::int64_t at_ms) {
        std::lock_guard lock(mu_);
        snap_.events_sent = events;
        now_ms_ = at_ms;
    }

    tcp::socket connect() {
        tcp::socket s(client_io_);
        s.connect({net::ip::address_v4::loopback(), port_});
        return s;
    }

    reply read_reply(tcp::socket& s, bool head = false) {
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> p;
        p.body_limit(16 * 1024 * 1024);
        if (head) p.skip(true);
        http::read(s, buffer, p);
        reply r;
        r.status = p.get().result_int();
        for (const auto& f : p.get()) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = std::string(f.value());
        }
        r.body = p.get().body();
        return r;
    }

    reply request(http::verb verb, const std::string& target) {
        auto s = connect();
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(false);
        http::write(s, req);
        return read_reply(s, verb == http::verb::head);
    }
    reply get(const std::string& target) { return request(http::verb::get, target); }

    /// Sends `raw` as is and returns everything the server sends until it closes.
    std::string raw(const std::string& raw) {
        auto s = connect();
        net::write(s, net::buffer(raw));
        std::string out;
        beast::error_code ec;
        char buf[4096];
        for (;;) {
            const auto n = s.read_some(net::buffer(buf), ec);
            out.append(buf, n);
            if (ec) break;
        }
        return out;
    }

    double events_per_second() {
        return nlohmann::json::parse(get("/status.json").body).at("eventsPerSecond").get<double>();
    }

    net::io_context io_;
    net::io_context client_io_;
    std::unique_ptr<status_server> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    std::mutex mu_;
    status_snapshot snap_ = example_snapshot();
    bool fail_ = false;
    int snapshots_ = 0;
    std::atomic<std::int64_t> now_ms_{0};
    std::vector<std::string> logs_;
};

}  // namespace ctigw::gateway::testing
