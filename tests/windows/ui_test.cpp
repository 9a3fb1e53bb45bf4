// ctigw.tsp's UI side under Wine (or Windows): TSPI_providerUIIdentify, TUISPI_providerInstall /
// Remove against the real registry, and TUISPI_providerConfig's dialog driven from a second
// thread like a user would (find it by title, read its controls, click its buttons), with the
// UI callback forwarded to TSPI_providerGenericDialogData as TAPI does.
//
//   ui_test.exe <ctigw.tsp> <work directory>     (Windows paths; run_ui_test.sh passes them)
//
// Exit 0 when everything holds; 1 with a "FAIL:" line otherwise. Never hangs: a watchdog thread
// ends the process after overall_timeout. It changes HKLM\SOFTWARE\ctigw and TAPI's Providers
// key: run it in a throw-away WINEPREFIX (run_ui_test.sh) or a throw-away machine.
#include "ctigw/tsp/tspi_exports.hpp"  // <windows.h>, <tapi.h>, <tspi.h> as the TSP sees them

#include <shellapi.h>  // CommandLineToArgvW; after <windows.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/windows_registry.hpp"
#include "ctigw/tsp/windows_ui.hpp"

namespace {

namespace reg = ctigw::tsp::registry;
namespace ui = ctigw::tsp::ui;

constexpr DWORD overall_timeout_ms = 120000;
constexpr auto find_timeout = std::chrono::seconds(20);

// ---- reporting ----------------------------------------------------------------------------------

[[noreturn]] void fail(const std::string& what) {
    std::printf("FAIL: %s\n", what.c_str());
    std::fflush(stdout);
    // Not ExitProcess: DLL detach with the provider's threads half torn down could block.
    TerminateProcess(GetCurrentProcess(), 1);
    for (;;) Sleep(1000);
}

void ok(const std::string& what) {
    std::printf("ok: %s\n", what.c_str());
    std::fflush(stdout);
}

std::string narrow(const std::wstring& w) {
    if (w.empty()) return {};
    const int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0,
                                      nullptr, nullptr);
    std::string s(static_cast<std::size_t>(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                        nullptr);
    return s;
}

std::wstring hex(LONG v) {
    wchar_t b[16];
    std::swprintf(b, 16, L"0x%08lX", static_cast<unsigned long>(static_cast<DWORD>(v)));
    return b;
}

void expect_rc(LONG got, LONG want, const std::string& what) {
    if (got != want)
        fail(what + ": returned " + narrow(hex(got)) + ", expected " + narrow(hex(want)));
    ok(what);
}

void expect(bool cond, const std::string& what) {
    if (!cond) fail(what);
    ok(what);
}

bool starts_with(const std::wstring& s, const std::wstring& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}
bool contains(const std::wstring& s, const std::wstring& part) {
    return s.find(part) != std::wstring::npos;
}

// ---- registry and files -------------------------------------------------------------------------

struct reg_value {
    DWORD type = 0;
    std::wstring text;
    DWORD number = 0;
};

std::optional<reg_value> read_value(const wchar_t* key, const wchar_t* name) {
    HKEY k = nullptr;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &k) != ERROR_SUCCESS) {
        return std::nullopt;
    }
    std::vector<BYTE> data(4096);
    DWORD size = static_cast<DWORD>(data.size());
    reg_value v;
    const auto e = RegQueryValueExW(k, name, nullptr, &v.type, data.data(), &size);
    RegCloseKey(k);
    if (e != ERROR_SUCCESS) return std::nullopt;
    if (v.type == REG_DWORD && size == 4) std::memcpy(&v.number, data.data(), 4);
    if (v.type == REG_SZ || v.type == REG_EXPAND_SZ) {
        v.text.assign(reinterpret_cast<const wchar_t*>(data.data()), size / sizeof(wchar_t));
        while (!v.text.empty() && v.text.back() == L'\0') v.text.pop_back();
    }
    return v;
}

