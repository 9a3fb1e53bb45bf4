// Windows-only parts of the provider's UI side (TUISPI_*, TSPI_providerUIIdentify): they run in
// the application's process (lineAddProvider, lineRemoveProvider, lineConfigProvider), not in
// TAPISRV. The exports (tspi/ui.cpp) are thin try/catch wrappers around these.
#pragma once

#if defined(_WIN32)

#include <string>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp::ui {

/// This DLL (whatever its file is called), for GetModuleFileName and dialog templates.
HMODULE this_module() noexcept;

/// The full path of this DLL; empty when Windows cannot tell.
std::wstring this_module_path();

/// TUISPI_providerInstall (ui/setup.hpp install_provider on the real registry) and the
/// directories of the configuration file and the logs (a failure there is not fatal: the
/// provider creates its log directory itself). 0, LINEERR_NOMULTIPLEINSTANCE or
/// LINEERR_OPERATIONFAILED.
LONG tuispi_install(DWORD permanent_provider_id);

/// TUISPI_providerRemove (ui/setup.hpp remove_provider on the real registry).
LONG tuispi_remove();

/// TUISPI_providerConfig: the modal dialog (ui/dialog.cpp). 0 when it was shown and closed.
LONG tuispi_config(TUISPIDLLCALLBACK callback, HWND owner, DWORD permanent_provider_id);

}  // namespace ctigw::tsp::ui

#endif
