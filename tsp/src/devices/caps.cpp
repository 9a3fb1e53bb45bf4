// Per-device capabilities (docs/protocol.md §5.2, docs/tspi-mapping.md "Capabilities"): the
// services the switch refuses for a line's device arrive with the device's truth at every resync.
// The line stops advertising the TAPI features they back (capabilities.hpp) and tells TAPI to
// read its caps again when they change.
#include <algorithm>

#include "calls/calls.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp {

void devices_set_capabilities(locked_provider& p, const line_ptr& l,
                              const std::optional<protocol::capabilities>& reported) {
    if (!l || l->removed()) return;
    std::vector<std::string> list;
    if (reported) list = reported->unsupported;
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    if (list == l->unsupported_services) return;
    l->unsupported_services = std::move(list);
    l->unsupported = caps::mask_of(l->unsupported_services);
    call_machine::recompute_features(*l);
    auto& ctx = devices_of(p);
    if (!ctx.caps_logged_line.empty() && l->unsupported_services == ctx.caps_logged) {
        p.log(level::debug, "line " + l->extension + ": the switch refuses the same as for line " +
                                ctx.caps_logged_line);
    } else {
        std::string names;
        for (const auto& s : l->unsupported_services) {
            names += (names.empty() ? "" : ", ") + protocol::log_safe(s, 64);
        }
        p.log(level::info, "line " + l->extension + ": the switch refuses " +
                               (names.empty() ? std::string("no service") : names) +
                               " (lines after it with the same list: at debug level)");
        ctx.caps_logged = l->unsupported_services;
        ctx.caps_logged_line = l->extension;
    }
    // TAPI 1.4+ applications re-read LINEDEVCAPS / LINEADDRESSCAPS on these.
    if (l->line_states & LINEDEVSTATE_CAPSCHANGE) {
        p.line_event(l, nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_CAPSCHANGE, 0, 0);
    }
    if (l->address_states & LINEADDRESSSTATE_CAPSCHANGE) {
        p.line_event(l, nullptr, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_CAPSCHANGE, 0);
    }
}

}  // namespace ctigw::tsp
