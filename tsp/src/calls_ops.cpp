// The asynchronous call-control TSPI operations: synchronous checks (each with its exact
// LINEERR_), then one switch service; the completion runs with the provider lock held and
// completes the TAPI request exactly once (complete_locked ignores a second completion, so a
// request already completed by lineCloseCall/lineClose/shutdown stays completed).
#include <algorithm>

#include "calls.hpp"
#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

namespace {

using pbx_link::request_outcome;
namespace svc = protocol::svc;

constexpr LONG err(DWORD e) { return static_cast<LONG>(e); }

struct target {
    line_ptr l;
    call_ptr c;
};

/// A live call handle on an open line (INVALCALLHANDLE otherwise).
LONG lookup(provider_state& p, HDRVCALL hd, target& t) {
    auto c = p.call_from_handle_locked(hd);
    if (!c || c->dead) return err(LINEERR_INVALCALLHANDLE);
    auto l = c->owner();
    if (!l || l->removed || !l->is_open()) return err(LINEERR_INVALCALLHANDLE);
    t = {l, c};
    return 0;
}

/// The device must be in service, or the link on its way to live (docs/tspi-mapping.md:
/// INVALLINESTATE).
LONG usable(const provider_state& p, const line& l) {
    return p.accepts_requests_locked(l.in_service) ? 0 : err(LINEERR_INVALLINESTATE);
}

/// The feature must be offered now; one the device's capabilities take away is OPERATIONUNAVAIL
/// in any state (docs/tspi-mapping.md "Capabilities").
LONG need(const call& c, DWORD feature) {
    if (auto l = c.owner(); l && (call_machine::unsupported_call_features(*l, c) & feature) != 0) {
        return err(LINEERR_OPERATIONUNAVAIL);
    }
    return (c.features & feature) != 0 ? 0 : err(LINEERR_INVALCALLSTATE);
}

LONG offered(const line& l, std::string_view service) {
    return l.refuses(service) ? err(LINEERR_OPERATIONUNAVAIL) : 0;
}

/// A TAPI destination → what the switch dials (INVALADDRESS when empty or not dialable).
LONG dialable_text(const provider_state& p, std::u16string_view wide, std::string& out) {
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

LONG dialable(const provider_state& p, LPCWSTR dest, std::string& out) {
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
void send(provider_state& p, const request_ptr& r, protocol::service_params params,
          std::function<LONG(const request_outcome&)> done) {
    p.send_locked(std::move(params), [&p, r, done = std::move(done)](const request_outcome& o) {
        LONG result = err(LINEERR_OPERATIONFAILED);
        try {
            result = done(o);
        } catch (const std::exception& ex) {
            p.log(level::error, r->what + " completion failed: " + ex.what());
        }
        p.complete_locked(r, result);
    });
}

LONG simple(const request_outcome& o) { return o.ok() ? 0 : to_lineerr(o); }

/// A call TAPI created (its htCall is given): not reported until its request completes.
call_ptr tapi_call(provider_state& p, const line_ptr& l, HTAPICALL ht) {
    auto c = create_call(p, l);
    c->ht.store(ht);
    c->tapi_pending = true;
    c->reportable = false;
    return c;
}

/// The creating request failed: the handle is dead (a later lineCloseCall is accepted).
void kill(provider_state& p, const line_ptr& l, const call_ptr& c) {
    if (!c) return;
    p.log(level::info, describe(*c, *l) + " not created");
    unbind(l, c);
    c->tapi_pending = false;
    c->dead = true;
    c->reportable = false;
    c->awaiting_connection = call::awaiting::none;
    c->state = LINECALLSTATE_IDLE;
    c->features = c->features2 = 0;
    if (auto o = c->original.lock(); o && o->consultation.lock() == c) o->consultation.reset();
    if (c->closed) forget(p, l, c);
}

/// The creating request succeeded: TAPI may now hear of the call.
void make_reportable(const call_ptr& c) {
    if (!c || !c->tapi_pending) return;
    c->tapi_pending = false;
    c->reportable = !c->closed;
    c->reported_state = 0;
}

/// The switch connection the call's request works on.
protocol::connection_id conn_of(const call& c) { return c.connection.value_or(protocol::connection_id{}); }

/// Our own switch call ended by a successful service (transfer, park, redirect) before its event.
void ended_by_us(provider_state& p, const line_ptr& l, const call_ptr& c) {
    if (!c || c->state == LINECALLSTATE_IDLE) return;
    c->drop_requested = true;
    end_call(p, l, c, LINEDISCONNECTMODE_NORMAL);
}

/// MakeCall for a TAPI call (lineMakeCall, or lineDial on a dial-tone call).
void start_make_call(provider_state& p, const line_ptr& l, const call_ptr& c, const request_ptr& r,
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
                kill(p, l, c);
            } else if (c->state != LINECALLSTATE_IDLE && !c->connection) {
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
            p.log(level::info, describe(*ghost, *l) + " was our MakeCall");
            c->state = ghost->state;
            c->state_mode = ghost->state_mode;
            c->parties = ghost->parties;
            c->switch_state = ghost->switch_state;
            ghost->drop_requested = true;
            call_machine::transition(p, l, ghost, LINECALLSTATE_IDLE, 0);
        }
        if (!c->connection && c->state != LINECALLSTATE_IDLE && !c->closed && !c->dead) calls::bind(p, l, c, conn);
        if (c->closed || c->state == LINECALLSTATE_IDLE) {
            // TAPI let go of the call meanwhile: nobody owns it, release it on the switch.
            p.send_locked(svc::clear_connection::params{conn}, [](const request_outcome&) {});
        }
        p.complete_locked(r, 0);
        if (created_by_request) make_reportable(c);
        report_current(p, l, c);
        return 0;
    });
}

}  // namespace

