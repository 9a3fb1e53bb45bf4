#include "ctigw/gateway/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ctigw/gateway/access.hpp"

namespace ctigw::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A valid hash (salt 00..0f) whose token is "correct-horse-battery-staple".
constexpr std::string_view hash1 =
    "sha256$000102030405060708090a0b0c0d0e0f$"
    "340590c1994fa7d4ffc76678e23bd3db322a0562b3fd451b6e81399df5578bb3";
constexpr std::string_view hash2 =
    "sha256$ffffffffffffffffffffffffffffffff$"
    "0000000000000000000000000000000000000000000000000000000000000000";

constexpr std::string_view plain_listen =
    R"({"address": "127.0.0.1", "port": 8080, "insecure": true})";
const std::string one_client =
    R"({"name": "pc1", "tokenHash": ")" + std::string(hash1) + R"(", "devices": ["2001"]})";
constexpr std::string_view sim_backend = R"("type": "sim")";

// Line 2: `"listen": [<listen>],` (items start at column 12); line 3: `"clients": [<clients>],`
// (column 13); line 4: `"backend": {<backend>}<extra>` (body at column 13).
std::string make(std::string_view listen = plain_listen, std::string_view clients = one_client,
                 std::string_view backend = sim_backend, std::string_view extra = "") {
    return "{\n\"listen\": [" + std::string(listen) + "],\n\"clients\": [" + std::string(clients) +
           "],\n\"backend\": {" + std::string(backend) + "}" + std::string(extra) + "\n}\n";
}

std::vector<std::string> errors(std::string_view text, const fs::path& base = {}) {
    std::vector<std::string> out;
    const auto r = load_gateway_text(text, base);
    for (const auto& d : r.diagnostics) {
        // Every diagnostic of a parsed document is located.
        EXPECT_GT(d.line, 0) << config::format(d);
        EXPECT_GT(d.column, 0) << config::format(d);
        out.push_back(config::format(d));
    }
    EXPECT_EQ(r.ok(), out.empty());
    return out;
}

std::string first_error(const load_result& r) {
    return r.diagnostics.empty() ? std::string() : config::format(r.diagnostics.front());
}

// Files for the TLS settings, removed at the end of the test.
class temp_dir {
  public:
    temp_dir()
        : path_(fs::temp_directory_path() /
                ("ctigw-gwcfg-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    fs::path write(const std::string& name, const std::string& content = "x") const {
        std::ofstream(path_ / name) << content;
        return path_ / name;
    }
    const fs::path& path() const { return path_; }

  private:
    static inline int counter_ = 0;
    fs::path path_;
};

TEST(gateway_config_loader, minimal_file_gets_defaults) {
    const auto r = load_gateway_text(make());
    ASSERT_TRUE(r.ok()) << first_error(r);
    const gateway_settings& s = *r.settings;
    ASSERT_EQ(s.listen.size(), 1U);
    EXPECT_EQ(s.listen[0].address, "127.0.0.1");
    EXPECT_EQ(s.listen[0].port, 8080);
    EXPECT_EQ(s.listen[0].path, "/csta");
    EXPECT_TRUE(s.listen[0].insecure);
    EXPECT_FALSE(s.any_tls());
    ASSERT_EQ(s.clients.size(), 1U);
    EXPECT_EQ(s.clients[0].name, "pc1");
    EXPECT_EQ(s.clients[0].token_hash, hash1);
    EXPECT_TRUE(s.clients[0].devices.contains("2001"));
    EXPECT_TRUE(s.clients[0].monitor_only.empty());
    EXPECT_EQ(s.backend.type, backend_type::sim);
    EXPECT_EQ(s.backend.sim.stations, (std::vector<device_range>{{"2000", "2099"}}));
    EXPECT_EQ(s.backend.sim.park_orbits.size(), 5U);
    EXPECT_EQ(s.limits.max_sessions, 1000U);
    EXPECT_EQ(s.limits.send_queue_bytes, 16U * 1024U * 1024U);
    EXPECT_EQ(s.limits.max_frame_bytes, 1024U * 1024U);
    EXPECT_EQ(s.limits.max_batch_size, 5000U);
    EXPECT_EQ(s.limits.malformed_per_minute, 10U);
    EXPECT_EQ(s.limits.heartbeat_interval.count(), 10000);
    EXPECT_EQ(s.limits.missed_heartbeats, 3U);
    EXPECT_EQ(s.limits.requests_per_second, 1000U);
    EXPECT_FALSE(s.events.timestamps);
    EXPECT_FALSE(s.status.has_value());
    EXPECT_TRUE(s.logging.file.empty());
    EXPECT_EQ(s.logging.level, log_level::info);
    EXPECT_EQ(s.tls.min_version, tls_version::v1_2);
    EXPECT_FALSE(s.tls.legacy_ciphers);
}

TEST(gateway_config_loader, full_settings_are_read) {
    temp_dir dir;
    dir.write("chain.pem");
    dir.write("key.pem");
    dir.write("pass.txt");
    dir.write("clients-ca.pem");
    const std::string clients = R"({"name": "agent-7", "tokenHash": ")" + std::string(hash1) +
                                R"(", "devices": ["2001"]},
  {"name": "tapi.server@site", "tokenHash": ")" +
                                std::string(hash2) +
                                R"(", "devices": [{"first": "2000", "last": "2099"}, "sales"],
   "monitorOnlyDevices": ["*"]})";
    const auto r = load_gateway_text(
        make(
            R"({"address": "::", "port": 443, "path": "/cti/v1"}, {"address": "127.0.0.1", "port": 8080, "insecure": true})",
            clients,
            R"("type": "sim", "sim": {"stations": ["1000", {"first": "2000", "last": "2099"}],
   "parkOrbits": ["7001"], "pickupGroups": {"sales": ["2000", "2001"]}})",
            R"(,
