// The AMI link's outstanding actions: ActionID correlation (plain responses, list actions whose
// events carry the same ActionID until `EventList: Complete`), one ordered set of deadlines (so
// one timer serves them all) and the pending limit. Every entry leaves the table exactly once
// (route / take_expired / take_all), which is what makes each completion run exactly once. Pure
// logic: time is passed in.
//
// Thread safety: a plain value; the link's io thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ami_message.hpp"

namespace ctigw::gateway::ami {

using clock = std::chrono::steady_clock;

enum class action_error : std::uint8_t {
    none,
    refused,     ///< Asterisk answered `Response: Error` (reason = its Message)
    timeout,     ///< no (complete) answer within the action timeout
    link_lost,   ///< the connection ended first
    stopped,     ///< link::stop() or the link's destruction
    queue_full,  ///< max pending actions or max queued bytes reached: never sent
    not_up,      ///< the link was not up: never sent
    invalid,     ///< the encoder refused a name or value (CR, LF, NUL, ':'): never sent
};
std::string_view to_string(action_error e) noexcept;

struct action_result {
    action_error error = action_error::none;
    /// Why, for errors; safe for a log line (Asterisk's words pass through protocol::log_safe).
    std::string reason;
    /// Asterisk's response (also for `refused`); empty for the other errors.
    message response;
    /// List actions: every event of the list, the closing `...Complete` one last.
    std::vector<message> events;
    bool ok() const noexcept { return error == action_error::none; }
};

/// Runs exactly once, on the link's io thread.
using completion = std::function<void(action_result)>;

class action_table {
  public:
    struct entry {
        std::string id;
        std::string action;
        completion done;
        clock::duration timeout{};
        clock::time_point deadline{};
        bool listing = false;  ///< `EventList: start` seen: collecting events
        action_result result;
    };

    explicit action_table(std::size_t max_pending) : max_pending_(max_pending) {}

    /// The ActionID the next add() will use ("ctigw-<n>"; unique for the table's life).
    std::string next_id() const { return "ctigw-" + std::to_string(next_ + 1); }
    /// Registers an action about to be sent under next_id(); `internal` ones (Login, Ping) do
    /// not count towards the limit.
    void add(std::string action, completion done, clock::duration timeout, clock::time_point now,
             bool internal);
    bool full() const noexcept { return user_count_ >= max_pending_; }
    std::size_t size() const noexcept { return by_id_.size(); }

    /// A message Asterisk sent. Returns true when it belonged to a pending action (a response,
    /// or an event of a list); `finished` then receives the entry when that completed it, with
    /// its result filled in. False: not ours to keep (events go to the event callback: e.g. the
    /// OriginateResponse of an Async Originate carries its ActionID).
    bool route(const message& m, clock::time_point now, std::optional<entry>& finished);

    /// Removes every entry whose deadline is at or before `now`, earliest first.
    std::vector<entry> take_expired(clock::time_point now);
    /// Removes everything.
    std::vector<entry> take_all();
    std::optional<clock::time_point> next_deadline() const;

  private:
    entry remove(std::map<std::string, entry>::iterator it);
    void restart(entry& e, clock::time_point now);

    std::size_t max_pending_;
    std::uint64_t next_ = 0;
    std::size_t user_count_ = 0;
    std::map<std::string, entry> by_id_;
    std::set<std::string> internal_;
    std::set<std::pair<clock::time_point, std::string>> deadlines_;
};

}  // namespace ctigw::gateway::ami