// ---- lineMakeCall / lineDial -------------------------------------------------------------------

LONG make_call(provider_state& p, DRV_REQUESTID id, HDRVLINE hd_line, HTAPICALL ht_call,
               LPHDRVCALL out_call, LPCWSTR dest, DWORD /*country*/, LPLINECALLPARAMS params) {
    std::lock_guard lock(p.mutex_);
    auto l = p.line_from_handle_locked(hd_line);
    if (!l || l->removed) return err(LINEERR_INVALLINEHANDLE);
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
    auto r = p.new_request_locked(id, "lineMakeCall", l, c);
    p.log(level::info, describe(*c, *l) + " lineMakeCall" + (number.empty() ? "" : " " + number));
    if (number.empty() || partial) {
        // No (complete) number: a dial-tone call of our own; lineDial makes the switch call.
        c->dial_buffer = number;
        p.complete_locked(r, 0);
        make_reportable(c);
        call_machine::transition(p, l, c, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        if (partial && !number.empty()) call_machine::transition(p, l, c, LINECALLSTATE_DIALING, 0);
        return static_cast<LONG>(id);
    }
    start_make_call(p, l, c, r, number, true);
    return static_cast<LONG>(id);
}

LONG dial(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD /*country*/) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (dest == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(*t.c, LINECALLFEATURE_DIAL)) return e;
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
    auto r = p.new_request_locked(id, "lineDial", t.l, t.c);
    t.c->dial_buffer += digits;
    if (partial) {
        p.complete_locked(r, 0);
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

// ---- answer / drop / hold / unhold / swap ------------------------------------------------------

/// The shape of a call operation that is one service on the call's own connection: the handle,
/// feature and line checks, then the request, completed with the plain outcome.
template <class Params>
LONG one_request(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, DWORD feature,
                 const char* what) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (auto e = need(*t.c, feature)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto r = p.new_request_locked(id, what, t.l, t.c);
    send(p, r, Params{conn_of(*t.c)}, simple);
    return static_cast<LONG>(id);
}

LONG answer(provider_state& p, DRV_REQUESTID id, HDRVCALL hd) {
    return one_request<svc::answer_call::params>(p, id, hd, LINECALLFEATURE_ANSWER, "lineAnswer");
}

LONG drop(provider_state& p, DRV_REQUESTID id, HDRVCALL hd) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    auto& c = t.c;
    auto& l = t.l;
    if (c->state == LINECALLSTATE_IDLE || c->tapi_pending) return err(LINEERR_INVALCALLSTATE);
    // What to clear on the switch: a member leaves its conference (its party's connection), a
    // parent clears this line's connection in the conference call, a set-up parent its original.
    std::optional<protocol::connection_id> conn = c->connection;
    if (c->role == call_role::conference_member) {
        auto par = parent_of(*c);
        if (par && par->connection && !c->member_party.empty()) {
            conn = protocol::connection_id{par->connection->call_id, c->member_party};
        }
    } else if (c->role == call_role::conference_parent && !c->connection) {
        conn = held_connection(*l, c);
    }
    if (conn && l->refuses("ClearConnection")) return err(LINEERR_OPERATIONUNAVAIL);
    auto r = p.new_request_locked(id, "lineDrop", l, c);
    if (!conn) {
        // Nothing on the switch (our own dial tone, a consultation not dialled yet).
        c->drop_requested = true;
        p.complete_locked(r, 0);
        call_machine::transition(p, l, c, LINECALLSTATE_IDLE, 0);
        return static_cast<LONG>(id);
    }
    if (auto e = usable(p, *l)) {
        p.complete_locked(r, e);
        return static_cast<LONG>(id);
    }
    c->drop_requested = true;
    send(p, r, svc::clear_connection::params{*conn},
         [&p, l, c](const request_outcome& o) -> LONG {
             if (o.ok()) return 0;
             if (o.error && (o.error->value == protocol::error_values::invalid_connection_id ||
                             o.error->value == protocol::error_values::no_connection_to_clear)) {
                 // Already gone on the switch (we missed its end): it is gone for TAPI too.
                 end_call(p, l, c, LINEDISCONNECTMODE_UNKNOWN);
                 if (c->role == call_role::conference_member) check_conference(p, l, c->conference.lock());
                 return 0;
             }
             c->drop_requested = false;
             return to_lineerr(o);
         });
    return static_cast<LONG>(id);
}

LONG hold(provider_state& p, DRV_REQUESTID id, HDRVCALL hd) {
    return one_request<svc::hold_call::params>(p, id, hd, LINECALLFEATURE_HOLD, "lineHold");
}

LONG unhold(provider_state& p, DRV_REQUESTID id, HDRVCALL hd) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (auto e = need(*t.c, LINECALLFEATURE_UNHOLD)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto& c = t.c;
    auto& l = t.l;
    auto held = c->role == call_role::conference_parent ? held_connection(*l, c) : c->connection;
    if (!held) return err(LINEERR_INVALCALLSTATE);
    // A pending transfer/conference with a consultation: unhold cancels it (ReconnectCall).
    call_ptr consult = c->consultation.lock();
    if (!consult && c->role == call_role::conference_parent) {
        for (auto& k : l->calls) {
            if (k->role == call_role::consultation && k->conference.lock() == c &&
                k->state != LINECALLSTATE_IDLE) {
                consult = k;
            }
        }
    }
    if (consult && consult->state != LINECALLSTATE_IDLE && consult->connection) {
        if (auto e = offered(*l, "ReconnectCall")) return e;
    }
    auto r = p.new_request_locked(id, "lineUnhold", l, c);
    if (consult && consult->state == LINECALLSTATE_IDLE) consult = nullptr;
    if (consult && !consult->connection) {
        consult->drop_requested = true;  // never dialled: nothing on the switch
        call_machine::transition(p, l, consult, LINECALLSTATE_IDLE, 0);
        consult = nullptr;
    }
    const bool pending_conf = c->role == call_role::conference_parent && !c->connection;
    c->cancel_requested = pending_conf;
    if (consult) {
        consult->drop_requested = true;
        send(p, r, svc::reconnect_call::params{*consult->connection, *held},
             [l, c, consult](const request_outcome& o) -> LONG {
                 if (!o.ok()) {
                     consult->drop_requested = false;
                     c->cancel_requested = false;
                 }
                 return simple(o);
             });
    } else {
        send(p, r, svc::retrieve_call::params{*held}, [c](const request_outcome& o) -> LONG {
            if (!o.ok()) c->cancel_requested = false;
            return simple(o);
        });
    }
    return static_cast<LONG>(id);
}

LONG swap_hold(provider_state& p, DRV_REQUESTID id, HDRVCALL active_hd, HDRVCALL held_hd) {
    std::lock_guard lock(p.mutex_);
    target a, h;
    if (auto e = lookup(p, active_hd, a)) return e;
    if (auto e = lookup(p, held_hd, h)) return e;
    if (a.l != h.l || a.c == h.c) return err(LINEERR_INVALCALLHANDLE);
    if (auto e = need(*a.c, LINECALLFEATURE_SWAPHOLD)) return e;
    constexpr DWORD held_states =
        LINECALLSTATE_ONHOLD | LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_ONHOLDPENDCONF;
    if ((h.c->state & held_states) == 0) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *a.l)) return e;
    auto held_conn = h.c->role == call_role::conference_parent ? held_connection(*h.l, h.c)
                                                                 : h.c->connection;
    if (!a.c->connection || !held_conn) return err(LINEERR_INVALCALLSTATE);
    auto l = a.l;
    auto act = a.c;
    auto hc = h.c;
    // The transfer pairing moves with the calls (TSP++): the newly held call takes over the
    // pending state, so lineCompleteTransfer(held, active) still works after any swap.
    const bool pairing = hc->state == LINECALLSTATE_ONHOLDPENDTRANSFER &&
                         hc->consultation.lock() == act;
    act->hold_target = pairing ? LINECALLSTATE_ONHOLDPENDTRANSFER : LINECALLSTATE_ONHOLD;
    if (pairing) {
        act->consultation = hc;
        act->original.reset();
        hc->original = act;
        hc->consultation.reset();
        std::swap(act->role, hc->role);
        std::swap(act->related_call_id, hc->related_call_id);
    }
    auto r = p.new_request_locked(id, "lineSwapHold", l, act);
    send(p, r, svc::alternate_call::params{*act->connection, *held_conn},
         [l, act, hc, pairing](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 act->hold_target = 0;
                 if (pairing) {  // undo
                     hc->consultation = act;
                     hc->original.reset();
                     act->original = hc;
                     act->consultation.reset();
                     std::swap(act->role, hc->role);
                     std::swap(act->related_call_id, hc->related_call_id);
                 }
                 return to_lineerr(o);
             }
             return 0;
         });
    return static_cast<LONG>(id);
}

