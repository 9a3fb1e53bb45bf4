// spdlog sinks for ctigw-gateway (app/logging.hpp).
#include "ctigw/gateway/app/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace ctigw::gateway::app {

spdlog::level::level_enum to_spdlog(log_level level) {
    switch (level) {
        case log_level::trace:
            return spdlog::level::trace;
        case log_level::debug:
            return spdlog::level::debug;
        case log_level::info:
            return spdlog::level::info;
        case log_level::warn:
            return spdlog::level::warn;
        case log_level::error:
            return spdlog::level::err;
        case log_level::critical:
            return spdlog::level::critical;
        case log_level::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

namespace {

/// "<N>message\n" per record: journald reads the priority from the prefix (sd-daemon(3)).
/// `write` receives whole lines so that concurrent records never interleave.
template <class Write>
class journal_sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit journal_sink(Write write) : write_(std::move(write)) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string line(journal_prefix(msg.level));
        line.append(msg.payload.data(), msg.payload.size());
        // One record is one journal entry: a stray newline must not start a second one.
        for (auto& ch : line) {
            if (ch == '\n' || ch == '\r') ch = ' ';
        }
        line += '\n';
        write_(line);
    }
    void flush_() override {}

  private:
    Write write_;
};

template <class Write>
std::shared_ptr<spdlog::sinks::sink> make_journal_sink(Write write) {
    return std::make_shared<journal_sink<Write>>(std::move(write));
}

constexpr const char* terminal_pattern = "[%Y-%m-%d %H:%M:%S.%e] [%l] %v";

}  // namespace

std::string_view journal_prefix(int spdlog_level) noexcept {
    switch (spdlog_level) {
        case spdlog::level::trace:
        case spdlog::level::debug:
            return "<7>";
        case spdlog::level::info:
            return "<6>";
        case spdlog::level::warn:
            return "<4>";
        case spdlog::level::err:
            return "<3>";
        case spdlog::level::critical:
            return "<2>";
        default:
            return "<6>";
    }
}

log_target detect_log_target() {
    const char* v = std::getenv("JOURNAL_STREAM");
    return v != nullptr && *v != '\0' ? log_target::journal : log_target::terminal;
}

std::shared_ptr<spdlog::logger> make_logger(const logging_settings& settings, log_target target) {
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (!settings.file.empty()) {
        sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            settings.file.string(), std::size_t{settings.rotate_size_mb} * 1024 * 1024,
            settings.rotate_count);
        sink->set_pattern(terminal_pattern);
    } else if (target == log_target::journal) {
        sink = make_journal_sink([](const std::string& line) {
            std::fwrite(line.data(), 1, line.size(), stderr);
            std::fflush(stderr);
        });
    } else {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        sink->set_pattern(terminal_pattern);
    }
    auto logger = std::make_shared<spdlog::logger>("ctigw-gateway", std::move(sink));
    set_level(*logger, settings.level);
    logger->flush_on(spdlog::level::info);
    return logger;
}

std::shared_ptr<spdlog::logger> make_journal_logger(std::shared_ptr<std::string> out) {
    auto logger = std::make_shared<spdlog::logger>(
        "ctigw-gateway-test",
        make_journal_sink([out = std::move(out)](const std::string& line) { *out += line; }));
    logger->set_level(spdlog::level::trace);
    return logger;
}

void log_at(spdlog::logger& logger, log_level level, std::string_view line) {
    logger.log(to_spdlog(level), "{}", line);
}

void set_level(spdlog::logger& logger, log_level level) {
    logger.set_level(to_spdlog(level));
}

}  // namespace ctigw::gateway::app
