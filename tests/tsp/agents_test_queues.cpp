// The agent model's queues, groups and route points, configuration reloads, and requests that
// meet a closing line or a falling link (tsp/src/agents/).
#include "agents_test.hpp"

namespace ctigw::tsp::testing {
namespace {

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
    ASSERT_EQ(devices::line_close(prov->state(), agent_line), 0);
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
