// The scenario language: words, statements, files (scenario.hpp).
#include "ctigw/tapihost/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "agent_language.hpp"
#include "ctigw/tapihost/names.hpp"
#include "features.hpp"
#include "scenario_words.hpp"
#include "suggest.hpp"

namespace ctigw::tapihost {
namespace detail {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string join(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to && i < w.size(); ++i) {
        if (!out.empty()) out += ' ';
        out += w[i];
    }
    return out;
}

bool is_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace detail

using detail::is_number;
using detail::join;
using detail::lower;
using detail::upper;

namespace {

bool valid_name(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '#';
    });
}

const std::vector<std::string_view> reserved_words = {
    "as",         "within", "newcall",  "devstate", "inservice", "addressstate", "event",
    "completion", "phone",  "callinfo", "digit",    "generate",  "last",         "expect",
    "wait",       "sim",    "echo",     "shell",    "result",    "acdgroup",     "reasons"};

}  // namespace

std::optional<std::vector<std::string>> split_words(std::string_view text, std::string* error) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
            continue;
        }
        if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            // "#5" as a device id is a word, "# ..." or "#" at a word start followed by a
            // blank or the end is a comment.
            if (i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1])))
                break;
        }
        std::string word;
        bool quoted = false;
        while (i < text.size()) {
            const char d = text[i];
            if (d == '"') {
                quoted = true;
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    if (text[i] == '\\' && i + 1 < text.size()) {
                        word += text[i + 1];
                        i += 2;
                        continue;
                    }
                    if (text[i] == '"') {
                        closed = true;
                        ++i;
                        break;
                    }
                    word += text[i++];
                }
                if (!closed) {
                    if (error) *error = "unterminated quote";
                    return std::nullopt;
                }
                continue;
            }
            if (d == ' ' || d == '\t' || d == '\r' || d == '\n') break;
            word += d;
            ++i;
        }
        if (!word.empty() || quoted) words.push_back(std::move(word));
    }
    return words;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
        ++i;
    if (i == 0) return std::nullopt;
    const std::string number(text.substr(0, i));
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return std::nullopt;
    const auto unit = text.substr(i);
    double factor;
    if (unit == "ms")
        factor = 1;
    else if (unit == "s")
        factor = 1000;
    else if (unit == "m")
        factor = 60000;
    else
        return std::nullopt;
    const double v = std::stod(number) * factor;
    if (!(v >= 0) || v > 24.0 * 3600 * 1000) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(v)));
}

const std::vector<std::string_view>& call_info_value_fields() {
    static const std::vector<std::string_view> f = {
        "CALLERID",      "CALLERIDNAME",      "CALLEDID",      "CALLEDIDNAME",
        "CONNECTEDID",   "CONNECTEDIDNAME",   "REDIRECTINGID", "REDIRECTINGIDNAME",
        "REDIRECTIONID", "REDIRECTIONIDNAME", "REASON",        "ORIGIN",
        "APPSPECIFIC",   "CALLDATA",          "CALLID",        "RELATEDCALLID",
        "MEDIAMODE",     "ADDRESSID"};
    return f;
}

bool statement_parser::known(const std::string& name) const {
    return std::find(names_.begin(), names_.end(), name) != names_.end();
}

void statement_parser::define(const std::string& name) {
    if (!known(name)) names_.push_back(name);
}

bool statement_parser::define_new(const std::string& name, std::string* error) {
    if (!valid_name(name)) {
        *error = "\"" + name + "\" is not a valid call name (letters, digits, _ and -)";
        return false;
    }
    if (std::find(reserved_words.begin(), reserved_words.end(), lower(name)) !=
        reserved_words.end()) {
        *error = "\"" + name + "\" is a reserved word and cannot name a call";
        return false;
    }
    define(name);  // redefinition rebinds the name to the new call
    return true;
}

/// A statement other than an operation (those are op_specs()): its word, the number of
/// arguments it takes, the error when that is wrong, and what reads it into `st` (false with
/// `*error` set when the statement is wrong).
struct statement_parser::word_entry {
    std::string_view word;
    std::size_t min_args = 0;
    std::size_t max_args = std::string::npos;
    std::string_view arity_error;
    bool (*parse)(statement_parser& p, const std::vector<std::string>& w, statement& st,
                  std::string* error) = nullptr;
};

