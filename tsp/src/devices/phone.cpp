// Phones as TAPI devices: PHONECAPS, PHONESTATUS, open/close, status messages, display,
// hookswitch, lamps, buttons and ringer over the switch's phone-set services (protocol.md §5.9).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "ctigw/tsp/varstruct.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp::devices {

namespace {

constexpr DWORD hookswitch_devs =
    PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER | PHONEHOOKSWITCHDEV_HEADSET;
constexpr DWORD hookswitch_modes = PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC |
                                   PHONEHOOKSWITCHMODE_SPEAKER | PHONEHOOKSWITCHMODE_MICSPEAKER;
constexpr DWORD lamp_modes = PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY | PHONELAMPMODE_WINK |
                             PHONELAMPMODE_FLASH | PHONELAMPMODE_FLUTTER |
                             PHONELAMPMODE_BROKENFLUTTER;
/// PHONE_STATE changes we report (PHONECAPS.dwPhoneStates).
constexpr DWORD phone_states = PHONESTATE_DISPLAY | PHONESTATE_LAMP | PHONESTATE_RINGMODE |
                               PHONESTATE_RINGVOLUME | PHONESTATE_HANDSETHOOKSWITCH |
                               PHONESTATE_SPEAKERHOOKSWITCH | PHONESTATE_HEADSETHOOKSWITCH |
                               PHONESTATE_SUSPEND | PHONESTATE_RESUME | PHONESTATE_CAPSCHANGE;
constexpr DWORD phone_features =
    PHONEFEATURE_GETBUTTONINFO | PHONEFEATURE_GETDISPLAY | PHONEFEATURE_GETHOOKSWITCHHANDSET |
    PHONEFEATURE_GETHOOKSWITCHSPEAKER | PHONEFEATURE_GETHOOKSWITCHHEADSET | PHONEFEATURE_GETLAMP |
    PHONEFEATURE_GETRING | PHONEFEATURE_SETDISPLAY | PHONEFEATURE_SETHOOKSWITCHHANDSET |
    PHONEFEATURE_SETHOOKSWITCHSPEAKER | PHONEFEATURE_SETHOOKSWITCHHEADSET | PHONEFEATURE_SETLAMP |
    PHONEFEATURE_SETRING;
constexpr DWORD num_ring_modes = 1;

LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

bool version_ok(DWORD v) {
    return v >= tapi_version_2_0 && v <= tapi_version_3_1;
}

LONG find_phone(locked_provider& p, DWORD device_id, phone_ptr& out) {
    auto it = p.phone_by_device_id_.find(device_id);
    if (it == p.phone_by_device_id_.end() || it->second->awaiting_create()) {
        return err(PHONEERR_BADDEVICEID);
    }
    if (it->second->removed()) return err(PHONEERR_NODEVICE);
    out = it->second;
    return 0;
}

bool iequals_ascii(std::u16string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] > 0x7F) return false;
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool contains_ci(std::string_view text, std::string_view word) {
    if (word.size() > text.size()) return false;
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        bool ok = true;
        for (std::size_t k = 0; k < word.size() && ok; ++k) {
            ok = std::tolower(static_cast<unsigned char>(text[i + k])) == word[k];
        }
        if (ok) return true;
    }
    return false;
}

const protocol::button_info* find_button(const phone& ph, DWORD id) {
    for (const auto& b : ph.buttons) {
        if (b.button == id) return &b;
    }
    return nullptr;
}

std::u16string keypad_label(DWORD id) {
    static constexpr char16_t labels[] = u"0123456789*#";
    return id < 12 ? std::u16string(1, labels[id]) : std::u16string();
}

std::string display_text(const phone& ph) {
    const std::size_t size = static_cast<std::size_t>(ph.display_rows) * ph.display_columns;
    std::u16string d = utf8_to_utf16(ph.display);
    d.resize(size, u' ');
    return utf16_to_utf8(d);
}

std::optional<protocol::lamp_mode> to_lamp_mode(DWORD m) {
    switch (m) {
        case PHONELAMPMODE_OFF:
            return protocol::lamp_mode::off;
        case PHONELAMPMODE_STEADY:
            return protocol::lamp_mode::steady;
        case PHONELAMPMODE_WINK:
            return protocol::lamp_mode::wink;
        case PHONELAMPMODE_FLASH:
            return protocol::lamp_mode::flash;
        case PHONELAMPMODE_FLUTTER:
            return protocol::lamp_mode::flutter;
        case PHONELAMPMODE_BROKENFLUTTER:
            return protocol::lamp_mode::broken_flutter;
        default:
            return std::nullopt;
    }
}

