// switch_model phone-set services (display, hookswitch, lamps, ringer, buttons), a device's status
// reads at once (GetDeviceStatusBatch) and the control side: device actions from the
// console/scenarios and outside calls.
#include <algorithm>
#include <charconv>
#include <sstream>

#include "ctigw/protocol/log_safe.hpp"
#include "display_text.hpp"
#include "../status_item.hpp"
#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace ev = protocol::evt;
namespace sv = protocol::svc;

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

// ---- GetDeviceStatusBatch's reads of one device -----------------------------------------------

void switch_model::read_status(session_id session, const std::string& device,
                               std::span<const protocol::status_read> reads,
                               protocol::device_status_item& item) {
    using protocol::status_read;
    auto& m = *impl_;
    // One read: its result or its error, counted as read() counts it.
    auto serve = [&](const auto& params) {
        ++m.stats_.requests_handled;
        auto r = m.serve(session, params, time_point{});
        if (std::holds_alternative<protocol::csta_error>(r)) ++m.stats_.requests_refused;
        return r;
    };
    auto one = [&](status_read read, const auto& params) {
        auto r = serve(params);
        if (auto* e = std::get_if<protocol::csta_error>(&r)) {
            item.errors.push_back({read, std::move(*e)});
        } else {
            gateway::detail::store(item, std::move(std::get<0>(r)));
        }
    };
    const bool keep_buttons = gateway::detail::reads_contain(reads, status_read::buttons);
    const bool lamps = gateway::detail::reads_contain(reads, status_read::lamps);
    for (const auto read : reads) {
        if (read != status_read::buttons && read != status_read::lamps) {
            gateway::detail::with_service(read, [&]<class S>(std::type_identity<S>) {
                one(read, gateway::detail::params_of<S>(device));
            });
            continue;
        }
        if (read == status_read::lamps && keep_buttons) continue;  // read with the buttons
        auto r = serve(gateway::detail::params_of<sv::get_button_information>(device));
        if (auto* e = std::get_if<protocol::csta_error>(&r)) {
            gateway::detail::buttons_failed(item, keep_buttons, lamps, std::move(*e));
            continue;
        }
        auto& got = std::get<0>(r);
        if (lamps) {
            for (const auto& b : got.buttons) {
                if (!b.lamp) continue;
                auto l = serve(sv::get_lamp_mode::params{device, *b.lamp});
                if (auto* e = std::get_if<protocol::csta_error>(&l)) {
                    gateway::detail::lamp_failed(item, std::move(*e));
                } else {
                    item.lamps.push_back({*b.lamp, std::get<0>(l).mode});
                }
            }
        }
        if (keep_buttons) gateway::detail::store(item, std::move(got));
    }
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
