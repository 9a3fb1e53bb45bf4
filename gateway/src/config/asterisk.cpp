// gateway_reader: backend.asterisk (the AMI link, stations, channel naming, dialplan names).

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "ctigw/config/detail/text.hpp"
#include "reader.hpp"

namespace ctigw::gateway::detail {

namespace {

constexpr std::string_view secret_hint =
    "keep the AMI secret in a file (\"secretFile\") or an environment variable (\"secretEnv\"), "
    "never in the configuration";
constexpr std::string_view placeholder = "{ext}";
constexpr std::size_t max_patterns = 32;
constexpr std::size_t max_pattern_length = 128;
constexpr std::size_t max_endpoints = 100000;
constexpr std::size_t max_dialplan_name = 79;
constexpr std::uint64_t max_parking_spaces = 1000;  // Asterisk's AST_MAX_CONTEXT - 1

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_ip_literal(const std::string& s) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, s.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, s.c_str(), buffer) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and '-', not starting or ending
// with '-', each 1 to 63 characters, at most 253 in all.
bool is_host_name(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto dot = std::min(s.find('.', start), s.size());
        const auto label = s.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') return false;
        }
        start = dot + 1;
    }
    return true;
}

// 127.0.0.0/8, ::1, ::ffff:127.x.y.z, "localhost" (RFC 6761: always the loopback interface).
bool is_loopback(const std::string& host) {
    if (lower(host) == "localhost") return true;
    unsigned char a[16];
    if (inet_pton(AF_INET, host.c_str(), a) == 1) return a[0] == 127;
    if (inet_pton(AF_INET6, host.c_str(), a) != 1) return false;
    static constexpr unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    return std::memcmp(a, loop, 16) == 0 || (std::memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

// Contexts, parking lots, AstDB families, ConfBridge profiles.
bool is_dialplan_name(std::string_view s) {
    return !s.empty() && s.size() <= max_dialplan_name &&
           std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                      c == '.' || c == '+';
           });
}

bool is_printable_word(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b < 0x7F;
    });
}

std::size_t count_placeholders(std::string_view s) {
    std::size_t n = 0;
    for (auto at = s.find(placeholder); at != std::string_view::npos;
         at = s.find(placeholder, at + placeholder.size())) {
        ++n;
    }
    return n;
}

// Whether s has '{' or '}' other than in "{ext}".
bool has_stray_braces(std::string_view s) {
    std::string rest(s);
    for (auto at = rest.find(placeholder); at != std::string::npos; at = rest.find(placeholder)) {
        rest.erase(at, placeholder.size());
    }
    return rest.find_first_of("{}") != std::string::npos;
}

// Empty when `p` is a usable channel pattern, else why not.
std::string channel_pattern_problem(std::string_view p) {
    if (p.size() > max_pattern_length || !is_printable_word(p)) {
        return "a channel pattern is at most 128 printable characters without spaces";
    }
    const auto n = count_placeholders(p);
    if (n != 1) {
        return "a channel pattern needs exactly one \"{ext}\" (found " + std::to_string(n) +
               "), e.g. \"PJSIP/{ext}-\"";
    }
    if (has_stray_braces(p)) return "only the placeholder \"{ext}\" may appear in braces";
    const auto at = p.find(placeholder);
    const auto prefix = p.substr(0, at);
    const auto tail = p.substr(at + placeholder.size());
    const auto slash = prefix.find('/');
    if (slash == std::string_view::npos || slash == 0) {
        return "a channel pattern starts with the channel technology and '/', e.g. "
               "\"PJSIP/{ext}-\"";
    }
    if (tail.empty() || std::isdigit(static_cast<unsigned char>(tail.front())) != 0) {
        return "\"{ext}\" must be followed by the non-digit that ends it in channel names ('-' "
               "before the unique suffix, '@' in Local channels), e.g. \"PJSIP/{ext}-\"";
    }
    return {};
}

}  // namespace

void gateway_reader::dialplan_name(const json& obj, const std::string& ptr, const char* key,
                                   std::string& out) {
    auto v = string(obj, ptr, key);
    if (!v) return;
    if (!is_dialplan_name(*v)) {
        error(child(ptr, key),
              "invalid name " + quote(*v) + "; use 1 to 79 letters, digits, '_', '-', '.' or '+'");
        return;
    }
    out = *v;
}

