// Writing the agent structures (agents/write.hpp).
#include "agents/write.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>

#include "ctigw/tsp/varstruct.hpp"
#include "devices/devices.hpp"

namespace ctigw::tsp::agents {

namespace {

/// Every state an address may report, and the next states lineSetAgentState takes.
constexpr DWORD all_states = LINEAGENTSTATE_LOGGEDOFF | LINEAGENTSTATE_NOTREADY |
                             LINEAGENTSTATE_READY | LINEAGENTSTATE_BUSYACD |
                             LINEAGENTSTATE_WORKINGAFTERCALL;
constexpr DWORD next_states =
    LINEAGENTSTATE_NOTREADY | LINEAGENTSTATE_READY | LINEAGENTSTATE_WORKINGAFTERCALL;
constexpr DWORD features = LINEAGENTFEATURE_SETAGENTGROUP | LINEAGENTFEATURE_SETAGENTSTATE |
                           LINEAGENTFEATURE_SETAGENTACTIVITY |
                           LINEAGENTFEATURE_GETAGENTACTIVITYLIST | LINEAGENTFEATURE_GETAGENTGROUP;
constexpr DWORD status_messages = LINEAGENTSTATUS_GROUP | LINEAGENTSTATUS_STATE |
                                  LINEAGENTSTATUS_NEXTSTATE | LINEAGENTSTATUS_ACTIVITY |
                                  LINEAGENTSTATUS_VALIDSTATES | LINEAGENTSTATUS_VALIDNEXTSTATES;

GUID handler_guid() {
    return permanent_guid("agenthandler", "ctigw");
}

void put_guid(LINEAGENTGROUPENTRY& e, const GUID& g) {
    static_assert(sizeof(e.GroupID) == sizeof(GUID));
    std::memcpy(&e.GroupID, &g, sizeof g);
}

/// Appends `entries` (fixed-size TAPI entries) followed by their names as one block placed at
/// the first free offset, and sets the list's Size/Offset pair to the entries. Names get offsets
/// from the start of the structure `w` writes.
template <class T, class E>
void put_list(var_writer<T>& w, DWORD T::*size_member, DWORD T::*offset_member,
              std::vector<E> entries, const std::vector<std::string>& names, DWORD E::*name_size,
              DWORD E::*name_offset) {
    if (entries.empty()) return;
    const std::uint32_t at = (w.fixed_part() + 3u) & ~3u;  // the first appended field goes here
    const std::size_t entries_size = entries.size() * sizeof(E);
    std::vector<unsigned char> strings;
    for (std::size_t i = 0; i < entries.size() && i < names.size(); ++i) {
        if (name_size == nullptr) break;
        while ((entries_size + strings.size()) % 4 != 0) strings.push_back(0);
        const std::u16string text = utf8_to_utf16(names[i]) + u'\0';
        entries[i].*name_offset = static_cast<DWORD>(at + entries_size + strings.size());
        entries[i].*name_size = static_cast<DWORD>(text.size() * sizeof(char16_t));
        const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
        strings.insert(strings.end(), bytes, bytes + text.size() * sizeof(char16_t));
    }
    std::vector<unsigned char> block(entries_size);
    std::memcpy(block.data(), entries.data(), entries_size);
    block.insert(block.end(), strings.begin(), strings.end());
    const std::uint32_t off = w.append(block.data(), block.size());
    if (off != 0) {
        w.set(size_member, static_cast<DWORD>(entries_size));
        w.set(offset_member, off);
    }
}

/// The groups to list, with their names.
struct named_group {
    std::string device;
    std::string name;
};

std::vector<named_group> groups_for(locked_provider& p, const address_agent* a, bool only_member) {
    std::vector<named_group> out;
    auto add = [&](const std::string& device, const std::string& name) {
        for (const auto& g : out) {
            if (g.device == device) return;
        }
        out.push_back({device, name});
    };
    if (!only_member) {
        for (const auto& g : group_lines(p)) add(g->extension, g->name);
    }
    if (a != nullptr) {
        for (const auto& [g, m] : a->groups) {
            auto it = p.line_by_extension_.find(g);
            add(g, it != p.line_by_extension_.end() ? it->second->name : g);
        }
    }
    return out;
}

template <class T>
void put_group_entries(var_writer<T>& w, DWORD T::*size_member, DWORD T::*offset_member,
                       DWORD T::*count_member, const std::vector<named_group>& groups) {
    std::vector<LINEAGENTGROUPENTRY> entries(groups.size());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        put_guid(entries[i], group_guid(groups[i].device));
        names.push_back(groups[i].name);
    }
    w.set(count_member, static_cast<DWORD>(groups.size()));
    put_list(w, size_member, offset_member, std::move(entries), names,
             &LINEAGENTGROUPENTRY::dwNameSize, &LINEAGENTGROUPENTRY::dwNameOffset);
}

DWORD seconds(DWORD ms) {
    return ms / 1000;
}

}  // namespace