"tls": {"certificateFile": "chain.pem", "keyFile": "key.pem", "keyPassphraseFile": "pass.txt",
        "clientCaFile": "clients-ca.pem", "minVersion": "1.3"},
"limits": {"maxSessions": 5, "sendQueueBytes": 65536, "maxFrameBytes": 65536, "maxBatchSize": 1,
           "malformedTolerance": 0, "heartbeatIntervalMs": 1000, "missedHeartbeats": 20,
           "requestsPerSecond": 0},
"status": {"address": "127.0.0.1", "port": 9100},
"logging": {"file": "log/gw.log", "level": "debug", "rotateSizeMb": 1, "rotateCount": 100})"),
        dir.path());
    ASSERT_TRUE(r.ok()) << first_error(r);
    const gateway_settings& s = *r.settings;
    ASSERT_EQ(s.listen.size(), 2U);
    EXPECT_EQ(s.listen[0].address, "::");
    EXPECT_EQ(s.listen[0].path, "/cti/v1");
    EXPECT_FALSE(s.listen[0].insecure);
    EXPECT_TRUE(s.any_tls());
    EXPECT_EQ(s.tls.certificate_file, dir.path() / "chain.pem");
    EXPECT_EQ(s.tls.key_passphrase, passphrase_source::file);
    EXPECT_EQ(s.tls.key_passphrase_file, dir.path() / "pass.txt");
    EXPECT_TRUE(s.tls.mutual());
    EXPECT_EQ(s.tls.min_version, tls_version::v1_3);
    ASSERT_EQ(s.clients.size(), 2U);
    EXPECT_EQ(access_control::rights(s.clients[1], "2050"), access::control);
    EXPECT_EQ(access_control::rights(s.clients[1], "sales"), access::control);
    EXPECT_EQ(access_control::rights(s.clients[1], "7001"), access::monitor);
    EXPECT_EQ(access_control::rights(s.clients[0], "2050"), access::none);
    EXPECT_EQ(s.backend.sim.stations,
              (std::vector<device_range>{{"1000", "1000"}, {"2000", "2099"}}));
    EXPECT_EQ(s.backend.sim.park_orbits, std::vector<std::string>{"7001"});
    EXPECT_EQ(s.backend.sim.pickup_groups.at("sales"), (std::vector<std::string>{"2000", "2001"}));
    EXPECT_EQ(s.limits.max_sessions, 5U);
    EXPECT_EQ(s.limits.malformed_per_minute, 0U);
    EXPECT_EQ(s.limits.requests_per_second, 0U);
    EXPECT_EQ(s.limits.heartbeat_interval.count(), 1000);
    ASSERT_TRUE(s.status.has_value());
    EXPECT_EQ(s.status->port, 9100);
    EXPECT_EQ(s.logging.file, dir.path() / "log/gw.log");
    EXPECT_EQ(s.logging.level, log_level::debug);
    EXPECT_EQ(s.logging.rotate_count, 100U);
}

