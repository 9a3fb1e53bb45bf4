// Expectation matching (matcher.hpp).
#include "ctigw/tapihost/matcher.hpp"

#include <algorithm>

#include "agent_language.hpp"

namespace ctigw::tapihost {

std::string matcher::stream_of(const target& t) {
    switch (t.kind) {
        case expect_kind::call_state:
        case expect_kind::call_info:
        case expect_kind::call_values:
        case expect_kind::digit:
        case expect_kind::generate:
            return "call:" + std::to_string(t.call);
        case expect_kind::newcall:
            return "newcall:" + t.device;
        case expect_kind::dev_state:
        case expect_kind::in_service:
        case expect_kind::features:
        case expect_kind::address_state:
        case expect_kind::line_message:
            return "line:" + t.device;
        case expect_kind::phone_state:
        case expect_kind::phone_button:
            return "phone:" + t.device;
        case expect_kind::completion:
            return "req:" + std::to_string(t.request);
        case expect_kind::agent_event:
            return "agent:" + t.device;
        case expect_kind::agent_result:
            return "result";  // read by the runner, not matched here
    }
    return {};
}

bool matcher::in_stream(const target& t, const event& e) {
    switch (t.kind) {
        case expect_kind::call_state:
        case expect_kind::call_info:
        case expect_kind::call_values:
        case expect_kind::digit:
        case expect_kind::generate:
            return e.kind == event_kind::line && e.call == t.call;
        case expect_kind::newcall:
            return e.kind == event_kind::line && e.device == t.device && e.msg == LINE_NEWCALL;
        case expect_kind::dev_state:
        case expect_kind::in_service:  // polled by the runner; never matched against events
        case expect_kind::features:
        case expect_kind::address_state:
        case expect_kind::line_message:
            return e.kind == event_kind::line && e.device == t.device;
        case expect_kind::phone_state:
        case expect_kind::phone_button:
            return e.kind == event_kind::phone && e.device == t.device;
        case expect_kind::completion:
            return e.kind == event_kind::completion && e.request == t.request;
        case expect_kind::agent_event:
            return e.kind == event_kind::line && e.device == t.device;
        case expect_kind::agent_result:
            return false;
    }
    return false;
}

std::size_t matcher::cursor(const target& t) const {
    auto it = cursors_.find(stream_of(t));
    return it == cursors_.end() ? 0 : it->second;
}

match_outcome matcher::find(const target& t, const std::vector<event>& log) const {
    using st = match_outcome::status;
    std::uint32_t info_bits = 0;
    for (std::size_t i = cursor(t); i < log.size(); ++i) {
        const auto& e = log[i];
        if (!in_stream(t, e)) continue;
        const auto p1 = static_cast<std::uint32_t>(e.p1);
        const auto p2 = static_cast<std::uint32_t>(e.p2);
        bool ok = false;
        switch (t.kind) {
            case expect_kind::call_state:
                ok = e.msg == LINE_CALLSTATE && p1 == t.value && (!t.mode || p2 == *t.mode) &&
                     (!t.parent || e.parent == *t.parent);
                break;
            case expect_kind::call_info:
                if (e.msg == LINE_CALLINFO) {
                    info_bits |= p1;
                    ok = (info_bits & t.value) == t.value;
                }
                break;
            case expect_kind::call_values:
            case expect_kind::in_service:  // polled by the runner, not matched here
            case expect_kind::features:
                break;
            case expect_kind::digit:
                ok = e.msg == LINE_MONITORDIGITS && (p1 & 0xffU) == t.value;
                break;
            case expect_kind::generate:
                ok = e.msg == LINE_GENERATE && p1 == t.value;
                break;
            case expect_kind::newcall:
                ok = true;
                break;
            case expect_kind::dev_state:
                ok = e.msg == LINE_LINEDEVSTATE && e.call == 0 && (p1 & t.value) == t.value;
                break;
            case expect_kind::address_state:
                ok = e.msg == LINE_ADDRESSSTATE && (p2 & t.value) == t.value;
                break;
            case expect_kind::line_message:
                ok = e.msg == t.value;
                break;
            case expect_kind::phone_state:
                ok = e.msg == PHONE_STATE && (p1 & t.value) == t.value;
                break;
            case expect_kind::phone_button:
                ok = e.msg == PHONE_BUTTON && p1 == t.value &&
                     (!t.mode || static_cast<std::uint32_t>(e.p3) == *t.mode);
                break;
            case expect_kind::completion: {
                const bool accepted =
                    e.result == t.result ||
                    std::find(t.also.begin(), t.also.end(), e.result) != t.also.end();
                return {accepted ? st::matched : st::failed, i};
            }
            case expect_kind::agent_event:
                ok = e.msg == t.value && agent::event_matches(t.value, t.mode, e.p1, e.p2, e.p3);
                break;
            case expect_kind::agent_result:
                break;
        }
        if (ok) return {st::matched, i};
    }
    return {st::pending, 0};
}

void matcher::consume(const target& t, std::size_t index) {
    cursors_[stream_of(t)] = index + 1;
}

std::vector<std::size_t> matcher::seen(const target& t, const std::vector<event>& log) const {
    std::vector<std::size_t> out;
    for (std::size_t i = cursor(t); i < log.size(); ++i) {
        if (in_stream(t, log[i])) out.push_back(i);
    }
    return out;
}

std::string describe_target(const target& t, const std::string& call_name,
                            const std::string& parent_name, const std::string& op_name) {
    const std::string line = "line " + t.device;
    const std::string call = line + " " + call_name + " ";
    switch (t.kind) {
        case expect_kind::call_state: {
            std::string s = call + "LINE_CALLSTATE " + name_of(family::call_state, t.value);
            if (t.parent)
                s += " (" + parent_name + ")";
            else if (t.mode) {
                auto mf = mode_family(t.value);
                s += " (" + (mf ? flags_of(*mf, *t.mode) : std::to_string(*t.mode)) + ")";
            }
            return s;
        }
        case expect_kind::call_info:
            return call + "LINE_CALLINFO " + flags_of(family::call_info_state, t.value);
        case expect_kind::call_values:
            return call + "LINECALLINFO values";
        case expect_kind::in_service:
            return line + " in service (LINEDEVSTATUS)";
        case expect_kind::features:
            return line + " features (polled)";
        case expect_kind::digit:
            return call + "LINE_MONITORDIGITS '" + std::string(1, static_cast<char>(t.value)) + "'";
        case expect_kind::generate:
            return call + "LINE_GENERATE " + name_of(family::generate_term, t.value);
        case expect_kind::newcall:
            return line + " LINE_NEWCALL";
        case expect_kind::dev_state:
            return line + " LINE_LINEDEVSTATE " + flags_of(family::line_dev_state, t.value);
        case expect_kind::address_state:
            return line + " LINE_ADDRESSSTATE " + flags_of(family::address_state, t.value);
        case expect_kind::line_message:
            return line + " " + message_name(t.value);
        case expect_kind::phone_state:
            return "phone " + t.device + " PHONE_STATE " + flags_of(family::phone_state, t.value);
        case expect_kind::phone_button: {
            std::string s = "phone " + t.device + " PHONE_BUTTON button " + std::to_string(t.value);
            if (t.mode) s += " " + flags_of(family::button_state, *t.mode);
            return s;
        }
        case expect_kind::completion: {
            std::string s =
                "req " + std::to_string(t.request) + " " + op_name + " → " + result_name(t.result);
            for (LONG r : t.also) s += "|" + result_name(r);
            return s;
        }
        case expect_kind::agent_event: {
            std::string s = line + " " + message_name(t.value);
            if (t.mode) s += " " + agent::value_name(t.value, *t.mode);
            return s;
        }
        case expect_kind::agent_result:
            return "agent request result";
    }
    return {};
}

}  // namespace ctigw::tapihost