void gateway_reader::read_asterisk(const json& a, asterisk_backend_settings& out) {
    const std::string p = "/backend/asterisk";
    if (const json* ami = object(a, p, "ami", true,
                                 {"host", "port", "tls", "insecure", "username", "secretFile",
                                  "secretEnv", "actionTimeoutMs", "pingIntervalMs"},
                                 secret_hint)) {
        read_ami(*ami, out.ami);
    }

    config::detail::extension_set stations;
    if (const json* list = array(a, p, "stations", true)) {
        out.stations = read_stations(*list, p + "/stations", "the Asterisk backend");
        std::vector<config::device_range> all;
        for (const auto& r : out.stations) all.push_back({r.first, r.last, {}, {}, {}});
        stations.add(all);
    }
    stations.seal();

    read_channel_patterns(a, p, out);
    read_endpoints(a, p, out);

    if (auto d = string(a, p, "dialString")) {
        const auto n = count_placeholders(*d);
        if (d->size() > max_pattern_length || !is_printable_word(*d) || d->find(',') != d->npos) {
            error(p + "/dialString",
                  "invalid dial string " + quote(*d) +
                      "; expected at most 128 printable characters without spaces or ','");
        } else if (n == 0 || has_stray_braces(*d)) {
            error(p + "/dialString",
                  "a dial string contains \"{ext}\" (where the extension goes) "
                  "and no other braces, e.g. \"PJSIP/{ext}\"");
        } else {
            out.dial_string = *d;
        }
    }
    dialplan_name(a, p, "context", out.context);
    out.pickup_context = out.context;
    if (auto c = string(a, p, "originateCallerId")) {
        const bool printable = std::all_of(c->begin(), c->end(), [](char ch) {
            const auto b = static_cast<unsigned char>(ch);
            return b >= 0x20 && b != 0x7F;
        });
        if (c->size() > 128 || !printable || has_stray_braces(*c)) {
            error(p + "/originateCallerId",
                  "invalid caller ID; expected at most 128 characters without control "
                  "characters, with \"{ext}\" as the only placeholder (\"\\\"CTI\\\" <{ext}>\")");
        } else {
            out.originate_caller_id = *c;
        }
    }
    dialplan_name(a, p, "voicemailContext", out.voicemail_context);

    if (const json* park = object(a, p, "parking", false, {"lot", "spaces"}, generic_hint)) {
        const std::string pp = p + "/parking";
        dialplan_name(*park, pp, "lot", out.parking.lot);
        if (const json* spaces =
                object(*park, pp, "spaces", false, {"first", "last"}, generic_hint)) {
            if (auto r = read_range_object(*spaces, pp + "/spaces")) out.parking.spaces = *r;
        }
    }
    // Checked also for the default spaces: a station 71 would make them clash.
    if (config::detail::range_size(out.parking.spaces.first, out.parking.spaces.last)
            .value_or(max_parking_spaces + 1) > max_parking_spaces) {
        error(p + "/parking/spaces",
              "at most " + std::to_string(max_parking_spaces) + " parking spaces are supported");
    } else {
        for (auto s = out.parking.spaces.first;; config::detail::increment(s)) {
            if (stations.contains(s)) {
                error(a.contains("parking") ? p + "/parking" : p + "/stations",
                      "parking space " + quote(s) +
                          " is also a station; set \"parking\": {\"spaces\": ...} to the "
                          "lot's spaces");
                break;
            }
            if (s == out.parking.spaces.last) break;
        }
    }

    if (const json* conf = object(a, p, "conference", false,
                                  {"context", "bridgeProfile", "userProfile"}, generic_hint)) {
        const std::string cp = p + "/conference";
        dialplan_name(*conf, cp, "context", out.conference.context);
        dialplan_name(*conf, cp, "bridgeProfile", out.conference.bridge_profile);
        dialplan_name(*conf, cp, "userProfile", out.conference.user_profile);
    }
    if (const json* pick = object(a, p, "pickup", false, {"context", "groups"}, generic_hint)) {
        dialplan_name(*pick, p + "/pickup", "context", out.pickup_context);
        read_pickup_groups(*pick, p + "/pickup", "groups", stations, out.pickup_groups);
    }
    read_asterisk_features(a, p, out);
    read_asterisk_queues(a, p, out);
    read_asterisk_answer(a, p, stations, out);
}

