// libFuzzer target for the link's WebSocket reader (pbx-link/src/ws_framing.hpp): the bytes a
// hostile switch sends after the upgrade. The first 8 bytes seed the chunk sizes, the rest is the
// stream. Checks: the stream fed in random chunks, the way connection.cpp feeds it (consumed
// bytes dropped, the rest kept), gives exactly the items it gives in one piece; no item is past
// the limit; wanted() never asks for more than the limit and a header; nothing consumed is past
// what was given. A small limit so that oversized messages happen.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "chunked_input.hpp"
#include "ws_framing.hpp"

namespace ws = ctigw::pbx_link::detail::ws;

namespace {

constexpr std::size_t kLimit = 1024;

struct seen {
    ws::item::kind what;
    bool text;
    std::string payload;
    std::uint16_t code;
    std::size_t length;
    bool operator==(const seen&) const = default;
};

/// Feeds `chunk` into `pending` and takes every item; false once the reader is done.
bool take(ws::reader& r, std::string& pending, std::string_view chunk, std::vector<seen>& out) {
    pending.append(chunk);
    for (;;) {
        std::size_t used = 0;
        const auto it = r.next(pending, used);
        if (used > pending.size()) __builtin_trap();
        if (it.what == ws::item::kind::need_more) {
            if (r.wanted() > kLimit + 14 || r.wanted() == 0) __builtin_trap();
            pending.erase(0, used);
            return true;
        }
        if (it.payload.size() > kLimit) __builtin_trap();
        out.push_back(seen{it.what, it.text, std::string(it.payload), it.code, it.length});
        pending.erase(0, used);
        if (it.what == ws::item::kind::violation) return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ctigw::fuzz::chunked_input input(data, size);

    ws::reader whole(kLimit);
    std::string pending_whole;
    std::vector<seen> expected;
    take(whole, pending_whole, input.stream(), expected);

    ws::reader split(kLimit);
    std::string pending;
    std::vector<seen> got;
    bool going = true;
    while (!input.done() && going) going = take(split, pending, input.next(2048), got);
    if (expected != got) __builtin_trap();
    return 0;
}
