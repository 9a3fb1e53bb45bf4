#include "ctigw/tapihost/matcher.hpp"
#include "ctigw/tapihost/scenario.hpp"

#include <gtest/gtest.h>

namespace ctigw::tapihost {
namespace {

struct log_builder {
    std::vector<event> log;
    void line(const std::string& dev, std::uint64_t call, DWORD msg, DWORD_PTR p1 = 0,
              DWORD_PTR p2 = 0, std::uint64_t parent = 0) {
        event e;
        e.kind = event_kind::line;
        e.seq = log.size();
        e.device = dev;
        e.call = call;
        e.msg = msg;
        e.p1 = p1;
        e.p2 = p2;
        e.parent = parent;
        log.push_back(e);
    }
    void phone(const std::string& dev, DWORD msg, DWORD_PTR p1, DWORD_PTR p2 = 0,
               DWORD_PTR p3 = 0) {
        event e;
        e.kind = event_kind::phone;
        e.device = dev;
        e.msg = msg;
        e.p1 = p1;
        e.p2 = p2;
        e.p3 = p3;
        log.push_back(e);
    }
    void completion(DRV_REQUESTID id, LONG result) {
        event e;
        e.kind = event_kind::completion;
        e.request = id;
        e.result = result;
        log.push_back(e);
    }
};

target state(std::uint64_t call, DWORD s, std::optional<std::uint32_t> mode = std::nullopt) {
    target t;
    t.kind = expect_kind::call_state;
    t.device = "2001";
    t.call = call;
    t.value = s;
    t.mode = mode;
    return t;
}

using st = match_outcome::status;

TEST(Matcher, InOrderPerCallWithUnrelatedEventsBetween) {
    log_builder b;
    b.line("2001", 1, LINE_CALLSTATE, LINECALLSTATE_DIALTONE);
    b.line("2002", 2, LINE_NEWCALL);
    b.line("2001", 1, LINE_CALLSTATE, LINECALLSTATE_RINGBACK);
    b.line("2002", 2, LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    b.line("2001", 1, LINE_CALLSTATE, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    matcher m;
    auto r = m.find(state(1, LINECALLSTATE_RINGBACK), b.log);
    ASSERT_EQ(r.st, st::matched);
    EXPECT_EQ(r.index, 2u);
    m.consume(state(1, LINECALLSTATE_RINGBACK), r.index);
    // The earlier DIALTONE is behind the cursor now.
    EXPECT_EQ(m.find(state(1, LINECALLSTATE_DIALTONE), b.log).st, st::pending);
    // Another call's stream is independent.
    target off = state(2, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
    off.device = "2002";
    EXPECT_EQ(m.find(off, b.log).index, 3u);
    // Mode must be equal when given.
    EXPECT_EQ(m.find(state(1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_INACTIVE), b.log).st,
              st::pending);
    EXPECT_EQ(m.find(state(1, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE), b.log).st,
              st::matched);
    // Nothing yet, then it arrives.
    EXPECT_EQ(m.find(state(1, LINECALLSTATE_IDLE), b.log).st, st::pending);
    b.line("2001", 1, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    EXPECT_EQ(m.find(state(1, LINECALLSTATE_IDLE), b.log).index, 5u);
    EXPECT_EQ(m.seen(state(1, LINECALLSTATE_IDLE), b.log), (std::vector<std::size_t>{4, 5}));
}

TEST(Matcher, CallInfoBitsAccumulate) {
    log_builder b;
    b.line("2002", 2, LINE_CALLINFO, LINECALLINFOSTATE_CALLERID);
    b.line("2002", 2, LINE_CALLSTATE, LINECALLSTATE_OFFERING);
    b.line("2002", 2, LINE_CALLINFO, LINECALLINFOSTATE_CALLEDID);
    target t;
    t.kind = expect_kind::call_info;
    t.device = "2002";
    t.call = 2;
    t.value = LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID;
    matcher m;
    EXPECT_EQ(m.find(t, b.log).index, 2u);
}

TEST(Matcher, NewCallsInOrderAndConferenceParent) {
    log_builder b;
    b.line("2002", 4, LINE_NEWCALL);
    b.line("2002", 4, LINE_CALLSTATE, LINECALLSTATE_OFFERING);
    b.line("2002", 5, LINE_NEWCALL);
    b.line("2002", 4, LINE_CALLSTATE, LINECALLSTATE_CONFERENCED, 0x99, 5);
    target nc;
    nc.kind = expect_kind::newcall;
    nc.device = "2002";
    matcher m;
    auto r = m.find(nc, b.log);
    EXPECT_EQ(r.index, 0u);
    m.consume(nc, r.index);
    EXPECT_EQ(m.find(nc, b.log).index, 2u);
    target conf = state(4, LINECALLSTATE_CONFERENCED);
    conf.parent = 6;
    EXPECT_EQ(m.find(conf, b.log).st, st::pending);
    conf.parent = 5;
    EXPECT_EQ(m.find(conf, b.log).index, 3u);
}

TEST(Matcher, CompletionMismatchIsImmediate) {
    log_builder b;
    b.completion(3, 0);
    b.completion(4, static_cast<LONG>(LINEERR_INVALCALLSTATE));
    target t;
    t.kind = expect_kind::completion;
    t.request = 4;
    t.result = 0;
    matcher m;
    auto r = m.find(t, b.log);
    EXPECT_EQ(r.st, st::failed);
    EXPECT_EQ(r.index, 1u);
    t.result = static_cast<LONG>(LINEERR_INVALCALLSTATE);
    EXPECT_EQ(m.find(t, b.log).st, st::matched);
    t.request = 5;
    EXPECT_EQ(m.find(t, b.log).st, st::pending);
}

TEST(Matcher, CompletionAlternatives) {
    log_builder b;
    b.completion(4, static_cast<LONG>(LINEERR_INVALLINESTATE));
    target t;
    t.kind = expect_kind::completion;
    t.request = 4;
    t.result = static_cast<LONG>(LINEERR_OPERATIONFAILED);
    matcher m;
    EXPECT_EQ(m.find(t, b.log).st, st::failed);
    t.also = {static_cast<LONG>(LINEERR_INVALLINESTATE)};
    EXPECT_EQ(m.find(t, b.log).st, st::matched);
    const auto sc = parse_scenario(
        "expect completion setagentstate LINEERR_OPERATIONFAILED|LINEERR_INVALLINESTATE\n");
    ASSERT_EQ(sc.errors.size(), 0u);
    const auto& ex = std::get<expect_stmt>(sc.statements.at(0).body);
    EXPECT_EQ(ex.result, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(ex.also, std::vector<LONG>{static_cast<LONG>(LINEERR_INVALLINESTATE)});
    EXPECT_FALSE(parse_scenario("expect completion answer ok|\n").errors.empty());
}

TEST(Matcher, LineAndPhoneStreams) {
    log_builder b;
    b.line("2001", 1, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    b.line("2001", 0, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE);
    b.line("2001", 0, LINE_ADDRESSSTATE, 0, LINEADDRESSSTATE_FORWARD);
    b.phone("2001", PHONE_STATE, PHONESTATE_DISPLAY);
    b.phone("2001", PHONE_BUTTON, 3, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_DOWN);
    matcher m;
    target dev;
    dev.kind = expect_kind::dev_state;
    dev.device = "2001";
    dev.value = LINEDEVSTATE_OUTOFSERVICE;
    EXPECT_EQ(m.find(dev, b.log).index, 1u);
    dev.device = "2002";
    EXPECT_EQ(m.find(dev, b.log).st, st::pending);
    target addr;
    addr.kind = expect_kind::address_state;
    addr.device = "2001";
    addr.value = LINEADDRESSSTATE_FORWARD;
    EXPECT_EQ(m.find(addr, b.log).index, 2u);
    target ph;
    ph.kind = expect_kind::phone_state;
    ph.device = "2001";
    ph.value = PHONESTATE_DISPLAY;
    EXPECT_EQ(m.find(ph, b.log).index, 3u);
    target btn;
    btn.kind = expect_kind::phone_button;
    btn.device = "2001";
    btn.value = 3;
    btn.mode = PHONEBUTTONSTATE_UP;
    EXPECT_EQ(m.find(btn, b.log).st, st::pending);
    btn.mode = PHONEBUTTONSTATE_DOWN;
    EXPECT_EQ(m.find(btn, b.log).index, 4u);
    target any;
    any.kind = expect_kind::line_message;
    any.device = "2001";
    any.value = LINE_CALLSTATE;
    EXPECT_EQ(m.find(any, b.log).index, 0u);
    EXPECT_EQ(describe_target(dev, "", "", ""), "line 2002 LINE_LINEDEVSTATE OUTOFSERVICE");
}

}  // namespace
}  // namespace ctigw::tapihost
