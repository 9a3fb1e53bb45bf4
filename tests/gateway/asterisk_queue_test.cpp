// app_queue members as agents: the roster's states from app_queue's events and QueueStatus rows,
// queue statistics, and the AMI actions agent requests become. The event sequences follow what a
// live Asterisk 22.10.1 sent for a dynamic member logging on paused, unpausing, taking a queue
// call (QueueMemberStatus Status 6 then 2 with InCall 0, AgentConnect, AgentComplete, then
// QueueMemberStatus InCall 0) and an abandoned caller (QueueCallerAbandon before QueueCallerLeave).
#include <gtest/gtest.h>

#include "asterisk/queue_roster.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using namespace std::chrono_literals;
using lines = std::vector<std::string>;

struct member_fields {
    std::string queue = "sales";
    std::string interface = "Local/2002@from-queue/n";
    std::string state_interface = "hint:2002@ext-local";
    bool paused = false;
    std::string reason;
    bool in_call = false;
    int status = 0;
    int wrapup = 0;
    std::string membership = "dynamic";

    // Designated initializers would leave fields out: GCC 12 warns about that (-Werror).
    member_fields& with_queue(std::string v) {
        queue = std::move(v);
        return *this;
    }
    member_fields& with_interface(std::string v) {
        interface = std::move(v);
        return *this;
    }
    member_fields& with_state_interface(std::string v) {
        state_interface = std::move(v);
        return *this;
    }
    member_fields& with_paused(bool v) {
        paused = v;
        return *this;
    }
    member_fields& with_reason(std::string v) {
        reason = std::move(v);
        return *this;
    }
    member_fields& with_in_call(bool v) {
        in_call = v;
        return *this;
    }
    member_fields& with_status(int v) {
        status = v;
        return *this;
    }
    member_fields& with_wrapup(int v) {
        wrapup = v;
        return *this;
    }
    member_fields& with_membership(std::string v) {
        membership = std::move(v);
        return *this;
    }
};

ami::message member(std::string_view event, const member_fields& f) {
    ami::message m;
    m.add("Event", std::string(event));
    m.add("Privilege", "agent,all");
    m.add("Queue", f.queue);
    m.add(event == "QueueMember" ? "Name" : "MemberName", "Agent");
    m.add(event == "QueueMember" ? "Location" : "Interface", f.interface);
    m.add("StateInterface", f.state_interface);
    m.add("Membership", f.membership);
    m.add("Penalty", "0");
    m.add("CallsTaken", "0");
    m.add("LastCall", "0");
    m.add("LastPause", "1796407575");
    m.add("LoginTime", "1796407575");
    m.add("InCall", f.in_call ? "1" : "0");
    m.add("Status", std::to_string(f.status));
    m.add("Paused", f.paused ? "1" : "0");
    m.add("PausedReason", f.reason);
    m.add("Wrapuptime", std::to_string(f.wrapup));
    return m;
}

ami::message agent_event(std::string_view event,
                         std::string_view interface = "Local/2002@from-queue/n") {
    return ami::message{{"Event", event},
                        {"Channel", "IAX2/2005-8428"},
                        {"Uniqueid", "pbx-1.0"},
                        {"Linkedid", "pbx-1.0"},
                        {"DestChannel", "Local/2002@from-queue-00000000;1"},
                        {"Queue", "sales"},
                        {"Interface", interface},
                        {"MemberName", "Agent"},
                        {"HoldTime", "2"},
                        {"TalkTime", "4"},
                        {"Reason", "caller"}};
}

ami::message caller_event(std::string_view event, std::string_view uniqueid, int position) {
    return ami::message{
        {"Event", event},   {"Channel", "IAX2/2005-8428"},          {"Uniqueid", uniqueid},
        {"Queue", "sales"}, {"Position", std::to_string(position)}, {"Count", "1"}};
}

class queue_test : public ::testing::Test {
  protected:
    queue_test() : roster_(make_env(), [this](const agent_change& c) { changes_.push_back(c); }) {}

