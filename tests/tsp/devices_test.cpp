// Device side of the TSP: ids, caps and status structures at every version, open/close, service
// state, forwarding/DND, message waiting, phones, scale (reload: devices_test_lifecycle.cpp).
#include "devices/devices.hpp"

#include <atomic>
#include <functional>
#include <thread>
#include <unordered_set>

#include "capabilities.hpp"
#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {
namespace {

using namespace protocol::svc;
constexpr LONG ok = 0;
LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

/// Checks the variable-size rules for one structure: STRUCTURETOOSMALL only below the fixed
/// part, every size from the fixed part to dwNeededSize succeeds with the same dwNeededSize,
/// dwUsedSize within dwTotalSize, nothing written past dwTotalSize, every variable field either
/// absent (0, 0) or entirely inside [fixed, dwUsedSize).
void check_var_struct(const std::function<LONG(void*)>& call, DWORD fixed,
                      const std::vector<std::size_t>& size_members, LONG too_small,
                      const std::string& what) {
    SCOPED_TRACE(what);
    {
        var_buffer b(fixed - 1);
        EXPECT_EQ(call(b.bytes.data()), too_small);
        EXPECT_TRUE(b.untouched_from(4));
    }
    var_buffer full(8192);
    ASSERT_EQ(call(full.bytes.data()), ok);
    const DWORD needed = full.dword(4);
    ASSERT_GE(needed, fixed);
    EXPECT_EQ(full.dword(8), needed);
    for (DWORD total = fixed; total <= needed; ++total) {
        var_buffer b(total);
        ASSERT_EQ(call(b.bytes.data()), ok) << "total " << total;
        EXPECT_EQ(b.dword(0), total);
        EXPECT_EQ(b.dword(4), needed) << "total " << total;
        const DWORD used = b.dword(8);
        EXPECT_LE(used, total);
        EXPECT_GE(used, fixed);
        EXPECT_TRUE(b.untouched_from(total)) << "wrote past dwTotalSize " << total;
        EXPECT_TRUE(b.untouched_from(std::max(used, fixed))) << "wrote past dwUsedSize " << total;
        for (auto m : size_members) {
            const DWORD size = b.dword(m), off = b.dword(m + 4);
            if (size == 0) {
                EXPECT_EQ(off, 0u);
            } else {
                EXPECT_GE(off, fixed);
                EXPECT_LE(off + size, used);
                EXPECT_EQ(off % 4, 0u);
            }
        }
    }
}

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

class DevicesTest : public devices_fixture {};

TEST_F(DevicesTest, EnumerationBuildsLinesAndPhonesFromTheConfig) {
    start();
    EXPECT_EQ(num_lines, 3u);
    EXPECT_EQ(num_phones, 2u);
    auto& s = st();
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
    EXPECT_EQ(st().line_by_extension_.size(), 50000u);
    EXPECT_EQ(st().lines_.back()->permanent_id, 149999u);
    EXPECT_EQ(st().lines_.back()->device_id, line_base + 49999u);
    std::unordered_set<DWORD> ids;
    for (const auto& l : st().lines_) ids.insert(l->permanent_id);
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
    EXPECT_EQ(devices::line_close(st(), first), ok);
    EXPECT_EQ(devices::line_close(st(), first), err(LINEERR_INVALLINEHANDLE));
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
        EXPECT_EQ(devices::line_close(st(), hd), ok);
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

// ---- service state ------------------------------------------------------------------------------

TEST_F(DevicesTest, OutOfServiceAndBackInServiceOnlyWhenSelectedAndChanged) {
    start();
    const HDRVLINE hd = open_line(0);
    const HDRVLINE quiet = open_line(1);  // selects nothing: hears nothing
    ASSERT_EQ(devices::line_set_status_messages(
                  st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0),
              ok);
    (void)quiet;
    const HDRVPHONE ph = open_phone(0);
    ASSERT_EQ(
        devices::phone_set_status_messages(st(), ph, PHONESTATE_SUSPEND | PHONESTATE_RESUME, 0, 0),
        ok);
    go_live();
    answer_all_queries();
    auto states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    EXPECT_EQ(states[0].ht, reinterpret_cast<HTAPILINE>(std::uintptr_t{0x1100}));
    auto phone_states = phone_msgs(PHONE_STATE);
    ASSERT_EQ(phone_states.size(), 1u);
    EXPECT_EQ(phone_states[0].p1, static_cast<DWORD_PTR>(PHONESTATE_RESUME));

    link->go_down("test");
    link->go_down("again");  // no change, no message
    states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
    phone_states = phone_msgs(PHONE_STATE);
    ASSERT_EQ(phone_states.size(), 2u);
    EXPECT_EQ(phone_states[1].p1, static_cast<DWORD_PTR>(PHONESTATE_SUSPEND));
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwDevStatusFlags,
              static_cast<DWORD>(LINEDEVSTATUSFLAGS_CONNECTED));
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwLineFeatures, 0u);
    var_buffer ps(1024);
    ASSERT_EQ(devices::phone_get_status(st(), ph, ps.as<PHONESTATUS>()), ok);
    EXPECT_EQ(ps.as<PHONESTATUS>()->dwStatusFlags,
              static_cast<DWORD>(PHONESTATUSFLAGS_CONNECTED | PHONESTATUSFLAGS_SUSPENDED));
    // the link is down: a device request is held by the link (issue 12 #3), and one that gives
    // up before the link is back completes with INVALLINESTATE
    const auto id = new_request();
    EXPECT_EQ(track(id, devices::line_forward(st(), id, hd, 0, 0, nullptr, 0, nullptr)),
              static_cast<LONG>(id));
    ASSERT_FALSE(link->pending().empty());  // SetForwarding per type and SetDoNotDisturb
    for (const auto& r : link->pending()) EXPECT_TRUE(r.held);
    link->expire_held();
    drain();
    EXPECT_EQ(completions_of(id), std::vector<LONG>{err(LINEERR_INVALLINESTATE)});

