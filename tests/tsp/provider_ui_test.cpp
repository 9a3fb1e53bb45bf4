// The portable parts of the provider's UI side: the texts of the configuration dialog, the status
// block that travels through TAPI's UI callback (ctigw/tsp/provider_status.hpp), and the
// install/remove registry logic (tsp/src/ui/setup.hpp) over an in-memory registry that can fail
// any write, to show that a failure halfway leaves the registry as it was.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctigw/config/loader.hpp"
#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/windows_registry.hpp"
#include "ctigw/tsp/windows_ui.hpp"
#include "fake_registry.hpp"
#include "ui/setup.hpp"

namespace {

namespace ui = ctigw::tsp::ui;
namespace reg = ctigw::tsp::registry;
namespace cfg = ctigw::config;

constexpr LONG invalparam = static_cast<LONG>(LINEERR_INVALPARAM);
constexpr LONG too_small = static_cast<LONG>(LINEERR_STRUCTURETOOSMALL);
constexpr LONG op_failed = static_cast<LONG>(LINEERR_OPERATIONFAILED);
constexpr LONG multiple = static_cast<LONG>(LINEERR_NOMULTIPLEINSTANCE);

ui::provider_status running() {
    ui::provider_status s;
    s.permanent_provider_id = 7;
    s.initialized = true;
    s.link_state = "live";
    s.endpoint = "wss://pbx.example:8443/csta";
    s.lines = 2;
    s.lines_in_service = 2;
    s.phones = 1;
    s.phones_in_service = 1;
    return s;
}

// ---- status texts -------------------------------------------------------------------------------

TEST(StatusText, RunningProvider) {
    EXPECT_EQ(
        ui::status_text(running()),
        "link live (wss://pbx.example:8443/csta), 2 lines (2 in service), 1 phone (1 in service)");
}

TEST(StatusText, EnumeratedNotInitialisedAndNoPhones) {
    ui::provider_status s;
    s.lines = 1;
    EXPECT_EQ(ui::status_text(s),
              "link not started (provider not initialised), 1 line (0 in service), 0 phones");
    s.initialized = true;
    s.link_state = "backoff";
    s.endpoint = "wss://a:1/x";
    EXPECT_EQ(ui::status_text(s), "link backoff (wss://a:1/x), 1 line (0 in service), 0 phones");
}

TEST(StatusText, EventLatencyWhenTheSwitchStampsItsEvents) {
    auto s = running();
    s.latency_callbacks = 1;
    s.latency_p50_us = s.latency_p99_us = s.latency_max_us = 42;
    EXPECT_EQ(ui::status_text(s),
              "link live (wss://pbx.example:8443/csta), 2 lines (2 in service), 1 phone (1 in "
              "service), switch to TAPI p50 42 \u00b5s, p99 42 \u00b5s, max 42 \u00b5s (last 1 "
              "callback)");
    s.latency_callbacks = 65536;
    s.latency_p50_us = -160;  // the switch's clock ahead: said as it is
    s.latency_p99_us = 310;
    s.latency_max_us = 1030;
    EXPECT_NE(ui::status_text(s).find(", switch to TAPI p50 -160 \u00b5s, p99 310 \u00b5s, max "
                                      "1030 \u00b5s (last 65536 callbacks)"),
              std::string::npos);
}

TEST(StatusText, NoProvider) {
    EXPECT_EQ(ui::status_text(std::nullopt), "provider not running: TAPI has not started it");
}

// ---- the status block ---------------------------------------------------------------------------

std::vector<unsigned char> request(std::size_t size = ui::status_block_size) {
    std::vector<unsigned char> block(size);
    EXPECT_TRUE(ui::write_status_request(block.data(), block.size()));
    return block;
}

LONG answer(std::vector<unsigned char>& block, std::optional<ui::provider_status> s,
            DWORD type = TUISPIDLL_OBJECT_PROVIDERID, std::size_t size = 0) {
    return ui::answer_status_request(type, block.data(), size == 0 ? block.size() : size,
                                     [s] { return s; });
}

TEST(StatusBlock, RoundTrip) {
    auto block = request();
    EXPECT_EQ(std::memcmp(block.data(), "ctigw status request v1", 24), 0);
    ASSERT_EQ(answer(block, running()), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()), ui::status_text(running()));
    // the provider's side: no provider object
    block = request();
    ASSERT_EQ(answer(block, std::nullopt), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()), ui::status_text(std::nullopt));
}

TEST(StatusBlock, NonAsciiTextSurvives) {
    auto s = running();
    s.endpoint = "wss://zentrale-m\xC3\xBCnchen:443/csta";
    auto block = request();
    ASSERT_EQ(answer(block, s), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()), ui::status_text(s));
}

