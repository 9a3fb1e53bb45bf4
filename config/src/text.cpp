#include "ctigw/config/detail/text.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace ctigw::config::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string_view> closest(std::string_view key,
                                        std::span<const std::string_view> known) {
    const auto lower_equal = [](std::string_view x, std::string_view y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](char p, char q) {
            return std::tolower(static_cast<unsigned char>(p)) ==
                   std::tolower(static_cast<unsigned char>(q));
        });
    };
    for (std::string_view k : known) {
        if (lower_equal(key, k)) return k;
    }
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;
    for (std::string_view k : known) {
        const std::size_t d = edit_distance(key, k);
        // Tiny keys are within distance 2 of everything short; a suggestion would be noise.
        if (d < best_distance && d < std::max(key.size(), k.size())) {
            best = k;
            best_distance = d;
        }
    }
    return best;
}

bool is_extension(std::string_view s) noexcept {
    return !s.empty() && s.size() <= max_extension_length &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::uint64_t> range_size(std::string_view first, std::string_view last) {
    std::size_t p = 0;
    while (p < first.size() && first[p] == last[p]) ++p;
    if (p == first.size()) return 1;
    if (first.size() - p > 17) return std::nullopt;
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    for (std::size_t i = p; i < first.size(); ++i) {
        a = a * 10 + static_cast<std::uint64_t>(first[i] - '0');
        b = b * 10 + static_cast<std::uint64_t>(last[i] - '0');
    }
    return b - a + 1;
}

void increment(std::string& digits) {
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (*it != '9') {
            ++*it;
            return;
        }
        *it = '0';
    }
}

namespace {

// Extensions of different widths never collide ("02" is not "2"); within one width, string order
// is numeric order.
bool width_less(std::string_view a, std::string_view b) {
    return std::forward_as_tuple(a.size(), a) < std::forward_as_tuple(b.size(), b);
}

}  // namespace

std::vector<overlap> find_overlaps(const std::vector<device_range>& ranges) {
    std::vector<std::size_t> order(ranges.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return width_less(ranges[x].first, ranges[y].first);
    });
    std::vector<overlap> out;
    std::optional<std::size_t> reach;  // entry reaching furthest among those of the same width
    for (std::size_t i : order) {
        const device_range& r = ranges[i];
        if (reach) {
            const device_range& w = ranges[*reach];
            if (w.last.size() == r.first.size() && r.first <= w.last) {
                out.push_back({std::max(i, *reach), std::min(i, *reach), r.first});
                if (r.last <= w.last) continue;
            }
        }
        reach = i;
    }
    std::sort(out.begin(), out.end(),
              [](const overlap& x, const overlap& y) { return x.later < y.later; });
    return out;
}

void extension_set::add(const std::vector<device_range>& ranges) {
    for (const auto& r : ranges) intervals_.push_back({r.first, r.last});
}

void extension_set::seal() {
    std::sort(intervals_.begin(), intervals_.end(),
              [](const interval& x, const interval& y) { return width_less(x.first, y.first); });
    std::vector<interval> merged;
    for (auto& iv : intervals_) {
        if (!merged.empty() && merged.back().last.size() == iv.first.size() &&
            iv.first <= merged.back().last) {
            if (iv.last > merged.back().last) merged.back().last = std::move(iv.last);
        } else {
            merged.push_back(std::move(iv));
        }
    }
    intervals_ = std::move(merged);
}

bool extension_set::contains(std::string_view extension) const {
    // First interval starting after `extension`; the one before it is the only candidate.
    auto it = std::upper_bound(
        intervals_.begin(), intervals_.end(), extension,
        [](std::string_view e, const interval& iv) { return width_less(e, iv.first); });
    if (it == intervals_.begin()) return false;
    --it;
    return it->first.size() == extension.size() && extension <= it->last;
}

}  // namespace ctigw::config::detail