TEST(gateway_config_loader, syntax_error_has_position_and_no_echo) {
    const std::string token = generate_token();
    const auto r = load_gateway_text("{\n  \"listen\": [],\n  \"x\": \"" + token);
    ASSERT_EQ(r.diagnostics.size(), 1U);
    EXPECT_EQ(r.diagnostics[0].line, 3);
    EXPECT_GT(r.diagnostics[0].column, 0);
    EXPECT_THAT(config::format(r.diagnostics[0]), Not(HasSubstr(token.substr(0, 8))));
}

TEST(gateway_config_loader, missing_sections_and_wrong_root) {
    EXPECT_THAT(errors("{\n}"), ElementsAre("missing required key \"listen\" (line 1, column 1)",
                                            "missing required key \"clients\" (line 1, column 1)",
                                            "missing required key \"backend\" (line 1, column 1)"));
    EXPECT_THAT(errors("// a list\n[1]"),
                ElementsAre("the configuration must be a JSON object, found an array "
                            "(line 2, column 1)"));
}

TEST(gateway_config_loader, unknown_key_suggests_close_match) {
    EXPECT_THAT(errors(make(plain_listen, one_client, sim_backend,
                            R"(, "limits": {"heartbeatIntervalMS": 5000})")),
                ElementsAre("/limits/heartbeatIntervalMS: unknown key; did you mean "
                            "\"heartbeatIntervalMs\"? (line 4, column 40)"));
    EXPECT_THAT(errors(make(R"({"address": "127.0.0.1", "port": 80, "insecur": true})")),
                ElementsAre(HasSubstr("/listen/0: this listener uses TLS"),
                            "/listen/0/insecur: unknown key; did you mean \"insecure\"? "
                            "(line 2, column 49)"));
    EXPECT_THAT(errors(make(plain_listen, one_client, sim_backend, R"(, "zzz": 1)")),
                ElementsAre("/zzz: unknown key; expected one of: $schema, listen, tls, clients, "
                            "backend, limits, events, status, logging (line 4, column 29)"));
}

TEST(gateway_config_loader, plain_listener_needs_the_explicit_flag) {
    EXPECT_THAT(errors(make(R"({"address": "0.0.0.0", "port": 80})")),
                ElementsAre("/listen/0: this listener uses TLS but there is no \"tls\" section; "
                            "add one, or set \"insecure\": true for plain ws:// (test benches "
                            "only) (line 2, column 12)"));
    EXPECT_THAT(errors(make(R"({"address": "0.0.0.0", "port": 80, "insecure": false})")),
                ElementsAre(HasSubstr("/listen/0: this listener uses TLS")));
    EXPECT_THAT(errors(make(R"({"address": "0.0.0.0", "port": 80, "insecure": "yes"})")),
                ElementsAre(HasSubstr("/listen/0: this listener uses TLS"),
                            "/listen/0/insecure: expected true or false, found a string "
                            "(line 2, column 59)"));
}

