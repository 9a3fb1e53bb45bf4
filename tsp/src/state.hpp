// The provider's in-memory model: lines, phones, calls and async requests, and the one lock that
// guards them. The TSPI adapters (tspi/) and the link callbacks both work through this class.
//
// Rules every function here follows
// - The model (`locked_provider`) is reached only through a `provider_lock`: a function that
//   needs the lock takes `locked_provider&`, so the compiler checks that it is held. The lock is
//   taken at the entry points only (see provider_lock); everything below them takes the model.
// - Nothing here calls TAPI directly: TAPI callbacks are queued to `tapi_` (the dispatcher) while
//   the lock is held, so their order is the order of the state changes.
// - Every async request completes exactly once (`complete()`), whatever happens.
// - No exception leaves a function called by an export (the exports catch too).
#pragma once

#include <array>
#include <atomic>
#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "capabilities.hpp"
#include "ctigw/config/dial_plan.hpp"
#include "ctigw/config/settings.hpp"
#include "ctigw/pbx_link/link.hpp"
#include "ctigw/protocol/string_map.hpp"
#include "ctigw/protocol/timestamp.hpp"
#include "ctigw/tsp/provider.hpp"
#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/tapi.hpp"
#include "ctigw/tsp/varstruct.hpp"  // tapi_version_*
#include "dispatcher.hpp"

namespace ctigw::tsp {

class line;
class phone;
class call;
class provider_state;
class locked_provider;
struct devices_context;  // devices/devices.hpp
namespace agents {
struct context;  // agents/agents.hpp
}

/// Log levels (same numbers as pbx_link::log_level).
namespace level {
inline constexpr int debug = 1, info = 2, warn = 3, error = 4;
}

// ---- async requests -----------------------------------------------------------------------------

/// One asynchronous TSPI request (it returned dwRequestID to TAPI). Completes exactly once.
struct async_request {
    DRV_REQUESTID id = 0;
    std::string what;  ///< "lineMakeCall" ... for logs
    std::weak_ptr<line> owner_line;
    std::weak_ptr<phone> owner_phone;
    std::weak_ptr<call> subject;  ///< the call it works on, if any
    std::atomic<bool> completed{false};
};
using request_ptr = std::shared_ptr<async_request>;

// ---- calls --------------------------------------------------------------------------------------

/// A party of a call as TAPI shows it (LINECALLINFO CallerID, CalledID, ...).
struct party {
    std::string number;  ///< canonical (+33 1 ...) for outside numbers, extension for internal
    std::string name;
    bool empty() const { return number.empty() && name.empty(); }
    friend bool operator==(const party&, const party&) = default;
};

/// How a call relates to others on its line (transfer and conference set-ups).
enum class call_role : std::uint8_t {
    normal,
    consultation,       ///< created by lineSetupTransfer/SetupConference/PrepareAddToConference
    conference_parent,  ///< the hdConfCall of a conference on this line
    conference_member,  ///< a party of a conference (LINECALLSTATE_CONFERENCED)
};

/// What TAPI knows of a call: its lifecycle beside its TAPI state (docs/state-machines/call.md,
/// "Lifecycle"). Changed only by the named operations of `call_machine`, which check the edge.
enum class call_lifecycle : std::uint8_t {
    untold,     ///< made by the TSP, no LINE_NEWCALL yet: its states are recorded, not reported
    requested,  ///< made by a TAPI request in flight: TAPI hears of it when the request completes
    told,       ///< TAPI knows it: every change is reported
    failed,     ///< its creating request failed: only TSPI_lineCloseCall remains
    closed,     ///< closed by TAPI, or forgotten: the handle is stale
};

/// The wall clock at its tick's resolution (1–4 ms on Linux; on Windows GetSystemTimeAsFileTime,
/// as GetSystemTime): what a call's state entry time (LINECALLSTATUS tStateEntryTime, a
/// SYSTEMTIME) is read with at every state change — a quarter of the precise clock's cost (5 ns
/// against 22 here; the precise reads were ~4% of the link's delivery thread at full rate).
std::chrono::system_clock::time_point coarse_wall_clock() noexcept;

/// One TAPI call on one line: at most one live TAPI call per (callID, deviceID).
/// Only the provider (under its lock) touches a call; the dispatcher reads `ht` only.
/// Its TAPI state and lifecycle are private: `call_machine` is their only writer.
/// No enable_shared_from_this (nothing needs it): its weak count, set by make_shared, was an
/// atomic add on memory the closer's thread had freed last (3.4% of the delivery thread).
class call {
  public:
    /// `owner` is one of the provider's lines (locked_provider::add_line).
    call(std::uint64_t handle, const line& owner);

