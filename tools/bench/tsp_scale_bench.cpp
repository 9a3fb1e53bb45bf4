// ctigw-bench-scale: the TSP at 50,000 lines against the simulator over TLS on loopback.
//
// Plays TAPISRV through the TSP's real exports (libctigw-tsp.so, loaded with dlopen like
// ctigw-tapihost): EnumDevices, Init, open every line (recording LINEEVENT), then measures
//   - providerInit → the last line in service (LINEDEVSTATE_INSERVICE, or in service at open),
//   - the time to open every line (TSPI_lineNegotiateTSPIVersion + lineOpen + SetStatusMessages),
//   - the switch round trips used (the simulator's per-service counters),
//   - memory per line: VmRSS and live heap (mallinfo2) before EnumDevices vs after everything is
//     in service, / lines — of this process (the TSP) alone: the simulator runs in a child process,
//     whose growth is reported apart,
//   - optionally a resync: the simulator drops the connection → every line back in service.
// make test runs it small (bench_scale_smoke: its exit status only, no figure). Usage
// (docs/architecture.md "Performance notes"):
//   ctigw-bench-scale [--lines N] [--first EXT] [--phones] [--no-resync] [--tsp PATH] [--keep]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/pbxsim/server.hpp"
#include "sim_process.hpp"
#include "ctigw/tapihost/loader.hpp"
#include "measure.hpp"

#ifndef CTIGW_TSP_LIBRARY
#define CTIGW_TSP_LIBRARY "libctigw-tsp.so"
#endif

namespace {

using clock_type = std::chrono::steady_clock;
using ctigw::bench::request_counts;
using ctigw::bench::simulator_process;
using namespace std::chrono_literals;

double ms_since(clock_type::time_point t0, clock_type::time_point t1) {
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// ---- what TAPI hears (the callbacks are plain function pointers: globals) ----

struct line_slot {
    std::atomic<bool> in_service{false};
};

struct tapi_side {
    std::unique_ptr<line_slot[]> lines;
    std::size_t count = 0;
    std::atomic<std::size_t> in_service{0};
    std::atomic<std::uint64_t> inservice_msgs{0};
    std::atomic<std::uint64_t> outofservice_msgs{0};
    std::atomic<std::uint64_t> other_msgs{0};
    std::atomic<std::int64_t> last_inservice_ns{0};
    std::atomic<std::uint64_t> completions{0};
};
tapi_side tapi;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               clock_type::now().time_since_epoch())
        .count();
}

void mark(std::size_t index, bool up) {
    if (index >= tapi.count) return;
    const bool was = tapi.lines[index].in_service.exchange(up);
    if (was == up) return;
    if (up) {
        tapi.in_service.fetch_add(1);
        tapi.last_inservice_ns.store(now_ns());
    } else {
        tapi.in_service.fetch_sub(1);
    }
}

void CALLBACK line_event(HTAPILINE ht, HTAPICALL, DWORD msg, DWORD_PTR p1, DWORD_PTR, DWORD_PTR) {
    const auto index = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(ht)) - 1;
    if (msg == LINE_LINEDEVSTATE && p1 == LINEDEVSTATE_INSERVICE) {
        tapi.inservice_msgs.fetch_add(1);
        mark(index, true);
    } else if (msg == LINE_LINEDEVSTATE && p1 == LINEDEVSTATE_OUTOFSERVICE) {
        tapi.outofservice_msgs.fetch_add(1);
        mark(index, false);
    } else {
        tapi.other_msgs.fetch_add(1);
    }
}

