// switch_model park and pickup, digits and correlator data, device features (forwarding, DND,
// message waiting), phone-set services, and the control side (device actions, outside calls).
#include <algorithm>
#include <charconv>
#include <sstream>

#include "ctigw/protocol/log_safe.hpp"
#include "display_text.hpp"
#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace ev = protocol::evt;
namespace sv = protocol::svc;
namespace errv = protocol::error_values;
using protocol::connection_id;

namespace {
csta_error nothing_to_pick(std::string message) {
    return bad_state(errv::no_call_to_pick_up, std::move(message));
}
}  // namespace

// ---- pickup and park ---------------------------------------------------------------------------

/// `from` (alerting at a station, or queued at an orbit) leaves; `requester` answers the call.
void switch_model::impl::pick_up(call_rec& call, party& from, const std::string& requester,
                                 event_cause cause) {
    const std::string diverting = from.device;
    remove_party(call, diverting);
    ev::diverted d;
    d.connection = {call.id, diverting};
    d.diverting_device = diverting;
    d.new_destination = requester;
    d.calling_device = call.calling_device;
    d.called_device = call.called_device;
    d.last_redirection_device = call.last_redirection;
    d.cause = cause;
    emit(call, d, {diverting});
    call.last_redirection = diverting;
    call.parked_by.reset();
    party& c = add_party(call, requester, false);
    transition(call, c, connection_state::connected);
    ev::established e;
    e.established_connection = {call.id, requester};
    e.answering_device = requester;
    e.calling_device = call.calling_device;
    e.called_device = call.called_device;
    e.last_redirection_device = call.last_redirection;
    e.correlator_data = call.correlator;
    e.cause = cause;
    emit(call, e);
}

outcome<sv::directed_pickup_call> switch_model::impl::serve(
    session_id, const sv::directed_pickup_call::params& p, time_point) {
    if (find_station(p.requesting_device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "requesting device " + p.requesting_device + " is not a station");
    }
    if (p.device_to_be_picked_up.has_value() == p.call_to_be_picked_up.has_value()) {
        return out_of_range("/params: exactly one of deviceToBePickedUp, callToBePickedUp");
    }
    call_rec* call = nullptr;
    party* from = nullptr;
    if (p.call_to_be_picked_up) {
        call = find_call(p.call_to_be_picked_up->call_id);
        from = call != nullptr ? find_party(*call, p.call_to_be_picked_up->device_id) : nullptr;
        if (from == nullptr || from->external) {
            return make_error(error_category::operation, errv::invalid_connection_id,
                              "no connection " + p.call_to_be_picked_up->call_id + "/" +
                                  p.call_to_be_picked_up->device_id);
        }
    } else {
        device_state* dev = find_device(*p.device_to_be_picked_up);
        if (dev == nullptr || dev->kind == device_kind::pickup_group) {
            return make_error(error_category::operation, errv::invalid_device_id,
                              *p.device_to_be_picked_up + " is not a station or park orbit");
        }
        std::uint64_t best = 0;
        for (const auto& cid : dev->calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, *p.device_to_be_picked_up);
            const bool takeable =
                x->state == connection_state::alerting || x->state == connection_state::queued;
            if (takeable && (from == nullptr || x->alert_seq < best)) {
                call = c;
                from = x;
                best = x->alert_seq;
            }
        }
    }
    if (from == nullptr ||
        (from->state != connection_state::alerting && from->state != connection_state::queued) ||
        (call->pending_destination && from->device == call->calling_device)) {
        return nothing_to_pick("nothing alerting or parked there");
    }
    if (from->device == p.requesting_device) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "a device cannot pick up its own call");
    }
    if (is_busy(p.requesting_device)) {
        return bad_state(errv::invalid_device_state, "requesting device is busy");
    }
    const bool parked = from->state == connection_state::queued;
    pick_up(*call, *from, p.requesting_device,
            parked ? event_cause::park : event_cause::call_pickup);
    return sv::directed_pickup_call::result{connection_id{call->id, p.requesting_device}};
}

