// RFC 4648 base64 (standard alphabet, padded) for correlatorData.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctigw::protocol::detail {

std::string base64_encode(std::string_view bytes);
/// nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);
/// The same into `out` (reusing its capacity); false when not canonical (then `out` is
/// unspecified).
bool base64_decode_into(std::string_view text, std::string& out);

}  // namespace ctigw::protocol::detail
