#include "access_rules.hpp"

#include <algorithm>
#include <type_traits>

namespace ctigw::gateway::detail {

namespace svc = protocol::svc;

namespace {

template <class P, class S>
constexpr bool is = std::is_same_v<P, typename S::params>;

// Services that read a device's state need `monitor`; the rest change something: `control`.
template <class P>
constexpr bool reads_device =
    is<P, svc::get_forwarding> || is<P, svc::get_do_not_disturb> || is<P, svc::get_display> ||
    is<P, svc::get_hookswitch_status> || is<P, svc::get_lamp_mode> ||
    is<P, svc::get_ringer_status> || is<P, svc::get_button_information> ||
    is<P, svc::snapshot_device> || is<P, svc::get_agent_state> || is<P, svc::get_queue_statistics>;

}  // namespace

access_needs needs_of(
    const protocol::request& r,
    const std::function<std::vector<std::string>(std::string_view)>& call_devices) {
    access_needs n;
    auto control = [&](const std::string& d) { n.all_of.push_back({d, access::control}); };
    auto in_call = [&](const std::string& call, access a) {
        // An unknown call names no device: the backend answers it (invalidCallID), so that a
        // client with every right gets the protocol's error rather than a security one.
        for (auto& d : call_devices(call)) n.any_of.push_back({std::move(d), a});
    };
    std::visit(
        [&](const auto& p) {
            using P = std::remove_cvref_t<decltype(p)>;
            if constexpr (reads_device<P>) {
                n.all_of.push_back({p.device, access::monitor});
            } else if constexpr (is<P, svc::set_agent_state>) {
                // Joining or leaving a group needs the group in sight: a desktop whose token
                // names only its own extension cannot put itself in another team's queue.
                control(p.device);
                if (p.acd_group) n.all_of.push_back({*p.acd_group, access::monitor});
            } else if constexpr (requires { p.device; }) {
                control(p.device);  // Set* services and the phone set
            } else if constexpr (is<P, svc::make_call>) {
                control(p.calling_device);  // the called number is anything dialable
            } else if constexpr (is<P, svc::answer_call>) {
                control(p.call_to_be_answered.device_id);
            } else if constexpr (is<P, svc::clear_connection>) {
                control(p.connection_to_be_cleared.device_id);
            } else if constexpr (is<P, svc::hold_call>) {
                control(p.call_to_be_held.device_id);
            } else if constexpr (is<P, svc::retrieve_call>) {
                control(p.call_to_be_retrieved.device_id);
            } else if constexpr (is<P, svc::alternate_call>) {
                control(p.active_call.device_id);
                control(p.other_call.device_id);
            } else if constexpr (is<P, svc::reconnect_call>) {
                control(p.active_call.device_id);
                control(p.held_call.device_id);
            } else if constexpr (is<P, svc::consultation_call> || is<P, svc::associate_data>) {
                control(p.existing_call.device_id);
            } else if constexpr (is<P, svc::transfer_call> || is<P, svc::conference_call>) {
                control(p.held_call.device_id);
                control(p.active_call.device_id);
            } else if constexpr (is<P, svc::single_step_transfer> ||
                                 is<P, svc::single_step_conference>) {
                control(p.active_call.device_id);
            } else if constexpr (is<P, svc::deflect_call>) {
                control(p.call_to_be_diverted.device_id);
            } else if constexpr (is<P, svc::directed_pickup_call> ||
                                 is<P, svc::group_pickup_call>) {
                control(p.requesting_device);
            } else if constexpr (is<P, svc::park_call>) {
                control(p.parking.device_id);
            } else if constexpr (is<P, svc::generate_digits>) {
                control(p.connection_to_send_digits.device_id);
            } else if constexpr (is<P, svc::clear_call>) {
                in_call(p.call_to_be_cleared, access::control);
            } else if constexpr (is<P, svc::snapshot_call>) {
                in_call(p.call_id, access::monitor);
            }
            // Otherwise no device: RequestSystemStatus, GetSwitchingFunctionDevices (its result
            // is filtered), and the services the server handles itself.
        },
        r.params);
    return n;
}

bool allowed(const access_needs& needs, const std::function<access(std::string_view)>& rights) {
    auto has = [&](const device_need& n) {
        if (n.device.empty()) return false;
        const auto a = rights(n.device);
        return n.right == access::monitor ? a != access::none : a == access::control;
    };
    for (const auto& n : needs.all_of) {
        if (!has(n)) return false;
    }
    if (needs.any_of.empty()) return true;
    for (const auto& n : needs.any_of) {
        if (has(n)) return true;
    }
    return false;
}

std::optional<protocol::capabilities> capabilities_of(const switch_backend& backend,
                                                      std::string_view device,
                                                      std::uint32_t version) {
    auto list = backend.unsupported_services(device);
    // A session hears only of services its version has: a version-1 client sees what it saw.
    std::erase_if(list, [&](const std::string& name) {
        const auto index = protocol::service_index_of(name);
        return index && protocol::service_since_version(*index) > version;
    });
    if (list.empty()) return std::nullopt;
    return protocol::capabilities{std::move(list)};
}

protocol::csta_error not_supported(std::string_view service, std::string_view device) {
    return protocol::csta_error{
        protocol::error_category::operation,
        std::string(protocol::error_values::service_not_supported),
        std::string(service) + " is not supported for device " + std::string(device)};
}

std::optional<protocol::csta_error> unsupported_refusal(const switch_backend& backend,
                                                        const protocol::request& r,
                                                        const access_needs& needs) {
    const auto name = protocol::service_name(r.params.index());
    // The devices the service acts on; a device it only names (SetAgentState's ACD group, which
    // needs monitor) has its own capabilities, not the service's.
    const bool acts = std::any_of(needs.all_of.begin(), needs.all_of.end(),
                                  [](const device_need& n) { return n.right == access::control; });
    for (const auto& n : needs.all_of) {
        if (acts && n.right != access::control) continue;
        const auto list = backend.unsupported_services(n.device);
        if (std::find(list.begin(), list.end(), name) != list.end()) {
            return not_supported(name, n.device);
        }
    }
    return std::nullopt;
}

}  // namespace ctigw::gateway::detail