    std::uint64_t handle() const { return handle_; }  ///< the HDRVCALL value; never reused
    HDRVCALL hd() const { return reinterpret_cast<HDRVCALL>(static_cast<std::uintptr_t>(handle_)); }
    /// Its line, as locked_provider::owner_of finds it: where it sits in lines_ and which line sat
    /// there. Not a weak_ptr<line>: every call made and freed moved the line's reference counts
    /// between the link's delivery thread and the thread of TSPI_lineCloseCall (~5% of the
    /// former at full rate, a cache miss per call).
    struct line_ref {
        std::uint64_t serial;  ///< line::serial; never 0
        std::uint32_t slot;    ///< line::slot
    };
    line_ref owner_ref() const { return owner_; }

    DWORD state() const { return state_; }  ///< LINECALLSTATE_*
    DWORD state_mode() const { return state_mode_; }
    std::chrono::system_clock::time_point state_entered() const { return state_entered_; }
    /// The last LINE_CALLSTATE queued to TAPI (state 0: none since TAPI was last told of it).
    DWORD reported_state() const { return reported_state_; }
    DWORD reported_mode() const { return reported_mode_; }

    call_lifecycle lifecycle() const { return lifecycle_; }
    bool told() const { return lifecycle_ == call_lifecycle::told; }
    bool requested() const { return lifecycle_ == call_lifecycle::requested; }
    bool failed() const { return lifecycle_ == call_lifecycle::failed; }
    bool closed() const { return lifecycle_ == call_lifecycle::closed; }
    /// Failed or closed: no operation applies any more.
    bool gone() const { return failed() || closed(); }

    /// TAPI's handle: given by TAPI for calls it created, written by TAPI on LINE_NEWCALL.
    std::atomic<HTAPICALL> ht{nullptr};

    // switch side
    std::optional<protocol::connection_id> connection;  ///< (callID, this line's device)
    /// For a conference member: the other party's device within the conference call.
    std::string member_party;

    // TAPI side (LINECALLSTATUS / LINECALLINFO)
    DWORD origin = LINECALLORIGIN_UNKNOWN;
    DWORD reason = LINECALLREASON_UNKNOWN;
    DWORD media_mode = LINEMEDIAMODE_INTERACTIVEVOICE;
    DWORD app_specific = 0;
    DWORD call_id = 0;          ///< LINECALLINFO.dwCallID: the switch call, as a DWORD
    std::string call_id_of;     ///< the switch callID whose dwCallID this call holds
    DWORD related_call_id = 0;  ///< the consultation's original call, etc.
    party caller, called, connected, redirecting, redirection;
    std::string call_data;  ///< correlator data (TAPI call data), raw bytes
    DWORD monitor_digit_modes = 0;
    std::optional<DWORD> generate_end_to_end_id;  ///< a lineGenerateDigits in progress
    DWORD features = 0;                           ///< LINECALLFEATURE_*, recomputed on every change

    // relations on the same line
    call_role role = call_role::normal;
    std::weak_ptr<call> conference;    ///< member/consultation → its conference parent
    std::weak_ptr<call> consultation;  ///< original → its consultation call
    std::weak_ptr<call> original;      ///< consultation → the call it consults about
    /// The consultation the application dialled (lineSetupTransfer/Conference/PrepareAddToConf);
    /// unlike role it does not move with lineSwapHold: lineUnhold cancels only this call.
    bool dialled_consultation = false;

