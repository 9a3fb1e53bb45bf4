/**
 * @file
 * The TAPI rules the host enforces on a TSP, fed with what the host sees (pure: tests feed it
 * synthetic input):
 * - every async request completes exactly once: a second completion, a completion for an id
 *   never issued, a completion of a request that failed synchronously, a return value other
 *   than the request id or a negative LINEERR_, and (at finish()) a request never completed;
 * - a call created by a request (lineMakeCall, ...) gets no event before that request completed
 *   successfully, and none after it failed;
 * - after LINE_NEWCALL, the call's next message is LINE_CALLSTATE;
 * - no LINE_CALLINFO after the call went IDLE;
 * - no event for a call after TSPI_lineCloseCall, for an unknown htCall, or for a line/phone
 *   that is closed;
 * - every LINE_PROXYREQUEST the host routes to the proxy is answered (lineProxyResponse) exactly
 *   once: a second answer, or (at finish()) none, is a violation.
 *
 * Thread safety: none; the host calls it under its own lock.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tapihost {

class rule_checker {
  public:
    /// Called with each violation as it is found (for immediate printing); may be empty.
    explicit rule_checker(std::function<void(const std::string&)> on_violation = {});

    /// Before calling an async TSPI function with `id`. `new_calls`: host keys of the calls the
    /// request creates (their handles become valid when it completes with 0).
    void request_issued(DRV_REQUESTID id, const std::string& op,
                        const std::vector<std::uint64_t>& new_calls = {});
    /// The async function returned `rc` (must be `id` or a negative error).
    void request_returned(DRV_REQUESTID id, LONG rc);
    /// ASYNC_COMPLETION(id, result).
    void completion(DRV_REQUESTID id, LONG result);
    /// An application's agent call `tapi` (lineGetAgentStatus ...) went to the proxy as a
    /// LINE_PROXYREQUEST; TAPI returned `id` to the application.
    void proxy_request(DRV_REQUESTID id, const std::string& tapi);
    /// The proxy's lineProxyResponse for it (the application's LINE_REPLY).
    void proxy_answered(DRV_REQUESTID id, LONG result);

    /// A LINEEVENT about a call (call != 0) or the line (call == 0) of `device`.
    void line_event(const std::string& device, std::uint64_t call, DWORD msg, DWORD_PTR p1);
    /// A LINEEVENT whose htCall the host does not know.
    void unknown_call(const std::string& device, std::uintptr_t ht_call, DWORD msg);
    void phone_event(const std::string& device, DWORD msg);

    void line_opened(const std::string& device);
    void line_closed(const std::string& device);
    void phone_opened(const std::string& device);
    void phone_closed(const std::string& device);
    void call_closed(std::uint64_t call);

    /// Long runs: forget a settled request (returned, and completed or failed synchronously)
    /// and a closed call. Anything that arrives for them later is reported as unknown.
    void forget_request(DRV_REQUESTID id);
    void forget_call(std::uint64_t call);

    /// End of the session: every request still pending is a violation.
    void finish();

    const std::vector<std::string>& violations() const { return violations_; }
    bool ok() const { return violations_.empty(); }
    /// Requests issued and not completed yet.
    std::size_t pending() const;

  private:
    struct request_state {
        std::string op;
        std::vector<std::uint64_t> new_calls;
        bool returned = false;
        bool sync_failed = false;
        int completions = 0;
        bool proxy = false;  ///< a LINE_PROXYREQUEST: answered by lineProxyResponse
    };
    struct call_state {
        bool created_by_request = false;
        DRV_REQUESTID creator = 0;
        bool valid = true;            ///< false: its request failed
        bool awaiting_state = false;  ///< LINE_NEWCALL seen, no LINE_CALLSTATE yet
        bool idle = false;
        bool closed = false;
    };
    void violate(std::string text);
    std::string name(DRV_REQUESTID id) const;

    std::function<void(const std::string&)> on_violation_;
    std::vector<std::string> violations_;
    std::map<DRV_REQUESTID, request_state> requests_;
    std::map<std::uint64_t, call_state> calls_;
    std::set<std::string> open_lines_, open_phones_;
    bool finished_ = false;
};

}  // namespace ctigw::tapihost
