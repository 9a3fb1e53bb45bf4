// The Asterisk backend's call model (docs/asterisk.md "The model"): a mirror of Asterisk's
// channels built from AMI events, and its projection onto ECMA-269 calls and connections.
//
// Every AMI event updates the mirror; then each call it touched is projected again (the state of
// every station's connection is derived from its channels) and compared with what was last
// reported: each difference becomes one CSTA event. Deriving instead of scripting per AMI event
// keeps the model right when Asterisk's event order varies between versions, when events were
// lost (a reconnect) and after a resync, which simply loads a new mirror.
//
// Call identity (docs/asterisk.md "Call identity"): a call is keyed by the Linkedid of its first
// channel, and its callID is that Linkedid. A channel stays in its call for life, except that a
// channel whose Linkedid changes to the key of another known call joins that call (Asterisk
// rewrites the Linkedid silently when a channel is bridged into an older call: pickup, park
// retrieval), and a call merged by TransferCall/ConferenceCall keeps answering to its Linkedid.
// Local channel pairs (;1/;2) are plumbing, never parties.
//
// Thread safety: none; the backend's single io thread owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asterisk/ami_message.hpp"
#include "asterisk/causes.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::asterisk {

struct model_hooks {
    /// The station extension a channel name belongs to (nullopt: not a station: a trunk, a
    /// Local channel, an extension the gateway does not serve).
    std::function<std::optional<std::string>(std::string_view channel)> station_of;
    /// A Hangup's Q.850 cause (and the connection's last state) as a CSTA cause.
    std::function<protocol::event_cause(int q850, bool answered)> cause_of;
    /// Contexts where a station's channel waits while it holds a call (docs/asterisk.md "Hold").
    std::vector<std::string> hold_contexts;
    /// Hangs up a channel the model found abandoned: the last party of a conference the gateway
    /// built (ConfBridge would keep it alone in the room). Empty: nothing is hung up.
    std::function<void(const std::string& channel)> release;
};

/// Receives the model's CSTA events, one call per device (the server fans them out).
using event_sink = std::function<void(const std::string& device, protocol::event_body body)>;

class call_model {
  public:
    call_model(model_hooks hooks, event_sink sink);

    /// One AMI event from the live stream. Events the model does not use are ignored.
    void on_event(const ami::message& event);

    /// Replaces the mirror with Asterisk's current channels (CoreShowChannel items, BridgeId
    /// included) without emitting events: the sessions get messagesLost and snapshot instead.
    /// Calls whose Linkedid survives keep their callIDs; the others are gone.
    void resync(const std::vector<ami::message>& channels);

    /// Forgets everything (Asterisk restarted: no call survives).
    void clear();

    /// A MakeCall the backend is about to Originate with `ChannelId: call_id`: the call gets
    /// `called` as its called device and the correlator data.
    void expect_originate(const std::string& call_id, const std::string& calling,
                          const std::string& called, std::optional<protocol::byte_string> data);

