// The shipped examples load, and the JSON Schema agrees with the loader on valid and invalid
// documents (the schema is checked with /usr/bin/python3 + jsonschema through
// tests/config/schema_check.py, as the TSP's schema is).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::StartsWith;

const fs::path examples = CTIGW_GATEWAY_EXAMPLES_DIR;

std::string first_error(const load_result& r) {
    return r.diagnostics.empty() ? std::string() : config::format(r.diagnostics.front());
}

TEST(gateway_config_examples, minimal_sim_loads) {
    const auto r = load_gateway_file(examples / "minimal-sim.json");
    ASSERT_TRUE(r.ok()) << first_error(r);
    const gateway_settings& s = *r.settings;
    EXPECT_FALSE(s.any_tls());
    ASSERT_EQ(s.clients.size(), 1U);
    EXPECT_TRUE(s.clients[0].devices.all());
    EXPECT_EQ(s.backend.sim.stations, (std::vector<device_range>{{"2000", "2099"}}));
}

TEST(gateway_config_examples, site_with_mutual_tls_loads) {
    const auto path = examples / "site-mtls.json";
    const auto r = load_gateway_file(path, {.check_files = false});
    ASSERT_TRUE(r.ok()) << first_error(r);
    const gateway_settings& s = *r.settings;
    EXPECT_TRUE(s.any_tls());
    EXPECT_TRUE(s.tls.mutual());
    EXPECT_EQ(s.tls.key_passphrase, passphrase_source::file);
    ASSERT_EQ(s.clients.size(), 3U);
    const access_control ac(s.clients);
    const client& agent = s.clients[0];
    const client& server = s.clients[1];
    const client& supervisor = s.clients[2];
    EXPECT_EQ(access_control::rights(agent, "2001"), access::control);
    EXPECT_EQ(access_control::rights(agent, "2002"), access::none);
    EXPECT_EQ(access_control::rights(server, "2099"), access::control);
    EXPECT_EQ(access_control::rights(server, "sales"), access::control);
    EXPECT_EQ(access_control::rights(server, "3000"), access::none);
    EXPECT_EQ(access_control::rights(supervisor, "3000"), access::monitor);
    EXPECT_EQ(access_control::rights(supervisor, "2001"), access::monitor);
    EXPECT_EQ(ac.authenticate(generate_token()), nullptr);
    ASSERT_TRUE(s.status.has_value());
    EXPECT_EQ(s.backend.sim.pickup_groups.size(), 2U);

    // On a host without the certificates, the file check names exactly the TLS files.
    if (!fs::exists("/etc/ctigw-gateway")) {
        const auto checked = load_gateway_file(path);
        ASSERT_EQ(checked.diagnostics.size(), 4U);
        for (const auto& d : checked.diagnostics) {
            EXPECT_THAT(d.pointer, StartsWith("/tls/"));
            EXPECT_THAT(d.message, StartsWith("cannot read \"/etc/ctigw-gateway/tls/"));
        }
    }
}

TEST(gateway_config_examples, asterisk_freepbx_loads) {
    const auto path = examples / "asterisk-freepbx.json";
    const auto r = load_gateway_file(path, {.check_files = false});
    ASSERT_TRUE(r.ok()) << first_error(r);
    const gateway_settings& s = *r.settings;
    ASSERT_EQ(s.backend.type, backend_type::asterisk);
    const auto& a = s.backend.asterisk;
    EXPECT_EQ(a.ami.host, "pbx.example.com");
    EXPECT_EQ(a.ami.port, 5039);
    EXPECT_FALSE(a.ami.insecure);
    EXPECT_EQ(a.ami.secret, secret_source::file);
    EXPECT_EQ(a.endpoints.size(), 2U);
    EXPECT_EQ(a.parking.spaces, (device_range{"71", "78"}));

    // Without the files, the check names the TLS files, the AMI CA and the AMI secret.
    if (!fs::exists("/etc/ctigw-gateway")) {
        const auto checked = load_gateway_file(path);
        std::vector<std::string> pointers;
        for (const auto& d : checked.diagnostics) pointers.push_back(d.pointer);
        EXPECT_THAT(pointers, ::testing::ElementsAre("/tls/certificateFile", "/tls/keyFile",
                                                     "/backend/asterisk/ami/tls/caFile",
                                                     "/backend/asterisk/ami/secretFile"));
    }
}

