#include "ctigw/protocol/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace ctigw::protocol {

std::string format_timestamp(std::chrono::system_clock::time_point t) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
    const auto day = std::chrono::floor<std::chrono::days>(us);
    const std::chrono::year_month_day ymd{std::chrono::sys_days{day}};
    const std::chrono::hh_mm_ss hms{us - day};
    std::string out(32, '\0');
    const int n = std::snprintf(
        out.data(), out.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
        static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

namespace {

/// The value of the two ASCII digits at `p`; `ok` is cleared when either is not a digit.
inline int two_digits(const char* p, bool& ok) noexcept {
    const unsigned a = static_cast<unsigned char>(p[0]) - unsigned{'0'};
    const unsigned b = static_cast<unsigned char>(p[1]) - unsigned{'0'};
    ok &= (a < 10) & (b < 10);
    return static_cast<int>(a * 10 + b);
}

constexpr bool leap(int y) noexcept {
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr int days_in_month(int y, int m) noexcept {
    constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date: the year counted from March (so
/// that the leap day ends it) in 400-year eras of 146,097 days. Integer arithmetic only (the
/// <chrono> calendar types' conversion was most of a parse).
constexpr std::int64_t days_since_epoch(int y, int m, int d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int year_of_era = y - era * 400;                                    // [0, 399]
    const int day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
    const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}
static_assert(days_since_epoch(1970, 1, 1) == 0);
static_assert(days_since_epoch(2000, 3, 1) == 11017);
static_assert(days_since_epoch(1969, 12, 31) == -1);

/// The microseconds of "YYYY-MM-DDTHH:MM:SS", the first 19 characters of a timestamp (the
/// caller checked the length); nullopt when they are not that form or no valid date and time.
std::optional<std::int64_t> whole_seconds_us(const char* p) noexcept {
    if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':')
        return std::nullopt;
    bool ok = true;
    const int year = two_digits(p, ok) * 100 + two_digits(p + 2, ok);
    const int month = two_digits(p + 5, ok), mday = two_digits(p + 8, ok);
    const int hour = two_digits(p + 11, ok), minute = two_digits(p + 14, ok);
    const int second = two_digits(p + 17, ok);
    if (!ok || month < 1 || month > 12 || mday < 1 || mday > days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    return (days_since_epoch(year, month, mday) * 86400 + (hour * 60LL + minute) * 60 + second) *
           1000000LL;
}

/// The microseconds of what follows the seconds: "Z" or ".<digits>Z" (digits beyond the sixth
/// ignored); nullopt for anything else.
std::optional<std::int64_t> fraction_us(std::string_view tail) noexcept {
    if (tail == "Z") return 0;
    if (tail.size() == 8 && tail[0] == '.' && tail[7] == 'Z') {  // microseconds: the usual form
        bool ok = true;
        const int high = two_digits(tail.data() + 1, ok), mid = two_digits(tail.data() + 3, ok);
        const int low = two_digits(tail.data() + 5, ok);
        if (!ok) return std::nullopt;
        return (high * 100 + mid) * 100 + low;
    }
    if (tail.size() < 3 || tail.front() != '.' || tail.back() != 'Z') return std::nullopt;
    std::int64_t us = 0;
    int n = 0;
    for (std::size_t i = 1; i + 1 < tail.size(); ++i) {
        const unsigned d = static_cast<unsigned char>(tail[i]) - unsigned{'0'};
        if (d > 9) return std::nullopt;
        if (n < 6) {
            us = us * 10 + d;
            ++n;
        }
    }
    for (; n < 6; ++n) us *= 10;
    return us;
}

constexpr std::size_t kSecondsLength = 19;  // "YYYY-MM-DDTHH:MM:SS"

}  // namespace

std::optional<std::int64_t> parse_timestamp_us(std::string_view t) noexcept {
    return timestamp_reader{}(t);  // one reading of the form: a reader with nothing remembered
}

std::optional<std::int64_t> timestamp_reader::operator()(std::string_view t) noexcept {
    // Fixed layout, digits read by hand (with <chrono>'s calendar and a digit lambda per field a
    // parse was ~400 instructions).
    if (t.size() <= kSecondsLength) return std::nullopt;
    if (!known_ || std::memcmp(t.data(), second_.data(), kSecondsLength) != 0) {
        const auto whole = whole_seconds_us(t.data());
        if (!whole) return std::nullopt;
        std::memcpy(second_.data(), t.data(), kSecondsLength);
        second_us_ = *whole;
        known_ = true;
    }
    const auto fraction = fraction_us(t.substr(kSecondsLength));
    if (!fraction) return std::nullopt;
    return second_us_ + *fraction;
}

}  // namespace ctigw::protocol