    // ---- reads (services, snapshots, access checks) ----
    std::vector<protocol::snapshot_connection> snapshot_device(const std::string& device) const;
    /// Station devices with a connection in the call; empty when the call is unknown.
    std::vector<std::string> devices_in_call(std::string_view call_id) const;
    std::optional<protocol::connection_state> state_of(const protocol::connection_id& c) const;
    bool has_call(std::string_view call_id) const;
    std::size_t call_count() const noexcept { return calls_.size(); }
    /// The live channels of a connection (several for one extension: hot-desk, twins).
    std::vector<std::string> channels_of(const protocol::connection_id& c) const;
    /// The creation order of a connection's oldest live channel (a ringing connection: when it
    /// began to ring); nullopt without channels.
    std::optional<std::uint64_t> order_of(const protocol::connection_id& c) const;
    /// Channels of the call that are not the device's (the far parties), Local halves skipped.
    std::vector<std::string> far_channels(const protocol::connection_id& c) const;
    /// The channel that dials the device's ringing channel (the caller's side), if any.
    std::optional<std::string> dial_source_of(const protocol::connection_id& c) const;
    /// Whether the device's channel waits in a hold context (held by the gateway's HoldCall, so
    /// RetrieveCall can bridge it back; a phone's own hold key can only be undone at the phone).
    bool held_in_context(const protocol::connection_id& c) const;
    /// Whether the gateway's HoldCall sent the device's channel to a hold context, even if it
    /// has not left its bridge yet (the Held event follows): the device is free to call again.
    bool hold_requested(const protocol::connection_id& c) const;
    /// Channels whose Hangup Asterisk accepted (ClearConnection, ClearCall): still there until
    /// their Hangup event, but the client was answered and may use the device again at once.
    void mark_hanging_up(const std::vector<std::string>& channel_names);
    /// Whether every channel of the connection is being hung up.
    bool hanging_up(const protocol::connection_id& c) const;
    /// A pickup's leg: the picker's phone is rung by an Originate (ChannelId `call_id`) into
    /// PickupChan; the call it makes is never reported: the picker appears in the picked call
    /// (Established, callPickup) once its Linkedid changes to that call's.
    void expect_pickup_leg(const std::string& call_id, const std::string& picker);
    /// The device's channels now run `context` (a Redirect the backend made succeeded); the
    /// Newexten events that would say so may be filtered out.
    void enter_context(const protocol::connection_id& c, const std::string& context);
    /// The device's ringing or connected party is about to be sent to `destination` by the
    /// backend (DeflectCall: `redirected`; SingleStepTransfer: `single_step_transfer`): when the
    /// device's connection ends, it is reported as Diverted / Transferred, not as a release, and
    /// the new party's delivery names the device as the redirecting one.
    void expect_redirect(const protocol::connection_id& c, const std::string& destination,
                         protocol::event_cause cause);
    /// The redirect's action failed: the device stays.
    void forget_redirect(const std::string& call_id);
    /// GenerateDigits finished: DigitsGenerated to every station of the call.
    void digits_generated(const protocol::connection_id& c, const std::string& digits);
    /// A MakeCall whose Originate failed before any channel existed: forget its call.
    void abandon_originate(const std::string& call_id);
    /// OriginateResponse Failure: when no channel of the call ever appeared (the phone could not
    /// be rung), the calling device learns that its call is over (CallCleared).
    void originate_failed(const std::string& call_id);
    /// SnapshotCall: every station's connection, and the call's correlator data.
    std::vector<protocol::call_party> parties(std::string_view call_id) const;
    std::optional<protocol::byte_string> correlator_of(std::string_view call_id) const;
    /// Whether the named channel is answered (Up).
    bool answered(std::string_view name) const;
    /// Every live channel of the call, by name.
    std::vector<std::string> call_channels(std::string_view call_id) const;

    // ---- TransferCall / ConferenceCall (call_merge.cpp; docs/asterisk.md "Transfer and
    // conference"). The device of `held` and `active` joins its two calls: the held call
    // survives (its callID stays), the active call's other parties move into it, and the device
    // leaves (transfer) or stays in the merged call (conference). ----
    enum class merge_kind { transfer, conference };
    /// The connections before and after the merge (the service's result and the event's list).
    std::vector<protocol::connection_list_entry> merge_list(const protocol::connection_id& held,
                                                            const protocol::connection_id& active,
                                                            merge_kind kind) const;
    /// Before the first action: neither call reports anything until commit or cancel, so the
    /// channel moves the actions cause (bridging, hang-ups) never show as separate releases.
    void begin_merge(const protocol::connection_id& held, const protocol::connection_id& active);
    /// Every action succeeded: Transferred / Conferenced, then the merged call's true state.
    void commit_merge(const protocol::connection_id& held, const protocol::connection_id& active,
                      merge_kind kind);
    /// An action failed: both calls report what happened meanwhile.
    void cancel_merge(const protocol::connection_id& held, const protocol::connection_id& active);
    /// The conference room (ConfBridge name, dialplan extension) of a call: its callID with
    /// every character outside [0-9A-Za-z] (and 'x') spelled as x + two hex digits.
    static std::string conference_room(std::string_view call_id);

