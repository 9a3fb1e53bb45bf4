/**
 * @file
 * Where ctigw.tsp keeps its settings in the Windows registry. Shared by the provider
 * (environment.cpp, the TUISPI install/remove/config code) and the tools that set them up
 * (ctigw-tapihost --config on Windows, the tests under Wine). docs/windows.md describes them.
 */
#pragma once

namespace ctigw::tsp::registry {

/// Under HKEY_LOCAL_MACHINE; created by TUISPI_providerInstall, deleted by TUISPI_providerRemove.
inline constexpr const wchar_t* key = L"SOFTWARE\\ctigw\\TSP";
/// The parent of `key`: removed with it when nothing else is left in it.
inline constexpr const wchar_t* vendor_key = L"SOFTWARE\\ctigw";
/// REG_EXPAND_SZ (or REG_SZ): the configuration file. Default below.
inline constexpr const wchar_t* config_path_value = L"ConfigPath";
/// REG_EXPAND_SZ: the log directory used when the configuration names no log file.
inline constexpr const wchar_t* log_dir_value = L"LogDirectory";
/// REG_DWORD: the permanent provider id TAPI gave at install time (informational).
inline constexpr const wchar_t* provider_id_value = L"PermanentProviderID";
inline constexpr const wchar_t* default_config_path = L"%ProgramData%\\ctigw\\ctigw.json";
inline constexpr const wchar_t* default_log_dir = L"%ProgramData%\\ctigw\\logs";
/// TAPI's list of installed providers (ProviderFileNameN values), read to refuse a second install.
inline constexpr const wchar_t* tapi_providers_key =
    L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Telephony\\Providers";
/// Values TAPISRV keeps under tapi_providers_key: NumProviders (REG_DWORD), then for N = 0 ..
/// NumProviders-1 ProviderFileNameN (REG_SZ, usually a bare file name) and ProviderIDN (REG_DWORD).
inline constexpr const wchar_t* tapi_num_providers_value = L"NumProviders";
inline constexpr const wchar_t* tapi_provider_file_name_prefix = L"ProviderFileName";
inline constexpr const wchar_t* tapi_provider_id_prefix = L"ProviderID";
/// Our file name as TAPI lists it (compared case-insensitively, without its directory).
inline constexpr const wchar_t* provider_file_name = L"ctigw.tsp";

}  // namespace ctigw::tsp::registry