outcome<sv::group_pickup_call> switch_model::impl::serve(session_id,
                                                         const sv::group_pickup_call::params& p,
                                                         time_point) {
    if (find_station(p.requesting_device) == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "requesting device " + p.requesting_device + " is not a station");
    }
    std::string group;
    if (p.pickup_group) {
        group = *p.pickup_group;
    } else if (auto it = group_of_.find(p.requesting_device); it != group_of_.end()) {
        group = it->second;
    }
    auto g = config_.pickup_groups.find(group);
    if (g == config_.pickup_groups.end()) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          group.empty() ? "the requesting device has no pickup group"
                                        : "unknown pickup group " + group);
    }
    call_rec* call = nullptr;
    party* from = nullptr;
    for (const auto& member : g->second) {
        if (member == p.requesting_device) continue;
        for (const auto& cid : devices_.at(member).calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, member);
            if (x->state == connection_state::alerting &&
                !(c->pending_destination && member == c->calling_device) &&
                (from == nullptr || x->alert_seq < from->alert_seq)) {
                call = c;
                from = x;
            }
        }
    }
    if (from == nullptr) return nothing_to_pick("no call alerting in group " + group);
    if (is_busy(p.requesting_device)) {
        return bad_state(errv::invalid_device_state, "requesting device is busy");
    }
    pick_up(*call, *from, p.requesting_device, event_cause::call_pickup);
    return sv::group_pickup_call::result{connection_id{call->id, p.requesting_device}};
}

outcome<sv::park_call> switch_model::impl::serve(session_id, const sv::park_call::params& p,
                                                 time_point now) {
    auto r = find_connection(p.parking, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    if (x->state != connection_state::connected || c->parties.size() < 2) {
        return bad_state(errv::invalid_connection_state,
                         "only a call connected to another party can be parked");
    }
    std::string orbit;
    if (p.park_to) {
        const device_state* dev = find_device(*p.park_to);
        if (dev == nullptr || dev->kind != device_kind::park) {
            return make_error(error_category::operation, errv::invalid_device_id,
                              *p.park_to + " is not a park orbit");
        }
        if (!dev->calls.empty()) {
            return make_error(error_category::system_resource_availability, errv::resource_busy,
                              "orbit " + *p.park_to + " is occupied");
        }
        orbit = *p.park_to;
    } else {
        for (const auto& o : config_.park_orbits) {
            if (devices_.at(o).calls.empty()) {
                orbit = o;
                break;
            }
        }
        if (orbit.empty()) {
            return make_error(error_category::subscribed_resource_availability,
                              errv::resource_limit_exceeded, "no free park orbit");
        }
    }
    const std::string b = x->device;
    c->parked_by = b;
    c->last_redirection = b;
    party& q = add_party(*c, orbit, false);
    transition(*c, q, connection_state::queued);
    ev::queued qd;
    qd.queued_connection = {c->id, orbit};
    qd.queue = orbit;
    qd.calling_device = c->calling_device;
    qd.called_device = c->called_device;
    qd.last_redirection_device = b;
    qd.number_queued = 1;
    qd.cause = event_cause::park;
    emit(*c, qd);
    arm_timer(*c, *find_party(*c, orbit), timer_kind::park_recall, now + config_.park_timeout);
    remove_party(*c, b);
    ev::connection_cleared cc;
    cc.dropped_connection = p.parking;
    cc.releasing_device = b;
    cc.cause = event_cause::park;
    emit(*c, cc, {b});
    return sv::park_call::result{orbit};
}

// ---- digits and call data --------------------------------------------------------------------

outcome<sv::generate_digits> switch_model::impl::serve(session_id,
                                                       const sv::generate_digits::params& p,
                                                       time_point) {
    auto r = find_connection(p.connection_to_send_digits, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto [c, x] = std::get<conn_ref>(r);
    const auto& s = p.characters_to_send;
    const bool valid = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#' || (ch >= 'A' && ch <= 'D') ||
               ch == ',';
    });
    if (!valid) return out_of_range("/params/charactersToSend: only 0-9 * # A-D ,");
    if (x->state != connection_state::connected) {
        return bad_state(errv::invalid_connection_state, "the connection is not connected");
    }
    ev::digits_generated d;
    d.connection = p.connection_to_send_digits;
    d.digits = s;
    emit(*c, d);
    return sv::generate_digits::result{};
}

