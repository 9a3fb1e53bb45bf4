// Call control inside the TSP (internal to tsp/src): the TAPI call state machine, call features,
// the CSTA → TSPI mapping and every call-related TSPI operation. docs/state-machines/call.md has
// the diagram and the per-operation tables; docs/tspi-mapping.md ("Calls") the choices.
//
// Threading: the `calls::` TSPI functions may be called from any TAPISRV thread, through their
// adapter, which takes the provider lock: each takes `locked_provider&`, so the compiler checks
// that the lock is held. They never call TAPI directly (callbacks go through the dispatcher) and
// never block on the network.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "modules.hpp"
#include "state.hpp"

namespace ctigw::tsp {

/// The TAPI call state machine. `transition()` is the only writer of call::state.
class call_machine {
  public:
    /// True when TAPI may see `from` → `to` (same state with another mode is a change too).
    static bool allowed(DWORD from, DWORD to);
    /// Validates the edge, logs `call <hd> (<callID>,<device>) FROM -> TO (mode)`, records the
    /// entry time, recomputes the features of every call of the line, announces a TSP-created
    /// call (LINE_NEWCALL) when TAPI does not know it yet, and queues LINE_CALLSTATE (dwParam2 =
    /// `mode`, or the parent's htCall for CONFERENCED; dwParam3 = the media mode). Entering IDLE
    /// also cancels digit generation, unbinds the switch connection and unlinks relations.
    /// Returns false (and changes nothing) for a refused edge.
    static bool transition(locked_provider& p, const line_ptr& l, const call_ptr& c, DWORD to,
                           DWORD mode);
    /// LINECALLFEATURE_* of a call now (tspi.md §4.1, masked by caps).
    static DWORD features(const line& l, const call& c);
    /// The LINECALLFEATURE2_* that follow from a call's `features` (derived when read, not
    /// kept: nothing but LINECALLSTATUS reads them).
    static DWORD features2(const line& l, DWORD features);
    /// Recomputes `features` of every call of `l` (after a transition, or new capabilities).
    static void recompute_features(line& l);
    /// The call features the switch's capabilities for the line's device take away from `c`.
    static DWORD unsupported_call_features(const line& l, const call& c);

    // ---- lifecycle: what TAPI knows of the call. Each operation checks and logs its edge:
    //   untold → requested | told | closed;  requested → told | failed | closed;
    //   told → untold | closed;  failed → closed;  closed is final.

