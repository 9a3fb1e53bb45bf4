// ctigw-pbxsim's command line, private to the executable: the options (cli.cpp), the run plan
// made from them (plan.cpp) and what main.cpp needs to run it.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctigw/pbxsim/control.hpp"
#include "ctigw/pbxsim/control_port.hpp"
#include "ctigw/pbxsim/load.hpp"
#include "ctigw/pbxsim/server.hpp"

namespace ctigw::pbxsim::app {

using std::chrono::milliseconds;

inline constexpr int exit_ok = 0;
inline constexpr int exit_runtime = 1;
inline constexpr int exit_usage = 2;

/// A bad command line: printed with a hint to --help, exit code 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Something that failed while running: exit code 1.
struct runtime_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The --help text.
std::string_view usage_text();

struct cli {
    std::multimap<std::string, std::string> values;  ///< option → values, in order
    std::map<std::string, bool> flags;

    bool has(const std::string& name) const {
        return values.count(name) != 0 || flags.count(name) != 0;
    }
    std::optional<std::string> one(const std::string& name) const {
        const auto n = values.count(name);
        if (n == 0) return std::nullopt;
        if (n > 1) throw usage_error(name + " given more than once");
        return values.find(name)->second;
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> r;
        for (auto [it, end] = values.equal_range(name); it != end; ++it) r.push_back(it->second);
        return r;
    }
};

/// Options from args[first] on, checked against the known ones (with did-you-mean).
cli parse_options(const std::vector<std::string>& args, std::size_t first);

template <class T>
T parse_number(const std::string& option, const std::string& text, T min, T max) {
    T v{};
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || v < min || v > max) {
        throw usage_error(option + ": bad value \"" + text + "\" (expected a number from " +
                          std::to_string(min) + " to " + std::to_string(max) + ")");
    }
    return v;
}

double parse_rate(const std::string& option, const std::string& text);
/// Seconds as a plain number ("30", "1.5") or a time with a unit ("500ms", "2m").
milliseconds parse_seconds(const std::string& option, const std::string& text);
extension_range parse_range(const std::string& option, const std::string& text);
/// "7001-7003,7010" → 7001 7002 7003 7010.
std::vector<std::string> expand_list(const std::string& option, const std::string& text);
external_rule parse_external(const std::string& text);
std::string read_token_file(const std::string& path);
/// "ADDR:PORT" or "[v6]:PORT", for --listen and --control.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text,
                                                   const std::string& option = "--listen");

struct run_plan {
    sim_config config;
    server_options server;
    std::optional<scenario> script;
    bool console = false;
    std::optional<control_port_options> control;
    std::optional<std::filesystem::path> ready_file;
    std::optional<load_options> load;
    bool quiet = false;
    std::string demo_note;  ///< printed after the listening line in --demo mode
};

/// Checks the options together and prepares everything the run needs (certificates, token,
/// scenario); throws usage_error or runtime_error.
run_plan make_plan(const cli& c);

}  // namespace ctigw::pbxsim::app
