// ctigw-acdproxy's log: one UTF-8 text file, appended and flushed line by line, rolled over once
// it passes 10 MB (acdproxy.log -> acdproxy.log.1); with --console also stderr.
//
// Threading: write() may be called from any thread (the proxy's loop and the service control
// handler both log); one mutex orders the lines.
#pragma once

#include <windows.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace ctigw::acdproxy::win {

class file_log {
  public:
    /// Opens (creating the directories of) `path`; an empty path or a failed open leaves only
    /// stderr, when enabled.
    file_log(std::wstring path, int min_level, bool to_stderr);
    ~file_log();
    file_log(const file_log&) = delete;
    file_log& operator=(const file_log&) = delete;

    /// One line at `level` (ctigw::acdproxy::log_level); lower levels than min_level are dropped.
    void write(int level, const std::string& text) noexcept;
    bool file_open() const { return file_ != INVALID_HANDLE_VALUE; }
    const std::wstring& path() const { return path_; }

    /// %ProgramData%\ctigw\logs\acdproxy.log
    static std::wstring default_path();

  private:
    void open_file();
    void roll_over();

    std::mutex mutex_;
    std::wstring path_;
    int min_level_;
    bool to_stderr_;
    HANDLE file_ = INVALID_HANDLE_VALUE;
    std::uint64_t size_ = 0;
};

/// UTF-16 -> UTF-8 (paths and system messages in the log).
std::string narrow(const std::wstring& w);

}  // namespace ctigw::acdproxy::win
