// Per-device capabilities (docs/tspi-mapping.md "Capabilities"): the services the switch lists
// as unsupported in a device's MonitorStart result take their bits out of LINEDEVCAPS,
// LINEADDRESSCAPS, LINEDEVSTATUS, LINEADDRESSSTATUS and LINECALLSTATUS, and the TSPI functions
// for them fail synchronously with LINEERR_OPERATIONUNAVAIL, before any request.
#include <cstdint>

#include "calls_test.hpp"
#include "devices/devices.hpp"

namespace ctigw::tsp::testing {
namespace {

namespace svc = proto::svc;
using svc_result = proto::service_result;
constexpr LONG E(DWORD e) {
    return static_cast<LONG>(e);
}
const auto ht_call = [](int n) {
    return reinterpret_cast<HTAPICALL>(static_cast<std::uintptr_t>(0x6000 + n));
};

/// A zeroed, aligned TAPI structure with room for its variable part.
template <class T>
struct tapi_buffer {
    std::vector<std::uint64_t> words = std::vector<std::uint64_t>(2048, 0);
    tapi_buffer() { get()->dwTotalSize = static_cast<DWORD>(words.size() * 8); }
    T* get() { return reinterpret_cast<T*>(words.data()); }
    T* operator->() { return get(); }
};

pbx_link::device_truth truth_with(std::string device, std::vector<std::string> unsupported,
                                  std::vector<proto::snapshot_connection> conns = {}) {
    pbx_link::device_truth t{std::move(device), std::move(conns), std::nullopt, std::nullopt};
    if (!unsupported.empty()) t.capabilities = proto::capabilities{std::move(unsupported)};
    return t;
}

TEST(caps_mask, each_service_takes_the_bits_it_backs) {
    EXPECT_EQ(caps::mask_of({}), caps::unsupported_mask{});
    EXPECT_EQ(caps::mask_of({"AnswerCall"}).call, DWORD{LINECALLFEATURE_ANSWER});
    EXPECT_EQ(caps::mask_of({"AgentLogon"}), caps::unsupported_mask{});  // unknown: ignored
    const auto park = caps::mask_of({"ParkCall"});
    EXPECT_EQ(park.call, DWORD{LINECALLFEATURE_PARK});
    EXPECT_EQ(park.call2, DWORD{LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT});
    // lineCompleteTransfer stays while one of TransferCall / ConferenceCall works.
    const auto transfer = caps::mask_of({"TransferCall"});
    EXPECT_EQ(transfer.call & LINECALLFEATURE_COMPLETETRANSF, 0u);
    EXPECT_EQ(transfer.call2, DWORD{LINECALLFEATURE2_TRANSFERNORM});
    EXPECT_NE(
        caps::mask_of({"TransferCall", "ConferenceCall"}).call & LINECALLFEATURE_COMPLETETRANSF,
        0u);
    const auto fwd = caps::mask_of({"SetForwarding"});
    EXPECT_EQ(fwd.address, DWORD{LINEADDRFEATURE_FORWARDFWD});
    EXPECT_EQ(fwd.line, DWORD{LINEFEATURE_FORWARDFWD});
    const auto both = caps::mask_of({"SetForwarding", "SetDoNotDisturb"});
    EXPECT_NE(both.address & LINEADDRFEATURE_FORWARD, 0u);
    EXPECT_NE(both.line & LINEFEATURE_FORWARD, 0u);
    // Every masked bit is one the superset advertises.
    std::vector<std::string> all;
    for (const auto& e : caps::service_map) all.emplace_back(e.service);
    const auto m = caps::mask_of(all);
    EXPECT_EQ(m.call & ~caps::call_features, 0u);
    EXPECT_EQ(m.call2 & ~caps::call_features2, 0u);
    EXPECT_EQ(m.address & ~caps::address_features, 0u);
    EXPECT_EQ(m.line & ~caps::line_features, 0u);
}

class caps_test : public calls_test {
  protected:
    DWORD address_call_features(const std::string& ext) {
        tapi_buffer<LINEADDRESSCAPS> b;
        EXPECT_EQ(devices::line_get_address_caps(p(), line_of(ext)->device_id, 0, tapi_version_3_1,
                                                 0, b.get()),
                  0);
        return b->dwCallFeatures;
    }
    std::size_t capschanges(const std::string& ext) {
        std::size_t n = 0;
        for (const auto& m : messages(ext, LINE_LINEDEVSTATE)) n += m.p1 == LINEDEVSTATE_CAPSCHANGE;
        for (const auto& m : messages(ext, LINE_ADDRESSSTATE)) {
            n += m.p2 == LINEADDRESSSTATE_CAPSCHANGE;
        }
        return n;
    }
    /// Link loss and resync with these truths; the forwarding/DND queries the lines make when
    /// they come back in service are answered, so that the tests see only their own requests.
    void resync(std::vector<pbx_link::device_truth> truths) {
        link().go_down();
        link().go_live(truths);
        while (pending() > 0) {
            if (std::holds_alternative<svc::get_forwarding::params>(sent())) {
                reply(svc_result{std::in_place_type<svc::get_forwarding::result>});
            } else if (std::holds_alternative<svc::get_do_not_disturb::params>(sent())) {
                reply(svc_result{std::in_place_type<svc::get_do_not_disturb::result>});
            } else {
                break;
            }
        }
        drain();
    }
};

TEST_F(caps_test, lines_with_the_same_refusals_are_logged_once_at_info) {
    // At 100,000 lines with one list, one info line at start instead of 100,000.
    auto refusals = [&](int lvl) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < log_.size(); ++i) {
            if (log_levels_[i] == lvl && log_[i].find("the switch refuses") != std::string::npos)
                out.push_back(log_[i]);
        }
        return out;
    };
    resync({truth_with("2001", {"ParkCall", "AnswerCall"}),
            truth_with("2002", {"AnswerCall", "ParkCall"}),
            truth_with("2003", {"AnswerCall", "ParkCall"})});
    constexpr std::string_view hint = " (lines after it with the same list: at debug level)";
    auto infos = refusals(level::info);
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_NE(infos[0].find("line 2001: the switch refuses AnswerCall, ParkCall"),
              std::string::npos)
        << infos[0];
    EXPECT_EQ(infos[0], "line 2001: the switch refuses AnswerCall, ParkCall" + std::string(hint));
    EXPECT_EQ(
        refusals(level::debug),
        (std::vector<std::string>{"line 2002: the switch refuses the same as for line 2001",
                                  "line 2003: the switch refuses the same as for line 2001"}));

