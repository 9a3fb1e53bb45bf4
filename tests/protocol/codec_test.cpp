// Decoder behaviour on hand-written frames: every malformed-input class, forward compatibility,
// limits, and typed round trips.
#include "ctigw/protocol/codec.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace ctigw::protocol {
namespace {

class codec_test : public ::testing::Test {
  protected:
    decode_error expect_error(std::string_view frame, decode_errc code, std::string_view pointer) {
        auto r = codec_->decode(frame);
        EXPECT_FALSE(r.ok()) << frame;
        if (r.ok()) return {};
        EXPECT_EQ(r.error().code, code) << r.error().to_string();
        EXPECT_EQ(r.error().pointer, pointer) << r.error().to_string();
        return r.error();
    }
    message expect_ok(std::string_view frame) {
        auto r = codec_->decode(frame);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
        return r.ok() ? r.value() : message{heartbeat{}};
    }
    std::unique_ptr<codec> codec_ = make_json_codec();
};

constexpr std::string_view make_call_frame =
    R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"2001","calledDirectoryNumber":"2002"}})";

TEST_F(codec_test, decodes_a_request_into_its_typed_params) {
    auto m = expect_ok(make_call_frame);
    const auto& r = std::get<request>(m);
    EXPECT_EQ(r.id, "7");
    EXPECT_EQ(service_name(r), "MakeCall");
    const auto& p = std::get<svc::make_call::params>(r.params);
    EXPECT_EQ(p.calling_device, "2001");
    EXPECT_EQ(p.called_directory_number, "2002");
    EXPECT_FALSE(p.correlator_data.has_value());
}

TEST_F(codec_test, members_may_come_in_any_order) {
    auto m = expect_ok(
        R"({"params":{"calledDirectoryNumber":"2002","callingDevice":"2001"},"service":"MakeCall","id":"7","type":"request"})");
    EXPECT_EQ(std::get<svc::make_call::params>(std::get<request>(m).params).calling_device, "2001");
}

TEST_F(codec_test, typed_round_trip_of_an_event_with_every_member) {
    evt::transferred t;
    t.primary_old_call = {"c-1", "2001"};
    t.secondary_old_call = connection_id{"c-2", "2001"};
    t.transferring_device = "2001";
    t.transferred_to_device = "2003";
    t.transferred_connections = {
        {connection_id{"c-1", "2002"}, connection_id{"c-3", "2002"}, "2002"},
        {connection_id{"c-2", "2003"}, connection_id{"c-3", "2003"}, "2003"},
        {connection_id{"c-1", "2001"}, std::nullopt, "2001"}};
    t.local_connection_info = connection_state::null;
    t.cause = event_cause::transfer;
    message in = event_message{42, "m-2001", "2026-11-24T10:00:00Z", t};
    auto frame = codec_->encode(in);
    EXPECT_EQ(expect_ok(frame), in) << frame;
}

TEST_F(codec_test, correlator_data_is_base64_on_the_wire_and_bytes_in_memory) {
    svc::associate_data::params p{{"c-1", "2001"},
                                  byte_string{std::string("\x00\xff\x10"
                                                          "ab",
                                                          5)}};
    message in = request{"1", service_params{std::in_place_type<svc::associate_data::params>, p}};
    auto frame = codec_->encode(in);
    EXPECT_NE(frame.find("\"AP8QYWI=\""), std::string::npos) << frame;
    EXPECT_EQ(expect_ok(frame), in);
}

TEST_F(codec_test, responses_carry_result_or_error_for_the_named_service) {
    auto ok = make_response<svc::park_call>("9", svc::park_call::result{"7001"});
    EXPECT_EQ(expect_ok(codec_->encode(ok)), message{ok});
    auto err = make_error_response<svc::hold_call>(
        "10", csta_error{error_category::state_incompatibility,
                         std::string(error_values::invalid_connection_state), "alerting"});
    auto frame = codec_->encode(err);
    EXPECT_NE(frame.find(R"("service":"HoldCall")"), std::string::npos);
    EXPECT_EQ(expect_ok(frame), message{err});
}

TEST_F(codec_test, heartbeats_and_system_status) {
    EXPECT_EQ(expect_ok(R"({"type":"heartbeat","id":"hb-1"})"), message{heartbeat{"hb-1"}});
    EXPECT_EQ(expect_ok(R"({"type":"heartbeatAck","id":"hb-1"})"), message{heartbeat_ack{"hb-1"}});
    auto m = expect_ok(R"({"type":"systemStatus","seq":5,"status":"messagesLost"})");
    EXPECT_EQ(std::get<system_status_message>(m).status, system_status::messages_lost);
    EXPECT_EQ(std::get<system_status_message>(m).seq, 5U);
}