const std::vector<statement_parser::word_entry>& statement_parser::words() {
    using wv = const std::vector<std::string>&;
    // Reads `st` from the parser's own statement (expect, acdgroup, reasons).
    static const auto from = [](std::optional<statement> r, statement& st) {
        if (!r) return false;
        r->text = st.text;
        st = std::move(*r);
        return true;
    };
    static const auto console = [](statement_parser&, wv w, statement& st, std::string*) {
        const auto word = lower(w[0]);
        st.body = console_stmt{word == "exit" ? "quit" : word};
        return true;
    };
    static const std::vector<word_entry> table = {
        {"expect", 0, std::string::npos, "",
         [](statement_parser& p, wv w, statement& st, std::string* e) {
             return from(p.parse_expect(w, e), st);
         }},
        {"wait", 1, 1, "usage: wait <time> (e.g. wait 500ms)",
         [](statement_parser&, wv w, statement& st, std::string* e) {
             auto d = parse_duration(w[1]);
             if (!d)
                 *e = "\"" + w[1] + "\" is not a time (500ms, 2s, 1.5s, 1m)";
             else
                 st.body = wait_stmt{*d};
             return d.has_value();
         }},
        {"sim", 1, std::string::npos, "usage: sim <simulator command> (e.g. sim do 2002 answer)",
         [](statement_parser&, wv w, statement& st, std::string*) {
             // The command as written (after "sim"), comments removed.
             st.body = sim_stmt{join(w, 1, w.size())};
             return true;
         }},
        {"echo", 0, std::string::npos, "",
         [](statement_parser&, wv w, statement& st, std::string*) {
             st.body = echo_stmt{join(w, 1, w.size())};
             return true;
         }},
        {"shell", 1, std::string::npos, "usage: shell <command> (e.g. shell $PHONE 2002 answer)",
         [](statement_parser&, wv, statement& st, std::string*) {
             // The command exactly as written after the verb: quotes are the shell's to read.
             const auto rest = st.text.find_first_of(" \t");
             st.body = shell_stmt{st.text.substr(st.text.find_first_not_of(" \t", rest))};
             return true;
         }},
        {"acdgroup", 0, std::string::npos, "",
         [](statement_parser& p, wv w, statement& st, std::string* e) {
             return from(p.parse_setup(w, e), st);
         }},
        {"reasons", 0, std::string::npos, "",
         [](statement_parser& p, wv w, statement& st, std::string* e) {
             return from(p.parse_setup(w, e), st);
         }},
        {"help", 0, 0, "\"help\" takes no arguments", console},
        {"quit", 0, 0, "\"quit\" takes no arguments", console},
        {"exit", 0, 0, "\"exit\" takes no arguments", console},
        {"status", 0, 0, "\"status\" takes no arguments", console},
        {"lines", 0, 0, "\"lines\" takes no arguments", console},
        {"calls", 0, 0, "\"calls\" takes no arguments", console},
    };
    return table;
}

std::optional<statement> statement_parser::parse(std::string_view text, std::string* error) {
    std::string err;
    auto words = split_words(text, &err);
    if (!words) {
        *error = err;
        return std::nullopt;
    }
    auto& w = *words;
    if (w.empty()) return std::nullopt;
    statement st;
    {
        auto b = text.find_first_not_of(" \t");
        auto e = text.find_last_not_of(" \t\r\n");
        st.text = std::string(text.substr(b, e - b + 1));
    }
    const std::string verb = lower(w[0]);
    for (const auto& entry : statement_parser::words()) {
        if (entry.word != verb) continue;
        if (w.size() - 1 < entry.min_args || w.size() - 1 > entry.max_args) {
            *error = std::string(entry.arity_error);
            return std::nullopt;
        }
        if (!entry.parse(*this, w, st, error)) return std::nullopt;
        return st;
    }
    auto r = parse_op(w, error);
    if (r) r->text = st.text;
    return r;
}

std::string statement_parser::unknown_statement(const std::string& word) {
    std::vector<std::string_view> all;
    for (const auto& s : op_specs()) all.push_back(s.verb);
    for (const auto& entry : words()) all.push_back(entry.word);
    if (auto close_ones = detail::suggest(word, all); !close_ones.empty())
        return "unknown statement \"" + word + "\"; " + detail::did_you_mean(close_ones);
    std::string list;
    for (const auto& s : op_specs())
        list += std::string(list.empty() ? "" : ", ") + std::string(s.verb);
    return "unknown statement \"" + word + "\" (operations: " + list +
           "; or expect, wait, sim, echo, acdgroup, reasons)";
}

