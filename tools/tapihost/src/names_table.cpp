// Generated once from ctigw/tsp/tapi/constants.hpp (every #define of each prefix); values come
// from the header itself, so a wrong value cannot creep in. Regenerate by hand if families change.
// clang-format off
#include "names_table.hpp"

namespace ctigw::tapihost::detail {

const name_entry call_state_names[] = {
    {"IDLE", static_cast<std::uint32_t>(LINECALLSTATE_IDLE)},
    {"OFFERING", static_cast<std::uint32_t>(LINECALLSTATE_OFFERING)},
    {"ACCEPTED", static_cast<std::uint32_t>(LINECALLSTATE_ACCEPTED)},
    {"DIALTONE", static_cast<std::uint32_t>(LINECALLSTATE_DIALTONE)},
    {"DIALING", static_cast<std::uint32_t>(LINECALLSTATE_DIALING)},
    {"RINGBACK", static_cast<std::uint32_t>(LINECALLSTATE_RINGBACK)},
    {"BUSY", static_cast<std::uint32_t>(LINECALLSTATE_BUSY)},
    {"SPECIALINFO", static_cast<std::uint32_t>(LINECALLSTATE_SPECIALINFO)},
    {"CONNECTED", static_cast<std::uint32_t>(LINECALLSTATE_CONNECTED)},
    {"PROCEEDING", static_cast<std::uint32_t>(LINECALLSTATE_PROCEEDING)},
    {"ONHOLD", static_cast<std::uint32_t>(LINECALLSTATE_ONHOLD)},
    {"CONFERENCED", static_cast<std::uint32_t>(LINECALLSTATE_CONFERENCED)},
    {"ONHOLDPENDCONF", static_cast<std::uint32_t>(LINECALLSTATE_ONHOLDPENDCONF)},
    {"ONHOLDPENDTRANSFER", static_cast<std::uint32_t>(LINECALLSTATE_ONHOLDPENDTRANSFER)},
    {"DISCONNECTED", static_cast<std::uint32_t>(LINECALLSTATE_DISCONNECTED)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINECALLSTATE_UNKNOWN)},
};
const std::size_t call_state_count = sizeof(call_state_names) / sizeof(call_state_names[0]);

const name_entry offering_mode_names[] = {
    {"ACTIVE", static_cast<std::uint32_t>(LINEOFFERINGMODE_ACTIVE)},
    {"INACTIVE", static_cast<std::uint32_t>(LINEOFFERINGMODE_INACTIVE)},
};
const std::size_t offering_mode_count = sizeof(offering_mode_names) / sizeof(offering_mode_names[0]);

const name_entry dialtone_mode_names[] = {
    {"NORMAL", static_cast<std::uint32_t>(LINEDIALTONEMODE_NORMAL)},
    {"SPECIAL", static_cast<std::uint32_t>(LINEDIALTONEMODE_SPECIAL)},
    {"INTERNAL", static_cast<std::uint32_t>(LINEDIALTONEMODE_INTERNAL)},
    {"EXTERNAL", static_cast<std::uint32_t>(LINEDIALTONEMODE_EXTERNAL)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINEDIALTONEMODE_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINEDIALTONEMODE_UNAVAIL)},
};
const std::size_t dialtone_mode_count = sizeof(dialtone_mode_names) / sizeof(dialtone_mode_names[0]);

const name_entry busy_mode_names[] = {
    {"STATION", static_cast<std::uint32_t>(LINEBUSYMODE_STATION)},
    {"TRUNK", static_cast<std::uint32_t>(LINEBUSYMODE_TRUNK)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINEBUSYMODE_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINEBUSYMODE_UNAVAIL)},
};
const std::size_t busy_mode_count = sizeof(busy_mode_names) / sizeof(busy_mode_names[0]);

const name_entry special_info_names[] = {
    {"NOCIRCUIT", static_cast<std::uint32_t>(LINESPECIALINFO_NOCIRCUIT)},
    {"CUSTIRREG", static_cast<std::uint32_t>(LINESPECIALINFO_CUSTIRREG)},
    {"REORDER", static_cast<std::uint32_t>(LINESPECIALINFO_REORDER)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINESPECIALINFO_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINESPECIALINFO_UNAVAIL)},
};
const std::size_t special_info_count = sizeof(special_info_names) / sizeof(special_info_names[0]);

const name_entry connected_mode_names[] = {
    {"ACTIVE", static_cast<std::uint32_t>(LINECONNECTEDMODE_ACTIVE)},
    {"INACTIVE", static_cast<std::uint32_t>(LINECONNECTEDMODE_INACTIVE)},
    {"ACTIVEHELD", static_cast<std::uint32_t>(LINECONNECTEDMODE_ACTIVEHELD)},
    {"INACTIVEHELD", static_cast<std::uint32_t>(LINECONNECTEDMODE_INACTIVEHELD)},
    {"CONFIRMED", static_cast<std::uint32_t>(LINECONNECTEDMODE_CONFIRMED)},
};
const std::size_t connected_mode_count = sizeof(connected_mode_names) / sizeof(connected_mode_names[0]);

const name_entry disconnect_mode_names[] = {
    {"NORMAL", static_cast<std::uint32_t>(LINEDISCONNECTMODE_NORMAL)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINEDISCONNECTMODE_UNKNOWN)},
    {"REJECT", static_cast<std::uint32_t>(LINEDISCONNECTMODE_REJECT)},
    {"PICKUP", static_cast<std::uint32_t>(LINEDISCONNECTMODE_PICKUP)},
    {"FORWARDED", static_cast<std::uint32_t>(LINEDISCONNECTMODE_FORWARDED)},
    {"BUSY", static_cast<std::uint32_t>(LINEDISCONNECTMODE_BUSY)},
    {"NOANSWER", static_cast<std::uint32_t>(LINEDISCONNECTMODE_NOANSWER)},
    {"BADADDRESS", static_cast<std::uint32_t>(LINEDISCONNECTMODE_BADADDRESS)},
    {"UNREACHABLE", static_cast<std::uint32_t>(LINEDISCONNECTMODE_UNREACHABLE)},
    {"CONGESTION", static_cast<std::uint32_t>(LINEDISCONNECTMODE_CONGESTION)},
    {"INCOMPATIBLE", static_cast<std::uint32_t>(LINEDISCONNECTMODE_INCOMPATIBLE)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINEDISCONNECTMODE_UNAVAIL)},
    {"NODIALTONE", static_cast<std::uint32_t>(LINEDISCONNECTMODE_NODIALTONE)},
    {"NUMBERCHANGED", static_cast<std::uint32_t>(LINEDISCONNECTMODE_NUMBERCHANGED)},
    {"OUTOFORDER", static_cast<std::uint32_t>(LINEDISCONNECTMODE_OUTOFORDER)},
    {"TEMPFAILURE", static_cast<std::uint32_t>(LINEDISCONNECTMODE_TEMPFAILURE)},
    {"QOSUNAVAIL", static_cast<std::uint32_t>(LINEDISCONNECTMODE_QOSUNAVAIL)},
    {"BLOCKED", static_cast<std::uint32_t>(LINEDISCONNECTMODE_BLOCKED)},
    {"DONOTDISTURB", static_cast<std::uint32_t>(LINEDISCONNECTMODE_DONOTDISTURB)},
    {"CANCELLED", static_cast<std::uint32_t>(LINEDISCONNECTMODE_CANCELLED)},
};
const std::size_t disconnect_mode_count = sizeof(disconnect_mode_names) / sizeof(disconnect_mode_names[0]);

