// The simulator's control language: tokens, commands, scenarios, times, did-you-mean and the help
// text. What a command does is in control_execute.cpp; running them over time in control_run.cpp.
#include "ctigw/pbxsim/control.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::pbxsim {

namespace {

using std::chrono::milliseconds;

std::string dq(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

/// Splits a line into words. Double quotes group words ("dial 2002"); a `#` at the start of a
/// word starts a comment, so DTMF digits like `12#` stay usable.
std::variant<std::vector<std::string>, std::string> tokenize(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (std::isspace(c)) {
            ++i;
            continue;
        }
        if (text[i] == '#') break;
        std::string word;
        bool in_quotes = false;
        while (i < text.size()) {
            const char ch = text[i];
            if (ch == '"') {
                in_quotes = !in_quotes;
                ++i;
                continue;
            }
            if (!in_quotes && std::isspace(static_cast<unsigned char>(ch))) break;
            word += ch;
            ++i;
        }
        if (in_quotes) return std::string("unterminated quote");
        words.push_back(std::move(word));
    }
    return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from) {
    std::string r;
    for (std::size_t i = from; i < words.size(); ++i) {
        if (!r.empty()) r += ' ';
        r += words[i];
    }
    return r;
}

/// A whole number in [min, max], or nullopt.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t min = 0,
                                        std::uint64_t max = UINT32_MAX) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < min || v > max) {
        return std::nullopt;
    }
    return v;
}

std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string_view>& candidates) {
    if (auto s = did_you_mean(word, candidates); !s.empty()) {
        message += "; did you mean " + dq(s) + "?";
    }
    return message;
}

const std::vector<std::string_view>& command_names() {
    static const std::vector<std::string_view> names{
        "call", "hangup", "do", "fault", "unsupported", "status", "snapshot", "help", "quit"};
    return names;
}

const std::vector<std::string_view>& fault_names() {
    static const std::vector<std::string_view> names{"drop",      "heartbeats", "delay",
                                                     "malformed", "refuse",     "reorder",
                                                     "gap",       "status",     "restart"};
    return names;
}

const std::vector<std::string_view>& action_names() {
    static const std::vector<std::string_view> names{"offhook",  "onhook", "answer", "hold",
                                                     "retrieve", "dial",   "dtmf",   "press"};
    return names;
}

template <class E>
std::vector<std::string_view> enum_names() {
    const auto& names = protocol::enum_traits<E>::names;
    return {names.begin(), names.end()};
}

std::vector<std::string_view> service_names() {
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i < protocol::service_count(); ++i) {
        names.push_back(protocol::service_name(i));
    }
    return names;
}

std::string arity_error(std::string_view usage, std::size_t got) {
    return "expected " + std::string(usage) + ", got " + std::to_string(got) + " argument" +
           (got == 1 ? "" : "s");
}

std::optional<bool> parse_on_off(std::string_view s) {
    if (s == "on") return true;
    if (s == "off") return false;
    return std::nullopt;
}