void CALLBACK line_create(HTAPILINE, HTAPICALL, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK phone_event(HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR) {}
void CALLBACK completion(DRV_REQUESTID, LONG) {
    tapi.completions.fetch_add(1);
}

/// Waits for `pred`; false at the timeout or as soon as `switch_lost` says waiting is futile.
bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
              const std::function<bool()>& switch_lost) {
    const auto end = clock_type::now() + timeout;
    while (!pred()) {
        if (clock_type::now() > end || switch_lost()) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

std::uint64_t count_of(const request_counts& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
}

std::uint64_t total_of(const request_counts& m) {
    std::uint64_t n = 0;
    for (const auto& [k, v] : m) n += v;
    return n;
}

std::string delta_text(const request_counts& before, const request_counts& after) {
    std::string out;
    for (const auto& [k, v] : after) {
        const auto d = v - count_of(before, k);
        if (d == 0) continue;
        out += (out.empty() ? "" : ", ") + k + " " + std::to_string(d);
    }
    return out.empty() ? "none" : out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t lines = 50000;
    unsigned first = 20000;
    bool phones = false, resync = true, keep = false;
    std::string tsp_path = CTIGW_TSP_LIBRARY;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--lines") {
            lines = std::stoul(value());
        } else if (a == "--first") {
            first = static_cast<unsigned>(std::stoul(value()));
        } else if (a == "--phones") {
            phones = true;
        } else if (a == "--no-resync") {
            resync = false;
        } else if (a == "--tsp") {
            tsp_path = value();
        } else if (a == "--keep") {
            keep = true;
        } else {
            std::fprintf(stderr,
                         "usage: %s [--lines N] [--first EXT] [--phones] [--no-resync] [--tsp "
                         "PATH] [--keep]\n",
                         argv[0]);
            return 2;
        }
    }
    const unsigned last = first + static_cast<unsigned>(lines) - 1;
    if (std::to_string(first).size() != std::to_string(last).size()) {
        std::fprintf(stderr, "the range %u-%u changes digit count\n", first, last);
        return 2;
    }

    // ---- certificates, simulator, configuration ----
    std::random_device rd;
    std::ostringstream token;
    for (int i = 0; i < 4; ++i) token << std::hex << rd();
    const auto dir = std::filesystem::temp_directory_path() /
                     ("ctigw-bench-scale-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    if (auto err = ctigw::pbxsim::write_demo_certificates(dir / "certs"); !err.empty()) {
        std::fprintf(stderr, "certificates: %s\n", err.c_str());
        return 1;
    }
    ctigw::pbxsim::sim_config cfg;
    cfg.stations = {{std::to_string(first), std::to_string(last)}};
    ctigw::pbxsim::server_options opts;
    opts.port = 0;
    opts.token = token.str();
    opts.tls = ctigw::pbxsim::tls_files{
        dir / "certs" / "server.pem", dir / "certs" / "server-key.pem", std::nullopt, {}};
    opts.log = [](std::string_view) {};
    simulator_process sim;
    if (auto err = sim.start(cfg, opts); !err.empty()) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
    }
    const auto port = sim.port();
    const auto switch_lost = [&sim] { return !sim.alive(); };

    const std::string range = "\"" + std::to_string(first) + "-" + std::to_string(last) + "\"";
    const auto config_path = dir / "ctigw.json";
    {
        std::ofstream out(config_path);
        out << "{\n"
            << "  \"switch\": {\n"
            << "    \"endpoints\": [\"wss://127.0.0.1:" << port << "/csta\"],\n"
            << "    \"tls\": { \"caFile\": \"certs/ca.pem\", \"serverName\": \"localhost\" },\n"
            << "    \"auth\": { \"tokenEnv\": \"CTIGW_BENCH_TOKEN\" },\n"
            << "    \"reconnect\": { \"initialMs\": 100, \"maxMs\": 1000 }\n"
            << "  },\n"
            << "  \"devices\": { \"lines\": [" << range << "]"
            << (phones ? ", \"phones\": [" + range + "]" : std::string()) << " },\n"
            << "  \"logging\": { \"file\": \"ctigw.log\", \"level\": \"info\" }\n"
            << "}\n";
    }
    ::setenv("CTIGW_BENCH_TOKEN", opts.token.c_str(), 1);
    ::setenv("CTIGW_CONFIG", config_path.c_str(), 1);

    // ---- the TSP ----
    ctigw::tapihost::tsp_library lib;
    if (auto err = lib.load(tsp_path); !err.empty()) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
    }
    const auto& fn = lib.fn();
    constexpr DWORD provider_id = 7, line_base = 0, phone_base = 1000000;

    // per-line host state, allocated before the baseline
    tapi.count = lines;
    tapi.lines = std::make_unique<line_slot[]>(lines);
    std::vector<HDRVLINE> hd(lines, nullptr);
    std::vector<HDRVPHONE> phd(phones ? lines : 0, nullptr);
    const auto requests_start = sim.requests();
    const long rss_before = ctigw::bench::rss_kib();
    const std::uint64_t heap_before = ctigw::bench::live_heap_bytes();
    const long sim_rss_before = ctigw::bench::rss_kib(sim.pid());

    DWORD version = 0;
    if (fn.lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, 0x00020000, 0x00030001, &version) !=
        0) {
        std::fprintf(stderr, "negotiation failed\n");
        return 1;
    }
    DWORD num_lines = 0, num_phones = 0;
    const auto t_enum = clock_type::now();
    LONG rc = fn.providerEnumDevices(provider_id, &num_lines, &num_phones,
                                     reinterpret_cast<HPROVIDER>(std::uintptr_t{0x7a91}),
                                     line_create, phone_event);
    const auto t_enum_done = clock_type::now();
    if (rc != 0 || num_lines != lines) {
        std::fprintf(stderr, "TSPI_providerEnumDevices: rc %ld, %lu lines\n", static_cast<long>(rc),
                     static_cast<unsigned long>(num_lines));
        return 1;
    }
    DWORD tspi_options = 0;
    const double cpu_init = ctigw::bench::cpu_seconds();
    const double sim_cpu_init = ctigw::bench::cpu_seconds(sim.pid());
    const auto t_init = clock_type::now();
    rc = fn.providerInit(version, provider_id, line_base, phone_base, num_lines, num_phones,
                         completion, &tspi_options);
    const auto t_init_done = clock_type::now();
    if (rc != 0) {
        std::fprintf(stderr, "TSPI_providerInit: rc %ld\n", static_cast<long>(rc));
        return 1;
    }

    // ---- open every line (and phone), selecting the service states ----
    const auto t_open = clock_type::now();
    for (std::size_t i = 0; i < lines; ++i) {
        const DWORD id = line_base + static_cast<DWORD>(i);
        DWORD v = 0;
        if (fn.lineNegotiateTSPIVersion(id, 0x00020000, version, &v) != 0 ||
            fn.lineOpen(id, reinterpret_cast<HTAPILINE>(static_cast<std::uintptr_t>(i + 1)), &hd[i],
                        v, line_event) != 0 ||
            fn.lineSetStatusMessages(hd[i], LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE,
                                     0) != 0) {
            std::fprintf(stderr, "line %zu: open failed\n", i);
            return 1;
        }
    }
    const auto t_open_done = clock_type::now();
    std::size_t phones_opened = 0;
    if (phones && fn.phoneOpen && fn.phoneNegotiateTSPIVersion) {
        for (std::size_t i = 0; i < num_phones; ++i) {
            const DWORD id = phone_base + static_cast<DWORD>(i);
            DWORD v = 0;
            if (fn.phoneNegotiateTSPIVersion(id, 0x00020000, version, &v) == 0 &&
                fn.phoneOpen(id, reinterpret_cast<HTAPIPHONE>(static_cast<std::uintptr_t>(i + 1)),
                             &phd[i], v, phone_event) == 0) {
                ++phones_opened;
            }
        }
    }
    const auto t_phones_done = clock_type::now();

    // Lines already in service when they were opened heard no INSERVICE: ask their status.
    auto sweep_status = [&] {
        std::size_t found = 0;
        std::vector<unsigned char> buf(4096);
        for (std::size_t i = 0; i < lines; ++i) {
            if (tapi.lines[i].in_service.load()) continue;
            auto* st = reinterpret_cast<LINEDEVSTATUS*>(buf.data());
            std::memset(buf.data(), 0, buf.size());
            st->dwTotalSize = static_cast<DWORD>(buf.size());
            if (fn.lineGetLineDevStatus && fn.lineGetLineDevStatus(hd[i], st) == 0 &&
                (st->dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE)) {
                mark(i, true);
                ++found;
            }
        }
        return found;
    };

    // Waits until the switch's request count stops moving; returns when it last moved.
    auto settle = [&](request_counts& out) {
        std::uint64_t prev = ~0ull;
        auto t_last = clock_type::now();
        for (int i = 0; i < 60000 && sim.alive(); ++i) {
            out = sim.requests();
            const auto n = total_of(out);
            const auto now = clock_type::now();
            if (n != prev) {
                prev = n;
                t_last = now;
            } else if (now - t_last >= 300ms) {
                break;
            }
            std::this_thread::sleep_for(10ms);
        }
        return t_last;
    };

    // Once, after every open: a line already in service when it was opened heard no INSERVICE.
    const std::size_t up_at_open = sweep_status();
    const bool all_up =
        wait_for([&] { return tapi.in_service.load() == lines; }, 300s, switch_lost);
    const auto t_all_up =
        clock_type::time_point(std::chrono::nanoseconds(tapi.last_inservice_ns.load()));
    const auto inservice_msgs_initial = tapi.inservice_msgs.load();
    // let the status reads that follow an open settle before measuring memory: settled when
    // the switch's request count has not moved for 300 ms, at the first poll (every 10 ms) that
    // saw the final count
    request_counts requests_up;
    const auto t_settled = settle(requests_up);
    // CPU, not time, is what the change of a build shows best on a shared machine: both
    // processes, from providerInit until the count stood still for 300 ms (idle after it).
    const double cpu_up = ctigw::bench::cpu_seconds() - cpu_init;
    const double sim_cpu_up = ctigw::bench::cpu_seconds(sim.pid()) - sim_cpu_init;
    const long rss_up = ctigw::bench::rss_kib();
    const std::uint64_t heap_up = ctigw::bench::live_heap_bytes();
    const long sim_rss_up = ctigw::bench::rss_kib(sim.pid());

    // ---- resync: the switch drops the connection ----
    std::optional<double> resync_ms, resync_out_ms, resync_settled_ms;
    double cpu_resync = 0, sim_cpu_resync = 0;
    request_counts requests_resync;
    if (resync && all_up && sim.alive()) {
        const auto before_out = tapi.outofservice_msgs.load();
        const double cpu_drop = ctigw::bench::cpu_seconds();
        const double sim_cpu_drop = ctigw::bench::cpu_seconds(sim.pid());
        const auto t_drop = clock_type::now();
        sim.drop_connections();
        const bool down = wait_for(
            [&] { return tapi.outofservice_msgs.load() - before_out >= lines; }, 120s, switch_lost);
        resync_out_ms = ms_since(t_drop, clock_type::now());
        if (down && wait_for([&] { return tapi.in_service.load() == lines; }, 300s, switch_lost)) {
            resync_ms = ms_since(
                t_drop,
                clock_type::time_point(std::chrono::nanoseconds(tapi.last_inservice_ns.load())));
        }
        resync_settled_ms = ms_since(t_drop, settle(requests_resync));
        cpu_resync = ctigw::bench::cpu_seconds() - cpu_drop;
        sim_cpu_resync = ctigw::bench::cpu_seconds(sim.pid()) - sim_cpu_drop;
    }

    // ---- close and shut down ----
    const auto t_close = clock_type::now();
    for (std::size_t i = 0; i < lines; ++i) fn.lineClose(hd[i]);
    for (std::size_t i = 0; i < phd.size(); ++i) {
        if (phd[i] && fn.phoneClose) fn.phoneClose(phd[i]);
    }
    fn.providerShutdown(version, provider_id);
    const auto t_shutdown_done = clock_type::now();
    // Counts read from a lost simulator are not figures: say why and fail.
    const bool switch_ok = sim.stop();
    if (!switch_ok) std::fprintf(stderr, "ctigw-bench-scale: %s\n", sim.failure().c_str());

    // ---- report ----
    const auto monitor_rt =
        count_of(requests_up, "MonitorStartBatch") - count_of(requests_start, "MonitorStartBatch");
    const auto snapshot_rt = count_of(requests_up, "SnapshotDeviceBatch") -
                             count_of(requests_start, "SnapshotDeviceBatch");
    std::printf("ctigw-bench-scale: %zu lines (%u-%u)%s over TLS on loopback, %u cores\n", lines,
                first, last, phones ? (", " + std::to_string(num_phones) + " phones").c_str() : "",
                std::thread::hardware_concurrency());
    std::printf("| Measure | Value |\n|---|---|\n");
    std::printf("| TSPI_providerEnumDevices | %.0f ms |\n", ms_since(t_enum, t_enum_done));
    std::printf("| TSPI_providerInit (returns) | %.1f ms |\n", ms_since(t_init, t_init_done));
    std::printf(
        "| Open every line (negotiate + lineOpen + SetStatusMessages) | %.0f ms (%.1f µs/line) |\n",
        ms_since(t_open, t_open_done),
        1000.0 * ms_since(t_open, t_open_done) / static_cast<double>(lines));
    if (phones) {
        std::printf("| Open every phone | %zu in %.0f ms |\n", phones_opened,
                    ms_since(t_open_done, t_phones_done));
    }
    if (all_up) {
        std::printf(
            "| providerInit → every line in service | %.0f ms (%llu LINEDEVSTATE_INSERVICE, %zu in "
            "service at open) |\n",
            ms_since(t_init, t_all_up), static_cast<unsigned long long>(inservice_msgs_initial),
            up_at_open);
    } else {
        std::printf("| providerInit → every line in service | NOT REACHED: %zu of %zu |\n",
                    tapi.in_service.load(), lines);
    }
    std::printf(
        "| Monitoring/snapshot round trips | %llu MonitorStartBatch + %llu SnapshotDeviceBatch |\n",
        static_cast<unsigned long long>(monitor_rt), static_cast<unsigned long long>(snapshot_rt));
    std::printf("| Every switch request until settled (%.0f ms after Init) | %s |\n",
                ms_since(t_init, t_settled), delta_text(requests_start, requests_up).c_str());
    std::printf("| CPU until settled: the TSP's process, the simulator's | %.0f ms, %.0f ms |\n",
                1000 * cpu_up, 1000 * sim_cpu_up);
    const auto per_line = [&](double kib) { return kib / static_cast<double>(lines); };
    std::printf("| Memory per line, the TSP's process (VmRSS %ld → %ld KiB) | %.2f KiB |\n",
                rss_before, rss_up, per_line(static_cast<double>(rss_up - rss_before)));
    std::printf("| Live heap per line, the TSP's process (mallinfo2) | %.2f KiB |\n",
                per_line((static_cast<double>(heap_up) - static_cast<double>(heap_before)) / 1024));
    std::printf("| Memory per line, the simulator's process (VmRSS %ld → %ld KiB) | %.2f KiB |\n",
                sim_rss_before, sim_rss_up,
                per_line(static_cast<double>(sim_rss_up - sim_rss_before)));
    if (resync) {
        if (resync_ms) {
            std::printf(
                "| Resync: connection dropped → every line back in service | %.0f ms (all out of "
                "service after %.0f ms) |\n",
                *resync_ms, resync_out_ms.value_or(0));
            std::printf("| Resync requests (settled %.0f ms after the drop) | %s |\n",
                        resync_settled_ms.value_or(0),
                        delta_text(requests_up, requests_resync).c_str());
            std::printf(
                "| Resync CPU until settled: the TSP's process, the simulator's | %.0f ms, %.0f "
                "ms |\n",
                1000 * cpu_resync, 1000 * sim_cpu_resync);
        } else {
            std::printf("| Resync | NOT COMPLETED: %zu of %zu in service |\n",
                        tapi.in_service.load(), lines);
        }
    }
    std::printf("| Close every line + providerShutdown | %.0f ms |\n",
                ms_since(t_close, t_shutdown_done));
    if (keep) {
        std::printf("kept %s\n", dir.c_str());
    } else {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    return switch_ok && all_up && (!resync || resync_ms) ? 0 : 1;
}
