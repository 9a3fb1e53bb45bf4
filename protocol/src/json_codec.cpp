// The JSON codec. Decoding walks simdjson's on-demand iterator straight into the typed structs,
// driven by each struct's fields() description; encoding builds an ordered nlohmann document.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

#include "base64.hpp"
#include "ctigw/protocol/checks.hpp"
#include "ctigw/protocol/codec.hpp"

namespace ctigw::protocol {
namespace od = simdjson::ondemand;

namespace {

// ---- error context ------------------------------------------------------------------------

/// The path from the frame's root to the member being decoded, kept as views; rendered into a
/// JSON pointer only when something fails.
class path_stack {
  public:
    void push(std::string_view key) { segs_.push_back(seg{key, npos}); }
    void push(std::size_t index) { segs_.push_back(seg{{}, index}); }
    void pop() { segs_.pop_back(); }
    std::size_t depth() const { return segs_.size(); }
    void clear() { segs_.clear(); }
    std::string pointer() const {
        std::string out;
        for (const auto& s : segs_) {
            out += '/';
            if (s.index != npos) {
                out += std::to_string(s.index);
                continue;
            }
            for (char ch : s.key) {
                if (ch == '~')
                    out += "~0";
                else if (ch == '/')
                    out += "~1";
                else
                    out += ch;
            }
        }
        return out;
    }

  private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    struct seg {
        std::string_view key;
        std::size_t index;
    };
    std::vector<seg> segs_;
};

struct ctx {
    const codec_limits& limits;
    decode_stats& stats;
    path_stack& path;  ///< the codec's, reused: no allocation per frame
    std::optional<decode_error> error;

    bool fail(decode_errc code, std::string detail) {
        if (!error) error = decode_error{code, path.pointer(), std::move(detail), {}, {}};
        return false;
    }
    /// Maps a simdjson error met while reading the current member.
    bool fail(simdjson::error_code ec) {
        if (ec == simdjson::INCORRECT_TYPE) return fail(decode_errc::wrong_type, "wrong type");
        if (ec == simdjson::NUMBER_OUT_OF_RANGE || ec == simdjson::NUMBER_ERROR)
            return fail(decode_errc::invalid_value, "number out of range");
        return fail(decode_errc::malformed_json, simdjson::error_message(ec));
    }
};

/// RAII push/pop of one path segment.
class scoped_segment {
  public:
    template <class Seg>
    scoped_segment(ctx& c, Seg s) : c_(c) {
        c_.path.push(s);
    }
    ~scoped_segment() { c_.path.pop(); }
    scoped_segment(const scoped_segment&) = delete;
    scoped_segment& operator=(const scoped_segment&) = delete;

