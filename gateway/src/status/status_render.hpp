// The status server's content, apart from HTTP: the events/s meter, the Prometheus and JSON
// renderings of a snapshot, and the status page with its Content-Security-Policy.
//
// Thread safety: rate_meter is owned by one status_server and used on its io thread; the render
// functions are pure and may run on any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "ctigw/gateway/status_http.hpp"

namespace ctigw::gateway::status {

using time_point = std::chrono::steady_clock::time_point;

/// The rate of a monotonic counter over a sliding window of samples. Samples closer together
/// than `min_spacing` replace the newest one, so that a flood of requests neither grows the
/// window's memory nor shrinks the span it averages over.
class rate_meter {
  public:
    explicit rate_meter(std::chrono::milliseconds window,
                        std::chrono::milliseconds min_spacing = std::chrono::milliseconds{250});
    /// Records `value` at `now` and returns the counter's increase per second between the oldest
    /// sample still needed for the window and this one: over the last `window`, or since the
    /// previous sample when that is older. 0 with a single sample, when time did not advance, or
    /// when the counter went backwards (a new server: the samples restart from there).
    double sample(time_point now, std::uint64_t value);
    std::size_t samples() const { return samples_.size(); }

  private:
    struct point {
        time_point at;
        std::uint64_t value;
    };
    std::chrono::milliseconds window_;
    std::chrono::milliseconds min_spacing_;
    std::deque<point> samples_;
};

/// A label value (or HELP text when `help` is true) escaped per the text exposition format
/// 0.0.4: backslash and newline always, the double quote in label values only.
std::string escape_exposition(std::string_view s, bool help = false);

/// The snapshot in Prometheus text exposition format 0.0.4, every metric with HELP and TYPE.
std::string render_metrics(const status_snapshot& s, double events_per_second);

/// The snapshot as the JSON document the status page reads (docs/gateway-status.md).
std::string render_status_json(const status_snapshot& s, double events_per_second);

/// The status page: one HTML document whose only script and style are inline.
std::string_view status_page_html();

/// The Content-Security-Policy for every response: nothing but same-origin fetches and the
/// page's own script and style, allowed by their SHA-256 hashes.
const std::string& content_security_policy();

}  // namespace ctigw::gateway::status
