#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config {

/** Outcome of loading a configuration: either settings, or every problem found. */
struct load_result {
    std::optional<settings> value;   ///< set only when errors is empty
    std::vector<diagnostic> errors;  ///< sorted by position; I/O errors (line 0) first
    bool io_error = false;           ///< the file could not be read at all

    bool ok() const noexcept { return value.has_value() && errors.empty(); }
};

/**
 * Parses and validates configuration text (JSON with line and block comments), collecting all
 * errors in one pass. Relative paths in the file (caFile, clientCertificate, clientKey,
 * tokenFile, logging.file) are resolved against `base_directory` when it is not empty.
 * Never throws; never reads the token. Pure function; callable from any thread.
 */
load_result load_text(std::string_view text, const std::filesystem::path& base_directory = {});

/**
 * Reads `file` and calls load_text with the file's directory as base directory. I/O failures are
 * reported as one diagnostic with an empty pointer and line 0, and set io_error.
 * Never throws. Callable from any thread (only reads the file).
 */
load_result load_file(const std::filesystem::path& file);

/// "C:/..." or "\\server\..." on a machine that is not Windows: a path of the Windows target,
/// which the loader leaves as written and a checker here cannot open (ctigw-config on a Linux
/// admin box checking a config for Windows servers).
bool foreign_windows_path(const std::filesystem::path& p);

}  // namespace ctigw::config
