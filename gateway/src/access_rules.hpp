// Which devices a request acts on, and the right it needs on each: the gateway checks them
// against the client's rights before the backend sees the request.
//
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/gateway/backend.hpp"
#include "ctigw/gateway/server.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::detail {

struct device_need {
    std::string device;
    gateway::access right = gateway::access::control;
};

/// What a request needs, for every service except Hello/Authenticate and the monitor and
/// snapshot-batch services (checked per item by the server). `call_devices` answers which
/// devices are in a call, for services that name only a callID (ClearCall, SnapshotCall): the
/// client needs the right on at least one of them (`any_of`).
struct access_needs {
    std::vector<device_need> all_of;
    std::vector<device_need> any_of;
};

access_needs needs_of(
    const protocol::request& r,
    const std::function<std::vector<std::string>(std::string_view)>& call_devices);

/// True when `rights` allows every need (and one of the any_of, if there are any).
bool allowed(const access_needs& needs, const std::function<access(std::string_view)>& rights);

/// The capabilities of a MonitorStart(Batch) result for `device`, as a session of protocol
/// `version` sees them (services of later versions left out); nullopt when it can do everything
/// (so switches with uniform devices send no extra member).
std::optional<protocol::capabilities> capabilities_of(const switch_backend& backend,
                                                      std::string_view device,
                                                      std::uint32_t version);

/// operation/serviceNotSupported of `service` (a wire name) at `device`.
protocol::csta_error not_supported(std::string_view service, std::string_view device);

/// operation/serviceNotSupported when the request's service is unsupported on one of the devices
/// it acts on (`needs.all_of`), else nullopt.
std::optional<protocol::csta_error> unsupported_refusal(const switch_backend& backend,
                                                        const protocol::request& r,
                                                        const access_needs& needs);

}  // namespace ctigw::gateway::detail
