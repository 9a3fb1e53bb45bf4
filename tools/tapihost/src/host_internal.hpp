// What the host's source files share (internal to the host): handle casts and error codes.
#pragma once

#include <cstdint>

#include "ctigw/tapihost/host.hpp"

namespace ctigw::tapihost::detail {

constexpr LONG err(std::uint32_t code) {
    return static_cast<LONG>(code);
}

template <class H>
H to_handle(std::uint64_t v) {
    return reinterpret_cast<H>(static_cast<std::uintptr_t>(v));
}

template <class H>
std::uint64_t from_handle(H h) {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h));
}

}  // namespace ctigw::tapihost::detail
