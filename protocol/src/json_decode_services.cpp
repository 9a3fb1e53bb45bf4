// The JSON decoders of every service's params, instantiated apart from the other message kinds.
#include "json_decode.hpp"

namespace ctigw::protocol::json_impl {

// constinit: initialised at compile time, nothing can throw at startup.
// NOLINTBEGIN(cert-err58-cpp)
constinit const std::array<decode_fn<service_params>, std::variant_size_v<service_params>>
    service_params_decoders = make_decoders<service_params>(
        std::make_index_sequence<std::variant_size_v<service_params>>{});
// NOLINTEND(cert-err58-cpp)

}  // namespace ctigw::protocol::json_impl
