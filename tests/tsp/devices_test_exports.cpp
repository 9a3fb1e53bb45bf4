// The shared library as TAPISRV sees it: loaded with dlopen, entry points looked up by name,
// driven through the provider lifecycle with the real environment (config file from
// $CTIGW_CONFIG, spdlog file logging, the Beast link towards a port nobody listens on).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/tspi_exports.hpp"
#include "ctigw/tsp/varstruct.hpp"

#ifndef CTIGW_TSP_LIBRARY
#error "CTIGW_TSP_LIBRARY must name libctigw-tsp.so"
#endif

namespace {

namespace fs = std::filesystem;

class TspLibrary : public ::testing::Test {
  protected:
    void* lib = nullptr;
    fs::path dir;

    void SetUp() override {
        dir = fs::temp_directory_path() / ("ctigw-exports-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "ctigw.json") << R"({
          "switch": { "endpoints": ["ws://127.0.0.1:1/csta"], "allowInsecure": true,
                      "auth": { "tokenEnv": "CTIGW_EXPORTS_TEST_TOKEN" },
                      "reconnect": { "initialMs": 10, "maxMs": 100 } },
          "devices": { "lines": ["2001-2002"], "phones": ["2001"] },
          "logging": { "file": "tsp.log", "level": "debug" } })";
        ::setenv("CTIGW_CONFIG", (dir / "ctigw.json").c_str(), 1);
        ::setenv("CTIGW_EXPORTS_TEST_TOKEN", "t0ken", 1);
        lib = ::dlopen(CTIGW_TSP_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(lib, nullptr) << ::dlerror();
    }
    void TearDown() override {
        if (lib) ::dlclose(lib);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    template <class F>
    F* fn(const char* name) {
        auto* f = reinterpret_cast<F*>(::dlsym(lib, name));
        EXPECT_NE(f, nullptr) << name;
        return f;
    }
};

/// The .def's names; `windows_only`: those marked "; windows-only" (the line above), else the rest.
std::vector<std::string> def_exports(bool windows_only = false) {
    std::ifstream in(CTIGW_TSP_DEF_FILE);
    std::vector<std::string> names;
    std::string line;
    bool marked = false;
    while (std::getline(in, line)) {
        std::istringstream s(line);
        std::string word;
        s >> word;
        if (line.rfind("; windows-only", 0) == 0) {
            marked = true;
            continue;
        }
        if ((word.rfind("TSPI_", 0) == 0 || word.rfind("TUISPI_", 0) == 0) &&
            marked == windows_only) {
            names.push_back(word);
        }
        marked = false;
    }
    return names;
}

void CALLBACK no_line_event(HTAPILINE, HTAPICALL, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK no_phone_event(HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK no_completion(DRV_REQUESTID, LONG) {}

TEST_F(TspLibrary, EveryDefNameIsExported) {
    const auto names = def_exports();
    ASSERT_GT(names.size(), 50u);
    for (const auto& n : names) EXPECT_NE(::dlsym(lib, n.c_str()), nullptr) << n;
    // and what we do not implement is not exported
    for (const char* n :
         {"TSPI_lineDevSpecificFeature", "TSPI_lineGetDevConfig", "TSPI_phoneSetVolume",
          "TUISPI_providerConfig", "TSPI_phoneDevSpecific"}) {
        EXPECT_EQ(::dlsym(lib, n), nullptr) << n;
    }
    // the agent extension (docs/agents.md §4)
    for (const char* n : {"TSPI_lineDevSpecific", "TSPI_lineNegotiateExtVersion",
                          "TSPI_lineGetExtensionID", "TSPI_lineSelectExtVersion"}) {
        EXPECT_NE(::dlsym(lib, n), nullptr) << n;
    }
    // the UI entry points exist in ctigw.tsp only
    const auto windows_only = def_exports(true);
    EXPECT_EQ(windows_only.size(), 3u);
    for (const auto& n : windows_only) EXPECT_EQ(::dlsym(lib, n.c_str()), nullptr) << n;
}

// The configuration dialog's status request (ctigw/tsp/provider_status.hpp) as TAPI forwards it.
TEST_F(TspLibrary, GenericDialogDataAnswersTheStatusRequest) {
    auto* data = fn<decltype(TSPI_providerGenericDialogData)>("TSPI_providerGenericDialogData");
    auto* enum_devices = fn<decltype(TSPI_providerEnumDevices)>("TSPI_providerEnumDevices");
    auto* shutdown = fn<decltype(TSPI_providerShutdown)>("TSPI_providerShutdown");
    ASSERT_TRUE(data && enum_devices && shutdown);
    namespace ui = ctigw::tsp::ui;
    std::vector<unsigned char> block(ui::status_block_size);
    auto ask = [&] {
        ui::write_status_request(block.data(), block.size());
        return data(3, TUISPIDLL_OBJECT_PROVIDERID, block.data(), static_cast<DWORD>(block.size()));
    };
    ASSERT_EQ(ask(), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()),
              "provider not running: TAPI has not started it");
    DWORD lines = 0, phones = 0;
    ASSERT_EQ(enum_devices(3, &lines, &phones, nullptr, &no_line_event, &no_phone_event), 0);
    ASSERT_EQ(ask(), 0);
    EXPECT_EQ(ui::read_status_reply(block.data(), block.size()),
              "link not started (provider not initialised) (ws://127.0.0.1:1/csta), 2 lines "
              "(0 in service), 1 phone (0 in service)");
    EXPECT_EQ(data(3, TUISPIDLL_OBJECT_LINEID, block.data(), static_cast<DWORD>(block.size())),
              static_cast<LONG>(LINEERR_INVALPARAM));
    EXPECT_EQ(data(3, TUISPIDLL_OBJECT_PROVIDERID, nullptr, 0),
              static_cast<LONG>(LINEERR_INVALPARAM));
    ui::write_status_request(block.data(), block.size());
    EXPECT_EQ(data(3, TUISPIDLL_OBJECT_PROVIDERID, block.data(), 40),
              static_cast<LONG>(LINEERR_STRUCTURETOOSMALL));
    EXPECT_EQ(shutdown(0x00030001, 3), 0);
}

TEST_F(TspLibrary, ProviderLifecycleThroughTheExports) {
    auto* negotiate = fn<decltype(TSPI_lineNegotiateTSPIVersion)>("TSPI_lineNegotiateTSPIVersion");
    auto* enum_devices = fn<decltype(TSPI_providerEnumDevices)>("TSPI_providerEnumDevices");
    auto* init = fn<decltype(TSPI_providerInit)>("TSPI_providerInit");
    auto* shutdown = fn<decltype(TSPI_providerShutdown)>("TSPI_providerShutdown");
    auto* dev_caps = fn<decltype(TSPI_lineGetDevCaps)>("TSPI_lineGetDevCaps");
    auto* line_open = fn<decltype(TSPI_lineOpen)>("TSPI_lineOpen");
    auto* line_close = fn<decltype(TSPI_lineClose)>("TSPI_lineClose");
    auto* phone_open = fn<decltype(TSPI_phoneOpen)>("TSPI_phoneOpen");
    auto* phone_close = fn<decltype(TSPI_phoneClose)>("TSPI_phoneClose");
    auto* ui = fn<decltype(TSPI_providerUIIdentify)>("TSPI_providerUIIdentify");
    ASSERT_TRUE(negotiate && enum_devices && init && shutdown && dev_caps && line_open &&
                line_close && phone_open && phone_close && ui);

    std::vector<unsigned char> caps(4096);
    const DWORD total = 4096;
    std::memcpy(caps.data(), &total, 4);
    // no provider yet
    EXPECT_EQ(dev_caps(0, 0x00030001, 0, reinterpret_cast<LPLINEDEVCAPS>(caps.data())),
              static_cast<LONG>(LINEERR_UNINITIALIZED));

    for (int session = 0; session < 2; ++session) {  // Init/Shutdown may repeat while loaded
        DWORD version = 0;
        ASSERT_EQ(negotiate(INITIALIZE_NEGOTIATION, 0x00010004, 0x00030001, &version), 0);
        EXPECT_EQ(version, 0x00030001u);
        DWORD lines = 0, phones = 0;
        ASSERT_EQ(enum_devices(3, &lines, &phones, nullptr, &no_line_event, &no_phone_event), 0);
        EXPECT_EQ(lines, 2u);
        EXPECT_EQ(phones, 1u);
        DWORD options = 99;
        ASSERT_EQ(init(0x00030001, 3, 10, 20, lines, phones, &no_completion, &options), 0);
        EXPECT_EQ(options, 0u);
        ASSERT_EQ(dev_caps(11, 0x00030001, 0, reinterpret_cast<LPLINEDEVCAPS>(caps.data())), 0);
        EXPECT_EQ(reinterpret_cast<LPLINEDEVCAPS>(caps.data())->dwPermanentLineID, 2002u);
        EXPECT_EQ(dev_caps(12, 0x00030001, 0, reinterpret_cast<LPLINEDEVCAPS>(caps.data())),
                  static_cast<LONG>(LINEERR_BADDEVICEID));
        HDRVLINE hd = nullptr;
        ASSERT_EQ(line_open(10, nullptr, &hd, 0x00030001, &no_line_event), 0);
        HDRVPHONE hp = nullptr;
        ASSERT_EQ(phone_open(20, nullptr, &hp, 0x00020000, &no_phone_event), 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the link try and fail
        EXPECT_EQ(line_close(hd), 0);
        EXPECT_EQ(phone_close(hp), 0);
        EXPECT_EQ(shutdown(0x00030001, 3), 0);
        EXPECT_EQ(line_close(hd), static_cast<LONG>(LINEERR_UNINITIALIZED));
    }
    WCHAR name[260] = {};
    ASSERT_EQ(ui(name), 0);
    EXPECT_EQ(name[0], static_cast<WCHAR>(u'c'));
    // the log file from the configuration's logging section got the provider's lines
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream log(dir / "tsp.log");
    std::stringstream content;
    content << log.rdbuf();
    EXPECT_NE(content.str().find("[tsp]"), std::string::npos);
    EXPECT_NE(content.str().find("2 lines, 1 phones"), std::string::npos);
}

}  // namespace
