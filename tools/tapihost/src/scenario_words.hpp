// Word helpers the scenario parser's files share (internal to the host).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ctigw::tapihost::detail {

std::string lower(std::string_view s);
std::string upper(std::string_view s);
/// Words [from, to) joined with single blanks.
std::string join(const std::vector<std::string>& w, std::size_t from, std::size_t to);
bool is_number(std::string_view s);

}  // namespace ctigw::tapihost::detail
