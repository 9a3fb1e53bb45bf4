// AMI wire format (docs/asterisk.md): the incremental, bounded parser of what Asterisk sends and
// the encoder of what we send. No I/O here: ami_link.cpp feeds the parser from its socket, the
// tests and the fuzzer feed it directly.
//
// Wire: the first line of a connection is the banner "Asterisk Call Manager/<version>" (no blank
// line after it); then messages of "Name: value" lines, each ended by an empty line. Lines end
// with CRLF; a bare LF is accepted too.
//
// Thread safety: parser is a plain value, one thread at a time; the encoders are pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ami_message.hpp"

namespace ctigw::gateway::ami {

/// What one connection may send before the link gives up on it (a peer that never ends a line
/// or a message must not grow our memory without bound).
struct parser_limits {
    std::size_t max_line_bytes = 8 * 1024;       ///< one line, without its line ending
    std::size_t max_headers = 512;               ///< headers of one message
    std::size_t max_message_bytes = 256 * 1024;  ///< one message, line endings included
};

class parser {
  public:
    /// `expect_banner`: the first line is the banner (a client's view); false for the server
    /// side (the fake AMI server parses actions).
    explicit parser(parser_limits limits = {}, bool expect_banner = true);

    /// Parses `bytes` (any split of the stream: mid-line, mid-CRLF) and appends every message
    /// completed by them to `out`. Returns false once a limit was exceeded: error() says which,
    /// the stream is unusable (the link must reconnect) and further calls return false at once.
    bool feed(std::string_view bytes, std::vector<message>& out);

    /// The banner line once received (without its line ending).
    const std::optional<std::string>& banner() const noexcept { return banner_; }
    /// Empty while the stream is sound; else why it is not.
    const std::string& error() const noexcept { return error_; }
    bool failed() const noexcept { return !error_.empty(); }
    /// Lines inside a message that had no colon (or an empty name): skipped, not fatal.
    std::size_t skipped_lines() const noexcept { return skipped_lines_; }

    /// Back to the start of a new connection.
    void reset();

  private:
    bool on_line(std::string_view line, std::vector<message>& out);
    bool fail(std::string why);
    std::string line_error() const;

    parser_limits limits_;
    bool expect_banner_;
    std::optional<std::string> banner_;
    std::string line_;  // the current line so far (its CR kept until the LF arrives)
    message current_;
    std::size_t current_bytes_ = 0;  // of `current_`, skipped lines and line endings included
    std::size_t skipped_lines_ = 0;
    std::string error_;
};

/// The result of an encoder: the wire text, or why nothing may be sent.
struct encoded {
    std::string wire;
    std::string error;
    bool ok() const noexcept { return error.empty(); }
};

/// Why `name` cannot be a header name (empty when it can): names are 1+ printable ASCII
/// characters other than ':' and space.
std::string check_header_name(std::string_view name);
/// Why `value` cannot be a header value (empty when it can): no CR, LF or NUL.
std::string check_header_value(std::string_view value);

/// "Action: <action>", "ActionID: <id>", then `headers`, CRLF line endings and the closing empty
/// line. Refuses (never emits) a name or value that could end a line or the message early, so
/// that no caller-supplied string can inject headers or a second action; refuses headers named
/// Action or ActionID (the correlation is ours).
encoded encode_action(std::string_view action, std::string_view action_id,
                      const std::vector<header>& headers);

/// Any message (responses and events of the fake server, scripted conversations), with the same
/// checks.
encoded encode_message(const message& m);

}  // namespace ctigw::gateway::ami
