// ctigw-acdproxy.exe: the Windows service "ctigw-acdproxy" around the proxy (docs/agents.md §4),
// or with --console the same in the foreground until Ctrl+C, for diagnosis.
//
//   ctigw-acdproxy.exe [--console] [--debug] [--log-file PATH]
//
// The log goes to %ProgramData%\ctigw\logs\acdproxy.log (also stderr with --console).
//
// Threads: the service control dispatcher (wmain's thread) runs control_handler; ServiceMain's
// thread runs the proxy loop (run_proxy); they share only the stop event and the log.
#include <windows.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "file_log.hpp"
#include "tapi32_port.hpp"

namespace ctigw::acdproxy::win {
namespace {

constexpr wchar_t service_name[] = L"ctigw-acdproxy";

struct settings {
    bool console = false;
    int level = log_level::info;
    std::wstring log_file = file_log::default_path();
};

/// What the service callbacks share; they take no context of ours (ServiceMain), so it is global.
struct service_state {
    settings config;
    std::unique_ptr<file_log> log;
    HANDLE stop_event = nullptr;
    SERVICE_STATUS_HANDLE handle = nullptr;
    std::mutex status_mutex;
    SERVICE_STATUS status{};
};
service_state g_state;

proxy_options make_options() {
    proxy_options o;
    o.log = [](int level, const std::string& text) { g_state.log->write(level, text); };
    return o;
}

void report(DWORD state, DWORD exit_code = NO_ERROR, DWORD wait_hint = 0) {
    const std::lock_guard lock(g_state.status_mutex);
    auto& s = g_state.status;
    s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s.dwCurrentState = state;
    s.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    s.dwWin32ExitCode = exit_code;
    s.dwWaitHint = wait_hint;
    s.dwCheckPoint =
        (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : s.dwCheckPoint + 1;
    ::SetServiceStatus(g_state.handle, &s);
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
    switch (control) {
        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_SHUTDOWN:
            g_state.log->write(log_level::info, control == SERVICE_CONTROL_STOP
                                                    ? "stop requested"
                                                    : "system shutdown");
            // Answering the pending requests and closing the lines takes moments.
            report(SERVICE_STOP_PENDING, NO_ERROR, 10000);
            ::SetEvent(g_state.stop_event);
            return NO_ERROR;
        case SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR;
        default:
            return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI service_main(DWORD, LPWSTR*) {
    g_state.handle = ::RegisterServiceCtrlHandlerExW(service_name, control_handler, nullptr);
    if (g_state.handle == nullptr) {
        g_state.log->write(log_level::error, "RegisterServiceCtrlHandlerExW failed: " +
                                                 std::to_string(::GetLastError()));
        return;
    }
    report(SERVICE_START_PENDING, NO_ERROR, 5000);
    report(SERVICE_RUNNING);
    g_state.log->write(log_level::info, "service started");
    DWORD exit_code = NO_ERROR;
    try {
        run_proxy(g_state.stop_event, make_options());
    } catch (const std::exception& e) {  // the SCM must still hear that the service stopped
        g_state.log->write(log_level::error, std::string("the proxy failed: ") + e.what());
        exit_code = ERROR_EXCEPTION_IN_SERVICE;
    }
    g_state.log->write(log_level::info, "service stopped");
    report(SERVICE_STOPPED, exit_code);
}

BOOL WINAPI console_handler(DWORD event) {
    switch (event) {
        case CTRL_C_EVENT:
        case CTRL_BREAK_EVENT:
        case CTRL_CLOSE_EVENT:
        case CTRL_SHUTDOWN_EVENT:
            ::SetEvent(g_state.stop_event);
            return TRUE;
        default:
            return FALSE;
    }
}

void usage() {
    std::fputs(
        "usage: ctigw-acdproxy [--console] [--debug] [--log-file PATH]\n"
        "  The ctigw agent proxy: answers TAPI's agent requests (lineSetAgentGroup, ...) for the\n"
        "  ctigw provider. Runs as the Windows service \"ctigw-acdproxy\"; --console runs it in\n"
        "  the foreground until Ctrl+C. --debug logs every request; the log is\n"
        "  %ProgramData%\\ctigw\\logs\\acdproxy.log unless --log-file says otherwise.\n",
        stderr);
}

/// 0: go on; otherwise the exit code.
int parse(int argc, wchar_t** argv, settings& s) {
    for (int i = 1; i < argc; ++i) {
        const std::wstring arg = argv[i];
        if (arg == L"--console") {
            s.console = true;
        } else if (arg == L"--debug") {
            s.level = log_level::debug;
        } else if (arg == L"--log-file" && i + 1 < argc) {
            s.log_file = argv[++i];
        } else if (arg == L"--help" || arg == L"-h" || arg == L"/?") {
            usage();
            return 1;
        } else {
            std::fprintf(stderr, "unknown argument: %s\n", narrow(arg).c_str());
            usage();
            return 2;
        }
    }
    return 0;
}

int run(int argc, wchar_t** argv) {
    if (const int rc = parse(argc, argv, g_state.config); rc != 0) return rc == 1 ? 0 : rc;
    const auto& config = g_state.config;
    g_state.log = std::make_unique<file_log>(config.log_file, config.level, config.console);
    g_state.stop_event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (g_state.stop_event == nullptr) {
        g_state.log->write(log_level::error,
                           "CreateEvent failed: " + std::to_string(::GetLastError()));
        return 1;
    }

    if (config.console) {
        ::SetConsoleCtrlHandler(console_handler, TRUE);
        g_state.log->write(log_level::info, "running in the console (Ctrl+C stops); log: " +
                                                narrow(g_state.log->path()));
        run_proxy(g_state.stop_event, make_options());
        return 0;
    }

    const SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(service_name), service_main},
                                          {nullptr, nullptr}};
    if (!::StartServiceCtrlDispatcherW(table)) {
        const DWORD e = ::GetLastError();
        if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            std::fputs(
                "not started by the service control manager: use --console to run it "
                "in the foreground\n",
                stderr);
            usage();
        } else {
            g_state.log->write(log_level::error,
                               "StartServiceCtrlDispatcherW failed: " + std::to_string(e));
        }
        return 1;
    }
    return 0;
}

}  // namespace
}  // namespace ctigw::acdproxy::win

int wmain(int argc, wchar_t** argv) {
    try {
        return ctigw::acdproxy::win::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ctigw-acdproxy: %s\n", e.what());
    } catch (...) {
        std::fputs("ctigw-acdproxy: unknown exception\n", stderr);
    }
    return 1;
}
