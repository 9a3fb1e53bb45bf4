// backend.asterisk in ctigw-gateway.json: defaults, every key, and located errors (the AMI link's
// security rules, the secret's sources, channel patterns, endpoints, dialplan names).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::string_view hash1 =
    "sha256$000102030405060708090a0b0c0d0e0f$"
    "340590c1994fa7d4ffc76678e23bd3db322a0562b3fd451b6e81399df5578bb3";

// Line 4: `"backend": {"type": "asterisk", "asterisk": {` (so backend.asterisk's keys start on
// line 5); `ami` is the AMI object's body, `rest` the other keys of backend.asterisk.
constexpr std::string_view tls_ami =
    R"("host": "pbx.example.com", "tls": {"caFile": "ca.pem"}, "username": "ctigw",
 "secretEnv": "AMI_SECRET")";
constexpr std::string_view stations = R"("stations": [{"first": "2000", "last": "2099"}])";

std::string make(std::string_view ami = tls_ami, std::string_view rest = stations) {
    return "{\n\"listen\": [{\"address\": \"127.0.0.1\", \"port\": 8080, \"insecure\": true}],\n"
           "\"clients\": [{\"name\": \"pc1\", \"tokenHash\": \"" +
           std::string(hash1) +
           "\", \"devices\": [\"*\"]}],\n"
           "\"backend\": {\"type\": \"asterisk\", \"asterisk\": {\n\"ami\": {" +
           std::string(ami) + "},\n" + std::string(rest) + "\n}}\n}\n";
}

load_result load(const std::string& text) {
    return load_gateway_text(text, {}, {.check_files = false});
}

std::vector<std::string> errors(const std::string& text) {
    std::vector<std::string> out;
    const auto r = load(text);
    for (const auto& d : r.diagnostics) {
        EXPECT_GT(d.line, 0) << config::format(d);
        out.push_back(config::format(d));
    }
    EXPECT_EQ(r.ok(), out.empty());
    return out;
}

std::string first_error(const load_result& r) {
    return r.diagnostics.empty() ? std::string() : config::format(r.diagnostics.front());
}

TEST(gateway_config_asterisk, minimal_file_gets_defaults) {
    const auto r = load(make());
    ASSERT_TRUE(r.ok()) << first_error(r);
    EXPECT_EQ(r.settings->backend.type, backend_type::asterisk);
    const auto& a = r.settings->backend.asterisk;
    EXPECT_EQ(a.ami.host, "pbx.example.com");
    EXPECT_EQ(a.ami.port, 5039);
    EXPECT_FALSE(a.ami.insecure);
    EXPECT_EQ(a.ami.ca_file, "ca.pem");
    EXPECT_EQ(a.ami.server_name, "pbx.example.com");
    EXPECT_EQ(a.ami.username, "ctigw");
    EXPECT_EQ(a.ami.secret, secret_source::environment);
    EXPECT_EQ(a.ami.secret_env, "AMI_SECRET");
    EXPECT_EQ(a.ami.action_timeout.count(), 10000);
    EXPECT_EQ(a.ami.ping_interval.count(), 20000);
    EXPECT_EQ(a.stations, (std::vector<device_range>{{"2000", "2099"}}));
    EXPECT_EQ(a.channel_patterns, (std::vector<std::string>{"PJSIP/{ext}-", "SIP/{ext}-",
                                                            "IAX2/{ext}-", "Local/{ext}@"}));
    EXPECT_TRUE(a.endpoints.empty());
    EXPECT_EQ(a.dial_string, "PJSIP/{ext}");
    EXPECT_EQ(a.context, "from-internal");
    EXPECT_EQ(a.originate_caller_id, "");
    EXPECT_EQ(a.parking.lot, "default");
    EXPECT_EQ(a.parking.spaces, (device_range{"71", "78"}));
    EXPECT_EQ(a.conference.context, "ctigw-conference");
    EXPECT_EQ(a.conference.bridge_profile, "");
    EXPECT_EQ(a.pickup_context, "from-internal");
    EXPECT_EQ(a.features.dnd_family, "DND");
    EXPECT_EQ(a.features.forward_immediate_family, "CF");
    EXPECT_EQ(a.features.forward_busy_family, "CFB");
    EXPECT_EQ(a.features.forward_no_answer_family, "CFU");
    EXPECT_EQ(a.features.dnd_device_state, "Custom:DND{ext}");
    EXPECT_EQ(a.queues.member_interface, "Local/{ext}@from-queue/n");
    EXPECT_EQ(a.queues.state_interface, "hint:{ext}@ext-local");
    EXPECT_EQ(a.queues.wrapup.count(), 0);
    EXPECT_EQ(a.voicemail_context, "default");
    EXPECT_EQ(std::string(to_string(r.settings->backend.type)), "asterisk");
}

