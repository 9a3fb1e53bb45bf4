// ctigw-gateway's command line: run, check, token, --help, --version (ctigw-gateway(8)).
// main() is a call of run_command; the commands other than `run` write only to the given
// streams, so that tests can call them. Call from the main thread.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ctigw::gateway::app {

/// `args` without the program name. Returns the exit code: 0 success, 1 failure (an invalid
/// configuration, a start-up error), 2 usage error.
int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `ctigw-gateway check FILE`: the loader's diagnostics, then the TLS files' check.
int check_command(const std::string& file, std::ostream& out, std::ostream& err);

/// `ctigw-gateway token [NAME]`: a new token and the tokenHash line for the configuration.
int token_command(const std::string& name, std::ostream& out, std::ostream& err);

}  // namespace ctigw::gateway::app
