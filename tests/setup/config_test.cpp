// ctigw-setup config: a configuration written from the installer's properties (validated by the
// provider's loader before anything is written, atomically, the old file kept), and the check of
// an existing file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/loader.hpp"
#include "ctigw/setup/setup.hpp"
#include "fakes.hpp"

namespace ctigw::setup::testing {
namespace {

namespace fs = std::filesystem;
namespace cfg = ctigw::config;

using configWrite = setup_fixture;
using configCheck = setup_fixture;

constexpr const char* endpoint = "wss://pbx.example:8443/csta";

std::string device_names(const cfg::device_settings& d, cfg::device_kind kind) {
    std::string all;
    for (const auto& x : cfg::expand(d, kind)) all += x.extension + " ";
    return all;
}

TEST_F(configWrite, WritesWhatTheOptionsSayAndTheLoaderReadsItBack) {
    const fs::path file = dir / "sub" / "ctigw.json";  // the folder is created
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines",
                        "2001, 2100-2102", "--phones", "3000-3001", "--ca-file", "ca.pem",
                        "--token-file", "token.txt", "--server-name", "pbx.internal"}),
              0)
        << log_text();
    const cfg::load_result r = cfg::load_file(file);
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : cfg::format(r.errors[0]));
    const cfg::settings& s = *r.value;
    ASSERT_EQ(s.link.endpoints.size(), 1u);
    EXPECT_EQ(s.link.endpoints[0].url, endpoint);
    EXPECT_EQ(device_names(s.devices, cfg::device_kind::line), "2001 2100 2101 2102 ");
    EXPECT_EQ(device_names(s.devices, cfg::device_kind::phone), "3000 3001 ");
    // Relative paths: relative to the configuration's folder.
    EXPECT_EQ(s.link.tls.ca_file, file.parent_path() / "ca.pem");
    EXPECT_EQ(s.link.auth.source, cfg::token_source::file);
    EXPECT_EQ(s.link.auth.token_file, file.parent_path() / "token.txt");
    EXPECT_EQ(s.link.tls.server_name, "pbx.internal");

    const std::string text = read(file);
    EXPECT_TRUE(text.starts_with(
        "// Written by ctigw-setup from the installer's properties; edit freely.\n{\n    \""))
        << text;  // the comment, then 4-space indentation
    EXPECT_NE(text.find("{\n                \"range\": \"2100-2102\"\n            }"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\"2001\""), std::string::npos) << text;
    EXPECT_FALSE(fs::exists(dir / "sub" / "ctigw.json.tmp"));
    EXPECT_FALSE(fs::exists(dir / "sub" / "ctigw.json.bak"));
    EXPECT_TRUE(logged("wrote " + file.string() + ": 4 lines, 2 phones")) << log_text();
}

TEST_F(configWrite, OnlyTheKeysGivenAreWritten) {
    const fs::path file = dir / "ctigw.json";
    ASSERT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines",
                        "2001", "--token-file", "C:\\ProgramData\\ctigw\\token.txt"}),
              0)
        << log_text();
    const std::string text = read(file);
    EXPECT_EQ(text.find("tls"), std::string::npos) << text;
    EXPECT_EQ(text.find("phones"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("tokenFile": "C:\\ProgramData\\ctigw\\token.txt")"), std::string::npos)
        << text;
}

TEST_F(configWrite, EmptyOptionsCountAsAbsent) {
    // What the MSI passes when CA_FILE, PHONES and SERVER_NAME are not set.
    const fs::path file = dir / "ctigw.json";
    ASSERT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines",
                        "2001", "--phones", "", "--ca-file", "", "--token-file", "token.txt",
                        "--server-name", ""}),
              0)
        << log_text();
    const cfg::load_result r = cfg::load_file(file);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value->devices.phones.empty());
    EXPECT_TRUE(r.value->link.tls.ca_file.empty());
    EXPECT_TRUE(r.value->link.tls.server_name.empty());
    EXPECT_EQ(read(file).find("caFile"), std::string::npos);
}

TEST_F(configWrite, AnExistingFileIsKeptAsBak) {
    const fs::path file = dir / "ctigw.json";
    write(file, "old content");
    ASSERT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines",
                        "2001", "--token-file", "token.txt"}),
              0)
        << log_text();
    EXPECT_EQ(read(dir / "ctigw.json.bak"), "old content");
    EXPECT_TRUE(cfg::load_file(file).ok());
    EXPECT_TRUE(logged("as " + (dir / "ctigw.json.bak").string())) << log_text();
}