parse_outcome parse_fault(const std::vector<std::string>& w) {
    // w[0] == "fault"
    if (w.size() < 2) {
        return std::string(
            "fault: missing fault kind (drop, heartbeats, delay, malformed, "
            "refuse, reorder, gap, status, restart)");
    }
    const std::string& kind = w[1];
    const std::size_t args = w.size() - 2;
    auto expect_args = [&](std::size_t n, std::string_view usage) -> std::optional<std::string> {
        if (args != n) return "fault " + kind + ": " + arity_error(usage, args);
        return std::nullopt;
    };
    if (kind == "drop") {
        if (auto e = expect_args(0, "no arguments")) return *e;
        return command{cmd::fault_drop{}};
    }
    if (kind == "gap") {
        if (auto e = expect_args(0, "no arguments")) return *e;
        return command{cmd::fault_gap{}};
    }
    if (kind == "restart") {
        if (auto e = expect_args(0, "no arguments")) return *e;
        return command{cmd::fault_restart{}};
    }
    if (kind == "heartbeats" || kind == "reorder") {
        if (auto e = expect_args(1, "on|off")) return *e;
        const auto on = parse_on_off(w[2]);
        if (!on) return "fault " + kind + ": expected on or off, got " + dq(w[2]);
        if (kind == "heartbeats") return command{cmd::fault_heartbeats{*on}};
        return command{cmd::fault_reorder{*on}};
    }
    if (kind == "delay") {
        if (auto e = expect_args(1, "<ms>")) return *e;
        // A bare number is milliseconds; a time with a unit is accepted too.
        if (auto ms = parse_uint(w[2], 0, 3'600'000)) {
            return command{cmd::fault_delay{milliseconds(static_cast<milliseconds::rep>(*ms))}};
        }
        if (auto t = parse_time(w[2])) return command{cmd::fault_delay{*t}};
        return "fault delay: bad delay " + dq(w[2]) + " (milliseconds, e.g. 500)";
    }
    if (kind == "malformed") {
        if (auto e = expect_args(1, "<count>")) return *e;
        const auto n = parse_uint(w[2], 1, 1'000'000);
        if (!n) return "fault malformed: bad count " + dq(w[2]) + " (a whole number >= 1)";
        return command{cmd::fault_malformed{static_cast<std::uint32_t>(*n)}};
    }
    if (kind == "refuse") {
        if (args != 3 && args != 4) {
            return "fault refuse: " + arity_error("<Service> <category> <value> [count]", args);
        }
        cmd::fault_refuse r;
        if (!protocol::service_index_of(w[2])) {
            return with_suggestion("fault refuse: unknown service " + dq(w[2]), w[2],
                                   service_names());
        }
        r.service = w[2];
        const auto category = protocol::enum_from_string<protocol::error_category>(w[3]);
        if (!category) {
            return with_suggestion("fault refuse: unknown error category " + dq(w[3]), w[3],
                                   enum_names<protocol::error_category>());
        }
        r.error.category = *category;
        r.error.value = w[4];
        r.error.message = "refused by fault injection";
        if (args == 4) {
            const auto n = parse_uint(w[5], 1, 1'000'000);
            if (!n) return "fault refuse: bad count " + dq(w[5]) + " (a whole number >= 1)";
            r.count = static_cast<std::uint32_t>(*n);
        }
        return command{std::move(r)};
    }
    if (kind == "status") {
        if (auto e = expect_args(1, "<systemStatus>")) return *e;
        const auto s = protocol::enum_from_string<protocol::system_status>(w[2]);
        if (!s) {
            return with_suggestion("fault status: unknown systemStatus " + dq(w[2]), w[2],
                                   enum_names<protocol::system_status>());
        }
        return command{cmd::fault_status{*s}};
    }
    return with_suggestion("unknown fault " + dq(kind), kind, fault_names());
}

parse_outcome parse_do(const std::vector<std::string>& w) {
    if (w.size() < 3) return "do: " + arity_error("<device> <action...>", w.size() - 1);
    // `do 2001 "dial 2002"` and `do 2001 dial 2002` mean the same.
    std::vector<std::string> action;
    for (std::size_t i = 2; i < w.size(); ++i) {
        std::istringstream split(w[i]);
        for (std::string part; split >> part;) action.push_back(part);
    }
    if (action.empty()) return std::string("do: missing action");
    const std::string verb = lower(action[0]);
    const std::size_t args = action.size() - 1;
    if (verb == "offhook" || verb == "onhook" || verb == "answer" || verb == "hold" ||
        verb == "retrieve") {
        if (args != 0) return "do " + verb + ": " + arity_error("no arguments", args);
        return command{cmd::device_do{w[1], verb}};
    }
    if (verb == "dial") {
        if (args != 1) return "do dial: " + arity_error("<number>", args);
        return command{cmd::device_do{w[1], "dial " + action[1]}};
    }
    if (verb == "dtmf") {
        if (args != 1) return "do dtmf: " + arity_error("<digits>", args);
        const bool valid = std::all_of(action[1].begin(), action[1].end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '*' || c == '#' ||
                   c == ',' || (c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd');
        });
        if (!valid) {
            return "do dtmf: bad digits " + dq(action[1]) + " (0-9 * # A-D and , only)";
        }
        return command{cmd::device_do{w[1], "dtmf " + action[1]}};
    }
    if (verb == "press") {
        if (args != 1) return "do press: " + arity_error("<button>", args);
        if (!parse_uint(action[1])) {
            return "do press: bad button " + dq(action[1]) + " (a whole number)";
        }
        return command{cmd::device_do{w[1], "press " + action[1]}};
    }
    return with_suggestion("do: unknown action " + dq(action[0]), verb, action_names());
}