    static roster_env make_env() {
        roster_env env;
        env.is_station = [](std::string_view d) { return d.size() == 4 && d[0] == '2'; };
        env.station_of = [](std::string_view iface, std::string_view state) {
            for (auto s : {iface, state}) {
                for (std::string_view prefix : {"Local/", "hint:", "IAX2/"}) {
                    if (s.starts_with(prefix) && s.size() >= prefix.size() + 4) {
                        return std::optional<std::string>(s.substr(prefix.size(), 4));
                    }
                }
            }
            return std::optional<std::string>();
        };
        env.wrapup = 10s;
        return env;
    }

    lines take() {
        lines out;
        for (const auto& c : changes_) {
            out.push_back(c.station + " " + c.queue + " " + std::string(to_string(c.state)) +
                          (c.reason.empty() ? "" : " (" + c.reason + ")"));
        }
        changes_.clear();
        return out;
    }
    void on(const ami::message& e) { roster_.on_event(e, now_); }

    static std::string actions(const plan_outcome& o) {
        if (const auto* e = std::get_if<protocol::csta_error>(&o)) return "refused: " + e->value;
        std::string out;
        for (const auto& a : std::get<plan>(o).actions) {
            out += "Action: " + a.name + "\n";
            for (const auto& h : a.headers) out += h.name + ": " + h.value + "\n";
        }
        return out;
    }

    roster_clock::time_point now_{std::chrono::hours(1000)};
    std::vector<agent_change> changes_;
    queue_roster roster_;
};

TEST_F(queue_test, LogOnPausedThenReadyIsReportedPerMembership) {
    EXPECT_EQ(roster_.state_of("2002"), agent_state::logged_off);
    on(member("QueueMemberAdded", member_fields{}.with_paused(true).with_reason("login")));
    EXPECT_EQ(take(), lines{"2002 sales notReady (login)"});
    on(member("QueueMemberPause", member_fields{}));
    EXPECT_EQ(take(), lines{"2002 sales ready"});
    EXPECT_EQ(roster_.state_of("2002"), agent_state::ready);
    // A device-state update that changes no agent state says nothing.
    on(member("QueueMemberStatus", member_fields{}.with_status(1)));
    EXPECT_EQ(take(), lines{});
    on(member("QueueMemberPause", member_fields{}.with_paused(true).with_reason("lunch")));
    on(member("QueueMemberPause", member_fields{}.with_paused(true).with_reason("break")));
    EXPECT_EQ(take(), (lines{"2002 sales notReady (lunch)", "2002 sales notReady (break)"}));
    on(member("QueueMemberRemoved", member_fields{}.with_paused(true).with_reason("break")));
    EXPECT_EQ(take(), lines{"2002 sales loggedOff"});
    EXPECT_TRUE(roster_.memberships("2002").empty());
}

TEST_F(queue_test, AQueueCallMakesTheAgentBusyThenWrapUpThenReady) {
    on(member("QueueMemberAdded", member_fields{}));
    take();
    on(caller_event("QueueCallerJoin", "pbx-1.0", 1));
    on(member("QueueMemberStatus", member_fields{}.with_status(6)));  // ringing: still ready
    on(member("QueueMemberStatus",
              member_fields{}.with_status(2)));  // answered, before the bridge: InCall 0
    EXPECT_EQ(take(), lines{});
    on(caller_event("QueueCallerLeave", "pbx-1.0", 1));
    on(agent_event("AgentConnect"));
    EXPECT_EQ(take(), lines{"2002 sales busy"});
    on(member("QueueMemberStatus", member_fields{}.with_in_call(true).with_status(2)));
    EXPECT_EQ(take(), lines{});
    now_ += 4s;
    on(agent_event("AgentComplete"));
    on(member("QueueMemberStatus", member_fields{}.with_status(0)));
    EXPECT_EQ(take(), lines{"2002 sales workingAfterCall"});
    EXPECT_EQ(roster_.state_of("2002"), agent_state::working_after_call);
    ASSERT_TRUE(roster_.next_expiry());
    EXPECT_EQ(*roster_.next_expiry(), now_ + 10s);
    roster_.expire(now_ + 9s);
    EXPECT_EQ(take(), lines{});
    roster_.expire(now_ + 10s);
    EXPECT_EQ(take(), lines{"2002 sales ready"});
    EXPECT_FALSE(roster_.next_expiry());
}

