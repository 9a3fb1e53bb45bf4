// Phones as devices: PHONECAPS at every version, status, display and buttons as the set reports
// them, the phoneSet* functions as switch services, switch events as PHONE_STATE / PHONE_BUTTON,
// and device ids across line and phone.
#include "devices/devices.hpp"

#include "devices_test.hpp"

namespace ctigw::tsp::testing {
namespace {

using namespace protocol::svc;

// ---- phones -------------------------------------------------------------------------------------

TEST_F(DevicesTest, PhoneCapsAtEveryVersion) {
    start();
    const std::vector<std::size_t> pairs{
        offsetof(PHONECAPS, dwProviderInfoSize),    offsetof(PHONECAPS, dwPhoneInfoSize),
        offsetof(PHONECAPS, dwPhoneNameSize),       offsetof(PHONECAPS, dwButtonModesSize),
        offsetof(PHONECAPS, dwButtonFunctionsSize), offsetof(PHONECAPS, dwLampModesSize),
        offsetof(PHONECAPS, dwDeviceClassesSize)};
    for (DWORD v : all_versions) {
        check_var_struct(
            [&](void* b) {
                return devices::phone_get_dev_caps(st(), phone_id(1), v, 0,
                                                   static_cast<PHONECAPS*>(b));
            },
            fixed_size<PHONECAPS>(v), pairs, err(PHONEERR_STRUCTURETOOSMALL),
            "PHONECAPS v" + std::to_string(v));
    }
    var_buffer b(4096);
    ASSERT_EQ(devices::phone_get_dev_caps(st(), phone_id(0), v31, 0, b.as<PHONECAPS>()), ok);
    const auto* c = b.as<PHONECAPS>();
    EXPECT_EQ(b.string_at(offsetof(PHONECAPS, dwPhoneNameSize)), u"Alice Martin");
    EXPECT_EQ(c->dwPermanentPhoneID, 0x40000000u | 2001u);
    EXPECT_EQ(c->dwDisplayNumRows, 2u);
    EXPECT_EQ(c->dwDisplayNumColumns, 40u);
    EXPECT_EQ(c->dwNumButtonLamps, 12u);
    EXPECT_EQ(c->dwButtonModesSize, 48u);
    EXPECT_EQ(b.dword(c->dwButtonModesOffset), static_cast<DWORD>(PHONEBUTTONMODE_KEYPAD));
    EXPECT_EQ(c->dwHookSwitchDevs,
              static_cast<DWORD>(PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER |
                                 PHONEHOOKSWITCHDEV_HEADSET));
    EXPECT_NE(c->dwPhoneFeatures & PHONEFEATURE_SETHOOKSWITCHHANDSET, 0u);
    EXPECT_EQ(devices::phone_get_dev_caps(st(), 4711, v31, 0, b.as<PHONECAPS>()),
              err(PHONEERR_BADDEVICEID));
    EXPECT_EQ(devices::phone_get_dev_caps(st(), phone_id(0), 0x00010004, 0, b.as<PHONECAPS>()),
              err(PHONEERR_INCOMPATIBLEAPIVERSION));
    EXPECT_EQ(devices::phone_get_dev_caps(st(), phone_id(0), v31, 0, nullptr),
              err(PHONEERR_INVALPOINTER));
}

class PhoneTest : public DevicesTest {
  protected:
    HDRVPHONE hd = nullptr;
    void SetUp() override {
        DevicesTest::SetUp();
        start();
        go_live();
        hd = open_phone(0);
        // the open reads the set: display, buttons, hookswitches, ringer
        ASSERT_NE(pending_as<get_display::params>(0), nullptr);
        link->complete_next(result_of<get_display>({"Hello", 1, 16}));
        ASSERT_NE(pending_as<get_button_information::params>(0), nullptr);
        link->complete_next(result_of<get_button_information>({{{0, "1", "keypad", std::nullopt},
                                                                {12, "Line 1", "line", 3u},
                                                                {13, "Transfer", "feature", 4u}}}));
        answer_all_queries();
        ASSERT_TRUE(st()->phones_[0]->set_info_known);
        ASSERT_EQ(devices::phone_set_status_messages(st(), hd, 0x00FFFFFF, 0xFF, 0xFF), ok);
    }
};

TEST_F(PhoneTest, StatusDisplayButtonsAtEveryVersion) {
    for (DWORD v : all_versions) {
        HDRVPHONE h = hd;
        if (v != v31) {
            ASSERT_EQ(devices::phone_close(prov->state(), hd), ok);
            h = hd = open_phone(0, v);
            answer_all_queries();
        }
        check_var_struct(
            [&](void* b) {
                return devices::phone_get_status(st(), h, static_cast<PHONESTATUS*>(b));
            },
            fixed_size<PHONESTATUS>(v),
            {offsetof(PHONESTATUS, dwDisplaySize), offsetof(PHONESTATUS, dwLampModesSize)},
            err(PHONEERR_STRUCTURETOOSMALL), "PHONESTATUS");
        check_var_struct(
            [&](void* b) {
                return devices::phone_get_display(st(), h, static_cast<VARSTRING*>(b));
            },
            sizeof(VARSTRING), {offsetof(VARSTRING, dwStringSize)}, err(PHONEERR_STRUCTURETOOSMALL),
            "display");
        check_var_struct(
            [&](void* b) {
                return devices::phone_get_button_info(st(), h, 13,
                                                      static_cast<PHONEBUTTONINFO*>(b));
            },
            fixed_size<PHONEBUTTONINFO>(v), {offsetof(PHONEBUTTONINFO, dwButtonTextSize)},
            err(PHONEERR_STRUCTURETOOSMALL), "PHONEBUTTONINFO");
    }
    var_buffer d(256);
    ASSERT_EQ(devices::phone_get_display(st(), hd, d.as<VARSTRING>()), ok);
    EXPECT_EQ(d.string_at(offsetof(VARSTRING, dwStringSize)), u"Hello           ");  // 1 x 16
    var_buffer bi(256);
    ASSERT_EQ(devices::phone_get_button_info(st(), hd, 13, bi.as<PHONEBUTTONINFO>()), ok);
    EXPECT_EQ(bi.as<PHONEBUTTONINFO>()->dwButtonMode, static_cast<DWORD>(PHONEBUTTONMODE_FEATURE));
    EXPECT_EQ(bi.as<PHONEBUTTONINFO>()->dwButtonFunction,
              static_cast<DWORD>(PHONEBUTTONFUNCTION_TRANSFER));
    EXPECT_EQ(bi.string_at(offsetof(PHONEBUTTONINFO, dwButtonTextSize)), u"Transfer");
    ASSERT_EQ(devices::phone_get_button_info(st(), hd, 5, bi.as<PHONEBUTTONINFO>()), ok);
    EXPECT_EQ(bi.as<PHONEBUTTONINFO>()->dwButtonMode, static_cast<DWORD>(PHONEBUTTONMODE_KEYPAD));
    EXPECT_EQ(bi.string_at(offsetof(PHONEBUTTONINFO, dwButtonTextSize)), u"5");
    EXPECT_EQ(devices::phone_get_button_info(st(), hd, 14, bi.as<PHONEBUTTONINFO>()),
              err(PHONEERR_INVALBUTTONLAMPID));
    var_buffer caps(4096);
    ASSERT_EQ(devices::phone_get_dev_caps(st(), phone_id(0), v31, 0, caps.as<PHONECAPS>()), ok);
    EXPECT_EQ(caps.as<PHONECAPS>()->dwNumButtonLamps, 14u);
    EXPECT_EQ(caps.as<PHONECAPS>()->dwDisplayNumColumns, 16u);
}

TEST_F(PhoneTest, SetFunctionsSendTheSwitchServicesAndCompleteOnce) {
    const std::u16string text = u"Hi";
    auto id = new_request();
    ASSERT_EQ(track(id, devices::phone_set_display(st(), id, hd, 0, 3,
                                                   reinterpret_cast<LPCWSTR>(text.c_str()), 4)),
              static_cast<LONG>(id));
    const auto* sd = pending_as<set_display::params>(0);
    ASSERT_NE(sd, nullptr);
    EXPECT_EQ(sd->text, "Hi");
    EXPECT_EQ(sd->column, 3u);
    link->complete_next(result_of<set_display>({}));
    EXPECT_EQ(completions_of(id), std::vector<LONG>{0});

    id = new_request();
    ASSERT_EQ(track(id, devices::phone_set_hook_switch(
                            st(), id, hd, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_HEADSET,
                            PHONEHOOKSWITCHMODE_MICSPEAKER)),
              static_cast<LONG>(id));
    ASSERT_EQ(link->pending().size(), 2u);
    EXPECT_EQ(pending_as<set_hookswitch_status::params>(0)->hookswitch,
              protocol::hookswitch_type::handset);
    EXPECT_EQ(pending_as<set_hookswitch_status::params>(1)->hookswitch,
              protocol::hookswitch_type::headset);
    EXPECT_EQ(pending_as<set_hookswitch_status::params>(1)->mode,
              protocol::hookswitch_mode::mic_and_speaker);
    link->complete_next(result_of<set_hookswitch_status>({}));
    link->fail_next(pbx_link::request_failure::timeout);
    EXPECT_EQ(completions_of(id), std::vector<LONG>{err(PHONEERR_OPERATIONFAILED)});

    id = new_request();
    ASSERT_EQ(track(id, devices::phone_set_lamp(st(), id, hd, 12, PHONELAMPMODE_FLASH)),
              static_cast<LONG>(id));
    EXPECT_EQ(pending_as<set_lamp_mode::params>(0)->lamp, 3u);  // the switch's lamp of button 12
    EXPECT_EQ(pending_as<set_lamp_mode::params>(0)->mode, protocol::lamp_mode::flash);
    link->complete_next(result_of<set_lamp_mode>({}));

    id = new_request();
    ASSERT_EQ(track(id, devices::phone_set_ring(st(), id, hd, 1, 0xFFFF)), static_cast<LONG>(id));
    EXPECT_EQ(pending_as<set_ringer_status::params>(0)->volume, 100u);
    link->complete_next(result_of<set_ringer_status>({}));

    // hostile
    auto bad = new_request();
    EXPECT_EQ(track(bad, devices::phone_set_display(st(), bad, hd, 5, 0, nullptr, 0)),
              err(PHONEERR_INVALPARAM));
    EXPECT_EQ(
        track(bad, devices::phone_set_hook_switch(st(), bad, hd, 0x8, PHONEHOOKSWITCHMODE_ONHOOK)),
        err(PHONEERR_INVALHOOKSWITCHDEV));
    EXPECT_EQ(
        track(bad, devices::phone_set_hook_switch(st(), bad, hd, PHONEHOOKSWITCHDEV_HANDSET, 0x3)),
        err(PHONEERR_INVALHOOKSWITCHMODE));
    EXPECT_EQ(track(bad, devices::phone_set_lamp(st(), bad, hd, 0, PHONELAMPMODE_STEADY)),
              err(PHONEERR_INVALBUTTONLAMPID));  // button 0 has no lamp on this set
    EXPECT_EQ(track(bad, devices::phone_set_lamp(st(), bad, hd, 12, PHONELAMPMODE_DUMMY)),
              err(PHONEERR_INVALLAMPMODE));
    EXPECT_EQ(track(bad, devices::phone_set_ring(st(), bad, hd, 2, 0)),
              err(PHONEERR_INVALRINGMODE));
    EXPECT_EQ(track(bad, devices::phone_set_ring(st(), bad, nullptr, 0, 0)),
              err(PHONEERR_INVALPHONEHANDLE));
    EXPECT_TRUE(link->pending().empty());
}

TEST_F(PhoneTest, EventsBecomePhoneStateAndButtonMessages) {
    link->push_event("2001", event_of(protocol::evt::hookswitch_changed{
                                 {},
                                 "2001",
                                 protocol::hookswitch_type::speaker,
                                 protocol::hookswitch_mode::mic_and_speaker}));
    link->push_event("2001", event_of(protocol::evt::lamp_mode_changed{
                                 {}, "2001", 4, protocol::lamp_mode::wink}));
    link->push_event("2001", event_of(protocol::evt::display_updated{{}, "2001", "Call", 0u, 6u}));
    link->push_event("2001", event_of(protocol::evt::ringer_status_changed{
                                 {}, "2001", protocol::ringer_mode::ringing, 50u}));
    link->push_event("2001", event_of(protocol::evt::button_pressed{{}, "2001", 13, "Transfer"}));
    auto s = phone_msgs(PHONE_STATE);
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[0].p1, static_cast<DWORD_PTR>(PHONESTATE_SPEAKERHOOKSWITCH));
    EXPECT_EQ(s[0].p2, static_cast<DWORD_PTR>(PHONEHOOKSWITCHMODE_MICSPEAKER));
    EXPECT_EQ(s[1].p1, static_cast<DWORD_PTR>(PHONESTATE_LAMP));
    EXPECT_EQ(s[1].p2, 13u);  // the switch's lamp 4 is button 13's
    EXPECT_EQ(s[2].p1, static_cast<DWORD_PTR>(PHONESTATE_DISPLAY));
    EXPECT_EQ(s[3].p1, static_cast<DWORD_PTR>(PHONESTATE_RINGMODE));
    EXPECT_EQ(s[3].p2, 1u);
    EXPECT_EQ(s[4].p1, static_cast<DWORD_PTR>(PHONESTATE_RINGVOLUME));
    auto b = phone_msgs(PHONE_BUTTON);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].p1, 13u);
    EXPECT_EQ(b[0].p2, static_cast<DWORD_PTR>(PHONEBUTTONMODE_FEATURE));
    EXPECT_EQ(b[0].p3, static_cast<DWORD_PTR>(PHONEBUTTONSTATE_DOWN));
    EXPECT_EQ(b[1].p3, static_cast<DWORD_PTR>(PHONEBUTTONSTATE_UP));

    DWORD devs = 0, mode = 0, volume = 0;
    ASSERT_EQ(devices::phone_get_hook_switch(st(), hd, &devs), ok);
    EXPECT_EQ(devs, static_cast<DWORD>(PHONEHOOKSWITCHDEV_SPEAKER));
    ASSERT_EQ(devices::phone_get_lamp(st(), hd, 13, &mode), ok);
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_WINK));
    ASSERT_EQ(devices::phone_get_lamp(st(), hd, 0, &mode), ok);
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_DUMMY));
    ASSERT_EQ(devices::phone_get_ring(st(), hd, &mode, &volume), ok);
    EXPECT_EQ(mode, 1u);
    EXPECT_EQ(volume, 0x7FFFu);
    var_buffer d(256);
    ASSERT_EQ(devices::phone_get_display(st(), hd, d.as<VARSTRING>()), ok);
    EXPECT_EQ(d.string_at(offsetof(VARSTRING, dwStringSize)), u"Hello Call      ");

    // masks: only the selected states, only the selected button modes
    ASSERT_EQ(devices::phone_set_status_messages(st(), hd, PHONESTATE_LAMP, PHONEBUTTONMODE_KEYPAD,
                                                 PHONEBUTTONSTATE_DOWN),
              ok);
    link->push_event(
        "2001",
        event_of(protocol::evt::hookswitch_changed{
            {}, "2001", protocol::hookswitch_type::speaker, protocol::hookswitch_mode::on_hook}));
    link->push_event("2001", event_of(protocol::evt::button_pressed{{}, "2001", 13, std::nullopt}));
    link->push_event("2001", event_of(protocol::evt::button_pressed{{}, "2001", 0, std::nullopt}));
    EXPECT_EQ(phone_msgs(PHONE_STATE).size(), 5u);
    b = phone_msgs(PHONE_BUTTON);
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[2].p1, 0u);
    EXPECT_EQ(b[2].p3, static_cast<DWORD_PTR>(PHONEBUTTONSTATE_DOWN));

    // closed: nothing more, stale handle
    ASSERT_EQ(devices::phone_close(prov->state(), hd), ok);
    link->push_event("2001", event_of(protocol::evt::lamp_mode_changed{
                                 {}, "2001", 4, protocol::lamp_mode::off}));
    EXPECT_EQ(phone_msgs(PHONE_STATE).size(), 5u);
    EXPECT_EQ(devices::phone_get_lamp(st(), hd, 13, &mode), err(PHONEERR_INVALPHONEHANDLE));
    EXPECT_EQ(devices::phone_close(prov->state(), hd), err(PHONEERR_INVALPHONEHANDLE));
}

