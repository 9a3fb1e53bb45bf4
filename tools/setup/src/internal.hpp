// What the command files of ctigw-setup's core share: the log output, safe display of strings
// that came from outside, and the commands themselves. Same threading as run(): one call's
// objects are used on its thread only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/setup/setup.hpp"

namespace ctigw::setup::detail {

/// The environment's log sink, made safe to call: a missing sink drops the line, an exception
/// from the sink is swallowed (losing a log line must not fail an installation).
class output {
  public:
    explicit output(const log_sink& sink) : sink_(sink) {}
    void line(std::string_view text) const noexcept;

  private:
    const log_sink& sink_;
};

/// A string from the command line or from TAPI as it goes into a log line: unchanged when it is
/// printable UTF-8 (a Windows path keeps its single backslashes), otherwise escaped by
/// protocol::log_safe so that it cannot start a new line or drive a terminal.
std::string shown(std::string_view s);

/// A UTF-8 path argument as a path (on Windows a narrow string would be read as the ANSI code
/// page), and back.
std::filesystem::path to_path(std::string_view utf8);
std::string from_path(const std::filesystem::path& p);

/// Logs the usage text, one line per line.
void log_usage(const output& out);
/// Logs "ctigw-setup: <reason>" then the usage text; returns exit_code::usage.
int usage_error(const output& out, std::string_view reason);

/// `provider add|remove|list` (args after "provider").
int provider_command(const std::vector<std::string>& args, tapi_providers* tapi, const output& out);

/// `config ...` (args after "config").
int config_command(const std::vector<std::string>& args, const output& out);

}  // namespace ctigw::setup::detail
