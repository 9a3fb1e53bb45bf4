// asterisk_backend: settings → channel map, backend core and AMI link, wired together.
#include "ctigw/gateway/asterisk_backend.hpp"

#include "asterisk/ami_link.hpp"
#include "asterisk/backend_core.hpp"
#include "asterisk/causes.hpp"
#include "asterisk/channel_map.hpp"
#include "asterisk/ext_pattern.hpp"

namespace ctigw::gateway {

using namespace asterisk;

namespace {

std::vector<std::string> expand(const std::vector<device_range>& ranges) {
    std::vector<std::string> out;
    for (const auto& r : ranges) {
        if (r.first == r.last) {
            out.push_back(r.first);
            continue;
        }
        const auto width = r.first.size();
        for (unsigned long long n = std::stoull(r.first), last = std::stoull(r.last); n <= last;
             ++n) {
            std::string s = std::to_string(n);
            out.push_back(std::string(width - std::min(width, s.size()), '0') + s);
        }
    }
    return out;
}

/// Q.850 → CSTA, with the rule for a party that never answered (protocol.md §5.3 "Cause of the
/// last party"): a normal release of a ringing or dialling party is a cancelled call.
protocol::event_cause release_cause(int q850, bool answered) {
    const auto c = cause_of_hangup(q850);
    if (c == protocol::event_cause::normal_clearing || c == protocol::event_cause::unknown) {
        return answered ? protocol::event_cause::normal_clearing
                        : protocol::event_cause::call_cancelled;
    }
    return c;
}

}  // namespace

struct asterisk_backend::impl final : ami::link_listener {
    impl(boost::asio::io_context& io, asterisk_backend_settings s, std::string secret,
         log_fn log_fn)
        : settings(std::move(s)),
          map(settings),
          log(std::move(log_fn)),
          core(
              make_core_settings(),
              [this](std::string action, const std::vector<ami::header>& headers,
                     ami::completion done) {
                  link.send(std::move(action), headers, std::move(done));
              },
              [this](std::string_view line) {
                  if (log) log(config::log_level::info, line);
              }),
          link(io, make_link_settings(std::move(secret)), *this,
               [this](config::log_level level, std::string_view line) {
                   if (log) log(level, line);
               }) {}

    core_settings make_core_settings() {
        core_settings c;
        c.stations = expand(settings.stations);
        c.station_of = [this](std::string_view channel) { return map.extension_of(channel); };
        c.cause_of = release_cause;
        c.services.dial_string = [this](std::string_view ext) { return map.dial_string(ext); };
        c.services.context = settings.context;
        c.services.pickup_groups = settings.pickup_groups;
        if (!settings.answer.stations.empty()) {
            c.services.can_answer = [set = device_set(settings.answer.stations)](
                                        std::string_view ext) { return set.contains(ext); };
            c.services.answer_endpoint = settings.answer.endpoint;
            c.services.answer_event = settings.answer.event;
        }
        c.services.conference_context = settings.conference.context;
        c.services.conference_bridge_profile = settings.conference.bridge_profile;
        c.services.conference_user_profile = settings.conference.user_profile;
        c.parking_lot = settings.parking.lot;
        // The loader checked that spaces are digits; unparsable → an empty range, no park.
        c.parking_first = ami::to_int(settings.parking.spaces.first).value_or(1);
        c.parking_last = ami::to_int(settings.parking.spaces.last).value_or(0);
        if (!settings.originate_caller_id.empty()) {
            c.services.caller_id = [pattern = settings.originate_caller_id](std::string_view ext) {
                return expand_ext(pattern, ext);
            };
        }
        c.features.dnd_family = settings.features.dnd_family;
        c.features.forward_families = {settings.features.forward_immediate_family,
                                       settings.features.forward_busy_family,
                                       settings.features.forward_no_answer_family};
        c.features.dnd_device_state = settings.features.dnd_device_state;
        c.features.voicemail_context = settings.voicemail_context;
        c.agents.member_interface = settings.queues.member_interface;
        c.agents.state_interface = settings.queues.state_interface;
        c.agents.wrapup = settings.queues.wrapup;
        return c;
    }

    ami::link_settings make_link_settings(std::string secret) const {
        ami::link_settings l;
        l.host = settings.ami.host;
        l.port = settings.ami.port;
        l.tls = !settings.ami.insecure;
        l.ca_file = settings.ami.ca_file.string();
        l.server_name = settings.ami.server_name;
        l.username = settings.ami.username;
        l.secret = std::move(secret);
        l.action_timeout = settings.ami.action_timeout;
        l.ping_interval = settings.ami.ping_interval;
        l.tick_interval = std::chrono::seconds(1);  // wrap-up ends: a second is TAPI's grain
        return l;
    }

    // ---- ami::link_listener ----
    void on_up(std::string_view /*version*/) override { core.on_link_up(); }
    void on_down(std::string_view reason, bool /*will_retry*/) override {
        core.on_link_down(reason);
    }
    void on_event(const ami::message& event) override { core.on_ami_event(event); }
    void on_tick() override { core.on_tick(); }

    asterisk_backend_settings settings;
    channel_map map;
    log_fn log;
    backend_core core;  ///< before the link: the link's completions reach the core
    ami::link link;
};

asterisk_backend::asterisk_backend(boost::asio::io_context& io, asterisk_backend_settings settings,
                                   std::string secret, log_fn log)
    : impl_(std::make_unique<impl>(io, std::move(settings), std::move(secret), std::move(log))) {}

asterisk_backend::~asterisk_backend() {
    impl_->link.stop();  // pending actions complete while the core still exists
}

void asterisk_backend::attach(backend_listener& listener) {
    impl_->core.attach(listener);
    impl_->link.start();
}

void asterisk_backend::stop() {
    impl_->link.stop();
}

std::string asterisk_backend::instance_id() const {
    return impl_->core.instance_id();
}
backend_status asterisk_backend::status() const {
    return impl_->core.status();
}
bool asterisk_backend::is_device(std::string_view d) const {
    return impl_->core.is_device(d);
}
std::vector<std::string> asterisk_backend::devices() const {
    return impl_->core.devices();
}
std::vector<std::string> asterisk_backend::devices_in_call(std::string_view c) const {
    return impl_->core.devices_in_call(c);
}
std::size_t asterisk_backend::active_calls() const {
    return impl_->core.active_calls();
}
std::vector<std::string> asterisk_backend::unsupported_services(std::string_view d) const {
    return impl_->core.unsupported_services(d);
}
std::optional<protocol::csta_error> asterisk_backend::monitor(const std::string& d) {
    return impl_->core.monitor(d);
}
void asterisk_backend::unmonitor(const std::string& d) {
    impl_->core.unmonitor(d);
}
void asterisk_backend::execute(const protocol::request& r, completion done) {
    impl_->core.execute(r, std::move(done));
}

}  // namespace ctigw::gateway
