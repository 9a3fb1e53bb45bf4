/**
 * @file
 * The provider configuration dialog (TUISPI_providerConfig, tsp/src/ui/dialog.cpp): its title and
 * control ids, public so that a test or an automation tool can find the window and its controls,
 * and the texts it shows, computed by portable functions (unit-tested on Linux; only the Win32
 * glue is Windows-only).
 */
#pragma once

#include <cstddef>
#include <string>

#include "ctigw/config/loader.hpp"
#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp::ui {

/// The dialog's caption (FindWindowW(nullptr, dialog_title)).
inline constexpr const wchar_t* dialog_title = L"ctigw provider configuration";

/// Control ids (GetDlgItem). Close is IDCANCEL so that Esc and the caption's X close too.
namespace control {
inline constexpr int config_path = 1001;  ///< read-only edit: the configuration file in use
inline constexpr int open = 1002;         ///< button: opens the file (ShellExecute, else Notepad)
inline constexpr int validate = 1003;     ///< button: checks the file like `ctigw-config check`
inline constexpr int result = 1004;       ///< read-only multi-line edit: the validation result
inline constexpr int status = 1005;       ///< read-only edit: the provider's status
inline constexpr int refresh = 1006;      ///< button: asks the provider for its status again
inline constexpr int close = 2;           ///< IDCANCEL
}  // namespace control

/**
 * The text of a validation (config::load_file's result), lines separated by '\n':
 * - valid: "valid: 2 lines, 1 phone, endpoint wss://pbx:8443/csta" (", standby URL" for each
 *   standby endpoint);
 * - unreadable: "cannot read the file:" then the I/O error;
 * - invalid: "invalid: N error(s)" then one config::format(diagnostic) per line
 *   ("/pointer: message (line L, column C)").
 */
std::string validation_text(const config::load_result& result);

/**
 * What the dialog shows as the provider's status after asking through TAPI's UI callback:
 * "provider not running" when there is no callback, " (error 0x...)" appended when the callback
 * failed, " (no status in TAPI's reply)" when it returned 0 without a v1 reply; else the reply.
 */
std::string dialog_status_text(bool have_callback, LONG callback_result, const void* block,
                               std::size_t size);

}  // namespace ctigw::tsp::ui
