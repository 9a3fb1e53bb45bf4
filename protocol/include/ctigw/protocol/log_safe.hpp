// One way to put a string that came from the switch (a close reason, a switch name, an id, a
// decoder verdict quoting the frame) into a log line: the peer must not be able to start a new
// line, move the cursor or recolour a terminal, nor flood the log.
//
// Thread safety: a pure function; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ctigw::protocol {

/// `s` made safe for one log line. Printable ASCII and well-formed UTF-8 pass through; control
/// characters become visible escapes (\n, \r, \t, \x1b, and \u0085-style for C1 controls, line
/// separators and bidi overrides), bytes that are not UTF-8 become \xNN, and a backslash is
/// doubled so that escapes stay unambiguous. The result is at most `max` bytes plus a marker
/// "...[N bytes]" giving the original length when something was cut.
std::string log_safe(std::string_view s, std::size_t max = 200);

}  // namespace ctigw::protocol
