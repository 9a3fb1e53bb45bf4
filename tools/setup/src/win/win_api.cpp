#include "win_api.hpp"

#include <windows.h>

#include <tapi.h>

#include <array>
#include <cstddef>
#include <cstring>

#include "ctigw/tapihost/wide.hpp"

namespace ctigw::setup::win {
namespace {

/// TAPI 2.0: the oldest version whose LINEPROVIDERLIST layout we read.
constexpr DWORD provider_list_api_version = 0x00020000;

std::uint32_t code(LONG rc) {
    return static_cast<std::uint32_t>(rc);
}

}  // namespace

std::uint32_t tapi32_providers::list(std::vector<tapi_provider>& out) {
    out.clear();
    // Grow the buffer to dwNeededSize (TAPI fills what fits and says how much it needs).
    std::vector<unsigned char> buffer(4096);
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
            p.file_name =
                tapihost::var_string(buffer, e.dwProviderFilenameSize, e.dwProviderFilenameOffset);
            out.push_back(std::move(p));
        }
        return 0;
    }
    return std::uint32_t{LINEERR_STRUCTURETOOSMALL};
}

std::uint32_t tapi32_providers::add(const std::string& file_name, std::uint32_t& permanent_id) {
    DWORD id = 0;
    const LONG rc = ::lineAddProviderW(tapihost::to_wide(file_name).c_str(), nullptr, &id);
    if (rc == 0) permanent_id = id;
    return code(rc);
}

std::uint32_t tapi32_providers::remove(std::uint32_t permanent_id) {
    return code(::lineRemoveProvider(permanent_id, nullptr));
}

std::uint32_t scm_services::set_restart_on_failure(const std::string& service_name) {
    SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (scm == nullptr) return ::GetLastError();
    SC_HANDLE service = ::OpenServiceW(scm, tapihost::to_wide(service_name).c_str(),
                                       SERVICE_CHANGE_CONFIG | SERVICE_START);
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
