// `ctigw-setup provider add|remove|list`: ctigw.tsp's registration with TAPI, through TAPI's own
// functions (never its registry keys). Adding is idempotent: the installer runs it on every
// install and repair.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/setup/setup.hpp"
#include "ctigw/tapihost/names.hpp"
#include "ctigw/tsp/tapi.hpp"
#include "internal.hpp"

namespace ctigw::setup {

namespace {

using detail::output;
using detail::shown;

constexpr std::uint32_t nomultipleinstance = static_cast<std::uint32_t>(LINEERR_NOMULTIPLEINSTANCE);
constexpr std::uint32_t nodriver = static_cast<std::uint32_t>(LINEERR_NODRIVER);

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string id_text(std::uint32_t id) {
    return std::to_string(id);
}

/// What an administrator can do about a failed lineAddProvider.
std::string add_hint(std::uint32_t rc) {
    if (rc == nodriver) {
        return "hint: TAPI could not load ctigw.tsp: check that it is in the (64-bit) System32 "
               "folder; then retry with `ctigw-setup provider add`";
    }
    return "hint: the Telephony service (TapiSrv) must not be disabled, and ctigw-setup must run "
           "elevated (as an administrator); retry with `ctigw-setup provider add`";
}

int add(tapi_providers& tapi, const output& out) {
    std::vector<tapi_provider> providers;
    const std::uint32_t list_rc = tapi.list(providers);
    if (list_rc != 0) {
        // lineAddProvider refuses a duplicate itself (ctigw.tsp's providerInstall answers
        // LINEERR_NOMULTIPLEINSTANCE), so a missing list is no reason to give up.
        out.line("warning: lineGetProviderList failed: " + lineerr_name(list_rc) +
                 "; trying lineAddProvider anyway");
    } else {
        for (const auto& p : providers) {
            if (!is_ctigw_provider(p.file_name)) continue;
            out.line("ctigw.tsp is already registered with TAPI (provider id " +
                     id_text(p.permanent_id) + "); nothing to do");
            return exit_code::ok;
        }
    }
    std::uint32_t id = 0;
    const std::uint32_t rc = tapi.add(std::string(provider_file_name), id);
    if (rc == 0) {
        out.line("registered ctigw.tsp with TAPI as provider " + id_text(id));
        return exit_code::ok;
    }
    if (rc == nomultipleinstance) {
        out.line("ctigw.tsp is already registered with TAPI (lineAddProvider: " + lineerr_name(rc) +
                 ", registered meanwhile); nothing to do");
        return exit_code::ok;
    }
    out.line("lineAddProvider(ctigw.tsp) failed: " + lineerr_name(rc));
    out.line(add_hint(rc));
    return exit_code::failed;
}

constexpr std::string_view remove_hint =
    "hint: remove it by hand (Phone and Modem, Advanced, ctigw, Remove) or retry with "
    "`ctigw-setup provider remove`; TAPI reports a provider whose file is gone at every start";

int remove(tapi_providers& tapi, const output& out) {
    std::vector<tapi_provider> providers;
    if (const std::uint32_t rc = tapi.list(providers); rc != 0) {
        out.line("cannot remove ctigw.tsp: lineGetProviderList failed: " + lineerr_name(rc));
        out.line(std::string(remove_hint));
        return exit_code::failed;
    }
    // Every entry: a failed or interrupted install may have left a stale duplicate.
    int found = 0;
    int result = exit_code::ok;
    for (const auto& p : providers) {
        if (!is_ctigw_provider(p.file_name)) continue;
        ++found;
        if (const std::uint32_t rc = tapi.remove(p.permanent_id); rc != 0) {
            out.line("lineRemoveProvider(" + id_text(p.permanent_id) +
                     ") failed: " + lineerr_name(rc));
            result = exit_code::failed;
        } else {
            out.line("removed provider " + id_text(p.permanent_id) + " (" + shown(p.file_name) +
                     ")");
        }
    }
    if (found == 0) out.line("ctigw.tsp is not registered with TAPI; nothing to do");
    if (result != exit_code::ok) out.line(std::string(remove_hint));
    return result;
}

int list(tapi_providers& tapi, const output& out) {
    std::vector<tapi_provider> providers;
    if (const std::uint32_t rc = tapi.list(providers); rc != 0) {
        out.line("lineGetProviderList failed: " + lineerr_name(rc));
        return exit_code::failed;
    }
    bool ours = false;
    for (const auto& p : providers) {
        const bool mine = is_ctigw_provider(p.file_name);
        ours = ours || mine;
        out.line(id_text(p.permanent_id) + "  " + shown(p.file_name) + (mine ? "  (ctigw)" : ""));
    }
    if (providers.empty()) out.line("TAPI lists no providers");
    if (!ours) out.line("ctigw.tsp is not registered with TAPI");
    return exit_code::ok;
}

}  // namespace

std::string lineerr_name(std::uint32_t code) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(code));
    // tapihost's table of tapi.h's names; a value it does not know comes back as a number.
    const std::string name = tapihost::name_of(tapihost::family::line_error, code);
    if ((code & 0xffff0000U) == 0x80000000U && name.rfind("0x", 0) != 0)
        return "LINEERR_" + name + " (" + hex + ")";
    return std::string("error ") + hex;
}

bool is_ctigw_provider(std::string_view file_name) {
    const auto sep = file_name.find_last_of("\\/:");
    const std::string_view last =
        sep == std::string_view::npos ? file_name : file_name.substr(sep + 1);
    if (last.size() != provider_file_name.size()) return false;
    for (std::size_t i = 0; i < last.size(); ++i) {
        if (ascii_lower(last[i]) != provider_file_name[i]) return false;
    }
    return true;
}

namespace detail {

int provider_command(const std::vector<std::string>& args, tapi_providers* tapi,
                     const output& out) {
    if (args.empty()) return usage_error(out, "provider needs add, remove or list");
    if (args.size() > 1) {
        return usage_error(out, "provider " + shown(args[0]) + " takes no further argument, not '" +
                                    shown(args[1]) + "'");
    }
    const std::string& what = args[0];
    if (what != "add" && what != "remove" && what != "list") {
        return usage_error(out,
                           "unknown provider command '" + shown(what) + "' (add, remove or list)");
    }
    if (tapi == nullptr) {
        out.line("cannot " + what + " TAPI providers: TAPI is not available here");
        return exit_code::failed;
    }
    if (what == "add") return add(*tapi, out);
    if (what == "remove") return remove(*tapi, out);
    return list(*tapi, out);
}

}  // namespace detail

}  // namespace ctigw::setup
