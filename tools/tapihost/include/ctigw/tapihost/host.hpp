/**
 * @file
 * The TAPISRV stand-in: drives a TSP loaded with dlopen the way the Windows Telephony service
 * does (tspi.md §3): version negotiation, EnumDevices (keeping the LINE_CREATE/PHONE_CREATE
 * procs), Init with device id bases and the ASYNC_COMPLETION proc, per device negotiation and
 * caps, lineOpen/phoneOpen with the event procs, status messages, LINE_NEWCALL handle exchange,
 * async request bookkeeping, lineCloseCall for IDLE calls, close and shutdown.
 *
 * Every callback becomes an `event` in one log (printed at once, matched by the runner) and is
 * checked against the TAPI rules (checker.hpp).
 *
 * Threading: the TSP calls the callbacks on its own threads; they take the host lock briefly and
 * never call the TSP. Operations (run()) are called from one thread (the runner or console); they
 * never hold the host lock while calling the TSP. A maintenance thread handles LINE_CREATE /
 * LINE_REMOVE / LINE_CLOSE (TAPISRV also does these later, not inside the callback) and closes
 * IDLE calls. Only one host may exist per process (the TSPI callbacks carry no context).
 */
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ctigw/tapihost/checker.hpp"
#include "ctigw/tapihost/loader.hpp"
#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {

class agent_router;
class line_op;

struct host_options {
    std::string tsp_path;
    DWORD provider_id = 1;
    DWORD line_base = 0;
    DWORD phone_base = 1000;
    bool open_lines = true;  ///< open every line at start (and every created one)
    bool open_phones = true;
    /// IDLE calls are closed (TSPI_lineCloseCall) this long after IDLE; nullopt: only at exit
    /// or by `closecall`.
    std::optional<std::chrono::milliseconds> idle_close = std::chrono::milliseconds(1000);
    bool verbose = false;
    /// Print PHONE_STATE events (lamps, display, ringer, hookswitch ...: a dozen lines a phone
    /// around every call). Off: the printed timeline shows the call flow; the events are logged
    /// and matched (`expect phone`) all the same, and a MISMATCH shows them.
    bool phone_detail = false;
    /// Where output lines go (thread-safe; called with one line, no newline).
    std::function<void(const std::string&)> print;
    /// Long runs (ctigw-soak): keep only about the newest `log_limit` events (0: every event, as
    /// the runner's matcher needs), and forget settled requests and closed calls. The rules
    /// still hold: a late completion or event for a forgotten one is an unknown id / htCall.
    std::size_t log_limit = 0;
    /// Called with each ASYNC_COMPLETION (id, result) under the host lock: must not call the host.
    std::function<void(DRV_REQUESTID, LONG)> on_completion;
};

/// A call as the host sees it (call_views()).
struct call_view {
    std::uint64_t key = 0;  ///< N of its name call#N (console)
    std::string name;       ///< its latest name: the `as` name, else call#N
    std::string line;       ///< the line's extension
    DWORD state = 0;        ///< the last LINE_CALLSTATE (0 before the first)
    bool closed = false;
    bool pending_create = false;
};

/// Counters of a host (counters()).
struct host_counters {
    std::uint64_t events = 0;          ///< every event logged since start
    std::size_t pending_requests = 0;  ///< async requests issued and not completed
    std::size_t calls = 0;             ///< calls the host remembers
    std::size_t violations = 0;
};

/// The outcome of one operation.
struct op_result {
    DRV_REQUESTID id = 0;  ///< the operation's id (async requests: the dwRequestID)
    LONG rc = 0;           ///< what the function returned (async: id when pending)
    bool async = false;
    bool pending = false;  ///< async and not failed synchronously
    std::string error;     ///< host-side error (unknown line, call closed...): nothing was called
};

/// An application's agent request as the host's TAPISRV routed it (`expect result`).
struct agent_outcome {
    DRV_REQUESTID id = 0;
    std::string verb;
    bool answered = false;  ///< the proxy called lineProxyResponse
    LONG result = 0;
    std::map<std::string, std::string> fields;  ///< what it returned (lower-case names)
};

class host {
  public:
    explicit host(host_options options);
    ~host();
    host(const host&) = delete;
    host& operator=(const host&) = delete;

    /// dlopen + dlsym; prints which optional functions are missing. Returns an error text.
    std::string load();
    /// Negotiation, EnumDevices, Init, caps, opens. Returns an error text.
    std::string start();
    /// Waits up to `settle` for outstanding completions, closes calls, lines, phones, shuts the
    /// provider down and finishes the rule check. Idempotent.
    void stop(std::chrono::milliseconds settle = std::chrono::milliseconds(2000));

