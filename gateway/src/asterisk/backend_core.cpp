#include "asterisk/backend_core.hpp"

#include <algorithm>
#include <charconv>

#include "asterisk/ext_pattern.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "server_core.hpp"  // random_hex

namespace ctigw::gateway::asterisk {

using protocol::csta_error;
using protocol::error_category;
using protocol::request;
using protocol::response;
namespace errv = protocol::error_values;
namespace svc = protocol::svc;

namespace {

/// The services this backend implements; every other one is listed as unsupported for every
/// device, so TAPI never offers it (docs/asterisk.md "What works").
constexpr std::string_view implemented[] = {"Hello",
                                            "Authenticate",
                                            "RequestSystemStatus",
                                            "MonitorStart",
                                            "MonitorStartBatch",
                                            "MonitorStop",
                                            "MonitorStopBatch",
                                            "SnapshotDevice",
                                            "SnapshotDeviceBatch",
                                            "SnapshotCall",
                                            "GetSwitchingFunctionDevices",
                                            "MakeCall",
                                            "AnswerCall",
                                            "ClearConnection",
                                            "ClearCall",
                                            "HoldCall",
                                            "RetrieveCall",
                                            "DeflectCall",
                                            "SingleStepTransfer",
                                            "TransferCall",
                                            "ConferenceCall",
                                            "ReconnectCall",
                                            "AlternateCall",
                                            "ParkCall",
                                            "GenerateDigits",
                                            "SetForwarding",
                                            "GetForwarding",
                                            "SetDoNotDisturb",
                                            "GetDoNotDisturb",
                                            "DirectedPickupCall",
                                            "GroupPickupCall",
                                            "SetAgentState",
                                            "GetAgentState",
                                            "GetQueueStatistics"};

/// What a queue (ACD group device) can do: be monitored, read, and counted.
constexpr std::string_view queue_services[] = {
    "Hello",          "Authenticate",        "RequestSystemStatus", "GetSwitchingFunctionDevices",
    "MonitorStart",   "MonitorStartBatch",   "MonitorStop",         "MonitorStopBatch",
    "SnapshotDevice", "SnapshotDeviceBatch", "GetQueueStatistics"};

response error_response(const request& r, error_category cat, std::string_view value,
                        std::string why) {
    return response{r.id, r.params.index(), csta_error{cat, std::string(value), std::move(why)}};
}

}  // namespace

std::string_view to_string(core_phase p) noexcept {
    switch (p) {
        case core_phase::down:
            return "down";
        case core_phase::resyncing:
            return "resyncing";
        case core_phase::up:
            return "up";
    }
    return "?";
}

backend_core::backend_core(core_settings settings, send_fn send, core_log log)
    : settings_(std::move(settings)),
      send_(std::move(send)),
      log_(std::move(log)),
      model_(model_hooks{settings_.station_of,
                         settings_.cause_of,
                         {settings_.services.hold_context},
                         [this](const std::string& channel) { release(channel); }},
             [this](const std::string& d, const protocol::event_body& b) { emit(d, b); }),
      features_(
          [this] {
              auto f = settings_.features;
              f.is_station = [this](std::string_view d) { return is_station(d); };
              return f;
          }(),
          [this](const std::string& d, const protocol::event_body& b) { emit(d, b); }),
      roster_(
          [this] {
              auto a = settings_.agents;
              if (!a.is_station)
                  a.is_station = [this](std::string_view d) { return is_station(d); };
              if (!a.station_of) {
                  a.station_of = [this](std::string_view iface, std::string_view state) {
                      return station_of_member(iface, state);
                  };
              }
              a.on_caller = [this](const caller_change& c) { emit_caller_events(c); };
              return a;
          }(),
          [this](const agent_change& c) { on_agent(c); }),
      instance_(detail::random_hex(8)),
      sorted_stations_(settings_.stations) {
    std::sort(sorted_stations_.begin(), sorted_stations_.end());
    settings_.services.is_station = [this](std::string_view d) { return is_station(d); };
    settings_.services.new_call_id = [this] {
        return "ctigw-" + instance_ + "-" + std::to_string(next_call_++);
    };
}

backend_core::~backend_core() {
    *alive_ = false;
}

backend_status backend_core::status() const {
    return phase_ == core_phase::up ? backend_status::up : backend_status::down;
}

bool backend_core::is_station(std::string_view device) const {
    return std::binary_search(sorted_stations_.begin(), sorted_stations_.end(), device);
}

bool backend_core::is_device(std::string_view device) const {
    return is_station(device) || is_acd_group(device);
}

std::vector<std::string> backend_core::devices_in_call(std::string_view call_id) const {
    return model_.devices_in_call(call_id);
}

std::vector<std::string> backend_core::unsupported_services(std::string_view device) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < protocol::service_count(); ++i) {
        const auto name = protocol::service_name(i);
        const bool built = std::find(std::begin(implemented), std::end(implemented), name) !=
                           std::end(implemented);
        const bool queue_ok = std::find(std::begin(queue_services), std::end(queue_services),
                                        name) != std::end(queue_services);
        if (is_acd_group(device) ? !queue_ok : name == "GetQueueStatistics") {
            out.emplace_back(name);
            continue;
        }
        // Without configured groups there is nothing a group pickup could take.
        const bool usable =
            (name != "GroupPickupCall" || !settings_.services.pickup_groups.empty()) &&
            (name != "AnswerCall" ||
             (settings_.services.can_answer && settings_.services.can_answer(device)));
        if (!built || !usable) out.emplace_back(name);
    }
    return out;
}

