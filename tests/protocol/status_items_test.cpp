// share_equal_reads / resolve_same_as (status_services.hpp): a GetDeviceStatusBatch answer whose
// alike items carry their reads once, and the client's way back to whole items; the decoder's
// checks of `sameAs`.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ctigw/protocol/codec.hpp"
#include "ctigw/protocol/status_services.hpp"

namespace ctigw::protocol {
namespace {

using batch = svc::get_device_status_batch;

csta_error not_supported() {
    return {error_category::operation, "serviceNotSupported", {}};
}

/// A phone of model A (three buttons) or B (one), idle unless a lamp is given.
device_status_item phone(std::string device, char model, lamp_mode lamp1 = lamp_mode::off) {
    device_status_item i;
    i.display = display_status{"Ext " + device, 1, 16};
    i.device = std::move(device);
    i.hookswitches = {{hookswitch_type::handset, hookswitch_mode::on_hook}};
    i.ringer = ringer_status{ringer_mode::not_ringing, 60};
    if (model == 'A') {
        i.buttons = {{1, "Line 1", "line", 1u}, {2, "Line 2", "line", 2u}, {3, "Park", {}, {}}};
        i.lamps = {{1, lamp1}, {2, lamp_mode::off}};
    } else {
        i.buttons = {{1, "Line", "line", 1u}};
        i.lamps = {{1, lamp1}};
    }
    return i;
}

device_status_item line(std::string device, bool forwarded = false) {
    device_status_item i;
    i.device = std::move(device);
    i.do_not_disturb = false;
    if (forwarded) i.forwarding = {{forwarding_type::immediate, true, std::string("2099"), {}}};
    return i;
}

device_status_item unknown(std::string device) {
    device_status_item i;
    i.device = std::move(device);
    i.error = csta_error{error_category::operation, "invalidDeviceID", {}};
    return i;
}

std::string encode(const std::vector<device_status_item>& items) {
    return make_json_codec()->encode(make_response<batch>("1", batch::result{items}));
}

/// What a client decodes from `items` on the wire and resolves.
std::vector<device_status_item> over_the_wire(const std::vector<device_status_item>& items) {
    auto r = make_json_codec()->decode(encode(items));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    if (!r.ok()) return {};
    auto got =
        std::get<batch::result>(std::get<service_result>(std::get<response>(r.value()).outcome))
            .results;
    EXPECT_EQ(resolve_same_as(got), nullptr);
    return got;
}

TEST(StatusItems, AlikePhonesCarryTheirSharedReadsOnceAndResolveToTheWholeItems) {
    const std::vector<device_status_item> whole{
        phone("2001", 'A'),
        phone("2002", 'A'),
        phone("2003", 'A', lamp_mode::steady),  // busy: its lamps differ
        phone("2004", 'B'),
        phone("2005", 'B'),
        unknown("2006"),
        phone("2007", 'A'),
    };
    auto shared = whole;
    share_equal_reads(shared);
    std::vector<std::optional<std::uint32_t>> refs;
    for (const auto& i : shared) refs.push_back(i.same_as);
    // 2004 shares hookswitches and ringer with 2001 but becomes the layout of model B.
    EXPECT_EQ(refs, (std::vector<std::optional<std::uint32_t>>{{}, 0u, 0u, 0u, 3u, {}, 0u}));
    EXPECT_TRUE(shared[1].buttons.empty());
    EXPECT_TRUE(shared[1].lamps.empty());
    EXPECT_FALSE(shared[1].ringer);
    ASSERT_TRUE(shared[1].display);  // its own text
    EXPECT_EQ(shared[2].lamps, whole[2].lamps);
    EXPECT_TRUE(shared[2].buttons.empty());
    EXPECT_EQ(shared[3].buttons, whole[3].buttons);
    EXPECT_TRUE(shared[4].buttons.empty());
    EXPECT_EQ(shared[5], whole[5]);
    EXPECT_LT(encode(shared).size() * 2, encode(whole).size());
    EXPECT_EQ(over_the_wire(shared), whole);
}

TEST(StatusItems, AnItemNeverInheritsAReadItHasNothingFor) {
    // 2002's empty forwarding cannot be written: it must not refer to 2001's entry.
    const std::vector<device_status_item> whole{line("2001", true), line("2002"), line("2003"),
                                                line("2004", true)};
    auto shared = whole;
    share_equal_reads(shared);
    EXPECT_FALSE(shared[1].same_as);
    EXPECT_EQ(shared[2].same_as, std::optional<std::uint32_t>(1));
    EXPECT_EQ(shared[3].same_as, std::optional<std::uint32_t>(0));
    EXPECT_EQ(over_the_wire(shared), whole);
}

TEST(StatusItems, ReadErrorsAreSharedLikeValues) {
    auto a = line("2001");
    a.errors = {{status_read::display, not_supported()}, {status_read::ringer, not_supported()}};
    auto b = a;
    b.device = "2002";
    b.errors[1].error.message = "no ringer";  // differs: carried
    auto c = a;
    c.device = "2003";
    c.errors.erase(c.errors.begin());  // no display error: nothing for display, cannot refer to a
    const std::vector<device_status_item> whole{a, b, c};
    auto shared = whole;
    share_equal_reads(shared);
    EXPECT_EQ(shared[1].same_as, std::optional<std::uint32_t>(0));
    ASSERT_EQ(shared[1].errors.size(), 1u);
    EXPECT_EQ(shared[1].errors[0].read, status_read::ringer);
    EXPECT_FALSE(shared[2].same_as);
    EXPECT_EQ(over_the_wire(shared), whole);
}

TEST(StatusItems, BeyondEightLayoutsItemsStayWhole) {
    std::vector<device_status_item> whole;
    for (std::uint32_t i = 0; i < 12; ++i) {
        auto p = phone(std::to_string(3000 + i), 'B');
        p.buttons[0].label = "Model " + std::to_string(i);  // twelve layouts
        whole.push_back(p);
    }
    whole.push_back(phone("3100", 'B'));         // only hookswitch, ringer, lamps like 3000's
    whole.back().buttons[0].label = "Model 11";  // 3011's: never kept, eight layouts were full
    auto shared = whole;
    share_equal_reads(shared);
    for (std::size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(shared[i].buttons, whole[i].buttons) << i;
    }
    EXPECT_EQ(shared[12].same_as, std::optional<std::uint32_t>(0));
    EXPECT_EQ(shared[12].buttons, whole[12].buttons);
    EXPECT_EQ(over_the_wire(shared), whole);
}

/// Random answers whose items often repeat each other's reads, read by read: nothing, one of two
/// values, or one of two errors (in StatusRead order, as the gateway sends them).
std::vector<device_status_item> random_answer(std::mt19937& rng) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::vector<device_status_item> items(static_cast<std::size_t>(pick(40)));
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& it = items[i];
        it.device = std::to_string(2000 + i);
        if (pick(10) == 0) {
            it.error = csta_error{error_category::operation, "invalidDeviceID", {}};
            continue;
        }
        for (std::uint8_t r = 0; r < 7; ++r) {
            const auto read = static_cast<status_read>(r);
            const int what = pick(5);  // 0 nothing, 1-2 a value, 3-4 an error
            if (what >= 3) {
                it.errors.push_back({read,
                                     {error_category::operation, "serviceNotSupported",
                                      what == 3 ? "" : "no such thing"}});
                continue;
            }
            if (what == 0) continue;
            const bool b = what == 2;
            switch (read) {
                case status_read::forwarding:
                    it.forwarding = {{forwarding_type::immediate, b, std::string("2099"), {}}};
                    break;
                case status_read::do_not_disturb:
                    it.do_not_disturb = b;
                    break;
                case status_read::display:
                    it.display = display_status{b ? "B" : "A", 1, 16};
                    break;
                case status_read::hookswitch:
                    it.hookswitches = {
                        {hookswitch_type::handset,
                         b ? hookswitch_mode::mic_and_speaker : hookswitch_mode::on_hook}};
                    break;
                case status_read::ringer:
                    it.ringer = ringer_status{ringer_mode::not_ringing, b ? 10u : 60u};
                    break;
                case status_read::buttons:
                    it.buttons = {{1, b ? "B" : "A", "line", 1u}};
                    break;
                case status_read::lamps:
                    it.lamps = {{1, b ? lamp_mode::steady : lamp_mode::off}};
                    break;
            }
        }
    }
    return items;
}

