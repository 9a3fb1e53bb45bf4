// The projection half of call_model: channels → each station's connection state → CSTA events
// (docs/asterisk.md "From channels to connections"), and the reads services and snapshots use.
#include <algorithm>

#include "asterisk/call_model.hpp"

namespace ctigw::gateway::asterisk {

using protocol::connection_id;
using protocol::connection_state;
using protocol::event_cause;
namespace evt = protocol::evt;

namespace {

/// How much a state tells TAPI: a talking connection beats a held one beats a ringing one.
int rank(connection_state s) {
    switch (s) {
        case connection_state::connected:
            return 6;
        case connection_state::hold:
            return 5;
        case connection_state::alerting:
            return 4;
        case connection_state::queued:
            return 3;
        case connection_state::initiated:
            return 2;
        case connection_state::fail:
            return 1;
        case connection_state::null:
            return 0;
    }
    return 0;
}

template <class E>
protocol::event_body with_cause(E e, event_cause cause, connection_state after) {
    e.cause = cause;
    e.local_connection_info = after;
    return e;
}

}  // namespace

std::vector<const call_model::channel*> call_model::members(const std::string& call_id) const {
    std::vector<const channel*> out;
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id == call_id) out.push_back(&ch);
    }
    std::sort(out.begin(), out.end(),
              [](const channel* a, const channel* b) { return a->seq < b->seq; });
    return out;
}

connection_state call_model::stronger(connection_state a, connection_state b) {
    return rank(b) > rank(a) ? b : a;
}

bool call_model::far_party_on_moh(const channel& ch) const {
    if (ch.bridge.empty()) return false;
    // Parked calls share one holding bridge with music: no parkee holds another.
    if (!ch.parked_on.empty()) return false;
    return std::any_of(channels_.begin(), channels_.end(), [&](const auto& p) {
        return &p.second != &ch && p.second.bridge == ch.bridge && p.second.moh &&
               p.second.parked_on.empty();
    });
}

bool call_model::answered_by_dialplan(const std::vector<const channel*>& members,
                                      const std::string& device) {
    return std::any_of(members.begin(), members.end(), [&](const channel* ch) {
        return ch->station && *ch->station == device && ch->state == channel_state::up &&
               !ch->dialing_out;
    });
}

bool call_model::is_hold_context(std::string_view context) const {
    return std::find(hooks_.hold_contexts.begin(), hooks_.hold_contexts.end(), context) !=
           hooks_.hold_contexts.end();
}

bool call_model::in_hold_context(const channel& ch) const {
    return ch.bridge.empty() && ch.app != "Hangup" && is_hold_context(ch.context);
}

connection_state call_model::derive(const channel& ch) const {
    if (ch.local || !ch.station || ch.leaving) return connection_state::null;
    if (!ch.parked_on.empty()) return connection_state::connected;  // it waits in the lot
    switch (ch.state) {
        case channel_state::busy:
            return connection_state::fail;
        case channel_state::ringing:
            return connection_state::alerting;
        case channel_state::up: {
            return in_hold_context(ch) || ch.held || far_party_on_moh(ch)
                       ? connection_state::hold
                       : connection_state::connected;
        }
        case channel_state::ring:
        case channel_state::dialing:
        case channel_state::dialing_off_hook:
        case channel_state::off_hook:
        case channel_state::pre_ring:
            return ch.dialing_out ? connection_state::connected : connection_state::initiated;
        case channel_state::down:
        case channel_state::reserved:
        case channel_state::unknown:
            return connection_state::null;
    }
    return connection_state::null;
}

