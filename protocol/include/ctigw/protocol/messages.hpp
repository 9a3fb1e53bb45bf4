// The envelope of ctigw.csta.v1 (docs/protocol.md §4): every WebSocket text frame is exactly
// one of these messages.
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ctigw/protocol/events.hpp"
#include "ctigw/protocol/services.hpp"
#include "ctigw/protocol/timestamp.hpp"
#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol {

/// The WebSocket subprotocol name, and the protocol versions this build speaks.
inline constexpr std::string_view subprotocol = "ctigw.csta.v1";
/// protocol_version is what a peer of this build offers first and accepts at most;
/// min_protocol_version the oldest it still speaks (docs/protocol.md §10).
inline constexpr std::uint32_t protocol_version = 3;
inline constexpr std::uint32_t min_protocol_version = 1;

namespace detail {
template <class List>
struct params_variant;
template <class... S>
struct params_variant<service_list<S...>> {
    using type = std::variant<typename S::params...>;
};
template <class List>
struct result_variant;
template <class... S>
struct result_variant<service_list<S...>> {
    using type = std::variant<typename S::result...>;
};
template <class List>
struct event_variant;
template <class... E>
struct event_variant<event_list<E...>> {
    using type = std::variant<E..., evt::unknown_event>;
};
}  // namespace detail

/// The body of a request: one alternative per service, same order as all_services.
using service_params = detail::params_variant<all_services>::type;
/// The body of a positive response: one alternative per service, same order as all_services.
using service_result = detail::result_variant<all_services>::type;
/// The body of an event: one alternative per event, then evt::unknown_event.
using event_body = detail::event_variant<all_events>::type;

/// A service invocation. `id` is chosen by the sender and unique among its outstanding requests.
struct request {
    std::string id;
    service_params params;
    friend bool operator==(const request&, const request&) = default;
};

/// The answer to a request: the same id and service, and either a result or a CSTA error.
struct response {
    std::string id;
    /// Which service this answers (index into all_services); set even when `outcome` is an error.
    std::size_t service_index = 0;
    std::variant<service_result, csta_error> outcome;
    friend bool operator==(const response&, const response&) = default;
};

/// An unsolicited event. `seq` increases by exactly one per event-stream message (events and
/// systemStatus) within one WebSocket session, starting at 1; a gap means messages were lost.
struct event_message {
    std::uint64_t seq = 0;
    std::optional<std::string> monitor_ref;
    std::optional<timestamp_text> timestamp;  ///< RFC 3339, informative only
    event_body body;
    friend bool operator==(const event_message&, const event_message&) = default;
};

/// Liveness probe, sent by either side; the peer answers with heartbeat_ack and the same id.
struct heartbeat {
    std::string id;
    friend bool operator==(const heartbeat&, const heartbeat&) = default;
};
struct heartbeat_ack {
    std::string id;
    friend bool operator==(const heartbeat_ack&, const heartbeat_ack&) = default;
};

/// The switch's overall state (ECMA-269 SystemStatus); shares the event sequence numbers.
struct system_status_message {
    std::uint64_t seq = 0;
    system_status status = system_status::normal;
    std::optional<std::string> detail;
    friend bool operator==(const system_status_message&, const system_status_message&) = default;
};

using message =
    std::variant<request, response, event_message, heartbeat, heartbeat_ack, system_status_message>;

// ---- helpers -------------------------------------------------------------------------------

/// The wire name of a service, by its index in all_services.
std::string_view service_name(std::size_t service_index);
/// The index in all_services of a wire name, or nullopt.
std::optional<std::size_t> service_index_of(std::string_view name);
/// The wire name of an event body ("Delivered", or the unknown event's own name).
std::string_view event_name(const event_body& body);
/// The service a request calls.
inline std::string_view service_name(const request& r) {
    return service_name(r.params.index());
}
/// The protocol version that introduced a service / an event (docs/protocol.md §10): a peer
/// never sends it on a session that negotiated an older version. Unknown events: 1.
std::uint32_t service_since_version(std::size_t service_index);
std::uint32_t event_since_version(const event_body& body);
/// Whether an event is one of the agent events (docs/protocol.md §6.5): device events about an
/// agent's state in an ACD group.
inline bool is_agent_event(const event_body& body) {
    return std::visit(
        [](const auto& e) {
            return std::is_base_of_v<evt::agent_event_common, std::remove_cvref_t<decltype(e)>>;
        },
        body);
}
/// Number of services / known events in this version.
std::size_t service_count();
std::size_t event_count();

/// Index of service S in all_services, at compile time.
template <class S>
constexpr std::size_t service_index_v = []<class... L>(service_list<L...>) {
    constexpr bool matches[] = {std::is_same_v<S, L>...};
    std::size_t i = 0;
    while (i < sizeof...(L) && !matches[i]) ++i;
    return i;
}(all_services{});

/// Builds a response carrying service S's result.
template <class S>
response make_response(std::string id, typename S::result result) {
    return response{std::move(id), service_index_v<S>,
                    service_result{std::in_place_index<service_index_v<S>>, std::move(result)}};
}

/// Builds an error response for service S.
template <class S>
response make_error_response(std::string id, csta_error error) {
    return response{std::move(id), service_index_v<S>, std::move(error)};
}

}  // namespace ctigw::protocol
