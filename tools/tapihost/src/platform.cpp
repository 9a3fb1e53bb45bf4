// Platform differences of the host (platform.hpp).
#include "ctigw/tapihost/platform.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#if defined(_WIN32)
#include <io.h>
#include <windows.h>

#include "ctigw/tsp/windows_registry.hpp"
#else
#include <unistd.h>
#endif

namespace ctigw::tapihost::platform {

bool stdin_is_terminal() {
#if defined(_WIN32)
    return ::_isatty(0) != 0;
#else
    return ::isatty(0) != 0;
#endif
}

std::optional<std::string> default_tsp(const char* argv0) {
    if (const char* env = std::getenv("CTIGW_TSP"); env && *env) return std::string(env);
    std::error_code ec;
#if defined(_WIN32)
    wchar_t module[MAX_PATH];
    const DWORD n = ::GetModuleFileNameW(nullptr, module, MAX_PATH);
    std::filesystem::path exe = (n > 0 && n < MAX_PATH) ? std::filesystem::path(module)
                                                        : std::filesystem::absolute(argv0, ec);
    const char* name = "ctigw.tsp";
#else
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) exe = std::filesystem::absolute(argv0, ec);
    const char* name = "libctigw-tsp.so";
#endif
    const auto dir = exe.parent_path();
    for (const auto& candidate : {dir / name, dir / "../../tsp" / name}) {
        if (std::filesystem::exists(candidate, ec))
            return std::filesystem::weakly_canonical(candidate, ec).string();
    }
    return std::nullopt;
}

void set_env(const std::string& name, const std::string& value) {
#if defined(_WIN32)
    ::_putenv_s(name.c_str(), value.c_str());
#else
    ::setenv(name.c_str(), value.c_str(), 1);
#endif
}

std::string point_tsp_at_config(const std::string& path) {
#if defined(_WIN32)
    std::error_code ec;
    const auto full = std::filesystem::absolute(std::filesystem::path(path), ec).wstring();
    HKEY key = nullptr;
    LONG rc = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, tsp::registry::key, 0, nullptr, 0,
                                KEY_SET_VALUE, nullptr, &key, nullptr);
    if (rc != ERROR_SUCCESS)
        return "cannot create HKLM\\SOFTWARE\\ctigw\\TSP: error " + std::to_string(rc);
    rc = ::RegSetValueExW(key, tsp::registry::config_path_value, 0, REG_SZ,
                          reinterpret_cast<const BYTE*>(full.c_str()),
                          static_cast<DWORD>((full.size() + 1) * sizeof(wchar_t)));
    ::RegCloseKey(key);
    if (rc != ERROR_SUCCESS) return "cannot set ConfigPath: error " + std::to_string(rc);
    return {};
#else
    ::setenv("CTIGW_CONFIG", path.c_str(), 1);
    return {};
#endif
}

}  // namespace ctigw::tapihost::platform
