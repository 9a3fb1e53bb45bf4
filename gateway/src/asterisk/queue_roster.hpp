// app_queue members as call-centre agents (docs/asterisk.md "Agents and queues").
//
// Asterisk's ACD is app_queue: an agent is a queue *member* (an interface such as
// "Local/2001@from-queue/n" or "PJSIP/2001", added with QueueAdd, removed with QueueRemove,
// paused with QueuePause and a reason). The roster mirrors every member of every queue from
// app_queue's own events (QueueMemberAdded/Removed/Pause/Status, AgentConnect/Complete/Dump) and,
// at each resync, from QueueStatus; each membership whose agent state changes is reported once.
// It also keeps what queue statistics need: the callers waiting (QueueCallerJoin/Leave/Abandon,
// QueueEntry) and the counters QueueParams reports.
//
// Agent state of one membership, first match wins:
//   no membership            -> loggedOff
//   connected to a queue call -> busy            (AgentConnect .. AgentComplete/AgentDump, InCall)
//   paused                   -> notReady(reason) (PausedReason)
//   in wrap-up               -> workingAfterCall (AgentComplete + the member's Wrapuptime, or the
//                                                 configured one: AMI does not report a queue's)
//   otherwise                -> ready
// Wrap-up has no end event in AMI: expire() ends it on the injected clock.
//
// The planners turn agent requests into AMI actions; they change nothing here, because app_queue
// answers each action with the event that does. The agent services of ctigw.csta.v1 (issue 14)
// map SetAgentState onto them and GetAgentState onto memberships()/state_of().
//
// Thread safety: none; the backend's io thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asterisk/ami_message.hpp"
#include "asterisk/services.hpp"

namespace ctigw::gateway::asterisk {

using roster_clock = std::chrono::steady_clock;

/// The protocol's agent state (docs/protocol.md §5.10): what the roster derives is what the
/// agent services report.
using agent_state = protocol::agent_state;
std::string_view to_string(agent_state s) noexcept;

/// A caller entering or leaving a queue (QueueCallerJoin, QueueCallerLeave after a
/// QueueCallerAbandon or not): the queue device's call events (docs/asterisk.md "Agents and
/// queues").
struct caller_change {
    enum class kind : std::uint8_t { joined, distributed, abandoned };
    kind what = kind::joined;
    std::string queue;
    std::string call_id;  ///< the caller channel's Linkedid (the call's key), else its Uniqueid
    std::string channel;
    std::string caller_number;  ///< CallerIDNum (may be empty)
    int position = 0;           ///< joined: the caller's place in the queue
};
using caller_sink = std::function<void(const caller_change&)>;

struct roster_env {
    /// The station a member belongs to, from its Interface and StateInterface (nullopt: not an
    /// agent of a station ctigw serves; the roster still counts it in its queue's statistics).
    std::function<std::optional<std::string>(std::string_view interface,
                                             std::string_view state_interface)>
        station_of;
    std::function<bool(std::string_view device)> is_station;
    /// What QueueAdd adds for a station ("{ext}" = the extension); FreePBX's dynamic agents.
    std::string member_interface = "Local/{ext}@from-queue/n";
    /// QueueAdd's StateInterface ("{ext}" = the extension); empty: none (app_queue then watches
    /// the interface itself).
    std::string state_interface = "hint:{ext}@ext-local";
    /// After-call work for members whose own Wrapuptime is 0 (app_queue's queue-level
    /// wrapuptime is not visible in AMI); zero: none.
    std::chrono::seconds wrapup{0};
    /// Bounds against a hostile or runaway switch: beyond them new entries are dropped (logged).
    std::size_t max_members = 20'000;
    std::size_t max_callers = 20'000;
    /// Callers joining and leaving queues (live events only; a resync reloads them silently).
    caller_sink on_caller;
};

/// One membership's new agent state.
struct agent_change {
    std::string station;
    std::string queue;
    agent_state state = agent_state::logged_off;
    std::string reason;  ///< notReady: the pause reason (may be empty)
    agent_state previous = agent_state::logged_off;
    friend bool operator==(const agent_change&, const agent_change&) = default;
};
using agent_sink = std::function<void(const agent_change&)>;

/// One member of one queue, as app_queue last reported it.
struct queue_membership {
    std::string queue;
    std::string interface;
    std::string state_interface;
    std::string name;
    std::optional<std::string> station;
    bool dynamic = true;  ///< "Membership: dynamic"; static members cannot be removed by AMI
    bool paused = false;
    std::string reason;
    bool in_call = false;
    int device_status = 0;  ///< AST_DEVICE_* (0 unknown, 1 not in use, 2 in use, 6 ringing…)
    int calls_taken = 0;
    std::int64_t login_time = 0;  ///< epoch seconds, as app_queue reports
    std::int64_t last_call = 0;
    std::chrono::seconds own_wrapup{0};
    std::optional<roster_clock::time_point> wrapup_until;

