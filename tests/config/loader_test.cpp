#include "ctigw/config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ctigw::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view default_switch =
    R"("endpoints": ["wss://pbx/csta"], "auth": {"tokenEnv": "T"})";
constexpr std::string_view default_devices = R"("lines": ["2001"])";

// Layout: line 2 is `"switch": {<switch_body>},` (body starts at column 12), line 3 is
// `"devices": {<devices_body>}<extra>` (body starts at column 13).
std::string make(std::string_view switch_body = default_switch,
                 std::string_view devices_body = default_devices, std::string_view extra = "") {
    return "{\n\"switch\": {" + std::string(switch_body) + "},\n\"devices\": {" +
           std::string(devices_body) + "}" + std::string(extra) + "\n}\n";
}

std::vector<std::string> errors(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& d : load_text(text).errors) out.push_back(format(d));
    return out;
}

TEST(config_loader, minimal_file_gets_defaults) {
    const auto r = load_text(make());
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : format(r.errors[0]));
    const settings& s = *r.value;
    ASSERT_EQ(s.link.endpoints.size(), 1U);
    EXPECT_EQ(s.link.endpoints[0].host, "pbx");
    EXPECT_EQ(s.link.endpoints[0].port, 443);
    EXPECT_EQ(s.link.endpoints[0].target, "/csta");
    EXPECT_EQ(s.link.auth.source, token_source::environment);
    EXPECT_EQ(s.link.auth.token_env, "T");
    EXPECT_EQ(s.link.timeouts.connect.count(), 5000);
    EXPECT_EQ(s.link.timeouts.missed_heartbeats, 3U);
    EXPECT_EQ(s.link.reconnect.max.count(), 30000);
    EXPECT_FALSE(s.link.fallback_to_primary.enabled);
    EXPECT_TRUE(s.link.tls.verify_peer);
    EXPECT_EQ(s.link.tls.min_version, tls_version::v1_2);
    EXPECT_EQ(s.logging.level, log_level::info);
    EXPECT_EQ(s.logging.rotate_size_mb, 10U);
    EXPECT_EQ(s.limits.max_frame_bytes, 1024U * 1024U);
    EXPECT_EQ(s.limits.max_outbound_queue, 4096U);
    EXPECT_EQ(s.dialing.international_prefix, "00");
}

TEST(config_loader, full_settings_are_read) {
    const auto r = load_text(
        make(
            R"("endpoints": ["wss://a:8443/x", "wss://[::1]/y"], "allowInsecure": false,
"tls": {"caFile": "ca.pem", "clientCertificate": "c.pem", "clientKey": "k.pem",
        "clientKeyPassphraseFile": "k.pass", "crlFile": "crl.pem", "cipherList": "AES128-SHA",
        "pinnedSha256": "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
        "minVersion": "1.3", "serverName": "pbx.example"},
"auth": {"tokenFile": "/etc/tok"},
"timeouts": {"connectMs": 100, "requestMs": 300000, "heartbeatIntervalMs": 1000, "missedHeartbeats": 20},
"reconnect": {"initialMs": 100, "maxMs": 100, "jitter": 1, "stableAfterMs": 500},
"fallbackToPrimary": {"enabled": true, "idleSeconds": 0})",
            default_devices,
            R"(, "logging": {"file": "log/ctigw.log", "level": "trace", "rotateSizeMb": 1024, "rotateCount": 1},
"limits": {"maxFrameBytes": 4096, "maxStringLength": 64, "maxListLength": 16,
           "maxRequestsInFlight": 1024, "maxOutboundQueue": 1000000})"),
        "/base");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : format(r.errors[0]));
    const settings& s = *r.value;
    EXPECT_EQ(s.link.endpoints[1].host, "::1");
    EXPECT_EQ(s.link.endpoints[1].target, "/y");
    EXPECT_EQ(s.link.tls.client_key_passphrase_file, "/base/k.pass");
    EXPECT_EQ(s.link.tls.crl_file, "/base/crl.pem");
    EXPECT_EQ(s.link.tls.cipher_list, "AES128-SHA");
    EXPECT_EQ(s.link.reconnect.stable_after.count(), 500);
    EXPECT_EQ(s.link.tls.ca_file, "/base/ca.pem");
    EXPECT_EQ(s.link.tls.client_key, "/base/k.pem");
    ASSERT_TRUE(s.link.tls.pinned_sha256.has_value());
    EXPECT_EQ((*s.link.tls.pinned_sha256)[1], 0x11);
    EXPECT_EQ((*s.link.tls.pinned_sha256)[31], 0xFF);
    EXPECT_EQ(s.link.tls.min_version, tls_version::v1_3);
    EXPECT_EQ(s.link.tls.server_name, "pbx.example");
    EXPECT_EQ(s.link.auth.source, token_source::file);
    EXPECT_EQ(s.link.auth.token_file, "/etc/tok");
    EXPECT_EQ(s.link.timeouts.request.count(), 300000);
    EXPECT_EQ(s.link.reconnect.jitter, 1.0);
    EXPECT_TRUE(s.link.fallback_to_primary.enabled);
    EXPECT_EQ(s.logging.file, "/base/log/ctigw.log");
    EXPECT_EQ(s.logging.level, log_level::trace);
    EXPECT_EQ(s.limits.max_requests_in_flight, 1024U);
}

