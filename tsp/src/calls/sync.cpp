// The synchronous call functions: lineCloseCall, call information and status, call ids, app
// data, digit generation and monitoring.
#include <ctime>

#include "calls/calls.hpp"
#include "capabilities.hpp"
#include "ctigw/tsp/varstruct.hpp"

namespace ctigw::tsp::calls {

namespace {

constexpr LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

/// Any call handle TAPI still holds (IDLE included: it stays valid until lineCloseCall).
LONG lookup_any(locked_provider& p, HDRVCALL hd, call_ptr& c, line_ptr& l) {
    c = p.call_from_handle(hd);
    if (!c || c->failed()) return err(LINEERR_INVALCALLHANDLE);
    l = p.owner_of(*c);
    if (!l) return err(LINEERR_INVALCALLHANDLE);
    return 0;
}

SYSTEMTIME to_systemtime(std::chrono::system_clock::time_point t) {
    const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
    const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
    std::tm tm{};
#if defined(_WIN32)
    gmtime_s(&tm, &tt);
#else
    gmtime_r(&tt, &tm);
#endif
    SYSTEMTIME st{};
    st.wYear = static_cast<WORD>(tm.tm_year + 1900);
    st.wMonth = static_cast<WORD>(tm.tm_mon + 1);
    st.wDayOfWeek = static_cast<WORD>(tm.tm_wday);
    st.wDay = static_cast<WORD>(tm.tm_mday);
    st.wHour = static_cast<WORD>(tm.tm_hour);
    st.wMinute = static_cast<WORD>(tm.tm_min);
    st.wSecond = static_cast<WORD>(tm.tm_sec);
    st.wMilliseconds = static_cast<WORD>(ms);
    return st;
}

void put_party(var_writer<LINECALLINFO>& w, const party& who, DWORD LINECALLINFO::*flags,
               DWORD LINECALLINFO::*size, DWORD LINECALLINFO::*offset,
               DWORD LINECALLINFO::*name_size, DWORD LINECALLINFO::*name_offset,
               DWORD LINECALLINFO::*address_type) {
    DWORD f = 0;
    if (!who.number.empty()) {
        f |= LINECALLPARTYID_ADDRESS;
        w.put_string_utf8(size, offset, who.number);
        w.set(address_type, LINEADDRESSTYPE_PHONENUMBER);  // ignored below TAPI 3.0
    }
    if (!who.name.empty()) {
        f |= LINECALLPARTYID_NAME;
        w.put_string_utf8(name_size, name_offset, who.name);
    }
    if (f == 0) f = LINECALLPARTYID_UNKNOWN;
    w.set(flags, f);
}

bool valid_digits(std::u16string_view digits) {
    for (char16_t ch : digits) {
        const bool ok = (ch >= u'0' && ch <= u'9') || ch == u'*' || ch == u'#' ||
                        (ch >= u'A' && ch <= u'D') || (ch >= u'a' && ch <= u'd') || ch == u',';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

LONG close_call(locked_provider& p, HDRVCALL hd) {
    auto it = p.call_by_handle_.find(reinterpret_cast<std::uintptr_t>(hd));
    if (it == p.call_by_handle_.end()) return err(LINEERR_INVALCALLHANDLE);
    auto c = it->second;
    // A reference, not a copy: nothing below changes lines_, and a copy's count would be one
    // more write per call to the line's control block from this thread (call::owner_ref).
    const auto& l = p.owner_of(*c);
    // Pending operations on the call end before this returns (tspi.md §3.3).
    std::vector<request_ptr> pending;
    for (const auto& [rid, r] : p.requests_) {
        if (r->subject.lock() == c) pending.push_back(r);
    }
    for (auto& r : pending) p.complete(r, err(LINEERR_OPERATIONFAILED));
    if (l) {
        if (p.logs(level::debug)) p.log(level::debug, describe(*c, *l) + " closed");
        if (c->state() != LINECALLSTATE_IDLE && c->generate_end_to_end_id) {
            c->generate_end_to_end_id.reset();
        }
        forget(p, l, c);
    } else {
        p.release_call_id(*c);
        call_machine::close(p, nullptr, c);
        p.call_by_handle_.erase(c->handle());  // by key: `it` may not outlive what ran since
    }
    // Callbacks already queued for the call read htCall when they run: with it cleared they are
    // dropped, so TAPI hears nothing of a call it closed (state.cpp line_event).
    c->ht.store(nullptr);
    return 0;
}

LONG get_call_info(locked_provider& p, HDRVCALL hd, LPLINECALLINFO info) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    var_writer<LINECALLINFO> w(info, fixed_size<LINECALLINFO>(l->version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    w.set(&LINECALLINFO::dwLineDeviceID, l->device_id);
    w.set(&LINECALLINFO::dwAddressID, 0);
    w.set(&LINECALLINFO::dwBearerMode, LINEBEARERMODE_VOICE);
    w.set(&LINECALLINFO::dwMediaMode, c->media_mode);
    w.set(&LINECALLINFO::dwAppSpecific, c->app_specific);
    w.set(&LINECALLINFO::dwCallID, c->call_id);
    w.set(&LINECALLINFO::dwRelatedCallID, c->related_call_id);
    w.set(&LINECALLINFO::dwCallStates, caps::call_states);
    w.set(&LINECALLINFO::dwMonitorDigitModes, c->monitor_digit_modes);
    w.set(&LINECALLINFO::dwOrigin, c->origin);
    w.set(&LINECALLINFO::dwReason, c->reason);
    w.set(&LINECALLINFO::dwTrunk, 0xFFFFFFFFu);  // unknown
    w.set(&LINECALLINFO::dwNumOwners, 1);
    put_party(w, c->caller, &LINECALLINFO::dwCallerIDFlags, &LINECALLINFO::dwCallerIDSize,
              &LINECALLINFO::dwCallerIDOffset, &LINECALLINFO::dwCallerIDNameSize,
              &LINECALLINFO::dwCallerIDNameOffset, &LINECALLINFO::dwCallerIDAddressType);
    put_party(w, c->called, &LINECALLINFO::dwCalledIDFlags, &LINECALLINFO::dwCalledIDSize,
              &LINECALLINFO::dwCalledIDOffset, &LINECALLINFO::dwCalledIDNameSize,
              &LINECALLINFO::dwCalledIDNameOffset, &LINECALLINFO::dwCalledIDAddressType);
    put_party(w, c->connected, &LINECALLINFO::dwConnectedIDFlags, &LINECALLINFO::dwConnectedIDSize,
              &LINECALLINFO::dwConnectedIDOffset, &LINECALLINFO::dwConnectedIDNameSize,
              &LINECALLINFO::dwConnectedIDNameOffset, &LINECALLINFO::dwConnectedIDAddressType);
    put_party(w, c->redirection, &LINECALLINFO::dwRedirectionIDFlags,
              &LINECALLINFO::dwRedirectionIDSize, &LINECALLINFO::dwRedirectionIDOffset,
              &LINECALLINFO::dwRedirectionIDNameSize, &LINECALLINFO::dwRedirectionIDNameOffset,
              &LINECALLINFO::dwRedirectionIDAddressType);
    put_party(w, c->redirecting, &LINECALLINFO::dwRedirectingIDFlags,
              &LINECALLINFO::dwRedirectingIDSize, &LINECALLINFO::dwRedirectingIDOffset,
              &LINECALLINFO::dwRedirectingIDNameSize, &LINECALLINFO::dwRedirectingIDNameOffset,
              &LINECALLINFO::dwRedirectingIDAddressType);
    if (!c->call_data.empty()) {
        w.put_bytes(&LINECALLINFO::dwCallDataSize, &LINECALLINFO::dwCallDataOffset,
                    c->call_data.data(), c->call_data.size());
    }
    w.finish();
    return 0;
}

LONG get_call_status(locked_provider& p, HDRVCALL hd, LPLINECALLSTATUS status) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    var_writer<LINECALLSTATUS> w(status, fixed_size<LINECALLSTATUS>(l->version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    w.set(&LINECALLSTATUS::dwCallState, c->state());
    w.set(&LINECALLSTATUS::dwCallStateMode,
          c->state() == LINECALLSTATE_CONFERENCED ? 0 : c->state_mode());
    w.set(&LINECALLSTATUS::dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
    w.set(&LINECALLSTATUS::dwCallFeatures, c->features);
    w.set(&LINECALLSTATUS::dwCallFeatures2, call_machine::features2(*l, c->features));
    w.set(&LINECALLSTATUS::tStateEntryTime, to_systemtime(c->state_entered()));
    w.finish();
    return 0;
}

LONG get_call_address_id(locked_provider& p, HDRVCALL hd, LPDWORD address_id) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    if (address_id == nullptr) return err(LINEERR_INVALPOINTER);
    *address_id = 0;
    return 0;
}

LONG get_call_ids(locked_provider& p, HDRVCALL hd, LPDWORD address_id, LPDWORD call_id,
                  LPDWORD related_call_id) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    if (address_id == nullptr || call_id == nullptr || related_call_id == nullptr) {
        return err(LINEERR_INVALPOINTER);
    }
    *address_id = 0;
    *call_id = c->call_id;
    *related_call_id = c->related_call_id;
    return 0;
}

LONG set_app_specific(locked_provider& p, HDRVCALL hd, DWORD value) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    if (c->app_specific == value) return 0;
    c->app_specific = value;
    c->pending_info |= LINECALLINFOSTATE_APPSPECIFIC;
    flush_info(p, l, c);
    c->pending_info &= ~static_cast<DWORD>(LINECALLINFOSTATE_APPSPECIFIC);  // none after IDLE
    return 0;
}

LONG generate_digits(locked_provider& p, HDRVCALL hd, DWORD end_to_end_id, DWORD digit_mode,
                     LPCWSTR digits, DWORD duration) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    if (!l->is_open()) return err(LINEERR_INVALCALLHANDLE);
    if (digits == nullptr) {  // cancels the generation in progress
        cancel_generate(p, l, c);
        return 0;
    }
    if (digit_mode != LINEDIGITMODE_DTMF) return err(LINEERR_INVALDIGITMODE);
    const auto text = wide_view(digits, 512);
    if (text.empty() || !valid_digits(text)) return err(LINEERR_INVALDIGITS);
    if (l->refuses("GenerateDigits")) return err(LINEERR_OPERATIONUNAVAIL);
    if ((c->features & LINECALLFEATURE_GENERATEDIGITS) == 0 || !c->connection) {
        return err(LINEERR_INVALCALLSTATE);
    }
    if (!l->in_service() || !p.link_live_ || !p.link_) return err(LINEERR_INVALLINESTATE);
    // A new request cancels the one in progress (LINE_GENERATE CANCEL).
    cancel_generate(p, l, c);
    c->generate_end_to_end_id = end_to_end_id;
    protocol::svc::generate_digits::params gp;
    gp.connection_to_send_digits = *c->connection;
    gp.characters_to_send = utf16_to_utf8(text);
    for (auto& ch : gp.characters_to_send) {
        if (ch >= 'a' && ch <= 'd') ch = static_cast<char>(ch - 'a' + 'A');
    }
    if (duration != 0) gp.tone_duration_ms = duration;
    p.send(std::move(gp), [&p, l, c, end_to_end_id](const pbx_link::request_outcome& o) {
        // DONE comes with DigitsGenerated (the digits were sent); a refusal cancels.
        if (!o.ok() && c->generate_end_to_end_id == end_to_end_id) {
            c->generate_end_to_end_id.reset();
            p.line_event(l, c, LINE_GENERATE, LINEGENERATETERM_CANCEL, end_to_end_id, tick(p));
        }
    });
    return 0;
}

LONG monitor_digits(locked_provider& p, HDRVCALL hd, DWORD digit_modes) {
    call_ptr c;
    line_ptr l;
    if (auto e = lookup_any(p, hd, c, l)) return e;
    if (digit_modes != 0 && digit_modes != LINEDIGITMODE_DTMF) return err(LINEERR_INVALDIGITMODE);
    if (digit_modes != 0 && (c->features & LINECALLFEATURE_MONITORDIGITS) == 0) {
        return err(LINEERR_INVALCALLSTATE);
    }
    if (c->monitor_digit_modes != digit_modes) {
        c->monitor_digit_modes = digit_modes;
        c->pending_info |= LINECALLINFOSTATE_MONITORMODES;
        flush_info(p, l, c);
    }
    return 0;
}

}  // namespace ctigw::tsp::calls
