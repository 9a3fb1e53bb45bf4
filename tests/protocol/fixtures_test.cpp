// The golden fixtures (tests/protocol/data): every message of docs/protocol.md has one; each
// decodes into the right typed message and encodes back to the same JSON. The JSON Schema check
// of the same files is the CTest `protocol_schema_fixtures`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ctigw/protocol/codec.hpp"

namespace ctigw::protocol {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct fixture {
    fs::path path;
    std::string kind;  // request, response, event, system, invalid
    std::string stem;  // "MakeCall" of "MakeCall.error.json"
};

std::vector<fixture> all_fixtures() {
    std::vector<fixture> out;
    for (const auto& entry : fs::recursive_directory_iterator(CTIGW_FIXTURES_DIR)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        auto name = entry.path().filename().string();
        out.push_back({entry.path(), entry.path().parent_path().filename().string(),
                       name.substr(0, name.find('.'))});
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.path < b.path; });
    return out;
}

std::string label(const fixture& f) {
    return f.kind + "/" + f.path.filename().string();
}

TEST(fixtures, every_golden_fixture_decodes_to_its_kind_and_round_trips) {
    auto codec = make_json_codec();
    std::size_t checked = 0;
    for (const auto& f : all_fixtures()) {
        if (f.kind == "invalid") continue;
        SCOPED_TRACE(label(f));
        const auto text = read_file(f.path);
        auto r = codec->decode(text);
        ASSERT_TRUE(r.ok()) << r.error().to_string();
        const message& m = r.value();
        if (f.kind == "request") {
            ASSERT_TRUE(std::holds_alternative<request>(m));
            EXPECT_EQ(service_name(std::get<request>(m)), f.stem);
        } else if (f.kind == "response") {
            ASSERT_TRUE(std::holds_alternative<response>(m));
            EXPECT_EQ(service_name(std::get<response>(m).service_index), f.stem);
        } else if (f.kind == "event") {
            ASSERT_TRUE(std::holds_alternative<event_message>(m));
            EXPECT_EQ(event_name(std::get<event_message>(m).body), f.stem);
        } else {
            ASSERT_EQ(f.kind, "system");
        }
        // Encoding gives back the same JSON document (member order aside) ...
        const auto encoded = codec->encode(m);
        EXPECT_EQ(nlohmann::json::parse(encoded), nlohmann::json::parse(text)) << encoded;
        // ... which decodes to the same typed message.
        auto again = codec->decode(encoded);
        ASSERT_TRUE(again.ok()) << again.error().to_string();
        EXPECT_EQ(again.value(), m);
        ++checked;
    }
    EXPECT_GT(checked, 0U);
    // Fixtures exercise the known surface only: nothing was skipped as unknown.
    EXPECT_EQ(codec->stats().unknown_members, 0U);
    EXPECT_EQ(codec->stats().unknown_events, 0U);
}

TEST(fixtures, every_service_and_event_has_a_fixture) {
    std::set<std::string> requests, responses, events;
    for (const auto& f : all_fixtures()) {
        if (f.kind == "request") requests.insert(f.stem);
        if (f.kind == "response") responses.insert(f.stem);
        if (f.kind == "event") events.insert(f.stem);
    }
    for (std::size_t i = 0; i < service_count(); ++i) {
        const std::string name(service_name(i));
        EXPECT_TRUE(requests.count(name)) << "no request fixture for " << name;
        EXPECT_TRUE(responses.count(name)) << "no response fixture for " << name;
    }
    std::vector<std::string_view> names;
    [&]<class... E>(event_list<E...>) { (names.push_back(E::name), ...); }(all_events{});
    for (auto name : names) {
        EXPECT_TRUE(events.count(std::string(name))) << "no event fixture for " << name;
    }
}

TEST(fixtures, the_codec_rejects_every_invalid_fixture) {
    auto codec = make_json_codec();
    std::size_t checked = 0;
    for (const auto& f : all_fixtures()) {
        if (f.kind != "invalid") continue;
        SCOPED_TRACE(label(f));
        auto r = codec->decode(read_file(f.path));
        EXPECT_FALSE(r.ok());
        ++checked;
    }
    EXPECT_GE(checked, 10U);
}

}  // namespace
}  // namespace ctigw::protocol
