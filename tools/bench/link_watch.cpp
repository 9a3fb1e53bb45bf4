// ctigw-link-watch: connects a pbx-link to a running switch (e.g. `ctigw-pbxsim --load ...` or
// ctigw-firehose), monitors a range of devices and reports the events it receives. Used for load
// runs over TLS and for the client comparison (tools/bench/compare-clients).
//   ctigw-link-watch wss://127.0.0.1:8443/csta --ca certs/ca.pem --token-env TOKEN
//                    --devices 2000-3999 --seconds 70 [--warmup 2] [--latency-file F]
// With --warmup W: W seconds after the link is live, a measurement window of --seconds starts;
// the last line is "RESULT client=ctigw-pbx-link events=... events_per_s=... cpu_us_per_event=...
// lat_p50_us=... lat_p99_us=... lat_max_us=..." (CPU of this process from getrusage; latency from
// the events' timestamps, written by the switch at encoding, to their delivery to the callback).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "ctigw/pbx_link/link.hpp"
#include "ctigw/protocol/timestamp.hpp"
#include "measure.hpp"

using namespace ctigw;
using steady = std::chrono::steady_clock;

namespace {

long long now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct counting : pbx_link::link_callbacks {
    std::atomic<std::uint64_t> events{0}, truths{0}, downs{0};
    std::atomic<bool> live{false};
    std::atomic<bool> measuring{false};
    std::vector<long long> latencies_us;  ///< only the delivery thread writes, while measuring
    void on_state(pbx_link::link_state, pbx_link::link_state, const std::string&) override {}
    void on_link_down(const pbx_link::link_down& d) override {
        ++downs;
        live = false;
        std::fprintf(stderr, "link down: %s\n", d.reason.c_str());
    }
    void on_device_truth(const pbx_link::device_truth&) override { ++truths; }
    void on_live() override { live = true; }
    void on_event(const std::string&, const protocol::event_message& e) override {
        events.fetch_add(1, std::memory_order_relaxed);
        if (e.timestamp && measuring.load(std::memory_order_relaxed)) {
            if (const auto sent = protocol::parse_timestamp_us(*e.timestamp))
                latencies_us.push_back(now_us() - *sent);
        }
    }
};

int usage() {
    std::fprintf(stderr,
                 "usage: ctigw-link-watch URL --ca FILE (--token T | --token-env VAR) "
                 "--devices FIRST-LAST [--seconds N] [--warmup W] [--latency-file F]\n");
    return 2;
}

/// The measurement window: `warmup` s after live, `seconds` s of events; the RESULT line.
int measure(pbx_link::link& link, counting& cb, long warmup, long seconds,
            const std::string& latency_file) {
    const auto deadline = steady::now() + std::chrono::seconds(60);
    while (!cb.live.load() && steady::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!cb.live.load()) {
        std::fprintf(stderr, "ctigw-link-watch: the link did not go live within 60 s\n");
        link.stop();
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(warmup));
    cb.latencies_us.reserve(4'000'000);
    const auto e0 = cb.events.load();
    const double c0 = bench::cpu_seconds();
    const auto t0 = steady::now();
    cb.measuring = true;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    cb.measuring = false;
    const auto e1 = cb.events.load();
    const double c1 = bench::cpu_seconds();
    const double wall = std::chrono::duration<double>(steady::now() - t0).count();
    link.stop();  // joins the delivery thread: latencies_us is ours from here
    auto& lat = cb.latencies_us;
    std::sort(lat.begin(), lat.end());
    const auto pct = [&](double p) {
        return lat.empty()
                   ? -1LL
                   : lat[std::min(lat.size() - 1,
                                  static_cast<std::size_t>(p * static_cast<double>(lat.size())))];
    };
    if (!latency_file.empty()) {
        std::ofstream out(latency_file);
        for (const auto l : lat) out << l << '\n';
    }
    const auto n = e1 - e0;
    std::printf(
        "RESULT client=ctigw-pbx-link events=%llu seconds=%.2f events_per_s=%.0f cpu_s=%.3f "
        "cpu_us_per_event=%.3f lat_p50_us=%lld lat_p99_us=%lld lat_max_us=%lld "
        "latency_samples=%zu link_downs=%llu\n",
        static_cast<unsigned long long>(n), wall, static_cast<double>(n) / wall, c1 - c0,
        n == 0 ? 0.0 : (c1 - c0) * 1e6 / static_cast<double>(n), pct(0.5), pct(0.99),
        lat.empty() ? -1LL : lat.back(), lat.size(),
        static_cast<unsigned long long>(cb.downs.load()));
    return cb.downs.load() == 0 && n > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    pbx_link::link_settings s;
    auto ep = pbx_link::parse_endpoint(argv[1]);
    if (!ep) return usage();
    s.endpoints.push_back(*ep);
    long first = 0, last = -1, seconds = 60, warmup = -1;
    std::string latency_file;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string opt = argv[i], val = argv[i + 1];
        if (opt == "--ca")
            s.tls.ca_file = val;
        else if (opt == "--token")
            s.token = val;
        else if (opt == "--token-env")
            s.token = std::getenv(val.c_str()) ? std::getenv(val.c_str()) : "";
        else if (opt == "--seconds")
            seconds = std::atol(val.c_str());
        else if (opt == "--warmup")
            warmup = std::atol(val.c_str());
        else if (opt == "--latency-file")
            latency_file = val;
        else if (opt == "--devices") {
            auto dash = val.find('-');
            if (dash == std::string::npos) return usage();
            first = std::atol(val.substr(0, dash).c_str());
            last = std::atol(val.substr(dash + 1).c_str());
        } else {
            return usage();
        }
    }
    if (last < first || s.token.empty()) return usage();
    for (long d = first; d <= last; ++d) s.devices.push_back(std::to_string(d));
    counting cb;
    auto link = pbx_link::make_beast_link(s, cb, [](int level, const std::string& line) {
        if (level >= pbx_link::log_level::warn) std::fprintf(stderr, "%s\n", line.c_str());
    });
    link->start();
    if (warmup >= 0) return measure(*link, cb, warmup, seconds, latency_file);
    const auto start = steady::now();
    std::uint64_t last_events = 0;
    for (long t = 1; t <= seconds; ++t) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (t % 5 == 0) {
            const auto e = cb.events.load();
            const auto f = link->figures();
            std::fprintf(stderr,
                         "t=%lds live=%d events/s=%.0f total=%llu rtt=%lldms delivery_queue=%zu\n",
                         t, cb.live.load() ? 1 : 0, static_cast<double>(e - last_events) / 5.0,
                         static_cast<unsigned long long>(e),
                         static_cast<long long>(f.average_round_trip.count()), f.delivery_queue);
            last_events = e;
        }
    }
    link->stop();
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    std::printf(
        "watched %zu devices for %.0f s: %llu events (%.0f/s), %llu truths, %llu link downs\n",
        s.devices.size(), elapsed, static_cast<unsigned long long>(cb.events.load()),
        static_cast<double>(cb.events.load()) / elapsed,
        static_cast<unsigned long long>(cb.truths.load()),
        static_cast<unsigned long long>(cb.downs.load()));
    return cb.downs.load() == 0 ? 0 : 1;
}
