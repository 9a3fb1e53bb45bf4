// libFuzzer target for the gateway's config loader (ctigw-gateway.json, re-read at every SIGHUP):
// any text must load or give located diagnostics, never crash or hang. Files named by the text
// are not checked (the fuzzer must not depend on the machine's files).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctigw/gateway/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ctigw::gateway::load_options options;
    options.check_files = false;
    const auto r = ctigw::gateway::load_gateway_text(text, {}, options);
    if (r.settings.has_value() == !r.diagnostics.empty()) __builtin_trap();
    if (r.settings && (r.settings->listen.empty() || r.settings->clients.empty())) __builtin_trap();
    for (const auto& d : r.diagnostics) {
        if (d.message.empty()) __builtin_trap();
    }
    return 0;
}
