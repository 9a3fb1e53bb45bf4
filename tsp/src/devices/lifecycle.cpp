// device_machine: the one writer of a line's or phone's lifecycle (docs/state-machines/devices.md).
// Presence: listed → removed; listed → awaiting_create only for a device TAPI has never used (a
// reload's new device); awaiting_create → listed | removed; removed is final. Service: in ↔ out,
// never while removed. What TAPI hears of a change (LINEDEVSTATE_*, PHONESTATE_*, LINE_REMOVE …)
// is sent by the caller.
#include <string>

#include "state.hpp"

namespace ctigw::tsp {

namespace {

std::string_view presence_name(device_lifecycle::presence v) {
    switch (v) {
        case device_lifecycle::presence::listed:
            return "listed";
        case device_lifecycle::presence::awaiting_create:
            return "awaiting create";
        case device_lifecycle::presence::removed:
            return "removed";
    }
    return "?";
}

bool presence_allowed(device_lifecycle::presence from, device_lifecycle::presence to) {
    using enum device_lifecycle::presence;
    switch (from) {
        case listed:
            return to == awaiting_create || to == removed;
        case awaiting_create:
            return to == listed || to == removed;
        case removed:
            return false;
    }
    return false;
}

std::string who_line(const line& l) {
    return "line " + l.extension;
}
std::string who_phone(const phone& ph) {
    return "phone " + ph.extension;
}

}  // namespace

bool device_machine::to_presence(locked_provider& p, device_lifecycle& d, std::string_view who,
                                 device_lifecycle::presence to) {
    const auto from = d.presence_;
    if (from == to) return false;
    if (!presence_allowed(from, to)) {
        p.log(level::warn, std::string(who) + " refused " + std::string(presence_name(from)) +
                               " -> " + std::string(presence_name(to)));
        return false;
    }
    p.log(level::info, std::string(who) + " " + std::string(presence_name(from)) + " -> " +
                           std::string(presence_name(to)));
    d.presence_ = to;
    if (to == device_lifecycle::presence::removed) d.in_service_ = false;
    return true;
}

bool device_machine::to_service(locked_provider& p, device_lifecycle& d, std::string_view who,
                                bool in_service) {
    if (d.in_service_ == in_service) return false;
    if (d.removed()) {
        p.log(level::warn, std::string(who) + " removed: stays out of service");
        return false;
    }
    p.log(level::debug, std::string(who) + (in_service ? " out of service -> in service"
                                                       : " in service -> out of service"));
    d.in_service_ = in_service;
    return true;
}

bool device_machine::await_create(locked_provider& p, line& l) {
    // Only a device TAPI never used can wait for its id.
    if (l.is_open() || l.in_service()) return false;
    return to_presence(p, l, who_line(l), device_lifecycle::presence::awaiting_create);
}
bool device_machine::await_create(locked_provider& p, phone& ph) {
    if (ph.is_open() || ph.in_service()) return false;
    return to_presence(p, ph, who_phone(ph), device_lifecycle::presence::awaiting_create);
}

bool device_machine::created(locked_provider& p, line& l) {
    if (!l.awaiting_create()) return false;
    return to_presence(p, l, who_line(l), device_lifecycle::presence::listed);
}
bool device_machine::created(locked_provider& p, phone& ph) {
    if (!ph.awaiting_create()) return false;
    return to_presence(p, ph, who_phone(ph), device_lifecycle::presence::listed);
}

bool device_machine::remove(locked_provider& p, line& l) {
    return to_presence(p, l, who_line(l), device_lifecycle::presence::removed);
}
bool device_machine::remove(locked_provider& p, phone& ph) {
    return to_presence(p, ph, who_phone(ph), device_lifecycle::presence::removed);
}

bool device_machine::set_in_service(locked_provider& p, line& l, bool in_service) {
    return to_service(p, l, who_line(l), in_service);
}
bool device_machine::set_in_service(locked_provider& p, phone& ph, bool in_service) {
    return to_service(p, ph, who_phone(ph), in_service);
}

}  // namespace ctigw::tsp