    agent_state state() const noexcept;
};

struct queue_statistics {
    std::string queue;
    std::string strategy;
    int waiting = 0;
    int logged_in = 0;
    int available = 0;  ///< ready and the device idle (what QueueSummary calls Available)
    int completed = 0;
    int abandoned = 0;
    int hold_time = 0;  ///< app_queue's running averages, seconds
    int talk_time = 0;
    std::chrono::seconds longest_wait{0};
};

class queue_roster {
  public:
    queue_roster(roster_env env, agent_sink sink);

    // ---- resync: QueueStatus ----
    /// Starts a load: what the rows do not list is gone afterwards. Silent, like the call
    /// model's resync (sessions get messagesLost and read the states again).
    void begin_load();
    /// One QueueParams, QueueMember or QueueEntry row.
    void on_row(const ami::message& row, roster_clock::time_point now);

    // ---- live ----
    /// Queue*/Agent* events; others are ignored.
    void on_event(const ami::message& event, roster_clock::time_point now);
    /// Ends the wrap-ups that are due.
    void expire(roster_clock::time_point now);
    std::optional<roster_clock::time_point> next_expiry() const;

    // ---- reads ----
    /// A station's overall state: its most engaged membership (busy > workingAfterCall > ready >
    /// notReady > loggedOff).
    agent_state state_of(std::string_view station) const;
    std::vector<queue_membership> memberships(std::string_view station) const;
    std::vector<std::string> queues() const;
    /// The callers waiting in a queue now, longest waiting first (for the queue's snapshot).
    std::vector<caller_change> waiting(std::string_view queue) const;
    bool has_queue(std::string_view queue) const;
    std::optional<queue_statistics> statistics(std::string_view queue,
                                               roster_clock::time_point now) const;

    // ---- agent requests -> AMI actions ----
    plan_outcome plan_log_on(std::string_view station, std::string_view queue, bool ready,
                             std::string_view reason) const;
    /// From one queue, or from every queue when `queue` is empty.
    plan_outcome plan_log_off(std::string_view station, std::string_view queue) const;
    /// Ready (unpause) or notReady with a reason (pause), in one queue or all of them.
    plan_outcome plan_ready(std::string_view station, std::string_view queue, bool ready,
                            std::string_view reason) const;

  private:
    using member_key = std::pair<std::string, std::string>;  // queue, interface
    struct caller {
        std::string queue;
        std::string channel;
        int position = 0;
        roster_clock::time_point since;
        std::string call_id;
        std::string number;
        bool abandoned = false;  ///< QueueCallerAbandon came: its Leave is a hang-up
    };
    struct queue_counters {
        std::string strategy;
        int completed = 0;
        int abandoned = 0;
        int hold_time = 0;
        int talk_time = 0;
    };

    void update_member(const ami::message& e, bool row);
    void end_call(const ami::message& e, roster_clock::time_point now, bool completed);
    void report(const queue_membership& before, const queue_membership* after);
    std::vector<const queue_membership*> find(std::string_view station,
                                              std::string_view queue) const;

    roster_env env_;
    agent_sink sink_;
    std::map<member_key, queue_membership> members_;
    std::map<std::string, caller, std::less<>> callers_;  // by Uniqueid
    std::map<std::string, queue_counters, std::less<>> queues_;
};

}  // namespace ctigw::gateway::asterisk
