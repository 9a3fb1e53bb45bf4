// TSPI device exports (lines as devices, phones): thin adapters over devices::* (devices/line.cpp,
// devices/phone.cpp). Each catches every exception (LINEERR_/PHONEERR_OPERATIONFAILED) and needs
// the current provider: without one an async function answers OPERATIONFAILED and a synchronous
// one UNINITIALIZED (PHONEERR_UNINITIALIZED for phones), as the call-control exports do.
#include "devices/devices.hpp"
#include "tspi/export.hpp"

namespace {

using ctigw::tsp::line_export;
using ctigw::tsp::line_request_export;
using ctigw::tsp::locked_provider;
using ctigw::tsp::phone_export;
using ctigw::tsp::phone_request_export;
using ctigw::tsp::provider_state;

}  // namespace

namespace dev = ctigw::tsp::devices;

// ---- lines --------------------------------------------------------------------------------------

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
                                                   DWORD dwExtVersion,
                                                   LPLINEDEVCAPS lpLineDevCaps) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_dev_caps(s, dwDeviceID, dwTSPIVersion, dwExtVersion, lpLineDevCaps);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressCaps(DWORD dwDeviceID, DWORD dwAddressID,
                                                       DWORD dwTSPIVersion, DWORD dwExtVersion,
                                                       LPLINEADDRESSCAPS lpAddressCaps) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_address_caps(s, dwDeviceID, dwAddressID, dwTSPIVersion, dwExtVersion,
                                          lpAddressCaps);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressStatus(HDRVLINE hdLine, DWORD dwAddressID,
                                                         LPLINEADDRESSSTATUS lpAddressStatus) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_address_status(s, hdLine, dwAddressID, lpAddressStatus);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetLineDevStatus(HDRVLINE hdLine,
                                                         LPLINEDEVSTATUS lpLineDevStatus) {
    return line_export(
        [&](locked_provider& s) { return dev::line_get_dev_status(s, hdLine, lpLineDevStatus); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetNumAddressIDs(HDRVLINE hdLine,
                                                         LPDWORD lpdwNumAddressIDs) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_num_address_ids(s, hdLine, lpdwNumAddressIDs);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressID(HDRVLINE hdLine, LPDWORD lpdwAddressID,
                                                     DWORD dwAddressMode, LPCWSTR lpsAddress,
                                                     DWORD dwSize) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_address_id(s, hdLine, lpdwAddressID, dwAddressMode, lpsAddress,
                                        dwSize);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineOpen(DWORD dwDeviceID, HTAPILINE htLine,
                                             LPHDRVLINE lphdLine, DWORD dwTSPIVersion,
                                             LINEEVENT lpfnEventProc) {
    return line_export([&](locked_provider& s) {
        return dev::line_open(s, dwDeviceID, htLine, lphdLine, dwTSPIVersion, lpfnEventProc);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineClose(HDRVLINE hdLine) {
    return line_export([&](provider_state& s) { return dev::line_close(s, hdLine); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetStatusMessages(HDRVLINE hdLine, DWORD dwLineStates,
                                                          DWORD dwAddressStates) {
    return line_export([&](locked_provider& s) {
        return dev::line_set_status_messages(s, hdLine, dwLineStates, dwAddressStates);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetDefaultMediaDetection(HDRVLINE hdLine,
                                                                 DWORD dwMediaModes) {
    return line_export([&](locked_provider& s) {
        return dev::line_set_default_media_detection(s, hdLine, dwMediaModes);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineConditionalMediaDetection(
    HDRVLINE hdLine, DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams) {
    return line_export([&](locked_provider& s) {
        return dev::line_conditional_media_detection(s, hdLine, dwMediaModes, lpCallParams);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetID(HDRVLINE hdLine, DWORD dwAddressID, HDRVCALL hdCall,
                                              DWORD dwSelect, LPVARSTRING lpDeviceID,
                                              LPCWSTR lpszDeviceClass, HANDLE /*hTargetProcess*/) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_id(s, hdLine, dwAddressID, hdCall, dwSelect, lpDeviceID,
                                lpszDeviceClass);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetIcon(DWORD dwDeviceID, LPCWSTR lpszDeviceClass,
                                                LPHICON lphIcon) {
    return line_export([&](locked_provider& s) {
        return dev::line_get_icon(s, dwDeviceID, lpszDeviceClass, lphIcon);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineForward(
    DRV_REQUESTID dwRequestID, HDRVLINE hdLine, DWORD bAllAddresses, DWORD dwAddressID,
    LPLINEFORWARDLIST const lpForwardList, DWORD dwNumRingsNoAnswer, HTAPICALL /*htConsultCall*/,
    LPHDRVCALL lphdConsultCall, LPLINECALLPARAMS const /*lpCallParams*/) {
    return line_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::line_forward(s, dwRequestID, hdLine, bAllAddresses, dwAddressID, lpForwardList,
                                 dwNumRingsNoAnswer, lphdConsultCall);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSetLineDevStatus(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                                         DWORD dwStatusToChange, DWORD fStatus) {
    return line_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::line_set_line_dev_status(s, dwRequestID, hdLine, dwStatusToChange, fStatus);
    });
}

// ---- phones -------------------------------------------------------------------------------------

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
                                                    DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_dev_caps(s, dwDeviceID, dwTSPIVersion, dwExtVersion, lpPhoneCaps);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
                                              LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
                                              PHONEEVENT lpfnEventProc) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_open(s, dwDeviceID, htPhone, lphdPhone, dwTSPIVersion, lpfnEventProc);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone) {
    return phone_export([&](provider_state& s) { return dev::phone_close(s, hdPhone); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus) {
    return phone_export(
        [&](locked_provider& s) { return dev::phone_get_status(s, hdPhone, lpPhoneStatus); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
                                                           DWORD dwButtonModes,
                                                           DWORD dwButtonStates) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_set_status_messages(s, hdPhone, dwPhoneStates, dwButtonModes,
                                              dwButtonStates);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay) {
    return phone_export(
        [&](locked_provider& s) { return dev::phone_get_display(s, hdPhone, lpDisplay); });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
                                                    DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
                                                    DWORD dwSize) {
    return phone_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::phone_set_display(s, dwRequestID, hdPhone, dwRow, dwColumn, lpsDisplay, dwSize);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone,
                                                       LPDWORD lpdwHookSwitchDevs) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_hook_switch(s, hdPhone, lpdwHookSwitchDevs);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
                                                       DWORD dwHookSwitchDevs,
                                                       DWORD dwHookSwitchMode) {
    return phone_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::phone_set_hook_switch(s, dwRequestID, hdPhone, dwHookSwitchDevs,
                                          dwHookSwitchMode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
                                                 LPDWORD lpdwLampMode) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_lamp(s, hdPhone, dwButtonLampID, lpdwLampMode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
                                                 DWORD dwButtonLampID, DWORD dwLampMode) {
    return phone_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::phone_set_lamp(s, dwRequestID, hdPhone, dwButtonLampID, dwLampMode);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
                                                       LPPHONEBUTTONINFO lpButtonInfo) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_button_info(s, hdPhone, dwButtonLampID, lpButtonInfo);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
                                                 LPDWORD lpdwVolume) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_ring(s, hdPhone, lpdwRingMode, lpdwVolume);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
                                                 DWORD dwRingMode, DWORD dwVolume) {
    return phone_request_export(dwRequestID, [&](locked_provider& s) {
        return dev::phone_set_ring(s, dwRequestID, hdPhone, dwRingMode, dwVolume);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hdPhone, LPVARSTRING lpDeviceID,
                                               LPCWSTR lpszDeviceClass, HANDLE /*hTargetProcess*/) {
    return phone_export([&](locked_provider& s) {
        return dev::phone_get_id(s, hdPhone, lpDeviceID, lpszDeviceClass);
    });
}
