// What the benchmark clients (ctigw-link-watch, ctigw-tsp-watch) measure alike.
#pragma once

#include <sys/resource.h>

namespace ctigw::bench {

/// User + system CPU seconds of this process so far (every thread).
inline double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace ctigw::bench