TEST_F(queue_test, TheMembersOwnWrapUpWinsAndPausingDuringWrapUpIsNotReady) {
    on(member("QueueMemberAdded", member_fields{}.with_wrapup(3)));
    on(agent_event("AgentConnect"));
    on(agent_event("AgentComplete"));
    EXPECT_EQ(*roster_.next_expiry(), now_ + 3s);
    on(member("QueueMemberPause",
              member_fields{}.with_paused(true).with_reason("paperwork").with_wrapup(3)));
    roster_.expire(now_ + 3s);
    EXPECT_EQ(take(), (lines{"2002 sales ready", "2002 sales busy", "2002 sales workingAfterCall",
                             "2002 sales notReady (paperwork)"}));
}

TEST_F(queue_test, AnAgentTheCallerLeftBeforeTheBridgeHasNoWrapUp) {
    on(member("QueueMemberAdded", member_fields{}));
    on(agent_event("AgentConnect"));
    on(agent_event("AgentDump"));
    EXPECT_EQ(take(), (lines{"2002 sales ready", "2002 sales busy", "2002 sales ready"}));
    EXPECT_FALSE(roster_.next_expiry());
}

TEST_F(queue_test, ResyncLoadsMembersAndCallersSilentlyAndForgetsTheRest) {
    on(member("QueueMemberAdded", member_fields{}.with_interface("Local/2003@from-queue/n")));
    take();
    roster_.begin_load();
    roster_.on_row(ami::message{{"Event", "QueueParams"},
                                {"Queue", "sales"},
                                {"Strategy", "leastrecent"},
                                {"Calls", "1"},
                                {"Holdtime", "2"},
                                {"TalkTime", "4"},
                                {"Completed", "7"},
                                {"Abandoned", "1"}},
                   now_);
    roster_.on_row(member("QueueMember", member_fields{}.with_paused(true).with_reason("lunch")),
                   now_);
    roster_.on_row(member("QueueMember", member_fields{}
                                             .with_interface("IAX2/2004")
                                             .with_state_interface("IAX2/2004")
                                             .with_in_call(true)
                                             .with_status(2)),
                   now_);
    roster_.on_row(ami::message{{"Event", "QueueEntry"},
                                {"Queue", "sales"},
                                {"Position", "1"},
                                {"Channel", "IAX2/2005-1"},
                                {"Uniqueid", "pbx-9.1"},
                                {"Wait", "30"}},
                   now_);
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(roster_.state_of("2002"), agent_state::not_ready);
    EXPECT_EQ(roster_.state_of("2003"), agent_state::logged_off);
    EXPECT_EQ(roster_.state_of("2004"), agent_state::busy);
    ASSERT_EQ(roster_.memberships("2002").size(), 1u);
    EXPECT_EQ(roster_.memberships("2002")[0].reason, "lunch");
    const auto s = roster_.statistics("sales", now_ + 5s);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->strategy, "leastrecent");
    EXPECT_EQ(s->logged_in, 2);
    EXPECT_EQ(s->available, 0);
    EXPECT_EQ(s->waiting, 1);
    EXPECT_EQ(s->longest_wait, 35s);
    EXPECT_EQ(s->completed, 7);
    EXPECT_EQ(s->abandoned, 1);
    EXPECT_EQ(roster_.queues(), lines{"sales"});
    EXPECT_FALSE(roster_.statistics("support", now_));
}

