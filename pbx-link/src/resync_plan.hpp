// One resync pass (docs/protocol.md §8): MonitorStartBatch for every device, then
// SnapshotDeviceBatch for every monitored device, in batches of at most `batch` devices with at
// most `window` batches in flight. Plus the monitor map that gates events: an event is delivered
// only once its device's snapshot (truth) has been handed over in the current pass.
//
// Thread safety: plain values; one thread (the link's I/O thread) at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/protocol/string_map.hpp"
#include "ctigw/protocol/types.hpp"

namespace ctigw::pbx_link::detail {

enum class resync_phase : std::uint8_t { monitor, snapshot, done };

class resync_plan {
  public:
    resync_plan() = default;
    resync_plan(const std::vector<std::string>& devices, std::size_t batch, std::size_t window);

    resync_phase phase() const noexcept { return phase_; }
    /// The next batch of the current phase when the window has room; nullopt otherwise.
    std::optional<std::vector<std::string>> next_batch();
    /// A monitor batch came back: `monitored` get a snapshot later, `retry` go round again
    /// (performanceLimitExceeded), the others failed for good.
    void monitor_batch_done(const std::vector<std::string>& monitored,
                            const std::vector<std::string>& retry);
    /// A snapshot batch came back; `retry` go round again.
    void snapshot_batch_done(const std::vector<std::string>& retry);
    /// Moves from monitor to snapshot (when every monitor batch is back) and to done.
    /// Returns true when the phase changed.
    bool advance();
    std::size_t in_flight() const noexcept { return in_flight_; }

  private:
    std::deque<std::string> pending_;
    std::vector<std::string> monitored_;
    std::size_t batch_ = 1;
    std::size_t window_ = 1;
    std::size_t in_flight_ = 0;
    resync_phase phase_ = resync_phase::done;
};

/// monitorRef <-> device, and which devices have had their truth in the current pass.
class monitor_map {
  public:
    void clear() {
        by_ref_.clear();
        by_device_.clear();
        ready_.clear();
        caps_.clear();
    }
    void not_ready_any() { ready_.clear(); }
    /// A device has one monitor: a new ref for it replaces the old one (whose events then drop).
    void add(const std::string& monitor_ref, const std::string& device) {
        auto [it, inserted] = by_device_.try_emplace(device, monitor_ref);
        if (!inserted && it->second != monitor_ref) {
            by_ref_.erase(it->second);
            it->second = monitor_ref;
        }
        by_ref_[monitor_ref] = device;
    }
    /// Forgets the device (its events drop from now on); its monitorRef, if it had one.
    std::optional<std::string> remove_device(const std::string& device) {
        ready_.erase(device);
        caps_.erase(device);
        auto it = by_device_.find(device);
        if (it == by_device_.end()) return std::nullopt;
        auto ref = std::move(it->second);
        by_device_.erase(it);
        by_ref_.erase(ref);
        return ref;
    }
    const std::string* device_of(const std::string& monitor_ref) const {
        auto it = by_ref_.find(monitor_ref);
        return it == by_ref_.end() ? nullptr : &it->second;
    }
    bool monitored(const std::string& device) const { return by_device_.count(device) != 0; }
    /// The capabilities of the device's latest MonitorStart result, kept until its truth.
    void set_capabilities(const std::string& device, std::optional<protocol::capabilities> caps) {
        caps_[device] = std::move(caps);
    }
    std::optional<protocol::capabilities> capabilities(const std::string& device) const {
        auto it = caps_.find(device);
        return it == caps_.end() ? std::nullopt : it->second;
    }
    void set_ready(const std::string& device) { ready_.insert(device); }
    bool ready(const std::string& device) const { return ready_.count(device) != 0; }
    std::size_t size() const noexcept { return by_ref_.size(); }

  private:
    protocol::string_map<std::string> by_ref_;
    protocol::string_map<std::string> by_device_;
    protocol::string_set ready_;
    protocol::string_map<std::optional<protocol::capabilities>> caps_;
};

}  // namespace ctigw::pbx_link::detail