    /// Runs one operation statement (names already validated by the parser).
    op_result run(const op_stmt& op);
    /// The line operations run() has a handler for (its verb table, host_ops.cpp); `phone` and
    /// the agent verbs are dispatched before it.
    static std::vector<std::string_view> line_verbs();

    // ---- for the runner ----
    /// Calls `fn` with the event log under the host lock.
    void with_log(const std::function<void(const std::vector<event>&)>& fn) const;
    /// Waits until the log has more than `known` events or `deadline` passes.
    void wait_for_events(std::size_t known, std::chrono::steady_clock::time_point deadline) const;
    /// Names a call (rebinding the name if it was used before).
    void bind_name(const std::string& name, std::uint64_t call);
    /// A call by its `as` name (the latest binding) or as `call#N`, N being the number the host
    /// gave it (every call has one, renamed or not, as long as the host remembers the call).
    std::optional<std::uint64_t> call_by_name(const std::string& name) const;
    std::string call_name(std::uint64_t call) const;
    /// Resolves a line token (extension, name or #id) to its extension as events carry it.
    std::optional<std::string> line_device(const std::string& token) const;
    std::optional<std::string> phone_device(const std::string& token) const;
    /// Whether a line's LINEDEVSTATUS has LINEDEVSTATUSFLAGS_INSERVICE; nullopt with `error`
    /// when it cannot be read.
    std::optional<bool> line_in_service(const std::string& line, std::string* error);
    /// The feature bits TAPI would read now (host_features.cpp): `where` is devcaps
    /// (LINEDEVCAPS.dwLineFeatures), addresscaps (LINEADDRESSCAPS.dwCallFeatures), devstatus
    /// (LINEDEVSTATUS.dwLineFeatures), addressstatus (LINEADDRESSSTATUS.dwAddressFeatures) or
    /// callstatus (LINECALLSTATUS.dwCallFeatures of `call`). nullopt with `error` when unreadable.
    std::optional<std::uint32_t> features(const std::string& line, const std::string& where,
                                          std::uint64_t call, std::string* error);
    /// LINECALLINFO of a call as field → text (fields of call_info_value_fields()).
    std::optional<std::map<std::string, std::string>> call_info_values(std::uint64_t call,
                                                                       std::string* error);
    /// The id of the last operation run, and the earliest not yet claimed operation with this
    /// verb or TSPI name. Both claim the operation they return (so `expect completion last`
    /// followed by `expect completion <verb>` looks past it). nullopt when none.
    std::optional<DRV_REQUESTID> last_op();
    std::optional<DRV_REQUESTID> claim_op(const std::string& verb_or_tspi);
    /// For a non-directed park run with an expected orbit that completed OK: {expected, the
    /// address the TSP wrote into lpNonDirAddress}.
    std::optional<std::pair<std::string, std::string>> park_check(DRV_REQUESTID id) const;
    std::string op_name(DRV_REQUESTID id) const;
    /// Prints a line (under the host lock, so it sorts with the events).
    void note(const std::string& text);
    /// Seconds since start.
    double now() const;
    /// Lines, phones and calls with their states (console `status`).
    std::string status_text();
    /// Rule violations so far.
    std::vector<std::string> violations() const;
    /// The latest agent request with this verb ("last": any); nullopt when none was run.
    std::optional<agent_outcome> agent_result(const std::string& verb) const;
    const tsp_library& library() const { return lib_; }
    /// Every call the host remembers (host_longrun.cpp).
    std::vector<call_view> call_views() const;
    host_counters counters() const;