TEST(StatusBlock, AnythingElseIsInvalParam) {
    bool asked = false;
    auto snapshot = [&]() -> std::optional<ui::provider_status> {
        asked = true;
        return running();
    };
    auto block = request();
    EXPECT_EQ(ui::answer_status_request(TUISPIDLL_OBJECT_PROVIDERID, nullptr, 4096, snapshot),
              invalparam);
    EXPECT_EQ(
        ui::answer_status_request(TUISPIDLL_OBJECT_LINEID, block.data(), block.size(), snapshot),
        invalparam);
    EXPECT_EQ(ui::answer_status_request(TUISPIDLL_OBJECT_DIALOGINSTANCE, block.data(), block.size(),
                                        snapshot),
              invalparam);
    // shorter than the magic
    EXPECT_EQ(ui::answer_status_request(TUISPIDLL_OBJECT_PROVIDERID, block.data(), 23, snapshot),
              invalparam);
    // another version, another magic, garbage
    std::memcpy(block.data(), "ctigw status request v2", 24);
    EXPECT_EQ(ui::answer_status_request(TUISPIDLL_OBJECT_PROVIDERID, block.data(), block.size(),
                                        snapshot),
              invalparam);
    std::memset(block.data(), 0xAB, block.size());
    EXPECT_EQ(ui::answer_status_request(TUISPIDLL_OBJECT_PROVIDERID, block.data(), block.size(),
                                        snapshot),
              invalparam);
    // a reply is not a request
    block = request();
    ASSERT_EQ(answer(block, running()), 0);
    EXPECT_EQ(answer(block, running()), invalparam);
    EXPECT_FALSE(asked);
}

TEST(StatusBlock, TooSmall) {
    // the magic fits, the header does not: nowhere to say how much is needed
    auto block = request(ui::status_header_size);
    EXPECT_EQ(answer(block, running(), TUISPIDLL_OBJECT_PROVIDERID, 28), too_small);
    // the header fits, the text does not: the size needed is written, no reply magic
    block = request(64);
    EXPECT_EQ(answer(block, running()), too_small);
    std::uint32_t needed = 0;
    std::memcpy(&needed, block.data() + 24, 4);
    EXPECT_EQ(needed, ui::status_header_size + (ui::status_text(running()).size() + 1) * 2);
    EXPECT_FALSE(ui::read_status_reply(block.data(), block.size()));
    // exactly enough
    block = request(needed);
    EXPECT_EQ(answer(block, running()), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()), ui::status_text(running()));
    EXPECT_FALSE(ui::write_status_request(block.data(), ui::status_header_size - 1));
}

TEST(StatusBlock, ThrowingSnapshotIsOperationFailed) {
    auto block = request();
    EXPECT_EQ(ui::answer_status_request(
                  TUISPIDLL_OBJECT_PROVIDERID, block.data(), block.size(),
                  []() -> std::optional<ui::provider_status> { throw std::runtime_error("boom"); }),
              op_failed);
}

TEST(StatusBlock, ReadRejectsBadReplies) {
    auto block = request();
    EXPECT_FALSE(ui::read_status_reply(block.data(), block.size()));  // still a request
    ASSERT_EQ(answer(block, running()), 0);
    EXPECT_FALSE(ui::read_status_reply(block.data(), 31));
    EXPECT_FALSE(ui::read_status_reply(nullptr, block.size()));
    const std::uint32_t huge = 100000;
    std::memcpy(block.data() + 28, &huge, 4);
    EXPECT_FALSE(ui::read_status_reply(block.data(), block.size()));
}

TEST(DialogStatusText, WhatTheDialogShows) {
    auto block = request();
    EXPECT_EQ(ui::dialog_status_text(false, 0, block.data(), block.size()), "provider not running");
    EXPECT_EQ(ui::dialog_status_text(true, static_cast<LONG>(LINEERR_OPERATIONFAILED), block.data(),
                                     block.size()),
              "provider not running (error 0x80000048)");
    // TAPI said 0 but nobody filled the block in
    EXPECT_EQ(ui::dialog_status_text(true, 0, block.data(), block.size()),
              "provider not running (no status in TAPI's reply)");
    ASSERT_EQ(answer(block, running()), 0);
    EXPECT_EQ(ui::dialog_status_text(true, 0, block.data(), block.size()),
              ui::status_text(running()));
}

// ---- validation texts ---------------------------------------------------------------------------

