// The JSON codec: frame limits, the envelope (read in one pass, the body where possible), and
// dispatch to the decoders of each message kind (json_decode*.cpp) and to json_encode.cpp.
#include <algorithm>
#include <array>
#include <cstring>

#include "json_codec_impl.hpp"
#include "json_decode.hpp"

namespace ctigw::protocol {

namespace {

using namespace json_impl;

/// The envelope's members, in the order they are tried as written (an event's first: the hot
/// path), indexed by env_key.
enum class env_key : std::uint8_t {
    type,
    seq,
    event,
    monitor_ref,
    timestamp,
    data,
    id,
    service,
    params,
    result,
    error,
    status,
    detail
};
constexpr std::array<std::string_view, 13> k_envelope_keys{
    "type",    "seq",    "event",  "monitorRef", "timestamp", "data",  "id",
    "service", "params", "result", "error",      "status",    "detail"};
constexpr name_index k_envelope_index{k_envelope_keys};

// ---- the codec --------------------------------------------------------------------------------

class json_codec final : public codec {
  public:
    explicit json_codec(codec_limits limits) : limits_(limits) {}

    std::string_view name() const noexcept override { return "json"; }
    const decode_stats& stats() const noexcept override { return stats_; }
    const codec_limits& limits() const noexcept override { return limits_; }

    decode_result decode(std::string_view frame) noexcept override {
        return as_result(frame, false);
    }
    decode_result decode_padded(std::string_view frame) noexcept override {
        return as_result(frame, true);
    }
    std::optional<decode_error> decode_padded_into(std::string_view frame,
                                                   message& out) noexcept override {
        return decode_any(frame, true, out, true);
    }

    std::string encode(const message& m) const override { return json_impl::encode_message(m); }

  private:
    static_assert(frame_padding >= simdjson::SIMDJSON_PADDING);
    /// Nothing (the message is in the caller's `msg`) or why the frame was refused.
    using outcome = std::optional<decode_error>;

    decode_result as_result(std::string_view frame, bool padded) noexcept {
        message msg{std::in_place_type<event_message>};
        if (auto e = decode_any(frame, padded, msg)) return std::move(*e);
        return msg;
    }

    /// Decodes into `msg`, which holds an empty event_message (or is made to: `reset`).
    outcome decode_any(std::string_view frame, bool padded, message& msg,
                       bool reset = false) noexcept {
        ++stats_.frames;
        outcome r = [&]() -> outcome {
            try {
                if (reset) {
                    // An event to decode into whose optional members are empty, as decode()
                    // starts from (absent members stay empty). Not its body: every decoded event
                    // emplaces its body (decode_alternative, unknown_event), so resetting it too
                    // built and moved a whole event per frame for nothing.
                    if (auto* e = std::get_if<event_message>(&msg)) {
                        // Every member named: one added to event_message fails to compile here
                        // until it is reset too (it would otherwise carry over between frames).
                        [[maybe_unused]] auto& [seq, monitor_ref, timestamp, body] = *e;
                        seq = 0;
                        monitor_ref.reset();
                        timestamp.reset();
                    } else {
                        msg.emplace<event_message>();
                    }
                }
                return decode_frame(frame, padded, msg);
            } catch (const std::exception& e) {  // only bad_alloc can get here
                return decode_error{decode_errc::malformed_json, "", e.what(), {}, {}};
            }
        }();
        if (r) ++stats_.errors;
        return r;
    }

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

