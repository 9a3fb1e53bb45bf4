/**
 * @file
 * A TAPI application's agent in the soak: three lines (A, B, C) of its own and a park orbit. It
 * builds one call situation after the other through TAPI — alerting, connected, held,
 * consultation, conference, parked — dwells in it (that is when faults hit), clears everything
 * and starts over. A request that fails, an error completion, or a state that does not come in
 * time abandons the cycle (counted, with the reason) and clears up: under faults that is
 * expected; without faults it is a finding.
 *
 * The worker sees TAPI through `tapi_side` (the soak implements it over the TAPISRV stand-in).
 * Thread safety: one thread (the soak's driver) calls tick().
 */
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ctigw/tapihost/host.hpp"

namespace ctigw::soak {

enum class situation : std::uint8_t { alerting, connected, held, consultation, conference, parked };
inline constexpr std::size_t situation_count = 6;
std::string_view to_string(situation s);

/// What a worker needs from TAPI.
class tapi_side {
  public:
    virtual ~tapi_side() = default;
    /// Runs one operation (tapihost's op statement).
    virtual tapihost::op_result run(const tapihost::op_stmt& op) = 0;
    /// The calls as the TSP reported them, read once per driver tick.
    virtual const std::vector<tapihost::call_view>& calls() const = 0;
    /// The ASYNC_COMPLETION result of `id`, once it came (then forgotten).
    virtual std::optional<LONG> take_result(DRV_REQUESTID id) = 0;
    virtual void bind_name(const std::string& name, std::uint64_t key) = 0;
    /// The call a name is bound to (names given with `as` in an operation, or bind_name).
    virtual std::optional<std::uint64_t> key_of(const std::string& name) const = 0;
};

struct worker_stats {
    std::array<std::uint64_t, situation_count> completed{};
    std::array<std::uint64_t, situation_count> abandoned{};
    std::uint64_t calls_made = 0;     ///< lineMakeCall, setup transfer and unpark
    std::uint64_t requests = 0;       ///< async requests that went pending
    std::uint64_t sync_failures = 0;  ///< requests the TSP refused at once
    std::uint64_t error_completions = 0;
    std::uint64_t clear_timeouts = 0;  ///< calls still not IDLE 15 s after being dropped
    /// Why cycles were abandoned ("situation (step): reason" → count; a handful of distinct keys).
    std::map<std::string, std::uint64_t> abandon_reasons;
};

class worker {
  public:
    worker(int index, std::string a, std::string b, std::string c, std::string orbit,
           std::uint64_t seed);

    void tick(tapi_side& tapi, std::int64_t now_ms);
    /// The situation being built or held, and the step ("dwell", "answer", ...); nullopt while
    /// clearing or pausing between cycles.
    std::optional<situation> current() const;
    std::string_view phase_name() const;
    const worker_stats& stats() const { return stats_; }
    /// Stops starting new cycles (the run is ending); the current one is cleared.
    void wind_down() { winding_down_ = true; }
    bool idle() const { return phase_ == phase::pause && winding_down_; }

  private:
    enum class phase : std::uint8_t {
        pause,
        dialing,
        answering,
        holding,
        unholding,
        setting_up,
        consult_dialing,
        consult_answering,
        completing,
        parking,
        unparking,
        dwell,
        clearing
    };
    enum class next_step : std::uint8_t { drop, unhold, finish_consult, unpark };

    bool issue(tapi_side& tapi, const std::string& verb, std::vector<std::string> args,
               std::vector<std::string> names, std::int64_t now_ms);
    /// The pending request's outcome: true ok, false error, nullopt not yet.
    std::optional<bool> outcome(tapi_side& tapi);
    /// Notes the calls that exist now: new_call_on() looks past them.
    void remember_calls(const tapi_side& tapi);
    std::optional<std::uint64_t> new_call_on(const tapi_side& tapi, const std::string& line,
                                             DWORD states) const;
    std::optional<DWORD> state_of(const tapi_side& tapi, const char* role) const;
    void go(phase p, std::int64_t now_ms, std::int64_t wait_ms = 12000);
    void abandon(tapi_side& tapi, std::int64_t now_ms, const std::string& why);
    void dwell_then(next_step step, std::int64_t now_ms);
    void after_dwell(tapi_side& tapi, std::int64_t now_ms);
    void start_cycle(tapi_side& tapi, std::int64_t now_ms);
    void start_clearing(tapi_side& tapi, std::int64_t now_ms);
    void clearing(tapi_side& tapi, std::int64_t now_ms);
    std::string name(const char* role) const;

    int index_;
    std::string a_, b_, c_, orbit_;
    std::mt19937_64 rng_;
    worker_stats stats_;
    phase phase_ = phase::pause;
    situation situation_ = situation::alerting;
    next_step after_dwell_ = next_step::drop;
    std::int64_t deadline_ms_ = 0;
    std::optional<DRV_REQUESTID> pending_;
    std::optional<bool> pending_ok_;  ///< the pending request's outcome once known
    std::string last_error_;          ///< the error it completed with
    std::set<std::uint64_t> known_;   ///< calls that existed before the current dial
    bool winding_down_ = false;
};

}  // namespace ctigw::soak
