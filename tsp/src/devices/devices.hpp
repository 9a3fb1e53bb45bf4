// Lines and phones as devices (internal to tsp/src): the TSPI device functions that the thin
// adapters in tspi/devices.cpp call, permanent ids, the device-status query throttle and the
// configuration watcher. docs/tspi-mapping.md describes every function and its switch services.
//
// Threading: every function here may be called from any TAPISRV thread. Those that take
// `locked_provider&` run under the provider lock, taken by their adapter; line_close and
// phone_close take `provider_state&` and the lock themselves (they wait for the dispatcher after
// releasing it). None calls TAPI (callbacks go through the dispatcher) or blocks on the network.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/config/devices.hpp"
#include "state.hpp"

namespace ctigw::tsp {

// ---- identities ------------------------------------------------------------------------------

/// dwPermanentLineID / dwPermanentPhoneID of an extension (docs/tspi-mapping.md "Device ids").
/// Top two bits: 00 line by digits, 01 phone by digits, 10 line by hash, 11 phone by hash.
DWORD permanent_line_id(std::string_view extension) noexcept;
DWORD permanent_phone_id(std::string_view extension) noexcept;
/// PermanentLineGuid / PermanentPhoneGuid: a name-based UUID (RFC 9562 version 8) of
/// "ctigw/line/<ext>" or "ctigw/phone/<ext>"; the same on every machine and at every start.
GUID permanent_guid(std::string_view kind, std::string_view extension) noexcept;

// ---- per-provider device context ---------------------------------------------------------------

/// Device-side state of the provider that is not per line or per phone (locked_provider::devices_).
struct devices_context {
    /// Device-status queries (GetForwarding, GetDisplay, ...) waiting for a slot: a device that
    /// opens or resumes queries the switch, at most `max_queries_in_flight` at a time, so that
    /// 50,000 opens never flood the link's outbound queue.
    std::deque<std::function<void()>> queries;
    std::size_t queries_in_flight = 0;
    bool pumping = false;  ///< a pump loop is running (completions inside it do not recurse)
    /// Queries queued or in flight per device (line or phone object): a refresh is not started
    /// twice for the same device.
    std::unordered_map<const void*, std::size_t> outstanding;
    static constexpr std::size_t max_queries_in_flight = 16;
    /// The services the switch refuses, as last logged at info level, and the line it was logged
    /// for: a line with the same list is logged at debug level (100,000 lines with one list log
    /// one info line at start, not 100,000; devices/caps.cpp).
    std::vector<std::string> caps_logged;
    std::string caps_logged_line;
    /// Protocol version 3: refreshes wait here and go to the switch as GetDeviceStatusBatch
    /// requests, at most `max_batches_in_flight` at a time, each taking every device that came
    /// while the previous ones were out (up to the switch's maxBatchSize): the first refresh goes
    /// at once, a burst of 100,000 goes in a few dozen requests (devices/status_batch.cpp).
    /// `key` is the device object, as in `outstanding`.
    template <class Device>
    struct waiting_refresh {
        const void* key;
        std::weak_ptr<Device> device;
    };
    std::deque<waiting_refresh<line>> batch_lines;
    std::deque<waiting_refresh<phone>> batch_phones;
    std::size_t batches_in_flight = 0;
    static constexpr std::size_t max_batches_in_flight = 2;
    /// Devices per batch, at most the switch's maxBatchSize: a phone's item (buttons, lamps,
    /// display) is ~1.5 KB on the wire, a line's ~0.1 KB, and an answer must stay well within
    /// the 1 MiB frame limit (an item that does not fit comes back performanceLimitExceeded
    /// and is asked for again).
    static constexpr std::size_t max_line_batch = 2000;
    static constexpr std::size_t max_phone_batch = 250;
    /// Permanent ids handed out → their extension (collisions of hashed ids are probed away, in
    /// config order; an extension that comes back gets its old id again).
    std::unordered_map<DWORD, std::string> line_ids;
    std::unordered_map<DWORD, std::string> phone_ids;
};
/// The provider's devices_context (created on first use).
devices_context& devices_of(locked_provider& p);

// ---- lines (TSPI_line*; each locks) -------------------------------------------------------------

namespace devices {

LONG line_get_dev_caps(locked_provider& p, DWORD device_id, DWORD version, DWORD ext_version,
                       LINEDEVCAPS* caps);
LONG line_get_address_caps(locked_provider& p, DWORD device_id, DWORD address_id, DWORD version,
                           DWORD ext_version, LINEADDRESSCAPS* caps);
LONG line_get_address_status(locked_provider& p, HDRVLINE hd, DWORD address_id,
                             LINEADDRESSSTATUS* status);
LONG line_get_dev_status(locked_provider& p, HDRVLINE hd, LINEDEVSTATUS* status);
LONG line_get_num_address_ids(locked_provider& p, HDRVLINE hd, LPDWORD count);
LONG line_get_address_id(locked_provider& p, HDRVLINE hd, LPDWORD address_id, DWORD mode,
                         LPCWSTR address, DWORD size);
LONG line_open(locked_provider& p, DWORD device_id, HTAPILINE ht, LPHDRVLINE hd, DWORD version,
               LINEEVENT proc);
LONG line_close(provider_state& s, HDRVLINE hd);
LONG line_set_status_messages(locked_provider& p, HDRVLINE hd, DWORD line_states,
                              DWORD address_states);
LONG line_set_default_media_detection(locked_provider& p, HDRVLINE hd, DWORD media_modes);
LONG line_conditional_media_detection(locked_provider& p, HDRVLINE hd, DWORD media_modes,
                                      const LINECALLPARAMS* params);
LONG line_get_id(locked_provider& p, HDRVLINE hd, DWORD address_id, HDRVCALL call, DWORD select,
                 VARSTRING* out, LPCWSTR device_class);
LONG line_get_icon(locked_provider& p, DWORD device_id, LPCWSTR device_class, LPHICON icon);
LONG line_forward(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd, DWORD all_addresses,
                  DWORD address_id, const LINEFORWARDLIST* list, DWORD rings_no_answer,
                  LPHDRVCALL consult_call);
LONG line_set_line_dev_status(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd,
                              DWORD status_to_change, DWORD status);

// ---- phones (TSPI_phone*) -----------------------------------------------------------------------

LONG phone_get_dev_caps(locked_provider& p, DWORD device_id, DWORD version, DWORD ext_version,
                        PHONECAPS* caps);
LONG phone_open(locked_provider& p, DWORD device_id, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD version,
                PHONEEVENT proc);
LONG phone_close(provider_state& s, HDRVPHONE hd);
LONG phone_get_status(locked_provider& p, HDRVPHONE hd, PHONESTATUS* status);
LONG phone_set_status_messages(locked_provider& p, HDRVPHONE hd, DWORD phone_states,
                               DWORD button_modes, DWORD button_states);
LONG phone_get_display(locked_provider& p, HDRVPHONE hd, VARSTRING* display);
LONG phone_set_display(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD row, DWORD column,
                       LPCWSTR text, DWORD size);
LONG phone_get_hook_switch(locked_provider& p, HDRVPHONE hd, LPDWORD devs);
LONG phone_set_hook_switch(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD devs,
                           DWORD mode);
LONG phone_get_lamp(locked_provider& p, HDRVPHONE hd, DWORD lamp, LPDWORD mode);
LONG phone_set_lamp(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD lamp, DWORD mode);
LONG phone_get_button_info(locked_provider& p, HDRVPHONE hd, DWORD button, PHONEBUTTONINFO* info);
LONG phone_get_ring(locked_provider& p, HDRVPHONE hd, LPDWORD mode, LPDWORD volume);
LONG phone_set_ring(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD mode, DWORD volume);
LONG phone_get_id(locked_provider& p, HDRVPHONE hd, VARSTRING* out, LPCWSTR device_class);

// ---- shared helpers (lock held) -----------------------------------------------------------------

/// The open line of a handle, or null (stale, closed or removed).
line_ptr open_line(locked_provider& p, HDRVLINE hd);
phone_ptr open_phone(locked_provider& p, HDRVPHONE hd);
/// True if a request can go to the switch now (the link is live): otherwise send would
/// complete at once, and callers fail synchronously instead.
bool can_send(const locked_provider& p);
/// Sends `ops` to the switch and calls `done` exactly once, with the lock held, when all have
/// answered: 0, or `error_of` of the first failure. No ops: `done(0)` at once. The one fan-in of
/// every request that takes several services (lineForward, phone sets, agent requests).
void fan_in(locked_provider& p, std::vector<protocol::service_params> ops,
            std::function<LONG(const pbx_link::request_outcome&)> error_of,
            std::function<void(LONG)> done);
/// Queues a device-status query (see devices_context::queries); `run` receives a `done`
/// callback that it must call exactly once when its request completes.
void queue_query(locked_provider& p, std::function<void(std::function<void()> done)> run);
/// Queues one status query for a device (`key`: its line or phone object) if it is still
/// `still_wanted` when its turn comes; `handle` runs with the result, a failure is logged.
template <class Service>
void query(locked_provider& p, const void* key, typename Service::params params,
           std::function<bool()> still_wanted,
           std::function<void(const typename Service::result&)> handle);
/// A line / phone of a configured device, with its permanent id (probed past collisions).
line_ptr make_line(devices_context& ctx, const config::device& d);
phone_ptr make_phone(devices_context& ctx, const config::device& d);
/// PHONE_STATE(state, p2, p3) to the phone's application when it selected `state`.
void report_phone_state(locked_provider& p, const phone_ptr& ph, DWORD state, DWORD_PTR p2,
                        DWORD_PTR p3 = 0);
/// The switch's volume (0..100 %) on TAPI's scale (0..0xFFFF).
DWORD to_tapi_volume(std::uint32_t percent);
/// A phone-set event of the switch (display, hookswitch, lamp, button, ringer) for `ph`:
/// PHONE_STATE / PHONE_BUTTON as selected (devices/phone_state.cpp).
void phone_event(locked_provider& p, const phone_ptr& ph, const protocol::event_body& b);
/// Refreshes what TAPI reads for an open device: forwarding + DND for a line; display, buttons,
/// hookswitches, ringer and lamps for a phone. No-op unless open and in service and the link is
/// live, or while a refresh of the device is outstanding. Called at open, when the device comes
/// in service, and when TAPI reads a status that is not known yet (the truths of a resync arrive
/// before the link accepts requests).
void refresh_line(locked_provider& p, const line_ptr& l);
void refresh_phone(locked_provider& p, const phone_ptr& ph);
/// Whether refreshes go as GetDeviceStatusBatch (the switch speaks protocol version 3).
bool status_batches(const locked_provider& p);
/// Queues a refresh for the next status batch (refresh_line/refresh_phone decide).
void batch_refresh(locked_provider& p, const line_ptr& l);
void batch_refresh(locked_provider& p, const phone_ptr& ph);
/// What a status read brings, applied to the device (TAPI hears of changes only): the
/// per-device queries and the status batches share them.
void apply_forwarding(locked_provider& p, const line_ptr& l,
                      const std::vector<protocol::forwarding_entry>& entries);
void apply_do_not_disturb(locked_provider& p, const line_ptr& l, bool on);
void apply_display(locked_provider& p, const phone_ptr& ph, const protocol::display_status& r);
void apply_buttons(locked_provider& p, const phone_ptr& ph,
                   std::vector<protocol::button_info> buttons);
void apply_hookswitches(locked_provider& p, const phone_ptr& ph,
                        const std::vector<protocol::hookswitch_status>& hookswitches);
void apply_ringer(locked_provider& p, const phone_ptr& ph, const protocol::ringer_status& r);
void apply_lamp(locked_provider& p, const phone_ptr& ph, std::uint32_t switch_lamp,
                protocol::lamp_mode mode);
/// lineForward's ring count for forward-on-no-answer is clamped to this range
/// (LINEADDRESSCAPS.dwMinFwdNumRings / dwMaxFwdNumRings).
inline constexpr DWORD min_fwd_rings = 1;
inline constexpr DWORD max_fwd_rings = 20;
/// LINEFORWARD is 6 DWORDs before TAPI 3.1 and 8 (with the address types) from 3.1 on.
DWORD forward_entry_size(DWORD version);
/// Number of buttons (and lamps) a phone shows: 12 (the keypad) unless the switch reported more.
DWORD phone_button_count(const phone& ph);
/// PHONEBUTTONMODE_* / PHONEBUTTONFUNCTION_* of a button the switch described.
DWORD button_mode(const protocol::button_info& b);
DWORD button_function(const protocol::button_info& b);
/// Lamps: TAPI's lamp id is the button id; the switch numbers lamps itself (button_info::lamp).
/// Without button information from the switch, buttons 0..11 each have the lamp of their id.
bool phone_has_lamp(const phone& ph, DWORD id);
std::uint32_t switch_lamp_of(const phone& ph, DWORD id);
DWORD tapi_lamp_of(const phone& ph, std::uint32_t switch_lamp);
/// True for the LINECALLSTATE_* of calls TAPI counts as active / on hold / pending hold.
struct call_counts {
    DWORD active = 0, on_hold = 0, on_hold_pending = 0;
};
call_counts count_calls(const line& l);

// ---- template definitions -----------------------------------------------------------------------

template <class Service>
void query(locked_provider& p, const void* key, typename Service::params params,
           std::function<bool()> still_wanted,
           std::function<void(const typename Service::result&)> handle) {
    ++devices_of(p).outstanding[key];
    queue_query(p, [&p, key, params = std::move(params), still_wanted = std::move(still_wanted),
                    handle = std::move(handle)](std::function<void()> done_slot) {
        auto done = [&p, key, done_slot = std::move(done_slot)] {
            auto& out = devices_of(p).outstanding;
            if (auto it = out.find(key); it != out.end() && --it->second == 0) out.erase(it);
            done_slot();
        };
        if (!still_wanted() || !can_send(p)) return done();
        p.send(params, [&p, handle, done,
                        what = std::string(Service::name)](const pbx_link::request_outcome& o) {
            if (o.ok()) {
                if (auto* r = std::get_if<typename Service::result>(&*o.result)) handle(*r);
            } else {
                p.log(level::debug,
                      what + " failed: " +
                          std::string(o.failure ? pbx_link::to_string(*o.failure) : "unknown") +
                          (o.error ? " " + protocol::log_safe(o.error->value, 64) : ""));
            }
            done();
        });
    });
}

}  // namespace devices

// ---- configuration file watcher ----------------------------------------------------------------

/**
 * Polls a configuration file's modification time and calls `on_change` (from its own thread)
 * when it changes. The first poll only records the time. `stat` is injectable for tests
 * (default: std::filesystem::last_write_time, nullopt when the file cannot be read).
 * Thread safety: start/stop/poll_once from any thread except the watcher's own.
 */
class config_watcher {
  public:
    using stat_fn = std::function<std::optional<std::filesystem::file_time_type>()>;