// ---- transfer -----------------------------------------------------------------------------------

/// The shape of an operation that sends the call elsewhere in one service (lineBlindTransfer =
/// SingleStepTransfer, lineRedirect = DeflectCall): the call leaves this line when it succeeds.
template <class Params>
LONG send_elsewhere(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD feature,
                    const char* what) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (dest == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(*t.c, feature)) return e;
    std::string number;
    if (auto e = dialable(p, dest, number)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto r = p.new_request_locked(id, what, t.l, t.c);
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

LONG blind_transfer(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest,
                    DWORD /*country*/) {
    return send_elsewhere<svc::single_step_transfer::params>(
        p, id, hd, dest, LINECALLFEATURE_BLINDTRANSFER, "lineBlindTransfer");
}

LONG setup_transfer(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, HTAPICALL ht_consult,
                    LPHDRVCALL out_consult, LPLINECALLPARAMS params) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(*t.c, LINECALLFEATURE_SETUPTRANSFER)) return e;
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto k = tapi_call(p, l, ht_consult);
    k->role = call_role::consultation;
    k->original = c;
    k->related_call_id = c->call_id;
    k->origin = LINECALLORIGIN_OUTBOUND;
    k->reason = LINECALLREASON_DIRECT;
    k->call_data = data;
    set_party(p, *k, &call::caller, l->extension, LINECALLINFOSTATE_CALLERID);
    k->pending_info = 0;
    c->consultation = k;
    c->hold_target = LINECALLSTATE_ONHOLDPENDTRANSFER;
    *out_consult = k->hd();
    auto r = p.new_request_locked(id, "lineSetupTransfer", l, c);
    // HoldCall now; the consultation has dial tone of its own and lineDial makes the call.
    send(p, r, svc::hold_call::params{conn_of(*c)}, [&p, l, c, k, r](const request_outcome& o) -> LONG {
        if (!o.ok()) {
            c->hold_target = 0;
            kill(p, l, k);
            c->consultation.reset();
            return to_lineerr(o);
        }
        p.complete_locked(r, 0);
        make_reportable(k);
        if (c->state != LINECALLSTATE_IDLE) {
            c->hold_target = 0;
            call_machine::transition(p, l, c, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
        }
        call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        return 0;
    });
    return static_cast<LONG>(id);
}