void call_model::project(const std::string& call_id, event_cause hint) {
    auto it = calls_.find(call_id);
    if (it == calls_.end() || it->second.deferred) return;
    call& c = it->second;

    // Each station's state now, stations in the order their channels appeared.
    const auto members = this->members(call_id);
    std::vector<std::pair<std::string, connection_state>> now;
    std::vector<std::pair<std::string, event_cause>> joined;  // by pickup or park retrieval
    for (const channel* ch : members) {
        if (!ch->station) continue;
        if (ch->joined_by) joined.emplace_back(*ch->station, *ch->joined_by);
        const auto st = derive(*ch);
        auto n = std::find_if(now.begin(), now.end(),
                              [&](const auto& p) { return p.first == *ch->station; });
        if (n == now.end()) {
            now.emplace_back(*ch->station, st);
        } else {
            n->second = stronger(n->second, st);
        }
    }
    auto state_in = [](const auto& list, const std::string& dev) {
        auto f =
            std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == dev; });
        return f == list.end() ? connection_state::null : f->second;
    };

    // Stations already reported first (their order), then new ones.
    std::vector<std::string> order;
    for (const auto& [dev, st] : c.reported) order.push_back(dev);
    for (const auto& [dev, st] : now) {
        if (std::find(order.begin(), order.end(), dev) == order.end()) order.push_back(dev);
    }
    std::vector<std::string> audience;
    for (const auto& dev : order) {
        if (state_in(c.reported, dev) != connection_state::null ||
            state_in(now, dev) != connection_state::null) {
            audience.push_back(dev);
        }
    }
    if (c.silent) {
        // A pickup leg: follow it, say nothing, forget it when its channels are gone.
        c.reported.clear();
        for (const auto& [dev, st] : now) {
            if (st != connection_state::null) c.reported.emplace_back(dev, st);
        }
        if (members.empty() && c.had_channels) erase_call(c.id);
        return;
    }
    if (c.conference && !c.released && hooks_.release) {
        // A conference down to one party ends: ConfBridge would keep it alone in the room.
        std::vector<const channel*> parties;
        for (const channel* ch : members) {
            if (!ch->local && !ch->leaving) parties.push_back(ch);
        }
        if (parties.size() == 1) {
            c.released = true;
            hooks_.release(parties.front()->name);
        }
    }
    const auto before = c.reported;
    event_cause last = event_cause::normal_clearing;
    auto update = [&c](const std::string& dev, connection_state to) {
        auto r = std::find_if(c.reported.begin(), c.reported.end(),
                              [&](const auto& p) { return p.first == dev; });
        if (to == connection_state::null) {
            if (r != c.reported.end()) c.reported.erase(r);
        } else if (r == c.reported.end()) {
            c.reported.emplace_back(dev, to);
        } else {
            r->second = to;
        }
    };
    for (const auto& dev : order) {
        const auto from = state_in(before, dev);
        const auto to = state_in(now, dev);
        if (from == to) continue;
        const auto j = std::find_if(joined.begin(), joined.end(),
                                    [&](const auto& p) { return p.first == dev; });
        if (to == connection_state::null && c.redirect && c.redirect->from == dev) {
            emit_redirected(c, dev, audience);
            update(dev, to);
            continue;
        }
        const auto cause =
            emit_transition(c, dev, from, to, j != joined.end() ? j->second : hint, audience);
        if (to == connection_state::null) last = cause;
        if (to == connection_state::connected && dev == c.calling && !c.made_by_us &&
            (from == connection_state::initiated || from == connection_state::null) &&
            answered_by_dialplan(members, dev)) {
            // Voicemail, an IVR or a queue announcement answered: no station answers, the
            // dialled number does (the caller's TAPI call becomes CONNECTED).
            evt::established e;
            e.established_connection = {c.id, c.called};
            e.answering_device = c.called;
            e.calling_device = c.calling;
            e.called_device = c.called;
            e.correlator_data = c.correlator;
            e.cause = event_cause::normal;
            update(dev, to);
            fan_out(c, std::move(e), dev, to, audience);
            continue;
        }
        update(dev, to);
    }

    if (members.empty() && c.had_channels) {
        // The call is over: its last parties learn it once.
        evt::call_cleared cc;
        cc.cleared_call = c.id;
        cc.cause = last;  // the last party's cause (protocol.md §5.3 "Cause of the last party")
        cc.local_connection_info = connection_state::null;
        for (const auto& [dev, st] : before) sink_(dev, cc);
        erase_call(c.id);
    }
}

