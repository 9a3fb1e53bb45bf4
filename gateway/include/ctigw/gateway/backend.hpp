// The switch behind the gateway. A backend owns the switch's native interface (the simulator's
// call model in-process, Asterisk's AMI, ...) once, and the gateway serves it to every client
// session: services go in, device events and status come out.
//
// Thread safety: a backend lives on the gateway's io_context, which one thread runs. Every member
// is called on that thread, and the backend calls its listener on that thread only.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway {

/// The backend's link to its switch.
enum class backend_status {
    up,    ///< serving; events flow
    down,  ///< the switch is unreachable: requests are refused, no events
};

std::string_view to_string(backend_status s) noexcept;

/// What the backend reports; implemented by the gateway's server.
class backend_listener {
  public:
    virtual ~backend_listener() = default;
    /// One event about a monitored device, once per device (the server fans it out to every
    /// session that monitors it), in the switch's order.
    virtual void on_device_event(const std::string& device, const protocol::event_body& body) = 0;
    /// The backend's status changed. `restarted`: the switch lost its calls (a new
    /// instance_id()); every callID issued before has no meaning any more.
    virtual void on_backend_status(backend_status status, bool restarted,
                                   const std::string& why) = 0;
};

class switch_backend {
  public:
    using completion = std::function<void(protocol::response)>;

    virtual ~switch_backend() = default;

    /// Called once, before anything else.
    virtual void attach(backend_listener& listener) = 0;
    /// "sim", "asterisk": for logs and the status page.
    virtual std::string_view kind() const noexcept = 0;
    /// Changes whenever the switch loses its calls (restart).
    virtual std::string instance_id() const = 0;
    virtual backend_status status() const = 0;

    /// Whether `device` exists on the switch (unknown devices cannot be monitored).
    virtual bool is_device(std::string_view device) const = 0;
    /// The devices of the switch, in a stable order (GetSwitchingFunctionDevices).
    virtual std::vector<std::string> devices() const = 0;
    /// The devices that currently have a connection in `call_id` (for access checks on
    /// call-level services such as ClearCall and SnapshotCall); empty when the call is unknown.
    virtual std::vector<std::string> devices_in_call(std::string_view call_id) const = 0;
    /// Calls the switch has now (the status page and /metrics).
    virtual std::size_t active_calls() const = 0;
    /// Service names (wire names, e.g. "AnswerCall") the switch cannot do for `device`. The
    /// server lists them in MonitorStart(Batch) results and refuses them itself with
    /// operation/serviceNotSupported, so they never reach execute() (docs/protocol.md §5.2).
    virtual std::vector<std::string> unsupported_services(std::string_view /*device*/) const {
        return {};
    }

    /// The server asks for a device's events when its first session monitor starts, and stops
    /// when the last one ends. Returns an error when the switch cannot monitor it.
    virtual std::optional<protocol::csta_error> monitor(const std::string& device) = 0;
    virtual void unmonitor(const std::string& device) = 0;

    /// Executes one service other than Hello, Authenticate and the monitor services. `done` is
    /// called exactly once, possibly later; events the service causes follow its response.
    virtual void execute(const protocol::request& request, completion done) = 0;
    /// A read (a Get* service) answered at once from what the backend holds in memory, or
    /// std::nullopt when it has to be executed (the default: execute() asks the switch). The
    /// answer is the one execute() would give; a read causes no events. GetDeviceStatusBatch
    /// makes ~16 reads per phone, and a completion per read was most of its cost.
    virtual std::optional<protocol::response> read_now(const protocol::request& /*request*/) {
        return std::nullopt;
    }
    /// GetDeviceStatusBatch's `reads` of one device (allowed to the client, on a device of the
    /// switch, none listed by unsupported_services()) answered at once into `item`, exactly as
    /// their Get* services would answer (results stored, failures in item.errors, lamps through
    /// the buttons, buttons reported only when among `reads`); false (the default) when the
    /// backend cannot, and the server makes each read a service (read_now, else execute()).
    virtual bool read_status_now(const std::string& /*device*/,
                                 std::span<const protocol::status_read> /*reads*/,
                                 protocol::device_status_item& /*item*/) {
        return false;
    }
};

}  // namespace ctigw::gateway
