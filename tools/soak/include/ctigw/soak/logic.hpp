/**
 * @file
 * ctigw-soak's decisions, pure so that tests can pin them: which fault comes next (every kind
 * once per round, in a seeded order), which calls are stale (the TSP shows a call in a non-IDLE
 * state at a device where the switch has had no connection for a while), and whether memory
 * stayed flat (a least-squares slope and the growth between the start and the end of the run
 * after warm-up).
 *
 * Thread safety: plain values; one thread at a time.
 */
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ctigw::soak {

/// Every fault the simulator (and the soak's proxy in front of the primary endpoint) can inject.
enum class fault_kind : std::uint8_t {
    link_drop,       ///< every connection dropped without a close handshake
    switch_restart,  ///< every call and monitor lost, a new instance id
    sequence_gap,    ///< one event sequence number skipped
    messages_lost,   ///< systemStatus messagesLost
    delay,           ///< responses and events delayed (1.5 s, for a while)
    refusal,         ///< the next MakeCall / HoldCall / AnswerCall requests refused
    malformed,       ///< malformed frames on every session
    heartbeats,      ///< the switch stops answering heartbeats until the link gives up
    reorder,         ///< events of different calls reordered (for a while)
    failover,        ///< the primary endpoint refuses: the link goes to the standby and back
};
inline constexpr std::size_t fault_kind_count = 10;
std::string_view to_string(fault_kind kind);
/// The kind named `name` (as to_string writes it); nullopt when there is none.
std::optional<fault_kind> parse_fault(std::string_view name);
std::vector<fault_kind> all_faults();

/// The order faults come in: each round is every enabled kind once, shuffled by the seed.
class fault_plan {
  public:
    fault_plan(std::vector<fault_kind> kinds, std::uint64_t seed);
    /// The next fault; nullopt when no kind is enabled.
    std::optional<fault_kind> next();

  private:
    std::vector<fault_kind> kinds_;
    std::vector<fault_kind> round_;
    std::size_t at_ = 0;
    std::mt19937_64 rng_;
};

/// One call as the TSP reports it (through the TAPISRV stand-in).
struct tsp_call {
    std::uint64_t key = 0;
    std::string device;
    bool active = false;  ///< not IDLE, not closed, not waiting for its creating request
    /// The line is in service (the link is live): only then can the TSP know what the switch
    /// has. A call on a line out of service is not judged, and its grace starts over.
    bool in_service = true;
    std::string state;  ///< for the report
};

/**
 * Stale calls: a call the TSP shows as active at a device where the switch has no connection,
 * continuously for `grace_ms` while its line is in service (events in flight, a resync after a
 * fault and an application that has not dropped a DISCONNECTED call yet all make this true for a
 * moment). Each stale call is reported once.
 */
class stale_tracker {
  public:
    explicit stale_tracker(std::int64_t grace_ms) : grace_ms_(grace_ms) {}
    /// One comparison at `now_ms`: `switch_connections` is the switch's connection count per
    /// device (devices without connections may be missing). Returns the calls that became stale.
    std::vector<tsp_call> observe(std::int64_t now_ms, const std::vector<tsp_call>& calls,
                                  const std::map<std::string, std::size_t>& switch_connections);
    std::size_t suspects() const { return first_seen_.size(); }
    std::size_t reported() const { return reported_.size(); }

  private:
    std::int64_t grace_ms_;
    std::map<std::uint64_t, std::int64_t> first_seen_;
    std::set<std::uint64_t> reported_;
};

/// Memory over a run (RSS samples in MiB, one per interval).
struct memory_verdict {
    double start_mib = 0;   ///< median of the first tenth after warm-up
    double end_mib = 0;     ///< median of the last tenth
    double growth_mib = 0;  ///< end - start
    double slope_mib_per_hour = 0;
    bool enough_samples = false;
    bool flat = true;  ///< growth within the limit (always true without enough samples)
};
/// `warmup` samples are skipped; `limit_mib` is the growth allowed.
memory_verdict judge_memory(const std::vector<double>& rss_mib, std::size_t warmup,
                            double limit_mib, double seconds_per_sample);

}  // namespace ctigw::soak
