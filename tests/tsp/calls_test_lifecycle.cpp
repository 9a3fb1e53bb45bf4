// The call's lifecycle (what TAPI knows of it, docs/state-machines/call.md "Lifecycle"): its edges
// are checked and logged by call_machine, and each one decides what TAPI hears.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "calls_test.hpp"
#include "ctigw/protocol/timestamp.hpp"

namespace ctigw::tsp::testing {
namespace {

namespace svc = proto::svc;
using strings = std::vector<std::string>;
constexpr LONG E(DWORD e) {
    return static_cast<LONG>(e);
}
const auto ht_call = [](int n) {
    return reinterpret_cast<HTAPICALL>(static_cast<std::uintptr_t>(0x6000 + n));
};

template <class S>
proto::service_result ok(typename S::result r = {}) {
    return proto::service_result{std::in_place_type<typename S::result>, std::move(r)};
}

class call_lifecycle_test : public calls_test {
  protected:
    bool logged(const std::string& text) const {
        return std::any_of(log_.begin(), log_.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    }
    call_lifecycle lifecycle_of(const call_ptr& c) {
        const auto held = p();
        return c->lifecycle();
    }
};

TEST_F(call_lifecycle_test, every_edge_is_checked_and_logged) {
    const auto held = p();
    auto& m = *held;
    const auto l = line_of("2001");
    const auto c = calls::create_call(m, l);
    EXPECT_EQ(c->lifecycle(), call_lifecycle::untold);
    call_machine::await_request(m, l, c);
    EXPECT_TRUE(c->requested());
    EXPECT_TRUE(logged("lifecycle untold -> requested"));
    // A requested call is not announced by a state change: its request's completion tells TAPI.
    ASSERT_TRUE(call_machine::transition(m, l, c, LINECALLSTATE_DIALTONE, 0));
    EXPECT_TRUE(c->requested());
    EXPECT_FALSE(call_machine::announce(m, l, c));
    call_machine::request_succeeded(m, l, c);
    EXPECT_TRUE(c->told());
    call_machine::line_closed(m, l, c);
    EXPECT_EQ(c->lifecycle(), call_lifecycle::untold);
    EXPECT_EQ(c->reported_state(), 0u);  // the next announcement reports the state again
    call_machine::close(m, l, c);
    EXPECT_TRUE(c->closed());
    EXPECT_TRUE(logged("lifecycle untold -> closed"));
    // Closed is final: nothing brings the handle back.
    EXPECT_FALSE(call_machine::announce(m, l, c));
    call_machine::request_succeeded(m, l, c);
    call_machine::abandon(m, l, c);
    call_machine::await_request(m, l, c);
    EXPECT_TRUE(c->closed());
    EXPECT_TRUE(logged("refused lifecycle closed -> requested"));
}

TEST_F(call_lifecycle_test, a_failed_request_leaves_a_silent_handle_only_close_accepts) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(1), &hd, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    const auto c = call_of(hd);
    ASSERT_TRUE(c);
    EXPECT_EQ(lifecycle_of(c), call_lifecycle::requested);
    // Events of the call bind to it but reach TAPI only once the request has succeeded.
    event("2001", ev_initiated({"c1", "2001"}, proto::event_cause::make_call));
    EXPECT_EQ(seen("2001"), strings{});
    refuse(proto::error_category::operation, "invalidDestination");
    EXPECT_EQ(completions(id), std::vector<LONG>{E(LINEERR_INVALADDRESS)});
    EXPECT_EQ(lifecycle_of(c), call_lifecycle::failed);
    EXPECT_EQ(seen("2001"), strings{});  // not even IDLE: TAPI was told it was not made
    EXPECT_EQ(calls::drop(p(), 999, hd), E(LINEERR_INVALCALLHANDLE));  // no request: no rid()
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    EXPECT_EQ(lifecycle_of(c), call_lifecycle::closed);
    EXPECT_EQ(calls::close_call(p(), hd), E(LINEERR_INVALCALLHANDLE));
}

// The switch's events of our MakeCall came without its cause and made a call of their own (TAPI
// was told of it): the MakeCall's result names that switch call, our call takes it over and the
// stand-in ends with IDLE only.
TEST_F(call_lifecycle_test, make_call_takes_over_the_call_its_events_made) {
    HDRVCALL hd = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(2), &hd, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    event("2001", ev_initiated({"c4", "2001"}, proto::event_cause::new_call));
    event("2001", ev_originated({"c4", "2001"}, "2001", "2002"));
    event("2001", ev_delivered({"c4", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(seen("2001", true),
              (strings{"c1:NEWCALL", "c1:DIALTONE", "c1:DIALING", "c1:PROCEEDING", "c1:RINGBACK"}));
    clear_messages();
    reply(ok<svc::make_call>({connection_id{"c4", "2001"}}));
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
    EXPECT_TRUE(logged("was call"));
    // The stand-in ends (no DISCONNECTED: nothing was lost); ours reports where the call is.
    EXPECT_EQ(seen("2001", true), (strings{"c1:IDLE", "c2:RINGBACK"}));
    EXPECT_EQ(ht_of(hd), nullptr);  // TAPI's own handle: never announced with NEWCALL
    const auto c = call_of(hd);
    ASSERT_TRUE(c);
    EXPECT_EQ(lifecycle_of(c), call_lifecycle::told);
    EXPECT_EQ(bound("2001", "c4"), c);
    event("2001", ev_established({"c4", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(seen("2001", true), (strings{"c1:IDLE", "c2:RINGBACK", "c2:CONNECTED"}));
}

// lineClose: a live call is kept silently and announced again (with its current state) when the
// line is reopened; a call whose creating request is in flight fails and goes.
TEST_F(call_lifecycle_test, line_close_untells_live_calls_and_fails_requested_ones) {
    const HDRVCALL in = incoming_offering("c5", "2003", "2001");
    ASSERT_NE(in, nullptr);
    HDRVCALL made = nullptr;
    const auto id = rid();
    ASSERT_EQ(
        calls::make_call(p(), id, line_of("2001")->hd(), ht_call(3), &made, w(u"2002"), 0, nullptr),
        static_cast<LONG>(id));
    const auto offered = call_of(in);
    const auto requested = call_of(made);
    ASSERT_TRUE(offered && requested);
    calls_line_closed(p(), line_of("2001"));
    EXPECT_EQ(completions(id), std::vector<LONG>{E(LINEERR_OPERATIONFAILED)});
    EXPECT_EQ(lifecycle_of(offered), call_lifecycle::untold);
    EXPECT_EQ(lifecycle_of(requested), call_lifecycle::closed);
    EXPECT_TRUE(logged("lifecycle told -> untold"));
    EXPECT_TRUE(logged("lifecycle requested -> failed"));
    clear_messages();
    call_machine::report_current(p(), line_of("2001"), offered);
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "OFFERING"}));
    EXPECT_EQ(lifecycle_of(offered), call_lifecycle::told);
}

// A call names its line by slot and serial (call::owner_ref), not by a weak_ptr: once lines_ is
// rebuilt (a second TSPI_providerEnumDevices), the new line in the same slot is not its line,
// even while the old one still lives, and TAPI can still close it.
TEST_F(call_lifecycle_test, a_call_of_a_line_no_longer_listed_has_no_owner_and_still_closes) {
    const HDRVCALL in = incoming_offering("c5", "0301555123", "2001");
    ASSERT_NE(in, nullptr);
    EXPECT_EQ(p()->call_ids_held(), 1u);
    line_ptr old;
    {
        const auto held = p();
        auto& s = *held;
        const auto c = s.call_from_handle(in);
        ASSERT_TRUE(c);
        old = s.owner_of(*c);
        ASSERT_TRUE(old);
        EXPECT_EQ(old->extension, "2001");
        auto was = std::move(s.lines_);
        s.lines_.clear();
        for (const auto& l : was) {
            auto again = std::make_shared<line>();
            again->extension = l->extension;
            s.add_line(again);
        }
        ASSERT_EQ(s.lines_.at(old->slot)->extension, "2001");
        EXPECT_EQ(s.owner_of(*c), nullptr) << "the new line in its slot taken for its own";
    }
    EXPECT_EQ(calls::close_call(p(), in), 0);
    EXPECT_EQ(call_of(in), nullptr);
    EXPECT_EQ(p()->call_ids_held(), 0u);
}

// The provider lock is the only way to the model. Taking it twice on one thread is a bug that
// std::mutex would turn into a deadlock: it is refused with an exception instead, while another
// thread simply waits for it.
TEST_F(call_lifecycle_test, the_provider_lock_taken_twice_on_one_thread_throws) {
    std::atomic<bool> other_has_it{false};
    std::thread other;
    {
        const auto held = p();
        EXPECT_THROW((void)p(), std::logic_error);
        other = std::thread([&] {
            const auto mine = p();
            other_has_it = true;
        });
        EXPECT_FALSE(other_has_it.load());  // it waits for `held`
    }
    other.join();
    EXPECT_TRUE(other_has_it.load());
    const auto again = p();  // released by both: this thread takes it again
    EXPECT_EQ(again->call_ids_held(), 0u);
}

// The switch's event timestamps (ctigw-gateway's events.timestamps) give the status its
// latency figure: from the stamp to each TAPI callback the event caused.
TEST_F(call_lifecycle_test, timestamped_events_give_the_status_its_latency) {
    event("2001", ev_delivered({"c9", "2001"}, "2002", "2001", connection_state::alerting));
    drain();
    EXPECT_EQ(state_->status_snapshot().latency_callbacks, 0u);  // no timestamp: no figure
    proto::event_message m;
    m.body = ev_established({"c9", "2001"}, "2002", "2001", connection_state::connected);
    m.timestamp =
        proto::format_timestamp(std::chrono::system_clock::now() - std::chrono::seconds(3));
    link().push_event("2001", m);
    EXPECT_EQ(seen("2001"), (strings{"NEWCALL", "OFFERING", "CONNECTED"}));
    const auto s = state_->status_snapshot();
    EXPECT_GE(s.latency_callbacks, 1u);  // CONNECTED (and what else the event told TAPI)
    EXPECT_GE(s.latency_p50_us, 3'000'000);
    EXPECT_LT(s.latency_max_us, 63'000'000);
    EXPECT_GE(s.latency_max_us, s.latency_p99_us);
    EXPECT_GE(s.latency_p99_us, s.latency_p50_us);
}

// A call's state entry time is read from the coarse wall clock: the wall clock, a tick behind
// at most (1–4 ms on Linux, ~16 ms on Windows), never ahead.
TEST(tspClock, the_coarse_wall_clock_is_the_wall_clock_at_its_tick) {
    using namespace std::chrono_literals;
    const auto before = std::chrono::system_clock::now();
    const auto coarse = coarse_wall_clock();
    const auto after = std::chrono::system_clock::now();
    EXPECT_LE(coarse, after);
    EXPECT_GE(coarse, before - 100ms);
}

}  // namespace
}  // namespace ctigw::tsp::testing
