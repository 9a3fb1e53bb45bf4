// Shared by the call-control request families (tsp/src/requests/*.cpp): the synchronous checks
// every operation makes (each with its exact LINEERR_), the one way a request sends a service and
// completes, and the pieces lineMakeCall/lineDial share. Provider lock held throughout.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "calls/calls.hpp"

namespace ctigw::tsp::calls::ops {

using pbx_link::request_outcome;
namespace svc = protocol::svc;

constexpr LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

struct target {
    line_ptr l;
    call_ptr c;
};

/// A live call handle on an open line (INVALCALLHANDLE otherwise).
LONG lookup(locked_provider& p, HDRVCALL hd, target& t);

/// The device must be in service, or the link on its way to live (docs/tspi-mapping.md:
/// INVALLINESTATE).
LONG usable(const locked_provider& p, const line& l);

/// The feature must be offered now; one the device's capabilities take away is OPERATIONUNAVAIL
/// in any state (docs/tspi-mapping.md "Capabilities").
LONG need(const target& t, DWORD feature);

LONG offered(const line& l, std::string_view service);

/// A TAPI destination → what the switch dials (INVALADDRESS when empty or not dialable).
LONG dialable_text(const locked_provider& p, std::u16string_view wide, std::string& out);

LONG dialable(const locked_provider& p, LPCWSTR dest, std::string& out);

/// LINECALLPARAMS we can honour; returns the call data it carries.
LONG check_params(const line& l, LPLINECALLPARAMS cp, std::string& call_data);

/// Sends one service for request `r`. `done` runs with the lock held and returns the result to
/// complete with (it may complete earlier itself, e.g. before reporting a TAPI-created call);
/// an exception in it completes with OPERATIONFAILED.
void send(locked_provider& p, const request_ptr& r, protocol::service_params params,
          std::function<LONG(const request_outcome&)> done);

LONG simple(const request_outcome& o);

/// A call TAPI created (its htCall is given): not reported until its request completes.
call_ptr tapi_call(locked_provider& p, const line_ptr& l, HTAPICALL ht);

/// The switch connection the call's request works on.
protocol::connection_id conn_of(const call& c);

/// Our own switch call ended by a successful service (transfer, park, redirect) before its event.
void ended_by_us(locked_provider& p, const line_ptr& l, const call_ptr& c);

/// MakeCall for a TAPI call (lineMakeCall, or lineDial on a dial-tone call).
void start_make_call(locked_provider& p, const line_ptr& l, const call_ptr& c, const request_ptr& r,
                     const std::string& number, bool created_by_request);

/// The shape of a call operation that is one service on the call's own connection: the handle,
/// feature and line checks, then the request, completed with the plain outcome.
template <class Params>
LONG one_request(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, DWORD feature,
                 const char* what) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (auto e = need(t, feature)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto r = p.new_request(id, what, t.l, t.c);
    send(p, r, Params{conn_of(*t.c)}, simple);
    return static_cast<LONG>(id);
}

/// The shape of an operation that sends the call elsewhere in one service (lineBlindTransfer =
/// SingleStepTransfer, lineRedirect = DeflectCall): the call leaves this line when it succeeds.
template <class Params>
LONG send_elsewhere(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD feature,
                    const char* what) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (dest == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(t, feature)) return e;
    std::string number;
    if (auto e = dialable(p, dest, number)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto r = p.new_request(id, what, t.l, t.c);
    t.c->drop_requested = true;
    send(p, r, Params{conn_of(*t.c), number},
         [&p, l = t.l, c = t.c](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 c->drop_requested = false;
                 return to_lineerr(o);
             }
             ended_by_us(p, l, c);
             return 0;
         });
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::calls::ops
