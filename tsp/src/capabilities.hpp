// What ctigw supports, in TAPI's terms. LINEDEVCAPS, LINEADDRESSCAPS and PHONECAPS (devices/)
// advertise exactly these; the call-feature computation (calls/) never sets a bit outside
// them. Change a capability here and in docs/tspi-mapping.md together.
#pragma once

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/settings.hpp"
#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp::caps {

/// LINEADDRESSCAPS.dwCallFeatures: every call feature some state may offer.
inline constexpr DWORD call_features =
    LINECALLFEATURE_ADDTOCONF | LINECALLFEATURE_ANSWER | LINECALLFEATURE_BLINDTRANSFER |
    LINECALLFEATURE_COMPLETETRANSF | LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP |
    LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_HOLD | LINECALLFEATURE_MONITORDIGITS |
    LINECALLFEATURE_PARK | LINECALLFEATURE_PREPAREADDCONF | LINECALLFEATURE_REDIRECT |
    LINECALLFEATURE_REMOVEFROMCONF | LINECALLFEATURE_SETUPCONF | LINECALLFEATURE_SETUPTRANSFER |
    LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_UNHOLD | LINECALLFEATURE_SETCALLDATA;

/// LINEADDRESSCAPS.dwCallFeatures2.
inline constexpr DWORD call_features2 =
    LINECALLFEATURE2_TRANSFERNORM | LINECALLFEATURE2_TRANSFERCONF | LINECALLFEATURE2_PARKDIRECT |
    LINECALLFEATURE2_PARKNONDIRECT;

/// LINEADDRESSCAPS.dwAddressFeatures (superset; LINEADDRESSSTATUS has the current ones).
inline constexpr DWORD address_features =
    LINEADDRFEATURE_FORWARD | LINEADDRFEATURE_MAKECALL | LINEADDRFEATURE_PICKUP |
    LINEADDRFEATURE_SETUPCONF | LINEADDRFEATURE_UNPARK | LINEADDRFEATURE_PICKUPGROUP |
    LINEADDRFEATURE_PICKUPDIRECT | LINEADDRFEATURE_FORWARDFWD | LINEADDRFEATURE_FORWARDDND;

/// LINEDEVSTATUS.dwLineFeatures (superset).
inline constexpr DWORD line_features = LINEFEATURE_FORWARD | LINEFEATURE_MAKECALL |
                                       LINEFEATURE_FORWARDFWD | LINEFEATURE_FORWARDDND |
                                       LINEFEATURE_SETDEVSTATUS;

/// LINEADDRESSCAPS.dwAddrCapFlags. Transfer and conference work from a held call made with
/// lineSetupTransfer/SetupConference (the switch's ConsultationCall) — and, because CSTA's
/// TransferCall/ConferenceCall take any held + active pair, also from a plain held call
/// (TRANSFERHELD, CONFERENCEHELD).
inline constexpr DWORD address_cap_flags =
    LINEADDRCAPFLAGS_DIALED | LINEADDRCAPFLAGS_PARTIALDIAL | LINEADDRCAPFLAGS_TRANSFERHELD |
    LINEADDRCAPFLAGS_CONFERENCEHELD | LINEADDRCAPFLAGS_PICKUPGROUPID |
    LINEADDRCAPFLAGS_FWDNUMRINGS | LINEADDRCAPFLAGS_FWDSTATUSVALID | LINEADDRCAPFLAGS_FWDBUSYNAADDR;

/// LINEADDRESSCAPS.dwAddrCapFlags a line's role adds (docs/agents.md): an ACD group is also its
/// own queue (its waiting calls are on its line).
constexpr DWORD role_cap_flags(config::line_role role) {
    switch (role) {
        case config::line_role::station:
            return 0;
        case config::line_role::acd_group:
            return LINEADDRCAPFLAGS_ACDGROUP | LINEADDRCAPFLAGS_QUEUE;
        case config::line_role::queue:
            return LINEADDRCAPFLAGS_QUEUE;
        case config::line_role::route_point:
            return LINEADDRCAPFLAGS_ROUTEPOINT;
    }
    return 0;
}

/// LINEADDRESSCAPS.dwCallStates: every state a call may report.
inline constexpr DWORD call_states =
    LINECALLSTATE_IDLE | LINECALLSTATE_OFFERING | LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |
    LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY | LINECALLSTATE_CONNECTED |
    LINECALLSTATE_PROCEEDING | LINECALLSTATE_ONHOLD | LINECALLSTATE_CONFERENCED |
    LINECALLSTATE_ONHOLDPENDCONF | LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_DISCONNECTED |
    LINECALLSTATE_UNKNOWN;