TEST(gateway_config_loader, listener_errors) {
    EXPECT_THAT(
        errors(make(R"({"address": "localhost", "port": 0, "path": "csta", "insecure": true})")),
        ElementsAre(HasSubstr("/listen/0/address: invalid address \"localhost\"; expected "
                              "an IPv4 or IPv6 address"),
                    "/listen/0/port: 0 is out of range (1 to 65535) (line 2, column 45)",
                    HasSubstr("/listen/0/path: invalid path \"csta\"")));
    EXPECT_THAT(errors(make(std::string(plain_listen) + ", " + std::string(plain_listen))),
                ElementsAre("/listen/1: duplicate listener 127.0.0.1:8080; already defined at "
                            "/listen/0 (line 2, column 12) (line 2, column 70)"));
    EXPECT_THAT(errors(make("")), ElementsAre("/listen: at least one listener is required "
                                              "(line 2, column 11)"));
    EXPECT_THAT(errors(make(plain_listen, one_client, sim_backend,
                            R"(, "status": {"address": "127.0.0.1", "port": 8080})")),
                ElementsAre("/status/port: the status page cannot share 127.0.0.1:8080 with "
                            "/listen/0 (line 4, column 72)"));
}

TEST(gateway_config_loader, tls_files_must_exist_and_be_readable) {
    temp_dir dir;
    dir.write("chain.pem");
    fs::create_directories(dir.path() / "adir");
    const std::string text = make(
        R"({"address": "::1", "port": 8443})", one_client, sim_backend,
        R"(, "tls": {"certificateFile": "chain.pem", "keyFile": "missing.pem", "clientCaFile": "adir"})");
    const auto e = errors(text, dir.path());
    ASSERT_EQ(e.size(), 2U);
    EXPECT_EQ(e[0], "/tls/keyFile: cannot read \"" + (dir.path() / "missing.pem").string() +
                        "\": no such file (line 4, column 80)");
    EXPECT_EQ(e[1], "/tls/clientCaFile: cannot read \"" + (dir.path() / "adir").string() +
                        "\": not a regular file (line 4, column 111)");
    // Without the check (a file checked on another host), only the syntax and rules count.
    EXPECT_TRUE(load_gateway_text(text, dir.path(), {.check_files = false}).ok());
    EXPECT_THAT(errors(make(R"({"address": "::1", "port": 8443})", one_client, sim_backend,
                            R"(, "tls": {"keyFile": "k.pem"})"),
                       dir.path()),
                Not(::testing::IsEmpty()));
}

TEST(gateway_config_loader, tls_rules) {
    temp_dir dir;
    dir.write("c.pem");
    const auto tls = [&](const std::string& body) {
        return errors(
            make(R"({"address": "::1", "port": 8443})", one_client, sim_backend,
                 R"(, "tls": {"certificateFile": "c.pem", "keyFile": "c.pem", )" + body + "}"),
            dir.path());
    };
    EXPECT_THAT(tls(R"("minVersion": "1.1")"),
                ElementsAre(HasSubstr("/tls/minVersion: unsupported TLS version \"1.1\"")));
    EXPECT_THAT(tls(R"("minVersion": "1.3", "legacyCiphers": true)"),
                ElementsAre(HasSubstr("/tls/legacyCiphers: legacy cipher suites exist only in "
                                      "TLS 1.2")));
    EXPECT_THAT(tls(R"("keyPassphraseFile": "c.pem", "keyPassphraseEnv": "PASS")"),
                ElementsAre(HasSubstr("/tls/keyPassphraseEnv: set at most one of")));
    EXPECT_THAT(tls(R"("keyPassphraseEnv": "1PASS")"),
                ElementsAre(HasSubstr("invalid environment variable name \"1PASS\"")));
    EXPECT_THAT(tls(R"("keyPassphrase": "hunter2")"),
                ElementsAre(HasSubstr("/tls/keyPassphrase: inline secrets are not allowed; keep "
                                      "the passphrase in a file")));
    EXPECT_THAT(tls(R"("keyPassphraseEnv": "PASS", "legacyCiphers": true)"), ::testing::IsEmpty());
}