LONG complete_transfer(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, HDRVCALL consult_hd,
                       HTAPICALL ht_conf, LPHDRVCALL out_conf, DWORD mode) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (mode != LINETRANSFERMODE_TRANSFER && mode != LINETRANSFERMODE_CONFERENCE) {
        return err(LINEERR_INVALTRANSFERMODE);
    }
    target k;
    if (lookup(p, consult_hd, k) != 0 || k.l != t.l || k.c == t.c ||
        k.c->role == call_role::conference_parent || k.c->role == call_role::conference_member) {
        return err(LINEERR_INVALCONSULTCALLHANDLE);
    }
    if (mode == LINETRANSFERMODE_CONFERENCE && out_conf == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e =
            offered(*t.l, mode == LINETRANSFERMODE_TRANSFER ? "TransferCall" : "ConferenceCall")) {
        return e;
    }
    if (auto e = need(*t.c, LINECALLFEATURE_COMPLETETRANSF)) return e;
    constexpr DWORD consult_ok = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK |
                                 LINECALLSTATE_PROCEEDING | LINECALLSTATE_BUSY |
                                 LINECALLSTATE_ONHOLD;
    if ((k.c->state & consult_ok) == 0 || !k.c->connection || !t.c->connection) {
        return err(LINEERR_INVALCALLSTATE);
    }
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto kc = k.c;
    // The held one is CSTA's heldCall whichever handle TAPI passed first.
    const bool c_held = c->state != LINECALLSTATE_CONNECTED;
    const auto held = c_held ? *c->connection : *kc->connection;
    const auto active = c_held ? *kc->connection : *c->connection;
    if (mode == LINETRANSFERMODE_TRANSFER) {
        auto r = p.new_request_locked(id, "lineCompleteTransfer", l, c);
        c->drop_requested = kc->drop_requested = true;
        send(p, r, svc::transfer_call::params{held, active},
             [&p, l, c, kc](const request_outcome& o) -> LONG {
                 if (!o.ok()) {
                     c->drop_requested = kc->drop_requested = false;
                     return to_lineerr(o);
                 }
                 ended_by_us(p, l, c);
                 ended_by_us(p, l, kc);
                 return 0;
             });
        return static_cast<LONG>(id);
    }
    auto par = tapi_call(p, l, ht_conf);
    par->role = call_role::conference_parent;
    par->origin = LINECALLORIGIN_CONFERENCE;
    par->reason = LINECALLREASON_DIRECT;
    c->conference = par;
    kc->conference = par;
    *out_conf = par->hd();
    auto r = p.new_request_locked(id, "lineCompleteTransfer", l, par);
    send(p, r, svc::conference_call::params{held, active},
         [&p, l, c, kc, par, r](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 if (c->conference.lock() == par) c->conference.reset();
                 if (kc->conference.lock() == par) kc->conference.reset();
                 kill(p, l, par);
                 return to_lineerr(o);
             }
             const auto& res = std::get<svc::conference_call::result>(*o.result);
             p.complete_locked(r, 0);
             make_reportable(par);
             merge_conference(p, l, par, res.conference_call, res.connections, {c, kc});
             return 0;
         });
    return static_cast<LONG>(id);
}

