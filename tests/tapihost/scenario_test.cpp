#include "ctigw/tapihost/scenario.hpp"

#include <gtest/gtest.h>

namespace ctigw::tapihost {
namespace {

template <class T>
const T& body(const scenario& sc, std::size_t i) {
    return std::get<T>(sc.statements.at(i).body);
}

std::string first_error(std::string_view text) {
    auto sc = parse_scenario(text);
    return sc.errors.empty() ? std::string() : sc.errors.front().text();
}

TEST(Scenario, EveryStatement) {
    const auto sc = parse_scenario(R"(# comment line
call 2001 2002 as c1      # trailing comment
makecall 2003 as d1
expect 2001 c1 RINGBACK
expect 2002 newcall as in1
expect 2002 in1 OFFERING ACTIVE within 2s
expect 2002 in1 callinfo CALLERID|CALLEDID
expect 2002 in1 callinfo CALLERID=2001 REASON=DIRECT CALLERIDNAME="Alice Martin"
expect completion last ok
expect completion makecall LINEERR_INVALCALLSTATE
expect completion lineAnswer ok
expect 2001 devstate OUTOFSERVICE
expect 2001 addressstate FORWARD
expect 2001 event LINE_CLOSE
expect phone 2001 state DISPLAY
expect phone 2001 button 3 DOWN
expect 2001 c1 digit 5
expect 2001 c1 generate done
wait 500ms
sim call +33123456789 2001
echo hello world
dial c1 123
answer in1
accept in1
drop c1
hold c1
unhold c1
swaphold c1 in1
blindtransfer c1 2004
setuptransfer c1 as cons
completetransfer c1 cons transfer
completetransfer c1 cons conference as conf
setupconference c1 as conf2 cons2
setupconference c1 4
prepareaddtoconference conf as cons3
addtoconference conf cons3
removefromconference cons3
park c1 directed 7001
park c1 nondirected
unpark 2001 7001 as up
pickup 2001 2002 as pk
pickup 2001 2002 front as pk2
grouppickup 2001 front as gp
redirect in1 2005
forward 2001 uncond 2009
forward 2001 noanswer 2009 4
forward 2001 dnd
forward 2001 cancel
generatedigits c1 123# 100
monitordigits c1 on
setcalldata c1 some data here
setappspecific c1 42
callinfo c1
callstatus c1
devstatus 2001
addressstatus #0
closecall c1
open 2001
close 2001
phone 2001 open
phone 2001 status
phone 2001 display
phone 2001 display set 0 0 "Hello there"
phone 2001 hookswitch handset micspeaker
phone 2001 lamp 2 FLASH
phone 2001 button 3
status
expect 2001 c1 CONFERENCED conf
expect 2001 c1 DISCONNECTED NORMAL
)");
    ASSERT_TRUE(sc.ok()) << sc.errors.front().text();
    ASSERT_EQ(sc.statements.size(), 68u);
    EXPECT_EQ(sc.statements[0].line, 2u);
    const auto& call = body<op_stmt>(sc, 0);
    EXPECT_EQ(call.verb, "call");
    EXPECT_EQ(call.args, (std::vector<std::string>{"2001", "2002"}));
    EXPECT_EQ(call.names, (std::vector<std::string>{"c1"}));
    EXPECT_EQ(body<op_stmt>(sc, 1).verb, "call");  // makecall

    const auto& st = body<expect_stmt>(sc, 2);
    EXPECT_EQ(st.kind, expect_kind::call_state);
    EXPECT_EQ(st.value, LINECALLSTATE_RINGBACK);
    EXPECT_FALSE(st.mode);
    EXPECT_EQ(body<expect_stmt>(sc, 3).bind, "in1");
    const auto& off = body<expect_stmt>(sc, 4);
    EXPECT_EQ(off.mode, LINEOFFERINGMODE_ACTIVE);
    EXPECT_EQ(off.within, std::chrono::milliseconds(2000));
    EXPECT_EQ(body<expect_stmt>(sc, 5).value,
              LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID);
    const auto& vals = body<expect_stmt>(sc, 6);
    EXPECT_EQ(vals.kind, expect_kind::call_values);
    ASSERT_EQ(vals.fields.size(), 3u);
    EXPECT_EQ(vals.fields[2],
              (std::pair<std::string, std::string>{"CALLERIDNAME", "Alice Martin"}));
    EXPECT_EQ(body<expect_stmt>(sc, 7).op, "last");
    EXPECT_EQ(body<expect_stmt>(sc, 8).op, "call");
    EXPECT_EQ(body<expect_stmt>(sc, 8).result, static_cast<LONG>(LINEERR_INVALCALLSTATE));
    EXPECT_EQ(body<expect_stmt>(sc, 10).kind, expect_kind::dev_state);
    EXPECT_EQ(body<expect_stmt>(sc, 12).value, static_cast<std::uint32_t>(LINE_CLOSE));
    EXPECT_EQ(body<expect_stmt>(sc, 13).kind, expect_kind::phone_state);
    EXPECT_EQ(body<expect_stmt>(sc, 14).mode, PHONEBUTTONSTATE_DOWN);
    EXPECT_EQ(body<expect_stmt>(sc, 15).value, static_cast<std::uint32_t>('5'));
    EXPECT_EQ(body<wait_stmt>(sc, 17).duration, std::chrono::milliseconds(500));
    EXPECT_EQ(body<sim_stmt>(sc, 18).command, "call +33123456789 2001");
    EXPECT_EQ(body<echo_stmt>(sc, 19).text, "hello world");
    auto by_text = [&](std::string_view text) -> const statement& {
        for (const auto& s : sc.statements)
            if (s.text == text) return s;
        ADD_FAILURE() << "no statement " << text;
        return sc.statements.front();
    };
    EXPECT_EQ(std::get<op_stmt>(by_text("forward 2001 noanswer 2009 4").body).args.back(), "4");
    EXPECT_EQ(std::get<op_stmt>(by_text("setcalldata c1 some data here").body).args,
              (std::vector<std::string>{"c1", "some data here"}));
    EXPECT_EQ(std::get<op_stmt>(by_text("phone 2001 display").body).args.back(), "display");
    EXPECT_EQ(
        std::get<op_stmt>(by_text("phone 2001 display set 0 0 \"Hello there\"").body).args.back(),
        "set 0 0 Hello there");
    EXPECT_EQ(std::get<expect_stmt>(by_text("expect 2001 c1 CONFERENCED conf").body).parent,
              "conf");
    EXPECT_EQ(std::get<expect_stmt>(by_text("expect 2001 c1 DISCONNECTED NORMAL").body).mode,
              LINEDISCONNECTMODE_NORMAL);
    EXPECT_EQ(by_text("expect 2001 c1 DISCONNECTED NORMAL").line, 69u);
    EXPECT_EQ(sc.extensions(), (std::set<std::string>{"2001", "2002", "2003"}));
}

TEST(Scenario, FeaturesExpectations) {
    const auto sc = parse_scenario(R"(call 2001 2002 as c1
expect 2002 features addresscaps lacks ANSWER
expect 2002 features devcaps has MAKECALL|FORWARD within 2s
expect 2002 features addressstatus has PICKUP
expect 2002 features devstatus lacks FORWARDFWD
expect 2001 c1 features has DROP|HOLD
)");
    ASSERT_TRUE(sc.errors.empty()) << sc.errors.front().text();
    const auto& a = body<expect_stmt>(sc, 1);
    EXPECT_EQ(a.kind, expect_kind::features);
    EXPECT_EQ(a.where, "addresscaps");
    EXPECT_TRUE(a.lacks);
    EXPECT_EQ(a.value, 0x00000004u);  // LINECALLFEATURE_ANSWER
    const auto& d = body<expect_stmt>(sc, 2);
    EXPECT_EQ(d.where, "devcaps");
    EXPECT_FALSE(d.lacks);
    EXPECT_EQ(d.value, 0x0000000Cu);  // LINEFEATURE_MAKECALL | FORWARD
    EXPECT_TRUE(d.within.has_value());
    const auto& c = body<expect_stmt>(sc, 5);
    EXPECT_EQ(c.where, "callstatus");
    EXPECT_EQ(c.call, "c1");
    EXPECT_EQ(first_error("expect 2002 features callstatus has ANSWER"),
              "line 1: usage: expect <line> features devcaps|addresscaps|devstatus|addressstatus "
              "has|lacks F[|F] | expect <line> <call> features has|lacks F[|F]");
    EXPECT_EQ(first_error("expect 2002 features devcaps has ANSWER")
                  .rfind("line 1: \"ANSWER\" is not a set of LINEFEATURE_", 0),
              0u);
}

TEST(Scenario, ErrorsCarryLineNumbers) {
    EXPECT_EQ(
        first_error("\n\nfrobnicate 2001 2002"),
        "line 3: unknown statement \"frobnicate\" (operations: open, close, call, dial, answer, "
        "accept, drop, hold, unhold, swaphold, blindtransfer, setuptransfer, completetransfer, "
        "setupconference, prepareaddtoconference, addtoconference, removefromconference, park, "
        "unpark, pickup, grouppickup, redirect, forward, msgwait, generatedigits, monitordigits, "
        "setcalldata, setappspecific, callinfo, callstatus, devstatus, addressstatus, "
        "closecall, phone, setagentgroup, setagentstate, setagentactivity, getagentcaps, "
        "getagentstatus, getagentactivitylist, getagentgrouplist, getgrouplist, createagent, "
        "createagentsession, setagentsessionstate, setagentstateex, "
        "setagentmeasurementperiod, getagentinfo, getagentsessionlist, getagentsessioninfo, "
        "getqueuelist, getqueueinfo, setqueuemeasurementperiod; or expect, wait, sim, echo, "
        "acdgroup, reasons)");
    EXPECT_EQ(first_error("answer c9"),
              "line 1: unknown call \"c9\" (name calls with \"as <name>\" first)");
    EXPECT_EQ(first_error("call 2001 2002 as c1\nexpect 2001 c1 RINGING"),
              "line 2: \"RINGING\" is not a call state (IDLE OFFERING ACCEPTED DIALTONE DIALING "
              "RINGBACK BUSY SPECIALINFO CONNECTED PROCEEDING ONHOLD CONFERENCED ONHOLDPENDCONF "
              "ONHOLDPENDTRANSFER DISCONNECTED UNKNOWN) nor callinfo/digit/generate");
    EXPECT_EQ(first_error("wait soon"), "line 1: \"soon\" is not a time (500ms, 2s, 1.5s, 1m)");
    EXPECT_EQ(
        first_error("call 2001 2002 as a b"),
        "line 1: \"call\" names at most 1 call(s): usage: call <line> [<number>] [as <name>]");
    EXPECT_EQ(first_error("answer"), "line 1: usage: answer <call>");
    EXPECT_EQ(first_error("call 2001 as c1\ncompletetransfer c1 c1 sideways"),
              "line 2: \"sideways\": expected transfer|conference; usage: completetransfer <call> "
              "<consult> transfer|conference [as <conf>]");
    EXPECT_EQ(first_error("expect completion frobnicate ok").substr(0, 40),
              "line 1: expect completion: \"frobnicate\" ");
    EXPECT_EQ(first_error("expect completion last maybe"),
              "line 1: \"maybe\" is not a result (ok, LINEERR_..., PHONEERR_...)");
    EXPECT_EQ(first_error("call 2001 as c1\nexpect 2001 c1 IDLE NORMAL"),
              "line 2: state IDLE has no mode");
    EXPECT_EQ(first_error("call 2001 as c1\nexpect 2001 c1 OFFERING LOUD").substr(0, 50),
              "line 2: \"LOUD\" is not a LINEOFFERINGMODE_ mode (AC");
    EXPECT_EQ(first_error("call 2001 as c1\nexpect 2001 c1 callinfo COLOR=red").substr(0, 40),
              "line 2: unknown callinfo field \"COLOR\" (");
    EXPECT_EQ(first_error("call 2001 as newcall"),
              "line 1: \"newcall\" is a reserved word and cannot name a call");
    EXPECT_EQ(first_error("forward 2001 busy"),
              "line 1: forward busy needs a destination: usage: forward <line> "
              "uncond|busy|noanswer|busyna <number> [<rings>] | forward <line> dnd|cancel");
    EXPECT_EQ(first_error("phone 2001 lamp 2 SPARKLE").substr(0, 35),
              "line 1: usage: phone <ext> lamp <id");
    EXPECT_EQ(first_error("echo \"open"), "line 1: unterminated quote");
    EXPECT_EQ(first_error("quit"), "line 1: \"quit\" is for the console only");
    EXPECT_EQ(first_error("expect 2001 c1 within 2s"),
              "line 1: unknown call \"c1\" (name calls with \"as <name>\" first)");

    // Every error is reported, not only the first.
    auto sc = parse_scenario("answer x\nhold y\nwait 1s");
    EXPECT_EQ(sc.errors.size(), 2u);
    EXPECT_EQ(sc.statements.size(), 1u);
}

TEST(Scenario, Words) {
    std::string err;
    EXPECT_EQ(*split_words(R"(a "b c" d\e "x\"y" #5 # comment)", &err),
              (std::vector<std::string>{"a", "b c", "d\\e", "x\"y", "#5"}));
    EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
    EXPECT_EQ(parse_duration("2m"), std::chrono::milliseconds(120000));
    EXPECT_FALSE(parse_duration("2 s"));
    EXPECT_FALSE(parse_duration("s"));
}

TEST(Scenario, ConsoleParserRemembersNames) {
    statement_parser p;
    std::string err;
    EXPECT_FALSE(p.parse("answer in1", &err));
    EXPECT_FALSE(err.empty());
    err.clear();
    auto st = p.parse("expect 2002 newcall as in1", &err);
    ASSERT_TRUE(st) << err;
    st = p.parse("answer in1", &err);
    ASSERT_TRUE(st) << err;
    EXPECT_TRUE(std::holds_alternative<op_stmt>(st->body));
    st = p.parse("help", &err);
    ASSERT_TRUE(st);
    EXPECT_EQ(std::get<console_stmt>(st->body).word, "help");
    EXPECT_FALSE(p.parse("   # nothing", &err));
}

TEST(Scenario, AgentStatements) {
    const auto sc = parse_scenario(R"(acdgroup 8000 Sales agents 2001,2002 wrapup 2s
acdgroup 8100 IVR routepoint
reasons 10=Lunch 20=Meeting
getgrouplist 2001
setagentgroup 2001 Sales,IVR 4711
setagentstate 2001 READY WORKINGAFTERCALL
setagentactivity 2001 Lunch
createagent 2001 4711 1234 as ag
createagentsession 2001 ag Sales as s1
setagentsessionstate 2001 s1 ENDED
setagentstateex 2001 ag notready ready
setqueuemeasurementperiod 2001 Sales 900
expect completion setagentgroup ok
expect completion lineCreateAgentSession LINEERR_INVALPASSWORD
expect 2001 agentstatus READY within 2s
expect 2001 agentstatusex
expect 2001 sessionstatus BUSYWRAPUP
expect 8000 queuestatus UPDATEINFO
expect 8000 groupstatus
expect result getqueueinfo waiting=1 Abandoned=0
expect result last
)");
    ASSERT_TRUE(sc.ok()) << sc.errors.front().text();
    ASSERT_EQ(sc.statements.size(), 21u);
    const auto groups = sc.acd_groups();
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].extension, "8000");
    EXPECT_EQ(groups[0].name, "Sales");
    EXPECT_EQ(groups[0].agents, (std::vector<std::string>{"2001", "2002"}));
    EXPECT_EQ(groups[0].wrapup, std::chrono::milliseconds(2000));
    EXPECT_EQ(groups[0].role, "acdGroup");
    EXPECT_EQ(groups[1].role, "routePoint");
    EXPECT_FALSE(groups[1].wrapup);
    EXPECT_EQ(sc.reasons(), (std::vector<std::pair<std::string, std::string>>{{"10", "Lunch"},
                                                                              {"20", "Meeting"}}));
    // The groups and their agents are lines of the simulator's config.
    for (const char* e : {"8000", "8100", "2001", "2002"}) EXPECT_TRUE(sc.extensions().contains(e));

