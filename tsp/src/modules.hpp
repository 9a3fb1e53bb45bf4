// How the parts of the TSP call each other. Every function here takes `locked_provider&`: it runs
// with the provider lock held.
//
//   state.cpp      provider lifecycle, handles, the link callbacks, request plumbing
//   calls/     call control: the call state machine, CSTA events → LINE_CALLSTATE/CALLINFO,
//                  call features, the synchronous call functions, resync
//   requests/*.cpp the asynchronous call operations, one file per family (common.hpp: the
//                  checks and the request plumbing they share)
//   devices/   lines and phones as devices: caps, status, open/close, forwarding/DND/MWI,
//                  phone sets, configuration reload (LINE_CREATE/REMOVE)
//   tspi/*.cpp  the TSPI_* C ABI, each a thin adapter behind one guard (tspi/export.hpp)
#pragma once

#include "state.hpp"

namespace ctigw::tsp {

// ---- calls/ --------------------------------------------------------------------------------

/// A call event for a line's device (the line may be closed: its calls are still tracked so that
/// an open finds them; nothing is reported to TAPI for a closed line).
void calls_on_event(locked_provider& p, const line_ptr& l, const protocol::event_message& e);
/// Resync: the device's connections now. Calls that vanished end (DISCONNECTED, IDLE), new ones
/// are offered (LINE_NEWCALL), surviving ones keep their handles and get their current state.
void calls_apply_truth(locked_provider& p, const line_ptr& l, const pbx_link::device_truth& truth);
/// The line was closed by TAPI: calls still pending complete, per TSPI rules.
void calls_line_closed(locked_provider& p, const line_ptr& l);
/// After a resync (on_live): each call's parties are read (SnapshotCall) and every line's view of
/// the far end corrected — answered meanwhile (CONNECTED, CONNECTEDID), still ringing (RINGBACK),
/// held by the far end (CONNECTED ACTIVEHELD).
void calls_after_resync(locked_provider& p);
/// A request that timed out was carried out by the switch after all (link.hpp on_late_result):
/// a MakeCall placed late made a call nobody owns (its TAPI request failed) — it is cleared.
void calls_on_late_result(locked_provider& p, const protocol::service_result& result);
/// Recomputes a call's features (and reports LINE_CALLSTATE if its state changed).
void calls_refresh(locked_provider& p, const line_ptr& l, const call_ptr& c);

// ---- devices/ ------------------------------------------------------------------------------

/// Builds lines and phones from settings (initial enumeration; device ids assigned by init).
void devices_build(locked_provider& p, const config::settings& s);
/// Device-level events (Forwarding, DoNotDisturb, MessageWaiting, Back/OutOfService, phone-set
/// events) for `device`.
void devices_on_event(locked_provider& p, const std::string& device,
                      const protocol::event_message& e);
/// The device's truth arrived (in service) or the link went down (every device out of service):
/// LINEDEVSTATE_INSERVICE/OUTOFSERVICE and PHONESTATE_RESUME/SUSPEND to open devices.
void devices_set_in_service(locked_provider& p, const std::string& device, bool in_service);
void devices_set_all_out_of_service(locked_provider& p);
/// A call of `l` changed state (or became known to TAPI): LINE_LINEDEVSTATE(RINGING) for a call
/// that starts `ringing`, NUMCALLS / INUSEZERO / INUSEONE when the line's counts change — each
/// only when selected, as advertised in LINEDEVCAPS/LINEADDRESSCAPS.
void devices_calls_changed(locked_provider& p, const line_ptr& l, bool ringing);
/// A call of `l` changed state or was forgotten, open line or not: the phone of the same extension
/// rings (ring mode 1, PHONESTATE_RINGMODE) while a call offered to the line alerts
/// (devices/phone_state.cpp).
void devices_alerting_changed(locked_provider& p, const line_ptr& l);
/// Re-reads the status of the device's open line and phone that are in service (events about
/// them may have been lost); what changed is reported as when its event arrives.
void devices_reread_status(locked_provider& p, const std::string& device);
/// The capabilities of the device's latest MonitorStart result (devices/caps.cpp): the line's
/// unsupported services and masks; LINEDEVSTATE/LINEADDRESSSTATE_CAPSCHANGE when they change.
void devices_set_capabilities(locked_provider& p, const line_ptr& l,
                              const std::optional<protocol::capabilities>& reported);
/// The devices the link monitors: every line and phone extension (not removed), once, sorted.
std::vector<std::string> devices_monitored(const locked_provider& p);

}  // namespace ctigw::tsp
