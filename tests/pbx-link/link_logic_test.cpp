// The link's pure logic: no network, injected time and randomness.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "backoff.hpp"
#include "endpoint.hpp"
#include "link_state_machine.hpp"
#include "pbx_link/mock_link.hpp"
#include "request_table.hpp"
#include "resync_plan.hpp"
#include "sequence_tracker.hpp"

namespace ctigw::pbx_link::detail {
namespace {

using namespace std::chrono_literals;
using s = link_state;
using ev = link_event;

// ---- backoff ----

TEST(linkBackoff, DoublesUpToMaxWithoutJitterAtMidpoint) {
    backoff b(10ms, 80ms, 0.2, [] { return 0.5; });
    EXPECT_EQ(b.next(), 10ms);
    EXPECT_EQ(b.next(), 20ms);
    EXPECT_EQ(b.next(), 40ms);
    EXPECT_EQ(b.next(), 80ms);
    EXPECT_EQ(b.next(), 80ms);  // capped
    b.reset();
    EXPECT_EQ(b.next(), 10ms);
}

TEST(linkBackoff, JitterStaysWithinBounds) {
    backoff low(100ms, 1000ms, 0.2, [] { return 0.0; });
    EXPECT_EQ(low.next(), 80ms);
    backoff high(100ms, 1000ms, 0.2, [] { return 0.999999; });
    EXPECT_EQ(high.next(), 120ms);
    std::mt19937_64 rng(7);
    backoff any(100ms, 100ms, 0.2,
                [&] { return std::uniform_real_distribution<double>(0, 1)(rng); });
    for (int i = 0; i < 1000; ++i) {
        const auto d = any.next();
        ASSERT_GE(d, 80ms);
        ASSERT_LE(d, 120ms);
    }
}

TEST(linkBackoff, NeverGivesUpAndNeverReturnsNegative) {
    backoff b(0ms, 5ms, 1.0, [] { return 0.0; });
    for (int i = 0; i < 100; ++i) EXPECT_GE(b.next(), 0ms);
    EXPECT_EQ(b.current(), 5ms);
}

// ---- sequence tracking ----

TEST(linkSequenceTracker, InOrderGapAndBackwards) {
    sequence_tracker t;
    EXPECT_EQ(t.check(1), seq_verdict::in_order);
    EXPECT_EQ(t.check(2), seq_verdict::in_order);
    EXPECT_EQ(t.check(4), seq_verdict::gap);       // 3 lost
    EXPECT_EQ(t.check(5), seq_verdict::in_order);  // one gap reported once
    EXPECT_EQ(t.check(5), seq_verdict::backwards);
    t.reset();
    EXPECT_EQ(t.expected(), 1u);
    EXPECT_EQ(t.check(2), seq_verdict::gap);  // a session must start at 1
}

// ---- state machine: every documented edge (docs/state-machines/link.md) ----

struct edge {
    link_state from;
    link_event event;
    link_state to;
};

const std::vector<edge> documented_edges = {
    {s::stopped, ev::start, s::connecting},
    {s::connecting, ev::tcp_connected, s::tls_handshake},
    {s::connecting, ev::tcp_connected_plain, s::ws_handshake},
    {s::connecting, ev::attempt_failed, s::connecting},
    {s::connecting, ev::round_failed, s::backoff},
    {s::tls_handshake, ev::tls_done, s::ws_handshake},
    {s::tls_handshake, ev::attempt_failed, s::connecting},
    {s::tls_handshake, ev::round_failed, s::backoff},
    {s::ws_handshake, ev::ws_done, s::negotiating},
    {s::ws_handshake, ev::attempt_failed, s::connecting},
    {s::ws_handshake, ev::round_failed, s::backoff},
    {s::negotiating, ev::hello_done, s::authenticating},
    {s::negotiating, ev::connection_lost, s::backoff},
    {s::authenticating, ev::authenticated, s::monitoring},
    {s::authenticating, ev::connection_lost, s::backoff},
    {s::monitoring, ev::monitors_done, s::resyncing},
    {s::monitoring, ev::resync_needed, s::monitoring},
    {s::monitoring, ev::connection_lost, s::backoff},
    {s::resyncing, ev::truth_complete, s::live},
    {s::resyncing, ev::resync_needed, s::resyncing},
    {s::resyncing, ev::connection_lost, s::backoff},
    {s::live, ev::resync_needed, s::resyncing},
    {s::live, ev::connection_lost, s::backoff},
    {s::live, ev::switch_endpoint, s::connecting},
    {s::backoff, ev::backoff_elapsed, s::connecting},
};

const std::vector<link_state> all_states = {
    s::stopped,        s::connecting, s::tls_handshake, s::ws_handshake, s::negotiating,
    s::authenticating, s::monitoring, s::resyncing,     s::live,         s::backoff};
const std::vector<link_event> all_events = {
    ev::start,           ev::tcp_connected,   ev::tcp_connected_plain, ev::tls_done,
    ev::ws_done,         ev::hello_done,      ev::authenticated,       ev::monitors_done,
    ev::truth_complete,  ev::resync_needed,   ev::attempt_failed,      ev::round_failed,
    ev::connection_lost, ev::switch_endpoint, ev::backoff_elapsed,     ev::stop};

TEST(linkStateMachine, EveryDocumentedEdge) {
    for (const auto& e : documented_edges) {
        EXPECT_EQ(link_state_machine::next(e.from, e.event), e.to)
            << to_string(e.from) << " --" << to_string(e.event) << "-->";
    }
}

TEST(linkStateMachine, StopFromEveryState) {
    for (auto st : all_states) EXPECT_EQ(link_state_machine::next(st, ev::stop), s::stopped);
}

TEST(linkStateMachine, EverythingElseIsIgnored) {
    std::size_t valid = 0;
    for (auto st : all_states) {
        for (auto e : all_events) {
            const auto to = link_state_machine::next(st, e);
            if (e == ev::stop) continue;
            bool documented = false;
            for (const auto& d : documented_edges) documented |= d.from == st && d.event == e;
            EXPECT_EQ(to.has_value(), documented) << to_string(st) << " / " << to_string(e);
            valid += to ? 1u : 0u;
        }
    }
    EXPECT_EQ(valid, documented_edges.size());
}

TEST(linkStateMachine, TransitionLogsAndNotifies) {
    std::vector<std::tuple<link_state, link_state, std::string>> seen;
    std::vector<std::string> log;
    link_state_machine m(
        [&](link_state f, link_state t, const std::string& w) { seen.emplace_back(f, t, w); },
        [&](int, const std::string& l) { log.push_back(l); });
    EXPECT_TRUE(m.dispatch(ev::start, "start()"));
    EXPECT_EQ(m.state(), s::connecting);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(std::get<2>(seen[0]), "start()");
    EXPECT_EQ(log.back(), "link: stopped -> connecting (start())");
    // A stale completion: ignored, logged, no notification.
    EXPECT_FALSE(m.dispatch(ev::truth_complete, "late snapshot"));
    EXPECT_EQ(m.state(), s::connecting);
    EXPECT_EQ(seen.size(), 1u);
    EXPECT_THAT(log.back(), ::testing::HasSubstr("ignored in state connecting"));
}

TEST(linkStateMachine, HappyPathAndLoss) {
    link_state_machine m({}, {});
    for (auto e : {ev::start, ev::tcp_connected, ev::tls_done, ev::ws_done, ev::hello_done,
                   ev::authenticated, ev::monitors_done, ev::truth_complete}) {
        ASSERT_TRUE(m.dispatch(e, ""));
    }
    EXPECT_EQ(m.state(), s::live);
    EXPECT_TRUE(m.dispatch(ev::connection_lost, "heartbeat timeout"));
    EXPECT_EQ(m.state(), s::backoff);
    EXPECT_FALSE(m.dispatch(ev::connection_lost, "again"));  // a second report of the same loss
}

// ---- request table ----

TEST(linkRequestTable, CorrelatesAndCompletesOnce) {
    request_table t(2, 1);
    const auto t0 = clock::now();
    int calls = 0;
    auto id = t.add(
        3, [&](request_outcome) { ++calls; }, 100ms, t0, false);
    EXPECT_EQ(t.user_in_flight(), 1u);
    auto p = t.take(id);
    ASSERT_TRUE(p);
    p->done({});
    EXPECT_FALSE(t.take(id));  // a duplicate response finds nothing
    EXPECT_TRUE(t.take_expired(t0 + 1s).empty());
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(t.user_in_flight(), 0u);
}

TEST(linkRequestTable, ExpiresInDeadlineOrderWithInjectedTime) {
    request_table t(10, 10);
    const auto t0 = clock::now();
    auto a = t.add(0, {}, 300ms, t0, false);
    auto b = t.add(0, {}, 100ms, t0, false);
    auto c = t.add(0, {}, 200ms, t0, true);
    EXPECT_EQ(t.next_deadline(), t0 + 100ms);
    EXPECT_TRUE(t.take_expired(t0 + 99ms).empty());
    auto first = t.take_expired(t0 + 200ms);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].id, b);
    EXPECT_EQ(first[1].id, c);
    EXPECT_TRUE(first[1].internal);
    EXPECT_FALSE(t.take(b));  // late response after the timeout: nothing to complete
    EXPECT_EQ(t.next_deadline(), t0 + 300ms);
    auto rest = t.take_all_pending();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].id, a);
    EXPECT_FALSE(t.next_deadline());
}

