// The scenario language's expectations: `expect ...` (scenario.hpp).
#include <algorithm>

#include "agent_language.hpp"
#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/scenario.hpp"
#include "features.hpp"
#include "scenario_words.hpp"

namespace ctigw::tapihost {

using detail::is_number;
using detail::join;
using detail::lower;
using detail::upper;

namespace {

const std::vector<std::string_view> tspi_names = {"lineOpen",
                                                  "lineClose",
                                                  "lineMakeCall",
                                                  "lineDial",
                                                  "lineAnswer",
                                                  "lineAccept",
                                                  "lineDrop",
                                                  "lineHold",
                                                  "lineUnhold",
                                                  "lineSwapHold",
                                                  "lineBlindTransfer",
                                                  "lineSetupTransfer",
                                                  "lineCompleteTransfer",
                                                  "lineSetupConference",
                                                  "linePrepareAddToConference",
                                                  "lineAddToConference",
                                                  "lineRemoveFromConference",
                                                  "linePark",
                                                  "lineUnpark",
                                                  "linePickup",
                                                  "lineRedirect",
                                                  "lineForward",
                                                  "lineSetLineDevStatus",
                                                  "lineGenerateDigits",
                                                  "lineMonitorDigits",
                                                  "lineSetCallData",
                                                  "lineSetAppSpecific",
                                                  "lineGetCallInfo",
                                                  "lineGetCallStatus",
                                                  "lineGetLineDevStatus",
                                                  "lineGetAddressStatus",
                                                  "lineCloseCall",
                                                  "phoneOpen",
                                                  "phoneClose",
                                                  "phoneGetStatus",
                                                  "phoneGetDisplay",
                                                  "phoneSetDisplay",
                                                  "phoneSetHookSwitch",
                                                  "phoneSetLamp",
                                                  "phoneGetButtonInfo"};

}  // namespace

std::optional<statement> statement_parser::parse_expect(const std::vector<std::string>& words,
                                                        std::string* error) {
    std::vector<std::string> w = words;
    expect_stmt ex;
    if (w.size() >= 3 && lower(w[w.size() - 2]) == "within") {
        auto d = parse_duration(w.back());
        if (!d) {
            *error = "\"" + w.back() + "\" is not a time (500ms, 2s, 1.5s, 1m)";
            return std::nullopt;
        }
        ex.within = *d;
        w.resize(w.size() - 2);
    }
    const std::string usage =
        "usage: expect <line> <call> <STATE> [<mode>] | expect <line> <call> callinfo "
        "FIELD[|FIELD] | "
        "expect <line> <call> callinfo FIELD=value ... | expect <line> newcall [as <name>] | "
        "expect <line> devstate STATE | expect completion <op|last> ok|LINEERR_X | "
        "expect phone <ext> state STATE  (see help)";
    if (w.size() < 3) {
        *error = usage;
        return std::nullopt;
    }
    statement st;
    auto done = [&]() -> std::optional<statement> {
        st.body = ex;
        return st;
    };
    if (auto e = agent::parse_expect(ex, w)) {
        if (!e->empty()) {
            *error = *e;
            return std::nullopt;
        }
        return done();
    }
    const auto w1 = lower(w[1]);
    if (w1 == "completion") {
        if (w.size() != 4) {
            *error = "usage: expect completion <op|last> ok|LINEERR_X[|LINEERR_Y]";
            return std::nullopt;
        }
        ex.kind = expect_kind::completion;
        const auto o = lower(w[2]);
        bool ok = o == "last" || find_op(o) != nullptr;
        for (auto t : tspi_names) ok = ok || lower(t) == o;
        for (const auto& t : agent::op_specs()) ok = ok || lower(t.tspi) == o;
        if (!ok) {
            *error = "expect completion: \"" + w[2] +
                     "\" is not an operation (use a verb such as "
                     "makecall, a TSPI name such as lineMakeCall, or last)";
            return std::nullopt;
        }
        ex.op = o == "makecall" ? "call" : o;
        // One result, or alternatives where the outcome depends on timing: A|B.
        std::string_view rest = w[3];
        for (bool first = true;; first = false) {
            const auto bar = rest.find('|');
            const std::string one(rest.substr(0, bar));
            auto r = parse_result(one);
            if (!r) {
                *error = "\"" + one + "\" is not a result (ok, LINEERR_..., PHONEERR_...)";
                return std::nullopt;
            }
            (first ? ex.result : ex.also.emplace_back()) = *r;
            if (bar == std::string_view::npos) break;
            rest.remove_prefix(bar + 1);
        }
        return done();
    }
    if (w1 == "phone") {
        if (w.size() < 5) {
            *error =
                "usage: expect phone <ext> state STATE | expect phone <ext> button <id> [UP|DOWN]";
            return std::nullopt;
        }
        ex.device = w[2];
        const auto k = lower(w[3]);
        if (k == "state" && w.size() == 5) {
            auto v = flags_value_of(family::phone_state, w[4]);
            if (!v || *v == 0) {
                *error = "\"" + w[4] + "\" is not a phone state (" +
                         names_list(family::phone_state) + ")";
                return std::nullopt;
            }
            ex.kind = expect_kind::phone_state;
            ex.value = *v;
            return done();
        }
        if (k == "button" && (w.size() == 5 || w.size() == 6) && is_number(w[4])) {
            ex.kind = expect_kind::phone_button;
            ex.value = static_cast<std::uint32_t>(std::stoul(w[4]));
            if (w.size() == 6) {
                auto v = value_of(family::button_state, w[5]);
                if (!v) {
                    *error = "\"" + w[5] + "\" is not a button state (" +
                             names_list(family::button_state) + ")";
                    return std::nullopt;
                }
                ex.mode = *v;
            }
            return done();
        }
        *error = "usage: expect phone <ext> state STATE | expect phone <ext> button <id> [UP|DOWN]";
        return std::nullopt;
    }
    ex.device = w[1];
    const auto w2 = lower(w[2]);
    if (w2 == "newcall") {
        ex.kind = expect_kind::newcall;
        if (w.size() == 5 && lower(w[3]) == "as") {
            if (!define_new(w[4], error)) return std::nullopt;
            ex.bind = w[4];
        } else if (w.size() != 3) {
            *error = "usage: expect <line> newcall [as <name>]";
            return std::nullopt;
        }
        return done();
    }
    if (w2 == "inservice") {
        // A state, not an event: a line that came in service before it was opened never gets
        // LINEDEVSTATE_INSERVICE, so scenarios start with this instead.
        if (w.size() != 3) {
            *error = "usage: expect <line> inservice";
            return std::nullopt;
        }
        ex.kind = expect_kind::in_service;
        return done();
    }
    if (w2 == "features") {
        if (auto e = parse_features(ex, w, 3)) {
            *error = *e;
            return std::nullopt;
        }
        return done();
    }
    if (w2 == "devstate" || w2 == "addressstate") {
        const auto f = w2 == "devstate" ? family::line_dev_state : family::address_state;
        auto v = w.size() == 4 ? flags_value_of(f, w[3]) : std::nullopt;
        if (!v || *v == 0) {
            *error = "usage: expect <line> " + w2 + " STATE[|STATE] (" + names_list(f) + ")";
            return std::nullopt;
        }
        ex.kind = w2 == "devstate" ? expect_kind::dev_state : expect_kind::address_state;
        ex.value = *v;
        return done();
    }
    if (w2 == "event") {
        auto v = w.size() == 4 ? value_of(family::message, w[3]) : std::nullopt;
        if (!v) {
            *error = "usage: expect <line> event LINE_<MESSAGE>";
            return std::nullopt;
        }
        ex.kind = expect_kind::line_message;
        ex.value = *v;
        return done();
    }
    // expect <line> <call> ...
    if (!known(w[2])) {
        *error = "unknown call \"" + w[2] + "\" (name calls with \"as <name>\" first)";
        return std::nullopt;
    }
    ex.call = w[2];
    if (w.size() < 4) {
        *error = usage;
        return std::nullopt;
    }
    const auto w3 = lower(w[3]);
    if (w3 == "features") {
        ex.where = "callstatus";
        if (auto e = parse_features(ex, w, 4)) {
            *error = *e;
            return std::nullopt;
        }
        return done();
    }
    if (w3 == "callinfo") {
        if (w.size() < 5) {
            *error =
                "usage: expect <line> <call> callinfo FIELD[|FIELD] | callinfo FIELD=value ...";
            return std::nullopt;
        }
        if (w[4].find('=') == std::string::npos) {
            auto v = w.size() == 5 ? flags_value_of(family::call_info_state, w[4]) : std::nullopt;
            if (!v || *v == 0) {
                *error = "\"" + w[4] + "\" is not a LINECALLINFOSTATE set (" +
                         names_list(family::call_info_state) + ")";
                return std::nullopt;
            }
            ex.kind = expect_kind::call_info;
            ex.value = *v;
            return done();
        }
        ex.kind = expect_kind::call_values;
        for (std::size_t i = 4; i < w.size(); ++i) {
            const auto eq = w[i].find('=');
            if (eq == std::string::npos) {
                *error = "\"" + w[i] + "\": expected FIELD=value";
                return std::nullopt;
            }
            auto field = upper(w[i].substr(0, eq));
            const auto& fields = call_info_value_fields();
            if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
                std::string list;
                for (auto f : fields) list += std::string(list.empty() ? "" : " ") + std::string(f);
                *error = "unknown callinfo field \"" + field + "\" (" + list + ")";
                return std::nullopt;
            }
            auto value = w[i].substr(eq + 1);
            if (field == "REASON" && !value.empty() && !value_of(family::call_reason, value)) {
                *error = "\"" + value + "\" is not a call reason (" +
                         names_list(family::call_reason) + ")";
                return std::nullopt;
            }
            if (field == "ORIGIN" && !value.empty() &&
                !flags_value_of(family::call_origin, value)) {
                *error = "\"" + value + "\" is not a call origin (" +
                         names_list(family::call_origin) + ")";
                return std::nullopt;
            }
            ex.fields.emplace_back(std::move(field), std::move(value));
        }
        return done();
    }
    if (w3 == "digit") {
        if (w.size() != 5 || w[4].size() != 1) {
            *error = "usage: expect <line> <call> digit <0-9*#A-D>";
            return std::nullopt;
        }
        ex.kind = expect_kind::digit;
        ex.value = static_cast<unsigned char>(w[4][0]);
        return done();
    }
    if (w3 == "generate") {
        auto v = w.size() == 5 ? value_of(family::generate_term, w[4]) : std::nullopt;
        if (!v) {
            *error = "usage: expect <line> <call> generate done|cancel";
            return std::nullopt;
        }
        ex.kind = expect_kind::generate;
        ex.value = *v;
        return done();
    }
    auto state = value_of(family::call_state, w[3]);
    if (!state || (*state & (*state - 1)) != 0 || *state == 0 || *state > LINECALLSTATE_UNKNOWN) {
        *error = "\"" + w[3] + "\" is not a call state (" + names_list(family::call_state) +
                 ") nor callinfo/digit/generate";
        return std::nullopt;
    }
    ex.kind = expect_kind::call_state;
    ex.value = *state;
    if (w.size() == 5) {
        if (*state == LINECALLSTATE_CONFERENCED) {
            if (!known(w[4])) {
                *error =
                    "CONFERENCED takes the conference call's name; unknown call \"" + w[4] + "\"";
                return std::nullopt;
            }
            ex.parent = w[4];
        } else {
            auto mf = mode_family(*state);
            if (!mf) {
                *error = "state " + w[3] + " has no mode";
                return std::nullopt;
            }
            auto m = flags_value_of(*mf, w[4]);
            if (!m) {
                *error = "\"" + w[4] + "\" is not a " + std::string(prefix_of(*mf)) + " mode (" +
                         names_list(*mf) + ")";
                return std::nullopt;
            }
            ex.mode = *m;
        }
    } else if (w.size() > 5) {
        *error = "too many words: " + usage;
        return std::nullopt;
    }
    return done();
}

}  // namespace ctigw::tapihost
