// The agent model and the agent extension (tsp/src/agents*.cpp): LINEPROXYREQUESTs as the proxy
// forwards them through TSPI_lineDevSpecific, the switch played by the fake link.
#include <gtest/gtest.h>

#include "agents.hpp"
#include "agents_write.hpp"
#include "calls.hpp"
#include "ctigw/tsp/agent_extension.hpp"
#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {
namespace {

namespace sv = protocol::svc;
namespace ev = protocol::evt;
using protocol::agent_state;
using protocol::requested_agent_state;

const char* agents_config = R"({
  "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
  "devices": {
    "lines": ["2001", "2002",
              { "extension": "8000", "name": "Sales", "options": { "role": "acdGroup" } },
              { "extension": "8100", "name": "IVR", "options": { "role": "routePoint" } }]
  }
})";

/// Where the group entries start in agents_config (a reload test inserts another before them).
std::size_t agents_config_groups_at() {
    return std::string_view(agents_config).find("{ \"extension\": \"8000\"");
}

const HTAPILINE ht_agent = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x2001});
const HTAPILINE ht_group = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x8000});

/// lpParams of an agent request: the header, then a LINEPROXYREQUEST with `extra` bytes of room.
struct agent_buffer {
    std::vector<unsigned char> bytes;
    explicit agent_buffer(DWORD type, DWORD extra = 1024, DWORD app_version = v31)
        : bytes(sizeof(agent_request_header) + sizeof(LINEPROXYREQUEST) + extra, 0) {
        agent_request_header h{agent_request_magic, agent_ext_version, 0, 0};
        std::memcpy(bytes.data(), &h, sizeof h);
        req().dwSize = static_cast<DWORD>(sizeof(LINEPROXYREQUEST) + extra);
        req().dwClientAppAPIVersion = app_version;
        req().dwRequestType = type;
    }
    LINEPROXYREQUEST& req() {
        return *reinterpret_cast<LINEPROXYREQUEST*>(bytes.data() + sizeof(agent_request_header));
    }
    /// Sets the dwTotalSize of the returned structure at `member` to the room left.
    template <class T>
    T* inner(T* member) {
        const auto off =
            reinterpret_cast<unsigned char*>(member) - reinterpret_cast<unsigned char*>(&req());
        const DWORD total = req().dwSize - static_cast<DWORD>(off);
        std::memcpy(member, &total, sizeof total);
        return member;
    }
    DWORD size() const { return static_cast<DWORD>(bytes.size()); }
};

/// Reads a string at Size/Offset of a structure.
std::string text_at(const void* base, DWORD size, DWORD offset) {
    if (size < 2) return {};
    std::u16string s(size / 2 - 1, u'\0');
    std::memcpy(s.data(), static_cast<const unsigned char*>(base) + offset, s.size() * 2);
    return utf16_to_utf8(s);
}

class agents_fixture : public devices_fixture {
  protected:
    HDRVLINE agent_line = nullptr, group_line = nullptr;

    void SetUp() override {
        devices_fixture::SetUp();
        config_text = agents_config;
        start();
        link->mutable_figures().protocol_version = 2;
        go_live();
        agent_line = open_line(0, v31, ht_agent);
        group_line = open_line(2, v31, ht_group);
        answer_all_queries();
        recorder::clear();
    }

    LONG send(agent_buffer& b, HDRVLINE hd = nullptr, DWORD address = 0) {
        const auto id = new_request();
        return track(id, agents::dev_specific(st(), id, hd ? hd : agent_line, address, nullptr,
                                              b.bytes.data(), b.size()));
    }
    DRV_REQUESTID last_id() const { return next_request - 1; }
    void clear_line_msgs() {
        drain();
        std::lock_guard lock(recorder::mutex);
        recorder::lines.clear();
    }
    /// Sends a request that must be accepted (pending: it returned its request id).
    void go(agent_buffer& b) {
        const LONG rc = send(b);
        ASSERT_EQ(rc, static_cast<LONG>(last_id()));
    }

