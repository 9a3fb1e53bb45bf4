// The TSPI call-control exports: thin adapters over calls::* (requests/*.cpp, calls/sync.cpp).
// Each one catches every exception (LINEERR_OPERATIONFAILED) and needs the current provider:
// without one an async function answers OPERATIONFAILED (the request cannot run) and a
// synchronous one UNINITIALIZED.
#include "calls/calls.hpp"
#include "tspi/export.hpp"

namespace {

using ctigw::tsp::line_export;
using ctigw::tsp::line_request_export;
using ctigw::tsp::locked_provider;

}  // namespace

namespace calls = ctigw::tsp::calls;

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineMakeCall(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                                 HTAPICALL htCall, LPHDRVCALL lphdCall,
                                                 LPCWSTR lpszDestAddress, DWORD dwCountryCode,
                                                 LPLINECALLPARAMS const lpCallParams) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::make_call(p, dwRequestID, hdLine, htCall, lphdCall, lpszDestAddress,
                                dwCountryCode, lpCallParams);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineDial(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                             LPCWSTR lpszDestAddress, DWORD dwCountryCode) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::dial(p, dwRequestID, hdCall, lpszDestAddress, dwCountryCode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineAnswer(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                               LPCSTR /*lpsUserUserInfo*/, DWORD /*dwSize*/) {
    return line_request_export(
        dwRequestID, [&](locked_provider& p) { return calls::answer(p, dwRequestID, hdCall); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineDrop(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                             LPCSTR /*lpsUserUserInfo*/, DWORD /*dwSize*/) {
    return line_request_export(
        dwRequestID, [&](locked_provider& p) { return calls::drop(p, dwRequestID, hdCall); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineHold(DRV_REQUESTID dwRequestID, HDRVCALL hdCall) {
    return line_request_export(
        dwRequestID, [&](locked_provider& p) { return calls::hold(p, dwRequestID, hdCall); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineUnhold(DRV_REQUESTID dwRequestID, HDRVCALL hdCall) {
    return line_request_export(
        dwRequestID, [&](locked_provider& p) { return calls::unhold(p, dwRequestID, hdCall); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSwapHold(DRV_REQUESTID dwRequestID, HDRVCALL hdActiveCall,
                                                 HDRVCALL hdHeldCall) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::swap_hold(p, dwRequestID, hdActiveCall, hdHeldCall);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineBlindTransfer(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                                      LPCWSTR lpszDestAddress,
                                                      DWORD dwCountryCode) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::blind_transfer(p, dwRequestID, hdCall, lpszDestAddress, dwCountryCode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetupTransfer(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                                      HTAPICALL htConsultCall,
                                                      LPHDRVCALL lphdConsultCall,
                                                      LPLINECALLPARAMS const lpCallParams) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::setup_transfer(p, dwRequestID, hdCall, htConsultCall, lphdConsultCall,
                                     lpCallParams);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineCompleteTransfer(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                                         HDRVCALL hdConsultCall,
                                                         HTAPICALL htConfCall,
                                                         LPHDRVCALL lphdConfCall,
                                                         DWORD dwTransferMode) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::complete_transfer(p, dwRequestID, hdCall, hdConsultCall, htConfCall,
                                        lphdConfCall, dwTransferMode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetupConference(
    DRV_REQUESTID dwRequestID, HDRVCALL hdCall, HDRVLINE hdLine, HTAPICALL htConfCall,
    LPHDRVCALL lphdConfCall, HTAPICALL htConsultCall, LPHDRVCALL lphdConsultCall,
    DWORD dwNumParties, LPLINECALLPARAMS const lpCallParams) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::setup_conference(p, dwRequestID, hdCall, hdLine, htConfCall, lphdConfCall,
                                       htConsultCall, lphdConsultCall, dwNumParties, lpCallParams);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_linePrepareAddToConference(
    DRV_REQUESTID dwRequestID, HDRVCALL hdConfCall, HTAPICALL htConsultCall,
    LPHDRVCALL lphdConsultCall, LPLINECALLPARAMS const lpCallParams) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::prepare_add_to_conference(p, dwRequestID, hdConfCall, htConsultCall,
                                                lphdConsultCall, lpCallParams);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineAddToConference(DRV_REQUESTID dwRequestID,
                                                        HDRVCALL hdConfCall,
                                                        HDRVCALL hdConsultCall) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::add_to_conference(p, dwRequestID, hdConfCall, hdConsultCall);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineRemoveFromConference(DRV_REQUESTID dwRequestID,
                                                             HDRVCALL hdCall) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::remove_from_conference(p, dwRequestID, hdCall);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_linePark(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                             DWORD dwParkMode, LPCWSTR lpszDirAddress,
                                             LPVARSTRING lpNonDirAddress) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::park(p, dwRequestID, hdCall, dwParkMode, lpszDirAddress, lpNonDirAddress);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineUnpark(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                               DWORD dwAddressID, HTAPICALL htCall,
                                               LPHDRVCALL lphdCall, LPCWSTR lpszDestAddress) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::unpark(p, dwRequestID, hdLine, dwAddressID, htCall, lphdCall,
                             lpszDestAddress);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_linePickup(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                               DWORD dwAddressID, HTAPICALL htCall,
                                               LPHDRVCALL lphdCall, LPCWSTR lpszDestAddress,
                                               LPCWSTR lpszGroupID) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::pickup(p, dwRequestID, hdLine, dwAddressID, htCall, lphdCall, lpszDestAddress,
                             lpszGroupID);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineRedirect(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                                 LPCWSTR lpszDestAddress, DWORD dwCountryCode) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::redirect(p, dwRequestID, hdCall, lpszDestAddress, dwCountryCode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetCallData(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
                                                    LPVOID lpCallData, DWORD dwSize) {
    return line_request_export(dwRequestID, [&](locked_provider& p) {
        return calls::set_call_data(p, dwRequestID, hdCall, lpCallData, dwSize);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineCloseCall(HDRVCALL hdCall) {
    return line_export([&](locked_provider& p) { return calls::close_call(p, hdCall); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallInfo(HDRVCALL hdCall, LPLINECALLINFO lpCallInfo) {
    return line_export(
        [&](locked_provider& p) { return calls::get_call_info(p, hdCall, lpCallInfo); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallStatus(HDRVCALL hdCall,
                                                      LPLINECALLSTATUS lpCallStatus) {
    return line_export(
        [&](locked_provider& p) { return calls::get_call_status(p, hdCall, lpCallStatus); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallAddressID(HDRVCALL hdCall, LPDWORD lpdwAddressID) {
    return line_export(
        [&](locked_provider& p) { return calls::get_call_address_id(p, hdCall, lpdwAddressID); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallIDs(HDRVCALL hdCall, LPDWORD lpdwAddressID,
                                                   LPDWORD lpdwCallID, LPDWORD lpdwRelatedCallID) {
    return line_export([&](locked_provider& p) {
        return calls::get_call_ids(p, hdCall, lpdwAddressID, lpdwCallID, lpdwRelatedCallID);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetAppSpecific(HDRVCALL hdCall, DWORD dwAppSpecific) {
    return line_export(
        [&](locked_provider& p) { return calls::set_app_specific(p, hdCall, dwAppSpecific); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGenerateDigits(HDRVCALL hdCall, DWORD dwEndToEndID,
                                                       DWORD dwDigitMode, LPCWSTR lpszDigits,
                                                       DWORD dwDuration) {
    return line_export([&](locked_provider& p) {
        return calls::generate_digits(p, hdCall, dwEndToEndID, dwDigitMode, lpszDigits, dwDuration);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineMonitorDigits(HDRVCALL hdCall, DWORD dwDigitModes) {
    return line_export(
        [&](locked_provider& p) { return calls::monitor_digits(p, hdCall, dwDigitModes); });
}