TEST_F(codec_test, monitor_results_carry_optional_capabilities) {
    svc::monitor_start::result one{"m-1", capabilities{{"AnswerCall", "ParkCall"}}};
    auto frame = codec_->encode(make_response<svc::monitor_start>("1", one));
    EXPECT_NE(frame.find(R"("capabilities":{"unsupported":["AnswerCall","ParkCall"]})"),
              std::string::npos)
        << frame;
    EXPECT_EQ(expect_ok(frame), message{make_response<svc::monitor_start>("1", one)});
    // Absent = everything the switch implements; an old switch's result still decodes.
    auto plain = expect_ok(
        R"({"type":"response","id":"2","service":"MonitorStart","result":{"monitorRef":"m-2"}})");
    const auto& res = std::get<service_result>(std::get<response>(plain).outcome);
    EXPECT_FALSE(std::get<svc::monitor_start::result>(res).caps.has_value());

    svc::monitor_start_batch::result batch;
    batch.results.push_back({"2001", "m-2001", std::nullopt, capabilities{{"DeflectCall"}}});
    batch.results.push_back({"2002", "m-2002", std::nullopt, std::nullopt});
    auto b = make_response<svc::monitor_start_batch>("3", batch);
    EXPECT_EQ(expect_ok(codec_->encode(b)), message{b});
    // A service name this build does not know is kept verbatim, not an error.
    auto future = expect_ok(
        R"({"type":"response","id":"4","service":"MonitorStart","result":{"monitorRef":"m","capabilities":{"unsupported":["AgentLogon"],"x":1}}})");
    const auto& fr = std::get<service_result>(std::get<response>(future).outcome);
    EXPECT_EQ(std::get<svc::monitor_start::result>(fr).caps->unsupported,
              std::vector<std::string>{"AgentLogon"});
}

// ---- forward compatibility ----------------------------------------------------------------------

TEST_F(codec_test, unknown_members_are_skipped_and_counted) {
    auto m = expect_ok(
        R"({"type":"request","id":"7","x-vendor":{"deep":[1,{"a":null}]},"service":"MakeCall","params":{"callingDevice":"2001","future":true,"calledDirectoryNumber":"2002"}})");
    EXPECT_TRUE(std::holds_alternative<request>(m));
    EXPECT_EQ(codec_->stats().unknown_members, 2U);
}

// Members are matched with the keys as written; a key written with escapes is still its name.
TEST_F(codec_test, escaped_member_names_are_their_unescaped_names) {
    auto m = expect_ok(
        R"({"type":"request","id":"8","service":"MakeCall","params":{"\u0063allingDevice":"2001","c\u0061lledDirectoryNumber":"2002","a":1}})");
    const auto& p = std::get<svc::make_call::params>(std::get<request>(m).params);
    EXPECT_EQ(p.calling_device, "2001");
    EXPECT_EQ(p.called_directory_number, "2002");
    EXPECT_EQ(codec_->stats().unknown_members, 1U);  // "a": shorter than every name
    expect_error(
        R"({"type":"request","id":"9","service":"MakeCall","params":{"callingDevice":"2001","calledDirectoryNumber":"2002","\u0063allingDevice":"2003"}})",
        decode_errc::duplicate_member, "/params/callingDevice");
    // The envelope's keys too: looked up once unescaped, and a duplicate is still one.
    m = expect_ok(
        R"({"\u0074ype":"event","s\u0065q":4,"event":"Held","monitorR\u0065f":"m-1","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"2001"}})");
    EXPECT_EQ(std::get<event_message>(m).seq, 4U);
    EXPECT_EQ(std::get<event_message>(m).monitor_ref, "m-1");
    expect_error(R"({"type":"event","seq":4,"s\u0065q":5,"event":"Held","data":{}})",
                 decode_errc::duplicate_member, "/seq");
}

TEST_F(codec_test, unknown_events_are_kept_by_name_and_counted) {
    auto m = expect_ok(R"({"type":"event","seq":3,"event":"RouteRequest","data":{"agent":"1"}})");
    const auto& e = std::get<event_message>(m);
    EXPECT_EQ(event_name(e.body), "RouteRequest");
    EXPECT_EQ(codec_->stats().unknown_events, 1U);
}

