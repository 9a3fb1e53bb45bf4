// How the TSPI entry points are exported from ctigw.tsp / libctigw-tsp.so.
//
// The shared library is built with hidden visibility: only functions defined with
// CTIGW_TSPI_EXPORT are visible. On Windows the names come from tsp/ctigw.def (TAPISRV looks them
// up by their undecorated names), so the macro only gives C linkage there.
//
// Usage, in tspi/*.cpp:
//   CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetDevCaps(DWORD dwDeviceID, ...) { ... }
// Every exported function also has its prototype in ctigw/tsp/tspi_exports.hpp (or <tspi.h>) and
// its name in tsp/ctigw.def; add all three together.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "ctigw/tsp/provider.hpp"
#include "state.hpp"
#include "ctigw/tsp/tspi_exports.hpp"

#if defined(_WIN32)
#define CTIGW_TSPI_EXPORT extern "C"
#else
#define CTIGW_TSPI_EXPORT extern "C" __attribute__((visibility("default")))
#endif

#if !defined(_WIN32)
// Exported but missing from tapi/tspi_prototypes.h (TAPI 2.1; same signature as mingw's tspi.h).
// TODO(devices): move it there so that the ABI check covers it too.
extern "C" LONG WINAPI TSPI_lineSetLineDevStatus(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                                 DWORD dwStatusToChange, DWORD fStatus);
#endif

#if !defined(TSPIAPI)
#define TSPIAPI WINAPI
#endif

namespace ctigw::tsp {

/// Forgets request `id` without completing it (its export failed synchronously). state.cpp.
void forget_failed_request(provider& prov, DRV_REQUESTID id) noexcept;

/// The one guard around every TSPI line/phone export: runs `f` on the current provider — with the
/// provider lock held when `f` takes the model (`locked_provider&`: the usual case), or on the
/// `provider_state&` for the two that take the lock themselves (lineClose and phoneClose wait for
/// the dispatcher after unlocking). Without a provider a synchronous function answers
/// `uninitialized` and an asynchronous one `failed`; no exception crosses the export (`failed`).
/// For an asynchronous function (`request` set) a synchronous failure — an error returned or an
/// exception thrown — means TAPI expects no ASYNC_COMPLETION: a request the operation registered is
/// forgotten unanswered, so that nothing (a late link completion, shutdown) completes it
/// afterwards.
template <class F>
LONG guarded_export(std::optional<DRV_REQUESTID> request, LONG failed, LONG uninitialized,
                    F&& f) noexcept {
    provider* prov = nullptr;
    LONG result = failed;
    try {
        prov = current_provider();
        if (prov == nullptr) return request ? failed : uninitialized;
        if constexpr (std::is_invocable_v<F&, locked_provider&>) {
            result = f(*prov->state().lock());
        } else {
            result = f(prov->state());
        }
    } catch (...) {
        result = failed;
    }
    if (request && prov != nullptr && result < 0) forget_failed_request(*prov, *request);
    return result;
}

/// A synchronous line export.
template <class F>
LONG line_export(F&& f) noexcept {
    return guarded_export(std::nullopt, static_cast<LONG>(LINEERR_OPERATIONFAILED),
                          static_cast<LONG>(LINEERR_UNINITIALIZED), std::forward<F>(f));
}

/// An asynchronous line export (its dwRequestID is `id`).
template <class F>
LONG line_request_export(DRV_REQUESTID id, F&& f) noexcept {
    return guarded_export(id, static_cast<LONG>(LINEERR_OPERATIONFAILED),
                          static_cast<LONG>(LINEERR_UNINITIALIZED), std::forward<F>(f));
}

template <class F>
LONG phone_export(F&& f) noexcept {
    return guarded_export(std::nullopt, static_cast<LONG>(PHONEERR_OPERATIONFAILED),
                          static_cast<LONG>(PHONEERR_UNINITIALIZED), std::forward<F>(f));
}

template <class F>
LONG phone_request_export(DRV_REQUESTID id, F&& f) noexcept {
    return guarded_export(id, static_cast<LONG>(PHONEERR_OPERATIONFAILED),
                          static_cast<LONG>(PHONEERR_UNINITIALIZED), std::forward<F>(f));
}

}  // namespace ctigw::tsp
