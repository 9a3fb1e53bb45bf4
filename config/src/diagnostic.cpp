#include "ctigw/config/diagnostic.hpp"

#include "ctigw/config/settings.hpp"

namespace ctigw::config {

std::string format(const diagnostic& d) {
    std::string out;
    if (!d.pointer.empty()) {
        out += d.pointer;
        out += ": ";
    }
    out += d.message;
    if (d.line > 0) {
        out += " (line " + std::to_string(d.line) + ", column " + std::to_string(d.column) + ")";
    }
    return out;
}

const char* to_string(log_level level) noexcept {
    switch (level) {
        case log_level::trace:
            return "trace";
        case log_level::debug:
            return "debug";
        case log_level::info:
            return "info";
        case log_level::warn:
            return "warn";
        case log_level::error:
            return "error";
        case log_level::critical:
            return "critical";
        case log_level::off:
            return "off";
    }
    return "info";
}

const char* to_string(line_role role) noexcept {
    switch (role) {
        case line_role::station:
            return "station";
        case line_role::acd_group:
            return "acdGroup";
        case line_role::queue:
            return "queue";
        case line_role::route_point:
            return "routePoint";
    }
    return "station";
}

const char* to_string(tls_version version) noexcept {
    return version == tls_version::v1_3 ? "1.3" : "1.2";
}

}  // namespace ctigw::config
