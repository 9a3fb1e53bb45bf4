// TUISPI_providerInstall / TUISPI_providerRemove as portable logic over a small registry
// interface: the Win32 registry on Windows (ui/windows.cpp), an in-memory fake with fault
// injection in tests/tsp/provider_ui_test.cpp (which checks that a failure halfway leaves the
// registry as it was).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp::ui {

/// The part of HKEY_LOCAL_MACHINE install/remove use. Paths are relative to HKLM.
class registry_store {
  public:
    enum class rc { ok, not_found, failed };

    virtual ~registry_store() = default;
    /// Opens or creates the key `path` (and missing parents); `created`: it did not exist.
    virtual rc create_key(std::wstring_view path, bool& created) = 0;
    /// Deletes a key without subkeys (with its values). not_found when absent.
    virtual rc delete_key(std::wstring_view path) = 0;
    /// Deletes a key with everything under it. not_found when absent.
    virtual rc delete_tree(std::wstring_view path) = 0;
    /// Subkeys + values of a key. not_found when absent.
    virtual rc count_children(std::wstring_view path, std::size_t& n) = 0;
    /// Whether a value exists, whatever its type (ok / not_found; failed when unreadable).
    virtual rc has_value(std::wstring_view path, std::wstring_view name) = 0;
    /// A REG_SZ / REG_EXPAND_SZ value, unexpanded; not_found when absent or of another type.
    virtual rc read_string(std::wstring_view path, std::wstring_view name, std::wstring& text) = 0;
    virtual rc set_expand_string(std::wstring_view path, std::wstring_view name,
                                 std::wstring_view text) = 0;
    virtual rc set_dword(std::wstring_view path, std::wstring_view name, DWORD value) = 0;
    virtual rc delete_value(std::wstring_view path, std::wstring_view name) = 0;
    /// Every REG_SZ / REG_EXPAND_SZ value of a key as (name, text). not_found when no key.
    virtual rc string_values(std::wstring_view path,
                             std::vector<std::pair<std::wstring, std::wstring>>& values) = 0;
};

struct install_outcome {
    LONG result = 0;  ///< 0, LINEERR_NOMULTIPLEINSTANCE or LINEERR_OPERATIONFAILED
    /// On success, the directories to create (unexpanded, e.g. %ProgramData%\ctigw): the
    /// configuration file's directory and the log directory, from the values now in effect.
    std::vector<std::wstring> directories;
};

/// ASCII case-insensitive comparison of the file-name part of `path` (after the last \ / or :)
/// with `file_name`.
bool same_file_name(std::wstring_view path, std::wstring_view file_name);

/**
 * TUISPI_providerInstall's registry work:
 * 1. refuses (LINEERR_NOMULTIPLEINSTANCE, nothing written) when TAPI's Providers key lists a
 *    ProviderFileNameN that is ctigw.tsp;
 * 2. creates HKLM\SOFTWARE\ctigw\TSP; ConfigPath and LogDirectory get their REG_EXPAND_SZ
 *    defaults only when absent (an upgrade keeps the administrator's values);
 *    PermanentProviderID (REG_DWORD) is set.
 * Any registry failure → LINEERR_OPERATIONFAILED after undoing what this call created (keys and
 * values; PermanentProviderID is written last, so a failure never changes an existing one).
 */
install_outcome install_provider(registry_store& reg, DWORD permanent_provider_id);

/**
 * TUISPI_providerRemove's registry work: deletes HKLM\SOFTWARE\ctigw\TSP with everything in it,
 * then HKLM\SOFTWARE\ctigw when nothing else is left in it. An absent key is not an error (a
 * second remove succeeds). Files (the configuration, the logs) are never touched: they are the
 * administrator's. LINEERR_OPERATIONFAILED when the key exists and cannot be deleted.
 */
LONG remove_provider(registry_store& reg);

}  // namespace ctigw::tsp::ui
