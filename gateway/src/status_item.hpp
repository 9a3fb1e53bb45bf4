// Filling one GetDeviceStatusBatch item (docs/protocol.md §5.11) from the Get* services' results:
// shared by the server, which makes each read a backend service (status_batch.cpp), and by the
// simulator, which reads a device's whole status at once (switch_model::read_status).
//
// Thread safety: plain functions on values; the caller owns the item.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::detail {

inline void store(protocol::device_status_item& item, protocol::svc::get_forwarding::result&& r) {
    item.forwarding = std::move(r.forwarding);
}
inline void store(protocol::device_status_item& item,
                  protocol::svc::get_do_not_disturb::result&& r) {
    item.do_not_disturb = r.do_not_disturb_on;
}
inline void store(protocol::device_status_item& item, protocol::display_status&& r) {
    item.display = std::move(r);
}
inline void store(protocol::device_status_item& item,
                  protocol::svc::get_hookswitch_status::result&& r) {
    item.hookswitches = std::move(r.hookswitches);
}
inline void store(protocol::device_status_item& item, protocol::ringer_status&& r) {
    item.ringer = r;
}
inline void store(protocol::device_status_item& item,
                  protocol::svc::get_button_information::result&& r) {
    item.buttons = std::move(r.buttons);
}

/// GetButtonInformation failed with `e`: the error of the buttons read when they are reported
/// (`keep`), and of the lamps when they are read (`lamps`), which need the buttons.
inline void buttons_failed(protocol::device_status_item& item, bool keep, bool lamps,
                           protocol::csta_error e) {
    if (keep) item.errors.push_back({protocol::status_read::buttons, e});
    if (lamps) item.errors.push_back({protocol::status_read::lamps, std::move(e)});
}

/// A GetLampMode failed: one lamps error per item is enough.
inline void lamp_failed(protocol::device_status_item& item, protocol::csta_error e) {
    if (std::none_of(item.errors.begin(), item.errors.end(),
                     [](const auto& x) { return x.read == protocol::status_read::lamps; })) {
        item.errors.push_back({protocol::status_read::lamps, std::move(e)});
    }
}

/// The Get* service of one read: f(std::type_identity<S>{}); lamps have none of their own,
/// GetButtonInformation names them (each is a GetLampMode).
template <class F>
void with_service(protocol::status_read read, F&& f) {
    switch (read) {
        case protocol::status_read::forwarding:
            return f(std::type_identity<protocol::svc::get_forwarding>{});
        case protocol::status_read::do_not_disturb:
            return f(std::type_identity<protocol::svc::get_do_not_disturb>{});
        case protocol::status_read::display:
            return f(std::type_identity<protocol::svc::get_display>{});
        case protocol::status_read::hookswitch:
            return f(std::type_identity<protocol::svc::get_hookswitch_status>{});
        case protocol::status_read::ringer:
            return f(std::type_identity<protocol::svc::get_ringer_status>{});
        case protocol::status_read::buttons:
        case protocol::status_read::lamps:
            return f(std::type_identity<protocol::svc::get_button_information>{});
    }
}

/// The Get* request of one device (GetButtonInformation: every button).
template <class S>
typename S::params params_of(const std::string& device) {
    typename S::params p{};
    p.device = device;
    return p;
}

inline bool reads_contain(std::span<const protocol::status_read> reads, protocol::status_read r) {
    return std::find(reads.begin(), reads.end(), r) != reads.end();
}

}  // namespace ctigw::gateway::detail