    /// The pending request i as service S's params (null if it is another service).
    template <class S>
    const typename S::params* sent(std::size_t i = 0) {
        return pending_as<typename S::params>(i);
    }
    void reply_agent_state(std::vector<protocol::agent_group_state> states = {}) {
        sv::get_agent_state::result r;
        r.agent_states = std::move(states);
        r.reasons = {{"10", std::string("Lunch")}, {"20", std::string("Meeting")}};
        link->complete_next(result_of<sv::get_agent_state>(r));
        drain();
    }
    void reply_ok() {
        link->complete_next(result_of<sv::set_agent_state>({}));
        drain();
    }
    template <class E>
    void agent_event(E e, const std::string& device = "2001", std::string group = "8000") {
        e.agent_device = "2001";
        e.acd_group = std::move(group);
        e.agent_id = "4711";
        link->push_event(device, event_of(std::move(e)));
        drain();
    }
    /// Agent events the TSP sent on a line, decoded.
    std::vector<agent_event_params> agent_events(HTAPILINE ht, DWORD message = 0) {
        std::vector<agent_event_params> out;
        for (const auto& m : line_msgs(LINE_DEVSPECIFIC)) {
            auto e = decode_agent_event(m.p1, m.p2, m.p3);
            if (m.ht == ht && e && (message == 0 || e->message == message)) out.push_back(*e);
        }
        return out;
    }
    /// Logs the agent on to Sales the TAPI 2.1 way (first request reads the state).
    void log_on_21() {
        agent_buffer b(LINEPROXYREQUEST_SETAGENTGROUP);
        auto* list = b.inner(&b.req().SetAgentGroup.GroupList);
        list->dwNumEntries = 2;
        list->dwListOffset = sizeof(LINEAGENTGROUPLIST);
        list->dwListSize = 2 * sizeof(LINEAGENTGROUPENTRY);
        LINEAGENTGROUPENTRY e[2]{};
        const GUID sales = agents::group_guid("8000");
        std::memcpy(&e[0].GroupID, &sales, sizeof sales);
        const std::u16string id = u"4711";
        e[1].dwNameSize = static_cast<DWORD>((id.size() + 1) * 2);
        e[1].dwNameOffset = static_cast<DWORD>(sizeof(LINEAGENTGROUPLIST) + sizeof e);
        auto* base = reinterpret_cast<unsigned char*>(list);
        std::memcpy(base + sizeof(LINEAGENTGROUPLIST), e, sizeof e);
        std::memcpy(base + e[1].dwNameOffset, id.c_str(), e[1].dwNameSize);
        go(b);
        ASSERT_NE(sent<sv::get_agent_state>(), nullptr);
        reply_agent_state();
        const auto* on = sent<sv::set_agent_state>();
        ASSERT_NE(on, nullptr);
        EXPECT_EQ(on->device, "2001");
        EXPECT_EQ(on->requested, requested_agent_state::logged_on);
        EXPECT_EQ(on->acd_group, "8000");
        EXPECT_EQ(on->agent_id, "4711");
        EXPECT_FALSE(on->password);
        reply_ok();
        EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
        agent_event(ev::agent_logged_on{});
        agent_event(ev::agent_not_ready{});
    }
};

TEST_F(agents_fixture, extension_is_negotiated_on_every_line) {
    DWORD ext = 0;
    EXPECT_EQ(agents::negotiate_ext_version(st(), line_id(0), v31, 0x00010000, 0x00020000, &ext),
              0);
    EXPECT_EQ(ext, agent_ext_version);
    EXPECT_EQ(agents::negotiate_ext_version(st(), line_id(3), v31, 0x00020000, 0x00030000, &ext),
              static_cast<LONG>(LINEERR_INCOMPATIBLEEXTVERSION));
    EXPECT_EQ(agents::negotiate_ext_version(st(), 9999, v31, 0, 0xFFFFFFFF, &ext),
              static_cast<LONG>(LINEERR_BADDEVICEID));
    LINEEXTENSIONID id{};
    EXPECT_EQ(agents::get_extension_id(st(), line_id(2), v31, &id), 0);
    EXPECT_EQ(id.dwExtensionID0, agent_extension_id[0]);
    EXPECT_EQ(id.dwExtensionID3, agent_extension_id[3]);
    EXPECT_EQ(agents::select_ext_version(st(), agent_line, agent_ext_version), 0);
    EXPECT_EQ(agents::select_ext_version(st(), agent_line, 0x00020000),
              static_cast<LONG>(LINEERR_INCOMPATIBLEEXTVERSION));
}

TEST_F(agents_fixture, roles_set_the_address_cap_flags) {
    auto flags = [this](std::size_t index) {
        var_buffer b(4096);
        EXPECT_EQ(devices::line_get_address_caps(st(), line_id(index), 0, v31, agent_ext_version,
                                                 b.as<LINEADDRESSCAPS>()),
                  0);
        return b.as<LINEADDRESSCAPS>()->dwAddrCapFlags;
    };
    const DWORD roles =
        LINEADDRCAPFLAGS_ACDGROUP | LINEADDRCAPFLAGS_QUEUE | LINEADDRCAPFLAGS_ROUTEPOINT;
    EXPECT_EQ(flags(0) & roles, 0u);
    EXPECT_EQ(flags(2) & roles, DWORD{LINEADDRCAPFLAGS_ACDGROUP | LINEADDRCAPFLAGS_QUEUE});
    EXPECT_EQ(flags(3) & roles, DWORD{LINEADDRCAPFLAGS_ROUTEPOINT});
}