event_cause call_model::emit_transition(call& c, const std::string& device, connection_state from,
                                        connection_state to, event_cause hint,
                                        const std::vector<std::string>& audience) {
    const connection_id conn{c.id, device};
    event_cause cause = event_cause::normal;
    const bool calling = device == c.calling;
    protocol::event_body body;
    switch (to) {
        case connection_state::initiated: {
            evt::service_initiated e;
            e.initiated_connection = conn;
            e.initiating_device = device;
            e.correlator_data = c.correlator;
            body = with_cause(std::move(e),
                              c.made_by_us ? event_cause::make_call : event_cause::new_call, to);
            break;
        }
        case connection_state::alerting: {
            evt::delivered e;
            e.connection = conn;
            e.alerting_device = device;
            e.calling_device = c.calling;
            e.called_device = c.called;
            e.correlator_data = c.correlator;
            e.last_redirection_device = c.last_redirection;
            const bool own = calling && c.made_by_us;  // the caller's phone rung by MakeCall
            body = with_cause(
                std::move(e),
                own ? event_cause::make_call : c.delivery_cause.value_or(event_cause::normal), to);
            break;
        }
        case connection_state::connected: {
            if (from == connection_state::hold) {
                body = with_cause(evt::retrieved{{}, conn, device}, event_cause::normal, to);
            } else if (calling && from != connection_state::fail) {
                // The caller's own answer or dialling: never an Established (protocol.md §5.3).
                evt::originated e;
                e.originated_connection = conn;
                e.calling_device = c.calling;
                e.called_device = c.called;
                body = with_cause(std::move(e),
                                  c.made_by_us ? event_cause::make_call : event_cause::normal, to);
            } else {
                evt::established e;
                e.established_connection = conn;
                e.answering_device = device;
                e.calling_device = c.calling;
                e.called_device = c.called;
                e.correlator_data = c.correlator;
                e.last_redirection_device = c.last_redirection;
                const bool joined = hint == event_cause::call_pickup || hint == event_cause::park;
                body =
                    with_cause(std::move(e),
                               joined ? hint : c.delivery_cause.value_or(event_cause::normal), to);
                c.delivery_cause.reset();  // answered: the redirection is over
            }
            break;
        }
        case connection_state::hold:
            body = with_cause(evt::held{{}, conn, device}, event_cause::normal, to);
            break;
        case connection_state::fail: {
            evt::failed e;
            // A caller whose destination failed reports the destination's connection
            // (protocol.md §5.3 MakeCall 3').
            e.failed_connection = calling ? connection_id{c.id, c.called} : conn;
            e.failing_device = calling ? c.called : device;
            e.calling_device = c.calling;
            e.called_device = c.called;
            body = with_cause(std::move(e), c.fail_cause, to);
            break;
        }
        case connection_state::queued:
        case connection_state::null: {
            evt::connection_cleared e;
            e.dropped_connection = conn;
            e.releasing_device = device;
            cause = hint == event_cause::call_pickup || hint == event_cause::park
                        ? event_cause::normal_clearing
                        : hint;
            if (auto d = departed_cause_.find(device);
                d != departed_cause_.end() && hooks_.cause_of) {
                const bool answered =
                    from == connection_state::connected || from == connection_state::hold;
                cause = hooks_.cause_of(d->second, answered);
            } else if (from == connection_state::alerting || from == connection_state::initiated) {
                cause = event_cause::call_cancelled;  // left without answering
            }
            if (c.parker && *c.parker == device) {
                cause = event_cause::park;  // protocol.md §5.6: the parker leaves
                c.parker.reset();
            }
            body = with_cause(std::move(e), cause, connection_state::null);
            break;
        }
    }
    fan_out(c, body, device, to, audience);
    return cause;
}

