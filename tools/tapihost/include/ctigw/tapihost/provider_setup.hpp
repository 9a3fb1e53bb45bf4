/**
 * @file
 * The provider-level UI calls TAPI makes outside a session: TUISPI_providerInstall (from
 * lineAddProvider), TUISPI_providerRemove (lineRemoveProvider), TUISPI_providerConfig
 * (lineConfigProvider), after asking TSPI_providerUIIdentify which DLL holds them. The host calls
 * them in the TSP itself when the UI DLL it names is the TSP's own file (ctigw's case). The UI
 * callback they get does what TAPI's does: it forwards to the TSP's
 * TSPI_providerGenericDialogData (LINEERR_OPERATIONUNAVAIL when the TSP does not export it), so
 * the configuration dialog shows the status of a provider running in this host.
 *
 * Thread safety: main thread only (the callback's target is process-wide state).
 */
#pragma once

#include <functional>
#include <string>

#include "ctigw/tapihost/loader.hpp"

namespace ctigw::tapihost {

class provider_setup {
  public:
    provider_setup(const tsp_library& lib, DWORD permanent_provider_id,
                   std::function<void(const std::string&)> print);
    /// Each returns true when the TSP returned 0 (what it returned is printed).
    bool install();
    bool remove();
    bool config();

  private:
    bool call(const char* name, LONG (*fn)(TUISPIDLLCALLBACK, HWND, DWORD));

    const tsp_library& lib_;
    DWORD id_;
    std::function<void(const std::string&)> print_;
};

/// Windows: adds the PEM certificate in `pem_file` to the local machine's ROOT store (what an
/// administrator does for a private CA). Elsewhere: an error. Returns an error text or empty.
std::string trust_root_ca(const std::string& pem_file);

}  // namespace ctigw::tapihost