    // call control bookkeeping (calls/)
    /// The switch's view of this line's connection (localConnectionInfo); null = none yet/gone.
    protocol::connection_state switch_state = protocol::connection_state::null;
    /// The other devices known to be in the switch call: one or two but in a conference, so kept
    /// in place (a vector's buffer was a malloc per call on the link's delivery thread, freed on
    /// the thread that closes the call).
    boost::container::small_vector<std::string, 2> parties;
    /// A MakeCall/pickup/unpark is in flight: the first event of a new callID for this device
    /// binds to this call instead of creating a new one (no ghost LINE_NEWCALL).
    enum class awaiting : std::uint8_t { none, make_call, pickup } awaiting_connection{};
    bool drop_requested = false;    ///< this line ended it (drop, transfer, park, redirect): IDLE
    bool cancel_requested = false;  ///< lineUnhold of a pending transfer/conference in flight
    DWORD hold_target = 0;  ///< the state a local Held enters (ONHOLDPENDTRANSFER/CONF), 0 = ONHOLD
    DWORD pending_info = 0;   ///< LINECALLINFOSTATE_* changed and not yet reported
    std::string dial_buffer;  ///< digits collected by partial dialling (';')

  private:
    friend class call_machine;

    std::uint64_t handle_;
    line_ref owner_;
    DWORD state_ = LINECALLSTATE_UNKNOWN;
    DWORD state_mode_ = 0;
    std::chrono::system_clock::time_point state_entered_ = coarse_wall_clock();
    DWORD reported_state_ = 0;
    DWORD reported_mode_ = 0;
    call_lifecycle lifecycle_ = call_lifecycle::untold;
};
using call_ptr = std::shared_ptr<call>;

// ---- devices ------------------------------------------------------------------------------------

/// A line's or phone's lifecycle as TAPI sees it (docs/state-machines/devices.md): whether TAPI
/// has its device id yet, whether it was removed, whether it is in service. Private: the named
/// operations of `device_machine` are its only writers; each checks its edge and logs it.
class device_lifecycle {
  public:
    enum class presence : std::uint8_t {
        listed,           ///< TAPI knows its device id (enumerated, or created)
        awaiting_create,  ///< added by a reload: LINE_CREATE/PHONE_CREATE sent, no device id yet
        removed,          ///< LINE_REMOVE/PHONE_REMOVE sent: every handle of it is stale (final)
    };
    presence where() const { return presence_; }
    bool awaiting_create() const { return presence_ == presence::awaiting_create; }
    bool removed() const { return presence_ == presence::removed; }
    /// The link is live and the device's truth arrived (never while removed).
    bool in_service() const { return in_service_; }

  private:
    friend class device_machine;
    presence presence_ = presence::listed;
    bool in_service_ = false;
};

/// What a queued TAPI callback needs of its line or phone: whether TSPI_lineClose/phoneClose has
/// ended the open it was queued in (`closed_epoch` reached `epoch`). A plain pointer, not the
/// device's shared_ptr: a line or phone lives in lines_/phones_ (a removed one as a tombstone)
/// until devices_build hands the old ones to the dispatcher, released after every callback queued
/// before, and ~locked_provider stops the dispatcher before its members go — so the atomic
/// outlives every callback that reads it. A shared_ptr copied into each callback and dropped on
/// the dispatcher thread moved the line's reference count between the two threads per LINEEVENT.
struct open_guard {
    const std::atomic<std::uint64_t>* closed_epoch;
    std::uint64_t epoch;
    bool closed_since() const { return closed_epoch->load() >= epoch; }
};

/// One TAPI line = one extension with one address.
class line : public device_lifecycle {
  public:
    /// Set by locked_provider::add_line: its index in lines_, and a number no other line of the
    /// provider's life has had (lines_ is rebuilt by TSPI_providerEnumDevices; 0 = not added).
    std::uint32_t slot = 0;
    std::uint64_t serial = 0;
    std::string extension;
    std::string name;
    std::optional<std::string> pickup_group;
    config::line_role role =
        config::line_role::station;  ///< station, ACD group, queue, route point
    DWORD device_id = 0;             ///< TAPI's id (base + index, or from providerCreateLineDevice)
    DWORD permanent_id = 0;          ///< stable across restarts (docs/tspi-mapping.md)