TEST(config_loader, syntax_error_has_position_and_no_echo) {
    EXPECT_THAT(errors("{\n  \"switch\": {},\n}"),
                ElementsAre("syntax error while parsing object key - unexpected '}'; expected "
                            "string literal (line 3, column 1)"));
    EXPECT_THAT(errors("{\"password\": \"hunter2"), ElementsAre(Not(HasSubstr("hunter2"))));
}

TEST(config_loader, root_must_be_object) {
    EXPECT_THAT(errors("// only a list\n[1]"),
                ElementsAre("the configuration must be a JSON object, found an array "
                            "(line 2, column 1)"));
}

TEST(config_loader, missing_required_sections) {
    EXPECT_THAT(errors("{\n}"), ElementsAre("missing required key \"switch\" (line 1, column 1)",
                                            "missing required key \"devices\" (line 1, column 1)"));
    EXPECT_THAT(errors(make(R"("endpoints": ["wss://pbx/csta"])")),
                ElementsAre("/switch: missing required key \"auth\" (line 2, column 11)"));
}

TEST(config_loader, unknown_key_suggests_close_match) {
    EXPECT_THAT(errors(make(std::string(default_switch) +
                            R"(, "timeouts": {"heartbeatIntervalMS": 5000})")),
                ElementsAre("/switch/timeouts/heartbeatIntervalMS: unknown key; did you mean "
                            "\"heartbeatIntervalMs\"? (line 2, column 85)"));
    EXPECT_THAT(errors(make(default_switch, default_devices, R"(, "loging": {})")),
                ElementsAre("/loging: unknown key; did you mean \"logging\"? (line 3, column 33)"));
    EXPECT_THAT(errors(make(default_switch, default_devices, R"(, "zzz": 1)")),
                ElementsAre("/zzz: unknown key; expected one of: $schema, switch, devices, "
                            "dialing, logging, limits (line 3, column 33)"));
}

TEST(config_loader, inline_secrets_are_rejected_without_echo) {
    const auto e = errors(make(
        R"("endpoints": ["wss://pbx/csta"], "auth": {"tokenEnv": "T", "password": "s3cr3t"})"));
    EXPECT_THAT(e, ElementsAre("/switch/auth/password: inline secrets are not allowed; use "
                               "tokenFile or tokenEnv (line 2, column 71)"));
    EXPECT_THAT(errors(make(default_switch, default_devices, R"(, "Token": "abc")")),
                ElementsAre("/Token: inline secrets are not allowed; use tokenFile or tokenEnv "
                            "(line 3, column 33)"));
}

TEST(config_loader, wrong_types) {
    EXPECT_THAT(
        errors(make(R"("endpoints": "wss://pbx/csta", "auth": {"tokenEnv": 5})")),
        ElementsAre("/switch/endpoints: expected an array, found a string (line 2, column 25)",
                    "/switch/auth/tokenEnv: expected a string, found a number "
                    "(line 2, column 64)"));
    EXPECT_THAT(errors(make(std::string(default_switch) + R"(, "allowInsecure": "yes")")),
                ElementsAre("/switch/allowInsecure: expected true or false, found a string "
                            "(line 2, column 89)"));
    EXPECT_THAT(errors(make(std::string(default_switch) + R"(, "timeouts": {"connectMs": 1.5})")),
                ElementsAre("/switch/timeouts/connectMs: expected an integer, found 1.5 "
                            "(line 2, column 98)"));
}

TEST(config_loader, numbers_out_of_range) {
    EXPECT_THAT(
        errors(make(
            std::string(default_switch) +
            R"(, "timeouts": {"connectMs": 50, "missedHeartbeats": 99999999999999999999, "requestMs": 18446744073709551615})")),
        ElementsAre("/switch/timeouts/connectMs: 50 is out of range (100 to 120000) "
                    "(line 2, column 98)",
                    "/switch/timeouts/missedHeartbeats: 1e+20 is out of range (1 to 20) "
                    "(line 2, column 122)",
                    "/switch/timeouts/requestMs: 18446744073709551615 is out of range "
                    "(100 to 300000) (line 2, column 157)"));
    EXPECT_THAT(
        errors(make(default_switch, default_devices, R"(, "limits": {"maxFrameBytes": -1})")),
        ElementsAre("/limits/maxFrameBytes: -1 is out of range (4096 to 67108864) "
                    "(line 3, column 61)"));
}

TEST(config_loader, reconnect_and_jitter_rules) {
    EXPECT_THAT(errors(make(std::string(default_switch) +
                            R"(, "reconnect": {"initialMs": 2000, "maxMs": 1000, "jitter": 1.5})")),
                ElementsAre("/switch/reconnect/maxMs: maxMs (1000) must be at least initialMs "
                            "(2000) (line 2, column 114)",
                            "/switch/reconnect/jitter: 1.5 is out of range (0 to 1) "
                            "(line 2, column 130)"));
}

TEST(config_loader, endpoint_rules) {
    EXPECT_THAT(errors(make(R"("endpoints": [], "auth": {"tokenEnv": "T"})")),
                ElementsAre("/switch/endpoints: at least one endpoint is required "
                            "(line 2, column 25)"));
    EXPECT_THAT(
        errors(make(
            R"("endpoints": ["ws://pbx/csta", "https://pbx", "wss://u:p@pbx/", "wss://pbx:0/", "wss://pbx/csta", "wss://pbx:443/csta"], "auth": {"tokenEnv": "T"})")),
        ElementsAre("/switch/endpoints/0: ws:// is not encrypted; use wss:// or, on a test bench "
                    "only, set \"allowInsecure\": true (line 2, column 26)",
                    "/switch/endpoints/1: unsupported scheme; use wss://host:port/path "
                    "(line 2, column 43)",
                    "/switch/endpoints/2: credentials in the URL are not allowed; use tokenFile "
                    "or tokenEnv (line 2, column 58)",
                    "/switch/endpoints/3: port is out of range (1 to 65535) (line 2, column 76)",
                    "/switch/endpoints/5: duplicate endpoint; same as /switch/endpoints/4 "
                    "(line 2, column 110)"));
    EXPECT_TRUE(
        load_text(
            make(
                R"("endpoints": ["ws://pbx/csta"], "allowInsecure": true, "auth": {"tokenEnv": "T"})"))
            .ok());
}

// A query is where a token gets pasted: refused whatever its keys, and never echoed.
TEST(config_loader, endpoint_query_is_refused_without_echo) {
    const auto e = errors(make(
        R"("endpoints": ["wss://pbx/csta?token=s3cr3t", "wss://pbx2?x"], "auth": {"tokenEnv": "T"})"));
    ASSERT_EQ(e.size(), 2U);
    EXPECT_THAT(e[0], HasSubstr("/switch/endpoints/0: a query (?...) is not allowed in the switch "
                                "URL; the token belongs in tokenFile or tokenEnv"));
    EXPECT_THAT(e[1], HasSubstr("/switch/endpoints/1: a query"));
    for (const auto& line : e) EXPECT_THAT(line, Not(HasSubstr("s3cr3t")));
}

TEST(config_loader, key_passphrase_rules) {
    const std::string cert = R"(, "tls": {"clientCertificate": "c.pem", "clientKey": "k.pem", )";
    EXPECT_THAT(errors(make(std::string(default_switch) + cert +
                            R"("clientKeyPassphraseFile": "p", "clientKeyPassphraseEnv": "P"})")),
                ElementsAre(HasSubstr("/switch/tls: set at most one of \"clientKeyPassphraseFile\" "
                                      "or \"clientKeyPassphraseEnv\", not both")));
    EXPECT_THAT(
        errors(make(std::string(default_switch) + R"(, "tls": {"clientKeyPassphraseEnv": "P"})")),
        ElementsAre(HasSubstr("/switch/tls/clientKeyPassphraseEnv: a passphrase needs "
                              "\"clientKey\"")));
    EXPECT_THAT(
        errors(make(std::string(default_switch) + cert + R"("clientKeyPassphraseEnv": "1x"})")),
        ElementsAre(HasSubstr("invalid environment variable name")));
    // The passphrase itself never goes in the file.
    const auto inline_secret =
        errors(make(std::string(default_switch) + cert + R"("clientKeyPassphrase": "s3cr3t"})"));
    EXPECT_THAT(inline_secret,
                ElementsAre(HasSubstr("/switch/tls/clientKeyPassphrase: inline secrets are not "
                                      "allowed; use clientKeyPassphraseFile or "
                                      "clientKeyPassphraseEnv")));
    const auto ok = load_text(make(std::string(default_switch) + cert +
                                   R"("clientKeyPassphraseEnv": "CTIGW_KEY_PASS"})"));
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.value->link.tls.client_key_passphrase_env, "CTIGW_KEY_PASS");
    EXPECT_THAT(errors(make(std::string(default_switch) + R"(, "tls": {"cipherList": "A B"})")),
                ElementsAre(HasSubstr("/switch/tls/cipherList: expected an OpenSSL cipher list")));
    EXPECT_THAT(
        errors(make(std::string(default_switch) + R"(, "reconnect": {"stableAfterMs": -1})")),
        ElementsAre(HasSubstr("/switch/reconnect/stableAfterMs: -1 is out of range")));
}

TEST(config_loader, tls_rules) {
    EXPECT_THAT(
        errors(make(
            std::string(default_switch) +
            R"(, "tls": {"clientKey": "k", "pinnedSha256": "abc", "minVersion": "1.1", "verifyPeer": false})")),
        ElementsAre("/switch/tls/clientKey: \"clientCertificate\" is required when \"clientKey\" "
                    "is set (line 2, column 93)",
                    "/switch/tls/pinnedSha256: expected a SHA-256 fingerprint of 64 hex digits "
                    "(colons allowed), found 3 digits (line 2, column 114)",
                    "/switch/tls/minVersion: unsupported TLS version \"1.1\"; use \"1.2\" or "
                    "\"1.3\" (line 2, column 135)",
                    "/switch/tls/verifyPeer: \"verifyPeer\": false disables server authentication "
                    "and requires \"allowInsecure\": true (line 2, column 156)"));
    EXPECT_THAT(errors(make(std::string(default_switch) + R"(, "tls": {"pinnedSha256": ")" +
                            std::string(63, 'a') + "g\"}")),
                ElementsAre("/switch/tls/pinnedSha256: invalid character in SHA-256 fingerprint; "
                            "expected 64 hex digits (colons allowed) (line 2, column 96)"));
}

TEST(config_loader, token_source_must_be_exactly_one) {
    EXPECT_THAT(
        errors(make(R"("endpoints": ["wss://pbx/csta"], "auth": {})")),
        ElementsAre("/switch/auth: set one of \"tokenFile\" (a file holding the token) or "
                    "\"tokenEnv\" (an environment variable holding it) (line 2, column 53)"));
    EXPECT_THAT(
        errors(make(
            R"("endpoints": ["wss://pbx/csta"], "auth": {"tokenEnv": "T", "tokenFile": "f"})")),
        ElementsAre("/switch/auth: set exactly one of \"tokenFile\" or \"tokenEnv\", not "
                    "both (line 2, column 53)"));
    EXPECT_THAT(
        errors(make(R"("endpoints": ["wss://pbx/csta"], "auth": {"tokenEnv": "1X"})")),
        ElementsAre("/switch/auth/tokenEnv: invalid environment variable name \"1X\"; use "
                    "letters, digits and _, not starting with a digit (line 2, column 66)"));
}

TEST(config_loader, device_entry_errors) {
    EXPECT_THAT(
        errors(make(
            default_switch,
            R"("lines": ["2000-2099", "20a1", "200-2999", "2999-2000", "000000-999999", 7, {"extension": "1-2"}, {"range": "5"}, {}, {"extension": "1", "range": "1-2"}])")),
        ElementsAre(
            "/devices/lines/1: invalid extension \"20a1\"; use 1 to 32 digits (line 3, column 36)",
            "/devices/lines/2: range \"200-2999\" has ends of different lengths (3 and 4 digits) "
            "(line 3, column 44)",
            "/devices/lines/3: range \"2999-2000\" is reversed (line 3, column 56)",
            "/devices/lines/4: range \"000000-999999\" spans 1000000 extensions; the limit is "
            "100000 "
            "(line 3, column 69)",
            "/devices/lines/5: expected an extension, a range or an object, found a number "
            "(line 3, column 86)",
            "/devices/lines/6/extension: invalid extension \"1-2\"; use 1 to 32 digits (write "
            "ranges under \"range\") (line 3, column 103)",
            "/devices/lines/7/range: invalid range \"5\"; expected \"first-last\", e.g. "
            "\"2000-2099\" (line 3, column 121)",
            "/devices/lines/8: missing required key \"extension\" or \"range\" (line 3, column "
            "127)",
            "/devices/lines/9: set either \"extension\" or \"range\", not both (line 3, column "
            "131)"));
}

TEST(config_loader, role_rules) {
    const auto e =
        errors(make(default_switch, R"("lines": [{"extension": "1", "options": {"role": "agent"}}],
        "phones": [{"extension": "2", "options": {"role": "acdGroup"}}])"));
    ASSERT_EQ(e.size(), 2U);
    EXPECT_THAT(e[0], HasSubstr("/devices/lines/0/options/role: unknown role \"agent\"; expected "
                                "\"station\", \"acdGroup\", \"queue\" or \"routePoint\""));
    EXPECT_THAT(e[1], HasSubstr("/devices/phones/0/options/role: a role applies to lines only"));
}

TEST(config_loader, devices_need_at_least_one_line_or_phone) {
    EXPECT_THAT(errors(make(default_switch, R"("lines": [], "phones": [])")),
                ElementsAre("/devices: define at least one line or phone (line 3, column 12)"));
}

TEST(config_loader, duplicates_name_both_locations) {
    EXPECT_THAT(errors(make(default_switch,
                            R"("lines": ["2000-2010", "3000",
  "2005", {"range": "2010-2020"}, "3000"], "phones": ["2005", "2000-2010"])")),
                ElementsAre("/devices/lines/2: duplicate extension \"2005\"; first defined at "
                            "/devices/lines/0, line 3, column 23 (line 4, column 3)",
                            "/devices/lines/3: duplicate extension \"2010\"; first defined at "
                            "/devices/lines/0, line 3, column 23 (line 4, column 11)",
                            "/devices/lines/4: duplicate extension \"3000\"; first defined at "
                            "/devices/lines/1, line 3, column 36 (line 4, column 35)",
                            "/devices/phones/1: duplicate extension \"2005\"; first defined at "
                            "/devices/phones/0, line 4, column 55 (line 4, column 63)"));
    // Same digits, different widths are different extensions.
    EXPECT_TRUE(load_text(make(default_switch, R"("lines": ["2", "02", "002"])")).ok());
}

TEST(config_loader, names_map_rules) {
    EXPECT_THAT(
        errors(
            make(default_switch,
                 R"("lines": ["2001"], "names": {"2001": "A", "x": "B", "2002": "C", "2003": 4})")),
        ElementsAre(
            "/devices/names/x: invalid extension \"x\"; use 1 to 32 digits (line 3, column 55)",
            "/devices/names/2002: extension \"2002\" is not a configured line or phone "
            "(line 3, column 65)",
            "/devices/names/2003: expected a string, found a number (line 3, column 86)"));
}

TEST(config_loader, duplicate_json_keys_are_errors) {
    EXPECT_THAT(errors(make(std::string(default_switch) + R"(, "auth": {"tokenEnv": "U"})")),
                ElementsAre("/switch/auth: duplicate key; it was already set at line 2, column 45 "
                            "(line 2, column 72)"));
}

TEST(config_loader, dialing_rules) {
    EXPECT_THAT(
        errors(make(
            default_switch, default_devices,
            R"(, "dialing": {"countryCode": "033", "areaCode": "1a", "internationalPrefix": "0", "internalLength": 0})")),
        ElementsAre("/dialing/countryCode: a country code does not start with 0; write it without "
                    "the international prefix (line 3, column 60)",
                    "/dialing/areaCode: expected 0 to 8 digits, found \"1a\" (line 3, column 79)",
                    "/dialing/internationalPrefix: nationalPrefix and internationalPrefix are both "
                    "\"0\": a national number could not be told from an international one "
                    "(line 3, column 108)",
                    "/dialing/internalLength: 0 is out of range (1 to 32) (line 3, column 131)"));
    EXPECT_THAT(errors(make(default_switch, default_devices, R"(, "dialing": {})")),
                ElementsAre("/dialing: missing required key \"countryCode\" (line 3, column 44)"));
}

// Issue 12: a national prefix equal to the international one was accepted when only one of the
// two was set; one that starts with it was always accepted.
TEST(config_loader, national_prefix_must_not_start_with_international) {
    EXPECT_THAT(errors(make(default_switch, default_devices,
                            R"(, "dialing": {"countryCode": "33", "nationalPrefix": "00"})")),
                ElementsAre("/dialing/nationalPrefix: nationalPrefix and internationalPrefix are "
                            "both \"00\": a national number could not be told from an "
                            "international one (line 3, column 84)"));
    EXPECT_THAT(
        errors(make(
            default_switch, default_devices,
            R"(, "dialing": {"countryCode": "1", "nationalPrefix": "011", "internationalPrefix": "011"})")),
        ElementsAre("/dialing/nationalPrefix: nationalPrefix and internationalPrefix are both "
                    "\"011\": a national number could not be told from an international one "
                    "(line 3, column 83)"));
    EXPECT_THAT(
        errors(make(
            default_switch, default_devices,
            R"(, "dialing": {"countryCode": "33", "nationalPrefix": "01", "internationalPrefix": "0"})")),
        ElementsAre("/dialing/nationalPrefix: nationalPrefix \"01\" starts with "
                    "internationalPrefix \"0\": every national number would read as an "
                    "international one (line 3, column 84)"));
    // The usual plans: national "0" and international "00", "1" and "011", no national prefix.
    constexpr std::string_view usual[] = {
        R"(, "dialing": {"countryCode": "33"})",
        R"(, "dialing": {"countryCode": "1", "nationalPrefix": "1", "internationalPrefix": "011"})",
        R"(, "dialing": {"countryCode": "39", "nationalPrefix": ""})"};
    for (std::string_view ok : usual) {
        EXPECT_THAT(errors(make(default_switch, default_devices, ok)), ElementsAre()) << ok;
    }
}

TEST(config_loader, logging_rules) {
    EXPECT_THAT(
        errors(make(default_switch, default_devices,
                    R"(, "logging": {"file": "", "level": "verbose", "rotateCount": 101})")),
        ElementsAre("/logging/file: must not be empty (line 3, column 53)",
                    "/logging/level: unknown level \"verbose\"; use one of trace, debug, "
                    "info, warn, error, critical, off (line 3, column 66)",
                    "/logging/rotateCount: 101 is out of range (1 to 100) "
                    "(line 3, column 92)"));
}

TEST(config_loader, errors_are_sorted_and_all_collected) {
    const auto r = load_text("{\"devices\": {\"lines\": [\"9-1\"]},\n \"switch\": {\"x\": 1}}");
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.value.has_value());
    ASSERT_EQ(r.errors.size(), 4U);
    EXPECT_EQ(r.errors[0].pointer, "/devices/lines/0");
    EXPECT_EQ(r.errors[1].line, 2);
}

TEST(config_loader, format_without_pointer_or_position) {
    EXPECT_EQ(format({"", "cannot read", 0, 0}), "cannot read");
    EXPECT_EQ(format({"/a~1b", "bad", 3, 4}), "/a~1b: bad (line 3, column 4)");
}

TEST(config_loader, load_file_reports_io_errors) {
    const auto r = load_file("/nonexistent/ctigw/config.json");
    EXPECT_TRUE(r.io_error);
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0].line, 0);
    EXPECT_TRUE(r.errors[0].pointer.empty());
    EXPECT_THAT(format(r.errors[0]), HasSubstr("cannot read \"/nonexistent/ctigw/config.json\""));
}

TEST(config_loader, fifty_thousand_lines_load) {
    std::string lines;
    for (int i = 0; i < 50000; ++i) {
        if (i != 0) lines += ",\n";
        lines += "\"" + std::to_string(100000 + i) + "\"";
    }
    const auto r = load_text(
        make(default_switch, "\"lines\": [" + lines + "], \"phones\": [\"100000-149999\"]"));
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : format(r.errors[0]));
    EXPECT_EQ(r.value->devices.lines.size(), 50000U);
}

TEST(config_loader, too_many_devices) {
    EXPECT_THAT(errors(make(default_switch, R"("lines": ["100000-199999", "200000-200000"])")),
                ElementsAre("/devices/lines: too many lines: 100001; the limit is 100000 "
                            "(line 3, column 22)"));
}

}  // namespace
}  // namespace ctigw::config
