// The mirror half of call_model: AMI events in, channels updated, calls re-projected.
// call_projection.cpp turns a projection into CSTA events.
#include "asterisk/call_model.hpp"

#include "ctigw/protocol/log_safe.hpp"

#include <algorithm>

namespace ctigw::gateway::asterisk {

using protocol::connection_state;
using protocol::event_cause;

namespace {

channel_state state_of_event(const ami::message& e) {
    return channel_state_of(e.get("ChannelState"));
}

/// Channels that are plumbing: Local pairs, ConfBridge's announcer and recorder.
bool is_local_name(std::string_view name) {
    return name.substr(0, 6) == "Local/" || name.substr(0, 6) == "CBAnn/" ||
           name.substr(0, 6) == "CBRec/";
}

/// What dialled digits a DialString names: "2002", "IAX2/2002" → "2002", "PJSIP/2002@x" → 2002.
std::string dialled(std::string_view dial_string) {
    if (auto slash = dial_string.rfind('/'); slash != std::string_view::npos) {
        dial_string.remove_prefix(slash + 1);
    }
    if (auto at = dial_string.find('@'); at != std::string_view::npos)
        dial_string = dial_string.substr(0, at);
    return std::string(dial_string);
}

/// CallerIDName when it names someone: Asterisk says "<unknown>" for none, and many trunks send
/// the number again. A trunk's bytes are made one line of valid UTF-8 (Latin-1 from ISDN trunks,
/// control characters, length): the encoder would refuse the whole event otherwise.
std::optional<std::string> real_name(const std::string& name, const std::string& number) {
    if (name == "<unknown>" || name == number) return std::nullopt;
    auto shown = protocol::display_text(name);
    if (shown.empty()) return std::nullopt;
    return shown;
}

}  // namespace

call_model::call_model(model_hooks hooks, event_sink sink)
    : hooks_(std::move(hooks)), sink_(std::move(sink)) {}

call_model::channel* call_model::find(std::string_view uniqueid) {
    if (uniqueid.empty()) return nullptr;
    auto it = channels_.find(std::string(uniqueid));
    return it == channels_.end() ? nullptr : &it->second;
}

call_model::channel& call_model::create(const ami::message& e) {
    channel ch;
    ch.uniqueid = std::string(e.get("Uniqueid"));
    ch.name = std::string(e.get("Channel"));
    ch.local = is_local_name(ch.name);
    if (!ch.local && hooks_.station_of) ch.station = hooks_.station_of(ch.name);
    ch.state = state_of_event(e);
    ch.seq = next_seq_++;
    ch.caller_num = std::string(e.get("CallerIDNum"));
    ch.caller_name = std::string(e.get("CallerIDName"));
    ch.exten = std::string(e.get("Exten"));
    ch.context = std::string(e.get("Context"));
    ch.app = std::string(e.get("Application"));
    ch.bridge = std::string(e.has("BridgeId") ? e.get("BridgeId") : e.get("BridgeUniqueid"));
    auto linked = std::string(e.get("Linkedid"));
    if (linked.empty()) linked = ch.uniqueid;
    auto [it, inserted] = channels_.insert_or_assign(ch.uniqueid, std::move(ch));
    join_call(it->second, linked);
    return it->second;
}

std::string call_model::resolve(std::string_view linkedid) const {
    auto a = aliases_.find(std::string(linkedid));
    return a == aliases_.end() ? std::string(linkedid) : a->second;
}

// A copy, not a reference: callers pass the id that the erased call owns.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void call_model::erase_call(std::string call_id) {
    for (auto a = aliases_.begin(); a != aliases_.end();) {
        a = a->second == call_id ? aliases_.erase(a) : std::next(a);
    }
    calls_.erase(call_id);
}

void call_model::join_call(channel& ch, const std::string& linkedid) {
    ch.linkedid = linkedid;
    const std::string key = resolve(linkedid);
    auto it = calls_.find(key);
    if (it == calls_.end()) {
        call c;
        c.id = key;
        // The first channel names the call: a station's extension, or an outside caller's number.
        c.calling = ch.station ? *ch.station : ch.caller_num;
        if (!ch.station) c.calling_name = real_name(ch.caller_name, ch.caller_num);
        if (ch.state == channel_state::ring || ch.state == channel_state::dialing)
            c.called = ch.exten;
        it = calls_.emplace(key, std::move(c)).first;
    }
    ch.call_id = key;
    it->second.had_channels = true;
}

