// The Win32 side of TUISPI_providerInstall / TUISPI_providerRemove (ui/windows.hpp): the real
// registry behind ui/setup.hpp's registry_store, the directories, and this module's identity.
#if defined(_WIN32)

#include "ui/windows.hpp"

#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include "devices/devices.hpp"  // expand_environment, read_hklm_string
#include "ui/setup.hpp"

namespace ctigw::tsp::ui {

namespace {

const int module_anchor = 0;  // any address inside this DLL identifies it

using rc = registry_store::rc;

rc map(LSTATUS e) {
    if (e == ERROR_SUCCESS) return rc::ok;
    if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) return rc::not_found;
    return rc::failed;
}

class key_handle {
  public:
    key_handle() = default;
    ~key_handle() {
        if (h_ != nullptr) RegCloseKey(h_);
    }
    key_handle(const key_handle&) = delete;
    key_handle& operator=(const key_handle&) = delete;
    HKEY* out() { return &h_; }
    HKEY get() const { return h_; }

  private:
    HKEY h_ = nullptr;
};

/// HKEY_LOCAL_MACHINE, native view (this DLL is 64-bit, like TAPISRV and the applications that
/// can load it).
class win32_registry final : public registry_store {
  public:
    rc create_key(std::wstring_view path, bool& created) override {
        key_handle k;
        DWORD disposition = 0;
        const auto e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, std::wstring(path).c_str(), 0, nullptr,
                                       REG_OPTION_NON_VOLATILE, KEY_READ | KEY_WRITE, nullptr,
                                       k.out(), &disposition);
        created = e == ERROR_SUCCESS && disposition == REG_CREATED_NEW_KEY;
        return e == ERROR_SUCCESS ? rc::ok : rc::failed;
    }
    rc delete_key(std::wstring_view path) override {
        return map(RegDeleteKeyW(HKEY_LOCAL_MACHINE, std::wstring(path).c_str()));
    }
    rc delete_tree(std::wstring_view path) override {
        return map(RegDeleteTreeW(HKEY_LOCAL_MACHINE, std::wstring(path).c_str()));
    }
    rc count_children(std::wstring_view path, std::size_t& n) override {
        key_handle k;
        if (auto r = open(path, KEY_QUERY_VALUE, k); r != rc::ok) return r;
        DWORD subkeys = 0;
        DWORD values = 0;
        const auto e = RegQueryInfoKeyW(k.get(), nullptr, nullptr, nullptr, &subkeys, nullptr,
                                        nullptr, &values, nullptr, nullptr, nullptr, nullptr);
        if (e != ERROR_SUCCESS) return rc::failed;
        n = std::size_t{subkeys} + values;
        return rc::ok;
    }
    rc has_value(std::wstring_view path, std::wstring_view name) override {
        key_handle k;
        if (auto r = open(path, KEY_QUERY_VALUE, k); r != rc::ok) return r;
        return map(RegQueryValueExW(k.get(), std::wstring(name).c_str(), nullptr, nullptr, nullptr,
                                    nullptr));
    }
    rc read_string(std::wstring_view path, std::wstring_view name, std::wstring& text) override {
        const auto e = read_hklm_string(path, name, text);
        return e == ERROR_UNSUPPORTED_TYPE ? rc::not_found : map(e);
    }
    rc set_expand_string(std::wstring_view path, std::wstring_view name,
                         std::wstring_view text) override {
        key_handle k;
        if (auto r = open(path, KEY_SET_VALUE, k); r != rc::ok) return r;
        const std::wstring data(text);
        const auto bytes = static_cast<DWORD>((data.size() + 1) * sizeof(wchar_t));
        return map(RegSetValueExW(k.get(), std::wstring(name).c_str(), 0, REG_EXPAND_SZ,
                                  reinterpret_cast<const BYTE*>(data.c_str()), bytes));
    }
    rc set_dword(std::wstring_view path, std::wstring_view name, DWORD value) override {
        key_handle k;
        if (auto r = open(path, KEY_SET_VALUE, k); r != rc::ok) return r;
        return map(RegSetValueExW(k.get(), std::wstring(name).c_str(), 0, REG_DWORD,
                                  reinterpret_cast<const BYTE*>(&value), sizeof value));
    }
    rc delete_value(std::wstring_view path, std::wstring_view name) override {
        key_handle k;
        if (auto r = open(path, KEY_SET_VALUE, k); r != rc::ok) return r;
        return map(RegDeleteValueW(k.get(), std::wstring(name).c_str()));
    }
    rc string_values(std::wstring_view path,
                     std::vector<std::pair<std::wstring, std::wstring>>& values) override {
        key_handle k;
        if (auto r = open(path, KEY_QUERY_VALUE, k); r != rc::ok) return r;
        DWORD max_name = 0;
        DWORD max_data = 0;
        if (RegQueryInfoKeyW(k.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                             &max_name, &max_data, nullptr, nullptr) != ERROR_SUCCESS) {
            return rc::failed;
        }
        std::wstring name(std::size_t{max_name} + 1, L'\0');
        std::vector<wchar_t> data(std::size_t{max_data} / sizeof(wchar_t) + 1, L'\0');
        for (DWORD i = 0;; ++i) {
            auto name_chars = static_cast<DWORD>(name.size());
            auto data_bytes = static_cast<DWORD>(data.size() * sizeof(wchar_t));
            DWORD type = 0;
            const auto e = RegEnumValueW(k.get(), i, name.data(), &name_chars, nullptr, &type,
                                         reinterpret_cast<BYTE*>(data.data()), &data_bytes);
            if (e == ERROR_NO_MORE_ITEMS) return rc::ok;
            if (e != ERROR_SUCCESS) return rc::failed;  // incl. a value grown since the query
            if (type != REG_SZ && type != REG_EXPAND_SZ) continue;
            std::wstring text(data.data(), data_bytes / sizeof(wchar_t));
            while (!text.empty() && text.back() == L'\0') text.pop_back();
            values.emplace_back(std::wstring(name.data(), name_chars), std::move(text));
        }
    }