// ---- conference ----------------------------------------------------------------------------------

LONG setup_conference(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, HDRVLINE /*hd_line*/,
                      HTAPICALL ht_conf, LPHDRVCALL out_conf, HTAPICALL ht_consult,
                      LPHDRVCALL out_consult, DWORD num_parties, LPLINECALLPARAMS params) {
    std::lock_guard lock(p.mutex_);
    target t;
    // No LINEADDRCAPFLAGS_SETUPCONFNULL: a conference starts from a call.
    if (auto e = lookup(p, hd, t)) return e;
    if (out_conf == nullptr || out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (num_parties > caps::max_num_conference) return err(LINEERR_CONFERENCEFULL);
    if (auto e = need(*t.c, LINECALLFEATURE_SETUPCONF)) return e;
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto par = tapi_call(p, l, ht_conf);
    par->role = call_role::conference_parent;
    par->origin = LINECALLORIGIN_CONFERENCE;
    par->reason = LINECALLREASON_DIRECT;
    auto k = tapi_call(p, l, ht_consult);
    k->role = call_role::consultation;
    k->conference = par;
    k->original = c;
    k->related_call_id = c->call_id;
    k->origin = LINECALLORIGIN_OUTBOUND;
    k->reason = LINECALLREASON_DIRECT;
    k->call_data = data;
    set_party(p, *k, &call::caller, l->extension, LINECALLINFOSTATE_CALLERID);
    k->pending_info = 0;
    c->hold_target = LINECALLSTATE_CONFERENCED;  // the Held event changes nothing visible
    *out_conf = par->hd();
    *out_consult = k->hd();
    auto r = p.new_request_locked(id, "lineSetupConference", l, par);
    send(p, r, svc::hold_call::params{conn_of(*c)},
         [&p, l, c, par, k, r](const request_outcome& o) -> LONG {
             c->hold_target = 0;
             if (!o.ok()) {
                 kill(p, l, par);
                 kill(p, l, k);
                 return to_lineerr(o);
             }
             p.complete_locked(r, 0);
             make_reportable(par);
             make_reportable(k);
             if (c->state == LINECALLSTATE_IDLE) {  // the original vanished meanwhile
                 par->drop_requested = true;
                 call_machine::transition(p, l, par, LINECALLSTATE_IDLE, 0);
                 k->role = call_role::normal;
                 call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
                 return 0;
             }
             // MS-SC order: the parent first (TAPI must know it before CONFERENCED names it).
             call_machine::transition(p, l, par, LINECALLSTATE_ONHOLDPENDCONF, 0);
             c->role = call_role::conference_member;
             c->conference = par;
             c->member_party = c->parties.empty() ? std::string() : c->parties.front();
             c->switch_state = protocol::connection_state::hold;
             call_machine::transition(p, l, c, LINECALLSTATE_CONFERENCED, 0);
             call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
             return 0;
         });
    return static_cast<LONG>(id);
}

LONG prepare_add_to_conference(provider_state& p, DRV_REQUESTID id, HDRVCALL conf,
                               HTAPICALL ht_consult, LPHDRVCALL out_consult,
                               LPLINECALLPARAMS params) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (lookup(p, conf, t) != 0 || t.c->role != call_role::conference_parent) {
        return err(LINEERR_INVALCONFCALLHANDLE);
    }
    if (out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(*t.c, LINECALLFEATURE_PREPAREADDCONF)) return e;
    if (members_of(*t.l, t.c).size() + 2 > caps::max_num_conference) {
        return err(LINEERR_CONFERENCEFULL);
    }
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto par = t.c;
    auto k = tapi_call(p, l, ht_consult);
    k->role = call_role::consultation;
    k->conference = par;
    k->related_call_id = par->call_id;
    k->origin = LINECALLORIGIN_OUTBOUND;
    k->reason = LINECALLREASON_DIRECT;
    k->call_data = data;
    set_party(p, *k, &call::caller, l->extension, LINECALLINFOSTATE_CALLERID);
    k->pending_info = 0;
    par->hold_target = LINECALLSTATE_ONHOLDPENDCONF;
    *out_consult = k->hd();
    auto r = p.new_request_locked(id, "linePrepareAddToConference", l, par);
    send(p, r, svc::hold_call::params{conn_of(*par)},
         [&p, l, par, k, r](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 par->hold_target = 0;
                 kill(p, l, k);
                 return to_lineerr(o);
             }
             p.complete_locked(r, 0);
             make_reportable(k);
             if (par->state != LINECALLSTATE_IDLE) {
                 par->hold_target = 0;
                 call_machine::transition(p, l, par, LINECALLSTATE_ONHOLDPENDCONF, 0);
             }
             call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
             return 0;
         });
    return static_cast<LONG>(id);
}

