// libFuzzer target for the AMI parser (gateway/src/asterisk/ami_parser.hpp). The first 8 bytes
// seed the chunk sizes, the rest is the stream Asterisk would send. Checks: the stream fed in
// random chunks gives exactly what it gives in one piece (messages, banner, skipped lines,
// verdict); every message that encodes parses back to itself. Small limits so that they trip.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "asterisk/ami_parser.hpp"
#include "chunked_input.hpp"

namespace ami = ctigw::gateway::ami;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ctigw::fuzz::chunked_input input(data, size);
    const std::string_view stream = input.stream();
    const ami::parser_limits limits{256, 16, 2048};

    ami::parser whole(limits);
    std::vector<ami::message> expected;
    const bool whole_ok = whole.feed(stream, expected);

    ami::parser split(limits);
    std::vector<ami::message> got;
    bool split_ok = true;
    while (!input.done() && split_ok) split_ok = split.feed(input.next(512), got);
    if (whole_ok != split_ok || expected != got || whole.banner() != split.banner() ||
        whole.skipped_lines() != split.skipped_lines() || whole.error() != split.error()) {
        __builtin_trap();
    }

    for (const auto& m : expected) {
        const auto e = ami::encode_message(m);
        if (!e.ok()) continue;
        ami::parser again(ami::parser_limits{}, false);
        std::vector<ami::message> back;
        if (!again.feed(e.wire, back) || back.size() != 1 || !(back[0] == m)) __builtin_trap();
    }
    return 0;
}