void gateway_reader::read_ami(const json& a, asterisk_ami_settings& out) {
    const std::string p = "/backend/asterisk/ami";
    if (auto h = string(a, p, "host", true)) {
        if (!is_ip_literal(*h) && !is_host_name(*h)) {
            error(p + "/host", "invalid host " + quote(*h) +
                                   "; expected a host name or an IP address without brackets");
        } else {
            out.host = *h;
        }
    }
    if (auto v = boolean(a, p, "insecure")) out.insecure = *v;
    const json* tls = find(a, "tls");
    if (out.insecure) {
        if (tls != nullptr) {
            key_error(p + "/tls",
                      "\"tls\" and \"insecure\": true contradict each other; remove "
                      "one");
        }
        if (!out.host.empty() && !is_loopback(out.host)) {
            error(p + "/insecure",
                  "plain TCP to " + quote(out.host) +
                      " is refused: the AMI secret would cross the network in clear. Use TLS "
                      "(Asterisk's manager.conf tlsenable), or plain TCP to 127.0.0.1 only");
        }
        out.port = 5038;
    } else if (const json* t = object(a, p, "tls", false, {"caFile", "serverName"}, generic_hint)) {
        const std::string tp = p + "/tls";
        if (auto f = file(*t, tp, "caFile", true, true)) out.ca_file = *f;
        if (auto n = string(*t, tp, "serverName")) {
            if (!is_host_name(*n) && !is_ip_literal(*n)) {
                error(tp + "/serverName", "invalid server name " + quote(*n) +
                                              "; expected the host name in the AMI server's "
                                              "certificate");
            } else {
                out.server_name = *n;
            }
        }
    } else if (tls == nullptr) {
        error(p,
              "AMI uses TLS unless \"insecure\": true; add \"tls\": {\"caFile\": ...} with the "
              "CA that signed Asterisk's certificate (manager.conf tlscertfile)");
    }
    if (out.server_name.empty()) out.server_name = out.host;
    if (auto v = integer(a, p, "port", 1, 65535)) out.port = static_cast<std::uint16_t>(*v);

    if (auto u = string(a, p, "username", true)) {
        if (u->size() > 80 || !is_printable_word(*u)) {
            error(p + "/username", "invalid username " + quote(*u) +
                                       "; expected at most 80 printable characters without spaces");
        } else {
            out.username = *u;
        }
    }
    const bool has_file = a.contains("secretFile");
    const bool has_env = a.contains("secretEnv");
    if (has_file && has_env) {
        error(p + "/secretEnv", "set only one of \"secretFile\" or \"secretEnv\"");
    } else if (!has_file && !has_env) {
        error(p, "the AMI secret is missing; " + std::string(secret_hint));
    }
    if (auto f = file(a, p, "secretFile", false, true)) {
        out.secret = secret_source::file;
        out.secret_file = *f;
    }
    if (auto e = string(a, p, "secretEnv"); e && is_env_name(p + "/secretEnv", *e) && !has_file) {
        out.secret = secret_source::environment;
        out.secret_env = *e;
    }
    if (auto v = integer(a, p, "actionTimeoutMs", 1000, 300000)) {
        out.action_timeout = std::chrono::milliseconds(*v);
    }
    if (auto v = integer(a, p, "pingIntervalMs", 1000, 3600000)) {
        out.ping_interval = std::chrono::milliseconds(*v);
    }
}