LONG add_to_conference(provider_state& p, DRV_REQUESTID id, HDRVCALL conf, HDRVCALL consult) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (lookup(p, conf, t) != 0 || t.c->role != call_role::conference_parent) {
        return err(LINEERR_INVALCONFCALLHANDLE);
    }
    target k;
    if (lookup(p, consult, k) != 0 || k.l != t.l || k.c == t.c ||
        k.c->role == call_role::conference_parent || k.c->role == call_role::conference_member) {
        return err(LINEERR_INVALCONSULTCALLHANDLE);
    }
    auto l = t.l;
    if (auto e = offered(*l, "ConferenceCall")) return e;
    auto par = t.c;
    auto kc = k.c;
    constexpr DWORD conf_ok =
        LINECALLSTATE_ONHOLDPENDCONF | LINECALLSTATE_ONHOLD | LINECALLSTATE_CONNECTED;
    constexpr DWORD consult_ok = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK |
                                 LINECALLSTATE_PROCEEDING | LINECALLSTATE_ONHOLD;
    if ((par->state & conf_ok) == 0 || (kc->state & consult_ok) == 0 || !kc->connection) {
        return err(LINEERR_INVALCALLSTATE);
    }
    // One of the two must be held (CSTA's heldCall), the other active.
    const bool par_held = par->state != LINECALLSTATE_CONNECTED;
    const bool k_held = kc->state == LINECALLSTATE_ONHOLD;
    if (par_held == k_held) return err(LINEERR_INVALCALLSTATE);
    if (members_of(*l, par).size() + 2 > caps::max_num_conference) return err(LINEERR_CONFERENCEFULL);
    auto par_conn = held_connection(*l, par);
    if (!par_conn) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *l)) return e;
    const auto held = par_held ? *par_conn : *kc->connection;
    const auto active = par_held ? *kc->connection : *par_conn;
    kc->conference = par;
    auto r = p.new_request_locked(id, "lineAddToConference", l, par);
    send(p, r, svc::conference_call::params{held, active},
         [&p, l, par, kc](const request_outcome& o) -> LONG {
             if (!o.ok()) return to_lineerr(o);
             const auto& res = std::get<svc::conference_call::result>(*o.result);
             std::vector<call_ptr> olds{kc};
             for (auto& m : members_of(*l, par)) olds.push_back(m);
             merge_conference(p, l, par, res.conference_call, res.connections, olds);
             return 0;
         });
    return static_cast<LONG>(id);
}

