// Private state of switch_model (model.hpp): devices, calls with their connections, monitors,
// feature settings and timers, plus the helpers shared by model.cpp (devices, monitors, timers,
// dispatch), model_calls.cpp (call control) and model_features.cpp (park/pickup, data, features,
// phone sets, control actions). docs/pbx-sim.md describes the behaviour.
//
// Thread safety: none; owned by the single thread that drives the switch_model.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "ctigw/gateway/sim/model.hpp"
#include "ctigw/protocol/string_map.hpp"

namespace ctigw::gateway::sim {

using protocol::connection_state;
using protocol::csta_error;
using protocol::error_category;
using protocol::event_cause;

enum class device_kind : std::uint8_t { station, park, pickup_group, acd_group };

enum class timer_kind : std::uint8_t {
    external_answer,    ///< an outside party answers
    external_reject,    ///< an outside party rejects (Failed callNotAnswered)
    external_hangup,    ///< an outside party hangs up
    no_answer_forward,  ///< forwarding on no answer fires
    park_recall,        ///< a parked call returns to the parker
    wrapup_end,         ///< an agent's after-call work ends (no call: `device` is the station)
};

/// Deadline plus a sequence number: unique, and equal deadlines fire in creation order.
using timer_key = std::pair<time_point, std::uint64_t>;

struct timer_rec {
    timer_kind kind = timer_kind::external_answer;
    std::string call_id;
    std::string device;
};

/// One connection: the relationship of a call with one device (internal or outside).
struct party {
    std::string device;
    connection_state state = connection_state::null;  ///< written only by impl::transition()
    bool external = false;
    event_cause alert_cause = event_cause::normal;  ///< reported by Established when answered
    std::optional<timer_key> timer;                 ///< at most one pending timer per connection
    std::uint64_t alert_seq = 0;                    ///< orders alerting calls (pickup: oldest)
    std::optional<external_rule> rule;              ///< outside parties: their behaviour
};

struct call_rec {
    std::string id;
    std::vector<party> parties;  ///< join order; fan-out follows it
    std::string calling_device;
    std::string called_device;
    /// The outside caller's name (external_call), sent with calling_device as callingName.
    std::optional<std::string> calling_name;
    std::optional<std::string> last_redirection;
    std::optional<protocol::byte_string> correlator;
    /// MakeCall with autoOriginate false: dialled once the calling device answers.
    std::optional<std::string> pending_destination;
    std::optional<std::string> parked_by;
    std::uint32_t redirections = 0;  ///< forwarding hops, bounded by max_redirections
    // ACD: the group the call waited in, since when, the agent it went to and when it answered.
    std::string acd_group;
    time_point queued_at{};
    std::string acd_agent;
    std::optional<time_point> answered_at;
};

/// One station's agent (model_agents.cpp). One state for all its groups, as most ACDs keep it;
/// events and GetAgentState report it per group.
struct agent_rec {
    std::optional<std::string> agent_id;
    std::vector<std::string> groups;  ///< logged on to, in log-on order
    protocol::agent_state state = protocol::agent_state::logged_off;
    std::optional<protocol::agent_state> pending;  ///< taken when the ACD call ends
    std::string reason;                            ///< notReady
    time_point idle_since{};                       ///< longest idle gets the next call
    std::optional<timer_key> wrapup_timer;
};

/// One ACD group's counters (GetQueueStatistics).
struct acd_rec {
    acd_group_config config;
    std::uint32_t completed = 0;
    std::uint32_t abandoned = 0;
    std::uint32_t overflowed = 0;
    std::chrono::milliseconds wait_total{0};  ///< of the answered calls
    std::chrono::milliseconds talk_total{0};
};

/// An ACD call that left its agent (the agent's next state is settled after the events).
struct acd_leave {
    std::string station;
    std::string group;
    time_point queued_at{};
    std::optional<time_point> answered_at;
};

struct station_features {
    /// forwardImmediate, forwardBusy, forwardNoAns (the types the simulator supports).
    std::array<protocol::forwarding_entry, 3> forwarding{};
    bool do_not_disturb = false;
    bool message_waiting = false;
    std::optional<std::string> device_for_message;
};

struct phone_set {
    std::u32string display;  ///< rows*columns characters (code points; UTF-8 on the wire)
    std::array<protocol::hookswitch_mode, 3> hookswitch{};  ///< by hookswitch_type
    std::vector<protocol::lamp_mode> lamps;                 ///< lamp i at index i-1
    protocol::ringer_mode ringer = protocol::ringer_mode::not_ringing;
    std::uint32_t volume = 50;
};

struct device_state {
    device_kind kind = device_kind::station;
    std::vector<std::string> calls;                            ///< callIDs, arrival order
    std::vector<std::pair<session_id, std::string>> monitors;  ///< (session, monitorRef)
    std::unique_ptr<station_features> features;                ///< created on first use
    std::unique_ptr<phone_set> phone;                          ///< created on first use
};

struct monitor_rec {
    session_id session = 0;
    std::string device;
};

inline constexpr std::uint32_t max_redirections = 5;
inline constexpr std::size_t max_monitors = 1'000'000;
inline constexpr std::size_t max_correlator_bytes = 4096;
inline constexpr std::string_view trunk_name = "trunk-1";

csta_error make_error(error_category category, std::string_view value, std::string message);
/// stateIncompatibility/`value`: the device or connection is not in a state the service needs.
csta_error bad_state(std::string_view value, std::string message);
/// operation/valueOutOfRange: a parameter the model cannot take (the message names it).
csta_error out_of_range(std::string message);

/// A non-empty string of ASCII digits (extension ranges, list cursors).
bool all_digits(std::string_view s);
/// The value of a digit string (all_digits); 0 if it does not fit.
std::uint64_t to_number(std::string_view s);

template <class S>
using outcome = std::variant<typename S::result, csta_error>;

struct switch_model::impl {
    impl(sim_config cfg, event_sink& event_sink);

