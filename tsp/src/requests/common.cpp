// The shared checks and the request plumbing of call control (requests/common.hpp).
#include "common.hpp"

#include <algorithm>

#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls::ops {

/// A live call handle on an open line (INVALCALLHANDLE otherwise).
LONG lookup(locked_provider& p, HDRVCALL hd, target& t) {
    auto c = p.call_from_handle(hd);
    if (!c || c->failed()) return err(LINEERR_INVALCALLHANDLE);
    const auto& l = p.owner_of(*c);
    if (!l || l->removed() || !l->is_open()) return err(LINEERR_INVALCALLHANDLE);
    t = {l, c};
    return 0;
}

/// The device must be in service, or the link on its way to live (docs/tspi-mapping.md:
/// INVALLINESTATE).
LONG usable(const locked_provider& p, const line& l) {
    return p.accepts_requests(l.in_service()) ? 0 : err(LINEERR_INVALLINESTATE);
}

/// The feature must be offered now; one the device's capabilities take away is OPERATIONUNAVAIL
/// in any state (docs/tspi-mapping.md "Capabilities").
LONG need(const target& t, DWORD feature) {
    if ((call_machine::unsupported_call_features(*t.l, *t.c) & feature) != 0) {
        return err(LINEERR_OPERATIONUNAVAIL);
    }
    return (t.c->features & feature) != 0 ? 0 : err(LINEERR_INVALCALLSTATE);
}

LONG offered(const line& l, std::string_view service) {
    return l.refuses(service) ? err(LINEERR_OPERATIONUNAVAIL) : 0;
}

/// A TAPI destination → what the switch dials (INVALADDRESS when empty or not dialable).
LONG dialable_text(const locked_provider& p, std::u16string_view wide, std::string& out) {
    auto text = utf16_to_utf8(wide);
    if (text.empty() || text.size() > TAPIMAXDESTADDRESSSIZE * 4) return err(LINEERR_INVALADDRESS);
    if (!p.dial_plan_) {
        out = std::move(text);
        return 0;
    }
    auto r = p.dial_plan_->to_dialable(text);
    if (!r.ok() || r.value().empty()) return err(LINEERR_INVALADDRESS);
    out = r.value();
    return 0;
}

LONG dialable(const locked_provider& p, LPCWSTR dest, std::string& out) {
    if (dest == nullptr) return err(LINEERR_INVALADDRESS);
    return dialable_text(p, wide_view(dest, TAPIMAXDESTADDRESSSIZE + 1), out);
}

/// LINECALLPARAMS we can honour; returns the call data it carries.
LONG check_params(const line& l, LPLINECALLPARAMS cp, std::string& call_data) {
    if (cp == nullptr) return 0;
    const std::uint32_t fixed = fixed_size<LINECALLPARAMS>(l.version);
    if (cp->dwTotalSize < fixed) return err(LINEERR_INVALCALLPARAMS);
    if (cp->dwBearerMode != 0 && (cp->dwBearerMode & ~caps::bearer_modes) != 0) {
        return err(LINEERR_INVALCALLPARAMS);
    }
    if (cp->dwMediaMode != 0 && (cp->dwMediaMode & ~caps::media_modes) != 0) {
        return err(LINEERR_INVALCALLPARAMS);
    }
    if ((cp->dwAddressMode == 0 || cp->dwAddressMode == LINEADDRESSMODE_ADDRESSID) &&
        cp->dwAddressID != 0) {
        return err(LINEERR_INVALADDRESSID);
    }
    // IDLE, ORIGOFFHOOK and DESTOFFHOOK are benign (the switch takes the set off-hook itself).
    constexpr DWORD unsupported = LINECALLPARAMFLAGS_SECURE | LINECALLPARAMFLAGS_BLOCKID |
                                  LINECALLPARAMFLAGS_NOHOLDCONFERENCE |
                                  LINECALLPARAMFLAGS_PREDICTIVEDIAL |
                                  LINECALLPARAMFLAGS_ONESTEPTRANSFER;
    if ((cp->dwCallParamFlags & unsupported) != 0) return err(LINEERR_INVALCALLPARAMS);
    if (cp->dwUserUserInfoSize != 0) return err(LINEERR_INVALCALLPARAMS);
    if (cp->dwCallDataSize != 0) {
        if (cp->dwCallDataSize > caps::max_call_data_size) return err(LINEERR_INVALPARAM);
        auto data = read_var_field(cp, fixed, cp->dwCallDataSize, cp->dwCallDataOffset);
        if (!data) return err(LINEERR_INVALCALLPARAMS);
        call_data.assign(reinterpret_cast<const char*>(data->data()), data->size());
    }
    return 0;
}