std::optional<protocol::hookswitch_mode> to_hookswitch_mode(DWORD m) {
    switch (m) {
        case PHONEHOOKSWITCHMODE_ONHOOK:
            return protocol::hookswitch_mode::on_hook;
        case PHONEHOOKSWITCHMODE_MIC:
            return protocol::hookswitch_mode::mic_only;
        case PHONEHOOKSWITCHMODE_SPEAKER:
            return protocol::hookswitch_mode::speaker_only;
        case PHONEHOOKSWITCHMODE_MICSPEAKER:
            return protocol::hookswitch_mode::mic_and_speaker;
        default:
            return std::nullopt;
    }
}

/// Sends `ops` for an async phone request and completes it when all have answered.
void send_all(locked_provider& p, const phone_ptr& ph, const request_ptr& r,
              std::vector<protocol::service_params> ops) {
    std::weak_ptr<phone> wp = ph;
    fan_in(
        p, std::move(ops), [](const pbx_link::request_outcome& o) { return to_phoneerr(o); },
        [&p, wp, r](LONG result) {
            if (auto x = wp.lock()) std::erase(x->pending, r);
            p.complete(r, result);
        });
}

/// Common checks of the async phone functions; creates the request on success.
LONG start_request(locked_provider& p, const phone_ptr& ph, DRV_REQUESTID id, const char* what,
                   request_ptr& out) {
    if (!p.accepts_requests(ph->in_service())) return err(PHONEERR_INVALPHONESTATE);
    out = p.new_request(id, what, nullptr, nullptr);
    out->owner_phone = ph;
    ph->pending.push_back(out);
    return 0;
}

}  // namespace

// ---- buttons and lamps -------------------------------------------------------------------------

DWORD button_mode(const protocol::button_info& b) {
    const std::string f = b.function.value_or("");
    if (f.empty()) return b.button < 12 ? PHONEBUTTONMODE_KEYPAD : PHONEBUTTONMODE_DUMMY;
    if (contains_ci(f, "keypad")) return PHONEBUTTONMODE_KEYPAD;
    if (contains_ci(f, "line") || contains_ci(f, "call")) return PHONEBUTTONMODE_CALL;
    if (contains_ci(f, "display")) return PHONEBUTTONMODE_DISPLAY;
    if (contains_ci(f, "local")) return PHONEBUTTONMODE_LOCAL;
    if (contains_ci(f, "dummy") || contains_ci(f, "none")) return PHONEBUTTONMODE_DUMMY;
    return PHONEBUTTONMODE_FEATURE;
}

DWORD button_function(const protocol::button_info& b) {
    const DWORD mode = button_mode(b);
    if (mode == PHONEBUTTONMODE_KEYPAD || mode == PHONEBUTTONMODE_DUMMY)
        return PHONEBUTTONFUNCTION_NONE;
    if (mode == PHONEBUTTONMODE_CALL) return PHONEBUTTONFUNCTION_CALLAPP;
    const std::string t = b.label.value_or("") + " " + b.function.value_or("");
    static constexpr std::array<std::pair<std::string_view, DWORD>, 14> words{{
        {"transfer", PHONEBUTTONFUNCTION_TRANSFER},
        {"conf", PHONEBUTTONFUNCTION_CONFERENCE},
        {"hold", PHONEBUTTONFUNCTION_HOLD},
        {"forward", PHONEBUTTONFUNCTION_FORWARD},
        {"fwd", PHONEBUTTONFUNCTION_FORWARD},
        {"dnd", PHONEBUTTONFUNCTION_DONOTDISTURB},
        {"disturb", PHONEBUTTONFUNCTION_DONOTDISTURB},
        {"park", PHONEBUTTONFUNCTION_PARK},
        {"pickup", PHONEBUTTONFUNCTION_PICKUP},
        {"mute", PHONEBUTTONFUNCTION_MUTE},
        {"redial", PHONEBUTTONFUNCTION_LASTNUM},
        {"message", PHONEBUTTONFUNCTION_MSGINDICATOR},
        {"drop", PHONEBUTTONFUNCTION_DROP},
        {"release", PHONEBUTTONFUNCTION_DROP},
    }};
    for (const auto& [word, fn] : words) {
        if (contains_ci(t, word)) return fn;
    }
    return PHONEBUTTONFUNCTION_UNKNOWN;
}

