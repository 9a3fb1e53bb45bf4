// ctigw-gateway's service: start from a configuration, reload it (as SIGHUP does) with sessions
// open, and check what each kind of change does to them (docs/gateway.md, "Reload").
#include "ctigw/gateway/app/service.hpp"

#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <future>
#include <thread>

#include "app_support.hpp"
#include "ctigw/gateway/app/logging.hpp"

namespace ctigw::gateway::app {
namespace {

using namespace ctigw::gateway::testing;
using namespace protocol;

/// The service on its own io thread; members run on that thread through call().
class running_service {
  public:
    running_service(const temp_dir& dir, const std::string& config)
        : file_(dir.write("gw.json", config)), log_text_(std::make_shared<std::string>()) {
        auto loaded = load_gateway_file(file_);
        if (!loaded.ok()) throw std::runtime_error(config::format(loaded.diagnostics.at(0)));
        log_ = make_journal_logger(log_text_);
        svc_ = std::make_unique<service>(io_, file_, std::move(*loaded.settings), log_, true);
        if (auto err = svc_->start(); !err.empty()) throw std::runtime_error(err);
        guard_.emplace(io_.get_executor());
        thread_ = std::thread([this] { io_.run(); });
    }
    ~running_service() {
        call([this] {
            svc_->stop();
            guard_.reset();
            io_.stop();
            return 0;
        });
        thread_.join();
    }
    template <class Fn>
    auto call(Fn fn) -> decltype(fn()) {
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto result = task.get_future();
        net::post(io_, [&task] { task(); });
        return result.get();
    }
    std::uint16_t port() {
        return call([this] { return svc_->ports().at(0); });
    }
    std::vector<std::uint16_t> ports() {
        return call([this] { return svc_->ports(); });
    }
    std::optional<std::uint16_t> status_port() {
        return call([this] { return svc_->status_port(); });
    }
    /// Rewrites the file and reloads, as SIGHUP does.
    reload_outcome reload(const std::string& config) {
        std::ofstream(file_, std::ios::trunc) << config;
        return call([this] { return svc_->reload(); });
    }
    std::string log() {
        return call([this] { return *log_text_; });
    }