    // open state (TSPI_lineOpen .. TSPI_lineClose)
    std::uint64_t open_handle = 0;  ///< the HDRVLINE value; 0 = closed; new at every open
    HTAPILINE ht = nullptr;
    LINEEVENT event_proc = nullptr;
    DWORD version = 0;
    DWORD line_states = 0;  ///< TSPI_lineSetStatusMessages
    DWORD address_states = 0;
    DWORD media_modes = 0;  ///< TSPI_lineSetDefaultMediaDetection

    // device status
    bool message_waiting = false;
    bool do_not_disturb = false;
    std::vector<protocol::forwarding_entry> forwarding;  ///< active entries only
    /// forwarding/do_not_disturb were read from the switch (GetForwarding/GetDoNotDisturb) in
    /// this link session; events keep them current after that (devices/).
    bool forwarding_known = false;
    /// Active, on-hold and pending-hold calls as last reported (LINEDEVSTATE_NUMCALLS,
    /// LINEADDRESSSTATE_NUMCALLS/INUSEZERO/INUSEONE are sent when they change).
    std::array<DWORD, 3> reported_calls{};
    /// Services the switch refuses for this device (capabilities of its latest MonitorStart
    /// result) and the feature bits they take away; empty = the full superset (devices/caps.cpp).
    std::vector<std::string> unsupported_services;
    caps::unsupported_mask unsupported;

    std::vector<call_ptr> calls;  ///< every call not yet closed by TSPI_lineCloseCall
    /// Live bindings: callID → the call holding (callID, extension).
    std::unordered_map<std::string, std::weak_ptr<call>> by_call_id;
    std::vector<request_ptr> pending;  ///< call-less async requests (lineForward, ...)

    /// The open_handle of the last open that TSPI_lineClose ended: queued TAPI callbacks of that
    /// open (or an earlier one) are dropped by the dispatcher.
    std::atomic<std::uint64_t> closed_epoch{0};

    bool is_open() const { return open_handle != 0; }
    /// For a callback queued now (open_guard says why not the line itself).
    open_guard guard() const { return {&closed_epoch, open_handle}; }
    /// True when the switch refuses `service` for this device: the TSPI function fails at once
    /// with LINEERR_OPERATIONUNAVAIL, before any request.
    bool refuses(std::string_view service) const {
        return caps::lists(unsupported_services, service);
    }
    HDRVLINE hd() const {
        return reinterpret_cast<HDRVLINE>(static_cast<std::uintptr_t>(open_handle));
    }
};
using line_ptr = std::shared_ptr<line>;

/// One TAPI phone = one extension's phone set.
class phone : public device_lifecycle {
  public:
    std::string extension;
    std::string name;
    DWORD device_id = 0;
    DWORD permanent_id = 0;

    std::uint64_t open_handle = 0;
    HTAPIPHONE ht = nullptr;
    PHONEEVENT event_proc = nullptr;
    DWORD version = 0;
    DWORD phone_states = 0;  ///< TSPI_phoneSetStatusMessages
    DWORD button_modes = 0;
    DWORD button_states = 0;

    std::string display;  ///< rows*columns characters
    DWORD hookswitch_handset = PHONEHOOKSWITCHMODE_ONHOOK;
    DWORD hookswitch_speaker = PHONEHOOKSWITCHMODE_ONHOOK;
    DWORD hookswitch_headset = PHONEHOOKSWITCHMODE_ONHOOK;
    /// lamp id → PHONELAMPMODE_*; a sorted vector: a set has a dozen lamps, and a node each was
    /// ~0.5 KiB per phone and 12 allocations per phone's first status read.
    boost::container::flat_map<DWORD, DWORD> lamps;
    DWORD ring_mode = 0;         ///< as TAPI sees it (devices/phone_state.cpp)
    DWORD switch_ring_mode = 0;  ///< the switch's ringer (GetRingerStatus, RingerStatusChanged)
    DWORD ring_volume = 0;
    std::vector<request_ptr> pending;

