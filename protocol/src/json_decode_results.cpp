// The JSON decoders of every service's result and of the error a response may carry instead.
#include "json_decode.hpp"

namespace ctigw::protocol::json_impl {

// constinit: initialised at compile time, nothing can throw at startup.
// NOLINTBEGIN(cert-err58-cpp)
constinit const std::array<decode_fn<service_result>, std::variant_size_v<service_result>>
    service_result_decoders = make_decoders<service_result>(
        std::make_index_sequence<std::variant_size_v<service_result>>{});
// NOLINTEND(cert-err58-cpp)

bool decode_csta_error(od::value v, csta_error& out, ctx& c) {
    return decode_value(v, out, c);
}

}  // namespace ctigw::protocol::json_impl