    // Other lists are logged at info again; a line whose list did not change is not logged.
    log_.clear();
    log_levels_.clear();
    resync({truth_with("2001", {"ParkCall", "AnswerCall"}), truth_with("2002", {"SetForwarding"}),
            truth_with("2003", {"AnswerCall"})});
    infos = refusals(level::info);
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_NE(infos[0].find("line 2002: the switch refuses SetForwarding"), std::string::npos);
    EXPECT_NE(infos[1].find("line 2003: the switch refuses AnswerCall"), std::string::npos);
    // The whole text: a prefix would also match "AnswerCall, ParkCall", 2003's list before.
    EXPECT_EQ(infos[1], "line 2003: the switch refuses AnswerCall" + std::string(hint));
    EXPECT_TRUE(refusals(level::debug).empty());  // 2001 unchanged: not logged at all
}

TEST_F(caps_test, unknown_capabilities_advertise_the_superset) {
    EXPECT_EQ(address_call_features("2002"), caps::call_features);
    auto hd = incoming_offering("c1", "2001", "2002");
    EXPECT_NE(features_of(hd) & LINECALLFEATURE_ANSWER, 0u);
}

TEST_F(caps_test, unsupported_services_leave_the_caps_and_fail_at_once) {
    for (const auto* ext : {"2001", "2002"}) {
        line_of(ext)->line_states = caps::line_states;
        line_of(ext)->address_states = caps::address_states;
    }
    clear_messages();
    resync(
        {truth_with("2002", {"AnswerCall", "SetForwarding", "ParkCall"}), truth_with("2001", {})});
    EXPECT_EQ(capschanges("2002"), 2u);  // LINEDEVSTATE and LINEADDRESSSTATE CAPSCHANGE
    EXPECT_EQ(capschanges("2001"), 0u);  // unchanged: nothing to re-read

    // LINEADDRESSCAPS / LINEDEVCAPS
    tapi_buffer<LINEADDRESSCAPS> ac;
    ASSERT_EQ(devices::line_get_address_caps(p(), line_of("2002")->device_id, 0, tapi_version_3_1,
                                             0, ac.get()),
              0);
    EXPECT_EQ(ac->dwCallFeatures,
              caps::call_features & ~DWORD{LINECALLFEATURE_ANSWER | LINECALLFEATURE_PARK});
    EXPECT_EQ(ac->dwCallFeatures2 & (LINECALLFEATURE2_PARKDIRECT | LINECALLFEATURE2_PARKNONDIRECT),
              0u);
    EXPECT_EQ(ac->dwParkModes, 0u);
    EXPECT_EQ(ac->dwForwardModes, 0u);
    EXPECT_EQ(ac->dwAddressFeatures & LINEADDRFEATURE_FORWARDFWD, 0u);
    EXPECT_NE(ac->dwAddressFeatures & LINEADDRFEATURE_FORWARDDND, 0u);  // DND still works
    EXPECT_EQ(address_call_features("2001"), caps::call_features);
    tapi_buffer<LINEDEVCAPS> dc;
    ASSERT_EQ(
        devices::line_get_dev_caps(p(), line_of("2002")->device_id, tapi_version_3_1, 0, dc.get()),
        0);
    EXPECT_EQ(dc->dwLineFeatures, caps::line_features & ~DWORD{LINEFEATURE_FORWARDFWD});
    EXPECT_NE(dc->dwLineStates & LINEDEVSTATE_CAPSCHANGE, 0u);

    // LINEDEVSTATUS / LINEADDRESSSTATUS (the line is in service)
    tapi_buffer<LINEDEVSTATUS> ds;
    ASSERT_EQ(devices::line_get_dev_status(p(), line_of("2002")->hd(), ds.get()), 0);
    EXPECT_EQ(ds->dwLineFeatures & LINEFEATURE_FORWARDFWD, 0u);
    EXPECT_NE(ds->dwLineFeatures & LINEFEATURE_MAKECALL, 0u);
    tapi_buffer<LINEADDRESSSTATUS> as;
    ASSERT_EQ(devices::line_get_address_status(p(), line_of("2002")->hd(), 0, as.get()), 0);
    EXPECT_EQ(as->dwAddressFeatures & LINEADDRFEATURE_FORWARDFWD, 0u);

    // LINECALLSTATUS of an offering call: no ANSWER, REDIRECT still there.
    auto hd = incoming_offering("c1", "2001", "2002");
    tapi_buffer<LINECALLSTATUS> cs;
    ASSERT_EQ(calls::get_call_status(p(), hd, cs.get()), 0);
    EXPECT_EQ(cs->dwCallFeatures & LINECALLFEATURE_ANSWER, 0u);
    EXPECT_NE(cs->dwCallFeatures & LINECALLFEATURE_REDIRECT, 0u);

    // lineAnswer: OPERATIONUNAVAIL synchronously, nothing sent, no completion.
    const auto before = pending();
    // (TearDown fails on any completion of a request id not from rid(), such as this one.)
    EXPECT_EQ(calls::answer(p(), 9001, hd), E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(pending(), before);
    // lineForward with a destination: the same; DND alone still goes to the switch.
    const auto fwd = rid();  // cancel everything: only DND off goes to the switch
    EXPECT_EQ(devices::line_forward(p(), fwd, line_of("2002")->hd(), 1, 0, nullptr, 0, nullptr),
              static_cast<LONG>(fwd));
    ASSERT_EQ(pending(), before + 1);
    EXPECT_TRUE(std::holds_alternative<svc::set_do_not_disturb::params>(sent(before)));
    reply(svc_result{std::in_place_type<svc::set_do_not_disturb::result>});
    EXPECT_EQ(completions(fwd), std::vector<LONG>{0});
}

TEST_F(caps_test, capabilities_come_back_when_the_switch_no_longer_lists_them) {
    line_of("2002")->line_states = caps::line_states;
    line_of("2002")->address_states = caps::address_states;
    resync({truth_with("2002", {"AnswerCall"})});
    auto hd = incoming_offering("c1", "2001", "2002");
    EXPECT_EQ(features_of(hd) & LINECALLFEATURE_ANSWER, 0u);
    clear_messages();
    // The same list again changes nothing; none at all brings ANSWER back at once. (The call is
    // in both truths: a truth without it would end it.)
    proto::snapshot_connection offered;
    offered.connection = {"c1", "2002"};
    offered.state = connection_state::alerting;
    offered.calling_device = "2001";
    offered.called_device = "2002";
    link().push_truth(truth_with("2002", {"AnswerCall"}, {offered}));
    drain();
    EXPECT_EQ(capschanges("2002"), 0u);
    link().push_truth(truth_with("2002", {}, {offered}));
    drain();
    EXPECT_EQ(capschanges("2002"), 2u);
    EXPECT_NE(features_of(hd) & LINECALLFEATURE_ANSWER, 0u);
    EXPECT_EQ(address_call_features("2002"), caps::call_features);
    const auto id = rid();
    EXPECT_EQ(calls::answer(p(), id, hd), static_cast<LONG>(id));
    reply(svc_result{std::in_place_type<svc::answer_call::result>});
    EXPECT_EQ(completions(id), std::vector<LONG>{0});
}

TEST_F(caps_test, every_refusing_tspi_function_is_synchronous) {
    resync({truth_with("2002",
                       {"HoldCall", "DeflectCall", "GenerateDigits", "MakeCall",
                        "DirectedPickupCall", "GroupPickupCall", "SetMessageWaitingIndicator"}),
            truth_with("2001", {})});
    auto hd = incoming_offering("c1", "2001", "2002");
    const auto before = pending();
    EXPECT_EQ(calls::redirect(p(), 1, hd, w(u"2003"), 0), E(LINEERR_OPERATIONUNAVAIL));
    HDRVCALL out = nullptr;
    EXPECT_EQ(
        calls::make_call(p(), 1, line_of("2002")->hd(), ht_call(1), &out, w(u"2003"), 0, nullptr),
        E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(
        calls::pickup(p(), 1, line_of("2002")->hd(), 0, ht_call(2), &out, w(u"2003"), nullptr),
        E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(calls::unpark(p(), 1, line_of("2002")->hd(), 0, ht_call(3), &out, w(u"7001")),
              E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(devices::line_set_line_dev_status(p(), 1, line_of("2002")->hd(),
                                                LINEDEVSTATUSFLAGS_MSGWAIT, 1),
              E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(pending(), before);
    // Answered (AnswerCall works), the call still cannot be held or send digits.
    const auto a = rid();
    ASSERT_EQ(calls::answer(p(), a, hd), static_cast<LONG>(a));
    reply(svc_result{std::in_place_type<svc::answer_call::result>});
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(features_of(hd) & (LINECALLFEATURE_HOLD | LINECALLFEATURE_GENERATEDIGITS), 0u);
    EXPECT_NE(features_of(hd) & LINECALLFEATURE_BLINDTRANSFER, 0u);
    EXPECT_EQ(calls::hold(p(), 1, hd), E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(calls::generate_digits(p(), hd, 1, LINEDIGITMODE_DTMF, w(u"12"), 0),
              E(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(pending(), before);
}

}  // namespace
}  // namespace ctigw::tsp::testing

namespace ctigw::tsp::testing {
namespace {

// Issue 12 #7: LINEDEVCAPS advertised RINGING and NUMCALLS, LINEADDRESSCAPS INUSE* and NUMCALLS,
// and none was ever sent. Each bit advertised is now sent (when selected); INUSEMANY (a private
// address is never used by many stations) and OTHER are no longer advertised.
TEST_F(calls_test, advertised_line_and_address_states_are_sent) {
    EXPECT_EQ(caps::line_states & LINEDEVSTATE_OTHER, 0u);
    EXPECT_EQ(caps::address_states & LINEADDRESSSTATE_INUSEMANY, 0u);
    const auto l = line_of("2002");
    l->line_states = LINEDEVSTATE_RINGING | LINEDEVSTATE_NUMCALLS;
    l->address_states =
        LINEADDRESSSTATE_NUMCALLS | LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE;
    auto c = incoming_offering("c1", "2001", "2002");
    auto dev = messages("2002", LINE_LINEDEVSTATE);
    ASSERT_EQ(dev.size(), 2u);
    EXPECT_EQ(dev[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_RINGING));
    EXPECT_EQ(dev[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_NUMCALLS));
    auto addr = messages("2002", LINE_ADDRESSSTATE);
    ASSERT_EQ(addr.size(), 2u);
    EXPECT_EQ(addr[0].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_NUMCALLS));
    EXPECT_EQ(addr[1].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_INUSEONE));
    // Answered: still one active call, no new counts; no second ring.
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(messages("2002", LINE_LINEDEVSTATE).size(), 2u);
    EXPECT_EQ(messages("2002", LINE_ADDRESSSTATE).size(), 2u);
    // Held: the counts change (active 0, on hold 1), the address stays in use.
    event("2002", ev_held({"c1", "2002"}, connection_state::hold));
    EXPECT_EQ(messages("2002", LINE_LINEDEVSTATE).size(), 3u);
    addr = messages("2002", LINE_ADDRESSSTATE);
    ASSERT_EQ(addr.size(), 3u);
    EXPECT_EQ(addr[2].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_NUMCALLS));
    // Gone: DISCONNECTED counts as active (NUMCALLS), then IDLE: NUMCALLS and INUSEZERO.
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    addr = messages("2002", LINE_ADDRESSSTATE);
    ASSERT_EQ(addr.size(), 6u);
    EXPECT_EQ(addr[3].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_NUMCALLS));
    EXPECT_EQ(addr[4].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_NUMCALLS));
    EXPECT_EQ(addr[5].p2, static_cast<DWORD_PTR>(LINEADDRESSSTATE_INUSEZERO));
    EXPECT_EQ(state_of(c), DWORD{LINECALLSTATE_IDLE});
    // Nothing reaches a line that selected nothing.
    EXPECT_TRUE(messages("2001", LINE_LINEDEVSTATE).empty());
}

}  // namespace
}  // namespace ctigw::tsp::testing
