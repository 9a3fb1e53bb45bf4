// gateway_reader: clients (names, token hashes, device sets) and the switch backend.

#include <algorithm>
#include <cctype>
#include <map>

#include "ctigw/config/detail/text.hpp"
#include "ctigw/gateway/access.hpp"
#include "reader.hpp"

namespace ctigw::gateway::detail {

namespace {

constexpr std::size_t max_clients = 10000;
constexpr std::size_t max_client_name = 64;
constexpr std::size_t max_device_id = 64;  // docs/protocol.md: deviceIDs SHOULD be <= 64 bytes
constexpr std::uint64_t max_stations = 100000;

constexpr std::string_view token_hint =
    "store the token's hash in \"tokenHash\" (made by `ctigw-gateway token`), never the token";

bool is_client_name(std::string_view s) {
    return !s.empty() && s.size() <= max_client_name && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
               c == '-' || c == '@';
    });
}

// Opaque device IDs (docs/protocol.md): compared byte for byte; we only refuse what cannot be
// meant (spaces, control characters) and what would be confused with a range.
bool is_device_id(std::string_view s) {
    return !s.empty() && s.size() <= max_device_id && std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b != 0x7F;
    });
}

bool looks_like_dash_range(std::string_view s) {
    const auto dash = s.find('-');
    return dash != std::string_view::npos && dash > 0 &&
           config::detail::is_extension(s.substr(0, dash)) &&
           config::detail::is_extension(s.substr(dash + 1));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

void gateway_reader::read_clients(const json& list, std::vector<client>& out) {
    const std::string lp = "/clients";
    if (list.empty()) error(lp, "at least one client is required");
    if (list.size() > max_clients) {
        error(lp, "at most " + std::to_string(max_clients) + " clients are supported");
    }
    std::map<std::string, std::string, std::less<>> names;   // name -> pointer
    std::map<std::string, std::string, std::less<>> hashes;  // lower-case hash -> pointer
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string ip = child(lp, i);
        client c;
        if (!read_client(list[i], ip, c)) continue;
        if (auto [it, fresh] = names.emplace(c.name, ip + "/name"); !fresh) {
            error(ip + "/name", "duplicate client name " + quote(c.name) + "; already used at " +
                                    where(it->second));
        }
        // The same hash means the same token: one client could act as the other.
        if (auto [it, fresh] = hashes.emplace(lower(c.token_hash), ip + "/tokenHash"); !fresh) {
            error(ip + "/tokenHash",
                  "same tokenHash as " + where(it->second) + "; give every client its own token");
        }
        out.push_back(std::move(c));
    }
}

bool gateway_reader::read_client(const json& item, const std::string& ip, client& c) {
    if (!item.is_object()) {
        error(ip,
              "expected an object {\"name\", \"tokenHash\", \"devices\"}, found " + describe(item));
        return false;
    }
    check_keys(item, ip, {"name", "tokenHash", "devices", "monitorOnlyDevices"}, token_hint);
    bool ok = true;
    if (auto n = string(item, ip, "name", true)) {
        if (!is_client_name(*n)) {
            error(ip + "/name", "invalid client name " + quote(*n) +
                                    "; use 1 to 64 letters, digits, '.', '_', '-' or '@'");
            ok = false;
        } else {
            c.name = *n;
        }
    } else {
        ok = false;
    }
    if (const json* h = find(item, "tokenHash"); h != nullptr && h->is_string()) {
        // Never echo it: a malformed hash is often the token itself pasted by mistake.
        const auto& text = h->get_ref<const std::string&>();
        if (!is_token_hash(text)) {
            error(ip + "/tokenHash",
                  "invalid tokenHash (value not shown); expected \"sha256$\" followed by 32 hex "
                  "digits, \"$\" and 64 hex digits, as printed by `ctigw-gateway token`");
            ok = false;
        } else {
            c.token_hash = text;
        }
    } else if (h != nullptr) {
        error(ip + "/tokenHash", "expected a string, found " + describe(*h));
        ok = false;
    } else {
        missing(ip, "tokenHash");
        ok = false;
    }
    auto devices = read_device_set(item, ip, "devices", true);
    auto monitor_only = read_device_set(item, ip, "monitorOnlyDevices", false);
    if (!devices || !monitor_only) return false;
    if (devices->empty() && monitor_only->empty()) {
        error(ip,
              "the client is granted no device; list some in \"devices\" or "
              "\"monitorOnlyDevices\"");
        ok = false;
    }
    c.devices = std::move(*devices);
    c.monitor_only = std::move(*monitor_only);
    return ok;
}