TEST(gateway_config_asterisk, every_key_is_read) {
    const auto r = load(make(
        R"("host": "10.1.2.3", "port": 15039, "tls": {"caFile": "/etc/ca.pem", "serverName": "pbx.lan"},
 "username": "cti", "secretFile": "/etc/ami.secret", "actionTimeoutMs": 5000, "pingIntervalMs": 60000)",
        R"("stations": ["100", {"first": "2000", "last": "2001"}],
 "channelPatterns": ["PJSIP/{ext}-", "Local/{ext}@from-queue"],
 "endpoints": {"PJSIP/anna-mobile": "2001", "PJSIP/desk-17": "2001"},
 "dialString": "Local/{ext}@from-internal", "context": "ctx-1", "originateCallerId": "\"CTI\" <{ext}>",
 "parking": {"lot": "lot2", "spaces": {"first": "701", "last": "720"}},
 "conference": {"context": "conf", "bridgeProfile": "bp", "userProfile": "up"},
 "pickup": {"context": "pick", "groups": {"sales": ["100", "2001"], "all": ["2000"]}},
 "features": {"dndFamily": "D", "forwardImmediateFamily": "F1", "forwardBusyFamily": "F2",
              "forwardNoAnswerFamily": "F3", "dndDeviceState": ""},
 "queues": {"memberInterface": "PJSIP/{ext}", "stateInterface": "", "wrapupSeconds": 15},
 "answer": {"stations": [{"first": "2000", "last": "2001"}], "endpoint": "ep-{ext}", "event": "answer-now"},
 "voicemailContext": "vm")"));
    ASSERT_TRUE(r.ok()) << first_error(r);
    const auto& a = r.settings->backend.asterisk;
    EXPECT_EQ(a.ami.host, "10.1.2.3");
    EXPECT_EQ(a.ami.port, 15039);
    EXPECT_EQ(a.ami.ca_file, "/etc/ca.pem");
    EXPECT_EQ(a.ami.server_name, "pbx.lan");
    EXPECT_EQ(a.ami.secret, secret_source::file);
    EXPECT_EQ(a.ami.secret_file, "/etc/ami.secret");
    EXPECT_EQ(a.ami.action_timeout.count(), 5000);
    EXPECT_EQ(a.ami.ping_interval.count(), 60000);
    EXPECT_EQ(a.stations, (std::vector<device_range>{{"100", "100"}, {"2000", "2001"}}));
    EXPECT_EQ(a.channel_patterns,
              (std::vector<std::string>{"PJSIP/{ext}-", "Local/{ext}@from-queue"}));
    EXPECT_EQ(a.endpoints.size(), 2U);
    EXPECT_EQ(a.endpoints.at("PJSIP/desk-17"), "2001");
    EXPECT_EQ(a.dial_string, "Local/{ext}@from-internal");
    EXPECT_EQ(a.context, "ctx-1");
    EXPECT_EQ(a.originate_caller_id, "\"CTI\" <{ext}>");
    EXPECT_EQ(a.parking.lot, "lot2");
    EXPECT_EQ(a.parking.spaces, (device_range{"701", "720"}));
    EXPECT_EQ(a.conference.context, "conf");
    EXPECT_EQ(a.conference.bridge_profile, "bp");
    EXPECT_EQ(a.conference.user_profile, "up");
    EXPECT_EQ(a.pickup_context, "pick");
    EXPECT_EQ(a.pickup_groups.size(), 2U);
    EXPECT_EQ(a.pickup_groups.at("sales"), (std::vector<std::string>{"100", "2001"}));
    EXPECT_EQ(a.features.dnd_family, "D");
    EXPECT_EQ(a.features.forward_no_answer_family, "F3");
    EXPECT_EQ(a.features.dnd_device_state, "");
    EXPECT_EQ(a.queues.member_interface, "PJSIP/{ext}");
    EXPECT_EQ(a.queues.state_interface, "");
    EXPECT_EQ(a.queues.wrapup.count(), 15);
    EXPECT_EQ(a.answer.stations, (std::vector<device_range>{{"2000", "2001"}}));
    EXPECT_EQ(a.answer.endpoint, "ep-{ext}");
    EXPECT_EQ(a.answer.event, "answer-now");
    EXPECT_EQ(a.voicemail_context, "vm");

    // The pickup context follows "context" unless set.
    const auto p = load(make(tls_ami, std::string(stations) + R"(, "context": "ext-local")"));
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.settings->backend.asterisk.pickup_context, "ext-local");
}