bool key_exists(const wchar_t* key) {
    HKEY k = nullptr;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &k) != ERROR_SUCCESS) return false;
    RegCloseKey(k);
    return true;
}

void write_string(const wchar_t* key, const wchar_t* name, const std::wstring& text,
                  DWORD type = REG_SZ) {
    HKEY k = nullptr;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, nullptr, 0, KEY_SET_VALUE, nullptr, &k,
                        nullptr) != ERROR_SUCCESS ||
        RegSetValueExW(k, name, 0, type, reinterpret_cast<const BYTE*>(text.c_str()),
                       static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t))) != ERROR_SUCCESS) {
        fail("cannot write the registry value " + narrow(name));
    }
    RegCloseKey(k);
}

void write_dword(const wchar_t* key, const wchar_t* name, DWORD value) {
    HKEY k = nullptr;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, nullptr, 0, KEY_SET_VALUE, nullptr, &k,
                        nullptr) != ERROR_SUCCESS ||
        RegSetValueExW(k, name, 0, REG_DWORD, reinterpret_cast<const BYTE*>(&value),
                       sizeof value) != ERROR_SUCCESS) {
        fail("cannot write the registry value " + narrow(name));
    }
    RegCloseKey(k);
}

std::wstring expand(const wchar_t* text) {
    wchar_t out[MAX_PATH * 2];
    const DWORD n = ExpandEnvironmentStringsW(text, out, MAX_PATH * 2);
    if (n == 0 || n > MAX_PATH * 2) fail("cannot expand " + narrow(text));
    return out;
}

bool is_directory(const std::wstring& path) {
    const DWORD a = GetFileAttributesW(path.c_str());
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
}

