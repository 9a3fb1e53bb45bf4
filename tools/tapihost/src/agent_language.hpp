// The call-centre part of the scenario language (docs/tapihost.md "Agents"): the TAPI agent
// functions as statements, the LINEPROXYREQUESTs TAPISRV would build for them, what their answers
// return as FIELD=value texts, and the agent expectations. Internal to the host.
//
// Thread safety: pure functions and plain data; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost::agent {

/// An agent statement: its verb, the TAPI function and the LINEPROXYREQUEST_ type it becomes.
struct verb_info {
    std::string_view verb;
    std::string_view tapi;
    DWORD type;
};
/// nullptr when `verb` is not an agent statement.
const verb_info* find_verb(std::string_view verb);
/// The op_specs of the agent statements (appended to op_specs()).
const std::vector<op_spec>& op_specs();
/// Verb-specific checks of a parsed agent statement (state names, numbers); the error or nullopt.
std::optional<std::string> check_op(const op_stmt& op);

/// Which TAPI state family a name belongs to.
enum class state_kind { agent, agent_ex, session };
std::optional<std::uint32_t> state_value(state_kind k, std::string_view name);
std::string state_name(state_kind k, std::uint32_t value);

/// Parses the agent expectations: `expect <line> agentstatus|agentstatusex|sessionstatus
/// [STATE]`, `expect <line> queuestatus|groupstatus [BITS]` and `expect result <verb|last>
/// FIELD=value ...`. nullopt when w is none of them (ex untouched); else "" or an error text.
std::optional<std::string> parse_expect(expect_stmt& ex, const std::vector<std::string>& w);
/// Whether a proxy event matches an agent_event target (value = message, mode = state/bits).
bool event_matches(std::uint32_t msg, std::optional<std::uint32_t> want, DWORD_PTR p1, DWORD_PTR p2,
                   DWORD_PTR p3);
/// The name of what an agent_event expectation wants (a state, or status bits) of message `msg`.
std::string value_name(DWORD msg, std::uint32_t value);
/// `LINE_AGENTSTATUS` p1..p3 in words (the log line after the message name).
std::string describe_event(DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);

using guid_bytes = std::array<unsigned char, 16>;

/// What the application has learnt from earlier answers, so that statements name things the
/// way people do: groups and queues by name (lineGetGroupList, lineGetQueueList), activities by
/// name (lineGetAgentActivityList), agents and sessions by the `as` name of their creation.
/// Keys are lower case.
struct app_names {
    std::map<std::string, guid_bytes> groups;
    std::map<std::string, DWORD> queues, activities, agents, sessions;
};

/// The LINEPROXYREQUEST TAPISRV builds for `op` (with room for what it returns). `line_name`
/// gives the name of a line token (`8000` → `Sales`), or nullopt. nullopt with `error` when a
/// name is not known yet.
std::optional<std::vector<unsigned char>> build_request(
    const op_stmt& op, const app_names& names,
    const std::function<std::optional<std::string>(const std::string&)>& line_name,
    std::string* error);

/// What an answered request returned, as lower-case field → text (docs/tapihost.md lists the
/// fields per function); learns groups, queues, activities and, with the statement's `as` name,
/// the new agent or session.
std::map<std::string, std::string> read_result(const std::vector<unsigned char>& request,
                                               const op_stmt& op, app_names& names);

}  // namespace ctigw::tapihost::agent