std::optional<statement> statement_parser::parse_op(const std::vector<std::string>& w,
                                                    std::string* error) {
    const op_spec* spec = find_op(w[0]);
    if (!spec) {
        *error = unknown_statement(w[0]);
        return std::nullopt;
    }
    op_stmt op;
    op.verb = std::string(spec->verb);
    std::vector<std::string> args = w;
    args.erase(args.begin());
    // "as <names>" at the end (not inside a rest argument of a phone/setcalldata statement).
    const bool has_rest = !spec->args.empty() && spec->args.back() == arg_kind::rest;
    std::vector<std::string> names;
    if (!has_rest) {
        auto it = std::find_if(args.begin(), args.end(),
                               [](const std::string& s) { return lower(s) == "as"; });
        if (it != args.end()) {
            names.assign(it + 1, args.end());
            args.erase(it, args.end());
            if (names.empty()) {
                *error = "\"as\" needs a name";
                return std::nullopt;
            }
            if (names.size() > spec->names) {
                *error = spec->names == 0
                             ? "\"" + op.verb + "\" creates no call to name"
                             : "\"" + op.verb + "\" names at most " + std::to_string(spec->names) +
                                   " call(s): usage: " + std::string(spec->usage);
                return std::nullopt;
            }
        }
    }
    if (has_rest) {
        const std::size_t fixed = spec->args.size() - 1;
        if (args.size() > fixed) {
            std::string rest = join(args, fixed, args.size());
            args.resize(fixed);
            args.push_back(rest);
        }
    }
    if (args.size() < spec->required || args.size() > spec->args.size()) {
        *error = "usage: " + std::string(spec->usage);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        switch (spec->args[i]) {
            case arg_kind::call:
                if (!known(args[i])) {
                    *error =
                        "unknown call \"" + args[i] + "\" (name calls with \"as <name>\" first)";
                    return std::nullopt;
                }
                break;
            case arg_kind::keyword: {
                const auto k = lower(args[i]);
                if (std::find(spec->keywords.begin(), spec->keywords.end(), k) ==
                    spec->keywords.end()) {
                    std::string list;
                    for (auto kw : spec->keywords)
                        list += std::string(list.empty() ? "" : "|") + std::string(kw);
                    *error = "\"" + args[i] + "\": expected " + list +
                             "; usage: " + std::string(spec->usage);
                    return std::nullopt;
                }
                args[i] = k;
                break;
            }
            case arg_kind::line:
                if (args[i].empty()) {
                    *error = "empty line name";
                    return std::nullopt;
                }
                break;
            case arg_kind::text:
            case arg_kind::rest:
                break;
        }
    }
    // Verb-specific checks.
    if (agent::find_verb(op.verb)) {
        if (auto e = agent::check_op(op_stmt{op.verb, args, names})) {
            *error = *e;
            return std::nullopt;
        }
    }
    if (op.verb == "setappspecific" && !is_number(args[1])) {
        *error = "setappspecific needs a number";
        return std::nullopt;
    }
    if (op.verb == "setupconference" && args.size() > 1 && !is_number(args[1])) {
        *error = "setupconference: <parties> must be a number";
        return std::nullopt;
    }
    if (op.verb == "generatedigits" && args.size() > 2 && !is_number(args[2])) {
        *error = "generatedigits: <duration ms> must be a number";
        return std::nullopt;
    }
    if (op.verb == "park" && args[1] == "directed" && args.size() < 3) {
        *error = "park directed needs an orbit: park <call> directed <orbit>";
        return std::nullopt;
    }
    if (op.verb == "completetransfer" && args[2] == "transfer" && !names.empty()) {
        *error = "completetransfer ... transfer creates no call to name";
        return std::nullopt;
    }
    if (op.verb == "forward") {
        const bool needs_dest = args[1] != "dnd" && args[1] != "cancel";
        if (needs_dest && args.size() < 3) {
            *error =
                "forward " + args[1] + " needs a destination: usage: " + std::string(spec->usage);
            return std::nullopt;
        }
        if (!needs_dest && args.size() > 2) {
            *error = "forward " + args[1] + " takes no destination";
            return std::nullopt;
        }
        if (args.size() > 3 && !is_number(args[3])) {
            *error = "forward: <rings> must be a number";
            return std::nullopt;
        }
    }
    if (op.verb == "phone") {
        std::vector<std::string> sub;
        std::string e2;
        if (args.size() > 2) {
            auto words = split_words(args[2], &e2);
            if (!words) {  // a quote inside the quoted text: it splits again unbalanced
                *error = "phone: " + e2;
                return std::nullopt;
            }
            sub = std::move(*words);
        }
        const auto& k = args[1];
        auto bad = [&](const std::string& usage) {
            *error = "usage: phone <ext> " + usage;
            return std::nullopt;
        };
        if ((k == "open" || k == "close" || k == "status") && !sub.empty()) return bad(k);
        if (k == "display" && !sub.empty()) {
            if (sub.size() < 3 || lower(sub[0]) != "set" || !is_number(sub[1]) ||
                !is_number(sub[2]))
                return bad("display [set <row> <column> <text>]");
        }
        if (k == "hookswitch") {
            if (sub.size() != 2 || !value_of(family::hookswitch_dev, sub[0]) ||
                !value_of(family::hookswitch_mode, sub[1]))
                return bad("hookswitch handset|speaker|headset onhook|mic|speaker|micspeaker");
        }
        if (k == "lamp") {
            if (sub.size() != 2 || !is_number(sub[0]) || !value_of(family::lamp_mode, sub[1]))
                return bad("lamp <id> " + names_list(family::lamp_mode));
        }
        if (k == "button" && (sub.size() != 1 || !is_number(sub[0]))) return bad("button <id>");
    }
    for (const auto& n : names) {
        if (!define_new(n, error)) return std::nullopt;
    }
    op.args = std::move(args);
    op.names = std::move(names);
    statement st;
    st.body = std::move(op);
    return st;
}

