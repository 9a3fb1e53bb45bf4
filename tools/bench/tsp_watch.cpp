// ctigw-tsp-watch: the whole path, wire to TAPI. Plays TAPISRV through the TSP's real exports
// (libctigw-tsp.so loaded with dlopen, as ctigw-tapihost does) against a running switch such as
// ctigw-firehose: EnumDevices, Init, every line opened with every call-state message selected;
// LINE_NEWCALL gets a TAPI call handle as TAPISRV gives one, and a call that goes IDLE is closed
// (TSPI_lineCloseCall, from a thread of ours as TAPISRV does after lineDeallocateCall). Then a
// measurement window counts the LINEEVENTs delivered and the process's CPU; the RESULT line has
// the same keys as ctigw-link-watch (events = LINEEVENTs), and frames_per_s: switch events,
// counted as 5 per LINE_NEWCALL (each call of the firehose's mix is 5 events for its station).
// Latency: the provider's own figure, read at the end of the window from its status (what the
// configuration dialog shows, through TSPI_providerGenericDialogData): from each timestamped
// switch event to the TAPI callbacks it caused, over the provider's last 65,536 callbacks.
//   ctigw-tsp-watch wss://127.0.0.1:PORT/csta --ca ca.pem --token-env VAR --devices 2000-3999
//                   [--warmup 2] [--seconds 5] [--tsp PATH] [--dir WORKDIR]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ctigw/tapihost/loader.hpp"
#include "ctigw/tsp/provider_status.hpp"
#include "measure.hpp"

#ifndef CTIGW_TSP_LIBRARY
#define CTIGW_TSP_LIBRARY "libctigw-tsp.so"
#endif

namespace {

using steady = std::chrono::steady_clock;

// ---- what TAPI hears (the callbacks are plain function pointers: globals) ----

std::atomic<std::uint64_t> g_events{0};
std::atomic<std::uint64_t> g_in_service{0};
std::atomic<std::uint64_t> g_new_calls{0};
std::atomic<std::uint64_t> g_closed{0};  // lineCloseCall done by the closer
std::atomic<std::uintptr_t> g_next_htcall{1};

/// Calls gone IDLE, closed by the closer thread (not from inside the TSP's callback). A global
/// for the TAPI callbacks (plain function pointers); a start-up allocation failure ends the tool.
struct closer {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<HDRVCALL> calls;
    bool stop = false;
    bool waiting = false;  // only a waiting closer needs the (costly) wake-up
} g_closer;                // NOLINT(cert-err58-cpp): as said above

// LINE_CALLSTATE carries hdCall only through the htCall we gave; the TSP's hdCall of a call is
// what NEWCALL said. Keep htCall -> hdCall so that an IDLE call can be closed.
std::mutex g_calls_mutex;
std::vector<HDRVCALL> g_hd_of_ht;  // grown by LINE_NEWCALL (htCalls start at 1)

void CALLBACK line_event(HTAPILINE, HTAPICALL ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                         DWORD_PTR) {
    g_events.fetch_add(1, std::memory_order_relaxed);
    if (msg == LINE_LINEDEVSTATE && p1 == LINEDEVSTATE_INSERVICE) {
        g_in_service.fetch_add(1);
    } else if (msg == LINE_NEWCALL) {
        g_new_calls.fetch_add(1, std::memory_order_relaxed);
        // dwParam1: the TSP's hdCall; dwParam2: where TAPI writes its htCall.
        const auto h = g_next_htcall.fetch_add(1);
        *reinterpret_cast<HTAPICALL*>(p2) = reinterpret_cast<HTAPICALL>(h);
        std::lock_guard lock(g_calls_mutex);
        if (g_hd_of_ht.size() <= h) g_hd_of_ht.resize(h * 2 + 1, nullptr);
        g_hd_of_ht[h] = reinterpret_cast<HDRVCALL>(p1);
    } else if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_IDLE) {
        HDRVCALL hd = nullptr;
        {
            std::lock_guard lock(g_calls_mutex);
            const auto h = reinterpret_cast<std::uintptr_t>(ht);
            if (h < g_hd_of_ht.size()) std::swap(hd, g_hd_of_ht[h]);
        }
        if (hd != nullptr) {
            bool wake = false;
            {
                std::lock_guard lock(g_closer.mutex);
                g_closer.calls.push_back(hd);
                wake = std::exchange(g_closer.waiting, false);
            }
            if (wake) g_closer.wake.notify_one();
        }
    }
}

