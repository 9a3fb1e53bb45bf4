// Scenario execution (runner.hpp).
#include "ctigw/tapihost/runner.hpp"

#include <cctype>
#include <cstdlib>
#include <thread>

namespace ctigw::tapihost {

std::vector<scenario_error> check_sim_lines(const scenario& sc, sim_hook* sim) {
    std::vector<scenario_error> out;
    for (const auto& st : sc.statements) {
        const auto* s = std::get_if<sim_stmt>(&st.body);
        if (!s) continue;
        if (!sim)
            out.push_back({st.line, "`sim` lines need --sim or --sim-control"});
        else if (auto err = sim->check(s->command); !err.empty())
            out.push_back({st.line, "sim: " + err});
    }
    return out;
}

runner::runner(host& h, sim_hook* sim, runner_options options)
    : host_(h), sim_(sim), options_(options) {}

bool runner::fail(const statement& st, const std::string& text) {
    ++failures_;
    host_.note((st.line ? "MISMATCH line " + std::to_string(st.line) + ": " : "MISMATCH: ") +
               st.text + "\n" + text);
    return false;
}

std::size_t runner::run_all(const scenario& sc) {
    for (const auto& st : sc.statements) {
        if (!run(st) && !options_.keep_going) break;
        if (quit_) break;
    }
    return failures_;
}

bool runner::run(const statement& st) {
    if (const auto* op = std::get_if<op_stmt>(&st.body)) {
        host_.note("> " + st.text);
        const auto r = host_.run(*op);
        if (!r.error.empty()) {
            ++failures_;
            host_.note((st.line ? "ERROR line " + std::to_string(st.line) + ": " : "ERROR: ") +
                       r.error);
            return false;
        }
        return true;
    }
    if (const auto* ex = std::get_if<expect_stmt>(&st.body)) return run_expect(st, *ex);
    if (const auto* w = std::get_if<wait_stmt>(&st.body)) {
        std::this_thread::sleep_for(w->duration);
        return true;
    }
    if (const auto* s = std::get_if<sim_stmt>(&st.body)) {
        host_.note("> sim " + s->command);
        if (!sim_) return fail(st, "  `sim` needs the in-process simulator (--sim)");
        std::string out;
        const auto err = sim_->execute(s->command, out);
        while (!out.empty() && out.back() == '\n') out.pop_back();
        if (!out.empty()) host_.note("sim: " + out);
        if (!err.empty()) return fail(st, "  simulator: " + err);
        return true;
    }
    if (std::holds_alternative<setup_stmt>(st.body)) return true;  // read before the start
    if (const auto* e = std::get_if<echo_stmt>(&st.body)) {
        host_.note(e->text);
        return true;
    }
    if (const auto* sh = std::get_if<shell_stmt>(&st.body)) {
        host_.note("> shell " + sh->command);
        const int status = std::system(sh->command.c_str());
        if (status != 0) return fail(st, "  shell: exit status " + std::to_string(status));
        return true;
    }
    if (const auto* c = std::get_if<console_stmt>(&st.body)) {
        if (c->word == "quit")
            quit_ = true;
        else if (c->word == "help")
            host_.note(language_help());
        else
            host_.note(host_.status_text());
        return true;
    }
    return true;
}

bool runner::run_values(const statement& st, const expect_stmt& ex, std::uint64_t call,
                        std::chrono::steady_clock::time_point deadline) {
    std::string last_error;
    std::map<std::string, std::string> last;
    while (true) {
        std::size_t seen = 0;
        host_.with_log([&](const std::vector<event>& log) { seen = log.size(); });
        std::string error;
        if (auto values = host_.call_info_values(call, &error)) {
            last = *values;
            last_error.clear();
            bool all = true;
            for (const auto& [field, want] : ex.fields) {
                const auto& have = (*values)[field];
                bool eq = have == want;
                if (!eq && (field == "REASON" || field == "ORIGIN")) {
                    // Names compare without prefix and case.
                    const auto f = field == "REASON" ? family::call_reason : family::call_origin;
                    eq = flags_value_of(f, want) == flags_value_of(f, have);
                }
                if (!eq) all = false;
            }
            if (all) return true;
        } else {
            last_error = error;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        host_.wait_for_events(seen, std::min(deadline, std::chrono::steady_clock::now() +
                                                           std::chrono::milliseconds(100)));
    }
    std::string expected, actual;
    for (const auto& [field, want] : ex.fields) {
        expected += " " + field + "=" + want;
        actual += " " + field + "=" + (last.contains(field) ? last[field] : "?");
    }
    return fail(st, "  expected: LINECALLINFO" + expected + "\n  actual:   " +
                        (last_error.empty() ? "LINECALLINFO" + actual : last_error));
}

bool runner::run_agent_result(const statement& st, const expect_stmt& ex,
                              std::chrono::steady_clock::time_point deadline) {
    std::optional<agent_outcome> got;
    while (true) {
        std::size_t seen = 0;
        host_.with_log([&](const std::vector<event>& log) { seen = log.size(); });
        got = host_.agent_result(ex.op);
        if ((got && got->answered) || std::chrono::steady_clock::now() >= deadline) break;
        host_.wait_for_events(seen, std::min(deadline, std::chrono::steady_clock::now() +
                                                           std::chrono::milliseconds(100)));
    }
    if (!got) return fail(st, "  no agent request \"" + ex.op + "\" was run");
    const std::string head = "  expected: req " + std::to_string(got->id) + " " + got->verb;
    if (!got->answered) return fail(st, head + " answered\n  actual:   no lineProxyResponse yet");
    if (got->result != 0) return fail(st, head + " → OK\n  actual:   " + result_name(got->result));
    auto same = [](std::string a, std::string b) {
        auto low = [](std::string& s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        };
        low(a);
        low(b);
        return a == b;
    };
    std::string expected, actual;
    bool all = true;
    for (const auto& [field, want] : ex.fields) {
        auto it = got->fields.find(field);
        const std::string have = it == got->fields.end() ? "?" : it->second;
        all = all && it != got->fields.end() && same(have, want);
        expected += " " + field + "=" + want;
        actual += " " + field + "=" + have;
    }
    if (all) return true;
    std::string fields;
    for (const auto& [k, v] : got->fields) fields += " " + k;
    return fail(st, head + expected + "\n  actual:  " + actual + "\n  (fields:" + fields + ")");
}

bool runner::run_expect(const statement& st, const expect_stmt& ex) {
    const auto timeout = ex.within.value_or(options_.default_timeout);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    target t;
    t.kind = ex.kind;
    t.value = ex.value;
    t.mode = ex.mode;
    std::string call_name = ex.call, parent_name = ex.parent, op_name;
    if (ex.kind == expect_kind::agent_result) return run_agent_result(st, ex, deadline);
    if (ex.kind == expect_kind::completion) {
        const auto id = ex.op == "last" ? host_.last_op() : host_.claim_op(ex.op);
        if (!id)
            return fail(st,
                        "  no operation \"" + ex.op + "\" was run (or each was already expected)");
        t.request = *id;
        t.result = ex.result;
        t.also = ex.also;
        op_name = host_.op_name(*id);
    } else if (ex.kind == expect_kind::phone_state || ex.kind == expect_kind::phone_button) {
        auto dev = host_.phone_device(ex.device);
        if (!dev) return fail(st, "  unknown phone \"" + ex.device + "\"");
        t.device = *dev;
    } else {
        auto dev = host_.line_device(ex.device);
        if (!dev) return fail(st, "  unknown line \"" + ex.device + "\"");
        t.device = *dev;
    }
    if (!ex.call.empty()) {
        auto key = host_.call_by_name(ex.call);
        if (!key) return fail(st, "  call \"" + ex.call + "\" does not exist (yet)");
        t.call = *key;
    }
    if (!ex.parent.empty()) {
        auto key = host_.call_by_name(ex.parent);
        if (!key) return fail(st, "  call \"" + ex.parent + "\" does not exist (yet)");
        t.parent = *key;
    }
    if (ex.kind == expect_kind::call_values) return run_values(st, ex, t.call, deadline);
    if (ex.kind == expect_kind::features) return run_features(st, ex, t.call, deadline);
    if (ex.kind == expect_kind::in_service) {
        std::string error;
        while (true) {
            std::size_t seen = 0;
            host_.with_log([&](const std::vector<event>& log) { seen = log.size(); });
            if (auto ok = host_.line_in_service(ex.device, &error); ok && *ok) return true;
            if (std::chrono::steady_clock::now() >= deadline) break;
            host_.wait_for_events(seen, std::min(deadline, std::chrono::steady_clock::now() +
                                                               std::chrono::milliseconds(50)));
        }
        return fail(st, "  expected: line " + ex.device + " in service\n  actual:   " +
                            (error.empty() ? std::string("not in service") : error));
    }

    while (true) {
        match_outcome m;
        std::size_t seen = 0;
        host_.with_log([&](const std::vector<event>& log) {
            m = matcher_.find(t, log);
            seen = log.size();
        });
        if (m.st == match_outcome::status::matched) {
            matcher_.consume(t, m.index);
            if (ex.kind == expect_kind::completion && t.result == 0) {
                if (auto pk = host_.park_check(t.request); pk && pk->first != pk->second) {
                    return fail(st, "  expected: lpNonDirAddress \"" + pk->first +
                                        "\"\n  actual:   lpNonDirAddress \"" + pk->second + "\"");
                }
            }
            if (ex.kind == expect_kind::newcall && !ex.bind.empty()) {
                std::uint64_t key = 0;
                host_.with_log([&](const std::vector<event>& log) { key = log[m.index].call; });
                host_.bind_name(ex.bind, key);
            }
            return true;
        }
        if (m.st == match_outcome::status::failed || std::chrono::steady_clock::now() >= deadline) {
            std::string actual;
            host_.with_log([&](const std::vector<event>& log) {
                if (m.st == match_outcome::status::failed) {
                    actual = "  " + format_event(log[m.index]);
                    return;
                }
                for (auto i : matcher_.seen(t, log)) actual += "\n  " + format_event(log[i]);
            });
            std::string head = "  expected: " + describe_target(t, call_name, parent_name, op_name);
            if (m.st != match_outcome::status::failed) {
                head += " within " + std::to_string(timeout.count()) + "ms";
                return fail(st, head + "\n  actual:" +
                                    (actual.empty() ? std::string(" (nothing)") : actual));
            }
            return fail(st, head + "\n  actual:" + actual.substr(1));
        }
        host_.wait_for_events(seen, std::min(deadline, std::chrono::steady_clock::now() +
                                                           std::chrono::milliseconds(200)));
    }
}

}  // namespace ctigw::tapihost