TEST_F(agents_fixture, hostile_requests_are_refused_synchronously) {
    agent_buffer ok(LINEPROXYREQUEST_GETAGENTCAPS);
    auto run = [this](agent_buffer& b, DWORD size, HDRVLINE hd = nullptr, DWORD address = 0,
                      HDRVCALL call = nullptr) {
        const auto id = new_request();
        return agents::dev_specific(st(), id, hd ? hd : agent_line, address, call, b.bytes.data(),
                                    size);
    };
    const auto err = [](DWORD e) { return static_cast<LONG>(e); };
    EXPECT_EQ(agents::dev_specific(st(), 1, agent_line, 0, nullptr, nullptr, 100),
              err(LINEERR_INVALPOINTER));
    EXPECT_EQ(run(ok, 20), err(LINEERR_INVALPARAM));  // shorter than header + request
    agent_buffer bad_magic(LINEPROXYREQUEST_GETAGENTCAPS);
    bad_magic.bytes[0] ^= 0xFF;
    EXPECT_EQ(run(bad_magic, bad_magic.size()), err(LINEERR_INVALPARAM));
    agent_buffer too_big(LINEPROXYREQUEST_GETAGENTCAPS);
    too_big.req().dwSize += 1;  // claims a byte past the buffer
    EXPECT_EQ(run(too_big, too_big.size()), err(LINEERR_INVALPARAM));
    agent_buffer inner(LINEPROXYREQUEST_GETAGENTCAPS);
    inner.inner(&inner.req().GetAgentCaps.AgentCaps)->dwTotalSize += 4;  // reaches past the request
    EXPECT_EQ(run(inner, inner.size()), err(LINEERR_INVALPARAM));
    agent_buffer unknown(99);
    EXPECT_EQ(run(unknown, unknown.size()), err(LINEERR_OPERATIONUNAVAIL));
    agent_buffer specific(LINEPROXYREQUEST_AGENTSPECIFIC);
    EXPECT_EQ(run(specific, specific.size()), err(LINEERR_OPERATIONUNAVAIL));
    agent_buffer caps(LINEPROXYREQUEST_GETAGENTCAPS);
    caps.inner(&caps.req().GetAgentCaps.AgentCaps);
    caps.req().GetAgentCaps.dwAddressID = 1;
    EXPECT_EQ(run(caps, caps.size()), err(LINEERR_INVALADDRESSID));
    caps.req().GetAgentCaps.dwAddressID = 0;
    EXPECT_EQ(run(caps, caps.size(), group_line), err(LINEERR_OPERATIONUNAVAIL));  // not a station
    EXPECT_EQ(run(caps, caps.size(), nullptr, 0, reinterpret_cast<HDRVCALL>(std::uintptr_t{5})),
              err(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(run(caps, caps.size(), reinterpret_cast<HDRVLINE>(std::uintptr_t{0xDEAD})),
              err(LINEERR_INVALLINEHANDLE));
    EXPECT_TRUE(link->pending().empty());
    // A version-1 switch has no agent services.
    link->mutable_figures().protocol_version = 1;
    EXPECT_EQ(run(caps, caps.size()), err(LINEERR_OPERATIONUNAVAIL));
}

TEST_F(agents_fixture, agent_caps_follow_the_application_version) {
    for (DWORD version : {v21, v22}) {
        agent_buffer b(LINEPROXYREQUEST_GETAGENTCAPS, 1024, version);
        auto* caps = b.inner(&b.req().GetAgentCaps.AgentCaps);
        go(b);
        EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
        EXPECT_TRUE(link->pending().empty());  // answered without the switch
        EXPECT_EQ(caps->dwCapsVersion, version);
        EXPECT_EQ(caps->dwFeatures & LINEAGENTFEATURE_SETAGENTGROUP,
                  DWORD{LINEAGENTFEATURE_SETAGENTGROUP});
        EXPECT_EQ(caps->dwFeatures & LINEAGENTFEATURE_AGENTSPECIFIC, 0u);
        EXPECT_EQ(caps->dwMaxNumGroupEntries, 1u);
        EXPECT_EQ(text_at(caps, caps->dwAgentHandlerInfoSize, caps->dwAgentHandlerInfoOffset),
                  "ctigw agent handler");
        // ProxyGUID exists from 2.2 on; a 2.1 caps structure ends before it, so its variable
        // part starts there.
        if (version == v21) {
            EXPECT_EQ(caps->dwAgentHandlerInfoOffset, offsetof(LINEAGENTCAPS, ProxyGUID));
        } else {
            EXPECT_EQ(caps->dwAgentHandlerInfoOffset, sizeof(LINEAGENTCAPS));
            const GUID handler = permanent_guid("agenthandler", "ctigw");
            EXPECT_TRUE(agents::same_guid(caps->ProxyGUID, handler));
        }
    }
}

TEST_F(agents_fixture, tapi21_log_on_states_activities_and_log_off) {
    log_on_21();
    // LoggedOn + NotReady from the station's monitor: one LINE_AGENTSTATUS per change.
    auto st_events = agent_events(ht_agent, LINE_AGENTSTATUS);
    ASSERT_FALSE(st_events.empty());
    EXPECT_EQ(st_events.back().param3, DWORD{LINEAGENTSTATE_NOTREADY});
    EXPECT_TRUE(st_events.back().param2 & LINEAGENTSTATUS_GROUP);
    // The group's monitor gets the same event: it does not count twice.
    clear_line_msgs();
    agent_event(ev::agent_not_ready{}, "8000");
    EXPECT_TRUE(agent_events(ht_agent).empty());

    agent_buffer status(LINEPROXYREQUEST_GETAGENTSTATUS);
    auto* s = status.inner(&status.req().GetAgentStatus.AgentStatus);
    go(status);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
    EXPECT_EQ(s->dwState, DWORD{LINEAGENTSTATE_NOTREADY});
    ASSERT_EQ(s->dwNumEntries, 1u);
    LINEAGENTGROUPENTRY e{};
    std::memcpy(&e, reinterpret_cast<unsigned char*>(s) + s->dwGroupListOffset, sizeof e);
    EXPECT_TRUE(
        agents::same_guid(*reinterpret_cast<const GUID*>(&e.GroupID), agents::group_guid("8000")));
    EXPECT_EQ(text_at(s, e.dwNameSize, e.dwNameOffset), "Sales");
    EXPECT_EQ(s->dwValidStates & LINEAGENTSTATE_READY, DWORD{LINEAGENTSTATE_READY});

    // Activities are the switch's reasons; choosing one while not ready applies it now.
    agent_buffer list(LINEPROXYREQUEST_GETAGENTACTIVITYLIST);
    auto* acts = list.inner(&list.req().GetAgentActivityList.ActivityList);
    go(list);
    ASSERT_EQ(acts->dwNumEntries, 2u);
    LINEAGENTACTIVITYENTRY a2{};
    std::memcpy(&a2, reinterpret_cast<unsigned char*>(acts) + acts->dwListOffset + sizeof a2,
                sizeof a2);
    EXPECT_EQ(a2.dwID, 2u);
    EXPECT_EQ(text_at(acts, a2.dwNameSize, a2.dwNameOffset), "Meeting");
    agent_buffer act(LINEPROXYREQUEST_SETAGENTACTIVITY);
    act.req().SetAgentActivity.dwActivityID = 2;
    go(act);
    ASSERT_NE(sent<sv::set_agent_state>(), nullptr);
    EXPECT_EQ(sent<sv::set_agent_state>()->requested, requested_agent_state::not_ready);
    EXPECT_EQ(sent<sv::set_agent_state>()->reason_code, "20");
    reply_ok();
    act.req().SetAgentActivity.dwActivityID = 3;  // not a reason of the switch
    go(act);
    EXPECT_EQ(completions_of(last_id()),
              std::vector<LONG>{static_cast<LONG>(LINEERR_INVALAGENTACTIVITY)});

    // Ready now, not ready when the next call ends.
    agent_buffer state(LINEPROXYREQUEST_SETAGENTSTATE);
    state.req().SetAgentState.dwAgentState = LINEAGENTSTATE_READY;
    state.req().SetAgentState.dwNextAgentState = LINEAGENTSTATE_NOTREADY;
    go(state);
    EXPECT_EQ(sent<sv::set_agent_state>()->requested, requested_agent_state::ready);
    reply_ok();
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
    clear_line_msgs();
    agent_event(ev::agent_ready{});
    agent_event(ev::agent_busy{});
    ev::agent_working_after_call wac;
    wac.pending_state = agent_state::ready;
    agent_event(wac);
    // The call ended: the next state goes to the switch, with the chosen activity's reason.
    const auto* next = sent<sv::set_agent_state>();
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->requested, requested_agent_state::not_ready);
    EXPECT_EQ(next->reason_code, "20");
    reply_ok();
    std::vector<DWORD> states;
    for (const auto& x : agent_events(ht_agent, LINE_AGENTSTATUS)) {
        if (x.param2 & LINEAGENTSTATUS_STATE) states.push_back(x.param3);
    }
    EXPECT_EQ(states, (std::vector<DWORD>{LINEAGENTSTATE_READY, LINEAGENTSTATE_BUSYACD,
                                          LINEAGENTSTATE_WORKINGAFTERCALL}));

    // An empty group list logs off everywhere.
    agent_buffer off(LINEPROXYREQUEST_SETAGENTGROUP);
    off.inner(&off.req().SetAgentGroup.GroupList);
    go(off);
    ASSERT_NE(sent<sv::set_agent_state>(), nullptr);
    EXPECT_EQ(sent<sv::set_agent_state>()->requested, requested_agent_state::logged_off);
    EXPECT_FALSE(sent<sv::set_agent_state>()->acd_group);
    reply_ok();
    agent_event(ev::agent_logged_off{});
    EXPECT_EQ(agent_events(ht_agent, LINE_AGENTSTATUS).back().param3,
              DWORD{LINEAGENTSTATE_LOGGEDOFF});
}

TEST_F(agents_fixture, set_agent_group_refuses_unknown_groups_and_bad_lists) {
    agent_buffer b(LINEPROXYREQUEST_SETAGENTGROUP);
    auto* list = b.inner(&b.req().SetAgentGroup.GroupList);
    list->dwNumEntries = 1;
    list->dwListOffset = sizeof(LINEAGENTGROUPLIST);
    list->dwListSize = sizeof(LINEAGENTGROUPENTRY);
    LINEAGENTGROUPENTRY e{};
    e.GroupID.dwGroupID1 = 0x12345678;  // no such group
    std::memcpy(reinterpret_cast<unsigned char*>(list) + sizeof(LINEAGENTGROUPLIST), &e, sizeof e);
    go(b);
    reply_agent_state();
    EXPECT_EQ(completions_of(last_id()),
              std::vector<LONG>{static_cast<LONG>(LINEERR_INVALAGENTGROUP)});
    list->dwListOffset = list->dwTotalSize;  // the entries lie past the list
    go(b);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{static_cast<LONG>(LINEERR_INVALPARAM)});
    EXPECT_TRUE(link->pending().empty());
}