TEST_F(codec_test, unknown_cause_maps_to_unknown_and_is_counted) {
    auto m = expect_ok(
        R"({"type":"event","seq":3,"event":"CallCleared","data":{"clearedCall":"c-1","cause":"quantumTunnelling"}})");
    const auto& body = std::get<evt::call_cleared>(std::get<event_message>(m).body);
    EXPECT_EQ(body.cause, event_cause::unknown);
    EXPECT_EQ(codec_->stats().unknown_enum_values, 1U);
}

TEST_F(codec_test, null_means_absent_for_optional_members) {
    auto m = expect_ok(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"2001","calledDirectoryNumber":"2002","correlatorData":null}})");
    EXPECT_FALSE(std::get<svc::make_call::params>(std::get<request>(m).params).correlator_data);
}

// ---- every malformed-input class ----------------------------------------------------------------

TEST_F(codec_test, frame_too_large) {
    auto small = make_json_codec(codec_limits{.max_frame_bytes = 16});
    auto r = small->decode(make_call_frame);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, decode_errc::frame_too_large);
}

TEST_F(codec_test, malformed_json) {
    expect_error(R"({"type":"request","id":)", decode_errc::malformed_json, "");
    expect_error("not json", decode_errc::malformed_json, "");
    expect_error("", decode_errc::malformed_json, "");
}

TEST_F(codec_test, content_after_the_message_is_malformed) {
    expect_error(R"({"type":"heartbeat","id":"1"} {"type":"heartbeat","id":"2"})",
                 decode_errc::malformed_json, "");
}

TEST_F(codec_test, not_an_object) {
    expect_error("[1,2]", decode_errc::not_an_object, "");
    expect_error("42", decode_errc::not_an_object, "");
}

TEST_F(codec_test, missing_member_names_the_member) {
    auto e = expect_error(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"2001"}})",
        decode_errc::missing_member, "/params/calledDirectoryNumber");
    ASSERT_TRUE(e.request_id);  // so the switch can answer with an error response
    EXPECT_EQ(*e.request_id, "7");
    expect_error(R"({"id":"7"})", decode_errc::missing_member, "/type");
    expect_error(R"({"type":"request","id":"7","service":"MakeCall"})", decode_errc::missing_member,
                 "/params");
    expect_error(R"({"type":"event","event":"Held","data":{}})", decode_errc::missing_member,
                 "/seq");
}

TEST_F(codec_test, required_member_set_to_null_is_missing) {
    expect_error(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":null,"calledDirectoryNumber":"1"}})",
        decode_errc::missing_member, "/params/callingDevice");
}

TEST_F(codec_test, wrong_type_names_the_member_and_the_types) {
    auto e = expect_error(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":2001,"calledDirectoryNumber":"2002"}})",
        decode_errc::wrong_type, "/params/callingDevice");
    EXPECT_EQ(e.detail, "expected string, got number");
    expect_error(
        R"({"type":"event","seq":1,"event":"Held","data":{"heldConnection":["c","d"],"holdingDevice":"1"}})",
        decode_errc::wrong_type, "/data/heldConnection");
    expect_error(R"({"type":"request","id":"7","service":"MakeCall","params":[]})",
                 decode_errc::wrong_type, "/params");
}

TEST_F(codec_test, invalid_values) {
    expect_error(
        R"({"type":"event","seq":1,"event":"Held","data":{"heldConnection":{"callID":"c","deviceID":"d"},"holdingDevice":"d","localConnectionInfo":"ringing"}})",
        decode_errc::invalid_value, "/data/localConnectionInfo");
    expect_error(
        R"({"type":"response","id":"1","service":"Hello","result":{"version":-1,"instanceId":"i","switchName":"s","heartbeatIntervalMs":1}})",
        decode_errc::invalid_value, "/result/version");
    expect_error(
        R"({"type":"response","id":"1","service":"Hello","result":{"version":4294967296,"instanceId":"i","switchName":"s","heartbeatIntervalMs":1}})",
        decode_errc::invalid_value, "/result/version");
    expect_error(R"({"type":"event","seq":0,"event":"Held","data":{}})", decode_errc::invalid_value,
                 "/seq");
    expect_error(R"({"type":"systemStatus","seq":2,"status":"sleepy"})", decode_errc::invalid_value,
                 "/status");
    expect_error(R"({"type":"heartbeat","id":""})", decode_errc::invalid_value, "/id");
}