const name_entry line_dev_state_names[] = {
    {"OTHER", static_cast<std::uint32_t>(LINEDEVSTATE_OTHER)},
    {"RINGING", static_cast<std::uint32_t>(LINEDEVSTATE_RINGING)},
    {"CONNECTED", static_cast<std::uint32_t>(LINEDEVSTATE_CONNECTED)},
    {"DISCONNECTED", static_cast<std::uint32_t>(LINEDEVSTATE_DISCONNECTED)},
    {"MSGWAITON", static_cast<std::uint32_t>(LINEDEVSTATE_MSGWAITON)},
    {"MSGWAITOFF", static_cast<std::uint32_t>(LINEDEVSTATE_MSGWAITOFF)},
    {"INSERVICE", static_cast<std::uint32_t>(LINEDEVSTATE_INSERVICE)},
    {"OUTOFSERVICE", static_cast<std::uint32_t>(LINEDEVSTATE_OUTOFSERVICE)},
    {"MAINTENANCE", static_cast<std::uint32_t>(LINEDEVSTATE_MAINTENANCE)},
    {"OPEN", static_cast<std::uint32_t>(LINEDEVSTATE_OPEN)},
    {"CLOSE", static_cast<std::uint32_t>(LINEDEVSTATE_CLOSE)},
    {"NUMCALLS", static_cast<std::uint32_t>(LINEDEVSTATE_NUMCALLS)},
    {"NUMCOMPLETIONS", static_cast<std::uint32_t>(LINEDEVSTATE_NUMCOMPLETIONS)},
    {"TERMINALS", static_cast<std::uint32_t>(LINEDEVSTATE_TERMINALS)},
    {"ROAMMODE", static_cast<std::uint32_t>(LINEDEVSTATE_ROAMMODE)},
    {"BATTERY", static_cast<std::uint32_t>(LINEDEVSTATE_BATTERY)},
    {"SIGNAL", static_cast<std::uint32_t>(LINEDEVSTATE_SIGNAL)},
    {"DEVSPECIFIC", static_cast<std::uint32_t>(LINEDEVSTATE_DEVSPECIFIC)},
    {"REINIT", static_cast<std::uint32_t>(LINEDEVSTATE_REINIT)},
    {"LOCK", static_cast<std::uint32_t>(LINEDEVSTATE_LOCK)},
    {"CAPSCHANGE", static_cast<std::uint32_t>(LINEDEVSTATE_CAPSCHANGE)},
    {"CONFIGCHANGE", static_cast<std::uint32_t>(LINEDEVSTATE_CONFIGCHANGE)},
    {"TRANSLATECHANGE", static_cast<std::uint32_t>(LINEDEVSTATE_TRANSLATECHANGE)},
    {"COMPLCANCEL", static_cast<std::uint32_t>(LINEDEVSTATE_COMPLCANCEL)},
    {"REMOVED", static_cast<std::uint32_t>(LINEDEVSTATE_REMOVED)},
};
const std::size_t line_dev_state_count = sizeof(line_dev_state_names) / sizeof(line_dev_state_names[0]);

const name_entry address_state_names[] = {
    {"OTHER", static_cast<std::uint32_t>(LINEADDRESSSTATE_OTHER)},
    {"DEVSPECIFIC", static_cast<std::uint32_t>(LINEADDRESSSTATE_DEVSPECIFIC)},
    {"INUSEZERO", static_cast<std::uint32_t>(LINEADDRESSSTATE_INUSEZERO)},
    {"INUSEONE", static_cast<std::uint32_t>(LINEADDRESSSTATE_INUSEONE)},
    {"INUSEMANY", static_cast<std::uint32_t>(LINEADDRESSSTATE_INUSEMANY)},
    {"NUMCALLS", static_cast<std::uint32_t>(LINEADDRESSSTATE_NUMCALLS)},
    {"FORWARD", static_cast<std::uint32_t>(LINEADDRESSSTATE_FORWARD)},
    {"TERMINALS", static_cast<std::uint32_t>(LINEADDRESSSTATE_TERMINALS)},
    {"CAPSCHANGE", static_cast<std::uint32_t>(LINEADDRESSSTATE_CAPSCHANGE)},
};
const std::size_t address_state_count = sizeof(address_state_names) / sizeof(address_state_names[0]);

const name_entry call_info_state_names[] = {
    {"OTHER", static_cast<std::uint32_t>(LINECALLINFOSTATE_OTHER)},
    {"DEVSPECIFIC", static_cast<std::uint32_t>(LINECALLINFOSTATE_DEVSPECIFIC)},
    {"BEARERMODE", static_cast<std::uint32_t>(LINECALLINFOSTATE_BEARERMODE)},
    {"RATE", static_cast<std::uint32_t>(LINECALLINFOSTATE_RATE)},
    {"MEDIAMODE", static_cast<std::uint32_t>(LINECALLINFOSTATE_MEDIAMODE)},
    {"APPSPECIFIC", static_cast<std::uint32_t>(LINECALLINFOSTATE_APPSPECIFIC)},
    {"CALLID", static_cast<std::uint32_t>(LINECALLINFOSTATE_CALLID)},
    {"RELATEDCALLID", static_cast<std::uint32_t>(LINECALLINFOSTATE_RELATEDCALLID)},
    {"ORIGIN", static_cast<std::uint32_t>(LINECALLINFOSTATE_ORIGIN)},
    {"REASON", static_cast<std::uint32_t>(LINECALLINFOSTATE_REASON)},
    {"COMPLETIONID", static_cast<std::uint32_t>(LINECALLINFOSTATE_COMPLETIONID)},
    {"NUMOWNERINCR", static_cast<std::uint32_t>(LINECALLINFOSTATE_NUMOWNERINCR)},
    {"NUMOWNERDECR", static_cast<std::uint32_t>(LINECALLINFOSTATE_NUMOWNERDECR)},
    {"NUMMONITORS", static_cast<std::uint32_t>(LINECALLINFOSTATE_NUMMONITORS)},
    {"TRUNK", static_cast<std::uint32_t>(LINECALLINFOSTATE_TRUNK)},
    {"CALLERID", static_cast<std::uint32_t>(LINECALLINFOSTATE_CALLERID)},
    {"CALLEDID", static_cast<std::uint32_t>(LINECALLINFOSTATE_CALLEDID)},
    {"CONNECTEDID", static_cast<std::uint32_t>(LINECALLINFOSTATE_CONNECTEDID)},
    {"REDIRECTIONID", static_cast<std::uint32_t>(LINECALLINFOSTATE_REDIRECTIONID)},
    {"REDIRECTINGID", static_cast<std::uint32_t>(LINECALLINFOSTATE_REDIRECTINGID)},
    {"DISPLAY", static_cast<std::uint32_t>(LINECALLINFOSTATE_DISPLAY)},
    {"USERUSERINFO", static_cast<std::uint32_t>(LINECALLINFOSTATE_USERUSERINFO)},
    {"HIGHLEVELCOMP", static_cast<std::uint32_t>(LINECALLINFOSTATE_HIGHLEVELCOMP)},
    {"LOWLEVELCOMP", static_cast<std::uint32_t>(LINECALLINFOSTATE_LOWLEVELCOMP)},
    {"CHARGINGINFO", static_cast<std::uint32_t>(LINECALLINFOSTATE_CHARGINGINFO)},
    {"TERMINAL", static_cast<std::uint32_t>(LINECALLINFOSTATE_TERMINAL)},
    {"DIALPARAMS", static_cast<std::uint32_t>(LINECALLINFOSTATE_DIALPARAMS)},
    {"MONITORMODES", static_cast<std::uint32_t>(LINECALLINFOSTATE_MONITORMODES)},
    {"TREATMENT", static_cast<std::uint32_t>(LINECALLINFOSTATE_TREATMENT)},
    {"QOS", static_cast<std::uint32_t>(LINECALLINFOSTATE_QOS)},
    {"CALLDATA", static_cast<std::uint32_t>(LINECALLINFOSTATE_CALLDATA)},
};
const std::size_t call_info_state_count = sizeof(call_info_state_names) / sizeof(call_info_state_names[0]);