TEST_F(queue_test, StatisticsFollowCallersCompletionsAndAbandons) {
    roster_.begin_load();
    roster_.on_row(
        ami::message{
            {"Event", "QueueParams"}, {"Queue", "sales"}, {"Completed", "0"}, {"Abandoned", "0"}},
        now_);
    on(member("QueueMemberAdded", member_fields{}));
    on(caller_event("QueueCallerJoin", "pbx-1.0", 1));
    now_ += 5s;
    on(caller_event("QueueCallerJoin", "pbx-2.0", 2));
    auto s = roster_.statistics("sales", now_ + 1s);
    EXPECT_EQ(s->waiting, 2);
    EXPECT_EQ(s->available, 1);
    EXPECT_EQ(s->longest_wait, 6s);
    on(caller_event("QueueCallerAbandon", "pbx-2.0", 2));
    on(caller_event("QueueCallerLeave", "pbx-2.0", 2));
    on(caller_event("QueueCallerLeave", "pbx-1.0", 1));
    on(agent_event("AgentConnect"));
    s = roster_.statistics("sales", now_);
    EXPECT_EQ(s->available, 0);
    on(agent_event("AgentComplete"));
    s = roster_.statistics("sales", now_);
    EXPECT_EQ(s->waiting, 0);
    EXPECT_EQ(s->abandoned, 1);
    EXPECT_EQ(s->completed, 1);
    // A queue first seen through a caller is known too.
    on(ami::message{{"Event", "QueueCallerJoin"}, {"Queue", "support"}, {"Uniqueid", "pbx-3.0"}});
    EXPECT_EQ(roster_.statistics("support", now_)->waiting, 1);
}

TEST(queue_callers, JoinsAndLeavesAreReportedWithTheCallAndWhyTheyLeft) {
    std::vector<caller_change> seen;
    roster_env env;
    env.is_station = [](std::string_view) { return false; };
    env.station_of = [](std::string_view, std::string_view) {
        return std::optional<std::string>();
    };
    env.on_caller = [&](const caller_change& c) { seen.push_back(c); };
    queue_roster roster(env, [](const agent_change&) {});
    auto now = roster_clock::time_point{} + 100s;
    auto ev = caller_event("QueueCallerJoin", "pbx-1.0", 1);
    ev.add("Linkedid", "pbx-0.9");
    ev.add("CallerIDNum", "0612345678");
    roster.on_event(ev, now);
    roster.on_event(caller_event("QueueCallerJoin", "pbx-2.0", 2), now + 1s);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].what, caller_change::kind::joined);
    EXPECT_EQ(seen[0].call_id, "pbx-0.9");  // the call's key, not the channel's own id
    EXPECT_EQ(seen[0].caller_number, "0612345678");
    EXPECT_EQ(seen[1].call_id, "pbx-2.0");  // no Linkedid: the Uniqueid
    EXPECT_EQ(seen[1].position, 2);
    auto waiting = roster.waiting("sales");
    ASSERT_EQ(waiting.size(), 2u);
    EXPECT_EQ(waiting[0].call_id, "pbx-0.9");  // longest waiting first
    roster.on_event(caller_event("QueueCallerAbandon", "pbx-2.0", 2), now + 2s);
    EXPECT_EQ(roster.waiting("sales").size(), 1u);  // gone for the snapshot at once
    roster.on_event(caller_event("QueueCallerLeave", "pbx-2.0", 2), now + 2s);
    roster.on_event(caller_event("QueueCallerLeave", "pbx-1.0", 1), now + 3s);
    roster.on_event(caller_event("QueueCallerLeave", "pbx-1.0", 1), now + 3s);  // twice: once
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[2].what, caller_change::kind::abandoned);
    EXPECT_EQ(seen[2].call_id, "pbx-2.0");
    EXPECT_EQ(seen[3].what, caller_change::kind::distributed);
    EXPECT_EQ(seen[3].call_id, "pbx-0.9");
    EXPECT_TRUE(roster.waiting("sales").empty());
}

TEST_F(queue_test, MembersOfOtherDevicesCountButReportNothing) {
    on(member("QueueMemberAdded",
              member_fields{}.with_interface("SIP/trunk-agent").with_state_interface("")));
    EXPECT_EQ(take(), lines{});
    EXPECT_EQ(roster_.statistics("sales", now_)->logged_in, 1);
}