bool same_guid(const GUID& a, const GUID& b) {
    return std::memcmp(&a, &b, sizeof(GUID)) == 0;
}

bool is_null_guid(const GUID& g) {
    GUID zero{};
    return same_guid(g, zero);
}

double ole_date_now() {
    using namespace std::chrono;
    // 25569 days from 1899-12-30 to 1970-01-01.
    const auto since_epoch = duration<double>(system_clock::now().time_since_epoch()).count();
    return 25569.0 + since_epoch / 86400.0;
}

bool settable_state(DWORD s) {
    return s == 0 || s == LINEAGENTSTATE_LOGGEDOFF || s == LINEAGENTSTATE_NOTREADY ||
           s == LINEAGENTSTATE_READY || s == LINEAGENTSTATE_WORKINGAFTERCALL;
}

bool settable_next_state(DWORD s) {
    return s == 0 || ((s & next_states) == s && std::has_single_bit(s));
}

std::optional<std::vector<group_entry>> read_group_list(const LINEAGENTGROUPLIST* list,
                                                        std::uint32_t limit, DWORD max_entries) {
    LINEAGENTGROUPLIST head{};
    std::memcpy(&head, list, sizeof head);
    if (head.dwTotalSize < sizeof head || head.dwTotalSize > limit) return std::nullopt;
    if (head.dwNumEntries > max_entries) return std::nullopt;
    std::vector<group_entry> out;
    if (head.dwNumEntries == 0) return out;
    const std::uint64_t need = std::uint64_t{head.dwNumEntries} * sizeof(LINEAGENTGROUPENTRY);
    if (head.dwListSize < need) return std::nullopt;
    auto field = read_var_field(list, sizeof head, head.dwListSize, head.dwListOffset);
    if (!field) return std::nullopt;
    for (DWORD i = 0; i < head.dwNumEntries; ++i) {
        LINEAGENTGROUPENTRY e{};
        std::memcpy(&e, field->data() + i * sizeof e, sizeof e);
        auto name = read_var_string(list, sizeof head, e.dwNameSize, e.dwNameOffset);
        if (!name) return std::nullopt;
        group_entry g;
        std::memcpy(&g.id, &e.GroupID, sizeof g.id);
        g.name = utf16_to_utf8(*name);
        out.push_back(std::move(g));
    }
    return out;
}

std::optional<std::string> read_text(const LINEPROXYREQUEST* req, std::uint32_t fixed, DWORD size,
                                     DWORD offset) {
    auto text = read_var_string(req, fixed, size, offset);
    if (!text) return std::nullopt;
    return utf16_to_utf8(*text);
}

void write_agent_caps(locked_provider& p, LINEAGENTCAPS* caps, DWORD app_version) {
    // ProxyGUID exists from TAPI 2.2 on.
    const std::uint32_t fixed = app_version < tapi_version_2_2
                                    ? static_cast<std::uint32_t>(offsetof(LINEAGENTCAPS, ProxyGUID))
                                    : static_cast<std::uint32_t>(sizeof(LINEAGENTCAPS));
    var_writer<LINEAGENTCAPS> w(caps, fixed);
    if (!w.fits_fixed()) return;
    using C = LINEAGENTCAPS;
    w.put_string_utf8(&C::dwAgentHandlerInfoSize, &C::dwAgentHandlerInfoOffset,
                      "ctigw agent handler");
    w.set(&C::dwCapsVersion, app_version);
    w.set(&C::dwFeatures, features);
    w.set(&C::dwStates, all_states);
    w.set(&C::dwNextStates, next_states);
    w.set(&C::dwMaxNumGroupEntries,
          static_cast<DWORD>(std::max<std::size_t>(1, group_lines(p).size())));
    w.set(&C::dwAgentStatusMessages, status_messages);
    w.set(&C::dwNumAgentExtensionIDs, 0);
    w.set(&C::ProxyGUID, handler_guid());
    w.finish();
}

