// The AMI parser and encoder (gateway/src/asterisk/ami_parser.hpp): chunk splits, the limits,
// the quirks of the wire, and the encoder's refusal of anything that could inject headers.
#include "asterisk/ami_actions.hpp"
#include "asterisk/ami_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ctigw::gateway::ami {
namespace {

// A login, a list action and an event with a colon-bearing value, an empty value, repeated
// headers, a line without a colon and bare-LF endings mixed with CRLF.
const std::string sample =
    "Asterisk Call Manager/11.0.0\r\n"
    "Response: Success\r\nActionID: ctigw-1\r\nMessage: Authentication accepted\r\n\r\n"
    "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 667\r\nStatus: Fully Booted\r\n\r\n"
    "\r\n"
    "Response: Success\r\nActionID: ctigw-2\r\nEventList: start\r\nMessage: Channels will "
    "follow\r\n\r\n"
    "Event: CoreShowChannel\nActionID: ctigw-2\nChannel: IAX2/2001-1234\nApplicationData: "
    "IAX2/2002/2002,20,tT\nConnectedLineName:\nAccountCode: \nthis line has no colon\n\n"
    "Event: CoreShowChannelsComplete\r\nActionID: ctigw-2\r\nEventList: Complete\r\nListItems: "
    "1\r\n\r\n"
    "Event: VarSet\r\nVariable: A=1\r\nvariable: B=2\r\nEventTV: 2026-12-03T18:26:21.398+0000\r\n"
    "\r\n";

std::vector<message> parse_all(const std::string& text, parser& p) {
    std::vector<message> out;
    EXPECT_TRUE(p.feed(text, out)) << p.error();
    return out;
}

TEST(ami_parser, sample_stream) {
    parser p;
    const auto msgs = parse_all(sample, p);
    ASSERT_TRUE(p.banner());
    EXPECT_EQ(*p.banner(), "Asterisk Call Manager/11.0.0");
    ASSERT_EQ(msgs.size(), 6U);
    EXPECT_EQ(msgs[0].response(), "Success");
    EXPECT_EQ(msgs[0].action_id(), "ctigw-1");
    EXPECT_EQ(msgs[1].event(), "FullyBooted");
    EXPECT_EQ(msgs[1].get("status"), "Fully Booted");
    EXPECT_EQ(msgs[3].get("ApplicationData"), "IAX2/2002/2002,20,tT");
    EXPECT_TRUE(msgs[3].has("ConnectedLineName"));
    EXPECT_EQ(msgs[3].get("ConnectedLineName"), "");
    EXPECT_TRUE(msgs[3].has("AccountCode"));
    EXPECT_EQ(msgs[3].get("AccountCode"), "");
    EXPECT_EQ(msgs[3].headers().size(), 6U);
    EXPECT_EQ(p.skipped_lines(), 1U);
    EXPECT_EQ(msgs[5].get("EventTV"), "2026-12-03T18:26:21.398+0000");
    const auto vars = msgs[5].all("Variable");
    ASSERT_EQ(vars.size(), 2U);
    EXPECT_EQ(vars[0], "A=1");
    EXPECT_EQ(vars[1], "B=2");
}

TEST(ami_parser, every_split_gives_the_same_messages) {
    parser whole;
    const auto expected = parse_all(sample, whole);
    for (std::size_t i = 0; i <= sample.size(); ++i) {
        parser p;
        std::vector<message> got;
        ASSERT_TRUE(p.feed(std::string_view(sample).substr(0, i), got));
        ASSERT_TRUE(p.feed(std::string_view(sample).substr(i), got));
        ASSERT_EQ(got, expected) << "split at " << i;
        ASSERT_EQ(*p.banner(), *whole.banner());
    }
    // One byte at a time: every split point at once (mid-CRLF included).
    parser p;
    std::vector<message> got;
    for (char c : sample) ASSERT_TRUE(p.feed(std::string_view(&c, 1), got));
    EXPECT_EQ(got, expected);
    EXPECT_EQ(p.skipped_lines(), whole.skipped_lines());
}

TEST(ami_parser, three_way_splits) {
    parser whole;
    const auto expected = parse_all(sample, whole);
    const std::string_view s(sample);
    for (std::size_t i = 0; i < s.size(); i += 7) {
        for (std::size_t j = i; j <= s.size(); j += 5) {
            parser p;
            std::vector<message> got;
            ASSERT_TRUE(p.feed(s.substr(0, i), got));
            ASSERT_TRUE(p.feed(s.substr(i, j - i), got));
            ASSERT_TRUE(p.feed(s.substr(j), got));
            ASSERT_EQ(got, expected) << i << "," << j;
        }
    }
}

TEST(ami_parser, server_side_has_no_banner) {
    parser p({}, false);
    const auto msgs = parse_all("Action: Ping\r\nActionID: 1\r\n\r\n", p);
    EXPECT_FALSE(p.banner());
    ASSERT_EQ(msgs.size(), 1U);
    EXPECT_EQ(msgs[0].get("Action"), "Ping");
}

TEST(ami_parser, blank_lines_and_colon_first_lines) {
    parser p({}, false);
    const auto msgs = parse_all("\r\n\n\r\nEvent: A\r\n: no name\r\n\r\n\r\n\r\nEvent: B\n\n", p);
    ASSERT_EQ(msgs.size(), 2U);
    EXPECT_EQ(msgs[0].headers().size(), 1U);
    EXPECT_EQ(p.skipped_lines(), 1U);
    EXPECT_EQ(msgs[1].event(), "B");
}

TEST(ami_parser, a_message_of_skipped_lines_only_is_no_message) {
    parser p({}, false);
    const auto msgs = parse_all("garbage\r\n\r\nEvent: A\r\n\r\n", p);
    ASSERT_EQ(msgs.size(), 1U);
    EXPECT_EQ(p.skipped_lines(), 1U);
}

TEST(ami_parser, line_limit) {
    parser_limits l;
    l.max_line_bytes = 16;
    {
        parser p(l, false);  // exactly at the limit, with CR split from LF
        std::vector<message> out;
        EXPECT_TRUE(p.feed("Event: 123456789\r", out));
        EXPECT_TRUE(p.feed("\n\r\n", out));
        ASSERT_EQ(out.size(), 1U);
    }
    {
        parser p(l, false);  // one byte over, never ended: refused before the LF comes
        std::vector<message> out;
        EXPECT_FALSE(p.feed("Event: 1234567890", out));
        EXPECT_NE(p.error().find("line longer than 16 bytes"), std::string::npos) << p.error();
        EXPECT_FALSE(p.feed("\r\n\r\n", out));  // stays failed
    }
    {
        parser p(l);  // the banner is a line too
        std::vector<message> out;
        EXPECT_FALSE(p.feed("Asterisk Call Manager/11.0.0\r\n", out));
        EXPECT_TRUE(p.failed());
    }
    {
        parser p(l, false);
        std::vector<message> out;
        EXPECT_FALSE(p.feed("Event: 1234567890\n", out));
    }
}

TEST(ami_parser, header_limit) {
    parser_limits l;
    l.max_headers = 3;
    parser ok(l, false);
    std::vector<message> out;
    EXPECT_TRUE(ok.feed("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", out));
    ASSERT_EQ(out.size(), 1U);
    parser p(l, false);
    EXPECT_FALSE(p.feed("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n", out));
    EXPECT_NE(p.error().find("more than 3 headers"), std::string::npos) << p.error();
}

TEST(ami_parser, message_limit) {
    parser_limits l;
    l.max_message_bytes = 40;
    parser ok(l, false);
    std::vector<message> out;
    EXPECT_TRUE(ok.feed("Event: 1234567890\r\nEvent: 12345678\r\n\r\n", out));  // 38 bytes
    EXPECT_TRUE(
        ok.feed("Event: 1234567890\r\nEvent: 12345678\r\n\r\n", out));  // resets per message
    ASSERT_EQ(out.size(), 2U);
    parser p(l, false);
    EXPECT_FALSE(p.feed("Event: 1234567890\r\nEvent: 1234567890\r\nX: y\r\n", out));
    EXPECT_NE(p.error().find("message longer than 40 bytes"), std::string::npos) << p.error();
    // Lines without a colon count towards the message too.
    parser q(l, false);
    EXPECT_FALSE(q.feed("no colon here at all, none\r\nno colon here either\r\nx\r\n", out));
}

TEST(ami_parser, reset_starts_a_new_connection) {
    parser p;
    std::vector<message> out;
    EXPECT_TRUE(p.feed("Asterisk Call Manager/11.0.0\r\nEvent: half", out));
    p.reset();
    EXPECT_FALSE(p.banner());
    EXPECT_TRUE(p.feed("Asterisk Call Manager/9.0.0\r\nEvent: A\r\n\r\n", out));
    EXPECT_EQ(*p.banner(), "Asterisk Call Manager/9.0.0");
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].event(), "A");
}

