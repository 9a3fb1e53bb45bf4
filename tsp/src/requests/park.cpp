// linePark, lineUnpark, linePickup, lineRedirect and lineSetCallData.
#include "common.hpp"

#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

using namespace ops;  // the family's own helpers

// ---- park / unpark / pickup / redirect ------------------------------------------------------

LONG park(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, DWORD mode, LPCWSTR dir_address,
          LPVARSTRING non_dir_address) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (mode != LINEPARKMODE_DIRECTED && mode != LINEPARKMODE_NONDIRECTED) {
        return err(LINEERR_INVALPARKMODE);
    }
    std::optional<std::string> orbit;
    if (mode == LINEPARKMODE_DIRECTED) {
        std::string number;
        if (auto e = dialable(p, dir_address, number)) return e;
        orbit = number;
    } else {
        if (non_dir_address == nullptr) return err(LINEERR_INVALPOINTER);
        if (non_dir_address->dwTotalSize < sizeof(VARSTRING)) return err(LINEERR_STRUCTURETOOSMALL);
    }
    if (auto e = need(t, LINECALLFEATURE_PARK)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto r = p.new_request(id, "linePark", l, c);
    c->drop_requested = true;
    send(p, r, svc::park_call::params{conn_of(*c), orbit},
         [&p, l, c, r, mode, non_dir_address](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 c->drop_requested = false;
                 return to_lineerr(o);
             }
             const auto& res = std::get<svc::park_call::result>(*o.result);
             p.log(level::info,
                   describe(*c, *l) + " parked on " + protocol::log_safe(res.parked_to, 64));
             if (mode == LINEPARKMODE_NONDIRECTED && !r->completed.load()) {
                 // TAPI keeps lpNonDirAddress until the completion: fill it first.
                 var_writer<VARSTRING> w(non_dir_address, sizeof(VARSTRING));
                 if (w.fits_fixed()) {
                     w.set(&VARSTRING::dwStringFormat, STRINGFORMAT_UNICODE);
                     const std::string shown =
                         p.dial_plan_ ? p.dial_plan_->to_canonical(res.parked_to) : res.parked_to;
                     w.put_string_utf8(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, shown);
                     w.finish();
                 }
             }
             ended_by_us(p, l, c);
             return 0;
         });
    return static_cast<LONG>(id);
}

namespace {

/// linePickup / lineUnpark: a TAPI-created call that the switch connects to a call elsewhere.
LONG start_pickup(locked_provider& p, DRV_REQUESTID id, const line_ptr& l, HTAPICALL ht_call,
                  LPHDRVCALL out_call, protocol::service_params params, DWORD reason,
                  const std::string& what, const std::string& from) {
    auto c = tapi_call(p, l, ht_call);
    c->reason = reason;
    c->origin = LINECALLORIGIN_UNKNOWN;
    c->awaiting_connection = call::awaiting::pickup;
    set_party(p, *c, &call::called, from, LINECALLINFOSTATE_CALLEDID);
    c->pending_info = 0;
    *out_call = c->hd();
    auto r = p.new_request(id, what, l, c);
    send(p, r, std::move(params), [&p, l, c, r](const request_outcome& o) -> LONG {
        c->awaiting_connection = call::awaiting::none;
        if (!o.ok()) {
            call_machine::abandon(p, l, c);
            return to_lineerr(o);
        }
        protocol::connection_id conn;
        if (auto* d = std::get_if<svc::directed_pickup_call::result>(&*o.result))
            conn = d->picked_call;
        if (auto* g = std::get_if<svc::group_pickup_call::result>(&*o.result))
            conn = g->picked_call;
        if (auto ghost = find_call(*l, conn.call_id); ghost && ghost != c) {
            call_machine::take_over(p, l, c, ghost);
        }
        if (!c->connection && !c->closed() && c->state() != LINECALLSTATE_IDLE)
            calls::bind(p, l, c, conn);
        p.complete(r, 0);
        call_machine::request_succeeded(p, l, c);
        if (c->origin == LINECALLORIGIN_UNKNOWN && !c->parties.empty()) {
            c->origin = origin_for(p, c->parties.front(), false);
            c->pending_info |= LINECALLINFOSTATE_ORIGIN;
        }
        call_machine::report_current(p, l, c);
        return 0;
    });
    return static_cast<LONG>(id);
}

/// lineUnpark and a directed linePickup: DirectedPickupCall of the call at `dest` (a park orbit or
/// an extension) to `l`. With `dest_is_caller` (a pickup, not an unpark) the new call names that
/// extension as where it comes from.
LONG directed_pickup(locked_provider& p, DRV_REQUESTID id, const line_ptr& l, HTAPICALL ht_call,
                     LPHDRVCALL out_call, LPCWSTR dest, DWORD reason, const char* what,
                     bool dest_is_caller) {
    if (auto e = offered(*l, "DirectedPickupCall")) return e;
    std::string device;
    if (auto e = dialable(p, dest, device)) return e;
    if (auto e = usable(p, *l)) return e;
    svc::directed_pickup_call::params dp;
    dp.device_to_be_picked_up = device;
    dp.requesting_device = l->extension;
    return start_pickup(p, id, l, ht_call, out_call, std::move(dp), reason, what,
                        dest_is_caller ? device : "");
}

}  // namespace

