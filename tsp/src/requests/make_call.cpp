// lineMakeCall and lineDial: the TSPI operations that make a switch call (MakeCall).
#include "common.hpp"

#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

using namespace ops;  // the family's own helpers

// ---- lineMakeCall / lineDial -------------------------------------------------------------------

LONG make_call(locked_provider& p, DRV_REQUESTID id, HDRVLINE hd_line, HTAPICALL ht_call,
               LPHDRVCALL out_call, LPCWSTR dest, DWORD /*country*/, LPLINECALLPARAMS params) {
    auto l = p.line_from_handle(hd_line);
    if (!l || l->removed()) return err(LINEERR_INVALLINEHANDLE);
    if (out_call == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = offered(*l, "MakeCall")) return e;
    if (auto e = usable(p, *l)) return e;
    std::string data;
    if (auto e = check_params(*l, params, data)) return e;
    std::string number;
    bool partial = false;
    if (dest != nullptr && dest[0] != 0) {
        auto text = wide_view(dest, TAPIMAXDESTADDRESSSIZE + 1);
        if (!text.empty() && text.back() == u';') {
            partial = true;
            text.remove_suffix(1);
        }
        if (!text.empty()) {
            if (auto e = dialable_text(p, text, number)) return e;
        }
    }
    auto c = tapi_call(p, l, ht_call);
    c->origin = number.empty() ? LINECALLORIGIN_OUTBOUND : origin_for(p, number, true);
    c->reason = LINECALLREASON_DIRECT;
    c->call_data = data;
    set_party(p, *c, &call::caller, l->extension, LINECALLINFOSTATE_CALLERID);
    if (!number.empty()) set_party(p, *c, &call::called, number, LINECALLINFOSTATE_CALLEDID);
    c->pending_info = 0;  // TAPI reads LINECALLINFO once the call is known
    *out_call = c->hd();
    auto r = p.new_request(id, "lineMakeCall", l, c);
    p.log(level::info, describe(*c, *l) + " lineMakeCall" + (number.empty() ? "" : " " + number));
    if (number.empty() || partial) {
        // No (complete) number: a dial-tone call of our own; lineDial makes the switch call.
        c->dial_buffer = number;
        p.complete(r, 0);
        call_machine::request_succeeded(p, l, c);
        call_machine::transition(p, l, c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        if (partial && !number.empty()) call_machine::transition(p, l, c, LINECALLSTATE_DIALING, 0);
        return static_cast<LONG>(id);
    }
    start_make_call(p, l, c, r, number, true);
    return static_cast<LONG>(id);
}

LONG dial(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD /*country*/) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (dest == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(t, LINECALLFEATURE_DIAL)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto text = wide_view(dest, TAPIMAXDESTADDRESSSIZE + 1);
    bool partial = false;
    if (!text.empty() && text.back() == u';') {
        partial = true;
        text.remove_suffix(1);
    }
    std::string digits;
    if (!text.empty()) {
        if (auto e = dialable_text(p, text, digits)) return e;
    } else if (!partial) {
        return err(LINEERR_INVALADDRESS);
    }
    auto r = p.new_request(id, "lineDial", t.l, t.c);
    t.c->dial_buffer += digits;
    if (partial) {
        p.complete(r, 0);
        if (!t.c->dial_buffer.empty()) {
            call_machine::transition(p, t.l, t.c, LINECALLSTATE_DIALING, 0);
        }
        return static_cast<LONG>(id);
    }
    const std::string number = t.c->dial_buffer;
    set_party(p, *t.c, &call::called, number, LINECALLINFOSTATE_CALLEDID);
    t.c->origin = origin_for(p, number, true);
    t.c->pending_info |= LINECALLINFOSTATE_ORIGIN;
    flush_info(p, t.l, t.c);
    start_make_call(p, t.l, t.c, r, number, false);
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::calls