TEST_F(codec_test, rules_between_members_are_checked) {
    expect_error(
        R"({"type":"response","id":"1","service":"MonitorStartBatch","result":{"results":[{"device":"2001","monitorRef":"m","error":{"category":"operation","value":"generic"}}]}})",
        decode_errc::invalid_value, "/result/results/0");
    expect_error(
        R"({"type":"response","id":"1","service":"MonitorStartBatch","result":{"results":[{"device":"2001","error":{"category":"operation","value":"generic"},"capabilities":{}}]}})",
        decode_errc::invalid_value, "/result/results/0");
    expect_error(
        R"({"type":"request","id":"1","service":"DirectedPickupCall","params":{"requestingDevice":"2003"}})",
        decode_errc::invalid_value, "/params");
    expect_error(
        R"({"type":"request","id":"1","service":"SetForwarding","params":{"device":"2001","forwardingType":"forwardBusy","activateForward":true}})",
        decode_errc::invalid_value, "/params");
    expect_error(
        R"({"type":"request","id":"1","service":"GenerateDigits","params":{"connectionToSendDigits":{"callID":"c","deviceID":"d"},"charactersToSend":"12x"}})",
        decode_errc::invalid_value, "/params");
    expect_error(
        R"({"type":"request","id":"1","service":"Hello","params":{"versions":[],"clientName":"x"}})",
        decode_errc::invalid_value, "/params");
    expect_error(R"({"type":"event","seq":1,"event":"MonitorEnded","data":{}})",
                 decode_errc::missing_member, "/monitorRef");
    // DND needs no destination.
    expect_ok(
        R"({"type":"request","id":"1","service":"SetForwarding","params":{"device":"2001","forwardingType":"forwardDND","activateForward":true}})");
}

TEST_F(codec_test, correlator_data_has_its_own_length_limit) {
    // 4096 bytes of data are 5464 base64 characters: more than max_string_length, still valid.
    svc::associate_data::params p{{"c-1", "2001"}, byte_string{std::string(4096, 'x')}};
    message in = request{"1", service_params{std::in_place_type<svc::associate_data::params>, p}};
    EXPECT_EQ(expect_ok(codec_->encode(in)), in);
    p.correlator_data.bytes.push_back('y');
    in = request{"1", service_params{std::in_place_type<svc::associate_data::params>, p}};
    expect_error(codec_->encode(in), decode_errc::invalid_base64, "/params/correlatorData");
}

TEST_F(codec_test, a_response_needs_exactly_one_of_result_and_error) {
    expect_error(
        R"({"type":"response","id":"1","service":"HoldCall","result":{},"error":{"category":"operation","value":"generic"}})",
        decode_errc::invalid_value, "");
    expect_error(R"({"type":"response","id":"1","service":"HoldCall"})", decode_errc::invalid_value,
                 "");
}

TEST_F(codec_test, unknown_type_and_unknown_service) {
    expect_error(R"({"type":"gossip","id":"1"})", decode_errc::unknown_type, "/type");
    auto e = expect_error(R"({"type":"request","id":"5","service":"TeleportCall","params":{}})",
                          decode_errc::unknown_service, "/service");
    ASSERT_TRUE(e.request_id);
    EXPECT_EQ(*e.request_id, "5");
    EXPECT_FALSE(e.service_index);
}

TEST_F(codec_test, string_too_long) {
    std::string big(5000, 'x');
    expect_error(R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":")" +
                     big + R"(","calledDirectoryNumber":"1"}})",
                 decode_errc::string_too_long, "/params/callingDevice");
    expect_error(R"({"type":"heartbeat","id":")" + std::string(65, '1') + R"("})",
                 decode_errc::string_too_long, "/id");
}

// An event's timestamp is kept in place (timestamp_text): up to the schema's 64 bytes, kept as
// written and encoded back the same; one byte more is refused like any string over its limit.
TEST_F(codec_test, event_timestamp_up_to_64_bytes) {
    const auto frame = [](const std::string& stamp) {
        return R"({"type":"event","seq":3,"event":"Held","monitorRef":"m-1","timestamp":")" +
               stamp +
               R"(","data":{"heldConnection":{"callID":"c","deviceID":"1"},"holdingDevice":"1",)"
               R"("localConnectionInfo":"hold","cause":"normal"}})";
    };
    const std::string longest = "2026-12-07T05:45:12." + std::string(43, '1') + 'Z';
    ASSERT_EQ(longest.size(), timestamp_text::max_size);
    auto r = codec_->decode(frame(longest));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& e = std::get<event_message>(r.value());
    ASSERT_TRUE(e.timestamp);
    EXPECT_EQ(*e.timestamp, longest);
    auto again = codec_->decode(codec_->encode(e));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(std::get<event_message>(again.value()), e);
    expect_error(frame(longest + "1"), decode_errc::string_too_long, "/timestamp");
    EXPECT_THROW(timestamp_text(longest + "1"), std::length_error);
    EXPECT_EQ(timestamp_text("2026-12-07T05:45:12Z").view(), "2026-12-07T05:45:12Z");
}

