// Device status read in batches from a version-3 switch (GetDeviceStatusBatch,
// tsp/src/devices/status_batch.cpp): the first refresh goes at once, a burst waits for the batch
// in flight and goes as one request, and the items change what per-device answers change.
#include "devices/devices.hpp"

#include "devices_test.hpp"

namespace ctigw::tsp::testing {
namespace {

using namespace protocol;
using batch = svc::get_device_status_batch;

class StatusBatchTest : public DevicesTest {
  protected:
    void SetUp() override {
        config_text = R"({
  "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
  "devices": { "lines": [{ "range": "2001-2010" }], "phones": ["2001", "2002"] }
})";
        DevicesTest::SetUp();
        start();
        link->mutable_figures().protocol_version = 3;
        link->mutable_figures().max_batch_size = 4;
        go_live();
    }
    const batch::params* pending_batch(std::size_t i) { return pending_as<batch::params>(i); }
    void answer(std::vector<device_status_item> items) {
        link->complete_next(result_of<batch>({std::move(items)}));
        drain();
    }
    /// A phone's item: two buttons with lamps (flashing, steady), the handset off hook, no ringer.
    static device_status_item phone_item(std::string device, display_status display) {
        device_status_item i;
        i.device = std::move(device);
        i.display = std::move(display);
        i.buttons = {{12, "Line 1", "line", 3u}, {13, "Transfer", "feature", 4u}};
        i.hookswitches = {{hookswitch_type::handset, hookswitch_mode::mic_and_speaker}};
        i.lamps = {{3, lamp_mode::flash}, {4, lamp_mode::steady}};
        i.errors = {{status_read::ringer, {error_category::operation, "serviceNotSupported", {}}}};
        return i;
    }
    /// An item of a line with nothing forwarded, DND off.
    static device_status_item line_item(std::string device) {
        device_status_item i;
        i.device = std::move(device);
        i.do_not_disturb = false;
        return i;
    }
};

TEST_F(StatusBatchTest, ABurstOfOpensGoesInBatchesOfTheSwitchsSize) {
    std::vector<HDRVLINE> hd;
    for (std::size_t i = 0; i < 10; ++i) hd.push_back(open_line(i));
    // Two single batches went at once; the other eight wait for them.
    ASSERT_EQ(link->pending().size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto* b = pending_batch(i);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->devices, std::vector<std::string>{"200" + std::to_string(i + 1)});
        EXPECT_EQ(b->reads,
                  (std::vector<status_read>{status_read::forwarding, status_read::do_not_disturb}));
    }
    answer({line_item("2001")});
    // The next batch takes as many as the switch allows (maxBatchSize 4).
    ASSERT_EQ(link->pending().size(), 2u);
    EXPECT_EQ(pending_batch(1)->devices,
              (std::vector<std::string>{"2003", "2004", "2005", "2006"}));
    answer({line_item("2002")});
    ASSERT_EQ(link->pending().size(), 2u);
    EXPECT_EQ(pending_batch(1)->devices,
              (std::vector<std::string>{"2007", "2008", "2009", "2010"}));
    answer({line_item("2003"), line_item("2004"), line_item("2005"), line_item("2006")});
    answer({line_item("2007"), line_item("2008"), line_item("2009"), line_item("2010")});
    EXPECT_TRUE(link->pending().empty());
    for (const auto& l : st()->lines_) EXPECT_TRUE(l->forwarding_known) << l->extension;
    // Ten lines took four requests instead of twenty.
    EXPECT_EQ(link->figures().requests, 4u);
}

TEST_F(StatusBatchTest, ItemsChangeTheLineAsPerDeviceAnswersDo) {
    const auto hd = open_line(0);
    ASSERT_EQ(devices::line_set_status_messages(st(), hd, 0, LINEADDRESSSTATE_FORWARD), ok);
    auto item = line_item("2001");
    item.do_not_disturb = true;
    item.forwarding.push_back({forwarding_type::immediate, true, std::string("2099"), {}});
    item.forwarding.push_back({forwarding_type::busy, false, std::string("2098"), {}});
    answer({item});
    const auto& l = st()->lines_[0];
    EXPECT_TRUE(l->forwarding_known);
    EXPECT_TRUE(l->do_not_disturb);
    ASSERT_EQ(l->forwarding.size(), 1u);  // the active entry
    EXPECT_EQ(l->forwarding[0].forward_to, "2099");
    std::lock_guard lock(recorder::mutex);
    EXPECT_TRUE(std::any_of(recorder::lines.begin(), recorder::lines.end(), [](const line_msg& m) {
        return m.msg == LINE_ADDRESSSTATE && m.p2 == LINEADDRESSSTATE_FORWARD;
    }));
}