  private:
    ctx& c_;
};

std::string_view type_name(od::json_type t) {
    switch (t) {
        case od::json_type::array:
            return "array";
        case od::json_type::object:
            return "object";
        case od::json_type::number:
            return "number";
        case od::json_type::string:
            return "string";
        case od::json_type::boolean:
            return "boolean";
        case od::json_type::null:
            return "null";
    }
    return "?";
}

/// Checks the JSON type of `v`, for messages like "expected string, got number". Called only
/// after a typed read failed (simdjson's typed getters do not advance on a type mismatch), so
/// the common path pays for one read instead of a peek plus a read.
bool expect_type(od::value& v, od::json_type want, std::string_view want_name, ctx& c) {
    od::json_type t;
    if (auto ec = v.type().get(t)) return c.fail(ec);
    if (t == want) return true;
    return c.fail(decode_errc::wrong_type,
                  "expected " + std::string(want_name) + ", got " + std::string(type_name(t)));
}

// ---- generic decoding ----------------------------------------------------------------------

template <class T>
bool decode_value(od::value v, T& out, ctx& c);

/// A typed read of a string failed with `ec`: reports it as the type peek before the read used to.
/// Only INCORRECT_TYPE leaves the iterator on the value; other errors come after the opening quote.
bool fail_string(od::value& v, simdjson::error_code ec, ctx& c) {
    if (ec == simdjson::INCORRECT_TYPE && !expect_type(v, od::json_type::string, "string", c))
        return false;
    return c.fail(ec);
}

bool decode_string_view(od::value& v, std::string_view& out, ctx& c) {
    if (auto ec = v.get_string().get(out)) return fail_string(v, ec, c);
    if (out.size() > c.limits.max_string_length) {
        return c.fail(decode_errc::string_too_long, "string of " + std::to_string(out.size()) +
                                                        " bytes exceeds the limit of " +
                                                        std::to_string(c.limits.max_string_length));
    }
    return true;
}

template <class T>
bool decode_unsigned(od::value& v, T& out, ctx& c) {
    std::uint64_t n = 0;
    if (auto ec = v.get_uint64().get(n)) {
        // get_uint64 does not advance on failure: the type can still be peeked.
        if (!expect_type(v, od::json_type::number, "non-negative integer", c)) return false;
        if (ec == simdjson::INCORRECT_TYPE || ec == simdjson::NUMBER_OUT_OF_RANGE)
            return c.fail(decode_errc::invalid_value, "expected a non-negative integer");
        return c.fail(ec);
    }
    if (n > std::numeric_limits<T>::max()) {
        return c.fail(decode_errc::invalid_value,
                      "integer exceeds " + std::to_string(std::numeric_limits<T>::max()));
    }
    out = static_cast<T>(n);
    return true;
}

/// Walks a value that is not decoded (an unknown member or event body) at path depth `depth`:
/// simdjson would skip it whatever its nesting, so max_depth is enforced here as for the rest.
bool skip_value(od::value v, std::size_t depth, ctx& c) {
    if (depth > c.limits.max_depth) {
        return c.fail(decode_errc::too_deep,
                      "nesting exceeds " + std::to_string(c.limits.max_depth));
    }
    od::json_type t;
    if (auto ec = v.type().get(t)) return c.fail(ec);
    if (t == od::json_type::object) {
        od::object obj;
        if (auto ec = v.get_object().get(obj)) return c.fail(ec);
        for (auto member : obj) {
            od::field f;
            if (auto ec = std::move(member).get(f)) return c.fail(ec);
            if (!skip_value(f.value(), depth + 1, c)) return false;
        }
    } else if (t == od::json_type::array) {
        od::array arr;
        if (auto ec = v.get_array().get(arr)) return c.fail(ec);
        for (auto item : arr) {
            od::value iv;
            if (auto ec = std::move(item).get(iv)) return c.fail(ec);
            if (!skip_value(iv, depth + 1, c)) return false;
        }
    }
    return true;  // a scalar: on-demand skips it
}

template <class T>
bool decode_struct(od::value v, T& out, ctx& c);

template <class T>
bool decode_value(od::value v, T& out, ctx& c) {
    if (c.path.depth() > c.limits.max_depth) {
        return c.fail(decode_errc::too_deep,
                      "nesting exceeds " + std::to_string(c.limits.max_depth));
    }
    if constexpr (std::is_same_v<T, std::string>) {
        std::string_view s;
        if (!decode_string_view(v, s, c)) return false;
        out.assign(s);
        return true;
    } else if constexpr (std::is_same_v<T, bool>) {
        if (auto ec = v.get_bool().get(out)) {
            // get_bool does not advance on failure: the type can still be peeked.
            if (!expect_type(v, od::json_type::boolean, "boolean", c)) return false;
            return c.fail(ec);
        }
        return true;
    } else if constexpr (std::is_unsigned_v<T>) {
        return decode_unsigned(v, out, c);
    } else if constexpr (described_enum<T>) {
        std::string_view s;
        if (!decode_string_view(v, s, c)) return false;
        if (auto e = enum_from_string<T>(s)) {
            out = *e;
            return true;
        }
        if constexpr (enum_traits<T>::open) {
            out = enum_traits<T>::unknown_value;
            ++c.stats.unknown_enum_values;
            return true;
        } else {
            return c.fail(decode_errc::invalid_value, "unknown value \"" + std::string(s) + '"');
        }
    } else if constexpr (std::is_same_v<T, byte_string>) {
        // Its own limit: base64 of max_correlator_bytes may be longer than max_string_length.
        std::string_view s;
        if (auto ec = v.get_string().get(s)) return fail_string(v, ec, c);
        if (s.size() > (c.limits.max_correlator_bytes + 2) / 3 * 4) {
            return c.fail(
                decode_errc::invalid_base64,
                "more than " + std::to_string(c.limits.max_correlator_bytes) + " bytes of data");
        }
        // Straight into the member: no temporary string (on failure the whole decode fails).
        if (!detail::base64_decode_into(s, out.bytes))
            return c.fail(decode_errc::invalid_base64, "not canonical base64");
        if (out.bytes.size() > c.limits.max_correlator_bytes) {
            return c.fail(decode_errc::invalid_base64,
                          std::to_string(out.bytes.size()) + " bytes exceed the limit of " +
                              std::to_string(c.limits.max_correlator_bytes));
        }
        return true;
    } else if constexpr (is_optional<T>::value) {
        // Null means absent for optional members (checked by the caller); here it has a value.
        return decode_value(v, out.emplace(), c);
    } else if constexpr (is_vector<T>::value) {
        od::array arr;
        if (auto ec = v.get_array().get(arr)) {
            // A mismatch is found before the iterator moves: the type can still be peeked.
            if (ec == simdjson::INCORRECT_TYPE && !expect_type(v, od::json_type::array, "array", c))
                return false;
            return c.fail(ec);
        }
        out.clear();
        std::size_t i = 0;
        for (auto item : arr) {
            scoped_segment seg(c, i);
            if (i >= c.limits.max_list_length) {
                return c.fail(decode_errc::list_too_long,
                              "more than " + std::to_string(c.limits.max_list_length) + " items");
            }
            od::value iv;
            if (auto ec = std::move(item).get(iv)) return c.fail(ec);
            if (!decode_value(iv, out.emplace_back(), c)) return false;
            ++i;
        }
        return true;
    } else {
        static_assert(described<T>, "no wire description for this type");
        return decode_struct(v, out, c);
    }
}

/// Decodes an object into a described struct: matches members by name in any order, skips and
/// counts unknown ones, refuses duplicates, then checks that every required member was there.
template <class T>
bool decode_struct(od::value v, T& out, ctx& c) {
    static constexpr auto fields = T::fields();
    constexpr std::size_t count = std::tuple_size_v<decltype(fields)>;
    static_assert(count <= 64);
    od::object obj;
    if (auto ec = v.get_object().get(obj)) {
        // A mismatch is found before the iterator moves: the type can still be peeked.
        if (ec == simdjson::INCORRECT_TYPE && !expect_type(v, od::json_type::object, "object", c))
            return false;
        return c.fail(ec);
    }

    std::uint64_t seen = 0;
    for (auto member : obj) {
        od::field f;
        if (auto ec = std::move(member).get(f)) return c.fail(ec);
        std::string_view key;
        if (auto ec = f.unescaped_key().get(key)) return c.fail(ec);
        bool found = false;
        bool ok = true;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((!found && std::get<I>(fields).name == key
                  ? (
                        found = true, ok =
                                          [&] {
                                              const auto& fd = std::get<I>(fields);
                                              scoped_segment seg(c, fd.name);
                                              if (seen & (std::uint64_t{1} << I)) {
                                                  return c.fail(decode_errc::duplicate_member,
                                                                "member appears twice");
                                              }
                                              seen |= std::uint64_t{1} << I;
                                              od::value fv = f.value();
                                              bool is_null = false;
                                              if (auto ec = fv.is_null().get(is_null))
                                                  return c.fail(ec);
                                              using member_t =
                                                  std::remove_cvref_t<decltype(out.*(fd.member))>;
                                              if (is_null) {
                                                  if (fd.required) {
                                                      return c.fail(decode_errc::missing_member,
                                                                    "required member is null");
                                                  }
                                                  out.*(fd.member) = member_t{};
                                                  seen &=
                                                      ~(std::uint64_t{1} << I);  // null == absent
                                                  return true;
                                              }
                                              return decode_value(fv, out.*(fd.member), c);
                                          }())
                  : false),
             ...);
        }
        (std::make_index_sequence<count>{});
        if (!ok) return false;
        if (!found) {
            ++c.stats.unknown_members;
            scoped_segment seg(c, key);
            if (!skip_value(f.value(), c.path.depth(), c)) return false;
        }
    }
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((ok && std::get<I>(fields).required && !(seen & (std::uint64_t{1} << I))
              ? (ok =
                     [&] {
                         scoped_segment seg(c, std::get<I>(fields).name);
                         return c.fail(decode_errc::missing_member, "required member is missing");
                     }())
              : false),
         ...);
    }
    (std::make_index_sequence<count>{});
    if constexpr (requires { check(out); }) {
        // Rules between members that fields() cannot express (docs/protocol.md per message).
        if (ok) {
            if (const char* problem = check(out))
                return c.fail(decode_errc::invalid_value, problem);
        }
    }
    return ok;
}

