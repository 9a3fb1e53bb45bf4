// Outstanding requests: id correlation, one ordered set of deadlines (so one timer serves them
// all), the in-flight limit and the bounded queue of requests waiting for a slot or for the link
// to be live (held: bounded by their own timeout, never sent twice). Every entry
// leaves the table exactly once (take / take_expired / take_all), which is what makes each
// completion run exactly once. Pure logic: time is passed in.
//
// Thread safety: a plain value; one thread (the link's I/O thread) at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::detail {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

/// One request on the wire.
struct pending_request {
    std::string id;
    std::size_t service_index = 0;
    time_point sent{};
    time_point deadline{};
    /// Internal requests (Hello, Authenticate, batches) complete on the I/O thread and do not count
    /// towards max_requests_in_flight; user requests complete on the delivery thread.
    bool internal = false;
    completion done;
};

/// A user request not yet on the wire: waiting for an in-flight slot, or held until the link is
/// live (then `hold_deadline` is when it gives up: the switch never saw it, so failing is safe).
struct waiting_request {
    protocol::service_params params;
    completion done;
    milliseconds timeout{0};
    std::optional<time_point> hold_deadline{};
};

class request_table {
  public:
    request_table(std::size_t max_in_flight, std::size_t max_waiting);

    /// Registers a request about to be sent and returns its id ("1", "2", ...).
    std::string add(std::size_t service_index, completion done, milliseconds timeout,
                    time_point now, bool internal);
    /// Removes the request a response answers; nullopt for an unknown (or timed-out) id.
    std::optional<pending_request> take(const std::string& id);
    /// Removes every request whose deadline is at or before `now`, earliest first. The ids of
    /// user requests among them are remembered (the last max_timed_out) for a late response.
    std::vector<pending_request> take_expired(time_point now);
    /// Whether `id` is a remembered timed-out user request; forgets it (one late response).
    bool take_timed_out(const std::string& id);
    static constexpr std::size_t max_timed_out = 1024;
    /// Removes everything: the requests on the wire, then the waiting ones.
    std::vector<pending_request> take_all_pending();
    std::vector<waiting_request> take_all_waiting();
    /// The earliest deadline, for the single timer.
    std::optional<time_point> next_deadline() const;

    /// Whether a user request may go on the wire now.
    bool has_slot() const noexcept { return user_in_flight_ < max_in_flight_; }
    /// Queues a user request for a slot (or, with a hold_deadline, until the link is live); false
    /// when the queue is full (backpressure).
    bool enqueue(waiting_request w);
    /// The oldest waiting request, when a slot is free; it is no longer held.
    std::optional<waiting_request> pop_waiting();
    /// The link left `live`: every waiting request is held from now on, for its own timeout.
    void hold_waiting(time_point now);
    /// Removes the held requests whose hold deadline is at or before `now`, oldest first.
    std::vector<waiting_request> take_expired_waiting(time_point now);

    std::size_t user_in_flight() const noexcept { return user_in_flight_; }
    std::size_t in_flight() const noexcept { return by_id_.size(); }
    std::size_t waiting() const noexcept { return waiting_.size(); }

  private:
    pending_request remove(std::unordered_map<std::string, pending_request>::iterator it);
    void unhold(waiting_request& w);

    std::size_t max_in_flight_;
    std::size_t max_waiting_;
    std::uint64_t next_id_ = 1;
    std::size_t user_in_flight_ = 0;
    std::unordered_map<std::string, pending_request> by_id_;
    std::set<std::pair<time_point, std::string>> deadlines_;
    std::deque<waiting_request> waiting_;
    std::multiset<time_point> hold_deadlines_;  ///< of the held requests in waiting_
    std::deque<std::string> timed_out_;         ///< oldest first, at most max_timed_out
};

}  // namespace ctigw::pbx_link::detail