    // a device-level OutOfService / BackInService while live
    go_live();
    answer_all_queries();
    link->push_event("2001", event_of(protocol::evt::out_of_service{{}, "2001"}));
    // the switch took the device out of service while the link is live: refused at once
    const auto refused = new_request();
    EXPECT_EQ(track(refused, devices::line_forward(st(), refused, hd, 0, 0, nullptr, 0, nullptr)),
              err(LINEERR_INVALLINESTATE));
    link->push_event("2001", event_of(protocol::evt::back_in_service{{}, "2001"}));
    answer_all_queries();
    states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 5u);
    EXPECT_EQ(states[3].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
    EXPECT_EQ(states[4].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    // the quiet line heard none of it
    for (const auto& m : line_msgs(LINE_LINEDEVSTATE)) EXPECT_EQ(m.ht, states[0].ht);
}

TEST_F(DevicesTest, OpenAnnouncesCallsThatExistedWhileClosed) {
    start();
    std::vector<pbx_link::device_truth> truths;
    for (const auto& d : link_settings.devices)
        truths.push_back({d, {}, std::nullopt, std::nullopt});
    protocol::snapshot_connection conn;
    conn.connection = {"c1", "2001"};
    conn.state = protocol::connection_state::connected;
    conn.calling_device = "2001";
    conn.called_device = "2002";
    truths[0].connections.push_back(conn);
    link->go_live(truths);
    drain();
    EXPECT_TRUE(line_msgs(LINE_NEWCALL).empty());  // closed: TAPI hears nothing
    const HDRVLINE hd = open_line(0);
    answer_all_queries();
    ASSERT_EQ(line_msgs(LINE_NEWCALL).size(), 1u);
    auto states = line_msgs(LINE_CALLSTATE);
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.back().p1, static_cast<DWORD_PTR>(LINECALLSTATE_CONNECTED));
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwNumActiveCalls, 1u);
    // at the active-call limit: no MAKECALL now
    EXPECT_EQ(b.as<LINEDEVSTATUS>()->dwLineFeatures & LINEFEATURE_MAKECALL, 0u);
}

TEST_F(DevicesTest, ShutdownCompletesPendingDeviceRequestsOnce) {
    start();
    go_live();
    const HDRVLINE hd = open_line(0);
    const HDRVPHONE ph = open_phone(1);
    answer_all_queries();
    const auto fwd = new_request();
    ASSERT_EQ(track(fwd, devices::line_forward(st(), fwd, hd, 0, 0, nullptr, 0, nullptr)),
              static_cast<LONG>(fwd));
    const auto lamp = new_request();
    ASSERT_EQ(track(lamp, devices::phone_set_lamp(st(), lamp, ph, 3, PHONELAMPMODE_STEADY)),
              static_cast<LONG>(lamp));
    prov->shutdown(v31, 7);
    EXPECT_EQ(completions_of(fwd), std::vector<LONG>{err(LINEERR_OPERATIONFAILED)});
    ASSERT_EQ(completions_of(lamp).size(), 1u);
    EXPECT_LT(completions_of(lamp)[0], 0);
}

