// Event timestamps (ctigw/protocol/timestamp.hpp): written with microseconds, read back to the
// microsecond; anything that is not the form is refused, never misread.
#include <gtest/gtest.h>

#include <chrono>

#include "ctigw/protocol/timestamp.hpp"

namespace ctigw::protocol {
namespace {

using namespace std::chrono;

TEST(timestamp, IsWrittenInUtcWithMicroseconds) {
    const auto t =
        sys_days{year{2026} / 12 / 5} + hours{19} + minutes{40} + seconds{3} + microseconds{7};
    EXPECT_EQ(format_timestamp(time_point_cast<system_clock::duration>(t)),
              "2026-12-05T19:40:03.000007Z");
    EXPECT_EQ(format_timestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
}

TEST(timestamp, ReadsBackWhatWasWritten) {
    const auto now = time_point_cast<microseconds>(system_clock::now());
    const auto text = format_timestamp(now);
    ASSERT_EQ(text.size(), 27U);
    EXPECT_EQ(parse_timestamp_us(text), now.time_since_epoch().count());
}

TEST(timestamp, FractionsOfAnyLengthAndNone) {
    const std::int64_t base = 1764963600LL * 1000000;  // 2025-12-05T19:40:00Z
    EXPECT_EQ(parse_timestamp_us("2025-12-05T19:40:00Z"), base);
    EXPECT_EQ(parse_timestamp_us("2025-12-05T19:40:00.1Z"), base + 100000);
    EXPECT_EQ(parse_timestamp_us("2025-12-05T19:40:00.120Z"), base + 120000);  // the protocol's ms
    EXPECT_EQ(parse_timestamp_us("2025-12-05T19:40:00.123456789Z"), base + 123456);
}

TEST(timestamp, RefusesWhatIsNotTheForm) {
    for (const char* bad :
         {"", "2025-12-05", "2025-12-05T19:40:00", "2025-12-05 19:40:00Z",
          "2025-12-05T19:40:00+01:00", "2025-13-05T19:40:00Z", "2025-02-30T19:40:00Z",
          "2025-12-05T24:00:00Z", "2025-12-05T19:60:00Z", "2025-1a-05T19:40:00Z",
          "2025-12-05T19:40:00.Z", "2025-12-05T19:40:00.12x4Z", "2025-12-05T19:40:00,5Z"}) {
        EXPECT_FALSE(parse_timestamp_us(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace ctigw::protocol
