// libFuzzer target for the TSP's config loader (ctigw.json, written by an operator, read at
// provider start): any text must load or give located diagnostics, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctigw/config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto r = ctigw::config::load_text(text);
    // Settings and diagnostics exclude each other; every diagnostic has a message.
    if (r.value.has_value() == !r.errors.empty()) __builtin_trap();
    for (const auto& d : r.errors) {
        if (d.message.empty()) __builtin_trap();
    }
    return 0;
}