TEST(gateway_config_loader, malformed_token_hash_is_located_and_not_echoed) {
    const std::string token = generate_token();
    const auto e = errors(make(
        plain_listen, R"({"name": "pc1", "tokenHash": ")" + token + R"(", "devices": ["2001"]})"));
    ASSERT_EQ(e.size(), 1U);
    EXPECT_THAT(e[0], HasSubstr("/clients/0/tokenHash: invalid tokenHash (value not shown)"));
    EXPECT_THAT(e[0], HasSubstr("(line 3, column 42)"));
    EXPECT_THAT(e[0], Not(HasSubstr(token.substr(0, 6))));
    EXPECT_THAT(errors(make(plain_listen, R"({"name": "pc1", "tokenHash": 5, "devices": []})")),
                ElementsAre(HasSubstr("/clients/0: the client is granted no device"),
                            HasSubstr("/clients/0/tokenHash: expected a string, found a number "
                                      "(line 3, column 42)")));
}

TEST(gateway_config_loader, secrets_never_appear_in_diagnostics) {
    const std::string token = generate_token();
    const std::string hex_token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";
    const std::string bad_clients =
        R"({"name": ")" + token + R"(", "token": ")" + token + R"(", "tokenHash": ")" + hex_token +
        R"(", "devices": [")" + token + R"( x", ")" + hex_token +
        R"(0"]}, {"name": "b", "tokenHash": ")" + std::string(hash2) + R"(", "devices": ["1"], ")" +
        token + R"(": 1, "password": ")" + token + R"("})";
    const auto r =
        load_gateway_text(make(plain_listen, bad_clients, R"("type": ")" + token + R"(")",
                               R"(, "logging": {"level": ")" + hex_token + R"("}, ")" + token +
                                   R"(": {}, ")" + token + R"(": {})"));
    ASSERT_FALSE(r.ok());
    EXPECT_GE(r.diagnostics.size(), 8U);
    for (const auto& d : r.diagnostics) {
        const std::string text = config::format(d);
        EXPECT_THAT(text, Not(HasSubstr(token.substr(0, 10)))) << text;
        EXPECT_THAT(text, Not(HasSubstr(hex_token.substr(0, 10)))) << text;
        EXPECT_GT(d.line, 0) << text;
    }
    // Short, clearly non-secret values are still quoted, which helps.
    EXPECT_THAT(errors(make(plain_listen, one_client, R"("type": "simm")")),
                ElementsAre("/backend/type: unknown backend \"simm\"; use \"sim\" or "
                            "\"asterisk\" (line 4, column 21)"));
}

TEST(gateway_config_loader, inline_token_gets_the_hash_hint) {
    EXPECT_THAT(
        errors(make(plain_listen, R"({"name": "pc1", "token": "abc", "tokenHash": ")" +
                                      std::string(hash1) + R"(", "devices": ["2001"]})")),
        ElementsAre("/clients/0/token: inline secrets are not allowed; store the token's hash in "
                    "\"tokenHash\" (made by `ctigw-gateway token`), never the token "
                    "(line 3, column 29)"));
}

TEST(gateway_config_loader, duplicate_names_and_hashes) {
    const std::string c0 =
        R"({"name": "pc1", "tokenHash": ")" + std::string(hash1) + R"(", "devices": ["1"]})";
    std::string upper(hash1);
    for (std::size_t i = 7; i < upper.size(); ++i) {
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
    }
    const std::string c1 = R"({"name": "pc1", "tokenHash": ")" + upper + R"(", "devices": ["2"]})";
    const auto e = errors(make(plain_listen, c0 + ",\n " + c1));
    EXPECT_THAT(e, ElementsAre("/clients/1/name: duplicate client name \"pc1\"; already used at "
                               "/clients/0/name (line 3, column 22) (line 4, column 11)",
                               "/clients/1/tokenHash: same tokenHash as /clients/0/tokenHash "
                               "(line 3, column 42); give every client its own token "
                               "(line 4, column 31)"));
    const std::string c2 =
        R"({"name": "pc2", "tokenHash": ")" + std::string(hash2) + R"(", "devices": ["2"]})";
    EXPECT_THAT(errors(make(plain_listen, c0 + ", " + c2)), ::testing::IsEmpty());
    EXPECT_THAT(errors(make(plain_listen, R"({"name": "bad name", "tokenHash": ")" +
                                              std::string(hash1) + R"(", "devices": ["1"]})")),
                ElementsAre(HasSubstr("/clients/0/name: invalid client name \"bad name\"")));
}

