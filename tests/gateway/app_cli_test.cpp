// ctigw-gateway's commands other than `run`, options mapping and the journal log format.
#include "ctigw/gateway/app/cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <sstream>

#include "app_support.hpp"
#include "ctigw/gateway/app/logging.hpp"
#include "ctigw/gateway/app/options.hpp"
#include "ctigw/gateway/app/service.hpp"
#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway::app {
namespace {

using namespace ctigw::gateway::testing;
using ::testing::HasSubstr;

struct outcome {
    int code;
    std::string out, err;
};
outcome cli(std::vector<std::string> args) {
    std::ostringstream out, err;
    const int code = run_command(args, out, err);
    return {code, out.str(), err.str()};
}

TEST(AppCli, CheckAcceptsAValidFile) {
    temp_dir dir;
    const auto file = dir.write(
        "ok.json", plain_config(client_entry("a", "t0123456789abcdefghijklmnop", R"(["2001"])")));
    const auto r = cli({"check", file.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("OK (1 listener(s), 1 client(s), backend sim)"));
}

// An Asterisk configuration checks (its files exist); the service starts once the AMI secret can
// be read, and says which file it could not read otherwise (never the secret).
TEST(AppCli, CheckAcceptsAnAsteriskFileAndTheServiceNeedsItsSecret) {
    temp_dir dir;
    dir.write("pbx-ca.pem", "x");
    dir.write("ami.secret", "not checked here\n");
    auto text = plain_config(client_entry("a", "t0123456789abcdefghijklmnop", R"(["2001"])"));
    text.replace(text.find(R"({ "type": "sim" })"), 17, R"({ "type": "asterisk", "asterisk": {
    "ami": { "host": "pbx.example.com", "tls": { "caFile": "pbx-ca.pem" },
             "username": "ctigw", "secretFile": "ami.secret" },
    "stations": [ { "first": "2000", "last": "2099" } ] } })");
    const auto file = dir.write("ast.json", text);
    const auto r = cli({"check", file.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("OK (1 listener(s), 1 client(s), backend asterisk)"));
    auto loaded = load_gateway_file(file);
    ASSERT_TRUE(loaded.ok());
    {
        boost::asio::io_context io;
        service svc(io, file, *loaded.settings,
                    std::make_shared<spdlog::logger>("test", spdlog::sinks_init_list{}));
        EXPECT_EQ(svc.start(), "");  // the AMI link connects in the background
    }
    std::filesystem::remove(dir.path / "ami.secret");
    boost::asio::io_context io;
    service svc(io, file, std::move(*loaded.settings),
                std::make_shared<spdlog::logger>("test", spdlog::sinks_init_list{}));
    const auto err = svc.start();
    EXPECT_THAT(err, HasSubstr("backend.asterisk.ami.secretFile: cannot read")) << err;
    EXPECT_THAT(err, ::testing::Not(HasSubstr("not checked here")));
}

TEST(AppCli, CheckReportsPointerPositionAndSuggestion) {
    temp_dir dir;
    auto text = plain_config(client_entry("a", "t0123456789abcdefghijklmnop", R"(["2001"])"));
    text.replace(text.find("\"logging\""), 9, "\"loging\"");
    const auto file = dir.write("bad.json", text);
    const auto r = cli({"check", file.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err,
                HasSubstr("/loging: unknown key; did you mean \"logging\"? (line 5, column 3)"))
        << r.err;
}

TEST(AppCli, CheckReportsTlsFilesThatDoNotParse) {
    temp_dir dir;
    dir.write("cert.pem", "not a certificate\n");
    dir.write("key.pem", "not a key\n");
    auto text = plain_config(client_entry("a", "t0123456789abcdefghijklmnop", R"(["2001"])"));
    text.replace(text.find(", \"insecure\": true"), 18, "");
    text.replace(text.find("\"clients\""), 0,
                 R"("tls": { "certificateFile": "cert.pem", "keyFile": "key.pem" },
  )");
    const auto r = cli({"check", (dir.path / "x.json").string()});
    EXPECT_EQ(r.code, 1);  // missing file
    const auto file = dir.write("tls.json", text);
    const auto t = cli({"check", file.string()});
    EXPECT_EQ(t.code, 1);
    EXPECT_THAT(t.err, HasSubstr("/tls/certificateFile")) << t.err;
}

TEST(AppCli, TokenPrintsATokenThatVerifiesAgainstItsHash) {
    const auto r = cli({"token", "agent-2001"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream in(r.out);
    std::string label, token, hash_label, hash;
    in >> label >> token >> hash_label >> hash;
    EXPECT_EQ(label, "token:");
    EXPECT_EQ(hash_label, "tokenHash:");
    EXPECT_TRUE(verify_token(token, hash));
    EXPECT_THAT(r.out, HasSubstr(R"({ "name": "agent-2001", "tokenHash": ")" + hash));
    const auto other = cli({"token"});
    EXPECT_EQ(other.out.find(token), std::string::npos) << "tokens must differ";
    EXPECT_EQ(cli({"token", "bad name"}).code, 2);
}

TEST(AppCli, UsageErrors) {
    EXPECT_EQ(cli({}).code, 2);
    EXPECT_EQ(cli({"frobnicate"}).code, 2);
    EXPECT_EQ(cli({"check"}).code, 2);
    EXPECT_EQ(cli({"run", "--bogus"}).code, 2);
    EXPECT_EQ(cli({"--help"}).code, 0);
    EXPECT_THAT(cli({"--version"}).out, HasSubstr("ctigw-gateway "));
}

TEST(AppCli, RunRefusesAnInvalidConfiguration) {
    temp_dir dir;
    const auto file = dir.write("bad.json", "{}");
    EXPECT_EQ(cli({"run", "--config", file.string()}).code, 1);
}

gateway_settings load(const std::string& text, const temp_dir& dir) {
    auto r = load_gateway_file(dir.write("s.json", text));
    if (!r.ok()) throw std::runtime_error(config::format(r.diagnostics.at(0)));
    return *r.settings;
}

TEST(AppOptions, ListenersLimitsAndRights) {
    temp_dir dir;
    const std::string token = "t0123456789abcdefghijklmnop";
    auto s = load(R"({
  "listen": [ { "address": "127.0.0.1", "port": 8080, "insecure": true },
              { "address": "::1", "port": 8081, "path": "/x", "insecure": true } ],
  "clients": [ { "name": "a", "tokenHash": ")" +
                      hash_token(token) +
                      R"(", "devices": ["2001"], "monitorOnlyDevices": ["2002"] } ],
  "backend": { "type": "sim", "sim": { "stations": ["2001", { "first": "2002", "last": "2005" }],
               "parkOrbits": ["7001"], "pickupGroups": { "sales": ["2001", "2002"] } } },
  "limits": { "maxSessions": 7, "sendQueueBytes": 2097152, "maxFrameBytes": 65536,
              "maxBatchSize": 50, "malformedTolerance": 3, "heartbeatIntervalMs": 4000,
              "missedHeartbeats": 5 },
  "events": { "timestamps": true }
})",
                  dir);
    auto clients = std::make_shared<const access_control>(s.clients);
    auto r = make_server_options(s, clients);
    ASSERT_TRUE(r.error.empty()) << r.error;
    const auto& o = r.options;
    ASSERT_EQ(o.listeners.size(), 2u);
    EXPECT_EQ(o.listeners[1].bind_address, "::1");
    EXPECT_EQ(o.listeners[1].port, 8081);
    EXPECT_EQ(o.listeners[1].target, "/x");
    EXPECT_FALSE(o.listeners[0].tls);
    EXPECT_FALSE(o.tls);
    EXPECT_EQ(o.max_sessions, 7u);
    EXPECT_EQ(o.send_queue_limit_bytes, 2097152u);
    EXPECT_EQ(o.limits.max_frame_bytes, 65536u);
    EXPECT_EQ(o.max_batch_size, 50u);
    EXPECT_EQ(o.malformed_tolerance, 3u);
    EXPECT_EQ(o.heartbeat_interval, std::chrono::milliseconds(4000));
    EXPECT_EQ(o.missed_heartbeats, 5u);
    EXPECT_TRUE(o.event_timestamps);
    auto who = o.authenticate(token);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->name, "a");
    EXPECT_EQ(who->rights("2001"), access::control);
    EXPECT_EQ(who->rights("2002"), access::monitor);
    EXPECT_EQ(who->rights("2003"), access::none);
    EXPECT_FALSE(o.authenticate("t0123456789abcdefghijklmnoX"));

    const auto sim = make_sim_config(s.backend.sim);
    ASSERT_EQ(sim.stations.size(), 2u);
    EXPECT_EQ(sim.stations[1].first, "2002");
    EXPECT_EQ(sim.stations[1].last, "2005");
    EXPECT_EQ(sim.park_orbits, std::vector<std::string>{"7001"});
    EXPECT_EQ(sim.pickup_groups.at("sales"), (std::vector<std::string>{"2001", "2002"}));
}

TEST(AppOptions, EventTimestampsNeedARestart) {
    // The server stamps events from its options, fixed when it starts.
    gateway_settings running;
    auto loaded = running;
    EXPECT_TRUE(restart_needed(running, loaded).empty());
    loaded.events.timestamps = true;
    EXPECT_EQ(restart_needed(running, loaded), std::vector<std::string>{"events"});
}

TEST(AppOptions, TlsPassphraseFromEnvironmentAndLegacyCiphers) {
    temp_dir dir;
    dir.write("c.pem", "x");
    dir.write("k.pem", "x");
    const auto text = std::string(R"({
  "listen": [ { "address": "127.0.0.1", "port": 8443 } ],
  "tls": { "certificateFile": "c.pem", "keyFile": "k.pem", "keyPassphraseEnv": "CTIGW_APP_TEST_PASS",
           "minVersion": "1.2", "legacyCiphers": true },
  "clients": [ )") + client_entry("a", "t0123456789abcdefghijklmnop", R"(["2001"])") +
                      R"( ], "backend": { "type": "sim" } })";
    auto s = load(text, dir);
    auto clients = std::make_shared<const access_control>(s.clients);
    ::unsetenv("CTIGW_APP_TEST_PASS");
    auto missing = make_server_options(s, clients);
    EXPECT_THAT(missing.error, HasSubstr("CTIGW_APP_TEST_PASS is not set"));
    ::setenv("CTIGW_APP_TEST_PASS", "correct horse", 1);
    auto r = make_server_options(s, clients);
    ::unsetenv("CTIGW_APP_TEST_PASS");
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(r.options.tls);
    EXPECT_EQ(r.options.tls->private_key_passphrase, "correct horse");
    EXPECT_TRUE(r.options.listeners.at(0).tls);
    EXPECT_EQ(r.options.tls_cipher_list, legacy_tls12_cipher_list);
    EXPECT_FALSE(r.options.tls->client_ca);
}

TEST(AppLogging, JournalLinesCarryThePriorityAndStayOneLine) {
    auto text = std::make_shared<std::string>();
    auto log = make_journal_logger(text);
    log->info("hello");
    log->error("two\nlines");
    log->debug("detail");
    EXPECT_EQ(*text, "<6>hello\n<3>two lines\n<7>detail\n");
    set_level(*log, log_level::warn);
    log->info("hidden");
    EXPECT_EQ(text->find("hidden"), std::string::npos);
}

}  // namespace
}  // namespace ctigw::gateway::app