TEST_F(StatusBatchTest, APhoneReadsItsSetInOneItemAndAFailedReadChangesNothing) {
    const auto hd = open_phone(0);
    const auto* b = pending_batch(0);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->devices, std::vector<std::string>{"2001"});
    EXPECT_EQ(b->reads.size(), 5u);
    answer({phone_item("2001", display_status{"Queue 7", 1, 16})});
    const auto& ph = st()->phones_[0];
    EXPECT_TRUE(ph->set_info_known);
    EXPECT_TRUE(ph->status_known);
    EXPECT_EQ(ph->display_columns, 16u);
    EXPECT_EQ(ph->hookswitch_handset, static_cast<DWORD>(PHONEHOOKSWITCHMODE_MICSPEAKER));
    DWORD mode = 0;
    ASSERT_EQ(devices::phone_get_lamp(st(), hd, 12, &mode), ok);  // lamp 3 is button 12's
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_FLASH));
    ASSERT_EQ(devices::phone_get_lamp(st(), hd, 13, &mode), ok);
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_STEADY));
    EXPECT_EQ(ph->ring_mode, 0u);
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& s) {
        return s.find("status of 2001: ringer not read: serviceNotSupported") != std::string::npos;
    }));
}

TEST_F(StatusBatchTest, APhoneThatKnowsItsButtonsRereadsItsSetWithoutThem) {
    const auto hd = open_phone(0);
    ASSERT_NE(pending_batch(0), nullptr);
    EXPECT_EQ(pending_batch(0)->reads,
              (std::vector<status_read>{status_read::display, status_read::buttons,
                                        status_read::hookswitch, status_read::ringer,
                                        status_read::lamps}));
    device_status_item item;
    item.device = "2001";
    item.buttons = {{12, "Line 1", "line", 3u}};
    item.lamps = {{3, lamp_mode::flash}};
    answer({item});
    ASSERT_TRUE(st()->phones_[0]->set_info_known);
    // A resync: the buttons are known, the rest is read again (lamps still by the buttons).
    link->go_down();
    drain();
    go_live();
    const auto* again = pending_batch(0);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->devices, std::vector<std::string>{"2001"});
    EXPECT_EQ(again->reads, (std::vector<status_read>{status_read::display, status_read::hookswitch,
                                                      status_read::ringer, status_read::lamps}));
    item.buttons.clear();
    item.lamps = {{3, lamp_mode::steady}};
    answer({item});
    ASSERT_EQ(st()->phones_[0]->buttons.size(), 1u);
    DWORD mode = 0;
    ASSERT_EQ(devices::phone_get_lamp(st(), hd, 12, &mode), ok);
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_STEADY));
    // A batch with one phone that does not know them reads them for every phone in it.
    open_phone(1);
    ASSERT_NE(pending_batch(0), nullptr);
    EXPECT_EQ(pending_batch(0)->devices, std::vector<std::string>{"2002"});
    EXPECT_EQ(pending_batch(0)->reads.size(), 5u);
}

TEST_F(StatusBatchTest, AnItemWithSameAsGetsTheReadsItLeavesToTheEarlierItem) {
    // Two lines take both batches in flight, so that both phones wait and go in one.
    open_line(0);
    open_line(1);
    open_phone(1);
    const auto hd0 = open_phone(0);
    answer({line_item("2001")});
    answer({line_item("2002")});
    const auto* b = pending_batch(0);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->devices, (std::vector<std::string>{"2002", "2001"}));
    EXPECT_EQ(b->allow_same_as, std::optional<bool>(true));
    const auto first = phone_item("2002", display_status{"Phone 2002", 1, 10});
    device_status_item second;
    second.device = "2001";
    second.same_as = 0;
    second.display = display_status{"Phone 2001", 1, 10};  // its own; the rest is the first's
    answer({first, second});
    for (const auto& ph : st()->phones_) {
        SCOPED_TRACE(ph->extension);
        EXPECT_TRUE(ph->set_info_known);
        EXPECT_TRUE(ph->status_known);
        EXPECT_EQ(ph->display.substr(0, 10), "Phone " + ph->extension);
        EXPECT_EQ(ph->buttons.size(), 2u);
        EXPECT_EQ(ph->hookswitch_handset, static_cast<DWORD>(PHONEHOOKSWITCHMODE_MICSPEAKER));
    }
    DWORD mode = 0;
    ASSERT_EQ(devices::phone_get_lamp(st(), hd0, 13, &mode), ok);  // 2001's, by reference
    EXPECT_EQ(mode, static_cast<DWORD>(PHONELAMPMODE_STEADY));
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& s) {
        return s.find("status of 2001: ringer not read: serviceNotSupported") != std::string::npos;
    }));
}