void CALLBACK line_create(HTAPILINE, HTAPICALL, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK phone_event(HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK completion(DRV_REQUESTID, LONG) {}

struct latency {
    long long p50 = -1, p99 = -1, max = -1, samples = 0;
};

/// The provider's event latency, from the status text the configuration dialog would show.
latency provider_latency(const ctigw::tapihost::tsp_library& lib, DWORD provider_id) {
    latency l;
    std::vector<unsigned char> block(ctigw::tsp::ui::status_block_size);
    if (lib.ui().providerGenericDialogData == nullptr ||
        !ctigw::tsp::ui::write_status_request(block.data(), block.size()) ||
        lib.ui().providerGenericDialogData(provider_id, TUISPIDLL_OBJECT_PROVIDERID, block.data(),
                                           static_cast<DWORD>(block.size())) != 0)
        return l;
    const auto text = ctigw::tsp::ui::read_status_reply(block.data(), block.size());
    constexpr std::string_view key = "switch to TAPI p50 ";
    const auto at = text ? text->find(key) : std::string::npos;
    if (at == std::string::npos ||
        std::sscanf(text->c_str() + at + key.size(),
                    "%lld \u00b5s, p99 %lld \u00b5s, max %lld \u00b5s (last %lld", &l.p50, &l.p99,
                    &l.max, &l.samples) != 4)
        return latency{};
    return l;
}

int usage() {
    std::fprintf(stderr,
                 "usage: ctigw-tsp-watch URL --ca FILE --token-env VAR --devices FIRST-LAST "
                 "[--warmup W] [--seconds S] [--tsp PATH] [--dir WORKDIR]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string url = argv[1];
    std::string ca, token_env, tsp = CTIGW_TSP_LIBRARY;
    long first = 0, last = -1, warmup = 2, seconds = 5;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "ctigw-tsp-watch";
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string opt = argv[i], val = argv[i + 1];
        if (opt == "--ca") {
            ca = std::filesystem::absolute(val).string();
        } else if (opt == "--token-env") {
            token_env = val;
        } else if (opt == "--devices") {
            const auto dash = val.find('-');
            if (dash == std::string::npos) return usage();
            first = std::atol(val.substr(0, dash).c_str());
            last = std::atol(val.substr(dash + 1).c_str());
        } else if (opt == "--warmup") {
            warmup = std::atol(val.c_str());
        } else if (opt == "--seconds") {
            seconds = std::atol(val.c_str());
        } else if (opt == "--tsp") {
            tsp = val;
        } else if (opt == "--dir") {
            dir = val;
        } else {
            return usage();
        }
    }
    if (last < first || ca.empty() || token_env.empty()) return usage();
    const auto lines = static_cast<std::size_t>(last - first + 1);
    std::filesystem::create_directories(dir);
    const auto config = dir / "ctigw.json";
    std::ofstream(config) << "{\n  \"switch\": {\n    \"endpoints\": [\"" << url << "\"],\n"
                          << "    \"tls\": { \"caFile\": \"" << ca << "\" },\n"
                          << "    \"auth\": { \"tokenEnv\": \"" << token_env << "\" }\n  },\n"
                          << "  \"devices\": { \"lines\": [\"" << first << "-" << last << "\"] },\n"
                          << "  \"logging\": { \"file\": \"ctigw.log\", \"level\": \"warn\" }\n}\n";
    ::setenv("CTIGW_CONFIG", config.c_str(), 1);

    ctigw::tapihost::tsp_library lib;
    if (auto err = lib.load(tsp); !err.empty()) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
    }
    const auto& fn = lib.fn();
    constexpr DWORD provider_id = 7, line_base = 0, phone_base = 1000000;
    DWORD version = 0;
    DWORD num_lines = 0, num_phones = 0, options = 0;
    if (fn.lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, 0x00020000, 0x00030001, &version) !=
            0 ||
        fn.providerEnumDevices(provider_id, &num_lines, &num_phones,
                               reinterpret_cast<HPROVIDER>(std::uintptr_t{0x7a91}), line_create,
                               phone_event) != 0 ||
        num_lines != lines ||
        fn.providerInit(version, provider_id, line_base, phone_base, num_lines, num_phones,
                        completion, &options) != 0) {
        std::fprintf(stderr, "ctigw-tsp-watch: the provider did not start (%lu lines)\n",
                     static_cast<unsigned long>(num_lines));
        return 1;
    }
    std::vector<HDRVLINE> hd(lines, nullptr);
    for (std::size_t i = 0; i < lines; ++i) {
        DWORD v = 0;
        if (fn.lineNegotiateTSPIVersion(line_base + static_cast<DWORD>(i), 0x00020000, version,
                                        &v) != 0 ||
            fn.lineOpen(line_base + static_cast<DWORD>(i),
                        reinterpret_cast<HTAPILINE>(static_cast<std::uintptr_t>(i + 1)), &hd[i], v,
                        line_event) != 0 ||
            fn.lineSetStatusMessages(hd[i], LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE,
                                     0) != 0) {
            std::fprintf(stderr, "line %zu: open failed\n", i);
            return 1;
        }
    }
    std::thread closer_thread([&] {
        std::unique_lock lock(g_closer.mutex);
        for (;;) {
            while (!g_closer.stop && g_closer.calls.empty()) {
                g_closer.waiting = true;
                g_closer.wake.wait(lock);
            }
            g_closer.waiting = false;
            if (g_closer.stop) return;
            std::deque<HDRVCALL> batch;
            batch.swap(g_closer.calls);
            lock.unlock();
            for (const auto c : batch) {
                fn.lineCloseCall(c);
                g_closed.fetch_add(1, std::memory_order_relaxed);
            }
            lock.lock();
        }
    });
    // Events start once the link is live; warm up from the first one.
    const auto deadline = steady::now() + std::chrono::seconds(60);
    while (g_events.load() < lines + 1000 && steady::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::seconds(warmup));
    const auto e0 = g_events.load();
    const auto n0 = g_new_calls.load();
    const double c0 = ctigw::bench::cpu_seconds();
    const auto t0 = steady::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto e1 = g_events.load();
    const auto n1 = g_new_calls.load();
    const double c1 = ctigw::bench::cpu_seconds();
    const double wall = std::chrono::duration<double>(steady::now() - t0).count();
    const auto open_calls = n1 - std::min(n1, g_closed.load());
    const auto lat = provider_latency(lib, provider_id);
    const auto n = e1 - e0;
    // The provider keeps its last 65,536 samples: more than the window's callbacks means some are
    // from before it (the start, the warm-up): a figure of a longer stretch than the window.
    const bool window_only = static_cast<std::uint64_t>(lat.samples) <= n;  // 0: no figure
    if (!window_only) {
        std::fprintf(stderr,
                     "ctigw-tsp-watch: the latency figures include callbacks from before the "
                     "window (%lld samples, %llu callbacks in it): a longer --seconds avoids it\n",
                     lat.samples, static_cast<unsigned long long>(n));
    }
    std::printf(
        "RESULT client=ctigw-tsp events=%llu seconds=%.2f events_per_s=%.0f cpu_s=%.3f "
        "cpu_us_per_event=%.3f lat_p50_us=%lld lat_p99_us=%lld lat_max_us=%lld "
        "latency_samples=%lld latency_window_only=%d frames_per_s=%.0f lines_in_service=%llu "
        "calls_open=%llu\n",
        static_cast<unsigned long long>(n), wall, static_cast<double>(n) / wall, c1 - c0,
        n == 0 ? 0.0 : (c1 - c0) * 1e6 / static_cast<double>(n), lat.p50, lat.p99, lat.max,
        lat.samples, window_only ? 1 : 0, 5.0 * static_cast<double>(n1 - n0) / wall,
        static_cast<unsigned long long>(g_in_service.load()),
        static_cast<unsigned long long>(open_calls));
    std::fflush(stdout);
    {
        std::lock_guard lock(g_closer.mutex);
        g_closer.stop = true;
        g_closer.wake.notify_one();
    }
    closer_thread.join();
    for (auto h : hd) fn.lineClose(h);
    fn.providerShutdown(version, provider_id);
    return n > 0 ? 0 : 1;
}