outcome<sv::associate_data> switch_model::impl::serve(session_id,
                                                      const sv::associate_data::params& p,
                                                      time_point) {
    auto r = find_connection(p.existing_call, true);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    if (p.correlator_data.bytes.size() > max_correlator_bytes) {
        return out_of_range("/params/correlatorData: over 4096 bytes");
    }
    call_rec& c = *std::get<conn_ref>(r).call;
    c.correlator = p.correlator_data;
    send_call_information(c);
    return sv::associate_data::result{};
}

void switch_model::impl::send_call_information(const call_rec& c) {
    // CallInformation names each recipient's own connection (docs/protocol.md §6.2).
    for (const party& q : c.parties) {
        if (q.external) continue;
        ev::call_information ci;
        ci.connection = {c.id, q.device};
        ci.correlator_data = c.correlator;
        ci.local_connection_info = q.state;
        deliver(q.device, protocol::event_body{ci});
    }
}

// ---- device features ---------------------------------------------------------------------------

std::variant<device_state*, csta_error> switch_model::impl::feature_device(
    const std::string& device) {
    device_state* dev = find_device(device);
    if (dev == nullptr) {
        return make_error(error_category::operation, errv::invalid_device_id,
                          "device " + device + " is not configured");
    }
    if (dev->kind != device_kind::station) {
        return make_error(error_category::operation, errv::service_not_supported,
                          device + " is not a station");
    }
    return dev;
}

outcome<sv::set_forwarding> switch_model::impl::serve(session_id,
                                                      const sv::set_forwarding::params& p,
                                                      time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    std::size_t slot = 0;
    switch (p.type) {
        case protocol::forwarding_type::immediate:
            slot = 0;
            break;
        case protocol::forwarding_type::busy:
            slot = 1;
            break;
        case protocol::forwarding_type::no_answer:
            slot = 2;
            break;
        default:
            return make_error(error_category::operation, errv::service_not_supported,
                              "only forwardImmediate, forwardBusy and forwardNoAns");
    }
    if (p.activate) {
        if (!p.forward_to) return out_of_range("/params/forwardTo: required when activating");
        if (auto e = check_destination(*p.forward_to, p.device)) return *e;
    }
    if (p.ring_count && *p.ring_count == 0) return out_of_range("/params/ringCount: at least 1");
    auto& entry = features(*std::get<device_state*>(r)).forwarding[slot];
    entry.active = p.activate;
    if (p.forward_to) entry.forward_to = p.forward_to;
    if (slot == 2 && p.ring_count) entry.ring_count = p.ring_count;
    ev::forwarding f;
    f.device = p.device;
    f.type = entry.type;
    f.forward_status = entry.active;
    f.forward_to = entry.forward_to;
    f.ring_count = entry.ring_count;
    emit_device(p.device, f);
    return sv::set_forwarding::result{};
}

outcome<sv::get_forwarding> switch_model::impl::serve(session_id,
                                                      const sv::get_forwarding::params& p,
                                                      time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    const auto& f = features(*std::get<device_state*>(r));
    return sv::get_forwarding::result{{f.forwarding.begin(), f.forwarding.end()}};
}

outcome<sv::set_do_not_disturb> switch_model::impl::serve(session_id,
                                                          const sv::set_do_not_disturb::params& p,
                                                          time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    features(*std::get<device_state*>(r)).do_not_disturb = p.do_not_disturb_on;
    ev::do_not_disturb d;
    d.device = p.device;
    d.do_not_disturb_on = p.do_not_disturb_on;
    emit_device(p.device, d);
    return sv::set_do_not_disturb::result{};
}

outcome<sv::get_do_not_disturb> switch_model::impl::serve(session_id,
                                                          const sv::get_do_not_disturb::params& p,
                                                          time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    return sv::get_do_not_disturb::result{features(*std::get<device_state*>(r)).do_not_disturb};
}

