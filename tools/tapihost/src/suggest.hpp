// "Did you mean ...?" for a word that names nothing (internal to the host).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ctigw::tapihost::detail {

/// The optimal string alignment distance (Damerau-Levenshtein, a transposition of two
/// neighbours counting 1), without regard to case.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// What `word` was probably meant to be: the candidates one edit away (edit_distance); else,
/// for a word of 3 letters or more, those that begin with it (none if more than 4 do); else,
/// for a word of 4 letters or more, those two edits away. In the candidates' order; empty when
/// nothing is near.
std::vector<std::string_view> suggest(std::string_view word,
                                      const std::vector<std::string_view>& candidates);

/// `did you mean "a"?`, `did you mean "a" or "b"?`, `did you mean "a", "b" or "c"?`; empty for
/// no suggestion.
std::string did_you_mean(const std::vector<std::string_view>& suggestions);

}  // namespace ctigw::tapihost::detail
