// The agent model and the agent extension (tsp/src/agents/): the extension's identity, hostile
// requests, TAPI 2.1 addresses and TAPI 2.2 agents and sessions.
#include "agents_test.hpp"

namespace ctigw::tsp::testing {
namespace {

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

TEST_F(agents_fixture, requests_before_the_state_is_known_share_one_read) {
    agent_buffer first(LINEPROXYREQUEST_GETAGENTSTATUS), second(LINEPROXYREQUEST_GETAGENTSTATUS);
    auto* s1 = first.inner(&first.req().GetAgentStatus.AgentStatus);
    auto* s2 = second.inner(&second.req().GetAgentStatus.AgentStatus);
    go(first);
    const auto id1 = last_id();
    go(second);
    const auto id2 = last_id();
    ASSERT_EQ(link->pending().size(), 1u);  // one GetAgentState for both
    ASSERT_NE(sent<sv::get_agent_state>(), nullptr);
    reply_agent_state({{std::string("8000"), std::string("4711"), agent_state::ready, {}, {}}});
    EXPECT_EQ(completions_of(id1), std::vector<LONG>{0});
    EXPECT_EQ(completions_of(id2), std::vector<LONG>{0});
    EXPECT_EQ(s1->dwState, DWORD{LINEAGENTSTATE_READY});
    EXPECT_EQ(s2->dwState, DWORD{LINEAGENTSTATE_READY});
    EXPECT_TRUE(link->pending().empty());
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
    // A packed DATE at an odd offset: read it by copy, never by reference.
    double start_date = 0;
    std::memcpy(&start_date, &si->dateSessionStartTime, sizeof start_date);
    EXPECT_GT(start_date, 40000.0);  // after the year 2009

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

}  // namespace
}  // namespace ctigw::tsp::testing