    // what the switch told about the set (GetDisplay, GetButtonInformation; devices/)
    DWORD display_rows = 2;
    DWORD display_columns = 40;
    std::vector<protocol::button_info> buttons;  ///< empty: the 12 keypad buttons
    bool set_info_known = false;                 ///< display size and buttons were read once
    bool status_known = false;  ///< hookswitch/ringer/lamps read in this link session

    std::atomic<std::uint64_t> closed_epoch{0};  ///< as line::closed_epoch

    bool is_open() const { return open_handle != 0; }
    open_guard guard() const { return {&closed_epoch, open_handle}; }  ///< as line::guard
    HDRVPHONE hd() const {
        return reinterpret_cast<HDRVPHONE>(static_cast<std::uintptr_t>(open_handle));
    }
};
using phone_ptr = std::shared_ptr<phone>;

/// The only writer of a device's lifecycle (devices/lifecycle.cpp). Each operation returns true
/// when it changed something and logs `line|phone <ext> FROM -> TO`; a refused edge changes
/// nothing and logs a warning. The caller sends what TAPI must hear.
class device_machine {
  public:
    /// A device a reload added, not yet seen by TAPI: listed → awaiting_create.
    static bool await_create(locked_provider& p, line& l);
    static bool await_create(locked_provider& p, phone& ph);
    /// TAPI gave its device id (providerCreateLineDevice/PhoneDevice): awaiting_create → listed.
    static bool created(locked_provider& p, line& l);
    static bool created(locked_provider& p, phone& ph);
    /// Removed from the configuration: → removed, out of service (final).
    static bool remove(locked_provider& p, line& l);
    static bool remove(locked_provider& p, phone& ph);
    /// In or out of service; refused for a removed device.
    static bool set_in_service(locked_provider& p, line& l, bool in_service);
    static bool set_in_service(locked_provider& p, phone& ph, bool in_service);

  private:
    static bool to_presence(locked_provider& p, device_lifecycle& d, std::string_view who,
                            device_lifecycle::presence to);
    static bool to_service(locked_provider& p, device_lifecycle& d, std::string_view who,
                           bool in_service);
};

// ---- the provider's state -----------------------------------------------------------------------

/// The provider's model: every line, phone, call and request, the road to TAPI and the link.
/// A `locked_provider&` exists only while the provider lock is held — it is reached through a
/// `provider_lock` (or, inside the model, from another `locked_provider&`) — so every function
/// that takes one runs under the lock by construction, checked by the compiler.
class locked_provider {
  public:
    locked_provider(const locked_provider&) = delete;
    locked_provider& operator=(const locked_provider&) = delete;

    provider_environment env_;
    dispatcher tapi_;

    // configuration
    std::optional<config::settings> settings_;
    std::optional<config::dial_plan> dial_plan_;

    // TAPI session (TSPI_providerEnumDevices / Init)
    DWORD permanent_provider_id_ = 0;
    HPROVIDER provider_handle_ = nullptr;
    LINEEVENT line_create_proc_ = nullptr;
    PHONEEVENT phone_create_proc_ = nullptr;
    ASYNC_COMPLETION completion_proc_ = nullptr;
    DWORD tspi_version_ = 0;
    bool initialized_ = false;

    // devices: stable objects; a removed device stays as a tombstone so stale ids stay stale
    std::vector<line_ptr> lines_;
    std::vector<phone_ptr> phones_;
    std::unordered_map<DWORD, line_ptr> line_by_device_id_;
    std::unordered_map<DWORD, phone_ptr> phone_by_device_id_;
    protocol::string_map<line_ptr> line_by_extension_;
    protocol::string_map<phone_ptr> phone_by_extension_;
    std::unordered_map<std::uint64_t, line_ptr> line_by_handle_;    ///< open lines
    std::unordered_map<std::uint64_t, phone_ptr> phone_by_handle_;  ///< open phones
    /// Not yet closed calls. Open addressing, no node per call (a malloc on the delivery thread and
    /// a free on TSPI_lineCloseCall's, per call): no pointer into it is kept across an insertion.
    boost::unordered_flat_map<std::uint64_t, call_ptr> call_by_handle_;
    std::uint64_t next_handle_ = 1;  ///< shared by line, phone and call handles: never reused

