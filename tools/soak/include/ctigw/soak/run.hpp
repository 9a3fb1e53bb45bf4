/**
 * @file
 * One soak run: the simulator in process (tapihost's in_process_sim) with its load generator on
 * stations of its own, a TCP forwarder as the primary endpoint and the simulator itself as the
 * standby, the TSP loaded by the TAPISRV stand-in with every line and phone open, TAPI workers
 * building call situations on lines of their own, and faults injected one after the other. Every
 * second: a sample (calls/s, events/s, RSS, requests in flight), the stale-call comparison of the
 * TSP's calls with the switch's connections, and a progress line. At the end: the invariants and
 * the report (docs/reliability.md).
 *
 * Thread safety: run() from one thread.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctigw/soak/logic.hpp"

namespace ctigw::soak {

struct soak_options {
    std::int64_t duration_s = 60;
    std::uint64_t seed = 1;
    int workers = 5;               ///< TAPI workers, three lines each (2000...)
    double load_rate = 4;          ///< the simulator's own calls per second (0: none)
    int load_stations = 60;        ///< stations for them, after the workers'
    std::int64_t fault_gap_s = 3;  ///< quiet time between the end of one fault and the next
    std::vector<fault_kind> faults = all_faults();
    std::filesystem::path report_dir;  ///< CSV, PNG, report.txt (empty: the report on stdout only)
    std::string tsp_path;
    double rss_growth_limit_mib = 64;  ///< memory counts as flat below this growth
    std::int64_t stale_grace_s = 10;   ///< a call may disagree with the switch this long
    bool every_fault = false;          ///< fail unless every enabled kind was injected
    bool progress = true;
    bool verbose = false;
};

/// Runs the soak; returns the exit code (0: every invariant held, 1: one did not, 2: set-up).
int run_soak(const soak_options& options);

}  // namespace ctigw::soak
