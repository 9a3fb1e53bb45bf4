// The session's decisions as pure logic (no Asio, time passed in), so that each is unit-tested
// (tests/pbx-link/session_logic_test.cpp): the resync a systemStatus asks for, how a batch's
// results sort into monitored / retry / truth / monitors to stop, the malformed-frame tolerance
// and the heartbeat check. The link (beast_link.hpp) carries out what they decide.
//
// Thread safety: plain values and pure functions; one thread (the link's I/O thread) at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/pbx_link/link.hpp"
#include "ctigw/protocol/string_map.hpp"
#include "request_table.hpp"
#include "resync_plan.hpp"

namespace ctigw::pbx_link::detail {

// ---- systemStatus (docs/protocol.md §7, §8) ----

/// A resync that a systemStatus asks for.
struct status_resync {
    std::string why;
    bool messages_lost = false;  ///< the switch itself is fine (link_down::connection_kept)
};

/// The switch's service as systemStatus reports it: after initializing or disabled the link waits
/// for enabled/normal; while disabled the resync pass is held (no batches go out).
class switch_service {
  public:
    /// A new session: the switch is presumed in service.
    void reset() noexcept { hold_ = awaiting_ = false; }
    /// The resync `status` asks for while the link is in `state`; nullopt when none (outside
    /// monitoring/resyncing/live a status changes nothing: the pass to come covers it).
    std::optional<status_resync> on_status(link_state state, protocol::system_status status);
    bool hold() const noexcept { return hold_; }

  private:
    bool hold_ = false;
    bool awaiting_ = false;
};

// ---- batch results (docs/protocol.md §5.2, §8) ----

/// A batch's results sorted. Devices no longer wanted (removed by set_devices meanwhile) get no
/// truth, and a monitor started for one is to be stopped again.
struct batch_sorting {
    std::vector<std::string> monitored;  ///< monitor batches: snapshot these next
    std::vector<std::string> retry;      ///< performanceLimitExceeded, or left out: round again
    std::vector<device_truth> truths;    ///< to hand over, in this order
    std::vector<std::string> stop_refs;  ///< monitors of devices removed meanwhile
};

/// The switch is busy, not refusing: the device goes round again.
bool retry_later(const protocol::csta_error& e);

/// The whole batch was refused: every wanted device gets the error as its truth.
batch_sorting sort_refused_batch(const std::vector<std::string>& devices,
                                 const protocol::csta_error& error,
                                 const protocol::string_set& wanted);

/// MonitorStartBatch results for `devices`; the monitors started for wanted devices are added to
/// `monitors` with their capabilities.
batch_sorting sort_monitor_batch(const std::vector<std::string>& devices,
                                 protocol::svc::monitor_start_batch::result& r,
                                 const protocol::string_set& wanted, monitor_map& monitors);

/// SnapshotDeviceBatch results for `devices`. A device whose monitor is gone (removed, or removed
/// and added again: the additions snapshot it) is skipped.
batch_sorting sort_snapshot_batch(const std::vector<std::string>& devices,
                                  protocol::svc::snapshot_device_batch::result& r,
                                  const protocol::string_set& wanted, const monitor_map& monitors);

// ---- malformed frames (docs/protocol.md §4.7) ----

/// Counts malformed frames over a sliding minute.
class malformed_window {
  public:
    explicit malformed_window(std::size_t tolerance) : tolerance_(tolerance) {}
    void clear() noexcept { times_.clear(); }
    /// Counts one at `now`; true when more than the tolerance arrived within the last minute.
    bool count(time_point now);
    std::size_t tolerance() const noexcept { return tolerance_; }

  private:
    std::size_t tolerance_;
    std::deque<time_point> times_;
};

// ---- heartbeats (docs/protocol.md §2.5) ----

/// The interval we send at: the shorter of ours and the switch's, at least 1 ms.
milliseconds heartbeat_send_interval(milliseconds ours, milliseconds switches);

enum class heartbeat_action : std::uint8_t { none, send, dead };

struct heartbeat_view {
    time_point last_received{};
    time_point last_sent{};
    bool read_paused = false;       ///< our consumer is slow: we are not reading
    std::size_t queued_writes = 0;  ///< frames waiting to be written
};

/// One tick: `dead` after `missed` intervals of silence (not while reading is paused: silence then
/// proves nothing about the switch); `send` when nothing went out for an interval and nothing is
/// waiting to be written (that frame will do).
heartbeat_action heartbeat_check(time_point now, milliseconds interval, std::uint32_t missed,
                                 const heartbeat_view& v);

}  // namespace ctigw::pbx_link::detail