// ---- schema <-> loader agreement --------------------------------------------------------------

constexpr std::string_view hash =
    "sha256$000102030405060708090a0b0c0d0e0f$"
    "340590c1994fa7d4ffc76678e23bd3db322a0562b3fd451b6e81399df5578bb3";

std::string doc(std::string_view listen, std::string_view client_rest,
                std::string_view backend = R"({"type": "sim"})", std::string_view extra = "") {
    return "{\"listen\": [" + std::string(listen) + "], \"clients\": [{\"name\": \"c\", " +
           "\"tokenHash\": \"" + std::string(hash) + "\", " + std::string(client_rest) +
           "}], \"backend\": " + std::string(backend) + std::string(extra) + "}";
}

constexpr std::string_view plain = R"({"address": "127.0.0.1", "port": 80, "insecure": true})";
constexpr std::string_view devices = R"("devices": ["2001"])";

struct schema_case {
    const char* name;
    std::string text;
};

std::vector<schema_case> valid_cases() {
    return {
        {"plain", doc(plain, devices)},
        {"star-monitor-only", doc(plain, R"("devices": [], "monitorOnlyDevices": ["*"])")},
        {"range-and-name",
         doc(plain, R"("devices": [{"first": "2000", "last": "2099"}, "sales", "*x"])")},
        {"ipv6-path",
         doc(R"({"address": "::1", "port": 8080, "path": "/a/b", "insecure": true})", devices)},
        {"sim",
         doc(plain, devices,
             R"({"type": "sim", "sim": {"stations": ["1000", {"first": "2000", "last": "2001"}],
                        "parkOrbits": [], "pickupGroups": {"g": ["2000"]}}})")},
        {"asterisk",
         doc(plain, devices,
             R"({"type": "asterisk", "asterisk": {"ami": {"host": "pbx", "tls": {"caFile": "c"},
                 "username": "u", "secretEnv": "S"}, "stations": ["2001"],
                 "endpoints": {"PJSIP/anna-mobile": "2001"}, "dialString": "IAX2/{ext}/{ext}",
                 "features": {"dndDeviceState": ""}}})")},
        {"asterisk-loopback-tcp",
         doc(plain, devices,
             R"({"type": "asterisk", "asterisk": {"ami": {"host": "127.0.0.1", "insecure": true,
                 "username": "u", "secretFile": "s"}, "stations": ["2001"]}})")},
        {"limits", doc(plain, devices, R"({"type": "sim"})",
                       R"(, "limits": {"requestsPerSecond": 0, "malformedTolerance": 0},
                          "status": {"address": "0.0.0.0", "port": 9000},
                          "logging": {"level": "off"})")},
    };
}