    sim_config config_;
    event_sink& sink_;
    transition_observer observer_;

    /// Built at start and at a restart only: find_device() pointers stay valid in between.
    protocol::string_map<device_state> devices_;
    std::array<std::vector<protocol::device_info>, 4> device_lists_;  ///< by device_kind
    std::vector<std::string> station_ids_;
    std::unordered_map<std::string, std::string> group_of_;  ///< station → its first group

    std::unordered_map<std::string, call_rec> calls_;
    protocol::string_map<monitor_rec> monitors_;
    std::unordered_map<session_id, protocol::string_map<std::string>>
        session_monitors_;  ///< device → ref
    std::map<timer_key, timer_rec> timers_;

    std::unordered_map<std::string, agent_rec> agents_;  ///< by station
    std::map<std::string, acd_rec, std::less<>> acd_;    ///< by group device
    std::vector<acd_leave> acd_left_;                    ///< settled by settle_acd()

    std::uint64_t next_call_ = 1;     ///< never reset: callIDs are never reused
    std::uint64_t next_monitor_ = 1;  ///< never reset
    std::uint64_t next_timer_seq_ = 1;
    std::uint64_t next_alert_seq_ = 1;
    model_stats stats_{};

    // ---- model.cpp: devices, monitors, state machine, events, timers ----
    void build_devices();
    device_state* find_device(const std::string& id);
    const device_state* find_device(const std::string& id) const;
    device_state* find_station(const std::string& id);
    bool is_busy(const std::string& device) const;
    /// The device's call when its only non-held connection is `initiated` (off-hook, dial
    /// tone): MakeCall dials it (docs/protocol.md "Dialling from a lifted handset").
    call_rec* dial_tone_call(const std::string& device);
    bool is_dialable(const std::string& number) const;
    const external_rule* match_rule(const std::string& number) const;
    std::optional<csta_error> check_destination(const std::string& number,
                                                const std::string& from) const;
    station_features& features(device_state& dev);
    phone_set& phone(device_state& dev);

    call_rec& new_call(std::string calling, std::string called);
    std::string fresh_call_id();
    void destroy_call(const std::string& call_id);
    static party* find_party(call_rec& call, const std::string& device);
    static const party* find_party(const call_rec& call, const std::string& device);
    call_rec* find_call(const std::string& call_id);
    party& add_party(call_rec& call, const std::string& device, bool external);
    void remove_party(call_rec& call, const std::string& device);
    /// The one writer of party::state (ECMA-269 LocalConnectionState machine).
    void transition(const call_rec& call, party& p, connection_state to);
    std::vector<protocol::snapshot_connection> snapshot(const std::string& device) const;