inline constexpr DWORD disconnect_modes =
    LINEDISCONNECTMODE_NORMAL | LINEDISCONNECTMODE_UNKNOWN | LINEDISCONNECTMODE_REJECT |
    LINEDISCONNECTMODE_PICKUP | LINEDISCONNECTMODE_FORWARDED | LINEDISCONNECTMODE_BUSY |
    LINEDISCONNECTMODE_NOANSWER | LINEDISCONNECTMODE_BADADDRESS | LINEDISCONNECTMODE_UNREACHABLE |
    LINEDISCONNECTMODE_CONGESTION | LINEDISCONNECTMODE_OUTOFORDER |
    LINEDISCONNECTMODE_DONOTDISTURB | LINEDISCONNECTMODE_CANCELLED |
    LINEDISCONNECTMODE_NUMBERCHANGED;

inline constexpr DWORD call_info_states =
    LINECALLINFOSTATE_APPSPECIFIC | LINECALLINFOSTATE_CALLID | LINECALLINFOSTATE_RELATEDCALLID |
    LINECALLINFOSTATE_ORIGIN | LINECALLINFOSTATE_REASON | LINECALLINFOSTATE_CALLERID |
    LINECALLINFOSTATE_CALLEDID | LINECALLINFOSTATE_CONNECTEDID | LINECALLINFOSTATE_REDIRECTIONID |
    LINECALLINFOSTATE_REDIRECTINGID | LINECALLINFOSTATE_CALLDATA | LINECALLINFOSTATE_MONITORMODES;

inline constexpr DWORD call_party_id_flags = LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME |
                                             LINECALLPARTYID_UNKNOWN | LINECALLPARTYID_UNAVAIL;

inline constexpr DWORD transfer_modes = LINETRANSFERMODE_TRANSFER | LINETRANSFERMODE_CONFERENCE;
inline constexpr DWORD park_modes = LINEPARKMODE_DIRECTED | LINEPARKMODE_NONDIRECTED;
inline constexpr DWORD forward_modes =
    LINEFORWARDMODE_UNCOND | LINEFORWARDMODE_BUSY | LINEFORWARDMODE_NOANSW | LINEFORWARDMODE_BUSYNA;
inline constexpr DWORD max_forward_entries = 3;
inline constexpr DWORD remove_from_conf_caps = LINEREMOVEFROMCONF_ANY;
inline constexpr DWORD remove_from_conf_state = LINECALLSTATE_IDLE;
inline constexpr DWORD max_num_conference = 6;  ///< the switch's limit comes in later versions
inline constexpr DWORD max_call_data_size = 4096;
inline constexpr DWORD max_active_calls = 1;
inline constexpr DWORD max_on_hold_calls = 4;
inline constexpr DWORD max_on_hold_pending_calls = 1;

inline constexpr DWORD generate_digit_modes = LINEDIGITMODE_DTMF;
inline constexpr DWORD monitor_digit_modes = LINEDIGITMODE_DTMF;
inline constexpr DWORD media_modes = LINEMEDIAMODE_INTERACTIVEVOICE;
inline constexpr DWORD bearer_modes = LINEBEARERMODE_VOICE;

/// LINEDEVCAPS.dwLineStates / LINEADDRESSCAPS.dwAddressStates we report.
/// Every bit is sent when it happens (a bit advertised is a bit honoured; OTHER is never sent).
inline constexpr DWORD line_states = LINEDEVSTATE_RINGING | LINEDEVSTATE_MSGWAITON |
                                     LINEDEVSTATE_MSGWAITOFF | LINEDEVSTATE_INSERVICE |
                                     LINEDEVSTATE_OUTOFSERVICE | LINEDEVSTATE_NUMCALLS |
                                     LINEDEVSTATE_REMOVED | LINEDEVSTATE_CAPSCHANGE;
/// Every bit is sent (a bit advertised is a bit honoured); no INUSEMANY: an address is private.
inline constexpr DWORD address_states = LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE |
                                        LINEADDRESSSTATE_NUMCALLS | LINEADDRESSSTATE_FORWARD |
                                        LINEADDRESSSTATE_CAPSCHANGE;

// ---- per-device capabilities (docs/protocol.md §5.2, docs/tspi-mapping.md "Capabilities") ----

/// The feature bits a line must not advertise because the switch refuses services for its
/// device. Zero (the default, also before the first MonitorStart result) = the full superset.
struct unsupported_mask {
    DWORD call = 0;     ///< LINECALLFEATURE_*
    DWORD call2 = 0;    ///< LINECALLFEATURE2_*
    DWORD address = 0;  ///< LINEADDRFEATURE_*
    DWORD line = 0;     ///< LINEFEATURE_*
    friend bool operator==(const unsupported_mask&, const unsupported_mask&) = default;
};