TEST_F(codec_test, list_too_long) {
    auto small = make_json_codec(codec_limits{.max_list_length = 2});
    auto r = small->decode(
        R"({"type":"request","id":"1","service":"MonitorStartBatch","params":{"devices":["1","2","3"]}})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, decode_errc::list_too_long);
    EXPECT_EQ(r.error().pointer, "/params/devices/2");
}

TEST_F(codec_test, too_deep) {
    auto shallow = make_json_codec(codec_limits{.max_depth = 2});
    auto r = shallow->decode(
        R"({"type":"event","seq":1,"event":"Transferred","data":{"primaryOldCall":{"callID":"a","deviceID":"b"},"transferringDevice":"b","transferredToDevice":"c","transferredConnections":[{"oldConnection":{"callID":"a","deviceID":"b"}}]}})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, decode_errc::too_deep);
}

// Unknown members and event bodies are skipped, but their nesting counts like any other's: a
// switch cannot hide 10,000 levels of brackets in a vendor member.
TEST_F(codec_test, too_deep_inside_what_is_skipped) {
    auto nest = [](std::size_t levels) {
        return std::string(levels, '[') + "1" + std::string(levels, ']');
    };
    const auto limit = codec_limits{}.max_depth;
    // In an unknown member of a body, of the envelope, and as an unknown event's data.
    const std::string member =
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"2001","x":)" +
        nest(limit + 8) + R"(,"calledDirectoryNumber":"2002"}})";
    expect_error(member, decode_errc::too_deep, "/params/x");
    const std::string envelope = R"({"type":"heartbeat","id":"1","x":)" + nest(limit + 8) + "}";
    expect_error(envelope, decode_errc::too_deep, "/x");
    const std::string unknown_event =
        R"({"type":"event","seq":3,"event":"RouteRequest","data":{"a":)" + nest(limit + 8) + "}}";
    expect_error(unknown_event, decode_errc::too_deep, "/data");
    // Up to the limit a skipped member is fine: {"x": at depth 1, its innermost value at the limit.
    expect_ok(R"({"type":"heartbeat","id":"1","x":)" + nest(limit - 1) + "}");
    expect_error(R"({"type":"heartbeat","id":"1","x":)" + nest(limit) + "}", decode_errc::too_deep,
                 "/x");
}

TEST_F(codec_test, duplicate_members) {
    expect_error(R"({"type":"heartbeat","id":"1","id":"2"})", decode_errc::duplicate_member, "/id");
    expect_error(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"1","callingDevice":"2","calledDirectoryNumber":"3"}})",
        decode_errc::duplicate_member, "/params/callingDevice");
}

