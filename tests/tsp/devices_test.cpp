// Device side of the TSP: ids and enumeration, line caps and status structures at every version,
// open/close, media detection, scale, the configuration watcher (service state, forwarding/DND,
// phones: devices_test_{service,forward,phone}.cpp; reload: devices_test_lifecycle.cpp).
#include "devices/devices.hpp"

#include <atomic>
#include <thread>
#include <unordered_set>

#include "capabilities.hpp"
#include "devices_test.hpp"

namespace ctigw::tsp::testing {
namespace {

// ---- ids and enumeration ------------------------------------------------------------------------

TEST(DeviceIds, DigitsHashesAndDistinctSpaces) {
    EXPECT_EQ(permanent_line_id("2001"), 2001u);
    EXPECT_EQ(permanent_phone_id("2001"), 0x40000000u | 2001u);
    EXPECT_EQ(permanent_line_id("1073741823"), 1073741823u);  // 2^30 - 1: still digits
    // leading zero: "0123" differs from "123"
    EXPECT_EQ(permanent_line_id("123"), 123u);
    EXPECT_EQ(permanent_line_id("0123") & 0xC0000000u, 0x80000000u);
    EXPECT_EQ(permanent_phone_id("0123") & 0xC0000000u, 0xC0000000u);
    EXPECT_EQ(permanent_line_id("99999999999999999999") & 0xC0000000u, 0x80000000u);
    // stable: the same input always gives the same id
    EXPECT_EQ(permanent_line_id("0123"), permanent_line_id("0123"));
    EXPECT_NE(permanent_line_id("0123"), permanent_line_id("0124"));
}

TEST(DeviceIds, GuidsAreDeterministicVersion8) {
    const GUID a = permanent_guid("line", "2001");
    const GUID b = permanent_guid("line", "2001");
    const GUID c = permanent_guid("phone", "2001");
    EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);
    EXPECT_NE(std::memcmp(&a, &c, sizeof a), 0);
    EXPECT_EQ(a.Data3 & 0xF000, 0x8000);
    EXPECT_EQ(a.Data4[0] & 0xC0, 0x80);
}

TEST_F(DevicesTest, EnumerationBuildsLinesAndPhonesFromTheConfig) {
    start();
    EXPECT_EQ(num_lines, 3u);
    EXPECT_EQ(num_phones, 2u);
    const auto held = st();
    auto& s = *held;
    ASSERT_EQ(s.lines_.size(), 3u);
    EXPECT_EQ(s.lines_[0]->name, "Alice Martin");
    EXPECT_EQ(s.lines_[1]->name, "Agent 2002");
    EXPECT_EQ(s.lines_[2]->extension, "2003");
    EXPECT_EQ(s.lines_[2]->permanent_id, 2003u);
    EXPECT_EQ(s.phones_[1]->permanent_id, 0x40000000u | 2002u);
    EXPECT_EQ(s.line_by_extension_.at("2002"), s.lines_[1]);
    EXPECT_EQ(s.line_by_device_id_.at(line_id(2)), s.lines_[2]);
    EXPECT_EQ(s.phone_by_device_id_.at(phone_id(0)), s.phones_[0]);
    // the link monitors every extension once
    EXPECT_EQ(link_settings.devices, (std::vector<std::string>{"2001", "2002", "2003"}));
    // not in service until the device's truth arrives
    EXPECT_FALSE(s.lines_[0]->in_service());
}

TEST_F(DevicesTest, FiftyThousandLinesEnumerate) {
    config_text =
        R"({"switch": {"endpoints": ["wss://pbx:1/x"], "auth": {"tokenEnv": "CTIGW_DEVICES_TEST_TOKEN"}},
                      "devices": {"lines": ["100000-149999"], "phones": ["100000-100999"]}})";
    start();
    EXPECT_EQ(num_lines, 50000u);
    EXPECT_EQ(num_phones, 1000u);
    EXPECT_EQ(st()->line_by_extension_.size(), 50000u);
    EXPECT_EQ(st()->lines_.back()->permanent_id, 149999u);
    EXPECT_EQ(st()->lines_.back()->device_id, line_base + 49999u);
    std::unordered_set<DWORD> ids;
    for (const auto& l : st()->lines_) ids.insert(l->permanent_id);
    EXPECT_EQ(ids.size(), 50000u);
}

// ---- LINEDEVCAPS / LINEADDRESSCAPS at every version ---------------------------------------------

