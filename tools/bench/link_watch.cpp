// ctigw-link-watch: connects a pbx-link to a running switch (e.g. `ctigw-pbxsim --load ...`),
// monitors a range of devices and reports the events it receives. Used for load runs over TLS.
//   ctigw-link-watch wss://127.0.0.1:8443/csta --ca certs/ca.pem --token-env TOKEN
//                    --devices 2000-3999 --seconds 70
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "ctigw/pbx_link/link.hpp"

using namespace ctigw;
using steady = std::chrono::steady_clock;

namespace {

struct counting : pbx_link::link_callbacks {
    std::atomic<std::uint64_t> events{0}, truths{0}, downs{0};
    std::atomic<bool> live{false};
    void on_state(pbx_link::link_state, pbx_link::link_state, const std::string&) override {}
    void on_link_down(const pbx_link::link_down& d) override {
        ++downs;
        live = false;
        std::fprintf(stderr, "link down: %s\n", d.reason.c_str());
    }
    void on_device_truth(const pbx_link::device_truth&) override { ++truths; }
    void on_live() override { live = true; }
    void on_event(const std::string&, const protocol::event_message&) override { ++events; }
};

int usage() {
    std::fprintf(stderr,
                 "usage: ctigw-link-watch URL --ca FILE (--token T | --token-env VAR) "
                 "--devices FIRST-LAST [--seconds N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    pbx_link::link_settings s;
    auto ep = pbx_link::parse_endpoint(argv[1]);
    if (!ep) return usage();
    s.endpoints.push_back(*ep);
    long first = 0, last = -1, seconds = 60;
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
