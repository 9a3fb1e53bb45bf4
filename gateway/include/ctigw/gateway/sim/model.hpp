// The simulated switch's call model: ECMA-269 connection states per (call, device), every
// service of docs/protocol.md with the events ECMA-269 prescribes, monitors with fan-out, device
// features (forwarding, DND, message waiting, phone sets), timers, and simulated external parties.
// No I/O: the server (server.hpp) feeds it requests and carries its events to sessions.
//
// Thread safety: single-threaded. One thread (the server's strand, or a test) owns a model and
// makes every call; the event sink is called synchronously from inside those calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::sim {

using sim_clock = std::chrono::steady_clock;
using time_point = sim_clock::time_point;
using std::chrono::milliseconds;

/// Identifies a client session (one WebSocket) to the model; monitors belong to sessions.
using session_id = std::uint64_t;

/// How a simulated outside number behaves when called.
enum class external_behaviour {
    answer,              ///< alerts, answers after `delay`
    busy,                ///< Failed(busy) at once
    no_answer,           ///< alerts forever
    reject,              ///< alerts, then Failed(callNotAnswered)/cleared after `delay`
    answer_then_hangup,  ///< answers after `delay`, hangs up `hangup_after` later
};

struct external_rule {
    std::string prefix;  ///< matches dialled numbers starting with this ("" matches all)
    external_behaviour behaviour = external_behaviour::answer;
    milliseconds delay{2000};
    milliseconds hangup_after{30000};
};

struct extension_range {
    std::string first;  ///< same digit count as last
    std::string last;
};

/// An ACD group (docs/pbx-sim.md "ACD groups and agents"): a dialable device where calls wait
/// until a ready agent takes them; the longest-idle ready agent gets the oldest call.
struct acd_group_config {
    std::string device;  ///< its extension (dialable, not a station)
    std::string name;
    std::vector<std::string> agents;         ///< the stations that may log on; empty: every station
    std::uint32_t max_queued = 20;           ///< one more call overflows
    std::optional<std::string> overflow_to;  ///< where overflow goes; none: the caller gets busy
    milliseconds wrapup{10000};              ///< after-call work after each ACD call; zero: none
    friend bool operator==(const acd_group_config&, const acd_group_config&) = default;
};

struct sim_config {
    std::vector<extension_range> stations{{"2000", "2099"}};
    std::vector<std::string> park_orbits{"7001", "7002", "7003", "7004", "7005"};
    /// Pickup group name → member extensions.
    std::map<std::string, std::vector<std::string>> pickup_groups;
    /// Checked in order; numbers that are not internal devices use the first matching rule.
    std::vector<external_rule> external_rules{
        {"", external_behaviour::answer, milliseconds{2000}, milliseconds{30000}}};
    std::uint32_t max_conference_parties = 6;
    /// Transfer/conference give the surviving call a new callID (clients must follow the lists).
    bool new_call_id_on_transfer = false;
    milliseconds park_timeout{60000};  ///< then the call is recalled to the parker
    milliseconds ring_interval{4000};  ///< one ring; forwarding on no answer counts these
    std::uint32_t default_no_answer_rings = 3;
    /// Display geometry of phone sets.
    std::uint32_t display_rows = 2;
    std::uint32_t display_columns = 40;
    std::uint32_t buttons_per_phone = 12;  ///< button i has lamp i (both numbered 1..N)
    /// Hard cap on concurrent calls; beyond it call-creating services answer
    /// systemResourceAvailability/resourceBusy.
    std::size_t max_calls = 100000;
    std::vector<acd_group_config> acd_groups;
    /// What SetAgentState notReady accepts as reasonCode (TAPI's agent activities).
    std::vector<protocol::agent_reason> not_ready_reasons{
        {"break", "Break"}, {"lunch", "Lunch"}, {"training", "Training"}, {"meeting", "Meeting"}};
    /// agentID -> PIN. Empty: any agentID logs on, without a PIN.
    std::map<std::string, std::string> agent_pins;
};

/// One change of a connection's ECMA-269 LocalConnectionState, as the model's single
/// transition() function makes it (for debug logging and tests).
struct connection_transition {
    std::string call_id;
    std::string device;
    protocol::connection_state from = protocol::connection_state::null;
    protocol::connection_state to = protocol::connection_state::null;
};
using transition_observer = std::function<void(const connection_transition&)>;

/// Where the model's events go: the server routes each to the session owning the monitor.
class event_sink {
  public:
    virtual ~event_sink() = default;
    /// Called synchronously, in ECMA-269 order, once per (monitor, event).
    virtual void on_event(session_id session, const std::string& monitor_ref,
                          const protocol::event_body& body) = 0;
};

