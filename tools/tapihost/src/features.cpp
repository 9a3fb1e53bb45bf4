// `expect <line> [<call>] features <where> has|lacks F[|F]` (docs/tapihost.md): the feature bits
// of LINEDEVCAPS, LINEADDRESSCAPS, LINEDEVSTATUS, LINEADDRESSSTATUS or LINECALLSTATUS, polled
// until they hold, so that a scenario can check what a TSP advertises (e.g. after CAPSCHANGE).
#include "features.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/runner.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {
namespace {

/// `<where>` → the family its feature names come from.
constexpr std::array<std::pair<std::string_view, family>, 5> places{{
    {"devcaps", family::line_feature},
    {"addresscaps", family::call_feature},
    {"devstatus", family::line_feature},
    {"addressstatus", family::address_feature},
    {"callstatus", family::call_feature},
}};

std::optional<family> family_of(std::string_view where) {
    for (const auto& [name, f] : places) {
        if (name == where) return f;
    }
    return std::nullopt;
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::optional<std::string> parse_features(expect_stmt& ex, const std::vector<std::string>& w,
                                          std::size_t at) {
    const std::string usage =
        "usage: expect <line> features devcaps|addresscaps|devstatus|addressstatus has|lacks "
        "F[|F] | expect <line> <call> features has|lacks F[|F]";
    if (ex.where.empty()) {
        if (at >= w.size() || !family_of(lower_ascii(w[at])) ||
            lower_ascii(w[at]) == "callstatus") {
            return usage;
        }
        ex.where = lower_ascii(w[at++]);
    }
    if (w.size() != at + 2) return usage;
    const auto verb = lower_ascii(w[at]);
    if (verb != "has" && verb != "lacks") return usage;
    const auto f = *family_of(ex.where);
    auto bits = flags_value_of(f, w[at + 1]);
    if (!bits || *bits == 0) {
        return "\"" + w[at + 1] + "\" is not a set of " + std::string(prefix_of(f)) + " (" +
               names_list(f) + ")";
    }
    ex.kind = expect_kind::features;
    ex.lacks = verb == "lacks";
    ex.value = *bits;
    return std::nullopt;
}

std::optional<std::uint32_t> host::features(const std::string& line, const std::string& where,
                                            std::uint64_t call, std::string* error) {
    DWORD id = 0, version = 0;
    HDRVLINE hd{};
    HDRVCALL hc{};
    {
        std::lock_guard lock(mutex_);
        auto i = line_index_locked(line);
        if (!i) {
            *error = "unknown line " + line;
            return std::nullopt;
        }
        id = lines_[*i].device_id;
        version = lines_[*i].version;
        hd = lines_[*i].hd;
        if (auto it = calls_.find(call); it != calls_.end()) hc = it->second.hd;
    }
    const auto& fn = lib_.fn();
    LONG rc = 0;
    std::uint32_t bits = 0;
    auto missing = [&](const char* name) {
        *error = std::string("the TSP does not export TSPI_") + name;
        return std::nullopt;
    };
    if (where == "devcaps") {
        if (!fn.lineGetDevCaps) return missing("lineGetDevCaps");
        auto buf = get_var<LINEDEVCAPS>(
            [&](LINEDEVCAPS* c) { return fn.lineGetDevCaps(id, version, 0, c); }, rc);
        bits = reinterpret_cast<const LINEDEVCAPS*>(buf.data())->dwLineFeatures;
    } else if (where == "addresscaps") {
        if (!fn.lineGetAddressCaps) return missing("lineGetAddressCaps");
        auto buf = get_var<LINEADDRESSCAPS>(
            [&](LINEADDRESSCAPS* c) { return fn.lineGetAddressCaps(id, 0, version, 0, c); }, rc);
        bits = reinterpret_cast<const LINEADDRESSCAPS*>(buf.data())->dwCallFeatures;
    } else if (where == "devstatus") {
        if (!fn.lineGetLineDevStatus) return missing("lineGetLineDevStatus");
        auto buf = get_var<LINEDEVSTATUS>(
            [&](LINEDEVSTATUS* s) { return fn.lineGetLineDevStatus(hd, s); }, rc);
        bits = reinterpret_cast<const LINEDEVSTATUS*>(buf.data())->dwLineFeatures;
    } else if (where == "addressstatus") {
        if (!fn.lineGetAddressStatus) return missing("lineGetAddressStatus");
        auto buf = get_var<LINEADDRESSSTATUS>(
            [&](LINEADDRESSSTATUS* s) { return fn.lineGetAddressStatus(hd, 0, s); }, rc);
        bits = reinterpret_cast<const LINEADDRESSSTATUS*>(buf.data())->dwAddressFeatures;
    } else {
        if (!fn.lineGetCallStatus) return missing("lineGetCallStatus");
        auto buf = get_var<LINECALLSTATUS>(
            [&](LINECALLSTATUS* s) { return fn.lineGetCallStatus(hc, s); }, rc);
        bits = reinterpret_cast<const LINECALLSTATUS*>(buf.data())->dwCallFeatures;
    }
    if (rc != 0) {
        *error = where + " → " + result_name(rc);
        return std::nullopt;
    }
    return bits;
}

bool runner::run_features(const statement& st, const expect_stmt& ex, std::uint64_t call,
                          std::chrono::steady_clock::time_point deadline) {
    const auto f = *family_of(ex.where);
    std::string error;
    std::optional<std::uint32_t> last;
    while (true) {
        std::size_t seen = 0;
        host_.with_log([&](const std::vector<event>& log) { seen = log.size(); });
        error.clear();
        last = host_.features(ex.device, ex.where, call, &error);
        if (last && (ex.lacks ? (*last & ex.value) == 0 : (*last & ex.value) == ex.value)) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        host_.wait_for_events(seen, std::min(deadline, std::chrono::steady_clock::now() +
                                                           std::chrono::milliseconds(50)));
    }
    return fail(st, "  expected: line " + ex.device + " " + ex.where + " " +
                        (ex.lacks ? "lacks " : "has ") + flags_of(f, ex.value) +
                        "\n  actual:   " + (last ? flags_of(f, *last) : error));
}

}  // namespace ctigw::tapihost
