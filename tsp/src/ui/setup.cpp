// TUISPI_providerInstall / TUISPI_providerRemove registry logic (ui/setup.hpp). Portable: the
// Win32 registry is behind registry_store.
#include "ui/setup.hpp"

#include "ctigw/tsp/windows_registry.hpp"

namespace ctigw::tsp::ui {

namespace {

using rc = registry_store::rc;

constexpr LONG failed = static_cast<LONG>(LINEERR_OPERATIONFAILED);

wchar_t fold(wchar_t c) {
    return (c >= L'A' && c <= L'Z') ? static_cast<wchar_t>(c - L'A' + L'a') : c;
}

bool iequals(std::wstring_view a, std::wstring_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (fold(a[i]) != fold(b[i])) return false;
    }
    return true;
}

bool istarts_with(std::wstring_view text, std::wstring_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

/// The directory part of a path (up to its last separator), or empty.
std::wstring parent_of(std::wstring_view path) {
    const auto pos = path.find_last_of(L"\\/");
    return pos == std::wstring_view::npos ? std::wstring() : std::wstring(path.substr(0, pos));
}

/// What install_provider created, to undo on failure.
struct install_undo {
    registry_store& reg;
    bool created_vendor = false;
    bool created_key = false;
    std::vector<std::wstring> created_values;  ///< in a key that existed before

    void roll_back() {
        // Best effort: the caller reports the original failure whatever happens here.
        if (created_key) {
            reg.delete_tree(registry::key);
        } else {
            for (const auto& v : created_values) reg.delete_value(registry::key, v);
        }
        if (created_vendor) reg.delete_key(registry::vendor_key);
    }
};

/// Writes `text` as `name` unless a value of that name exists. False on a registry failure.
bool ensure_default(install_undo& undo, std::wstring_view name, std::wstring_view text) {
    switch (undo.reg.has_value(registry::key, name)) {
        case rc::ok:
            return true;  // the administrator's (or a previous install's) value stays
        case rc::failed:
            return false;
        case rc::not_found:
            break;
    }
    if (undo.reg.set_expand_string(registry::key, name, text) != rc::ok) return false;
    undo.created_values.emplace_back(name);
    return true;
}

}  // namespace

bool same_file_name(std::wstring_view path, std::wstring_view file_name) {
    const auto pos = path.find_last_of(L"\\/:");
    return iequals(pos == std::wstring_view::npos ? path : path.substr(pos + 1), file_name);
}

install_outcome install_provider(registry_store& reg, DWORD permanent_provider_id) {
    install_outcome out;
    // 1. One ctigw per machine: TAPI lists its providers by file name.
    std::vector<std::pair<std::wstring, std::wstring>> listed;
    switch (reg.string_values(registry::tapi_providers_key, listed)) {
        case rc::failed:
            out.result = failed;
            return out;
        case rc::not_found:
            listed.clear();
            break;  // no provider installed at all
        case rc::ok:
            break;
    }
    for (const auto& [name, text] : listed) {
        if (istarts_with(name, registry::tapi_provider_file_name_prefix) &&
            same_file_name(text, registry::provider_file_name)) {
            out.result = static_cast<LONG>(LINEERR_NOMULTIPLEINSTANCE);
            return out;
        }
    }

    // 2. Our key and values; every step's creation is recorded so that a failure undoes it.
    install_undo undo{reg, false, false, {}};
    const auto fail = [&] {
        undo.roll_back();
        out.result = failed;
        return out;
    };
    if (reg.create_key(registry::vendor_key, undo.created_vendor) != rc::ok) return fail();
    if (reg.create_key(registry::key, undo.created_key) != rc::ok) return fail();
    if (!ensure_default(undo, registry::config_path_value, registry::default_config_path)) {
        return fail();
    }
    if (!ensure_default(undo, registry::log_dir_value, registry::default_log_dir)) return fail();
    if (reg.set_dword(registry::key, registry::provider_id_value, permanent_provider_id) !=
        rc::ok) {
        return fail();
    }

    // 3. The directories of the values in effect (the kept ones, or the defaults).
    std::wstring text;
    if (reg.read_string(registry::key, registry::config_path_value, text) == rc::ok &&
        !parent_of(text).empty()) {
        out.directories.push_back(parent_of(text));
    }
    text.clear();
    if (reg.read_string(registry::key, registry::log_dir_value, text) == rc::ok && !text.empty()) {
        out.directories.push_back(text);
    }
    return out;
}

LONG remove_provider(registry_store& reg) {
    if (reg.delete_tree(registry::key) == rc::failed) return failed;
    // The vendor key goes only when empty: another ctigw component may keep its settings there.
    std::size_t n = 0;
    if (reg.count_children(registry::vendor_key, n) == rc::ok && n == 0) {
        reg.delete_key(registry::vendor_key);  // cosmetic: the provider is removed either way
    }
    return 0;
}

}  // namespace ctigw::tsp::ui
