// The device-feature points docs/protocol.md settles (its "Settled points" index), pinned on the
// simulator's model: pickup-group names, DND versus forwarding, display, lamp and button numbers.
#include "model_fixture.hpp"

namespace ctigw::pbxsim {
namespace {

using namespace ctigw::pbxsim::testing;

using protocol::device_category;
using protocol::forwarding_type;

// §5.6 GroupPickupCall: a pickup group is named by the deviceID of a device of category
// pickupGroup, compared byte for byte; anything else is invalidDeviceID.
TEST_F(model_test, pickup_group_names_are_device_ids_of_category_pickup_group) {
    auto page = ok<sv::get_switching_function_devices>(
        {device_category::pickup_group, std::nullopt, std::nullopt});
    std::vector<std::string> groups;
    for (const auto& d : page.devices) {
        EXPECT_EQ(d.category, device_category::pickup_group);
        groups.push_back(d.device);
    }
    EXPECT_EQ(groups, (std::vector<std::string>{"g1", "g2"}));
    ok<sv::make_call>({E, B, std::nullopt, std::nullopt});
    refused<sv::group_pickup_call>({C, std::string("G1")}, error_category::operation,
                                   "invalidDeviceID");
    refused<sv::group_pickup_call>({C, std::string(B)}, error_category::operation,
                                   "invalidDeviceID");
    refused<sv::group_pickup_call>({"2010", std::nullopt}, error_category::state_incompatibility,
                                   "noCallToPickUp");  // its own group g2 has nothing alerting
    auto r = ok<sv::group_pickup_call>({"2010", std::string("g1")});  // another group by name
    EXPECT_EQ(r.picked_call.device_id, "2010");
}

// §5.8: DND is its own feature. GetForwarding lists each supported type once (never
// forwardDND*); SetForwarding with forwardDND* is serviceNotSupported; DND changes no forwarding.
TEST_F(model_test, dnd_is_not_a_forwarding_type) {
    monitor(A);
    auto before = ok<sv::get_forwarding>({A}).forwarding;
    std::vector<forwarding_type> types;
    for (const auto& f : before) types.push_back(f.type);
    EXPECT_EQ(types,
              (std::vector<forwarding_type>{forwarding_type::immediate, forwarding_type::busy,
                                            forwarding_type::no_answer}));
    for (auto t : {forwarding_type::do_not_disturb, forwarding_type::do_not_disturb_internal,
                   forwarding_type::do_not_disturb_external}) {
        refused<sv::set_forwarding>({A, t, true, std::nullopt, std::nullopt},
                                    error_category::operation, "serviceNotSupported");
    }
    ok<sv::set_do_not_disturb>({A, true});
    expect_events({{A, "DoNotDisturb", std::nullopt}});
    EXPECT_EQ(ok<sv::get_forwarding>({A}).forwarding, before);
    EXPECT_TRUE(ok<sv::get_do_not_disturb>({A}).do_not_disturb_on);
}

// §5.9 Display: GetDisplay returns exactly rows × columns characters, space-padded; SetDisplay
// overwrites from (row, column), cut at the row's end, and DisplayUpdated carries what was written.
TEST_F(model_test, display_is_padded_and_writes_are_cut_at_the_row_end) {
    monitor(A);
    auto fresh = ok<sv::get_display>({A});
    EXPECT_EQ(fresh.text, std::string(80, ' '));
    ok<sv::set_display>({A, "abcdef", 0u, 37u});
    EXPECT_EQ(nth<ev::display_updated>().text, "abc");
    take();
    auto g = ok<sv::get_display>({A});
    EXPECT_EQ(g.text.size(), 80u);
    EXPECT_EQ(g.text.substr(37, 3), "abc");
    EXPECT_EQ(g.text.substr(40), std::string(40, ' '));  // no wrap into row 1
    // Characters, not bytes: "é" and "€" take one position each.
    ok<sv::set_display>({A, "\xc3\xa9\xe2\x82\xac!", 1u, 38u});
    EXPECT_EQ(nth<ev::display_updated>().text, "\xc3\xa9\xe2\x82\xac");
    auto u = ok<sv::get_display>({A});
    EXPECT_EQ(u.text.substr(u.text.size() - 5), "\xc3\xa9\xe2\x82\xac");
    ok<sv::set_display>({A, "xyz", 1u, 38u});  // a multi-byte character is replaced whole
    EXPECT_EQ(ok<sv::get_display>({A}).text.substr(78), "xy");
}

// §5.9 Buttons and lamps: numbers are the switch's own; every button GetButtonInformation lists
// is addressable, the lamps it names are the valid lamp numbers, and nothing else is.
TEST_F(model_test, lamp_and_button_numbers_come_from_get_button_information) {
    auto all = ok<sv::get_button_information>({A, std::nullopt}).buttons;
    ASSERT_FALSE(all.empty());
    std::uint32_t highest = 0;
    for (const auto& b : all) {
        EXPECT_EQ(ok<sv::get_button_information>({A, b.button}).buttons.at(0), b);
        ASSERT_TRUE(b.lamp.has_value());
        ok<sv::get_lamp_mode>({A, *b.lamp});
        highest = std::max({highest, b.button, *b.lamp});
    }
    EXPECT_EQ(all.front().button, 1u);  // this switch numbers from 1
    refused<sv::get_button_information>({A, 0u}, error_category::operation, "valueOutOfRange");
    refused<sv::get_button_information>({A, highest + 1}, error_category::operation,
                                        "valueOutOfRange");
    refused<sv::get_lamp_mode>({A, 0u}, error_category::operation, "valueOutOfRange");
    refused<sv::get_lamp_mode>({A, highest + 1}, error_category::operation, "valueOutOfRange");
}

}  // namespace
}  // namespace ctigw::pbxsim