TEST(ami_encoder, action) {
    const auto r =
        encode_action("Originate", "ctigw-7",
                      {{"Channel", "IAX2/2001/2001"}, {"Variable", "A=b:c"}, {"Empty", ""}});
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.wire,
              "Action: Originate\r\nActionID: ctigw-7\r\nChannel: IAX2/2001/2001\r\nVariable: "
              "A=b:c\r\nEmpty: \r\n\r\n");
    // What we send parses back to what we meant.
    parser p({}, false);
    std::vector<message> out;
    ASSERT_TRUE(p.feed(r.wire, out));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].get("Variable"), "A=b:c");
    EXPECT_TRUE(out[0].has("Empty"));
}

TEST(ami_encoder, refuses_injection) {
    const std::vector<std::string> bad_values = {"2001\r\nAction: Hangup", "a\nb", "a\rb",
                                                 std::string("a\0b", 3), "x\r\n\r\nAction: Logoff"};
    for (const auto& v : bad_values) {
        const auto r = encode_action("Redirect", "ctigw-1", {{"Exten", v}});
        EXPECT_FALSE(r.ok()) << v;
        EXPECT_TRUE(r.wire.empty());
        EXPECT_FALSE(encode_action(v, "ctigw-1", {}).ok());
        EXPECT_FALSE(encode_action("Ping", v, {}).ok());
    }
    const std::vector<std::string> bad_names = {"",     "Exten: 1\r\nX",       "A:B", "A B",
                                                "A\tB", std::string("A\0", 2), "Ä"};
    for (const auto& n : bad_names) {
        EXPECT_FALSE(encode_action("Ping", "ctigw-1", {{n, "1"}}).ok()) << n;
    }
    EXPECT_FALSE(encode_action("Ping", "ctigw-1", {{"actionid", "x"}}).ok());
    EXPECT_FALSE(encode_action("Ping", "ctigw-1", {{"Action", "Logoff"}}).ok());
    EXPECT_FALSE(encode_action("", "ctigw-1", {}).ok());
    EXPECT_FALSE(encode_message(message{{"Event", "A\r\nB: c"}}).ok());
    EXPECT_FALSE(encode_message(message{}).ok());
    EXPECT_TRUE(encode_message(message{{"Event", "A"}, {"Value", "ü:é"}}).ok());
}

