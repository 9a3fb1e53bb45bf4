// The provider's real environment (provider.hpp default_environment): the configuration file,
// the Beast switch link, asynchronous spdlog logging that never blocks a TAPISRV thread, the
// tick count, and the configuration file watcher behind provider::reload().
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>
#if defined(_WIN32)
#include <windows.h>
#include <spdlog/sinks/msvc_sink.h>

#include "ctigw/tsp/windows_registry.hpp"
#else
#include <spdlog/sinks/stdout_sinks.h>
#endif

#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/loader.hpp"
#include "devices/devices.hpp"

namespace ctigw::tsp {

namespace {

spdlog::level::level_enum to_spdlog(config::log_level l) {
    switch (l) {
        case config::log_level::trace:
            return spdlog::level::trace;
        case config::log_level::debug:
            return spdlog::level::debug;
        case config::log_level::info:
            return spdlog::level::info;
        case config::log_level::warn:
            return spdlog::level::warn;
        case config::log_level::error:
            return spdlog::level::err;
        case config::log_level::critical:
            return spdlog::level::critical;
        case config::log_level::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

spdlog::level::level_enum to_spdlog(int provider_level) {
    switch (provider_level) {
        case level::debug:
            return spdlog::level::debug;
        case level::info:
            return spdlog::level::info;
        case level::warn:
            return spdlog::level::warn;
        default:
            return spdlog::level::err;
    }
}

/// The provider's loggers ("tsp" and "pbx-link"): asynchronous, one worker thread, a bounded
/// queue that overwrites its oldest entry when full (a TAPISRV thread never waits for the disk).
/// Sinks live in a dist_sink so that a reload can swap the file without touching the loggers.
class log_state {
  public:
    log_state() {
        pool_ = std::make_shared<spdlog::details::thread_pool>(8192, 1);
        dist_ = std::make_shared<spdlog::sinks::dist_sink_mt>();
#if defined(_WIN32)
        dist_->add_sink(std::make_shared<spdlog::sinks::msvc_sink_mt>());
#else
        dist_->add_sink(std::make_shared<spdlog::sinks::stderr_sink_mt>());
#endif
        tsp_ = make("tsp");
        link_ = make("pbx-link");
    }
    ~log_state() {
        try {
            tsp_->flush();
            link_->flush();
        } catch (...) {
        }
    }

    /// Applies the logging section: rotating file (when set) and level. Idempotent. Never
    /// throws: a log file it cannot open (or name: spdlog takes narrow file names on Windows) is
    /// reported and the other sinks go on.
    void configure(const config::logging_settings& s) noexcept {
        try {
            apply(s);
        } catch (const std::exception& e) {
            tsp_->error("logging settings not applied: {}", e.what());
        } catch (...) {
            tsp_->error("logging settings not applied");
        }
    }

    void log_tsp(int lvl, const std::string& text) {
        tsp_->log(to_spdlog(lvl), text);
    }
    bool tsp_logs(int lvl) const {
        return tsp_->should_log(to_spdlog(lvl));
    }
    void log_link(int lvl, const std::string& text) {
        link_->log(to_spdlog(lvl), text);
    }

  private:
    // A copy: on Windows the default log file is filled in.
    // NOLINTNEXTLINE(performance-unnecessary-value-param)
    void apply(config::logging_settings s) {
#if defined(_WIN32)
        // TAPISRV is a service: with no log file configured the log goes to
        // %ProgramData%\ctigw\logs (or the LogDirectory registry value), not to nowhere.
        if (s.file.empty()) {
            std::error_code ec;
            const auto dir = default_log_directory();
            std::filesystem::create_directories(dir, ec);
            s.file = dir / L"ctigw-tsp.log";
        }
#endif
        std::lock_guard lock(mutex_);
        const auto key = s.file.string() + "|" + std::to_string(s.rotate_size_mb) + "|" +
                         std::to_string(s.rotate_count);
        if (key != file_key_) {
            std::vector<spdlog::sink_ptr> sinks;
            if (!s.file.empty()) {
                try {
                    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                        s.file.string(), static_cast<std::size_t>(s.rotate_size_mb) * 1024 * 1024,
                        s.rotate_count));
                } catch (const std::exception& e) {
                    tsp_->error("cannot open log file {}: {}", s.file.string(), e.what());
                }
            }
#if defined(_WIN32)
            // The debugger output too (DebugView), file or not: support's first look.
            sinks.push_back(std::make_shared<spdlog::sinks::msvc_sink_mt>());
#else
            if (sinks.empty()) sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
#endif
            dist_->set_sinks(std::move(sinks));
            file_key_ = key;
        }
        tsp_->set_level(to_spdlog(s.level));
        link_->set_level(to_spdlog(s.level));
    }

    std::shared_ptr<spdlog::async_logger> make(const char* name) {
        auto l = std::make_shared<spdlog::async_logger>(
            name, dist_, pool_, spdlog::async_overflow_policy::overrun_oldest);
        l->set_pattern("%Y-%m-%d %H:%M:%S.%e [%n] %l %v [t%t]");
        l->flush_on(spdlog::level::info);
        l->set_level(spdlog::level::info);
        // A failing sink (disk full, file deleted) must not take TAPISRV down; say it once in a
        // while on stderr / the debugger.
        l->set_error_handler(
            [count = std::make_shared<std::atomic<std::uint64_t>>(0)](const std::string& msg) {
                if ((count->fetch_add(1) % 1000) != 0) return;
#if defined(_WIN32)
                (void)msg;
#else
                std::fprintf(stderr, "ctigw-tsp: logging failed: %s\n", msg.c_str());
#endif
            });
        return l;
    }

    std::mutex mutex_;
    std::shared_ptr<spdlog::details::thread_pool> pool_;  // the loggers only hold a weak_ptr
    std::shared_ptr<spdlog::sinks::dist_sink_mt> dist_;
    std::shared_ptr<spdlog::async_logger> tsp_;
    std::shared_ptr<spdlog::async_logger> link_;
    std::string file_key_;
};

std::string format_errors(const config::load_result& r) {
    std::string out;
    for (const auto& d : r.errors) {
        if (!out.empty()) out += '\n';
        out += config::format(d);
    }
    return out.empty() ? std::string("configuration refused") : out;
}

}  // namespace

#if defined(_WIN32)
std::wstring expand_environment(const std::wstring& text) {
    const DWORD n = ExpandEnvironmentStringsW(text.c_str(), nullptr, 0);
    if (n == 0) return text;
    std::wstring out(n, L'\0');
    const DWORD m = ExpandEnvironmentStringsW(text.c_str(), out.data(), n);
    if (m == 0 || m > n) return text;
    out.resize(m - 1);  // without the terminating NUL
    return out;
}

LSTATUS read_hklm_string(std::wstring_view key, std::wstring_view value, std::wstring& text) {
    const std::wstring k(key);
    const std::wstring v(value);
    constexpr DWORD flags = RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND;
    for (int attempt = 0; attempt < 3; ++attempt) {  // the value may grow in between
        DWORD bytes = 0;
        auto e =
            RegGetValueW(HKEY_LOCAL_MACHINE, k.c_str(), v.c_str(), flags, nullptr, nullptr, &bytes);
        if (e != ERROR_SUCCESS) return e;
        std::wstring buffer(bytes / sizeof(wchar_t) + 1, L'\0');
        bytes = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
        e = RegGetValueW(HKEY_LOCAL_MACHINE, k.c_str(), v.c_str(), flags, nullptr, buffer.data(),
                         &bytes);
        if (e == ERROR_MORE_DATA) continue;
        if (e != ERROR_SUCCESS) return e;
        buffer.resize(bytes / sizeof(wchar_t));
        while (!buffer.empty() && buffer.back() == L'\0') buffer.pop_back();
        text = std::move(buffer);
        return ERROR_SUCCESS;
    }
    return ERROR_MORE_DATA;
}

namespace {

/// A REG_SZ / REG_EXPAND_SZ value under HKLM\SOFTWARE\ctigw\TSP, expanded; nullopt when absent.
/// A non-empty REG_SZ / REG_EXPAND_SZ value under HKLM\SOFTWARE\ctigw\TSP, expanded; nullopt
/// when absent, empty or unreadable.
std::optional<std::wstring> registry_string(const wchar_t* value) {
    std::wstring text;
    if (read_hklm_string(registry::key, value, text) != ERROR_SUCCESS || text.empty())
        return std::nullopt;
    return expand_environment(text);
}

}  // namespace

std::filesystem::path default_log_directory() {
    if (auto v = registry_string(registry::log_dir_value)) return std::filesystem::path(*v);
    return std::filesystem::path(expand_environment(registry::default_log_dir));
}
#endif

std::optional<std::filesystem::path> default_config_path() {
#if defined(_WIN32)
    // ConfigPath under the provider's key (set by TUISPI_providerInstall, changed by the
    // administrator), else %ProgramData%\ctigw\ctigw.json.
    if (auto v = registry_string(registry::config_path_value)) return std::filesystem::path(*v);
    return std::filesystem::path(expand_environment(registry::default_config_path));
#else
    const char* env = std::getenv("CTIGW_CONFIG");
    if (env == nullptr || *env == '\0') return std::nullopt;
    return std::filesystem::path(env);
#endif
}

provider_environment default_environment() {
    auto logs = std::make_shared<log_state>();
    provider_environment env;
    env.log = [logs](int lvl, const std::string& text) { logs->log_tsp(lvl, text); };
    env.log_enabled = [logs](int lvl) { return logs->tsp_logs(lvl); };
    env.load_config = [logs]() -> std::variant<config::settings, std::string> {
        const auto path = default_config_path();
        if (!path) return std::string("no configuration file: set CTIGW_CONFIG");
        auto r = config::load_file(*path);
        if (!r.ok()) return path->string() + ":\n" + format_errors(r);
        logs->configure(r.value->logging);
        return std::move(*r.value);
    };
    env.make_link = [logs](pbx_link::link_settings s, pbx_link::link_callbacks& cb) {
        return pbx_link::make_beast_link(
            std::move(s), cb,
            [logs](int lvl, const std::string& line) { logs->log_link(lvl, line); });
    };
    env.tick_count = []() -> DWORD {
#if defined(_WIN32)
        return GetTickCount();
#else
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now().time_since_epoch());
        return static_cast<DWORD>(static_cast<std::uint64_t>(ms.count()) & 0xFFFFFFFFu);
#endif
    };
    return env;
}