TEST_F(codec_test, invalid_base64) {
    expect_error(
        R"({"type":"request","id":"1","service":"AssociateData","params":{"existingCall":{"callID":"c","deviceID":"d"},"correlatorData":"not base64!"}})",
        decode_errc::invalid_base64, "/params/correlatorData");
    auto small = make_json_codec(codec_limits{.max_correlator_bytes = 2});
    auto r = small->decode(
        R"({"type":"request","id":"1","service":"AssociateData","params":{"existingCall":{"callID":"c","deviceID":"d"},"correlatorData":"AAAA"}})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, decode_errc::invalid_base64);
}

TEST_F(codec_test, errors_are_counted_and_the_codec_keeps_working) {
    codec_->decode("{");
    codec_->decode("[]");
    expect_ok(make_call_frame);
    EXPECT_EQ(codec_->stats().frames, 3U);
    EXPECT_EQ(codec_->stats().errors, 2U);
}

TEST_F(codec_test, error_text_never_echoes_a_string_value) {
    // A token that fails validation must not end up in a log line through the error detail.
    auto r = codec_->decode(
        R"({"type":"request","id":"1","service":"Authenticate","params":{"token":7}})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "wrong_type at /params/token: expected string, got number");
}

TEST_F(codec_test, strings_are_read_escaped_or_not_with_whitespace_around_them) {
    auto m = expect_ok(
        "{ \"type\" : \"request\" ,\"id\":\"7\",\"service\":\"MakeCall\",\"params\":{"
        "\"callingDevice\" :\t\"20\\u00301\" \n,\"calledDirectoryNumber\":\"2002\"\r\n} }");
    const auto& p = std::get<svc::make_call::params>(std::get<request>(m).params);
    EXPECT_EQ(p.calling_device, "2001");
    EXPECT_EQ(p.called_directory_number, "2002");
    m = expect_ok(
        R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":"a\"b\\","calledDirectoryNumber":""}})");
    const auto& q = std::get<svc::make_call::params>(std::get<request>(m).params);
    EXPECT_EQ(q.calling_device, "a\"b\\");
    EXPECT_EQ(q.called_directory_number, "");
    // A control character must be escaped; text after a string's closing quote is no string.
    expect_error(
        "{\"type\":\"request\",\"id\":\"7\",\"service\":\"MakeCall\",\"params\":{"
        "\"callingDevice\":\"20\x01\",\"calledDirectoryNumber\":\"2002\"}}",
        decode_errc::malformed_json, "");
    EXPECT_FALSE(codec_
                     ->decode(R"({"type":"request","id":"7","service":"MakeCall","params":{)"
                              R"("callingDevice":"20"01","calledDirectoryNumber":"2002"}})")
                     .ok());
}

TEST_F(codec_test, an_escape_anywhere_in_a_string_of_any_length_is_unescaped) {
    // Strings without an escape are read as views of the frame (json_decode.hpp, raw_string): an
    // escape at each position of each length up to 40 must still be seen, and one in the string
    // after it must not make the string before it escaped.
    for (std::size_t n = 0; n <= 40; ++n) {
        for (std::size_t at = 0; at <= n; ++at) {
            const std::string plain(n, 'x');
            std::string written = plain;
            std::string expected = plain;
            if (at < n) {
                written.replace(at, 1, "\\\\");
                expected[at] = '\\';
            }
            const auto m = expect_ok(
                R"({"type":"request","id":"7","service":"MakeCall","params":{"callingDevice":")" +
                written + R"(","calledDirectoryNumber":"a\"b"}})");
            const auto& p = std::get<svc::make_call::params>(std::get<request>(m).params);
            EXPECT_EQ(p.calling_device, expected) << written;
            EXPECT_EQ(p.called_directory_number, "a\"b");
        }
    }
}

TEST_F(codec_test, a_padded_frame_decodes_where_it_is_as_a_copied_one_does) {
    // The bytes after the frame are anything at all: a later frame, garbage, bytes that are
    // not UTF-8.
    const std::string garbage = std::string("\"}]\\,\x01\xff{\"type\":1") + std::string(64, '\xc3');
    for (
        std::string_view frame : std::initializer_list<std::string_view>{
            make_call_frame,
            R"({"type":"event","seq":9,"monitorRef":"m-1","timestamp":"2026-11-24T10:00:00.123456Z","event":"Held","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"2001","localConnectionInfo":"hold","cause":"normal"}})",
            R"({"type":"event","seq":9,"event":"Held","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"20\u0030)",
            R"({"type":"event","seq":9,"event":"Held","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"2001"})",
            // The slot's own kind with only its required members, in one pass and in two (data
            // first): none of the slot's other members may remain.
            R"({"type":"event","seq":3,"event":"Delivered","data":{"connection":{"callID":"c-2","deviceID":"2002"},"alertingDevice":"2002","callingDevice":"2001","calledDevice":"2002"}})",
            R"({"data":{"connection":{"callID":"c-2","deviceID":"2002"},"alertingDevice":"2002","callingDevice":"2001","calledDevice":"2002"},"type":"event","seq":3,"event":"Delivered"})",
            R"({"type":"event","seq":9,"event":"Held","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"2001"}} 7)",
            R"({"type":"event","seq":9,"event":"Held","data":{"heldConnection":{"callID":"c-1","deviceID":"2001"},"holdingDevice":"2001","cause":"norm)",
            R"("Held")", R"({"type":"heartbeat","id":"h)", "{", ""}) {
        std::string buffer(frame);
        buffer += garbage;
        const auto copied = codec_->decode(frame);
        const auto in_place =
            codec_->decode_padded(std::string_view(buffer).substr(0, frame.size()));
        ASSERT_EQ(copied.ok(), in_place.ok()) << frame;
        // Into a message that held another event with every member: nothing of it is left.
        evt::delivered full;
        full.connection = {"c-9", "2009"};
        full.alerting_device = "2009";
        full.calling_device = "2008";
        full.called_device = "2009";
        full.last_redirection_device = "2007";
        full.correlator_data.emplace().bytes = "\x01\x02";
        full.calling_name = "Anna";
        full.local_connection_info = connection_state::alerting;
        full.cause = event_cause::park;
        message into = event_message{7, "m-9", "2026-11-24T10:00:00Z", full};
        auto error =
            codec_->decode_padded_into(std::string_view(buffer).substr(0, frame.size()), into);
        EXPECT_EQ(!error, copied.ok()) << frame;
        if (copied.ok()) {
            EXPECT_EQ(copied.value(), in_place.value()) << frame;
            EXPECT_EQ(copied.value(), into) << frame;
        } else {
            ASSERT_TRUE(error.has_value());
            EXPECT_EQ(copied.error().code, error->code) << frame;
            EXPECT_EQ(copied.error().pointer, error->pointer) << frame;
            EXPECT_EQ(copied.error().code, in_place.error().code) << frame;
            EXPECT_EQ(copied.error().pointer, in_place.error().pointer) << frame;
        }
    }
}