/// Counters for the load mode's summary.
struct model_stats {
    std::uint64_t calls_created = 0;
    std::uint64_t calls_cleared = 0;
    std::uint64_t events_emitted = 0;
    std::uint64_t requests_handled = 0;
    std::uint64_t requests_refused = 0;  ///< answered with a CSTA error
    std::size_t active_calls = 0;
    std::size_t monitors = 0;
};

class switch_model {
  public:
    switch_model(sim_config config, event_sink& sink);
    ~switch_model();
    switch_model(const switch_model&) = delete;
    switch_model& operator=(const switch_model&) = delete;

    // ---- the protocol side ----

    /// Executes one service for `session` at time `now` and returns its response. Events caused
    /// by the service are emitted to the sink *during* this call; the server sends the response
    /// first, then those events. Hello and Authenticate are the server's business and are
    /// refused here with operation/generic.
    protocol::response handle(session_id session, const protocol::request& request, time_point now);
    /// Whether `request` is a read the model answers from its state alone: GetForwarding,
    /// GetDoNotDisturb, GetDisplay, GetHookswitchStatus, GetLampMode, GetRingerStatus,
    /// GetButtonInformation (GetDeviceStatusBatch's reads).
    static bool is_read(const protocol::request& request);
    /// Answers such a read as handle() would, without a time: it changes nothing and raises no
    /// event, so there is nothing to settle after it. std::nullopt for any other service.
    std::optional<protocol::response> read(session_id session, const protocol::request& request);
    /// GetDeviceStatusBatch's `reads` of `device` straight into `item`, each as read() would
    /// answer its Get* service (successes stored, failures in item.errors; lamps through the
    /// buttons, which are kept only when `buttons` is among the reads). Without a request and a
    /// response per read: a phone's ~16 of them were most of a status batch's cost here.
    void read_status(session_id session, const std::string& device,
                     std::span<const protocol::status_read> reads,
                     protocol::device_status_item& item);

    /// Drops every monitor of a closed session.
    void session_closed(session_id session);

    /// MonitorStart and MonitorStop without building a request and unpacking its response, for
    /// the gateway's backend (sim_backend), which monitors each device once for every client
    /// (the request, its dispatch and its response were ~5-8% of a monitor start's or stop's
    /// samples at 100,000 devices). The monitorRef or the error MonitorStart would answer;
    /// stop_monitor's error is MonitorStop's.
    std::variant<std::string, protocol::csta_error> start_monitor(session_id session,
                                                                  const std::string& device);
    std::optional<protocol::csta_error> stop_monitor(session_id session, const std::string& ref);

    // ---- time ----

    /// The earliest pending timer (ring counting, external parties, park recall, ...).
    std::optional<time_point> next_deadline() const;
    /// Runs every timer due at or before `now`, in deadline order.
    void advance_to(time_point now);

    // ---- control (scenario files, the console, the load generator) ----

    /// An outside number calls `to` (an internal device, or a pickup group's member...), with
    /// its name when not empty (callingName of the call's events). Returns the new callID, or an
    /// error text.
    std::variant<std::string, std::string> external_call(const std::string& from,
                                                         const std::string& to, time_point now,
                                                         const std::string& calling_name = {});
    /// A device does something at the phone itself (not through CSTA): "offhook", "onhook",
    /// "answer", "hold", "retrieve", "dial <number>", "dtmf <digits>" (far-end digits towards the
    /// device's active call), "press <button>". Returns an error text or empty.
    std::string device_action(const std::string& device, const std::string& action, time_point now);
    /// An outside party of `call_id` hangs up.
    std::string external_hangup(const std::string& call_id, time_point now);
    /// The switch restarts: every call, monitor and feature setting is lost.
    void restart();

    // ---- inspection ----

    /// The connections of a device, as SnapshotDevice reports them.
    std::vector<protocol::snapshot_connection> snapshot(const std::string& device) const;
    bool is_device(const std::string& device) const;
    std::vector<std::string> stations() const;
    /// Every device: stations, park orbits, pickup groups, ACD groups (GetSwitchingFunctionDevices'
    /// order).
    std::vector<std::string> devices() const;
    /// The devices with a connection in the call; empty when the call does not exist.
    std::vector<std::string> devices_in_call(const std::string& call_id) const;
    model_stats stats() const;
    const sim_config& config() const;
    /// Every connection state change is reported here (synchronously), e.g. for debug logging.
    void set_transition_observer(transition_observer observer);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::gateway::sim