// Absent and optional: an empty set. Nothing when any item is invalid (after reporting).
std::optional<device_set> gateway_reader::read_device_set(const json& obj, const std::string& ptr,
                                                          const char* key, bool required) {
    const json* list = array(obj, ptr, key, required);
    if (list == nullptr) {
        return (required || obj.contains(key)) ? std::nullopt : std::optional(device_set());
    }
    const std::string lp = child(ptr, key);
    std::vector<device_range> items;
    std::optional<std::size_t> star;
    bool ok = true;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& item = (*list)[i];
        const std::string ip = child(lp, i);
        if (item.is_object()) {
            if (auto r = read_range_object(item, ip))
                items.push_back(std::move(*r));
            else
                ok = false;
            continue;
        }
        if (!item.is_string()) {
            error(ip,
                  "expected a device (\"2001\"), a range ({\"first\": \"2000\", \"last\": "
                  "\"2099\"}) or \"*\", found " +
                      describe(item));
            ok = false;
            continue;
        }
        const auto& s = item.get_ref<const std::string&>();
        if (s == "*") {
            star = i;
        } else if (looks_like_dash_range(s)) {
            error(ip, "write a range as {\"first\": \"" + s.substr(0, s.find('-')) +
                          "\", \"last\": \"" + s.substr(s.find('-') + 1) + "\"}");
            ok = false;
        } else if (!is_device_id(s)) {
            error(ip, "invalid device " + quote(s) +
                          "; expected 1 to 64 characters without spaces or control characters");
            ok = false;
        } else {
            items.push_back({s, s});
        }
    }
    if (star && list->size() > 1) {
        error(child(lp, *star), "\"*\" already means every device; remove the other items");
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return star ? device_set::every_device() : device_set(std::move(items));
}