TEST(ValidationText, Valid) {
    const auto r = cfg::load_text(R"({
      "switch": { "endpoints": ["wss://pbx1.example:8443/csta", "wss://pbx2.example/csta"],
                  "auth": { "tokenEnv": "T" } },
      "devices": { "lines": ["2001-2010"], "phones": ["2001"] } })");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ui::validation_text(r),
              "valid: 10 lines, 1 phone, endpoint wss://pbx1.example:8443/csta, standby "
              "wss://pbx2.example:443/csta");
}

TEST(ValidationText, InvalidListsEveryErrorWithItsPosition) {
    const auto r =
        cfg::load_text("{\n  \"switch\": {\n    \"endpoints\": 5\n  },\n  \"bogus\": 1\n}\n");
    ASSERT_FALSE(r.ok());
    const auto text = ui::validation_text(r);
    const std::string first_line = "invalid: " + std::to_string(r.errors.size()) +
                                   (r.errors.size() == 1 ? " error" : " errors");
    EXPECT_EQ(text.substr(0, text.find('\n')), first_line) << text;
    for (const auto& d : r.errors)
        EXPECT_NE(text.find("\n" + cfg::format(d)), std::string::npos) << text;
    EXPECT_NE(text.find("(line 3, column 18)"), std::string::npos) << text;
}

TEST(ValidationText, BrokenJson) {
    const auto r = cfg::load_text("{ \"switch\": ");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(ui::validation_text(r).rfind("invalid: 1 error\n", 0), 0u) << ui::validation_text(r);
}

TEST(ValidationText, Unreadable) {
    const auto r = cfg::load_file("/nonexistent/ctigw.json");
    ASSERT_TRUE(r.io_error);
    EXPECT_EQ(ui::validation_text(r).rfind("cannot read the file:\n", 0), 0u)
        << ui::validation_text(r);
}

// ---- install / remove ---------------------------------------------------------------------------

TEST(SameFileName, ComparesTheFileNamePartIgnoringAsciiCase) {
    EXPECT_TRUE(ui::same_file_name(L"ctigw.tsp", L"ctigw.tsp"));
    EXPECT_TRUE(ui::same_file_name(L"CTIGW.TSP", L"ctigw.tsp"));
    EXPECT_TRUE(ui::same_file_name(L"C:\\Windows\\System32\\Ctigw.Tsp", L"ctigw.tsp"));
    EXPECT_TRUE(ui::same_file_name(L"C:ctigw.tsp", L"ctigw.tsp"));
    EXPECT_TRUE(ui::same_file_name(L"/opt/x/ctigw.tsp", L"ctigw.tsp"));
    EXPECT_FALSE(ui::same_file_name(L"ctigw.tsp.bak", L"ctigw.tsp"));
    EXPECT_FALSE(ui::same_file_name(L"my-ctigw.tsp", L"ctigw.tsp"));
    EXPECT_FALSE(ui::same_file_name(L"C:\\ctigw.tsp\\unimdm.tsp", L"ctigw.tsp"));
    EXPECT_FALSE(ui::same_file_name(L"", L"ctigw.tsp"));
}

using ctigw::tsp::testing::fake_registry;

TEST(Install, FreshMachineGetsTheDefaults) {
    fake_registry r;
    const auto out = ui::install_provider(r, 42);
    ASSERT_EQ(out.result, 0);
    const auto* config = r.get(reg::key, reg::config_path_value);
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->expand);
    EXPECT_EQ(config->text, L"%ProgramData%\\ctigw\\ctigw.json");
    const auto* logs = r.get(reg::key, reg::log_dir_value);
    ASSERT_TRUE(logs);
    EXPECT_TRUE(logs->expand);
    EXPECT_EQ(logs->text, L"%ProgramData%\\ctigw\\logs");
    const auto* id = r.get(reg::key, reg::provider_id_value);
    ASSERT_TRUE(id);
    EXPECT_TRUE(id->is_dword);
    EXPECT_EQ(id->number, 42u);
    EXPECT_EQ(out.directories,
              (std::vector<std::wstring>{L"%ProgramData%\\ctigw", L"%ProgramData%\\ctigw\\logs"}));
}

TEST(Install, UpgradeKeepsTheAdministratorsValues) {
    fake_registry r;
    r.put_string(reg::key, reg::config_path_value, L"D:\\cti\\site.json");
    r.put_string(reg::key, reg::log_dir_value, L"E:\\logs\\ctigw");
    r.put_dword(reg::key, reg::provider_id_value, 3);
    const auto out = ui::install_provider(r, 9);
    ASSERT_EQ(out.result, 0);
    EXPECT_EQ(r.get(reg::key, reg::config_path_value)->text, L"D:\\cti\\site.json");
    EXPECT_FALSE(r.get(reg::key, reg::config_path_value)->expand);  // untouched, REG_SZ stays
    EXPECT_EQ(r.get(reg::key, reg::log_dir_value)->text, L"E:\\logs\\ctigw");
    EXPECT_EQ(r.get(reg::key, reg::provider_id_value)->number, 9u);
    EXPECT_EQ(out.directories, (std::vector<std::wstring>{L"D:\\cti", L"E:\\logs\\ctigw"}));
}