  private:
    std::filesystem::path file_;
    std::shared_ptr<std::string> log_text_;
    std::shared_ptr<spdlog::logger> log_;
    net::io_context io_;
    std::unique_ptr<service> svc_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> guard_;
    std::thread thread_;
};

const std::string token_a = "token-a-0123456789abcdefghijklmnop";
const std::string token_b = "token-b-0123456789abcdefghijklmnop";

std::string monitor(ws_client& c, const std::string& device) {
    auto r = c.request(svc::monitor_start::params{device});
    if (!ok(r)) return {};
    return std::get<svc::monitor_start::result>(std::get<service_result>(r.outcome)).monitor_ref;
}

/// GET `target` on 127.0.0.1:`port`; the body of a 200, else throws.
std::string http_get(std::uint16_t port, const std::string& target) {
    net::io_context io;
    beast::tcp_stream s(io);
    s.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    beast::http::request<beast::http::empty_body> req(beast::http::verb::get, target, 11);
    req.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(s, req);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(s, buffer, res);
    if (res.result() != beast::http::status::ok) throw std::runtime_error("HTTP " + target);
    return res.body();
}

TEST(AppService, StatusSectionServesMetricsOfTheRunningGateway) {
    temp_dir dir;
    auto text = plain_config(client_entry("agent-a", token_a, R"(["2001"])"));
    text.replace(text.find(R"("backend")"), 9,
                 R"("status": { "address": "127.0.0.1", "port": 2 }, "backend")");
    running_service gw(dir, text);
    const auto port = gw.status_port();
    ASSERT_TRUE(port.has_value());
    ws_client agent(gw.port());
    ASSERT_TRUE(agent.login(token_a));
    const auto metrics = http_get(*port, "/metrics");
    EXPECT_NE(metrics.find("\nctigw_gateway_sessions_open 1\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("ctigw_gateway_backend_up 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(R"(ctigw_gateway_client_sessions_open{client="agent-a"} 1)"),
              std::string::npos)
        << metrics;
    EXPECT_NE(http_get(*port, "/").find("<html"), std::string::npos);
}

TEST(AppService, NoStatusSectionNoStatusPage) {
    temp_dir dir;
    running_service gw(dir, plain_config(client_entry("agent-a", token_a, R"(["2001"])")));
    EXPECT_FALSE(gw.status_port().has_value());
}

TEST(AppService, EveryListenerServesOnItsOwnPath) {
    temp_dir dir;
    auto text = plain_config(client_entry("a", token_a, R"(["2001"])"));
    text.replace(
        text.find(R"("insecure": true })"), 18,
        R"("insecure": true }, { "address": "127.0.0.1", "port": 2, "path": "/second", "insecure": true })");
    running_service gw(dir, text);
    const auto ports = gw.ports();
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_NE(ports[0], ports[1]);
    ws_client first(ports[0]);
    EXPECT_TRUE(first.login(token_a));
    ws_client second(ports[1], "/second");
    EXPECT_TRUE(second.login(token_a));
    EXPECT_THROW(ws_client(ports[1], "/csta"), beast::system_error);  // 404: not its path
}

TEST(AppReload, InvalidFileKeepsTheRunningConfigurationAndItsSessions) {
    temp_dir dir;
    running_service gw(dir, plain_config(client_entry("a", token_a, R"(["2001"])")));
    ws_client c(gw.port());
    ASSERT_TRUE(c.login(token_a));
    const auto out = gw.reload(R"({ "listen": [], "clientz": [] })");
    EXPECT_FALSE(out.applied);
    ASSERT_FALSE(out.diagnostics.empty());
    EXPECT_NE(gw.log().find("<3>reload: "), std::string::npos) << gw.log();
    EXPECT_NE(gw.log().find("still running on the previous configuration"), std::string::npos);
    // The session still works with its old rights, and the old token still logs in.
    EXPECT_FALSE(monitor(c, "2001").empty());
    ws_client again(gw.port());
    EXPECT_TRUE(again.login(token_a));
}

TEST(AppReload, RemovedClientIsClosedWith4001AndOthersSurvive) {
    temp_dir dir;
    running_service gw(dir, plain_config(client_entry("a", token_a, R"(["2001"])") + ", " +
                                         client_entry("b", token_b, R"(["2002"])")));
    ws_client a(gw.port());
    ws_client b(gw.port());
    ASSERT_TRUE(a.login(token_a));
    ASSERT_TRUE(b.login(token_b));
    const auto out = gw.reload(plain_config(client_entry("b", token_b, R"(["2002"])")));
    ASSERT_TRUE(out.applied);
    EXPECT_EQ(out.sessions.sessions_closed, 1u);
    EXPECT_EQ(out.sessions.sessions_kept, 1u);
    EXPECT_EQ(a.close_code(), 4001);
    EXPECT_FALSE(monitor(b, "2002").empty());
    ws_client late(gw.port());
    EXPECT_FALSE(late.login(token_a));
    EXPECT_EQ(gw.log().find(token_a), std::string::npos) << "a token reached the log";
}

TEST(AppReload, NewTokenHashForAClientClosesItsOldSessions) {
    temp_dir dir;
    running_service gw(dir, plain_config(client_entry("a", token_a, R"(["2001"])")));
    ws_client a(gw.port());
    ASSERT_TRUE(a.login(token_a));
    ASSERT_TRUE(gw.reload(plain_config(client_entry("a", token_b, R"(["2001"])"))).applied);
    EXPECT_EQ(a.close_code(), 4001);
    ws_client fresh(gw.port());
    EXPECT_TRUE(fresh.login(token_b));
}

TEST(AppReload, ShrunkRightsEndMonitorsAndRefuseLaterRequests) {
    temp_dir dir;
    running_service gw(dir, plain_config(client_entry("a", token_a, R"(["2001", "2002"])")));
    ws_client a(gw.port());
    ASSERT_TRUE(a.login(token_a));
    const auto m2001 = monitor(a, "2001");
    const auto m2002 = monitor(a, "2002");
    ASSERT_FALSE(m2002.empty());
    const auto out = gw.reload(plain_config(client_entry("a", token_a, R"(["2001", "2003"])")));
    ASSERT_TRUE(out.applied);
    EXPECT_EQ(out.sessions.sessions_kept, 1u);
    EXPECT_EQ(out.sessions.monitors_ended, 1u);
    auto m = a.next();
    auto* ev = std::get_if<event_message>(&m);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->monitor_ref, m2002);
    auto* ended = std::get_if<evt::monitor_ended>(&ev->body);
    ASSERT_NE(ended, nullptr);
    EXPECT_EQ(ended->device, "2002");
    EXPECT_EQ(ended->cause, event_cause::resources_not_available);
    // The same session: 2002 is refused now, 2003 (new) is allowed, 2001 kept its monitor.
    auto refused = a.request(svc::monitor_start::params{"2002"});
    ASSERT_FALSE(ok(refused));
    EXPECT_EQ(std::get<csta_error>(refused.outcome).value, "privilegeViolationSpecifiedDevice");
    EXPECT_FALSE(monitor(a, "2003").empty());
    EXPECT_EQ(monitor(a, "2001"), m2001);
}

TEST(AppReload, RestartOnlySettingsAreReportedAndLevelApplies) {
    temp_dir dir;
    const auto clients = client_entry("a", token_a, R"(["2001"])");
    running_service gw(dir, plain_config(clients));
    ws_client a(gw.port());
    ASSERT_TRUE(a.login(token_a));
    auto next = plain_config(clients, "debug");
    next.replace(next.find("\"port\": 1"), 9, "\"port\": 2");
    const auto out = gw.reload(next);
    ASSERT_TRUE(out.applied);
    EXPECT_EQ(out.restart_needed, std::vector<std::string>{"listen"});
    EXPECT_NE(gw.log().find("<4>reload: \"listen\" changed"), std::string::npos) << gw.log();
    EXPECT_NE(gw.log().find("log level debug"), std::string::npos) << gw.log();
    EXPECT_FALSE(monitor(a, "2001").empty());
}

}  // namespace
}  // namespace ctigw::gateway::app