std::vector<schema_case> invalid_cases() {
    return {
        {"tls-listener-without-tls", doc(R"({"address": "::", "port": 443})", devices)},
        {"insecure-false-without-tls",
         doc(R"({"address": "::", "port": 443, "insecure": false})", devices)},
        {"no-listener", doc("", devices)},
        {"unknown-key", doc(plain, R"("devices": ["2001"], "monitorOnly": ["*"])")},
        {"inline-token", doc(plain, R"("devices": ["2001"], "token": "abc")")},
        {"dash-range", doc(plain, R"("devices": ["2000-2099"])")},
        {"star-with-others", doc(plain, R"("devices": ["*", "2001"])")},
        {"bad-hash", R"({"listen": [{"address": "::1", "port": 1, "insecure": true}],
                         "clients": [{"name": "c", "tokenHash": "sha256$00$00", "devices": ["1"]}],
                         "backend": {"type": "sim"}})"},
        {"bad-name", doc(plain, devices).replace(doc(plain, devices).find("\"c\""), 3, "\"a b\"")},
        {"asterisk-without-section", doc(plain, devices, R"({"type": "asterisk"})")},
        {"asterisk-remote-tcp",
         doc(plain, devices,
             R"({"type": "asterisk", "asterisk": {"ami": {"host": "10.0.0.5", "insecure": true,
                 "username": "u", "secretEnv": "S"}, "stations": ["2001"]}})")},
        {"asterisk-no-tls", doc(plain, devices,
                                R"({"type": "asterisk", "asterisk": {"ami": {"host": "pbx",
                 "username": "u", "secretEnv": "S"}, "stations": ["2001"]}})")},
        {"asterisk-two-secrets",
         doc(plain, devices,
             R"({"type": "asterisk", "asterisk": {"ami": {"host": "pbx", "tls": {"caFile": "c"},
                 "username": "u", "secretEnv": "S", "secretFile": "f"}, "stations": ["2001"]}})")},
        {"asterisk-pattern-without-ext",
         doc(plain, devices,
             R"({"type": "asterisk", "asterisk": {"ami": {"host": "pbx", "tls": {"caFile": "c"},
                 "username": "u", "secretEnv": "S"}, "stations": ["2001"],
                 "channelPatterns": ["PJSIP/-"]}})")},
        {"asterisk-with-sim-section",
         doc(plain, devices,
             R"({"type": "asterisk", "sim": {}, "asterisk": {"ami": {"host": "pbx",
                 "tls": {"caFile": "c"}, "username": "u", "secretEnv": "S"}, "stations": ["2001"]}})")},
        {"hostname", doc(R"({"address": "localhost", "port": 80, "insecure": true})", devices)},
        {"path-query",
         doc(R"({"address": "::1", "port": 80, "path": "/a?b", "insecure": true})", devices)},
        {"heartbeat-too-fast",
         doc(plain, devices, R"({"type": "sim"})", R"(, "limits": {"heartbeatIntervalMs": 999})")},
        {"tls-1.3-legacy",
         doc(plain, devices, R"({"type": "sim"})",
             R"(, "tls": {"certificateFile": "c", "keyFile": "k", "minVersion": "1.3", "legacyCiphers": true})")},
        {"both-passphrases",
         doc(plain, devices, R"({"type": "sim"})",
             R"(, "tls": {"certificateFile": "c", "keyFile": "k", "keyPassphraseFile": "p", "keyPassphraseEnv": "P"})")},
        {"empty-pickup-group",
         doc(plain, devices, R"({"type": "sim", "sim": {"pickupGroups": {"g": []}}})")},
    };
}

// Writes each case to a file and runs schema_check.py on all of them; returns its exit status.
int run_schema(const std::vector<schema_case>& cases, const char* mode, const fs::path& dir) {
    std::string command = std::string(CTIGW_PYTHON) + " " + CTIGW_SCHEMA_CHECK + " " +
                          CTIGW_GATEWAY_SCHEMA + " " + mode;
    for (const auto& c : cases) {
        const fs::path file = dir / (std::string(c.name) + ".json");
        std::ofstream(file) << c.text;
        command += " " + file.string();
    }
    return std::system(command.c_str());
}

class gateway_config_schema : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ctigw-gwschema-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path dir_;
};

TEST_F(gateway_config_schema, agrees_with_the_loader_on_valid_documents) {
    const auto cases = valid_cases();
    for (const auto& c : cases) {
        const auto r = load_gateway_text(c.text, {}, {.check_files = false});
        EXPECT_TRUE(r.ok()) << c.name << ": " << first_error(r);
    }
    EXPECT_EQ(run_schema(cases, "--valid", dir_), 0);
}

TEST_F(gateway_config_schema, agrees_with_the_loader_on_invalid_documents) {
    const auto cases = invalid_cases();
    for (const auto& c : cases) {
        EXPECT_FALSE(load_gateway_text(c.text, {}, {.check_files = false}).ok()) << c.name;
    }
    EXPECT_EQ(run_schema(cases, "--invalid", dir_), 0);
}

}  // namespace
}  // namespace ctigw::gateway
