// The simulator backend: one model session (id 1) holds at most one model monitor per device;
// the gateway's server owns the client sessions' monitors and fans the events out.
#include "ctigw/gateway/sim_backend.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server_core.hpp"  // random_hex

namespace ctigw::gateway {

using namespace protocol;

namespace {
constexpr sim::session_id backend_session = 1;
}

struct sim_backend::timer {
    explicit timer(boost::asio::io_context& io) : t(io) {}
    boost::asio::steady_timer t;
};

sim_backend::sim_backend(boost::asio::io_context& io, sim::sim_config config)
    : timer_(std::make_unique<timer>(io)),
      model_(std::make_unique<sim::switch_model>(std::move(config),
                                                 static_cast<sim::event_sink&>(*this))),
      instance_(detail::random_hex(8)) {}

sim_backend::~sim_backend() = default;

void sim_backend::attach(backend_listener& listener) {
    listener_ = &listener;
    arm_timer();
}

bool sim_backend::is_device(std::string_view device) const {
    return model_->is_device(std::string(device));
}

std::vector<std::string> sim_backend::devices() const {
    return model_->devices();
}

std::vector<std::string> sim_backend::devices_in_call(std::string_view call_id) const {
    return model_->devices_in_call(std::string(call_id));
}

std::size_t sim_backend::active_calls() const {
    return model_->stats().active_calls;
}

std::vector<std::string> sim_backend::unsupported_services(std::string_view device) const {
    std::vector<std::string> out;
    auto add = [&](std::string_view key) {
        auto it = unsupported_.find(key);
        if (it == unsupported_.end()) return;
        for (const auto& s : it->second) {
            if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
        }
    };
    add("*");
    add(device);
    // Without ACD groups there are no agents (sim/model_agents.cpp).
    if (model_->config().acd_groups.empty()) {
        for (std::string_view s : {"SetAgentState", "GetAgentState", "GetQueueStatistics"}) {
            if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
        }
    }
    return out;
}

void sim_backend::set_unsupported(const std::string& device, std::vector<std::string> services) {
    if (services.empty()) {
        unsupported_.erase(device);
    } else {
        unsupported_[device] = std::move(services);
    }
}

std::optional<csta_error> sim_backend::monitor(const std::string& device) {
    if (ref_of_device_.count(device) != 0) return std::nullopt;
    auto m = model_->start_monitor(backend_session, device);
    if (auto* e = std::get_if<csta_error>(&m)) return std::move(*e);
    auto& ref = std::get<std::string>(m);
    device_of_ref_.emplace(ref, device);
    ref_of_device_.emplace(device, std::move(ref));
    return std::nullopt;
}

void sim_backend::unmonitor(const std::string& device) {
    auto it = ref_of_device_.find(device);
    if (it == ref_of_device_.end()) return;
    model_->stop_monitor(backend_session, it->second);
    device_of_ref_.erase(it->second);
    ref_of_device_.erase(it);
}

namespace {
response unreachable(const request& request) {
    return response{
        request.id, request.params.index(),
        csta_error{error_category::system_resource_availability,
                   std::string(error_values::resource_busy), "the switch is not reachable"}};
}

}  // namespace

void sim_backend::execute(const request& request, completion done) {
    if (status_ == backend_status::down) return done(unreachable(request));
    auto res = model_->handle(backend_session, request, sim::sim_clock::now());
    done(std::move(res));  // the response goes out before the events it caused
    flush();
}

std::optional<response> sim_backend::read_now(const request& request) {
    if (status_ == backend_status::down && sim::switch_model::is_read(request)) {
        return unreachable(request);
    }
    return model_->read(backend_session, request);
}

bool sim_backend::read_status_now(const std::string& device, std::span<const status_read> reads,
                                  device_status_item& item) {
    if (status_ == backend_status::down) return false;  // each read answers unreachable
    model_->read_status(backend_session, device, reads, item);
    return true;
}

void sim_backend::on_event(sim::session_id, const std::string& monitor_ref,
                           const event_body& body) {
    auto it = device_of_ref_.find(monitor_ref);
    if (it != device_of_ref_.end()) pending_.emplace_back(it->second, body);
}

void sim_backend::flush() {
    auto batch = std::move(pending_);
    pending_.clear();
    if (listener_ != nullptr && status_ == backend_status::up) {
        for (const auto& [device, body] : batch) listener_->on_device_event(device, body);
    }
    arm_timer();
}

void sim_backend::arm_timer() {
    auto deadline = model_->next_deadline();
    if (!deadline) {
        timer_->t.cancel();
        return;
    }
    timer_->t.expires_at(*deadline);
    timer_->t.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: re-armed by whoever cancelled it
        try {
            model_->advance_to(sim::sim_clock::now());
            flush();
        } catch (const std::exception&) {
            pending_.clear();  // the model stays usable; the next timer runs as usual
        }
    });
}

void sim_backend::with_model(const std::function<void(sim::switch_model&, sim::time_point)>& fn) {
    fn(*model_, sim::sim_clock::now());
    flush();
}

void sim_backend::restart() {
    instance_ = detail::random_hex(8);
    model_->restart();
    pending_.clear();
    ref_of_device_.clear();
    device_of_ref_.clear();
    if (listener_ != nullptr) {
        listener_->on_backend_status(status_, true,
                                     "the switch restarted (instance " + instance_ + ")");
    }
    arm_timer();
}

void sim_backend::set_unreachable(bool unreachable) {
    const auto to = unreachable ? backend_status::down : backend_status::up;
    if (to == status_) return;
    status_ = to;
    if (listener_ != nullptr) {
        listener_->on_backend_status(
            to, false,
            unreachable ? "the switch is not reachable" : "the switch is reachable again");
    }
}

}  // namespace ctigw::gateway