TEST(enum_names, every_name_is_found_and_nothing_else) {
    for (std::size_t i = 0; i < enum_traits<event_cause>::names.size(); ++i) {
        const auto name = enum_traits<event_cause>::names[i];
        EXPECT_EQ(enum_from_string<event_cause>(name), static_cast<event_cause>(i)) << name;
        EXPECT_FALSE(enum_from_string<event_cause>(std::string(name) + "x")) << name;
        EXPECT_FALSE(enum_from_string<event_cause>(name.substr(0, name.size() - 1))) << name;
    }
    for (std::size_t i = 0; i < enum_traits<connection_state>::names.size(); ++i) {
        const auto name = enum_traits<connection_state>::names[i];
        EXPECT_EQ(enum_from_string<connection_state>(name), static_cast<connection_state>(i));
    }
    EXPECT_FALSE(enum_from_string<event_cause>(""));
    EXPECT_FALSE(enum_from_string<connection_state>("Alerting"));  // names are case-sensitive
}

TEST(service_names, indices_and_names_agree) {
    EXPECT_EQ(service_name(service_index_v<svc::hello>), "Hello");
    EXPECT_EQ(service_name(service_index_v<svc::get_button_information>), "GetButtonInformation");
    for (std::size_t i = 0; i < service_count(); ++i) {
        EXPECT_EQ(service_index_of(service_name(i)), i);
    }
    EXPECT_FALSE(service_index_of("Nope"));
    EXPECT_FALSE(service_index_of(""));
    EXPECT_FALSE(service_index_of("MakeCal"));
    EXPECT_FALSE(service_index_of("MakeCalls"));
    EXPECT_EQ(service_count(), std::variant_size_v<service_params>);
    EXPECT_EQ(event_count() + 1, std::variant_size_v<event_body>);
}

TEST(protocol_versions, every_service_and_event_carries_the_version_that_introduced_it) {
    EXPECT_EQ(service_since_version(service_index_v<svc::set_agent_state>), 2u);
    EXPECT_EQ(service_since_version(service_index_v<svc::get_agent_state>), 2u);
    EXPECT_EQ(service_since_version(service_index_v<svc::get_queue_statistics>), 2u);
    for (std::size_t i = 0; i < service_index_v<svc::set_agent_state>; ++i) {
        EXPECT_EQ(service_since_version(i), 1u) << service_name(i);
    }
    EXPECT_EQ(event_since_version(event_body{evt::agent_ready{}}), 2u);
    EXPECT_EQ(event_since_version(event_body{evt::agent_not_ready{}}), 2u);
    EXPECT_EQ(event_since_version(event_body{evt::delivered{}}), 1u);
    EXPECT_EQ(event_since_version(event_body{evt::unknown_event{"Future"}}), 1u);
    EXPECT_TRUE(is_agent_event(event_body{evt::agent_working_after_call{}}));
    EXPECT_FALSE(is_agent_event(event_body{evt::message_waiting{}}));
    EXPECT_EQ(service_since_version(service_index_v<svc::get_device_status_batch>), 3u);
    EXPECT_EQ(protocol_version, 3u);
    EXPECT_GT(protocol_version, min_protocol_version);
}

