/**
 * @file
 * The `timestamp` of an event (docs/protocol.md §4.2): RFC 3339, UTC. Written with microseconds by
 * ctigw-gateway (the event_timestamps option) and the benchmarks' sources; read by the benchmark
 * clients to measure latency. Pure functions; callable from any thread.
 */
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ctigw::protocol {

/// "2026-12-05T19:40:00.123456Z": `t` in UTC with microseconds (always 27 characters).
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// Microseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (fraction of any length;
/// digits beyond microseconds are ignored). nullopt when `t` is not of that form or names no
/// valid date and time.
std::optional<std::int64_t> parse_timestamp_us(std::string_view t) noexcept;

}  // namespace ctigw::protocol