TEST_F(agents_fixture, wrong_password_is_invalpassword) {
    agent_buffer b(LINEPROXYREQUEST_CREATEAGENT);
    go(b);
    const DWORD agent = b.req().CreateAgent.hAgent;
    agent_buffer s(LINEPROXYREQUEST_CREATEAGENTSESSION);
    s.req().CreateAgentSession.hAgent = agent;
    s.req().CreateAgentSession.GroupID = agents::group_guid("8000");
    const std::u16string pin = u"0000";
    const DWORD fixed = static_cast<DWORD>(sizeof(LINEPROXYREQUEST));
    s.req().CreateAgentSession.dwAgentPINSize = static_cast<DWORD>((pin.size() + 1) * 2);
    s.req().CreateAgentSession.dwAgentPINOffset = fixed;
    std::memcpy(reinterpret_cast<unsigned char*>(&s.req()) + fixed, pin.c_str(), 10);
    go(s);
    ASSERT_NE(sent<sv::set_agent_state>(), nullptr);
    EXPECT_EQ(sent<sv::set_agent_state>()->password, "0000");
    link->fail_next(pbx_link::request_failure::csta_error,
                    protocol::csta_error{protocol::error_category::security,
                                         std::string(protocol::error_values::invalid_credentials),
                                         std::nullopt});
    EXPECT_EQ(completions_of(last_id()),
              std::vector<LONG>{static_cast<LONG>(LINEERR_INVALPASSWORD)});
    EXPECT_EQ(s.req().CreateAgentSession.hAgentSession, 0u);  // nothing written on failure
}

