// The service provider: lines, phones and calls over the switch link. The TSPI exports
// (tsp/src/exports.cpp) are thin adapters over one `provider` instance; tests drive a provider
// directly with a mock link.
//
// Threading
// - Every public member function may be called from any thread (TAPISRV calls from many) and
//   never blocks on the network: state is guarded by one provider lock held only for in-memory
//   work; requests to the switch are handed to the link, which never calls back synchronously.
// - The link's callbacks (events, truths, completions) arrive on the link's delivery thread and
//   take the same lock.
// - Every callback into TAPI (LINEEVENT, PHONEEVENT, ASYNC_COMPLETION, create procs) runs on the
//   provider's dispatcher thread, in the order the provider queued it, never under the lock.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ctigw/config/settings.hpp"
#include "ctigw/pbx_link/link.hpp"
#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp {

class provider_state;  // tsp/src/state.hpp

/// How the provider gets its configuration, its link and its clock; tests replace them.
struct provider_environment {
    /// Loads the configuration (re-read on reload). Returns the settings, or the errors as text.
    std::function<std::variant<config::settings, std::string>()> load_config;
    /// Creates the switch link. Default: pbx_link::make_beast_link.
    std::function<std::unique_ptr<pbx_link::link>(pbx_link::link_settings,
                                                  pbx_link::link_callbacks&)>
        make_link;
    /// Milliseconds for LINE_GENERATE/LINE_MONITORDIGITS dwParam3 (GetTickCount on Windows).
    std::function<DWORD()> tick_count;
    /// Log lines (level, text); default: the provider's own asynchronous spdlog logger.
    std::function<void(int level, const std::string&)> log;
    /// Whether a line of `level` would be written, so that the provider builds the text of a
    /// per-event debug line only when it is (the logger's level; changes at reload). Absent:
    /// every level is.
    std::function<bool(int level)> log_enabled;
};

/// The environment the exports use: config from $CTIGW_CONFIG (Linux) or the provider's
/// registry key / %ProgramData%\ctigw\ctigw.json (Windows), the Beast link, spdlog logging.
provider_environment default_environment();

class provider {
  public:
    explicit provider(provider_environment env);
    ~provider();
    provider(const provider&) = delete;
    provider& operator=(const provider&) = delete;

    // ---- provider lifecycle (TSPI_provider*) ----
    LONG negotiate_tspi_version(DWORD device_id, DWORD low, DWORD high, LPDWORD version,
                                bool phone);
    LONG enum_devices(DWORD permanent_provider_id, LPDWORD num_lines, LPDWORD num_phones,
                      HPROVIDER provider_handle, LINEEVENT line_create, PHONEEVENT phone_create);
    LONG init(DWORD tspi_version, DWORD permanent_provider_id, DWORD line_base, DWORD phone_base,
              DWORD_PTR num_lines, DWORD_PTR num_phones, ASYNC_COMPLETION completion,
              LPDWORD options);
    LONG shutdown(DWORD tspi_version, DWORD permanent_provider_id);
    LONG create_line_device(DWORD_PTR temp_id, DWORD device_id);
    LONG create_phone_device(DWORD_PTR temp_id, DWORD device_id);
    /// Re-reads the configuration: new extensions appear (LINE_CREATE/PHONE_CREATE), removed
    /// ones go (LINE_REMOVE/PHONE_REMOVE). Returns an empty string or the config errors.
    std::string reload();

    /// The implementation, for the TSPI adapters in tsp/src (not for other users).
    provider_state& state() { return *state_; }

  private:
    std::unique_ptr<provider_state> state_;
};

/// The process-wide provider the TSPI exports use (created by TSPI_providerEnumDevices or
/// TSPI_providerInit, destroyed by TSPI_providerShutdown). Null outside that window.
provider* current_provider();

}  // namespace ctigw::tsp
