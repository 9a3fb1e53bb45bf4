// The simulator's log lines, kept by a test (the server and the control port log from their
// io thread; the test reads from its own). Any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ctigw::pbxsim::testing {

class log_capture {
  public:
    /// A log callback (server_options::log, control_port_options::log) that keeps every line.
    std::function<void(std::string_view)> sink() {
        return [this](std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        };
    }
    /// True when a line contains `text`.
    bool contains(std::string_view text) const {
        std::lock_guard lock(mutex_);
        for (const auto& l : lines_) {
            if (l.find(text) != std::string::npos) return true;
        }
        return false;
    }
    /// How many lines contain `text` (a fault logged once, not once per frame).
    std::size_t count(std::string_view text) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& l : lines_) {
            if (l.find(text) != std::string::npos) ++n;
        }
        return n;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

}  // namespace ctigw::pbxsim::testing
