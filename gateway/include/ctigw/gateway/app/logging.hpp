// ctigw-gateway's log: spdlog, either journal-friendly on standard error or to a rotating file.
//
// Under systemd (JOURNAL_STREAM set) each line is "<N>message": the sd-daemon syslog priority
// prefix that journald turns into the entry's priority, and no timestamp (the journal adds it).
// Otherwise standard error gets "[time] [level] message", and a configured file the same with
// size rotation. Callers escape peer strings (protocol::log_safe) and never pass secrets.
//
// Thread safety: the logger is spdlog's thread-safe (_mt) kind; set_level may race with logging.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ctigw/gateway/settings.hpp"

namespace spdlog {
class logger;
}

namespace ctigw::gateway::app {

enum class log_target { journal, terminal };

/// journal when JOURNAL_STREAM is set in the environment (systemd connected standard error to
/// the journal), else terminal.
log_target detect_log_target();

/// A logger for `settings`: the file with rotation when one is set, else standard error in the
/// form of `target`. Throws spdlog::spdlog_ex when the file cannot be opened.
std::shared_ptr<spdlog::logger> make_logger(const logging_settings& settings, log_target target);

/// A logger writing into `out` in journal form (tests).
std::shared_ptr<spdlog::logger> make_journal_logger(std::shared_ptr<std::string> out);

void set_level(spdlog::logger& logger, log_level level);

/// One line at a configured level (the line is already safe to log).
void log_at(spdlog::logger& logger, log_level level, std::string_view line);

/// The sd-daemon priority of a spdlog level ("<3>" for error...).
std::string_view journal_prefix(int spdlog_level) noexcept;

}  // namespace ctigw::gateway::app
