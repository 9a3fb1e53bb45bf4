// TSPI provider lifecycle exports: they create and destroy the process-wide provider.
//
// TAPISRV's order (tspi.md §3.2): lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION) →
// providerEnumDevices → providerInit → ... → providerShutdown; EnumDevices/Init/Shutdown may
// repeat while the DLL stays loaded. The provider is created by the first EnumDevices (or Init,
// or a device-specific version negotiation) and destroyed by Shutdown, so every session starts
// from a fresh configuration. The configuration watcher runs between Init and Shutdown.
#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ctigw/tsp/provider_status.hpp"
#include "devices/devices.hpp"
#include "tspi/export.hpp"
#if defined(_WIN32)
#include "ui/windows.hpp"
#endif

namespace {

using namespace ctigw::tsp;

std::mutex lifecycle_mutex;  // serialises create/destroy of the provider and its watcher
/// Proof that lifecycle_mutex is held (taken before the provider lock, never after it).
using lifecycle_lock = std::lock_guard<std::mutex>;
std::unique_ptr<provider> the_provider;
std::unique_ptr<config_watcher> the_watcher;

constexpr LONG operation_failed = static_cast<LONG>(LINEERR_OPERATIONFAILED);

provider& ensure_provider(const lifecycle_lock& /*held*/) {
    if (!the_provider) {
        the_provider = std::make_unique<provider>(default_environment());
        set_current_provider(the_provider.get());
    }
    return *the_provider;
}

void start_watcher(const lifecycle_lock& /*held*/) {
    auto path = default_config_path();
    if (!path) return;
    the_watcher = std::make_unique<config_watcher>(config_watcher::file_stat(*path), [] {
        // Runs on the watcher's thread; reload() takes the provider lock itself.
        if (auto* p = current_provider()) p->reload();
    });
    the_watcher->start();
}

template <class F>
LONG guarded(F&& f) noexcept {
    try {
        return f();
    } catch (...) {
        return operation_failed;
    }
}

}  // namespace

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
                                                             DWORD dwHighVersion,
                                                             LPDWORD lpdwTSPIVersion) {
    return guarded([&] {
        const lifecycle_lock lock(lifecycle_mutex);
        // INITIALIZE_NEGOTIATION comes before EnumDevices: it must not fail for want of devices.
        return ensure_provider(lock).negotiate_tspi_version(dwDeviceID, dwLowVersion, dwHighVersion,
                                                            lpdwTSPIVersion, false);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
                                                              DWORD dwHighVersion,
                                                              LPDWORD lpdwTSPIVersion) {
    try {
        const lifecycle_lock lock(lifecycle_mutex);
        return ensure_provider(lock).negotiate_tspi_version(dwDeviceID, dwLowVersion, dwHighVersion,
                                                            lpdwTSPIVersion, true);
    } catch (...) {
        return static_cast<LONG>(PHONEERR_OPERATIONFAILED);
    }
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
                                                        LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
                                                        HPROVIDER hProvider,
                                                        LINEEVENT lpfnLineCreateProc,
                                                        PHONEEVENT lpfnPhoneCreateProc) {
    return guarded([&] {
        const lifecycle_lock lock(lifecycle_mutex);
        return ensure_provider(lock).enum_devices(dwPermanentProviderID, lpdwNumLines,
                                                  lpdwNumPhones, hProvider, lpfnLineCreateProc,
                                                  lpfnPhoneCreateProc);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
                                                 DWORD dwLineDeviceIDBase,
                                                 DWORD dwPhoneDeviceIDBase, DWORD_PTR dwNumLines,
                                                 DWORD_PTR dwNumPhones,
                                                 ASYNC_COMPLETION lpfnCompletionProc,
                                                 LPDWORD lpdwTSPIOptions) {
    return guarded([&] {
        const lifecycle_lock lock(lifecycle_mutex);
        const LONG rc = ensure_provider(lock).init(
            dwTSPIVersion, dwPermanentProviderID, dwLineDeviceIDBase, dwPhoneDeviceIDBase,
            dwNumLines, dwNumPhones, lpfnCompletionProc, lpdwTSPIOptions);
        if (rc == 0 && !the_watcher) start_watcher(lock);
        return rc;
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion,
                                                     DWORD dwPermanentProviderID) {
    // "should always succeed": everything is torn down whatever happens.
    try {
        const lifecycle_lock lock(lifecycle_mutex);
        if (the_watcher) {
            the_watcher->stop();
            the_watcher.reset();
        }
        if (the_provider) {
            the_provider->shutdown(dwTSPIVersion, dwPermanentProviderID);
            set_current_provider(nullptr);
            the_provider.reset();
        }
    } catch (...) {
        set_current_provider(nullptr);
    }
    return 0;
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerCreateLineDevice(DWORD_PTR dwTempID, DWORD dwDeviceID) {
    return guarded([&] {
        auto* p = current_provider();
        return p ? p->create_line_device(dwTempID, dwDeviceID)
                 : static_cast<LONG>(LINEERR_BADDEVICEID);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID,
                                                              DWORD dwDeviceID) {
    try {
        auto* p = current_provider();
        return p ? p->create_phone_device(dwTempID, dwDeviceID)
                 : static_cast<LONG>(PHONEERR_BADDEVICEID);
    } catch (...) {
        return static_cast<LONG>(PHONEERR_OPERATIONFAILED);
    }
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerUIIdentify(LPWSTR lpszUIDLLName) {
    // The TUISPI_* entry points live in the provider itself, so TAPI gets our own file. On
    // Windows the full path (TAPI loads it into the application's process, whose search path
    // need not include ours); the buffer is MAX_PATH WCHARs (TSPI docs).
    if (lpszUIDLLName == nullptr) return static_cast<LONG>(LINEERR_INVALPOINTER);
    try {
#if defined(_WIN32)
        const std::wstring path = ctigw::tsp::ui::this_module_path();
        if (!path.empty() && path.size() < MAX_PATH) {
            std::copy(path.begin(), path.end(), lpszUIDLLName);
            lpszUIDLLName[path.size()] = L'\0';
            return 0;
        }
        // A longer path cannot be given: the bare name, found in TAPI's system directory.
#endif
        static constexpr char16_t name[] = u"ctigw.tsp";
        for (std::size_t i = 0; i < sizeof name / sizeof name[0]; ++i) {
            lpszUIDLLName[i] = static_cast<WCHAR>(name[i]);
        }
        return 0;
    } catch (...) {
        return operation_failed;
    }
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_providerGenericDialogData(DWORD_PTR dwObjectID,
                                                              DWORD dwObjectType, LPVOID lpParams,
                                                              DWORD dwSize) {
    // TAPI routes the configuration dialog's status request here (provider_status.hpp) by the
    // permanent provider id in dwObjectID: it is ours by construction.
    (void)dwObjectID;
    return guarded([&] {
        return ctigw::tsp::ui::answer_status_request(
            dwObjectType, lpParams, dwSize, []() -> std::optional<ctigw::tsp::ui::provider_status> {
                // The lifecycle lock: Shutdown cannot destroy the provider while it answers.
                const lifecycle_lock lock(lifecycle_mutex);
                if (!the_provider) return std::nullopt;
                return the_provider->state().status_snapshot();
            });
    });
}
