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

namespace ami = ctigw::gateway::ami;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint64_t seed = 0;
    if (size >= 8) {
        std::memcpy(&seed, data, 8);
        data += 8;
        size -= 8;
    }
    const std::string_view stream(reinterpret_cast<const char*>(data), size);
    const ami::parser_limits limits{256, 16, 2048};

    ami::parser whole(limits);
    std::vector<ami::message> expected;
    const bool whole_ok = whole.feed(stream, expected);

    ami::parser split(limits);
    std::vector<ami::message> got;
    bool split_ok = true;
    std::string_view rest = stream;
    while (!rest.empty() && split_ok) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        // Mostly tiny chunks (1-8 bytes: mid-CRLF splits), sometimes large ones.
        const std::size_t n = (seed >> 60) < 12 ? 1 + ((seed >> 33) % 8) : 1 + ((seed >> 33) % 512);
        split_ok = split.feed(rest.substr(0, n), got);
        rest.remove_prefix(std::min(n, rest.size()));
    }
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