    outcome decode_frame(std::string_view frame, bool padded, message& msg) {
        if (frame.size() > limits_.max_frame_bytes) {
            return decode_error{decode_errc::frame_too_large,
                                "",
                                "frame of " + std::to_string(frame.size()) +
                                    " bytes exceeds the limit of " +
                                    std::to_string(limits_.max_frame_bytes),
                                {},
                                {}};
        }
        // simdjson reads a little past the end ("it does not matter what those bytes are",
        // simdjson's iterate()): a frame without that room is copied into a buffer we own.
        const char* json = frame.data();
        if (!padded) {
            const std::size_t capacity = frame.size() + simdjson::SIMDJSON_PADDING;
            if (buffer_.size() < capacity) buffer_.resize(capacity);
            std::memcpy(buffer_.data(), frame.data(), frame.size());
            std::memset(buffer_.data() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
            json = buffer_.data();
        }
        // First try with an event's body decoded in the envelope pass. If that body was decoded
        // and the frame then fails anywhere, decode it again the two-pass way (counters restored)
        // so that the error reported — the first one in envelope-then-body order — and the
        // counters stay exactly those of the two-pass decoder. Failures only pay for this.
        const decode_stats saved = stats_;
        bool body_inline = false;
        outcome r = decode_document(json, frame.size(), true, body_inline, msg);
        if (r && body_inline) {
            stats_ = saved;
            msg.emplace<event_message>();
            r = decode_document(json, frame.size(), false, body_inline, msg);
        }
        return r;
    }

    outcome decode_document(const char* json, std::size_t size, bool one_pass, bool& body_inline,
                            message& msg) {
        path_.clear();
        ctx c{limits_, stats_, path_, {}};
        od::document doc;
        if (auto ec = parser_.iterate(json, size, size + simdjson::SIMDJSON_PADDING).get(doc)) {
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
            if (auto ec = validator.parse(json, size, false).error()) {
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

        // An event is decoded in place in the caller's message (which holds an empty one).
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
            c.fail_at("type", decode_errc::missing_member, "required member is missing");
            return take_error(c, env);
        }
        return dispatch(root, env, msg, c);
    }

    outcome dispatch(od::object& root, const envelope& env, message& msg, ctx& c) {
        const std::string_view type = *env.type;
        if (type == "request") return decode_request(root, env, msg, c);
        if (type == "response") return decode_response(root, env, msg, c);
        if (type == "event") return decode_event(root, env, msg, c);
        if (type == "heartbeat" || type == "heartbeatAck") {
            if (!require(env.id, "id", c)) return take_error(c, env);
            if (type == "heartbeat") {
                msg = heartbeat{std::string(*env.id)};
            } else {
                msg = heartbeat_ack{std::string(*env.id)};
            }
            return std::nullopt;
        }
        if (type == "systemStatus") {
            if (!require(env.seq, "seq", c) || !require(env.status, "status", c))
                return take_error(c, env);
            auto st = enum_from_string<system_status>(*env.status);
            if (!st) {
                c.fail_at("status", decode_errc::invalid_value,
                          "unknown value \"" + std::string(*env.status) + '"');
                return take_error(c, env);
            }
            system_status_message m{*env.seq, *st, {}};
            if (env.detail) m.detail = std::string(*env.detail);
            msg = std::move(m);
            return std::nullopt;
        }
        c.fail_at("type", decode_errc::unknown_type,
                  "unknown message type \"" + std::string(type) + '"');
        return take_error(c, env);
    }

    outcome decode_request(od::object& root, const envelope& env, message& msg, ctx& c) {
        if (!require(env.id, "id", c) || !require(env.service, "service", c))
            return take_error(c, env);
        auto index = service_index_of(*env.service);
        if (!index) return unknown_service(c, env);
        if (!env.has_params) {
            c.fail_at("params", decode_errc::missing_member, "required member is missing");
            return take_error(c, env);
        }
        request r{std::string(*env.id), {}};
        if (!decode_body(root, "params", service_params_decoders[*index], r.params, c))
            return take_error(c, env);
        msg = std::move(r);
        return std::nullopt;
    }

    outcome decode_response(od::object& root, const envelope& env, message& msg, ctx& c) {
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
            if (!decode_body(root, "error", &decode_csta_error, err, c)) return take_error(c, env);
            r.outcome = std::move(err);
        } else {
            service_result result;
            if (!decode_body(root, "result", service_result_decoders[*index], result, c))
                return take_error(c, env);
            r.outcome = std::move(result);
        }
        msg = std::move(r);
        return std::nullopt;
    }

    /// `msg` holds an event_message (its body perhaps decoded already by the envelope pass).
    outcome decode_event(od::object& root, const envelope& env, message& msg, ctx& c) {
        if (!require(env.seq, "seq", c) || !require(env.event, "event", c))
            return take_error(c, env);
        if (!env.has_data) {
            c.fail_at("data", decode_errc::missing_member, "required member is missing");
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
            return std::nullopt;
        }
        if (!env.body_inline && !decode_body(root, "data", event_body_decoders[*index], m.body, c))
            return take_error(c, env);
        if (std::holds_alternative<evt::monitor_ended>(m.body) && !m.monitor_ref) {
            c.fail_at("monitorRef", decode_errc::missing_member,
                      "MonitorEnded names the monitor it ends");
            return take_error(c, env);
        }
        return std::nullopt;
    }

    static bool skip_body(od::value v, event_body&, ctx& c) {
        return skip_value(v, c.path.depth(), c);
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

    /// The envelope member `raw` names as written (no escape), if one.
    static std::optional<env_key> envelope_key(const od::raw_json_string& raw) {
        for (std::size_t i = 0; i < k_envelope_keys.size(); ++i) {
            if (raw.unsafe_is_equal(k_envelope_keys[i])) return static_cast<env_key>(i);
        }
        return std::nullopt;
    }

    /// First pass over the envelope: scalar members, and where the body is.
    bool read_envelope(od::object& root, envelope& env, ctx& c) {
        for (auto member : root) {
            od::field f;
            if (auto ec = std::move(member).get(f)) return c.fail(ec);
            const od::raw_json_string raw_key = f.key();  // before unescaping consumes it
            // The key as written first (no copy: unescaping every key was ~2% of the link's
            // I/O thread); an escaped or unknown one is unescaped to be looked up or skipped.
            std::optional<env_key> which = envelope_key(raw_key);
            const bool as_written = which.has_value();
            std::string_view key;
            if (as_written) {
                key = k_envelope_keys[static_cast<std::size_t>(*which)];
            } else {
                if (auto ec = f.unescaped_key().get(key)) return c.fail(ec);
                if (auto i = k_envelope_index.find(key)) which = static_cast<env_key>(*i);
            }
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
            if (!which) {
                ++stats_.unknown_members;
                ok = skip_value(v, c.path.depth(), c);
            } else {
                switch (*which) {
                    case env_key::type:
                        ok = text(env.type, max_text);
                        break;
                    case env_key::id:
                        ok = text(env.id, limits_.max_id_length);
                        break;
                    case env_key::service:
                        ok = text(env.service, max_text);
                        break;
                    case env_key::event:
                        ok = text(env.event, max_text);
                        break;
                    case env_key::monitor_ref:
                        ok = text(env.monitor_ref, max_text);
                        break;
                    case env_key::timestamp:  // kept in place: its own limit (the schema's)
                        ok = text(env.timestamp, std::min(max_text, timestamp_text::max_size));
                        break;
                    case env_key::status:
                        ok = text(env.status, max_text);
                        break;
                    case env_key::detail:
                        ok = text(env.detail, max_text);
                        break;
                    case env_key::seq:
                        ok = read_seq(v, env, c);
                        break;
                    case env_key::params:
                        ok = body(env.has_params);
                        break;
                    case env_key::result:
                        ok = body(env.has_result);
                        break;
                    case env_key::error:
                        ok = body(env.has_error);
                        break;
                    case env_key::data:
                        ok = body(env.has_data);
                        // One pass for the usual event, "type" and "event" before "data": decode
                        // the body where it stands rather than rewinding the envelope to find it
                        // again. Only for an unescaped "data": the second pass matches the raw
                        // name, so an escaped one must keep failing there as it always did.
                        if (ok && as_written && env.inline_body && env.type &&
                            *env.type == "event" && env.event) {
                            if (auto index = event_index_of(*env.event)) {
                                env.body_inline = true;
                                env.body_index = *index;
                                ok = event_body_decoders[*index](v, *env.inline_body, c);
                            }
                        }
                        break;
                }
            }
            if (!ok) return false;
        }
        return true;
    }

    static bool read_seq(od::value& v, envelope& env, ctx& c) {
        if (env.seq) return c.fail(decode_errc::duplicate_member, "member appears twice");
        std::uint64_t seq = 0;
        if (!decode_unsigned(v, seq, c)) return false;
        if (seq == 0 || seq > (std::uint64_t{1} << 53) - 1)
            return c.fail(decode_errc::invalid_value, "seq must be 1 to 2^53-1");
        env.seq = seq;
        return true;
    }

    template <class T>
    static bool require(const std::optional<T>& slot, std::string_view key, ctx& c) {
        if (slot) return true;
        return c.fail_at(key, decode_errc::missing_member, "required member is missing");
    }

    static decode_error unknown_service(ctx& c, const envelope& env) {
        c.fail_at("service", decode_errc::unknown_service,
                  "unknown service \"" + std::string(*env.service) + '"');
        return take_error(c, env);
    }

    static decode_error as_error(ctx& c, simdjson::error_code ec) {
        c.fail(ec);
        return c.take_error();
    }

    /// Finishes a failed decode: attaches what could be read of the request's identity so that
    /// the receiver can answer with an error response.
    static decode_error take_error(ctx& c, const envelope& env) {
        decode_error e = c.take_error();
        if (env.id && env.type && *env.type == "request") e.request_id = std::string(*env.id);
        if (env.service) e.service_index = service_index_of(*env.service);
        return e;
    }

    codec_limits limits_;
    decode_stats stats_;
    od::parser parser_;
    std::vector<char> buffer_;
    error_path path_;
};

}  // namespace

std::unique_ptr<codec> make_json_codec(codec_limits limits) {
    return std::make_unique<json_codec>(limits);
}

}  // namespace ctigw::protocol
