// Transfer and conference: lineBlindTransfer, lineSetupTransfer, lineCompleteTransfer,
// lineSetupConference, linePrepareAddToConference, lineAddToConference, lineRemoveFromConference.
#include "common.hpp"

#include "capabilities.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

using namespace ops;  // the family's own helpers

namespace {

/// The consultation call TAPI asked for (lineSetupTransfer/SetupConference/PrepareAddToConf):
/// our own DIALTONE call, not reported until its request completes; lineDial makes it.
call_ptr new_consultation(locked_provider& p, const line_ptr& l, HTAPICALL ht, const call& about,
                          const std::string& data) {
    auto k = tapi_call(p, l, ht);
    k->role = call_role::consultation;
    k->dialled_consultation = true;
    k->related_call_id = about.call_id;
    k->origin = LINECALLORIGIN_OUTBOUND;
    k->reason = LINECALLREASON_DIRECT;
    k->call_data = data;
    set_party(p, *k, &call::caller, l->extension, LINECALLINFOSTATE_CALLERID);
    k->pending_info = 0;  // TAPI reads LINECALLINFO once the call is known
    return k;
}

}  // namespace

// ---- transfer -----------------------------------------------------------------------------------

LONG blind_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, LPCWSTR dest,
                    DWORD /*country*/) {
    return send_elsewhere<svc::single_step_transfer::params>(
        p, id, hd, dest, LINECALLFEATURE_BLINDTRANSFER, "lineBlindTransfer");
}

LONG setup_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HTAPICALL ht_consult,
                    LPHDRVCALL out_consult, LPLINECALLPARAMS params) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(t, LINECALLFEATURE_SETUPTRANSFER)) return e;
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto k = new_consultation(p, l, ht_consult, *c, data);
    k->original = c;
    c->consultation = k;
    c->hold_target = LINECALLSTATE_ONHOLDPENDTRANSFER;
    *out_consult = k->hd();
    auto r = p.new_request(id, "lineSetupTransfer", l, c);
    // HoldCall now; the consultation has dial tone of its own and lineDial makes the call.
    send(p, r, svc::hold_call::params{conn_of(*c)},
         [&p, l, c, k, r](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 c->hold_target = 0;
                 call_machine::abandon(p, l, k);
                 c->consultation.reset();
                 return to_lineerr(o);
             }
             p.complete(r, 0);
             call_machine::request_succeeded(p, l, k);
             if (c->state() != LINECALLSTATE_IDLE) {
                 c->hold_target = 0;
                 call_machine::transition(p, l, c, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
             }
             call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
             return 0;
         });
    return static_cast<LONG>(id);
}

LONG complete_transfer(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HDRVCALL consult_hd,
                       HTAPICALL ht_conf, LPHDRVCALL out_conf, DWORD mode) {
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
    if (mode == LINETRANSFERMODE_CONFERENCE && out_conf == nullptr)
        return err(LINEERR_INVALPOINTER);
    if (auto e =
            offered(*t.l, mode == LINETRANSFERMODE_TRANSFER ? "TransferCall" : "ConferenceCall")) {
        return e;
    }
    if (auto e = need(t, LINECALLFEATURE_COMPLETETRANSF)) return e;
    constexpr DWORD consult_ok = LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK |
                                 LINECALLSTATE_PROCEEDING | LINECALLSTATE_BUSY |
                                 LINECALLSTATE_ONHOLD;
    if ((k.c->state() & consult_ok) == 0 || !k.c->connection || !t.c->connection) {
        return err(LINEERR_INVALCALLSTATE);
    }
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto kc = k.c;
    // The held one is CSTA's heldCall whichever handle TAPI passed first.
    const bool c_held = c->state() != LINECALLSTATE_CONNECTED;
    const auto held = c_held ? *c->connection : *kc->connection;
    const auto active = c_held ? *kc->connection : *c->connection;
    if (mode == LINETRANSFERMODE_TRANSFER) {
        auto r = p.new_request(id, "lineCompleteTransfer", l, c);
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
    auto r = p.new_request(id, "lineCompleteTransfer", l, par);
    send(p, r, svc::conference_call::params{held, active},
         [&p, l, c, kc, par, r](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 if (c->conference.lock() == par) c->conference.reset();
                 if (kc->conference.lock() == par) kc->conference.reset();
                 call_machine::abandon(p, l, par);
                 return to_lineerr(o);
             }
             const auto& res = std::get<svc::conference_call::result>(*o.result);
             p.complete(r, 0);
             call_machine::request_succeeded(p, l, par);
             merge_conference(p, l, par, res.conference_call, res.connections, {c, kc});
             return 0;
         });
    return static_cast<LONG>(id);
}

// ---- conference ---------------------------------------------------------------------------------

