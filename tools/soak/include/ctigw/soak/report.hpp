/**
 * @file
 * The soak's time series (one sample per second) and what becomes of it: a CSV file and a PNG
 * plot (calls/s, events/s, RSS and requests in flight over time, faults marked) drawn by gnuplot.
 *
 * Thread safety: plain functions.
 */
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ctigw::soak {

struct sample {
    double t = 0;  ///< seconds since the start
    double calls_per_second = 0;
    double events_per_second = 0;
    double rss_mib = 0;
    std::size_t in_flight = 0;  ///< async TSPI requests not completed yet
    std::string fault;          ///< the fault injected during this second, if any
};

/// Writes `samples` as CSV (header line first). Returns an error text or empty.
std::string write_csv(const std::filesystem::path& file, const std::vector<sample>& samples);
/// The gnuplot script that draws `csv` into `png`, faults marked as vertical lines.
std::string plot_script(const std::filesystem::path& csv, const std::filesystem::path& png,
                        const std::vector<sample>& samples, const std::string& title);
/// Runs gnuplot on the script (written next to the PNG). Returns an error text or empty.
std::string draw_plot(const std::filesystem::path& csv, const std::filesystem::path& png,
                      const std::vector<sample>& samples, const std::string& title);

}  // namespace ctigw::soak
