// TUISPI_* exports (Windows only): TAPI loads the DLL that TSPI_providerUIIdentify names —
// ctigw.tsp itself — into the *application's* process for lineAddProvider (providerInstall),
// lineRemoveProvider (providerRemove) and lineConfigProvider (providerConfig). They never see
// the provider object (it lives in TAPISRV); the dialog reaches it through TAPI's UI callback.
// The other TUISPI functions (line/phone config dialogs, generic dialogs) are not exported:
// ctigw has no per-device configuration and never asks TAPI for a dialog instance.
#if defined(_WIN32)

#include "tspi/export.hpp"
#include "ui/windows.hpp"

namespace {

constexpr LONG operation_failed = static_cast<LONG>(LINEERR_OPERATIONFAILED);

}  // namespace

CTIGW_TSPI_EXPORT LONG TSPIAPI TUISPI_providerInstall(TUISPIDLLCALLBACK lpfnUIDLLCallback,
                                                      HWND hwndOwner, DWORD dwPermanentProviderID) {
    // No question to ask at install time (every setting has a default): no owner window, no
    // callback needed.
    (void)lpfnUIDLLCallback;
    (void)hwndOwner;
    try {
        return ctigw::tsp::ui::tuispi_install(dwPermanentProviderID);
    } catch (...) {
        return operation_failed;
    }
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TUISPI_providerRemove(TUISPIDLLCALLBACK lpfnUIDLLCallback,
                                                     HWND hwndOwner, DWORD dwPermanentProviderID) {
    // Deletes HKLM\SOFTWARE\ctigw\TSP only: the configuration file and the logs are the
    // administrator's data and stay (docs/tspi-mapping.md).
    (void)lpfnUIDLLCallback;
    (void)hwndOwner;
    (void)dwPermanentProviderID;
    try {
        return ctigw::tsp::ui::tuispi_remove();
    } catch (...) {
        return operation_failed;
    }
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TUISPI_providerConfig(TUISPIDLLCALLBACK lpfnUIDLLCallback,
                                                     HWND hwndOwner, DWORD dwPermanentProviderID) {
    try {
        return ctigw::tsp::ui::tuispi_config(lpfnUIDLLCallback, hwndOwner, dwPermanentProviderID);
    } catch (...) {
        return operation_failed;
    }
}

#endif