outcome<sv::set_message_waiting_indicator> switch_model::impl::serve(
    session_id, const sv::set_message_waiting_indicator::params& p, time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    auto& f = features(*std::get<device_state*>(r));
    f.message_waiting = p.message_waiting_on;
    f.device_for_message = p.device_for_message;
    ev::message_waiting m;
    m.target_device = p.device;
    m.device_for_message = p.device_for_message;
    m.message_waiting_on = p.message_waiting_on;
    emit_device(p.device, m);
    return sv::set_message_waiting_indicator::result{};
}

// ---- phone sets --------------------------------------------------------------------------------

outcome<sv::set_display> switch_model::impl::serve(session_id, const sv::set_display::params& p,
                                                   time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    const std::uint32_t row = p.row.value_or(0);
    const std::uint32_t col = p.column.value_or(0);
    if (row >= config_.display_rows || col >= config_.display_columns) {
        return out_of_range("/params/row: outside the display");
    }
    auto& ph = phone(*std::get<device_state*>(r));
    const std::size_t start = static_cast<std::size_t>(row) * config_.display_columns + col;
    const std::size_t room = config_.display_columns - col;  // text is cut at the row's end
    const std::u32string text = code_points(p.text).substr(0, room);
    ph.display.replace(start, text.size(), text);
    ev::display_updated d;
    d.device = p.device;
    d.text = utf8(text);  // what the display now shows, not what was asked
    d.row = p.row;
    d.column = p.column;
    emit_device(p.device, d);
    return sv::set_display::result{};
}

outcome<sv::get_display> switch_model::impl::serve(session_id, const sv::get_display::params& p,
                                                   time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    return sv::get_display::result{utf8(phone(*std::get<device_state*>(r)).display),
                                   config_.display_rows, config_.display_columns};
}

/// Off-hook (from all on-hook) answers the oldest alerting call, or else starts a call with
/// dial tone; all on-hook clears the device's active (non-held) call.
void switch_model::impl::set_hookswitch(const std::string& device, device_state& dev,
                                        protocol::hookswitch_type type,
                                        protocol::hookswitch_mode mode, time_point now) {
    auto& ph = phone(dev);
    auto off = [&] {
        return std::any_of(ph.hookswitch.begin(), ph.hookswitch.end(),
                           [](auto m) { return m != protocol::hookswitch_mode::on_hook; });
    };
    const bool was_off = off();
    ph.hookswitch[static_cast<std::size_t>(type)] = mode;
    const bool is_off = off();
    ev::hookswitch_changed h;
    h.device = device;
    h.hookswitch = type;
    h.mode = mode;
    emit_device(device, h);
    if (!was_off && is_off) {
        call_rec* best_call = nullptr;
        party* best = nullptr;
        for (const auto& cid : dev.calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, device);
            if (x->state == connection_state::alerting &&
                (best == nullptr || x->alert_seq < best->alert_seq)) {
                best_call = c;
                best = x;
            }
        }
        if (best != nullptr) {
            answer(*best_call, *best, now);
        } else if (!is_busy(device) && calls_.size() < config_.max_calls) {
            start_manual_call(device, now);
        }
    } else if (was_off && !is_off) {
        std::vector<std::string> active;
        for (const auto& cid : dev.calls) {
            const party* x = find_party(*find_call(cid), device);
            if (x->state != connection_state::hold && x->state != connection_state::alerting) {
                active.push_back(cid);
            }
        }
        for (const auto& cid : active) release(cid, device, event_cause::normal_clearing);
    }
}

outcome<sv::set_hookswitch_status> switch_model::impl::serve(
    session_id, const sv::set_hookswitch_status::params& p, time_point now) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    set_hookswitch(p.device, *std::get<device_state*>(r), p.hookswitch, p.mode, now);
    return sv::set_hookswitch_status::result{};
}

outcome<sv::get_hookswitch_status> switch_model::impl::serve(
    session_id, const sv::get_hookswitch_status::params& p, time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    const auto& ph = phone(*std::get<device_state*>(r));
    sv::get_hookswitch_status::result out;
    for (std::size_t i = 0; i < ph.hookswitch.size(); ++i) {
        out.hookswitches.push_back({static_cast<protocol::hookswitch_type>(i), ph.hookswitch[i]});
    }
    return out;
}

