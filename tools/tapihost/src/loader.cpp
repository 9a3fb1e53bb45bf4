// dlopen/dlsym of the TSP (loader.hpp).
#include "ctigw/tapihost/loader.hpp"

#include <dlfcn.h>

namespace ctigw::tapihost {

tsp_library::~tsp_library()
{
    // The TSP may leave threads behind if shutdown failed; unloading code they run would crash,
    // so the library stays mapped until the process exits.
}

std::string tsp_library::load(const std::string& path)
{
    handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* e = ::dlerror();
        return "cannot load " + path + ": " + (e ? e : "unknown error");
    }
    std::string missing_required;
#define CTIGW_TAPIHOST_RESOLVE(name, required)                                                \
    if (void* sym = ::dlsym(handle_, "TSPI_" #name)) {                                        \
        table_.name = reinterpret_cast<decltype(table_.name)>(sym);                           \
        ++resolved_;                                                                          \
    } else if (required) {                                                                    \
        missing_required += std::string(missing_required.empty() ? "" : ", ") + "TSPI_" #name; \
    } else {                                                                                  \
        missing_.emplace_back(#name);                                                         \
    }
    CTIGW_TAPIHOST_TSPI_FUNCTIONS(CTIGW_TAPIHOST_RESOLVE)
#undef CTIGW_TAPIHOST_RESOLVE
    if (!missing_required.empty())
        return path + " does not export the required " + missing_required;
    return {};
}

}  // namespace ctigw::tapihost
