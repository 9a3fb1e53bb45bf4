// `acdgroup` and `reasons` (scenario.hpp): what a call-centre scenario needs of the in-process
// simulator and of the TSP's config, stated in the scenario so that each e2e file is complete.
#include <algorithm>
#include <cctype>

#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {
namespace {

bool is_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<statement> statement_parser::parse_setup(const std::vector<std::string>& w,
                                                       std::string* error) {
    statement st;
    setup_stmt s;
    if (lower(w[0]) == "reasons") {
        for (std::size_t i = 1; i < w.size(); ++i) {
            const auto eq = w[i].find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == w[i].size()) {
                *error = "usage: reasons <code>=<name> ... (e.g. reasons 10=Lunch 20=Meeting)";
                return std::nullopt;
            }
            s.reasons.emplace_back(w[i].substr(0, eq), w[i].substr(eq + 1));
        }
        if (s.reasons.empty()) {
            *error = "usage: reasons <code>=<name> ... (e.g. reasons 10=Lunch 20=Meeting)";
            return std::nullopt;
        }
        st.body = s;
        return st;
    }
    const std::string usage =
        "usage: acdgroup <ext> <name> [agents <ext>,...] [wrapup <time>] [queue|routepoint]";
    if (w.size() < 3 || !is_number(w[1])) {
        *error = usage;
        return std::nullopt;
    }
    acd_group_decl g;
    g.extension = w[1];
    g.name = w[2];
    for (std::size_t i = 3; i < w.size(); ++i) {
        const auto k = lower(w[i]);
        if (k == "agents" && i + 1 < w.size()) {
            std::string list = w[++i];
            for (std::size_t pos = 0;;) {
                const auto comma = list.find(',', pos);
                auto a = list.substr(pos, comma == std::string::npos ? comma : comma - pos);
                if (!is_number(a)) {
                    *error = "acdgroup: agents are extensions, not \"" + a + "\"";
                    return std::nullopt;
                }
                g.agents.push_back(a);
                if (comma == std::string::npos) break;
                pos = comma + 1;
            }
        } else if (k == "wrapup" && i + 1 < w.size()) {
            g.wrapup = parse_duration(w[++i]);
            if (!g.wrapup) {
                *error = "acdgroup: \"" + w[i] + "\" is not a time (500ms, 2s)";
                return std::nullopt;
            }
        } else if (k == "queue") {
            g.role = "queue";
        } else if (k == "routepoint") {
            g.role = "routePoint";
        } else {
            *error = usage;
            return std::nullopt;
        }
    }
    s.group = std::move(g);
    st.body = s;
    return st;
}

std::vector<acd_group_decl> scenario::acd_groups() const {
    std::vector<acd_group_decl> out;
    for (const auto& st : statements) {
        if (const auto* s = std::get_if<setup_stmt>(&st.body); s && s->group) {
            auto same = [&](const acd_group_decl& g) { return g.extension == s->group->extension; };
            out.erase(std::remove_if(out.begin(), out.end(), same), out.end());
            out.push_back(*s->group);
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> scenario::reasons() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& st : statements) {
        if (const auto* s = std::get_if<setup_stmt>(&st.body))
            out.insert(out.end(), s->reasons.begin(), s->reasons.end());
    }
    return out;
}

}  // namespace ctigw::tapihost