  private:
    static rc open(std::wstring_view path, REGSAM access, key_handle& k) {
        return map(
            RegOpenKeyExW(HKEY_LOCAL_MACHINE, std::wstring(path).c_str(), 0, access, k.out()));
    }
};

/// lineAddProvider / lineRemoveProvider may run in several threads (or applications) at once;
/// inside one process they take turns.
std::mutex setup_mutex;

}  // namespace

HMODULE this_module() noexcept {
    HMODULE module = nullptr;
    if (!GetModuleHandleExW(
            GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
            reinterpret_cast<LPCWSTR>(&module_anchor), &module)) {
        return nullptr;
    }
    return module;
}

std::wstring this_module_path() {
    const HMODULE module = this_module();
    if (module == nullptr) return {};
    // Long paths (\\?\...) exceed MAX_PATH: grow until the name fits.
    for (DWORD size = MAX_PATH; size <= 32768; size *= 2) {
        std::wstring path(size, L'\0');
        const DWORD n = GetModuleFileNameW(module, path.data(), size);
        if (n == 0) return {};
        if (n < size) {
            path.resize(n);
            return path;
        }
    }
    return {};
}

LONG tuispi_install(DWORD permanent_provider_id) {
    std::lock_guard lock(setup_mutex);
    win32_registry reg;
    const auto out = install_provider(reg, permanent_provider_id);
    if (out.result != 0) return out.result;
    for (const auto& dir : out.directories) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(expand_environment(dir)), ec);
    }
    return 0;
}

LONG tuispi_remove() {
    std::lock_guard lock(setup_mutex);
    win32_registry reg;
    return remove_provider(reg);
}

}  // namespace ctigw::tsp::ui

#endif
