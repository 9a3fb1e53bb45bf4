#include "ctigw/protocol/checks.hpp"

#include <algorithm>

namespace ctigw::protocol {
namespace {

const char* check_volume(const std::optional<std::uint32_t>& volume) {
    return volume && *volume > 100 ? "volume must be 0 to 100" : nullptr;
}

bool is_dtmf(char ch) {
    return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#' || (ch >= 'A' && ch <= 'D') ||
           ch == ',';
}

/// What may follow the current call: any state but busy (loggedOff is ECMA-269's pending "null":
/// log off when the call ends).
const char* check_pending(const std::optional<agent_state>& pending) {
    return pending == agent_state::busy ? "pendingAgentState cannot be busy" : nullptr;
}

}  // namespace

const char* check(const agent_group_state& s) {
    if (const char* p = check_pending(s.pending_state)) return p;
    return s.reason_code && s.state != agent_state::not_ready
               ? "reasonCode belongs to the notReady state"
               : nullptr;
}

const char* check(const connection_list_entry& e) {
    return !e.old_connection && !e.new_connection
               ? "an entry needs an oldConnection, a newConnection or both"
               : nullptr;
}

const char* check(const ringer_status& r) {
    return check_volume(r.volume);
}

const char* check(const device_status_item& i) {
    const bool read_something = !i.forwarding.empty() || i.do_not_disturb || i.display ||
                                !i.hookswitches.empty() || i.ringer || !i.buttons.empty() ||
                                !i.lamps.empty() || !i.errors.empty() || i.same_as;
    return i.error && read_something ? "an item carries either error or what was read" : nullptr;
}

namespace svc {

const char* check(const hello::params& p) {
    return p.versions.empty() ? "versions must list at least one version" : nullptr;
}

const char* check(const monitor_item& i) {
    if (i.monitor_ref.has_value() == i.error.has_value()) {
        return "an item carries either monitorRef or error";
    }
    return i.error && i.caps ? "capabilities belong to a successful item" : nullptr;
}

const char* check(const snapshot_item& i) {
    return i.error && !i.connections.empty() ? "an item carries connections or an error, not both"
                                             : nullptr;
}

const char* check(const directed_pickup_call::params& p) {
    return p.device_to_be_picked_up.has_value() == p.call_to_be_picked_up.has_value()
               ? "give either deviceToBePickedUp or callToBePickedUp"
               : nullptr;
}

const char* check(const set_forwarding::params& p) {
    const bool dnd = p.type == forwarding_type::do_not_disturb ||
                     p.type == forwarding_type::do_not_disturb_internal ||
                     p.type == forwarding_type::do_not_disturb_external;
    return p.activate && !dnd && !p.forward_to ? "forwardTo is required to activate forwarding"
                                               : nullptr;
}

const char* check(const set_ringer_status::params& p) {
    return check_volume(p.volume);
}
const char* check(const get_device_status_batch::params& p) {
    if (p.devices.empty()) return "devices must list at least one device";
    if (p.reads.empty()) return "reads must list at least one read";
    for (std::size_t i = 0; i < p.reads.size(); ++i) {
        for (std::size_t j = i + 1; j < p.reads.size(); ++j) {
            if (p.reads[i] == p.reads[j]) return "reads lists a read twice";
        }
    }
    return nullptr;
}

const char* check(const generate_digits::params& p) {
    if (p.characters_to_send.empty()) return "charactersToSend is empty";
    return std::all_of(p.characters_to_send.begin(), p.characters_to_send.end(), is_dtmf)
               ? nullptr
               : "charactersToSend allows 0-9 * # A-D and ','";
}

const char* check(const set_agent_state::params& p) {
    if (p.reason_code && p.requested != requested_agent_state::not_ready) {
        return "reasonCode belongs to requestedAgentState notReady";
    }
    return p.password && p.requested != requested_agent_state::logged_on
               ? "password belongs to requestedAgentState loggedOn"
               : nullptr;
}

}  // namespace svc

namespace evt {
const char* check(const ringer_status_changed& e) {
    return check_volume(e.volume);
}
const char* check(const agent_busy& e) {
    return check_pending(e.pending_state);
}
const char* check(const agent_working_after_call& e) {
    return check_pending(e.pending_state);
}
}  // namespace evt

}  // namespace ctigw::protocol