// ---- forwarding and DND -------------------------------------------------------------------------

/// A LINEFORWARDLIST in a buffer, entries of the given version's size.
struct forward_list {
    std::vector<unsigned char> bytes;
    forward_list(DWORD version, const std::vector<std::pair<DWORD, std::u16string>>& entries,
                 bool dnd_as_null = true) {
        const DWORD stride = version >= v31 ? 32 : 24;
        const DWORD fixed = 8 + stride * static_cast<DWORD>(entries.size());
        bytes.assign(fixed, 0);
        for (std::size_t i = 0; i < entries.size(); ++i) {
            LINEFORWARD f{};
            f.dwForwardMode = entries[i].first;
            if (!entries[i].second.empty() || !dnd_as_null) {
                while (bytes.size() % 4) bytes.push_back(0);
                f.dwDestAddressOffset = static_cast<DWORD>(bytes.size());
                f.dwDestAddressSize = static_cast<DWORD>((entries[i].second.size() + 1) * 2);
                const auto* p = reinterpret_cast<const unsigned char*>(entries[i].second.c_str());
                bytes.insert(bytes.end(), p, p + f.dwDestAddressSize);
            }
            std::memcpy(bytes.data() + 8 + i * stride, &f, stride);
        }
        const DWORD total = static_cast<DWORD>(bytes.size());
        const DWORD n = static_cast<DWORD>(entries.size());
        std::memcpy(bytes.data(), &total, 4);
        std::memcpy(bytes.data() + 4, &n, 4);
    }
    const LINEFORWARDLIST* get() const {
        return reinterpret_cast<const LINEFORWARDLIST*>(bytes.data());
    }
};

class ForwardTest : public DevicesTest {
  protected:
    HDRVLINE hd = nullptr;
    void SetUp() override {
        DevicesTest::SetUp();
        start();
        go_live();
        hd = open_line(0);
        ASSERT_EQ(
            devices::line_set_status_messages(st(), hd, caps::line_states, caps::address_states),
            ok);
        // the open reads the forwarding state
        ASSERT_NE(pending_as<get_forwarding::params>(0), nullptr);
        ASSERT_NE(pending_as<get_do_not_disturb::params>(1), nullptr);
        answer_all_queries();
        ASSERT_TRUE(st().lines_[0]->forwarding_known);
    }
};

