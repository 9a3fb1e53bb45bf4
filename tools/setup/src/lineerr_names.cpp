// lineerr_name: TAPI's error codes by name, for administrators' logs. The table holds every
// LINEERR_ of tapi.h (generated once from ctigw/tsp/tapi/constants.hpp); values come from the
// header itself, so a wrong value cannot creep in.
#include <cstdint>
#include <cstdio>
#include <string>

#include "ctigw/setup/setup.hpp"
#include "ctigw/tsp/tapi.hpp"

namespace ctigw::setup {

namespace {

struct lineerr_entry {
    const char* name;
    std::uint32_t value;
};

// clang-format off
constexpr lineerr_entry lineerr_names[] = {
    {"LINEERR_ALLOCATED", static_cast<std::uint32_t>(LINEERR_ALLOCATED)},
    {"LINEERR_BADDEVICEID", static_cast<std::uint32_t>(LINEERR_BADDEVICEID)},
    {"LINEERR_BEARERMODEUNAVAIL", static_cast<std::uint32_t>(LINEERR_BEARERMODEUNAVAIL)},
    {"LINEERR_CALLUNAVAIL", static_cast<std::uint32_t>(LINEERR_CALLUNAVAIL)},
    {"LINEERR_COMPLETIONOVERRUN", static_cast<std::uint32_t>(LINEERR_COMPLETIONOVERRUN)},
    {"LINEERR_CONFERENCEFULL", static_cast<std::uint32_t>(LINEERR_CONFERENCEFULL)},
    {"LINEERR_DIALBILLING", static_cast<std::uint32_t>(LINEERR_DIALBILLING)},
    {"LINEERR_DIALDIALTONE", static_cast<std::uint32_t>(LINEERR_DIALDIALTONE)},
    {"LINEERR_DIALPROMPT", static_cast<std::uint32_t>(LINEERR_DIALPROMPT)},
    {"LINEERR_DIALQUIET", static_cast<std::uint32_t>(LINEERR_DIALQUIET)},
    {"LINEERR_INCOMPATIBLEAPIVERSION", static_cast<std::uint32_t>(LINEERR_INCOMPATIBLEAPIVERSION)},
    {"LINEERR_INCOMPATIBLEEXTVERSION", static_cast<std::uint32_t>(LINEERR_INCOMPATIBLEEXTVERSION)},
    {"LINEERR_INIFILECORRUPT", static_cast<std::uint32_t>(LINEERR_INIFILECORRUPT)},
    {"LINEERR_INUSE", static_cast<std::uint32_t>(LINEERR_INUSE)},
    {"LINEERR_INVALADDRESS", static_cast<std::uint32_t>(LINEERR_INVALADDRESS)},
    {"LINEERR_INVALADDRESSID", static_cast<std::uint32_t>(LINEERR_INVALADDRESSID)},
    {"LINEERR_INVALADDRESSMODE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSMODE)},
    {"LINEERR_INVALADDRESSSTATE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSSTATE)},
    {"LINEERR_INVALAPPHANDLE", static_cast<std::uint32_t>(LINEERR_INVALAPPHANDLE)},
    {"LINEERR_INVALAPPNAME", static_cast<std::uint32_t>(LINEERR_INVALAPPNAME)},
    {"LINEERR_INVALBEARERMODE", static_cast<std::uint32_t>(LINEERR_INVALBEARERMODE)},
    {"LINEERR_INVALCALLCOMPLMODE", static_cast<std::uint32_t>(LINEERR_INVALCALLCOMPLMODE)},
    {"LINEERR_INVALCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCALLHANDLE)},
    {"LINEERR_INVALCALLPARAMS", static_cast<std::uint32_t>(LINEERR_INVALCALLPARAMS)},
    {"LINEERR_INVALCALLPRIVILEGE", static_cast<std::uint32_t>(LINEERR_INVALCALLPRIVILEGE)},
    {"LINEERR_INVALCALLSELECT", static_cast<std::uint32_t>(LINEERR_INVALCALLSELECT)},
    {"LINEERR_INVALCALLSTATE", static_cast<std::uint32_t>(LINEERR_INVALCALLSTATE)},
    {"LINEERR_INVALCALLSTATELIST", static_cast<std::uint32_t>(LINEERR_INVALCALLSTATELIST)},
    {"LINEERR_INVALCARD", static_cast<std::uint32_t>(LINEERR_INVALCARD)},
    {"LINEERR_INVALCOMPLETIONID", static_cast<std::uint32_t>(LINEERR_INVALCOMPLETIONID)},
    {"LINEERR_INVALCONFCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCONFCALLHANDLE)},
    {"LINEERR_INVALCONSULTCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCONSULTCALLHANDLE)},
    {"LINEERR_INVALCOUNTRYCODE", static_cast<std::uint32_t>(LINEERR_INVALCOUNTRYCODE)},
    {"LINEERR_INVALDEVICECLASS", static_cast<std::uint32_t>(LINEERR_INVALDEVICECLASS)},
    {"LINEERR_INVALDEVICEHANDLE", static_cast<std::uint32_t>(LINEERR_INVALDEVICEHANDLE)},
    {"LINEERR_INVALDIALPARAMS", static_cast<std::uint32_t>(LINEERR_INVALDIALPARAMS)},
    {"LINEERR_INVALDIGITLIST", static_cast<std::uint32_t>(LINEERR_INVALDIGITLIST)},
    {"LINEERR_INVALDIGITMODE", static_cast<std::uint32_t>(LINEERR_INVALDIGITMODE)},
    {"LINEERR_INVALDIGITS", static_cast<std::uint32_t>(LINEERR_INVALDIGITS)},
    {"LINEERR_INVALEXTVERSION", static_cast<std::uint32_t>(LINEERR_INVALEXTVERSION)},
    {"LINEERR_INVALGROUPID", static_cast<std::uint32_t>(LINEERR_INVALGROUPID)},
    {"LINEERR_INVALLINEHANDLE", static_cast<std::uint32_t>(LINEERR_INVALLINEHANDLE)},
    {"LINEERR_INVALLINESTATE", static_cast<std::uint32_t>(LINEERR_INVALLINESTATE)},
    {"LINEERR_INVALLOCATION", static_cast<std::uint32_t>(LINEERR_INVALLOCATION)},
    {"LINEERR_INVALMEDIALIST", static_cast<std::uint32_t>(LINEERR_INVALMEDIALIST)},
    {"LINEERR_INVALMEDIAMODE", static_cast<std::uint32_t>(LINEERR_INVALMEDIAMODE)},
    {"LINEERR_INVALMESSAGEID", static_cast<std::uint32_t>(LINEERR_INVALMESSAGEID)},
    {"LINEERR_INVALPARAM", static_cast<std::uint32_t>(LINEERR_INVALPARAM)},
    {"LINEERR_INVALPARKID", static_cast<std::uint32_t>(LINEERR_INVALPARKID)},
    {"LINEERR_INVALPARKMODE", static_cast<std::uint32_t>(LINEERR_INVALPARKMODE)},
    {"LINEERR_INVALPOINTER", static_cast<std::uint32_t>(LINEERR_INVALPOINTER)},
    {"LINEERR_INVALPRIVSELECT", static_cast<std::uint32_t>(LINEERR_INVALPRIVSELECT)},
    {"LINEERR_INVALRATE", static_cast<std::uint32_t>(LINEERR_INVALRATE)},
    {"LINEERR_INVALREQUESTMODE", static_cast<std::uint32_t>(LINEERR_INVALREQUESTMODE)},
    {"LINEERR_INVALTERMINALID", static_cast<std::uint32_t>(LINEERR_INVALTERMINALID)},
    {"LINEERR_INVALTERMINALMODE", static_cast<std::uint32_t>(LINEERR_INVALTERMINALMODE)},
    {"LINEERR_INVALTIMEOUT", static_cast<std::uint32_t>(LINEERR_INVALTIMEOUT)},
    {"LINEERR_INVALTONE", static_cast<std::uint32_t>(LINEERR_INVALTONE)},
    {"LINEERR_INVALTONELIST", static_cast<std::uint32_t>(LINEERR_INVALTONELIST)},
    {"LINEERR_INVALTONEMODE", static_cast<std::uint32_t>(LINEERR_INVALTONEMODE)},
    {"LINEERR_INVALTRANSFERMODE", static_cast<std::uint32_t>(LINEERR_INVALTRANSFERMODE)},
    {"LINEERR_LINEMAPPERFAILED", static_cast<std::uint32_t>(LINEERR_LINEMAPPERFAILED)},
    {"LINEERR_NOCONFERENCE", static_cast<std::uint32_t>(LINEERR_NOCONFERENCE)},
    {"LINEERR_NODEVICE", static_cast<std::uint32_t>(LINEERR_NODEVICE)},
    {"LINEERR_NODRIVER", static_cast<std::uint32_t>(LINEERR_NODRIVER)},
    {"LINEERR_NOMEM", static_cast<std::uint32_t>(LINEERR_NOMEM)},
    {"LINEERR_NOREQUEST", static_cast<std::uint32_t>(LINEERR_NOREQUEST)},
    {"LINEERR_NOTOWNER", static_cast<std::uint32_t>(LINEERR_NOTOWNER)},
    {"LINEERR_NOTREGISTERED", static_cast<std::uint32_t>(LINEERR_NOTREGISTERED)},
    {"LINEERR_OPERATIONFAILED", static_cast<std::uint32_t>(LINEERR_OPERATIONFAILED)},
    {"LINEERR_OPERATIONUNAVAIL", static_cast<std::uint32_t>(LINEERR_OPERATIONUNAVAIL)},
    {"LINEERR_RATEUNAVAIL", static_cast<std::uint32_t>(LINEERR_RATEUNAVAIL)},
    {"LINEERR_RESOURCEUNAVAIL", static_cast<std::uint32_t>(LINEERR_RESOURCEUNAVAIL)},
    {"LINEERR_REQUESTOVERRUN", static_cast<std::uint32_t>(LINEERR_REQUESTOVERRUN)},
    {"LINEERR_STRUCTURETOOSMALL", static_cast<std::uint32_t>(LINEERR_STRUCTURETOOSMALL)},
    {"LINEERR_TARGETNOTFOUND", static_cast<std::uint32_t>(LINEERR_TARGETNOTFOUND)},
    {"LINEERR_TARGETSELF", static_cast<std::uint32_t>(LINEERR_TARGETSELF)},
    {"LINEERR_UNINITIALIZED", static_cast<std::uint32_t>(LINEERR_UNINITIALIZED)},
    {"LINEERR_USERUSERINFOTOOBIG", static_cast<std::uint32_t>(LINEERR_USERUSERINFOTOOBIG)},
    {"LINEERR_REINIT", static_cast<std::uint32_t>(LINEERR_REINIT)},
    {"LINEERR_ADDRESSBLOCKED", static_cast<std::uint32_t>(LINEERR_ADDRESSBLOCKED)},
    {"LINEERR_BILLINGREJECTED", static_cast<std::uint32_t>(LINEERR_BILLINGREJECTED)},
    {"LINEERR_INVALFEATURE", static_cast<std::uint32_t>(LINEERR_INVALFEATURE)},
    {"LINEERR_NOMULTIPLEINSTANCE", static_cast<std::uint32_t>(LINEERR_NOMULTIPLEINSTANCE)},
    {"LINEERR_INVALAGENTID", static_cast<std::uint32_t>(LINEERR_INVALAGENTID)},
    {"LINEERR_INVALAGENTGROUP", static_cast<std::uint32_t>(LINEERR_INVALAGENTGROUP)},
    {"LINEERR_INVALPASSWORD", static_cast<std::uint32_t>(LINEERR_INVALPASSWORD)},
    {"LINEERR_INVALAGENTSTATE", static_cast<std::uint32_t>(LINEERR_INVALAGENTSTATE)},
    {"LINEERR_INVALAGENTACTIVITY", static_cast<std::uint32_t>(LINEERR_INVALAGENTACTIVITY)},
    {"LINEERR_DIALVOICEDETECT", static_cast<std::uint32_t>(LINEERR_DIALVOICEDETECT)},
    {"LINEERR_USERCANCELLED", static_cast<std::uint32_t>(LINEERR_USERCANCELLED)},
    {"LINEERR_INVALADDRESSTYPE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSTYPE)},
    {"LINEERR_INVALAGENTSESSIONSTATE", static_cast<std::uint32_t>(LINEERR_INVALAGENTSESSIONSTATE)},
    {"LINEERR_DISCONNECTED", static_cast<std::uint32_t>(LINEERR_DISCONNECTED)},
    {"LINEERR_SERVICE_NOT_RUNNING", static_cast<std::uint32_t>(LINEERR_SERVICE_NOT_RUNNING)},
};
// clang-format on

}  // namespace

std::string lineerr_name(std::uint32_t code) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(code));
    for (const auto& e : lineerr_names) {
        if (e.value == code) return std::string(e.name) + " (" + hex + ")";
    }
    return std::string("error ") + hex;
}

}  // namespace ctigw::setup