std::optional<csta_error> backend_core::monitor(const std::string& device) {
    if (is_device(device)) return std::nullopt;
    return csta_error{error_category::operation, std::string(errv::invalid_device_id),
                      "not a station or queue of this switch"};
}

void backend_core::transition(core_phase to, std::string_view why) {
    if (to == phase_) return;
    if (log_) {
        log_("asterisk backend: " + std::string(to_string(phase_)) + " -> " +
             std::string(to_string(to)) + ": " + std::string(why));
    }
    phase_ = to;
}

void backend_core::emit(const std::string& device, const protocol::event_body& body) {
    if (phase_ == core_phase::up && listener_ != nullptr) listener_->on_device_event(device, body);
}

// ---- the link's side ------------------------------------------------------------------------

void backend_core::on_link_up() {
    ++generation_;
    buffered_.clear();
    transition(core_phase::resyncing, "AMI logged in: reading Asterisk's state");
    resync_step(generation_, 0);
}

void backend_core::on_link_down(std::string_view reason) {
    ++generation_;
    buffered_.clear();
    const bool was_up = phase_ == core_phase::up;
    transition(core_phase::down, reason);
    if (was_up && listener_ != nullptr) {
        listener_->on_backend_status(backend_status::down, false,
                                     "AMI link lost: " + std::string(reason));
    }
}

void backend_core::on_ami_event(const ami::message& event) {
    if (phase_ == core_phase::down) return;
    if (phase_ == core_phase::resyncing) {
        if (buffered_.size() >= settings_.max_buffered_events) {
            // Too much happened while reading the truth: read it again.
            ++generation_;
            buffered_.clear();
            if (log_) log_("asterisk backend: too many events during resync; starting over");
            resync_step(generation_, 0);
            return;
        }
        buffered_.push_back(event);
        return;
    }
    apply(event);
}

/// The configured patterns first (what QueueAdd adds), then the interface or state interface
/// read as a channel name: "IAX2/2002" is the endpoint of "IAX2/2002-<unique>".
std::optional<std::string> backend_core::station_of_member(std::string_view iface,
                                                           std::string_view state) const {
    for (auto [value, pattern] : {std::pair{iface, &settings_.agents.member_interface},
                                  std::pair{state, &settings_.agents.state_interface}}) {
        if (auto ext = match_ext(value, *pattern); ext && is_station(*ext)) return ext;
    }
    for (auto value : {iface, state}) {
        if (value.empty() || !settings_.station_of) continue;
        if (auto ext = settings_.station_of(std::string(value) + "-0")) return ext;
    }
    return std::nullopt;
}

void backend_core::on_tick() {
    if (phase_ == core_phase::up) roster_.expire(settings_.now());
}