TEST(linkRequestTable, SlotsQueueAndBackpressure) {
    request_table t(2, 2);
    const auto t0 = clock::now();
    t.add(0, {}, 1s, t0, false);
    t.add(0, {}, 1s, t0, true);  // internal: no slot used
    EXPECT_TRUE(t.has_slot());
    auto id = t.add(0, {}, 1s, t0, false);
    EXPECT_FALSE(t.has_slot());
    EXPECT_TRUE(t.enqueue({}));
    EXPECT_TRUE(t.enqueue({}));
    EXPECT_FALSE(t.enqueue({}));    // queue full: backpressure
    EXPECT_FALSE(t.pop_waiting());  // no slot yet
    t.take(id);
    EXPECT_TRUE(t.pop_waiting());
    EXPECT_EQ(t.waiting(), 1u);
    EXPECT_EQ(t.take_all_waiting().size(), 1u);
    EXPECT_EQ(t.take_all_pending().size(), 2u);
    EXPECT_EQ(t.user_in_flight(), 0u);
}

TEST(linkRequestTable, TimedOutUserRequestsAreRememberedForOneLateResponse) {
    request_table t(4, 4);
    const auto t0 = clock::now();
    auto user = t.add(0, {}, 100ms, t0, false);
    auto internal = t.add(0, {}, 100ms, t0, true);
    EXPECT_EQ(t.take_expired(t0 + 100ms).size(), 2u);
    EXPECT_FALSE(t.take(user));
    EXPECT_TRUE(t.take_timed_out(user));
    EXPECT_FALSE(t.take_timed_out(user));      // one late response per request
    EXPECT_FALSE(t.take_timed_out(internal));  // internal requests have no owner to tell
    for (std::size_t i = 0; i <= request_table::max_timed_out; ++i) {
        t.add(0, {}, 1ms, t0, false);
    }
    const auto all = t.take_expired(t0 + 1s);
    EXPECT_FALSE(t.take_timed_out(all.front().id));  // bounded: the oldest is forgotten
    EXPECT_TRUE(t.take_timed_out(all.back().id));
}