    void deliver(const std::string& device, const protocol::event_body& body);
    /// CallInformation with the call's correlator data to every internal party (each gets its
    /// own connection): after AssociateData, and after a transfer or conference joined a party
    /// to a call whose data it has not seen.
    void send_call_information(const call_rec& c);
    template <class E>
    void emit(const call_rec& call, E event, const std::vector<std::string>& departed = {});
    template <class E>
    void emit_device(const std::string& device, E event);

    void arm_timer(call_rec& call, party& p, timer_kind kind, time_point at);
    void cancel_timer(party& p);
    void fire(const timer_rec& timer, time_point at);

    protocol::response dispatch(session_id session, const protocol::request& request,
                                time_point now);

    // ---- model.cpp: monitoring and snapshot services ----
    outcome<protocol::svc::monitor_start> serve(session_id,
                                                const protocol::svc::monitor_start::params&,
                                                time_point);
    outcome<protocol::svc::monitor_start_batch> serve(
        session_id, const protocol::svc::monitor_start_batch::params&, time_point);
    outcome<protocol::svc::monitor_stop> serve(session_id,
                                               const protocol::svc::monitor_stop::params&,
                                               time_point);
    outcome<protocol::svc::monitor_stop_batch> serve(
        session_id, const protocol::svc::monitor_stop_batch::params&, time_point);
    outcome<protocol::svc::snapshot_device> serve(session_id,
                                                  const protocol::svc::snapshot_device::params&,
                                                  time_point);
    outcome<protocol::svc::snapshot_device_batch> serve(
        session_id, const protocol::svc::snapshot_device_batch::params&, time_point);
    outcome<protocol::svc::snapshot_call> serve(session_id,
                                                const protocol::svc::snapshot_call::params&,
                                                time_point);
    outcome<protocol::svc::get_switching_function_devices> serve(
        session_id, const protocol::svc::get_switching_function_devices::params&, time_point);
    outcome<protocol::svc::request_system_status> serve(
        session_id, const protocol::svc::request_system_status::params&, time_point);
    outcome<protocol::svc::hello> serve(session_id, const protocol::svc::hello::params&,
                                        time_point);
    outcome<protocol::svc::authenticate> serve(session_id,
                                               const protocol::svc::authenticate::params&,
                                               time_point);
    // ---- model_agents.cpp: ACD groups, agents, and the call-centre services ----
    acd_rec* find_acd(const std::string& device);
    /// A call reaches an ACD group: it waits there (Queued), or overflows.
    void enqueue(call_rec& call, const std::string& group, event_cause cause, time_point now);
    /// An agent answered an ACD call: counted.
    void acd_answered(call_rec& call, time_point now);
    /// After a request or timer: agents whose ACD call ended move on, waiting calls go to
    /// ready agents. Runs after the events of what caused it.
    void settle_acd(time_point now);
    void distribute(const std::string& group, time_point now);
    void set_agent_state(const std::string& station, agent_rec& a, protocol::agent_state to,
                         std::string reason, time_point now);
    void end_wrapup(const std::string& station, time_point now);
    template <class E>
    void agent_event(const std::string& station, const agent_rec& a, const std::string& group,
                     E event);
    void agent_events(const std::string& station, const agent_rec& a,
                      const std::vector<std::string>& groups);
    // ---- model_agents.cpp: call-centre services (protocol version 2) ----
    outcome<protocol::svc::set_agent_state> serve(session_id,
                                                  const protocol::svc::set_agent_state::params&,
                                                  time_point);
    outcome<protocol::svc::get_agent_state> serve(session_id,
                                                  const protocol::svc::get_agent_state::params&,
                                                  time_point);
    outcome<protocol::svc::get_queue_statistics> serve(
        session_id, const protocol::svc::get_queue_statistics::params&, time_point);
    std::variant<std::string, csta_error> start_monitor(session_id session,
                                                        const std::string& device);
    std::optional<csta_error> stop_monitor(session_id session, const std::string& ref);