void backend_core::on_agent(const agent_change& c) {
    if (log_) {
        log_("asterisk backend: agent " + c.station + " in queue " +
             protocol::log_safe(c.queue, 80) + ": " + std::string(to_string(c.state)) +
             (c.reason.empty() ? "" : " (" + protocol::log_safe(c.reason, 80) + ")"));
    }
    if (phase_ != core_phase::up) return;
    emit_agent_events(c);
    if (settings_.on_agent) settings_.on_agent(c);
}

void backend_core::apply(const ami::message& e) {
    if (e.event() == "OriginateResponse" && e.get("Response") == "Failure") {
        model_.originate_failed(std::string(e.get("Uniqueid")));
        return;
    }
    model_.on_event(e);
    read_keys(features_.on_event(e));
    roster_.on_event(e, settings_.now());
}

void backend_core::read_keys(const std::vector<db_read>& reads) {
    for (const auto& r : reads) {
        send_("DBGet", {{"Family", r.family}, {"Key", r.key}},
              [this, alive = alive_, gen = generation_, r](const ami::action_result& res) {
                  if (!*alive || gen != generation_) return;
                  if (res.ok()) {
                      for (const auto& row : res.events) {
                          if (row.event() == "DBGetResponse") features_.on_row(row, true);
                      }
                  } else if (res.error == ami::action_error::refused) {
                      features_.on_value(r.family, r.key, std::nullopt, true);  // no such key
                  }
              });
    }
}

/// Resync, one action at a time: CoreStatus (restart detection), CoreShowChannels (calls),
/// Parkinglots and ParkedCalls (refused without res_parking: no parking), QueueStatus (refused
/// without app_queue: no agents), then the feature families. Any other failure ends the
/// attempt; the link's next login retries.
void backend_core::resync_step(std::uint64_t generation, std::size_t step) {
    constexpr std::size_t first_load = 5;
    auto next = [this, alive = alive_, generation, step](ami::action_result res) {
        if (!*alive || generation != generation_) return;
        if (!res.ok() && !(step >= 2 && res.error == ami::action_error::refused)) {
            if (log_) log_("asterisk backend: resync failed: " + res.reason);
            return;  // stays resyncing until the link goes down and up again
        }
        if (step == 0) {
            pending_instance_ = std::string(res.response.get("CoreStartupDate")) + "T" +
                                std::string(res.response.get("CoreStartupTime"));
        } else if (step == 1) {
            snapshot_.clear();
            for (auto& e : res.events) {
                if (e.event() == "CoreShowChannel") snapshot_.push_back(std::move(e));
            }
            features_.begin_load();
        } else if (step == 2) {
            lots_.clear();
            for (const auto& e : res.events) {
                if (e.event() != "Parkinglot" || e.get("Name") != settings_.parking_lot) continue;
                const auto first = ami::to_int(e.get("StartSpace"));
                const auto last = ami::to_int(e.get("StopSpace"));
                if (!first || !last) continue;
                const int from = std::max(*first, settings_.parking_first);
                const int to = std::min(*last, settings_.parking_last);
                if (from <= to) lots_.push_back({settings_.parking_lot, from, to});
            }
            if (lots_.empty() && log_) {
                log_("asterisk backend: no parking: lot \"" + settings_.parking_lot +
                     "\" is not listed with any of the configured spaces");
            }
        } else if (step == 3) {
            parked_.clear();
            for (auto& e : res.events) {
                if (e.event() == "ParkedCall") parked_.push_back(std::move(e));
            }
        } else if (step == 4) {
            queue_rows_ = std::move(res.events);
        } else {
            for (const auto& e : res.events) {
                if (e.event() == "DBGetTreeResponse" || e.event() == "VoicemailUserEntry") {
                    features_.on_row(e, false);
                }
            }
        }
        resync_step(generation, step + 1);
    };
    const auto loads = features_.load_actions();
    if (step == 0) return send_("CoreStatus", {}, std::move(next));
    if (step == 1) return send_("CoreShowChannels", {}, std::move(next));
    if (step == 2) return send_("Parkinglots", {}, std::move(next));
    if (step == 3) return send_("ParkedCalls", {}, std::move(next));
    if (step == 4) return send_("QueueStatus", {}, std::move(next));
    if (step - first_load < loads.size()) {
        const auto& a = loads[step - first_load];
        return send_(a.name, a.headers, std::move(next));
    }
    finish_resync(generation);
}

