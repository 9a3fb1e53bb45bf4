// ctigw-acdproxy's core: the TAPI proxy request handler for the ctigw agent extension
// (ctigw/tsp/agent_extension.hpp, docs/agents.md §4).
//
// TAPISRV hands every agent call of an application (lineSetAgentGroup, lineGetAgentCaps,
// lineCreateAgentSession ...) to the application that opened the line with LINEOPENOPTION_PROXY
// as a LINE_PROXYREQUEST. The proxy opens every ctigw line for all 20 request types, forwards each
// request to the provider with lineDevSpecific (an agent_request_header, then a copy of the
// LINEPROXYREQUEST), and when that completes (LINE_REPLY) copies the provider's answer back over
// TAPISRV's LINEPROXYREQUEST and calls lineProxyResponse: exactly once per request, also on
// timeout, LINE_CLOSE, LINE_REMOVE, REINIT and stop. Agent events the provider sends as
// LINE_DEVSPECIFIC are relayed with lineProxyMessage.
//
// Portable: TAPI is reached only through `tapi_port`, so the Linux tests and the TAPISRV
// stand-in play TAPI; the Windows service implements it over tapi32 (src/win/). No clock is read
// inside: every function that needs the time takes it.
//
// Threading: `proxy` is single-threaded. Every member is called from one thread, the service's
// TAPI message loop, and it calls its tapi_port and the log function on that thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctigw/tsp/agent_extension.hpp"
#include "ctigw/tsp/tapi.hpp"

namespace ctigw::acdproxy {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

/// Log levels of proxy_options::log (the same numbers as the provider's).
namespace log_level {
inline constexpr int debug = 1, info = 2, warn = 3, error = 4;
}

/// Every TAPI function the proxy calls (the line app handle is the implementation's business).
/// Called on the proxy's thread only.
struct tapi_port {
    virtual ~tapi_port() = default;

    /// The number of line devices lineInitializeEx reported.
    virtual DWORD num_devices() = 0;
    /// lineNegotiateAPIVersion; also yields the provider's extension ID (lineGetExtensionID).
    virtual LONG negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                                       LINEEXTENSIONID* extension_id) = 0;
    /// lineNegotiateExtVersion.
    virtual LONG negotiate_ext_version(DWORD device, DWORD api_version, DWORD low, DWORD high,
                                       DWORD* ext_version) = 0;
    /// lineOpen with LINECALLPRIVILEGE_NONE | LINEOPENOPTION_PROXY and a LINECALLPARAMS whose
    /// DevSpecific part is `request_types` (LINEPROXYREQUEST_* values).
    virtual LONG open_proxy(DWORD device, DWORD api_version, DWORD ext_version,
                            const std::vector<DWORD>& request_types, HLINE* line) = 0;
    /// lineClose.
    virtual LONG close(HLINE line) = 0;
    /// lineDevSpecific(line, address_id, NULL, params, size): > 0 a request id whose LINE_REPLY
    /// follows, < 0 a LINEERR_* value. `params` stays valid until that LINE_REPLY.
    virtual LONG dev_specific(HLINE line, DWORD address_id, void* params, DWORD size) = 0;
    /// lineProxyResponse. TAPISRV frees `request` in there.
    virtual LONG proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) = 0;
    /// lineProxyMessage.
    virtual LONG proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                               DWORD_PTR p3) = 0;
};

struct proxy_options {
    DWORD api_low = 0x00020000;   ///< lineNegotiateAPIVersion range (proxy requests need 2.0)
    DWORD api_high = 0x00030001;  ///< TAPI 3.1
    /// A request the provider has not completed by then is answered LINEERR_OPERATIONFAILED.
    std::chrono::milliseconds request_timeout{30000};
    /// Table size: forwarded requests, answered or not, whose LINE_REPLY has not come yet.
    std::size_t max_pending = 1024;
    /// Wait before reopening a line after LINE_CLOSE or a failed open; doubles on each failed
    /// reopen up to reopen_delay_max, back to reopen_delay_min after a successful open.
    std::chrono::milliseconds reopen_delay_min{1000};
    std::chrono::milliseconds reopen_delay_max{30000};
    /// (level, text); may be empty. Called on the proxy's thread.
    std::function<void(int level, const std::string& text)> log;
};

struct proxy_figures {
    std::size_t lines_open = 0;
    std::uint64_t requests_forwarded = 0;  ///< lineDevSpecific accepted
    std::uint64_t answered_ok = 0;         ///< lineProxyResponse with 0
    std::uint64_t answered_error = 0;      ///< with a LINEERR_* (timeouts included)
    std::uint64_t timed_out = 0;
    std::uint64_t events_relayed = 0;  ///< lineProxyMessage accepted
    std::size_t pending = 0;           ///< forwarded and not answered yet
    std::size_t buffers_held = 0;      ///< answered early, lineDevSpecific still outstanding
};

/// The largest LINEPROXYREQUEST (dwSize) the proxy forwards.
inline constexpr DWORD max_request_size = 1u << 20;
/// The smallest: the fixed fields up to dwRequestType and the union's first DWORD (dwAddressID,
/// hAgent ...). The provider checks the type's own part against dwSize.
inline constexpr DWORD min_request_size = 8 * sizeof(DWORD);
/// LINEPROXYREQUEST_SETAGENTGROUP (1) .. LINEPROXYREQUEST_SETAGENTSTATEEX (20).
std::vector<DWORD> all_request_types();
/// True for the request types keyed by an address (1..8): their first union field is dwAddressID.
bool is_address_request(DWORD request_type);

class proxy {
  public:
    explicit proxy(tapi_port& tapi, proxy_options options = {});
    /// Frees the buffers still lent to lineDevSpecific: destroy the proxy after lineShutdown.
    ~proxy();
    proxy(const proxy&) = delete;
    proxy& operator=(const proxy&) = delete;

    /// Probes devices 0 .. num_devices()-1 and opens every ctigw line for all request types.
    void start(time_point now);
    /// One LINEMESSAGE: `device` is its hDevice (the HLINE for line messages).
    void on_message(DWORD device, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
                    time_point now);
    /// Answers requests past their timeout, performs due reopens; returns when it wants to run
    /// next (nullopt: nothing scheduled; any on_message may bring that forward: see next_tick).
    std::optional<time_point> tick(time_point now);
    /// When tick() wants to run next.
    std::optional<time_point> next_tick() const;
    /// Answers everything unanswered with LINEERR_OPERATIONFAILED and closes every line.
    void stop();

    /// TAPISRV asked for a re-initialise (LINE_LINEDEVSTATE REINIT): the proxy has already
    /// answered every request and closed its lines. The shell shuts TAPI down, initialises it
    /// again, then calls restart().
    bool needs_reinitialize() const;
    /// After the shell's lineShutdown + lineInitializeEx: stop(), forget the previous TAPI
    /// instance (its lines, the buffers it held), start(now).
    void restart(time_point now);

    proxy_figures figures() const;

  private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::acdproxy
