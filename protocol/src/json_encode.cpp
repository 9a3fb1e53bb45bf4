// The JSON codec's encoding: the frame is written straight into one string, members in the order
// of each struct's fields() description (no document is built: a gateway encodes every event
// and every batch answer, and a DOM per message was most of its encoding time). Strings are
// escaped as JSON requires; bytes that are not UTF-8 (a switch's caller name in Latin-1, say)
// become U+FFFD instead of an exception, so encode() throws only std::bad_alloc.
#include <array>
#include <charconv>

#include "base64.hpp"
#include "ctigw/protocol/checks.hpp"
#include "json_codec_impl.hpp"

namespace ctigw::protocol {

namespace {

/// The length of the UTF-8 sequence at s[i] (1..4), or 0 if it is not well formed
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
        if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

void put_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        // The common case first: a run of plain ASCII is copied at once.
        std::size_t run = i;
        while (run < s.size()) {
            const auto c = static_cast<unsigned char>(s[run]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
            ++run;
        }
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const auto n = utf8_sequence(s, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
                ++i;
            } else {
                out.append(s.data() + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
        ++i;
    }
    out += '"';
}

template <class T>
void put_unsigned(std::string& out, T v) {
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

/// `"name":` (names are the protocol's own, plain ASCII).
void put_key(std::string& out, std::string_view name) {
    out += '"';
    out += name;
    out += "\":";
}

template <class T>
void put_value(std::string& out, const T& v);

template <class T>
void put_struct(std::string& out, const T& v) {
    out += '{';
    bool first = true;
    std::apply(
        [&](const auto&... fd) {
            [[maybe_unused]] auto put = [&](const auto& f) {
                const auto& m = v.*(f.member);
                using member_t = std::remove_cvref_t<decltype(m)>;
                auto member = [&](const auto& value) {
                    if (!first) out += ',';
                    first = false;
                    put_key(out, f.name);
                    put_value(out, value);
                };
                if constexpr (is_optional<member_t>::value) {
                    if (m) member(*m);
                } else if constexpr (is_vector<member_t>::value) {
                    if (f.required || !m.empty()) member(m);
                } else {
                    member(m);
                }
            };
            (put(fd), ...);
        },
        T::fields());
    out += '}';
}

template <class T>
void put_value(std::string& out, const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
        put_string(out, v);
    } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (std::is_unsigned_v<T>) {
        put_unsigned(out, v);
    } else if constexpr (described_enum<T>) {
        put_string(out, to_string(v));
    } else if constexpr (std::is_same_v<T, byte_string>) {
        put_string(out, detail::base64_encode(v.bytes));
    } else if constexpr (is_vector<T>::value) {
        out += '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i != 0) out += ',';
            put_value(out, v[i]);
        }
        out += ']';
    } else {
        put_struct(out, v);
    }
}

/// `"event":…,"timestamp":…,"data":{…}}`: the members after the envelope's seq/monitorRef and
/// the closing brace (shared with encode_event_tail).
void put_event_members(std::string& out, const event_body& body,
                       std::optional<std::string_view> timestamp) {
    put_key(out, "event");
    put_string(out, event_name(body));
    if (timestamp) {
        out += ',';
        put_key(out, "timestamp");
        put_string(out, *timestamp);
    }
    out += ',';
    put_key(out, "data");
    std::visit(
        [&](const auto& b) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(b)>, evt::unknown_event>) {
                out += "{}";
            } else {
                put_value(out, b);
            }
        },
        body);
    out += '}';
}

/// `{"type":…,"id":…,"service":…,` — the head of a request and of a response.
void put_call_head(std::string& out, std::string_view type, const std::string& id,
                   std::size_t service_index) {
    out += R"({"type":")";
    out += type;
    out += R"(","id":)";
    put_string(out, id);
    out += ',';
    put_key(out, "service");
    put_string(out, service_name(service_index));
    out += ',';
}

void put(std::string& out, const request& r) {
    put_call_head(out, "request", r.id, r.params.index());
    put_key(out, "params");
    std::visit([&](const auto& p) { put_value(out, p); }, r.params);
    out += '}';
}

void put(std::string& out, const response& r) {
    put_call_head(out, "response", r.id, r.service_index);
    if (const auto* err = std::get_if<csta_error>(&r.outcome)) {
        put_key(out, "error");
        put_value(out, *err);
    } else {
        put_key(out, "result");
        std::visit([&](const auto& p) { put_value(out, p); }, std::get<service_result>(r.outcome));
    }
    out += '}';
}

void put(std::string& out, const event_message& e) {
    out += R"({"type":"event","seq":)";
    put_unsigned(out, e.seq);
    out += ',';
    if (e.monitor_ref) {
        put_key(out, "monitorRef");
        put_string(out, *e.monitor_ref);
        out += ',';
    }
    put_event_members(
        out, e.body,
        e.timestamp ? std::optional<std::string_view>(e.timestamp->view()) : std::nullopt);
}

/// `{"type":…,"id":…}`: heartbeats and their acknowledgements.
void put_id_message(std::string& out, std::string_view type, const std::string& id) {
    out += R"({"type":")";
    out += type;
    out += R"(","id":)";
    put_string(out, id);
    out += '}';
}

void put(std::string& out, const heartbeat& h) {
    put_id_message(out, "heartbeat", h.id);
}

void put(std::string& out, const heartbeat_ack& h) {
    put_id_message(out, "heartbeatAck", h.id);
}

void put(std::string& out, const system_status_message& s) {
    out += R"({"type":"systemStatus","seq":)";
    put_unsigned(out, s.seq);
    out += ',';
    put_key(out, "status");
    put_string(out, to_string(s.status));
    if (s.detail) {
        out += ',';
        put_key(out, "detail");
        put_string(out, *s.detail);
    }
    out += '}';
}

}  // namespace

std::string json_impl::encode_message(const message& m) {
    std::string out;
    out.reserve(256);
    std::visit([&](const auto& msg) { put(out, msg); }, m);
    return out;
}

std::string encode_event_tail(const event_body& body, std::optional<std::string_view> timestamp) {
    std::string out;
    out.reserve(256);
    put_event_members(out, body, timestamp);
    return out;
}

std::string event_frame(std::uint64_t seq, std::string_view monitor_ref, std::string_view tail) {
    std::string out;
    out.reserve(tail.size() + monitor_ref.size() + 64);
    out += R"({"type":"event","seq":)";
    put_unsigned(out, seq);
    out += ',';
    put_key(out, "monitorRef");
    put_string(out, monitor_ref);
    out += ',';
    out += tail;
    return out;
}

}  // namespace ctigw::protocol
