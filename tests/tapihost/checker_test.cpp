#include "ctigw/tapihost/checker.hpp"

#include <gtest/gtest.h>

namespace ctigw::tapihost {
namespace {

bool mentions(const rule_checker& c, const std::string& text) {
    for (const auto& v : c.violations())
        if (v.find(text) != std::string::npos) return true;
    return false;
}

TEST(Checker, CompletesOnceIsFine) {
    rule_checker c;
    c.line_opened("2001");
    c.request_issued(1, "lineMakeCall", {5});
    c.request_returned(1, 1);
    c.completion(1, 0);
    c.line_event("2001", 5, LINE_CALLSTATE, LINECALLSTATE_DIALTONE);
    c.request_issued(2, "lineDrop");
    c.completion(2, 0);  // before the function returned: allowed
    c.request_returned(2, 2);
    c.finish();
    EXPECT_TRUE(c.ok()) << c.violations().front();
}

TEST(Checker, SecondCompletionIsAViolation) {
    std::vector<std::string> seen;
    rule_checker c([&](const std::string& v) { seen.push_back(v); });
    c.request_issued(7, "lineHold");
    c.request_returned(7, 7);
    c.completion(7, 0);
    c.completion(7, 0);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_NE(seen[0].find("req 7 lineHold completed a second time"), std::string::npos);
}

TEST(Checker, MissingCompletionAtFinish) {
    rule_checker c;
    c.request_issued(3, "lineAnswer");
    c.request_returned(3, 3);
    EXPECT_EQ(c.pending(), 1u);
    EXPECT_TRUE(c.ok());
    c.finish();
    EXPECT_TRUE(mentions(c, "req 3 lineAnswer never completed"));
}

TEST(Checker, SyncFailureMustNotComplete) {
    rule_checker c;
    c.request_issued(4, "lineDial");
    c.request_returned(4, static_cast<LONG>(LINEERR_INVALCALLSTATE));
    EXPECT_EQ(c.pending(), 0u);
    c.finish();
    EXPECT_TRUE(c.ok());
    c.completion(4, 0);
    EXPECT_TRUE(mentions(c, "although it failed synchronously"));
}

TEST(Checker, BadReturnValuesAndUnknownIds) {
    rule_checker c;
    c.request_issued(5, "lineDrop");
    c.request_returned(5, 0);
    EXPECT_TRUE(mentions(c, "must return its dwRequestID"));
    c.completion(99, 0);
    EXPECT_TRUE(mentions(c, "req 99, which was never issued"));
}

TEST(Checker, NewCallRules) {
    rule_checker c;
    c.line_opened("2002");
    c.line_event("2002", 8, LINE_NEWCALL, 0);
    c.line_event("2002", 8, LINE_CALLINFO, LINECALLINFOSTATE_CALLERID);
    EXPECT_TRUE(mentions(c, "right after LINE_NEWCALL"));
}

TEST(Checker, NoCallInfoAfterIdleNorEventsAfterClose) {
    rule_checker c;
    c.line_opened("2002");
    c.line_event("2002", 8, LINE_NEWCALL, 0);
    c.line_event("2002", 8, LINE_CALLSTATE, LINECALLSTATE_OFFERING);
    c.line_event("2002", 8, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    EXPECT_TRUE(c.ok());
    c.line_event("2002", 8, LINE_CALLINFO, LINECALLINFOSTATE_CALLERID);
    EXPECT_TRUE(mentions(c, "LINE_CALLINFO after IDLE"));
    c.call_closed(8);
    c.line_event("2002", 8, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    EXPECT_TRUE(mentions(c, "after TSPI_lineCloseCall"));
}

TEST(Checker, EventsBeforeCreationCompletesOrAfterItFailed) {
    rule_checker c;
    c.line_opened("2001");
    c.request_issued(1, "lineMakeCall", {5});
    c.request_returned(1, 1);
    c.line_event("2001", 5, LINE_CALLSTATE, LINECALLSTATE_DIALTONE);
    EXPECT_TRUE(mentions(c, "before req 1 lineMakeCall completed"));
    rule_checker d;
    d.line_opened("2001");
    d.request_issued(2, "lineMakeCall", {6});
    d.request_returned(2, 2);
    d.completion(2, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    d.line_event("2001", 6, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    EXPECT_TRUE(mentions(d, "whose creating request failed"));
}

TEST(Checker, EventsForClosedLinesAndPhones) {
    rule_checker c;
    c.line_opened("2001");
    c.line_closed("2001");
    c.line_event("2001", 0, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE);
    EXPECT_TRUE(mentions(c, "for a line that is not open"));
    c.phone_event("2001", PHONE_STATE);
    EXPECT_TRUE(mentions(c, "for a phone that is not open"));
    c.unknown_call("2001", 77, LINE_CALLSTATE);
    EXPECT_TRUE(mentions(c, "unknown htCall 77"));
}

TEST(Checker, ProxyRequestAnsweredOnce) {
    rule_checker c;
    c.proxy_request(9, "lineGetAgentStatus");
    EXPECT_EQ(c.pending(), 1u);
    c.proxy_answered(9, 0);
    EXPECT_EQ(c.pending(), 0u);
    c.finish();
    EXPECT_TRUE(c.ok()) << c.violations().front();
}

TEST(Checker, ProxyRequestAnsweredTwiceOrNever) {
    rule_checker c;
    c.proxy_request(9, "lineSetAgentState");
    c.proxy_answered(9, 0);
    c.proxy_answered(9, static_cast<LONG>(LINEERR_OPERATIONFAILED));
    EXPECT_TRUE(mentions(c, "req 9 LINE_PROXYREQUEST lineSetAgentState answered again"));
    c.proxy_request(10, "lineGetQueueInfo");
    c.proxy_answered(11, 0);  // no such request
    EXPECT_TRUE(mentions(c, "lineProxyResponse for req 11, which is no LINE_PROXYREQUEST"));
    c.finish();
    EXPECT_TRUE(mentions(c, "req 10 LINE_PROXYREQUEST lineGetQueueInfo never answered"));
}

}  // namespace
}  // namespace ctigw::tapihost
