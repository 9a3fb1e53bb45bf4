#include "ctigw/config/devices.hpp"

#include "ctigw/config/detail/text.hpp"

namespace ctigw::config {

namespace {

std::string substitute(std::string_view pattern, std::string_view extension) {
    constexpr std::string_view placeholder = "{ext}";
    std::string out;
    std::size_t from = 0;
    for (auto at = pattern.find(placeholder); at != std::string_view::npos;
         at = pattern.find(placeholder, from)) {
        out.append(pattern.substr(from, at - from));
        out.append(extension);
        from = at + placeholder.size();
    }
    out.append(pattern.substr(from));
    return out;
}

// Guards against hand-built, invalid ranges: expansion could never reach `last`.
bool is_valid(const device_range& r) {
    return detail::is_extension(r.first) && r.first.size() == r.last.size() && r.first <= r.last;
}

}  // namespace

std::size_t count(const std::vector<device_range>& ranges) {
    std::size_t total = 0;
    for (const auto& r : ranges) {
        if (!is_valid(r)) continue;
        total += static_cast<std::size_t>(detail::range_size(r.first, r.last).value_or(0));
    }
    return total;
}

std::vector<device> expand(const device_settings& devices, device_kind kind) {
    const auto& ranges = kind == device_kind::line ? devices.lines : devices.phones;
    const std::string_view fallback = kind == device_kind::line ? "Line {ext}" : "Phone {ext}";
    std::vector<device> out;
    out.reserve(count(ranges));
    for (const auto& r : ranges) {
        if (!is_valid(r)) continue;
        const std::string_view pattern = r.name.empty() ? fallback : std::string_view(r.name);
        std::string extension = r.first;
        for (;;) {
            device d;
            d.extension = extension;
            const auto named = devices.names.find(extension);
            d.name = named != devices.names.end() ? named->second : substitute(pattern, extension);
            d.pickup_group = r.pickup_group;
            d.role = r.role;
            out.push_back(std::move(d));
            if (extension == r.last) break;
            detail::increment(extension);
        }
    }
    return out;
}

}  // namespace ctigw::config