    // ---- Park (call_park.cpp; docs/asterisk.md "Park"). A parked party stays connected (it
    // hears music in the lot); the parker leaves with cause park; the retriever joins the call
    // at UnParkedCall (its Linkedid changes silently, as in pickup). ----
    struct parking_lot {
        std::string name;
        int first = 0;  ///< first space (StartSpace)
        int last = 0;   ///< last space (StopSpace)
    };
    /// The lots Asterisk has (Parkinglots at resync); none: parking is not available.
    void set_parking_lots(std::vector<parking_lot> lots) { lots_ = std::move(lots); }
    bool parking_available() const noexcept { return !lots_.empty(); }
    /// ParkedCall items of a ParkedCalls list (resync): which channel waits on which space.
    void load_parked(const std::vector<ami::message>& items);
    /// The lot and space a ParkCall uses: `wanted` when it is a free space of a lot, else (no
    /// `wanted`) the lowest free space; nullopt when there is none.
    std::optional<std::pair<std::string, std::string>> park_space(
        const std::optional<std::string>& wanted) const;
    /// The call parked on a space, if any.
    std::optional<std::string> parked_call(std::string_view space) const;
    /// The device's connection is about to be parked on `space`: its departure has cause park,
    /// and the space counts as taken by this call from now on (Asterisk answers Park before its
    /// ParkedCall event, and a lineUnpark may follow the response at once).
    void expect_park(const protocol::connection_id& c, const std::string& space);
    void forget_park(const std::string& call_id);

  private:
    struct channel {
        std::string uniqueid;
        std::string name;
        std::string linkedid;
        std::string call_id;
        std::optional<std::string> station;
        channel_state state = channel_state::down;
        std::string caller_num;
        std::string caller_name;  ///< CallerIDName as Asterisk sends it ("<unknown>" included)
        std::string exten;
        std::string context;
        std::string app;  ///< the dialplan application it runs (Newexten, CoreShowChannel)
        std::string bridge;
        std::string dial_source;   ///< uniqueid of the channel that dials this one
        bool originator = false;   ///< an Originate's first leg (rung before the call goes out)
        bool dialing_out = false;  ///< it dials someone (DialBegin with it as source)
        bool held = false;         ///< Hold event (a bridge feature or a phone that reports it)
        bool moh = false;          ///< music on hold is playing to it
        std::optional<protocol::event_cause> joined_by;  ///< callPickup / park: joined a call
        std::string parked_on;    ///< the parking space it waits on (empty: not parked)
        bool leaving = false;     ///< transferred away: being hung up, no longer a party
        bool hanging_up = false;  ///< our Hangup was accepted; its Hangup event is on its way
        bool local = false;     ///< plumbing, never a party: Local halves, ConfBridge's CBAnn/CBRec
        std::uint64_t seq = 0;  ///< creation order (events follow it)
    };
    struct call {
        std::string id;
        std::string calling;  ///< calling device (station ext or caller number)
        /// An outside caller's name (its channel's CallerIDName, when a name): callingName.
        std::optional<std::string> calling_name;
        std::string called;  ///< called device (as dialled)
        std::optional<protocol::byte_string> correlator;
        bool made_by_us = false;
        bool had_channels = false;  ///< a MakeCall's call exists before its first channel
        bool silent = false;        ///< a pickup leg, a merged call: tracked, never reported
        bool deferred = false;      ///< a merge is in flight: report nothing yet
        bool conference = false;    ///< ConferenceCall built it: its last party is released
        bool released = false;      ///< ... and was
        /// Why the calling party failed (DialEnd's DialStatus), for Failed.
        protocol::event_cause fail_cause = protocol::event_cause::busy;
        /// A pending redirection (see expect_redirect), and the device that last redirected.
        struct redirection {
            std::string from;
            std::string to;
            protocol::event_cause cause = protocol::event_cause::redirected;
        };
        std::optional<redirection> redirect;
        std::optional<std::string> last_redirection;
        std::optional<protocol::event_cause> delivery_cause;  ///< of the redirected delivery
        std::optional<std::string> parker;  ///< the device whose departure is a park
        std::string parking_on;             ///< the space a Park sent it to, until ParkedCall
        /// Station → its last reported state, in the order the stations joined (events follow it).
        std::vector<std::pair<std::string, protocol::connection_state>> reported;
    };