TEST_F(agents_fixture, tapi22_agent_sessions_follow_the_station) {
    agent_buffer create(LINEPROXYREQUEST_CREATEAGENT);
    const std::u16string id = u"4711", pin = u"1234";
    const DWORD fixed = static_cast<DWORD>(sizeof(LINEPROXYREQUEST));
    auto* base = reinterpret_cast<unsigned char*>(&create.req());
    create.req().CreateAgent.dwAgentIDSize = 10;
    create.req().CreateAgent.dwAgentIDOffset = fixed;
    create.req().CreateAgent.dwAgentPINSize = 10;
    create.req().CreateAgent.dwAgentPINOffset = fixed + 12;
    std::memcpy(base + fixed, id.c_str(), 10);
    std::memcpy(base + fixed + 12, pin.c_str(), 10);
    go(create);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
    const DWORD agent = create.req().CreateAgent.hAgent;
    ASSERT_NE(agent, 0u);
    EXPECT_TRUE(link->pending().empty());
    // The same agent ID gives the same agent.
    agent_buffer again = create;
    again.req().CreateAgent.hAgent = 0;
    go(again);
    EXPECT_EQ(again.req().CreateAgent.hAgent, agent);

    agent_buffer s(LINEPROXYREQUEST_CREATEAGENTSESSION);
    s.req().CreateAgentSession.hAgent = agent;
    s.req().CreateAgentSession.GroupID = agents::group_guid("8000");
    go(s);
    const auto* on = sent<sv::set_agent_state>();
    ASSERT_NE(on, nullptr);
    EXPECT_EQ(on->requested, requested_agent_state::logged_on);
    EXPECT_EQ(on->agent_id, "4711");
    EXPECT_EQ(on->password, "1234");  // the agent's PIN when the session names none
    EXPECT_EQ(on->acd_group, "8000");
    reply_ok();
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
    const DWORD session = s.req().CreateAgentSession.hAgentSession;
    ASSERT_NE(session, 0u);
    auto news = agent_events(ht_agent, LINE_AGENTSESSIONSTATUS);
    ASSERT_EQ(news.size(), 1u);
    EXPECT_EQ(news[0].param1, session);
    EXPECT_EQ(news[0].param2, DWORD{LINEAGENTSESSIONSTATUS_NEWSESSION});

    clear_line_msgs();
    agent_event(ev::agent_logged_on{});
    agent_event(ev::agent_ready{});
    auto sess = agent_events(ht_agent, LINE_AGENTSESSIONSTATUS);
    ASSERT_FALSE(sess.empty());
    EXPECT_EQ(sess.back().param3, DWORD{LINEAGENTSESSIONSTATE_READY});
    auto ex = agent_events(ht_agent, LINE_AGENTSTATUSEX);
    ASSERT_FALSE(ex.empty());
    EXPECT_EQ(ex.back().param1, agent);
    EXPECT_EQ(ex.back().param3, DWORD{LINEAGENTSTATEEX_READY});
    agent_event(ev::agent_busy{});
    agent_event(ev::agent_working_after_call{});
    agent_event(ev::agent_ready{});

    agent_buffer list(LINEPROXYREQUEST_GETAGENTSESSIONLIST);
    list.req().GetAgentSessionList.hAgent = agent;
    auto* sl = list.inner(&list.req().GetAgentSessionList.SessionList);
    go(list);
    ASSERT_EQ(sl->dwNumEntries, 1u);
    LINEAGENTSESSIONENTRY entry{};
    std::memcpy(&entry, reinterpret_cast<unsigned char*>(sl) + sl->dwListOffset, sizeof entry);
    EXPECT_EQ(entry.hAgentSession, session);
    EXPECT_TRUE(agents::same_guid(entry.GroupID, agents::group_guid("8000")));

    agent_buffer info(LINEPROXYREQUEST_GETAGENTSESSIONINFO);
    info.req().GetAgentSessionInfo.hAgentSession = session;
    auto* si = info.inner(&info.req().GetAgentSessionInfo.SessionInfo);
    go(info);
    EXPECT_EQ(si->dwAgentSessionState, DWORD{LINEAGENTSESSIONSTATE_READY});
    EXPECT_EQ(si->dwNumberOfCalls, 1u);
    EXPECT_GT(si->dateSessionStartTime, 40000.0);  // after the year 2009

    agent_buffer ai(LINEPROXYREQUEST_GETAGENTINFO);
    ai.req().GetAgentInfo.hAgent = agent;
    auto* inf = ai.inner(&ai.req().GetAgentInfo.AgentInfo);
    go(ai);
    EXPECT_EQ(inf->dwAgentState, DWORD{LINEAGENTSTATEEX_READY});
    EXPECT_EQ(inf->dwNumberOfACDCalls, 1u);

    agent_buffer notready(LINEPROXYREQUEST_SETAGENTSTATEEX);
    notready.req().SetAgentStateEx.hAgent = agent;
    notready.req().SetAgentStateEx.dwAgentState = LINEAGENTSTATEEX_NOTREADY;
    go(notready);
    EXPECT_EQ(sent<sv::set_agent_state>()->requested, requested_agent_state::not_ready);
    EXPECT_EQ(sent<sv::set_agent_state>()->acd_group, "8000");
    reply_ok();

    agent_buffer end(LINEPROXYREQUEST_SETAGENTSESSIONSTATE);
    end.req().SetAgentSessionState.hAgentSession = session;
    end.req().SetAgentSessionState.dwAgentSessionState = LINEAGENTSESSIONSTATE_ENDED;
    go(end);
    EXPECT_EQ(sent<sv::set_agent_state>()->requested, requested_agent_state::logged_off);
    EXPECT_EQ(sent<sv::set_agent_state>()->acd_group, "8000");
    reply_ok();
    clear_line_msgs();
    agent_event(ev::agent_logged_off{});
    EXPECT_EQ(agent_events(ht_agent, LINE_AGENTSESSIONSTATUS).back().param3,
              DWORD{LINEAGENTSESSIONSTATE_ENDED});
    EXPECT_EQ(agent_events(ht_agent, LINE_AGENTSTATUSEX).back().param3,
              DWORD{LINEAGENTSTATEEX_RELEASED});
    // An ended session takes no more states.
    go(end);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{static_cast<LONG>(LINEERR_INVALPARAM)});
}