    config_watcher(stat_fn stat, std::function<void()> on_change,
                   std::chrono::milliseconds interval = std::chrono::seconds(3));
    ~config_watcher();
    config_watcher(const config_watcher&) = delete;
    config_watcher& operator=(const config_watcher&) = delete;

    void start();
    void stop();
    /// One poll: calls on_change if the time differs from the previous poll. Returns true then.
    bool poll_once();

    /// Watches a file on disk.
    static stat_fn file_stat(std::filesystem::path file);

  private:
    stat_fn stat_;
    std::function<void()> on_change_;
    std::chrono::milliseconds interval_;
    std::optional<std::optional<std::filesystem::file_time_type>> last_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

/// Where default_environment() reads the configuration: $CTIGW_CONFIG on Linux; on Windows the
/// registry value ConfigPath under the provider's key, else %ProgramData%\ctigw\ctigw.json.
/// Nullopt when nothing is configured.
std::optional<std::filesystem::path> default_config_path();

#if defined(_WIN32)
/// %VAR% references expanded (ExpandEnvironmentStringsW); the text itself when that fails.
std::wstring expand_environment(const std::wstring& text);

/// A REG_SZ / REG_EXPAND_SZ value under HKEY_LOCAL_MACHINE\`key`, unexpanded, whatever its
/// length. ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_UNSUPPORTED_TYPE (another type), or the
/// registry's error.
LSTATUS read_hklm_string(std::wstring_view key, std::wstring_view value, std::wstring& text);

/// Where the log file goes when the configuration names none: the LogDirectory registry value,
/// else %ProgramData%\ctigw\logs.
std::filesystem::path default_log_directory();
#endif

}  // namespace ctigw::tsp