bool phone_has_lamp(const phone& ph, DWORD id) {
    if (ph.buttons.empty()) return id < 12;
    const auto* b = find_button(ph, id);
    return b != nullptr && b->lamp.has_value();
}

std::uint32_t switch_lamp_of(const phone& ph, DWORD id) {
    const auto* b = find_button(ph, id);
    return b != nullptr && b->lamp ? *b->lamp : id;
}

DWORD tapi_lamp_of(const phone& ph, std::uint32_t switch_lamp) {
    for (const auto& b : ph.buttons) {
        if (b.lamp && *b.lamp == switch_lamp) return b.button;
    }
    return switch_lamp;
}

// ---- caps and status ---------------------------------------------------------------------------

LONG phone_get_dev_caps(locked_provider& p, DWORD device_id, DWORD version, DWORD ext_version,
                        PHONECAPS* caps) {
    phone_ptr ph;
    if (auto e = find_phone(p, device_id, ph)) return e;
    if (!version_ok(version)) return err(PHONEERR_INCOMPATIBLEAPIVERSION);
    if (ext_version != 0) return err(PHONEERR_INCOMPATIBLEEXTVERSION);
    var_writer<PHONECAPS> w(caps, fixed_size<PHONECAPS>(version));
    if (!w.fits_fixed()) return to_phoneerr(w.status());
    using C = PHONECAPS;
    w.put_string(&C::dwProviderInfoSize, &C::dwProviderInfoOffset, u"ctigw");
    w.put_string_utf8(&C::dwPhoneInfoSize, &C::dwPhoneInfoOffset, "extension " + ph->extension);
    w.set(&C::dwPermanentPhoneID, ph->permanent_id);
    w.put_string_utf8(&C::dwPhoneNameSize, &C::dwPhoneNameOffset, ph->name);
    w.set(&C::dwStringFormat, STRINGFORMAT_UNICODE);
    w.set(&C::dwPhoneStates, phone_states);
    w.set(&C::dwHookSwitchDevs, hookswitch_devs);
    w.set(&C::dwHandsetHookSwitchModes, hookswitch_modes);
    w.set(&C::dwSpeakerHookSwitchModes, hookswitch_modes);
    w.set(&C::dwHeadsetHookSwitchModes, hookswitch_modes);
    w.set(&C::dwDisplayNumRows, ph->display_rows);
    w.set(&C::dwDisplayNumColumns, ph->display_columns);
    w.set(&C::dwNumRingModes, num_ring_modes);
    const DWORD n = phone_button_count(*ph);
    w.set(&C::dwNumButtonLamps, n);
    std::vector<DWORD> modes(n), functions(n), lamps(n);
    for (DWORD i = 0; i < n; ++i) {
        const auto* b = find_button(*ph, i);
        const protocol::button_info dflt{i, std::nullopt, std::nullopt, std::nullopt};
        modes[i] = button_mode(b ? *b : dflt);
        functions[i] = button_function(b ? *b : dflt);
        lamps[i] = phone_has_lamp(*ph, i) ? lamp_modes : PHONELAMPMODE_DUMMY;
    }
    w.put_bytes(&C::dwButtonModesSize, &C::dwButtonModesOffset, modes.data(), n * sizeof(DWORD));
    w.put_bytes(&C::dwButtonFunctionsSize, &C::dwButtonFunctionsOffset, functions.data(),
                n * sizeof(DWORD));
    w.put_bytes(&C::dwLampModesSize, &C::dwLampModesOffset, lamps.data(), n * sizeof(DWORD));
    std::vector<std::u16string_view> classes{u"tapi/phone"};
    if (auto it = p.line_by_extension_.find(ph->extension); it != p.line_by_extension_.end() &&
                                                            !it->second->removed() &&
                                                            !it->second->awaiting_create()) {
        classes.push_back(u"tapi/line");
    }
    w.put_string_list(&C::dwDeviceClassesSize, &C::dwDeviceClassesOffset, classes);
    w.set(&C::dwPhoneFeatures, phone_features);
    w.set(&C::dwSettableHandsetHookSwitchModes, hookswitch_modes);
    w.set(&C::dwSettableSpeakerHookSwitchModes, hookswitch_modes);
    w.set(&C::dwSettableHeadsetHookSwitchModes, hookswitch_modes);
    w.set(&C::dwMonitoredHandsetHookSwitchModes, hookswitch_modes);
    w.set(&C::dwMonitoredSpeakerHookSwitchModes, hookswitch_modes);
    w.set(&C::dwMonitoredHeadsetHookSwitchModes, hookswitch_modes);
    w.set(&C::PermanentPhoneGuid, permanent_guid("phone", ph->extension));
    w.finish();
    return 0;
}

