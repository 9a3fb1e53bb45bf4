// tapi_port over tapi32 and the proxy's message loop (tapi32_port.hpp).
#include "tapi32_port.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace ctigw::acdproxy::win {

// ---- tapi32_port --------------------------------------------------------------------------------

LONG tapi32_port::initialize(DWORD api_high) {
    shutdown();
    LINEINITIALIZEEXPARAMS params{};
    params.dwTotalSize = sizeof params;
    params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    DWORD api = api_high;  // in: the highest we know; out: TAPI's
    HLINEAPP app = 0;
    DWORD devices = 0;
    const LONG r = ::lineInitializeExW(&app, ::GetModuleHandleW(nullptr), nullptr,
                                       L"ctigw-acdproxy", &devices, &api, &params);
    if (r != 0) return r;
    app_ = app;
    num_devices_ = devices;
    event_ = params.Handles.hEvent;  // TAPI's: closed by lineShutdown, never by us
    return 0;
}

void tapi32_port::shutdown() {
    if (app_ == 0) return;
    ::lineShutdown(app_);
    app_ = 0;
    event_ = nullptr;
    num_devices_ = 0;
}

bool tapi32_port::next_message(LINEMESSAGE& message) {
    return app_ != 0 && ::lineGetMessage(app_, &message, 0) == 0;
}

LONG tapi32_port::negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                                        LINEEXTENSIONID* extension_id) {
    return ::lineNegotiateAPIVersion(app_, device, low, high, version, extension_id);
}

LONG tapi32_port::negotiate_ext_version(DWORD device, DWORD api_version, DWORD low, DWORD high,
                                        DWORD* ext_version) {
    return ::lineNegotiateExtVersion(app_, device, api_version, low, high, ext_version);
}

LONG tapi32_port::open_proxy(DWORD device, DWORD api_version, DWORD ext_version,
                             const std::vector<DWORD>& request_types, HLINE* line) {
    // LINECALLPARAMS followed by the DWORD array of request types (its DevSpecific part).
    const std::size_t types_size = request_types.size() * sizeof(DWORD);
    std::vector<std::byte> buffer(sizeof(LINECALLPARAMS) + types_size);
    LINECALLPARAMS head{};
    head.dwTotalSize = static_cast<DWORD>(buffer.size());
    head.dwDevSpecificSize = static_cast<DWORD>(types_size);
    head.dwDevSpecificOffset = sizeof(LINECALLPARAMS);
    std::memcpy(buffer.data(), &head, sizeof head);
    std::memcpy(buffer.data() + sizeof head, request_types.data(), types_size);
    // dwMediaModes is ignored without LINECALLPRIVILEGE_OWNER.
    return ::lineOpenW(app_, device, line, api_version, ext_version, 0,
                       LINECALLPRIVILEGE_NONE | LINEOPENOPTION_PROXY, 0,
                       reinterpret_cast<LINECALLPARAMS*>(buffer.data()));
}

LONG tapi32_port::close(HLINE line) {
    return ::lineClose(line);
}

LONG tapi32_port::dev_specific(HLINE line, DWORD address_id, void* params, DWORD size) {
    return ::lineDevSpecific(line, address_id, 0, params, size);
}

LONG tapi32_port::proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) {
    return ::lineProxyResponse(line, request, result);
}

LONG tapi32_port::proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                DWORD_PTR p3) {
    // The agent messages' parameters are DWORDs (agent_event_params).
    return ::lineProxyMessage(line, call, msg, static_cast<DWORD>(p1), static_cast<DWORD>(p2),
                              static_cast<DWORD>(p3));
}

// ---- the loop -----------------------------------------------------------------------------------

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

constexpr auto figures_interval = 15min;
/// Messages handled before the proxy's timers get a turn.
constexpr int messages_per_pass = 256;

void log(const proxy_options& o, int level, const std::string& text) {
    if (o.log) o.log(level, text);
}

std::string hex_result(LONG r) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08lX", static_cast<unsigned long>(r));
    return text;
}