TEST(linkRequestTable, HeldRequestsGiveUpAtTheirOwnDeadline) {
    request_table t(1, 4);
    const auto t0 = clock::now();
    auto held = [&](milliseconds timeout) {
        waiting_request w;
        w.timeout = timeout;
        w.hold_deadline = t0 + timeout;
        return w;
    };
    EXPECT_TRUE(t.enqueue(held(300ms)));
    EXPECT_TRUE(t.enqueue(held(100ms)));
    auto pending = t.add(0, {}, 500ms, t0, false);
    EXPECT_EQ(t.next_deadline(), t0 + 100ms);  // the held one is earlier than the one on the wire
    EXPECT_TRUE(t.take_expired_waiting(t0 + 99ms).empty());
    auto gone = t.take_expired_waiting(t0 + 100ms);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].timeout, 100ms);
    EXPECT_EQ(t.next_deadline(), t0 + 300ms);
    t.take(pending);
    auto sent = t.pop_waiting();  // live with a free slot: sent, no longer held
    ASSERT_TRUE(sent);
    EXPECT_FALSE(sent->hold_deadline);
    EXPECT_FALSE(t.next_deadline());
    EXPECT_TRUE(t.take_expired_waiting(t0 + 1s).empty());
}

TEST(linkRequestTable, WaitingRequestsAreHeldWhenTheLinkIsLost) {
    request_table t(1, 4);
    const auto t0 = clock::now();
    t.add(0, {}, 1s, t0, false);
    waiting_request w;
    w.timeout = 200ms;
    EXPECT_TRUE(t.enqueue(std::move(w)));  // waits for a slot: not timed
    t.take_all_pending();                  // the link is lost
    EXPECT_FALSE(t.next_deadline());
    t.hold_waiting(t0 + 50ms);
    EXPECT_EQ(t.next_deadline(), t0 + 250ms);
    EXPECT_TRUE(t.take_expired_waiting(t0 + 249ms).empty());
    EXPECT_EQ(t.take_expired_waiting(t0 + 250ms).size(), 1u);
    EXPECT_EQ(t.waiting(), 0u);
}

