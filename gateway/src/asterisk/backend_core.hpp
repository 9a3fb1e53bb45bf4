// The Asterisk backend without its socket (docs/asterisk.md): the switch_backend the gateway's
// server sees, fed by the AMI link's callbacks and sending actions through a function. The real
// backend (asterisk_backend.cpp) plugs in ami::link; tests plug in a script.
//
// Phases, one machine, the only writer is transition() (logged):
//   down --link up--> resyncing --truth loaded--> up --link down--> down
// While resyncing, live events wait in a bounded buffer and are applied on top of the snapshot
// (the model derives states, so an event already reflected in the snapshot changes nothing).
//
// Thread safety: the gateway's io thread only, like every backend.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asterisk/ami_actions.hpp"
#include "asterisk/call_model.hpp"
#include "asterisk/features.hpp"
#include "asterisk/queue_roster.hpp"
#include "asterisk/services.hpp"
#include "ctigw/gateway/backend.hpp"

namespace ctigw::gateway::asterisk {

struct core_settings {
    /// Station extensions, in the order GetSwitchingFunctionDevices lists them.
    std::vector<std::string> stations;
    /// Channel name → station extension (nullopt: not a station).
    std::function<std::optional<std::string>(std::string_view channel)> station_of;
    std::function<protocol::event_cause(int q850, bool answered)> cause_of;
    service_env services;  ///< is_station and new_call_id are filled in by the core
    feature_env features;  ///< is_station is filled in by the core
    /// The res_parking lot Park uses and the spaces ctigw may park on; the lot's own range, as
    /// Parkinglots lists it at each resync, narrows them (no such lot: no park).
    std::string parking_lot = "default";
    int parking_first = 71;
    int parking_last = 78;
    /// Live events kept while a resync runs; beyond it the resync starts over.
    std::size_t max_buffered_events = 100'000;
    /// app_queue members as agents; station_of and is_station are filled in by the core when
    /// empty (the member's interface or state interface mapped like a channel name).
    roster_env agents;
    /// Each membership's agent state change, after the core logged it and sent its agent events.
    agent_sink on_agent;
    /// The clock of wrap-up timers (tests inject one).
    std::function<roster_clock::time_point()> now = [] { return roster_clock::now(); };
};

using send_fn = std::function<void(std::string action, std::vector<ami::header>, ami::completion)>;
using core_log = std::function<void(std::string_view line)>;

enum class core_phase : std::uint8_t { down, resyncing, up };
std::string_view to_string(core_phase p) noexcept;

class backend_core final : public switch_backend {
  public:
    backend_core(core_settings settings, send_fn send, core_log log = {});
    ~backend_core() override;

    // ---- switch_backend ----
    void attach(backend_listener& listener) override { listener_ = &listener; }
    std::string_view kind() const noexcept override { return "asterisk"; }
    std::string instance_id() const override { return instance_; }
    backend_status status() const override;
    bool is_device(std::string_view device) const override;
    std::vector<std::string> devices() const override { return settings_.stations; }
    std::vector<std::string> devices_in_call(std::string_view call_id) const override;
    std::size_t active_calls() const override { return model_.call_count(); }
    std::vector<std::string> unsupported_services(std::string_view device) const override;
    std::optional<protocol::csta_error> monitor(const std::string& device) override;
    void unmonitor(const std::string& /*device*/) override {}
    void execute(const protocol::request& request, completion done) override;

    // ---- the AMI link's side ----
    void on_link_up();
    void on_link_down(std::string_view reason);
    void on_ami_event(const ami::message& event);
    /// The link's periodic tick: ends due wrap-ups.
    void on_tick();

    /// app_queue's members and queues as last seen (the agent services read and plan with it).
    const queue_roster& agents() const noexcept { return roster_; }

    core_phase phase() const noexcept { return phase_; }

  private:
    void transition(core_phase to, std::string_view why);
    void resync_step(std::uint64_t generation, std::size_t step);
    void finish_resync(std::uint64_t generation);
    void apply(const ami::message& event);
    void emit(const std::string& device, const protocol::event_body& body);
    void run_plan(std::shared_ptr<plan> p, std::size_t next, std::string id, std::size_t index,
                  completion done);
    std::optional<protocol::response> serve_read(const protocol::request& request) const;
    protocol::response list_devices(
        const protocol::request& r,
        const protocol::svc::get_switching_function_devices::params& p) const;
    void release(const std::string& channel);
    void on_agent(const agent_change& change);
    bool is_station(std::string_view device) const;
    // agent_services.cpp: the call-centre services and events (docs/asterisk.md).
    bool is_acd_group(std::string_view device) const;
    void emit_agent_events(const agent_change& change);
    /// A queue's waiting callers as call events of the queue device (agent_services.cpp).
    void emit_caller_events(const caller_change& change);
    /// A queue device's connections: its waiting callers, queued (agent_services.cpp).
    std::vector<protocol::snapshot_connection> queue_snapshot(const std::string& queue) const;
    /// The device a waiting caller calls from: its station, else its caller number.
    std::string caller_device(const caller_change& c) const;
    std::optional<protocol::response> serve_agent_read(const protocol::request& request) const;
    plan_outcome plan_agent_state(const protocol::svc::set_agent_state::params& p) const;
    std::optional<std::string> station_of_member(std::string_view iface,
                                                 std::string_view state) const;
    void read_keys(const std::vector<db_read>& reads);

    core_settings settings_;
    send_fn send_;
    core_log log_;
    backend_listener* listener_ = nullptr;
    call_model model_;
    feature_store features_;
    queue_roster roster_;
    core_phase phase_ = core_phase::down;
    std::string instance_;          ///< ours (random); a new one when Asterisk restarted
    std::string seen_startup_;      ///< Asterisk's startup date and time, once known
    std::string pending_instance_;  ///< the startup time the running resync read
    std::uint64_t generation_ = 0;  ///< bumps at each link up/down: stale completions are ignored
    std::uint64_t next_call_ = 1;
    std::vector<ami::message> snapshot_;
    std::vector<ami::message> parked_;           ///< ParkedCalls items of this resync
    std::vector<call_model::parking_lot> lots_;  ///< Parkinglots of this resync
    std::vector<ami::message> queue_rows_;       ///< QueueStatus rows of this resync
    std::deque<ami::message> buffered_;
    std::vector<std::string> sorted_stations_;
    /// Set while the core runs: a completion that outlives it does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ctigw::gateway::asterisk
