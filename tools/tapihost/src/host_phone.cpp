// The TAPISRV stand-in (host.hpp): the phone operations (`phone <ext> ...`).
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "host_internal.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {

using detail::err;

op_result host::run_phone(const op_stmt& op) {
    const auto& fn = lib_.fn();
    op_result bad;
    std::size_t pi;
    HDRVPHONE hd;
    {
        std::lock_guard lock(mutex_);
        auto idx = phone_index_locked(op.args[0]);
        if (!idx) {
            bad.error = "unknown phone \"" + op.args[0] + "\"";
            return bad;
        }
        pi = *idx;
        hd = phones_[pi].hd;
        if (op.args[1] != "open" && !phones_[pi].open) {
            bad.error = "phone " + op.args[0] + " is not open";
            return bad;
        }
    }
    std::vector<std::string> sub;
    if (op.args.size() > 2) {
        std::string e;
        sub = split_words(op.args[2], &e).value_or(std::vector<std::string>{});
    }
    const auto& k = op.args[1];
    const std::string verb = "phone";
    auto unavailable = [&](const std::string& f) {
        note("TSPI_" + f + " is not exported");
        return sync_result(verb, f, err(PHONEERR_OPERATIONUNAVAIL));
    };
    if (k == "open")
        return sync_result(verb, "phoneOpen", open_phone(pi) ? 0 : err(PHONEERR_OPERATIONFAILED));
    if (k == "close") {
        close_phone(pi);
        return sync_result(verb, "phoneClose", 0);
    }
    if (k == "status") {
        if (!fn.phoneGetStatus) return unavailable("phoneGetStatus");
        LONG rc = 0;
        auto buf =
            get_var<PHONESTATUS>([&](PHONESTATUS* s) { return fn.phoneGetStatus(hd, s); }, rc);
        if (rc == 0) {
            const auto* s = reinterpret_cast<const PHONESTATUS*>(buf.data());
            note("PHONESTATUS " + op.args[0] + ": flags " +
                 flags_of(family::phone_status_flags, s->dwStatusFlags) + " handset " +
                 name_of(family::hookswitch_mode, s->dwHandsetHookSwitchMode) + " speaker " +
                 name_of(family::hookswitch_mode, s->dwSpeakerHookSwitchMode) + " headset " +
                 name_of(family::hookswitch_mode, s->dwHeadsetHookSwitchMode) + " ring " +
                 std::to_string(s->dwRingMode) + " display \"" +
                 var_string(buf, s->dwDisplaySize, s->dwDisplayOffset) + "\"");
        }
        return sync_result(verb, "phoneGetStatus", rc);
    }
    if (k == "display" && sub.empty()) {
        if (!fn.phoneGetDisplay) return unavailable("phoneGetDisplay");
        LONG rc = 0;
        auto buf = get_var<VARSTRING>([&](VARSTRING* s) { return fn.phoneGetDisplay(hd, s); }, rc);
        if (rc == 0) {
            const auto* s = reinterpret_cast<const VARSTRING*>(buf.data());
            note("display " + op.args[0] + ": \"" +
                 var_string(buf, s->dwStringSize, s->dwStringOffset) + "\"");
        }
        return sync_result(verb, "phoneGetDisplay", rc);
    }
    const auto phone_async = [&](const std::string& tspi,
                                 const std::function<LONG(DRV_REQUESTID)>& f) {
        auto r = async_call(verb, tspi, {}, f);
        return r;
    };
    if (k == "display") {
        if (!fn.phoneSetDisplay) return unavailable("phoneSetDisplay");
        const auto row = static_cast<DWORD>(std::stoul(sub[1]));
        const auto col = static_cast<DWORD>(std::stoul(sub[2]));
        std::string text;
        for (std::size_t i = 3; i < sub.size(); ++i) text += (i > 3 ? " " : "") + sub[i];
        const auto w = to_wide(text);
        return phone_async("phoneSetDisplay", [&](DRV_REQUESTID id) {
            return fn.phoneSetDisplay(id, hd, row, col, w.c_str(),
                                      static_cast<DWORD>(w.size() * sizeof(WCHAR)));
        });
    }
    if (k == "hookswitch") {
        if (!fn.phoneSetHookSwitch) return unavailable("phoneSetHookSwitch");
        const auto dev = *value_of(family::hookswitch_dev, sub[0]);
        const auto mode = *value_of(family::hookswitch_mode, sub[1]);
        return phone_async("phoneSetHookSwitch", [&](DRV_REQUESTID id) {
            return fn.phoneSetHookSwitch(id, hd, dev, mode);
        });
    }
    if (k == "lamp") {
        if (!fn.phoneSetLamp) return unavailable("phoneSetLamp");
        const auto lamp = static_cast<DWORD>(std::stoul(sub[0]));
        const auto mode = *value_of(family::lamp_mode, sub[1]);
        return phone_async("phoneSetLamp",
                           [&](DRV_REQUESTID id) { return fn.phoneSetLamp(id, hd, lamp, mode); });
    }
    if (k == "button") {
        if (!fn.phoneGetButtonInfo) return unavailable("phoneGetButtonInfo");
        const auto button = static_cast<DWORD>(std::stoul(sub[0]));
        LONG rc = 0;
        auto buf = get_var<PHONEBUTTONINFO>(
            [&](PHONEBUTTONINFO* b) { return fn.phoneGetButtonInfo(hd, button, b); }, rc);
        if (rc == 0) {
            const auto* b = reinterpret_cast<const PHONEBUTTONINFO*>(buf.data());
            note("button " + std::to_string(button) + " of " + op.args[0] + ": mode " +
                 flags_of(family::button_mode, b->dwButtonMode) + " function " +
                 std::to_string(b->dwButtonFunction) + " state " +
                 flags_of(family::button_state, b->dwButtonState) + " text \"" +
                 var_string(buf, b->dwButtonTextSize, b->dwButtonTextOffset) + "\"");
        }
        return sync_result(verb, "phoneGetButtonInfo", rc);
    }
    bad.error = "unknown phone operation \"" + k + "\"";
    return bad;
}

}  // namespace ctigw::tapihost
