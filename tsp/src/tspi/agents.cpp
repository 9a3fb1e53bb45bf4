// The ctigw agent extension's TSPI exports (ctigw/tsp/agent_extension.hpp): thin adapters over
// agents::* (agents/requests.cpp). Each catches every exception (LINEERR_OPERATIONFAILED) and
// needs the current provider, like the device exports.
#include "agents/agents.hpp"
#include "tspi/export.hpp"

namespace {

using ctigw::tsp::line_export;
using ctigw::tsp::line_request_export;
using ctigw::tsp::locked_provider;
namespace agents = ctigw::tsp::agents;

}  // namespace

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineDevSpecific(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
                                                    DWORD dwAddressID, HDRVCALL hdCall,
                                                    LPVOID lpParams, DWORD dwSize) {
    return line_request_export(dwRequestID, [&](locked_provider& s) {
        return agents::dev_specific(s, dwRequestID, hdLine, dwAddressID, hdCall, lpParams, dwSize);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateExtVersion(DWORD dwDeviceID, DWORD dwTSPIVersion,
                                                            DWORD dwLowVersion, DWORD dwHighVersion,
                                                            LPDWORD lpdwExtVersion) {
    return line_export([&](locked_provider& s) {
        return agents::negotiate_ext_version(s, dwDeviceID, dwTSPIVersion, dwLowVersion,
                                             dwHighVersion, lpdwExtVersion);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineGetExtensionID(DWORD dwDeviceID, DWORD dwTSPIVersion,
                                                       LPLINEEXTENSIONID lpExtensionID) {
    return line_export([&](locked_provider& s) {
        return agents::get_extension_id(s, dwDeviceID, dwTSPIVersion, lpExtensionID);
    });
}

CTIGW_TSPI_EXPORT LONG TSPIAPI TSPI_lineSelectExtVersion(HDRVLINE hdLine, DWORD dwExtVersion) {
    return line_export(
        [&](locked_provider& s) { return agents::select_ext_version(s, hdLine, dwExtVersion); });
}
