// The simulator as a switch backend: the call model of sim/model.hpp in-process, its timers on
// the gateway's io_context, and the switch-side faults (restart, switch unreachable) for tests.
//
// Thread safety: like every backend, on the gateway's io thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ctigw/gateway/backend.hpp"
#include "ctigw/gateway/sim/model.hpp"
#include "ctigw/protocol/string_map.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::gateway {

class sim_backend final : public switch_backend, private sim::event_sink {
  public:
    sim_backend(boost::asio::io_context& io, sim::sim_config config);
    ~sim_backend() override;
    sim_backend(const sim_backend&) = delete;
    sim_backend& operator=(const sim_backend&) = delete;

    // ---- switch_backend ----
    void attach(backend_listener& listener) override;
    std::string_view kind() const noexcept override { return "sim"; }
    std::string instance_id() const override { return instance_; }
    backend_status status() const override { return status_; }
    bool is_device(std::string_view device) const override;
    std::vector<std::string> devices() const override;
    std::vector<std::string> devices_in_call(std::string_view call_id) const override;
    std::size_t active_calls() const override;
    std::vector<std::string> unsupported_services(std::string_view device) const override;
    std::optional<protocol::csta_error> monitor(const std::string& device) override;
    void unmonitor(const std::string& device) override;
    void execute(const protocol::request& request, completion done) override;
    /// The simulator's Get* services, answered by the model at once.
    std::optional<protocol::response> read_now(const protocol::request& request) override;
    bool read_status_now(const std::string& device, std::span<const protocol::status_read> reads,
                         protocol::device_status_item& item) override;

    // ---- the simulator's own controls ----

    sim::switch_model& model() { return *model_; }
    /// Runs `fn` against the model at the current time, then delivers the events it caused.
    void with_model(const std::function<void(sim::switch_model&, sim::time_point)>& fn);
    /// The switch restarts: every call, monitor and feature setting is lost, new instance id.
    void restart();
    /// The switch becomes unreachable (true) or reachable again (false).
    void set_unreachable(bool unreachable);
    /// From now on `device` ("*": every device) cannot do `services` (wire names; empty = it can
    /// do everything again). Clients learn it at their next MonitorStart of the device.
    void set_unsupported(const std::string& device, std::vector<std::string> services);

  private:
    void on_event(sim::session_id session, const std::string& monitor_ref,
                  const protocol::event_body& body) override;
    /// Delivers the events the model raised, then re-arms the model's timer.
    void flush();
    void arm_timer();

    struct timer;
    std::unique_ptr<timer> timer_;
    std::unique_ptr<sim::switch_model> model_;
    backend_listener* listener_ = nullptr;
    std::string instance_;
    backend_status status_ = backend_status::up;
    protocol::string_map<std::string> ref_of_device_;
    protocol::string_map<std::string> device_of_ref_;
    std::vector<std::pair<std::string, protocol::event_body>> pending_;
    std::map<std::string, std::vector<std::string>, std::less<>> unsupported_;  // "*" = all
};

}  // namespace ctigw::gateway