    // ---- model_calls.cpp: call control ----
    struct conn_ref {
        call_rec* call = nullptr;
        party* p = nullptr;
    };
    /// An existing connection; `station_only` refuses outside parties and orbits.
    std::variant<conn_ref, csta_error> find_connection(const protocol::connection_id& id,
                                                       bool station_only);
    std::optional<csta_error> check_call_capacity() const;

    void offer(call_rec& call, std::string target, event_cause cause, time_point now);
    void alert(call_rec& call, const std::string& target, event_cause cause, time_point now);
    void offer_external(call_rec& call, const std::string& number, event_cause cause,
                        time_point now);
    void fail_call(call_rec& call, const std::string& failing, event_cause cause);
    void originate(call_rec& call, party& caller, event_cause cause, time_point now);
    void answer(call_rec& call, party& p, time_point now);
    /// Releases one connection; a single remaining party is cleared too (+ CallCleared).
    void release(const std::string& call_id, const std::string& device, event_cause cause);
    void hold(call_rec& call, party& p, std::optional<event_cause> cause);
    void retrieve(call_rec& call, party& p, std::optional<event_cause> cause);
    /// Moves `device`'s connection from `from` to `to`, keeping state, cause and timer.
    void move_party(call_rec& from, const std::string& device, call_rec& to);
    call_rec& rename_call(const std::string& call_id, const std::string& new_id);
    std::string start_manual_call(const std::string& device, time_point now);

    outcome<protocol::svc::make_call> serve(session_id, const protocol::svc::make_call::params&,
                                            time_point);
    outcome<protocol::svc::answer_call> serve(session_id, const protocol::svc::answer_call::params&,
                                              time_point);
    outcome<protocol::svc::clear_connection> serve(session_id,
                                                   const protocol::svc::clear_connection::params&,
                                                   time_point);
    outcome<protocol::svc::clear_call> serve(session_id, const protocol::svc::clear_call::params&,
                                             time_point);
    outcome<protocol::svc::hold_call> serve(session_id, const protocol::svc::hold_call::params&,
                                            time_point);
    outcome<protocol::svc::retrieve_call> serve(session_id,
                                                const protocol::svc::retrieve_call::params&,
                                                time_point);
    outcome<protocol::svc::alternate_call> serve(session_id,
                                                 const protocol::svc::alternate_call::params&,
                                                 time_point);
    outcome<protocol::svc::reconnect_call> serve(session_id,
                                                 const protocol::svc::reconnect_call::params&,
                                                 time_point);
    outcome<protocol::svc::consultation_call> serve(session_id,
                                                    const protocol::svc::consultation_call::params&,
                                                    time_point);
    outcome<protocol::svc::transfer_call> serve(session_id,
                                                const protocol::svc::transfer_call::params&,
                                                time_point);
    outcome<protocol::svc::single_step_transfer> serve(
        session_id, const protocol::svc::single_step_transfer::params&, time_point);
    outcome<protocol::svc::conference_call> serve(session_id,
                                                  const protocol::svc::conference_call::params&,
                                                  time_point);
    outcome<protocol::svc::single_step_conference> serve(
        session_id, const protocol::svc::single_step_conference::params&, time_point);
    outcome<protocol::svc::deflect_call> serve(session_id,
                                               const protocol::svc::deflect_call::params&,
                                               time_point);