TEST_F(agents_fixture, groups_queues_and_queue_statistics) {
    agent_buffer groups(LINEPROXYREQUEST_GETGROUPLIST);
    auto* gl = groups.inner(&groups.req().GetGroupList.GroupList);
    go(groups);
    ASSERT_EQ(gl->dwNumEntries, 1u);

    agent_buffer queues(LINEPROXYREQUEST_GETQUEUELIST);
    queues.req().GetQueueList.GroupID = agents::group_guid("8000");
    auto* ql = queues.inner(&queues.req().GetQueueList.QueueList);
    go(queues);
    ASSERT_EQ(ql->dwNumEntries, 1u);
    LINEQUEUEENTRY q{};
    std::memcpy(&q, reinterpret_cast<unsigned char*>(ql) + ql->dwListOffset, sizeof q);
    EXPECT_EQ(text_at(ql, q.dwNameSize, q.dwNameOffset), "Sales");
    EXPECT_EQ(q.dwQueueID, permanent_line_id("8000"));

    agent_buffer period(LINEPROXYREQUEST_SETQUEUEMEASUREMENTPERIOD);
    period.req().SetQueueMeasurementPeriod.dwQueueID = q.dwQueueID;
    period.req().SetQueueMeasurementPeriod.dwMeasurementPeriod = 900;
    go(period);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});

    agent_buffer info(LINEPROXYREQUEST_GETQUEUEINFO);
    info.req().GetQueueInfo.dwQueueID = q.dwQueueID;
    auto* qi = info.inner(&info.req().GetQueueInfo.QueueInfo);
    go(info);
    ASSERT_NE(sent<sv::get_queue_statistics>(), nullptr);
    EXPECT_EQ(sent<sv::get_queue_statistics>()->device, "8000");
    sv::get_queue_statistics::result r;
    r.calls_waiting = 2;
    r.longest_wait_seconds = 30;
    r.calls_completed = 5;
    r.calls_abandoned = 1;
    r.average_wait_seconds = 12;
    link->complete_next(result_of<sv::get_queue_statistics>(r));
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
    EXPECT_EQ(qi->dwMeasurementPeriod, 900u);
    EXPECT_EQ(qi->dwCurrentCallsQueued, 2u);
    EXPECT_EQ(qi->dwTotalCallsQueued, 8u);
    EXPECT_EQ(qi->dwTotalCallsAbandoned, 1u);
    EXPECT_EQ(qi->dwCurrentLongestWaitTime, 30u);
    EXPECT_EQ(qi->dwLongestEverWaitTime, 30u);
    EXPECT_EQ(qi->dwAverageWaitTime, 12u);

    info.req().GetQueueInfo.dwQueueID = 12345;  // no such queue
    go(info);
    EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{static_cast<LONG>(LINEERR_INVALPARAM)});

    // A call event on the group's line: its queue changed.
    clear_line_msgs();
    ev::delivered d;
    d.connection = {"c9", "8000"};
    d.alerting_device = "8000";
    d.calling_device = "0612345678";
    d.called_device = "8000";
    link->push_event("8000", event_of(d));
    drain();
    auto qs = agent_events(ht_group, LINE_QUEUESTATUS);
    ASSERT_FALSE(qs.empty());
    EXPECT_EQ(qs[0].param1, q.dwQueueID);
    EXPECT_EQ(qs[0].param2, DWORD{LINEQUEUESTATUS_UPDATEINFO});
}

