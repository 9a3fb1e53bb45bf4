// How the TSPI entry points are exported from ctigw.tsp / libctigw-tsp.so.
//
// The shared library is built with hidden visibility: only functions defined with
// CTIGW_TSPI_EXPORT are visible. On Windows the names come from tsp/ctigw.def (TAPISRV looks them
// up by their undecorated names), so the macro only gives C linkage there.
//
// Usage, in exports_*.cpp:
//   CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetDevCaps(DWORD dwDeviceID, ...) { ... }
// Every exported function also has its prototype in ctigw/tsp/tspi_exports.hpp (or <tspi.h>) and
// its name in tsp/ctigw.def; add all three together.
#pragma once

#include <utility>

#include "ctigw/tsp/provider.hpp"
#include "ctigw/tsp/tspi_exports.hpp"

#if defined(_WIN32)
#  define CTIGW_TSPI_EXPORT extern "C"
#else
#  define CTIGW_TSPI_EXPORT extern "C" __attribute__((visibility("default")))
#endif

#if !defined(_WIN32)
// Exported but missing from tapi/tspi_prototypes.h (TAPI 2.1; same signature as mingw's tspi.h).
// TODO(devices): move it there so that the ABI check covers it too.
extern "C" LONG WINAPI TSPI_lineSetLineDevStatus(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                                 DWORD dwStatusToChange, DWORD fStatus);
#endif

#if !defined(TSPIAPI)
#  define TSPIAPI WINAPI
#endif

namespace ctigw::tsp {

/// The one guard around every TSPI line/phone export: runs `f` on the current provider's state.
/// Without a provider an async function answers `failed` (the request cannot run, no completion
/// follows) and a synchronous one `uninitialized`; no exception crosses the export (`failed`).
template <class F>
LONG guarded_export(bool async, LONG failed, LONG uninitialized, F&& f) noexcept {
    try {
        auto* prov = current_provider();
        if (prov == nullptr) return async ? failed : uninitialized;
        return f(prov->state());
    } catch (...) {
        return failed;
    }
}

template <class F>
LONG line_export(bool async, F&& f) noexcept {
    return guarded_export(async, static_cast<LONG>(LINEERR_OPERATIONFAILED),
                          static_cast<LONG>(LINEERR_UNINITIALIZED), std::forward<F>(f));
}

template <class F>
LONG phone_export(bool async, F&& f) noexcept {
    return guarded_export(async, static_cast<LONG>(PHONEERR_OPERATIONFAILED),
                          static_cast<LONG>(PHONEERR_UNINITIALIZED), std::forward<F>(f));
}

}  // namespace ctigw::tsp