// ---- variant dispatch by wire name -----------------------------------------------------------

template <class Variant>
using decode_fn = bool (*)(od::value, Variant&, ctx&);

template <class Variant, std::size_t I>
bool decode_alternative(od::value v, Variant& out, ctx& c) {
    return decode_value(v, out.template emplace<I>(), c);
}

template <class Variant, std::size_t... I>
constexpr auto make_decoders(std::index_sequence<I...>) {
    return std::array<decode_fn<Variant>, sizeof...(I)>{&decode_alternative<Variant, I>...};
}

template <class... S>
constexpr auto service_names(service_list<S...>) {
    return std::array<std::string_view, sizeof...(S)>{S::name...};
}
template <class... E>
constexpr auto event_names(event_list<E...>) {
    return std::array<std::string_view, sizeof...(E)>{E::name...};
}
template <class... S>
constexpr auto service_versions(service_list<S...>) {
    return std::array<std::uint32_t, sizeof...(S)>{since_version_v<S>...};
}
template <class... E>
constexpr auto event_versions(event_list<E...>) {
    return std::array<std::uint32_t, sizeof...(E)>{event_since_version_v<E>...};
}
constexpr auto k_service_versions = service_versions(all_services{});
constexpr auto k_event_versions = event_versions(all_events{});
constexpr auto k_service_names = service_names(all_services{});
constexpr auto k_event_names = event_names(all_events{});