TEST(gateway_config_asterisk, plain_tcp_only_to_loopback) {
    const auto plain = [](std::string_view host) {
        return make(R"("host": ")" + std::string(host) +
                    R"(", "insecure": true, "username": "u", "secretEnv": "S")");
    };
    for (std::string_view host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LocalHost"}) {
        const auto r = load(plain(host));
        ASSERT_TRUE(r.ok()) << host << ": " << first_error(r);
        EXPECT_TRUE(r.settings->backend.asterisk.ami.insecure);
        EXPECT_EQ(r.settings->backend.asterisk.ami.port, 5038) << host;
    }
    EXPECT_THAT(errors(plain("10.0.0.5")),
                ElementsAre("/backend/asterisk/ami/insecure: plain TCP to \"10.0.0.5\" is "
                            "refused: the AMI secret would cross the network in clear. Use TLS "
                            "(Asterisk's manager.conf tlsenable), or plain TCP to 127.0.0.1 only "
                            "(line 5, column 41)"));
    EXPECT_THAT(errors(plain("pbx.example.com")),
                ElementsAre(HasSubstr("the AMI secret would cross the network in clear")));
    EXPECT_THAT(errors(plain("::ffff:10.0.0.1")),
                ElementsAre(HasSubstr("the AMI secret would cross the network in clear")));
    // TLS is the default: without "tls" nor "insecure", say what to add.
    EXPECT_THAT(errors(make(R"("host": "pbx", "username": "u", "secretEnv": "S")")),
                ElementsAre("/backend/asterisk/ami: AMI uses TLS unless \"insecure\": true; add "
                            "\"tls\": {\"caFile\": ...} with the CA that signed Asterisk's "
                            "certificate (manager.conf tlscertfile) (line 5, column 8)"));
    EXPECT_THAT(
        errors(make(
            R"("host": "::1", "insecure": true, "tls": {"caFile": "c"}, "username": "u", "secretEnv": "S")")),
        ElementsAre(HasSubstr("/backend/asterisk/ami/tls: \"tls\" and \"insecure\": true "
                              "contradict each other")));
    EXPECT_THAT(errors(make(R"("host": "pbx", "tls": {}, "username": "u", "secretEnv": "S")")),
                ElementsAre(HasSubstr("/backend/asterisk/ami/tls: missing required key "
                                      "\"caFile\"")));
    EXPECT_THAT(
        errors(make(
            R"("host": "[::1]", "tls": {"caFile": "c", "serverName": "a b"}, "username": "u", "secretEnv": "S", "port": 0)")),
        ElementsAre(HasSubstr("/backend/asterisk/ami/host: invalid host \"[::1]\""),
                    HasSubstr("/backend/asterisk/ami/tls/serverName: invalid server name"),
                    HasSubstr("/backend/asterisk/ami/port:")));
}