TEST_F(agents_fixture, a_route_point_redirects_a_waiting_call) {
    const HTAPILINE ht_rp = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x8100});
    HDRVLINE rp = open_line(3, v31, ht_rp);
    answer_all_queries();
    ev::queued q;
    q.queued_connection = {"c7", "8100"};
    q.queue = "8100";
    q.calling_device = "0612345678";
    q.called_device = "8100";
    link->push_event("8100", event_of(q));
    drain();
    HDRVCALL waiting = nullptr;
    for (const auto& m : line_msgs(LINE_NEWCALL)) {
        if (m.ht == ht_rp) waiting = reinterpret_cast<HDRVCALL>(m.p1);
    }
    ASSERT_NE(waiting, nullptr);
    LINECALLSTATUS status{};
    status.dwTotalSize = sizeof status;
    // Waiting: CONNECTED/INACTIVE, and lineRedirect is offered (a station's waiting call has no
    // redirect: it is a parked or held party there).
    ASSERT_EQ(calls::get_call_status(st(), waiting, &status), 0);
    EXPECT_EQ(status.dwCallState, DWORD{LINECALLSTATE_CONNECTED});
    EXPECT_EQ(status.dwCallStateMode, DWORD{LINECONNECTEDMODE_INACTIVE});
    EXPECT_TRUE(status.dwCallFeatures & LINECALLFEATURE_REDIRECT);
    const auto id = new_request();
    ASSERT_EQ(track(id, calls::redirect(st(), id, waiting, u"2002", 0)), static_cast<LONG>(id));
    const auto* deflect = pending_as<sv::deflect_call::params>(0);
    ASSERT_NE(deflect, nullptr);
    EXPECT_EQ(deflect->call_to_be_diverted, (protocol::connection_id{"c7", "8100"}));
    EXPECT_EQ(deflect->new_destination, "2002");
    link->complete_next(result_of<sv::deflect_call>({}));
    EXPECT_EQ(completions_of(id), std::vector<LONG>{0});
    (void)rp;
}