// ---- resync plan ----

std::vector<std::string> devs(int n) {
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) v.push_back(std::to_string(2000 + i));
    return v;
}

TEST(linkResyncPlan, BatchesWindowAndPhases) {
    resync_plan p(devs(7), 3, 2);
    EXPECT_EQ(p.phase(), resync_phase::monitor);
    auto b1 = p.next_batch();
    auto b2 = p.next_batch();
    ASSERT_TRUE(b1 && b2);
    EXPECT_EQ(b1->size(), 3u);
    EXPECT_FALSE(p.next_batch());  // window of 2
    p.monitor_batch_done(*b1, {});
    auto b3 = p.next_batch();
    ASSERT_TRUE(b3);
    EXPECT_EQ(b3->size(), 1u);
    EXPECT_FALSE(p.advance());                               // still in flight
    p.monitor_batch_done({(*b2)[0], (*b2)[1]}, {(*b2)[2]});  // one to retry
    p.monitor_batch_done(*b3, {});
    auto retry = p.next_batch();
    ASSERT_TRUE(retry);
    EXPECT_EQ(*retry, std::vector<std::string>{(*b2)[2]});
    p.monitor_batch_done(*retry, {});
    EXPECT_TRUE(p.advance());
    EXPECT_EQ(p.phase(), resync_phase::snapshot);
    std::size_t n = 0;
    while (auto b = p.next_batch()) {
        n += b->size();
        p.snapshot_batch_done({});
    }
    EXPECT_EQ(n, 7u);
    EXPECT_TRUE(p.advance());
    EXPECT_EQ(p.phase(), resync_phase::done);
}

TEST(linkResyncPlan, FailedMonitorsAreNotSnapshotAndEmptyIsDone) {
    resync_plan p(devs(2), 10, 4);
    auto b = p.next_batch();
    p.monitor_batch_done({"2000"}, {});
    EXPECT_TRUE(p.advance());
    auto s1 = p.next_batch();
    ASSERT_TRUE(s1);
    EXPECT_EQ(*s1, std::vector<std::string>{"2000"});
    EXPECT_EQ(resync_plan({}, 10, 4).phase(), resync_phase::done);
}

TEST(linkMonitorMap, GatesEventsUntilTheTruth) {
    monitor_map m;
    m.add("m-1", "2001");
    ASSERT_NE(m.device_of("m-1"), nullptr);
    EXPECT_EQ(*m.device_of("m-1"), "2001");
    EXPECT_EQ(m.device_of("m-2"), nullptr);
    EXPECT_FALSE(m.ready("2001"));
    m.set_ready("2001");
    EXPECT_TRUE(m.ready("2001"));
    m.not_ready_any();
    EXPECT_FALSE(m.ready("2001"));
    EXPECT_NE(m.device_of("m-1"), nullptr);  // monitors survive a resync on the same session
}

TEST(linkMonitorMap, RemoveAndReplaceForSetDevices) {
    monitor_map m;
    m.add("m-1", "2001");
    m.add("m-2", "2002");
    m.set_ready("2001");
    EXPECT_TRUE(m.monitored("2001"));
    // removed: its ref comes back (for MonitorStop) and its events drop from now on
    EXPECT_EQ(m.remove_device("2001"), std::optional<std::string>("m-1"));
    EXPECT_EQ(m.device_of("m-1"), nullptr);
    EXPECT_FALSE(m.ready("2001"));
    EXPECT_FALSE(m.monitored("2001"));
    EXPECT_EQ(m.remove_device("2001"), std::nullopt);
    // a new ref for a device replaces the old one, and keeps its readiness
    m.set_ready("2002");
    m.add("m-9", "2002");
    EXPECT_EQ(m.device_of("m-2"), nullptr);
    ASSERT_NE(m.find("m-9"), nullptr);
    EXPECT_EQ(m.find("m-9")->device, "2002");
    EXPECT_TRUE(m.find("m-9")->ready);
    EXPECT_EQ(m.size(), 1u);
    m.add("m-9", "2002");  // the same ref again changes nothing
    EXPECT_TRUE(m.ready("2002"));
    EXPECT_EQ(m.size(), 1u);
    // a device whose monitor failed has no events to let through
    m.set_ready("2003");
    EXPECT_FALSE(m.ready("2003"));
    m.add("m-3", "2003");
    EXPECT_FALSE(m.find("m-3")->ready) << "ready before its truth";
}