template <std::size_t N>
const std::unordered_map<std::string_view, std::size_t>& index_of(
    const std::array<std::string_view, N>& names) {
    static const auto map = [&] {
        std::unordered_map<std::string_view, std::size_t> m;
        for (std::size_t i = 0; i < N; ++i) m.emplace(names[i], i);
        return m;
    }();
    return map;
}

std::optional<std::size_t> event_index_of(std::string_view name) {
    const auto& m = index_of(k_event_names);
    if (auto it = m.find(name); it != m.end()) return it->second;
    return std::nullopt;
}

// ---- generic encoding -----------------------------------------------------------------------

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

// ---- the codec --------------------------------------------------------------------------------

class json_codec final : public codec {
  public:
    explicit json_codec(codec_limits limits) : limits_(limits) {}

    std::string_view name() const noexcept override { return "json"; }
    const decode_stats& stats() const noexcept override { return stats_; }
    const codec_limits& limits() const noexcept override { return limits_; }

    decode_result decode(std::string_view frame) noexcept override {
        ++stats_.frames;
        // Results are returned as prvalues down to here and `r` is the only object returned:
        // the message is then moved once instead of once per layer (visible in the profile).
        decode_result r = [&]() -> decode_result {
            try {
                return decode_frame(frame);
            } catch (const std::exception& e) {  // only bad_alloc can get here
                return decode_error{decode_errc::malformed_json, "", e.what(), {}, {}};
            }
        }();
        if (!r.ok()) ++stats_.errors;
        return r;
    }

    std::string encode(const message& m) const override {
        return std::visit([](const auto& msg) { return encode_message(msg).dump(); }, m);
    }

  private:
    // Envelope members read in the first pass (views into the document; copied where kept).
    struct envelope {
        std::optional<std::string_view> type, id, service, event, monitor_ref, timestamp, status,
            detail;
        std::optional<std::uint64_t> seq;
        bool has_params = false, has_result = false, has_error = false, has_data = false;
        /// Where an event's "data" may be decoded during the envelope pass (null: never).
        event_body* inline_body = nullptr;
        /// "data" was decoded during the envelope pass (successfully or not), as this event.
        bool body_inline = false;
        std::size_t body_index = 0;
    };

    static constexpr auto event_decoders =
        make_decoders<event_body>(std::make_index_sequence<std::variant_size_v<event_body> - 1>{});

    decode_result decode_frame(std::string_view frame) {
        // First try with an event's body decoded in the envelope pass. If that body was decoded
        // and the frame then fails anywhere, decode it again the two-pass way (counters restored)
        // so that the error reported — the first one in envelope-then-body order — and the
        // counters stay exactly those of the two-pass decoder. Failures only pay for this.
        const decode_stats saved = stats_;
        bool body_inline = false;
        decode_result r = decode_one_pass(frame, body_inline);
        if (!r.ok() && body_inline) {
            stats_ = saved;
            r = decode_document(frame.size(), frame.size() + simdjson::SIMDJSON_PADDING, false,
                                body_inline);
        }
        return r;
    }

