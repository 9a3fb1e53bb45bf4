#include "win_api.hpp"

#include <windows.h>

#include <tapi.h>

#include <array>
#include <cstddef>
#include <cstring>

namespace ctigw::setup::win {
namespace {

/// TAPI 2.0: the oldest version whose LINEPROVIDERLIST layout we read.
constexpr DWORD provider_list_api_version = 0x00020000;

std::uint32_t code(LONG rc) {
    return static_cast<std::uint32_t>(rc);
}

}  // namespace

std::string to_utf8(std::wstring_view text) {
    if (text.empty()) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                        nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n,
                              nullptr, nullptr);
    return out;
}

std::wstring to_wide(std::string_view text) {
    if (text.empty()) return {};
    const int n =
        ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
    if (n > 0)
        ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(),
                              n);
    return out;
}

std::uint32_t tapi32_providers::list(std::vector<tapi_provider>& out) {
    out.clear();
    // Grow the buffer to dwNeededSize (TAPI fills what fits and says how much it needs).
    std::vector<std::byte> buffer(4096);
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto* list = reinterpret_cast<LINEPROVIDERLIST*>(buffer.data());
        std::memset(buffer.data(), 0, buffer.size());
        list->dwTotalSize = static_cast<DWORD>(buffer.size());
        const LONG rc = ::lineGetProviderListW(provider_list_api_version, list);
        if (rc != 0) return code(rc);
        if (list->dwNeededSize > list->dwTotalSize) {
            buffer.resize(list->dwNeededSize);
            continue;
        }
        if (list->dwProviderListOffset +
                std::size_t{list->dwNumProviders} * sizeof(LINEPROVIDERENTRY) >
            list->dwUsedSize)
            return std::uint32_t{LINEERR_OPERATIONFAILED};
        const auto* entries =
            reinterpret_cast<const LINEPROVIDERENTRY*>(buffer.data() + list->dwProviderListOffset);
        for (DWORD i = 0; i < list->dwNumProviders; ++i) {
            const auto& e = entries[i];
            tapi_provider p;
            p.permanent_id = e.dwPermanentProviderID;
            if (e.dwProviderFilenameSize >= sizeof(wchar_t) &&
                std::size_t{e.dwProviderFilenameOffset} + e.dwProviderFilenameSize <=
                    list->dwUsedSize) {
                const auto* name =
                    reinterpret_cast<const wchar_t*>(buffer.data() + e.dwProviderFilenameOffset);
                std::wstring_view view(name, e.dwProviderFilenameSize / sizeof(wchar_t));
                while (!view.empty() && view.back() == L'\0') view.remove_suffix(1);
                p.file_name = to_utf8(view);
            }
            out.push_back(std::move(p));
        }
        return 0;
    }
    return std::uint32_t{LINEERR_STRUCTURETOOSMALL};
}

std::uint32_t tapi32_providers::add(const std::string& file_name, std::uint32_t& permanent_id) {
    DWORD id = 0;
    const LONG rc = ::lineAddProviderW(to_wide(file_name).c_str(), nullptr, &id);
    if (rc == 0) permanent_id = id;
    return code(rc);
}

std::uint32_t tapi32_providers::remove(std::uint32_t permanent_id) {
    return code(::lineRemoveProvider(permanent_id, nullptr));
}

std::uint32_t scm_services::set_restart_on_failure(const std::string& service_name) {
    SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (scm == nullptr) return ::GetLastError();
    SC_HANDLE service =
        ::OpenServiceW(scm, to_wide(service_name).c_str(), SERVICE_CHANGE_CONFIG | SERVICE_START);
    if (service == nullptr) {
        const DWORD e = ::GetLastError();
        ::CloseServiceHandle(scm);
        return e;
    }
    std::array<SC_ACTION, 3> actions{
        {{SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 60000}}};
    SERVICE_FAILURE_ACTIONSW config{};
    config.dwResetPeriod = 24 * 60 * 60;
    config.cActions = static_cast<DWORD>(actions.size());
    config.lpsaActions = actions.data();
    const DWORD rc = ::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &config)
                         ? ERROR_SUCCESS
                         : ::GetLastError();
    ::CloseServiceHandle(service);
    ::CloseServiceHandle(scm);
    return rc;
}

}  // namespace ctigw::setup::win
