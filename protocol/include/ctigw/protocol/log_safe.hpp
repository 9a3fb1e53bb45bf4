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

/// A display name from a peer (a caller's name from a trunk) as one line of valid UTF-8 that a
/// JSON encoder and TAPI take: well-formed UTF-8 passes, other bytes are read as Latin-1 (what
/// ISDN trunks send), control characters (C0, DEL, C1, separators, bidi controls) become spaces,
/// spaces at both ends go, and at most `max_chars` characters are kept. Empty when nothing is left.
std::string display_text(std::string_view s, std::size_t max_chars = 128);

}  // namespace ctigw::protocol
