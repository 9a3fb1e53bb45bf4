// libFuzzer target for the switch-frame decoder: any byte string must be refused cleanly or
// decoded; whatever decodes must encode and decode again to the same message. The link's way —
// in place, with whatever bytes follow the frame, into a message that held something else —
// must give the same verdict and the same message as the copying decode.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "ctigw/protocol/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ctigw::protocol;
    static auto codec = make_json_codec();
    static message slot{heartbeat{"left over"}};
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    auto r = codec->decode(frame);

    // The frame followed by the padding, filled with what could confuse a reader that went past
    // the frame's end: quotes, backslashes, closing brackets.
    std::vector<char> padded(size + frame_padding);
    if (size > 0) std::memcpy(padded.data(), data, size);
    for (std::size_t i = 0; i < frame_padding; ++i) padded[size + i] = "\"\\}]1 "[i % 6];
    const auto error = codec->decode_padded_into(std::string_view(padded.data(), size), slot);
    if (error.has_value() == r.ok()) __builtin_trap();
    if (!r.ok()) {
        if (error->code != r.error().code || error->pointer != r.error().pointer) __builtin_trap();
        return 0;
    }
    if (!(slot == r.value())) __builtin_trap();

    const auto encoded = codec->encode(r.value());
    auto again = codec->decode(encoded);
    if (!again.ok() || !(again.value() == r.value())) __builtin_trap();
    return 0;
}
