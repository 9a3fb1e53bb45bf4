// Private to the JSON codec: what its files share that does not need simdjson.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/protocol/codec.hpp"

namespace ctigw::protocol::json_impl {

/// The index of an event by wire name (json_names.cpp); none for an unknown one.
std::optional<std::size_t> event_index_of(std::string_view name);

/// The frame of a message (json_encode.cpp).
std::string encode_message(const message& m);

}  // namespace ctigw::protocol::json_impl