TEST_F(StatusBatchTest, ASameAsThatNamesNoEarlierItemChangesNothing) {
    open_line(0);
    open_line(1);
    open_phone(0);
    open_phone(1);
    answer({line_item("2001")});
    answer({line_item("2002")});
    device_status_item first;
    first.device = "2001";
    first.same_as = 1;  // a later item: only a switch that bypassed the decoder's check
    device_status_item second;
    second.device = "2002";
    second.buttons = {{12, "Line 1", "line", 3u}};
    answer({first, second});
    for (const auto& ph : st()->phones_) EXPECT_FALSE(ph->set_info_known) << ph->extension;
    EXPECT_TRUE(devices_of(st()).outstanding.empty());
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& s) {
        return s.find("the answer is not usable: sameAs must name an earlier item") !=
               std::string::npos;
    }));
}

TEST_F(StatusBatchTest, AnAnswerOutOfOrderOrAFailedBatchIsLoggedAndTheDeviceRefreshesAgain) {
    open_line(0);
    open_line(1);
    answer({line_item("2009")});  // not the device asked for
    EXPECT_FALSE(st()->lines_[0]->forwarding_known);
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& s) {
        return s.find("answered out of order at 2001") != std::string::npos;
    }));
    link->fail_next(pbx_link::request_failure::timeout);
    drain();
    EXPECT_FALSE(st()->lines_[1]->forwarding_known);
    // Nothing outstanding any more: a new refresh of the line goes again.
    EXPECT_TRUE(devices_of(st()).outstanding.empty());
    {
        auto s = st();
        devices::refresh_line(s, s->lines_[0]);
    }
    ASSERT_NE(pending_batch(0), nullptr);
    EXPECT_EQ(pending_batch(0)->devices, std::vector<std::string>{"2001"});
}

TEST_F(StatusBatchTest, ItemsLeftOutForTheFrameLimitAreAskedForAgainWhileTheBatchesProgress) {
    for (std::size_t i = 0; i < 6; ++i) open_line(i);
    answer({line_item("2001")});
    answer({line_item("2002")});
    ASSERT_EQ(pending_batch(0)->devices,
              (std::vector<std::string>{"2003", "2004", "2005", "2006"}));
    auto left_out = [](std::string device) {
        device_status_item i;
        i.device = std::move(device);
        i.error = csta_error{error_category::performance_management,
                             std::string(error_values::performance_limit_exceeded),
                             {}};
        return i;
    };
    answer({line_item("2003"), line_item("2004"), left_out("2005"), left_out("2006")});
    ASSERT_EQ(link->pending().size(), 1u);
    EXPECT_EQ(pending_batch(0)->devices, (std::vector<std::string>{"2005", "2006"}));
    EXPECT_TRUE(st()->lines_[3]->forwarding_known);
    EXPECT_FALSE(st()->lines_[4]->forwarding_known);
    // Nothing fits any more: given up (logged), not asked for in a loop.
    answer({left_out("2005"), left_out("2006")});
    EXPECT_TRUE(link->pending().empty());
    EXPECT_TRUE(devices_of(st()).outstanding.empty());
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& s) {
        return s.find("status of 2005 not read: performanceLimitExceeded") != std::string::npos;
    }));
}

TEST_F(StatusBatchTest, TheLinkGoingDownDropsTheWaitingRefreshes) {
    for (std::size_t i = 0; i < 6; ++i) open_line(i);
    ASSERT_EQ(link->pending().size(), 2u);
    EXPECT_FALSE(devices_of(st()).batch_lines.empty());
    link->go_down();
    drain();
    EXPECT_TRUE(devices_of(st()).batch_lines.empty());
    EXPECT_TRUE(devices_of(st()).outstanding.empty());
    EXPECT_EQ(devices_of(st()).batches_in_flight, 0u);
    // Live again: every open line refreshes, in batches.
    go_live();
    ASSERT_EQ(link->pending().size(), 2u);
    answer({line_item("2001")});
    EXPECT_EQ(pending_batch(1)->devices,
              (std::vector<std::string>{"2003", "2004", "2005", "2006"}));
}

TEST_F(StatusBatchTest, AVersion2SwitchIsReadDeviceByDevice) {
    link->mutable_figures().protocol_version = 2;
    open_line(0);
    ASSERT_EQ(link->pending().size(), 2u);
    EXPECT_NE(pending_as<svc::get_forwarding::params>(0), nullptr);
    EXPECT_NE(pending_as<svc::get_do_not_disturb::params>(1), nullptr);
}

}  // namespace
}  // namespace ctigw::tsp::testing
