#include "ctigw/protocol/timestamp.hpp"

#include <cstdio>

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

std::optional<std::int64_t> parse_timestamp_us(std::string_view t) noexcept {
    // Fixed layout, digits read by hand: the benchmark clients call this for every event.
    if (t.size() < 20 || t.back() != 'Z' || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
        t[13] != ':' || t[16] != ':')
        return std::nullopt;
    bool ok = true;
    const auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9') ok = false;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    const int year = num(0, 4), month = num(5, 2), mday = num(8, 2);
    const int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
    std::int64_t us = 0;
    if (t.size() == 20) {
        // "...SSZ": no fraction
    } else if (t[19] == '.' && t.size() > 21) {
        int digits = 0;
        for (std::size_t i = 20; i + 1 < t.size(); ++i) {
            if (t[i] < '0' || t[i] > '9') return std::nullopt;
            if (digits < 6) {
                us = us * 10 + (t[i] - '0');
                ++digits;
            }
        }
        while (digits++ < 6) us *= 10;
    } else {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(mday)}};
    if (!ok || !ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    const auto day = std::chrono::sys_days{ymd}.time_since_epoch();
    return std::chrono::duration_cast<std::chrono::microseconds>(day).count() +
           ((hour * 60LL + minute) * 60 + second) * 1000000LL + us;
}

}  // namespace ctigw::protocol
