// The lines the proxy holds: probing (API version, extension ID, extension version), opening as
// proxy for all 20 request types, LINE_CLOSE / LINE_CREATE / LINE_REMOVE / REINIT, reopening.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "proxy_impl.hpp"

namespace ctigw::acdproxy {

std::string_view to_string(line_state s) {
    switch (s) {
        case line_state::probing:
            return "probing";
        case line_state::open:
            return "open";
        case line_state::reopen_wait:
            return "reopen_wait";
        case line_state::not_ours:
            return "not_ours";
        case line_state::other_proxy:
            return "other_proxy";
        case line_state::removed:
            return "removed";
        case line_state::closed:
            return "closed";
    }
    return "?";
}

std::string hex(DWORD v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(v));
    return text;
}

std::string err(LONG r) {
    return hex(static_cast<DWORD>(r));
}

std::vector<DWORD> all_request_types() {
    std::vector<DWORD> types;
    for (DWORD t = LINEPROXYREQUEST_SETAGENTGROUP; t <= LINEPROXYREQUEST_SETAGENTSTATEEX; ++t)
        types.push_back(t);
    return types;
}

bool is_address_request(DWORD request_type) {
    return request_type >= LINEPROXYREQUEST_SETAGENTGROUP &&
           request_type <= LINEPROXYREQUEST_GETAGENTGROUPLIST;
}

proxy::impl::impl(tapi_port& tapi, proxy_options options) : tapi_(tapi), opt_(std::move(options)) {
    if (opt_.reopen_delay_min <= std::chrono::milliseconds::zero())
        opt_.reopen_delay_min = std::chrono::milliseconds(1);
    opt_.reopen_delay_max = std::max(opt_.reopen_delay_max, opt_.reopen_delay_min);
}

void proxy::impl::log(int level, const std::string& text) const noexcept {
    if (!opt_.log) return;
    try {
        opt_.log(level, text);
    } catch (...) {  // a broken log sink must not break the exactly-once answers
    }
}

void proxy::impl::transition(line_entry& l, line_state to, std::string_view why) {
    if (l.state == to) return;
    const int level = (to == line_state::open || l.state == line_state::open) ? log_level::info
                                                                              : log_level::debug;
    log(level, "device " + std::to_string(l.device) + ": " + std::string(to_string(l.state)) +
                   " -> " + std::string(to_string(to)) + " (" + std::string(why) + ")");
    l.state = to;
}

void proxy::impl::start(time_point now) {
    const DWORD n = tapi_.num_devices();
    log(log_level::info, "probing " + std::to_string(n) + " line devices");
    for (DWORD device = 0; device < n; ++device) {
        auto& l = lines_[device];
        l.device = device;
        probe(l, now);
    }
    std::size_t open = 0;
    for (const auto& [device, l] : lines_) open += l.state == line_state::open ? 1u : 0u;
    log(log_level::info, "proxy for " + std::to_string(open) + " ctigw lines");
}

// lineNegotiateAPIVersion -> extension ID == agent_extension_id -> lineNegotiateExtVersion ->
// lineOpen(PROXY, all types). A line that was ours before (a reopen) is retried after transient
// failures; a line seen for the first time that fails to negotiate is not ours.
void proxy::impl::probe(line_entry& l, time_point now) {
    if (l.state == line_state::open) return;
    const bool reopening = l.state == line_state::reopen_wait;
    transition(l, line_state::probing, reopening ? "reopen" : "new device");

    DWORD api = 0;
    LINEEXTENSIONID ext{};
    LONG r = tapi_.negotiate_api_version(l.device, opt_.api_low, opt_.api_high, &api, &ext);
    if (r != 0) {
        if (reopening) return schedule_reopen(l, now, "lineNegotiateAPIVersion " + err(r));
        return transition(l, line_state::not_ours, "lineNegotiateAPIVersion " + err(r));
    }
    const DWORD id[4] = {ext.dwExtensionID0, ext.dwExtensionID1, ext.dwExtensionID2,
                         ext.dwExtensionID3};
    if (std::memcmp(id, tsp::agent_extension_id, sizeof id) != 0)
        return transition(l, line_state::not_ours, "not a ctigw line");

    DWORD ext_version = 0;
    r = tapi_.negotiate_ext_version(l.device, api, tsp::agent_ext_version, tsp::agent_ext_version,
                                    &ext_version);
    if (r != 0) {
        log(log_level::warn,
            "device " + std::to_string(l.device) +
                ": ctigw line without agent extension 1.0 (lineNegotiateExtVersion " + err(r) +
                ")");
        if (reopening) return schedule_reopen(l, now, "lineNegotiateExtVersion failed");
        return transition(l, line_state::not_ours, "no agent extension");
    }

    HLINE line = 0;
    r = tapi_.open_proxy(l.device, api, ext_version, all_request_types(), &line);
    if (static_cast<DWORD>(r) == LINEERR_NOTREGISTERED) {
        log(log_level::warn,
            "device " + std::to_string(l.device) +
                ": another proxy handles its agent requests (LINEERR_NOTREGISTERED)");
        return transition(l, line_state::other_proxy, "LINEERR_NOTREGISTERED");
    }
    if (r != 0) {
        log(log_level::warn,
            "device " + std::to_string(l.device) + ": lineOpen as proxy failed: " + err(r));
        return schedule_reopen(l, now, "lineOpen " + err(r));
    }
    l.line = line;
    l.next_delay = std::chrono::milliseconds::zero();
    transition(l, line_state::open,
               "hLine " + hex(line) + ", API " + hex(api) + ", ext " + hex(ext_version));
}

