// ctigw-soak's pure decisions (logic.hpp).
#include "ctigw/soak/logic.hpp"

#include <algorithm>
#include <array>

namespace ctigw::soak {

namespace {
constexpr std::array<std::string_view, fault_kind_count> fault_names = {
    "drop",    "restart",   "gap",        "messagesLost", "delay",
    "refusal", "malformed", "heartbeats", "reorder",      "failover"};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
}  // namespace

std::string_view to_string(fault_kind kind) {
    return fault_names[static_cast<std::size_t>(kind)];
}

std::optional<fault_kind> parse_fault(std::string_view name) {
    for (std::size_t i = 0; i < fault_names.size(); ++i)
        if (fault_names[i] == name) return static_cast<fault_kind>(i);
    return std::nullopt;
}

std::vector<fault_kind> all_faults() {
    std::vector<fault_kind> out;
    for (std::size_t i = 0; i < fault_kind_count; ++i) out.push_back(static_cast<fault_kind>(i));
    return out;
}

fault_plan::fault_plan(std::vector<fault_kind> kinds, std::uint64_t seed)
    : kinds_(std::move(kinds)), rng_(seed) {}

std::optional<fault_kind> fault_plan::next() {
    if (kinds_.empty()) return std::nullopt;
    if (at_ == round_.size()) {
        round_ = kinds_;
        std::shuffle(round_.begin(), round_.end(), rng_);
        at_ = 0;
    }
    return round_[at_++];
}

std::vector<tsp_call> stale_tracker::observe(
    std::int64_t now_ms, const std::vector<tsp_call>& calls,
    const std::map<std::string, std::size_t>& switch_connections) {
    std::vector<tsp_call> out;
    std::map<std::uint64_t, std::int64_t> still;
    for (const auto& c : calls) {
        if (!c.active || !c.in_service || reported_.contains(c.key)) continue;
        const auto it = switch_connections.find(c.device);
        if (it != switch_connections.end() && it->second > 0) continue;
        const auto seen = first_seen_.find(c.key);
        const auto since = seen == first_seen_.end() ? now_ms : seen->second;
        if (now_ms - since >= grace_ms_) {
            reported_.insert(c.key);
            out.push_back(c);
        } else {
            still[c.key] = since;
        }
    }
    first_seen_ = std::move(still);  // a call that is fine again starts over
    return out;
}

memory_verdict judge_memory(const std::vector<double>& rss_mib, std::size_t warmup,
                            double limit_mib, double seconds_per_sample) {
    memory_verdict v;
    if (rss_mib.size() < warmup + 10) return v;
    const std::vector<double> run(rss_mib.begin() + static_cast<std::ptrdiff_t>(warmup),
                                  rss_mib.end());
    const std::size_t tenth = std::max<std::size_t>(run.size() / 10, 1);
    v.start_mib = median({run.begin(), run.begin() + static_cast<std::ptrdiff_t>(tenth)});
    v.end_mib = median({run.end() - static_cast<std::ptrdiff_t>(tenth), run.end()});
    v.growth_mib = v.end_mib - v.start_mib;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const auto n = static_cast<double>(run.size());
    for (std::size_t i = 0; i < run.size(); ++i) {
        const auto x = static_cast<double>(i) * seconds_per_sample / 3600.0;
        sx += x;
        sy += run[i];
        sxx += x * x;
        sxy += x * run[i];
    }
    const double den = n * sxx - sx * sx;
    v.slope_mib_per_hour = den > 0 ? (n * sxy - sx * sy) / den : 0;
    v.enough_samples = true;
    v.flat = v.growth_mib <= limit_mib;
    return v;
}

}  // namespace ctigw::soak
