// "Did you mean ...?" (suggest.hpp).
#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace ctigw::tapihost::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    auto same = [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    };
    // d[i][j]: the distance between the first i letters of a and the first j of b.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::vector<std::string_view> suggest(std::string_view word,
                                      const std::vector<std::string_view>& candidates) {
    auto within = [&](std::size_t distance) {
        std::vector<std::string_view> out;
        for (auto c : candidates)
            if (edit_distance(word, c) == distance &&
                std::find(out.begin(), out.end(), c) == out.end())
                out.push_back(c);
        return out;
    };
    // One letter off first, then a beginning (several of them are no suggestion: the caller
    // lists everything then), then two letters off.
    if (auto one = within(1); !one.empty()) return one;
    if (word.size() < 3) return {};
    std::vector<std::string_view> beginning;
    for (auto c : candidates) {
        if (c.size() > word.size() && edit_distance(c.substr(0, word.size()), word) == 0 &&
            std::find(beginning.begin(), beginning.end(), c) == beginning.end())
            beginning.push_back(c);
    }
    if (!beginning.empty()) return beginning.size() <= 4 ? beginning : decltype(beginning){};
    return word.size() > 3 ? within(2) : std::vector<std::string_view>{};
}

std::string did_you_mean(const std::vector<std::string_view>& suggestions) {
    if (suggestions.empty()) return {};
    std::string out = "did you mean ";
    for (std::size_t i = 0; i < suggestions.size(); ++i) {
        if (i > 0) out += i + 1 == suggestions.size() ? " or " : ", ";
        out += "\"" + std::string(suggestions[i]) + "\"";
    }
    return out + "?";
}

}  // namespace ctigw::tapihost::detail
