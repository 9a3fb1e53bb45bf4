// What one session may push at the gateway: malformed frames within a tolerance (protocol.md
// §4.7) and requests within a rate (limits.requestsPerSecond). Both are counted; each is logged
// a bounded number of times per session, so that a hostile client cannot flood the log.
#include <algorithm>

#include "server_core.hpp"

namespace ctigw::gateway::detail {

using namespace protocol;

bool server_core::count_malformed(session_base& s, const std::string& why) {
    ++stats.malformed_received;
    const auto now = steady::now();
    while (!s.malformed.empty() && now - s.malformed.front() > std::chrono::minutes(1)) {
        s.malformed.pop_front();
    }
    s.malformed.push_back(now);
    // Logged once per frame up to the tolerance; beyond it the session is closed (no flood).
    log("session " + std::to_string(s.id()) + ": " + why);
    if (s.malformed.size() > options.malformed_tolerance) {
        s.close(4000, "malformed frames beyond tolerance");
        return false;
    }
    return s.state_ != session_state::closing;
}

bool server_core::admit_request(session_base& s, const request& r) {
    const auto rate = options.requests_per_second;
    if (rate == 0) return true;
    // A token bucket holding one second's worth: bursts up to the rate (a resync's batches),
    // a sustained flood gets resourceBusy without costing the backend anything.
    const auto now = steady::now();
    const double capacity = rate;
    if (s.request_credit < 0) {
        s.request_credit = capacity;
    } else {
        const std::chrono::duration<double> elapsed = now - s.credit_at;
        s.request_credit = std::min(capacity, s.request_credit + elapsed.count() * rate);
    }
    s.credit_at = now;
    if (s.request_credit >= 1) {
        s.request_credit -= 1;
        return true;
    }
    ++stats.requests_rate_limited;
    if (++s.rate_limited == 1) {
        log("session " + std::to_string(s.id()) + " (" + (s.client ? s.client->name : "?") +
            "): more than " + std::to_string(rate) +
            " requests/s, answering resourceBusy (logged once per session)");
    }
    send_response(
        s, response{r.id, r.params.index(),
                    csta_error{error_category::system_resource_availability,
                               std::string(error_values::resource_busy),
                               "more than " + std::to_string(rate) + " requests per second"}});
    return false;
}

}  // namespace ctigw::gateway::detail