void proxy::impl::schedule_reopen(line_entry& l, time_point now, std::string_view why) {
    if (l.next_delay <= std::chrono::milliseconds::zero()) l.next_delay = opt_.reopen_delay_min;
    l.reopen_at = now + l.next_delay;
    l.line = 0;
    transition(l, line_state::reopen_wait,
               std::string(why) + "; reopen in " + std::to_string(l.next_delay.count()) + " ms");
    l.next_delay = std::min(l.next_delay * 2, opt_.reopen_delay_max);
}

void proxy::impl::reopen_due(time_point now) {
    std::vector<DWORD> due;
    for (const auto& [device, l] : lines_)
        if (l.state == line_state::reopen_wait && l.reopen_at <= now) due.push_back(device);
    for (DWORD device : due) probe(lines_.at(device), now);
}

line_entry* proxy::impl::find_open(HLINE line) {
    for (auto& [device, l] : lines_)
        if (l.state == line_state::open && l.line == line) return &l;
    return nullptr;
}

void proxy::impl::on_close(HLINE line, time_point now) {
    // TAPISRV closed it (provider shut down, reconfigured ...): the handle is dead, but the
    // requests still get their answer (line-proxyrequest: "call lineProxyResponse for each").
    answer_all(line, answer_reason::line_closed);
    if (auto* l = find_open(line)) {
        schedule_reopen(*l, now, "LINE_CLOSE");
    } else {
        log(log_level::debug, "LINE_CLOSE for hLine " + hex(line) + ", not one of ours");
    }
}

void proxy::impl::on_create(DWORD device, time_point now) {
    auto& l = lines_[device];
    l.device = device;
    if (l.state == line_state::open) {
        log(log_level::debug,
            "LINE_CREATE for device " + std::to_string(device) + ", already open");
        return;
    }
    l.next_delay = std::chrono::milliseconds::zero();
    probe(l, now);
}

void proxy::impl::on_remove(DWORD device) {
    auto it = lines_.find(device);
    if (it == lines_.end()) {
        log(log_level::debug, "LINE_REMOVE for unknown device " + std::to_string(device));
        return;
    }
    auto& l = it->second;
    if (l.state == line_state::open) {
        answer_all(l.line, answer_reason::line_removed);
        // Normally LINE_CLOSE came first; if not, give the handle back.
        if (const LONG r = tapi_.close(l.line); r != 0)
            log(log_level::debug, "lineClose of removed device: " + err(r));
    }
    l.line = 0;
    transition(l, line_state::removed, "LINE_REMOVE");
}

void proxy::impl::on_reinit(DWORD_PTR original_msg, DWORD_PTR original_p1, time_point now) {
    // TAPI sends older applications LINE_CREATE/LINE_REMOVE translated into REINIT, with the
    // original message in dwParam2 and its dwParam1 in dwParam3: act on those, not re-initialise.
    if (original_msg == LINE_CREATE) return on_create(static_cast<DWORD>(original_p1), now);
    if (original_msg == LINE_REMOVE) return on_remove(static_cast<DWORD>(original_p1));
    if (original_msg != 0) {
        log(log_level::debug,
            "REINIT translated from message " + std::to_string(original_msg) + ", ignored");
        return;
    }
    log(log_level::warn, "TAPISRV asks for re-initialisation: answering, closing, re-initialising");
    stop();
    needs_reinit_ = true;
}

void proxy::impl::stop() {
    answer_all(std::nullopt, answer_reason::stopping);
    for (auto& [device, l] : lines_) {
        if (l.state == line_state::open) {
            if (const LONG r = tapi_.close(l.line); r != 0)
                log(log_level::warn,
                    "device " + std::to_string(device) + ": lineClose failed: " + err(r));
            l.line = 0;
            transition(l, line_state::closed, "stop");
        } else if (l.state == line_state::reopen_wait) {
            transition(l, line_state::closed, "stop");
        }
    }
}

void proxy::impl::restart(time_point now) {
    stop();
    // The previous TAPI instance is shut down: its request ids and the buffers lent to it are void.
    requests_.clear();
    lines_.clear();
    needs_reinit_ = false;
    start(now);
}

std::optional<time_point> proxy::impl::next_tick() const {
    std::optional<time_point> next;
    auto consider = [&](time_point t) {
        if (!next || t < *next) next = t;
    };
    for (const auto& [id, p] : requests_)
        if (!p.answered) consider(p.deadline);
    for (const auto& [device, l] : lines_)
        if (l.state == line_state::reopen_wait) consider(l.reopen_at);
    return next;
}

proxy_figures proxy::impl::figures() const {
    proxy_figures f = counts_;
    f.lines_open = 0;
    f.pending = 0;
    f.buffers_held = 0;
    for (const auto& [device, l] : lines_) f.lines_open += l.state == line_state::open ? 1u : 0u;
    for (const auto& [id, p] : requests_) (p.answered ? f.buffers_held : f.pending) += 1;
    return f;
}

}  // namespace ctigw::acdproxy
