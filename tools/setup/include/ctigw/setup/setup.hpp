// ctigw-setup's portable core: what the Windows installer (MSI custom actions) and administrators
// run to register ctigw.tsp with TAPI the supported way (lineAddProvider / lineRemoveProvider),
// to write or check the provider's configuration file, and to set the ACD proxy service's
// recovery actions.
//
// Portable: TAPI and the service manager are reached only through the interfaces below, so the
// Linux tests play them; the Windows glue (ctigw-setup.exe, the custom-action DLL) implements
// them over tapi32 and advapi32 and passes its arguments converted to UTF-8.
//
// Strings are UTF-8 throughout (arguments, file names from TAPI, log lines).
//
// Threading: run() is synchronous and keeps no state between calls. One call uses its
// environment from the calling thread only (the interfaces and the log sink are called on it,
// never concurrently); concurrent calls with distinct environments are fine. The other functions
// are pure; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ctigw::setup {

/// run()'s exit codes (the process exit code of ctigw-setup.exe).
namespace exit_code {
inline constexpr int ok = 0;      ///< done, including "nothing to do"
inline constexpr int failed = 1;  ///< the command failed (said in the log)
inline constexpr int usage = 2;   ///< bad command line (reason and usage in the log)
}  // namespace exit_code

/// The provider's file name, as passed to lineAddProvider.
inline constexpr std::string_view provider_file_name = "ctigw.tsp";

/// One entry of TAPI's provider list (lineGetProviderList).
struct tapi_provider {
    std::uint32_t permanent_id = 0;
    std::string file_name;
};

/// TAPI's provider functions. Windows: tapi32 (lineGetProviderListW, lineAddProviderW,
/// lineRemoveProvider); tests: a fake. Each returns 0 or a LINEERR_* code.
class tapi_providers {
  public:
    virtual ~tapi_providers() = default;
    virtual std::uint32_t list(std::vector<tapi_provider>& out) = 0;
    virtual std::uint32_t add(const std::string& file_name, std::uint32_t& permanent_id) = 0;
    virtual std::uint32_t remove(std::uint32_t permanent_id) = 0;
};

/// Windows services (restart-on-failure for the ACD proxy service). Windows:
/// ChangeServiceConfig2W; tests: a fake. Returns 0 or a Win32 error code.
class service_control {
  public:
    virtual ~service_control() = default;
    virtual std::uint32_t set_restart_on_failure(const std::string& service_name) = 0;
};

/// Where messages go: stdout/a log file for the exe, the MSI log for the custom action. One line
/// per call, no newline. An exception it throws is swallowed (the line is lost, the command goes
/// on).
using log_sink = std::function<void(std::string_view line)>;

struct environment {
    tapi_providers* tapi = nullptr;       // null: provider commands fail with a clear message
    service_control* services = nullptr;  // null: service-recovery fails with a clear message
    log_sink log;                         // empty: messages are dropped
};

/// "LINEERR_OPERATIONFAILED (0x80000048)"; unknown codes as "error 0x...".
std::string lineerr_name(std::uint32_t code);

/// Whether a file name from TAPI's provider list is ctigw.tsp: ASCII case-insensitive, comparing
/// only the last path component (TAPI may list "ctigw.tsp" or "C:\Windows\System32\CTIGW.TSP").
bool is_ctigw_provider(std::string_view file_name);

/// Runs one command line (args WITHOUT the program name). Returns the process exit code:
/// 0 done (including "nothing to do"), 1 failed, 2 usage error. Never throws (catch everything,
/// log it, return 1).
int run(const std::vector<std::string>& args, environment& env);

/// Splits a custom action's CustomActionData: arguments separated by '|' (a character Windows
/// paths cannot contain); empty fields are kept as empty strings ("a||b" is three arguments), and
/// an empty `data` is no argument at all.
std::vector<std::string> split_action_data(std::string_view data);

/// The usage text (for --help and usage errors).
std::string usage();

}  // namespace ctigw::setup
