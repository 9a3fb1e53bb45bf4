// Loading the TSP and resolving its exports by name (loader.hpp): LoadLibraryW/GetProcAddress on
// Windows, dlopen/dlsym elsewhere.
#include "ctigw/tapihost/loader.hpp"

#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include <filesystem>

namespace ctigw::tapihost {

tsp_library::~tsp_library() {
    // The TSP may leave threads behind if shutdown failed; unloading code they run would crash,
    // so the library stays mapped until the process exits.
}

void* tsp_library::symbol(const char* name) const {
#if defined(_WIN32)
    return reinterpret_cast<void*>(::GetProcAddress(static_cast<HMODULE>(handle_), name));
#else
    return ::dlsym(handle_, name);
#endif
}

std::string tsp_library::load(const std::string& path) {
#if defined(_WIN32)
    // Like TAPISRV: the full path, the DLL's own directory first for its dependencies.
    const auto wide = std::filesystem::path(path).wstring();
    handle_ = ::LoadLibraryExW(wide.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (!handle_) return "cannot load " + path + ": error " + std::to_string(::GetLastError());
#else
    handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* e = ::dlerror();
        return "cannot load " + path + ": " + (e ? e : "unknown error");
    }
#endif
    std::string missing_required;
#define CTIGW_TAPIHOST_RESOLVE(name, required)                                                 \
    if (void* sym = symbol("TSPI_" #name)) {                                                   \
        table_.name = reinterpret_cast<decltype(table_.name)>(sym);                            \
        ++resolved_;                                                                           \
    } else if (required) {                                                                     \
        missing_required += std::string(missing_required.empty() ? "" : ", ") + "TSPI_" #name; \
    } else {                                                                                   \
        missing_.emplace_back(#name);                                                          \
    }
    CTIGW_TAPIHOST_TSPI_FUNCTIONS(CTIGW_TAPIHOST_RESOLVE)
#undef CTIGW_TAPIHOST_RESOLVE
    ui_.providerUIIdentify =
        reinterpret_cast<decltype(ui_.providerUIIdentify)>(symbol("TSPI_providerUIIdentify"));
    ui_.providerGenericDialogData = reinterpret_cast<decltype(ui_.providerGenericDialogData)>(
        symbol("TSPI_providerGenericDialogData"));
#define CTIGW_TAPIHOST_RESOLVE_UI(name) \
    ui_.name = reinterpret_cast<decltype(ui_.name)>(symbol("TUISPI_" #name));
    CTIGW_TAPIHOST_TUISPI_FUNCTIONS(CTIGW_TAPIHOST_RESOLVE_UI)
#undef CTIGW_TAPIHOST_RESOLVE_UI
    if (!missing_required.empty())
        return path + " does not export the required " + missing_required;
    return {};
}

}  // namespace ctigw::tapihost