    // ---- model_features.cpp: park/pickup, digits, data, device features, phone sets ----
    void pick_up(call_rec& call, party& from, const std::string& requester, event_cause cause);
    outcome<protocol::svc::directed_pickup_call> serve(
        session_id, const protocol::svc::directed_pickup_call::params&, time_point);
    outcome<protocol::svc::group_pickup_call> serve(session_id,
                                                    const protocol::svc::group_pickup_call::params&,
                                                    time_point);
    outcome<protocol::svc::park_call> serve(session_id, const protocol::svc::park_call::params&,
                                            time_point);
    outcome<protocol::svc::generate_digits> serve(session_id,
                                                  const protocol::svc::generate_digits::params&,
                                                  time_point);
    outcome<protocol::svc::associate_data> serve(session_id,
                                                 const protocol::svc::associate_data::params&,
                                                 time_point);
    outcome<protocol::svc::set_forwarding> serve(session_id,
                                                 const protocol::svc::set_forwarding::params&,
                                                 time_point);
    outcome<protocol::svc::get_forwarding> serve(session_id,
                                                 const protocol::svc::get_forwarding::params&,
                                                 time_point);
    outcome<protocol::svc::set_do_not_disturb> serve(
        session_id, const protocol::svc::set_do_not_disturb::params&, time_point);
    outcome<protocol::svc::get_do_not_disturb> serve(
        session_id, const protocol::svc::get_do_not_disturb::params&, time_point);
    outcome<protocol::svc::set_message_waiting_indicator> serve(
        session_id, const protocol::svc::set_message_waiting_indicator::params&, time_point);
    outcome<protocol::svc::set_display> serve(session_id, const protocol::svc::set_display::params&,
                                              time_point);
    outcome<protocol::svc::get_display> serve(session_id, const protocol::svc::get_display::params&,
                                              time_point);
    outcome<protocol::svc::set_hookswitch_status> serve(
        session_id, const protocol::svc::set_hookswitch_status::params&, time_point);
    outcome<protocol::svc::get_hookswitch_status> serve(
        session_id, const protocol::svc::get_hookswitch_status::params&, time_point);
    outcome<protocol::svc::set_lamp_mode> serve(session_id,
                                                const protocol::svc::set_lamp_mode::params&,
                                                time_point);
    outcome<protocol::svc::get_lamp_mode> serve(session_id,
                                                const protocol::svc::get_lamp_mode::params&,
                                                time_point);
    outcome<protocol::svc::set_ringer_status> serve(session_id,
                                                    const protocol::svc::set_ringer_status::params&,
                                                    time_point);
    outcome<protocol::svc::get_ringer_status> serve(session_id,
                                                    const protocol::svc::get_ringer_status::params&,
                                                    time_point);
    outcome<protocol::svc::get_button_information> serve(
        session_id, const protocol::svc::get_button_information::params&, time_point);

    /// Stations only: unknown → invalidDeviceID, orbit/group → serviceNotSupported.
    std::variant<device_state*, csta_error> feature_device(const std::string& device);
    void set_hookswitch(const std::string& device, device_state& dev,
                        protocol::hookswitch_type type, protocol::hookswitch_mode mode,
                        time_point now);
    std::string device_action(const std::string& device, const std::string& action, time_point now);
    std::variant<std::string, std::string> external_call(const std::string& from,
                                                         const std::string& to, time_point now,
                                                         const std::string& calling_name);
    std::string external_hangup(const std::string& call_id);
};

// ---- templates ------------------------------------------------------------------------------

/// Fan-out (docs/protocol.md §6.1): the event goes to every monitor of every party of the call,
/// then of every `departed` device, each copy with that device's own connection state.
template <class E>
void switch_model::impl::emit(const call_rec& call, E event,
                              const std::vector<std::string>& departed) {
    // Every event that names the call's calling device names the caller too (callingName).
    if constexpr (requires { event.calling_name; }) {
        if (!event.calling_name && event.calling_device == call.calling_device) {
            event.calling_name = call.calling_name;
        }
    }
    auto send_to = [&](const std::string& device) {
        const device_state* dev = find_device(device);
        if (dev == nullptr || dev->monitors.empty()) return;
        const party* p = find_party(call, device);
        event.local_connection_info = p != nullptr ? p->state : connection_state::null;
        const protocol::event_body body{event};
        for (const auto& [session, ref] : dev->monitors) {
            ++stats_.events_emitted;
            sink_.on_event(session, ref, body);
        }
    };
    for (const party& p : call.parties) {
        if (!p.external) send_to(p.device);
    }
    for (const std::string& d : departed) {
        if (find_party(call, d) == nullptr) send_to(d);
    }
}

/// Device events (§6.3, §6.4) go only to the device's monitors, without localConnectionInfo.
template <class E>
void switch_model::impl::emit_device(const std::string& device, E event) {
    deliver(device, protocol::event_body{std::move(event)});
}

}  // namespace ctigw::gateway::sim