void write_agent_status(locked_provider& p, const address_agent& a, LINEAGENTSTATUS* status) {
    var_writer<LINEAGENTSTATUS> w(status, sizeof(LINEAGENTSTATUS));
    if (!w.fits_fixed()) return;
    using S = LINEAGENTSTATUS;
    put_group_entries(w, &S::dwGroupListSize, &S::dwGroupListOffset, &S::dwNumEntries,
                      groups_for(p, &a, true));
    const DWORD state = tapi_state(a);
    w.set(&S::dwState, state);
    w.set(&S::dwNextState, tapi_next_state(a));
    const DWORD activity = activity_of(p, a);
    w.set(&S::dwActivityID, activity);
    const auto& reasons = of(p).reasons;
    if (activity != 0 && activity <= reasons.size()) {
        const auto& r = reasons[activity - 1];
        w.put_string_utf8(&S::dwActivitySize, &S::dwActivityOffset, r.name.value_or(r.code));
    }
    const bool on = state != LINEAGENTSTATE_LOGGEDOFF;
    w.set(&S::dwAgentFeatures,
          on ? features
             : DWORD{LINEAGENTFEATURE_SETAGENTGROUP | LINEAGENTFEATURE_GETAGENTACTIVITYLIST |
                     LINEAGENTFEATURE_GETAGENTGROUP});
    // Logged on, any state may be asked for (the switch defers it while busy); logged off, only
    // lineSetAgentGroup logs on.
    w.set(&S::dwValidStates, on ? DWORD{LINEAGENTSTATE_LOGGEDOFF | LINEAGENTSTATE_NOTREADY |
                                        LINEAGENTSTATE_READY | LINEAGENTSTATE_WORKINGAFTERCALL}
                                : DWORD{0});
    w.set(&S::dwValidNextStates, on ? next_states : DWORD{0});
    w.finish();
}

void write_activity_list(locked_provider& p, LINEAGENTACTIVITYLIST* list) {
    var_writer<LINEAGENTACTIVITYLIST> w(list, sizeof(LINEAGENTACTIVITYLIST));
    if (!w.fits_fixed()) return;
    const auto& reasons = of(p).reasons;
    std::vector<LINEAGENTACTIVITYENTRY> entries(reasons.size());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        entries[i].dwID = static_cast<DWORD>(i + 1);
        names.push_back(reasons[i].name.value_or(reasons[i].code));
    }
    w.set(&LINEAGENTACTIVITYLIST::dwNumEntries, static_cast<DWORD>(entries.size()));
    put_list(w, &LINEAGENTACTIVITYLIST::dwListSize, &LINEAGENTACTIVITYLIST::dwListOffset,
             std::move(entries), names, &LINEAGENTACTIVITYENTRY::dwNameSize,
             &LINEAGENTACTIVITYENTRY::dwNameOffset);
    w.finish();
}

void write_group_list(locked_provider& p, const address_agent* a, LINEAGENTGROUPLIST* list) {
    var_writer<LINEAGENTGROUPLIST> w(list, sizeof(LINEAGENTGROUPLIST));
    if (!w.fits_fixed()) return;
    using L = LINEAGENTGROUPLIST;
    put_group_entries(w, &L::dwListSize, &L::dwListOffset, &L::dwNumEntries,
                      groups_for(p, a, false));
    w.finish();
}

void write_agent_info(locked_provider& p, DWORD agent, LINEAGENTINFO* info) {
    var_writer<LINEAGENTINFO> w(info, sizeof(LINEAGENTINFO));
    if (!w.fits_fixed()) return;
    auto& c = of(p);
    const auto& a = c.agents.at(agent);
    DWORD calls = 0, talk = 0, wrapup = 0;
    for (const auto& [h, s] : c.sessions) {
        if (s.agent != agent) continue;
        calls += s.calls;
        talk += s.talk_ms;
        wrapup += s.wrapup_ms;
    }
    using I = LINEAGENTINFO;
    w.set(&I::dwAgentState, agent_state_ex(p, agent));
    w.set(&I::dwNextAgentState, 0);
    w.set(&I::dwMeasurementPeriod, a.measurement_period);
    w.set(&I::dwNumberOfACDCalls, calls);
    w.set(&I::dwTotalACDTalkTime, seconds(talk));
    w.set(&I::dwTotalACDCallTime, seconds(talk + wrapup));
    w.set(&I::dwTotalACDWrapUpTime, seconds(wrapup));
    w.finish();
}

