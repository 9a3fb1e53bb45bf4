// Event timestamps (ctigw/protocol/timestamp.hpp): written with microseconds, read back to the
// microsecond; anything that is not the form is refused, never misread.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

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

TEST(timestamp, ReadsBackEveryDayOfThreeCenturies) {
    // Every day from 1900 to 2200 (the leap rules of 1900, 2000 and 2100 among them; the range of
    // a nanosecond system_clock), each at a different time of day, against <chrono>'s calendar.
    const auto first = sys_days{year{1900} / 1 / 1};
    const auto last = sys_days{year{2200} / 12 / 31};
    std::int64_t n = 0;
    for (auto d = first; d <= last; d += days{1}, ++n) {
        const auto t = d + microseconds{(n * 7919 * 1000003) % (86400LL * 1000000)};
        const auto text = format_timestamp(time_point_cast<system_clock::duration>(t));
        ASSERT_EQ(parse_timestamp_us(text), t.time_since_epoch().count()) << text;
    }
}

TEST(timestamp, LeapDaysAndMonthEnds) {
    EXPECT_TRUE(parse_timestamp_us("2024-02-29T00:00:00Z").has_value());
    EXPECT_TRUE(parse_timestamp_us("2000-02-29T00:00:00Z").has_value());
    EXPECT_TRUE(parse_timestamp_us("2025-04-30T23:59:59.999999Z").has_value());
    EXPECT_TRUE(parse_timestamp_us("2025-12-31T23:59:60Z").has_value());  // a leap second
    // The first and last years the form can hold, against <chrono>'s calendar.
    const auto day_us = [](year_month_day d) {
        return sys_days{d}.time_since_epoch().count() * 86400LL * 1000000;
    };
    EXPECT_EQ(parse_timestamp_us("0000-01-01T00:00:00Z"), day_us(year{0} / 1 / 1));
    EXPECT_EQ(parse_timestamp_us("0000-02-29T00:00:00Z"), day_us(year{0} / 2 / 29));
    EXPECT_EQ(parse_timestamp_us("0001-03-01T00:00:00Z"), day_us(year{1} / 3 / 1));
    EXPECT_EQ(parse_timestamp_us("9999-12-31T00:00:00Z"), day_us(year{9999} / 12 / 31));
    for (const char* bad : {"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                            "2025-04-31T00:00:00Z", "2025-12-00T00:00:00Z", "2025-00-10T00:00:00Z",
                            "2025-12-32T00:00:00Z", "2025-12-05T19:40:61Z"}) {
        EXPECT_FALSE(parse_timestamp_us(bad).has_value()) << bad;
    }
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
          "2025-12-05T19:40:00.Z", "2025-12-05T19:40:00.12x4Z", "2025-12-05T19:40:00,5Z",
          "2025-12-05T19:40:00.12345xZ", "2025-12-05T19:40:00.x23456Z",
          "2025-12-05T19:40:00.123456z", "2025-12-05T19:40:0/Z", "2025-12-05T1:-40:00Z",
          "202:-12-05T19:40:00Z"}) {
        EXPECT_FALSE(parse_timestamp_us(bad).has_value()) << bad;
    }
}

TEST(timestamp, AReaderReadsAStreamAsTheFunctionDoes) {
    // Same second, next second, a bad fraction or a bad date in between, back to a known second:
    // the reader's remembered second never changes a result.
    const std::vector<std::string> stream{
        "2025-12-05T19:40:00.000001Z", "2025-12-05T19:40:00.5Z",
        "2025-12-05T19:40:00Z",        "2025-12-05T19:40:00.12x4Z",
        "2025-12-05T19:40:00.999999Z", "2025-12-05T19:40:01.000000Z",
        "2025-02-30T19:40:01.000000Z", "2025-12-05T19:40:01.25Z",
        "2025-12-05T19:40:00.75Z",     "2025-12-05T19:40:00",
        "2025-12-05T19:40:00.Z",       "2025-12-05 19:40:00.1Z",
        "2025-12-05T19:40:00.1",       "",
        "2025-12-05T19:40:00,1Z",      "2024-02-29T23:59:59.999999Z",
        "2024-03-01T00:00:00.000000Z", "2025-12-05T19:40:00.1Z"};
    timestamp_reader read;
    for (const auto& t : stream) EXPECT_EQ(read(t), parse_timestamp_us(t)) << t;
    // And over many seconds, each read twice with different fractions.
    timestamp_reader again;
    const auto start = sys_days{year{2026} / 12 / 31} + hours{23} + minutes{59};
    for (int i = 0; i < 180; ++i) {
        const auto t = start + seconds{i / 2} + microseconds{i * 1237 % 1000000};
        const auto text = format_timestamp(time_point_cast<system_clock::duration>(t));
        ASSERT_EQ(again(text), t.time_since_epoch().count()) << text;
    }
}

}  // namespace
}  // namespace ctigw::protocol