    decode_result decode_one_pass(std::string_view frame, bool& body_inline) {
        if (frame.size() > limits_.max_frame_bytes) {
            return decode_error{decode_errc::frame_too_large,
                                "",
                                "frame of " + std::to_string(frame.size()) +
                                    " bytes exceeds the limit of " +
                                    std::to_string(limits_.max_frame_bytes),
                                {},
                                {}};
        }
        // simdjson reads a little past the end: copy into a padded buffer we own.
        const std::size_t capacity = frame.size() + simdjson::SIMDJSON_PADDING;
        if (buffer_.size() < capacity) buffer_.resize(capacity);
        std::memcpy(buffer_.data(), frame.data(), frame.size());
        std::memset(buffer_.data() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
        return decode_document(frame.size(), capacity, true, body_inline);
    }

    decode_result decode_document(std::size_t size, std::size_t capacity, bool one_pass,
                                  bool& body_inline) {
        path_.clear();
        ctx c{limits_, stats_, path_, {}};
        od::document doc;
        if (auto ec = parser_.iterate(buffer_.data(), size, capacity).get(doc)) {
            return decode_error{
                decode_errc::malformed_json, "", simdjson::error_message(ec), {}, {}};
        }
        od::json_type root_type;
        if (auto ec = doc.type().get(root_type)) {
            return decode_error{
                decode_errc::malformed_json, "", simdjson::error_message(ec), {}, {}};
        }
        if (root_type != od::json_type::object) {
            // On-demand only peeks at the first character: validate fully on this rare path so
            // that "nonsense" is reported as malformed rather than as a non-object.
            simdjson::dom::parser validator;
            if (auto ec = validator.parse(buffer_.data(), size, false).error()) {
                return decode_error{
                    decode_errc::malformed_json, "", simdjson::error_message(ec), {}, {}};
            }
            return decode_error{
                decode_errc::not_an_object,
                "",
                "a frame must be a JSON object, got " + std::string(type_name(root_type)),
                {},
                {}};
        }
        od::object root;
        if (auto ec = doc.get_object().get(root)) return as_error(c, ec);

        // An event is decoded in place in the message that is returned (one move, not two).
        message msg{std::in_place_type<event_message>};
        auto& event = std::get<event_message>(msg);
        envelope env;
        if (one_pass) env.inline_body = &event.body;
        const bool envelope_ok = read_envelope(root, env, c);
        body_inline = env.body_inline;
        if (!envelope_ok) return take_error(c, env);
        // The envelope was read to its end: anything after it (a second document, garbage) makes
        // the frame malformed.
        if (const char* rest = nullptr; doc.current_location().get(rest) == simdjson::SUCCESS) {
            return decode_error{
                decode_errc::malformed_json, "", "content after the message", {}, {}};
        }
        if (!env.type) {
            c.path.push("type");
            c.fail(decode_errc::missing_member, "required member is missing");
            return take_error(c, env);
        }
        return dispatch(root, env, msg, c);
    }

    decode_result dispatch(od::object& root, const envelope& env, message& msg, ctx& c) {
        const std::string_view type = *env.type;
        if (type == "request") return decode_request(root, env, c);
        if (type == "response") return decode_response(root, env, c);
        if (type == "event") return decode_event(root, env, msg, c);
        if (type == "heartbeat" || type == "heartbeatAck") {
            if (!require(env.id, "id", c)) return take_error(c, env);
            if (type == "heartbeat") return message{heartbeat{std::string(*env.id)}};
            return message{heartbeat_ack{std::string(*env.id)}};
        }
        if (type == "systemStatus") {
            if (!require(env.seq, "seq", c) || !require(env.status, "status", c))
                return take_error(c, env);
            auto st = enum_from_string<system_status>(*env.status);
            if (!st) {
                c.path.push("status");
                c.fail(decode_errc::invalid_value,
                       "unknown value \"" + std::string(*env.status) + '"');
                return take_error(c, env);
            }
            system_status_message m{*env.seq, *st, {}};
            if (env.detail) m.detail = std::string(*env.detail);
            return message{std::move(m)};
        }
        c.path.push("type");
        c.fail(decode_errc::unknown_type, "unknown message type \"" + std::string(type) + '"');
        return take_error(c, env);
    }

    decode_result decode_request(od::object& root, const envelope& env, ctx& c) {
        if (!require(env.id, "id", c) || !require(env.service, "service", c))
            return take_error(c, env);
        auto index = service_index_of(*env.service);
        if (!index) return unknown_service(c, env);
        if (!env.has_params) {
            c.path.push("params");
            c.fail(decode_errc::missing_member, "required member is missing");
            return take_error(c, env);
        }
        request r{std::string(*env.id), {}};
        static constexpr auto decoders = make_decoders<service_params>(
            std::make_index_sequence<std::variant_size_v<service_params>>{});
        if (!decode_body(root, "params", decoders[*index], r.params, c)) return take_error(c, env);
        return message{std::move(r)};
    }

    decode_result decode_response(od::object& root, const envelope& env, ctx& c) {
        if (!require(env.id, "id", c) || !require(env.service, "service", c))
            return take_error(c, env);
        auto index = service_index_of(*env.service);
        if (!index) return unknown_service(c, env);
        if (env.has_result == env.has_error) {
            c.fail(decode_errc::invalid_value,
                   env.has_result ? "a response carries either result or error, not both"
                                  : "a response needs a result or an error");
            return take_error(c, env);
        }
        response r{std::string(*env.id), *index, csta_error{}};
        if (env.has_error) {
            csta_error err;
            if (!decode_body(root, "error", &decode_alternative_error, err, c))
                return take_error(c, env);
            r.outcome = std::move(err);
        } else {
            static constexpr auto decoders = make_decoders<service_result>(
                std::make_index_sequence<std::variant_size_v<service_result>>{});
            service_result result;
            if (!decode_body(root, "result", decoders[*index], result, c))
                return take_error(c, env);
            r.outcome = std::move(result);
        }
        return message{std::move(r)};
    }

    /// `msg` holds an event_message (its body perhaps decoded already by the envelope pass).
    decode_result decode_event(od::object& root, const envelope& env, message& msg, ctx& c) {
        if (!require(env.seq, "seq", c) || !require(env.event, "event", c))
            return take_error(c, env);
        if (!env.has_data) {
            c.path.push("data");
            c.fail(decode_errc::missing_member, "required member is missing");
            return take_error(c, env);
        }
        auto& m = std::get<event_message>(msg);
        m.seq = *env.seq;
        if (env.monitor_ref) m.monitor_ref.emplace(*env.monitor_ref);
        if (env.timestamp) m.timestamp.emplace(*env.timestamp);
        auto index = env.body_inline ? std::optional<std::size_t>(env.body_index)
                                     : event_index_of(*env.event);
        if (!index) {
            // Forward compatibility: keep the name, skip the body (its nesting still counts).
            ++stats_.unknown_events;
            m.body = evt::unknown_event{std::string(*env.event)};
            if (!decode_body(root, "data", &skip_body, m.body, c)) return take_error(c, env);
            return decode_result(std::move(msg));
        }
        if (!env.body_inline && !decode_body(root, "data", event_decoders[*index], m.body, c))
            return take_error(c, env);
        if (std::holds_alternative<evt::monitor_ended>(m.body) && !m.monitor_ref) {
            c.path.push("monitorRef");
            c.fail(decode_errc::missing_member, "MonitorEnded names the monitor it ends");
            return take_error(c, env);
        }
        return decode_result(std::move(msg));
    }

    static bool skip_body(od::value v, event_body&, ctx& c) {
        return skip_value(v, c.path.depth(), c);
    }

    static bool decode_alternative_error(od::value v, csta_error& out, ctx& c) {
        return decode_value(v, out, c);
    }

    /// Second pass: rewinds the envelope and decodes the body member with `fn`.
    template <class Out>
    bool decode_body(od::object& root, std::string_view key, bool (*fn)(od::value, Out&, ctx&),
                     Out& out, ctx& c) {
        if (auto ec = root.reset().error()) return c.fail(ec);
        od::value body;
        if (auto ec = root.find_field_unordered(key).get(body)) return c.fail(ec);
        scoped_segment seg(c, key);
        return fn(body, out, c);
    }

    /// First pass over the envelope: scalar members, and where the body is.
    bool read_envelope(od::object& root, envelope& env, ctx& c) {
        for (auto member : root) {
            od::field f;
            if (auto ec = std::move(member).get(f)) return c.fail(ec);
            const od::raw_json_string raw_key = f.key();  // before unescaping consumes it
            std::string_view key;
            if (auto ec = f.unescaped_key().get(key)) return c.fail(ec);
            od::value v = f.value();
            scoped_segment seg(c, key);
            auto text = [&](std::optional<std::string_view>& slot, std::size_t max) {
                if (slot) return c.fail(decode_errc::duplicate_member, "member appears twice");
                std::string_view s;
                if (!decode_string_view(v, s, c)) return false;
                if (s.empty() || s.size() > max) {
                    return c.fail(
                        s.empty() ? decode_errc::invalid_value : decode_errc::string_too_long,
                        "must be 1 to " + std::to_string(max) + " characters");
                }
                slot = s;
                return true;
            };
            auto body = [&](bool& slot) {
                if (slot) return c.fail(decode_errc::duplicate_member, "member appears twice");
                slot = true;
                return true;  // decoded in the second pass
            };
            bool ok = true;
            const std::size_t max_text = limits_.max_string_length;
            if (key == "type")
                ok = text(env.type, max_text);
            else if (key == "id")
                ok = text(env.id, limits_.max_id_length);
            else if (key == "service")
                ok = text(env.service, max_text);
            else if (key == "event")
                ok = text(env.event, max_text);
            else if (key == "monitorRef")
                ok = text(env.monitor_ref, max_text);
            else if (key == "timestamp")
                ok = text(env.timestamp, max_text);
            else if (key == "status")
                ok = text(env.status, max_text);
            else if (key == "detail")
                ok = text(env.detail, max_text);
            else if (key == "seq") {
                if (env.seq) return c.fail(decode_errc::duplicate_member, "member appears twice");
                std::uint64_t seq = 0;
                ok = decode_unsigned(v, seq, c);
                if (ok && (seq == 0 || seq > (std::uint64_t{1} << 53) - 1)) {
                    ok = c.fail(decode_errc::invalid_value, "seq must be 1 to 2^53-1");
                }
                if (ok) env.seq = seq;
            } else if (key == "params")
                ok = body(env.has_params);
            else if (key == "result")
                ok = body(env.has_result);
            else if (key == "error")
                ok = body(env.has_error);
            else if (key == "data") {
                ok = body(env.has_data);
                // One pass for the usual event, "type" and "event" before "data": decode the body
                // where it stands rather than rewinding the envelope to find it again. Only for
                // an unescaped "data": the second pass matches the raw name, so an escaped one
                // must keep failing there as it always did.
                if (ok && env.inline_body && env.type && *env.type == "event" && env.event &&
                    raw_key.unsafe_is_equal("data")) {
                    if (auto index = event_index_of(*env.event)) {
                        env.body_inline = true;
                        env.body_index = *index;
                        ok = event_decoders[*index](v, *env.inline_body, c);
                    }
                }
            } else {
                ++stats_.unknown_members;
                ok = skip_value(v, c.path.depth(), c);
            }
            if (!ok) return false;
        }
        return true;
    }

    template <class T>
    static bool require(const std::optional<T>& slot, std::string_view key, ctx& c) {
        if (slot) return true;
        c.path.push(key);
        return c.fail(decode_errc::missing_member, "required member is missing");
    }

    decode_result unknown_service(ctx& c, const envelope& env) {
        c.path.push("service");
        c.fail(decode_errc::unknown_service,
               "unknown service \"" + std::string(*env.service) + '"');
        return take_error(c, env);
    }

    static decode_result as_error(ctx& c, simdjson::error_code ec) {
        c.fail(ec);
        return std::move(*c.error);
    }

    /// Finishes a failed decode: attaches what could be read of the request's identity so that
    /// the receiver can answer with an error response.
    static decode_result take_error(ctx& c, const envelope& env) {
        decode_error e = c.error ? std::move(*c.error)
                                 : decode_error{decode_errc::malformed_json, "", "?", {}, {}};
        if (env.id && env.type && *env.type == "request") e.request_id = std::string(*env.id);
        if (env.service) e.service_index = service_index_of(*env.service);
        return e;
    }

    // ---- encoding ----

    static ojson encode_message(const request& r) {
        ojson j = ojson::object();
        j["type"] = "request";
        j["id"] = r.id;
        j["service"] = std::string(service_name(r.params.index()));
        j["params"] = std::visit([](const auto& p) { return encode_value(p); }, r.params);
        return j;
    }

    static ojson encode_message(const response& r) {
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

    static ojson encode_message(const event_message& e) {
        ojson j = ojson::object();
        j["type"] = "event";
        j["seq"] = e.seq;
        if (e.monitor_ref) j["monitorRef"] = *e.monitor_ref;
        encode_event_members(j, e.body, e.timestamp);
        return j;
    }

  public:
    /// The members after the envelope's seq/monitorRef (shared with encode_event_tail).
    static void encode_event_members(ojson& j, const event_body& body,
                                     const std::optional<std::string>& timestamp) {
        j["event"] = std::string(event_name(body));
        if (timestamp) j["timestamp"] = *timestamp;
        j["data"] = std::visit(
            [](const auto& b) -> ojson {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(b)>,
                                             evt::unknown_event>) {
                    return ojson::object();
                } else {
                    return encode_value(b);
                }
            },
            body);
    }

  private:
    static ojson encode_message(const heartbeat& h) {
        return ojson{{"type", "heartbeat"}, {"id", h.id}};
    }
    static ojson encode_message(const heartbeat_ack& h) {
        return ojson{{"type", "heartbeatAck"}, {"id", h.id}};
    }
    static ojson encode_message(const system_status_message& s) {
        ojson j = ojson::object();
        j["type"] = "systemStatus";
        j["seq"] = s.seq;
        j["status"] = std::string(to_string(s.status));
        if (s.detail) j["detail"] = *s.detail;
        return j;
    }

    codec_limits limits_;
    decode_stats stats_;
    od::parser parser_;
    std::vector<char> buffer_;
    path_stack path_;
};

}  // namespace