void backend_core::finish_resync(std::uint64_t generation) {
    if (generation != generation_) return;
    // The first sighting of Asterisk is not a restart; a new startup time later is.
    static constexpr std::string_view unknown = "T";
    const bool restarted = !seen_startup_.empty() && pending_instance_ != std::string(unknown) &&
                           pending_instance_ != seen_startup_;
    if (pending_instance_ != std::string(unknown)) seen_startup_ = pending_instance_;
    if (restarted) {
        model_.clear();
        instance_ = detail::random_hex(8);
    }
    model_.resync(snapshot_);
    model_.load_parked(parked_);
    model_.set_parking_lots(std::move(lots_));
    roster_.begin_load();
    const auto now = settings_.now();
    for (const auto& row : queue_rows_) roster_.on_row(row, now);
    queue_rows_.clear();
    snapshot_.clear();
    parked_.clear();
    lots_.clear();
    transition(core_phase::up,
               restarted ? "Asterisk restarted: its calls are gone" : "Asterisk's state loaded");
    if (listener_ != nullptr) {
        listener_->on_backend_status(backend_status::up, restarted,
                                     restarted ? "Asterisk restarted" : "AMI link up");
    }
    features_.end_load();
    auto pending = std::move(buffered_);
    buffered_.clear();
    for (const auto& e : pending) apply(e);
}

/// The last party of a conference the gateway built: hung up. Gone meanwhile is fine (Asterisk
/// refuses); a lost link is said, since the party then stays in its room until someone hangs up.
void backend_core::release(const std::string& channel) {
    send_("Hangup", {{"Channel", channel}, {"Cause", "16"}},
          [this, alive = alive_, channel](const ami::action_result& res) {
              if (!*alive || res.ok() || res.error == ami::action_error::refused || !log_) return;
              log_("asterisk backend: could not release " + protocol::log_safe(channel, 80) +
                   ", the last party of a conference: " + res.reason);
          });
}

// ---- services -------------------------------------------------------------------------------

void backend_core::execute(const request& r, completion done) {
    if (phase_ != core_phase::up) {
        return done(error_response(r, error_category::system_resource_availability,
                                   errv::resource_busy, "the switch is not reachable"));
    }
    if (auto read = serve_read(r)) return done(std::move(*read));
    if (auto read = serve_agent_read(r)) return done(std::move(*read));
    plan_outcome outcome = is_call_service(r) ? plan_call_service(r, model_, settings_.services)
                           : feature_store::is_feature_service(r)
                               ? features_.plan_feature_service(r)
                           : std::holds_alternative<svc::set_agent_state::params>(r.params)
                               ? plan_agent_state(std::get<svc::set_agent_state::params>(r.params))
                               : plan_outcome{csta_error{error_category::operation,
                                                         std::string(errv::service_not_supported),
                                                         "Asterisk cannot do this"}};
    if (auto* e = std::get_if<csta_error>(&outcome)) {
        return done(response{r.id, r.params.index(), std::move(*e)});
    }
    auto p = std::make_shared<plan>(std::get<plan>(std::move(outcome)));
    if (p->originate) {
        const auto& o = *p->originate;
        model_.expect_originate(o.call_id, o.calling, o.called, o.correlator);
    }
    if (p->prepare) p->prepare(model_);
    run_plan(std::move(p), 0, r.id, r.params.index(), std::move(done));
}

void backend_core::run_plan(std::shared_ptr<plan> p, std::size_t next, std::string id,
                            std::size_t index, completion done) {
    if (next == p->actions.size()) {
        // The response first: the events the service causes follow it (backend.hpp).
        done(response{std::move(id), index, std::move(p->result)});
        if (p->on_model) p->on_model(model_);
        if (p->commit) p->commit();
        return;
    }
    const auto& a = p->actions[next];
    send_(a.name, a.headers,
          [this, alive = alive_, p, next, id = std::move(id), index,
           done = std::move(done)](ami::action_result res) mutable {
              if (!*alive) return;  // the backend (and its server) are gone
              const auto& act = p->actions[next];
              if (!res.ok() && !(act.may_fail && res.error == ami::action_error::refused)) {
                  if (p->originate) model_.abandon_originate(p->originate->call_id);
                  if (p->unprepare) p->unprepare(model_);
                  const bool refused = res.error == ami::action_error::refused;
                  done(response{
                      id, index,
                      csta_error{refused ? error_category::state_incompatibility
                                         : error_category::system_resource_availability,
                                 std::string(refused ? errv::invalid_connection_state
                                                     : errv::resource_busy),
                                 res.reason}});  // the link's words: "Asterisk refused X: ..."
                  return;
              }
              run_plan(std::move(p), next + 1, std::move(id), index, std::move(done));
          });
}

