// beast_link: a new session (Hello, Authenticate), the resync pass (resync_plan: monitor, then
// snapshot, in batches), what asks for a resync (systemStatus, sequence gaps), and changes of the
// monitored set while a session runs (set_devices). The decisions are in session_logic.
#include <algorithm>
#include <iterator>
#include <string>

#include "beast_link.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::pbx_link::detail {

using namespace protocol;

// ---- Hello, Authenticate ----

void beast_link::on_ws_done(connection_base* c) {
    if (!current(c)) return;
    sm_.dispatch(link_event::ws_done, "upgrade accepted, subprotocol " + std::string(subprotocol));
    update([&](link_figures& f) {
        if (++f.connects > 1) ++f.reconnects;
    });
    seq_.reset();
    monitors_.clear();
    ++session_;  // monitorRefs belong to a session: stops of the old one are moot
    live_since_.reset();
    stable_ = false;
    stop_refs_.clear();
    stops_in_flight_ = 0;
    service_.reset();
    malformed_.clear();
    if (read_paused_) c->pause_reading();
    // Every version this build speaks, newest first: an older switch still serves us.
    svc::hello::params hello{{}, settings_.client_name, std::string("0.1.0")};
    for (auto v = protocol_version; v >= min_protocol_version; --v) hello.versions.push_back(v);
    send_internal(service_params{std::in_place_index<service_index_v<svc::hello>>, hello},
                  [this, gen = generation_](request_outcome o) { on_hello(gen, std::move(o)); });
}

void beast_link::on_hello(std::uint64_t gen, request_outcome o) {
    if (gen != generation_ || !conn_) return;
    if (!o.ok()) return session_step_failed("Hello", o);
    const auto& r = std::get<service_index_v<svc::hello>>(*o.result);
    if (r.version < min_protocol_version || r.version > protocol_version) {
        min_next_delay_ = settings_.backoff_max;
        write_log(log_level::error, "pbx-link: the switch chose protocol version " +
                                        std::to_string(r.version) + ", which was not offered");
        return drop_session(1002, "Hello", "Hello failed: version not offered");
    }
    switch_heartbeat_ = milliseconds{r.heartbeat_interval_ms};
    max_batch_ = r.max_batch_size.value_or(1000);
    if (!instance_.empty() && instance_ != r.instance_id) {
        write_log(log_level::warn, "pbx-link: switch restarted (instance " + log_safe(instance_) +
                                       " -> " + log_safe(r.instance_id) +
                                       "): every previous call is gone");
        report_down("switch restarted", true);
    }
    instance_ = r.instance_id;
    update([&](link_figures& f) {
        f.switch_instance = instance_;
        f.protocol_version = r.version;
        f.max_batch_size = static_cast<std::uint32_t>(max_batch_);
    });
    sm_.dispatch(link_event::hello_done, "version " + std::to_string(r.version) + ", switch " +
                                             log_safe(r.switch_name) + ", instance " +
                                             log_safe(r.instance_id));
    start_heartbeats();
    svc::authenticate::params auth{settings_.token};  // the token is never logged
    send_internal(service_params{std::in_place_index<service_index_v<svc::authenticate>>, auth},
                  [this, gen](request_outcome a) { on_authenticated(gen, std::move(a)); });
}

void beast_link::on_authenticated(std::uint64_t gen, request_outcome o) {
    if (gen != generation_ || !conn_) return;
    if (!o.ok()) {
        if (o.error && o.error->category == error_category::security) {
            min_next_delay_ = std::min(milliseconds{60000}, settings_.backoff_max);
        }
        return session_step_failed("Authenticate", o);
    }
    preferred_ = current_;  // stay on the endpoint that works
    sm_.dispatch(link_event::authenticated, "authenticated");
    begin_pass();
}

void beast_link::session_step_failed(const char* step, const request_outcome& o) {
    std::string why = std::string(step) + " failed: ";
    if (o.error) {
        why += std::string(to_string(o.error->category)) + "/" + log_safe(o.error->value, 64);
        if (o.error->value == error_values::unsupported_version) {
            min_next_delay_ = settings_.backoff_max;
            write_log(log_level::error, "pbx-link: no common protocol version with the switch");
        }
    } else if (o.failure) {
        why += std::string(to_string(*o.failure));
    }
    drop_session(1000, step, why);
}

// ---- what asks for a resync ----

void beast_link::on_message(system_status_message& m) {
    if (!check_seq(m.seq)) return;
    const auto status = m.status;
    deliver([this, status] { callbacks_.on_system_status(status); }, false);
    write_log(log_level::info, "pbx-link: switch status " + std::string(to_string(status)));
    if (auto r = service_.on_status(sm_.state(), status)) start_resync(r->why, r->messages_lost);
}

