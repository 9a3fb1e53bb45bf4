// What the benchmarks (the watch clients, ctigw-bench-gateway, ctigw-bench-scale) measure alike.
#pragma once

#include <malloc.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace ctigw::bench {

/// User + system CPU seconds of this process so far (every thread).
inline double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// User + system CPU seconds of process `pid` so far, from /proc (clock ticks: ~10 ms
/// resolution); 0 when unreadable.
inline double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields 14 and 15 (utime, stime) follow the command name, which may hold spaces: count
    // from its closing parenthesis (field 2's end; field 3 follows).
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 1));
    std::string skip;
    for (int field = 3; field < 14; ++field) fields >> skip;
    unsigned long long utime = 0, stime = 0;
    if (!(fields >> utime >> stime)) return 0;
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// Resident memory (VmRSS) of process `pid` (0: this one) in KiB; 0 when unreadable.
inline long rss_kib(pid_t pid = 0) {
    std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                              : "/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return 0;
}

/// Bytes of heap this process has in use: glibc's live allocations, not what malloc keeps free.
inline std::uint64_t live_heap_bytes() {
    return ::mallinfo2().uordblks;
}

}  // namespace ctigw::bench