void call_model::emit_redirected(call& c, const std::string& device,
                                 const std::vector<std::string>& audience) {
    const auto r = *c.redirect;
    c.redirect.reset();
    const connection_id conn{c.id, device};
    protocol::event_body body;
    if (r.cause == event_cause::single_step_transfer) {
        // protocol.md §5.4 SingleStepTransfer: the call continues as c for the others; the
        // target's connection comes with its delivery.
        evt::transferred e;
        e.primary_old_call = conn;
        e.transferring_device = device;
        e.transferred_to_device = r.to;
        for (const auto& [dev, st] : c.reported) {
            if (dev == device) {
                e.transferred_connections.push_back({conn, std::nullopt, dev});
            } else {
                e.transferred_connections.push_back(
                    {connection_id{c.id, dev}, connection_id{c.id, dev}, dev});
            }
        }
        e.transferred_connections.push_back({std::nullopt, connection_id{c.id, r.to}, r.to});
        e.cause = r.cause;
        body = std::move(e);
        c.called = r.to;
    } else {
        evt::diverted e;
        e.connection = conn;
        e.diverting_device = device;
        e.new_destination = r.to;
        e.calling_device = c.calling;
        e.called_device = c.called;
        e.cause = r.cause;
        body = std::move(e);
    }
    c.last_redirection = device;
    c.delivery_cause = r.cause;
    fan_out(c, std::move(body), device, connection_state::null, audience);
}

void call_model::expect_redirect(const connection_id& conn, const std::string& destination,
                                 event_cause cause) {
    auto it = calls_.find(conn.call_id);
    if (it == calls_.end()) return;
    it->second.redirect = call::redirection{conn.device_id, destination, cause};
}

void call_model::forget_redirect(const std::string& call_id) {
    if (auto it = calls_.find(call_id); it != calls_.end()) it->second.redirect.reset();
}

void call_model::fan_out(const call& c, protocol::event_body body, const std::string& changed,
                         connection_state changed_to, const std::vector<std::string>& audience) {
    // The outside caller's name goes with its number (callingName).
    std::visit(
        [&c](auto& e) {
            if constexpr (requires { e.calling_name; }) {
                if (!e.calling_name && e.calling_device == c.calling)
                    e.calling_name = c.calling_name;
            }
        },
        body);
    // Each copy carries its recipient's own connection state (protocol.md §6.1): the changing
    // device's new one, every other device's as last reported.
    for (const auto& dev : audience) {
        connection_state st = changed_to;
        if (dev != changed) {
            auto r = std::find_if(c.reported.begin(), c.reported.end(),
                                  [&](const auto& p) { return p.first == dev; });
            st = r == c.reported.end() ? connection_state::null : r->second;
        }
        std::visit(
            [st](auto& e) {
                if constexpr (requires { e.local_connection_info; }) e.local_connection_info = st;
            },
            body);
        sink_(dev, body);
    }
}

void call_model::call_event(const std::string& call_id, protocol::event_body body) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    std::vector<std::string> audience;
    for (const auto& [dev, st] : it->second.reported) audience.push_back(dev);
    fan_out(it->second, std::move(body), {}, connection_state::null, audience);
}

void call_model::digits_generated(const connection_id& conn, const std::string& digits) {
    evt::digits_generated e;
    e.connection = conn;
    e.digits = digits;
    e.cause = event_cause::normal;
    call_event(conn.call_id, e);
}

// ---- reads ----

