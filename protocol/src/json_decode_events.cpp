// The JSON decoders of every event's data.
#include "json_decode.hpp"

namespace ctigw::protocol::json_impl {

// constinit: initialised at compile time, nothing can throw at startup.
// NOLINTBEGIN(cert-err58-cpp)
constinit const std::array<decode_fn<event_body>, std::variant_size_v<event_body> - 1>
    event_body_decoders =
        make_decoders<event_body>(std::make_index_sequence<std::variant_size_v<event_body> - 1>{});
// NOLINTEND(cert-err58-cpp)

}  // namespace ctigw::protocol::json_impl
