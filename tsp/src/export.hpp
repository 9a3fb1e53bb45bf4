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
