// The TAPISRV stand-in (host.hpp): what the host reads from the TSP and prints: LINECALLINFO,
// LINECALLSTATUS, LINEDEVSTATUS, LINEADDRESSSTATUS, and the console's `status`.
#include <cstring>
#include <sstream>

#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "host_internal.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {

using detail::err;

std::optional<std::map<std::string, std::string>> host::call_info_values(std::uint64_t call,
                                                                         std::string* error) {
    HDRVCALL hd;
    {
        std::lock_guard lock(mutex_);
        auto it = calls_.find(call);
        if (it == calls_.end() || it->second.closed) {
            *error = "the call is closed";
            return std::nullopt;
        }
        hd = it->second.hd;
    }
    if (!lib_.fn().lineGetCallInfo) {
        *error = "TSPI_lineGetCallInfo is not exported";
        return std::nullopt;
    }
    LONG rc = 0;
    auto buf = get_var<LINECALLINFO>(
        [&](LINECALLINFO* ci) { return lib_.fn().lineGetCallInfo(hd, ci); }, rc);
    if (rc != 0) {
        *error = "TSPI_lineGetCallInfo → " + result_name(rc);
        return std::nullopt;
    }
    const auto* ci = reinterpret_cast<const LINECALLINFO*>(buf.data());
    std::map<std::string, std::string> m;
    m["CALLERID"] = var_string(buf, ci->dwCallerIDSize, ci->dwCallerIDOffset);
    m["CALLERIDNAME"] = var_string(buf, ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset);
    m["CALLEDID"] = var_string(buf, ci->dwCalledIDSize, ci->dwCalledIDOffset);
    m["CALLEDIDNAME"] = var_string(buf, ci->dwCalledIDNameSize, ci->dwCalledIDNameOffset);
    m["CONNECTEDID"] = var_string(buf, ci->dwConnectedIDSize, ci->dwConnectedIDOffset);
    m["CONNECTEDIDNAME"] = var_string(buf, ci->dwConnectedIDNameSize, ci->dwConnectedIDNameOffset);
    m["REDIRECTINGID"] = var_string(buf, ci->dwRedirectingIDSize, ci->dwRedirectingIDOffset);
    m["REDIRECTINGIDNAME"] =
        var_string(buf, ci->dwRedirectingIDNameSize, ci->dwRedirectingIDNameOffset);
    m["REDIRECTIONID"] = var_string(buf, ci->dwRedirectionIDSize, ci->dwRedirectionIDOffset);
    m["REDIRECTIONIDNAME"] =
        var_string(buf, ci->dwRedirectionIDNameSize, ci->dwRedirectionIDNameOffset);
    m["REASON"] = name_of(family::call_reason, ci->dwReason);
    m["ORIGIN"] = flags_of(family::call_origin, ci->dwOrigin);
    m["APPSPECIFIC"] = std::to_string(ci->dwAppSpecific);
    m["CALLID"] = std::to_string(ci->dwCallID);
    m["RELATEDCALLID"] = std::to_string(ci->dwRelatedCallID);
    m["MEDIAMODE"] = flags_of(family::media_mode, ci->dwMediaMode);
    m["ADDRESSID"] = std::to_string(ci->dwAddressID);
    {
        std::string data;
        if (ci->dwCallDataSize &&
            ci->dwCallDataOffset + std::size_t{ci->dwCallDataSize} <= buf.size())
            data.assign(reinterpret_cast<const char*>(buf.data()) + ci->dwCallDataOffset,
                        ci->dwCallDataSize);
        while (!data.empty() && data.back() == '\0') data.pop_back();
        m["CALLDATA"] = data;
    }
    return m;
}

void host::print_call_info(std::uint64_t key) {
    std::string error;
    auto m = call_info_values(key, &error);
    const auto label = call_name(key);
    if (!m) {
        note("LINECALLINFO " + label + ": " + error);
        sync_result("callinfo", "lineGetCallInfo", err(LINEERR_OPERATIONFAILED));
        return;
    }
    std::string s = "LINECALLINFO " + label + ":";
    for (auto f : call_info_value_fields()) {
        const auto& val = (*m)[std::string(f)];
        if (val.empty() || val == "0") continue;
        s += " " + std::string(f) + "=" +
             (val.find(' ') != std::string::npos ? "\"" + val + "\"" : val);
    }
    note(s);
    sync_result("callinfo", "lineGetCallInfo", 0);
}

