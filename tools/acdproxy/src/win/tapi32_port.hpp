// tapi_port over tapi32, and the proxy's TAPI message loop: lineInitializeExW with an event
// handle, lineGetMessage, proxy::on_message / tick, re-initialisation on REINIT.
//
// Threading: one thread (the loop's, run_proxy's caller) uses tapi32_port and the proxy; only
// the stop event is set from elsewhere (the service control handler, the console's Ctrl+C).
#pragma once

#include "ctigw/acdproxy/proxy.hpp"

namespace ctigw::acdproxy::win {

class tapi32_port final : public tapi_port {
  public:
    tapi32_port() = default;
    ~tapi32_port() override { shutdown(); }
    tapi32_port(const tapi32_port&) = delete;
    tapi32_port& operator=(const tapi32_port&) = delete;

    /// lineInitializeExW (LINEINITIALIZEEXOPTION_USEEVENT) offering API versions up to
    /// `api_high`; 0 or a LINEERR_* value.
    LONG initialize(DWORD api_high);
    /// lineShutdown; idempotent.
    void shutdown();
    /// Signalled while messages wait (valid after a successful initialize()).
    HANDLE event() const { return event_; }
    /// lineGetMessage without waiting; false when none is queued.
    bool next_message(LINEMESSAGE& message);

    DWORD num_devices() override { return num_devices_; }
    LONG negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                               LINEEXTENSIONID* extension_id) override;
    LONG negotiate_ext_version(DWORD device, DWORD api_version, DWORD low, DWORD high,
                               DWORD* ext_version) override;
    LONG open_proxy(DWORD device, DWORD api_version, DWORD ext_version,
                    const std::vector<DWORD>& request_types, HLINE* line) override;
    LONG close(HLINE line) override;
    LONG dev_specific(HLINE line, DWORD address_id, void* params, DWORD size) override;
    LONG proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) override;
    LONG proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                       DWORD_PTR p3) override;

  private:
    HLINEAPP app_ = 0;
    HANDLE event_ = nullptr;
    DWORD num_devices_ = 0;
};

/// Runs the proxy until `stop_event` is signalled: initialises TAPI (retrying while it cannot),
/// starts the proxy, dispatches TAPI's messages, re-initialises on REINIT; on stop answers every
/// pending request, closes the lines and shuts TAPI down. Logs through options.log.
void run_proxy(HANDLE stop_event, proxy_options options);

}  // namespace ctigw::acdproxy::win