// ---- the action table (correlation, deadlines, exactly once; time passed in) ---------------

struct table_fixture {
    action_table table{2};
    std::vector<std::pair<std::string, action_result>> done;
    clock::time_point t0 = clock::now();
    void add(const std::string& action, bool internal = false,
             std::chrono::seconds timeout = std::chrono::seconds(10)) {
        table.add(
            action, [this, action](action_result r) { done.emplace_back(action, std::move(r)); },
            timeout, t0, internal);
    }
    bool route(const message& m, clock::time_point now) {
        std::optional<action_table::entry> finished;
        const bool ours = table.route(m, now, finished);
        if (finished) finished->done(std::move(finished->result));
        return ours;
    }
};

TEST(ami_action_table, correlation_and_limit) {
    table_fixture f;
    EXPECT_EQ(f.table.next_id(), "ctigw-1");
    f.add("Originate");
    f.add("Login", true);  // internal: does not count
    EXPECT_FALSE(f.table.full());
    f.add("Getvar");
    EXPECT_TRUE(f.table.full());
    // OriginateResponse has Event and Response: an event, not the answer.
    EXPECT_FALSE(f.route(
        message{{"Event", "OriginateResponse"}, {"ActionID", "ctigw-1"}, {"Response", "Success"}},
        f.t0));
    EXPECT_TRUE(f.route(
        message{{"Response", "Error"}, {"ActionID", "ctigw-3"}, {"Message", "No such channel"}},
        f.t0));
    EXPECT_TRUE(f.route(message{{"Response", "Success"}, {"ActionID", "ctigw-1"}}, f.t0));
    EXPECT_FALSE(f.route(message{{"Response", "Success"}, {"ActionID", "ctigw-1"}}, f.t0));  // gone
    EXPECT_FALSE(f.route(message{{"Response", "Success"}, {"ActionID", "other-1"}}, f.t0));
    EXPECT_FALSE(f.route(message{{"Response", "Success"}}, f.t0));
    ASSERT_EQ(f.done.size(), 2U);
    EXPECT_EQ(f.done[0].first, "Getvar");
    EXPECT_EQ(f.done[0].second.error, action_error::refused);
    EXPECT_NE(f.done[0].second.reason.find("No such channel"), std::string::npos);
    EXPECT_TRUE(f.done[1].second.ok());
    EXPECT_EQ(f.table.size(), 1U);
    const auto rest = f.table.take_all();
    ASSERT_EQ(rest.size(), 1U);
    EXPECT_EQ(rest[0].action, "Login");
    EXPECT_TRUE(f.table.take_all().empty());
}

TEST(ami_action_table, list_deadline_restarts_with_each_event) {
    table_fixture f;
    using std::chrono::seconds;
    f.add("CoreShowChannels", false, seconds(10));
    f.add("Ping", true, seconds(10));
    EXPECT_TRUE(
        f.route(message{{"Response", "Success"}, {"ActionID", "ctigw-1"}, {"EventList", "start"}},
                f.t0 + seconds(5)));
    EXPECT_TRUE(
        f.route(message{{"Event", "CoreShowChannel"}, {"ActionID", "ctigw-1"}}, f.t0 + seconds(9)));
    EXPECT_EQ(*f.table.next_deadline(), f.t0 + seconds(10));  // the Ping's
    const auto expired = f.table.take_expired(f.t0 + seconds(12));
    ASSERT_EQ(expired.size(), 1U);
    EXPECT_EQ(expired[0].action, "Ping");
    EXPECT_EQ(*f.table.next_deadline(), f.t0 + seconds(19));
    EXPECT_TRUE(f.route(message{{"Event", "CoreShowChannelsComplete"},
                                {"ActionID", "ctigw-1"},
                                {"EventList", "Complete"}},
                        f.t0 + seconds(13)));
    ASSERT_EQ(f.done.size(), 1U);
    EXPECT_EQ(f.done[0].second.events.size(), 2U);
    EXPECT_FALSE(f.table.next_deadline());
}

}  // namespace
}  // namespace ctigw::gateway::ami
