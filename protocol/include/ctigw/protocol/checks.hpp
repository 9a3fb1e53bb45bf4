// Rules between members that a struct's fields() cannot express. The decoder calls `check(x)`
// (found by argument-dependent lookup) after decoding x; nullptr means fine, otherwise the text
// says what is wrong. Senders may call them too before encoding.
//
// Thread safety: pure functions; any thread.
#pragma once

#include "ctigw/protocol/events.hpp"
#include "ctigw/protocol/services.hpp"
#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol {

const char* check(const connection_list_entry& e);
const char* check(const agent_group_state& s);
const char* check(const ringer_status& r);
const char* check(const device_status_item& i);

namespace svc {
const char* check(const hello::params& p);
const char* check(const monitor_item& i);
const char* check(const snapshot_item& i);
const char* check(const directed_pickup_call::params& p);
const char* check(const set_forwarding::params& p);
const char* check(const set_ringer_status::params& p);
const char* check(const generate_digits::params& p);
const char* check(const set_agent_state::params& p);
const char* check(const get_device_status_batch::params& p);
const char* check(const get_device_status_batch::result& r);
}  // namespace svc

namespace evt {
const char* check(const ringer_status_changed& e);
const char* check(const agent_busy& e);
const char* check(const agent_working_after_call& e);
}  // namespace evt

}  // namespace ctigw::protocol