/// Sends one service for request `r`. `done` runs with the lock held and returns the result to
/// complete with (it may complete earlier itself, e.g. before reporting a TAPI-created call);
/// an exception in it completes with OPERATIONFAILED.
void send(locked_provider& p, const request_ptr& r, protocol::service_params params,
          std::function<LONG(const request_outcome&)> done) {
    p.send(std::move(params), [&p, r, done = std::move(done)](const request_outcome& o) {
        LONG result = err(LINEERR_OPERATIONFAILED);
        try {
            result = done(o);
        } catch (const std::exception& ex) {
            p.log(level::error, r->what + " completion failed: " + ex.what());
        }
        p.complete(r, result);
    });
}

LONG simple(const request_outcome& o) {
    return o.ok() ? 0 : to_lineerr(o);
}

/// A call TAPI created (its htCall is given): not reported until its request completes.
call_ptr tapi_call(locked_provider& p, const line_ptr& l, HTAPICALL ht) {
    auto c = create_call(p, l);
    c->ht.store(ht);
    call_machine::await_request(p, l, c);
    return c;
}

/// The switch connection the call's request works on.
protocol::connection_id conn_of(const call& c) {
    return c.connection.value_or(protocol::connection_id{});
}

/// Our own switch call ended by a successful service (transfer, park, redirect) before its event.
void ended_by_us(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (!c || c->state() == LINECALLSTATE_IDLE) return;
    c->drop_requested = true;
    end_call(p, l, c, LINEDISCONNECTMODE_NORMAL);
}

/// MakeCall for a TAPI call (lineMakeCall, or lineDial on a dial-tone call).
void start_make_call(locked_provider& p, const line_ptr& l, const call_ptr& c, const request_ptr& r,
                     const std::string& number, bool created_by_request) {
    svc::make_call::params mp;
    mp.calling_device = l->extension;
    mp.called_directory_number = number;
    if (!c->call_data.empty()) mp.correlator_data = protocol::byte_string{c->call_data};
    c->awaiting_connection = call::awaiting::make_call;
    send(p, r, std::move(mp), [&p, l, c, r, created_by_request](const request_outcome& o) -> LONG {
        c->awaiting_connection = call::awaiting::none;
        if (!o.ok()) {
            if (created_by_request) {
                call_machine::abandon(p, l, c);
            } else if (c->state() != LINECALLSTATE_IDLE && !c->connection) {
                c->dial_buffer.clear();
                call_machine::transition(p, l, c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
            }
            return to_lineerr(o);
        }
        const auto& res = std::get<svc::make_call::result>(*o.result);
        const auto& conn = res.calling_connection;
        if (c->connection && c->connection->call_id != conn.call_id) {
            p.log(level::warn,
                  describe(*c, *l) + " MakeCall answered " + protocol::log_safe(conn.call_id, 64));
        }
        if (auto ghost = find_call(*l, conn.call_id); ghost && ghost != c) {
            // Events arrived first with no make-call cause: the "new" call is ours.
            call_machine::take_over(p, l, c, ghost);
        }
        if (!c->connection && c->state() != LINECALLSTATE_IDLE && !c->gone())
            calls::bind(p, l, c, conn);
        if (c->closed() || c->state() == LINECALLSTATE_IDLE) {
            // TAPI let go of the call meanwhile: nobody owns it, release it on the switch.
            p.send(svc::clear_connection::params{conn}, [](const request_outcome&) {});
        }
        p.complete(r, 0);
        if (created_by_request) call_machine::request_succeeded(p, l, c);
        call_machine::report_current(p, l, c);
        return 0;
    });
}

}  // namespace ctigw::tsp::calls::ops
