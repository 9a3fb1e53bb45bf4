#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ctigw/config/settings.hpp"

namespace ctigw::config {

/** One expanded line or phone. */
struct device {
    std::string extension;
    std::string name;
    std::string pickup_group;  ///< empty means none
    line_role role = line_role::station;
};

enum class device_kind { line, phone };

/**
 * Expands the ranges of `devices.lines` or `devices.phones` into one entry per extension, in file
 * order. Names: the `names` map wins, then the entry's name ("{ext}" replaced by the extension),
 * then "Line <ext>" / "Phone <ext>". Linear in the number of devices (plus a log factor for the
 * names map). @pre `devices` came from the loader (valid ranges). Pure; any thread.
 */
std::vector<device> expand(const device_settings& devices, device_kind kind);

/** Number of extensions in a list of validated ranges. Pure; any thread. */
std::size_t count(const std::vector<device_range>& ranges);

}  // namespace ctigw::config
