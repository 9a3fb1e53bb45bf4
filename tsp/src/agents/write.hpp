// The agent structures TAPI reads (LINEAGENTCAPS, LINEAGENTSTATUS, lists, LINEAGENTINFO,
// LINEAGENTSESSIONINFO, LINEQUEUEINFO) written by the var_writer rules (varstruct.hpp), and the
// few things read from a request (group lists, strings). Entry strings of a list are offsets from
// the start of the structure being written (the list, or LINEAGENTSTATUS), like every TAPI
// variable field.
//
// Threading: the writers read the agent model: provider lock held.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/agents.hpp"

namespace ctigw::tsp::agents {

bool same_guid(const GUID& a, const GUID& b);
bool is_null_guid(const GUID& g);
/// Now as an OLE automation DATE (days since 1899-12-30, UTC).
double ole_date_now();

/// States lineSetAgentState may ask for (0 = unchanged), and next states.
bool settable_state(DWORD state);
bool settable_next_state(DWORD state);

/// One entry of a LINEAGENTGROUPLIST that an application sent.
struct group_entry {
    GUID id{};
    std::string name;
};
/// The entries of a LINEAGENTGROUPLIST of at most `limit` bytes (its dwTotalSize must fit):
/// nullopt when it is malformed or has more than `max_entries` entries.
std::optional<std::vector<group_entry>> read_group_list(const LINEAGENTGROUPLIST* list,
                                                        std::uint32_t limit, DWORD max_entries);
/// A string field of the request (offsets from its start, past its `fixed` part, bounded by its
/// dwSize, which the caller checked against the buffer): nullopt when it lies outside; an absent
/// field is empty.
std::optional<std::string> read_text(const LINEPROXYREQUEST* req, std::uint32_t fixed, DWORD size,
                                     DWORD offset);

void write_agent_caps(locked_provider& p, LINEAGENTCAPS* caps, DWORD app_version);
void write_agent_status(locked_provider& p, const address_agent& a, LINEAGENTSTATUS* status);
void write_activity_list(locked_provider& p, LINEAGENTACTIVITYLIST* list);
/// The groups an agent at a station may log on to (the configured ACD groups, then any other
/// group it is in), or every configured group when `a` is null (lineGetGroupList).
void write_group_list(locked_provider& p, const address_agent* a, LINEAGENTGROUPLIST* list);
void write_agent_info(locked_provider& p, DWORD agent, LINEAGENTINFO* info);
void write_session_list(locked_provider& p, DWORD agent, LINEAGENTSESSIONLIST* list);
void write_session_info(locked_provider& p, DWORD session, LINEAGENTSESSIONINFO* info);
void write_queue_list(const line& group, LINEQUEUELIST* list);
void write_queue_info(locked_provider& p, const line& queue,
                      const protocol::svc::get_queue_statistics::result& r, LINEQUEUEINFO* info);

}  // namespace ctigw::tsp::agents
