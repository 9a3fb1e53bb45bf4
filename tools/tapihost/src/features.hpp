// `expect <line> [<call>] features ...`: which feature bits TAPI reads now (internal).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {

/// Parses `features <where> has|lacks F[|F]` starting at w[at] (`<where>` is skipped when
/// ex.where is set already: the callstatus form). Fills ex; the error text otherwise.
std::optional<std::string> parse_features(expect_stmt& ex, const std::vector<std::string>& w,
                                          std::size_t at);

}  // namespace ctigw::tapihost