outcome<sv::set_lamp_mode> switch_model::impl::serve(session_id, const sv::set_lamp_mode::params& p,
                                                     time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    if (p.lamp < 1 || p.lamp > config_.buttons_per_phone)
        return out_of_range("/params/lamp: no such lamp");
    phone(*std::get<device_state*>(r)).lamps[p.lamp - 1] = p.mode;
    ev::lamp_mode_changed l;
    l.device = p.device;
    l.lamp = p.lamp;
    l.mode = p.mode;
    emit_device(p.device, l);
    return sv::set_lamp_mode::result{};
}

outcome<sv::get_lamp_mode> switch_model::impl::serve(session_id, const sv::get_lamp_mode::params& p,
                                                     time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    if (p.lamp < 1 || p.lamp > config_.buttons_per_phone)
        return out_of_range("/params/lamp: no such lamp");
    return sv::get_lamp_mode::result{phone(*std::get<device_state*>(r)).lamps[p.lamp - 1]};
}

outcome<sv::set_ringer_status> switch_model::impl::serve(session_id,
                                                         const sv::set_ringer_status::params& p,
                                                         time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    if (p.volume && *p.volume > 100) return out_of_range("/params/volume: 0..100");
    auto& ph = phone(*std::get<device_state*>(r));
    ph.ringer = p.mode;
    if (p.volume) ph.volume = *p.volume;
    ev::ringer_status_changed rs;
    rs.device = p.device;
    rs.mode = ph.ringer;
    rs.volume = ph.volume;
    emit_device(p.device, rs);
    return sv::set_ringer_status::result{};
}

outcome<sv::get_ringer_status> switch_model::impl::serve(session_id,
                                                         const sv::get_ringer_status::params& p,
                                                         time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    const auto& ph = phone(*std::get<device_state*>(r));
    return sv::get_ringer_status::result{ph.ringer, ph.volume};
}

namespace {
protocol::button_info button(std::uint32_t i) {
    return protocol::button_info{i, "Button " + std::to_string(i),
                                 std::string{i <= 2 ? "line" : "feature"}, i};
}
}  // namespace

outcome<sv::get_button_information> switch_model::impl::serve(
    session_id, const sv::get_button_information::params& p, time_point) {
    auto r = feature_device(p.device);
    if (auto* e = std::get_if<csta_error>(&r)) return *e;
    sv::get_button_information::result out;
    if (p.button) {
        if (*p.button < 1 || *p.button > config_.buttons_per_phone) {
            return out_of_range("/params/button: no such button");
        }
        out.buttons.push_back(button(*p.button));
    } else {
        for (std::uint32_t i = 1; i <= config_.buttons_per_phone; ++i)
            out.buttons.push_back(button(i));
    }
    return out;
}

// ---- control side -------------------------------------------------------------------------------