TEST_F(queue_test, EventsForUnknownMembersAndGarbageChangeNothing) {
    on(agent_event("AgentConnect"));
    on(agent_event("AgentComplete"));
    on(member("QueueMemberRemoved", member_fields{}));
    on(ami::message{{"Event", "QueueMemberAdded"}, {"Queue", "sales"}});          // no interface
    on(ami::message{{"Event", "QueueMemberPause"}, {"Interface", "IAX2/2002"}});  // no queue
    on(ami::message{{"Event", "QueueCallerLeave"}, {"Uniqueid", "nobody"}});
    EXPECT_EQ(take(), lines{});
    EXPECT_TRUE(roster_.queues().empty());
}

TEST_F(queue_test, TheRosterIsBounded) {
    roster_env env = make_env();
    env.max_members = 2;
    env.max_callers = 1;
    queue_roster small(env, {});
    for (const auto* iface : {"IAX2/2001", "IAX2/2002", "IAX2/2003"}) {
        small.on_event(member("QueueMemberAdded", member_fields{}.with_interface(iface)), now_);
    }
    small.on_event(caller_event("QueueCallerJoin", "a", 1), now_);
    small.on_event(caller_event("QueueCallerJoin", "b", 2), now_);
    const auto s = small.statistics("sales", now_);
    EXPECT_EQ(s->logged_in, 2);
    EXPECT_EQ(s->waiting, 1);
}

TEST_F(queue_test, LogOnAddsTheConfiguredInterface) {
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "sales", true, "")),
              "Action: QueueAdd\nQueue: sales\nInterface: Local/2002@from-queue/n\n"
              "MemberName: 2002\nPaused: false\nStateInterface: hint:2002@ext-local\n");
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "sales", false, "login")),
              "Action: QueueAdd\nQueue: sales\nInterface: Local/2002@from-queue/n\n"
              "MemberName: 2002\nPaused: true\nStateInterface: hint:2002@ext-local\n"
              "Reason: login\n");
    EXPECT_EQ(actions(roster_.plan_log_on("9999", "sales", true, "")), "refused: invalidDeviceID");
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "", true, "")), "refused: valueOutOfRange");
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "sales\r\nAction: Originate", true, "")),
              "refused: valueOutOfRange");
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "sales", false, std::string(81, 'x'))),
              "refused: valueOutOfRange");
    on(member("QueueMemberAdded", member_fields{}));
    EXPECT_EQ(actions(roster_.plan_log_on("2002", "sales", true, "")),
              "refused: invalidDeviceState");
}

TEST_F(queue_test, LogOffAndReadyActOnEveryMembershipOrOneQueue) {
    EXPECT_EQ(actions(roster_.plan_log_off("2002", "")), "refused: invalidDeviceState");
    EXPECT_EQ(actions(roster_.plan_ready("2002", "", true, "")), "refused: invalidDeviceState");
    on(member("QueueMemberAdded", member_fields{}));
    on(member("QueueMemberAdded",
              member_fields{}.with_queue("support").with_interface("IAX2/2002")));
    EXPECT_EQ(actions(roster_.plan_log_off("2002", "support")),
              "Action: QueueRemove\nQueue: support\nInterface: IAX2/2002\n");
    EXPECT_EQ(actions(roster_.plan_log_off("2002", "")),
              "Action: QueueRemove\nQueue: sales\nInterface: Local/2002@from-queue/n\n"
              "Action: QueueRemove\nQueue: support\nInterface: IAX2/2002\n");
    EXPECT_EQ(actions(roster_.plan_ready("2002", "", false, "lunch")),
              "Action: QueuePause\nInterface: Local/2002@from-queue/n\nQueue: sales\nPaused: true\n"
              "Reason: lunch\n"
              "Action: QueuePause\nInterface: IAX2/2002\nQueue: support\nPaused: true\n"
              "Reason: lunch\n");
    EXPECT_EQ(actions(roster_.plan_ready("2002", "sales", true, "")),
              "Action: QueuePause\nInterface: Local/2002@from-queue/n\nQueue: sales\n"
              "Paused: false\n");
    EXPECT_EQ(actions(roster_.plan_ready("2002", "", false, "a\nb")), "refused: valueOutOfRange");
    on(member("QueueMemberAdded", member_fields{}.with_queue("vip").with_membership("static")));
    EXPECT_EQ(actions(roster_.plan_log_off("2002", "vip")), "refused: invalidDeviceState");
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