    /// Switch callIDs as LINECALLINFO.dwCallID values (stable while a TAPI call holds them;
    /// never reused: next_call_id_ only grows), with how many calls hold each.
    struct held_call_id {
        DWORD id = 0;
        std::size_t holders = 0;
    };
    protocol::string_map<held_call_id> call_ids_;  ///< no node per callID, as call_by_handle_
    DWORD next_call_id_ = 1;

    std::unique_ptr<pbx_link::link> link_;
    bool link_live_ = false;
    /// Devices whose truth arrived during the current resync (device, usable): they go in
    /// service together when the link is live, since the link takes requests only then. A truth
    /// that arrives while live (a device added by a reload) puts its device in service at once.
    std::vector<std::pair<std::string, bool>> truths_pending_;
    /// A resync after lost messages (link_down::connection_kept): re-read open devices' status.
    bool reread_status_at_live_ = false;

    /// Every async request not yet completed (so that shutdown can complete them all).
    std::unordered_map<DRV_REQUESTID, request_ptr> requests_;

    /// Device-side context (devices/devices.hpp): status-query throttle, permanent ids in use.
    std::shared_ptr<devices_context> devices_;
    /// The call-centre agent model (agents/agents.hpp): created on first use.
    std::shared_ptr<agents::context> agents_;

    // ---- helpers for every part of the TSP ----

    void log(int lvl, const std::string& text) const;
    /// Whether log(lvl, …) would write: a debug line on every event is built only when it is
    /// (its text was ~a third of the TSP's allocations per LINEEVENT at the warn level).
    bool logs(int lvl) const;
    std::uint64_t new_handle() { return next_handle_++; }
    line_ptr line_from_handle(HDRVLINE hd) const;
    phone_ptr phone_from_handle(HDRVPHONE hd) const;
    call_ptr call_from_handle(HDRVCALL hd) const;
    /// Appends `l` to lines_, giving it its slot and serial (call::owner_ref).
    void add_line(const line_ptr& l);
    /// The line `c` was made on, or null when it is no longer the provider's (lines_ rebuilt by
    /// TSPI_providerEnumDevices since). A reference into lines_: valid until lines_ changes.
    const line_ptr& owner_of(const call& c) const;
    /// The dwCallID of a switch callID, the same for every TAPI call bound to it. `c` holds it
    /// (letting go of the one it held before) until release_call_id (at lineCloseCall): a
    /// callID no call holds is forgotten, so the table does not grow with every call ever seen.
    DWORD hold_call_id(call& c, const std::string& switch_call_id);
    void release_call_id(call& c);
    std::size_t call_ids_held() const { return call_ids_.size(); }