void write_session_list(locked_provider& p, DWORD agent, LINEAGENTSESSIONLIST* list) {
    var_writer<LINEAGENTSESSIONLIST> w(list, sizeof(LINEAGENTSESSIONLIST));
    if (!w.fits_fixed()) return;
    std::vector<LINEAGENTSESSIONENTRY> entries;
    for (const auto& [h, s] : of(p).sessions) {
        if (s.agent != agent) continue;
        LINEAGENTSESSIONENTRY e{};
        e.hAgentSession = h;
        e.hAgent = agent;
        e.GroupID = group_guid(s.group);
        e.dwWorkingAddressID = 0;
        entries.push_back(e);
    }
    using L = LINEAGENTSESSIONLIST;
    w.set(&L::dwNumEntries, static_cast<DWORD>(entries.size()));
    put_list<L, LINEAGENTSESSIONENTRY>(w, &L::dwListSize, &L::dwListOffset, std::move(entries), {},
                                       nullptr, nullptr);
    w.finish();
}

void write_session_info(locked_provider& p, DWORD session, LINEAGENTSESSIONINFO* info) {
    var_writer<LINEAGENTSESSIONINFO> w(info, sizeof(LINEAGENTSESSIONINFO));
    if (!w.fits_fixed()) return;
    const auto& s = of(p).sessions.at(session);
    const DWORD now = p.env_.tick_count ? p.env_.tick_count() : 0;
    // A call or wrap-up in progress counts up to now.
    DWORD talk = s.talk_ms + (s.busy_since ? now - *s.busy_since : 0);
    DWORD wrapup = s.wrapup_ms + (s.wrapup_since ? now - *s.wrapup_since : 0);
    const DWORD calls = s.calls;
    using I = LINEAGENTSESSIONINFO;
    w.set(&I::dwAgentSessionState, s.state);
    w.set(&I::dwNextAgentSessionState, s.next_state);
    w.set(&I::dateSessionStartTime, s.start_date);
    w.set(&I::dwSessionDuration, seconds(now - s.start_tick));
    w.set(&I::dwNumberOfCalls, calls);
    w.set(&I::dwTotalTalkTime, seconds(talk));
    w.set(&I::dwAverageTalkTime, calls == 0 ? 0 : seconds(talk) / calls);
    w.set(&I::dwTotalCallTime, seconds(talk + wrapup));
    w.set(&I::dwAverageCallTime, calls == 0 ? 0 : seconds(talk + wrapup) / calls);
    w.set(&I::dwTotalWrapUpTime, seconds(wrapup));
    w.set(&I::dwAverageWrapUpTime, calls == 0 ? 0 : seconds(wrapup) / calls);
    w.finish();
}

void write_queue_list(const line& group, LINEQUEUELIST* list) {
    var_writer<LINEQUEUELIST> w(list, sizeof(LINEQUEUELIST));
    if (!w.fits_fixed()) return;
    std::vector<LINEQUEUEENTRY> entries(1);
    entries[0].dwQueueID = group.permanent_id;
    w.set(&LINEQUEUELIST::dwNumEntries, 1);
    put_list(w, &LINEQUEUELIST::dwListSize, &LINEQUEUELIST::dwListOffset, std::move(entries),
             {group.name}, &LINEQUEUEENTRY::dwNameSize, &LINEQUEUEENTRY::dwNameOffset);
    w.finish();
}

void write_queue_info(locked_provider& p, const line& queue,
                      const protocol::svc::get_queue_statistics::result& r, LINEQUEUEINFO* info) {
    var_writer<LINEQUEUEINFO> w(info, sizeof(LINEQUEUEINFO));
    if (!w.fits_fixed()) return;
    auto& c = of(p);
    DWORD& longest = c.longest_ever_wait[queue.extension];
    longest = std::max<DWORD>(longest, r.longest_wait_seconds);
    auto period = c.queue_periods.find(queue.extension);
    using Q = LINEQUEUEINFO;
    w.set(&Q::dwMeasurementPeriod, period == c.queue_periods.end() ? DWORD{0} : period->second);
    w.set(&Q::dwTotalCallsQueued, r.calls_completed + r.calls_abandoned + r.calls_waiting);
    w.set(&Q::dwCurrentCallsQueued, r.calls_waiting);
    w.set(&Q::dwTotalCallsAbandoned, r.calls_abandoned);
    w.set(&Q::dwLongestEverWaitTime, longest);
    w.set(&Q::dwCurrentLongestWaitTime, r.longest_wait_seconds);
    w.set(&Q::dwAverageWaitTime, r.average_wait_seconds.value_or(0));
    w.finish();
}

}  // namespace ctigw::tsp::agents
