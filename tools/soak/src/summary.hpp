// What a soak run records, and the report made of it (summary.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ctigw/pbxsim/load.hpp"
#include "ctigw/soak/report.hpp"
#include "ctigw/soak/run.hpp"
#include "ctigw/soak/worker.hpp"

namespace ctigw::soak {

struct run_record {
    soak_options options;
    double elapsed_s = 0;
    std::vector<sample> samples;
    std::array<std::uint64_t, fault_kind_count> fault_counts{};
    std::vector<std::string> fault_errors;  ///< fault commands the simulator refused
    std::array<std::uint64_t, situation_count> situations_hit{};  ///< workers' situations at faults
    worker_stats workers;                                         ///< summed over the workers
    pbxsim::load_summary load;
    std::uint64_t events = 0;       ///< TSPI events the stand-in received
    std::uint64_t completions = 0;  ///< ASYNC_COMPLETIONs
    std::uint64_t proxy_connections = 0;
    std::vector<std::string> stale;       ///< stale calls found
    std::vector<std::string> violations;  ///< TAPI rule violations (exactly-once among them)

    void add(const worker_stats& w);
};

/// One progress line (stderr, once a second).
std::string progress_line(const sample& s, std::size_t calls, std::size_t stale,
                          std::size_t violations);
/// The report as text (a table).
std::string report_text(const run_record& rec, const memory_verdict& memory);
/// Prints the report, writes report.txt, CSV and PNG into the report directory; returns the exit
/// code (0 when every invariant held).
int finish_report(const run_record& rec);

}  // namespace ctigw::soak