TEST_F(DevicesTest, LineDevCapsAtEveryVersion) {
    start();
    const std::vector<std::size_t> pairs{
        offsetof(LINEDEVCAPS, dwProviderInfoSize), offsetof(LINEDEVCAPS, dwSwitchInfoSize),
        offsetof(LINEDEVCAPS, dwLineNameSize), offsetof(LINEDEVCAPS, dwDeviceClassesSize)};
    for (DWORD v : all_versions) {
        const DWORD fixed = fixed_size<LINEDEVCAPS>(v);
        check_var_struct(
            [&](void* b) {
                return devices::line_get_dev_caps(st(), line_id(0), v, 0,
                                                  static_cast<LINEDEVCAPS*>(b));
            },
            fixed, pairs, err(LINEERR_STRUCTURETOOSMALL), "LINEDEVCAPS v" + std::to_string(v));
        var_buffer b(4096);
        ASSERT_EQ(devices::line_get_dev_caps(st(), line_id(0), v, 0, b.as<LINEDEVCAPS>()), ok);
        const auto* c = b.as<LINEDEVCAPS>();
        EXPECT_EQ(b.string_at(offsetof(LINEDEVCAPS, dwProviderInfoSize)), u"ctigw");
        EXPECT_EQ(b.string_at(offsetof(LINEDEVCAPS, dwLineNameSize)), u"Alice Martin");
        EXPECT_NE(b.string_at(offsetof(LINEDEVCAPS, dwSwitchInfoSize))
                      .find(u"wss://pbx.example:8443/csta"),
                  std::u16string::npos);
        EXPECT_EQ(c->dwPermanentLineID, 2001u);
        EXPECT_EQ(c->dwStringFormat, static_cast<DWORD>(STRINGFORMAT_UNICODE));
        EXPECT_EQ(c->dwAddressModes, static_cast<DWORD>(LINEADDRESSMODE_ADDRESSID));
        EXPECT_EQ(c->dwNumAddresses, 1u);
        EXPECT_EQ(c->dwLineFeatures, caps::line_features);
        EXPECT_EQ(c->dwLineStates, caps::line_states);
        EXPECT_EQ(c->dwMediaModes, caps::media_modes);
        EXPECT_EQ(c->dwSettableDevStatus, static_cast<DWORD>(LINEDEVSTATUSFLAGS_MSGWAIT));
        EXPECT_EQ(c->dwDevCapFlags & LINEDEVCAPFLAGS_CLOSEDROP, 0u);
        // device classes: "tapi/line" and, with a phone on the same extension, "tapi/phone"
        const DWORD off = c->dwDeviceClassesOffset;
        std::u16string classes(c->dwDeviceClassesSize / 2, u'\0');
        std::memcpy(classes.data(), b.bytes.data() + off, c->dwDeviceClassesSize);
        EXPECT_EQ(classes, std::u16string(u"tapi/line\0tapi/phone\0\0", 22));
        if (v >= v22) {
            const GUID g = permanent_guid("line", "2001");
            EXPECT_EQ(std::memcmp(&c->PermanentLineGuid, &g, sizeof g), 0);
        }
        if (v >= v30) {
            EXPECT_EQ(c->dwAddressTypes, static_cast<DWORD>(LINEADDRESSTYPE_PHONENUMBER));
        }
    }
    // hostile
    var_buffer b(4096);
    EXPECT_EQ(devices::line_get_dev_caps(st(), line_id(0), v31, 0, nullptr),
              err(LINEERR_INVALPOINTER));
    EXPECT_EQ(devices::line_get_dev_caps(st(), 99, v31, 0, b.as<LINEDEVCAPS>()),
              err(LINEERR_BADDEVICEID));
    EXPECT_EQ(devices::line_get_dev_caps(st(), line_id(0), 0x00010004, 0, b.as<LINEDEVCAPS>()),
              err(LINEERR_INCOMPATIBLEAPIVERSION));
    EXPECT_EQ(devices::line_get_dev_caps(st(), line_id(0), 0x00030002, 0, b.as<LINEDEVCAPS>()),
              err(LINEERR_INCOMPATIBLEAPIVERSION));
    EXPECT_EQ(devices::line_get_dev_caps(st(), line_id(0), v31, 1, b.as<LINEDEVCAPS>()),
              err(LINEERR_INCOMPATIBLEEXTVERSION));
}

