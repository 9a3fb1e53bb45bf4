#include "ctigw/protocol/utf8.hpp"

#include <simdjson.h>

namespace ctigw::protocol {

bool valid_utf8(std::string_view s) noexcept {
    return simdjson::validate_utf8(s.data(), s.size());
}

}  // namespace ctigw::protocol