    // TSPI callbacks (public for the C trampolines).
    void on_line_event(HTAPILINE ht_line, HTAPICALL ht_call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                       DWORD_PTR p3);
    void on_phone_event(HTAPIPHONE ht_phone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
    void on_completion(DRV_REQUESTID id, LONG result);

  private:
    friend class agent_router;  // plays TAPISRV's proxy routing on the host's lines (agents.hpp)
    friend class line_op;       // one line operation and its verb's handler (host_ops.cpp)

    struct line_dev {
        DWORD device_id = 0;
        std::string extension;  ///< the address, else the line name
        std::string name;
        DWORD version = 0;
        HDRVLINE hd = nullptr;
        bool open = false;
        bool removed = false;
        DWORD permanent_id = 0;
    };
    struct phone_dev {
        DWORD device_id = 0;
        std::string extension;
        std::string name;
        DWORD version = 0;
        HDRVPHONE hd = nullptr;
        bool open = false;
        bool removed = false;
    };
    struct call_rec {
        std::uint64_t key = 0;
        std::string name;
        std::size_t line = 0;  ///< index in lines_
        HDRVCALL hd = nullptr;
        DWORD state = 0;
        DWORD mode = 0;
        bool pending_create = false;  ///< its creating request has not completed yet
        bool closed = false;
        bool closing = false;  ///< TSPI_lineCloseCall is running (its events are still valid)
        std::optional<std::chrono::steady_clock::time_point> idle_since;
    };
    struct op_rec {
        DRV_REQUESTID id = 0;
        std::string verb;
        std::string tspi;
        bool async = false;
        bool claimed = false;
        bool completed = false;
        bool returned = false;  ///< the TSPI function returned (async_call) or it was synchronous
        std::vector<std::uint64_t> new_calls;
    };
    struct task {
        enum class kind {
            create_line,
            create_phone,
            remove_line,
            remove_phone,
            close_line,
            close_phone
        } what;
        DWORD_PTR id = 0;  ///< temp id / device id / line index
    };

    void print_locked(const std::string& text);
    event& push_locked(event e);
    void violation(const std::string& text);
    std::uint64_t new_call_locked(std::size_t line, const std::string& name, bool pending);
    std::string call_label_locked(std::uint64_t key) const;
    std::optional<std::uint64_t> call_key_locked(const std::string& name) const;
    std::optional<std::size_t> line_index_locked(const std::string& token) const;
    std::optional<std::size_t> phone_index_locked(const std::string& token) const;

    void setup_line(std::size_t index);
    void setup_phone(std::size_t index);
    bool open_line(std::size_t index);
    bool open_phone(std::size_t index);
    void close_line(std::size_t index);
    void close_phone(std::size_t index);
    /// TSPI_lineCloseCall unless the call is closed already (nullopt then).
    std::optional<LONG> close_call(std::uint64_t key, const char* why);
    void maintenance();
    void post(task t);
    /// Long runs: forgets completed requests and closed calls (host_longrun.cpp).
    void prune_locked();

    // op helpers
    DRV_REQUESTID next_id_locked() { return next_request_++; }
    op_result sync_result(const std::string& verb, const std::string& tspi, LONG rc);
    op_result async_call(const std::string& verb, const std::string& tspi,
                         const std::vector<std::uint64_t>& new_calls,
                         const std::function<LONG(DRV_REQUESTID)>& fn);
    op_result run_phone(const op_stmt& op);
    void print_call_info(std::uint64_t key);
    void print_call_status(std::uint64_t key);
    void print_dev_status(std::size_t line);
    void print_address_status(std::size_t line);

    host_options options_;
    tsp_library lib_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    DWORD version_ = 0;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<event> log_;
    std::uint64_t events_total_ = 0;    ///< seq of the next event (log_ may be trimmed)
    bool phone_detail_hidden_ = false;  ///< a PHONE_STATE was not printed (said once)
    rule_checker checker_;
    std::vector<line_dev> lines_;
    std::vector<phone_dev> phones_;
    std::map<std::uint64_t, call_rec> calls_;
    std::map<std::string, std::uint64_t> names_;
    std::uint64_t next_call_ = 1;
    DRV_REQUESTID next_request_ = 1;
    std::map<DRV_REQUESTID, op_rec> ops_;
    DRV_REQUESTID last_op_ = 0;
    DWORD next_line_id_ = 0;
    DWORD next_phone_id_ = 0;
    bool initialized_ = false;
    bool stopped_ = false;

    /// linePark(NONDIRECTED) output buffers: they must outlive their requests.
    std::vector<std::shared_ptr<std::vector<unsigned char>>> park_buffers_;
    std::map<DRV_REQUESTID, std::shared_ptr<std::vector<unsigned char>>> park_requests_;
    std::map<DRV_REQUESTID, std::string> park_expected_;  ///< `park <call> nondirected <orbit>`
    std::map<DRV_REQUESTID, std::string> parked_at_;      ///< lpNonDirAddress at completion

    std::deque<task> tasks_;
    bool quit_ = false;
    std::thread worker_;
    /// The in-process proxy; set in start() before any callback may reach it, reset in stop().
    std::unique_ptr<agent_router> agents_;
};

}  // namespace ctigw::tapihost
