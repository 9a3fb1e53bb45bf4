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

namespace ctigw::tapihost {
namespace {

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

const std::vector<std::string_view> phone_subverbs = {"open",       "close", "status", "display",
                                                      "hookswitch", "lamp",  "button"};

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

namespace {

const std::vector<op_spec>& call_op_specs() {
    using a = arg_kind;
    static const std::vector<op_spec> specs = {
        {"open",
         "lineOpen",
         {a::line},
         1,
         0,
         {},
         "open <line>",
         "open a line (all lines are opened at start unless --no-open)"},
        {"close", "lineClose", {a::line}, 1, 0, {}, "close <line>", "close a line"},
        {"call",
         "lineMakeCall",
         {a::line, a::text},
         1,
         1,
         {},
         "call <line> [<number>] [as <name>]",
         "lineMakeCall (no number: dial tone); also `makecall`"},
        {"dial", "lineDial", {a::call, a::text}, 2, 0, {}, "dial <call> <digits>", "lineDial"},
        {"answer", "lineAnswer", {a::call}, 1, 0, {}, "answer <call>", "lineAnswer"},
        {"accept", "lineAccept", {a::call}, 1, 0, {}, "accept <call>", "lineAccept"},
        {"drop", "lineDrop", {a::call}, 1, 0, {}, "drop <call>", "lineDrop"},
        {"hold", "lineHold", {a::call}, 1, 0, {}, "hold <call>", "lineHold"},
        {"unhold", "lineUnhold", {a::call}, 1, 0, {}, "unhold <call>", "lineUnhold"},
        {"swaphold",
         "lineSwapHold",
         {a::call, a::call},
         2,
         0,
         {},
         "swaphold <active call> <held call>",
         "lineSwapHold"},
        {"blindtransfer",
         "lineBlindTransfer",
         {a::call, a::text},
         2,
         0,
         {},
         "blindtransfer <call> <number>",
         "lineBlindTransfer; also `transfer`"},
        {"setuptransfer",
         "lineSetupTransfer",
         {a::call},
         1,
         1,
         {},
         "setuptransfer <call> [as <consult>]",
         "lineSetupTransfer (then dial the consult call)"},
        {"completetransfer",
         "lineCompleteTransfer",
         {a::call, a::call, a::keyword},
         3,
         1,
         {"transfer", "conference"},
         "completetransfer <call> <consult> transfer|conference [as <conf>]",
         "lineCompleteTransfer; `conference` creates a conference call"},
        {"setupconference",
         "lineSetupConference",
         {a::call, a::text},
         1,
         2,
         {},
         "setupconference <call> [<parties>] [as <conf> <consult>]",
         "lineSetupConference (default 3 parties)"},
        {"prepareaddtoconference",
         "linePrepareAddToConference",
         {a::call},
         1,
         1,
         {},
         "prepareaddtoconference <conf> [as <consult>]",
         "linePrepareAddToConference"},
        {"addtoconference",
         "lineAddToConference",
         {a::call, a::call},
         2,
         0,
         {},
         "addtoconference <conf> <consult>",
         "lineAddToConference"},
        {"removefromconference",
         "lineRemoveFromConference",
         {a::call},
         1,
         0,
         {},
         "removefromconference <call>",
         "lineRemoveFromConference"},
        {"park",
         "linePark",
         {a::call, a::keyword, a::text},
         2,
         0,
         {"directed", "nondirected"},
         "park <call> directed <orbit> | park <call> nondirected [<expected orbit>]",
         "linePark (nondirected prints the orbit; with <expected orbit>, `expect completion park "
         "ok` also checks lpNonDirAddress)"},
        {"unpark",
         "lineUnpark",
         {a::line, a::text},
         2,
         1,
         {},
         "unpark <line> <orbit> [as <name>]",
         "lineUnpark"},
        {"pickup",
         "linePickup",
         {a::line, a::text, a::text},
         2,
         1,
         {},
         "pickup <line> <extension> [<group>] [as <name>]",
         "linePickup (directed)"},
        {"grouppickup",
         "linePickup",
         {a::line, a::text},
         2,
         1,
         {},
         "grouppickup <line> <group> [as <name>]",
         "linePickup with a group id and no address"},
        {"redirect",
         "lineRedirect",
         {a::call, a::text},
         2,
         0,
         {},
         "redirect <call> <number>",
         "lineRedirect"},
        {"forward",
         "lineForward",
         {a::line, a::keyword, a::text, a::text},
         2,
         0,
         {"uncond", "busy", "noanswer", "busyna", "dnd", "cancel"},
         "forward <line> uncond|busy|noanswer|busyna <number> [<rings>] | forward <line> "
         "dnd|cancel",
         "lineForward (dnd: an entry without a destination; cancel: no list)"},
        {"msgwait",
         "lineSetLineDevStatus",
         {a::line, a::keyword},
         2,
         0,
         {"on", "off"},
         "msgwait <line> on|off",
         "lineSetLineDevStatus(MSGWAIT) (the message waiting lamp)"},
        {"generatedigits",
         "lineGenerateDigits",
         {a::call, a::text, a::text},
         2,
         0,
         {},
         "generatedigits <call> <digits> [<duration ms>]",
         "lineGenerateDigits (DTMF)"},
        {"monitordigits",
         "lineMonitorDigits",
         {a::call, a::keyword},
         2,
         0,
         {"on", "off"},
         "monitordigits <call> on|off",
         "lineMonitorDigits (DTMF)"},
        {"setcalldata",
         "lineSetCallData",
         {a::call, a::rest},
         1,
         0,
         {},
         "setcalldata <call> <text>",
         "lineSetCallData"},
        {"setappspecific",
         "lineSetAppSpecific",
         {a::call, a::text},
         2,
         0,
         {},
         "setappspecific <call> <number>",
         "lineSetAppSpecific"},
        {"callinfo",
         "lineGetCallInfo",
         {a::call},
         1,
         0,
         {},
         "callinfo <call>",
         "print LINECALLINFO"},
        {"callstatus",
         "lineGetCallStatus",
         {a::call},
         1,
         0,
         {},
         "callstatus <call>",
         "print LINECALLSTATUS"},
        {"devstatus",
         "lineGetLineDevStatus",
         {a::line},
         1,
         0,
         {},
         "devstatus <line>",
         "print LINEDEVSTATUS"},
        {"addressstatus",
         "lineGetAddressStatus",
         {a::line},
         1,
         0,
         {},
         "addressstatus <line>",
         "print LINEADDRESSSTATUS"},
        {"closecall",
         "lineCloseCall",
         {a::call},
         1,
         0,
         {},
         "closecall <call>",
         "TSPI_lineCloseCall (IDLE calls are closed automatically after --idle-close)"},
        {"phone",
         "phone",
         {a::line, a::keyword, a::rest},
         2,
         0,
         {"open", "close", "status", "display", "hookswitch", "lamp", "button"},
         "phone <ext> open|close|status | phone <ext> display [set <row> <col> <text>] | phone "
         "<ext> hookswitch handset|speaker|headset onhook|mic|speaker|micspeaker | phone <ext> "
         "lamp <id> <MODE> | phone <ext> button <id>",
         "phone operations"},
    };
    return specs;
}

}  // namespace

const std::vector<op_spec>& op_specs() {
    // The call operations, then the TAPI agent functions (agent_language.cpp).
    static const std::vector<op_spec> specs = [] {
        auto v = call_op_specs();
        v.insert(v.end(), agent::op_specs().begin(), agent::op_specs().end());
        return v;
    }();
    return specs;
}

const op_spec* find_op(std::string_view verb) {
    // Aliases for the console: `makecall` is `call`, `transfer <call> <number>` a blind transfer.
    std::string v = lower(verb);
    if (v == "makecall") v = "call";
    if (v == "transfer") v = "blindtransfer";
    for (const auto& s : op_specs()) {
        if (s.verb == v) return &s;
    }
    return nullptr;
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
    if (verb == "expect") {
        auto r = parse_expect(w, error);
        if (r) r->text = st.text;
        return r;
    }
    if (verb == "wait") {
        if (w.size() != 2) {
            *error = "usage: wait <time> (e.g. wait 500ms)";
            return std::nullopt;
        }
        auto d = parse_duration(w[1]);
        if (!d) {
            *error = "\"" + w[1] + "\" is not a time (500ms, 2s, 1.5s, 1m)";
            return std::nullopt;
        }
        st.body = wait_stmt{*d};
        return st;
    }
    if (verb == "sim") {
        if (w.size() < 2) {
            *error = "usage: sim <simulator command> (e.g. sim do 2002 answer)";
            return std::nullopt;
        }
        // The command as written (after "sim"), comments removed.
        st.body = sim_stmt{join(w, 1, w.size())};
        return st;
    }
    if (verb == "echo") {
        st.body = echo_stmt{join(w, 1, w.size())};
        return st;
    }
    if (verb == "shell") {
        if (w.size() < 2) {
            *error = "usage: shell <command> (e.g. shell $PHONE 2002 answer)";
            return std::nullopt;
        }
        // The command exactly as written after the verb: quotes are the shell's to read.
        const auto rest = st.text.find_first_of(" \t");
        st.body = shell_stmt{st.text.substr(st.text.find_first_not_of(" \t", rest))};
        return st;
    }
    if (verb == "acdgroup" || verb == "reasons") {
        auto r = parse_setup(w, error);
        if (r) r->text = st.text;
        return r;
    }
    if (verb == "help" || verb == "quit" || verb == "exit" || verb == "status" || verb == "lines" ||
        verb == "calls") {
        if (w.size() != 1) {
            *error = "\"" + verb + "\" takes no arguments";
            return std::nullopt;
        }
        st.body = console_stmt{verb == "exit" ? "quit" : verb};
        return st;
    }
    auto r = parse_op(w, error);
    if (r) r->text = st.text;
    return r;
}

std::optional<statement> statement_parser::parse_op(const std::vector<std::string>& w,
                                                    std::string* error) {
    const op_spec* spec = find_op(w[0]);
    if (!spec) {
        std::string list;
        for (const auto& s : op_specs())
            list += std::string(list.empty() ? "" : ", ") + std::string(s.verb);
        *error = "unknown statement \"" + w[0] + "\" (operations: " + list +
                 "; or expect, wait, sim, echo, acdgroup, reasons)";
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
        if (args.size() > 2) sub = *split_words(args[2], &e2);
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
            *error = "usage: expect completion <op|last> ok|LINEERR_X";
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
        auto r = parse_result(w[3]);
        if (!r) {
            *error = "\"" + w[3] + "\" is not a result (ok, LINEERR_..., PHONEERR_...)";
            return std::nullopt;
        }
        ex.result = *r;
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
            sc.errors.push_back("line " + std::to_string(line_no) + ": " + err);
        } else if (st) {
            st->line = line_no;
            if (std::holds_alternative<console_stmt>(st->body) &&
                std::get<console_stmt>(st->body).word != "status") {
                sc.errors.push_back("line " + std::to_string(line_no) + ": \"" +
                                    std::get<console_stmt>(st->body).word +
                                    "\" is for the console only");
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
        sc.errors.push_back(path + ": cannot read the file");
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
         "Console only: status, lines, calls, help, quit\n";
    return o.str();
}

}  // namespace ctigw::tapihost