bool beast_link::check_seq(std::uint64_t seq) {
    const auto expected = seq_.expected();
    const auto verdict = seq_.check(seq);
    if (verdict == seq_verdict::in_order) return true;
    update([&](link_figures& f) { ++f.sequence_gaps; });
    const auto why =
        std::string(verdict == seq_verdict::gap ? "sequence gap" : "sequence went back") +
        ": expected " + std::to_string(expected) + ", got " + std::to_string(seq);
    write_log(log_level::warn, "pbx-link: " + why);
    start_resync(why, true);
    return false;
}

void beast_link::start_resync(const std::string& why, bool messages_lost) {
    const bool was_live = sm_.state() == link_state::live;
    const bool resyncing = sm_.dispatch(link_event::resync_needed, why);
    if (was_live)
        report_down(why, false, messages_lost);  // after the transition, as in lose_connection
    if (resyncing) begin_pass();
}

// ---- the resync pass ----

void beast_link::begin_pass() {
    ++generation_;  // completions of the previous pass and of additions in flight are moot
    monitors_.not_ready_any();
    // The full pass covers the whole current set, additions not yet handled included.
    extra_ = resync_plan();
    extra_waiting_.clear();
    plan_ = resync_plan(devices_, batch_limit(), settings_.batches_in_flight);
    update([&](link_figures& f) { ++f.resyncs; });
    drive_resync();
}

std::size_t beast_link::batch_limit() const {
    return std::max<std::size_t>(1, std::min<std::size_t>(settings_.batch_size, max_batch_));
}

void beast_link::drive_resync() {
    if (service_.hold()) return;
    for (;;) {
        if (plan_.phase() == resync_phase::snapshot && sm_.state() == link_state::monitoring) {
            sm_.dispatch(link_event::monitors_done, "every device monitored");
        }
        if (plan_.phase() == resync_phase::done) {
            if (sm_.state() == link_state::monitoring) {
                sm_.dispatch(link_event::monitors_done, "no device to snapshot");
            }
            return finish_pass();
        }
        while (auto b = plan_.next_batch()) send_batch(std::move(*b), false);
        if (!plan_.advance()) return;
    }
}

void beast_link::send_batch(std::vector<std::string> devices, bool extra) {
    const bool monitor = (extra ? extra_ : plan_).phase() == resync_phase::monitor;
    auto handler = [this, gen = generation_, monitor, extra, devs = devices](request_outcome o) {
        if (gen != generation_) return;  // a newer pass (or session) owns the plan
        on_batch(monitor, extra, devs, std::move(o));
    };
    if (monitor) {
        svc::monitor_start_batch::params p{std::move(devices)};
        send_internal(service_params{std::in_place_index<service_index_v<svc::monitor_start_batch>>,
                                     std::move(p)},
                      std::move(handler));
    } else {
        svc::snapshot_device_batch::params p{std::move(devices)};
        send_internal(
            service_params{std::in_place_index<service_index_v<svc::snapshot_device_batch>>,
                           std::move(p)},
            std::move(handler));
    }
}

/// A batch of the full pass (plan_) or of additions (extra_) came back. Devices removed by
/// set_devices meanwhile get no truth, and a monitor started for one is stopped again.
void beast_link::on_batch(bool monitor, bool extra, const std::vector<std::string>& devices,
                          request_outcome o) {
    if (!o.ok() && o.failure != request_failure::csta_error) {
        // Timed out (or lost): the pass cannot complete on this session.
        if (o.failure == request_failure::timeout) {
            lose_connection(std::string(monitor ? "MonitorStartBatch" : "SnapshotDeviceBatch") +
                            " timed out");
        }
        return;
    }
    batch_sorting sorted;
    if (!o.ok()) {  // the whole batch was refused
        sorted = sort_refused_batch(devices, *o.error, wanted_);
    } else if (monitor) {
        sorted = sort_monitor_batch(devices,
                                    std::get<service_index_v<svc::monitor_start_batch>>(*o.result),
                                    wanted_, monitors_);
    } else {
        sorted = sort_snapshot_batch(
            devices, std::get<service_index_v<svc::snapshot_device_batch>>(*o.result), wanted_,
            monitors_);
    }
    for (auto& ref : sorted.stop_refs) stop_refs_.push_back(std::move(ref));
    for (auto& t : sorted.truths) truth(std::move(t));
    auto& plan = extra ? extra_ : plan_;
    if (monitor) {
        plan.monitor_batch_done(sorted.monitored, sorted.retry);
    } else {
        plan.snapshot_batch_done(sorted.retry);
    }
    pump_stops();
    if (extra) {
        drive_extra();
    } else {
        drive_resync();
    }
}

void beast_link::truth(device_truth t) {
    monitors_.set_ready(t.device);
    deliver([this, t = std::move(t)] { callbacks_.on_device_truth(t); }, false);
}

void beast_link::finish_pass() {
    if (!sm_.dispatch(link_event::truth_complete, "every device has its truth")) return;
    reported_up_ = true;
    arm_stable_timer();
    idle_since_ = clock::now();
    deliver([this] { callbacks_.on_live(); }, false);
    pump_waiting();
    pump_stops();
    start_extra();  // devices added during the pass
}