LONG phone_open(locked_provider& p, DWORD device_id, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD version,
                PHONEEVENT proc) {
    phone_ptr ph;
    if (auto e = find_phone(p, device_id, ph)) return e;
    if (!version_ok(version)) return err(PHONEERR_INCOMPATIBLEAPIVERSION);
    if (hd == nullptr || proc == nullptr) return err(PHONEERR_INVALPOINTER);
    if (ph->is_open()) return err(PHONEERR_ALLOCATED);
    ph->open_handle = p.new_handle();
    ph->ht = ht;
    ph->event_proc = proc;
    ph->version = version;
    ph->phone_states = 0;
    ph->button_modes = 0;
    ph->button_states = 0;
    p.phone_by_handle_[ph->open_handle] = ph;
    *hd = ph->hd();
    refresh_phone(p, ph);
    return 0;
}

LONG phone_close(provider_state& s, HDRVPHONE hd) {
    {
        const auto held = s.lock();
        auto& p = *held;
        auto ph = p.phone_from_handle(hd);
        if (!ph || !ph->is_open()) return err(PHONEERR_INVALPHONEHANDLE);
        auto pending = std::move(ph->pending);
        ph->pending.clear();
        for (auto& r : pending) p.complete(r, err(PHONEERR_OPERATIONFAILED));
        ph->closed_epoch.store(ph->open_handle);
        p.phone_by_handle_.erase(ph->open_handle);
        ph->open_handle = 0;
        ph->ht = nullptr;
        ph->event_proc = nullptr;
        ph->phone_states = 0;
        ph->button_modes = 0;
        ph->button_states = 0;
    }
    if (!s.tapi().on_dispatcher_thread()) s.tapi().drain();
    return 0;
}

LONG phone_get_status(locked_provider& p, HDRVPHONE hd, PHONESTATUS* status) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    var_writer<PHONESTATUS> w(status, fixed_size<PHONESTATUS>(ph->version));
    if (!w.fits_fixed()) return to_phoneerr(w.status());
    using S = PHONESTATUS;
    w.set(&S::dwStatusFlags,
          PHONESTATUSFLAGS_CONNECTED |
              (ph->in_service() ? 0u : static_cast<DWORD>(PHONESTATUSFLAGS_SUSPENDED)));
    // dwNumOwners, dwNumMonitors and the owner name are TAPI's: it fills them in.
    w.set(&S::dwRingMode, ph->ring_mode);
    w.set(&S::dwRingVolume, ph->ring_volume);
    w.set(&S::dwHandsetHookSwitchMode, ph->hookswitch_handset);
    w.set(&S::dwSpeakerHookSwitchMode, ph->hookswitch_speaker);
    w.set(&S::dwHeadsetHookSwitchMode, ph->hookswitch_headset);
    w.put_string_utf8(&S::dwDisplaySize, &S::dwDisplayOffset, display_text(*ph));
    const DWORD n = phone_button_count(*ph);
    std::vector<DWORD> lamps(n);
    for (DWORD i = 0; i < n; ++i) {
        auto it = ph->lamps.find(i);
        lamps[i] = it != ph->lamps.end()    ? it->second
                   : phone_has_lamp(*ph, i) ? static_cast<DWORD>(PHONELAMPMODE_UNKNOWN)
                                            : static_cast<DWORD>(PHONELAMPMODE_DUMMY);
    }
    w.put_bytes(&S::dwLampModesSize, &S::dwLampModesOffset, lamps.data(), n * sizeof(DWORD));
    w.set(&S::dwPhoneFeatures, ph->in_service() ? phone_features : 0);
    w.finish();
    if (!ph->status_known) refresh_phone(p, ph);  // PHONE_STATE follows for what differs
    return 0;
}

LONG phone_set_status_messages(locked_provider& p, HDRVPHONE hd, DWORD states, DWORD button_modes,
                               DWORD button_states) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    ph->phone_states = states;
    ph->button_modes = button_modes;
    ph->button_states = button_states;
    return 0;
}

