/**
 * @file
 * Runs scenario statements against a host: operations, expectations (matcher.hpp), waits,
 * `sim` lines (handed to a sim_hook), echo and the console words.
 *
 * Thread safety: one thread (the main thread) uses a runner.
 */
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/matcher.hpp"
#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {

/// Where `sim <command>` lines go (the in-process simulator, sim.hpp).
class sim_hook {
  public:
    virtual ~sim_hook() = default;
    /// Checks a command without running it; returns an error text or empty.
    virtual std::string check(const std::string& command) = 0;
    /// Runs a command; returns an error text or empty. `output` gets what it printed.
    virtual std::string execute(const std::string& command, std::string& output) = 0;
};

/// The errors of a scenario's `sim` lines: each checked by `sim` (`sim: ...`), or, without a
/// simulator, reported as needing one. In line order.
std::vector<scenario_error> check_sim_lines(const scenario& sc, sim_hook* sim);

struct runner_options {
    std::chrono::milliseconds default_timeout{5000};
    bool keep_going = false;  ///< go on after a mismatch (the exit code still reports it)
};

class runner {
  public:
    runner(host& h, sim_hook* sim, runner_options options);

    /// Runs one statement. Returns false on a mismatch or an error (printed).
    bool run(const statement& st);
    /// Runs every statement; stops at the first failure unless keep_going. Returns the failures.
    std::size_t run_all(const scenario& sc);
    std::size_t failures() const { return failures_; }
    bool quit_requested() const { return quit_; }

  private:
    bool fail(const statement& st, const std::string& text);
    bool run_expect(const statement& st, const expect_stmt& ex);
    bool run_values(const statement& st, const expect_stmt& ex, std::uint64_t call,
                    std::chrono::steady_clock::time_point deadline);
    /// `expect result <verb> field=value ...`: polls the host's agent requests (agents.cpp).
    bool run_agent_result(const statement& st, const expect_stmt& ex,
                          std::chrono::steady_clock::time_point deadline);
    /// `expect ... features`: polls until the bits are (or are not) there (features.cpp).
    bool run_features(const statement& st, const expect_stmt& ex, std::uint64_t call,
                      std::chrono::steady_clock::time_point deadline);

    host& host_;
    sim_hook* sim_;
    runner_options options_;
    matcher matcher_;
    std::size_t failures_ = 0;
    bool quit_ = false;
};

}  // namespace ctigw::tapihost
