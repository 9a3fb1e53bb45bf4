// What the benchmarks (the watch clients, ctigw-bench-gateway, ctigw-bench-scale) measure alike.
#pragma once

#include <malloc.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ctigw::bench {

/// User + system CPU seconds of this process so far (every thread).
inline double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
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
