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

/// monitorRef <-> device, and which monitored devices have had their truth in the current pass.
/// Readiness lives in the monitor's entry: an event finds its device and whether it may pass in
/// one lookup by its monitorRef (a second, by device name, was ~3% of the TSP's I/O thread).
class monitor_map {
  public:
    struct monitor {
        std::string device;
        bool ready = false;  ///< its truth was handed over in the current pass
    };
    void clear() {
        by_ref_.clear();
        by_device_.clear();
        caps_.clear();
    }
    void not_ready_any() {
        for (auto& entry : by_ref_) entry.second.ready = false;
    }
    /// A device has one monitor: a new ref for it replaces the old one (whose events then drop).
    /// The device's readiness carries over, to a new ref as to the same one again.
    void add(const std::string& monitor_ref, const std::string& device) {
        bool ready = false;
        auto [it, inserted] = by_device_.try_emplace(device, monitor_ref);
        if (!inserted) {
            if (auto old = by_ref_.find(it->second); old != by_ref_.end()) {
                ready = old->second.ready;
                by_ref_.erase(old);
            }
            it->second = monitor_ref;
        }
        by_ref_[monitor_ref] = monitor{device, ready};
    }
    /// Forgets the device (its events drop from now on); its monitorRef, if it had one.
    std::optional<std::string> remove_device(const std::string& device) {
        caps_.erase(device);
        auto it = by_device_.find(device);
        if (it == by_device_.end()) return std::nullopt;
        auto ref = std::move(it->second);
        by_device_.erase(it);
        by_ref_.erase(ref);
        return ref;
    }
    /// The monitor `monitor_ref` names, if it is current.
    const monitor* find(const std::string& monitor_ref) const {
        auto it = by_ref_.find(monitor_ref);
        return it == by_ref_.end() ? nullptr : &it->second;
    }
    const std::string* device_of(const std::string& monitor_ref) const {
        const monitor* m = find(monitor_ref);
        return m ? &m->device : nullptr;
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
    /// Its truth arrived: its events pass. A device without a monitor (its MonitorStart failed:
    /// its truth is that error) has no events to let through.
    void set_ready(const std::string& device) {
        auto it = by_device_.find(device);
        if (it == by_device_.end()) return;
        if (auto m = by_ref_.find(it->second); m != by_ref_.end()) m->second.ready = true;
    }
    bool ready(const std::string& device) const {
        auto it = by_device_.find(device);
        if (it == by_device_.end()) return false;
        const monitor* m = find(it->second);
        return m != nullptr && m->ready;
    }
    std::size_t size() const noexcept { return by_ref_.size(); }

  private:
    protocol::string_map<monitor> by_ref_;
    protocol::string_map<std::string> by_device_;
    protocol::string_map<std::optional<protocol::capabilities>> caps_;
};

}  // namespace ctigw::pbx_link::detail
