// Lines as TAPI devices: LINEDEVCAPS, LINEADDRESSCAPS, LINEADDRESSSTATUS, LINEDEVSTATUS,
// open/close, status messages, media detection, lineGetID. lineForward and lineSetLineDevStatus
// are in devices/forward.cpp. docs/tspi-mapping.md has the table.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "capabilities.hpp"
#include "ctigw/tsp/agent_extension.hpp"
#include "ctigw/tsp/varstruct.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp::devices {

namespace {

// Modes the call helper reports (LINE_CALLSTATE dwParam2); they belong with capabilities.hpp.
constexpr DWORD dial_tone_modes = LINEDIALTONEMODE_NORMAL | LINEDIALTONEMODE_UNAVAIL;
constexpr DWORD busy_modes = LINEBUSYMODE_STATION | LINEBUSYMODE_UNKNOWN | LINEBUSYMODE_UNAVAIL;
constexpr DWORD connected_modes = LINECONNECTEDMODE_ACTIVE | LINECONNECTEDMODE_INACTIVE;
constexpr DWORD offering_modes = LINEOFFERINGMODE_ACTIVE;
constexpr DWORD max_num_trans_conf = 3;  ///< a transfer resolved as a conference: three parties
/// Media modes lineSetDefaultMediaDetection / lineConditionalMediaDetection accept.
constexpr DWORD detectable_media_modes = caps::media_modes | LINEMEDIAMODE_UNKNOWN;
/// TAPI 3 protocol of our lines: TAPIPROTOCOL_PSTN {831CE2D6-83B5-11D1-BB5C-00C04FB6809F}.
constexpr GUID protocol_pstn = {
    0x831CE2D6, 0x83B5, 0x11D1, {0xBB, 0x5C, 0x00, 0xC0, 0x4F, 0xB6, 0x80, 0x9F}};

LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

bool version_ok(DWORD v) {
    return v >= tapi_version_2_0 && v <= tapi_version_3_1;
}

LONG find_line(locked_provider& p, DWORD device_id, line_ptr& out) {
    auto it = p.line_by_device_id_.find(device_id);
    if (it == p.line_by_device_id_.end() || it->second->awaiting_create()) {
        return err(LINEERR_BADDEVICEID);
    }
    if (it->second->removed()) return err(LINEERR_NODEVICE);
    out = it->second;
    return 0;
}

bool iequals_ascii(std::u16string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char16_t c = a[i];
        if (c > 0x7F) return false;
        if (std::tolower(static_cast<unsigned char>(c)) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string switch_info(const locked_provider& p) {
    std::string url;
    if (p.link_) url = p.link_->figures().endpoint;
    if (url.empty() && p.settings_ && !p.settings_->link.endpoints.empty()) {
        url = p.settings_->link.endpoints.front().url;
    }
    return url.empty() ? std::string("ctigw switch link") : "ctigw switch link " + url;
}

/// The phone of the same extension, when TAPI knows it.
phone_ptr phone_of(const locked_provider& p, const std::string& extension) {
    auto it = p.phone_by_extension_.find(extension);
    if (it == p.phone_by_extension_.end() || it->second->removed() ||
        it->second->awaiting_create()) {
        return nullptr;
    }
    return it->second;
}

DWORD tapi_forward_mode(protocol::forwarding_type t) {
    using ft = protocol::forwarding_type;
    switch (t) {
        case ft::immediate:
            return LINEFORWARDMODE_UNCOND;
        case ft::immediate_internal:
            return LINEFORWARDMODE_UNCONDINTERNAL;
        case ft::immediate_external:
            return LINEFORWARDMODE_UNCONDEXTERNAL;
        case ft::busy:
            return LINEFORWARDMODE_BUSY;
        case ft::busy_internal:
            return LINEFORWARDMODE_BUSYINTERNAL;
        case ft::busy_external:
            return LINEFORWARDMODE_BUSYEXTERNAL;
        case ft::no_answer:
            return LINEFORWARDMODE_NOANSW;
        case ft::no_answer_internal:
            return LINEFORWARDMODE_NOANSWINTERNAL;
        case ft::no_answer_external:
            return LINEFORWARDMODE_NOANSWEXTERNAL;
        default:
            return LINEFORWARDMODE_UNKNOWN;
    }
}

/// The forwarding list of LINEADDRESSSTATUS as one block: entries, then their strings; string
/// offsets relative to the block (fixed up once the block's place is known).
std::vector<unsigned char> forward_block(const locked_provider& p, const line& l, DWORD version,
                                         DWORD& entries) {
    struct item {
        DWORD mode;
        std::u16string dest;  // empty: do-not-disturb (no destination)
        bool has_dest;
    };
    std::vector<item> items;
    for (const auto& f : l.forwarding) {
        const DWORD mode = tapi_forward_mode(f.type);
        if (mode == LINEFORWARDMODE_UNKNOWN || !f.active) continue;
        std::string dest = f.forward_to.value_or("");
        if (p.dial_plan_ && !dest.empty()) dest = p.dial_plan_->to_canonical(dest);
        items.push_back({mode, utf8_to_utf16(dest), true});
    }
    if (l.do_not_disturb) items.push_back({LINEFORWARDMODE_UNCOND, {}, false});
    entries = static_cast<DWORD>(items.size());
    const DWORD stride = forward_entry_size(version);
    std::vector<unsigned char> block(items.size() * stride, 0);
    for (std::size_t i = 0; i < items.size(); ++i) {
        LINEFORWARD f{};
        f.dwForwardMode = items[i].mode;
        if (items[i].has_dest) {
            while (block.size() % 4 != 0) block.push_back(0);
            f.dwDestAddressOffset = static_cast<DWORD>(block.size());
            const auto& d = items[i].dest;
            f.dwDestAddressSize = static_cast<DWORD>((d.size() + 1) * sizeof(char16_t));
            const auto* bytes = reinterpret_cast<const unsigned char*>(d.c_str());
            block.insert(block.end(), bytes, bytes + f.dwDestAddressSize);
        }
        f.dwCallerAddressType = 0;
        f.dwDestAddressType = items[i].has_dest ? LINEADDRESSTYPE_PHONENUMBER : 0;
        std::memcpy(block.data() + i * stride, &f, stride);
    }
    return block;
}

}  // namespace

DWORD forward_entry_size(DWORD version) {
    return version >= tapi_version_3_1
               ? static_cast<DWORD>(sizeof(LINEFORWARD))
               : static_cast<DWORD>(offsetof(LINEFORWARD, dwCallerAddressType));
}

call_counts count_calls(const line& l) {
    call_counts n;
    for (const auto& c : l.calls) {
        if (!c->told()) continue;
        switch (c->state()) {
            case LINECALLSTATE_IDLE:
            case LINECALLSTATE_UNKNOWN:
            case LINECALLSTATE_CONFERENCED:
                break;  // members are counted through their conference
            case LINECALLSTATE_ONHOLD:
                ++n.on_hold;
                break;
            case LINECALLSTATE_ONHOLDPENDCONF:
            case LINECALLSTATE_ONHOLDPENDTRANSFER:
                ++n.on_hold_pending;
                break;
            default:
                ++n.active;
                break;
        }
    }
    return n;
}

namespace {

DWORD address_features_now(const line& l) {
    if (!l.in_service()) return 0;
    DWORD f = caps::address_features;
    if (count_calls(l).active >= caps::max_active_calls) {
        f &= ~static_cast<DWORD>(LINEADDRFEATURE_MAKECALL | LINEADDRFEATURE_PICKUP |
                                 LINEADDRFEATURE_PICKUPGROUP | LINEADDRFEATURE_PICKUPDIRECT |
                                 LINEADDRFEATURE_UNPARK | LINEADDRFEATURE_SETUPCONF);
    }
    if (!l.pickup_group) f &= ~static_cast<DWORD>(LINEADDRFEATURE_PICKUPGROUP);
    return f & ~l.unsupported.address;
}

DWORD line_features_now(const line& l) {
    if (!l.in_service()) return 0;
    DWORD f = caps::line_features;
    if (count_calls(l).active >= caps::max_active_calls)
        f &= ~static_cast<DWORD>(LINEFEATURE_MAKECALL);
    return f & ~l.unsupported.line;
}

}  // namespace

// ---- caps --------------------------------------------------------------------------------------

LONG line_get_dev_caps(locked_provider& p, DWORD device_id, DWORD version, DWORD ext_version,
                       LINEDEVCAPS* caps) {
    line_ptr l;
    if (auto e = find_line(p, device_id, l)) return e;
    if (!version_ok(version)) return err(LINEERR_INCOMPATIBLEAPIVERSION);
    if (ext_version != 0 && ext_version != agent_ext_version) {
        return err(LINEERR_INCOMPATIBLEEXTVERSION);
    }
    var_writer<LINEDEVCAPS> w(caps, fixed_size<LINEDEVCAPS>(version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    w.put_string(&LINEDEVCAPS::dwProviderInfoSize, &LINEDEVCAPS::dwProviderInfoOffset, u"ctigw");
    w.put_string_utf8(&LINEDEVCAPS::dwSwitchInfoSize, &LINEDEVCAPS::dwSwitchInfoOffset,
                      switch_info(p));
    w.set(&LINEDEVCAPS::dwPermanentLineID, l->permanent_id);
    w.put_string_utf8(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset, l->name);
    w.set(&LINEDEVCAPS::dwStringFormat, STRINGFORMAT_UNICODE);
    w.set(&LINEDEVCAPS::dwAddressModes, LINEADDRESSMODE_ADDRESSID);
    w.set(&LINEDEVCAPS::dwNumAddresses, 1);
    w.set(&LINEDEVCAPS::dwBearerModes, caps::bearer_modes);
    w.set(&LINEDEVCAPS::dwMediaModes, caps::media_modes);
    w.set(&LINEDEVCAPS::dwGenerateDigitModes,
          l->refuses("GenerateDigits") ? 0 : caps::generate_digit_modes);
    w.set(&LINEDEVCAPS::dwMonitorDigitModes, caps::monitor_digit_modes);
    // No CLOSEDROP: closing a line does not clear the desk phone's calls.
    w.set(&LINEDEVCAPS::dwDevCapFlags, version >= tapi_version_3_0 ? LINEDEVCAPFLAGS_CALLHUB : 0);
    w.set(&LINEDEVCAPS::dwMaxNumActiveCalls, caps::max_active_calls);
    w.set(&LINEDEVCAPS::dwAnswerMode, LINEANSWERMODE_HOLD);
    w.set(&LINEDEVCAPS::dwRingModes, 1);
    w.set(&LINEDEVCAPS::dwLineStates, caps::line_states);
    w.set(&LINEDEVCAPS::dwLineFeatures, caps::line_features & ~l->unsupported.line);
    w.set(&LINEDEVCAPS::dwSettableDevStatus, LINEDEVSTATUSFLAGS_MSGWAIT);
    std::vector<std::u16string_view> classes{u"tapi/line"};
    if (phone_of(p, l->extension)) classes.push_back(u"tapi/phone");
    w.put_string_list(&LINEDEVCAPS::dwDeviceClassesSize, &LINEDEVCAPS::dwDeviceClassesOffset,
                      classes);
    w.set(&LINEDEVCAPS::PermanentLineGuid, permanent_guid("line", l->extension));
    w.set(&LINEDEVCAPS::dwAddressTypes, LINEADDRESSTYPE_PHONENUMBER);
    w.set(&LINEDEVCAPS::ProtocolGuid, protocol_pstn);
    w.finish();
    return 0;
}

LONG line_get_address_caps(locked_provider& p, DWORD device_id, DWORD address_id, DWORD version,
                           DWORD ext_version, LINEADDRESSCAPS* caps) {
    line_ptr l;
    if (auto e = find_line(p, device_id, l)) return e;
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    if (!version_ok(version)) return err(LINEERR_INCOMPATIBLEAPIVERSION);
    if (ext_version != 0 && ext_version != agent_ext_version) {
        return err(LINEERR_INCOMPATIBLEEXTVERSION);
    }
    var_writer<LINEADDRESSCAPS> w(caps, fixed_size<LINEADDRESSCAPS>(version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    using C = LINEADDRESSCAPS;
    w.set(&C::dwLineDeviceID, l->device_id);
    w.put_string_utf8(&C::dwAddressSize, &C::dwAddressOffset, l->extension);
    w.set(&C::dwAddressSharing, LINEADDRESSSHARING_PRIVATE);
    w.set(&C::dwAddressStates, caps::address_states);
    w.set(&C::dwCallInfoStates, caps::call_info_states);
    w.set(&C::dwCallerIDFlags, caps::call_party_id_flags);
    w.set(&C::dwCalledIDFlags, caps::call_party_id_flags);
    w.set(&C::dwConnectedIDFlags, caps::call_party_id_flags);
    w.set(&C::dwRedirectionIDFlags, caps::call_party_id_flags);
    w.set(&C::dwRedirectingIDFlags, caps::call_party_id_flags);
    w.set(&C::dwCallStates, caps::call_states);
    w.set(&C::dwDialToneModes, dial_tone_modes);
    w.set(&C::dwBusyModes, busy_modes);
    w.set(&C::dwSpecialInfo, 0);  // LINECALLSTATE_SPECIALINFO is never reported
    w.set(&C::dwDisconnectModes, caps::disconnect_modes);
    w.set(&C::dwMaxNumActiveCalls, caps::max_active_calls);
    w.set(&C::dwMaxNumOnHoldCalls, caps::max_on_hold_calls);
    w.set(&C::dwMaxNumOnHoldPendingCalls, caps::max_on_hold_pending_calls);
    w.set(&C::dwMaxNumConference, caps::max_num_conference);
    w.set(&C::dwMaxNumTransConf, max_num_trans_conf);
    w.set(&C::dwAddrCapFlags, caps::address_cap_flags | caps::role_cap_flags(l->role));
    w.set(&C::dwCallFeatures, caps::call_features & ~l->unsupported.call);
    w.set(&C::dwRemoveFromConfCaps, caps::remove_from_conf_caps);
    w.set(&C::dwRemoveFromConfState, caps::remove_from_conf_state);
    w.set(&C::dwTransferModes,
          caps::transfer_modes &
              ~((l->refuses("TransferCall") ? DWORD{LINETRANSFERMODE_TRANSFER} : 0) |
                (l->refuses("ConferenceCall") ? DWORD{LINETRANSFERMODE_CONFERENCE} : 0)));
    w.set(&C::dwParkModes, l->refuses("ParkCall") ? 0 : caps::park_modes);
    w.set(&C::dwForwardModes, l->refuses("SetForwarding") ? 0 : caps::forward_modes);
    w.set(&C::dwMaxForwardEntries, caps::max_forward_entries);
    w.set(&C::dwMinFwdNumRings, min_fwd_rings);
    w.set(&C::dwMaxFwdNumRings, max_fwd_rings);
    w.set(&C::dwAddressFeatures, caps::address_features & ~l->unsupported.address);
    static constexpr std::array<std::u16string_view, 1> classes{u"tapi/line"};
    w.put_string_list(&C::dwDeviceClassesSize, &C::dwDeviceClassesOffset, classes);
    w.set(&C::dwMaxCallDataSize, caps::max_call_data_size);
    w.set(&C::dwCallFeatures2, caps::call_features2 & ~l->unsupported.call2);
    w.set(&C::dwConnectedModes, connected_modes);
    w.set(&C::dwOfferingModes, offering_modes);
    w.set(&C::dwAvailableMediaModes, caps::media_modes);
    w.finish();
    return 0;
}

// ---- status ------------------------------------------------------------------------------------

LONG line_get_address_status(locked_provider& p, HDRVLINE hd, DWORD address_id,
                             LINEADDRESSSTATUS* status) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if (address_id != 0) return err(LINEERR_INVALADDRESSID);
    var_writer<LINEADDRESSSTATUS> w(status, fixed_size<LINEADDRESSSTATUS>(l->version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    using S = LINEADDRESSSTATUS;
    const auto n = count_calls(*l);
    const DWORD in_use = n.active + n.on_hold + n.on_hold_pending;
    w.set(&S::dwNumInUse, in_use == 0 ? 0 : 1);  // a private address: one station
    w.set(&S::dwNumActiveCalls, n.active);
    w.set(&S::dwNumOnHoldCalls, n.on_hold);
    w.set(&S::dwNumOnHoldPendCalls, n.on_hold_pending);
    w.set(&S::dwAddressFeatures, address_features_now(*l));
    DWORD rings = 0;
    for (const auto& f : l->forwarding) {
        if (f.type == protocol::forwarding_type::no_answer && f.ring_count) rings = *f.ring_count;
    }
    w.set(&S::dwNumRingsNoAnswer, rings);
    DWORD entries = 0;
    const auto block = forward_block(p, *l, l->version, entries);
    if (!block.empty()) {
        const std::uint32_t at =
            w.put_bytes(&S::dwForwardSize, &S::dwForwardOffset, block.data(), block.size());
        if (at != 0) {
            // the block is in place: make its string offsets relative to the structure
            auto* base = reinterpret_cast<unsigned char*>(status) + at;
            const DWORD stride = forward_entry_size(l->version);
            for (DWORD i = 0; i < entries; ++i) {
                LINEFORWARD f{};
                std::memcpy(&f, base + std::size_t{i} * stride, stride);
                if (f.dwDestAddressSize != 0) f.dwDestAddressOffset += at;
                std::memcpy(base + std::size_t{i} * stride, &f, stride);
            }
            w.set(&S::dwForwardNumEntries, entries);
        }
    }
    w.finish();
    if (!l->forwarding_known) refresh_line(p, l);  // LINE_ADDRESSSTATE follows if it differs
    return 0;
}

LONG line_get_dev_status(locked_provider& p, HDRVLINE hd, LINEDEVSTATUS* status) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    var_writer<LINEDEVSTATUS> w(status, fixed_size<LINEDEVSTATUS>(l->version));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    using S = LINEDEVSTATUS;
    const auto n = count_calls(*l);
    w.set(&S::dwNumOpens, 1);  // TAPI overwrites it with its own count of app opens
    w.set(&S::dwOpenMediaModes, l->media_modes);
    w.set(&S::dwNumActiveCalls, n.active);
    w.set(&S::dwNumOnHoldCalls, n.on_hold);
    w.set(&S::dwNumOnHoldPendCalls, n.on_hold_pending);
    w.set(&S::dwLineFeatures, line_features_now(*l));
    DWORD flags = LINEDEVSTATUSFLAGS_CONNECTED;
    if (l->in_service()) flags |= LINEDEVSTATUSFLAGS_INSERVICE;
    if (l->message_waiting) flags |= LINEDEVSTATUSFLAGS_MSGWAIT;
    w.set(&S::dwDevStatusFlags, flags);
    w.set(&S::dwAvailableMediaModes, caps::media_modes);
    w.finish();
    return 0;
}

LONG line_get_num_address_ids(locked_provider& p, HDRVLINE hd, LPDWORD count) {
    if (!open_line(p, hd)) return err(LINEERR_INVALLINEHANDLE);
    if (count == nullptr) return err(LINEERR_INVALPOINTER);
    *count = 1;
    return 0;
}

LONG line_get_address_id(locked_provider& p, HDRVLINE hd, LPDWORD address_id, DWORD mode,
                         LPCWSTR address, DWORD size) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if (address_id == nullptr || address == nullptr) return err(LINEERR_INVALPOINTER);
    if (mode != LINEADDRESSMODE_DIALABLEADDR && mode != LINEADDRESSMODE_ADDRESSID) {
        return err(LINEERR_INVALADDRESSMODE);
    }
    // dwSize is in bytes; the string may or may not include its terminator
    auto text = wide_view(address, std::min<std::size_t>(size / sizeof(WCHAR), 512));
    while (!text.empty() && text.front() == u' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == u' ') text.remove_suffix(1);
    if (utf16_to_utf8(text) != l->extension) return err(LINEERR_INVALADDRESS);
    *address_id = 0;
    return 0;
}

// ---- open / close -------------------------------------------------------------------------------

LONG line_open(locked_provider& p, DWORD device_id, HTAPILINE ht, LPHDRVLINE hd, DWORD version,
               LINEEVENT proc) {
    line_ptr l;
    if (auto e = find_line(p, device_id, l)) return e;
    if (!version_ok(version)) return err(LINEERR_INCOMPATIBLEAPIVERSION);
    if (hd == nullptr || proc == nullptr) return err(LINEERR_INVALPOINTER);
    // TAPI keeps one TSPI open per device whatever the number of applications: a second open
    // without a close is refused rather than losing the first htLine.
    if (l->is_open()) return err(LINEERR_ALLOCATED);
    l->open_handle = p.new_handle();
    l->ht = ht;
    l->event_proc = proc;
    l->version = version;
    l->line_states = 0;
    l->reported_calls = {};  // counts are reported as changes from here on
    l->address_states = 0;
    l->media_modes = 0;
    p.line_by_handle_[l->open_handle] = l;
    *hd = l->hd();
    // Calls the switch reported while the line was closed: TAPI hears of them now (call control
    // decides: LINE_NEWCALL, then the current state; idle or pending calls stay silent).
    const auto calls_now = l->calls;
    for (const auto& c : calls_now) {
        if (!c->closed()) calls_refresh(p, l, c);
    }
    refresh_line(p, l);
    p.log(level::debug, "line " + l->extension + " opened (device " + std::to_string(device_id) +
                            ", version " + std::to_string(version >> 16) + "." +
                            std::to_string(version & 0xFFFF) + ")");
    return 0;
}

LONG line_close(provider_state& s, HDRVLINE hd) {
    {
        const auto held = s.lock();
        auto& p = *held;
        auto l = p.line_from_handle(hd);  // also for a removed line: TAPI closes it
        if (!l || !l->is_open()) return err(LINEERR_INVALLINEHANDLE);
        auto pending = std::move(l->pending);
        l->pending.clear();
        for (auto& r : pending) p.complete(r, err(LINEERR_OPERATIONFAILED));
        calls_line_closed(p, l);
        l->closed_epoch.store(l->open_handle);
        p.line_by_handle_.erase(l->open_handle);
        l->open_handle = 0;
        l->ht = nullptr;
        l->event_proc = nullptr;
        l->line_states = 0;
        l->address_states = 0;
        l->media_modes = 0;
        p.log(level::debug, "line " + l->extension + " closed");
    }
    // Once TSPI_lineClose returns, TAPI must not hear of the line: wait for what was queued.
    if (!s.tapi().on_dispatcher_thread()) s.tapi().drain();
    return 0;
}

LONG line_set_status_messages(locked_provider& p, HDRVLINE hd, DWORD line_states,
                              DWORD address_states) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    l->line_states = line_states;
    l->address_states = address_states;
    return 0;
}

LONG line_set_default_media_detection(locked_provider& p, HDRVLINE hd, DWORD media_modes) {
    auto l = open_line(p, hd);
    if (!l) return err(LINEERR_INVALLINEHANDLE);
    if ((media_modes & ~detectable_media_modes) != 0) return err(LINEERR_INVALMEDIAMODE);
    l->media_modes = media_modes;
    return 0;
}

LONG line_conditional_media_detection(locked_provider& p, HDRVLINE hd, DWORD media_modes,
                                      const LINECALLPARAMS* params) {
    if (!open_line(p, hd)) return err(LINEERR_INVALLINEHANDLE);
    if (media_modes == 0 || (media_modes & ~detectable_media_modes) != 0) {
        return err(LINEERR_INVALMEDIAMODE);
    }
    if (params != nullptr) {
        DWORD total = 0, bearer = 0, media = 0;
        std::memcpy(&total, params, sizeof total);
        if (total >= offsetof(LINECALLPARAMS, dwMediaMode) + sizeof(DWORD)) {
            std::memcpy(&bearer,
                        reinterpret_cast<const unsigned char*>(params) +
                            offsetof(LINECALLPARAMS, dwBearerMode),
                        sizeof bearer);
            std::memcpy(&media,
                        reinterpret_cast<const unsigned char*>(params) +
                            offsetof(LINECALLPARAMS, dwMediaMode),
                        sizeof media);
            if (bearer != 0 && (bearer & ~caps::bearer_modes) != 0)
                return err(LINEERR_INVALBEARERMODE);
            if (media != 0 && (media & ~detectable_media_modes) != 0)
                return err(LINEERR_INVALMEDIAMODE);
        }
    }
    return 0;
}

LONG line_get_id(locked_provider& p, HDRVLINE hd, DWORD address_id, HDRVCALL call, DWORD select,
                 VARSTRING* out, LPCWSTR device_class) {
    line_ptr l;
    switch (select) {
        case LINECALLSELECT_LINE:
        case LINECALLSELECT_ADDRESS:
            l = open_line(p, hd);
            if (!l) return err(LINEERR_INVALLINEHANDLE);
            if (select == LINECALLSELECT_ADDRESS && address_id != 0)
                return err(LINEERR_INVALADDRESSID);
            break;
        case LINECALLSELECT_CALL: {
            auto c = p.call_from_handle(call);
            if (!c) return err(LINEERR_INVALCALLHANDLE);
            l = p.owner_of(*c);
            if (!l || l->removed()) return err(LINEERR_INVALCALLHANDLE);
            break;
        }
        default:
            return err(LINEERR_INVALCALLSELECT);
    }
    if (device_class == nullptr || out == nullptr) return err(LINEERR_INVALPOINTER);
    const auto cls = wide_view(device_class, 256);
    DWORD id = 0;
    if (iequals_ascii(cls, "tapi/line")) {
        id = l->device_id;
    } else if (iequals_ascii(cls, "tapi/phone")) {
        auto ph = phone_of(p, l->extension);
        if (!ph) return err(LINEERR_INVALDEVICECLASS);
        id = ph->device_id;
    } else {
        return err(LINEERR_INVALDEVICECLASS);
    }
    var_writer<VARSTRING> w(out, sizeof(VARSTRING));
    if (!w.fits_fixed()) return to_lineerr(w.status());
    w.set(&VARSTRING::dwStringFormat, STRINGFORMAT_BINARY);
    w.put_bytes(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, &id, sizeof id);
    w.finish();
    return 0;
}

LONG line_get_icon(locked_provider& p, DWORD device_id, LPCWSTR device_class, LPHICON icon) {
    line_ptr l;
    if (auto e = find_line(p, device_id, l)) return e;
    if (icon == nullptr) return err(LINEERR_INVALPOINTER);
    if (device_class != nullptr) {
        const auto cls = wide_view(device_class, 256);
        if (!cls.empty() && !iequals_ascii(cls, "tapi/line")) return err(LINEERR_INVALDEVICECLASS);
    }
    *icon = nullptr;  // no icon of our own: TAPI substitutes its generic line icon
    return 0;
}

// ---- forwarding and do-not-disturb --------------------------------------------------------------

}  // namespace ctigw::tsp::devices