/// The TAPI bits that need each switch service (the services of docs/tspi-mapping.md "Calls"
/// and "Lines as devices"): unsupported service → those bits cleared. Bits that one of several
/// services serves (COMPLETETRANSF, FORWARD, PICKUP) are handled by mask_of() itself.
struct service_bits {
    std::string_view service;
    unsupported_mask bits;
};
inline constexpr std::array<service_bits, 18> service_map{{
    // lineMakeCall and lineDial; a consultation call is dialled with MakeCall too.
    {"MakeCall",
     {LINECALLFEATURE_DIAL | LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_SETUPCONF |
          LINECALLFEATURE_PREPAREADDCONF,
      0, LINEADDRFEATURE_MAKECALL | LINEADDRFEATURE_SETUPCONF, LINEFEATURE_MAKECALL}},
    {"AnswerCall", {LINECALLFEATURE_ANSWER, 0, 0, 0}},
    // A call with no switch connection (our own dial tone) still drops locally (features()).
    {"ClearConnection", {LINECALLFEATURE_DROP | LINECALLFEATURE_REMOVEFROMCONF, 0, 0, 0}},
    // lineSetupTransfer/SetupConference/PrepareAddToConference hold the call first.
    {"HoldCall",
     {LINECALLFEATURE_HOLD | LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_SETUPCONF |
          LINECALLFEATURE_PREPAREADDCONF,
      0, LINEADDRFEATURE_SETUPCONF, 0}},
    {"RetrieveCall", {LINECALLFEATURE_UNHOLD, 0, 0, 0}},
    {"AlternateCall", {LINECALLFEATURE_SWAPHOLD, 0, 0, 0}},
    {"TransferCall", {0, LINECALLFEATURE2_TRANSFERNORM, 0, 0}},
    {"ConferenceCall", {LINECALLFEATURE_ADDTOCONF, LINECALLFEATURE2_TRANSFERCONF, 0, 0}},
    {"SingleStepTransfer", {LINECALLFEATURE_BLINDTRANSFER, 0, 0, 0}},
    {"DeflectCall", {LINECALLFEATURE_REDIRECT, 0, 0, 0}},
    {"ParkCall",
     {LINECALLFEATURE_PARK, LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT, 0, 0}},
    {"DirectedPickupCall", {0, 0, LINEADDRFEATURE_PICKUPDIRECT | LINEADDRFEATURE_UNPARK, 0}},
    {"GroupPickupCall", {0, 0, LINEADDRFEATURE_PICKUPGROUP, 0}},
    {"GenerateDigits", {LINECALLFEATURE_GENERATEDIGITS, 0, 0, 0}},
    // Call data set before the switch call exists travels with MakeCall (features()).
    {"AssociateData", {LINECALLFEATURE_SETCALLDATA, 0, 0, 0}},
    {"SetForwarding", {0, 0, LINEADDRFEATURE_FORWARDFWD, LINEFEATURE_FORWARDFWD}},
    {"SetDoNotDisturb", {0, 0, LINEADDRFEATURE_FORWARDDND, LINEFEATURE_FORWARDDND}},
    {"SetMessageWaitingIndicator", {0, 0, 0, LINEFEATURE_SETDEVSTATUS}},
    // ReconnectCall (lineUnhold of a pending transfer/conference) has no bit: checked there.
}};

inline bool lists(const std::vector<std::string>& unsupported, std::string_view service) {
    return std::find(unsupported.begin(), unsupported.end(), service) != unsupported.end();
}

/// The bits to clear for these unsupported services. Unknown names are ignored (a service added
/// to the protocol later backs no bit of this build).
inline unsupported_mask mask_of(const std::vector<std::string>& unsupported) {
    unsupported_mask m;
    for (const auto& e : service_map) {
        if (!lists(unsupported, e.service)) continue;
        m.call |= e.bits.call;
        m.call2 |= e.bits.call2;
        m.address |= e.bits.address;
        m.line |= e.bits.line;
    }
    // Served by either of two services: gone only when both are.
    if (lists(unsupported, "TransferCall") && lists(unsupported, "ConferenceCall")) {
        m.call |= LINECALLFEATURE_COMPLETETRANSF;
    }
    if (lists(unsupported, "SetForwarding") && lists(unsupported, "SetDoNotDisturb")) {
        m.address |= LINEADDRFEATURE_FORWARD;
        m.line |= LINEFEATURE_FORWARD;
    }
    if (lists(unsupported, "DirectedPickupCall") && lists(unsupported, "GroupPickupCall")) {
        m.address |= LINEADDRFEATURE_PICKUP;
    }
    return m;
}

}  // namespace ctigw::tsp::caps
