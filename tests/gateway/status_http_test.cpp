// The status server over loopback, what it serves: /metrics parsed line by line, /status.json,
// the page and its policy, events/s from a stepped clock, and a running gateway's snapshot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "ctigw/gateway/status_http.hpp"
#include "status_http_test.hpp"

namespace ctigw::gateway {
namespace {

using namespace ctigw::gateway::testing;
using ::testing::HasSubstr;
using ::testing::Not;

/// One parsed sample line of the exposition format.
struct sample {
    std::string name;
    std::map<std::string, std::string> labels;  // values unescaped
    std::string value;
};

// An independent reader of the text format 0.0.4: `name{label="value",...} value`.
sample parse_sample(const std::string& line) {
    sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
            std::string key;
            while (i < line.size() && line[i] != '=') key += line[i++];
            if (i + 1 >= line.size() || line[i + 1] != '"')
                throw std::runtime_error("no quote: " + line);
            i += 2;
            std::string value;
            for (; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] != '\\') {
                    value += line[i];
                    continue;
                }
                if (++i >= line.size()) throw std::runtime_error("dangling escape: " + line);
                switch (line[i]) {
                    case '\\':
                        value += '\\';
                        break;
                    case '"':
                        value += '"';
                        break;
                    case 'n':
                        value += '\n';
                        break;
                    default:
                        throw std::runtime_error("bad escape: " + line);
                }
            }
            if (i >= line.size()) throw std::runtime_error("unterminated value: " + line);
            ++i;  // closing quote
            if (line[i] == ',') ++i;
            s.labels[key] = value;
        }
        if (i >= line.size()) throw std::runtime_error("unterminated labels: " + line);
        ++i;
    }
    if (i >= line.size() || line[i] != ' ') throw std::runtime_error("no value: " + line);
    s.value = line.substr(i + 1);
    return s;
}

std::string base64_sha256(std::string_view s) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
    unsigned char out[128];
    const int n = EVP_EncodeBlock(out, md, static_cast<int>(len));
    return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

std::string between(const std::string& s, const std::string& open, const std::string& close) {
    const auto a = s.find(open);
    if (a == std::string::npos) return {};
    const auto b = s.find(close, a + open.size());
    return b == std::string::npos ? std::string() : s.substr(a + open.size(), b - a - open.size());
}

TEST_F(status_http, MetricsAreWellFormedExposition) {
    start();
    auto r = get("/metrics");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    ASSERT_FALSE(r.body.empty());
    ASSERT_EQ(r.body.back(), '\n');

    std::map<std::string, std::string> help, type;
    std::vector<sample> samples;
    std::istringstream in(r.body);
    std::string line;
    while (std::getline(in, line)) {
        ASSERT_FALSE(line.empty());
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
            const auto rest = line.substr(7);
            const auto sp = rest.find(' ');
            ASSERT_NE(sp, std::string::npos) << line;
            auto& table = line[2] == 'H' ? help : type;
            const auto name = rest.substr(0, sp);
            EXPECT_EQ(table.count(name), 0u) << "duplicate: " << line;
            table[name] = rest.substr(sp + 1);
            continue;
        }
        ASSERT_NE(line[0], '#') << line;
        sample s = parse_sample(line);
        // HELP and TYPE come before the family's first sample.
        EXPECT_EQ(help.count(s.name), 1u) << "sample without HELP: " << line;
        ASSERT_EQ(type.count(s.name), 1u) << "sample without TYPE: " << line;
        EXPECT_THAT(s.name, ::testing::MatchesRegex("ctigw_gateway_[a-z_]+"));
        samples.push_back(std::move(s));
    }
    for (const auto& [name, t] : type) {
        EXPECT_TRUE(t == "counter" || t == "gauge") << name << " " << t;
        const bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
        EXPECT_EQ(t == "counter", total) << name;
        EXPECT_EQ(help.count(name), 1u) << name;
    }

    auto value = [&](const std::string& name, std::map<std::string, std::string> labels = {}) {
        for (const auto& s : samples) {
            if (s.name == name && s.labels == labels) return s.value;
        }
        return std::string("<missing>");
    };
    EXPECT_EQ(value("ctigw_gateway_info",
                    {{"version", "9.8.7"}, {"instance", "gw-1234"}, {"backend", "sim"}}),
              "1");
    EXPECT_EQ(value("ctigw_gateway_uptime_seconds"), "61.5");
    EXPECT_EQ(value("ctigw_gateway_backend_up", {{"kind", "sim"}, {"instance", "be-42"}}), "1");
    EXPECT_EQ(value("ctigw_gateway_sessions_open"), "7");
    EXPECT_EQ(value("ctigw_gateway_sessions_accepted_total"), "19");
    EXPECT_EQ(value("ctigw_gateway_client_sessions_open", {{"client", "tapi-server"}}), "5");
    EXPECT_EQ(value("ctigw_gateway_client_sessions_open", {{"client", "agent \"2001\" \\ desk"}}),
              "2");
    EXPECT_EQ(value("ctigw_gateway_client_sessions_open", {{"client", "idle"}}), "0");
    EXPECT_EQ(value("ctigw_gateway_devices_monitored"), "310");
    EXPECT_EQ(value("ctigw_gateway_monitors"), "321");
    EXPECT_EQ(value("ctigw_gateway_active_calls"), "12");
    EXPECT_EQ(value("ctigw_gateway_frames_received_total"), "1001");
    EXPECT_EQ(value("ctigw_gateway_frames_sent_total"), "2002");
    EXPECT_EQ(value("ctigw_gateway_events_sent_total"), "3003");
    EXPECT_EQ(value("ctigw_gateway_events_encoded_total"), "404");
    EXPECT_EQ(value("ctigw_gateway_malformed_frames_total"), "5");
    EXPECT_EQ(value("ctigw_gateway_slow_consumers_dropped_total"), "6");
    EXPECT_EQ(value("ctigw_gateway_tls_handshake_failures_total"), "7");
    EXPECT_EQ(value("ctigw_gateway_authentication_failures_total"), "8");
    EXPECT_EQ(value("ctigw_gateway_access_refusals_total"), "9");
    EXPECT_EQ(value("ctigw_gateway_requests_total", {{"service", "MakeCall"}}), "11");
    EXPECT_EQ(value("ctigw_gateway_requests_total", {{"service", "MonitorStartBatch"}}), "3");
    EXPECT_EQ(value("ctigw_gateway_events_per_second"), "0");  // one sample: no rate yet
    // The escaped form on the wire, as the format spells it.
    EXPECT_THAT(r.body,
                HasSubstr("ctigw_gateway_client_sessions_open{client=\"agent \\\"2001\\\" \\\\ "
                          "desk\"} 2\n"));
}