    const auto& group = body<op_stmt>(sc, 4);
    EXPECT_EQ(group.verb, "setagentgroup");
    EXPECT_EQ(group.args, (std::vector<std::string>{"2001", "Sales,IVR", "4711"}));
    const auto& agent = body<op_stmt>(sc, 7);
    EXPECT_EQ(agent.args, (std::vector<std::string>{"2001", "4711", "1234"}));
    EXPECT_EQ(agent.names, std::vector<std::string>{"ag"});
    EXPECT_EQ(body<op_stmt>(sc, 8).names, std::vector<std::string>{"s1"});

    const auto& done = body<expect_stmt>(sc, 12);
    EXPECT_EQ(done.kind, expect_kind::completion);
    EXPECT_EQ(done.op, "setagentgroup");
    EXPECT_EQ(body<expect_stmt>(sc, 13).op, "linecreateagentsession");
    const auto& status = body<expect_stmt>(sc, 14);
    EXPECT_EQ(status.kind, expect_kind::agent_event);
    EXPECT_EQ(status.device, "2001");
    EXPECT_EQ(status.value, DWORD{LINE_AGENTSTATUS});
    EXPECT_EQ(status.mode, DWORD{LINEAGENTSTATE_READY});
    EXPECT_EQ(status.within, std::chrono::milliseconds(2000));
    EXPECT_EQ(body<expect_stmt>(sc, 15).value, DWORD{LINE_AGENTSTATUSEX});
    EXPECT_FALSE(body<expect_stmt>(sc, 15).mode);
    EXPECT_EQ(body<expect_stmt>(sc, 16).mode, DWORD{LINEAGENTSESSIONSTATE_BUSYWRAPUP});
    EXPECT_EQ(body<expect_stmt>(sc, 17).value, DWORD{LINE_QUEUESTATUS});
    EXPECT_EQ(body<expect_stmt>(sc, 17).mode, DWORD{LINEQUEUESTATUS_UPDATEINFO});
    EXPECT_EQ(body<expect_stmt>(sc, 18).value, DWORD{LINE_GROUPSTATUS});
    const auto& result = body<expect_stmt>(sc, 19);
    EXPECT_EQ(result.kind, expect_kind::agent_result);
    EXPECT_EQ(result.op, "getqueueinfo");
    EXPECT_EQ(result.fields, (std::vector<std::pair<std::string, std::string>>{
                                 {"waiting", "1"}, {"abandoned", "0"}}));
    EXPECT_EQ(body<expect_stmt>(sc, 20).op, "last");
}

TEST(Scenario, AgentStatementErrors) {
    EXPECT_NE(first_error("setagentstate 2001 SLEEPING").find("is not a state"), std::string::npos);
    EXPECT_NE(first_error("setagentsessionstate 2001 s1 BUSYACD").find("is not a state"),
              std::string::npos);
    EXPECT_NE(first_error("createagent 2001 4711").find("needs `as <name>`"), std::string::npos);
    EXPECT_NE(first_error("setqueuemeasurementperiod 2001 Sales soon").find("must be a number"),
              std::string::npos);
    EXPECT_NE(first_error("setagentgroup 2001").find("usage: setagentgroup"), std::string::npos);
    EXPECT_NE(first_error("expect 2001 agentstatus BUSY").find("is not one of"), std::string::npos);
    EXPECT_NE(first_error("expect result dial waiting=1").find("is not an agent statement"),
              std::string::npos);
    EXPECT_NE(first_error("expect result getqueueinfo waiting").find("expected FIELD=value"),
              std::string::npos);
    EXPECT_NE(first_error("acdgroup Sales 8000").find("usage: acdgroup"), std::string::npos);
    EXPECT_NE(first_error("acdgroup 8000 Sales wrapup soon").find("is not a time"),
              std::string::npos);
    EXPECT_NE(first_error("acdgroup 8000 Sales agents 2001,bob").find("agents are extensions"),
              std::string::npos);
    EXPECT_NE(first_error("reasons Lunch").find("usage: reasons"), std::string::npos);
    EXPECT_NE(first_error("createagent 2001 4711 as result").find("reserved word"),
              std::string::npos);
}

}  // namespace
}  // namespace ctigw::tapihost