std::optional<response> backend_core::serve_read(const request& r) const {
    using protocol::make_response;
    if (const auto* p = std::get_if<svc::snapshot_device::params>(&r.params)) {
        if (is_acd_group(p->device)) {
            return make_response<svc::snapshot_device>(r.id, {queue_snapshot(p->device)});
        }
        if (!is_station(p->device)) {
            return error_response(r, error_category::operation, errv::invalid_device_id,
                                  "not a station of this switch");
        }
        return make_response<svc::snapshot_device>(r.id, {model_.snapshot_device(p->device)});
    }
    if (const auto* p = std::get_if<svc::snapshot_device_batch::params>(&r.params)) {
        svc::snapshot_device_batch::result out;
        for (const auto& d : p->devices) {
            svc::snapshot_item item;
            item.device = d;
            if (is_station(d)) {
                item.connections = model_.snapshot_device(d);
            } else if (is_acd_group(d)) {
                item.connections = queue_snapshot(d);
            } else {
                item.error =
                    csta_error{error_category::operation, std::string(errv::invalid_device_id),
                               "not a station of this switch"};
            }
            out.results.push_back(std::move(item));
        }
        return make_response<svc::snapshot_device_batch>(r.id, std::move(out));
    }
    if (const auto* p = std::get_if<svc::snapshot_call::params>(&r.params)) {
        if (!model_.has_call(p->call_id)) {
            return error_response(r, error_category::operation, errv::invalid_call_id,
                                  "no call " + p->call_id + " on the switch");
        }
        return make_response<svc::snapshot_call>(
            r.id, {model_.parties(p->call_id), model_.correlator_of(p->call_id)});
    }
    if (const auto* p = std::get_if<svc::get_switching_function_devices::params>(&r.params)) {
        return list_devices(r, *p);
    }
    return std::nullopt;
}

response backend_core::list_devices(const request& r,
                                    const svc::get_switching_function_devices::params& p) const {
    // Stations, then the queues (ACD groups) app_queue has now; the cursor is "s:<index>" into
    // that list, narrowed to the category asked for.
    using protocol::device_category;
    std::vector<protocol::device_info> all;
    if (!p.category || *p.category == device_category::station) {
        for (const auto& s : settings_.stations) {
            all.push_back({s, device_category::station, std::nullopt});
        }
    }
    if (!p.category || *p.category == device_category::acd) {
        for (auto& q : roster_.queues()) {
            if (is_acd_group(q)) all.push_back({q, device_category::acd, q});
        }
    }
    std::size_t start = 0;
    if (p.cursor) {
        const auto& c = *p.cursor;
        auto [ptr, ec] = std::from_chars(c.data() + std::min<std::size_t>(2, c.size()),
                                         c.data() + c.size(), start);
        if (c.size() < 3 || c.compare(0, 2, "s:") != 0 || ec != std::errc{} ||
            ptr != c.data() + c.size() || start > all.size()) {
            return error_response(r, error_category::operation, errv::invalid_parameter_value,
                                  "/params/cursor: unknown cursor");
        }
    }
    const std::uint32_t max = std::min<std::uint32_t>(p.max_count.value_or(1000), 10000);
    if (max == 0) {
        return error_response(r, error_category::operation, errv::invalid_parameter_value,
                              "/params/maxCount: must be at least 1");
    }
    svc::get_switching_function_devices::result out;
    const std::size_t end = std::min(all.size(), start + max);
    out.devices.assign(all.begin() + static_cast<std::ptrdiff_t>(start),
                       all.begin() + static_cast<std::ptrdiff_t>(end));
    if (end < all.size()) out.next_cursor = "s:" + std::to_string(end);
    return protocol::make_response<svc::get_switching_function_devices>(r.id, std::move(out));
}

}  // namespace ctigw::gateway::asterisk