std::set<std::string> scenario::extensions() const {
    std::set<std::string> out;
    auto add = [&](const std::string& s) {
        if (is_number(s)) out.insert(s);
    };
    for (const auto& st : statements) {
        if (auto* op = std::get_if<op_stmt>(&st.body)) {
            const auto* spec = find_op(op->verb);
            for (std::size_t i = 0; spec && i < op->args.size() && i < spec->args.size(); ++i) {
                if (spec->args[i] == arg_kind::line) add(op->args[i]);
            }
        } else if (auto* ex = std::get_if<expect_stmt>(&st.body)) {
            add(ex->device);
        }
    }
    for (const auto& g : acd_groups()) {
        add(g.extension);
        for (const auto& a : g.agents) add(a);
    }
    return out;
}

std::string scenario_error::text() const {
    return line == 0 ? message : "line " + std::to_string(line) + ": " + message;
}

std::string scenario_error::located(const std::string& file) const {
    return file + (line == 0 ? "" : ":" + std::to_string(line)) + ": " + message;
}

scenario parse_scenario(std::string_view text) {
    scenario sc;
    statement_parser parser;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        ++line_no;
        const auto line = text.substr(pos, nl - pos);
        std::string err;
        auto st = parser.parse(line, &err);
        if (!err.empty()) {
            sc.errors.push_back({line_no, err});
            // The names this line gives are defined anyway: their uses are not errors too.
            std::string ignored;
            const auto words = split_words(line, &ignored).value_or(std::vector<std::string>{});
            auto as = std::find_if(words.begin(), words.end(),
                                   [](const std::string& w) { return lower(w) == "as"; });
            for (auto it = as == words.end() ? as : as + 1; it != words.end(); ++it)
                if (valid_name(*it)) parser.define(*it);
        } else if (st) {
            st->line = line_no;
            if (std::holds_alternative<console_stmt>(st->body) &&
                std::get<console_stmt>(st->body).word != "status") {
                sc.errors.push_back({line_no, "\"" + std::get<console_stmt>(st->body).word +
                                                  "\" is for the console only"});
            } else {
                sc.statements.push_back(std::move(*st));
            }
        }
        if (nl == text.size()) break;
        pos = nl + 1;
    }
    return sc;
}

scenario load_scenario(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        scenario sc;
        sc.errors.push_back({0, "cannot read the file"});
        return sc;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_scenario(ss.str());
}

