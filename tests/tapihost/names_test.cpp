#include "ctigw/tapihost/names.hpp"

#include <gtest/gtest.h>

namespace ctigw::tapihost {
namespace {

TEST(Names, EveryFamilyHasNames) {
    EXPECT_EQ(name_of(family::call_state, LINECALLSTATE_OFFERING), "OFFERING");
    EXPECT_EQ(name_of(family::offering_mode, LINEOFFERINGMODE_ACTIVE), "ACTIVE");
    EXPECT_EQ(name_of(family::dialtone_mode, LINEDIALTONEMODE_NORMAL), "NORMAL");
    EXPECT_EQ(name_of(family::busy_mode, LINEBUSYMODE_STATION), "STATION");
    EXPECT_EQ(name_of(family::special_info, LINESPECIALINFO_NOCIRCUIT), "NOCIRCUIT");
    EXPECT_EQ(name_of(family::connected_mode, LINECONNECTEDMODE_ACTIVEHELD), "ACTIVEHELD");
    EXPECT_EQ(name_of(family::disconnect_mode, LINEDISCONNECTMODE_NOANSWER), "NOANSWER");
    EXPECT_EQ(name_of(family::line_dev_state, LINEDEVSTATE_OUTOFSERVICE), "OUTOFSERVICE");
    EXPECT_EQ(name_of(family::address_state, LINEADDRESSSTATE_FORWARD), "FORWARD");
    EXPECT_EQ(name_of(family::call_info_state, LINECALLINFOSTATE_CALLERID), "CALLERID");
    EXPECT_EQ(name_of(family::phone_state, PHONESTATE_DISPLAY), "DISPLAY");
    EXPECT_EQ(name_of(family::button_mode, PHONEBUTTONMODE_FEATURE), "FEATURE");
    EXPECT_EQ(name_of(family::button_state, PHONEBUTTONSTATE_DOWN), "DOWN");
    EXPECT_EQ(name_of(family::lamp_mode, PHONELAMPMODE_FLASH), "FLASH");
    EXPECT_EQ(name_of(family::hookswitch_mode, PHONEHOOKSWITCHMODE_MICSPEAKER), "MICSPEAKER");
    EXPECT_EQ(name_of(family::call_reason, LINECALLREASON_TRANSFER), "TRANSFER");
    EXPECT_EQ(name_of(family::generate_term, LINEGENERATETERM_CANCEL), "CANCEL");
    EXPECT_EQ(name_of(family::call_state, 0x40000000), "0x40000000");
}

TEST(Names, FlagsJoinAndRoundTrip) {
    EXPECT_EQ(
        flags_of(family::call_info_state, LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID),
        "CALLERID|CALLEDID");
    EXPECT_EQ(flags_of(family::line_dev_state, 0), "0");
    EXPECT_EQ(flags_of(family::phone_state, PHONESTATE_DISPLAY | 0x80000000), "DISPLAY|0x80000000");
    EXPECT_EQ(flags_value_of(family::call_info_state, "callerid|CALLEDID"),
              LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID);
    EXPECT_EQ(value_of(family::call_state, "LINECALLSTATE_IDLE"), LINECALLSTATE_IDLE);
    EXPECT_EQ(value_of(family::call_state, "0x100"), LINECALLSTATE_CONNECTED);
    EXPECT_FALSE(value_of(family::call_state, "RINGING"));
    EXPECT_FALSE(flags_value_of(family::call_info_state, "CALLERID|NOPE"));
}

TEST(Names, Results) {
    EXPECT_EQ(result_name(0), "OK");
    EXPECT_EQ(result_name(static_cast<LONG>(LINEERR_INVALCALLSTATE)), "LINEERR_INVALCALLSTATE");
    EXPECT_EQ(result_name(static_cast<LONG>(PHONEERR_INVALPHONEHANDLE)),
              "PHONEERR_INVALPHONEHANDLE");
    EXPECT_EQ(result_name(17), "17");
    EXPECT_EQ(parse_result("ok"), 0);
    EXPECT_EQ(parse_result("LINEERR_OPERATIONFAILED"), static_cast<LONG>(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(parse_result("INVALCALLSTATE"), static_cast<LONG>(LINEERR_INVALCALLSTATE));
    EXPECT_EQ(parse_result("PHONEERR_NOMEM"), static_cast<LONG>(PHONEERR_NOMEM));
    EXPECT_FALSE(parse_result("fine"));
    EXPECT_EQ(message_name(LINE_NEWCALL), "LINE_NEWCALL");
    EXPECT_EQ(message_name(PHONE_BUTTON), "PHONE_BUTTON");
}

TEST(Names, FormatsEvents) {
    event e;
    e.kind = event_kind::line;
    e.at = 1.2344;
    e.device = "2001";
    e.call = 3;
    e.call_name = "call#3";
    e.msg = LINE_CALLSTATE;
    e.p1 = LINECALLSTATE_OFFERING;
    e.p2 = LINEOFFERINGMODE_ACTIVE;
    EXPECT_EQ(format_event(e), "+1.234 line 2001 call#3 LINE_CALLSTATE OFFERING (ACTIVE)");
    e.p1 = LINECALLSTATE_DISCONNECTED;
    e.p2 = LINEDISCONNECTMODE_BUSY;
    EXPECT_EQ(describe_event(e), "line 2001 call#3 LINE_CALLSTATE DISCONNECTED (BUSY)");
    e.p1 = LINECALLSTATE_CONFERENCED;
    e.p2 = 9;
    e.parent_name = "conf";
    EXPECT_EQ(describe_event(e), "line 2001 call#3 LINE_CALLSTATE CONFERENCED (conf)");
    e.msg = LINE_CALLINFO;
    e.p1 = LINECALLINFOSTATE_CALLERID | LINECALLINFOSTATE_CALLEDID;
    EXPECT_EQ(describe_event(e), "line 2001 call#3 LINE_CALLINFO CALLERID|CALLEDID");
    e.call = 0;
    e.call_name.clear();
    e.msg = LINE_LINEDEVSTATE;
    e.p1 = LINEDEVSTATE_OUTOFSERVICE;
    EXPECT_EQ(describe_event(e), "line 2001 LINE_LINEDEVSTATE OUTOFSERVICE");
    e.msg = LINE_ADDRESSSTATE;
    e.p1 = 0;
    e.p2 = LINEADDRESSSTATE_FORWARD;
    EXPECT_EQ(describe_event(e), "line 2001 LINE_ADDRESSSTATE address 0 FORWARD");

    event c;
    c.kind = event_kind::completion;
    c.at = 2;
    c.request = 17;
    c.op = "lineMakeCall";
    EXPECT_EQ(format_event(c), "+2.000 ASYNC_COMPLETION req 17 lineMakeCall → OK");
    c.result = static_cast<LONG>(LINEERR_INVALCALLSTATE);
    EXPECT_EQ(describe_event(c), "ASYNC_COMPLETION req 17 lineMakeCall → LINEERR_INVALCALLSTATE");
    c.synchronous = true;
    EXPECT_EQ(describe_event(c), "RESULT req 17 lineMakeCall → LINEERR_INVALCALLSTATE (sync)");

    event p;
    p.kind = event_kind::phone;
    p.device = "2001";
    p.msg = PHONE_STATE;
    p.p1 = PHONESTATE_DISPLAY;
    EXPECT_EQ(describe_event(p), "phone 2001 PHONE_STATE DISPLAY");
    p.p1 = PHONESTATE_HANDSETHOOKSWITCH;
    p.p2 = PHONEHOOKSWITCHMODE_MICSPEAKER;
    EXPECT_EQ(describe_event(p), "phone 2001 PHONE_STATE HANDSETHOOKSWITCH MICSPEAKER");
    p.msg = PHONE_BUTTON;
    p.p1 = 3;
    p.p2 = PHONEBUTTONMODE_FEATURE;
    p.p3 = PHONEBUTTONSTATE_DOWN;
    EXPECT_EQ(describe_event(p), "phone 2001 PHONE_BUTTON button 3 FEATURE DOWN");
}

}  // namespace
}  // namespace ctigw::tapihost
