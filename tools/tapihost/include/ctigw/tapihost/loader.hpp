/**
 * @file
 * Loading a TSP (ctigw.tsp with LoadLibrary on Windows, its Linux build libctigw-tsp.so with
 * dlopen) and resolving its TSPI_* exports by name, as TAPISRV does. The host never links the TSP.
 * The provider-level UI entry points (TSPI_providerUIIdentify, TSPI_providerGenericDialogData,
 * TUISPI_provider*) are resolved too, all optional: TAPI calls them from
 * lineAddProvider/lineRemoveProvider/lineConfigProvider.
 *
 * Thread safety: load once, then read-only from any thread.
 */
#pragma once

#include <string>
#include <vector>

#include "ctigw/tsp/tspi_exports.hpp"

namespace ctigw::tapihost {

// Every TSPI function the host may call; X(name, required).
#define CTIGW_TAPIHOST_TSPI_FUNCTIONS(X)   \
    X(providerEnumDevices, true)           \
    X(providerInit, true)                  \
    X(providerShutdown, true)              \
    X(providerCreateLineDevice, false)     \
    X(providerCreatePhoneDevice, false)    \
    X(lineNegotiateTSPIVersion, true)      \
    X(lineGetDevCaps, false)               \
    X(lineGetAddressCaps, false)           \
    X(lineOpen, true)                      \
    X(lineClose, true)                     \
    X(lineSetStatusMessages, false)        \
    X(lineSetDefaultMediaDetection, false) \
    X(lineGetLineDevStatus, false)         \
    X(lineGetAddressStatus, false)         \
    X(lineMakeCall, false)                 \
    X(lineDial, false)                     \
    X(lineAnswer, false)                   \
    X(lineAccept, false)                   \
    X(lineDrop, false)                     \
    X(lineCloseCall, false)                \
    X(lineGetCallInfo, false)              \
    X(lineGetCallStatus, false)            \
    X(lineSetAppSpecific, false)           \
    X(lineHold, false)                     \
    X(lineUnhold, false)                   \
    X(lineSwapHold, false)                 \
    X(lineBlindTransfer, false)            \
    X(lineSetupTransfer, false)            \
    X(lineCompleteTransfer, false)         \
    X(lineSetupConference, false)          \
    X(linePrepareAddToConference, false)   \
    X(lineAddToConference, false)          \
    X(lineRemoveFromConference, false)     \
    X(linePark, false)                     \
    X(lineUnpark, false)                   \
    X(linePickup, false)                   \
    X(lineRedirect, false)                 \
    X(lineForward, false)                  \
    X(lineSetLineDevStatus, false)         \
    X(lineGenerateDigits, false)           \
    X(lineMonitorDigits, false)            \
    X(lineSetCallData, false)              \
    X(lineGetExtensionID, false)           \
    X(lineNegotiateExtVersion, false)      \
    X(lineSelectExtVersion, false)         \
    X(lineDevSpecific, false)              \
    X(phoneNegotiateTSPIVersion, false)    \
    X(phoneGetDevCaps, false)              \
    X(phoneOpen, false)                    \
    X(phoneClose, false)                   \
    X(phoneSetStatusMessages, false)       \
    X(phoneGetStatus, false)               \
    X(phoneGetDisplay, false)              \
    X(phoneSetDisplay, false)              \
    X(phoneGetButtonInfo, false)           \
    X(phoneSetLamp, false)                 \
    X(phoneSetHookSwitch, false)

/// The resolved entry points; null when the TSP does not export one.
#define CTIGW_TAPIHOST_TUISPI_FUNCTIONS(X) \
    X(providerInstall)                     \
    X(providerRemove)                      \
    X(providerConfig)

struct tuispi_table {
    decltype(&::TSPI_providerUIIdentify) providerUIIdentify = nullptr;
    /// Where TAPI forwards a TUISPI function's UI callback (TUISPIDLLCALLBACK): the host does too.
    decltype(&::TSPI_providerGenericDialogData) providerGenericDialogData = nullptr;
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` is pasted and declared, not an expression
#define CTIGW_TAPIHOST_MEMBER(name) decltype(&::TUISPI_##name) name = nullptr;
    CTIGW_TAPIHOST_TUISPI_FUNCTIONS(CTIGW_TAPIHOST_MEMBER)
#undef CTIGW_TAPIHOST_MEMBER
};

struct tspi_table {
// NOLINTNEXTLINE(bugprone-macro-parentheses): as above
#define CTIGW_TAPIHOST_MEMBER(name, required) decltype(&::TSPI_##name) name = nullptr;
    CTIGW_TAPIHOST_TSPI_FUNCTIONS(CTIGW_TAPIHOST_MEMBER)
#undef CTIGW_TAPIHOST_MEMBER
};

class tsp_library {
  public:
    tsp_library() = default;
    ~tsp_library();
    tsp_library(const tsp_library&) = delete;
    tsp_library& operator=(const tsp_library&) = delete;

    /// dlopen + dlsym. Returns an error text (unloadable file, or a required function missing).
    std::string load(const std::string& path);
    const tspi_table& fn() const { return table_; }
    const tuispi_table& ui() const { return ui_; }
    /// Optional functions the TSP does not export ("lineSwapHold", ...).
    const std::vector<std::string>& missing() const { return missing_; }
    /// How many of the functions the host knows the TSP exports.
    std::size_t resolved() const { return resolved_; }

  private:
    void* handle_ = nullptr;
    void* symbol(const char* name) const;

    tspi_table table_;
    tuispi_table ui_;
    std::vector<std::string> missing_;
    std::size_t resolved_ = 0;
};

}  // namespace ctigw::tapihost
