// What the tests of the Beast link against the in-process simulator share. Intervals are short
// (heartbeats 100 ms, backoff 10-50 ms) and every wait is a condition with a generous deadline,
// so the suite is quick but robust on a loaded 2-core machine. A named namespace: the test files
// of pbx_link_sim_test share the linkSim fixture (gtest wants one fixture type per suite).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/pbx_link/link.hpp"
#include "sim_harness.hpp"

namespace ctigw::pbx_link::testing {

using namespace protocol;

inline std::vector<std::string> devices(int first, int count) {
    std::vector<std::string> v;
    for (int i = 0; i < count; ++i) v.push_back(std::to_string(first + i));
    return v;
}

inline link_settings base_settings(std::vector<std::string> urls) {
    link_settings s;
    for (const auto& u : urls) s.endpoints.push_back(*parse_endpoint(u));
    s.tls.ca_file = cert_files::get().ca.string();
    s.token = "secret-token";
    s.devices = devices(2000, 10);
    s.connect_timeout = 5000ms;
    s.request_timeout = 5000ms;
    s.heartbeat_interval = 1000ms;
    s.backoff_initial = 10ms;
    s.backoff_max = 50ms;
    s.seed = 42;
    return s;
}

inline pbxsim::server_options good_tls() {
    const auto& c = cert_files::get();
    return sim::tls_options(c.server, c.server_key);
}

/// Outcomes by request, with a check that each completes exactly once.
struct outcome_log {
    std::mutex mutex;
    std::map<int, std::vector<request_outcome>> by_request;
    completion make(int n) {
        return [this, n](request_outcome o) {
            std::lock_guard lock(mutex);
            by_request[n].push_back(std::move(o));
        };
    }
    std::size_t completed() {
        std::lock_guard lock(mutex);
        return by_request.size();
    }
    std::size_t count(request_failure f) {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (auto& [k, v] : by_request) n += !v.empty() && v.front().failure == f ? 1u : 0u;
        return n;
    }
    std::size_t ok() {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (auto& [k, v] : by_request) n += !v.empty() && v.front().ok() ? 1u : 0u;
        return n;
    }
    bool each_exactly_once(std::size_t expected) {
        std::lock_guard lock(mutex);
        if (by_request.size() != expected) return false;
        for (auto& [k, v] : by_request) {
            if (v.size() != 1) return false;
        }
        return true;
    }
};

inline service_params get_dnd(const std::string& device) {
    return service_params{std::in_place_index<service_index_v<svc::get_do_not_disturb>>,
                          svc::get_do_not_disturb::params{device}};
}

inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

class linkSim : public ::testing::Test {
  protected:
    recorder cb;
    log_capture logs;
    std::unique_ptr<link> make(link_settings s) {
        return make_beast_link(std::move(s), cb, logs.sink());
    }
    bool wait_live(int lives = 1) {
        return cb.wait([&] { return cb.lives >= lives && cb.state == link_state::live; });
    }
};

}  // namespace ctigw::pbx_link::testing
