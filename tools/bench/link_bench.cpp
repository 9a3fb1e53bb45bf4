// ctigw-bench-link: the pbx-link over TLS on loopback against the in-process simulator.
//   1. events/s decoded and delivered to the callbacks (bursts of calls in the model)
//   2. request round trip (GetDoNotDisturb), median and p99, with a window of 1 and of 32
// Usage: ctigw-bench-link [requests=10000] [devices=1000] [rounds=20]
#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "ctigw/pbx_link/link.hpp"
#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/pbxsim/server.hpp"

namespace net = boost::asio;
using namespace ctigw;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

struct counting_callbacks : pbx_link::link_callbacks {
    std::atomic<std::uint64_t> events{0};
    std::atomic<int> lives{0};
    void on_state(pbx_link::link_state, pbx_link::link_state, const std::string&) override {}
    void on_link_down(const pbx_link::link_down& d) override {
        std::fprintf(stderr, "link down: %s\n", d.reason.c_str());
    }
    void on_device_truth(const pbx_link::device_truth&) override {}
    void on_live() override { ++lives; }
    void on_event(const std::string&, const protocol::event_message&) override { ++events; }
};

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout) {
    const auto end = steady::now() + timeout;
    while (!pred()) {
        if (steady::now() > end) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    return v[i];
}

/// `total` GetDoNotDisturb with at most `window` outstanding; latencies in microseconds.
std::vector<double> round_trips(pbx_link::link& l, int total, int window) {
    std::mutex m;
    std::condition_variable cv;
    int issued = 0, done = 0, failures = 0;
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(total));
    std::function<void()> issue = [&] {
        // called with m held
        const auto t0 = steady::now();
        ++issued;
        (void)l.request(
            protocol::service_params{
                std::in_place_index<protocol::service_index_v<protocol::svc::get_do_not_disturb>>,
                protocol::svc::get_do_not_disturb::params{"2001"}},
            [&, t0](pbx_link::request_outcome o) {
                const auto dt =
                    std::chrono::duration<double, std::micro>(steady::now() - t0).count();
                std::lock_guard lock(m);
                us.push_back(dt);
                if (!o.ok()) ++failures;
                ++done;
                if (issued < total) issue();
                cv.notify_all();
            });
    };
    {
        std::unique_lock lock(m);
        for (int i = 0; i < window && issued < total; ++i) issue();
        cv.wait_for(lock, 120s, [&] { return done == total; });
    }
    if (failures) std::fprintf(stderr, "%d request(s) failed\n", failures);
    return us;
}

}  // namespace

int main(int argc, char** argv) {
    const int requests = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int device_count = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 20;

    const auto dir = std::filesystem::temp_directory_path() / "ctigw-bench-link";
    if (auto err = pbxsim::write_demo_certificates(dir, {"127.0.0.1", "localhost"}); !err.empty()) {
        std::fprintf(stderr, "certificates: %s\n", err.c_str());
        return 1;
    }
    pbxsim::sim_config config;
    config.stations = {{"2000", std::to_string(2000 + device_count - 1)}};
    pbxsim::server_options options;
    options.tls = pbxsim::tls_files{dir / "server.pem", dir / "server-key.pem", std::nullopt, {}};
    options.token = "bench-token";
    options.send_queue_limit_bytes = 256u * 1024 * 1024;
    options.log = [](std::string_view) {};

    net::io_context io;
    auto work = net::make_work_guard(io);
    pbxsim::server server(io, config, options);
    if (auto err = server.start(); !err.empty()) {
        std::fprintf(stderr, "simulator: %s\n", err.c_str());
        return 1;
    }
    std::thread sim_thread([&] { io.run(); });
    auto on_sim = [&](auto fn) {
        std::promise<void> p;
        server.post([&] {
            fn();
            p.set_value();
        });
        p.get_future().wait();
    };

    pbx_link::link_settings s;
    s.endpoints.push_back(
        *pbx_link::parse_endpoint("wss://127.0.0.1:" + std::to_string(server.port()) + "/csta"));
    s.tls.ca_file = (dir / "ca.pem").string();
    s.token = "bench-token";
    for (int i = 0; i < device_count; ++i) s.devices.push_back(std::to_string(2000 + i));
    counting_callbacks cb;
    auto link = pbx_link::make_beast_link(s, cb);
    const auto t_connect = steady::now();
    link->start();
    if (!wait_for([&] { return cb.lives.load() > 0; }, 60s)) {
        std::fprintf(stderr, "the link did not come up\n");
        return 1;
    }
    const auto resync_ms =
        std::chrono::duration<double, std::milli>(steady::now() - t_connect).count();

    // 1. Events: bursts of external calls to every device, then hang-ups.
    std::uint64_t sent_before = 0, sent_after = 0;
    on_sim([&] { sent_before = server.stats().events_sent; });
    const auto before = cb.events.load();
    const auto t0 = steady::now();
    for (int r = 0; r < rounds; ++r) {
        on_sim([&] {
            std::vector<std::string> calls;
            server.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
                for (int d = 0; d < device_count; ++d) {
                    auto c = m.external_call("0301" + std::to_string(100000 + d),
                                             std::to_string(2000 + d), now);
                    if (c.index() == 0) calls.push_back(std::get<0>(c));
                }
            });
            server.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
                for (auto& c : calls) m.external_hangup(c, now);
            });
        });
    }
    on_sim([&] { sent_after = server.stats().events_sent; });
    const auto expected = sent_after - sent_before;
    wait_for([&] { return cb.events.load() - before >= expected; }, 120s);
    const auto secs = std::chrono::duration<double>(steady::now() - t0).count();
    const auto delivered = cb.events.load() - before;

    // 2. Round trips.
    auto w1 = round_trips(*link, requests, 1);
    auto w32 = round_trips(*link, requests, 32);
    const auto f = link->figures();

    std::printf("pbx-link benchmark (TLS loopback, in-process simulator, %d devices)\n",
                device_count);
    std::printf("  connect + monitor + snapshot of %d devices: %.1f ms\n", device_count, resync_ms);
    std::printf("  %-34s %12s\n", "measure", "value");
    std::printf("  %-34s %12llu\n", "events sent by the switch",
                static_cast<unsigned long long>(expected));
    std::printf("  %-34s %12llu\n", "events delivered to callbacks",
                static_cast<unsigned long long>(delivered));
    std::printf("  %-34s %12.0f\n", "events/s (generate+encode+TLS+decode+deliver)",
                static_cast<double>(delivered) / secs);
    std::printf("  %-34s %12.1f\n", "RTT window 1:  median us", percentile(w1, 0.5));
    std::printf("  %-34s %12.1f\n", "RTT window 1:  p99 us", percentile(w1, 0.99));
    std::printf("  %-34s %12.1f\n", "RTT window 32: median us", percentile(w32, 0.5));
    std::printf("  %-34s %12.1f\n", "RTT window 32: p99 us", percentile(w32, 0.99));
    std::printf(
        "  %-34s %12llu\n", "malformed / gaps / timeouts",
        static_cast<unsigned long long>(f.malformed_frames + f.sequence_gaps + f.request_timeouts));

    link->stop();
    on_sim([&] { server.stop(); });
    work.reset();
    io.stop();
    sim_thread.join();
    return 0;
}