std::string figures_text(const proxy_figures& f) {
    return "lines open " + std::to_string(f.lines_open) + ", requests forwarded " +
           std::to_string(f.requests_forwarded) + ", answered ok " + std::to_string(f.answered_ok) +
           ", answered with error " + std::to_string(f.answered_error) + " (timed out " +
           std::to_string(f.timed_out) + "), events relayed " + std::to_string(f.events_relayed) +
           ", pending " + std::to_string(f.pending) + ", buffers held " +
           std::to_string(f.buffers_held);
}

/// True when `stop` is signalled within `wait`.
bool stopped_within(HANDLE stop, milliseconds wait) {
    return ::WaitForSingleObject(stop, static_cast<DWORD>(wait.count())) == WAIT_OBJECT_0;
}

/// lineInitializeExW until it succeeds (TAPISRV may be starting or re-initialising); false when
/// stopped first.
bool initialize(tapi32_port& port, const proxy_options& o, HANDLE stop) {
    for (;;) {
        const LONG r = port.initialize(o.api_high);
        const bool reinit = static_cast<DWORD>(r) == LINEERR_REINIT;
        if (r == 0 && port.event() != nullptr) {
            log(o, log_level::info,
                "TAPI initialised: " + std::to_string(port.num_devices()) + " line devices");
            return true;
        }
        if (r == 0) {  // seen with Wine's tapi32: nothing to wait on, so no messages
            port.shutdown();
            log(o, log_level::warn, "lineInitializeEx gave no event handle; retrying");
        } else {
            log(o, reinit ? log_level::debug : log_level::warn,
                "lineInitializeEx failed: " + hex_result(r) + "; retrying");
        }
        if (stopped_within(stop, reinit ? 1s : 5s)) return false;
    }
}

/// Milliseconds until the proxy's next timer or the next figures line.
DWORD wait_ms(std::optional<time_point> next, time_point now, time_point figures_due) {
    time_point until = figures_due;
    if (next && *next < until) until = *next;
    if (until <= now) return 0;
    const auto ms = std::chrono::ceil<milliseconds>(until - now).count();
    return static_cast<DWORD>(std::min<long long>(ms, 0x7FFFFFFF));
}

}  // namespace

void run_proxy(HANDLE stop_event, proxy_options options) {
    tapi32_port port;
    proxy px(port, options);
    if (!initialize(port, options, stop_event)) {
        log(options, log_level::info, "stopped before TAPI was initialised");
        return;
    }
    px.start(clock::now());
    auto figures_due = clock::now() + figures_interval;
    bool more = false;  // the last pass stopped with messages left

    for (;;) {
        auto now = clock::now();
        if (now >= figures_due) {
            log(options, log_level::info, figures_text(px.figures()));
            figures_due = now + figures_interval;
        }
        const DWORD timeout = more ? 0 : wait_ms(px.next_tick(), now, figures_due);
        const HANDLE handles[2] = {stop_event, port.event()};
        const DWORD w = ::WaitForMultipleObjects(2, handles, FALSE, timeout);
        if (w == WAIT_OBJECT_0) break;
        if (w == WAIT_FAILED) {
            log(options, log_level::error,
                "WaitForMultipleObjects failed: " + std::to_string(::GetLastError()));
            if (stopped_within(stop_event, 1s)) break;
        }

        LINEMESSAGE m{};
        int handled = 0;
        while (handled < messages_per_pass && !px.needs_reinitialize() && port.next_message(m)) {
            px.on_message(m.hDevice, m.dwMessageID, m.dwParam1, m.dwParam2, m.dwParam3,
                          clock::now());
            ++handled;
        }
        more = handled == messages_per_pass;

        if (px.needs_reinitialize()) {
            // The proxy has answered and closed everything; the old instance's messages go.
            port.shutdown();
            if (!initialize(port, options, stop_event)) break;
            px.restart(clock::now());
            more = false;
        }
        px.tick(clock::now());
    }

    px.stop();
    log(options, log_level::info, "stopped: " + figures_text(px.figures()));
    port.shutdown();
}

}  // namespace ctigw::acdproxy::win