std::string switch_model::impl::device_action(const std::string& device, const std::string& action,
                                              time_point now) {
    device_state* dev = find_station(device);
    if (dev == nullptr) return "unknown station " + device;
    std::istringstream in(action);
    std::string verb;
    std::string arg;
    in >> verb >> arg;
    auto first = [&](connection_state s) -> std::pair<call_rec*, party*> {
        call_rec* bc = nullptr;
        party* bp = nullptr;
        for (const auto& cid : dev->calls) {
            call_rec* c = find_call(cid);
            party* x = find_party(*c, device);
            if (x->state == s && (bp == nullptr || x->alert_seq < bp->alert_seq)) {
                bc = c;
                bp = x;
            }
        }
        return {bc, bp};
    };
    using protocol::hookswitch_mode;
    using protocol::hookswitch_type;
    if (verb == "offhook") {
        set_hookswitch(device, *dev, hookswitch_type::handset, hookswitch_mode::mic_and_speaker,
                       now);
    } else if (verb == "onhook") {
        auto& hs = phone(*dev).hookswitch;
        for (std::size_t i = 0; i < hs.size(); ++i) {
            if (hs[i] != hookswitch_mode::on_hook) {
                set_hookswitch(device, *dev, static_cast<hookswitch_type>(i),
                               hookswitch_mode::on_hook, now);
            }
        }
    } else if (verb == "answer") {
        auto [c, x] = first(connection_state::alerting);
        if (x == nullptr) return "nothing alerting at " + device;
        answer(*c, *x, now);
    } else if (verb == "hold") {
        auto [c, x] = first(connection_state::connected);
        if (x == nullptr) return "no connected call at " + device;
        hold(*c, *x, std::nullopt);
    } else if (verb == "retrieve") {
        auto [c, x] = first(connection_state::hold);
        if (x == nullptr) return "no held call at " + device;
        if (is_busy(device)) return "another call is active at " + device;
        retrieve(*c, *x, std::nullopt);
    } else if (verb == "dial") {
        if (arg.empty()) return "dial: number missing";
        if (auto e = check_destination(arg, device)) return *e->message;
        auto [c, x] = first(connection_state::initiated);
        if (x == nullptr) {
            if (is_busy(device)) return device + " is busy";
            if (calls_.size() >= config_.max_calls) return "concurrent call limit reached";
            auto& hs = phone(*dev).hookswitch[0];
            if (hs == hookswitch_mode::on_hook) {
                set_hookswitch(device, *dev, hookswitch_type::handset,
                               hookswitch_mode::mic_and_speaker, now);
            } else {
                start_manual_call(device, now);
            }
            std::tie(c, x) = first(connection_state::initiated);
            if (x == nullptr) return "could not start a call at " + device;
        }
        c->called_device = arg;
        originate(*c, *x, event_cause::new_call, now);
    } else if (verb == "dtmf") {
        if (arg.empty()) return "dtmf: digits missing";
        auto [c, x] = first(connection_state::connected);
        if (x == nullptr) return "no connected call at " + device;
        ev::digits_detected d;
        d.connection = {c->id, device};
        d.digits = arg;
        emit(*c, d);
    } else if (verb == "press") {
        std::uint32_t n = 0;
        auto [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
        if (ec != std::errc{} || ptr != arg.data() + arg.size() || n < 1 ||
            n > config_.buttons_per_phone) {
            return "press: no such button '" + arg + "'";
        }
        ev::button_pressed b;
        b.device = device;
        b.button = n;
        b.label = "Button " + std::to_string(n);
        emit_device(device, b);
    } else {
        return "unknown action '" + action + "'";
    }
    return {};
}

std::variant<std::string, std::string> switch_model::impl::external_call(
    const std::string& from, const std::string& to, time_point now,
    const std::string& calling_name) {
    using result = std::variant<std::string, std::string>;
    if (from.empty() || find_device(from) != nullptr) {
        return result{std::in_place_index<1>, "caller '" + from + "' is not an outside number"};
    }
    if (find_station(to) == nullptr && find_acd(to) == nullptr) {
        return result{std::in_place_index<1>, "'" + to + "' is not a station or ACD group"};
    }
    if (calls_.size() >= config_.max_calls) {
        return result{std::in_place_index<1>, "concurrent call limit reached"};
    }
    call_rec& c = new_call(from, to);
    if (auto shown = protocol::display_text(calling_name); !shown.empty()) {
        c.calling_name = std::move(shown);  // typed at the control port: any bytes
    }
    const std::string id = c.id;
    party& x = add_party(c, from, true);
    transition(c, x, connection_state::connected);
    offer(c, to, event_cause::normal, now);
    return result{std::in_place_index<0>, id};
}

std::string switch_model::impl::external_hangup(const std::string& call_id) {
    call_rec* c = find_call(call_id);
    if (c == nullptr) return "unknown call " + call_id;
    for (const party& p : c->parties) {
        if (p.external) {
            release(call_id, std::string{p.device}, event_cause::normal_clearing);
            return {};
        }
    }
    return "call " + call_id + " has no outside party";
}

}  // namespace ctigw::gateway::sim