void gateway_reader::read_channel_patterns(const json& a, const std::string& p,
                                           asterisk_backend_settings& out) {
    const json* list = array(a, p, "channelPatterns", false);
    if (list == nullptr) return;
    const std::string lp = p + "/channelPatterns";
    if (list->empty()) error(lp, "at least one channel pattern is required");
    if (list->size() > max_patterns) {
        error(lp, "at most " + std::to_string(max_patterns) + " channel patterns are supported");
    }
    out.channel_patterns.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string ip = child(lp, i);
        const json& item = (*list)[i];
        if (!item.is_string()) {
            error(ip, "expected a pattern such as \"PJSIP/{ext}-\", found " + describe(item));
            continue;
        }
        const auto& s = item.get_ref<const std::string&>();
        if (auto why = channel_pattern_problem(s); !why.empty()) {
            error(ip, "invalid channel pattern " + quote(s) + ": " + why);
        } else if (std::find(out.channel_patterns.begin(), out.channel_patterns.end(), s) !=
                   out.channel_patterns.end()) {
            error(ip, "duplicate channel pattern " + quote(s));
        } else {
            out.channel_patterns.push_back(s);
        }
    }
}

void gateway_reader::read_endpoints(const json& a, const std::string& p,
                                    asterisk_backend_settings& out) {
    const json* map = find(a, "endpoints");
    if (map == nullptr) return;
    const std::string mp = p + "/endpoints";
    if (!map->is_object()) {
        error(mp,
              "expected an object mapping endpoints to extensions ({\"PJSIP/anna-mobile\": "
              "\"2001\"}), found " +
                  describe(*map));
        return;
    }
    if (map->size() > max_endpoints) {
        error(mp, "at most " + std::to_string(max_endpoints) + " endpoints are supported");
        return;
    }
    config::detail::extension_set stations;
    {
        std::vector<config::device_range> all;
        for (const auto& r : out.stations) all.push_back({r.first, r.last, {}, {}, {}});
        stations.add(all);
        stations.seal();
    }
    for (auto it = map->begin(); it != map->end(); ++it) {
        const std::string& name = it.key();
        const std::string kp = child(mp, name);
        const auto slash = name.find('/');
        if (name.size() > 128 || !is_printable_word(name) || slash == std::string::npos ||
            slash == 0 || slash + 1 == name.size() || name.back() == '-' ||
            name.find(';') != std::string::npos) {
            key_error(kp,
                      "invalid endpoint; expected \"<technology>/<name>\" as in channel "
                      "names without their unique suffix, e.g. \"PJSIP/anna-mobile\"");
            continue;
        }
        if (!it.value().is_string()) {
            error(kp, "expected a station extension, found " + describe(it.value()));
            continue;
        }
        const auto& ext = it.value().get_ref<const std::string&>();
        if (!config::detail::is_extension(ext) || !stations.contains(ext)) {
            error(kp, "endpoint " + quote(name) + " maps to " + quote(ext) +
                          ", which is not a configured station");
            continue;
        }
        out.endpoints.emplace(name, ext);
    }
}

void gateway_reader::read_asterisk_features(const json& a, const std::string& p,
                                            asterisk_backend_settings& out) {
    const json* f = object(a, p, "features", false,
                           {"dndFamily", "forwardImmediateFamily", "forwardBusyFamily",
                            "forwardNoAnswerFamily", "dndDeviceState"},
                           generic_hint);
    if (f == nullptr) return;
    const std::string fp = p + "/features";
    auto& ft = out.features;
    dialplan_name(*f, fp, "dndFamily", ft.dnd_family);
    dialplan_name(*f, fp, "forwardImmediateFamily", ft.forward_immediate_family);
    dialplan_name(*f, fp, "forwardBusyFamily", ft.forward_busy_family);
    dialplan_name(*f, fp, "forwardNoAnswerFamily", ft.forward_no_answer_family);
    const std::pair<const char*, const std::string*> families[] = {
        {"dndFamily", &ft.dnd_family},
        {"forwardImmediateFamily", &ft.forward_immediate_family},
        {"forwardBusyFamily", &ft.forward_busy_family},
        {"forwardNoAnswerFamily", &ft.forward_no_answer_family}};
    for (std::size_t i = 0; i < std::size(families); ++i) {
        for (std::size_t k = 0; k < i; ++k) {
            if (*families[i].second == *families[k].second) {
                error(child(fp, families[i].first), std::string("the same AstDB family as \"") +
                                                        families[k].first +
                                                        "\"; each setting needs its own family");
            }
        }
    }
    if (auto d = string(*f, fp, "dndDeviceState", false, true)) {
        if (d->empty()) {
            ft.dnd_device_state.clear();
        } else if (!d->starts_with("Custom:") || count_placeholders(*d) != 1 ||
                   has_stray_braces(*d) || !is_printable_word(*d) || d->size() > 128) {
            error(fp + "/dndDeviceState",
                  "invalid device state " + quote(*d) +
                      "; expected \"Custom:\" and a name with one \"{ext}\" (\"Custom:DND{ext}\"), "
                      "or \"\" for none");
        } else {
            ft.dnd_device_state = *d;
        }
    }
}