TEST_F(configWrite, NothingIsWrittenWhenTheLoaderRefusesTheResult) {
    const fs::path file = dir / "ctigw.json";
    write(file, "old content");
    struct bad {
        const char* endpoint;
        const char* lines;
        const char* expected;  // in the log
    };
    for (const bad& b : {bad{"http://x", "2001", "--endpoint: /switch/endpoints/0"},
                         bad{endpoint, "abc", "--lines: /devices/lines/0"},
                         bad{endpoint, "2001,,2002", "--lines: /devices/lines/1"},
                         bad{endpoint, "2999-2000", "--lines: /devices/lines/0/range: "}}) {
        SCOPED_TRACE(b.lines);
        EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", b.endpoint,
                            "--lines", b.lines, "--token-file", "token.txt"}),
                  1);
        EXPECT_TRUE(logged("not written")) << log_text();
        EXPECT_TRUE(logged(b.expected)) << log_text();
        EXPECT_FALSE(logged("(line ")) << log_text();  // no positions in a text nobody sees
        EXPECT_EQ(read(file), "old content");
        EXPECT_FALSE(fs::exists(dir / "ctigw.json.bak"));
        EXPECT_FALSE(fs::exists(dir / "ctigw.json.tmp"));
    }
}

TEST_F(configWrite, WithoutATokenFileTheMissingAuthIsSaid) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(
        run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines", "2001"}),
        1);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_TRUE(logged("--token-file: /switch: ")) << log_text();
    EXPECT_TRUE(logged("\"auth\"")) << log_text();
}

TEST_F(configWrite, AnEndpointWithATokenInItsQueryIsNotEchoed) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint",
                        "wss://pbx.example/csta?token=s3cr3t", "--lines", "2001", "--token-file",
                        "t.txt"}),
              1);
    EXPECT_FALSE(logged("s3cr3t")) << log_text();
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configWrite, PropertiesThatAreNotUtf8AreRefusedWithoutEcho) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines",
                        "2001", "--token-file", "C:\\t\xff\xfe.txt"}),
              1);
    EXPECT_TRUE(logged("not valid UTF-8")) << log_text();
    EXPECT_FALSE(logged("t\xff")) << log_text();
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configWrite, EndpointWithoutLinesIsAUsageError) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", endpoint}), 2);
    EXPECT_EQ(
        run_args({"config", "--config", file.string(), "--endpoint", endpoint, "--lines", ""}), 2);
    EXPECT_TRUE(logged("--endpoint needs --lines")) << log_text();
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configWrite, DeviceOptionsWithoutEndpointAreAUsageError) {
    const fs::path file = dir / "ctigw.json";
    for (const char* option :
         {"--lines", "--phones", "--ca-file", "--token-file", "--server-name"}) {
        SCOPED_TRACE(option);
        EXPECT_EQ(run_args({"config", "--config", file.string(), option, "x"}), 2);
        EXPECT_TRUE(logged(std::string(option) + " needs --endpoint")) << log_text();
        EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", "", option, "x"}),
                  2);
    }
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configWrite, EqualsFormAndMsiStyleEmptyValuesParse) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run(split_action_data("config|--config=" + file.string() + "|--endpoint|" + endpoint +
                                    "|--lines|2001|--phones||--token-file|t.txt"),
                  env),
              0)
        << log_text();
    EXPECT_TRUE(cfg::load_file(file).ok());
}

TEST_F(configCheck, AValidFileIsSummarised) {
    const fs::path file = dir / "ctigw.json";
    write(file, R"({
    // comments are fine
    "switch": {"endpoints": ["wss://a.example/csta", "wss://b.example/csta"],
               "auth": {"tokenEnv": "CTIGW_TOKEN"}},
    "devices": {"lines": ["2001", "2100-2109"], "phones": ["2001"]}
})");
    EXPECT_EQ(run_args({"config", "--config", file.string()}), 0) << log_text();
    EXPECT_TRUE(
        logged("configuration " + file.string() + " is valid: 11 lines, 1 phones, 2 endpoints"))
        << log_text();
    EXPECT_FALSE(fs::exists(dir / "ctigw.json.bak"));  // a check writes nothing
}

TEST_F(configCheck, AnInvalidFileFailsWithEveryErrorAndItsLine) {
    const fs::path file = dir / "ctigw.json";
    write(file, R"({
    "switch": {"endpoints": ["wss://a.example/csta"], "auth": {"tokenEnv": "CTIGW_TOKEN"}},
    "devices": {"lines": ["2999-2000"]}
})");
    const std::string before = read(file);
    EXPECT_EQ(run_args({"config", "--config", file.string()}), 1);
    EXPECT_TRUE(logged("configuration " + file.string() + " is invalid")) << log_text();
    EXPECT_TRUE(logged("/devices/lines/0: ")) << log_text();
    EXPECT_TRUE(logged("(line 3, column ")) << log_text();
    EXPECT_EQ(read(file), before);
}

