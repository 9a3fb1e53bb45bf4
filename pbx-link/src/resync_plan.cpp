#include "resync_plan.hpp"

#include <algorithm>

namespace ctigw::pbx_link::detail {

resync_plan::resync_plan(const std::vector<std::string>& devices, std::size_t batch,
                         std::size_t window)
    : pending_(devices.begin(), devices.end()),
      batch_(std::max<std::size_t>(1, batch)),
      window_(std::max<std::size_t>(1, window)),
      phase_(resync_phase::monitor) {
    advance();
}

std::optional<std::vector<std::string>> resync_plan::next_batch() {
    if (phase_ == resync_phase::done || in_flight_ >= window_ || pending_.empty())
        return std::nullopt;
    std::vector<std::string> out;
    const auto n = std::min(batch_, pending_.size());
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(std::move(pending_.front()));
        pending_.pop_front();
    }
    ++in_flight_;
    return out;
}

void resync_plan::monitor_batch_done(const std::vector<std::string>& monitored,
                                     const std::vector<std::string>& retry) {
    if (in_flight_ > 0) --in_flight_;
    monitored_.insert(monitored_.end(), monitored.begin(), monitored.end());
    pending_.insert(pending_.end(), retry.begin(), retry.end());
}

void resync_plan::snapshot_batch_done(const std::vector<std::string>& retry) {
    if (in_flight_ > 0) --in_flight_;
    pending_.insert(pending_.end(), retry.begin(), retry.end());
}

bool resync_plan::advance() {
    if (in_flight_ != 0 || !pending_.empty()) return false;
    if (phase_ == resync_phase::monitor) {
        phase_ = resync_phase::snapshot;
        pending_.assign(monitored_.begin(), monitored_.end());
        monitored_.clear();
        if (pending_.empty()) phase_ = resync_phase::done;
        return true;
    }
    if (phase_ == resync_phase::snapshot) {
        phase_ = resync_phase::done;
        return true;
    }
    return false;
}

}  // namespace ctigw::pbx_link::detail
