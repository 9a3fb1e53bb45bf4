// HKLM in memory for TUISPI_providerInstall/Remove's registry logic (tsp/src/ui/setup.hpp): the
// provider UI tests (with fault injection) and the provider UI fuzzer (hostile TAPI Providers
// values) use it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ui/setup.hpp"

namespace ctigw::tsp::testing {

/// HKLM in memory: keys by lower-cased path, each with its values. Every write counts; the one
/// numbered `fail_at` fails without effect (and later ones succeed: the rollback's).
class fake_registry final : public tsp::ui::registry_store {
  public:
    struct value {
        bool is_dword = false;
        bool expand = false;
        std::wstring text;
        DWORD number = 0;
        friend bool operator==(const value&, const value&) = default;
    };
    using key = std::map<std::wstring, value>;
    std::map<std::wstring, key> keys{{L"software", {}}};  // HKLM\SOFTWARE always exists
    int fail_at = -1;
    int writes = 0;
    bool fail_reads = false;

    void put_string(const std::wstring& path, const std::wstring& name, const std::wstring& text) {
        add_key(path);
        keys[lower(path)][name] = value{false, false, text, 0};
    }
    void put_dword(const std::wstring& path, const std::wstring& name, DWORD n) {
        add_key(path);
        keys[lower(path)][name] = value{true, false, {}, n};
    }
    bool has_key(const std::wstring& path) const { return keys.count(lower(path)) != 0; }
    const value* get(const std::wstring& path, const std::wstring& name) const {
        auto k = keys.find(lower(path));
        if (k == keys.end()) return nullptr;
        auto v = k->second.find(name);
        return v == k->second.end() ? nullptr : &v->second;
    }

    rc create_key(std::wstring_view path, bool& created) override {
        if (write_fails()) return rc::failed;
        created = !has_key(std::wstring(path));
        add_key(std::wstring(path));
        return rc::ok;
    }
    rc delete_key(std::wstring_view path) override {
        if (write_fails()) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        if (subkeys(p) != 0) return rc::failed;
        keys.erase(p);
        return rc::ok;
    }
    rc delete_tree(std::wstring_view path) override {
        if (write_fails()) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        std::erase_if(keys, [&](const auto& kv) {
            return kv.first == p || kv.first.rfind(p + L"\\", 0) == 0;
        });
        return rc::ok;
    }
    rc count_children(std::wstring_view path, std::size_t& n) override {
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        n = keys.at(p).size() + subkeys(p);
        return rc::ok;
    }
    rc has_value(std::wstring_view path, std::wstring_view name) override {
        if (fail_reads) return rc::failed;
        return get(std::wstring(path), std::wstring(name)) ? rc::ok : rc::not_found;
    }
    rc read_string(std::wstring_view path, std::wstring_view name, std::wstring& text) override {
        const auto* v = get(std::wstring(path), std::wstring(name));
        if (!v || v->is_dword) return rc::not_found;
        text = v->text;
        return rc::ok;
    }
    rc set_expand_string(std::wstring_view path, std::wstring_view name,
                         std::wstring_view text) override {
        if (write_fails()) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        keys[p][std::wstring(name)] = value{false, true, std::wstring(text), 0};
        return rc::ok;
    }
    rc set_dword(std::wstring_view path, std::wstring_view name, DWORD n) override {
        if (write_fails()) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        keys[p][std::wstring(name)] = value{true, false, {}, n};
        return rc::ok;
    }
    rc delete_value(std::wstring_view path, std::wstring_view name) override {
        if (write_fails()) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        return keys[p].erase(std::wstring(name)) ? rc::ok : rc::not_found;
    }
    rc string_values(std::wstring_view path,
                     std::vector<std::pair<std::wstring, std::wstring>>& values) override {
        if (fail_reads) return rc::failed;
        const auto p = lower(std::wstring(path));
        if (!keys.count(p)) return rc::not_found;
        for (const auto& [name, v] : keys.at(p)) {
            if (!v.is_dword) values.emplace_back(name, v.text);
        }
        return rc::ok;
    }

  private:
    static std::wstring lower(std::wstring s) {
        for (auto& c : s) {
            if (c >= L'A' && c <= L'Z') c = static_cast<wchar_t>(c - L'A' + L'a');
        }
        return s;
    }
    void add_key(const std::wstring& path) {  // with its parents, like RegCreateKeyEx
        const auto p = lower(path);
        for (auto pos = p.find(L'\\'); pos != std::wstring::npos; pos = p.find(L'\\', pos + 1)) {
            keys[p.substr(0, pos)];
        }
        keys[p];
    }
    std::size_t subkeys(const std::wstring& p) const {
        std::size_t n = 0;
        for (const auto& [k, v] : keys) {
            if (k.rfind(p + L"\\", 0) == 0 && k.find(L'\\', p.size() + 1) == std::wstring::npos)
                ++n;
        }
        return n;
    }
    bool write_fails() { return writes++ == fail_at; }
};

}  // namespace ctigw::tsp::testing
