// The simulator's command language, shared by scenario files (`at 2s call 0301555 2001`) and the
// interactive console (`call 0301555 2001`): parsing into typed commands with precise errors,
// executing them against a server, and running a scenario file on the server's io_context.
// The language is documented in docs/pbx-sim.md ("Running the simulator") and by `help`.
//
// Thread safety: parsing is pure (any thread). command_executor and scenario_runner touch the
// server and must be used on the server's thread (see server.hpp); console_reader reads on its
// own thread and hands each line to the server's thread with server::post().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ctigw/pbxsim/server.hpp"
#include "ctigw/protocol/types.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::pbxsim {

namespace cmd {

/// `call <from> <to> [name...]`: an outside number calls `to` (switch_model::external_call), with
/// its name if given; an internal `from` dials instead (device_action(from, "dial <to>")).
struct call {
    std::string from;
    std::string to;
    std::string name;  ///< the outside caller's name (callingName); empty: none
    friend bool operator==(const call&, const call&) = default;
};
/// `hangup <callID>`: the outside party of the call hangs up. `@<device>` names the call at
/// that device instead (resolved when the command runs).
struct hangup {
    std::string call_id;
    friend bool operator==(const hangup&, const hangup&) = default;
};
/// `do <device> <action...>`: something done at the phone itself (switch_model::device_action).
struct device_do {
    std::string device;
    std::string action;  ///< normalised: verb and arguments separated by single spaces
    friend bool operator==(const device_do&, const device_do&) = default;
};
/// `fault drop`
struct fault_drop {
    friend bool operator==(const fault_drop&, const fault_drop&) = default;
};
/// `fault heartbeats off|on`
struct fault_heartbeats {
    bool on = true;
    friend bool operator==(const fault_heartbeats&, const fault_heartbeats&) = default;
};
/// `fault delay <ms>` (0 turns the delay off)
struct fault_delay {
    std::chrono::milliseconds delay{0};
    friend bool operator==(const fault_delay&, const fault_delay&) = default;
};
/// `fault malformed <n>`
struct fault_malformed {
    std::uint32_t count = 1;
    friend bool operator==(const fault_malformed&, const fault_malformed&) = default;
};
/// `fault refuse <Service> <category> <value> [count]`
struct fault_refuse {
    std::string service;
    protocol::csta_error error;
    std::uint32_t count = 1;
    friend bool operator==(const fault_refuse&, const fault_refuse&) = default;
};
/// `fault reorder on|off`
struct fault_reorder {
    bool on = true;
    friend bool operator==(const fault_reorder&, const fault_reorder&) = default;
};
/// `fault gap`: skip one event sequence number on every session.
struct fault_gap {
    friend bool operator==(const fault_gap&, const fault_gap&) = default;
};
/// `fault status <systemStatus>`
struct fault_status {
    protocol::system_status status = protocol::system_status::normal;
    friend bool operator==(const fault_status&, const fault_status&) = default;
};
/// `fault restart`: all switch state lost, new instance id, sessions dropped.
struct fault_restart {
    friend bool operator==(const fault_restart&, const fault_restart&) = default;
};
/// `unsupported <device|*> <Service>...|none`: from now on the switch refuses these services
/// for the device (or every device) and lists them in MonitorStart(Batch) results.
struct unsupported {
    std::string device;                 ///< "*" = every device
    std::vector<std::string> services;  ///< empty = supports everything again
    friend bool operator==(const unsupported&, const unsupported&) = default;
};
/// `status`: model and server counters.
struct status {
    friend bool operator==(const status&, const status&) = default;
};
/// `snapshot <device>`: the device's connections.
struct snapshot {
    std::string device;
    friend bool operator==(const snapshot&, const snapshot&) = default;
};
struct help {
    friend bool operator==(const help&, const help&) = default;
};
struct quit {
    friend bool operator==(const quit&, const quit&) = default;
};

}  // namespace cmd

using command =
    std::variant<cmd::call, cmd::hangup, cmd::device_do, cmd::fault_drop, cmd::fault_heartbeats,
                 cmd::fault_delay, cmd::fault_malformed, cmd::fault_refuse, cmd::fault_reorder,
                 cmd::fault_gap, cmd::fault_status, cmd::fault_restart, cmd::unsupported,
                 cmd::status, cmd::snapshot, cmd::help, cmd::quit>;

