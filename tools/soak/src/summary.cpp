// The soak's report (summary.hpp).
#include "summary.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

// Under AddressSanitizer RSS says nothing about leaks (its quarantine holds freed memory, up to
// 256 MiB): memory is not judged there; LeakSanitizer checks at exit instead.
#if defined(__SANITIZE_ADDRESS__)
#define CTIGW_SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTIGW_SOAK_ASAN 1
#endif
#endif

namespace ctigw::soak {

namespace {
#if defined(CTIGW_SOAK_ASAN)
constexpr bool rss_means_something = false;
#else
constexpr bool rss_means_something = true;
#endif

std::string fixed(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string verdict(bool ok) {
    return ok ? "held" : "BROKEN";
}
}  // namespace

void run_record::add(const worker_stats& w) {
    for (std::size_t i = 0; i < situation_count; ++i) {
        workers.completed[i] += w.completed[i];
        workers.abandoned[i] += w.abandoned[i];
    }
    workers.calls_made += w.calls_made;
    workers.requests += w.requests;
    workers.sync_failures += w.sync_failures;
    workers.error_completions += w.error_completions;
    workers.clear_timeouts += w.clear_timeouts;
    for (const auto& [why, n] : w.abandon_reasons) workers.abandon_reasons[why] += n;
}

std::string progress_line(const sample& s, std::size_t calls, std::size_t stale,
                          std::size_t violations) {
    std::ostringstream out;
    out << "t=" << fixed(s.t, 0) << "s calls/s=" << fixed(s.calls_per_second, 0)
        << " events/s=" << fixed(s.events_per_second, 0) << " rss=" << fixed(s.rss_mib)
        << "MiB in-flight=" << s.in_flight << " tapi-calls=" << calls << " stale=" << stale
        << " violations=" << violations;
    if (!s.fault.empty()) out << " fault=" << s.fault;
    return out.str();
}

std::string report_text(const run_record& rec, const memory_verdict& memory) {
    const auto& o = rec.options;
    std::ostringstream r;
    r << "ctigw-soak report\n"
      << "  run          " << fixed(rec.elapsed_s) << " s (" << o.duration_s << " s of load), seed "
      << o.seed << ", " << o.workers << " TAPI workers (" << 3 * o.workers
      << " lines), simulator load " << fixed(o.load_rate) << " calls/s on " << o.load_stations
      << " stations\n\n";
    r << "  fault           injected\n";
    std::uint64_t total_faults = 0;
    for (std::size_t i = 0; i < fault_kind_count; ++i) {
        char line[96];
        std::snprintf(line, sizeof line, "  %-15s %8llu\n",
                      std::string(to_string(static_cast<fault_kind>(i))).c_str(),
                      static_cast<unsigned long long>(rec.fault_counts[i]));
        r << line;
        total_faults += rec.fault_counts[i];
    }
    r << "  (total " << total_faults << "; the primary endpoint's forwarder accepted "
      << rec.proxy_connections << " connections)\n";
    for (const auto& e : rec.fault_errors) r << "  fault command refused: " << e << '\n';
    r << "\n  situation       at a fault   completed   abandoned\n";
    for (std::size_t i = 0; i < situation_count; ++i) {
        char line[128];
        std::snprintf(line, sizeof line, "  %-15s %10llu %11llu %11llu\n",
                      std::string(to_string(static_cast<situation>(i))).c_str(),
                      static_cast<unsigned long long>(rec.situations_hit[i]),
                      static_cast<unsigned long long>(rec.workers.completed[i]),
                      static_cast<unsigned long long>(rec.workers.abandoned[i]));
        r << line;
    }
    if (!rec.workers.abandon_reasons.empty()) {
        std::vector<std::pair<std::uint64_t, std::string>> reasons;
        for (const auto& [why, n] : rec.workers.abandon_reasons) reasons.emplace_back(n, why);
        std::sort(reasons.rbegin(), reasons.rend());
        r << "  abandoned because (most frequent first):\n";
        for (std::size_t i = 0; i < reasons.size() && i < 8; ++i)
            r << "    " << reasons[i].first << " x " << reasons[i].second << '\n';
    }
    const auto& w = rec.workers;
    r << "\n  TAPI requests   " << w.requests << " accepted (pending), " << w.sync_failures
      << " refused at once, " << w.error_completions << " completed with an error; "
      << rec.completions << " ASYNC_COMPLETIONs in all\n"
      << "  TSPI events     " << rec.events << '\n'
      << "  simulator load  " << rec.load.offered << " calls offered, " << rec.load.completed
      << " completed, " << rec.load.failed << " failed (faults), " << rec.load.cut_off
      << " cut off at the end\n"
      << "  calls in all    " << rec.load.offered + w.calls_made << '\n';
    double peak_rss = 0;
    std::size_t peak_flight = 0;
    for (const auto& s : rec.samples) {
        peak_rss = std::max(peak_rss, s.rss_mib);
        peak_flight = std::max(peak_flight, s.in_flight);
    }
    r << "  memory          RSS " << fixed(memory.start_mib) << " MiB after warm-up, "
      << fixed(memory.end_mib) << " MiB at the end (growth " << fixed(memory.growth_mib)
      << " MiB, slope " << fixed(memory.slope_mib_per_hour) << " MiB/h), peak " << fixed(peak_rss)
      << " MiB; requests in flight peak " << peak_flight << "\n\n";
    r << "  invariant                                   result\n"
      << "  every async request completed exactly once  " << verdict(rec.violations.empty()) << " ("
      << rec.violations.size() << " TAPI rule violations)\n"
      << "  no call active in the TSP, gone at switch   " << verdict(rec.stale.empty()) << " ("
      << rec.stale.size() << " stale)\n"
      << "  no crash                                    held\n"
      << "  memory flat                                 "
      << (!rss_means_something    ? std::string("not judged (AddressSanitizer build: LeakSanitizer "
                                                   "checks at exit)")
          : memory.enough_samples ? verdict(memory.flat)
                                  : std::string("not judged (run too short)"))
      << '\n';
    for (std::size_t i = 0; i < rec.violations.size() && i < 10; ++i)
        r << "    " << rec.violations[i] << '\n';
    for (std::size_t i = 0; i < rec.stale.size() && i < 10; ++i)
        r << "    " << rec.stale[i] << '\n';
    return r.str();
}

int finish_report(const run_record& rec) {
    std::vector<double> rss;
    for (const auto& s : rec.samples) rss.push_back(s.rss_mib);
    const auto warmup = std::min<std::size_t>(rss.size() / 5, 60);
    const auto memory = judge_memory(rss, warmup, rec.options.rss_growth_limit_mib, 1.0);
    const auto text = report_text(rec, memory);
    std::cout << text << std::flush;
    bool ok = rec.violations.empty() && rec.stale.empty() &&
              (memory.flat || !rss_means_something) && rec.fault_errors.empty();
    if (rec.options.every_fault) {
        for (auto kind : rec.options.faults) {
            if (rec.fault_counts[static_cast<std::size_t>(kind)] != 0) continue;
            std::cout << "  fault " << to_string(kind) << " was never injected (--every-fault)\n";
            ok = false;
        }
    }
    const auto& dir = rec.options.report_dir;
    if (!dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        std::ofstream(dir / "report.txt") << text;
        if (auto err = write_csv(dir / "soak.csv", rec.samples); !err.empty()) {
            std::cerr << "ctigw-soak: " << err << '\n';
            ok = false;
        } else if (auto perr = draw_plot(dir / "soak.csv", dir / "soak.png", rec.samples,
                                         "ctigw-soak, seed " + std::to_string(rec.options.seed));
                   !perr.empty()) {
            std::cerr << "ctigw-soak: " << perr << '\n';
            ok = false;
        } else {
            std::cout << "  report, CSV and plot in " << dir.string() << '\n';
        }
    }
    std::cout << "  verdict         " << (ok ? "PASS" : "FAIL") << '\n';
    return ok ? 0 : 1;
}

}  // namespace ctigw::soak
