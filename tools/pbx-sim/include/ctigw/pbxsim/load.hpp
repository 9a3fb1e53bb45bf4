// Load mode: outside numbers call random stations at a set rate and the simulator plays the agents
// itself through the model (answer, talk, hold, consult and transfer, blind transfer, hang up),
// so that connected clients see the event stream of a busy call centre. With ACD groups, a share
// of the calls goes to the groups instead: the generator logs their agents on, sets them ready
// and answers what the ACD delivers; callers who wait too long hang up (abandoned). Reports
// progress once a second and a summary (rates, peak active calls, memory growth) at the end.
//
// All randomness comes from one generator seeded from load_options::seed (load_decider), so a run
// makes the same decisions for the same seed; which station is free at a given moment still
// depends on timing.
//
// Thread safety: load_decider is a plain value (one thread at a time). load_generator must be
// constructed, started, stopped and destroyed on the server's thread (server.hpp); its callback
// fires there too.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ctigw/pbxsim/server.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::pbxsim {

/// What the agent does with an answered call.
enum class call_script : std::uint8_t {
    talk,                  ///< talk, then someone hangs up
    hold,                  ///< talk, hold, retrieve, talk, hang up
    consult_transfer,      ///< talk, consult another free station, it answers, transfer
    single_step_transfer,  ///< talk, blind-transfer to another free station, it answers
};
std::string_view to_string(call_script script);

/// Percentages of each script; they must add up to 100.
struct load_mix {
    std::uint32_t talk = 60;
    std::uint32_t hold = 20;
    std::uint32_t consult_transfer = 15;
    std::uint32_t single_step_transfer = 5;
};

struct load_options {
    double calls_per_second = 10.0;
    /// How long calls are offered; then the generator waits for the calls in progress.
    std::chrono::milliseconds duration{60000};
    std::uint64_t seed = 1;
    load_mix mix;
    /// Poisson arrivals (exponential gaps); false: evenly spaced.
    bool poisson = true;
    /// Ranges (inclusive) of the agents' timings.
    std::chrono::milliseconds answer_min{500}, answer_max{2000};  ///< ringing before answer
    std::chrono::milliseconds talk_min{2000}, talk_max{10000};    ///< total talk time
    std::chrono::milliseconds hold_min{1000}, hold_max{5000};     ///< time on hold
    /// After `duration`, calls still in progress get this long to finish; then they are cleared.
    std::chrono::milliseconds drain_timeout{30000};
    /// The session the agents' requests are made for (no client session uses 0).
    session_id session = 0;
    /// Percentage of calls that go to the ACD groups (0: none; the groups need listed agents).
    std::uint32_t acd_share = 0;
    /// How long an ACD caller waits before hanging up (abandon).
    std::chrono::milliseconds patience_min{20000}, patience_max{60000};
    /// Outside callers are this prefix plus six random digits.
    std::string caller_prefix = "0301";
    /// Progress to stderr: a live line once a second on a terminal, else a line every 10 s.
    bool progress = true;
    /// The stations calls go to and transfer targets come from (empty: every station of the
    /// model), so that another driver (ctigw-soak's TAPI side) can have stations of its own.
    std::vector<std::string> stations;
};

/// Checks a load_options; returns an error text or empty.
std::string validate(const load_options& options);

/// Everything the generator decides about one call, drawn when it arrives.
struct call_plan {
    call_script script = call_script::talk;
    std::string caller;
    std::chrono::milliseconds answer_after{0};   ///< the station answers
    std::chrono::milliseconds talk{0};           ///< total talk time (split around the middle)
    std::chrono::milliseconds hold{0};           ///< hold script: time on hold
    std::chrono::milliseconds second_answer{0};  ///< transfer scripts: the target answers
    std::chrono::milliseconds consult_talk{0};   ///< consult script: before completing transfer
    bool caller_hangs_up = false;                ///< else the agent clears
    bool to_acd = false;                         ///< the call goes to an ACD group
    std::chrono::milliseconds patience{0};       ///< ACD: waited this long, the caller hangs up
};

/**
 * The generator's decisions, seeded: arrival gaps, call plans and random picks. Pure (no I/O),
 * so tests can check the proportions.
 */
class load_decider {
  public:
    explicit load_decider(const load_options& options);
    /// The gap before the next arrival.
    std::chrono::microseconds next_gap();
    call_plan plan_call();
    /// A uniformly random index in [0, n); n must be > 0.
    std::size_t pick(std::size_t n);

  private:
    std::chrono::milliseconds between(std::chrono::milliseconds lo, std::chrono::milliseconds hi);

    load_options options_;
    std::mt19937_64 rng_;
};

/// The result of a load run.
struct load_summary {
    std::chrono::milliseconds elapsed{0};
    std::uint64_t offered = 0;  ///< arrivals that reached a station
    std::uint64_t blocked = 0;  ///< arrivals that found no free station (not offered)
    std::uint64_t answered = 0;
    std::uint64_t completed = 0;  ///< ran their whole script and were cleared
    std::uint64_t failed = 0;     ///< a step failed (call vanished, request refused, ...)
    std::uint64_t cut_off = 0;    ///< still running at the end and cleared by the generator
    std::uint64_t scripts[4] = {0, 0, 0, 0};  ///< offered calls per call_script
    std::uint64_t agents = 0;                 ///< ACD agents the generator logged on
    std::uint64_t acd_offered = 0;            ///< of `offered`: calls to an ACD group
    std::uint64_t acd_answered = 0;           ///< ... delivered to an agent and answered
    std::uint64_t acd_abandoned = 0;          ///< ... whose caller gave up waiting
    std::uint64_t acd_lost = 0;               ///< ... gone before an agent got them (overflow)
    std::uint64_t requests = 0;               ///< CSTA requests the agents made
    std::uint64_t requests_refused = 0;
    std::string last_refusal;       ///< "Service: category/value (message)" of the last refusal
    std::string last_failure;       ///< why the last failed call failed
    std::uint64_t events_sent = 0;  ///< to client sessions during the run
    std::size_t peak_active = 0;
    double calls_per_second = 0;   ///< offered / offering time
    double events_per_second = 0;  ///< events_sent / elapsed
    double peak_rss_mib = 0;       ///< getrusage ru_maxrss
    std::optional<double> rss_at_10s_mib;
    double rss_end_mib = 0;
};

/// The summary as printed at the end of load mode (several lines, trailing newline).
std::string format_summary(const load_summary& summary);

/// Resident set size of this process now, in MiB (/proc/self/statm), and its peak (getrusage).
double current_rss_mib();
double peak_rss_mib();

/**
 * Runs a load against the server's model. Needs the io_context the server runs on for its
 * timers (server.hpp does not expose it).
 */
class load_generator {
  public:
    load_generator(boost::asio::io_context& io, server& srv, load_options options);
    ~load_generator();
    load_generator(const load_generator&) = delete;
    load_generator& operator=(const load_generator&) = delete;

    /// Starts offering calls. `on_done` fires once, on the server's thread, after the run
    /// (duration, then drain) or after stop().
    void start(std::function<void(const load_summary&)> on_done = {});
    /// Stops offering, clears the calls still running and finishes (on_done fires).
    void stop();
    /// The counters so far.
    load_summary summary() const;
    std::size_t active_calls() const;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace ctigw::pbxsim