TEST_F(DevicesTest, LineAddressCapsAtEveryVersion) {
    start();
    const std::vector<std::size_t> pairs{offsetof(LINEADDRESSCAPS, dwAddressSize),
                                         offsetof(LINEADDRESSCAPS, dwDeviceClassesSize)};
    for (DWORD v : all_versions) {
        check_var_struct(
            [&](void* b) {
                return devices::line_get_address_caps(st(), line_id(1), 0, v, 0,
                                                      static_cast<LINEADDRESSCAPS*>(b));
            },
            fixed_size<LINEADDRESSCAPS>(v), pairs, err(LINEERR_STRUCTURETOOSMALL),
            "LINEADDRESSCAPS v" + std::to_string(v));
    }
    var_buffer b(4096);
    ASSERT_EQ(devices::line_get_address_caps(st(), line_id(1), 0, v31, 0, b.as<LINEADDRESSCAPS>()),
              ok);
    const auto* c = b.as<LINEADDRESSCAPS>();
    EXPECT_EQ(b.string_at(offsetof(LINEADDRESSCAPS, dwAddressSize)), u"2002");
    EXPECT_EQ(c->dwLineDeviceID, line_id(1));
    EXPECT_EQ(c->dwAddressSharing, static_cast<DWORD>(LINEADDRESSSHARING_PRIVATE));
    EXPECT_EQ(c->dwCallFeatures, caps::call_features);
    EXPECT_EQ(c->dwCallFeatures2, caps::call_features2);
    EXPECT_EQ(c->dwAddressFeatures, caps::address_features);
    EXPECT_EQ(c->dwAddrCapFlags, caps::address_cap_flags);
    EXPECT_EQ(c->dwForwardModes, caps::forward_modes);
    EXPECT_EQ(c->dwMaxForwardEntries, caps::max_forward_entries);
    EXPECT_EQ(c->dwCallStates, caps::call_states);
    EXPECT_EQ(c->dwDisconnectModes, caps::disconnect_modes);
    EXPECT_EQ(c->dwMaxCallDataSize, caps::max_call_data_size);
    EXPECT_EQ(c->dwTransferModes, caps::transfer_modes);
    EXPECT_EQ(c->dwParkModes, caps::park_modes);
    EXPECT_LT(c->dwMinFwdNumRings, c->dwMaxFwdNumRings);
    EXPECT_EQ(devices::line_get_address_caps(st(), line_id(1), 1, v31, 0, b.as<LINEADDRESSCAPS>()),
              err(LINEERR_INVALADDRESSID));
    EXPECT_EQ(devices::line_get_address_caps(st(), 5000, 0, v31, 0, b.as<LINEADDRESSCAPS>()),
              err(LINEERR_BADDEVICEID));
    EXPECT_EQ(devices::line_get_address_caps(st(), line_id(1), 0, v31, 0, nullptr),
              err(LINEERR_INVALPOINTER));
}

// ---- open / close / status ----------------------------------------------------------------------