/// A parsed command, or the reason the text is not one (without a line number).
using parse_outcome = std::variant<command, std::string>;

/**
 * Parses one bare command as typed at the console, e.g. `fault delay 500`.
 * @return the command, or an error text such as `unknown command "cal"; did you mean "call"?`.
 * An empty or comment-only line is an error ("empty command"); callers skip those first.
 */
parse_outcome parse_command(std::string_view text);

/**
 * Parses a time of the scenario language: a non-negative decimal number and a unit, `ms`, `s`,
 * `m` or `h` (`500ms`, `2s`, `1.5s`, `1m`). Fractions of a millisecond are rounded.
 * @return the duration, or nullopt when `text` is not a time.
 */
std::optional<std::chrono::milliseconds> parse_time(std::string_view text);

/// Formats a duration the way parse_time() reads it (`1.5s`, `250ms`).
std::string format_time(std::chrono::milliseconds time);

/// One `at <time> <command>` line of a scenario file.
struct scheduled_command {
    std::chrono::milliseconds at{0};  ///< relative to the scenario start
    command what;
    std::size_t line = 0;  ///< 1-based line in the file
    std::string text;      ///< the command as written, for the log
};

/// A parsed scenario: its commands sorted by time (lines with equal times keep file order), or
/// every error found, each as `line N: ...`.
struct scenario {
    std::vector<scheduled_command> commands;
    std::vector<std::string> errors;
    bool ok() const { return errors.empty(); }
};

/// Parses scenario text (`#` comments, blank lines, `at <time> <command>` lines in any order).
scenario parse_scenario(std::string_view text);
/// Reads and parses a scenario file; an unreadable file is reported in `errors`.
scenario load_scenario(const std::string& path);

/// The closest of `candidates` to `word` (edit distance at most 2, or 3 for long words), or
/// empty. Used for every "did you mean" in the simulator, including its command line.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

/// The text printed by `help`.
std::string help_text();

/**
 * Executes commands against a server, writing what happened to `out` (one or more lines per
 * command). Must be used on the server's thread.
 */
class command_executor {
  public:
    command_executor(server& srv, std::ostream& out);

    /**
     * Runs one command.
     * @return false when the command failed (its error has been written to `out`).
     * A `quit` command succeeds and sets quit_requested().
     */
    bool execute(const command& c);
    bool quit_requested() const { return quit_requested_; }
    /// The callID printed by the last successful `call`, for tests.
    const std::string& last_call_id() const { return last_call_id_; }

  private:
    server& server_;
    std::ostream& out_;
    bool quit_requested_ = false;
    std::string last_call_id_;
};

/**
 * Runs a parsed scenario: each command fires at its time after start(), on the io_context the
 * server runs on (one steady_timer per command). Construct, start() and destroy on the server's
 * thread; the runner must outlive its timers (stop() or destruction cancels them).
 */
class scenario_runner {
  public:
    /// `on_quit` fires (on the server's thread) when a `quit` command runs; `on_done` after the
    /// last command ran. Either may be empty.
    scenario_runner(boost::asio::io_context& io, server& srv, scenario plan, std::ostream& out,
                    std::function<void()> on_quit = {}, std::function<void()> on_done = {});
    ~scenario_runner();
    scenario_runner(const scenario_runner&) = delete;
    scenario_runner& operator=(const scenario_runner&) = delete;

    void start();
    void stop();
    std::size_t executed() const;
    std::size_t failed() const;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

/**
 * Reads console commands from `in` on a thread of its own and executes each on the server's
 * thread (server::post). Errors are printed and reading goes on; `quit` or end of input calls
 * `on_quit` on the server's thread. A prompt is printed when `prompt` is set. The reading thread
 * is detached on destruction (a blocking read cannot be interrupted portably); it only touches
 * `in` and posts work, and stops at the next line.
 */
class console_reader {
  public:
    console_reader(server& srv, std::istream& in, std::ostream& out, bool prompt,
                   std::function<void()> on_quit);
    ~console_reader();
    console_reader(const console_reader&) = delete;
    console_reader& operator=(const console_reader&) = delete;

    void start();

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace ctigw::pbxsim
