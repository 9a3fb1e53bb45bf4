// The wire names and versions of services and events, and decode_errc/decode_error as text.
#include <array>

#include "json_codec_impl.hpp"

namespace ctigw::protocol {

namespace {

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

/// The position of `name` in `Names`.
template <const auto& Names>
std::optional<std::size_t> index_in(std::string_view name) {
    static constexpr name_index<Names.size()> index(Names);
    return index.find(name);
}

}  // namespace

namespace json_impl {

std::optional<std::size_t> event_index_of(std::string_view name) {
    return index_in<k_event_names>(name);
}

}  // namespace json_impl

std::string_view service_name(std::size_t service_index) {
    return service_index < k_service_names.size() ? k_service_names[service_index] : "?";
}

std::optional<std::size_t> service_index_of(std::string_view name) {
    return index_in<k_service_names>(name);
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

}  // namespace ctigw::protocol
