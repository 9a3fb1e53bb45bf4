/**
 * @file
 * Names for TAPI constants and the host's event records, and the one-line text the host prints
 * for each event (`+1.234 line 2001 call#3 LINE_CALLSTATE OFFERING (ACTIVE)`).
 *
 * Thread safety: pure functions over static tables; any thread.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tapihost {

/// A family of TAPI constants: the prefix a name carries in tapi.h (LINECALLSTATE_, ...).
enum class family {
    call_state,          ///< LINECALLSTATE_
    offering_mode,       ///< LINEOFFERINGMODE_
    dialtone_mode,       ///< LINEDIALTONEMODE_
    busy_mode,           ///< LINEBUSYMODE_
    special_info,        ///< LINESPECIALINFO_
    connected_mode,      ///< LINECONNECTEDMODE_
    disconnect_mode,     ///< LINEDISCONNECTMODE_
    line_dev_state,      ///< LINEDEVSTATE_
    address_state,       ///< LINEADDRESSSTATE_
    call_info_state,     ///< LINECALLINFOSTATE_
    line_error,          ///< LINEERR_
    phone_error,         ///< PHONEERR_
    phone_state,         ///< PHONESTATE_
    button_mode,         ///< PHONEBUTTONMODE_
    button_state,        ///< PHONEBUTTONSTATE_
    lamp_mode,           ///< PHONELAMPMODE_
    hookswitch_dev,      ///< PHONEHOOKSWITCHDEV_
    hookswitch_mode,     ///< PHONEHOOKSWITCHMODE_
    call_reason,         ///< LINECALLREASON_
    call_origin,         ///< LINECALLORIGIN_
    call_feature,        ///< LINECALLFEATURE_
    generate_term,       ///< LINEGENERATETERM_
    digit_mode,          ///< LINEDIGITMODE_
    media_mode,          ///< LINEMEDIAMODE_
    forward_mode,        ///< LINEFORWARDMODE_
    dev_status_flags,    ///< LINEDEVSTATUSFLAGS_
    address_feature,     ///< LINEADDRFEATURE_
    line_feature,        ///< LINEFEATURE_
    call_privilege,      ///< LINECALLPRIVILEGE_
    bearer_mode,         ///< LINEBEARERMODE_
    party_id,            ///< LINECALLPARTYID_
    phone_status_flags,  ///< PHONESTATUSFLAGS_
    transfer_mode,       ///< LINETRANSFERMODE_
    park_mode,           ///< LINEPARKMODE_
    message,             ///< LINE_* / PHONE_* message numbers (full names)
};

/// The tapi.h prefix of a family ("LINECALLSTATE_"; "" for messages).
std::string_view prefix_of(family f);

/// The name of one value without its prefix ("OFFERING"), or `0x...` when it has none.
std::string name_of(family f, std::uint32_t value);
/// A bit set as names joined by `|` ("CALLERID|CALLEDID"); unknown bits are appended in hex;
/// 0 is "0".
std::string flags_of(family f, std::uint32_t bits);
/// The value of a name, case-insensitive, with or without its prefix; also accepts a number
/// (decimal or 0x hex). nullopt when unknown.
std::optional<std::uint32_t> value_of(family f, std::string_view name);
/// `A|B|C` → the OR of the values; nullopt if any part is unknown.
std::optional<std::uint32_t> flags_value_of(family f, std::string_view text);
/// Every name of a family (without prefix), for help texts and "did you mean".
std::string names_list(family f);

/// Name of a LINE_/PHONE_ message ("LINE_CALLSTATE", "LINE_NEWCALL"), or "MSG 0x..".
std::string message_name(DWORD msg);
/// A TSPI result: "OK" for 0, "LINEERR_INVALCALLSTATE", "PHONEERR_...", or a number.
std::string result_name(LONG result);
/// Reads "ok" (any case), "LINEERR_X", "PHONEERR_X" or a bare LINEERR_ name ("INVALCALLSTATE").
std::optional<LONG> parse_result(std::string_view text);

/// The mode family LINE_CALLSTATE's dwParam2 carries for a state (OFFERING → offering_mode ...);
/// nullopt for states without a mode (and CONFERENCED, whose dwParam2 is the parent htCall).
std::optional<family> mode_family(DWORD call_state);

/// What an event record is.
enum class event_kind {
    line,        ///< a LINEEVENT (also the create proc's LINE_CREATE)
    phone,       ///< a PHONEEVENT (also PHONE_CREATE)
    completion,  ///< an operation's outcome: ASYNC_COMPLETION, or a synchronous result
    note,        ///< something the host did or noticed (printed, never matched)
};

/// One thing that happened, as the host logs, prints and matches it.
struct event {
    std::uint64_t seq = 0;  ///< position in the log, from 0
    double at = 0;          ///< seconds since the host started
    event_kind kind = event_kind::note;
    std::string device;      ///< line or phone extension ("#5" when it has none); empty: none
    std::uint64_t call = 0;  ///< host call key (0: not about a call)
    std::string call_name;   ///< the call's name when the event arrived
    DWORD msg = 0;
    DWORD_PTR p1 = 0, p2 = 0, p3 = 0;
    std::string parent_name;   ///< LINE_CALLSTATE CONFERENCED: the parent call's name
    std::uint64_t parent = 0;  ///< ... and its key
    // completion
    DRV_REQUESTID request = 0;
    std::string op;  ///< TSPI name without prefix: "lineMakeCall"
    LONG result = 0;
    bool synchronous = false;  ///< the result was returned by the function, not by ASYNC_COMPLETION
    std::string text;          ///< note text
};

/// The printed form of an event, with its timestamp: `+1.234 line 2001 call#3 LINE_CALLSTATE
/// OFFERING (ACTIVE)`, `+2.000 ASYNC_COMPLETION req 17 lineMakeCall → OK`.
std::string format_event(const event& e);
/// Only the part after the timestamp, as in expected-vs-actual listings.
std::string describe_event(const event& e);
/// `+1.234`
std::string format_time(double seconds);

}  // namespace ctigw::tapihost
