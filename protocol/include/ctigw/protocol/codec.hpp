// Encoding and decoding of ctigw.csta.v1 messages. The codec is an interface so that a second
// encoding (ECMA-323 XML) can sit beside the JSON one without touching its users.
//
// Thread safety: a codec instance keeps parse buffers and counters, so one instance belongs to
// one thread (or strand) at a time; create one per link/session. The free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::protocol {

/// Hard limits a receiver enforces on untrusted frames (docs/protocol.md §7). Configurable; the
/// defaults are the documented ones.
struct codec_limits {
    std::size_t max_frame_bytes = std::size_t{1024} * 1024;
    std::size_t max_string_length = 4096;     ///< bytes of any string member, after unescaping
    std::size_t max_list_length = 10000;      ///< items of any array member
    std::size_t max_correlator_bytes = 4096;  ///< decoded bytes of correlatorData
    std::size_t max_depth = 32;               ///< JSON nesting
    std::size_t max_id_length = 64;           ///< request / heartbeat ids
};

/// What was wrong with a frame. Each class has its own value so that tests and logs can tell
/// them apart.
enum class decode_errc : std::uint8_t {
    frame_too_large,   ///< longer than max_frame_bytes
    malformed_json,    ///< not JSON at all, or broken JSON
    not_an_object,     ///< the frame is JSON but not an object
    missing_member,    ///< a required member is absent (or null)
    wrong_type,        ///< a member has the wrong JSON type
    invalid_value,     ///< right type, value not allowed (bad enum name, out of range, ...)
    unknown_type,      ///< envelope "type" not known
    unknown_service,   ///< request/response "service" not known
    string_too_long,   ///< a string beyond max_string_length (or an id beyond max_id_length)
    list_too_long,     ///< an array beyond max_list_length
    too_deep,          ///< nesting beyond max_depth
    duplicate_member,  ///< the same member twice in one object
    invalid_base64,    ///< correlatorData is not base64, or decodes beyond its limit
};

std::string_view to_string(decode_errc code);

/// A precise decode failure: which member (JSON pointer), what was wrong, and — when it could be
/// read — the request id, so the receiver can answer the request with an error response.
struct decode_error {
    decode_errc code = decode_errc::malformed_json;
    std::string pointer;  ///< RFC 6901 pointer of the offending member ("" = the whole frame)
    std::string detail;   ///< human-readable, never contains member values that may be secret
    std::optional<std::string> request_id;
    std::optional<std::size_t> service_index;
    /// "wrong_type at /params/callingDevice: expected string".
    std::string to_string() const;
};

/// Either a message or the reason the frame was refused.
class decode_result {
  public:
    decode_result(message m) : v_(std::move(m)) {}       // NOLINT: implicit by design
    decode_result(decode_error e) : v_(std::move(e)) {}  // NOLINT
    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    message& value() & { return std::get<message>(v_); }
    message&& value() && { return std::get<message>(std::move(v_)); }
    const message& value() const& { return std::get<message>(v_); }
    const decode_error& error() const { return std::get<decode_error>(v_); }

  private:
    std::variant<message, decode_error> v_;
};

/// Forward-compatibility counters: what was tolerated rather than refused.
struct decode_stats {
    std::uint64_t frames = 0;
    std::uint64_t errors = 0;
    std::uint64_t unknown_members = 0;      ///< members this version does not know, skipped
    std::uint64_t unknown_events = 0;       ///< events this version does not know, kept by name
    std::uint64_t unknown_enum_values = 0;  ///< open-enum names mapped to unknown/other
};

/// The bytes decode_padded() may read past a frame's end (simdjson reads ahead in blocks).
inline constexpr std::size_t frame_padding = 64;

class codec {
  public:
    virtual ~codec() = default;
    /// "json" (later perhaps "xml").
    virtual std::string_view name() const noexcept = 0;
    /// Decodes one frame. Never throws; on failure returns a decode_error and counts it.
    virtual decode_result decode(std::string_view frame) noexcept = 0;
    /// As decode(), for a frame followed by at least frame_padding readable bytes, whatever
    /// they hold (the rest of a read buffer): decoded where it is, without decode()'s copy into
    /// a padded buffer. A message's views (before they are copied out) point into the frame.
    virtual decode_result decode_padded(std::string_view frame) noexcept = 0;
    /// As decode_padded(), into `out` (whatever it held): nothing when the frame was decoded,
    /// else why not (`out` then holds something unspecified). An event is decoded where it
    /// stands in `out`, so a caller that keeps it there moves nothing.
    virtual std::optional<decode_error> decode_padded_into(std::string_view frame,
                                                           message& out) noexcept = 0;
    /// Encodes one message into a frame. Throws only std::bad_alloc.
    virtual std::string encode(const message& m) const = 0;
    virtual const decode_stats& stats() const noexcept = 0;
    virtual const codec_limits& limits() const noexcept = 0;
};

/// Fan-out (a switch serving many sessions): everything of an event frame except `seq` and
/// `monitorRef`, encoded once (`"event":…,"data":{…}}`)...
std::string encode_event_tail(const event_body& body, std::optional<std::string_view> timestamp);
/// ...and the frame of that event for one monitor of one session. Decodes to the same
/// event_message as encode() of it.
std::string event_frame(std::uint64_t seq, std::string_view monitor_ref, std::string_view tail);

/// The JSON codec: simdjson on-demand straight into the typed structs for decoding, nlohmann/json
/// for encoding.
std::unique_ptr<codec> make_json_codec(codec_limits limits = {});

}  // namespace ctigw::protocol
