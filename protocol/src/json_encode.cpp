// The JSON codec's encoding: an ordered nlohmann document per message, members in the order of
// each struct's fields() description.
#include <nlohmann/json.hpp>

#include "base64.hpp"
#include "ctigw/protocol/checks.hpp"
#include "json_codec_impl.hpp"

namespace ctigw::protocol {

namespace {

using ojson = nlohmann::ordered_json;

template <class T>
ojson encode_value(const T& v);

template <class T>
ojson encode_struct(const T& v) {
    ojson obj = ojson::object();
    std::apply(
        [&](const auto&... fd) {
            [[maybe_unused]] auto put = [&](const auto& f) {
                const auto& m = v.*(f.member);
                using member_t = std::remove_cvref_t<decltype(m)>;
                if constexpr (is_optional<member_t>::value) {
                    if (m) obj[std::string(f.name)] = encode_value(*m);
                } else if constexpr (is_vector<member_t>::value) {
                    if (f.required || !m.empty()) obj[std::string(f.name)] = encode_value(m);
                } else {
                    obj[std::string(f.name)] = encode_value(m);
                }
            };
            (put(fd), ...);
        },
        T::fields());
    return obj;
}

template <class T>
ojson encode_value(const T& v) {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                  std::is_unsigned_v<T>) {
        return ojson(v);
    } else if constexpr (described_enum<T>) {
        return ojson(std::string(to_string(v)));
    } else if constexpr (std::is_same_v<T, byte_string>) {
        return ojson(detail::base64_encode(v.bytes));
    } else if constexpr (is_vector<T>::value) {
        ojson arr = ojson::array();
        for (const auto& item : v) arr.push_back(encode_value(item));
        return arr;
    } else {
        return encode_struct(v);
    }
}

/// The members after the envelope's seq/monitorRef (shared with encode_event_tail).
void encode_event_members(ojson& j, const event_body& body,
                          const std::optional<std::string>& timestamp) {
    j["event"] = std::string(event_name(body));
    if (timestamp) j["timestamp"] = *timestamp;
    j["data"] = std::visit(
        [](const auto& b) -> ojson {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(b)>, evt::unknown_event>) {
                return ojson::object();
            } else {
                return encode_value(b);
            }
        },
        body);
}

ojson to_ojson(const request& r) {
    ojson j = ojson::object();
    j["type"] = "request";
    j["id"] = r.id;
    j["service"] = std::string(service_name(r.params.index()));
    j["params"] = std::visit([](const auto& p) { return encode_value(p); }, r.params);
    return j;
}

ojson to_ojson(const response& r) {
    ojson j = ojson::object();
    j["type"] = "response";
    j["id"] = r.id;
    j["service"] = std::string(service_name(r.service_index));
    if (const auto* err = std::get_if<csta_error>(&r.outcome)) {
        j["error"] = encode_value(*err);
    } else {
        j["result"] = std::visit([](const auto& p) { return encode_value(p); },
                                 std::get<service_result>(r.outcome));
    }
    return j;
}

ojson to_ojson(const event_message& e) {
    ojson j = ojson::object();
    j["type"] = "event";
    j["seq"] = e.seq;
    if (e.monitor_ref) j["monitorRef"] = *e.monitor_ref;
    encode_event_members(j, e.body, e.timestamp);
    return j;
}
ojson to_ojson(const heartbeat& h) {
    return ojson{{"type", "heartbeat"}, {"id", h.id}};
}
ojson to_ojson(const heartbeat_ack& h) {
    return ojson{{"type", "heartbeatAck"}, {"id", h.id}};
}
ojson to_ojson(const system_status_message& s) {
    ojson j = ojson::object();
    j["type"] = "systemStatus";
    j["seq"] = s.seq;
    j["status"] = std::string(to_string(s.status));
    if (s.detail) j["detail"] = *s.detail;
    return j;
}

}  // namespace

std::string json_impl::encode_message(const message& m) {
    return std::visit([](const auto& msg) { return to_ojson(msg).dump(); }, m);
}

std::string encode_event_tail(const event_body& body, const std::optional<std::string>& timestamp) {
    ojson j = ojson::object();
    encode_event_members(j, body, timestamp);
    std::string text = j.dump();
    text.erase(0, 1);  // the members and the closing brace
    return text;
}

std::string event_frame(std::uint64_t seq, std::string_view monitor_ref, std::string_view tail) {
    std::string out;
    out.reserve(tail.size() + monitor_ref.size() + 64);
    out += R"({"type":"event","seq":)";
    out += std::to_string(seq);
    out += R"(,"monitorRef":)";
    out += ojson(std::string(monitor_ref)).dump();  // escaped as JSON
    out += ',';
    out += tail;
    return out;
}

}  // namespace ctigw::protocol
