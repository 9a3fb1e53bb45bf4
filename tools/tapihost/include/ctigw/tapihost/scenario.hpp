/**
 * @file
 * The scenario language of ctigw-tapihost (docs/tapihost.md): one statement per line,
 * operations on lines/calls/phones, expectations on the events that follow, `wait`, `sim`,
 * `echo`, `# comments`. The console reads the same statements.
 *
 * Thread safety: pure; any thread.
 */
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tapihost {

/// Splits a statement into words: blanks separate, `"..."` quotes (with \" and \\), `#` outside
/// quotes starts a comment. nullopt (with `error` set) on an unterminated quote.
std::optional<std::vector<std::string>> split_words(std::string_view text, std::string* error);

/// `500ms`, `2s`, `1.5s`, `1m`; nullopt when not a time.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// What an argument of an operation is.
enum class arg_kind {
    line,     ///< a line/phone: extension, or `#<device id>`
    call,     ///< a call name defined earlier with `as`
    text,     ///< any word (number, digits, group...)
    keyword,  ///< one of a fixed set of words
    rest,     ///< the rest of the statement as one text (may be empty)
};

/// One operation verb of the language.
struct op_spec {
    std::string_view verb;
    std::string_view tspi;  ///< TSPI function it calls ("lineMakeCall"), for completions
    std::vector<arg_kind> args;
    std::size_t required;  ///< how many of args are mandatory
    std::size_t names;     ///< how many `as` names it takes (new calls it creates)
    std::vector<std::string_view> keywords;  ///< for the (single) keyword argument
    std::string_view usage;
    std::string_view help;
};
/// Every operation verb (`call` and `makecall` are the same operation).
const std::vector<op_spec>& op_specs();
const op_spec* find_op(std::string_view verb);

/// An operation: `call 2001 2002 as c1`.
struct op_stmt {
    std::string verb;  ///< canonical verb ("makecall" becomes "call")
    std::vector<std::string> args;
    std::vector<std::string> names;  ///< from `as`
};

/// What an expectation waits for.
enum class expect_kind {
    call_state,     ///< expect <line> <call> <STATE> [<mode>|<parent call>]
    call_info,      ///< expect <line> <call> callinfo FIELD[|FIELD]  (a LINE_CALLINFO event)
    call_values,    ///< expect <line> <call> callinfo FIELD=value ... (LINECALLINFO contents)
    digit,          ///< expect <line> <call> digit <d>               (LINE_MONITORDIGITS)
    generate,       ///< expect <line> <call> generate done|cancel    (LINE_GENERATE)
    newcall,        ///< expect <line> newcall [as <name>]
    dev_state,      ///< expect <line> devstate STATE[|STATE]
    in_service,     ///< expect <line> inservice  (LINEDEVSTATUS polled: INSERVICE flag)
    features,       ///< expect <line> [<call>] features <where> has|lacks F[|F] (polled)
    address_state,  ///< expect <line> addressstate STATE[|STATE]
    line_message,   ///< expect <line> event LINE_X
    completion,     ///< expect completion <op|last> ok|LINEERR_X
    phone_state,    ///< expect phone <ext> state STATE[|STATE]
    phone_button,   ///< expect phone <ext> button <id> [BUTTONSTATE]
    agent_event,    ///< expect <line> agentstatus|agentstatusex|sessionstatus|queuestatus|...
    agent_result,   ///< expect result <agent verb|last> field=value ...
};

struct expect_stmt {
    expect_kind kind = expect_kind::call_state;
    std::string device;                 ///< line or phone
    std::string call;                   ///< call name
    std::uint32_t value = 0;            ///< state / bits / message / digit / button id / term
    std::optional<std::uint32_t> mode;  ///< call-state mode, button state
    std::string parent;                 ///< CONFERENCED: parent call name
    std::vector<std::pair<std::string, std::string>> fields;  ///< call_values (FIELD upper case)
    std::string op;          ///< completion: verb, TSPI name, or "last"; agent_result: verb|last
    LONG result = 0;         ///< completion
    std::vector<LONG> also;  ///< completion: other accepted results (`A|B`)
    std::string bind;        ///< newcall: the name to give the call
    std::string where;       ///< features: devcaps, addresscaps, ..., callstatus
    bool lacks = false;      ///< features: the bits must all be absent (else present)
    std::optional<std::chrono::milliseconds> within;
};

struct wait_stmt {
    std::chrono::milliseconds duration{0};
};
/// `sim <command>`: handed verbatim to the in-process simulator.
struct sim_stmt {
    std::string command;
};
/// `echo <text>`: printed.
struct echo_stmt {
    std::string text;
};
/// `shell <command>`: run by the system's shell (live tests drive real phones with it); a
/// non-zero exit status is a mismatch.
struct shell_stmt {
    std::string command;
};
/// `acdgroup <ext> <name> [agents <ext>,...] [wrapup <time>] [queue|routepoint]` and
/// `reasons <code>=<name> ...`: the in-process simulator's ACD groups and not-ready reasons, and
/// the roles of those lines in the TSP's config (--sim; a scenario states them before it runs).
struct acd_group_decl {
    std::string extension;
    std::string name;
    std::vector<std::string> agents;  ///< empty: none named (the simulator lets every station in)
    std::optional<std::chrono::milliseconds> wrapup;
    std::string role = "acdGroup";  ///< the line's role in the TSP's config
};
struct setup_stmt {
    std::optional<acd_group_decl> group;
    std::vector<std::pair<std::string, std::string>> reasons;
};
/// Console-only words: `help`, `quit`, `status`, `lines`, `calls`.
struct console_stmt {
    std::string word;
};

struct statement {
    std::size_t line = 0;  ///< 1-based line in the file (0: console)
    std::string text;      ///< as written, trimmed
    std::variant<op_stmt, expect_stmt, wait_stmt, sim_stmt, echo_stmt, shell_stmt, console_stmt,
                 setup_stmt>
        body;
};

/// The LINECALLINFO fields `callinfo FIELD=value` can check.
const std::vector<std::string_view>& call_info_value_fields();

/// Parses statements one by one, remembering the call names defined so far.
class statement_parser {
  public:
    /// Parses one line; nullopt for blank/comment lines. Throws nothing; errors in `error`.
    /// On error, returns nullopt and sets `*error` (without a line number).
    std::optional<statement> parse(std::string_view text, std::string* error);
    /// Names defined so far (by `as`), in definition order.
    const std::vector<std::string>& names() const { return names_; }
    /// Adds a name (the console defines `call#N` names for calls it did not name).
    void define(const std::string& name);
    bool known(const std::string& name) const;

  private:
    struct word_entry;
    /// The statements other than operations, by their first word (scenario.cpp).
    static const std::vector<word_entry>& words();
    /// `unknown statement "x"`, with the statements it is near to (did you mean), else all.
    static std::string unknown_statement(const std::string& word);
    std::optional<statement> parse_op(const std::vector<std::string>& w, std::string* error);
    std::optional<statement> parse_expect(const std::vector<std::string>& w, std::string* error);
    /// `acdgroup ...`, `reasons ...` (acd_setup.cpp).
    std::optional<statement> parse_setup(const std::vector<std::string>& w, std::string* error);
    bool define_new(const std::string& name, std::string* error);
    std::vector<std::string> names_;
};

/// An error of a scenario file: where, and what is wrong.
struct scenario_error {
    std::size_t line = 0;  ///< 1-based; 0: the file as a whole
    std::string message;
    /// `line N: message` (just the message for line 0).
    std::string text() const;
    /// `file:N: message` (`file: message` for line 0), as compilers print them.
    std::string located(const std::string& file) const;
};

/// A parsed scenario file.
struct scenario {
    std::vector<statement> statements;
    /// Every error, in line order. A statement that fails still defines the names it gives with
    /// `as`, so that their later uses are not reported again.
    std::vector<scenario_error> errors;
    bool ok() const { return errors.empty(); }
    /// Every line/phone extension the scenario names (for the simulator's configuration).
    std::set<std::string> extensions() const;
    /// The `acdgroup` and `reasons` statements, merged.
    std::vector<acd_group_decl> acd_groups() const;
    std::vector<std::pair<std::string, std::string>> reasons() const;
};

scenario parse_scenario(std::string_view text);
/// Reads and parses a file; an unreadable file is reported in `errors`.
scenario load_scenario(const std::string& path);

/// The statement reference printed by `help` and --help.
std::string language_help();

}  // namespace ctigw::tapihost