TEST_F(ForwardTest, UnconditionalRoundTrip) {
    const forward_list list(v31, {{LINEFORWARDMODE_UNCOND, u"2002"}});
    HDRVCALL consult = reinterpret_cast<HDRVCALL>(std::uintptr_t{1});
    const auto id = new_request();
    ASSERT_EQ(track(id, devices::line_forward(st(), id, hd, 0, 0, list.get(), 0, &consult)),
              static_cast<LONG>(id));
    EXPECT_EQ(consult, nullptr);
    ASSERT_EQ(link->pending().size(), 1u);
    const auto* sf = pending_as<set_forwarding::params>(0);
    ASSERT_NE(sf, nullptr);
    EXPECT_EQ(sf->device, "2001");
    EXPECT_EQ(sf->type, protocol::forwarding_type::immediate);
    EXPECT_TRUE(sf->activate);
    EXPECT_EQ(sf->forward_to, "2002");
    EXPECT_TRUE(completions_of(id).empty());  // not before the switch answers
    link->complete_next(result_of<set_forwarding>({}));
    EXPECT_EQ(completions_of(id), std::vector<LONG>{0});
    EXPECT_TRUE(line_msgs(LINE_ADDRESSSTATE).empty());  // the event tells, not the reply
    link->push_event(
        "2001", event_of(protocol::evt::forwarding{
                    {}, "2001", protocol::forwarding_type::immediate, true, "2002", std::nullopt}));
    auto as = line_msgs(LINE_ADDRESSSTATE);
    ASSERT_EQ(as.size(), 1u);
    EXPECT_EQ(as[0].p1, 0u);
    EXPECT_EQ(as[0].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_FORWARD));
    // the same event again changes nothing
    link->push_event(
        "2001", event_of(protocol::evt::forwarding{
                    {}, "2001", protocol::forwarding_type::immediate, true, "2002", std::nullopt}));
    EXPECT_EQ(line_msgs(LINE_ADDRESSSTATE).size(), 1u);

    for (DWORD total : {static_cast<DWORD>(fixed_size<LINEADDRESSSTATUS>(v31)), DWORD{512}}) {
        var_buffer b(total);
        ASSERT_EQ(devices::line_get_address_status(st(), hd, 0, b.as<LINEADDRESSSTATUS>()), ok);
        const auto* s = b.as<LINEADDRESSSTATUS>();
        if (total < 100) {
            EXPECT_EQ(s->dwForwardNumEntries, 0u);
            EXPECT_EQ(s->dwForwardSize, 0u);
            EXPECT_EQ(s->dwNeededSize, fixed_size<LINEADDRESSSTATUS>(v31) + 32 + 10);
            continue;
        }
        ASSERT_EQ(s->dwForwardNumEntries, 1u);
        LINEFORWARD f{};
        std::memcpy(&f, b.bytes.data() + s->dwForwardOffset, sizeof f);
        EXPECT_EQ(f.dwForwardMode, static_cast<DWORD>(LINEFORWARDMODE_UNCOND));
        ASSERT_EQ(f.dwDestAddressSize, 10u);
        std::u16string dest(4, u'\0');
        std::memcpy(dest.data(), b.bytes.data() + f.dwDestAddressOffset, 8);
        EXPECT_EQ(dest, u"2002");
        EXPECT_EQ(f.dwDestAddressType, static_cast<DWORD>(LINEADDRESSTYPE_PHONENUMBER));
        EXPECT_EQ(s->dwUsedSize, s->dwNeededSize);
    }

    // NULL list: cancel everything active, and DND off
    const auto cancel = new_request();
    ASSERT_EQ(track(cancel, devices::line_forward(st(), cancel, hd, 0, 0, nullptr, 0, nullptr)),
              static_cast<LONG>(cancel));
    ASSERT_EQ(link->pending().size(), 2u);
    const auto* off = pending_as<set_forwarding::params>(0);
    ASSERT_NE(off, nullptr);
    EXPECT_EQ(off->type, protocol::forwarding_type::immediate);
    EXPECT_FALSE(off->activate);
    const auto* dnd = pending_as<set_do_not_disturb::params>(1);
    ASSERT_NE(dnd, nullptr);
    EXPECT_FALSE(dnd->do_not_disturb_on);
    link->complete_next(result_of<set_forwarding>({}));
    EXPECT_TRUE(completions_of(cancel).empty());
    link->fail_next(
        pbx_link::request_failure::csta_error,
        protocol::csta_error{protocol::error_category::operation, "serviceNotSupported", {}});
    EXPECT_EQ(completions_of(cancel), std::vector<LONG>{err(LINEERR_OPERATIONUNAVAIL)});
}

TEST_F(ForwardTest, DndBusyNoAnswerAndOldLayout) {
    // a TAPI 2.x application: 24-byte LINEFORWARD entries
    ASSERT_EQ(devices::line_close(st(), hd), ok);
    hd = open_line(0, v22);
    answer_all_queries();
    ASSERT_EQ(devices::line_set_status_messages(st(), hd, 0, LINEADDRESSSTATE_FORWARD), ok);
    const forward_list list(v22,
                            {{LINEFORWARDMODE_BUSYNA, u"3000"}, {LINEFORWARDMODE_UNCOND, u""}});
    const auto id = new_request();
    ASSERT_EQ(track(id, devices::line_forward(st(), id, hd, 1, 5, list.get(), 50, nullptr)),
              static_cast<LONG>(id));
    ASSERT_EQ(link->pending().size(), 3u);
    const auto* busy = pending_as<set_forwarding::params>(0);
    const auto* noans = pending_as<set_forwarding::params>(1);
    const auto* dnd = pending_as<set_do_not_disturb::params>(2);
    ASSERT_TRUE(busy && noans && dnd);
    EXPECT_EQ(busy->type, protocol::forwarding_type::busy);
    EXPECT_EQ(busy->ring_count, std::nullopt);
    EXPECT_EQ(noans->type, protocol::forwarding_type::no_answer);
    EXPECT_EQ(noans->forward_to, "3000");
    EXPECT_EQ(noans->ring_count, 20u);  // clamped to dwMaxFwdNumRings
    EXPECT_TRUE(dnd->do_not_disturb_on);
    link->complete_next(result_of<set_forwarding>({}));
    link->complete_next(result_of<set_forwarding>({}));
    link->complete_next(result_of<set_do_not_disturb>({}));
    EXPECT_EQ(completions_of(id), std::vector<LONG>{0});
    link->push_event("2001", event_of(protocol::evt::do_not_disturb{{}, "2001", true}));
    EXPECT_EQ(line_msgs(LINE_ADDRESSSTATE).size(), 1u);
    EXPECT_TRUE(st().lines_[0]->do_not_disturb);
    // DND shows as an entry without destination
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_address_status(st(), hd, 0, b.as<LINEADDRESSSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEADDRESSSTATUS>()->dwForwardNumEntries, 1u);
    EXPECT_EQ(b.as<LINEADDRESSSTATUS>()->dwForwardSize, 24u);  // one 2.x entry, no string
}

