// libFuzzer target for the switch-frame decoder: any byte string must be refused cleanly or
// decoded; whatever decodes must encode and decode again to the same message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctigw/protocol/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto codec = ctigw::protocol::make_json_codec();
    auto r = codec->decode(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!r.ok()) return 0;
    const auto frame = codec->encode(r.value());
    auto again = codec->decode(frame);
    if (!again.ok() || !(again.value() == r.value())) __builtin_trap();
    return 0;
}