TEST(gateway_config_loader, device_set_items) {
    const auto client_with = [](std::string_view devices, std::string_view monitor = "") {
        std::string c = R"({"name": "c", "tokenHash": ")" + std::string(hash1) +
                        R"(", "devices": [)" + std::string(devices) + "]";
        if (!monitor.empty()) c += R"(, "monitorOnlyDevices": [)" + std::string(monitor) + "]";
        return make(plain_listen, c + "}");
    };
    const auto r =
        load_gateway_text(client_with(R"("2001", {"first": "300", "last": "399"})", R"("*")"));
    ASSERT_TRUE(r.ok()) << first_error(r);
    const client& c = r.settings->clients[0];
    EXPECT_EQ(access_control::rights(c, "2001"), access::control);
    EXPECT_EQ(access_control::rights(c, "350"), access::control);
    EXPECT_EQ(access_control::rights(c, "3500"), access::monitor);
    EXPECT_TRUE(c.monitor_only.all());

    EXPECT_THAT(errors(client_with(R"("2000-2099")")),
                ElementsAre("/clients/0/devices/0: write a range as {\"first\": \"2000\", "
                            "\"last\": \"2099\"} (line 3, column 160)"));
    EXPECT_THAT(errors(client_with(R"({"first": "2099", "last": "2000"})")),
                ElementsAre(HasSubstr("/clients/0/devices/0: range \"2099\" to \"2000\" is "
                                      "reversed")));
    EXPECT_THAT(errors(client_with(R"({"first": "200", "last": "2000"})")),
                ElementsAre(HasSubstr("range ends have different lengths (3 and 4 digits)")));
    EXPECT_THAT(errors(client_with(R"({"first": "2a", "lats": "29"})")),
                ElementsAre("/clients/0/devices/0: missing required key \"last\" "
                            "(line 3, column 160)",
                            "/clients/0/devices/0/lats: unknown key; did you mean \"last\"? "
                            "(line 3, column 176)"));
    EXPECT_THAT(errors(client_with(R"("2001", "*")")),
                ElementsAre(HasSubstr("/clients/0/devices/1: \"*\" already means every device")));
    EXPECT_THAT(errors(client_with(R"("", 5, "a b")")),
                ElementsAre(HasSubstr("/clients/0/devices/0: invalid device \"\""),
                            HasSubstr("/clients/0/devices/1: expected a device"),
                            HasSubstr("/clients/0/devices/2: invalid device \"a b\"")));
    EXPECT_THAT(errors(client_with("")),
                ElementsAre(HasSubstr("/clients/0: the client is granted no device")));
    EXPECT_TRUE(load_gateway_text(client_with("", R"("2001")")).ok());
    EXPECT_THAT(errors(make(plain_listen,
                            R"({"name": "c", "tokenHash": ")" + std::string(hash1) + R"("})")),
                ElementsAre(HasSubstr("/clients/0: missing required key \"devices\"")));
}