void gateway_reader::read_asterisk_queues(const json& a, const std::string& p,
                                          asterisk_backend_settings& out) {
    const json* q = object(a, p, "queues", false,
                           {"memberInterface", "stateInterface", "wrapupSeconds"}, generic_hint);
    if (q == nullptr) return;
    const std::string qp = p + "/queues";
    // What QueueAdd sends, with the station's extension in "{ext}": a channel interface
    // ("PJSIP/{ext}", "Local/{ext}@from-queue/n") or, for the state, a hint
    // ("hint:{ext}@ext-local"). Only the state interface may be a hint, or empty (app_queue then
    // watches the interface).
    auto pattern = [&](const char* key, bool state, std::string& target) {
        auto v = string(*q, qp, key, false, state);
        if (!v) return;
        if (v->empty()) {
            target.clear();
        } else if (v->size() > 128 || !is_printable_word(*v) || count_placeholders(*v) != 1 ||
                   has_stray_braces(*v) || v->find(',') != std::string::npos ||
                   (v->find('/') == std::string::npos && !(state && v->starts_with("hint:")))) {
            error(child(qp, key), "invalid interface " + quote(*v) +
                                      "; expected \"<technology>/...\" or \"hint:...\" with one "
                                      "\"{ext}\" and no spaces or ',', e.g. \"PJSIP/{ext}\"");
        } else {
            target = *v;
        }
    };
    pattern("memberInterface", false, out.queues.member_interface);
    pattern("stateInterface", true, out.queues.state_interface);
    if (auto v = integer(*q, qp, "wrapupSeconds", 0, 3600)) {
        out.queues.wrapup = std::chrono::seconds(*v);
    }
}

void gateway_reader::read_asterisk_answer(const json& a, const std::string& p,
                                          const config::detail::extension_set& stations,
                                          asterisk_backend_settings& out) {
    const json* an = object(a, p, "answer", false, {"stations", "endpoint", "event"}, generic_hint);
    if (an == nullptr) return;
    const std::string ap = p + "/answer";
    if (const json* list = array(*an, ap, "stations", true)) {
        out.answer.stations = read_stations(*list, ap + "/stations", "remote answer");
        for (std::size_t i = 0; i < out.answer.stations.size(); ++i) {
            const auto& r = out.answer.stations[i];
            for (auto e = r.first;; config::detail::increment(e)) {
                if (!stations.contains(e)) {
                    error(child(ap + "/stations", i),
                          quote(e) + " is not a station; only stations can be answered");
                    break;
                }
                if (e == r.last) break;
            }
        }
    }
    if (auto e = string(*an, ap, "endpoint")) {
        if (e->size() > 80 || !is_printable_word(*e) || count_placeholders(*e) != 1 ||
            has_stray_braces(*e) || e->find(',') != std::string::npos) {
            error(ap + "/endpoint", "invalid endpoint " + quote(*e) +
                                        "; expected a PJSIP endpoint name with one \"{ext}\"");
        } else {
            out.answer.endpoint = *e;
        }
    }
    if (auto e = string(*an, ap, "event")) {
        const bool token =
            !e->empty() && e->size() <= 32 && std::all_of(e->begin(), e->end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' ||
                       c == '_';
            });
        if (!token) {
            error(ap + "/event",
                  "invalid event " + quote(*e) + "; expected a SIP event name such as \"talk\"");
        } else {
            out.answer.event = *e;
        }
    }
}

}  // namespace ctigw::gateway::detail