TEST_F(status_http, LabelValuesWithANewlineStayOnOneLine) {
    auto s = example_snapshot();
    s.sessions_by_client = {{"two\nlines", 1}};
    set_snapshot(s);
    start();
    const auto body = get("/metrics").body;
    EXPECT_THAT(body, HasSubstr("{client=\"two\\nlines\"} 1\n"));
    std::istringstream in(body);
    std::string line;
    bool found = false;
    while (std::getline(in, line)) {
        if (line.rfind("ctigw_gateway_client_sessions_open{", 0) == 0) {
            EXPECT_EQ(parse_sample(line).labels.at("client"), "two\nlines");
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(status_http, StatusJsonCarriesTheSnapshot) {
    start();
    auto r = get("/status.json");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "application/json");
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["gateway"]["version"], "9.8.7");
    EXPECT_EQ(j["gateway"]["instance"], "gw-1234");
    EXPECT_EQ(j["gateway"]["uptimeSeconds"], 61.5);
    EXPECT_EQ(j["backend"]["kind"], "sim");
    EXPECT_EQ(j["backend"]["status"], "up");
    EXPECT_EQ(j["backend"]["instance"], "be-42");
    EXPECT_EQ(j["sessions"]["open"], 7);
    EXPECT_EQ(j["sessions"]["accepted"], 19);
    EXPECT_EQ(j["sessions"]["byClient"]["agent \"2001\" \\ desk"], 2);
    EXPECT_EQ(j["sessions"]["byClient"]["tapi-server"], 5);
    EXPECT_EQ(j["sessions"]["byClient"]["idle"], 0);
    EXPECT_EQ(j["devicesMonitored"], 310);
    EXPECT_EQ(j["monitors"], 321);
    EXPECT_EQ(j["activeCalls"], 12);
    EXPECT_EQ(j["eventsPerSecond"], 0.0);
    EXPECT_EQ(j["counters"]["framesReceived"], 1001);
    EXPECT_EQ(j["counters"]["framesSent"], 2002);
    EXPECT_EQ(j["counters"]["eventsSent"], 3003);
    EXPECT_EQ(j["counters"]["eventsEncoded"], 404);
    EXPECT_EQ(j["counters"]["malformedReceived"], 5);
    EXPECT_EQ(j["counters"]["slowConsumersDropped"], 6);
    EXPECT_EQ(j["counters"]["tlsHandshakeFailures"], 7);
    EXPECT_EQ(j["counters"]["authenticationFailures"], 8);
    EXPECT_EQ(j["counters"]["accessRefusals"], 9);
    EXPECT_EQ(j["requestsByService"]["MakeCall"], 11);

    auto down = example_snapshot();
    down.backend_up = false;
    set_snapshot(down);
    EXPECT_EQ(nlohmann::json::parse(get("/status.json").body)["backend"]["status"], "down");
    EXPECT_THAT(get("/metrics").body,
                HasSubstr("ctigw_gateway_backend_up{kind=\"sim\",instance=\"be-42\"} 0\n"));
}

TEST_F(status_http, PageIsSelfContainedAndAllowedByItsPolicy) {
    start();
    auto r = get("/");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
    EXPECT_EQ(r.headers["cache-control"], "no-store");
    const auto csp = r.headers["content-security-policy"];
    EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
    EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval")));
    // Exactly the page's inline script and style are allowed, by hash.
    const auto script = between(r.body, "<script>", "</script>");
    const auto style = between(r.body, "<style>", "</style>");
    ASSERT_FALSE(script.empty());
    ASSERT_FALSE(style.empty());
    EXPECT_THAT(csp, HasSubstr("script-src 'sha256-" + base64_sha256(script) + "'"));
    EXPECT_THAT(csp, HasSubstr("style-src 'sha256-" + base64_sha256(style) + "'"));
    // No external resources, and no markup built from data.
    EXPECT_THAT(r.body, Not(HasSubstr("src=")));
    EXPECT_THAT(r.body, Not(HasSubstr("http://")));
    EXPECT_THAT(r.body, Not(HasSubstr("https://")));
    EXPECT_THAT(r.body, Not(HasSubstr("innerHTML")));
    EXPECT_THAT(r.body, HasSubstr("fetch('status.json'"));
    // The static page asks for no snapshot.
    std::lock_guard lock(mu_);
    EXPECT_EQ(snapshots_, 0);
}

TEST_F(status_http, EventsPerSecondFollowsTheSteppedClock) {
    status_options o;
    o.rate_window = milliseconds(10000);
    start(std::move(o));
    set_events(0, 0);
    EXPECT_DOUBLE_EQ(events_per_second(), 0);  // one sample: no rate
    set_events(100, 1000);
    EXPECT_DOUBLE_EQ(events_per_second(), 100);
    set_events(300, 2000);
    EXPECT_DOUBLE_EQ(events_per_second(), 150);  // 300 events over 2 s
    set_events(310, 2100);                       // closer than 250 ms: replaces the last sample
    EXPECT_DOUBLE_EQ(events_per_second(), 310 / 2.1);
    // Steady 50/s for 15 s: only the last 10 s count.
    std::uint64_t events = 310;
    for (std::int64_t t = 3100; t <= 17100; t += 1000) {
        set_events(events += 50, t);
        get("/status.json");
    }
    EXPECT_DOUBLE_EQ(events_per_second(), 50);
    // Quiet for longer than the window: the rate since the last sample, 0.
    set_events(events, 40000);
    EXPECT_DOUBLE_EQ(events_per_second(), 0);
    // The counter restarted (a new server): no negative rate.
    set_events(5, 41000);
    EXPECT_DOUBLE_EQ(events_per_second(), 0);
    set_events(25, 42000);
    EXPECT_DOUBLE_EQ(events_per_second(), 20);
    // /metrics shares the meter.
    set_events(45, 43000);
    EXPECT_THAT(get("/metrics").body, HasSubstr("\nctigw_gateway_events_per_second 20\n"));
}

// The snapshot of a running gateway: server statistics and the backend's view.
TEST(status_snapshot_of_gateway, ReflectsServerAndBackend) {
    net::io_context io;
    sim_backend backend(io, sim::sim_config{});
    server_options so;
    so.authenticate = single_token("secret-token");
    so.log = [](std::string_view) {};
    server srv(io, backend, std::move(so));
    ASSERT_EQ(srv.start(), "");
    const auto started = std::chrono::steady_clock::now();

    auto s = make_status_snapshot(srv, backend, {"tapi-server", "agent-2001"}, started);
    EXPECT_EQ(s.version, std::string(gateway_version()));
    EXPECT_FALSE(s.version.empty());
    EXPECT_EQ(s.instance, srv.instance_id());
    EXPECT_GE(s.uptime_seconds, 0);
    EXPECT_EQ(s.backend_kind, "sim");
    EXPECT_TRUE(s.backend_up);
    EXPECT_EQ(s.backend_instance, backend.instance_id());
    EXPECT_EQ(s.sessions_open, 0u);
    EXPECT_EQ(s.active_calls, 0u);
    EXPECT_EQ(s.sessions_by_client.size(), 2u);
    EXPECT_EQ(s.sessions_by_client.at("tapi-server"), 0u);
    EXPECT_EQ(s.sessions_by_client.at("agent-2001"), 0u);

    backend.with_model([](sim::switch_model& m, sim::time_point now) {
        ASSERT_EQ(m.external_call("0301234567", "2001", now).index(), 0u);
    });
    backend.set_unreachable(true);
    s = make_status_snapshot(srv, backend, {}, started);
    EXPECT_EQ(backend.active_calls(), 1u);
    EXPECT_EQ(s.active_calls, 1u);
    EXPECT_FALSE(s.backend_up);
    EXPECT_TRUE(s.sessions_by_client.empty());
    srv.stop();
}

}  // namespace
}  // namespace ctigw::gateway