    /// Of two connections of one extension in one call (hot-desk, twins), the one TAPI shows.
    static protocol::connection_state stronger(protocol::connection_state a,
                                               protocol::connection_state b);

    channel* find(std::string_view uniqueid);
    /// The call a Linkedid belongs to: a merged call's Linkedid names the call it joined.
    std::string resolve(std::string_view linkedid) const;
    /// Erases a call and the aliases that point to it.
    void erase_call(std::string call_id);  // by value: callers pass the call's own id
    /// The device's channel is up without dialling anyone: the dialplan answered it.
    static bool answered_by_dialplan(const std::vector<const channel*>& members,
                                     const std::string& device);
    bool is_hold_context(std::string_view context) const;
    /// Waiting in a hold context: unbridged, and not on its way out (the context's Hangup).
    bool in_hold_context(const channel& ch) const;
    /// Whether one of the connection's channels satisfies `pred`.
    template <class Pred>
    bool any_channel_of(const protocol::connection_id& c, Pred pred) const {
        for (const auto& [id, ch] : channels_) {
            if (ch.call_id == c.call_id && ch.station && *ch.station == c.device_id && pred(ch))
                return true;
        }
        return false;
    }
    /// The call's channels in creation order.
    std::vector<const channel*> members(const std::string& call_id) const;
    channel& create(const ami::message& e);
    void update_common(channel& ch, const ami::message& e);
    void join_call(channel& ch, const std::string& linkedid);
    void hangup(const ami::message& e);
    /// ParkedCall, UnParkedCall, ParkedCallTimeOut, ParkedCallGiveUp (Parkee*/Retriever* fields).
    void on_park_event(const ami::message& e);
    /// A channel joins another call (pickup, park retrieval) and the call it left is re-projected.
    void move_to_call(channel& ch, const channel& into, protocol::event_cause why);
    void project(const std::string& call_id, protocol::event_cause hint);
    protocol::connection_state derive(const channel& ch) const;
    bool far_party_on_moh(const channel& ch) const;
    /// The departure of a redirecting device: Transferred or Diverted instead of a release.
    void emit_redirected(call& c, const std::string& device,
                         const std::vector<std::string>& audience);
    /// Emits one state change of `device` to every station of the call; returns its cause.
    protocol::event_cause emit_transition(call& c, const std::string& device,
                                          protocol::connection_state from,
                                          protocol::connection_state to, protocol::event_cause hint,
                                          const std::vector<std::string>& audience);

    void fan_out(const call& c, protocol::event_body body, const std::string& changed,
                 protocol::connection_state changed_to, const std::vector<std::string>& audience);
    /// An event about the call that changes no state, to every station in it.
    void call_event(const std::string& call_id, protocol::event_body body);

    model_hooks hooks_;
    event_sink sink_;
    std::unordered_map<std::string, channel> channels_;  ///< by Uniqueid
    std::map<std::string, call, std::less<>> calls_;     ///< by callID (= Linkedid)
    /// Linkedid of a merged (transferred, conferenced) call → the call it joined. ConfBridge
    /// never unifies Linkedids, and a later Bridge may rewrite one to the merged call's.
    std::unordered_map<std::string, std::string> aliases_;
    std::vector<parking_lot> lots_;
    std::unordered_map<std::string, int> departed_cause_;  ///< station → cause, within one event
    std::uint64_t next_seq_ = 1;
};

}  // namespace ctigw::gateway::asterisk