TEST(gateway_config_asterisk, secret_comes_from_exactly_one_source_and_is_never_echoed) {
    const std::string base = R"("host": "pbx", "tls": {"caFile": "c"}, "username": "u")";
    EXPECT_THAT(errors(make(base)),
                ElementsAre(HasSubstr("/backend/asterisk/ami: the AMI secret is missing; keep "
                                      "the AMI secret in a file (\"secretFile\") or an "
                                      "environment variable (\"secretEnv\")")));
    EXPECT_THAT(errors(make(base + R"(, "secretFile": "f", "secretEnv": "E")")),
                ElementsAre(HasSubstr("/backend/asterisk/ami/secretEnv: set only one of "
                                      "\"secretFile\" or \"secretEnv\"")));
    EXPECT_THAT(errors(make(base + R"(, "secretEnv": "1BAD")")),
                ElementsAre(HasSubstr("/backend/asterisk/ami/secretEnv: invalid environment "
                                      "variable name")));
    const std::string secret = generate_token();
    const auto inline_secret =
        errors(make(base + R"(, "secretEnv": "S", "secret": ")" + secret + R"(")"));
    ASSERT_THAT(inline_secret,
                ElementsAre(HasSubstr("/backend/asterisk/ami/secret: inline secrets are not "
                                      "allowed; keep the AMI secret in a file")));
    EXPECT_THAT(inline_secret[0], Not(HasSubstr(secret.substr(0, 8))));
    EXPECT_THAT(errors(make(base + R"(, "secretEnv": "S", "password": "hunter2hunter2")")),
                ElementsAre(AllOf(HasSubstr("/backend/asterisk/ami/password: inline secrets"),
                                  Not(HasSubstr("hunter2")))));
}