// ---- public helpers -----------------------------------------------------------------------------

std::string_view service_name(std::size_t service_index) {
    return service_index < k_service_names.size() ? k_service_names[service_index] : "?";
}

std::optional<std::size_t> service_index_of(std::string_view name) {
    const auto& m = index_of(k_service_names);
    if (auto it = m.find(name); it != m.end()) return it->second;
    return std::nullopt;
}

std::string_view event_name(const event_body& body) {
    if (const auto* u = std::get_if<evt::unknown_event>(&body)) return u->name;
    return k_event_names[body.index()];
}

std::uint32_t service_since_version(std::size_t service_index) {
    return service_index < k_service_versions.size() ? k_service_versions[service_index] : 1;
}

std::uint32_t event_since_version(const event_body& body) {
    return body.index() < k_event_versions.size() ? k_event_versions[body.index()] : 1;
}

std::size_t service_count() {
    return k_service_names.size();
}
std::size_t event_count() {
    return k_event_names.size();
}

std::string_view to_string(decode_errc code) {
    switch (code) {
        case decode_errc::frame_too_large:
            return "frame_too_large";
        case decode_errc::malformed_json:
            return "malformed_json";
        case decode_errc::not_an_object:
            return "not_an_object";
        case decode_errc::missing_member:
            return "missing_member";
        case decode_errc::wrong_type:
            return "wrong_type";
        case decode_errc::invalid_value:
            return "invalid_value";
        case decode_errc::unknown_type:
            return "unknown_type";
        case decode_errc::unknown_service:
            return "unknown_service";
        case decode_errc::string_too_long:
            return "string_too_long";
        case decode_errc::list_too_long:
            return "list_too_long";
        case decode_errc::too_deep:
            return "too_deep";
        case decode_errc::duplicate_member:
            return "duplicate_member";
        case decode_errc::invalid_base64:
            return "invalid_base64";
    }
    return "?";
}

std::string decode_error::to_string() const {
    std::string out(protocol::to_string(code));
    out += " at ";
    out += pointer.empty() ? std::string("(frame)") : pointer;
    out += ": ";
    out += detail;
    return out;
}

std::string encode_event_tail(const event_body& body, const std::optional<std::string>& timestamp) {
    ojson j = ojson::object();
    json_codec::encode_event_members(j, body, timestamp);
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

std::unique_ptr<codec> make_json_codec(codec_limits limits) {
    return std::make_unique<json_codec>(limits);
}

}  // namespace ctigw::protocol