bool is_file(const std::wstring& path) {
    const DWORD a = GetFileAttributesW(path.c_str());
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

void write_file(const std::wstring& path, const std::string& content) {
    std::ofstream out(path.c_str(), std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) fail("cannot write " + narrow(path));
}

// ---- the TSP ------------------------------------------------------------------------------------

struct tsp {
    HMODULE module = nullptr;
    decltype(&TSPI_providerUIIdentify) ui_identify = nullptr;
    decltype(&TSPI_providerGenericDialogData) dialog_data = nullptr;
    decltype(&TSPI_providerEnumDevices) enum_devices = nullptr;
    decltype(&TSPI_providerShutdown) shutdown = nullptr;
    decltype(&TUISPI_providerInstall) install = nullptr;
    decltype(&TUISPI_providerRemove) remove = nullptr;
    decltype(&TUISPI_providerConfig) config = nullptr;
};

template <class F>
void resolve(HMODULE m, const char* name, F& f) {
    f = reinterpret_cast<F>(reinterpret_cast<void*>(GetProcAddress(m, name)));
    if (f == nullptr) fail(std::string("ctigw.tsp does not export ") + name);
}

tsp the_tsp;
std::atomic<int> callback_calls{0};

/// What TAPI does with the UI callback: the provider's TSPI_providerGenericDialogData.
LONG CALLBACK forwarding_callback(DWORD_PTR object_id, DWORD object_type, LPVOID params,
                                  DWORD size) {
    ++callback_calls;
    return the_tsp.dialog_data(object_id, object_type, params, size);
}

void CALLBACK no_line_event(HTAPILINE, HTAPICALL, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK no_phone_event(HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}

// ---- the dialog, from a second thread -----------------------------------------------------------

HWND find_dialog() {
    const auto deadline = std::chrono::steady_clock::now() + find_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        // The window exists before its controls and WM_INITDIALOG; DialogBox shows it only
        // once both are done, so wait for it to be visible with every control in place.
        HWND w = FindWindowW(nullptr, ui::dialog_title);
        if (w != nullptr && IsWindowVisible(w) && GetDlgItem(w, ui::control::config_path) &&
            GetDlgItem(w, ui::control::open) && GetDlgItem(w, ui::control::validate) &&
            GetDlgItem(w, ui::control::result) && GetDlgItem(w, ui::control::status) &&
            GetDlgItem(w, ui::control::refresh) && GetDlgItem(w, ui::control::close)) {
            return w;
        }
        Sleep(50);
    }
    fail("no window titled \"" + narrow(ui::dialog_title) +
         "\" with all its controls became visible within 20 s");
}

std::wstring control_text(HWND dlg, int id) {
    HWND c = GetDlgItem(dlg, id);
    if (c == nullptr) fail("the dialog has no control " + std::to_string(id));
    std::vector<wchar_t> text(static_cast<std::size_t>(GetWindowTextLengthW(c)) + 1);
    GetWindowTextW(c, text.data(), static_cast<int>(text.size()));
    return text.data();
}

void click(HWND dlg, int id) {
    HWND c = GetDlgItem(dlg, id);
    if (c == nullptr) fail("the dialog has no button " + std::to_string(id));
    SendMessageW(c, BM_CLICK, 0, 0);  // returns once the dialog has handled the click
}

/// Every control is inside the client area and no two overlap (the template is built by hand).
void check_layout(HWND dlg) {
    RECT client{};
    GetClientRect(dlg, &client);
    std::vector<std::pair<std::wstring, RECT>> rects;
    for (HWND c = GetWindow(dlg, GW_CHILD); c != nullptr; c = GetWindow(c, GW_HWNDNEXT)) {
        RECT r{};
        GetWindowRect(c, &r);
        MapWindowPoints(nullptr, dlg, reinterpret_cast<POINT*>(&r), 2);
        wchar_t text[64] = {};
        GetWindowTextW(c, text, 64);
        const std::wstring name =
            L"control " + std::to_wstring(GetDlgCtrlID(c)) + L" \"" + text + L"\"";
        if (r.left < client.left || r.top < client.top || r.right > client.right ||
            r.bottom > client.bottom) {
            fail(narrow(name) + " is outside the dialog's client area");
        }
        for (const auto& [other, o] : rects) {
            RECT both{};
            if (IntersectRect(&both, &r, &o)) fail(narrow(name) + " overlaps " + narrow(other));
        }
        rects.emplace_back(name, r);
    }
    expect(rects.size() == 10, "the dialog has its 10 controls, inside it, none overlapping");
}

/// Runs TUISPI_providerConfig on this (main) thread while `drive` works the dialog from another
/// thread, closes it and checks that the call returns 0.
void with_dialog(TUISPIDLLCALLBACK callback, HWND owner, const std::string& name,
                 const std::function<void(HWND)>& drive) {
    std::atomic<bool> driven{false};
    std::thread driver([&] {
        HWND dlg = find_dialog();
        drive(dlg);
        click(dlg, ui::control::close);
        driven = true;
    });
    const LONG rc = the_tsp.config(callback, owner, 42);
    driver.join();
    expect(driven.load(), name + ": the dialog was driven to the end");
    expect_rc(rc, 0, name + ": TUISPI_providerConfig returned after Close");
    expect(FindWindowW(nullptr, ui::dialog_title) == nullptr, name + ": the dialog is gone");
}

const char* valid_config = R"({
  // the dialog validates it like ctigw-config check
  "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_TOKEN" } },
  "devices": { "lines": ["2001-2002"], "phones": ["2001"] }
}
)";
const char* broken_config =
    "{\n  \"switch\": {\n    \"endpoints\": 5,\n  },\n  \"devices\": {}\n}\n";

}  // namespace