TEST(gateway_config_asterisk, secret_file_must_exist_when_files_are_checked) {
    const auto dir = fs::temp_directory_path() / ("ctigw-gwast-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "ca.pem") << "x";
    const std::string text =
        make(R"("host": "pbx", "tls": {"caFile": "ca.pem"}, "username": "u", "secretFile": "s")");
    const auto r = load_gateway_text(text, dir);
    ASSERT_EQ(r.diagnostics.size(), 1U);
    EXPECT_EQ(r.diagnostics[0].pointer, "/backend/asterisk/ami/secretFile");
    EXPECT_THAT(r.diagnostics[0].message, HasSubstr("no such file"));
    std::ofstream(dir / "s") << "the secret\n";
    const auto ok = load_gateway_text(text, dir);
    EXPECT_TRUE(ok.ok()) << first_error(ok);
    EXPECT_EQ(ok.settings->backend.asterisk.ami.secret_file, dir / "s");
    EXPECT_EQ(ok.settings->backend.asterisk.ami.ca_file, dir / "ca.pem");
    fs::remove_all(dir);
}

TEST(gateway_config_asterisk, unknown_keys_suggest_close_matches) {
    EXPECT_THAT(
        errors(make(std::string(tls_ami) + R"(, "actionTimeoutMS": 5)",
                    std::string(stations) + R"(, "channelPattern": [], "dialstring": "x")")),
        ElementsAre(HasSubstr("/backend/asterisk/ami/actionTimeoutMS: unknown key; did you mean "
                              "\"actionTimeoutMs\"?"),
                    HasSubstr("/backend/asterisk/channelPattern: unknown key; did you mean "
                              "\"channelPatterns\"?"),
                    HasSubstr("/backend/asterisk/dialstring: unknown key; did you mean "
                              "\"dialString\"?")));
    EXPECT_THAT(errors(make(tls_ami, std::string(stations) + R"(, "parking": {"slots": []})")),
                ElementsAre(HasSubstr("/backend/asterisk/parking/slots: unknown key; did you "
                                      "mean \"lot\"?")));
}

TEST(gateway_config_asterisk, required_parts_and_backend_sections) {
    EXPECT_THAT(errors(make(R"("tls": {"caFile": "c"}, "secretEnv": "S")", "\"context\": \"x\"")),
                ElementsAre(HasSubstr("/backend/asterisk: missing required key \"stations\""),
                            HasSubstr("/backend/asterisk/ami: missing required key \"host\""),
                            HasSubstr("/backend/asterisk/ami: missing required key "
                                      "\"username\"")));
    auto text = make();
    text.replace(text.find("\"type\": \"asterisk\","), 19, R"("type": "asterisk", "sim": {},)");
    EXPECT_THAT(errors(text), ElementsAre(HasSubstr("/backend/sim: the \"sim\" section is used "
                                                    "only with \"type\": \"sim\"; remove it")));
    EXPECT_THAT(
        errors(make(tls_ami, R"("stations": [{"first": "2000", "last": "2099"}, "2050", "x"])")),
        ElementsAre(HasSubstr("/backend/asterisk/stations/1: station \"2050\" is also in "
                              "/backend/asterisk/stations/0"),
                    HasSubstr("/backend/asterisk/stations/2: expected an extension")));
    EXPECT_THAT(errors(make(tls_ami, R"("stations": [{"first": "000000", "last": "999999"}])")),
                ElementsAre(HasSubstr("/backend/asterisk/stations: too many stations: the "
                                      "Asterisk backend supports at most 100000")));
}

TEST(gateway_config_asterisk, channel_patterns_have_exactly_one_placeholder) {
    const auto patterns = [](std::string_view list) {
        return errors(
            make(tls_ami, std::string(stations) + ", \"channelPatterns\": " + std::string(list)));
    };
    EXPECT_THAT(patterns(R"(["PJSIP/{ext}-", "Local/{ext}@from-queue", "DAHDI/ext{ext}/"])"),
                IsEmpty());
    EXPECT_THAT(patterns("[]"), ElementsAre(HasSubstr("at least one channel pattern")));
    EXPECT_THAT(
        patterns(R"(["PJSIP/-", "PJSIP/{ext}-{ext}-", "PJSIP/{extension}-", "PJSIP/{ext}-{x}",
                     "{ext}-", "/{ext}-", "PJSIP/{ext}", "PJSIP/{ext}0", "PJSIP/ {ext}-", 5,
                     "SIP/{ext}-", "SIP/{ext}-"])"),
        ElementsAre(
            "/backend/asterisk/channelPatterns/0: invalid channel pattern \"PJSIP/-\": a channel "
            "pattern needs exactly one \"{ext}\" (found 0), e.g. \"PJSIP/{ext}-\" (line 7, "
            "column 70)",
            HasSubstr("/1: invalid channel pattern \"PJSIP/{ext}-{ext}-\": a channel pattern "
                      "needs exactly one \"{ext}\" (found 2)"),
            HasSubstr("/2: invalid channel pattern \"PJSIP/{extension}-\": a channel pattern "
                      "needs exactly one \"{ext}\" (found 0)"),
            HasSubstr("/3: invalid channel pattern \"PJSIP/{ext}-{x}\": only the placeholder "
                      "\"{ext}\" may appear in braces"),
            HasSubstr("/4: invalid channel pattern \"{ext}-\": a channel pattern starts with the "
                      "channel technology and '/'"),
            HasSubstr("/5: invalid channel pattern \"/{ext}-\": a channel pattern starts with"),
            HasSubstr("/6: invalid channel pattern \"PJSIP/{ext}\": \"{ext}\" must be followed "
                      "by the non-digit that ends it"),
            HasSubstr("/7: invalid channel pattern \"PJSIP/{ext}0\": \"{ext}\" must be followed"),
            HasSubstr("/8: invalid channel pattern \"PJSIP/ {ext}-\": a channel pattern is at "
                      "most 128 printable characters without spaces"),
            HasSubstr("/9: expected a pattern such as \"PJSIP/{ext}-\", found a number"),
            HasSubstr("/11: duplicate channel pattern \"SIP/{ext}-\"")));
}