std::vector<protocol::snapshot_connection> call_model::snapshot_device(
    const std::string& device) const {
    std::vector<protocol::snapshot_connection> out;
    for (const auto& [id, c] : calls_) {
        for (const auto& [dev, st] : c.reported) {
            if (dev != device) continue;
            protocol::snapshot_connection s;
            s.connection = {c.id, dev};
            s.state = st;
            s.calling_device = c.calling;
            if (!c.called.empty()) s.called_device = c.called;
            s.correlator_data = c.correlator;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<std::string> call_model::devices_in_call(std::string_view call_id) const {
    std::vector<std::string> out;
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return out;
    for (const auto& [dev, st] : it->second.reported) out.push_back(dev);
    return out;
}

std::optional<connection_state> call_model::state_of(const connection_id& conn) const {
    auto it = calls_.find(conn.call_id);
    if (it == calls_.end()) return std::nullopt;
    for (const auto& [dev, st] : it->second.reported) {
        if (dev == conn.device_id) return st;
    }
    return connection_state::null;
}

bool call_model::has_call(std::string_view call_id) const {
    return calls_.find(call_id) != calls_.end();
}

std::vector<std::string> call_model::channels_of(const connection_id& conn) const {
    std::vector<std::string> out;
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id == conn.call_id && ch.station && *ch.station == conn.device_id) {
            out.push_back(ch.name);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> call_model::far_channels(const connection_id& conn) const {
    std::vector<std::string> out;
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id != conn.call_id || ch.local) continue;
        if (ch.station && *ch.station == conn.device_id) continue;
        out.push_back(ch.name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> call_model::dial_source_of(const connection_id& conn) const {
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id != conn.call_id || !ch.station || *ch.station != conn.device_id) continue;
        if (ch.dial_source.empty()) continue;
        if (auto src = channels_.find(ch.dial_source); src != channels_.end())
            return src->second.name;
    }
    return std::nullopt;
}

bool call_model::held_in_context(const connection_id& conn) const {
    return any_channel_of(conn, [this](const channel& ch) { return in_hold_context(ch); });
}

bool call_model::hold_requested(const connection_id& conn) const {
    return any_channel_of(conn, [this](const channel& ch) { return is_hold_context(ch.context); });
}

void call_model::enter_context(const connection_id& conn, const std::string& context) {
    for (auto& [id, ch] : channels_) {
        if (ch.call_id == conn.call_id && ch.station && *ch.station == conn.device_id) {
            // Not the bridge: the Redirect is an async goto, so the channel is held only once
            // its BridgeLeave shows it really left (a RetrieveCall's Bridge sent before that
            // would be undone by the pending goto).
            ch.context = context;
            ch.app.clear();
        }
    }
    project(conn.call_id, event_cause::normal);
}

void call_model::abandon_originate(const std::string& call_id) {
    auto it = calls_.find(call_id);
    if (it != calls_.end() && !it->second.had_channels) calls_.erase(it);
}

void call_model::originate_failed(const std::string& call_id) {
    auto it = calls_.find(call_id);
    if (it == calls_.end() || it->second.had_channels) return;  // channel events tell the rest
    evt::call_cleared cc;
    cc.cleared_call = call_id;
    cc.cause = event_cause::resources_not_available;
    cc.local_connection_info = connection_state::null;
    const std::string calling = it->second.calling;
    calls_.erase(it);
    sink_(calling, cc);
}

std::vector<protocol::call_party> call_model::parties(std::string_view call_id) const {
    std::vector<protocol::call_party> out;
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return out;
    for (const auto& [dev, st] : it->second.reported) out.push_back({{it->second.id, dev}, st});
    return out;
}

std::optional<protocol::byte_string> call_model::correlator_of(std::string_view call_id) const {
    auto it = calls_.find(call_id);
    return it == calls_.end() ? std::nullopt : it->second.correlator;
}

bool call_model::answered(std::string_view name) const {
    return std::any_of(channels_.begin(), channels_.end(), [&](const auto& p) {
        return p.second.name == name && p.second.state == channel_state::up;
    });
}

std::vector<std::string> call_model::call_channels(std::string_view call_id) const {
    std::vector<std::string> out;
    for (const auto& [id, ch] : channels_) {
        if (ch.call_id == call_id) out.push_back(ch.name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ctigw::gateway::asterisk