void call_model::update_common(channel& ch, const ami::message& e) {
    if (e.has("ChannelState")) ch.state = state_of_event(e);
    if (e.has("CallerIDNum")) ch.caller_num = std::string(e.get("CallerIDNum"));
    // Most channel events repeat CallerIDName: only a changed one is looked at again.
    if (e.has("CallerIDName") && e.get("CallerIDName") != ch.caller_name) {
        ch.caller_name = std::string(e.get("CallerIDName"));
        // A name that comes later (a CNAM lookup's NewCallerid) still names the outside caller.
        auto it = calls_.find(ch.call_id);
        if (!ch.station && it != calls_.end() && it->second.calling == ch.caller_num) {
            if (auto name = real_name(ch.caller_name, ch.caller_num))
                it->second.calling_name = name;
        }
    }
    // A bridged channel runs no dialplan: a Newexten that arrives after its BridgeEnter is a
    // late report (the hold context's Wait overtaken by RetrieveCall's Bridge), not a move.
    if (e.event() == "Newexten" && ch.bridge.empty()) {
        ch.context = std::string(e.get("Context"));
        ch.exten = std::string(e.get("Exten"));
        ch.app = std::string(e.get("Application"));
    }
    // Asterisk rewrites a channel's Linkedid without an event when the channel is bridged into
    // an older call (pickup, park retrieval): the channel then joins that call.
    const auto linked = e.get("Linkedid");
    if (!linked.empty() && linked != ch.linkedid) {
        ch.linkedid = std::string(linked);
        // Otherwise a new key for the same call (or the key of the call it already joined).
        if (const std::string target = resolve(linked);
            target != ch.call_id && calls_.count(target) != 0) {
            const std::string old_call = ch.call_id;
            ch.call_id = target;
            project(old_call, event_cause::normal_clearing);
        }
    }
}

void call_model::expect_originate(const std::string& call_id, const std::string& calling,
                                  const std::string& called,
                                  std::optional<protocol::byte_string> data) {
    call c;
    c.id = call_id;
    c.calling = calling;
    c.called = called;
    c.correlator = std::move(data);
    c.made_by_us = true;
    calls_.insert_or_assign(call_id, std::move(c));
}

void call_model::expect_pickup_leg(const std::string& call_id, const std::string& picker) {
    call c;
    c.id = call_id;
    c.calling = picker;
    c.silent = true;
    calls_.insert_or_assign(call_id, std::move(c));
}

void call_model::on_event(const ami::message& e) {
    const auto name = e.event();
    if (name == "Newchannel") {
        if (e.get("Uniqueid").empty()) return;
        auto& ch = create(e);
        project(ch.call_id, event_cause::normal);
        return;
    }
    if (name == "Hangup") {
        hangup(e);
        return;
    }
    if (name == "DialBegin") {
        channel* dest = find(e.get("DestUniqueid"));
        channel* src = find(e.get("Uniqueid"));
        if (dest == nullptr) return;
        if (e.has("DestChannelState")) dest->state = channel_state_of(e.get("DestChannelState"));
        if (src != nullptr) {
            update_common(*src, e);
            src->dialing_out = true;
            dest->dial_source = src->uniqueid;
            auto& c = calls_[src->call_id];
            if (c.called.empty() || c.called == "s") {
                c.called = dest->station ? *dest->station : dialled(e.get("DialString"));
            }
            project(src->call_id, event_cause::normal);
        } else {
            dest->originator = true;  // an Originate: the caller's own phone rings first
        }
        project(dest->call_id, event_cause::normal);
        return;
    }
    if (name == "DialEnd") {
        channel* src = find(e.get("Uniqueid"));
        if (src == nullptr) return;
        const auto status = e.get("DialStatus");
        auto& c = calls_[src->call_id];
        if (status == "BUSY") c.fail_cause = event_cause::busy;
        if (status == "CONGESTION") c.fail_cause = event_cause::network_congestion;
        if (status == "CHANUNAVAIL") c.fail_cause = event_cause::dest_not_obtainable;
        if (status == "NOANSWER") c.fail_cause = event_cause::call_not_answered;
        return;
    }
    if (name.substr(0, 10) == "ParkedCall" || name == "UnParkedCall") {
        on_park_event(e);
        return;
    }
    if (name == "BlindTransfer") {
        // A transfer made at the phone (the backend's own SingleStepTransfer expects it already).
        channel* transferer = find(e.get("TransfererUniqueid"));
        if (transferer == nullptr || !transferer->station || e.get("Result") != "Success") return;
        auto& c = calls_[transferer->call_id];
        if (!c.redirect) {
            c.redirect = call::redirection{*transferer->station, std::string(e.get("Extension")),
                                           event_cause::single_step_transfer};
        }
        return;
    }
    channel* ch = find(e.get("Uniqueid"));
    if (ch == nullptr) return;
    update_common(*ch, e);
    if (name == "BridgeEnter") {
        ch->bridge = std::string(e.get("BridgeUniqueid"));
        // Bridged again (RetrieveCall's Bridge): it left the hold context for good.
        if (is_hold_context(ch->context)) ch->context.clear();
    } else if (name == "BridgeLeave") {
        ch->bridge.clear();
    } else if (name == "Hold") {
        ch->held = true;
    } else if (name == "Unhold") {
        ch->held = false;
    } else if (name == "MusicOnHoldStart") {
        ch->moh = true;
    } else if (name == "MusicOnHoldStop") {
        ch->moh = false;
    } else if (name == "Pickup") {
        // The picker joins the ringing call now: Asterisk rewrites its Linkedid silently and
        // the next event that shows it may be the hang-up.
        ch->joined_by = event_cause::call_pickup;
        if (channel* target = find(e.get("TargetUniqueid")); target != nullptr) {
            move_to_call(*ch, *target, event_cause::call_pickup);
        }
    } else if (name == "Rename") {
        ch->name = std::string(e.get("Newname"));
    } else if (name == "DTMFEnd") {
        // Received from the phone: the sender's connection, to every station of the call
        // (protocol.md §6.2 DigitsDetected).
        if (ch->station && e.get("Direction") == "Received") {
            protocol::evt::digits_detected d;
            d.connection = {ch->call_id, *ch->station};
            d.digits = std::string(e.get("Digit"));
            d.cause = event_cause::normal;
            call_event(ch->call_id, d);
        }
        return;
    }
    if (name == "MusicOnHoldStart" || name == "MusicOnHoldStop") {
        // The holder is the party bridged with the one that hears the music.
        for (auto& [id, other] : channels_) {
            if (&other != ch && !ch->bridge.empty() && other.bridge == ch->bridge) {
                project(other.call_id, event_cause::normal);
            }
        }
    }
    project(ch->call_id, event_cause::normal);
}