TEST(gateway_config_asterisk, endpoints_map_to_configured_stations) {
    EXPECT_THAT(
        errors(make(
            tls_ami,
            std::string(stations) +
                R"(, "endpoints": {"PJSIP/a": "2001", "PJSIP/b": "3001", "PJSIP/c": 2001, "nodash": "2001", "PJSIP/d-": "2001", "Local/x;1": "2001"})")),
        ElementsAre(HasSubstr("/backend/asterisk/endpoints/PJSIP~1b: endpoint \"PJSIP/b\" maps "
                              "to \"3001\", which is not a configured station"),
                    HasSubstr("/backend/asterisk/endpoints/PJSIP~1c: expected a station "
                              "extension, found a number"),
                    HasSubstr("/backend/asterisk/endpoints/nodash: invalid endpoint"),
                    HasSubstr("/backend/asterisk/endpoints/PJSIP~1d-: invalid endpoint; "
                              "expected \"<technology>/<name>\""),
                    HasSubstr("/backend/asterisk/endpoints/Local~1x;1: invalid endpoint")));
    EXPECT_THAT(errors(make(tls_ami, std::string(stations) + R"(, "endpoints": [])")),
                ElementsAre(HasSubstr("/backend/asterisk/endpoints: expected an object")));
}

TEST(gateway_config_asterisk, dial_string_names_and_features) {
    const auto with = [](std::string_view keys) {
        return errors(make(tls_ami, std::string(stations) + ", " + std::string(keys)));
    };
    EXPECT_THAT(with(R"("dialString": "IAX2/{ext}/{ext}")"), IsEmpty());
    EXPECT_THAT(with(R"("dialString": "PJSIP/2001")"),
                ElementsAre(HasSubstr("/backend/asterisk/dialString: a dial string contains "
                                      "\"{ext}\"")));
    EXPECT_THAT(with(R"("dialString": "PJSIP/{ext},30")"),
                ElementsAre(HasSubstr("invalid dial string")));
    EXPECT_THAT(
        with(
            R"("context": "from internal", "voicemailContext": "", "conference": {"userProfile": "a@b"})"),
        ElementsAre(HasSubstr("/backend/asterisk/context: invalid name \"from "
                              "internal\"; use 1 to 79 letters, digits"),
                    HasSubstr("/backend/asterisk/voicemailContext: must not be empty"),
                    HasSubstr("/backend/asterisk/conference/userProfile: invalid name")));
    EXPECT_THAT(with(R"("originateCallerId": "{name} <{ext}>")"),
                ElementsAre(HasSubstr("/backend/asterisk/originateCallerId: invalid caller ID")));
    EXPECT_THAT(with(R"("features": {"forwardBusyFamily": "CF"})"),
                ElementsAre(HasSubstr("/backend/asterisk/features/forwardBusyFamily: the same "
                                      "AstDB family as \"forwardImmediateFamily\"")));
    for (std::string_view bad : {"DND{ext}", "Custom:DND", "Custom:{ext}{ext}", "Custom:D {ext}"}) {
        EXPECT_THAT(with(R"("features": {"dndDeviceState": ")" + std::string(bad) + "\"}"),
                    ElementsAre(HasSubstr("/backend/asterisk/features/dndDeviceState: invalid "
                                          "device state")))
            << bad;
    }
}

TEST(gateway_config_asterisk, pickup_groups_hold_configured_stations) {
    EXPECT_THAT(
        errors(make(tls_ami, std::string(stations) +
                                 R"(, "pickup": {"groups": {"g": ["2001", "2001", "9"]}})")),
        ElementsAre(HasSubstr("/backend/asterisk/pickup/groups/g/1: station \"2001\" is "
                              "listed twice"),
                    HasSubstr("/backend/asterisk/pickup/groups/g/2: pickup group members "
                              "must be configured stations")));
}