std::optional<device_range> gateway_reader::read_range_object(const json& item,
                                                              const std::string& ip) {
    check_keys(item, ip, {"first", "last"}, generic_hint);
    auto first = string(item, ip, "first", true);
    auto last = string(item, ip, "last", true);
    if (!first || !last) return std::nullopt;
    bool ok = true;
    for (const auto& [key, value] : {std::pair{"/first", &*first}, std::pair{"/last", &*last}}) {
        if (!config::detail::is_extension(*value)) {
            error(ip + key, "invalid extension " + quote(*value) + "; use 1 to 32 digits");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    if (first->size() != last->size()) {
        error(ip, "range ends have different lengths (" + std::to_string(first->size()) + " and " +
                      std::to_string(last->size()) + " digits)");
        return std::nullopt;
    }
    if (*last < *first) {
        error(ip, "range " + quote(*first) + " to " + quote(*last) + " is reversed");
        return std::nullopt;
    }
    return device_range{*first, *last};
}

void gateway_reader::read_backend(const json& b, backend_settings& out) {
    const std::string p = "/backend";
    auto type = string(b, p, "type", true);
    if (!type) return;
    if (*type != "sim" && *type != "asterisk") {
        error(p + "/type", "unknown backend " + quote(*type) + "; use \"sim\" or \"asterisk\"");
        return;
    }
    // The other backend's section would be silently ignored: say so.
    const std::string other = *type == "sim" ? "asterisk" : "sim";
    if (b.contains(other)) {
        key_error(child(p, other), "the \"" + other + "\" section is used only with \"type\": \"" +
                                       other + "\"; remove it");
    }
    if (*type == "asterisk") {
        out.type = backend_type::asterisk;
        if (const json* a = object(b, p, "asterisk", true,
                                   {"ami", "stations", "channelPatterns", "endpoints", "dialString",
                                    "context", "originateCallerId", "parking", "conference",
                                    "pickup", "features", "queues", "answer", "voicemailContext"},
                                   generic_hint)) {
            read_asterisk(*a, out.asterisk);
        }
        return;
    }
    out.type = backend_type::sim;
    if (const json* s = object(b, p, "sim", false,
                               {"stations", "parkOrbits", "pickupGroups", "acd"}, generic_hint)) {
        read_sim(*s, out.sim);
    }
}

std::vector<device_range> gateway_reader::read_stations(const json& list, const std::string& lp,
                                                        std::string_view owner) {
    if (list.empty()) error(lp, "at least one station range is required");
    std::vector<config::device_range> ranges;  // for the TSP's overlap finder
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& item = list[i];
        const std::string ip = child(lp, i);
        std::optional<device_range> r;
        if (item.is_object()) {
            r = read_range_object(item, ip);
        } else if (item.is_string() &&
                   config::detail::is_extension(item.get_ref<const std::string&>())) {
            r = device_range{item.get<std::string>(), item.get<std::string>()};
        } else {
            error(ip,
                  "expected an extension (\"2001\") or a range ({\"first\": \"2000\", "
                  "\"last\": \"2099\"})");
        }
        if (!r) continue;
        total += config::detail::range_size(r->first, r->last).value_or(max_stations + 1);
        ranges.push_back({r->first, r->last, {}, {}, ip});
    }
    if (total > max_stations) {
        error(lp, "too many stations: " + std::string(owner) + " supports at most " +
                      std::to_string(max_stations));
    }
    for (const auto& o : config::detail::find_overlaps(ranges)) {
        error(ranges[o.later].pointer,
              "station \"" + o.extension + "\" is also in " + where(ranges[o.earlier].pointer));
    }
    std::vector<device_range> out;
    out.reserve(ranges.size());
    for (const auto& r : ranges) out.push_back({r.first, r.last});
    return out;
}

void gateway_reader::read_sim(const json& s, sim_backend_settings& out) {
    const std::string p = "/backend/sim";
    config::detail::extension_set stations;
    if (const json* list = array(s, p, "stations", false)) {
        out.stations = read_stations(*list, p + "/stations", "the simulator");
    }
    {
        std::vector<config::device_range> all;
        for (const auto& r : out.stations) all.push_back({r.first, r.last, {}, {}, {}});
        stations.add(all);
        stations.seal();
    }
    if (const json* list = array(s, p, "parkOrbits", false)) {
        const std::string lp = p + "/parkOrbits";
        out.park_orbits.clear();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const json& item = (*list)[i];
            const std::string ip = child(lp, i);
            if (!item.is_string() || !config::detail::is_extension(item.get<std::string>())) {
                error(ip, "expected an extension (1 to 32 digits)");
                continue;
            }
            const auto& orbit = item.get_ref<const std::string&>();
            if (stations.contains(orbit)) {
                error(ip, "park orbit " + quote(orbit) + " is also a station");
            } else if (auto it = std::find(out.park_orbits.begin(), out.park_orbits.end(), orbit);
                       it != out.park_orbits.end()) {
                error(ip, "duplicate park orbit " + quote(orbit));
            } else {
                out.park_orbits.push_back(orbit);
            }
        }
    }
    read_pickup_groups(s, p, "pickupGroups", stations, out.pickup_groups);
    read_sim_acd(s, p, stations, out);
}

void gateway_reader::read_pickup_groups(
    const json& obj, const std::string& p, const char* key,
    const config::detail::extension_set& stations,
    std::map<std::string, std::vector<std::string>, std::less<>>& out) {
    const json* groups = find(obj, key);
    if (groups == nullptr) return;
    const std::string gp = child(p, key);
    if (!groups->is_object()) {
        error(gp, "expected an object mapping group names to stations, found " + describe(*groups));
        return;
    }
    for (auto it = groups->begin(); it != groups->end(); ++it) {
        const std::string& name = it.key();
        const std::string kp = child(gp, name);
        if (!is_device_id(name)) {
            key_error(kp, "invalid pickup group name; use 1 to 64 characters without spaces");
            continue;
        }
        const json* members = array(*groups, gp, name.c_str(), true);
        if (members == nullptr) continue;
        if (members->empty()) error(kp, "a pickup group needs at least one station");
        std::vector<std::string> list;
        for (std::size_t i = 0; i < members->size(); ++i) {
            const json& m = (*members)[i];
            const std::string mp = child(kp, i);
            if (!m.is_string() || !stations.contains(m.get<std::string>())) {
                error(mp, "pickup group members must be configured stations");
            } else if (std::find(list.begin(), list.end(), m.get<std::string>()) != list.end()) {
                error(mp, "station " + quote(m.get<std::string>()) + " is listed twice");
            } else {
                list.push_back(m.get<std::string>());
            }
        }
        out.emplace(name, std::move(list));
    }
}

}  // namespace ctigw::gateway::detail