// ---- the monitored set changes (set_devices) ----

void beast_link::adopt_devices(std::vector<std::string> devices) {
    std::vector<std::string> next;
    protocol::string_set wanted;
    next.reserve(devices.size());
    wanted.reserve(devices.size());
    for (auto& d : devices) {
        if (wanted.insert(d).second) next.push_back(std::move(d));
    }
    devices_ = std::move(next);
    wanted_ = std::move(wanted);
}

bool beast_link::in_session() const {
    const auto st = sm_.state();
    return conn_ && !stopping_ &&
           (st == link_state::monitoring || st == link_state::resyncing || st == link_state::live);
}

/// On the I/O thread. Outside a session the new set applies at the next pass (begin_pass). In a
/// session: removed devices lose their monitor at once (events dropped, MonitorStopBatch); added
/// ones are monitored and snapshot once live (at once when live, else after the pass in
/// progress), in batches with the same window as a resync. A pass in progress filters its
/// results against the new set (see on_batch).
void beast_link::do_set_devices(std::vector<std::string> devices) {
    const auto old_wanted = wanted_;
    const auto old_count = devices_.size();
    adopt_devices(std::move(devices));
    std::vector<std::string> added, removed;
    for (const auto& d : devices_) {
        if (!old_wanted.count(d)) added.push_back(d);
    }
    for (const auto& d : old_wanted) {
        if (!wanted_.count(d)) removed.push_back(d);
    }
    if (added.empty() && removed.empty()) return;
    write_log(log_level::info, "pbx-link: monitored devices " + std::to_string(old_count) + " -> " +
                                   std::to_string(devices_.size()) + " (" +
                                   std::to_string(added.size()) + " added, " +
                                   std::to_string(removed.size()) + " removed)");
    if (!in_session()) return;  // the next pass monitors devices_
    for (const auto& d : removed) {
        if (auto ref = monitors_.remove_device(d)) stop_refs_.push_back(std::move(*ref));
    }
    std::erase_if(extra_waiting_, [&](const std::string& d) { return !wanted(d); });
    pump_stops();
    extra_waiting_.insert(extra_waiting_.end(), added.begin(), added.end());
    if (sm_.state() == link_state::live) start_extra();
}

/// Monitors + snapshots the devices added while live (extra_waiting_); one plan at a time.
void beast_link::start_extra() {
    if (extra_.phase() != resync_phase::done || extra_waiting_.empty()) return;
    if (sm_.state() != link_state::live || !conn_) return;
    extra_ = resync_plan(extra_waiting_, batch_limit(), settings_.batches_in_flight);
    extra_waiting_.clear();
    drive_extra();
}

void beast_link::drive_extra() {
    for (;;) {
        if (extra_.phase() == resync_phase::done) return start_extra();  // more added since
        while (auto b = extra_.next_batch()) send_batch(std::move(*b), true);
        if (!extra_.advance()) return;
    }
}

/// MonitorStopBatch for the monitors of removed devices, `batches_in_flight` at a time. A
/// failure is logged only: the devices' events are dropped by the link anyway.
void beast_link::pump_stops() {
    if (!in_session()) return;
    const auto window = std::max<std::size_t>(1, settings_.batches_in_flight);
    while (stops_in_flight_ < window && !stop_refs_.empty()) {
        const auto n = std::min(batch_limit(), stop_refs_.size());
        std::vector<std::string> refs(
            std::make_move_iterator(stop_refs_.begin()),
            std::make_move_iterator(stop_refs_.begin() + static_cast<std::ptrdiff_t>(n)));
        stop_refs_.erase(stop_refs_.begin(), stop_refs_.begin() + static_cast<std::ptrdiff_t>(n));
        ++stops_in_flight_;
        svc::monitor_stop_batch::params p{std::move(refs)};
        send_internal(
            service_params{std::in_place_index<service_index_v<svc::monitor_stop_batch>>,
                           std::move(p)},
            [this, session = session_](request_outcome o) {
                if (session != session_) return;  // another session: its monitors are gone
                if (stops_in_flight_ > 0) --stops_in_flight_;
                if (!o.ok()) {
                    write_log(log_level::warn,
                              "pbx-link: MonitorStopBatch failed: " +
                                  (o.error ? o.error->value
                                           : std::string(o.failure ? to_string(*o.failure) : "?")));
                } else {
                    const auto& r = std::get<service_index_v<svc::monitor_stop_batch>>(*o.result);
                    for (const auto& item : r.results) {
                        if (item.error) {
                            write_log(log_level::debug, "pbx-link: MonitorStop " +
                                                            item.monitor_ref + ": " +
                                                            item.error->value);
                        }
                    }
                }
                pump_stops();
            });
    }
}

}  // namespace ctigw::pbx_link::detail