TEST(gateway_config_loader, backend_rules) {
    EXPECT_THAT(errors(make(plain_listen, one_client, R"("type": "asterisk")")),
                ElementsAre("/backend: missing required key \"asterisk\" (line 4, column 12)"));
    EXPECT_THAT(
        errors(make(plain_listen, one_client, R"("type": "sim", "asterisk": {"host": "pbx"})")),
        ElementsAre("/backend/asterisk: the \"asterisk\" section is used only with \"type\": "
                    "\"asterisk\"; remove it (line 4, column 28)"));
    EXPECT_THAT(
        errors(make(
            plain_listen, one_client,
            R"("type": "sim", "sim": {"stations": [{"first": "2000", "last": "2099"}, "2050", "x"],
  "parkOrbits": ["2001", "7001", "7001"], "pickupGroups": {"g": ["2000", "9999", "2000"], "h": []}})")),
        ElementsAre(HasSubstr("/backend/sim/stations/1: station \"2050\" is also in "
                              "/backend/sim/stations/0"),
                    HasSubstr("/backend/sim/stations/2: expected an extension"),
                    HasSubstr("/backend/sim/parkOrbits/0: park orbit \"2001\" is also a station"),
                    HasSubstr("/backend/sim/parkOrbits/2: duplicate park orbit \"7001\""),
                    HasSubstr("/backend/sim/pickupGroups/g/1: pickup group members must be "
                              "configured stations"),
                    HasSubstr("/backend/sim/pickupGroups/g/2: station \"2000\" is listed twice"),
                    HasSubstr("/backend/sim/pickupGroups/h: a pickup group needs at least one "
                              "station")));
    EXPECT_THAT(
        errors(make(
            plain_listen, one_client,
            R"("type": "sim", "sim": {"stations": [{"first": "00000", "last": "99999"}, {"first": "000000", "last": "000001"}]})")),
        ElementsAre(HasSubstr("/backend/sim/stations: too many stations")));
}

TEST(gateway_config_loader, sim_acd_groups_reasons_and_pins) {
    const auto r = load_gateway_text(make(plain_listen, one_client, R"("type": "sim", "sim": {
  "acd": {"groups": {"6001": {"name": "Sales", "agents": ["2001", "2002"], "maxQueued": 3,
                              "overflowTo": "2099", "wrapupSeconds": 0},
                     "6002": {}},
          "reasons": [{"code": "break", "name": "Break"}, {"code": "lunch"}],
          "agentPins": {"a-1": "1111"}}})"));
    ASSERT_TRUE(r.ok()) << first_error(r);
    const auto& sim = r.settings->backend.sim;
    ASSERT_EQ(sim.acd_groups.size(), 2U);
    const auto& g = sim.acd_groups.at("6001");
    EXPECT_EQ(g.name, "Sales");
    EXPECT_EQ(g.agents, (std::vector<std::string>{"2001", "2002"}));
    EXPECT_EQ(g.max_queued, 3U);
    EXPECT_EQ(g.overflow_to, "2099");
    EXPECT_EQ(g.wrapup, std::chrono::seconds(0));
    EXPECT_EQ(sim.acd_groups.at("6002").wrapup, std::chrono::seconds(10));  // the default
    ASSERT_EQ(sim.not_ready_reasons.size(), 2U);
    EXPECT_EQ(sim.not_ready_reasons[1], (std::pair<std::string, std::string>{"lunch", ""}));
    EXPECT_EQ(sim.agent_pins.at("a-1"), "1111");

    EXPECT_THAT(
        errors(make(plain_listen, one_client, R"("type": "sim", "sim": {
  "acd": {"groups": {"2001": {}, "7001": {}, "sales": {}, "6001": {"agents": ["9999", "2001", "2001"], "overflowTo": "6001", "wrapupSeconds": 7200, "colour": 1}},
          "reasons": [{"code": "a b"}, {"code": "x"}, {"code": "x"}, "lunch"],
          "agentPins": {"a-1": 1111}}})")),
        ElementsAre(
            HasSubstr("/backend/sim/acd/groups/2001: ACD group \"2001\" is also a station"),
            HasSubstr("/backend/sim/acd/groups/7001: ACD group \"7001\" is also a park orbit"),
            HasSubstr("/backend/sim/acd/groups/sales: an ACD group is an extension"),
            HasSubstr("/backend/sim/acd/groups/6001/agents/0: agents must be configured stations"),
            HasSubstr("/backend/sim/acd/groups/6001/agents/2: station \"2001\" is listed twice"),
            HasSubstr("/backend/sim/acd/groups/6001/overflowTo: expected another extension"),
            HasSubstr("/backend/sim/acd/groups/6001/wrapupSeconds"),
            HasSubstr("/backend/sim/acd/groups/6001/colour: unknown key"),
            HasSubstr("/backend/sim/acd/reasons/0/code: a reason code is 1 to 64 characters"),
            HasSubstr("/backend/sim/acd/reasons/2/code: reason \"x\" is listed twice"),
            HasSubstr("/backend/sim/acd/reasons/3: expected"),
            HasSubstr("/backend/sim/acd/agentPins/a-1: a PIN is")));
}

