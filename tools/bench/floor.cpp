// ctigw-bench-floor: the cost of reading the replay source's frames with no I/O at all, as the
// client comparison's floor (docs/performance.md): simdjson on-demand reading the fields a TAPI
// layer needs (type, seq, event, monitorRef, timestamp, the callID, localConnectionInfo) as
// string_views, and ctigw's own protocol::codec of the same frames: decode() (typed, owning, a
// message per frame) and decode_padded_into() as pbx-link calls it (in place in the read buffer,
// into one reused message).
//   ctigw-bench-floor [frames=1000000] [stations=2000]
// Prints one RESULT line per reader (events_per_s and cpu_us_per_event on one thread).
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ctigw/protocol/codec.hpp"
#include "firehose.hpp"

namespace {

using steady = std::chrono::steady_clock;

void result(const char* client, std::size_t n, double seconds, std::size_t checksum) {
    std::printf(
        "RESULT client=%s events=%zu seconds=%.3f events_per_s=%.0f cpu_us_per_event=%.3f "
        "checksum=%zu\n",
        client, n, seconds, static_cast<double>(n) / seconds,
        seconds * 1e6 / static_cast<double>(n), checksum);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const long stations_n = argc > 2 ? std::atol(argv[2]) : 2000;
    std::vector<std::string> stations;
    for (long d = 0; d < stations_n; ++d) stations.push_back(std::to_string(2000 + d));
    const auto frames = ctigw::firehose::sample_frames(stations, count);
    std::size_t smallest = ~std::size_t{0}, largest = 0, bytes = 0;
    for (const auto& f : frames) {
        smallest = std::min(smallest, f.size());
        largest = std::max(largest, f.size());
        bytes += f.size();
    }
    std::printf("frames: %zu, %zu-%zu bytes, mean %.0f\n", frames.size(), smallest, largest,
                static_cast<double>(bytes) / static_cast<double>(frames.size()));
    std::vector<simdjson::padded_string> padded;
    padded.reserve(frames.size());
    for (const auto& f : frames) padded.emplace_back(f);

    simdjson::ondemand::parser parser;
    std::size_t checksum = 0;
    auto t0 = steady::now();
    for (auto& p : padded) {
        auto doc = parser.iterate(p);
        std::string_view type, event, ref, stamp, state, call;
        std::uint64_t seq = 0;
        for (auto field : doc.get_object()) {
            const std::string_view key = field.unescaped_key();
            if (key == "type") {
                type = field.value().get_string();
            } else if (key == "seq") {
                seq = field.value().get_uint64();
            } else if (key == "event") {
                event = field.value().get_string();
            } else if (key == "monitorRef") {
                ref = field.value().get_string();
            } else if (key == "timestamp") {
                stamp = field.value().get_string();
            } else if (key == "data") {
                for (auto member : field.value().get_object()) {
                    const std::string_view k = member.unescaped_key();
                    if (k == "localConnectionInfo") {
                        state = member.value().get_string();
                    } else if (call.empty()) {
                        auto v = member.value();
                        if (v.type() == simdjson::ondemand::json_type::object) {
                            std::string_view id;
                            if (v.find_field_unordered("callID").get(id) == simdjson::SUCCESS)
                                call = id;
                        }
                    }
                }
            }
        }
        checksum += type.size() + event.size() + ref.size() + stamp.size() + state.size() +
                    call.size() + seq;
    }
    result("floor-simdjson", padded.size(),
           std::chrono::duration<double>(steady::now() - t0).count(), checksum);

    auto codec = ctigw::protocol::make_json_codec();
    checksum = 0;
    t0 = steady::now();
    for (const auto& f : frames) checksum += codec->decode(f).ok() ? 1U : 0U;
    result("ctigw-codec-decode", frames.size(),
           std::chrono::duration<double>(steady::now() - t0).count(), checksum);
    const bool copied_ok = checksum == frames.size();

    // As the link decodes: each frame in a padded buffer, into the slot the last one used.
    ctigw::protocol::message slot{std::in_place_type<ctigw::protocol::event_message>};
    checksum = 0;
    t0 = steady::now();
    for (auto& p : padded) {
        const auto error = codec->decode_padded_into(std::string_view(p.data(), p.size()), slot);
        checksum += error ? 0U : 1U;  // counts the frames decoded, as the row above
    }
    result("ctigw-codec-in-place", padded.size(),
           std::chrono::duration<double>(steady::now() - t0).count(), checksum);
    return copied_ok && checksum == padded.size() ? 0 : 1;
}