TEST(Install, SecondInstanceIsRefusedWithoutWriting) {
    const std::vector<std::wstring> names{L"ctigw.tsp", L"CTIGW.TSP",
                                          L"C:\\Windows\\System32\\ctigw.tsp"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        fake_registry r;
        r.put_dword(reg::tapi_providers_key, L"NumProviders", 2);
        r.put_string(reg::tapi_providers_key, L"ProviderFileName0", L"unimdm.tsp");
        r.put_dword(reg::tapi_providers_key, L"ProviderID0", 1);
        r.put_string(reg::tapi_providers_key, L"ProviderFileName1", names[i]);
        r.put_dword(reg::tapi_providers_key, L"ProviderID1", 2);
        const auto before = r.keys;
        EXPECT_EQ(ui::install_provider(r, 5).result, multiple) << "listed name " << i;
        EXPECT_EQ(r.keys, before);
        EXPECT_EQ(r.writes, 0);
    }
}

TEST(Install, OtherProvidersDoNotBlock) {
    fake_registry r;
    r.put_dword(reg::tapi_providers_key, L"NumProviders", 1);
    r.put_string(reg::tapi_providers_key, L"ProviderFileName0", L"unimdm.tsp");
    r.put_dword(reg::tapi_providers_key, L"ProviderID0", 1);
    r.put_string(reg::tapi_providers_key, L"SomethingElse", L"ctigw.tsp");  // not a file name entry
    EXPECT_EQ(ui::install_provider(r, 5).result, 0);
}

TEST(Install, UnreadableProviderListFails) {
    fake_registry r;
    r.fail_reads = true;
    r.put_dword(reg::tapi_providers_key, L"NumProviders", 0);
    const auto before = r.keys;
    EXPECT_EQ(ui::install_provider(r, 5).result, op_failed);
    EXPECT_EQ(r.keys, before);
}

// A write failing at any step leaves the registry exactly as it was.
TEST(Install, FailureAtAnyStepUndoesWhatThisCallCreated) {
    std::vector<fake_registry> starts(3);
    starts[1].put_string(L"SOFTWARE\\ctigw\\Other", L"x", L"y");  // the vendor key exists
    starts[2].put_string(reg::key, reg::config_path_value, L"D:\\site.json");  // an upgrade
    starts[2].put_dword(reg::key, reg::provider_id_value, 3);
    for (std::size_t s = 0; s < starts.size(); ++s) {
        int failures = 0;
        for (int k = 0; k < 50; ++k) {
            fake_registry r = starts[s];
            r.fail_at = k;
            const auto out = ui::install_provider(r, 42);
            if (out.result == 0) break;  // k is past the last write
            ++failures;
            EXPECT_EQ(out.result, op_failed);
            EXPECT_EQ(r.keys, starts[s].keys) << "start " << s << ", write " << k << " failed";
        }
        EXPECT_GE(failures, 3) << "start " << s;
    }
}

TEST(Remove, DeletesTheKeyAndAnEmptyVendorKeyOnly) {
    fake_registry r;
    ASSERT_EQ(ui::install_provider(r, 42).result, 0);
    r.put_string(L"SOFTWARE\\ctigw\\TSP\\Sub", L"x", L"y");  // the whole tree goes
    EXPECT_EQ(ui::remove_provider(r), 0);
    EXPECT_FALSE(r.has_key(reg::key));
    EXPECT_FALSE(r.has_key(reg::vendor_key));
    EXPECT_TRUE(r.has_key(L"SOFTWARE"));
    EXPECT_EQ(ui::remove_provider(r), 0);  // again: nothing to do

    fake_registry shared;
    ASSERT_EQ(ui::install_provider(shared, 42).result, 0);
    shared.put_string(L"SOFTWARE\\ctigw\\Other", L"x", L"y");
    EXPECT_EQ(ui::remove_provider(shared), 0);
    EXPECT_FALSE(shared.has_key(reg::key));
    EXPECT_TRUE(shared.has_key(L"SOFTWARE\\ctigw\\Other"));
}

TEST(Remove, UndeletableKeyFails) {
    fake_registry r;
    ASSERT_EQ(ui::install_provider(r, 42).result, 0);
    r.fail_at = r.writes;  // the next write: the delete
    EXPECT_EQ(ui::remove_provider(r), op_failed);
    EXPECT_TRUE(r.has_key(reg::key));
}

}  // namespace