TEST_F(ForwardTest, HostileLists) {
    auto call = [&](const LINEFORWARDLIST* l) {
        const auto id = new_request();
        return track(id, devices::line_forward(st(), id, hd, 0, 0, l, 0, nullptr));
    };
    EXPECT_EQ(call(forward_list(v31, {{LINEFORWARDMODE_UNCONDSPECIFIC, u"1"}}).get()),
              err(LINEERR_INVALPARAM));
    EXPECT_EQ(
        call(forward_list(v31, {{LINEFORWARDMODE_UNCOND, u"1"}, {LINEFORWARDMODE_UNCOND, u"2"}})
                 .get()),
        err(LINEERR_INVALPARAM));
    EXPECT_EQ(call(forward_list(v31, {{1, u"1"}, {0x10, u"2"}, {0x100, u"3"}, {1, u"4"}}).get()),
              err(LINEERR_INVALPARAM));
    forward_list bad_offset(v31, {{LINEFORWARDMODE_UNCOND, u"2002"}});
    DWORD huge = 0x7FFFFFF0;
    std::memcpy(bad_offset.bytes.data() + 8 + offsetof(LINEFORWARD, dwDestAddressOffset), &huge, 4);
    EXPECT_EQ(call(bad_offset.get()), err(LINEERR_INVALPARAM));
    forward_list truncated(v31, {{LINEFORWARDMODE_UNCOND, u"2002"}});
    DWORD n = 50;
    std::memcpy(truncated.bytes.data() + 4, &n, 4);
    EXPECT_EQ(call(truncated.get()), err(LINEERR_INVALPARAM));
    EXPECT_EQ(call(forward_list(v31, {{LINEFORWARDMODE_UNCOND, u"20x2"}}).get()),
              err(LINEERR_INVALADDRESS));
    const auto id = new_request();
    EXPECT_EQ(track(id, devices::line_forward(st(), id, hd, 0, 3, nullptr, 0, nullptr)),
              err(LINEERR_INVALADDRESSID));
    EXPECT_EQ(track(id, devices::line_forward(st(), id, nullptr, 0, 0, nullptr, 0, nullptr)),
              err(LINEERR_INVALLINEHANDLE));
    EXPECT_TRUE(link->pending().empty());
}

TEST_F(ForwardTest, CloseCompletesPendingRequestsOnceAndSilencesTheLine) {
    const forward_list list(v31, {{LINEFORWARDMODE_UNCOND, u"2002"}});
    const auto id = new_request();
    ASSERT_EQ(track(id, devices::line_forward(st(), id, hd, 0, 0, list.get(), 0, nullptr)),
              static_cast<LONG>(id));
    ASSERT_EQ(devices::line_close(st(), hd), ok);
    EXPECT_EQ(completions_of(id), std::vector<LONG>{err(LINEERR_OPERATIONFAILED)});
    link->complete_next(result_of<set_forwarding>({}));  // the switch answers late: ignored
    link->push_event(
        "2001", event_of(protocol::evt::forwarding{
                    {}, "2001", protocol::forwarding_type::immediate, true, "2002", std::nullopt}));
    EXPECT_EQ(completions_of(id).size(), 1u);
    EXPECT_TRUE(line_msgs(LINE_ADDRESSSTATE).empty());
    // the state is still tracked for the next open
    ASSERT_EQ(st().lines_[0]->forwarding.size(), 1u);
}

