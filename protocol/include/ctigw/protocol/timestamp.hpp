/**
 * @file
 * The `timestamp` of an event (docs/protocol.md §4.2): RFC 3339, UTC. Written with microseconds by
 * ctigw-gateway (the event_timestamps option) and the benchmarks' sources; read by the benchmark
 * clients and the TSP (its latency figure). Pure functions; callable from any thread.
 * timestamp_text: a value; timestamp_reader: one thread at a time.
 */
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctigw::protocol {

/// An event's timestamp as the switch wrote it, kept in place: decoding an event allocates
/// nothing for it (a std::string would, past 15 characters: one allocation per event, made on
/// the link's I/O thread and freed on its delivery thread). At most max_size bytes, the
/// schema's limit; the decoder refuses longer ones as it refuses any string over its limit.
class timestamp_text {
  public:
    static constexpr std::size_t max_size = 64;

    timestamp_text() noexcept = default;
    /// Throws std::length_error past max_size. Implicit, like std::string's from text.
    timestamp_text(std::string_view s) {  // NOLINT(google-explicit-constructor)
        if (s.size() > max_size) throw std::length_error("a timestamp is at most 64 bytes");
        std::memcpy(data_, s.data(), s.size());
        size_ = static_cast<unsigned char>(s.size());
    }
    timestamp_text(const char* s)  // NOLINT(google-explicit-constructor)
        : timestamp_text(std::string_view(s)) {}
    timestamp_text(const std::string& s)  // NOLINT(google-explicit-constructor)
        : timestamp_text(std::string_view(s)) {}

    std::string_view view() const noexcept { return {data_, size_}; }
    operator std::string_view() const noexcept {  // NOLINT(google-explicit-constructor)
        return view();
    }
    std::string str() const { return std::string(view()); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // One exact overload per kind of operand: with conversions only, a std::string or a literal
    // could take two paths (and a defaulted == of a struct holding one would be deleted).
    friend bool operator==(const timestamp_text& a, const timestamp_text& b) noexcept {
        return a.view() == b.view();
    }
    friend bool operator==(const timestamp_text& a, std::string_view b) noexcept {
        return a.view() == b;
    }
    friend bool operator==(const timestamp_text& a, const std::string& b) noexcept {
        return a.view() == b;
    }
    friend bool operator==(const timestamp_text& a, const char* b) noexcept {
        return a.view() == b;
    }

  private:
    char data_[max_size] = {};  // NOLINT(modernize-avoid-c-arrays): a fixed in-place buffer
    unsigned char size_ = 0;
};

/// "2026-12-05T19:40:00.123456Z": `t` in UTC with microseconds (always 27 characters).
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// Microseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (fraction of any length;
/// digits beyond microseconds are ignored). nullopt when `t` is not of that form or names no
/// valid date and time.
std::optional<std::int64_t> parse_timestamp_us(std::string_view t) noexcept;

/// parse_timestamp_us() for a stream of timestamps: the events of a busy switch mostly share
/// their second, so the reader keeps the last "YYYY-MM-DDTHH:MM:SS" it read and, when the next
/// timestamp begins with it, reads only the fraction. Same results as parse_timestamp_us().
/// Not thread-safe: one reader per thread (the TSP's: the link's delivery thread).
class timestamp_reader {
  public:
    std::optional<std::int64_t> operator()(std::string_view t) noexcept;

  private:
    std::array<char, 19> second_{};  // the text of the last whole second read
    std::int64_t second_us_ = 0;     // its microseconds since the epoch
    bool known_ = false;             // second_ holds one
};

}  // namespace ctigw::protocol
