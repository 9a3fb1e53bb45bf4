// GroupPickupCall's choice (services.hpp): which ringing call of a pickup group is taken.
#include <algorithm>

#include "asterisk/services.hpp"

namespace ctigw::gateway::asterisk {

using protocol::connection_id;
using protocol::connection_state;
using protocol::csta_error;
using protocol::error_category;
namespace errv = protocol::error_values;
namespace svc = protocol::svc;

/// The named group, or the first one the requester is in; its members' longest-ringing call
/// (the oldest ringing channel), the requester's own excepted.
std::variant<connection_id, csta_error> group_pickup_target(const svc::group_pickup_call::params& p,
                                                            const call_model& m,
                                                            const service_env& env) {
    auto group = env.pickup_groups.end();
    if (p.pickup_group) {
        group = env.pickup_groups.find(*p.pickup_group);
    } else {
        group =
            std::find_if(env.pickup_groups.begin(), env.pickup_groups.end(), [&](const auto& g) {
                return std::find(g.second.begin(), g.second.end(), p.requesting_device) !=
                       g.second.end();
            });
    }
    if (group == env.pickup_groups.end()) {
        return fail(error_category::operation, errv::invalid_device_id,
                    p.pickup_group ? "no such pickup group"
                                   : "the requesting device is in no pickup group");
    }
    std::optional<connection_id> oldest;
    std::uint64_t oldest_order = 0;
    for (const auto& member : group->second) {
        if (member == p.requesting_device) continue;
        for (const auto& s : m.snapshot_device(member)) {
            if (s.state != connection_state::alerting) continue;
            const auto order = m.order_of(s.connection);
            if (order && (!oldest || *order < oldest_order)) {
                oldest = s.connection;
                oldest_order = *order;
            }
        }
    }
    if (!oldest) {
        return fail(error_category::state_incompatibility, errv::no_call_to_pick_up,
                    "no call rings in the group");
    }
    return *oldest;
}

}  // namespace ctigw::gateway::asterisk