TEST(StatusItems, RandomAnswersComeBackWholeAndNeverGrow) {
    std::mt19937 rng(20261206);
    std::size_t referring = 0;
    for (int round = 0; round < 500; ++round) {
        SCOPED_TRACE(round);
        const auto whole = random_answer(rng);
        auto shared = whole;
        share_equal_reads(shared);
        for (std::size_t i = 0; i < shared.size(); ++i) {
            if (!shared[i].same_as) continue;
            ++referring;
            ASSERT_LT(*shared[i].same_as, i);
            ASSERT_FALSE(shared[*shared[i].same_as].error);
        }
        EXPECT_LE(encode(shared).size(), encode(whole).size());
        ASSERT_EQ(over_the_wire(shared), whole);
    }
    EXPECT_GT(referring, 1000U);  // the answers did exercise sameAs
}

TEST(StatusItems, TheDecoderRefusesASameAsThatNamesNoEarlierItemOrAnErrorItem) {
    auto codec = make_json_codec();
    auto frame = [](std::string items) {
        return R"({"type":"response","id":"1","service":"GetDeviceStatusBatch","result":{"results":[)" +
               items + "]}}";
    };
    const std::string ok_item = R"({"device":"2001","doNotDisturbOn":true})";
    const std::string error_item =
        R"({"device":"2001","error":{"category":"operation","value":"invalidDeviceID"}})";
    for (
        const auto& bad : {
            frame(R"({"device":"2001","sameAs":0})"),
            frame(ok_item + R"(,{"device":"2002","sameAs":1})"),
            frame(ok_item + R"(,{"device":"2002","sameAs":7})"),
            frame(error_item + R"(,{"device":"2002","sameAs":0})"),
            frame(
                ok_item +
                R"(,{"device":"2002","sameAs":0,"error":{"category":"operation","value":"invalidDeviceID"}})"),
        }) {
        auto r = codec->decode(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, decode_errc::invalid_value) << r.error().to_string();
    }
    auto r = codec->decode(frame(ok_item + R"(,{"device":"2002","sameAs":0})"));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    auto items =
        std::get<batch::result>(std::get<service_result>(std::get<response>(r.value()).outcome))
            .results;
    ASSERT_EQ(resolve_same_as(items), nullptr);
    EXPECT_EQ(items[1].do_not_disturb, std::optional<bool>(true));
    EXPECT_FALSE(items[1].same_as);
    // resolve_same_as checks too (for items that did not come through the decoder).
    items[0].same_as = 1;
    EXPECT_NE(resolve_same_as(items), nullptr);
}

}  // namespace
}  // namespace ctigw::protocol
