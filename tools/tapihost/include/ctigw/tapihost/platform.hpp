/**
 * @file
 * What the host does differently on Windows (under Wine in CI) and on Linux: finding the TSP,
 * telling it where its configuration is, the terminal check.
 *
 * Thread safety: main thread only.
 */
#pragma once

#include <optional>
#include <string>

namespace ctigw::tapihost::platform {

/// True when stdin is an interactive terminal.
bool stdin_is_terminal();

/// The TSP next to this program or in ../../tsp/ of a build tree (libctigw-tsp.so, or ctigw.tsp
/// on Windows); $CTIGW_TSP first.
std::optional<std::string> default_tsp(const char* argv0);

/**
 * Points the TSP at a configuration file the way its administrator would: the CTIGW_CONFIG
 * environment variable on Linux; on Windows the ConfigPath value under HKLM\SOFTWARE\ctigw\TSP
 * (ctigw/tsp/windows_registry.hpp), created if needed. Returns an error text or empty.
 */
std::string point_tsp_at_config(const std::string& path);

/// Sets an environment variable of this process (the TSP's token variable, say).
void set_env(const std::string& name, const std::string& value);

}  // namespace ctigw::tapihost::platform