int main() {
    std::thread([] {
        Sleep(overall_timeout_ms);
        fail("overall timeout: the test did not finish within " +
             std::to_string(overall_timeout_ms / 1000) + " s");
    }).detach();

    int argc = 0;
    wchar_t** argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (argv == nullptr || argc != 3) fail("usage: ui_test.exe <ctigw.tsp> <work directory>");
    const std::wstring tsp_path = argv[1];
    const std::wstring work = argv[2];
    CreateDirectoryW(work.c_str(), nullptr);

    // ---- load, as TAPI loads a UI DLL -----------------------------------------------------------
    auto& t = the_tsp;
    t.module = LoadLibraryW(tsp_path.c_str());
    if (t.module == nullptr)
        fail("cannot load " + narrow(tsp_path) + ": error " + std::to_string(GetLastError()));
    resolve(t.module, "TSPI_providerUIIdentify", t.ui_identify);
    resolve(t.module, "TSPI_providerGenericDialogData", t.dialog_data);
    resolve(t.module, "TSPI_providerEnumDevices", t.enum_devices);
    resolve(t.module, "TSPI_providerShutdown", t.shutdown);
    resolve(t.module, "TUISPI_providerInstall", t.install);
    resolve(t.module, "TUISPI_providerRemove", t.remove);
    resolve(t.module, "TUISPI_providerConfig", t.config);
    ok("ctigw.tsp loaded, TSPI_providerUIIdentify, TSPI_providerGenericDialogData and "
       "TUISPI_provider{Install,Remove,Config} exported");
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, reg::vendor_key);  // a clean start
    const bool had_providers_key = key_exists(reg::tapi_providers_key);

    // ---- TSPI_providerUIIdentify: our own full path --------------------------------------------
    {
        wchar_t name[MAX_PATH] = {};
        expect_rc(t.ui_identify(name), 0, "TSPI_providerUIIdentify");
        wchar_t own[MAX_PATH] = {};
        GetModuleFileNameW(t.module, own, MAX_PATH);
        expect(CompareStringOrdinal(name, -1, own, -1, TRUE) == CSTR_EQUAL,
               "TSPI_providerUIIdentify names the loaded module: " + narrow(name));
        expect_rc(t.ui_identify(nullptr), static_cast<LONG>(LINEERR_INVALPOINTER),
                  "TSPI_providerUIIdentify(NULL)");
    }

    // ---- install --------------------------------------------------------------------------------
    expect_rc(t.install(nullptr, nullptr, 42), 0, "TUISPI_providerInstall on a clean machine");
    {
        const auto config = read_value(reg::key, reg::config_path_value);
        expect(config && config->type == REG_EXPAND_SZ && config->text == reg::default_config_path,
               "ConfigPath is REG_EXPAND_SZ %ProgramData%\\ctigw\\ctigw.json");
        const auto logs = read_value(reg::key, reg::log_dir_value);
        expect(logs && logs->type == REG_EXPAND_SZ && logs->text == reg::default_log_dir,
               "LogDirectory is REG_EXPAND_SZ %ProgramData%\\ctigw\\logs");
        const auto id = read_value(reg::key, reg::provider_id_value);
        expect(id && id->type == REG_DWORD && id->number == 42,
               "PermanentProviderID is REG_DWORD 42");
        expect(is_directory(expand(L"%ProgramData%\\ctigw")) &&
                   is_directory(expand(L"%ProgramData%\\ctigw\\logs")),
               "the %ProgramData%\\ctigw and logs directories exist");
    }
    // an upgrade keeps the administrator's setting
    const std::wstring valid_path = work + L"\\valid.json";
    write_file(valid_path, valid_config);
    write_string(reg::key, reg::config_path_value, valid_path);
    expect_rc(t.install(nullptr, reinterpret_cast<HWND>(static_cast<INT_PTR>(0x1234)), 43), 0,
              "TUISPI_providerInstall again (upgrade), with a bogus owner window");
    {
        const auto config = read_value(reg::key, reg::config_path_value);
        expect(config && config->text == valid_path, "the upgrade kept ConfigPath");
        const auto id = read_value(reg::key, reg::provider_id_value);
        expect(id && id->number == 43, "the upgrade set PermanentProviderID 43");
    }
    // a second instance: TAPISRV lists ctigw.tsp among its providers
    write_dword(reg::tapi_providers_key, reg::tapi_num_providers_value, 1);
    write_string(reg::tapi_providers_key, L"ProviderFileName0", L"unimdm.tsp");
    write_dword(reg::tapi_providers_key, L"ProviderID0", 1);
    expect_rc(t.install(nullptr, nullptr, 43), 0,
              "TUISPI_providerInstall with another provider listed");
    write_dword(reg::tapi_providers_key, reg::tapi_num_providers_value, 2);
    write_string(reg::tapi_providers_key, L"ProviderFileName1", L"ctigw.tsp");
    write_dword(reg::tapi_providers_key, L"ProviderID1", 43);
    expect_rc(t.install(nullptr, nullptr, 44), static_cast<LONG>(LINEERR_NOMULTIPLEINSTANCE),
              "TUISPI_providerInstall with ctigw.tsp listed as ProviderFileName1");
    write_string(reg::tapi_providers_key, L"ProviderFileName1",
                 L"C:\\Windows\\System32\\CTIGW.TSP");
    expect_rc(t.install(nullptr, nullptr, 44), static_cast<LONG>(LINEERR_NOMULTIPLEINSTANCE),
              "TUISPI_providerInstall with C:\\Windows\\System32\\CTIGW.TSP listed");
    {
        const auto id = read_value(reg::key, reg::provider_id_value);
        expect(id && id->number == 43, "the refused install changed nothing");
    }
    if (had_providers_key) {
        HKEY k = nullptr;
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, reg::tapi_providers_key, 0, KEY_SET_VALUE, &k);
        for (const wchar_t* v : {L"NumProviders", L"ProviderFileName0", L"ProviderID0",
                                 L"ProviderFileName1", L"ProviderID1"}) {
            RegDeleteValueW(k, v);
        }
        RegCloseKey(k);
    } else {
        RegDeleteTreeW(HKEY_LOCAL_MACHINE, reg::tapi_providers_key);
    }

    // ---- remove keeps the administrator's files -------------------------------------------------
    {
        const std::wstring default_config = expand(reg::default_config_path);
        const std::wstring log_file = expand(reg::default_log_dir) + L"\\ctigw-tsp.log";
        write_file(default_config, valid_config);
        write_file(log_file, "a log line\n");
        expect_rc(t.remove(nullptr, nullptr, 43), 0, "TUISPI_providerRemove");
        expect(!key_exists(reg::key), "HKLM\\SOFTWARE\\ctigw\\TSP is gone");
        expect(!key_exists(reg::vendor_key), "HKLM\\SOFTWARE\\ctigw (then empty) is gone");
        expect(is_file(default_config) && is_file(log_file) && is_file(valid_path),
               "the configuration files and the log are kept");
        expect_rc(t.remove(nullptr, reinterpret_cast<HWND>(static_cast<INT_PTR>(0x1234)), 43), 0,
                  "TUISPI_providerRemove again (nothing to remove), with a bogus owner window");
    }

    // ---- TSPI_providerGenericDialogData directly ------------------------------------------------
    {
        std::vector<unsigned char> block(ui::status_block_size);
        ui::write_status_request(block.data(), block.size());
        expect_rc(t.dialog_data(42, TUISPIDLL_OBJECT_PROVIDERID, block.data(),
                                static_cast<DWORD>(block.size())),
                  0, "TSPI_providerGenericDialogData with no provider");
        const auto text = ui::read_status_reply(block.data(), block.size());
        expect(text && text->rfind("provider not running", 0) == 0,
               "the status says the provider is not running: " + text.value_or("(no reply)"));
        expect_rc(t.dialog_data(42, TUISPIDLL_OBJECT_PROVIDERID, nullptr, 0),
                  static_cast<LONG>(LINEERR_INVALPARAM), "TSPI_providerGenericDialogData(NULL)");
        std::memcpy(block.data(), "not a ctigw request....", 24);
        expect_rc(t.dialog_data(42, TUISPIDLL_OBJECT_PROVIDERID, block.data(),
                                static_cast<DWORD>(block.size())),
                  static_cast<LONG>(LINEERR_INVALPARAM),
                  "TSPI_providerGenericDialogData(another block)");
        ui::write_status_request(block.data(), block.size());
        expect_rc(t.dialog_data(42, TUISPIDLL_OBJECT_PROVIDERID, block.data(), 40),
                  static_cast<LONG>(LINEERR_STRUCTURETOOSMALL),
                  "TSPI_providerGenericDialogData(40 bytes)");
    }

    // ---- the configuration dialog ---------------------------------------------------------------
    expect_rc(t.install(nullptr, nullptr, 42), 0, "TUISPI_providerInstall for the dialog");
    write_string(reg::key, reg::config_path_value, valid_path);
    // A provider in this process, as TAPISRV would have: enumerated from the same configuration.
    DWORD lines = 0;
    DWORD phones = 0;
    expect_rc(t.enum_devices(42, &lines, &phones, nullptr, &no_line_event, &no_phone_event), 0,
              "TSPI_providerEnumDevices with valid.json");
    expect(lines == 2 && phones == 1, "2 lines and 1 phone enumerated");

    const std::wstring broken_path = work + L"\\broken.json";
    write_file(broken_path, broken_config);
    with_dialog(&forwarding_callback, nullptr, "dialog with a running provider", [&](HWND dlg) {
        check_layout(dlg);
        const auto path = control_text(dlg, ui::control::config_path);
        expect(path == valid_path, "the dialog shows ConfigPath: " + narrow(path));
        const auto status = control_text(dlg, ui::control::status);
        expect(contains(status, L"2 lines (0 in service), 1 phone (0 in service)") &&
                   contains(status, L"wss://pbx.example:8443/csta"),
               "the dialog shows the provider's status: " + narrow(status));
        expect(callback_calls > 0, "the status came through the UI callback");

        click(dlg, ui::control::validate);
        auto result = control_text(dlg, ui::control::result);
        expect(result == L"valid: 2 lines, 1 phone, endpoint wss://pbx.example:8443/csta",
               "Validate on valid.json: " + narrow(result));

        write_string(reg::key, reg::config_path_value, broken_path, REG_EXPAND_SZ);
        click(dlg, ui::control::validate);
        result = control_text(dlg, ui::control::result);
        expect(starts_with(result, L"invalid: ") && contains(result, L"\r\n") &&
                   contains(result, L"(line 4, column 3)"),
               "Validate on broken.json lists the errors with line and column: " + narrow(result));
        const auto new_path = control_text(dlg, ui::control::config_path);
        expect(new_path == broken_path, "Validate re-read ConfigPath: " + narrow(new_path));

        write_string(reg::key, reg::config_path_value, work + L"\\missing.json");
        click(dlg, ui::control::validate);
        result = control_text(dlg, ui::control::result);
        expect(starts_with(result, L"cannot read the file:"),
               "Validate on a missing file: " + narrow(result));

        const int before = callback_calls;
        click(dlg, ui::control::refresh);
        expect(callback_calls == before + 1, "Refresh asks the provider again");
    });
    t.shutdown(0x00030001, 42);

    with_dialog(nullptr, reinterpret_cast<HWND>(static_cast<INT_PTR>(0x1234)),
                "dialog without a UI callback (bogus owner window)", [&](HWND dlg) {
                    const auto status = control_text(dlg, ui::control::status);
                    expect(status == L"provider not running", "the status: " + narrow(status));
                });
    with_dialog(
        &forwarding_callback, nullptr, "dialog after the provider's shutdown", [&](HWND dlg) {
            const auto status = control_text(dlg, ui::control::status);
            expect(starts_with(status, L"provider not running"), "the status: " + narrow(status));
        });

    expect_rc(t.remove(nullptr, nullptr, 42), 0, "TUISPI_providerRemove at the end");
    std::printf("PASS: ctigw.tsp UI test\n");
    std::fflush(stdout);
    return 0;
}
