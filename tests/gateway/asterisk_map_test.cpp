// The Asterisk backend's pure helpers: channel names -> stations, causes, channel states. Channel
// names are those of the recordings in shared/data/ami-22.10 and of PJSIP/FreePBX.
#include "asterisk/channel_map.hpp"

#include <gtest/gtest.h>

#include <string>

#include "asterisk/causes.hpp"

namespace ctigw::gateway::asterisk {
namespace {

using std::nullopt;

asterisk_backend_settings site() {
    asterisk_backend_settings s;
    s.stations = {{"2000", "2099"}, {"300", "301"}};
    s.endpoints = {{"PJSIP/anna-mobile", "2001"}, {"PJSIP/desk-17", "2001"}};
    return s;
}

TEST(asterisk_channel_map, extensions_of_station_channels) {
    const channel_map m(site());
    EXPECT_EQ(m.extension_of("PJSIP/2001-0000001a"), "2001");
    EXPECT_EQ(m.extension_of("IAX2/2001-11293"), "2001");
    EXPECT_EQ(m.extension_of("SIP/2001-000a"), "2001");
    EXPECT_EQ(m.extension_of("Local/2003@internal-00000002;1"), "2003");
    EXPECT_EQ(m.extension_of("Local/2003@from-internal-00000002;2"), "2003");
    EXPECT_EQ(m.extension_of("PJSIP/300-00000001"), "300");
    // Several endpoints of one extension.
    EXPECT_EQ(m.extension_of("PJSIP/anna-mobile-00000003"), "2001");
    EXPECT_EQ(m.extension_of("PJSIP/desk-17-0000000f"), "2001");
    // A masquerade's leftover keeps its station.
    EXPECT_EQ(m.extension_of("IAX2/2002-1633<ZOMBIE>"), "2002");
}

TEST(asterisk_channel_map, non_stations_are_nullopt) {
    const channel_map m(site());
    EXPECT_EQ(m.extension_of("PJSIP/trunk-1-0000004"), nullopt);
    EXPECT_EQ(m.extension_of("PJSIP/trunk-00000004"), nullopt);
    EXPECT_EQ(m.extension_of("PJSIP/2100-00000001"), nullopt);         // outside the stations
    EXPECT_EQ(m.extension_of("PJSIP/02001-00000001"), nullopt);        // other width
    EXPECT_EQ(m.extension_of("PJSIP/2001-mobile-00000003"), nullopt);  // endpoint 2001-mobile
    EXPECT_EQ(m.extension_of("PJSIP/2001x-00000003"), nullopt);
    EXPECT_EQ(m.extension_of("DAHDI/2001-1"), nullopt);    // no pattern for DAHDI
    EXPECT_EQ(m.extension_of("IAX2/2001/2001"), nullopt);  // a dial string, not a channel
    EXPECT_EQ(m.extension_of("PJSIP/2001"), nullopt);      // no unique suffix
    EXPECT_EQ(m.extension_of("Local/*8@from-internal-00000001;1"), nullopt);
    EXPECT_EQ(m.extension_of("Local/2001-00000001;1"), nullopt);  // no @context
    EXPECT_EQ(m.extension_of("Parked/IAX2/2002-1633"), nullopt);
    EXPECT_EQ(m.extension_of(""), nullopt);
    EXPECT_EQ(m.extension_of("PJSIP/"), nullopt);
    EXPECT_EQ(m.extension_of("-"), nullopt);
    EXPECT_EQ(m.extension_of("<ZOMBIE>"), nullopt);
    EXPECT_EQ(m.extension_of("PJSIP/" + std::string(40, '2') + "-0001"), nullopt);
}

TEST(asterisk_channel_map, configured_patterns_replace_the_defaults) {
    auto s = site();
    s.channel_patterns = {"PJSIP/ext{ext}-", "Local/{ext}@from-queue"};
    s.endpoints.clear();
    const channel_map m(s);
    EXPECT_EQ(m.extension_of("PJSIP/ext2005-00000001"), "2005");
    EXPECT_EQ(m.extension_of("PJSIP/2005-00000001"), nullopt);
    EXPECT_EQ(m.extension_of("Local/2005@from-queue-0000a;1"), "2005");
    EXPECT_EQ(m.extension_of("Local/2005@from-internal-0000a;1"), nullopt);
    EXPECT_EQ(m.extension_of("PJSIP/anna-mobile-00000003"), nullopt);
}

TEST(asterisk_channel_map, endpoints_and_local_halves) {
    using cm = channel_map;
    EXPECT_EQ(cm::endpoint_of("PJSIP/2001-0000001a"), "PJSIP/2001");
    EXPECT_EQ(cm::endpoint_of("PJSIP/anna-mobile-00000003"), "PJSIP/anna-mobile");
    EXPECT_EQ(cm::endpoint_of("Local/2003@from-internal-00000002;1"), "Local/2003@from-internal");
    EXPECT_EQ(cm::endpoint_of("Local/2001@internal"), "Local/2001@internal");
    EXPECT_EQ(cm::endpoint_of("IAX2/2001-1234<ZOMBIE>"), "IAX2/2001");
    EXPECT_EQ(cm::endpoint_of("IAX2/2001/2001"), "IAX2/2001/2001");
    EXPECT_EQ(cm::endpoint_of("a-b/c"), "a-b/c");
    EXPECT_EQ(cm::endpoint_of(""), "");

    EXPECT_TRUE(cm::is_local("Local/2003@internal-00000002;1"));
    EXPECT_FALSE(cm::is_local("PJSIP/2001-0000001a"));
    EXPECT_EQ(cm::local_half("Local/2003@internal-00000002;1"), 1);
    EXPECT_EQ(cm::local_half("Local/2003@internal-00000002;2"), 2);
    EXPECT_EQ(cm::local_half("Local/2003@internal-00000002;3"), 0);
    EXPECT_EQ(cm::local_half("PJSIP/2001-0000001a;1"), 0);
    EXPECT_EQ(cm::local_half("Local/2003@internal"), 0);
    EXPECT_EQ(cm::local_peer("Local/2003@internal-00000002;1"), "Local/2003@internal-00000002;2");
    EXPECT_EQ(cm::local_peer("Local/2003@internal-00000002;2"), "Local/2003@internal-00000002;1");
    EXPECT_EQ(cm::local_peer("IAX2/2001-11293"), nullopt);
    EXPECT_EQ(cm::local_peer(";1"), nullopt);
}

TEST(asterisk_channel_map, dial_strings) {
    auto s = site();
    EXPECT_EQ(channel_map(s).dial_string("2001"), "PJSIP/2001");
    s.dial_string = "Local/{ext}@from-internal";
    EXPECT_EQ(channel_map(s).dial_string("2001"), "Local/2001@from-internal");
    s.dial_string = "IAX2/{ext}/{ext}";
    EXPECT_EQ(channel_map(s).dial_string("2001"), "IAX2/2001/2001");
    s.dial_string = "{ext}";
    EXPECT_EQ(channel_map(s).dial_string("7"), "7");
}

TEST(asterisk_causes, hangup_causes) {
    EXPECT_EQ(cause_of_hangup(16), event_cause::normal_clearing);
    EXPECT_EQ(cause_of_hangup(17), event_cause::busy);
    EXPECT_EQ(cause_of_hangup(18), event_cause::call_not_answered);
    EXPECT_EQ(cause_of_hangup(19), event_cause::call_not_answered);
    EXPECT_EQ(cause_of_hangup(21), event_cause::blocked);
    EXPECT_EQ(cause_of_hangup(1), event_cause::number_unallocated);
    EXPECT_EQ(cause_of_hangup(26), event_cause::call_pickup);
    EXPECT_EQ(cause_of_hangup(27), event_cause::dest_out_of_order);
    EXPECT_EQ(cause_of_hangup(34), event_cause::network_congestion);
    EXPECT_EQ(cause_of_hangup(38), event_cause::network_out_of_order);
    EXPECT_EQ(cause_of_hangup(41), event_cause::network_congestion);
    EXPECT_EQ(cause_of_hangup(42), event_cause::network_congestion);
    EXPECT_EQ(cause_of_hangup(0), event_cause::unknown);
    // Class fallbacks and nonsense.
    EXPECT_EQ(cause_of_hangup(30), event_cause::normal_clearing);
    EXPECT_EQ(cause_of_hangup(45), event_cause::resources_not_available);
    EXPECT_EQ(cause_of_hangup(127), event_cause::unknown);
    EXPECT_EQ(cause_of_hangup(-1), event_cause::unknown);
    EXPECT_EQ(cause_of_hangup(100000), event_cause::unknown);
    // From the header text.
    EXPECT_EQ(cause_of_hangup(std::string_view("16")), event_cause::normal_clearing);
    EXPECT_EQ(cause_of_hangup(std::string_view("26")), event_cause::call_pickup);
    for (std::string_view bad : {"", "x", "16 ", "-16", "+16", "1600", "1.6"}) {
        EXPECT_EQ(cause_of_hangup(bad), event_cause::unknown) << bad;
    }
}

TEST(asterisk_causes, dial_statuses) {
    EXPECT_EQ(cause_of_dial_status("ANSWER"), event_cause::normal);
    EXPECT_EQ(cause_of_dial_status("BUSY"), event_cause::busy);
    EXPECT_EQ(cause_of_dial_status("NOANSWER"), event_cause::call_not_answered);
    EXPECT_EQ(cause_of_dial_status("CANCEL"), event_cause::call_cancelled);
    EXPECT_EQ(cause_of_dial_status("CONGESTION"), event_cause::network_congestion);
    EXPECT_EQ(cause_of_dial_status("CHANUNAVAIL"), event_cause::dest_not_obtainable);
    EXPECT_EQ(cause_of_dial_status("DONTCALL"), event_cause::blocked);
    EXPECT_EQ(cause_of_dial_status("TORTURE"), event_cause::blocked);
    EXPECT_EQ(cause_of_dial_status("INVALIDARGS"), event_cause::dest_not_obtainable);
    EXPECT_EQ(cause_of_dial_status("RINGING"), event_cause::normal);
    EXPECT_EQ(cause_of_dial_status(""), event_cause::unknown);
    EXPECT_EQ(cause_of_dial_status("busy"), event_cause::unknown);
    EXPECT_EQ(cause_of_dial_status("SOMETHINGNEW"), event_cause::unknown);
}

TEST(asterisk_causes, channel_states) {
    EXPECT_EQ(channel_state_of(0), channel_state::down);
    EXPECT_EQ(channel_state_of(4), channel_state::ring);
    EXPECT_EQ(channel_state_of(5), channel_state::ringing);
    EXPECT_EQ(channel_state_of(6), channel_state::up);
    EXPECT_EQ(channel_state_of(7), channel_state::busy);
    EXPECT_EQ(channel_state_of(9), channel_state::pre_ring);
    EXPECT_EQ(channel_state_of(10), channel_state::unknown);
    EXPECT_EQ(channel_state_of(-1), channel_state::unknown);
    EXPECT_EQ(channel_state_of(std::string_view("6")), channel_state::up);
    EXPECT_EQ(channel_state_of(std::string_view("Up")), channel_state::unknown);
    EXPECT_EQ(channel_state_of(std::string_view("")), channel_state::unknown);
    const char* names[] = {"Down", "Rsrvd", "OffHook",         "Dialing",  "Ring",   "Ringing",
                           "Up",   "Busy",  "Dialing Offhook", "Pre-ring", "Unknown"};
    for (int i = 0; i <= 10; ++i) {
        EXPECT_EQ(to_string(static_cast<channel_state>(i)), names[i]) << i;
    }
}

}  // namespace
}  // namespace ctigw::gateway::asterisk
