// ctigw-soak: the TSP under the TAPISRV stand-in against the simulator, with load and every fault
// the simulator has, for as long as asked; invariants and a report at the end
// (docs/reliability.md, run.hpp).
#include <cstdlib>
#include <iostream>
#include <string>

#include "ctigw/soak/run.hpp"
#include "ctigw/tapihost/platform.hpp"

namespace {

constexpr const char* usage = R"(usage: ctigw-soak [options]
  --duration S         seconds of load and faults (default 60); the end adds ~15 s of checks
  --seed N             seeds the workers, the fault order and the simulator's load (default 1)
  --workers N          TAPI workers, three lines each from 2000 (1-10, default 5)
  --load-rate R        the simulator's own calls per second on other stations (default 4; 0: none)
  --load-stations N    stations for them, after the workers' up to 2099, then from 30000
                       (default 60; a call lasts ~9 s: keep N > 10 x R)
  --fault-gap S        quiet seconds between one fault's end and the next (default 3)
  --faults LIST        comma-separated subset of: drop,restart,gap,messagesLost,delay,refusal,
                       malformed,heartbeats,reorder,failover (default all; "none" for none)
  --every-fault        fail unless every listed fault was injected at least once
  --report DIR         writes report.txt, soak.csv and soak.png (gnuplot) there
  --rss-growth MIB     memory counts as flat when RSS grew less than this (default 64)
  --tsp PATH           the TSP (default: CTIGW_TSP, or next to this program's build)
  --quiet              no progress line
  --verbose            the simulator's log, and the TSP's debug log
Exit code: 0 every invariant held, 1 one did not, 2 bad options or set-up.
)";

bool number(const char* text, long long lo, long long hi, long long& out) {
    char* end = nullptr;
    out = std::strtoll(text, &end, 10);
    return end && *end == '\0' && out >= lo && out <= hi;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ctigw::soak;
    soak_options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
        long long n = 0;
        const auto bad = [&] {
            std::cerr << "ctigw-soak: bad or missing value for " << a << "\n" << usage;
            return 2;
        };
        if (a == "--help" || a == "-h") {
            std::cout << usage;
            return 0;
        } else if (a == "--every-fault") {
            o.every_fault = true;
        } else if (a == "--quiet") {
            o.progress = false;
        } else if (a == "--verbose") {
            o.verbose = true;
        } else if (!v) {
            return bad();
        } else if (a == "--duration") {
            if (!number(v, 5, 7 * 24 * 3600, n)) return bad();
            o.duration_s = n;
            ++i;
        } else if (a == "--seed") {
            if (!number(v, 0, 1LL << 62, n)) return bad();
            o.seed = static_cast<std::uint64_t>(n);
            ++i;
        } else if (a == "--workers") {
            if (!number(v, 1, 10, n)) return bad();
            o.workers = static_cast<int>(n);
            ++i;
        } else if (a == "--load-rate") {
            char* end = nullptr;
            o.load_rate = std::strtod(v, &end);
            if (!end || *end != '\0' || o.load_rate < 0 || o.load_rate > 2000) return bad();
            ++i;
        } else if (a == "--load-stations") {
            if (!number(v, 0, 20000, n)) return bad();
            o.load_stations = static_cast<int>(n);
            ++i;
        } else if (a == "--fault-gap") {
            if (!number(v, 0, 3600, n)) return bad();
            o.fault_gap_s = n;
            ++i;
        } else if (a == "--faults") {
            o.faults.clear();
            const std::string list = v;
            if (list != "none") {
                std::size_t at = 0;
                while (at <= list.size()) {
                    const auto comma = std::min(list.find(',', at), list.size());
                    const auto f = parse_fault(std::string_view(list).substr(at, comma - at));
                    if (!f) return bad();
                    o.faults.push_back(*f);
                    at = comma + 1;
                }
            }
            ++i;
        } else if (a == "--report") {
            o.report_dir = v;
            ++i;
        } else if (a == "--rss-growth") {
            if (!number(v, 1, 1 << 20, n)) return bad();
            o.rss_growth_limit_mib = static_cast<double>(n);
            ++i;
        } else if (a == "--tsp") {
            o.tsp_path = v;
            ++i;
        } else {
            std::cerr << "ctigw-soak: unknown option " << a << "\n" << usage;
            return 2;
        }
    }
    if (o.tsp_path.empty()) {
        auto d = ctigw::tapihost::platform::default_tsp(argv[0]);
        if (!d) {
            std::cerr << "ctigw-soak: no TSP: give --tsp PATH or set CTIGW_TSP\n";
            return 2;
        }
        o.tsp_path = *d;
    }
    try {
        return run_soak(o);
    } catch (const std::exception& e) {
        std::cerr << "ctigw-soak: " << e.what() << '\n';
        return 2;
    }
}