std::string language_help() {
    std::ostringstream o;
    o << "Operations (lines are extensions or #<device id>; calls are names given with `as`):\n";
    for (const auto& s : op_specs()) o << "  " << s.usage << "\n      " << s.help << "\n";
    o << "Expectations (each waits up to 5s, or `within <time>` at the end):\n"
         "  expect <line> <call> <STATE> [<mode>]      LINE_CALLSTATE, e.g. OFFERING ACTIVE,\n"
         "                                             DISCONNECTED NORMAL, CONFERENCED <conf "
         "call>\n"
         "  expect <line> <call> callinfo F[|F]        a LINE_CALLINFO with these "
         "LINECALLINFOSTATE bits\n"
         "  expect <line> <call> callinfo F=v ...      LINECALLINFO values (polled): CALLERID "
         "CALLEDID\n"
         "                                             CONNECTEDID REDIRECTINGID REDIRECTIONID "
         "(+NAME),\n"
         "                                             REASON ORIGIN APPSPECIFIC CALLDATA CALLID "
         "...\n"
         "  expect <line> <call> digit <d>             LINE_MONITORDIGITS\n"
         "  expect <line> <call> generate done|cancel  LINE_GENERATE\n"
         "  expect <line> newcall [as <name>]          LINE_NEWCALL; names the new call\n"
         "  expect <line> devstate STATE[|STATE]       LINE_LINEDEVSTATE, e.g. OUTOFSERVICE\n"
         "  expect <line> inservice                    LINEDEVSTATUS shows INSERVICE (polled)\n"
         "  expect <line> features <where> has|lacks F[|F]  feature bits (polled); <where>: "
         "devcaps\n"
         "                                             addresscaps devstatus addressstatus\n"
         "  expect <line> <call> features has|lacks F[|F]   LINECALLSTATUS.dwCallFeatures "
         "(polled)\n"
         "  expect <line> addressstate STATE           LINE_ADDRESSSTATE, e.g. FORWARD\n"
         "  expect <line> event LINE_<MSG>             any message on the line\n"
         "  expect completion <op|last> ok|LINEERR_X   the result of an operation\n"
         "  expect phone <ext> state STATE             PHONE_STATE, e.g. DISPLAY, "
         "HANDSETHOOKSWITCH\n"
         "  expect phone <ext> button <id> [UP|DOWN]   PHONE_BUTTON\n"
         "Agents (the host plays TAPISRV and runs ctigw-acdproxy in process; the agent operations\n"
         "above are an application's agent calls, answered by the proxy through the TSP):\n"
         "  expect <line> agentstatus [STATE]          LINE_AGENTSTATUS (LINEAGENTSTATE_, e.g. "
         "READY)\n"
         "  expect <line> agentstatusex [STATE]        LINE_AGENTSTATUSEX (LINEAGENTSTATEEX_)\n"
         "  expect <line> sessionstatus [STATE]        LINE_AGENTSESSIONSTATUS "
         "(LINEAGENTSESSIONSTATE_)\n"
         "  expect <line> queuestatus [UPDATEINFO|NEWQUEUE|QUEUEREMOVED]   LINE_QUEUESTATUS\n"
         "  expect <line> groupstatus [NEWGROUP|GROUPREMOVED]              LINE_GROUPSTATUS\n"
         "  expect result <verb|last> field=value ...  what the latest such agent request "
         "returned\n"
         "                                             (it must complete ok), e.g. expect result\n"
         "                                             getagentstatus state=READY groups=Sales\n"
         "                                             activity=Lunch; getqueueinfo waiting=1 ...\n"
         "Set-up for --sim (read before anything runs):\n"
         "  acdgroup <ext> <name> [agents <ext>,...] [wrapup <time>] [queue|routepoint]\n"
         "                         an ACD group of the simulator, and its line's role in the TSP\n"
         "  reasons <code>=<name> ...   the simulator's not-ready reasons (TAPI activities 1..n)\n"
         "Other statements:\n"
         "  wait <time>            e.g. wait 500ms, wait 2s\n"
         "  sim <command>          to the in-process simulator (--sim): sim call 0301555 2001,\n"
         "                         sim do 2002 answer, sim hangup @2001, sim fault drop ...\n"
         "  echo <text>            print a line\n"
         "  shell <command>        run a command; a non-zero exit is a mismatch\n"
         "  # comment\n"
         "Console only: status, lines, calls, help, quit; call#N names any call the host has\n"
         "  seen (N as printed, e.g. `answer call#3` for an incoming call; `status` lists them)\n";
    return o.str();
}

}  // namespace ctigw::tapihost