LONG setup_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd, HDRVLINE /*hd_line*/,
                      HTAPICALL ht_conf, LPHDRVCALL out_conf, HTAPICALL ht_consult,
                      LPHDRVCALL out_consult, DWORD num_parties, LPLINECALLPARAMS params) {
    target t;
    // No LINEADDRCAPFLAGS_SETUPCONFNULL: a conference starts from a call.
    if (auto e = lookup(p, hd, t)) return e;
    if (out_conf == nullptr || out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (num_parties > caps::max_num_conference) return err(LINEERR_CONFERENCEFULL);
    if (auto e = need(t, LINECALLFEATURE_SETUPCONF)) return e;
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto c = t.c;
    auto par = tapi_call(p, l, ht_conf);
    par->role = call_role::conference_parent;
    par->origin = LINECALLORIGIN_CONFERENCE;
    par->reason = LINECALLREASON_DIRECT;
    auto k = new_consultation(p, l, ht_consult, *c, data);
    k->conference = par;
    k->original = c;
    c->hold_target = LINECALLSTATE_CONFERENCED;  // the Held event changes nothing visible
    *out_conf = par->hd();
    *out_consult = k->hd();
    auto r = p.new_request(id, "lineSetupConference", l, par);
    send(p, r, svc::hold_call::params{conn_of(*c)},
         [&p, l, c, par, k, r](const request_outcome& o) -> LONG {
             c->hold_target = 0;
             if (!o.ok()) {
                 call_machine::abandon(p, l, par);
                 call_machine::abandon(p, l, k);
                 return to_lineerr(o);
             }
             p.complete(r, 0);
             call_machine::request_succeeded(p, l, par);
             call_machine::request_succeeded(p, l, k);
             if (c->state() == LINECALLSTATE_IDLE) {  // the original vanished meanwhile
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

LONG prepare_add_to_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL conf,
                               HTAPICALL ht_consult, LPHDRVCALL out_consult,
                               LPLINECALLPARAMS params) {
    target t;
    if (lookup(p, conf, t) != 0 || t.c->role != call_role::conference_parent) {
        return err(LINEERR_INVALCONFCALLHANDLE);
    }
    if (out_consult == nullptr) return err(LINEERR_INVALPOINTER);
    if (auto e = need(t, LINECALLFEATURE_PREPAREADDCONF)) return e;
    if (members_of(*t.l, t.c).size() + 2 > caps::max_num_conference) {
        return err(LINEERR_CONFERENCEFULL);
    }
    std::string data;
    if (auto e = check_params(*t.l, params, data)) return e;
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto par = t.c;
    auto k = new_consultation(p, l, ht_consult, *par, data);
    k->conference = par;
    par->hold_target = LINECALLSTATE_ONHOLDPENDCONF;
    *out_consult = k->hd();
    auto r = p.new_request(id, "linePrepareAddToConference", l, par);
    send(p, r, svc::hold_call::params{conn_of(*par)},
         [&p, l, par, k, r](const request_outcome& o) -> LONG {
             if (!o.ok()) {
                 par->hold_target = 0;
                 call_machine::abandon(p, l, k);
                 return to_lineerr(o);
             }
             p.complete(r, 0);
             call_machine::request_succeeded(p, l, k);
             if (par->state() != LINECALLSTATE_IDLE) {
                 par->hold_target = 0;
                 call_machine::transition(p, l, par, LINECALLSTATE_ONHOLDPENDCONF, 0);
             }
             call_machine::transition(p, l, k, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
             return 0;
         });
    return static_cast<LONG>(id);
}

LONG add_to_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL conf, HDRVCALL consult) {
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
    if ((par->state() & conf_ok) == 0 || (kc->state() & consult_ok) == 0 || !kc->connection) {
        return err(LINEERR_INVALCALLSTATE);
    }
    // One of the two must be held (CSTA's heldCall), the other active.
    const bool par_held = par->state() != LINECALLSTATE_CONNECTED;
    const bool k_held = kc->state() == LINECALLSTATE_ONHOLD;
    if (par_held == k_held) return err(LINEERR_INVALCALLSTATE);
    if (members_of(*l, par).size() + 2 > caps::max_num_conference)
        return err(LINEERR_CONFERENCEFULL);
    auto par_conn = held_connection(*l, par);
    if (!par_conn) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *l)) return e;
    const auto held = par_held ? *par_conn : *kc->connection;
    const auto active = par_held ? *kc->connection : *par_conn;
    kc->conference = par;
    auto r = p.new_request(id, "lineAddToConference", l, par);
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

LONG remove_from_conference(locked_provider& p, DRV_REQUESTID id, HDRVCALL hd) {
    target t;
    if (auto e = lookup(p, hd, t)) return e;
    if (t.c->role != call_role::conference_member) return err(LINEERR_INVALCALLSTATE);
    if (auto e = need(t, LINECALLFEATURE_REMOVEFROMCONF)) return e;
    auto par = parent_of(*t.c);
    if (!par || !par->connection || t.c->member_party.empty()) return err(LINEERR_INVALCALLSTATE);
    if (auto e = usable(p, *t.l)) return e;
    auto l = t.l;
    auto m = t.c;
    auto r = p.new_request(id, "lineRemoveFromConference", l, m);
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
             if (m->state() != LINECALLSTATE_IDLE) {
                 call_machine::transition(p, l, m, LINECALLSTATE_IDLE, 0);
                 remove_party(*par, m->member_party);
                 check_conference(p, l, par);
             }
             return 0;
         });
    return static_cast<LONG>(id);
}

}  // namespace ctigw::tsp::calls