TEST_F(DevicesTest, OpenCloseReopenWithStaleHandles) {
    start();
    const HDRVLINE first = open_line(0);
    ASSERT_NE(first, nullptr);
    HDRVLINE again = nullptr;
    EXPECT_EQ(devices::line_open(st(), line_id(0), nullptr, &again, v31, &recorder::line_event),
              err(LINEERR_ALLOCATED));
    DWORD n = 0;
    EXPECT_EQ(devices::line_get_num_address_ids(st(), first, &n), ok);
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(devices::line_close(prov->state(), first), ok);
    EXPECT_EQ(devices::line_close(prov->state(), first), err(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(devices::line_get_num_address_ids(st(), first, &n), err(LINEERR_INVALLINEHANDLE));
    var_buffer b(4096);
    EXPECT_EQ(devices::line_get_dev_status(st(), first, b.as<LINEDEVSTATUS>()),
              err(LINEERR_INVALLINEHANDLE));
    const HDRVLINE second = open_line(0);
    EXPECT_NE(second, first);  // never reused
    EXPECT_EQ(devices::line_get_dev_status(st(), second, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_EQ(devices::line_get_dev_status(st(), first, b.as<LINEDEVSTATUS>()),
              err(LINEERR_INVALLINEHANDLE));
    // hostile opens
    HDRVLINE hd = nullptr;
    EXPECT_EQ(devices::line_open(st(), 4711, nullptr, &hd, v31, &recorder::line_event),
              err(LINEERR_BADDEVICEID));
    EXPECT_EQ(devices::line_open(st(), line_id(1), nullptr, nullptr, v31, &recorder::line_event),
              err(LINEERR_INVALPOINTER));
    EXPECT_EQ(devices::line_open(st(), line_id(1), nullptr, &hd, 0x00040000, &recorder::line_event),
              err(LINEERR_INCOMPATIBLEAPIVERSION));
    EXPECT_EQ(devices::line_get_num_address_ids(st(), nullptr, &n), err(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(devices::line_get_num_address_ids(
                  st(), reinterpret_cast<HDRVLINE>(std::uintptr_t{0xDEAD}), &n),
              err(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(devices::line_get_num_address_ids(st(), second, nullptr), err(LINEERR_INVALPOINTER));
}

TEST_F(DevicesTest, StatusStructuresAtEveryVersion) {
    start();
    go_live();
    for (DWORD v : all_versions) {
        const HDRVLINE hd = open_line(0, v);
        answer_all_queries();
        check_var_struct(
            [&](void* b) {
                return devices::line_get_dev_status(st(), hd, static_cast<LINEDEVSTATUS*>(b));
            },
            fixed_size<LINEDEVSTATUS>(v), {}, err(LINEERR_STRUCTURETOOSMALL), "LINEDEVSTATUS");
        check_var_struct(
            [&](void* b) {
                return devices::line_get_address_status(st(), hd, 0,
                                                        static_cast<LINEADDRESSSTATUS*>(b));
            },
            fixed_size<LINEADDRESSSTATUS>(v), {offsetof(LINEADDRESSSTATUS, dwForwardSize)},
            err(LINEERR_STRUCTURETOOSMALL), "LINEADDRESSSTATUS");
        var_buffer b(1024);
        ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
        EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwDevStatusFlags,
                  static_cast<DWORD>(LINEDEVSTATUSFLAGS_CONNECTED | LINEDEVSTATUSFLAGS_INSERVICE));
        EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwLineFeatures, caps::line_features);
        var_buffer a(1024);
        ASSERT_EQ(devices::line_get_address_status(st(), hd, 0, a.as<LINEADDRESSSTATUS>()), ok);
        EXPECT_EQ(a.as<LINEADDRESSSTATUS>()->dwForwardNumEntries, 0u);
        EXPECT_NE(a.as<LINEADDRESSSTATUS>()->dwAddressFeatures & LINEADDRFEATURE_FORWARD, 0u);
        EXPECT_EQ(devices::line_get_address_status(st(), hd, 1, a.as<LINEADDRESSSTATUS>()),
                  err(LINEERR_INVALADDRESSID));
        EXPECT_EQ(devices::line_get_address_status(st(), hd, 0, nullptr),
                  err(LINEERR_INVALPOINTER));
        EXPECT_EQ(devices::line_close(prov->state(), hd), ok);
    }
}

TEST_F(DevicesTest, AddressIdAndGetId) {
    start();
    const HDRVLINE hd = open_line(0);
    DWORD id = 77;
    const std::u16string ext = u"2001";
    EXPECT_EQ(devices::line_get_address_id(st(), hd, &id, LINEADDRESSMODE_DIALABLEADDR,
                                           reinterpret_cast<LPCWSTR>(ext.c_str()), 10),
              ok);
    EXPECT_EQ(id, 0u);
    const std::u16string other = u"2002";
    EXPECT_EQ(devices::line_get_address_id(st(), hd, &id, LINEADDRESSMODE_DIALABLEADDR,
                                           reinterpret_cast<LPCWSTR>(other.c_str()), 10),
              err(LINEERR_INVALADDRESS));
    EXPECT_EQ(devices::line_get_address_id(st(), hd, &id, 0x40,
                                           reinterpret_cast<LPCWSTR>(ext.c_str()), 10),
              err(LINEERR_INVALADDRESSMODE));
    EXPECT_EQ(devices::line_get_address_id(st(), hd, nullptr, LINEADDRESSMODE_DIALABLEADDR,
                                           reinterpret_cast<LPCWSTR>(ext.c_str()), 10),
              err(LINEERR_INVALPOINTER));

    const std::u16string line_class = u"tapi/line", phone_class = u"TAPI/Phone", wave = u"wave/in";
    var_buffer b(64);
    ASSERT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_LINE, b.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(line_class.c_str())),
              ok);
    EXPECT_EQ(b.as<VARSTRING>()->dwStringFormat, static_cast<DWORD>(STRINGFORMAT_BINARY));
    EXPECT_EQ(b.as<VARSTRING>()->dwStringSize, 4u);
    EXPECT_EQ(b.dword(b.as<VARSTRING>()->dwStringOffset), line_id(0));
    ASSERT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_ADDRESS, b.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(phone_class.c_str())),
              ok);
    EXPECT_EQ(b.dword(b.as<VARSTRING>()->dwStringOffset), phone_id(0));
    EXPECT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_LINE, b.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(wave.c_str())),
              err(LINEERR_INVALDEVICECLASS));
    EXPECT_EQ(devices::line_get_id(st(), hd, 1, nullptr, LINECALLSELECT_ADDRESS, b.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(line_class.c_str())),
              err(LINEERR_INVALADDRESSID));
    EXPECT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_CALL, b.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(line_class.c_str())),
              err(LINEERR_INVALCALLHANDLE));
    var_buffer small(sizeof(VARSTRING) - 1);
    EXPECT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_LINE, small.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(line_class.c_str())),
              err(LINEERR_STRUCTURETOOSMALL));
    // VARSTRING that holds only its fixed part: success, dwNeededSize says how much is needed
    var_buffer fixed(sizeof(VARSTRING));
    ASSERT_EQ(devices::line_get_id(st(), hd, 0, nullptr, LINECALLSELECT_LINE, fixed.as<VARSTRING>(),
                                   reinterpret_cast<LPCWSTR>(line_class.c_str())),
              ok);
    EXPECT_EQ(fixed.dword(4), sizeof(VARSTRING) + 4);
    EXPECT_EQ(fixed.dword(8), sizeof(VARSTRING));

    HICON icon = reinterpret_cast<HICON>(std::uintptr_t{1});
    EXPECT_EQ(devices::line_get_icon(st(), line_id(0), nullptr, &icon), ok);
    EXPECT_EQ(icon, nullptr);
    EXPECT_EQ(devices::line_get_icon(st(), 9999, nullptr, &icon), err(LINEERR_BADDEVICEID));
}

