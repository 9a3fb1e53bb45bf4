// RFC 4648 base64 (standard alphabet, padded) for correlatorData.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctigw::protocol::detail {

std::string base64_encode(std::string_view bytes);
/// nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ctigw::protocol::detail
