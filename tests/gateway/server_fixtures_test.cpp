// The gateway's server against the protocol's own fixtures (tests/protocol/data): every request
// fixture is understood and answered with its service echoed; every invalid message is counted
// as malformed, answered only when it names a request, and costs the session nothing.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;

constexpr std::string_view token = "fixtures-token-0123456789abcdef-xyz";

std::vector<std::filesystem::path> files_in(const std::string& sub) {
    std::vector<std::filesystem::path> out;
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(CTIGW_FIXTURES_DIR) / sub)) {
        out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Frames received up to the response with `id` (heartbeats answered); that response is last.
std::vector<nlohmann::json> until_response(gateway_client& c, const std::string& id) {
    std::vector<nlohmann::json> frames;
    for (;;) {
        auto j = nlohmann::json::parse(c.next_raw());
        if (j.value("type", "") == "heartbeat") {
            c.send_raw(nlohmann::json{{"type", "heartbeatAck"}, {"id", j["id"]}}.dump());
            continue;
        }
        const bool done = j.value("type", "") == "response" && j.value("id", "") == id;
        frames.push_back(std::move(j));
        if (done) return frames;
    }
}

TEST(GatewayFixtures, EveryRequestFixtureIsUnderstoodAndAnswered) {
    running_gateway gw({make_client("all", token, device_set::every_device())});
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(token), {protocol_version, min_protocol_version}));
    // What the switch says it cannot do (its capabilities) is refused, and only that.
    std::vector<std::string> unsupported;
    gw.run([&](server&, sim_backend& be) { unsupported = be.unsupported_services("2001"); });
    std::size_t sent = 0;
    for (const auto& file : files_in("request")) {
        const auto j = nlohmann::json::parse(read_file(file));
        const std::string service = j["service"];
        // Hello and Authenticate have their own tests; a fixture's token is not ours.
        if (service == "Hello" || service == "Authenticate") continue;
        c.send_raw(j.dump());
        ++sent;
        const auto frames = until_response(c, j["id"]);
        const auto& r = frames.back();
        SCOPED_TRACE(file.filename().string() + ": " + r.dump());
        EXPECT_EQ(r["service"], service);
        EXPECT_NE(r.contains("result"), r.contains("error"));
        if (r.contains("error")) {
            // Refusals for the fixture's made-up calls are fine; not understanding is not.
            // protocol.md §5.8: SetForwarding of a forwardDND* type is serviceNotSupported.
            if (file.filename() != "SetForwarding.dnd.json" &&
                std::find(unsupported.begin(), unsupported.end(), service) == unsupported.end()) {
                EXPECT_NE(r["error"]["value"], "serviceNotSupported");
            }
            EXPECT_NE(r["error"]["category"], "security");
        }
    }
    EXPECT_GE(sent, 40U);
    EXPECT_EQ(gw.stats().malformed_received, 0U);
}

TEST(GatewayFixtures, EveryInvalidMessageIsCountedAndTheSessionSurvives) {
    server_options o;
    o.malformed_tolerance = 1000;  // this test sends them all within a minute
    running_gateway gw({make_client("all", token, device_set::every_device())}, o);
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(token)));
    const auto invalid = files_in("invalid");
    int n = 0;
    for (const auto& file : invalid) {
        const auto text = read_file(file);
        c.send_raw(text);
        const std::string ping = "ping-" + std::to_string(++n);
        c.send_raw(nlohmann::json{{"type", "request"},
                                  {"id", ping},
                                  {"service", "RequestSystemStatus"},
                                  {"params", nlohmann::json::object()}}
                       .dump());
        const auto frames = until_response(c, ping);
        SCOPED_TRACE(file.filename().string());
        // At most one answer, an error to the invalid request itself.
        ASSERT_LE(frames.size(), 2U);
        if (frames.size() == 2) {
            const auto& answer = frames.front();
            EXPECT_EQ(answer["type"], "response");
            EXPECT_TRUE(answer.contains("error")) << answer.dump();
            const auto sent = nlohmann::json::parse(text, nullptr, false);
            ASSERT_TRUE(sent.is_object());
            EXPECT_EQ(answer["id"], sent["id"]);
            // The answer itself is a valid message (an unknown service's name is echoed).
            const auto decoded = make_json_codec()->decode(answer.dump());
            EXPECT_TRUE(decoded.ok() || decoded.error().code == decode_errc::unknown_service)
                << answer.dump();
        }
    }
    EXPECT_EQ(gw.stats().malformed_received, invalid.size());
}

TEST(GatewayFixtures, AClientSendingEventsIsHeldToTheMalformedTolerance) {
    server_options o;
    o.malformed_tolerance = 3;
    running_gateway gw({make_client("all", token, device_set::every_device())}, o);
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(token)));
    // A well-formed event, but only a switch sends events (protocol.md §4.6).
    const auto event = read_file(files_in("event").front());
    for (int i = 0; i < 4; ++i) c.send_raw(event);
    EXPECT_EQ(c.read_until_closed(), 4000);
    EXPECT_EQ(gw.stats().malformed_received, 4U);
    EXPECT_EQ(gw.log_count("clients send requests and heartbeats only"), 4U);
}

}  // namespace
}  // namespace ctigw::gateway::testing
