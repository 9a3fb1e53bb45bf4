// lineForward (forwarding + DND) and lineSetLineDevStatus (message waiting): call-less requests
// of a line, each one or more switch services whose outcomes fan in to one completion.
// docs/tspi-mapping.md "Forwarding and do-not-disturb", "Message waiting".
#include <algorithm>
#include <cstring>

#include "capabilities.hpp"
#include "ctigw/tsp/varstruct.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp::devices {

namespace {

LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

/// Sends `ops` and completes `r` once all have answered (with the first failure, if any).
void send_all(locked_provider& p, const line_ptr& l, const request_ptr& r,
              std::vector<protocol::service_params> ops) {
    std::weak_ptr<line> wl = l;
    fan_in(
        p, std::move(ops), [](const pbx_link::request_outcome& o) { return to_lineerr(o); },
        [&p, wl, r](LONG result) {
            if (auto x = wl.lock()) std::erase(x->pending, r);
            p.complete(r, result);
        });
}

}  // namespace

LONG line_forward(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd, DWORD all_addresses,
                  DWORD address_id, const LINEFORWARDLIST* list, DWORD rings_no_answer,
                  LPHDRVCALL consult_call) {
    using ft = protocol::forwarding_type;
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if (!all_addresses && address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (consult_call != nullptr) *consult_call = nullptr;  // never a consultation call

    // Parse the list: each entry → one forwarding type, or DND (no destination).
    struct wanted {
        ft type;
        std::string dest;
    };
    std::vector<wanted> set;
    bool dnd = false;
    DWORD n = 0;
    if (list != nullptr) {
        DWORD total = 0;
        std::memcpy(&total, list, sizeof total);
        std::memcpy(&n, reinterpret_cast<const unsigned char*>(list) + 4, sizeof n);
        if (total < 8) return err(LINEERR_INVALPARAM);
        if (n > caps::max_forward_entries) return err(LINEERR_INVALPARAM);
        const DWORD stride = forward_entry_size(l->version);
        const std::uint64_t fixed = 8 + static_cast<std::uint64_t>(n) * stride;
        if (fixed > total) return err(LINEERR_INVALPARAM);
        for (DWORD i = 0; i < n; ++i) {
            LINEFORWARD e{};
            std::memcpy(&e,
                        reinterpret_cast<const unsigned char*>(list) + 8 + std::size_t{i} * stride,
                        stride);
            if (e.dwCallerAddressSize != 0) return err(LINEERR_INVALPARAM);  // no per-caller rules
            auto dest = read_var_string(list, static_cast<std::uint32_t>(fixed),
                                        e.dwDestAddressSize, e.dwDestAddressOffset);
            if (!dest) return err(LINEERR_INVALPARAM);
            std::vector<ft> types;
            switch (e.dwForwardMode) {
                case LINEFORWARDMODE_UNCOND:
                    types = {ft::immediate};
                    break;
                case LINEFORWARDMODE_BUSY:
                    types = {ft::busy};
                    break;
                case LINEFORWARDMODE_NOANSW:
                    types = {ft::no_answer};
                    break;
                case LINEFORWARDMODE_BUSYNA:
                    types = {ft::busy, ft::no_answer};
                    break;
                default:
                    return err(LINEERR_INVALPARAM);
            }
            if (dest->empty()) {
                if (dnd) return err(LINEERR_INVALPARAM);
                dnd = true;
                continue;
            }
            std::string dialable = utf16_to_utf8(*dest);
            if (p.dial_plan_) {
                auto d = p.dial_plan_->to_dialable(dialable);
                if (!d.ok()) return err(LINEERR_INVALADDRESS);
                dialable = d.value();
            }
            for (auto t : types) {
                if (std::any_of(set.begin(), set.end(),
                                [t](const auto& w) { return w.type == t; })) {
                    return err(LINEERR_INVALPARAM);
                }
                set.push_back({t, dialable});
            }
        }
    }
    // What the switch refuses for the device is OPERATIONUNAVAIL; switching off through such a
    // service is skipped (nothing can have been switched on through it).
    const bool no_fwd = l->refuses("SetForwarding");
    const bool no_dnd = l->refuses("SetDoNotDisturb");
    if ((no_fwd && no_dnd) || (no_fwd && !set.empty()) || (no_dnd && dnd)) {
        return err(LINEERR_OPERATIONUNAVAIL);
    }
    if (!p.accepts_requests(l->in_service())) return err(LINEERR_INVALLINESTATE);

    std::optional<std::uint32_t> rings;
    if (rings_no_answer != 0) rings = std::clamp(rings_no_answer, min_fwd_rings, max_fwd_rings);

    // lineForward replaces whatever forwarding is in effect: switch off what is not wanted.
    std::vector<protocol::service_params> ops;
    auto wanted_type = [&](ft t) {
        return std::any_of(set.begin(), set.end(), [t](const auto& w) { return w.type == t; });
    };
    std::vector<ft> off;
    if (l->forwarding_known) {
        for (const auto& f : l->forwarding) off.push_back(f.type);
    } else {
        off = {ft::immediate, ft::busy, ft::no_answer};
    }
    if (no_fwd) off.clear();
    for (auto t : off) {
        if (wanted_type(t)) continue;
        ops.emplace_back(protocol::svc::set_forwarding::params{l->extension, t, false, std::nullopt,
                                                               std::nullopt});
    }
    for (const auto& w : set) {
        ops.emplace_back(protocol::svc::set_forwarding::params{
            l->extension, w.type, true, w.dest, w.type == ft::no_answer ? rings : std::nullopt});
    }
    const bool cancel_all = list == nullptr || n == 0;
    if (dnd) {
        ops.emplace_back(protocol::svc::set_do_not_disturb::params{l->extension, true});
    } else if (!no_dnd && (cancel_all || l->do_not_disturb || !l->forwarding_known)) {
        ops.emplace_back(protocol::svc::set_do_not_disturb::params{l->extension, false});
    }
    auto r = p.new_request(id, "lineForward", l, nullptr);
    l->pending.push_back(r);
    send_all(p, l, r, std::move(ops));
    return static_cast<LONG>(id);
}

LONG line_set_line_dev_status(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd,
                              DWORD status_to_change, DWORD status) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if (status_to_change != LINEDEVSTATUSFLAGS_MSGWAIT) return err(LINEERR_INVALPARAM);
    if (l->refuses("SetMessageWaitingIndicator")) return err(LINEERR_OPERATIONUNAVAIL);
    if (!p.accepts_requests(l->in_service())) return err(LINEERR_INVALLINESTATE);
    auto r = p.new_request(id, "lineSetLineDevStatus", l, nullptr);
    l->pending.push_back(r);
    std::vector<protocol::service_params> ops;
    ops.emplace_back(protocol::svc::set_message_waiting_indicator::params{l->extension, status != 0,
                                                                          std::nullopt});
    send_all(p, l, r, std::move(ops));
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::devices