parse_outcome parse_words(const std::vector<std::string>& w) {
    if (w.empty()) return std::string("empty command");
    const std::string& name = w[0];
    const std::size_t args = w.size() - 1;
    if (name == "call") {
        if (args < 2) return "call: " + arity_error("<from> <to> [name...]", args);
        return command{cmd::call{w[1], w[2], join(w, 3)}};
    }
    if (name == "hangup") {
        if (args != 1) return "hangup: " + arity_error("<callID>", args);
        return command{cmd::hangup{w[1]}};
    }
    if (name == "do") return parse_do(w);
    if (name == "fault") return parse_fault(w);
    if (name == "unsupported") {
        if (args < 2) return "unsupported: " + arity_error("<device|*> <Service>...|none", args);
        cmd::unsupported u{w[1], {}};
        if (args == 2 && w[2] == "none") return command{std::move(u)};
        for (std::size_t i = 2; i < w.size(); ++i) {
            if (!protocol::service_index_of(w[i])) {
                return with_suggestion("unsupported: unknown service " + dq(w[i]), w[i],
                                       service_names());
            }
            u.services.push_back(w[i]);
        }
        return command{std::move(u)};
    }
    if (name == "status") {
        if (args != 0) return "status: " + arity_error("no arguments", args);
        return command{cmd::status{}};
    }
    if (name == "snapshot") {
        if (args != 1) return "snapshot: " + arity_error("<device>", args);
        return command{cmd::snapshot{w[1]}};
    }
    if (name == "help" || name == "?") return command{cmd::help{}};
    if (name == "quit" || name == "exit") {
        if (args != 0) return "quit: " + arity_error("no arguments", args);
        return command{cmd::quit{}};
    }
    return with_suggestion("unknown command " + dq(name), name, command_names());
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

// ---- parsing -----------------------------------------------------------------------------

parse_outcome parse_command(std::string_view text) {
    auto words = tokenize(text);
    if (auto* error = std::get_if<std::string>(&words)) return *error;
    return parse_words(std::get<std::vector<std::string>>(words));
}

std::optional<milliseconds> parse_time(std::string_view text) {
    std::size_t digits_end = 0;
    while (
        digits_end < text.size() &&
        (std::isdigit(static_cast<unsigned char>(text[digits_end])) || text[digits_end] == '.')) {
        ++digits_end;
    }
    const std::string_view number = text.substr(0, digits_end);
    const std::string_view unit = text.substr(digits_end);
    if (number.empty() || number.front() == '.' || number.back() == '.' ||
        std::count(number.begin(), number.end(), '.') > 1) {
        return std::nullopt;
    }
    double scale = 0;
    if (unit == "ms")
        scale = 1;
    else if (unit == "s")
        scale = 1000;
    else if (unit == "m")
        scale = 60'000;
    else if (unit == "h")
        scale = 3'600'000;
    else
        return std::nullopt;
    // strtod is locale-dependent, but the "C" locale is what the simulator runs in; std::from_chars
    // for double is not in GCC 12's libstdc++ for every target, so parse the parts by hand.
    const auto dot = number.find('.');
    const auto whole = parse_uint(number.substr(0, dot), 0, 1'000'000'000);
    if (!whole) return std::nullopt;
    double value = static_cast<double>(*whole);
    if (dot != std::string_view::npos) {
        double place = 0.1;
        for (char c : number.substr(dot + 1)) {
            value += place * (c - '0');
            place /= 10;
        }
    }
    const double ms = std::round(value * scale);
    if (ms > 1e12) return std::nullopt;
    return milliseconds(static_cast<milliseconds::rep>(ms));
}

std::string format_time(milliseconds time) {
    const auto ms = time.count();
    if (ms < 1000) return std::to_string(ms) + "ms";
    if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    std::string s = std::to_string(ms / 1000);
    if (const auto frac = ms % 1000; frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, 3 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        s += "." + f;
    }
    return s + "s";
}

scenario parse_scenario(std::string_view text) {
    scenario result;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::string prefix = "line " + std::to_string(line_no) + ": ";

        auto tokens = tokenize(line);
        if (auto* error = std::get_if<std::string>(&tokens)) {
            result.errors.push_back(prefix + *error);
            continue;
        }
        auto& words = std::get<std::vector<std::string>>(tokens);
        if (words.empty()) continue;  // blank or comment
        if (words[0] != "at") {
            const bool is_command = std::find(command_names().begin(), command_names().end(),
                                              words[0]) != command_names().end();
            result.errors.push_back(
                prefix + "expected \"at <time> <command>\"" +
                (is_command ? " (scenario lines need a time)" : ", got " + dq(words[0])));
            continue;
        }
        if (words.size() < 2) {
            result.errors.push_back(prefix + "missing time after \"at\"");
            continue;
        }
        const auto at = parse_time(words[1]);
        if (!at) {
            result.errors.push_back(prefix + "bad time " + dq(words[1]) +
                                    " (e.g. 500ms, 2s, 1.5s, 1m)");
            continue;
        }
        if (words.size() < 3) {
            result.errors.push_back(prefix + "missing command after \"at " + words[1] + "\"");
            continue;
        }
        std::vector<std::string> command_words(words.begin() + 2, words.end());
        auto parsed = parse_words(command_words);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            result.errors.push_back(prefix + *error);
            continue;
        }
        result.commands.push_back(scheduled_command{*at, std::get<command>(std::move(parsed)),
                                                    line_no, join(command_words, 0)});
    }
    std::stable_sort(result.commands.begin(), result.commands.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    return result;
}

scenario load_scenario(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        scenario s;
        s.errors.push_back(path + ": cannot open");
        return s;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto s = parse_scenario(text.str());
    for (auto& e : s.errors) e = path + ": " + e;
    return s;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
    if (word.empty()) return {};
    const std::string w = lower(word);
    const std::size_t limit = w.size() <= 4 ? 1 : (w.size() <= 10 ? 2 : 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (auto c : candidates) {
        const std::string lc = lower(c);
        std::size_t d = edit_distance(w, lc);
        // An unambiguous abbreviation ("snap", "--list") is as good as a typo.
        if (w.size() >= 3 && lc.starts_with(w)) d = std::min<std::size_t>(d, 1);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(c);
        }
    }
    return best;
}

std::string help_text() {
    return R"(Commands (console: as written; scenario files: "at <time> <command>", time like 500ms, 2s, 1.5s, 1m):
  call <from> <to> [name]   an outside number calls <to>, with its name if given (callingName),
                            and the callID is printed; an internal <from> dials <to> from its
                            phone instead
  hangup <callID>           the outside party of the call hangs up; hangup @<device> means
                            the call at <device> (scenario files cannot know callIDs)
  do <device> <action>      something done at the phone itself: offhook, onhook, answer, hold,
                            retrieve, dial <number>, dtmf <digits>, press <button>
  fault drop                drop every connection abruptly (no close handshake)
  fault heartbeats off|on   stop / resume answering and sending heartbeats
  fault delay <ms>          delay every response (and its events) by <ms>; 0 turns it off
  fault malformed <n>       send <n> malformed frames to every session
  fault refuse <Service> <category> <value> [count]
                            answer the next [count] (default 1) <Service> requests with the
                            CSTA error <category>/<value>, e.g. fault refuse MakeCall operation generic
  fault reorder on|off      reorder events of different calls within each burst
  fault gap                 skip one event sequence number on every session
  fault status <status>     send systemStatus <status> (e.g. disabled, normal, messagesLost)
  fault restart             restart the switch: calls, monitors and settings lost, new instance id
  unsupported <device|*> <Service>...|none
                            the switch refuses these services for <device> (* = all) and says so
                            in MonitorStart results (clients learn it when they next monitor)
  status                    calls, monitors, sessions, frames and events
  snapshot <device>         the device's connections
  help                      this text
  quit                      stop the simulator
)";
}

}  // namespace ctigw::pbxsim
