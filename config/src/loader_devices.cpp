// ctigw.json's "devices" section: lines and phones, as extensions or ranges with names, groups
// and roles.
#include <cstdint>

#include "ctigw/config/detail/text.hpp"
#include "settings_reader.hpp"

namespace ctigw::config::detail {

namespace {

constexpr std::uint64_t max_devices = 100000;
constexpr std::uint64_t max_range_span = 100000;
constexpr std::size_t max_name_length = 128;
constexpr std::size_t max_group_length = 64;

}  // namespace

void settings_reader::read_devices(const json& d, device_settings& out) {
    const std::string p = "/devices";
    std::size_t declared = 0;
    read_device_list(d, p, "lines", out.lines, declared);
    read_device_list(d, p, "phones", out.phones, declared);
    for (const auto& r : out.phones) {
        if (r.role != line_role::station) {
            error(r.pointer + "/options/role", "a role applies to lines only");
        }
    }
    if (declared == 0) error(p, "define at least one line or phone");

    const json* names = find(d, "names");
    if (names == nullptr) return;
    const std::string np = p + "/names";
    if (!names->is_object()) {
        error(np, "expected an object mapping extensions to names, found " + describe(*names));
        return;
    }
    detail::extension_set configured;
    configured.add(out.lines);
    configured.add(out.phones);
    configured.seal();
    for (auto it = names->begin(); it != names->end(); ++it) {
        const std::string& ext = it.key();
        const std::string kp = child(np, ext);
        if (!detail::is_extension(ext)) {
            key_error(kp, "invalid extension " + quote(ext) + "; use 1 to 32 digits");
            continue;
        }
        if (auto name = string(*names, np, ext.c_str()); name && check_name(*name, kp)) {
            if (!configured.contains(ext)) {
                key_error(kp, "extension " + quote(ext) + " is not a configured line or phone");
            } else {
                out.names.emplace(ext, *name);
            }
        }
    }
}

bool settings_reader::check_name(const std::string& name, const std::string& ptr) {
    if (name.size() > max_name_length) {
        error(ptr, "name is longer than " + std::to_string(max_name_length) + " characters");
        return false;
    }
    return true;
}

void settings_reader::read_device_list(const json& d, const std::string& p, const char* key,
                                       std::vector<device_range>& out, std::size_t& declared) {
    const json* list = array(d, p, key, false);
    if (list == nullptr) return;
    declared += list->size();
    const std::string lp = child(p, key);
    std::uint64_t total = 0;
    out.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& item = (*list)[i];
        device_range r;
        r.pointer = child(lp, i);
        bool ok = false;
        if (item.is_string()) {
            ok = parse_spec(item.get_ref<const std::string&>(), r.pointer, spec_kind::any, r);
        } else if (item.is_object()) {
            ok = read_device_object(item, r);
        } else {
            error(r.pointer,
                  "expected an extension, a range or an object, found " + describe(item));
        }
        if (ok) {
            total += detail::range_size(r.first, r.last).value_or(0);
            out.push_back(std::move(r));
        }
    }
    if (total > max_devices) {
        error(lp, "too many " + std::string(key) + ": " + std::to_string(total) +
                      "; the limit is " + std::to_string(max_devices));
    }
    for (const auto& o : detail::find_overlaps(out)) {
        const device_range& earlier = out[o.earlier];
        const auto first = index_.value_position(earlier.pointer);
        error(out[o.later].pointer, "duplicate extension \"" + o.extension +
                                        "\"; first defined at " + earlier.pointer + ", line " +
                                        std::to_string(first.line) + ", column " +
                                        std::to_string(first.column));
    }
}

bool settings_reader::read_device_object(const json& item, device_range& r) {
    const std::string& ip = r.pointer;
    check_keys(item, ip, {"extension", "range", "name", "options"}, token_hint);
    const bool has_ext = item.contains("extension");
    const bool has_range = item.contains("range");
    bool ok = false;
    if (has_ext && has_range) {
        error(ip, "set either \"extension\" or \"range\", not both");
    } else if (!has_ext && !has_range) {
        error(ip, "missing required key \"extension\" or \"range\"");
    } else {
        const char* key = has_ext ? "extension" : "range";
        if (auto s = string(item, ip, key, true)) {
            ok = parse_spec(*s, child(ip, key), has_ext ? spec_kind::single : spec_kind::range, r);
        }
    }
    if (auto name = string(item, ip, "name"); name && check_name(*name, ip + "/name")) {
        r.name = *name;
    }
    if (const json* o = object(item, ip, "options", false, {"pickupGroup", "role"})) {
        const std::string op = ip + "/options";
        if (auto role = string(*o, op, "role")) read_role(*role, op + "/role", r);
        if (auto g = string(*o, op, "pickupGroup")) {
            if (g->size() > max_group_length) {
                error(op + "/pickupGroup", "pickup group is longer than " +
                                               std::to_string(max_group_length) + " characters");
            } else {
                r.pickup_group = *g;
            }
        }
    }
    return ok;
}

void settings_reader::read_role(const std::string& text, const std::string& ptr, device_range& r) {
    for (auto role :
         {line_role::station, line_role::acd_group, line_role::queue, line_role::route_point}) {
        if (text == to_string(role)) {
            r.role = role;
            return;
        }
    }
    error(ptr, "unknown role " + quote(text) +
                   "; expected \"station\", \"acdGroup\", \"queue\" or \"routePoint\"");
}

bool settings_reader::parse_spec(std::string_view text, const std::string& ptr, spec_kind kind,
                                 device_range& r) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        if (kind == spec_kind::range) {
            error(ptr,
                  "invalid range " + quote(text) + "; expected \"first-last\", e.g. \"2000-2099\"");
            return false;
        }
        if (!detail::is_extension(text)) {
            error(ptr, "invalid extension " + quote(text) + "; use 1 to 32 digits");
            return false;
        }
        r.first = r.last = std::string(text);
        return true;
    }
    if (kind == spec_kind::single) {
        error(ptr, "invalid extension " + quote(text) +
                       "; use 1 to 32 digits (write ranges under \"range\")");
        return false;
    }
    const std::string_view first = text.substr(0, dash);
    const std::string_view last = text.substr(dash + 1);
    if (!detail::is_extension(first) || !detail::is_extension(last)) {
        error(ptr, "invalid range " + quote(text) +
                       "; expected \"first-last\" with 1 to 32 digits on each side");
        return false;
    }
    if (first.size() != last.size()) {
        error(ptr, "range " + quote(text) + " has ends of different lengths (" +
                       std::to_string(first.size()) + " and " + std::to_string(last.size()) +
                       " digits)");
        return false;
    }
    if (last < first) {
        error(ptr, "range " + quote(text) + " is reversed");
        return false;
    }
    const auto size = detail::range_size(first, last);
    if (!size || *size > max_range_span) {
        error(ptr, "range " + quote(text) + " spans " +
                       (size ? std::to_string(*size) : std::string("over 10^17")) +
                       " extensions; the limit is " + std::to_string(max_range_span));
        return false;
    }
    r.first = std::string(first);
    r.last = std::string(last);
    return true;
}
}  // namespace ctigw::config::detail
