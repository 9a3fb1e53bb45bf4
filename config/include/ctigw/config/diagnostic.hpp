#pragma once

#include <string>

namespace ctigw::config {

/**
 * One problem found in a configuration file.
 *
 * `pointer` is the RFC 6901 JSON pointer of the offending value ("" for the whole document, for
 * syntax errors and for I/O errors). `line`/`column` are 1-based and point at the start of the
 * offending value, or at the key for unknown/duplicate keys; both are 0 when there is no position
 * (I/O errors). Columns count characters (UTF-8 code points), tabs count as one.
 */
struct diagnostic {
    std::string pointer;
    std::string message;
    int line = 0;
    int column = 0;

    friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

/**
 * Formats a diagnostic the way administrators see it:
 * `/devices/lines/3: range "2999-2000" is reversed (line 41, column 12)`.
 * The `pointer: ` prefix is left out when the pointer is empty, the position when line is 0.
 * Pure function; callable from any thread.
 */
std::string format(const diagnostic& d);

}  // namespace ctigw::config