TEST(gateway_config_asterisk, remote_answer_names_stations_an_endpoint_and_an_event) {
    const auto with = [](std::string_view keys) {
        return errors(make(tls_ami, std::string(stations) + ", " + std::string(keys)));
    };
    EXPECT_THAT(with(R"("answer": {"stations": ["2001"]})"), IsEmpty());
    EXPECT_THAT(with(R"("answer": {"stations": [{"first": "2005", "last": "2200"}]})"),
                ElementsAre(HasSubstr("/backend/asterisk/answer/stations/0: \"2100\" is not a "
                                      "station")));
    EXPECT_THAT(with(R"("answer": {"stations": ["2001"], "endpoint": "2001"})"),
                ElementsAre(HasSubstr("/backend/asterisk/answer/endpoint: invalid endpoint")));
    EXPECT_THAT(with(R"("answer": {"stations": ["2001"], "event": "talk\r\nX: y"})"),
                ElementsAre(HasSubstr("/backend/asterisk/answer/event: invalid event")));
    EXPECT_THAT(
        with(R"("answer": {"event": "talk"})"),
        ElementsAre(HasSubstr("/backend/asterisk/answer: missing required key \"stations\"")));
}

TEST(gateway_config_asterisk, queue_member_interfaces) {
    const auto with = [](std::string_view keys) {
        return errors(make(tls_ami, std::string(stations) + ", " + std::string(keys)));
    };
    EXPECT_THAT(
        with(R"("queues": {"memberInterface": "IAX2/{ext}", "stateInterface": "IAX2/{ext}"})"),
        IsEmpty());
    EXPECT_THAT(with(R"("queues": {"stateInterface": "hint:{ext}@ext-local"})"), IsEmpty());
    for (std::string_view bad :
         {"hint:{ext}@ext-local", "PJSIP/2001", "PJSIP/{ext},x", "PJSIP/{ext} x", "{ext}", ""}) {
        EXPECT_THAT(with(R"("queues": {"memberInterface": ")" + std::string(bad) + "\"}"),
                    ElementsAre(HasSubstr("/backend/asterisk/queues/memberInterface")))
            << bad;
    }
    EXPECT_THAT(
        with(R"("queues": {"stateInterface": "Custom:{ext}"})"),
        ElementsAre(HasSubstr("/backend/asterisk/queues/stateInterface: invalid interface")));
    EXPECT_THAT(with(R"("queues": {"wrapupSeconds": 3601})"),
                ElementsAre(HasSubstr("/backend/asterisk/queues/wrapupSeconds")));
    EXPECT_THAT(with(R"("queues": {"agents": 1})"),
                ElementsAre(HasSubstr("/backend/asterisk/queues/agents")));
}

TEST(gateway_config_asterisk, parking_spaces_are_not_stations) {
    EXPECT_THAT(errors(make(tls_ami, R"("stations": ["70", "75"])")),
                ElementsAre("/backend/asterisk/stations: parking space \"75\" is also a station; "
                            "set \"parking\": {\"spaces\": ...} to the lot's spaces (line 7, "
                            "column 13)"));
    EXPECT_THAT(errors(make(tls_ami, R"("stations": ["70", "75"],
 "parking": {"spaces": {"first": "700", "last": "720"}})")),
                IsEmpty());
    EXPECT_THAT(
        errors(make(tls_ami, std::string(stations) +
                                 R"(, "parking": {"spaces": {"first": "2090", "last": "2100"}})")),
        ElementsAre(HasSubstr("/backend/asterisk/parking: parking space \"2090\" is "
                              "also a station")));
    EXPECT_THAT(
        errors(make(tls_ami, std::string(stations) +
                                 R"(, "parking": {"spaces": {"first": "1", "last": "1001"}})")),
        ElementsAre(HasSubstr("range ends have different lengths")));
    EXPECT_THAT(
        errors(make(tls_ami, std::string(stations) +
                                 R"(, "parking": {"spaces": {"first": "0000", "last": "1000"}})")),
        ElementsAre(HasSubstr("/backend/asterisk/parking/spaces: at most 1000 parking "
                              "spaces are supported")));
}

}  // namespace
}  // namespace ctigw::gateway
