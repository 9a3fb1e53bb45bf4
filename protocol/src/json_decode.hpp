// Private to the JSON codec: decoding walks simdjson's on-demand iterator straight into the typed
// structs, driven by each struct's fields() description. The decoder tables of the message kinds
// live in json_decode_services.cpp, json_decode_results.cpp and json_decode_events.cpp (each
// instantiates its own structs); the envelope is read in json_codec.cpp. Every file including
// this one is built with CTIGW_SIMD_FLAGS (protocol/CMakeLists.txt).
#pragma once

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base64.hpp"
#include "ctigw/protocol/checks.hpp"
#include "ctigw/protocol/codec.hpp"

namespace ctigw::protocol::json_impl {
namespace od = simdjson::ondemand;

// ---- error context ------------------------------------------------------------------------

/// Where decoding stands: the depth, for the max_depth checks, and on failure the path from the
/// frame's root to the member that failed, rendered as a JSON pointer.
/// The members are not recorded on the way in: that was a store per member and list item of every
/// frame (~110 per phone of a status batch; a call each where GCC did not inline it), ~5% of
/// decoding an event (docs/performance.md, "A failure's path built as it unwinds"). Instead each
/// scoped_segment that ends while an error stands adds its segment as the failure returns through
/// it, innermost first, and pointer() reads them outward. The decoder returns at once on failure
/// and opens no segment after one, so exactly the segments open at the failure are added.
class error_path {
  public:
    void enter() { ++depth_; }
    void leave() { --depth_; }
    std::size_t depth() const { return depth_; }
    void clear() {
        depth_ = 0;
        unwound_.clear();
    }
    /// A segment the failure returned through (or its innermost one: fail_at()). Error path only.
    [[gnu::cold, gnu::noinline]] void add(std::string_view key, std::size_t index) noexcept {
        try {
            unwound_.push_back(seg{key, index});
        } catch (...) {  // out of memory: a shorter pointer rather than a lost frame
        }
    }
    std::string pointer() const {
        std::string out;
        for (auto it = unwound_.rbegin(); it != unwound_.rend(); ++it) {
            out += '/';
            if (it->index != npos) {
                out += std::to_string(it->index);
                continue;
            }
            for (char ch : it->key) {
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
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  private:
    struct seg {
        std::string_view key;
        std::size_t index;
    };
    std::vector<seg> unwound_;  // innermost first; never shrinks: the next failure reuses it
    std::size_t depth_ = 0;
};

struct ctx {
    const codec_limits& limits;
    decode_stats& stats;
    error_path& path;  ///< the codec's, reused: no allocation per frame
    /// The first failure; its pointer is filled in by take_error() once it has returned through
    /// every open segment.
    std::optional<decode_error> error;

    bool fail(decode_errc code, std::string detail) {
        if (!error) error = decode_error{code, {}, std::move(detail), {}, {}};
        return false;
    }
    /// A failure of member `key` of the object being read, outside any segment for it.
    bool fail_at(std::string_view key, decode_errc code, std::string detail) {
        if (error) return false;
        fail(code, std::move(detail));
        path.add(key, error_path::npos);
        return false;
    }
    /// The first failure with its pointer; call once every segment has ended.
    decode_error take_error() {
        if (!error) return decode_error{decode_errc::malformed_json, "", "?", {}, {}};
        decode_error e = std::move(*error);
        error.reset();
        e.pointer = path.pointer();
        return e;
    }
    /// Maps a simdjson error met while reading the current member.
    bool fail(simdjson::error_code ec) {
        if (ec == simdjson::INCORRECT_TYPE) return fail(decode_errc::wrong_type, "wrong type");
        if (ec == simdjson::NUMBER_OUT_OF_RANGE || ec == simdjson::NUMBER_ERROR)
            return fail(decode_errc::invalid_value, "number out of range");
        return fail(decode_errc::malformed_json, simdjson::error_message(ec));
    }
};

/// One level of the path, a member (by name) or a list item (by index), while it is decoded: a
/// depth counted on entry, and the segment added to the error's path when a failure returns
/// through it.
class scoped_segment {
  public:
    scoped_segment(ctx& c, std::string_view key) : c_(c), key_(key) { c_.path.enter(); }
    scoped_segment(ctx& c, std::size_t index) : c_(c), index_(index) { c_.path.enter(); }
    ~scoped_segment() {
        c_.path.leave();
        if (c_.error) [[unlikely]]
            c_.path.add(key_, index_);
    }
    scoped_segment(const scoped_segment&) = delete;
    scoped_segment& operator=(const scoped_segment&) = delete;

  private:
    ctx& c_;
    std::string_view key_;
    std::size_t index_ = error_path::npos;
};

inline std::string_view type_name(od::json_type t) {
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
inline bool expect_type(od::value& v, od::json_type want, std::string_view want_name, ctx& c) {
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
inline bool fail_string(od::value& v, simdjson::error_code ec, ctx& c) {
    if (ec == simdjson::INCORRECT_TYPE && !expect_type(v, od::json_type::string, "string", c))
        return false;
    return c.fail(ec);
}

/// A string member's text as a view of the frame when it has no escape, the usual case: its
/// token, up to the next structural character, is the quoted text and perhaps whitespace, and
/// stage 1 has checked its UTF-8 and control characters. Only an escaped string is copied
/// (unescaped into the parser's buffer); the copy and the unescaping loop were ~5% of the link's
/// I/O thread. The value is peeked, not consumed: its object or array skips it.
inline bool raw_string(od::value& v, std::string_view& out) {
    std::string_view token = v.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                              token.back() == '\t')) {
        token.remove_suffix(1);
    }
    if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
    token = token.substr(1, token.size() - 2);
    for (const char ch : token) {  // short strings: a loop, not a call to memchr (~2.7%)
        if (ch == '\\') return false;
    }
    out = token;
    return true;
}

inline bool decode_string_view(od::value& v, std::string_view& out, ctx& c) {
    if (!raw_string(v, out)) {
        if (auto ec = v.get_string().get(out)) return fail_string(v, ec, c);
    }
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
inline bool skip_value(od::value v, std::size_t depth, ctx& c) {
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
            // NOLINTNEXTLINE(performance-move-const-arg): simdjson's get() is rvalue-qualified
            if (auto ec = std::move(item).get(iv)) return c.fail(ec);
            if (!skip_value(iv, depth + 1, c)) return false;
        }
    }
    return true;  // a scalar: on-demand skips it
}

template <class T>
bool decode_struct(od::value v, T& out, ctx& c);

/// A member name that reads the same escaped and unescaped.
constexpr bool plain_name(std::string_view name) {
    return name.find_first_of("\"\\") == std::string_view::npos;
}

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
            // NOLINTNEXTLINE(performance-move-const-arg): simdjson's get() is rvalue-qualified
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
    static_assert(
        []<std::size_t... I>(std::index_sequence<I...>) {
            return (plain_name(std::get<I>(fields).name) && ...);
        }(std::make_index_sequence<count>{}),
        "member names are compared with the frame's keys as written: no quote or backslash");
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
        bool found = false;
        bool ok = true;
        // Decodes the member into the first field whose name `equals` accepts.
        const auto match = [&](const auto& equals) {
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((!found && equals(std::get<I>(fields).name)
                      ? (
                            found = true,
                            ok =
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
                                    if (auto ec = fv.is_null().get(is_null)) return c.fail(ec);
                                    using member_t =
                                        std::remove_cvref_t<decltype(out.*(fd.member))>;
                                    if (is_null) {
                                        if (fd.required) {
                                            return c.fail(decode_errc::missing_member,
                                                          "required member is null");
                                        }
                                        out.*(fd.member) = member_t{};
                                        seen &= ~(std::uint64_t{1} << I);  // null == absent
                                        return true;
                                    }
                                    return decode_value(fv, out.*(fd.member), c);
                                }())
                      : false),
                 ...);
            }
            (std::make_index_sequence<count>{});
        };
        // The key as it is in the frame, compared without unescaping it (our names have no
        // quote or backslash; the frame is padded for the bytes read past a shorter key): an
        // unescaped copy per member was ~5% of decoding a status batch.
        const od::raw_json_string raw = f.key();
        match([&](std::string_view name) { return raw.unsafe_is_equal(name); });
        if (!ok) return false;
        if (found) continue;
        // Not one of ours as written; perhaps as escaped ("\u0064evice" is "device").
        std::string_view key;
        if (auto ec = f.unescaped_key().get(key)) return c.fail(ec);
        match([&](std::string_view name) { return name == key; });
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

// Decoder tables indexed like the variants (constant-initialized, so usable at any time).
extern const std::array<decode_fn<service_params>, std::variant_size_v<service_params>>
    service_params_decoders;
extern const std::array<decode_fn<service_result>, std::variant_size_v<service_result>>
    service_result_decoders;
/// Without the last alternative, unknown_event, which is never decoded.
extern const std::array<decode_fn<event_body>, std::variant_size_v<event_body> - 1>
    event_body_decoders;
bool decode_csta_error(od::value v, csta_error& out, ctx& c);

}  // namespace ctigw::protocol::json_impl