LONG unpark(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest) {
    auto l = p.line_from_handle(hd_line);
    if (!l || l->removed()) return err(LINEERR_INVALLINEHANDLE);
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (out_call == nullptr) return err(LINEERR_INVALPOINTER);
    return directed_pickup(p, id, l, ht_call, out_call, dest, LINECALLREASON_UNPARK, "lineUnpark",
                           false);
}

LONG pickup(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest, LPCWSTR group_id) {
    auto l = p.line_from_handle(hd_line);
    if (!l || l->removed()) return err(LINEERR_INVALLINEHANDLE);
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (out_call == nullptr) return err(LINEERR_INVALPOINTER);
    if (dest != nullptr && dest[0] != 0) {
        return directed_pickup(p, id, l, ht_call, out_call, dest, LINECALLREASON_PICKUP,
                               "linePickup", true);
    }
    // Group pickup: the given group, or the line's own (no call-waiting pickup).
    std::optional<std::string> group;
    if (group_id != nullptr && group_id[0] != 0) {
        group = utf16_to_utf8(wide_view(group_id, 256));
    } else if (l->pickup_group) {
        group = l->pickup_group;
    } else {
        return err(LINEERR_INVALGROUPID);
    }
    if (auto e = offered(*l, "GroupPickupCall")) return e;
    if (auto e = usable(p, *l)) return e;
    svc::group_pickup_call::params gp;
    gp.requesting_device = l->extension;
    gp.pickup_group = group;
    return start_pickup(p, id, l, ht_call, out_call, std::move(gp), LINECALLREASON_PICKUP,
                        "linePickup", "");
}

LONG redirect(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD /*country*/) {
    return send_elsewhere<svc::deflect_call::params>(p, id, hd, dest, LINECALLFEATURE_REDIRECT,
                                                     "lineRedirect");
}

LONG set_call_data(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPVOID data, DWORD size) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (size > caps::max_call_data_size) return err(LINEERR_INVALPARAM);
    if (data == nullptr && size != 0) return err(LINEERR_INVALPOINTER);
    if (auto e = need(t, LINECALLFEATURE_SETCALLDATA)) return e;
    std::string bytes(static_cast<const char*>(data), static_cast<const char*>(data) + size);
    auto l = t.l;
    auto c = t.c;
    auto r = p.new_request(id, "lineSetCallData", l, c);
    if (!c->connection) {
        // No switch call yet: kept for the MakeCall (correlatorData).
        calls::set_call_data(*c, bytes);
        p.complete(r, 0);
        flush_info(p, l, c);
        return static_cast<LONG>(id);
    }
    if (auto e = usable(p, *l)) {
        p.complete(r, e);
        return static_cast<LONG>(id);
    }
    send(p, r, svc::associate_data::params{*c->connection, protocol::byte_string{bytes}},
         [&p, l, c, bytes](const request_outcome& o) -> LONG {
             if (!o.ok()) return to_lineerr(o);
             calls::set_call_data(*c, bytes);
             flush_info(p, l, c);
             return 0;
         });
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::calls
