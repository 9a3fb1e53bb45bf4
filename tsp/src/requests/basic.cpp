// lineAnswer, lineDrop, lineHold, lineUnhold, lineSwapHold: one call, one switch service each
// (lineUnhold: RetrieveCall, ReconnectCall or AlternateCall).
#include "common.hpp"

#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

using namespace ops;  // the family's own helpers

// ---- answer / drop / hold / unhold / swap ------------------------------------------------------

LONG answer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd) {
    return one_request<svc::answer_call::params>(p, id, hd, LINECALLFEATURE_ANSWER, "lineAnswer");
}

LONG drop(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    auto& c = t.c;
    auto& l = t.l;
    if (c->state() == LINECALLSTATE_IDLE || c->requested()) return err(LINEERR_INVALCALLSTATE);
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
    auto r = p.new_request(id, "lineDrop", l, c);
    if (!conn) {
        // Nothing on the switch (our own dial tone, a consultation not dialled yet).
        c->drop_requested = true;
        p.complete(r, 0);
        call_machine::transition(p, l, c, LINECALLSTATE_IDLE, 0);
        return static_cast<LONG>(id);
    }
    if (auto e = usable(p, *l)) {
        p.complete(r, e);
        return static_cast<LONG>(id);
    }
    c->drop_requested = true;
    // The conference call of a conference this line built (it is the conferencing device):
    // dropping it drops every party (TSPI_lineDrop), not just this line's connection.
    const bool whole =
        c->role == call_role::conference_parent && c->connection && !l->refuses("ClearCall");
    protocol::service_params clear =
        whole ? protocol::service_params{svc::clear_call::params{c->connection->call_id}}
              : protocol::service_params{svc::clear_connection::params{*conn}};
    send(p, r, std::move(clear), [&p, l, c](const request_outcome& o) -> LONG {
        if (o.ok()) return 0;
        if (o.error && (o.error->value == protocol::error_values::invalid_call_id ||
                        o.error->value == protocol::error_values::invalid_connection_id ||
                        o.error->value == protocol::error_values::no_connection_to_clear)) {
            // Already gone on the switch (we missed its end): it is gone for TAPI too.
            end_call(p, l, c, LINEDISCONNECTMODE_UNKNOWN);
            if (c->role == call_role::conference_member)
                check_conference(p, l, c->conference.lock());
            return 0;
        }
        c->drop_requested = false;
        return to_lineerr(o);
    });
    return static_cast<LONG>(id);
}

LONG hold(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd) {
    return one_request<svc::hold_call::params>(p, id, hd, LINECALLFEATURE_HOLD, "lineHold");
}

namespace {

/// AlternateCall: `act` goes on hold, `hc` is retrieved, in one switch operation. The transfer
/// pairing moves with the calls (TSP++): the newly held call takes over the pending state, so
/// lineCompleteTransfer(held, active) still works after any swap.
void send_swap(locked_provider& p, const request_ptr& r, const line_ptr& l, const call_ptr& act,
               const call_ptr& hc, const protocol::connection_id& held_conn) {
    const bool pairing =
        hc->state() == LINECALLSTATE_ONHOLDPENDTRANSFER && hc->consultation.lock() == act;
    act->hold_target = pairing ? LINECALLSTATE_ONHOLDPENDTRANSFER : LINECALLSTATE_ONHOLD;
    auto move_pairing = [act, hc] {
        std::swap(act->role, hc->role);
        std::swap(act->related_call_id, hc->related_call_id);
    };
    if (pairing) {
        act->consultation = hc;
        act->original.reset();
        hc->original = act;
        hc->consultation.reset();
        move_pairing();
    }
    send(p, r, svc::alternate_call::params{*act->connection, held_conn},
         [l, act, hc, pairing, move_pairing](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 act->hold_target = 0;
                 if (pairing) {  // undo
                     hc->consultation = act;
                     hc->original.reset();
                     act->original = hc;
                     act->consultation.reset();
                     move_pairing();
                 }
                 return to_lineerr(o);
             }
             return 0;
         });
}

}  // namespace

/// lineUnhold (docs/tspi-mapping.md "Unhold"). Unhold never drops a call TAPI did not ask to
/// drop and never leaves two active calls on the address (dwMaxNumActiveCalls is 1):
/// - the original of a consultation the application dialled (lineSetupTransfer/Conference):
///   the consultation is cancelled (ReconnectCall: consultation cleared, original retrieved);
/// - another call active on the address (also the customer after lineSwapHold in a
///   consultation): that call goes on hold and this one is retrieved (AlternateCall);
///   one that cannot be held (no switch call yet) → INVALCALLSTATE;
/// - otherwise RetrieveCall.
LONG unhold(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (auto e = need(t, LINECALLFEATURE_UNHOLD)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto& c = t.c;
    auto& l = t.l;
    auto held = c->role == call_role::conference_parent ? held_connection(*l, c) : c->connection;
    if (!held) return err(LINEERR_INVALCALLSTATE);
    call_ptr consult = c->consultation.lock();
    if (!consult && c->role == call_role::conference_parent) {
        for (auto& k : l->calls) {
            if (k->role == call_role::consultation && k->conference.lock() == c &&
                k->state() != LINECALLSTATE_IDLE) {
                consult = k;
            }
        }
    }
    if (consult && consult->state() == LINECALLSTATE_IDLE) consult = nullptr;
    // After lineSwapHold the pairing moved: the "consultation" of this held call is the customer.
    const bool cancel = consult && consult->connection && consult->dialled_consultation;
    call_ptr active = active_besides(*l, *c);
    if (cancel) {
        if (auto e = offered(*l, "ReconnectCall")) return e;
        active = nullptr;
    } else if (active) {
        if (!active->connection) return err(LINEERR_INVALCALLSTATE);
        if (auto e = offered(*l, "AlternateCall")) return e;
    }
    auto r = p.new_request(id, "lineUnhold", l, c);
    if (consult && !consult->connection) {
        consult->drop_requested = true;  // never dialled: nothing on the switch
        call_machine::transition(p, l, consult, LINECALLSTATE_IDLE, 0);
        consult = nullptr;
    }
    if (active) {
        send_swap(p, r, l, active, c, *held);
        return static_cast<LONG>(id);
    }
    const bool pending_conf = c->role == call_role::conference_parent && !c->connection;
    c->cancel_requested = pending_conf;
    if (cancel) {
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

LONG swap_hold(locked_provider& p, DRV_REQUESTID id, HDRVCALL active_hd, HDRVCALL held_hd) {
    target a, h;
    if (auto e = lookup(p, active_hd, a)) return e;
    if (auto e = lookup(p, held_hd, h)) return e;
    if (a.l != h.l || a.c == h.c) return err(LINEERR_INVALCALLHANDLE);
    if (auto e = need(a, LINECALLFEATURE_SWAPHOLD)) return e;
    constexpr DWORD held_states =
        LINECALLSTATE_ONHOLD | LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_ONHOLDPENDCONF;
    if ((h.c->state() & held_states) == 0) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *a.l)) return e;
    auto held_conn =
        h.c->role == call_role::conference_parent ? held_connection(*h.l, h.c) : h.c->connection;
    if (!a.c->connection || !held_conn) return err(LINEERR_INVALCALLSTATE);
    auto r = p.new_request(id, "lineSwapHold", a.l, a.c);
    send_swap(p, r, a.l, a.c, h.c, *held_conn);
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::calls
