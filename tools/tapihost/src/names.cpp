// Constant names and event text (names.hpp).
#include "ctigw/tapihost/names.hpp"

#include <cctype>
#include <cstdio>
#include <span>

#include "names_table.hpp"

namespace ctigw::tapihost {
namespace {

using detail::name_entry;

struct family_info {
    std::string_view prefix;
    std::span<const name_entry> table;
};

#define CTIGW_TH_FAMILY(f, pre)                                                    \
    case family::f:                                                                \
        return {                                                                   \
            pre, std::span<const name_entry>(detail::f##_names, detail::f##_count) \
        }

family_info info(family f) {
    switch (f) {
        CTIGW_TH_FAMILY(call_state, "LINECALLSTATE_");
        CTIGW_TH_FAMILY(offering_mode, "LINEOFFERINGMODE_");
        CTIGW_TH_FAMILY(dialtone_mode, "LINEDIALTONEMODE_");
        CTIGW_TH_FAMILY(busy_mode, "LINEBUSYMODE_");
        CTIGW_TH_FAMILY(special_info, "LINESPECIALINFO_");
        CTIGW_TH_FAMILY(connected_mode, "LINECONNECTEDMODE_");
        CTIGW_TH_FAMILY(disconnect_mode, "LINEDISCONNECTMODE_");
        CTIGW_TH_FAMILY(line_dev_state, "LINEDEVSTATE_");
        CTIGW_TH_FAMILY(address_state, "LINEADDRESSSTATE_");
        CTIGW_TH_FAMILY(call_info_state, "LINECALLINFOSTATE_");
        CTIGW_TH_FAMILY(line_error, "LINEERR_");
        CTIGW_TH_FAMILY(phone_error, "PHONEERR_");
        CTIGW_TH_FAMILY(phone_state, "PHONESTATE_");
        CTIGW_TH_FAMILY(button_mode, "PHONEBUTTONMODE_");
        CTIGW_TH_FAMILY(button_state, "PHONEBUTTONSTATE_");
        CTIGW_TH_FAMILY(lamp_mode, "PHONELAMPMODE_");
        CTIGW_TH_FAMILY(hookswitch_dev, "PHONEHOOKSWITCHDEV_");
        CTIGW_TH_FAMILY(hookswitch_mode, "PHONEHOOKSWITCHMODE_");
        CTIGW_TH_FAMILY(call_reason, "LINECALLREASON_");
        CTIGW_TH_FAMILY(call_origin, "LINECALLORIGIN_");
        CTIGW_TH_FAMILY(call_feature, "LINECALLFEATURE_");
        CTIGW_TH_FAMILY(generate_term, "LINEGENERATETERM_");
        CTIGW_TH_FAMILY(digit_mode, "LINEDIGITMODE_");
        CTIGW_TH_FAMILY(media_mode, "LINEMEDIAMODE_");
        CTIGW_TH_FAMILY(forward_mode, "LINEFORWARDMODE_");
        CTIGW_TH_FAMILY(dev_status_flags, "LINEDEVSTATUSFLAGS_");
        CTIGW_TH_FAMILY(address_feature, "LINEADDRFEATURE_");
        CTIGW_TH_FAMILY(line_feature, "LINEFEATURE_");
        CTIGW_TH_FAMILY(call_privilege, "LINECALLPRIVILEGE_");
        CTIGW_TH_FAMILY(bearer_mode, "LINEBEARERMODE_");
        CTIGW_TH_FAMILY(party_id, "LINECALLPARTYID_");
        CTIGW_TH_FAMILY(phone_status_flags, "PHONESTATUSFLAGS_");
        CTIGW_TH_FAMILY(transfer_mode, "LINETRANSFERMODE_");
        CTIGW_TH_FAMILY(park_mode, "LINEPARKMODE_");
        CTIGW_TH_FAMILY(message, "");
    }
    return {"", {}};
}
#undef CTIGW_TH_FAMILY

std::string hex(std::uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(a[i])) !=
            std::toupper(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

std::optional<std::uint32_t> parse_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    std::uint64_t v = 0;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return std::nullopt;
        v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
        if (v > 0xffffffffULL) return std::nullopt;
    }
    return static_cast<std::uint32_t>(v);
}

}  // namespace

std::string_view prefix_of(family f) {
    return info(f).prefix;
}

std::string name_of(family f, std::uint32_t value) {
    for (const auto& e : info(f).table) {
        if (e.value == value) return e.name;
    }
    return hex(value);
}

std::string flags_of(family f, std::uint32_t bits) {
    if (bits == 0) return "0";
    std::string out;
    std::uint32_t left = bits;
    for (const auto& e : info(f).table) {
        // Single-bit names only, each once (tables list every bit of a family).
        if (e.value != 0 && (e.value & (e.value - 1)) == 0 && (left & e.value) != 0) {
            if (!out.empty()) out += '|';
            out += e.name;
            left &= ~e.value;
        }
    }
    if (left != 0) {
        if (!out.empty()) out += '|';
        out += hex(left);
    }
    return out;
}

std::optional<std::uint32_t> value_of(family f, std::string_view name) {
    const auto fi = info(f);
    if (name.size() > fi.prefix.size() && iequals(name.substr(0, fi.prefix.size()), fi.prefix))
        name.remove_prefix(fi.prefix.size());
    for (const auto& e : fi.table) {
        if (iequals(e.name, name)) return e.value;
    }
    return parse_number(name);
}

std::optional<std::uint32_t> flags_value_of(family f, std::string_view text) {
    std::uint32_t v = 0;
    while (true) {
        const auto bar = text.find('|');
        auto one = value_of(f, text.substr(0, bar));
        if (!one) return std::nullopt;
        v |= *one;
        if (bar == std::string_view::npos) break;
        text.remove_prefix(bar + 1);
    }
    return v;
}

std::string names_list(family f) {
    std::string out;
    for (const auto& e : info(f).table) {
        if (!out.empty()) out += ' ';
        out += e.name;
    }
    return out;
}

std::string message_name(DWORD msg) {
    for (const auto& e : info(family::message).table) {
        if (e.value == msg) return e.name;
    }
    return "MSG " + hex(msg);
}

std::string result_name(LONG result) {
    if (result == 0) return "OK";
    const auto u = static_cast<std::uint32_t>(result);
    if ((u & 0xffff0000U) == 0x80000000U) {
        const auto n = name_of(family::line_error, u);
        if (n.rfind("0x", 0) != 0) return "LINEERR_" + n;
    }
    if ((u & 0xffff0000U) == 0x90000000U) {
        const auto n = name_of(family::phone_error, u);
        if (n.rfind("0x", 0) != 0) return "PHONEERR_" + n;
    }
    if (result > 0) return std::to_string(result);
    return hex(u);
}

std::optional<LONG> parse_result(std::string_view text) {
    if (iequals(text, "ok") || text == "0") return 0;
    if (text.size() > 9 && iequals(text.substr(0, 9), "PHONEERR_")) {
        if (auto v = value_of(family::phone_error, text)) return static_cast<LONG>(*v);
        return std::nullopt;
    }
    if (auto v = value_of(family::line_error, text)) {
        if ((*v & 0xffff0000U) == 0x80000000U) return static_cast<LONG>(*v);
    }
    return std::nullopt;
}

std::optional<family> mode_family(DWORD call_state) {
    switch (call_state) {
        case LINECALLSTATE_OFFERING:
            return family::offering_mode;
        case LINECALLSTATE_DIALTONE:
            return family::dialtone_mode;
        case LINECALLSTATE_BUSY:
            return family::busy_mode;
        case LINECALLSTATE_SPECIALINFO:
            return family::special_info;
        case LINECALLSTATE_CONNECTED:
            return family::connected_mode;
        case LINECALLSTATE_DISCONNECTED:
            return family::disconnect_mode;
        default:
            return std::nullopt;
    }
}

std::string format_time(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+%.3f", seconds);
    return buf;
}

namespace {

std::string line_details(const event& e) {
    const auto p1 = static_cast<std::uint32_t>(e.p1);
    const auto p2 = static_cast<std::uint32_t>(e.p2);
    switch (e.msg) {
        case LINE_CALLSTATE: {
            std::string s = name_of(family::call_state, p1);
            if (p1 == LINECALLSTATE_CONFERENCED) {
                s += " (" + (e.parent_name.empty() ? hex(e.p2) : e.parent_name) + ")";
            } else if (auto mf = mode_family(p1); mf && p2 != 0) {
                s += " (" + flags_of(*mf, p2) + ")";
            } else if (p2 != 0) {
                s += " (" + hex(p2) + ")";
            }
            return s;
        }
        case LINE_CALLINFO:
            return flags_of(family::call_info_state, p1);
        case LINE_LINEDEVSTATE: {
            std::string s = flags_of(family::line_dev_state, p1);
            if (p1 & LINEDEVSTATE_RINGING)
                s += " mode " + std::to_string(p2) + " count " + std::to_string(e.p3);
            return s;
        }
        case LINE_ADDRESSSTATE:
            return "address " + std::to_string(p1) + " " + flags_of(family::address_state, p2);
        case LINE_NEWCALL:
            return "hdCall " + hex(e.p1);
        case LINE_GENERATE:
            return name_of(family::generate_term, p1) + " id " + std::to_string(e.p2);
        case LINE_MONITORDIGITS: {
            std::string s = "'";
            s += static_cast<char>(e.p1 & 0xff);
            return s + "' " + flags_of(family::digit_mode, p2);
        }
        case LINE_CREATE:
            return "temp id " + std::to_string(e.p2);
        case LINE_REMOVE:
            return "device " + std::to_string(e.p1);
        case LINE_CLOSE:
            return {};
        default:
            return hex(e.p1) + " " + hex(e.p2) + " " + hex(e.p3);
    }
}

std::string phone_details(const event& e) {
    const auto p1 = static_cast<std::uint32_t>(e.p1);
    const auto p2 = static_cast<std::uint32_t>(e.p2);
    switch (e.msg) {
        case PHONE_STATE: {
            std::string s = flags_of(family::phone_state, p1);
            if (p1 & (PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_SPEAKERHOOKSWITCH |
                      PHONESTATE_HEADSETHOOKSWITCH))
                s += " " + name_of(family::hookswitch_mode, p2);
            else if (p1 & PHONESTATE_LAMP)
                s += " lamp " + std::to_string(p2);
            return s;
        }
        case PHONE_BUTTON:
            return "button " + std::to_string(p1) + " " + flags_of(family::button_mode, p2) + " " +
                   flags_of(family::button_state, static_cast<std::uint32_t>(e.p3));
        case PHONE_CREATE:
            return "temp id " + std::to_string(e.p2);
        case PHONE_REMOVE:
            return "device " + std::to_string(e.p1);
        case PHONE_CLOSE:
            return {};
        default:
            return hex(e.p1) + " " + hex(e.p2) + " " + hex(e.p3);
    }
}

}  // namespace

std::string describe_event(const event& e) {
    std::string s;
    switch (e.kind) {
        case event_kind::line: {
            s = "line " + (e.device.empty() ? std::string("-") : e.device);
            if (!e.call_name.empty()) s += " " + e.call_name;
            s += " " + message_name(e.msg);
            // Messages the host makes itself (the proxy's) carry their description.
            auto d = e.text.empty() ? line_details(e) : e.text;
            if (!d.empty()) s += " " + d;
            return s;
        }
        case event_kind::phone: {
            s = "phone " + (e.device.empty() ? std::string("-") : e.device) + " " +
                message_name(e.msg);
            auto d = phone_details(e);
            if (!d.empty()) s += " " + d;
            return s;
        }
        case event_kind::completion:
            if (e.synchronous) {
                s = "RESULT req " + std::to_string(e.request) + " " + e.op + " → " +
                    result_name(e.result) + " (sync)";
            } else {
                s = "ASYNC_COMPLETION req " + std::to_string(e.request) + " " + e.op + " → " +
                    result_name(e.result);
            }
            return s;
        case event_kind::note:
            return e.text;
    }
    return s;
}

std::string format_event(const event& e) {
    return format_time(e.at) + " " + describe_event(e);
}

}  // namespace ctigw::tapihost