// ---- endpoints, pins ----

TEST(linkParseEndpoint, Forms) {
    auto e = parse_endpoint("wss://pbx1.example.com:8443/csta");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "pbx1.example.com");
    EXPECT_EQ(e->port, 8443);
    EXPECT_EQ(e->target, "/csta");
    EXPECT_TRUE(e->secure);
    EXPECT_EQ(e->url, "wss://pbx1.example.com:8443/csta");
    e = parse_endpoint("ws://10.0.0.1/x/y?z=1");
    ASSERT_TRUE(e);
    EXPECT_FALSE(e->secure);
    EXPECT_EQ(e->port, 80);
    EXPECT_EQ(e->target, "/x/y?z=1");
    e = parse_endpoint("WSS://[::1]:9000");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "::1");
    EXPECT_EQ(e->port, 9000);
    EXPECT_EQ(e->target, "/");
    EXPECT_EQ(parse_endpoint("wss://h")->port, 443);
}

TEST(linkParseEndpoint, Refusals) {
    for (const char* bad : {"", "http://h/", "wss://", "wss://:443/", "wss://h:0/",
                            "wss://h:65536/", "wss://h:x/", "wss://h:/", "wss://::1:443/",
                            "wss://[::1/", "wss://u@h/", "wss://h h/", "wss://h/a b"}) {
        EXPECT_FALSE(parse_endpoint(bad)) << bad;
    }
}

TEST(linkPin, Normalization) {
    const std::string hex64(64, 'a');
    EXPECT_EQ(normalize_pin(hex64), hex64);
    std::string colons;
    for (int i = 0; i < 32; ++i) colons += std::string(i ? ":" : "") + "AB";
    std::string lower;
    for (int i = 0; i < 32; ++i) lower += "ab";
    EXPECT_EQ(normalize_pin(colons), lower);
    EXPECT_FALSE(normalize_pin("abc"));
    EXPECT_FALSE(normalize_pin(std::string(63, 'a') + "g"));
    EXPECT_TRUE(is_ip_literal("127.0.0.1"));
    EXPECT_TRUE(is_ip_literal("::1"));
    EXPECT_FALSE(is_ip_literal("pbx1.example.com"));
}

TEST(linkEnumNames, AllNamed) {
    for (auto st : all_states) EXPECT_NE(to_string(st), "?");
    EXPECT_EQ(to_string(request_failure::backpressure), "backpressure");
}

// ---- the test doubles compile and behave ----

struct null_callbacks : link_callbacks {
    void on_state(link_state, link_state, const std::string&) override { ++states; }
    void on_link_down(const link_down&) override { ++downs; }
    void on_device_truth(const device_truth&) override { ++truths; }
    void on_live() override { ++lives; }
    void on_event(const std::string&, const protocol::event_message&) override { ++events; }
    int states = 0, downs = 0, truths = 0, lives = 0, events = 0;
};

TEST(linkFakeLink, ScriptsTheSwitch) {
    null_callbacks cb;
    testing::fake_link fake(cb);
    int outcomes = 0;
    std::optional<request_failure> last;
    auto done = [&](request_outcome o) {
        ++outcomes;
        last = o.failure;
    };
    EXPECT_FALSE(fake.request({}, done, std::nullopt));  // not started: refused, not called
    EXPECT_EQ(outcomes, 0);
    fake.start();
    EXPECT_TRUE(fake.request({}, done, std::nullopt));  // held until live
    fake.go_live({device_truth{"2001", {}, {}, {}}});
    EXPECT_EQ(cb.truths, 1);
    EXPECT_EQ(cb.lives, 1);
    EXPECT_TRUE(fake.request({}, done, std::nullopt));
    EXPECT_TRUE(fake.request({}, done, std::nullopt));
    fake.push_event("2001", {});
    fake.go_down("heartbeat timeout");
    EXPECT_EQ(outcomes, 3);
    EXPECT_EQ(last, request_failure::link_lost);
    EXPECT_TRUE(fake.request({}, done, std::nullopt));  // held while down
    fake.expire_held();
    EXPECT_EQ(outcomes, 4);
    EXPECT_EQ(last, request_failure::not_connected);
    EXPECT_EQ(cb.downs, 1);
    ::testing::StrictMock<testing::mock_link> mock;
    EXPECT_CALL(mock, start());
    mock.start();
}

}  // namespace
}  // namespace ctigw::pbx_link::detail