    /// A call a TAPI request creates (lineMakeCall, lineSetupTransfer, ...): its htCall is TAPI's
    /// and TAPI must not hear of it before the request completes. untold → requested.
    static void await_request(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// Its creating request succeeded: requested → told; report_current() then tells TAPI.
    static void request_succeeded(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// Its creating request failed: requested → failed, IDLE without a report (only
    /// lineCloseCall remains). Nothing for a call no longer requested (closed meanwhile).
    static void abandon(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// Queues LINE_NEWCALL when the line is open: untold → told. False when not queued.
    static bool announce(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// The line was closed and TAPI forgot its handles: a told call is tracked silently (the
    /// next open announces it again): told → untold; a requested one fails: requested → failed.
    static void line_closed(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// TSPI_lineCloseCall, or a call nobody will close: → closed, the handle is stale.
    static void close(locked_provider& p, const line_ptr& l, const call_ptr& c);
    /// `c` (our MakeCall, pickup or unpark) takes over the state and parties of `ghost`, the call
    /// its switch events made before its result arrived; the ghost ends silently.
    static void take_over(locked_provider& p, const line_ptr& l, const call_ptr& c,
                          const call_ptr& ghost);

    /// Reports the call's current state and info once TAPI may hear of it (creating request done,
    /// or the line was opened): LINE_NEWCALL if needed, LINE_CALLSTATE if it differs from the last
    /// one reported, then LINE_CALLINFO.
    static void report_current(locked_provider& p, const line_ptr& l, const call_ptr& c);

  private:
    static bool move_lifecycle(locked_provider& p, const line_ptr& l, call& c, call_lifecycle to);
    static void queue_call_state(locked_provider& p, const line_ptr& l, const call_ptr& c,
                                 DWORD state, DWORD mode);
};

namespace calls {

// ---- helpers shared by calls/ (lock held) ----

std::string_view state_name(DWORD state);
/// "call <hd> (<callID>,<device>)" for log lines.
std::string describe(const call& c, const line& l);
/// The TAPI state (and its mode, in `mode`) of a call whose connection at the line's device is
/// in state `s`: the one CSTA → TAPI state rule (events of a call not seen start, resync truths).
DWORD tapi_state_of(protocol::connection_state s, DWORD& mode);
/// LINEDISCONNECTMODE_* for a CSTA cause (NORMAL when there is none).
DWORD disconnect_mode(std::optional<protocol::event_cause> cause);
/// LINECALLREASON_* of a call arriving with this cause.
DWORD reason_for(std::optional<protocol::event_cause> cause);

call_ptr find_call(const line& l, const std::string& call_id);
/// A new call object on `l` (handle assigned, in the handle table and l->calls).
call_ptr create_call(locked_provider& p, const line_ptr& l);
/// Binds the call to (callID, l's device); dwCallID follows (LINE_CALLINFO(CALLID) if it changed).
void bind(locked_provider& p, const line_ptr& l, const call_ptr& c,
          const protocol::connection_id& conn);
void unbind(const line_ptr& l, const call_ptr& c);
/// Sets a party from a switch device (canonical number; configured name, else the switch's
/// `switch_name`); marks `bit` changed.
void set_party(locked_provider& p, call& c, party call::*which, const std::string& device,
               DWORD bit, const std::optional<std::string>& switch_name = std::nullopt);
void add_party(call& c, const std::string& device, const std::string& self);
void remove_party(call& c, const std::string& device);
void set_call_data(call& c, const std::string& bytes);
/// LINECALLORIGIN_* for a call whose other party is `other` (INTERNAL for configured lines).
DWORD origin_for(const locked_provider& p, const std::string& other, bool outgoing);
/// Queues LINE_CALLINFO with the pending bits (never after IDLE, never before TAPI knows it).
void flush_info(locked_provider& p, const line_ptr& l, const call_ptr& c);
/// Ends a call: DISCONNECTED(mode) then IDLE, or IDLE only when this line dropped it (or it is
/// already BUSY/DISCONNECTED).
void end_call(locked_provider& p, const line_ptr& l, const call_ptr& c, DWORD mode);
/// Removes a call from every table and closes it (TSPI_lineCloseCall, or a call TAPI never
/// knew).
void forget(locked_provider& p, const line_ptr& l, const call_ptr& c);
/// The conference parent of a member/consult, if any.
call_ptr parent_of(const call& c);
/// The call besides `c` the address is busy with (DIALTONE … CONNECTED; dwMaxNumActiveCalls is
/// 1), or null. c's own consultation that has no switch call yet is not counted (lineUnhold
/// abandons it). One without a switch call (it cannot be put on hold) is returned first.
call_ptr active_besides(const line& l, const call& c);
std::vector<call_ptr> members_of(const line& l, const call_ptr& parent);
/// After a member left: collapse a conference with one member left, end an empty one.
void check_conference(locked_provider& p, const line_ptr& l, const call_ptr& parent);
/// LINE_GENERATE(CANCEL) for a generation in progress.
void cancel_generate(locked_provider& p, const line_ptr& l, const call_ptr& c);
DWORD tick(const locked_provider& p);
/// The switch connection that is held for a conference parent (its own, or, while the
/// conference is being set up, the original call's).
std::optional<protocol::connection_id> held_connection(const line& l, const call_ptr& parent);

/// Joins this line's calls into one conference (the conferencing device's Conferenced event, or
/// the ConferenceCall result). Idempotent: event and response may both come, in either order.
void merge_conference(locked_provider& p, const line_ptr& l, const call_ptr& parent,
                      const protocol::connection_id& new_conn,
                      const std::vector<protocol::connection_list_entry>& list,
                      const std::vector<call_ptr>& old_calls);

// ---- TSPI operations (take the lock) ----

LONG make_call(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, HTAPICALL ht_call,
               LPHDRVCALL out_call, LPCWSTR dest, DWORD country, LPLINECALLPARAMS params);
LONG dial(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD country);
LONG answer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd);
LONG drop(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd);
LONG hold(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd);
LONG unhold(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd);
LONG swap_hold(locked_provider& p, DRV_REQUESTID id, HDRVCALL active, HDRVCALL held);
LONG blind_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD country);
LONG setup_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HTAPICALL ht_consult,
                    LPHDRVCALL out_consult, LPLINECALLPARAMS params);
LONG complete_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HDRVCALL consult,
                       HTAPICALL ht_conf, LPHDRVCALL out_conf, DWORD mode);
LONG setup_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HDRVLINE hd_line,
                      HTAPICALL ht_conf, LPHDRVCALL out_conf, HTAPICALL ht_consult,
                      LPHDRVCALL out_consult, DWORD num_parties, LPLINECALLPARAMS params);
LONG prepare_add_to_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL conf,
                               HTAPICALL ht_consult, LPHDRVCALL out_consult,
                               LPLINECALLPARAMS params);
LONG add_to_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL conf, HDRVCALL consult);
LONG remove_from_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd);
LONG park(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, DWORD mode, LPCWSTR dir_address,
          LPVARSTRING non_dir_address);
LONG unpark(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest);
LONG pickup(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest, LPCWSTR group_id);
LONG redirect(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD country);
LONG set_call_data(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPVOID data, DWORD size);

LONG close_call(locked_provider& p, HDRVCALL hd);
LONG get_call_info(locked_provider& p, HDRVCALL hd, LPLINECALLINFO info);
LONG get_call_status(locked_provider& p, HDRVCALL hd, LPLINECALLSTATUS status);
LONG get_call_address_id(locked_provider& p, HDRVCALL hd, LPDWORD address_id);
LONG get_call_ids(locked_provider& p, HDRVCALL hd, LPDWORD address_id, LPDWORD call_id,
                  LPDWORD related_call_id);
LONG set_app_specific(locked_provider& p, HDRVCALL hd, DWORD value);
LONG generate_digits(locked_provider& p, HDRVCALL hd, DWORD end_to_end_id, DWORD digit_mode,
                     LPCWSTR digits, DWORD duration);
LONG monitor_digits(locked_provider& p, HDRVCALL hd, DWORD digit_modes);

}  // namespace calls
}  // namespace ctigw::tsp
