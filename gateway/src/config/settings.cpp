#include <algorithm>
#include <limits>
#include <tuple>

#include "ctigw/config/detail/text.hpp"
#include "ctigw/gateway/settings.hpp"

namespace ctigw::gateway {

namespace {

// Within one width, string order is numeric order; different widths never meet.
bool width_less(std::string_view a, std::string_view b) {
    return std::forward_as_tuple(a.size(), a) < std::forward_as_tuple(b.size(), b);
}

}  // namespace

device_set device_set::every_device() {
    device_set s;
    s.all_ = true;
    return s;
}

device_set::device_set(std::vector<device_range> items) {
    for (auto& item : items) {
        if (config::detail::is_extension(item.first)) {
            ranges_.push_back(std::move(item));
        } else {
            ids_.push_back(std::move(item.first));
        }
    }
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());

    std::sort(ranges_.begin(), ranges_.end(), [](const device_range& x, const device_range& y) {
        return width_less(x.first, y.first);
    });
    std::vector<device_range> merged;
    for (auto& r : ranges_) {
        if (!merged.empty() && merged.back().last.size() == r.first.size() &&
            r.first <= merged.back().last) {
            if (r.last > merged.back().last) merged.back().last = std::move(r.last);
        } else {
            merged.push_back(std::move(r));
        }
    }
    ranges_ = std::move(merged);
}

bool device_set::contains(std::string_view device) const noexcept {
    if (all_) return true;
    if (!config::detail::is_extension(device)) {
        return std::binary_search(ids_.begin(), ids_.end(), device, std::less<>());
    }
    // The last range starting at or before `device` is the only candidate.
    auto it = std::upper_bound(
        ranges_.begin(), ranges_.end(), device,
        [](std::string_view d, const device_range& r) { return width_less(d, r.first); });
    if (it == ranges_.begin()) return false;
    --it;
    return it->last.size() == device.size() && device <= it->last;
}

std::size_t device_set::size_hint() const noexcept {
    constexpr auto max = std::numeric_limits<std::size_t>::max();
    if (all_) return max;
    std::size_t n = ids_.size();
    for (const auto& r : ranges_) {
        const auto size = config::detail::range_size(r.first, r.last);
        if (!size || *size > max - n) return max;
        n += static_cast<std::size_t>(*size);
    }
    return n;
}

std::vector<device_range> device_set::items() const {
    std::vector<device_range> out = ranges_;
    for (const auto& id : ids_) out.push_back({id, id});
    return out;
}

bool gateway_settings::any_tls() const noexcept {
    return std::any_of(listen.begin(), listen.end(),
                       [](const listen_settings& l) { return !l.insecure; });
}

const char* to_string(backend_type type) noexcept {
    return type == backend_type::asterisk ? "asterisk" : "sim";
}

}  // namespace ctigw::gateway
