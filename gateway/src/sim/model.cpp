// switch_model: construction, devices, calls and connections, the connection state machine,
// event fan-out, timers, request dispatch and the public interface. Monitoring and snapshot
// services are in model_monitors.cpp, call control in model_calls.cpp and model_transfer.cpp,
// park/pickup, data and device features in model_features.cpp, phone sets and the control side
// in model_phone.cpp.
#include "ctigw/gateway/sim/model.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "model_impl.hpp"

namespace ctigw::gateway::sim {

namespace errv = protocol::error_values;

csta_error make_error(error_category category, std::string_view value, std::string message) {
    return csta_error{category, std::string{value}, std::move(message)};
}

csta_error bad_state(std::string_view value, std::string message) {
    return make_error(error_category::state_incompatibility, value, std::move(message));
}

csta_error out_of_range(std::string message) {
    return make_error(error_category::operation, protocol::error_values::invalid_parameter_value,
                      std::move(message));
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint64_t to_number(std::string_view s) {
    std::uint64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

namespace {

/// ECMA-269 LocalConnectionState edges the simulator uses (docs/pbx-sim.md, "Connection state
/// machine"). Moving a connection to another call (transfer/conference with a new callID) is a
/// transition to null in the old call and from null in the new one.
bool allowed(connection_state from, connection_state to) {
    using cs = connection_state;
    switch (from) {
        case cs::null:
            return to == cs::initiated || to == cs::alerting || to == cs::connected ||
                   to == cs::queued || to == cs::hold;
        case cs::initiated:
        case cs::alerting:
        case cs::hold:
            return to == cs::connected || to == cs::null;
        case cs::connected:
            return to == cs::hold || to == cs::fail || to == cs::null;
        case cs::queued:
        case cs::fail:
            return to == cs::null;
    }
    return false;
}

}  // namespace

// ---- construction and devices ----------------------------------------------------------------

switch_model::impl::impl(sim_config cfg, event_sink& event_sink)
    : config_(std::move(cfg)), sink_(event_sink) {
    build_devices();
}

void switch_model::impl::build_devices() {
    devices_.clear();
    group_of_.clear();
    station_ids_.clear();
    for (auto& l : device_lists_) l.clear();
    auto add = [&](const std::string& id, device_kind kind, protocol::device_category cat,
                   std::optional<std::string> name) {
        if (id.empty() || !devices_.try_emplace(id).second) {
            throw std::invalid_argument("pbx-sim: duplicate or empty device id '" + id + "'");
        }
        devices_[id].kind = kind;
        device_lists_[static_cast<std::size_t>(kind)].push_back(
            protocol::device_info{id, cat, std::move(name)});
    };
    for (const auto& r : config_.stations) {
        if (r.first.size() != r.last.size() || !all_digits(r.first) || !all_digits(r.last) ||
            to_number(r.first) > to_number(r.last)) {
            throw std::invalid_argument("pbx-sim: bad station range " + r.first + ".." + r.last);
        }
        const std::size_t width = r.first.size();
        for (std::uint64_t n = to_number(r.first); n <= to_number(r.last); ++n) {
            std::string id = std::to_string(n);
            if (id.size() < width) id.insert(0, width - id.size(), '0');
            add(id, device_kind::station, protocol::device_category::station, std::nullopt);
            station_ids_.push_back(id);
        }
    }
    for (const auto& o : config_.park_orbits) {
        add(o, device_kind::park, protocol::device_category::park, std::nullopt);
    }
    acd_.clear();
    for (const auto& g : config_.acd_groups) {
        add(g.device, device_kind::acd_group, protocol::device_category::acd,
            g.name.empty() ? std::nullopt : std::optional<std::string>(g.name));
        for (const auto& m : g.agents) {
            const device_state* d = find_device(m);
            if (d == nullptr || d->kind != device_kind::station) {
                throw std::invalid_argument("pbx-sim: ACD group " + g.device + ": agent " + m +
                                            " is not a station");
            }
        }
        acd_.emplace(g.device, acd_rec{g});
    }
    for (const auto& [name, members] : config_.pickup_groups) {
        add(name, device_kind::pickup_group, protocol::device_category::pickup_group, name);
        for (const auto& m : members) {
            const device_state* d = find_device(m);
            if (d == nullptr || d->kind != device_kind::station) {
                throw std::invalid_argument(std::string("pbx-sim: pickup group ")
                                                .append(name)
                                                .append(": ")
                                                .append(m)
                                                .append(" is not a station"));
            }
            group_of_.try_emplace(m, name);
        }
    }
}

device_state* switch_model::impl::find_device(const std::string& id) {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

const device_state* switch_model::impl::find_device(const std::string& id) const {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

device_state* switch_model::impl::find_station(const std::string& id) {
    device_state* d = find_device(id);
    return d != nullptr && d->kind == device_kind::station ? d : nullptr;
}

/// No call waiting: a station with any connection that is not on hold is busy.
bool switch_model::impl::is_busy(const std::string& device) const {
    const device_state* dev = find_device(device);
    if (dev == nullptr) return false;
    for (const auto& cid : dev->calls) {
        auto it = calls_.find(cid);
        if (it == calls_.end()) continue;
        const party* p = find_party(it->second, device);
        if (p != nullptr && p->state != connection_state::hold) return true;
    }
    return false;
}

call_rec* switch_model::impl::dial_tone_call(const std::string& device) {
    const device_state* dev = find_device(device);
    if (dev == nullptr) return nullptr;
    call_rec* tone = nullptr;
    for (const auto& cid : dev->calls) {
        auto it = calls_.find(cid);
        if (it == calls_.end()) continue;
        const party* p = find_party(it->second, device);
        if (p == nullptr || p->state == connection_state::hold) continue;
        if (p->state != connection_state::initiated || tone != nullptr) return nullptr;  // busy
        tone = &it->second;
    }
    return tone;
}

const external_rule* switch_model::impl::match_rule(const std::string& number) const {
    for (const auto& r : config_.external_rules) {
        if (number.starts_with(r.prefix)) return &r;
    }
    return nullptr;
}

bool switch_model::impl::is_dialable(const std::string& number) const {
    if (number.empty()) return false;
    if (const device_state* d = find_device(number)) {
        return d->kind == device_kind::station || d->kind == device_kind::acd_group;
    }
    return match_rule(number) != nullptr;
}

std::optional<csta_error> switch_model::impl::check_destination(const std::string& number,
                                                                const std::string& from) const {
    if (number == from) {
        return make_error(error_category::operation, errv::invalid_destination,
                          "a device cannot call itself");
    }
    if (!is_dialable(number)) {
        return make_error(error_category::operation, errv::invalid_destination,
                          "'" + number + "' is not a station, an ACD group or an outside number");
    }
    return std::nullopt;
}

station_features& switch_model::impl::features(device_state& dev) {
    if (!dev.features) {
        dev.features = std::make_unique<station_features>();
        dev.features->forwarding[0].type = protocol::forwarding_type::immediate;
        dev.features->forwarding[1].type = protocol::forwarding_type::busy;
        dev.features->forwarding[2].type = protocol::forwarding_type::no_answer;
        dev.features->forwarding[2].ring_count = config_.default_no_answer_rings;
    }
    return *dev.features;
}

phone_set& switch_model::impl::phone(device_state& dev) {
    if (!dev.phone) {
        dev.phone = std::make_unique<phone_set>();
        dev.phone->display.assign(
            static_cast<std::size_t>(config_.display_rows) * config_.display_columns, ' ');
        dev.phone->hookswitch.fill(protocol::hookswitch_mode::on_hook);
        dev.phone->lamps.assign(config_.buttons_per_phone, protocol::lamp_mode::off);
    }
    return *dev.phone;
}

// ---- calls and connections -------------------------------------------------------------------

std::string switch_model::impl::fresh_call_id() {
    return "c-" + std::to_string(next_call_++);
}

call_rec& switch_model::impl::new_call(std::string calling, std::string called) {
    std::string id = fresh_call_id();
    call_rec& c = calls_[id];
    c.id = id;
    c.calling_device = std::move(calling);
    c.called_device = std::move(called);
    ++stats_.calls_created;
    return c;
}

void switch_model::impl::destroy_call(const std::string& call_id) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    if (!it->second.acd_agent.empty()) {
        const auto& c = it->second;
        acd_left_.push_back({c.acd_agent, c.acd_group, c.queued_at, c.answered_at});
    }
    for (party& p : it->second.parties) {
        cancel_timer(p);
        if (device_state* d = find_device(p.device)) std::erase(d->calls, call_id);
    }
    calls_.erase(it);
    ++stats_.calls_cleared;
}

party* switch_model::impl::find_party(call_rec& call, const std::string& device) {
    for (party& p : call.parties) {
        if (p.device == device) return &p;
    }
    return nullptr;
}

const party* switch_model::impl::find_party(const call_rec& call, const std::string& device) {
    for (const party& p : call.parties) {
        if (p.device == device) return &p;
    }
    return nullptr;
}

call_rec* switch_model::impl::find_call(const std::string& call_id) {
    auto it = calls_.find(call_id);
    return it == calls_.end() ? nullptr : &it->second;
}

party& switch_model::impl::add_party(call_rec& call, const std::string& device, bool external) {
    party& p = call.parties.emplace_back();
    p.device = device;
    p.external = external;
    if (device_state* d = find_device(device)) d->calls.push_back(call.id);
    return p;
}

void switch_model::impl::remove_party(call_rec& call, const std::string& device) {
    auto it = std::find_if(call.parties.begin(), call.parties.end(),
                           [&](const party& p) { return p.device == device; });
    if (it == call.parties.end()) return;
    if (!call.acd_agent.empty() && device == call.acd_agent) {
        // The ACD call left its agent: busy ends in settle_acd(), after this call's events.
        acd_left_.push_back({device, call.acd_group, call.queued_at, call.answered_at});
        call.acd_agent.clear();
    }
    cancel_timer(*it);
    if (it->state != connection_state::null) transition(call, *it, connection_state::null);
    call.parties.erase(it);
    if (device_state* d = find_device(device)) std::erase(d->calls, call.id);
}

void switch_model::impl::transition(const call_rec& call, party& p, connection_state to) {
    const connection_state from = p.state;
    if (!allowed(from, to)) {
        throw std::logic_error("pbx-sim: illegal connection transition " + call.id + "/" +
                               p.device);
    }
    p.state = to;
    if (observer_) observer_(connection_transition{call.id, p.device, from, to});
}

// ---- events ------------------------------------------------------------------------------------

void switch_model::impl::deliver(const std::string& device, const protocol::event_body& body) {
    const device_state* dev = find_device(device);
    if (dev == nullptr) return;
    for (const auto& [session, ref] : dev->monitors) {
        ++stats_.events_emitted;
        sink_.on_event(session, ref, body);
    }
}

// ---- timers ------------------------------------------------------------------------------------

void switch_model::impl::arm_timer(call_rec& call, party& p, timer_kind kind, time_point at) {
    cancel_timer(p);
    timer_key key{at, next_timer_seq_++};
    timers_.emplace(key, timer_rec{kind, call.id, p.device});
    p.timer = key;
}

void switch_model::impl::cancel_timer(party& p) {
    if (p.timer) {
        timers_.erase(*p.timer);
        p.timer.reset();
    }
}

// ---- dispatch -----------------------------------------------------------------------------------

namespace {
template <class S, class Impl, class P>
protocol::response run_one(Impl& m, session_id session, const std::string& id, const P& params,
                           time_point now) {
    if constexpr (!requires { m.serve(session, params, now); }) {
        // Served by the gateway from the per-device services (GetDeviceStatusBatch).
        ++m.stats_.requests_refused;
        return protocol::make_error_response<S>(
            id, csta_error{protocol::error_category::operation,
                           std::string(protocol::error_values::service_not_supported),
                           std::string(S::name) + " is served by the gateway, not the model"});
    } else {
        auto r = m.serve(session, params, now);
        if (auto* e = std::get_if<csta_error>(&r)) {
            ++m.stats_.requests_refused;
            return protocol::make_error_response<S>(id, std::move(*e));
        }
        return protocol::make_response<S>(id, std::move(std::get<typename S::result>(r)));
    }
}

template <class Impl, class... S>
protocol::response dispatch_all(protocol::service_list<S...>, Impl& m, session_id session,
                                const protocol::request& request, time_point now) {
    protocol::response out;
    const std::size_t index = request.params.index();
    (void)((index == protocol::service_index_v<S>
                ? (out = run_one<S>(m, session, request.id,
                                    std::get<protocol::service_index_v<S>>(request.params), now),
                   true)
                : false) ||
           ...);
    return out;
}
}  // namespace

protocol::response switch_model::impl::dispatch(session_id session,
                                                const protocol::request& request, time_point now) {
    ++stats_.requests_handled;
    auto out = dispatch_all(protocol::all_services{}, *this, session, request, now);
    settle_acd(now);
    return out;
}

// ---- switch_model ------------------------------------------------------------------------------

switch_model::switch_model(sim_config config, event_sink& sink)
    : impl_(std::make_unique<impl>(std::move(config), sink)) {}

switch_model::~switch_model() = default;

protocol::response switch_model::handle(session_id session, const protocol::request& request,
                                        time_point now) {
    return impl_->dispatch(session, request, now);
}

namespace {
using read_services =
    protocol::service_list<protocol::svc::get_forwarding, protocol::svc::get_do_not_disturb,
                           protocol::svc::get_display, protocol::svc::get_hookswitch_status,
                           protocol::svc::get_lamp_mode, protocol::svc::get_ringer_status,
                           protocol::svc::get_button_information>;

template <class... S>
bool is_one_of(protocol::service_list<S...>, std::size_t index) {
    return ((index == protocol::service_index_v<S>) || ...);
}
}  // namespace

bool switch_model::is_read(const protocol::request& request) {
    return is_one_of(read_services{}, request.params.index());
}

std::optional<protocol::response> switch_model::read(session_id session,
                                                     const protocol::request& request) {
    if (!is_read(request)) return std::nullopt;
    ++impl_->stats_.requests_handled;
    // The reads' serve() take no time into account (their time_point is unnamed).
    return dispatch_all(read_services{}, *impl_, session, request, time_point{});
}

std::variant<std::string, protocol::csta_error> switch_model::start_monitor(
    session_id session, const std::string& device) {
    return impl_->start_monitor(session, device);
}

std::optional<protocol::csta_error> switch_model::stop_monitor(session_id session,
                                                               const std::string& ref) {
    return impl_->stop_monitor(session, ref);
}

void switch_model::session_closed(session_id session) {
    auto it = impl_->session_monitors_.find(session);
    if (it == impl_->session_monitors_.end()) return;
    std::vector<std::string> refs;
    for (const auto& [device, ref] : it->second) refs.push_back(ref);
    for (const auto& ref : refs) impl_->stop_monitor(session, ref);
    impl_->session_monitors_.erase(session);
}

std::optional<time_point> switch_model::next_deadline() const {
    if (impl_->timers_.empty()) return std::nullopt;
    return impl_->timers_.begin()->first.first;
}

void switch_model::advance_to(time_point now) {
    auto& timers = impl_->timers_;
    while (!timers.empty() && timers.begin()->first.first <= now) {
        auto node = timers.extract(timers.begin());
        const time_point at = node.key().first;
        timer_rec rec = std::move(node.mapped());
        if (call_rec* c = impl_->find_call(rec.call_id)) {
            if (party* p = switch_model::impl::find_party(*c, rec.device)) p->timer.reset();
        }
        impl_->fire(rec, at);
        impl_->settle_acd(at);
    }
}

std::variant<std::string, std::string> switch_model::external_call(
    const std::string& from, const std::string& to, time_point now,
    const std::string& calling_name) {
    auto out = impl_->external_call(from, to, now, calling_name);
    impl_->settle_acd(now);
    return out;
}

std::string switch_model::device_action(const std::string& device, const std::string& action,
                                        time_point now) {
    auto out = impl_->device_action(device, action, now);
    impl_->settle_acd(now);
    return out;
}

std::string switch_model::external_hangup(const std::string& call_id, time_point now) {
    auto out = impl_->external_hangup(call_id);
    impl_->settle_acd(now);
    return out;
}

void switch_model::restart() {
    impl& m = *impl_;
    m.timers_.clear();
    m.stats_.calls_cleared += m.calls_.size();
    m.calls_.clear();
    m.monitors_.clear();
    m.session_monitors_.clear();
    m.agents_.clear();  // a restarted ACD has nobody logged on
    m.acd_left_.clear();
    m.build_devices();
    m.stats_.active_calls = 0;
    m.stats_.monitors = 0;
}

std::vector<protocol::snapshot_connection> switch_model::snapshot(const std::string& device) const {
    return impl_->snapshot(device);
}

bool switch_model::is_device(const std::string& device) const {
    return impl_->find_device(device) != nullptr;
}

std::vector<std::string> switch_model::stations() const {
    return impl_->station_ids_;
}

std::vector<std::string> switch_model::devices() const {
    std::vector<std::string> out;
    for (const auto& list : impl_->device_lists_) {
        for (const auto& d : list) out.push_back(d.device);
    }
    return out;
}

std::vector<std::string> switch_model::devices_in_call(const std::string& call_id) const {
    std::vector<std::string> out;
    auto it = impl_->calls_.find(call_id);
    if (it == impl_->calls_.end()) return out;
    for (const auto& p : it->second.parties) out.push_back(p.device);
    return out;
}

model_stats switch_model::stats() const {
    model_stats s = impl_->stats_;
    s.active_calls = impl_->calls_.size();
    s.monitors = impl_->monitors_.size();
    return s;
}

const sim_config& switch_model::config() const {
    return impl_->config_;
}

void switch_model::set_transition_observer(transition_observer observer) {
    impl_->observer_ = std::move(observer);
}

}  // namespace ctigw::gateway::sim
