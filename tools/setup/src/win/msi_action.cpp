// ctigw-setup-ca.dll: the installer's custom actions. The MSI stores it in its Binary table and
// calls CtigwSetup for each deferred step with the step's command line as CustomActionData, and
// CtigwCheck once before it changes anything; arguments separated by '|'
// (ctigw::setup::split_action_data). The same commands as
// ctigw-setup.exe run; every message goes to the MSI log (msiexec /l*v), so an administrator sees
// why a step failed. Called by the installer's custom action server, one action at a time.
#include <windows.h>

#include <msi.h>
#include <msiquery.h>

#include <exception>
#include <string>
#include <vector>

#include "ctigw/tapihost/wide.hpp"
#include "win_api.hpp"

namespace {

/// MsiProcessMessage formats field 0 as a template: '[', ']', '{' and '}' would be read as
/// property references and conditional parts, so they are written as MSI escapes ([\[] ...).
std::wstring msi_literal(std::wstring_view text) {
    std::wstring out;
    out.reserve(text.size() + 16);
    for (const wchar_t c : text) {
        if (c == L'[' || c == L']' || c == L'{' || c == L'}') {
            out += L"[\\";
            out += c;
            out += L']';
        } else {
            out += c;
        }
    }
    return out;
}

void log_to_msi(MSIHANDLE install, std::string_view line) {
    const std::wstring text =
        msi_literal(ctigw::tapihost::to_wide("ctigw-setup: " + std::string(line)));
    const MSIHANDLE record = ::MsiCreateRecord(0);
    if (record == 0) return;
    ::MsiRecordSetStringW(record, 0, text.c_str());
    ::MsiProcessMessage(install, INSTALLMESSAGE_INFO, record);
    ::MsiCloseHandle(record);
}

std::wstring property(MSIHANDLE install, const wchar_t* name) {
    DWORD size = 0;
    wchar_t empty[1] = {L'\0'};
    if (::MsiGetPropertyW(install, name, empty, &size) != ERROR_MORE_DATA) return {};
    std::wstring value(size + 1, L'\0');
    size = static_cast<DWORD>(value.size());
    if (::MsiGetPropertyW(install, name, value.data(), &size) != ERROR_SUCCESS) return {};
    value.resize(size);
    return value;
}

/// Runs the command held by property `name` ('|' between arguments) with messages in the MSI log.
UINT run_property(MSIHANDLE install, const wchar_t* name) {
    try {
        const std::string data = ctigw::tapihost::from_wide(property(install, name));
        if (data.empty()) {
            // Only a scheduling mistake (or Wine, which runs rollback actions when it schedules
            // them, without their data): say so instead of printing the usage.
            log_to_msi(install,
                       "no command: property " + ctigw::tapihost::from_wide(name) + " is empty");
            return ERROR_SUCCESS;
        }
        ctigw::setup::win::tapi32_providers tapi;
        ctigw::setup::win::scm_services services;
        ctigw::setup::environment env;
        env.tapi = &tapi;
        env.services = &services;
        env.log = [install](std::string_view line) { log_to_msi(install, line); };
        const int rc = ctigw::setup::run(ctigw::setup::split_action_data(data), env);
        return rc == 0 ? ERROR_SUCCESS : ERROR_INSTALL_FAILURE;
    } catch (const std::exception& e) {
        log_to_msi(install, std::string("unexpected error: ") + e.what());
    } catch (...) {
        log_to_msi(install, "unexpected error");
    }
    return ERROR_INSTALL_FAILURE;
}

}  // namespace

/// A deferred step: its command line is its CustomActionData.
extern "C" __declspec(dllexport) UINT __stdcall CtigwSetup(MSIHANDLE install) {
    return run_property(install, L"CustomActionData");
}

/// The immediate check before anything changes (a deferred action has no other properties, an
/// immediate one no CustomActionData): its command line is the property CTIGW_CHECK.
extern "C" __declspec(dllexport) UINT __stdcall CtigwCheck(MSIHANDLE install) {
    return run_property(install, L"CTIGW_CHECK");
}
