// The service's log file (file_log.hpp).
#include "file_log.hpp"

#include <cstdio>

#include "ctigw/acdproxy/proxy.hpp"

namespace ctigw::acdproxy::win {

namespace {

constexpr std::uint64_t roll_over_size = 10u * 1024 * 1024;

const char* level_name(int level) {
    switch (level) {
        case log_level::debug:
            return "debug";
        case log_level::info:
            return "info";
        case log_level::warn:
            return "warn";
        default:
            return "error";
    }
}

/// Creates every missing directory above `path` (the file itself not).
void create_parents(const std::wstring& path) {
    for (auto pos = path.find(L'\\', 3); pos != std::wstring::npos; pos = path.find(L'\\', pos + 1))
        ::CreateDirectoryW(path.substr(0, pos).c_str(), nullptr);  // exists already: fine
}

}  // namespace

std::string narrow(const std::wstring& w) {
    if (w.empty()) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr,
                                        0, nullptr, nullptr);
    if (n <= 0) return {};
    std::string s(static_cast<std::size_t>(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                          nullptr);
    return s;
}

std::wstring file_log::default_path() {
    wchar_t base[MAX_PATH];
    const DWORD n = ::GetEnvironmentVariableW(L"ProgramData", base, MAX_PATH);
    const std::wstring root = (n > 0 && n < MAX_PATH) ? std::wstring(base, n) : L"C:\\ProgramData";
    return root + L"\\ctigw\\logs\\acdproxy.log";
}

file_log::file_log(std::wstring path, int min_level, bool to_stderr)
    : path_(std::move(path)), min_level_(min_level), to_stderr_(to_stderr) {
    open_file();
}

file_log::~file_log() {
    if (file_ != INVALID_HANDLE_VALUE) ::CloseHandle(file_);
}

void file_log::open_file() {
    if (path_.empty()) return;
    create_parents(path_);
    // Others may read (and an administrator may delete) the file while the service runs.
    file_ = ::CreateFileW(path_.c_str(), FILE_APPEND_DATA,
                          FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                          OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file_ == INVALID_HANDLE_VALUE) {
        if (to_stderr_)
            std::fprintf(stderr, "cannot open the log file %s (error %lu)\n", narrow(path_).c_str(),
                         ::GetLastError());
        return;
    }
    LARGE_INTEGER size{};
    size_ = ::GetFileSizeEx(file_, &size) ? static_cast<std::uint64_t>(size.QuadPart) : 0;
}

void file_log::roll_over() {
    ::CloseHandle(file_);
    file_ = INVALID_HANDLE_VALUE;
    const std::wstring old = path_ + L".1";
    ::MoveFileExW(path_.c_str(), old.c_str(), MOVEFILE_REPLACE_EXISTING);
    open_file();
}

void file_log::write(int level, const std::string& text) noexcept {
    if (level < min_level_) return;
    try {
        SYSTEMTIME t;
        ::GetLocalTime(&t);
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%04u-%02u-%02u %02u:%02u:%02u.%03u [%s] ", t.wYear,
                      t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds,
                      level_name(level));
        const std::string line = stamp + text + "\r\n";

        const std::lock_guard lock(mutex_);
        if (to_stderr_) {
            std::fwrite(line.data(), 1, line.size(), stderr);
            std::fflush(stderr);
        }
        if (file_ == INVALID_HANDLE_VALUE) return;
        if (size_ > roll_over_size) roll_over();
        if (file_ == INVALID_HANDLE_VALUE) return;
        DWORD written = 0;
        if (::WriteFile(file_, line.data(), static_cast<DWORD>(line.size()), &written, nullptr))
            size_ += written;
    } catch (...) {  // logging never takes the service down
    }
}

}  // namespace ctigw::acdproxy::win