LONG remove_from_conference(provider_state& p, DRV_REQUESTID id, HDRVCALL hd) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (t.c->role != call_role::conference_member) return err(LINEERR_INVALCALLSTATE);
    if (auto e = need(*t.c, LINECALLFEATURE_REMOVEFROMCONF)) return e;
    auto par = parent_of(*t.c);
    if (!par || !par->connection || t.c->member_party.empty()) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto m = t.c;
    auto r = p.new_request_locked(id, "lineRemoveFromConference", l, m);
    m->drop_requested = true;
    send(p, r,
         svc::clear_connection::params{
             protocol::connection_id{par->connection->call_id, m->member_party}},
         [&p, l, m, par](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 m->drop_requested = false;
                 return to_lineerr(o);
             }
             // LINEADDRESSCAPS.dwRemoveFromConfState is IDLE.
             if (m->state != LINECALLSTATE_IDLE) {
                 call_machine::transition(p, l, m, LINECALLSTATE_IDLE, 0);
                 remove_party(*par, m->member_party);
                 check_conference(p, l, par);
             }
             return 0;
         });
    return static_cast<LONG>(id);
}

// ---- park / unpark / pickup / redirect ------------------------------------------------------

LONG park(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, DWORD mode, LPCWSTR dir_address,
          LPVARSTRING non_dir_address) {
    std::lock_guard lock(p.mutex_);
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
    if (auto e = need(*t.c, LINECALLFEATURE_PARK)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto r = p.new_request_locked(id, "linePark", l, c);
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
LONG start_pickup(provider_state& p, DRV_REQUESTID id, const line_ptr& l, HTAPICALL ht_call,
                  LPHDRVCALL out_call, protocol::service_params params, DWORD reason,
                  const std::string& what, const std::string& from) {
    auto c = tapi_call(p, l, ht_call);
    c->reason = reason;
    c->origin = LINECALLORIGIN_UNKNOWN;
    c->awaiting_connection = call::awaiting::pickup;
    set_party(p, *c, &call::called, from, LINECALLINFOSTATE_CALLEDID);
    c->pending_info = 0;
    *out_call = c->hd();
    auto r = p.new_request_locked(id, what, l, c);
    send(p, r, std::move(params), [&p, l, c, r](const request_outcome& o) -> LONG {
        c->awaiting_connection = call::awaiting::none;
        if (!o.ok()) {
            kill(p, l, c);
            return to_lineerr(o);
        }
        protocol::connection_id conn;
        if (auto* d = std::get_if<svc::directed_pickup_call::result>(&*o.result)) conn = d->picked_call;
        if (auto* g = std::get_if<svc::group_pickup_call::result>(&*o.result)) conn = g->picked_call;
        if (auto ghost = find_call(*l, conn.call_id); ghost && ghost != c) {
            c->state = ghost->state;
            c->state_mode = ghost->state_mode;
            c->parties = ghost->parties;
            c->caller = ghost->caller;
            c->connected = ghost->connected;
            ghost->drop_requested = true;
            call_machine::transition(p, l, ghost, LINECALLSTATE_IDLE, 0);
        }
        if (!c->connection && !c->closed && c->state != LINECALLSTATE_IDLE) calls::bind(p, l, c, conn);
        p.complete_locked(r, 0);
        make_reportable(c);
        if (c->origin == LINECALLORIGIN_UNKNOWN && !c->parties.empty()) {
            c->origin = origin_for(p, c->parties.front(), false);
            c->pending_info |= LINECALLINFOSTATE_ORIGIN;
        }
        report_current(p, l, c);
        return 0;
    });
    return static_cast<LONG>(id);
}

}  // namespace

LONG unpark(provider_state& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest) {
    std::lock_guard lock(p.mutex_);
    auto l = p.line_from_handle_locked(hd_line);
    if (!l || l->removed) return err(LINEERR_INVALLINEHANDLE);
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (out_call == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = offered(*l, "DirectedPickupCall")) return e;
    std::string orbit;
    if (auto e = dialable(p, dest, orbit)) return e;
    if (auto e = usable(p, *l)) return e;
    svc::directed_pickup_call::params dp;
    dp.device_to_be_picked_up = orbit;
    dp.requesting_device = l->extension;
    return start_pickup(p, id, l, ht_call, out_call, std::move(dp), LINECALLREASON_UNPARK,
                        "lineUnpark", "");
}

LONG pickup(provider_state& p, DRV_REQUESTID id, HDRVLINE hd_line, DWORD address_id,
            HTAPICALL ht_call, LPHDRVCALL out_call, LPCWSTR dest, LPCWSTR group_id) {
    std::lock_guard lock(p.mutex_);
    auto l = p.line_from_handle_locked(hd_line);
    if (!l || l->removed) return err(LINEERR_INVALLINEHANDLE);
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (out_call == nullptr) return err(LINEERR_INVALPOINTER);
    if (dest != nullptr && dest[0] != 0) {
        if (auto e = offered(*l, "DirectedPickupCall")) return e;
        std::string device;
        if (auto e = dialable(p, dest, device)) return e;
        if (auto e = usable(p, *l)) return e;
        svc::directed_pickup_call::params dp;
        dp.device_to_be_picked_up = device;
        dp.requesting_device = l->extension;
        return start_pickup(p, id, l, ht_call, out_call, std::move(dp), LINECALLREASON_PICKUP,
                            "linePickup", device);
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

LONG redirect(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest, DWORD /*country*/) {
    return send_elsewhere<svc::deflect_call::params>(p, id, hd, dest, LINECALLFEATURE_REDIRECT,
                                                     "lineRedirect");
}

LONG set_call_data(provider_state& p, DRV_REQUESTID id, HDRVCALL hd, LPVOID data, DWORD size) {
    std::lock_guard lock(p.mutex_);
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (size > caps::max_call_data_size) return err(LINEERR_INVALPARAM);
    if (data == nullptr && size != 0) return err(LINEERR_INVALPOINTER);
    if (auto e = need(*t.c, LINECALLFEATURE_SETCALLDATA)) return e;
    std::string bytes(static_cast<const char*>(data), static_cast<const char*>(data) + size);
    auto l = t.l;
    auto c = t.c;
    auto r = p.new_request_locked(id, "lineSetCallData", l, c);
    if (!c->connection) {
        // No switch call yet: kept for the MakeCall (correlatorData).
        calls::set_call_data(*c, bytes);
        p.complete_locked(r, 0);
        flush_info(p, l, c);
        return static_cast<LONG>(id);
    }
    if (auto e = usable(p, *l)) {
        p.complete_locked(r, e);
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