    /// Queues a LINEEVENT for `l` (dropped if the line is not open at dispatch time). With a
    /// call, the call's htCall is read at dispatch time and the message is dropped if TAPI does
    /// not know the call.
    void line_event(const line_ptr& l, const call_ptr& c, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                    DWORD_PTR p3);
    void phone_event(const phone_ptr& p, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
    /// Queues LINE_NEWCALL for a call the TSP created (TAPI's htCall lands in c->ht); false when
    /// the line is not open. Only call_machine::announce calls it (it moves the lifecycle).
    bool announce_call(const line_ptr& l, const call_ptr& c);
    /// Creates an async request that the caller will return to TAPI.
    request_ptr new_request(DRV_REQUESTID id, std::string what, const line_ptr& l,
                            const call_ptr& c);
    /// Completes a request exactly once (later calls are ignored) by queuing ASYNC_COMPLETION.
    void complete(const request_ptr& r, LONG result);
    /// Whether an application request for a device may go to the link: while the link is not
    /// live it holds requests until it is (an application may dial right after lineOpen); once
    /// live, a device out of service (refused by the switch) takes none.
    bool accepts_requests(bool device_in_service) const {
        return link_ != nullptr && (!link_live_ || device_in_service);
    }
    /// Sends a request to the switch; `done` runs exactly once with the provider lock held: on the
    /// link's delivery thread (which takes the lock: the link's completions are the second entry
    /// point), or at once, on this thread, when there is no running link.
    /// While the link is not live the link holds the request until it is (link.hpp). `done` owns
    /// the outcome it is given and may move from it (a batch answer's items).
    void send(protocol::service_params params,
              std::function<void(pbx_link::request_outcome&)> done);

  protected:
    explicit locked_provider(provider_environment env);
    ~locked_provider();

  private:
    friend class provider_lock;
    std::mutex mutex_;  ///< the provider lock: taken only by provider_lock
    /// The thread holding mutex_ (none: default id): taking it twice on one thread is refused
    /// (std::mutex would deadlock).
    std::atomic<std::thread::id> owner_{};
};

/// Holds the provider lock for its lifetime and gives access to the model. Taken at the entry
/// points only: the TSPI adapters (tspi/export.hpp), provider lifecycle and reload, the link
/// callbacks and the link's request completions (send()). Lock order: the lifecycle lock
/// (tspi/provider.cpp) → the provider lock → leaf locks (link, dispatcher, watcher); nothing
/// that holds the provider lock waits for a thread that takes it (docs: tsp/README.md).
class provider_lock {
  public:
    provider_lock(const provider_lock&) = delete;
    provider_lock& operator=(const provider_lock&) = delete;
    ~provider_lock();

    locked_provider& operator*() const { return *model_; }
    locked_provider* operator->() const { return model_; }
    /// So that `f(provider.lock(), ...)` passes the model of a lock held for the full expression.
    operator locked_provider&() const { return *model_; }  // NOLINT(google-explicit-constructor)

  private:
    friend class provider_state;
    friend class locked_provider;
    /// Throws std::logic_error when this thread holds the lock already.
    explicit provider_lock(locked_provider& model);

    locked_provider* model_;
    std::unique_lock<std::mutex> lock_;
};

/// The provider as its entry points see it: the model behind its lock, the link's callbacks, and
/// what is safe without the lock (the environment, which never changes, the logger, the
/// dispatcher, which has its own lock).
class provider_state final : private locked_provider, public pbx_link::link_callbacks {
  public:
    explicit provider_state(provider_environment env);
    ~provider_state() override;

    /// Takes the provider lock (see provider_lock for where it may be taken).
    provider_lock lock() { return provider_lock(*this); }

    using locked_provider::env_;
    using locked_provider::log;
    dispatcher& tapi() { return tapi_; }

    /// What the configuration dialog shows (TSPI_providerGenericDialogData). Takes the lock;
    /// O(devices) in memory, no switch traffic.
    ui::provider_status status_snapshot();

    // ---- link callbacks (delivery thread; each takes the lock) ----
    void on_state(pbx_link::link_state from, pbx_link::link_state to,
                  const std::string& why) override;
    void on_link_down(const pbx_link::link_down& why) override;
    void on_device_truth(const pbx_link::device_truth& truth) override;
    void on_live() override;
    void on_event(const std::string& device, const protocol::event_message& event) override;
    void on_system_status(protocol::system_status status) override;
    void on_late_result(const protocol::service_result& result) override;
    /// No lock: TAPI's dispatcher is woken once per batch of switch events (dispatcher::hold).
    void on_batch_begin() override { tapi_.hold(); }
    void on_batch_end() override { tapi_.release(); }

  private:
    // The events' switch timestamps, read for the latency figure (delivery thread only: not
    // under the provider lock).
    protocol::timestamp_reader timestamps_;
};
/// Sets the provider the TSPI exports use (exports.cpp).
void set_current_provider(provider* p);

/// CSTA failure → LINEERR_* (docs/tspi-mapping.md §errors).
LONG to_lineerr(const pbx_link::request_outcome& outcome);
LONG to_phoneerr(const pbx_link::request_outcome& outcome);

}  // namespace ctigw::tsp