TEST(gateway_config_loader, limits_rules) {
    const auto limits = [](std::string_view body) {
        return errors(make(plain_listen, one_client, sim_backend,
                           ", \"limits\": {" + std::string(body) + "}"));
    };
    EXPECT_THAT(limits(R"("heartbeatIntervalMs": 999)"),
                ElementsAre("/limits/heartbeatIntervalMs: 999 is out of range (1000 to 300000) "
                            "(line 4, column 63)"));
    EXPECT_THAT(limits(R"("maxSessions": 1.5)"),
                ElementsAre(HasSubstr("/limits/maxSessions: expected an integer, found 1.5")));
    EXPECT_THAT(limits(R"("maxFrameBytes": 2097152, "sendQueueBytes": 1048576)"),
                ElementsAre(HasSubstr("/limits/sendQueueBytes: sendQueueBytes (1048576) must be "
                                      "at least maxFrameBytes (2097152)")));
    EXPECT_THAT(limits(R"("maxFrameBytes": 67108864)"),
                ElementsAre(HasSubstr("/limits/maxFrameBytes: sendQueueBytes (16777216)")));
    EXPECT_THAT(limits(R"("requestsPerSecond": -1, "maxBatchSize": 0)"),
                ElementsAre(HasSubstr("/limits/requestsPerSecond: -1 is out of range"),
                            HasSubstr("/limits/maxBatchSize: 0 is out of range")));
}

TEST(gateway_config_loader, event_timestamps) {
    const auto events = [](std::string_view body) {
        return load_gateway_text(make(plain_listen, one_client, sim_backend,
                                      ", \"events\": {" + std::string(body) + "}"));
    };
    const auto on = events(R"("timestamps": true)");
    ASSERT_TRUE(on.ok()) << first_error(on);
    EXPECT_TRUE(on.settings->events.timestamps);
    const auto off = events("");
    ASSERT_TRUE(off.ok()) << first_error(off);
    EXPECT_FALSE(off.settings->events.timestamps);
    EXPECT_THAT(errors(make(plain_listen, one_client, sim_backend,
                            R"(, "events": {"timestamps": "yes", "stamps": true})")),
                ElementsAre("/events/timestamps: expected true or false, found a string (line 4, "
                            "column 54)",
                            HasSubstr("/events/stamps: unknown key; expected one of: timestamps")));
}

TEST(gateway_config_loader, duplicate_keys_are_errors) {
    EXPECT_THAT(errors(make(plain_listen, one_client, sim_backend,
                            R"(, "logging": {"level": "info", "level": "debug"})")),
                ElementsAre("/logging/level: duplicate key; it was already set at line 4, "
                            "column 41 (line 4, column 58)"));
}

TEST(gateway_config_loader, load_file_reports_io_errors_and_resolves_relative_paths) {
    temp_dir dir;
    const auto missing = load_gateway_file(dir.path() / "nope.json");
    EXPECT_TRUE(missing.io_error);
    ASSERT_EQ(missing.diagnostics.size(), 1U);
    EXPECT_EQ(missing.diagnostics[0].line, 0);
    EXPECT_THAT(config::format(missing.diagnostics[0]), HasSubstr("nope.json"));
    EXPECT_TRUE(load_gateway_file(dir.path()).io_error);

    const auto file = dir.write("gw.json", make(plain_listen, one_client, sim_backend,
                                                R"(, "logging": {"file": "gw.log"})"));
    const auto r = load_gateway_file(file);
    ASSERT_TRUE(r.ok()) << first_error(r);
    EXPECT_EQ(r.settings->logging.file, fs::absolute(dir.path()) / "gw.log");
}

}  // namespace
}  // namespace ctigw::gateway