// ---- config_watcher -----------------------------------------------------------------------------

config_watcher::config_watcher(stat_fn stat, std::function<void()> on_change,
                               std::chrono::milliseconds interval)
    : stat_(std::move(stat)), on_change_(std::move(on_change)), interval_(interval) {}

config_watcher::~config_watcher() {
    stop();
}

config_watcher::stat_fn config_watcher::file_stat(std::filesystem::path file) {
    return [file = std::move(file)]() -> std::optional<std::filesystem::file_time_type> {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(file, ec);
        if (ec) return std::nullopt;
        return t;
    };
}

bool config_watcher::poll_once() {
    std::optional<std::filesystem::file_time_type> now;
    try {
        now = stat_ ? stat_() : std::nullopt;
    } catch (...) {
        now = std::nullopt;
    }
    if (!last_) {
        last_ = now;
        return false;
    }
    if (*last_ == now) return false;
    last_ = now;
    // A file that disappeared is not a new configuration (an editor saving by rename, or a
    // mistake): only a readable file with a new time triggers a reload.
    if (!now) return false;
    if (on_change_) {
        try {
            on_change_();
        } catch (...) {
        }
    }
    return true;
}

void config_watcher::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] {
        std::unique_lock lk(mutex_);
        while (!stopping_) {
            lk.unlock();
            poll_once();
            lk.lock();
            wake_.wait_for(lk, interval_, [this] { return stopping_; });
        }
    });
}

void config_watcher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

}  // namespace ctigw::tsp