const name_entry line_error_names[] = {
    {"ALLOCATED", static_cast<std::uint32_t>(LINEERR_ALLOCATED)},
    {"BADDEVICEID", static_cast<std::uint32_t>(LINEERR_BADDEVICEID)},
    {"BEARERMODEUNAVAIL", static_cast<std::uint32_t>(LINEERR_BEARERMODEUNAVAIL)},
    {"CALLUNAVAIL", static_cast<std::uint32_t>(LINEERR_CALLUNAVAIL)},
    {"COMPLETIONOVERRUN", static_cast<std::uint32_t>(LINEERR_COMPLETIONOVERRUN)},
    {"CONFERENCEFULL", static_cast<std::uint32_t>(LINEERR_CONFERENCEFULL)},
    {"DIALBILLING", static_cast<std::uint32_t>(LINEERR_DIALBILLING)},
    {"DIALDIALTONE", static_cast<std::uint32_t>(LINEERR_DIALDIALTONE)},
    {"DIALPROMPT", static_cast<std::uint32_t>(LINEERR_DIALPROMPT)},
    {"DIALQUIET", static_cast<std::uint32_t>(LINEERR_DIALQUIET)},
    {"INCOMPATIBLEAPIVERSION", static_cast<std::uint32_t>(LINEERR_INCOMPATIBLEAPIVERSION)},
    {"INCOMPATIBLEEXTVERSION", static_cast<std::uint32_t>(LINEERR_INCOMPATIBLEEXTVERSION)},
    {"INIFILECORRUPT", static_cast<std::uint32_t>(LINEERR_INIFILECORRUPT)},
    {"INUSE", static_cast<std::uint32_t>(LINEERR_INUSE)},
    {"INVALADDRESS", static_cast<std::uint32_t>(LINEERR_INVALADDRESS)},
    {"INVALADDRESSID", static_cast<std::uint32_t>(LINEERR_INVALADDRESSID)},
    {"INVALADDRESSMODE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSMODE)},
    {"INVALADDRESSSTATE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSSTATE)},
    {"INVALAPPHANDLE", static_cast<std::uint32_t>(LINEERR_INVALAPPHANDLE)},
    {"INVALAPPNAME", static_cast<std::uint32_t>(LINEERR_INVALAPPNAME)},
    {"INVALBEARERMODE", static_cast<std::uint32_t>(LINEERR_INVALBEARERMODE)},
    {"INVALCALLCOMPLMODE", static_cast<std::uint32_t>(LINEERR_INVALCALLCOMPLMODE)},
    {"INVALCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCALLHANDLE)},
    {"INVALCALLPARAMS", static_cast<std::uint32_t>(LINEERR_INVALCALLPARAMS)},
    {"INVALCALLPRIVILEGE", static_cast<std::uint32_t>(LINEERR_INVALCALLPRIVILEGE)},
    {"INVALCALLSELECT", static_cast<std::uint32_t>(LINEERR_INVALCALLSELECT)},
    {"INVALCALLSTATE", static_cast<std::uint32_t>(LINEERR_INVALCALLSTATE)},
    {"INVALCALLSTATELIST", static_cast<std::uint32_t>(LINEERR_INVALCALLSTATELIST)},
    {"INVALCARD", static_cast<std::uint32_t>(LINEERR_INVALCARD)},
    {"INVALCOMPLETIONID", static_cast<std::uint32_t>(LINEERR_INVALCOMPLETIONID)},
    {"INVALCONFCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCONFCALLHANDLE)},
    {"INVALCONSULTCALLHANDLE", static_cast<std::uint32_t>(LINEERR_INVALCONSULTCALLHANDLE)},
    {"INVALCOUNTRYCODE", static_cast<std::uint32_t>(LINEERR_INVALCOUNTRYCODE)},
    {"INVALDEVICECLASS", static_cast<std::uint32_t>(LINEERR_INVALDEVICECLASS)},
    {"INVALDEVICEHANDLE", static_cast<std::uint32_t>(LINEERR_INVALDEVICEHANDLE)},
    {"INVALDIALPARAMS", static_cast<std::uint32_t>(LINEERR_INVALDIALPARAMS)},
    {"INVALDIGITLIST", static_cast<std::uint32_t>(LINEERR_INVALDIGITLIST)},
    {"INVALDIGITMODE", static_cast<std::uint32_t>(LINEERR_INVALDIGITMODE)},
    {"INVALDIGITS", static_cast<std::uint32_t>(LINEERR_INVALDIGITS)},
    {"INVALEXTVERSION", static_cast<std::uint32_t>(LINEERR_INVALEXTVERSION)},
    {"INVALGROUPID", static_cast<std::uint32_t>(LINEERR_INVALGROUPID)},
    {"INVALLINEHANDLE", static_cast<std::uint32_t>(LINEERR_INVALLINEHANDLE)},
    {"INVALLINESTATE", static_cast<std::uint32_t>(LINEERR_INVALLINESTATE)},
    {"INVALLOCATION", static_cast<std::uint32_t>(LINEERR_INVALLOCATION)},
    {"INVALMEDIALIST", static_cast<std::uint32_t>(LINEERR_INVALMEDIALIST)},
    {"INVALMEDIAMODE", static_cast<std::uint32_t>(LINEERR_INVALMEDIAMODE)},
    {"INVALMESSAGEID", static_cast<std::uint32_t>(LINEERR_INVALMESSAGEID)},
    {"INVALPARAM", static_cast<std::uint32_t>(LINEERR_INVALPARAM)},
    {"INVALPARKID", static_cast<std::uint32_t>(LINEERR_INVALPARKID)},
    {"INVALPARKMODE", static_cast<std::uint32_t>(LINEERR_INVALPARKMODE)},
    {"INVALPOINTER", static_cast<std::uint32_t>(LINEERR_INVALPOINTER)},
    {"INVALPRIVSELECT", static_cast<std::uint32_t>(LINEERR_INVALPRIVSELECT)},
    {"INVALRATE", static_cast<std::uint32_t>(LINEERR_INVALRATE)},
    {"INVALREQUESTMODE", static_cast<std::uint32_t>(LINEERR_INVALREQUESTMODE)},
    {"INVALTERMINALID", static_cast<std::uint32_t>(LINEERR_INVALTERMINALID)},
    {"INVALTERMINALMODE", static_cast<std::uint32_t>(LINEERR_INVALTERMINALMODE)},
    {"INVALTIMEOUT", static_cast<std::uint32_t>(LINEERR_INVALTIMEOUT)},
    {"INVALTONE", static_cast<std::uint32_t>(LINEERR_INVALTONE)},
    {"INVALTONELIST", static_cast<std::uint32_t>(LINEERR_INVALTONELIST)},
    {"INVALTONEMODE", static_cast<std::uint32_t>(LINEERR_INVALTONEMODE)},
    {"INVALTRANSFERMODE", static_cast<std::uint32_t>(LINEERR_INVALTRANSFERMODE)},
    {"LINEMAPPERFAILED", static_cast<std::uint32_t>(LINEERR_LINEMAPPERFAILED)},
    {"NOCONFERENCE", static_cast<std::uint32_t>(LINEERR_NOCONFERENCE)},
    {"NODEVICE", static_cast<std::uint32_t>(LINEERR_NODEVICE)},
    {"NODRIVER", static_cast<std::uint32_t>(LINEERR_NODRIVER)},
    {"NOMEM", static_cast<std::uint32_t>(LINEERR_NOMEM)},
    {"NOREQUEST", static_cast<std::uint32_t>(LINEERR_NOREQUEST)},
    {"NOTOWNER", static_cast<std::uint32_t>(LINEERR_NOTOWNER)},
    {"NOTREGISTERED", static_cast<std::uint32_t>(LINEERR_NOTREGISTERED)},
    {"OPERATIONFAILED", static_cast<std::uint32_t>(LINEERR_OPERATIONFAILED)},
    {"OPERATIONUNAVAIL", static_cast<std::uint32_t>(LINEERR_OPERATIONUNAVAIL)},
    {"RATEUNAVAIL", static_cast<std::uint32_t>(LINEERR_RATEUNAVAIL)},
    {"RESOURCEUNAVAIL", static_cast<std::uint32_t>(LINEERR_RESOURCEUNAVAIL)},
    {"REQUESTOVERRUN", static_cast<std::uint32_t>(LINEERR_REQUESTOVERRUN)},
    {"STRUCTURETOOSMALL", static_cast<std::uint32_t>(LINEERR_STRUCTURETOOSMALL)},
    {"TARGETNOTFOUND", static_cast<std::uint32_t>(LINEERR_TARGETNOTFOUND)},
    {"TARGETSELF", static_cast<std::uint32_t>(LINEERR_TARGETSELF)},
    {"UNINITIALIZED", static_cast<std::uint32_t>(LINEERR_UNINITIALIZED)},
    {"USERUSERINFOTOOBIG", static_cast<std::uint32_t>(LINEERR_USERUSERINFOTOOBIG)},
    {"REINIT", static_cast<std::uint32_t>(LINEERR_REINIT)},
    {"ADDRESSBLOCKED", static_cast<std::uint32_t>(LINEERR_ADDRESSBLOCKED)},
    {"BILLINGREJECTED", static_cast<std::uint32_t>(LINEERR_BILLINGREJECTED)},
    {"INVALFEATURE", static_cast<std::uint32_t>(LINEERR_INVALFEATURE)},
    {"NOMULTIPLEINSTANCE", static_cast<std::uint32_t>(LINEERR_NOMULTIPLEINSTANCE)},
    {"INVALAGENTID", static_cast<std::uint32_t>(LINEERR_INVALAGENTID)},
    {"INVALAGENTGROUP", static_cast<std::uint32_t>(LINEERR_INVALAGENTGROUP)},
    {"INVALPASSWORD", static_cast<std::uint32_t>(LINEERR_INVALPASSWORD)},
    {"INVALAGENTSTATE", static_cast<std::uint32_t>(LINEERR_INVALAGENTSTATE)},
    {"INVALAGENTACTIVITY", static_cast<std::uint32_t>(LINEERR_INVALAGENTACTIVITY)},
    {"DIALVOICEDETECT", static_cast<std::uint32_t>(LINEERR_DIALVOICEDETECT)},
    {"USERCANCELLED", static_cast<std::uint32_t>(LINEERR_USERCANCELLED)},
    {"INVALADDRESSTYPE", static_cast<std::uint32_t>(LINEERR_INVALADDRESSTYPE)},
    {"INVALAGENTSESSIONSTATE", static_cast<std::uint32_t>(LINEERR_INVALAGENTSESSIONSTATE)},
    {"DISCONNECTED", static_cast<std::uint32_t>(LINEERR_DISCONNECTED)},
    {"SERVICE_NOT_RUNNING", static_cast<std::uint32_t>(LINEERR_SERVICE_NOT_RUNNING)},
};
const std::size_t line_error_count = sizeof(line_error_names) / sizeof(line_error_names[0]);

const name_entry phone_error_names[] = {
    {"ALLOCATED", static_cast<std::uint32_t>(PHONEERR_ALLOCATED)},
    {"BADDEVICEID", static_cast<std::uint32_t>(PHONEERR_BADDEVICEID)},
    {"INCOMPATIBLEAPIVERSION", static_cast<std::uint32_t>(PHONEERR_INCOMPATIBLEAPIVERSION)},
    {"INCOMPATIBLEEXTVERSION", static_cast<std::uint32_t>(PHONEERR_INCOMPATIBLEEXTVERSION)},
    {"INIFILECORRUPT", static_cast<std::uint32_t>(PHONEERR_INIFILECORRUPT)},
    {"INUSE", static_cast<std::uint32_t>(PHONEERR_INUSE)},
    {"INVALAPPHANDLE", static_cast<std::uint32_t>(PHONEERR_INVALAPPHANDLE)},
    {"INVALAPPNAME", static_cast<std::uint32_t>(PHONEERR_INVALAPPNAME)},
    {"INVALBUTTONLAMPID", static_cast<std::uint32_t>(PHONEERR_INVALBUTTONLAMPID)},
    {"INVALBUTTONMODE", static_cast<std::uint32_t>(PHONEERR_INVALBUTTONMODE)},
    {"INVALBUTTONSTATE", static_cast<std::uint32_t>(PHONEERR_INVALBUTTONSTATE)},
    {"INVALDATAID", static_cast<std::uint32_t>(PHONEERR_INVALDATAID)},
    {"INVALDEVICECLASS", static_cast<std::uint32_t>(PHONEERR_INVALDEVICECLASS)},
    {"INVALEXTVERSION", static_cast<std::uint32_t>(PHONEERR_INVALEXTVERSION)},
    {"INVALHOOKSWITCHDEV", static_cast<std::uint32_t>(PHONEERR_INVALHOOKSWITCHDEV)},
    {"INVALHOOKSWITCHMODE", static_cast<std::uint32_t>(PHONEERR_INVALHOOKSWITCHMODE)},
    {"INVALLAMPMODE", static_cast<std::uint32_t>(PHONEERR_INVALLAMPMODE)},
    {"INVALPARAM", static_cast<std::uint32_t>(PHONEERR_INVALPARAM)},
    {"INVALPHONEHANDLE", static_cast<std::uint32_t>(PHONEERR_INVALPHONEHANDLE)},
    {"INVALPHONESTATE", static_cast<std::uint32_t>(PHONEERR_INVALPHONESTATE)},
    {"INVALPOINTER", static_cast<std::uint32_t>(PHONEERR_INVALPOINTER)},
    {"INVALPRIVILEGE", static_cast<std::uint32_t>(PHONEERR_INVALPRIVILEGE)},
    {"INVALRINGMODE", static_cast<std::uint32_t>(PHONEERR_INVALRINGMODE)},
    {"NODEVICE", static_cast<std::uint32_t>(PHONEERR_NODEVICE)},
    {"NODRIVER", static_cast<std::uint32_t>(PHONEERR_NODRIVER)},
    {"NOMEM", static_cast<std::uint32_t>(PHONEERR_NOMEM)},
    {"NOTOWNER", static_cast<std::uint32_t>(PHONEERR_NOTOWNER)},
    {"OPERATIONFAILED", static_cast<std::uint32_t>(PHONEERR_OPERATIONFAILED)},
    {"OPERATIONUNAVAIL", static_cast<std::uint32_t>(PHONEERR_OPERATIONUNAVAIL)},
    {"RESOURCEUNAVAIL", static_cast<std::uint32_t>(PHONEERR_RESOURCEUNAVAIL)},
    {"REQUESTOVERRUN", static_cast<std::uint32_t>(PHONEERR_REQUESTOVERRUN)},
    {"STRUCTURETOOSMALL", static_cast<std::uint32_t>(PHONEERR_STRUCTURETOOSMALL)},
    {"UNINITIALIZED", static_cast<std::uint32_t>(PHONEERR_UNINITIALIZED)},
    {"REINIT", static_cast<std::uint32_t>(PHONEERR_REINIT)},
    {"DISCONNECTED", static_cast<std::uint32_t>(PHONEERR_DISCONNECTED)},
    {"SERVICE_NOT_RUNNING", static_cast<std::uint32_t>(PHONEERR_SERVICE_NOT_RUNNING)},
};
const std::size_t phone_error_count = sizeof(phone_error_names) / sizeof(phone_error_names[0]);

const name_entry phone_state_names[] = {
    {"OTHER", static_cast<std::uint32_t>(PHONESTATE_OTHER)},
    {"CONNECTED", static_cast<std::uint32_t>(PHONESTATE_CONNECTED)},
    {"DISCONNECTED", static_cast<std::uint32_t>(PHONESTATE_DISCONNECTED)},
    {"OWNER", static_cast<std::uint32_t>(PHONESTATE_OWNER)},
    {"MONITORS", static_cast<std::uint32_t>(PHONESTATE_MONITORS)},
    {"DISPLAY", static_cast<std::uint32_t>(PHONESTATE_DISPLAY)},
    {"LAMP", static_cast<std::uint32_t>(PHONESTATE_LAMP)},
    {"RINGMODE", static_cast<std::uint32_t>(PHONESTATE_RINGMODE)},
    {"RINGVOLUME", static_cast<std::uint32_t>(PHONESTATE_RINGVOLUME)},
    {"HANDSETHOOKSWITCH", static_cast<std::uint32_t>(PHONESTATE_HANDSETHOOKSWITCH)},
    {"HANDSETVOLUME", static_cast<std::uint32_t>(PHONESTATE_HANDSETVOLUME)},
    {"HANDSETGAIN", static_cast<std::uint32_t>(PHONESTATE_HANDSETGAIN)},
    {"SPEAKERHOOKSWITCH", static_cast<std::uint32_t>(PHONESTATE_SPEAKERHOOKSWITCH)},
    {"SPEAKERVOLUME", static_cast<std::uint32_t>(PHONESTATE_SPEAKERVOLUME)},
    {"SPEAKERGAIN", static_cast<std::uint32_t>(PHONESTATE_SPEAKERGAIN)},
    {"HEADSETHOOKSWITCH", static_cast<std::uint32_t>(PHONESTATE_HEADSETHOOKSWITCH)},
    {"HEADSETVOLUME", static_cast<std::uint32_t>(PHONESTATE_HEADSETVOLUME)},
    {"HEADSETGAIN", static_cast<std::uint32_t>(PHONESTATE_HEADSETGAIN)},
    {"SUSPEND", static_cast<std::uint32_t>(PHONESTATE_SUSPEND)},
    {"RESUME", static_cast<std::uint32_t>(PHONESTATE_RESUME)},
    {"DEVSPECIFIC", static_cast<std::uint32_t>(PHONESTATE_DEVSPECIFIC)},
    {"REINIT", static_cast<std::uint32_t>(PHONESTATE_REINIT)},
    {"CAPSCHANGE", static_cast<std::uint32_t>(PHONESTATE_CAPSCHANGE)},
    {"REMOVED", static_cast<std::uint32_t>(PHONESTATE_REMOVED)},
};
const std::size_t phone_state_count = sizeof(phone_state_names) / sizeof(phone_state_names[0]);

const name_entry button_mode_names[] = {
    {"DUMMY", static_cast<std::uint32_t>(PHONEBUTTONMODE_DUMMY)},
    {"CALL", static_cast<std::uint32_t>(PHONEBUTTONMODE_CALL)},
    {"FEATURE", static_cast<std::uint32_t>(PHONEBUTTONMODE_FEATURE)},
    {"KEYPAD", static_cast<std::uint32_t>(PHONEBUTTONMODE_KEYPAD)},
    {"LOCAL", static_cast<std::uint32_t>(PHONEBUTTONMODE_LOCAL)},
    {"DISPLAY", static_cast<std::uint32_t>(PHONEBUTTONMODE_DISPLAY)},
};
const std::size_t button_mode_count = sizeof(button_mode_names) / sizeof(button_mode_names[0]);

const name_entry button_state_names[] = {
    {"UP", static_cast<std::uint32_t>(PHONEBUTTONSTATE_UP)},
    {"DOWN", static_cast<std::uint32_t>(PHONEBUTTONSTATE_DOWN)},
    {"UNKNOWN", static_cast<std::uint32_t>(PHONEBUTTONSTATE_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(PHONEBUTTONSTATE_UNAVAIL)},
};
const std::size_t button_state_count = sizeof(button_state_names) / sizeof(button_state_names[0]);

const name_entry lamp_mode_names[] = {
    {"DUMMY", static_cast<std::uint32_t>(PHONELAMPMODE_DUMMY)},
    {"OFF", static_cast<std::uint32_t>(PHONELAMPMODE_OFF)},
    {"STEADY", static_cast<std::uint32_t>(PHONELAMPMODE_STEADY)},
    {"WINK", static_cast<std::uint32_t>(PHONELAMPMODE_WINK)},
    {"FLASH", static_cast<std::uint32_t>(PHONELAMPMODE_FLASH)},
    {"FLUTTER", static_cast<std::uint32_t>(PHONELAMPMODE_FLUTTER)},
    {"BROKENFLUTTER", static_cast<std::uint32_t>(PHONELAMPMODE_BROKENFLUTTER)},
    {"UNKNOWN", static_cast<std::uint32_t>(PHONELAMPMODE_UNKNOWN)},
};
const std::size_t lamp_mode_count = sizeof(lamp_mode_names) / sizeof(lamp_mode_names[0]);

const name_entry hookswitch_dev_names[] = {
    {"HANDSET", static_cast<std::uint32_t>(PHONEHOOKSWITCHDEV_HANDSET)},
    {"SPEAKER", static_cast<std::uint32_t>(PHONEHOOKSWITCHDEV_SPEAKER)},
    {"HEADSET", static_cast<std::uint32_t>(PHONEHOOKSWITCHDEV_HEADSET)},
};
const std::size_t hookswitch_dev_count = sizeof(hookswitch_dev_names) / sizeof(hookswitch_dev_names[0]);

const name_entry hookswitch_mode_names[] = {
    {"ONHOOK", static_cast<std::uint32_t>(PHONEHOOKSWITCHMODE_ONHOOK)},
    {"MIC", static_cast<std::uint32_t>(PHONEHOOKSWITCHMODE_MIC)},
    {"SPEAKER", static_cast<std::uint32_t>(PHONEHOOKSWITCHMODE_SPEAKER)},
    {"MICSPEAKER", static_cast<std::uint32_t>(PHONEHOOKSWITCHMODE_MICSPEAKER)},
    {"UNKNOWN", static_cast<std::uint32_t>(PHONEHOOKSWITCHMODE_UNKNOWN)},
};
const std::size_t hookswitch_mode_count = sizeof(hookswitch_mode_names) / sizeof(hookswitch_mode_names[0]);

const name_entry call_reason_names[] = {
    {"DIRECT", static_cast<std::uint32_t>(LINECALLREASON_DIRECT)},
    {"FWDBUSY", static_cast<std::uint32_t>(LINECALLREASON_FWDBUSY)},
    {"FWDNOANSWER", static_cast<std::uint32_t>(LINECALLREASON_FWDNOANSWER)},
    {"FWDUNCOND", static_cast<std::uint32_t>(LINECALLREASON_FWDUNCOND)},
    {"PICKUP", static_cast<std::uint32_t>(LINECALLREASON_PICKUP)},
    {"UNPARK", static_cast<std::uint32_t>(LINECALLREASON_UNPARK)},
    {"REDIRECT", static_cast<std::uint32_t>(LINECALLREASON_REDIRECT)},
    {"CALLCOMPLETION", static_cast<std::uint32_t>(LINECALLREASON_CALLCOMPLETION)},
    {"TRANSFER", static_cast<std::uint32_t>(LINECALLREASON_TRANSFER)},
    {"REMINDER", static_cast<std::uint32_t>(LINECALLREASON_REMINDER)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINECALLREASON_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINECALLREASON_UNAVAIL)},
    {"INTRUDE", static_cast<std::uint32_t>(LINECALLREASON_INTRUDE)},
    {"PARKED", static_cast<std::uint32_t>(LINECALLREASON_PARKED)},
    {"CAMPEDON", static_cast<std::uint32_t>(LINECALLREASON_CAMPEDON)},
    {"ROUTEREQUEST", static_cast<std::uint32_t>(LINECALLREASON_ROUTEREQUEST)},
};
const std::size_t call_reason_count = sizeof(call_reason_names) / sizeof(call_reason_names[0]);

const name_entry call_origin_names[] = {
    {"OUTBOUND", static_cast<std::uint32_t>(LINECALLORIGIN_OUTBOUND)},
    {"INTERNAL", static_cast<std::uint32_t>(LINECALLORIGIN_INTERNAL)},
    {"EXTERNAL", static_cast<std::uint32_t>(LINECALLORIGIN_EXTERNAL)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINECALLORIGIN_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINECALLORIGIN_UNAVAIL)},
    {"CONFERENCE", static_cast<std::uint32_t>(LINECALLORIGIN_CONFERENCE)},
    {"INBOUND", static_cast<std::uint32_t>(LINECALLORIGIN_INBOUND)},
};
const std::size_t call_origin_count = sizeof(call_origin_names) / sizeof(call_origin_names[0]);

const name_entry call_feature_names[] = {
    {"ACCEPT", static_cast<std::uint32_t>(LINECALLFEATURE_ACCEPT)},
    {"ADDTOCONF", static_cast<std::uint32_t>(LINECALLFEATURE_ADDTOCONF)},
    {"ANSWER", static_cast<std::uint32_t>(LINECALLFEATURE_ANSWER)},
    {"BLINDTRANSFER", static_cast<std::uint32_t>(LINECALLFEATURE_BLINDTRANSFER)},
    {"COMPLETECALL", static_cast<std::uint32_t>(LINECALLFEATURE_COMPLETECALL)},
    {"COMPLETETRANSF", static_cast<std::uint32_t>(LINECALLFEATURE_COMPLETETRANSF)},
    {"DIAL", static_cast<std::uint32_t>(LINECALLFEATURE_DIAL)},
    {"DROP", static_cast<std::uint32_t>(LINECALLFEATURE_DROP)},
    {"GATHERDIGITS", static_cast<std::uint32_t>(LINECALLFEATURE_GATHERDIGITS)},
    {"GENERATEDIGITS", static_cast<std::uint32_t>(LINECALLFEATURE_GENERATEDIGITS)},
    {"GENERATETONE", static_cast<std::uint32_t>(LINECALLFEATURE_GENERATETONE)},
    {"HOLD", static_cast<std::uint32_t>(LINECALLFEATURE_HOLD)},
    {"MONITORDIGITS", static_cast<std::uint32_t>(LINECALLFEATURE_MONITORDIGITS)},
    {"MONITORMEDIA", static_cast<std::uint32_t>(LINECALLFEATURE_MONITORMEDIA)},
    {"MONITORTONES", static_cast<std::uint32_t>(LINECALLFEATURE_MONITORTONES)},
    {"PARK", static_cast<std::uint32_t>(LINECALLFEATURE_PARK)},
    {"PREPAREADDCONF", static_cast<std::uint32_t>(LINECALLFEATURE_PREPAREADDCONF)},
    {"REDIRECT", static_cast<std::uint32_t>(LINECALLFEATURE_REDIRECT)},
    {"REMOVEFROMCONF", static_cast<std::uint32_t>(LINECALLFEATURE_REMOVEFROMCONF)},
    {"SECURECALL", static_cast<std::uint32_t>(LINECALLFEATURE_SECURECALL)},
    {"SENDUSERUSER", static_cast<std::uint32_t>(LINECALLFEATURE_SENDUSERUSER)},
    {"SETCALLPARAMS", static_cast<std::uint32_t>(LINECALLFEATURE_SETCALLPARAMS)},
    {"SETMEDIACONTROL", static_cast<std::uint32_t>(LINECALLFEATURE_SETMEDIACONTROL)},
    {"SETTERMINAL", static_cast<std::uint32_t>(LINECALLFEATURE_SETTERMINAL)},
    {"SETUPCONF", static_cast<std::uint32_t>(LINECALLFEATURE_SETUPCONF)},
    {"SETUPTRANSFER", static_cast<std::uint32_t>(LINECALLFEATURE_SETUPTRANSFER)},
    {"SWAPHOLD", static_cast<std::uint32_t>(LINECALLFEATURE_SWAPHOLD)},
    {"UNHOLD", static_cast<std::uint32_t>(LINECALLFEATURE_UNHOLD)},
    {"RELEASEUSERUSERINFO", static_cast<std::uint32_t>(LINECALLFEATURE_RELEASEUSERUSERINFO)},
    {"SETTREATMENT", static_cast<std::uint32_t>(LINECALLFEATURE_SETTREATMENT)},
    {"SETQOS", static_cast<std::uint32_t>(LINECALLFEATURE_SETQOS)},
    {"SETCALLDATA", static_cast<std::uint32_t>(LINECALLFEATURE_SETCALLDATA)},
};
const std::size_t call_feature_count = sizeof(call_feature_names) / sizeof(call_feature_names[0]);

const name_entry generate_term_names[] = {
    {"DONE", static_cast<std::uint32_t>(LINEGENERATETERM_DONE)},
    {"CANCEL", static_cast<std::uint32_t>(LINEGENERATETERM_CANCEL)},
};
const std::size_t generate_term_count = sizeof(generate_term_names) / sizeof(generate_term_names[0]);

const name_entry digit_mode_names[] = {
    {"PULSE", static_cast<std::uint32_t>(LINEDIGITMODE_PULSE)},
    {"DTMF", static_cast<std::uint32_t>(LINEDIGITMODE_DTMF)},
    {"DTMFEND", static_cast<std::uint32_t>(LINEDIGITMODE_DTMFEND)},
};
const std::size_t digit_mode_count = sizeof(digit_mode_names) / sizeof(digit_mode_names[0]);

const name_entry media_mode_names[] = {
    {"UNKNOWN", static_cast<std::uint32_t>(LINEMEDIAMODE_UNKNOWN)},
    {"INTERACTIVEVOICE", static_cast<std::uint32_t>(LINEMEDIAMODE_INTERACTIVEVOICE)},
    {"AUTOMATEDVOICE", static_cast<std::uint32_t>(LINEMEDIAMODE_AUTOMATEDVOICE)},
    {"DATAMODEM", static_cast<std::uint32_t>(LINEMEDIAMODE_DATAMODEM)},
    {"G3FAX", static_cast<std::uint32_t>(LINEMEDIAMODE_G3FAX)},
    {"TDD", static_cast<std::uint32_t>(LINEMEDIAMODE_TDD)},
    {"G4FAX", static_cast<std::uint32_t>(LINEMEDIAMODE_G4FAX)},
    {"DIGITALDATA", static_cast<std::uint32_t>(LINEMEDIAMODE_DIGITALDATA)},
    {"TELETEX", static_cast<std::uint32_t>(LINEMEDIAMODE_TELETEX)},
    {"VIDEOTEX", static_cast<std::uint32_t>(LINEMEDIAMODE_VIDEOTEX)},
    {"TELEX", static_cast<std::uint32_t>(LINEMEDIAMODE_TELEX)},
    {"MIXED", static_cast<std::uint32_t>(LINEMEDIAMODE_MIXED)},
    {"ADSI", static_cast<std::uint32_t>(LINEMEDIAMODE_ADSI)},
    {"VOICEVIEW", static_cast<std::uint32_t>(LINEMEDIAMODE_VOICEVIEW)},
    {"VIDEO", static_cast<std::uint32_t>(LINEMEDIAMODE_VIDEO)},
};
const std::size_t media_mode_count = sizeof(media_mode_names) / sizeof(media_mode_names[0]);

const name_entry forward_mode_names[] = {
    {"UNCOND", static_cast<std::uint32_t>(LINEFORWARDMODE_UNCOND)},
    {"UNCONDINTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_UNCONDINTERNAL)},
    {"UNCONDEXTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_UNCONDEXTERNAL)},
    {"UNCONDSPECIFIC", static_cast<std::uint32_t>(LINEFORWARDMODE_UNCONDSPECIFIC)},
    {"BUSY", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSY)},
    {"BUSYINTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYINTERNAL)},
    {"BUSYEXTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYEXTERNAL)},
    {"BUSYSPECIFIC", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYSPECIFIC)},
    {"NOANSW", static_cast<std::uint32_t>(LINEFORWARDMODE_NOANSW)},
    {"NOANSWINTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_NOANSWINTERNAL)},
    {"NOANSWEXTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_NOANSWEXTERNAL)},
    {"NOANSWSPECIFIC", static_cast<std::uint32_t>(LINEFORWARDMODE_NOANSWSPECIFIC)},
    {"BUSYNA", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYNA)},
    {"BUSYNAINTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYNAINTERNAL)},
    {"BUSYNAEXTERNAL", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYNAEXTERNAL)},
    {"BUSYNASPECIFIC", static_cast<std::uint32_t>(LINEFORWARDMODE_BUSYNASPECIFIC)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINEFORWARDMODE_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINEFORWARDMODE_UNAVAIL)},
};
const std::size_t forward_mode_count = sizeof(forward_mode_names) / sizeof(forward_mode_names[0]);

const name_entry dev_status_flags_names[] = {
    {"CONNECTED", static_cast<std::uint32_t>(LINEDEVSTATUSFLAGS_CONNECTED)},
    {"MSGWAIT", static_cast<std::uint32_t>(LINEDEVSTATUSFLAGS_MSGWAIT)},
    {"INSERVICE", static_cast<std::uint32_t>(LINEDEVSTATUSFLAGS_INSERVICE)},
    {"LOCKED", static_cast<std::uint32_t>(LINEDEVSTATUSFLAGS_LOCKED)},
};
const std::size_t dev_status_flags_count = sizeof(dev_status_flags_names) / sizeof(dev_status_flags_names[0]);

const name_entry address_feature_names[] = {
    {"FORWARD", static_cast<std::uint32_t>(LINEADDRFEATURE_FORWARD)},
    {"MAKECALL", static_cast<std::uint32_t>(LINEADDRFEATURE_MAKECALL)},
    {"PICKUP", static_cast<std::uint32_t>(LINEADDRFEATURE_PICKUP)},
    {"SETMEDIACONTROL", static_cast<std::uint32_t>(LINEADDRFEATURE_SETMEDIACONTROL)},
    {"SETTERMINAL", static_cast<std::uint32_t>(LINEADDRFEATURE_SETTERMINAL)},
    {"SETUPCONF", static_cast<std::uint32_t>(LINEADDRFEATURE_SETUPCONF)},
    {"UNCOMPLETECALL", static_cast<std::uint32_t>(LINEADDRFEATURE_UNCOMPLETECALL)},
    {"UNPARK", static_cast<std::uint32_t>(LINEADDRFEATURE_UNPARK)},
    {"PICKUPHELD", static_cast<std::uint32_t>(LINEADDRFEATURE_PICKUPHELD)},
    {"PICKUPGROUP", static_cast<std::uint32_t>(LINEADDRFEATURE_PICKUPGROUP)},
    {"PICKUPDIRECT", static_cast<std::uint32_t>(LINEADDRFEATURE_PICKUPDIRECT)},
    {"PICKUPWAITING", static_cast<std::uint32_t>(LINEADDRFEATURE_PICKUPWAITING)},
    {"FORWARDFWD", static_cast<std::uint32_t>(LINEADDRFEATURE_FORWARDFWD)},
    {"FORWARDDND", static_cast<std::uint32_t>(LINEADDRFEATURE_FORWARDDND)},
};
const std::size_t address_feature_count = sizeof(address_feature_names) / sizeof(address_feature_names[0]);

const name_entry line_feature_names[] = {
    {"DEVSPECIFIC", static_cast<std::uint32_t>(LINEFEATURE_DEVSPECIFIC)},
    {"DEVSPECIFICFEAT", static_cast<std::uint32_t>(LINEFEATURE_DEVSPECIFICFEAT)},
    {"FORWARD", static_cast<std::uint32_t>(LINEFEATURE_FORWARD)},
    {"MAKECALL", static_cast<std::uint32_t>(LINEFEATURE_MAKECALL)},
    {"SETMEDIACONTROL", static_cast<std::uint32_t>(LINEFEATURE_SETMEDIACONTROL)},
    {"SETTERMINAL", static_cast<std::uint32_t>(LINEFEATURE_SETTERMINAL)},
    {"SETDEVSTATUS", static_cast<std::uint32_t>(LINEFEATURE_SETDEVSTATUS)},
    {"FORWARDFWD", static_cast<std::uint32_t>(LINEFEATURE_FORWARDFWD)},
    {"FORWARDDND", static_cast<std::uint32_t>(LINEFEATURE_FORWARDDND)},
};
const std::size_t line_feature_count = sizeof(line_feature_names) / sizeof(line_feature_names[0]);

const name_entry call_privilege_names[] = {
    {"NONE", static_cast<std::uint32_t>(LINECALLPRIVILEGE_NONE)},
    {"MONITOR", static_cast<std::uint32_t>(LINECALLPRIVILEGE_MONITOR)},
    {"OWNER", static_cast<std::uint32_t>(LINECALLPRIVILEGE_OWNER)},
};
const std::size_t call_privilege_count = sizeof(call_privilege_names) / sizeof(call_privilege_names[0]);

const name_entry bearer_mode_names[] = {
    {"VOICE", static_cast<std::uint32_t>(LINEBEARERMODE_VOICE)},
    {"SPEECH", static_cast<std::uint32_t>(LINEBEARERMODE_SPEECH)},
    {"MULTIUSE", static_cast<std::uint32_t>(LINEBEARERMODE_MULTIUSE)},
    {"DATA", static_cast<std::uint32_t>(LINEBEARERMODE_DATA)},
    {"ALTSPEECHDATA", static_cast<std::uint32_t>(LINEBEARERMODE_ALTSPEECHDATA)},
    {"NONCALLSIGNALING", static_cast<std::uint32_t>(LINEBEARERMODE_NONCALLSIGNALING)},
    {"PASSTHROUGH", static_cast<std::uint32_t>(LINEBEARERMODE_PASSTHROUGH)},
    {"RESTRICTEDDATA", static_cast<std::uint32_t>(LINEBEARERMODE_RESTRICTEDDATA)},
};
const std::size_t bearer_mode_count = sizeof(bearer_mode_names) / sizeof(bearer_mode_names[0]);

const name_entry party_id_names[] = {
    {"BLOCKED", static_cast<std::uint32_t>(LINECALLPARTYID_BLOCKED)},
    {"OUTOFAREA", static_cast<std::uint32_t>(LINECALLPARTYID_OUTOFAREA)},
    {"NAME", static_cast<std::uint32_t>(LINECALLPARTYID_NAME)},
    {"ADDRESS", static_cast<std::uint32_t>(LINECALLPARTYID_ADDRESS)},
    {"PARTIAL", static_cast<std::uint32_t>(LINECALLPARTYID_PARTIAL)},
    {"UNKNOWN", static_cast<std::uint32_t>(LINECALLPARTYID_UNKNOWN)},
    {"UNAVAIL", static_cast<std::uint32_t>(LINECALLPARTYID_UNAVAIL)},
};
const std::size_t party_id_count = sizeof(party_id_names) / sizeof(party_id_names[0]);

const name_entry phone_status_flags_names[] = {
    {"CONNECTED", static_cast<std::uint32_t>(PHONESTATUSFLAGS_CONNECTED)},
    {"SUSPENDED", static_cast<std::uint32_t>(PHONESTATUSFLAGS_SUSPENDED)},
};
const std::size_t phone_status_flags_count = sizeof(phone_status_flags_names) / sizeof(phone_status_flags_names[0]);

const name_entry transfer_mode_names[] = {
    {"TRANSFER", static_cast<std::uint32_t>(LINETRANSFERMODE_TRANSFER)},
    {"CONFERENCE", static_cast<std::uint32_t>(LINETRANSFERMODE_CONFERENCE)},
};
const std::size_t transfer_mode_count = sizeof(transfer_mode_names) / sizeof(transfer_mode_names[0]);

const name_entry park_mode_names[] = {
    {"DIRECTED", static_cast<std::uint32_t>(LINEPARKMODE_DIRECTED)},
    {"NONDIRECTED", static_cast<std::uint32_t>(LINEPARKMODE_NONDIRECTED)},
};
const std::size_t park_mode_count = sizeof(park_mode_names) / sizeof(park_mode_names[0]);

const name_entry message_names[] = {
    {"LINE_ADDRESSSTATE", static_cast<std::uint32_t>(LINE_ADDRESSSTATE)},
    {"LINE_CALLINFO", static_cast<std::uint32_t>(LINE_CALLINFO)},
    {"LINE_CALLSTATE", static_cast<std::uint32_t>(LINE_CALLSTATE)},
    {"LINE_CLOSE", static_cast<std::uint32_t>(LINE_CLOSE)},
    {"LINE_DEVSPECIFIC", static_cast<std::uint32_t>(LINE_DEVSPECIFIC)},
    {"LINE_DEVSPECIFICFEATURE", static_cast<std::uint32_t>(LINE_DEVSPECIFICFEATURE)},
    {"LINE_GATHERDIGITS", static_cast<std::uint32_t>(LINE_GATHERDIGITS)},
    {"LINE_GENERATE", static_cast<std::uint32_t>(LINE_GENERATE)},
    {"LINE_LINEDEVSTATE", static_cast<std::uint32_t>(LINE_LINEDEVSTATE)},
    {"LINE_MONITORDIGITS", static_cast<std::uint32_t>(LINE_MONITORDIGITS)},
    {"LINE_MONITORMEDIA", static_cast<std::uint32_t>(LINE_MONITORMEDIA)},
    {"LINE_MONITORTONE", static_cast<std::uint32_t>(LINE_MONITORTONE)},
    {"LINE_REPLY", static_cast<std::uint32_t>(LINE_REPLY)},
    {"LINE_REQUEST", static_cast<std::uint32_t>(LINE_REQUEST)},
    {"PHONE_BUTTON", static_cast<std::uint32_t>(PHONE_BUTTON)},
    {"PHONE_CLOSE", static_cast<std::uint32_t>(PHONE_CLOSE)},
    {"PHONE_DEVSPECIFIC", static_cast<std::uint32_t>(PHONE_DEVSPECIFIC)},
    {"PHONE_REPLY", static_cast<std::uint32_t>(PHONE_REPLY)},
    {"PHONE_STATE", static_cast<std::uint32_t>(PHONE_STATE)},
    {"LINE_CREATE", static_cast<std::uint32_t>(LINE_CREATE)},
    {"PHONE_CREATE", static_cast<std::uint32_t>(PHONE_CREATE)},
    {"LINE_AGENTSPECIFIC", static_cast<std::uint32_t>(LINE_AGENTSPECIFIC)},
    {"LINE_AGENTSTATUS", static_cast<std::uint32_t>(LINE_AGENTSTATUS)},
    {"LINE_APPNEWCALL", static_cast<std::uint32_t>(LINE_APPNEWCALL)},
    {"LINE_PROXYREQUEST", static_cast<std::uint32_t>(LINE_PROXYREQUEST)},
    {"LINE_REMOVE", static_cast<std::uint32_t>(LINE_REMOVE)},
    {"PHONE_REMOVE", static_cast<std::uint32_t>(PHONE_REMOVE)},
    {"LINE_AGENTSESSIONSTATUS", static_cast<std::uint32_t>(LINE_AGENTSESSIONSTATUS)},
    {"LINE_QUEUESTATUS", static_cast<std::uint32_t>(LINE_QUEUESTATUS)},
    {"LINE_AGENTSTATUSEX", static_cast<std::uint32_t>(LINE_AGENTSTATUSEX)},
    {"LINE_GROUPSTATUS", static_cast<std::uint32_t>(LINE_GROUPSTATUS)},
    {"LINE_PROXYSTATUS", static_cast<std::uint32_t>(LINE_PROXYSTATUS)},
    {"LINE_APPNEWCALLHUB", static_cast<std::uint32_t>(LINE_APPNEWCALLHUB)},
    {"LINE_CALLHUBCLOSE", static_cast<std::uint32_t>(LINE_CALLHUBCLOSE)},
    {"LINE_DEVSPECIFICEX", static_cast<std::uint32_t>(LINE_DEVSPECIFICEX)},
    {"LINE_NEWCALL", static_cast<std::uint32_t>(LINE_NEWCALL)},
    {"LINE_CALLDEVSPECIFIC", static_cast<std::uint32_t>(LINE_CALLDEVSPECIFIC)},
    {"LINE_CALLDEVSPECIFICFEATURE", static_cast<std::uint32_t>(LINE_CALLDEVSPECIFICFEATURE)},
    {"LINE_CREATEDIALOGINSTANCE", static_cast<std::uint32_t>(LINE_CREATEDIALOGINSTANCE)},
    {"LINE_SENDDIALOGINSTANCEDATA", static_cast<std::uint32_t>(LINE_SENDDIALOGINSTANCEDATA)},
    {"LINE_SENDMSPDATA", static_cast<std::uint32_t>(LINE_SENDMSPDATA)},
    {"LINE_QOSINFO", static_cast<std::uint32_t>(LINE_QOSINFO)},
};
const std::size_t message_count = sizeof(message_names) / sizeof(message_names[0]);

}  // namespace ctigw::tapihost::detail