TEST_F(configCheck, AMissingFileIsNotAnErrorAndSaysWhatThatMeans) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--config", file.string()}), 0);
    EXPECT_TRUE(logged("no configuration at " + file.string() + " yet")) << log_text();
    EXPECT_TRUE(logged("LINEERR_INIFILECORRUPT")) << log_text();
    EXPECT_TRUE(logged("ctigw.example.json")) << log_text();
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configCheck, EmptyDeviceOptionsWithoutEndpointAreJustACheck) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--endpoint", "", "--lines", "",
                        "--phones", "", "--ca-file", "", "--token-file", "", "--server-name", ""}),
              0)
        << log_text();
    EXPECT_TRUE(logged("no configuration at")) << log_text();
}

TEST_F(configWrite, CheckOnlyValidatesTheOptionsAndWritesNothing) {
    const fs::path file = dir / "ctigw.json";
    EXPECT_EQ(run_args({"config", "--check-only", "--config", file.string(), "--endpoint", endpoint,
                        "--lines", "2001-2003", "--token-file", "token.txt"}),
              0)
        << log_text();
    EXPECT_FALSE(fs::exists(file));
    EXPECT_NE(log_text().find("valid configuration for " + file.string() + ": 3 lines, 0 phones"),
              std::string::npos)
        << log_text();
    // A refused one fails the same way as without --check-only.
    EXPECT_EQ(run_args({"config", "--config", file.string(), "--check-only", "--endpoint",
                        "http://pbx", "--lines", "2001", "--token-file", "token.txt"}),
              1);
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(configWrite, UndoPutsThePreviousFileBackOrRemovesANewOne) {
    const fs::path file = dir / "ctigw.json";
    const std::vector<std::string> write_args = {"config",     "--config",     file.string(),
                                                 "--endpoint", endpoint,       "--lines",
                                                 "2001",       "--token-file", "t.txt"};
    const std::vector<std::string> undo = {"config", "--undo", "--config", file.string()};
    // No file before: the undo removes the written one.
    ASSERT_EQ(run_args(write_args), 0) << log_text();
    EXPECT_EQ(run_args(undo), 0) << log_text();
    EXPECT_FALSE(fs::exists(file));
    EXPECT_TRUE(logged("(there was none before)")) << log_text();
    // An administrator's file replaced: the undo puts it back.
    write(file, "// mine\n");
    ASSERT_EQ(run_args(write_args), 0) << log_text();
    EXPECT_EQ(run_args(undo), 0) << log_text();
    EXPECT_EQ(read(file), "// mine\n");
    EXPECT_FALSE(fs::exists(dir / "ctigw.json.bak"));
    // A .bak from an earlier write is dropped by a write that replaces nothing, so that its undo
    // does not resurrect it.
    write(dir / "ctigw.json.bak", "// stale\n");
    fs::remove(file);
    ASSERT_EQ(run_args(write_args), 0) << log_text();
    EXPECT_FALSE(fs::exists(dir / "ctigw.json.bak"));
    EXPECT_EQ(run_args(undo), 0) << log_text();
    EXPECT_FALSE(fs::exists(file));
    // Nothing to undo: nothing done.
    EXPECT_EQ(run_args(undo), 0) << log_text();
    EXPECT_TRUE(log.empty()) << log_text();
}

TEST_F(configCheck, CheckOnlyOfAnExistingFileIsTheCheck) {
    const fs::path file = dir / "ctigw.json";
    write(file,
          "{ \"switch\": { \"endpoints\": [\"wss://pbx\"], \"auth\": {\"tokenEnv\": \"T\"} },\n"
          "  \"devices\": { \"lines\": [\"2001\"] } }\n");
    EXPECT_EQ(run_args({"config", "--check-only", "--config", file.string()}), 0) << log_text();
    EXPECT_NE(log_text().find("is valid: 1 lines"), std::string::npos) << log_text();
    write(file, "{ \"switch\": 1 }\n");
    EXPECT_EQ(run_args({"config", "--check-only", "--config", file.string()}), 1);
    EXPECT_NE(log_text().find("is invalid"), std::string::npos) << log_text();
}

TEST_F(configWrite, AConfigPathEndingInASeparatorIsAUsageError) {
    EXPECT_EQ(run_args({"config", "--config", dir.string() + "/", "--endpoint", endpoint, "--lines",
                        "2001", "--token-file", "t.txt"}),
              2);
    EXPECT_TRUE(logged("--config must name a file")) << log_text();
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(configCheck, AFolderInsteadOfAFileFails) {
    EXPECT_EQ(run_args({"config", "--config", dir.string()}), 1);
    EXPECT_TRUE(logged("cannot read configuration")) << log_text();
}

}  // namespace
}  // namespace ctigw::setup::testing