TEST_F(agents_fixture, a_reload_that_adds_or_removes_groups_tells_the_stations) {
    clear_line_msgs();
    // A second group appears: NEWGROUP on the open station line, not on the group's own line.
    config_text =
        std::string(agents_config)
            .replace(
                agents_config_groups_at(), 0,
                R"({ "extension": "8200", "name": "Support", "options": { "role": "acdGroup" } },)");
    ASSERT_EQ(prov->reload(), "");
    auto news = agent_events(ht_agent, LINE_GROUPSTATUS);
    ASSERT_EQ(news.size(), 1u);
    EXPECT_EQ(news[0].param1, DWORD{LINEGROUPSTATUS_NEWGROUP});
    EXPECT_TRUE(agent_events(ht_group, LINE_GROUPSTATUS).empty());
    // Nothing about groups changes: nothing said.
    clear_line_msgs();
    ASSERT_EQ(prov->reload(), "");
    EXPECT_TRUE(agent_events(ht_agent, LINE_GROUPSTATUS).empty());
    // Back to one group: GROUPREMOVED.
    config_text = agents_config;
    ASSERT_EQ(prov->reload(), "");
    news = agent_events(ht_agent, LINE_GROUPSTATUS);
    ASSERT_EQ(news.size(), 1u);
    EXPECT_EQ(news[0].param1, DWORD{LINEGROUPSTATUS_GROUPREMOVED});
}

TEST_F(agents_fixture, requests_complete_once_when_the_line_closes_or_the_link_drops) {
    log_on_21();
    agent_buffer state(LINEPROXYREQUEST_SETAGENTSTATE);
    state.req().SetAgentState.dwAgentState = LINEAGENTSTATE_READY;
    go(state);
    ASSERT_EQ(link->pending().size(), 1u);
    const auto closed = last_id();
    ASSERT_EQ(devices::line_close(st(), agent_line), 0);
    EXPECT_EQ(completions_of(closed),
              std::vector<LONG>{static_cast<LONG>(LINEERR_OPERATIONFAILED)});
    reply_ok();  // the switch answers afterwards: nothing more
    EXPECT_EQ(completions_of(closed),
              std::vector<LONG>{static_cast<LONG>(LINEERR_OPERATIONFAILED)});

    agent_line = open_line(0, v31, ht_agent);
    answer_all_queries();
    agent_buffer info(LINEPROXYREQUEST_CREATEAGENT);
    go(info);
    agent_buffer s(LINEPROXYREQUEST_CREATEAGENTSESSION);
    s.req().CreateAgentSession.hAgent = info.req().CreateAgent.hAgent;
    s.req().CreateAgentSession.GroupID = agents::group_guid("8000");
    go(s);
    link->go_down();
    drain();
    EXPECT_EQ(completions_of(last_id()).size(), 1u);
    EXPECT_NE(completions_of(last_id())[0], 0);
    EXPECT_EQ(s.req().CreateAgentSession.hAgentSession, 0u);
    // Down: refused at once; back: the stations that were known are read again.
    EXPECT_EQ(
        agents::dev_specific(st(), 77, agent_line, 0, nullptr, state.bytes.data(), state.size()),
        static_cast<LONG>(LINEERR_OPERATIONFAILED));
    go_live();
    std::vector<std::string> read;
    for (int guard = 0; guard < 100 && !link->pending().empty(); ++guard) {
        if (const auto* g = sent<sv::get_agent_state>()) {
            read.push_back(g->device);
            reply_agent_state();
        } else {
            std::visit([this](const auto& prm) { answer_default(prm); },
                       link->pending().front().params);
        }
    }
    EXPECT_EQ(read, std::vector<std::string>{"2001"});
}

}  // namespace
}  // namespace ctigw::tsp::testing