LONG phone_get_display(locked_provider& p, HDRVPHONE hd, VARSTRING* display) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    var_writer<VARSTRING> w(display, sizeof(VARSTRING));
    if (!w.fits_fixed()) return to_phoneerr(w.status());
    w.set(&VARSTRING::dwStringFormat, STRINGFORMAT_UNICODE);
    w.put_string_utf8(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, display_text(*ph));
    w.finish();
    return 0;
}

LONG phone_set_display(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD row, DWORD column,
                       LPCWSTR text, DWORD size) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (row >= ph->display_rows || column >= ph->display_columns) return err(PHONEERR_INVALPARAM);
    if (text == nullptr && size != 0) return err(PHONEERR_INVALPOINTER);
    const std::size_t max_chars = static_cast<std::size_t>(ph->display_rows) * ph->display_columns;
    const auto chars = std::min<std::size_t>(size / sizeof(WCHAR), max_chars);
    const std::string utf8 = utf16_to_utf8(wide_view(text, chars));
    request_ptr r;
    if (auto e = start_request(p, ph, id, "phoneSetDisplay", r)) return e;
    std::vector<protocol::service_params> ops;
    ops.emplace_back(protocol::svc::set_display::params{ph->extension, utf8, row, column});
    send_all(p, ph, r, std::move(ops));
    return static_cast<LONG>(id);
}

LONG phone_get_hook_switch(locked_provider& p, HDRVPHONE hd, LPDWORD devs) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (devs == nullptr) return err(PHONEERR_INVALPOINTER);
    DWORD off_hook = 0;
    if (ph->hookswitch_handset != PHONEHOOKSWITCHMODE_ONHOOK)
        off_hook |= PHONEHOOKSWITCHDEV_HANDSET;
    if (ph->hookswitch_speaker != PHONEHOOKSWITCHMODE_ONHOOK)
        off_hook |= PHONEHOOKSWITCHDEV_SPEAKER;
    if (ph->hookswitch_headset != PHONEHOOKSWITCHMODE_ONHOOK)
        off_hook |= PHONEHOOKSWITCHDEV_HEADSET;
    *devs = off_hook;
    return 0;
}

LONG phone_set_hook_switch(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD devs,
                           DWORD mode) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (devs == 0 || (devs & ~hookswitch_devs) != 0) return err(PHONEERR_INVALHOOKSWITCHDEV);
    const auto m = to_hookswitch_mode(mode);
    if (!m) return err(PHONEERR_INVALHOOKSWITCHMODE);
    request_ptr r;
    if (auto e = start_request(p, ph, id, "phoneSetHookSwitch", r)) return e;
    std::vector<protocol::service_params> ops;
    const std::array<std::pair<DWORD, protocol::hookswitch_type>, 3> all{{
        {PHONEHOOKSWITCHDEV_HANDSET, protocol::hookswitch_type::handset},
        {PHONEHOOKSWITCHDEV_SPEAKER, protocol::hookswitch_type::speaker},
        {PHONEHOOKSWITCHDEV_HEADSET, protocol::hookswitch_type::headset},
    }};
    for (const auto& [bit, type] : all) {
        if (devs & bit) {
            ops.emplace_back(protocol::svc::set_hookswitch_status::params{ph->extension, type, *m});
        }
    }
    send_all(p, ph, r, std::move(ops));
    return static_cast<LONG>(id);
}

LONG phone_get_lamp(locked_provider& p, HDRVPHONE hd, DWORD lamp, LPDWORD mode) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (mode == nullptr) return err(PHONEERR_INVALPOINTER);
    if (lamp >= phone_button_count(*ph)) return err(PHONEERR_INVALBUTTONLAMPID);
    auto it = ph->lamps.find(lamp);
    *mode = it != ph->lamps.end()       ? it->second
            : phone_has_lamp(*ph, lamp) ? static_cast<DWORD>(PHONELAMPMODE_UNKNOWN)
                                        : static_cast<DWORD>(PHONELAMPMODE_DUMMY);
    return 0;
}

