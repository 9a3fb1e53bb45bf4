// Load mode's decisions (seeded) and its summary; the generator itself is in load.cpp.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "ctigw/pbxsim/load.hpp"

namespace ctigw::pbxsim {

using std::chrono::microseconds;
using std::chrono::milliseconds;

std::string_view to_string(call_script script) {
    switch (script) {
        case call_script::talk:
            return "talk";
        case call_script::hold:
            return "hold";
        case call_script::consult_transfer:
            return "consult+transfer";
        case call_script::single_step_transfer:
            return "single-step transfer";
    }
    return "?";
}

std::string validate(const load_options& o) {
    if (!(o.calls_per_second > 0) || o.calls_per_second > 100000) {
        return "the call rate must be > 0 and <= 100000 calls/s";
    }
    if (o.duration <= milliseconds::zero()) return "the duration must be > 0";
    const auto& m = o.mix;
    if (m.talk + m.hold + m.consult_transfer + m.single_step_transfer != 100) {
        return "the mix percentages must add up to 100 (talk " + std::to_string(m.talk) +
               ", hold " + std::to_string(m.hold) + ", consult " +
               std::to_string(m.consult_transfer) + ", blind " +
               std::to_string(m.single_step_transfer) + ")";
    }
    const auto range_ok = [](milliseconds lo, milliseconds hi) {
        return lo >= milliseconds::zero() && lo <= hi;
    };
    if (!range_ok(o.answer_min, o.answer_max) || !range_ok(o.talk_min, o.talk_max) ||
        !range_ok(o.hold_min, o.hold_max)) {
        return "each timing range needs 0 <= min <= max";
    }
    if (o.drain_timeout < milliseconds::zero()) return "the drain timeout must be >= 0";
    if (o.acd_share > 100) return "the ACD share is a percentage (0 to 100)";
    if (!range_ok(o.patience_min, o.patience_max))
        return "the patience range needs 0 <= min <= max";
    return {};
}

// ---- decisions ---------------------------------------------------------------------------

load_decider::load_decider(const load_options& options) : options_(options), rng_(options.seed) {}

microseconds load_decider::next_gap() {
    double seconds = 1.0 / options_.calls_per_second;
    if (options_.poisson)
        seconds = std::exponential_distribution<double>(options_.calls_per_second)(rng_);
    return microseconds(static_cast<microseconds::rep>(seconds * 1e6));
}

milliseconds load_decider::between(milliseconds lo, milliseconds hi) {
    return milliseconds(
        std::uniform_int_distribution<milliseconds::rep>(lo.count(), hi.count())(rng_));
}

std::size_t load_decider::pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
}

call_plan load_decider::plan_call() {
    // Every field is drawn for every call, so each call consumes the same amount of randomness
    // and one seed gives the same sequence of plans whatever the scripts turn out to be.
    call_plan p;
    const auto roll = std::uniform_int_distribution<std::uint32_t>(0, 99)(rng_);
    const auto& m = options_.mix;
    if (roll < m.talk)
        p.script = call_script::talk;
    else if (roll < m.talk + m.hold)
        p.script = call_script::hold;
    else if (roll < m.talk + m.hold + m.consult_transfer)
        p.script = call_script::consult_transfer;
    else
        p.script = call_script::single_step_transfer;
    const auto digits = std::uniform_int_distribution<std::uint32_t>(0, 999999)(rng_);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06u", digits);
    p.caller = options_.caller_prefix + buf;
    p.answer_after = between(options_.answer_min, options_.answer_max);
    p.talk = between(options_.talk_min, options_.talk_max);
    p.hold = between(options_.hold_min, options_.hold_max);
    p.second_answer = between(options_.answer_min, options_.answer_max);
    p.consult_talk = between(options_.answer_min, options_.answer_max);
    p.caller_hangs_up = std::bernoulli_distribution(0.5)(rng_);
    p.to_acd = std::uniform_int_distribution<std::uint32_t>(0, 99)(rng_) < options_.acd_share;
    p.patience = between(options_.patience_min, options_.patience_max);
    return p;
}

// ---- memory ------------------------------------------------------------------------------

double current_rss_mib() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if (!(statm >> size >> resident)) return 0;
    const long page = ::sysconf(_SC_PAGESIZE);
    return static_cast<double>(resident) * static_cast<double>(page > 0 ? page : 4096) /
           (1024.0 * 1024.0);
}

double peak_rss_mib() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::string format_summary(const load_summary& s) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1);
    out << "load summary after " << static_cast<double>(s.elapsed.count()) / 1000.0 << " s:\n"
        << "  calls offered    " << s.offered << " (talk " << s.scripts[0] << ", hold "
        << s.scripts[1] << ", consult+transfer " << s.scripts[2] << ", single-step transfer "
        << s.scripts[3] << "); blocked (no free station) " << s.blocked << "\n"
        << "  calls completed  " << s.completed << " (answered " << s.answered << ", failed "
        << s.failed << ", cut off at the end " << s.cut_off << ")\n"
        << "  rate             " << s.calls_per_second << " calls/s, " << s.events_per_second
        << " events/s to clients (" << s.events_sent << " events)\n"
        << "  peak active      " << s.peak_active << " calls\n";
    if (s.agents > 0 || s.acd_offered > 0) {
        out << "  ACD              " << s.acd_offered << " calls to groups (answered "
            << s.acd_answered << ", abandoned " << s.acd_abandoned << ", lost " << s.acd_lost
            << "), " << s.agents << " agents\n";
    }
    out << "  requests         " << s.requests << " (refused " << s.requests_refused << ")\n";
    if (!s.last_refusal.empty()) out << "  last refusal     " << s.last_refusal << "\n";
    if (!s.last_failure.empty()) out << "  last failure     " << s.last_failure << "\n";
    out << "  memory           peak RSS " << s.peak_rss_mib << " MiB; RSS ";
    if (s.rss_at_10s_mib) {
        out << "at 10 s " << *s.rss_at_10s_mib << " MiB, at the end " << s.rss_end_mib
            << " MiB (growth " << std::showpos << s.rss_end_mib - *s.rss_at_10s_mib
            << std::noshowpos << " MiB)\n";
    } else {
        out << "at the end " << s.rss_end_mib << " MiB (run shorter than 10 s: no growth figure)\n";
    }
    return out.str();
}

}  // namespace ctigw::pbxsim