void host::print_call_status(std::uint64_t key) {
    HDRVCALL hd;
    {
        std::lock_guard lock(mutex_);
        hd = calls_[key].hd;
    }
    LONG rc = 0;
    auto buf = get_var<LINECALLSTATUS>(
        [&](LINECALLSTATUS* s) { return lib_.fn().lineGetCallStatus(hd, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINECALLSTATUS*>(buf.data());
        std::string mode;
        if (auto mf = mode_family(s->dwCallState); mf && s->dwCallStateMode)
            mode = " (" + flags_of(*mf, s->dwCallStateMode) + ")";
        note("LINECALLSTATUS " + call_name(key) + ": " +
             name_of(family::call_state, s->dwCallState) + mode + " privilege " +
             flags_of(family::call_privilege, s->dwCallPrivilege) + " features " +
             flags_of(family::call_feature, s->dwCallFeatures));
    }
    sync_result("callstatus", "lineGetCallStatus", rc);
}

std::optional<bool> host::line_in_service(const std::string& line, std::string* error) {
    HDRVLINE hd{};
    {
        std::lock_guard lock(mutex_);
        auto i = line_index_locked(line);
        if (!i) {
            *error = "unknown line " + line;
            return std::nullopt;
        }
        hd = lines_[*i].hd;
    }
    if (!lib_.fn().lineGetLineDevStatus) {
        *error = "the TSP does not export TSPI_lineGetLineDevStatus";
        return std::nullopt;
    }
    LONG rc = 0;
    auto buf = get_var<LINEDEVSTATUS>(
        [&](LINEDEVSTATUS* s) { return lib_.fn().lineGetLineDevStatus(hd, s); }, rc);
    if (rc != 0) {
        *error = "lineGetLineDevStatus → " + result_name(rc);
        return std::nullopt;
    }
    const auto* s = reinterpret_cast<const LINEDEVSTATUS*>(buf.data());
    return (s->dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE) != 0;
}

void host::print_dev_status(std::size_t line) {
    HDRVLINE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        hd = lines_[line].hd;
        dev = lines_[line].extension;
    }
    LONG rc = 0;
    auto buf = get_var<LINEDEVSTATUS>(
        [&](LINEDEVSTATUS* s) { return lib_.fn().lineGetLineDevStatus(hd, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINEDEVSTATUS*>(buf.data());
        note("LINEDEVSTATUS " + dev + ": flags " +
             flags_of(family::dev_status_flags, s->dwDevStatusFlags) + " active " +
             std::to_string(s->dwNumActiveCalls) + " onhold " +
             std::to_string(s->dwNumOnHoldCalls) + " onholdpend " +
             std::to_string(s->dwNumOnHoldPendCalls) + " features " +
             flags_of(family::line_feature, s->dwLineFeatures));
    }
    sync_result("devstatus", "lineGetLineDevStatus", rc);
}

void host::print_address_status(std::size_t line) {
    HDRVLINE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        hd = lines_[line].hd;
        dev = lines_[line].extension;
    }
    LONG rc = 0;
    auto buf = get_var<LINEADDRESSSTATUS>(
        [&](LINEADDRESSSTATUS* s) { return lib_.fn().lineGetAddressStatus(hd, 0, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINEADDRESSSTATUS*>(buf.data());
        std::string fwd;
        for (DWORD i = 0; i < s->dwForwardNumEntries; ++i) {
            const std::size_t off = s->dwForwardOffset + i * sizeof(LINEFORWARD);
            if (off + sizeof(LINEFORWARD) > buf.size()) break;
            LINEFORWARD f;
            std::memcpy(&f, buf.data() + off, sizeof f);
            fwd += " " + flags_of(family::forward_mode, f.dwForwardMode) + "→" +
                   var_string(buf, f.dwDestAddressSize, f.dwDestAddressOffset);
        }
        note("LINEADDRESSSTATUS " + dev + ": inuse " + std::to_string(s->dwNumInUse) + " active " +
             std::to_string(s->dwNumActiveCalls) + " onhold " +
             std::to_string(s->dwNumOnHoldCalls) + " features " +
             flags_of(family::address_feature, s->dwAddressFeatures) + " forward" +
             (fwd.empty() ? " none" : fwd));
    }
    sync_result("addressstatus", "lineGetAddressStatus", rc);
}

std::string host::status_text() {
    std::ostringstream o;
    std::lock_guard lock(mutex_);
    o << "lines:\n";
    for (const auto& l : lines_) {
        o << "  " << l.extension << "  device " << l.device_id << "  \"" << l.name << "\"  "
          << (l.removed ? "removed"
              : l.open  ? "open"
                        : "closed")
          << "\n";
    }
    o << "phones:\n";
    for (const auto& p : phones_) {
        o << "  " << p.extension << "  device " << p.device_id << "  \"" << p.name << "\"  "
          << (p.removed ? "removed"
              : p.open  ? "open"
                        : "closed")
          << "\n";
    }
    o << "calls:\n";
    for (const auto& [key, c] : calls_) {
        if (c.closed) continue;
        o << "  " << c.name;
        if (c.name != "call#" + std::to_string(key)) o << " (call#" << key << ")";
        o << "  line " << lines_[c.line].extension << "  " << (c.pending_create ? "(pending) " : "")
          << name_of(family::call_state, c.state);
        if (auto mf = mode_family(c.state); mf && c.mode) o << " (" << flags_of(*mf, c.mode) << ")";
        o << "\n";
    }
    o << "requests pending: " << checker_.pending()
      << ", violations: " << checker_.violations().size();
    return o.str();
}

}  // namespace ctigw::tapihost