// The display is kept in characters: a write of UTF-8 text lands at a character position and is
// clipped to the display's characters, whether the display and the text are ASCII or not.
TEST_F(PhoneTest, DisplayWritesCountCharactersNotBytes) {
    const auto display = [&] {
        var_buffer d(256);
        EXPECT_EQ(devices::phone_get_display(st(), hd, d.as<VARSTRING>()), ok);
        return d.string_at(offsetof(VARSTRING, dwStringSize));
    };
    const auto write = [&](std::string text, std::uint32_t column) {
        link->push_event("2001",
                         event_of(protocol::evt::display_updated{{}, "2001", text, 0u, column}));
    };
    ASSERT_EQ(display(), u"Hello           ");  // 1 x 16
    write(
        "Gr\xC3\xBC\xC3\x9F"
        "e",
        0);
    EXPECT_EQ(display(), u"Gr\u00FC\u00DFe           ");
    write("Call", 6);
    EXPECT_EQ(display(), u"Gr\u00FC\u00DFe Call      ");
    write("0123456789", 10);
    EXPECT_EQ(display(), u"Gr\u00FC\u00DFe Call012345");
    write("abcdefghijklmnopqrs", 0);
    EXPECT_EQ(display(), u"abcdefghijklmnop");
    write("XY", 15);
    EXPECT_EQ(display(), u"abcdefghijklmnoX");
    write("\xE2\x82\xAC", 1);  // the euro sign onto an ASCII display
    EXPECT_EQ(display(), u"a\u20ACcdefghijklmnoX");
    EXPECT_EQ(st()->phones_[0]->display,
              "a\xE2\x82\xAC"
              "cdefghijklmnoX");
}

TEST_F(PhoneTest, GetIdAcrossLineAndPhone) {
    const std::u16string line_class = u"tapi/line", phone_class = u"tapi/phone";
    var_buffer b(64);
    ASSERT_EQ(devices::phone_get_id(st(), hd, b.as<VARSTRING>(),
                                    reinterpret_cast<LPCWSTR>(line_class.c_str())),
              ok);
    EXPECT_EQ(b.dword(b.as<VARSTRING>()->dwStringOffset), line_id(0));
    ASSERT_EQ(devices::phone_get_id(st(), hd, b.as<VARSTRING>(),
                                    reinterpret_cast<LPCWSTR>(phone_class.c_str())),
              ok);
    EXPECT_EQ(b.dword(b.as<VARSTRING>()->dwStringOffset), phone_id(0));
}

}  // namespace
}  // namespace ctigw::tsp::testing
