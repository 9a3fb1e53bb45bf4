// Line forwarding and do-not-disturb (lineForward, LINEFORWARDLIST at the 2.x and 3.1 layouts,
// changes made at the phone) and the message waiting lamp (lineSetLineDevStatus MSGWAIT).
#include "devices/devices.hpp"

#include <cstring>

#include "capabilities.hpp"
#include "devices_test.hpp"

namespace ctigw::tsp::testing {
namespace {

using namespace protocol::svc;

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
        ASSERT_TRUE(st()->lines_[0]->forwarding_known);
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
    ASSERT_EQ(devices::line_close(prov->state(), hd), ok);
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
    EXPECT_TRUE(st()->lines_[0]->do_not_disturb);
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
    ASSERT_EQ(devices::line_close(prov->state(), hd), ok);
    EXPECT_EQ(completions_of(id), std::vector<LONG>{err(LINEERR_OPERATIONFAILED)});
    link->complete_next(result_of<set_forwarding>({}));  // the switch answers late: ignored
    link->push_event(
        "2001", event_of(protocol::evt::forwarding{
                    {}, "2001", protocol::forwarding_type::immediate, true, "2002", std::nullopt}));
    EXPECT_EQ(completions_of(id).size(), 1u);
    EXPECT_TRUE(line_msgs(LINE_ADDRESSSTATE).empty());
    // the state is still tracked for the next open
    ASSERT_EQ(st()->lines_[0]->forwarding.size(), 1u);
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
    EXPECT_TRUE(st()->lines_[0]->forwarding.empty());
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

}  // namespace
}  // namespace ctigw::tsp::testing