TEST_F(ForwardTest, ChangesMadeAtThePhoneAreReported) {
    link->push_event(
        "2001", event_of(protocol::evt::forwarding{
                    {}, "2001", protocol::forwarding_type::no_answer, true, "0612345678", 4u}));
    ASSERT_EQ(line_msgs(LINE_ADDRESSSTATE).size(), 1u);
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_address_status(st(), hd, 0, b.as<LINEADDRESSSTATUS>()), ok);
    EXPECT_EQ(b.as<LINEADDRESSSTATUS>()->dwNumRingsNoAnswer, 4u);
    link->push_event(
        "2001",
        event_of(protocol::evt::forwarding{
            {}, "2001", protocol::forwarding_type::no_answer, false, std::nullopt, std::nullopt}));
    EXPECT_EQ(line_msgs(LINE_ADDRESSSTATE).size(), 2u);
    EXPECT_TRUE(st().lines_[0]->forwarding.empty());
    // an address-state mask without FORWARD hears nothing
    ASSERT_EQ(devices::line_set_status_messages(st(), hd, 0, LINEADDRESSSTATE_NUMCALLS), ok);
    link->push_event("2001", event_of(protocol::evt::do_not_disturb{{}, "2001", true}));
    EXPECT_EQ(line_msgs(LINE_ADDRESSSTATE).size(), 2u);
}

// ---- message waiting ----------------------------------------------------------------------------

TEST_F(ForwardTest, MessageWaitingRoundTrip) {
    const auto id = new_request();
    ASSERT_EQ(
        track(id, devices::line_set_line_dev_status(st(), id, hd, LINEDEVSTATUSFLAGS_MSGWAIT, 1)),
        static_cast<LONG>(id));
    const auto* mwi = pending_as<set_message_waiting_indicator::params>(0);
    ASSERT_NE(mwi, nullptr);
    EXPECT_EQ(mwi->device, "2001");
    EXPECT_TRUE(mwi->message_waiting_on);
    link->complete_next(result_of<set_message_waiting_indicator>({}));
    EXPECT_EQ(completions_of(id), std::vector<LONG>{0});
    link->push_event("2001",
                     event_of(protocol::evt::message_waiting{{}, "2001", std::nullopt, true}));
    auto m = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_MSGWAITON));
    var_buffer b(1024);
    ASSERT_EQ(devices::line_get_dev_status(st(), hd, b.as<LINEDEVSTATUS>()), ok);
    EXPECT_NE(b.as<LINEDEVSTATUS>()->dwDevStatusFlags & LINEDEVSTATUSFLAGS_MSGWAIT, 0u);
    link->push_event("2001",
                     event_of(protocol::evt::message_waiting{{}, "2001", std::nullopt, false}));
    m = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_MSGWAITOFF));
    const auto bad = new_request();
    EXPECT_EQ(track(bad, devices::line_set_line_dev_status(st(), bad, hd,
                                                           LINEDEVSTATUSFLAGS_INSERVICE, 1)),
              err(LINEERR_INVALPARAM));
}

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
        ASSERT_TRUE(st().phones_[0]->set_info_known);
        ASSERT_EQ(devices::phone_set_status_messages(st(), hd, 0x00FFFFFF, 0xFF, 0xFF), ok);
    }
};

TEST_F(PhoneTest, StatusDisplayButtonsAtEveryVersion) {
    for (DWORD v : all_versions) {
        HDRVPHONE h = hd;
        if (v != v31) {
            ASSERT_EQ(devices::phone_close(st(), hd), ok);
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
    ASSERT_EQ(devices::phone_close(st(), hd), ok);
    link->push_event("2001", event_of(protocol::evt::lamp_mode_changed{
                                 {}, "2001", 4, protocol::lamp_mode::off}));
    EXPECT_EQ(phone_msgs(PHONE_STATE).size(), 5u);
    EXPECT_EQ(devices::phone_get_lamp(st(), hd, 13, &mode), err(PHONEERR_INVALPHONEHANDLE));
    EXPECT_EQ(devices::phone_close(st(), hd), err(PHONEERR_INVALPHONEHANDLE));
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