void call_model::hangup(const ami::message& e) {
    auto it = channels_.find(std::string(e.get("Uniqueid")));
    if (it == channels_.end()) return;
    const std::string call_id = it->second.call_id;
    if (it->second.station)
        departed_cause_[*it->second.station] = ami::to_int(e.get("Cause")).value_or(0);
    channels_.erase(it);
    project(call_id, event_cause::normal_clearing);
    departed_cause_.clear();
}

void call_model::resync(const std::vector<ami::message>& items) {
    channels_.clear();
    for (const auto& item : items) {
        if (item.get("Uniqueid").empty()) continue;
        auto& ch = create(item);
        if (ch.state == channel_state::up && item.get("Application") == "Dial")
            ch.dialing_out = true;
    }
    // Reported states follow the new truth silently; calls without channels are gone.
    for (auto it = calls_.begin(); it != calls_.end();) {
        auto& c = it->second;
        c.reported.clear();
        c.deferred = false;  // the link went down: the merge's actions have failed
        const auto live = members(c.id);
        for (const channel* ch : live) {
            const auto st = derive(*ch);
            if (!ch->station || st == connection_state::null) continue;
            auto r = std::find_if(c.reported.begin(), c.reported.end(),
                                  [&](const auto& p) { return p.first == *ch->station; });
            if (r == c.reported.end()) {
                c.reported.emplace_back(*ch->station, st);
            } else {
                r->second = stronger(r->second, st);
            }
        }
        if (live.empty()) {
            const std::string gone = (it++)->first;
            erase_call(gone);
        } else {
            ++it;
        }
    }
}

void call_model::clear() {
    channels_.clear();
    calls_.clear();
    aliases_.clear();
}

std::optional<std::uint64_t> call_model::order_of(const protocol::connection_id& conn) const {
    std::optional<std::uint64_t> oldest;
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id != conn.call_id || !ch.station || *ch.station != conn.device_id) continue;
        if (!oldest || ch.seq < *oldest) oldest = ch.seq;
    }
    return oldest;
}

void call_model::mark_hanging_up(const std::vector<std::string>& channel_names) {
    for (auto& [id, ch] : channels_) {
        if (std::find(channel_names.begin(), channel_names.end(), ch.name) != channel_names.end()) {
            ch.hanging_up = true;
        }
    }
}

bool call_model::hanging_up(const protocol::connection_id& conn) const {
    return any_channel_of(conn, [](const channel&) { return true; }) &&
           !any_channel_of(conn, [](const channel& ch) { return !ch.hanging_up; });
}

}  // namespace ctigw::gateway::asterisk