TEST_F(codec_test, encoding_escapes_what_json_requires_and_replaces_bytes_that_are_not_utf8) {
    svc::set_display::params p{
        "2001", std::string("a\"b\\c\n\t\x01/\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\x9E"), {}, {}};
    auto frame = codec_->encode(request{"1", p});
    EXPECT_EQ(frame,
              "{\"type\":\"request\",\"id\":\"1\",\"service\":\"SetDisplay\",\"params\":{"
              "\"device\":\"2001\",\"text\":\"a\\\"b\\\\c\\n\\t\\u0001/\xC3\xA9\xE2\x82\xAC"
              "\xF0\x9F\x93\x9E\"}}");
    EXPECT_EQ(std::get<svc::set_display::params>(std::get<request>(expect_ok(frame)).params), p);
    // Latin-1, a lone continuation byte, a truncated sequence, an overlong form, a surrogate:
    // each bad byte becomes U+FFFD and the frame is still valid JSON.
    p.text = std::string("Ren\xE9 \x80 \xE2\x82 \xC0\xAF \xED\xA0\x80!");
    frame = codec_->encode(request{"2", p});
    const auto back =
        std::get<svc::set_display::params>(std::get<request>(expect_ok(frame)).params);
    EXPECT_EQ(back.text,
              "Ren\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!");
}

TEST_F(codec_test, a_status_batch_reads_each_kind_once_and_an_item_is_an_error_or_its_reads) {
    expect_error(R"({"type":"request","id":"1","service":"GetDeviceStatusBatch","params":)"
                 R"({"devices":["2001"],"reads":["ringer","ringer"]}})",
                 decode_errc::invalid_value, "/params");
    expect_error(R"({"type":"request","id":"1","service":"GetDeviceStatusBatch","params":)"
                 R"({"devices":[],"reads":["ringer"]}})",
                 decode_errc::invalid_value, "/params");
    expect_error(R"({"type":"request","id":"1","service":"GetDeviceStatusBatch","params":)"
                 R"({"devices":["2001"],"reads":["volume"]}})",
                 decode_errc::invalid_value, "/params/reads/0");
    expect_error(R"({"type":"response","id":"1","service":"GetDeviceStatusBatch","result":)"
                 R"({"results":[{"device":"2001","error":{"category":"operation",)"
                 R"("value":"invalidDeviceID"},"doNotDisturbOn":false}]}})",
                 decode_errc::invalid_value, "/result/results/0");
    expect_error(R"({"type":"response","id":"1","service":"GetDeviceStatusBatch","result":)"
                 R"({"results":[{"device":"2001","ringer":{"ringMode":"ringing","volume":101}}]}})",
                 decode_errc::invalid_value, "/result/results/0/ringer");
    const auto m = expect_ok(
        R"({"type":"response","id":"1","service":"GetDeviceStatusBatch","result":{"results":[)"
        R"({"device":"2001","doNotDisturbOn":false,"lamps":[{"lamp":3,"lampMode":"wink"}],)"
        R"("errors":[{"read":"display","error":{"category":"operation","value":"serviceNotSupported"}}]}]}})");
    const auto& res = std::get<response>(m);
    const auto& item =
        std::get<svc::get_device_status_batch::result>(std::get<service_result>(res.outcome))
            .results.at(0);
    EXPECT_EQ(item.do_not_disturb, false);
    ASSERT_EQ(item.lamps.size(), 1u);
    EXPECT_EQ(item.lamps[0].mode, lamp_mode::wink);
    ASSERT_EQ(item.errors.size(), 1u);
    EXPECT_EQ(item.errors[0].read, status_read::display);
    EXPECT_TRUE(item.forwarding.empty());
}

TEST_F(codec_test, a_password_and_a_reason_travel_only_with_the_state_they_belong_to) {
    expect_error(R"({"type":"request","id":"1","service":"SetAgentState","params":)"
                 R"({"device":"2001","requestedAgentState":"ready","password":"4711"}})",
                 decode_errc::invalid_value, "/params");
    const auto m = expect_ok(
        R"({"type":"request","id":"1","service":"SetAgentState","params":)"
        R"({"device":"2001","requestedAgentState":"loggedOn","agentID":"a1","password":"4711",)"
        R"("acdGroup":"sales"}})");
    const auto& p = std::get<svc::set_agent_state::params>(std::get<request>(m).params);
    EXPECT_EQ(p.password, "4711");
    EXPECT_EQ(p.acd_group, "sales");
}

}  // namespace
}  // namespace ctigw::protocol
