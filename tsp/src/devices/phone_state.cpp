// Phone sets as TAPI sees them: the set's status read from the switch (display, buttons,
// hookswitches, ringer, lamps), the switch's phone-set events as PHONE_STATE / PHONE_BUTTON, and
// the ring mode of an alerting device. TSPI functions: devices/phone.cpp.
#include <algorithm>
#include <optional>
#include <utility>

#include "devices/devices.hpp"
#include "modules.hpp"

namespace ctigw::tsp {

namespace {

DWORD hookswitch_state_bit(protocol::hookswitch_type t) {
    switch (t) {
        case protocol::hookswitch_type::handset:
            return PHONESTATE_HANDSETHOOKSWITCH;
        case protocol::hookswitch_type::speaker:
            return PHONESTATE_SPEAKERHOOKSWITCH;
        case protocol::hookswitch_type::headset:
            return PHONESTATE_HEADSETHOOKSWITCH;
    }
    return PHONESTATE_OTHER;
}

DWORD lamp_mode_to_tapi(protocol::lamp_mode m) {
    switch (m) {
        case protocol::lamp_mode::off:
            return PHONELAMPMODE_OFF;
        case protocol::lamp_mode::steady:
            return PHONELAMPMODE_STEADY;
        case protocol::lamp_mode::wink:
            return PHONELAMPMODE_WINK;
        case protocol::lamp_mode::flash:
            return PHONELAMPMODE_FLASH;
        case protocol::lamp_mode::flutter:
            return PHONELAMPMODE_FLUTTER;
        case protocol::lamp_mode::broken_flutter:
            return PHONELAMPMODE_BROKENFLUTTER;
    }
    return PHONELAMPMODE_UNKNOWN;
}

DWORD hookswitch_mode_to_tapi(protocol::hookswitch_mode m) {
    switch (m) {
        case protocol::hookswitch_mode::on_hook:
            return PHONEHOOKSWITCHMODE_ONHOOK;
        case protocol::hookswitch_mode::mic_only:
            return PHONEHOOKSWITCHMODE_MIC;
        case protocol::hookswitch_mode::speaker_only:
            return PHONEHOOKSWITCHMODE_SPEAKER;
        case protocol::hookswitch_mode::mic_and_speaker:
            return PHONEHOOKSWITCHMODE_MICSPEAKER;
    }
    return PHONEHOOKSWITCHMODE_UNKNOWN;
}

DWORD& hookswitch_slot(phone& ph, protocol::hookswitch_type t) {
    switch (t) {
        case protocol::hookswitch_type::speaker:
            return ph.hookswitch_speaker;
        case protocol::hookswitch_type::headset:
            return ph.hookswitch_headset;
        case protocol::hookswitch_type::handset:
            break;
    }
    return ph.hookswitch_handset;
}

/// Writes `text` into the display at (row, column), clipped to the display; the display is kept
/// as rows*columns characters.
void write_display(phone& ph, std::string_view text, std::uint32_t row, std::uint32_t column) {
    const std::size_t size = static_cast<std::size_t>(ph.display_rows) * ph.display_columns;
    const std::size_t at = static_cast<std::size_t>(row) * ph.display_columns + column;
    const auto ascii = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(),
                           [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
    };
    if (ascii(ph.display) && ascii(text)) {
        // A byte per character: what the UTF-16 round trip below gives, without it (every
        // phone's status read writes its whole display).
        ph.display.resize(size, ' ');
        for (std::size_t i = 0; i < text.size() && at + i < size; ++i) ph.display[at + i] = text[i];
        return;
    }
    std::u16string d = utf8_to_utf16(ph.display);
    d.resize(size, u' ');
    const std::u16string t = utf8_to_utf16(text);
    for (std::size_t i = 0; i < t.size() && at + i < size; ++i) d[at + i] = t[i];
    ph.display = utf16_to_utf8(d);
}

/// Whether a call offered to the line of `extension` alerts there (the line need not be open).
bool alerting_at(const locked_provider& p, const std::string& extension) {
    auto it = p.line_by_extension_.find(extension);
    if (it == p.line_by_extension_.end()) return false;
    const auto& calls = it->second->calls;
    return std::any_of(calls.begin(), calls.end(), [](const call_ptr& c) {
        return !c->failed() &&
               (c->state() == LINECALLSTATE_OFFERING || c->state() == LINECALLSTATE_ACCEPTED);
    });
}

/// The ring mode TAPI sees: the switch's ringer when it rings (phoneSetRing, or a switch that
/// reports it), else 1 while a call alerts at the device: most switches never send
/// RingerStatusChanged for an offered call, and an application must still see the phone ring.
void report_ring_mode(locked_provider& p, const phone_ptr& ph) {
    const DWORD mode =
        ph->switch_ring_mode != 0 ? ph->switch_ring_mode : (alerting_at(p, ph->extension) ? 1 : 0);
    if (mode == ph->ring_mode) return;
    ph->ring_mode = mode;
    devices::report_phone_state(p, ph, PHONESTATE_RINGMODE, mode);
}

void ringer(locked_provider& p, const phone_ptr& ph, protocol::ringer_mode mode,
            std::optional<std::uint32_t> volume) {
    ph->switch_ring_mode = mode == protocol::ringer_mode::ringing ? 1 : 0;
    report_ring_mode(p, ph);
    if (volume && devices::to_tapi_volume(*volume) != ph->ring_volume) {
        ph->ring_volume = devices::to_tapi_volume(*volume);
        devices::report_phone_state(p, ph, PHONESTATE_RINGVOLUME, ph->ring_volume);
    }
}

}  // namespace

namespace devices {

void apply_display(locked_provider& p, const phone_ptr& ph, const protocol::display_status& r) {
    const bool caps_changed = (r.rows != 0 && r.rows != ph->display_rows) ||
                              (r.columns != 0 && r.columns != ph->display_columns);
    if (r.rows != 0 && r.columns != 0 && r.rows <= 64 && r.columns <= 256) {
        ph->display_rows = r.rows;
        ph->display_columns = r.columns;
    }
    const auto before = std::exchange(ph->display, {});
    write_display(*ph, r.text, 0, 0);
    if (caps_changed) report_phone_state(p, ph, PHONESTATE_CAPSCHANGE, 0);
    if (before != ph->display) report_phone_state(p, ph, PHONESTATE_DISPLAY, 0);
}

void apply_buttons(locked_provider& p, const phone_ptr& ph,
                   std::vector<protocol::button_info> buttons) {
    const DWORD before = phone_button_count(*ph);
    const bool any = !buttons.empty();
    ph->buttons = std::move(buttons);
    std::sort(ph->buttons.begin(), ph->buttons.end(),
              [](const auto& a, const auto& b) { return a.button < b.button; });
    ph->set_info_known = true;
    if (phone_button_count(*ph) != before || any) {
        report_phone_state(p, ph, PHONESTATE_CAPSCHANGE, 0);
    }
}

void apply_hookswitches(locked_provider& p, const phone_ptr& ph,
                        const std::vector<protocol::hookswitch_status>& hookswitches) {
    for (const auto& h : hookswitches) {
        DWORD& slot = hookswitch_slot(*ph, h.hookswitch);
        const DWORD m = hookswitch_mode_to_tapi(h.mode);
        if (slot == m) continue;
        slot = m;
        report_phone_state(p, ph, hookswitch_state_bit(h.hookswitch), m);
    }
    ph->status_known = true;
}

void apply_ringer(locked_provider& p, const phone_ptr& ph, const protocol::ringer_status& r) {
    ringer(p, ph, r.mode, r.volume);
}

void apply_lamp(locked_provider& p, const phone_ptr& ph, std::uint32_t switch_lamp,
                protocol::lamp_mode mode) {
    const DWORD lamp = tapi_lamp_of(*ph, switch_lamp);
    const DWORD m = lamp_mode_to_tapi(mode);
    auto [it, inserted] = ph->lamps.try_emplace(lamp, m);
    if (!inserted && it->second == m) return;
    it->second = m;
    report_phone_state(p, ph, PHONESTATE_LAMP, lamp);
}

void refresh_phone(locked_provider& p, const phone_ptr& ph) {
    if (!ph->is_open() || !ph->in_service() || ph->removed() || !can_send(p)) return;
    if (devices_of(p).outstanding.count(ph.get())) return;
    if (status_batches(p)) return batch_refresh(p, ph);
    std::weak_ptr<phone> wp = ph;
    auto wanted = [wp] {
        auto x = wp.lock();
        return x && x->is_open() && x->in_service() && !x->removed();
    };
    // Runs `apply` with the phone if it still exists.
    auto with = [wp, &p](auto apply) {
        return [wp, &p, apply](const auto& r) {
            if (auto x = wp.lock()) apply(p, x, r);
        };
    };
    auto read_lamp = [&p, wp, wanted](const phone_ptr& x, std::uint32_t switch_lamp) {
        query<protocol::svc::get_lamp_mode>(
            p, x.get(), {x->extension, switch_lamp}, wanted,
            [&p, wp, switch_lamp](const protocol::svc::get_lamp_mode::result& r) {
                if (auto y = wp.lock()) apply_lamp(p, y, switch_lamp, r.mode);
            });
    };
    if (!ph->set_info_known) {
        query<protocol::svc::get_display>(p, ph.get(), {ph->extension}, wanted,
                                          with(apply_display));
        query<protocol::svc::get_button_information>(
            p, ph.get(), {ph->extension, std::nullopt}, wanted,
            [&p, wp, read_lamp](const protocol::svc::get_button_information::result& r) {
                auto x = wp.lock();
                if (!x) return;
                apply_buttons(p, x, r.buttons);
                // the lamps the switch just named: read their modes
                for (const auto& b : x->buttons) {
                    if (b.lamp) read_lamp(x, *b.lamp);
                }
            });
    }
    query<protocol::svc::get_hookswitch_status>(
        p, ph.get(), {ph->extension}, wanted,
        with([](locked_provider& q, const phone_ptr& x,
                const protocol::svc::get_hookswitch_status::result& r) {
            apply_hookswitches(q, x, r.hookswitches);
        }));
    query<protocol::svc::get_ringer_status>(p, ph.get(), {ph->extension}, wanted,
                                            with(apply_ringer));
    if (ph->set_info_known) {
        for (const auto& b : ph->buttons) {
            if (b.lamp) read_lamp(ph, *b.lamp);
        }
    }
}

void report_phone_state(locked_provider& p, const phone_ptr& ph, DWORD state, DWORD_PTR p2,
                        DWORD_PTR p3) {
    if (ph->phone_states & state) p.phone_event(ph, PHONE_STATE, state, p2, p3);
}

DWORD to_tapi_volume(std::uint32_t percent) {
    return static_cast<DWORD>(std::min<std::uint32_t>(percent, 100) * 0xFFFFu / 100);
}

DWORD phone_button_count(const phone& ph) {
    DWORD n = 12;
    for (const auto& b : ph.buttons) n = std::max<DWORD>(n, b.button + 1);
    return std::min<DWORD>(n, 256);
}

void phone_event(locked_provider& p, const phone_ptr& ph, const protocol::event_body& b) {
    using namespace protocol::evt;
    if (const auto* du = std::get_if<display_updated>(&b)) {
        const auto before = ph->display;
        write_display(*ph, du->text, du->row.value_or(0), du->column.value_or(0));
        if (before != ph->display) report_phone_state(p, ph, PHONESTATE_DISPLAY, 0);
    } else if (const auto* hc = std::get_if<hookswitch_changed>(&b)) {
        DWORD& slot = hookswitch_slot(*ph, hc->hookswitch);
        const DWORD m = hookswitch_mode_to_tapi(hc->mode);
        if (slot == m) return;
        slot = m;
        report_phone_state(p, ph, hookswitch_state_bit(hc->hookswitch), m);
    } else if (const auto* lm = std::get_if<lamp_mode_changed>(&b)) {
        const DWORD m = lamp_mode_to_tapi(lm->mode);
        const DWORD id = tapi_lamp_of(*ph, lm->lamp);
        auto [it, inserted] = ph->lamps.try_emplace(id, m);
        if (!inserted && it->second == m) return;
        it->second = m;
        report_phone_state(p, ph, PHONESTATE_LAMP, id);
    } else if (const auto* bp = std::get_if<button_pressed>(&b)) {
        DWORD mode = bp->button < 12 ? PHONEBUTTONMODE_KEYPAD : PHONEBUTTONMODE_DUMMY;
        for (const auto& info : ph->buttons) {
            if (info.button != bp->button) continue;
            mode = button_mode(info);
            break;
        }
        if ((ph->button_modes & mode) == 0) return;
        if (ph->button_states & PHONEBUTTONSTATE_DOWN) {
            p.phone_event(ph, PHONE_BUTTON, bp->button, mode, PHONEBUTTONSTATE_DOWN);
        }
        if (ph->button_states & PHONEBUTTONSTATE_UP) {
            p.phone_event(ph, PHONE_BUTTON, bp->button, mode, PHONEBUTTONSTATE_UP);
        }
    } else if (const auto* rs = std::get_if<ringer_status_changed>(&b)) {
        ringer(p, ph, rs->mode, rs->volume);
    }
}

}  // namespace devices

void devices_alerting_changed(locked_provider& p, const line_ptr& l) {
    auto it = p.phone_by_extension_.find(l->extension);
    if (it != p.phone_by_extension_.end() && !it->second->removed()) {
        report_ring_mode(p, it->second);
    }
}

}  // namespace ctigw::tsp