LONG phone_set_lamp(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD lamp, DWORD mode) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (lamp >= phone_button_count(*ph) || !phone_has_lamp(*ph, lamp)) {
        return err(PHONEERR_INVALBUTTONLAMPID);
    }
    const auto m = to_lamp_mode(mode);
    if (!m) return err(PHONEERR_INVALLAMPMODE);
    request_ptr r;
    if (auto e = start_request(p, ph, id, "phoneSetLamp", r)) return e;
    std::vector<protocol::service_params> ops;
    ops.emplace_back(
        protocol::svc::set_lamp_mode::params{ph->extension, switch_lamp_of(*ph, lamp), *m});
    send_all(p, ph, r, std::move(ops));
    return static_cast<LONG>(id);
}

LONG phone_get_button_info(locked_provider& p, HDRVPHONE hd, DWORD button, PHONEBUTTONINFO* info) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (button >= phone_button_count(*ph)) return err(PHONEERR_INVALBUTTONLAMPID);
    var_writer<PHONEBUTTONINFO> w(info, fixed_size<PHONEBUTTONINFO>(ph->version));
    if (!w.fits_fixed()) return to_phoneerr(w.status());
    const auto* b = find_button(*ph, button);
    const protocol::button_info dflt{button, std::nullopt, std::nullopt, std::nullopt};
    const auto& bi = b ? *b : dflt;
    w.set(&PHONEBUTTONINFO::dwButtonMode, button_mode(bi));
    w.set(&PHONEBUTTONINFO::dwButtonFunction, button_function(bi));
    if (bi.label) {
        w.put_string_utf8(&PHONEBUTTONINFO::dwButtonTextSize, &PHONEBUTTONINFO::dwButtonTextOffset,
                          *bi.label);
    } else if (button_mode(bi) == PHONEBUTTONMODE_KEYPAD && button < 12) {
        w.put_string(&PHONEBUTTONINFO::dwButtonTextSize, &PHONEBUTTONINFO::dwButtonTextOffset,
                     keypad_label(button));
    }
    w.set(&PHONEBUTTONINFO::dwButtonState, PHONEBUTTONSTATE_UP);
    w.finish();
    return 0;
}

LONG phone_get_ring(locked_provider& p, HDRVPHONE hd, LPDWORD mode, LPDWORD volume) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (mode == nullptr || volume == nullptr) return err(PHONEERR_INVALPOINTER);
    *mode = ph->ring_mode;
    *volume = ph->ring_volume;
    return 0;
}

LONG phone_set_ring(locked_provider& p, DRV_REQUESTID id, HDRVPHONE hd, DWORD mode, DWORD volume) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (mode > num_ring_modes) return err(PHONEERR_INVALRINGMODE);
    if (volume > 0xFFFF) return err(PHONEERR_INVALPARAM);
    request_ptr r;
    if (auto e = start_request(p, ph, id, "phoneSetRing", r)) return e;
    std::vector<protocol::service_params> ops;
    ops.emplace_back(protocol::svc::set_ringer_status::params{
        ph->extension,
        mode != 0 ? protocol::ringer_mode::ringing : protocol::ringer_mode::not_ringing,
        static_cast<std::uint32_t>((volume * 100 + 0x7FFF) / 0xFFFF)});
    send_all(p, ph, r, std::move(ops));
    return static_cast<LONG>(id);
}

LONG phone_get_id(locked_provider& p, HDRVPHONE hd, VARSTRING* out, LPCWSTR device_class) {
    auto ph = open_phone(p, hd);
    if (!ph) return err(PHONEERR_INVALPHONEHANDLE);
    if (device_class == nullptr || out == nullptr) return err(PHONEERR_INVALPOINTER);
    const auto cls = wide_view(device_class, 256);
    DWORD id = 0;
    if (iequals_ascii(cls, "tapi/phone")) {
        id = ph->device_id;
    } else if (iequals_ascii(cls, "tapi/line")) {
        auto it = p.line_by_extension_.find(ph->extension);
        if (it == p.line_by_extension_.end() || it->second->removed() ||
            it->second->awaiting_create()) {
            return err(PHONEERR_INVALDEVICECLASS);
        }
        id = it->second->device_id;
    } else {
        return err(PHONEERR_INVALDEVICECLASS);
    }
    var_writer<VARSTRING> w(out, sizeof(VARSTRING));
    if (!w.fits_fixed()) return to_phoneerr(w.status());
    w.set(&VARSTRING::dwStringFormat, STRINGFORMAT_BINARY);
    w.put_bytes(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, &id, sizeof id);
    w.finish();
    return 0;
}

}  // namespace ctigw::tsp::devices