TEST_F(DevicesTest, MediaDetection) {
    start();
    const HDRVLINE hd = open_line(0);
    EXPECT_EQ(devices::line_set_default_media_detection(st(), hd, LINEMEDIAMODE_INTERACTIVEVOICE),
              ok);
    EXPECT_EQ(devices::line_set_default_media_detection(st(), hd, 0), ok);
    EXPECT_EQ(devices::line_set_default_media_detection(st(), hd, LINEMEDIAMODE_UNKNOWN), ok);
    EXPECT_EQ(devices::line_set_default_media_detection(st(), hd, LINEMEDIAMODE_G3FAX),
              err(LINEERR_INVALMEDIAMODE));
    EXPECT_EQ(devices::line_conditional_media_detection(st(), hd, LINEMEDIAMODE_INTERACTIVEVOICE,
                                                        nullptr),
              ok);
    EXPECT_EQ(devices::line_conditional_media_detection(st(), hd, LINEMEDIAMODE_DATAMODEM, nullptr),
              err(LINEERR_INVALMEDIAMODE));
    EXPECT_EQ(devices::line_set_default_media_detection(st(), nullptr, 0),
              err(LINEERR_INVALLINEHANDLE));
}

// ---- configuration watcher ----------------------------------------------------------------------

TEST(ConfigWatcher, CallsBackWhenTheTimeChanges) {
    using ft = std::filesystem::file_time_type;
    std::optional<ft> now = ft{} + std::chrono::seconds(1);
    int changes = 0;
    config_watcher w([&] { return now; }, [&] { ++changes; });
    EXPECT_FALSE(w.poll_once());  // first poll records
    EXPECT_FALSE(w.poll_once());
    now = *now + std::chrono::seconds(1);
    EXPECT_TRUE(w.poll_once());
    EXPECT_EQ(changes, 1);
    now.reset();  // file gone: no reload
    EXPECT_FALSE(w.poll_once());
    now = ft{} + std::chrono::seconds(5);
    EXPECT_TRUE(w.poll_once());
    EXPECT_EQ(changes, 2);
}

TEST(ConfigWatcher, ThreadStartsAndStops) {
    std::atomic<int> polls{0};
    config_watcher w(
        [&] {
            ++polls;
            return std::optional<std::filesystem::file_time_type>{};
        },
        [] {}, std::chrono::milliseconds(1));
    w.start();
    for (int i = 0; i < 1000 && polls.load() < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    w.stop();
    EXPECT_GE(polls.load(), 3);
}

}  // namespace
}  // namespace ctigw::tsp::testing
