// Call control: the harness, the state machine, synchronous checks and hostile calls.
#include "calls_test.hpp"

#include <future>

#include <algorithm>
#include <cstring>

#include "capabilities.hpp"
#include "ctigw/tsp/tspi_exports.hpp"

namespace ctigw::tsp::testing {

tapi_record& record() {
    static tapi_record r;
    return r;
}

namespace {

void CALLBACK on_line_event(HTAPILINE ht, HTAPICALL htc, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                            DWORD_PTR p3) {
    auto& r = record();
    std::lock_guard lock(r.m);
    if (msg == LINE_NEWCALL) {
        auto fresh = reinterpret_cast<HTAPICALL>(++r.next_ht);
        *reinterpret_cast<HTAPICALL*>(p2) = fresh;
        r.ht_of_hd[p1] = fresh;
        htc = fresh;
    }
    r.messages.push_back({ht, htc, msg, p1, p2, p3});
}

void CALLBACK on_completion(DRV_REQUESTID id, LONG result) {
    auto& r = record();
    std::lock_guard lock(r.m);
    r.completions[id].push_back(result);
}

}  // namespace

// ---- fixture -----------------------------------------------------------------------------------

void calls_test::SetUp() {
    {
        auto& r = record();
        std::lock_guard lock(r.m);
        r.messages.clear();
        r.completions.clear();
        r.ht_of_hd.clear();
    }
    provider_environment env;
    env.tick_count = [] { return DWORD{4242}; };
    env.log = [this](int lvl, const std::string& line) {
        log_.push_back(line);
        log_levels_.push_back(lvl);
    };
    env.log_enabled = [this](int lvl) { return lvl >= log_threshold_; };
    state_ = std::make_unique<provider_state>(std::move(env));
    auto fake = std::make_unique<pbx_link::testing::fake_link>(*state_);
    link_ = fake.get();
    config::dialing_settings ds;
    ds.country_code = "33";
    ds.area_code = "1";
    ds.outside_prefix = "0";
    ds.internal_length = 4;
    {
        const auto held = p();
        held->dial_plan_.emplace(ds);
        held->completion_proc_ = on_completion;
        held->link_ = std::move(fake);
    }
    link_->start();
    open_line("2001", "Alice");
    open_line("2002", "Bob");
    open_line("2003", "Carol");
    link_->go_live();
}

void calls_test::TearDown() {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    for (auto id : issued_) {
        EXPECT_EQ(r.completions[id].size(), 1u)
            << "request " << id << " must complete exactly once";
    }
    for (const auto& [id, v] : r.completions) {
        EXPECT_NE(std::find(issued_.begin(), issued_.end(), id), issued_.end())
            << "completion of an unknown request " << id;
    }
    if (HasFailure()) {
        for (const auto& l : log_) std::cerr << "  log: " << l << "\n";
    }
    link_->stop();
    state_.reset();
}

line_ptr calls_test::open_line(const std::string& ext, const std::string& name) {
    const auto held = p();
    auto& s = *held;
    auto l = std::make_shared<line>();
    l->extension = ext;
    l->name = name;
    l->device_id = static_cast<DWORD>(s.lines_.size());
    l->open_handle = s.new_handle();
    l->ht = reinterpret_cast<HTAPILINE>(static_cast<std::uintptr_t>(0x100 + l->device_id));
    l->event_proc = on_line_event;
    l->version = tapi_version_3_1;
    device_machine::set_in_service(s, *l, true);
    s.add_line(l);
    s.line_by_extension_[ext] = l;
    s.line_by_device_id_[l->device_id] = l;
    s.line_by_handle_[l->open_handle] = l;
    lines_[ext] = l;
    return l;
}

HTAPILINE calls_test::ht_line(const std::string& ext) {
    return lines_.at(ext)->ht;
}

void calls_test::event(const std::string& device, proto::event_body body) {
    proto::event_message m;
    m.body = std::move(body);
    link_->push_event(device, m);
}

void calls_test::refuse(proto::error_category cat, std::string value) {
    link_->fail_next(pbx_link::request_failure::csta_error,
                     proto::csta_error{cat, std::move(value), std::nullopt});
}

std::vector<LONG> calls_test::completions(DRV_REQUESTID id) {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    return r.completions[id];
}

std::vector<std::string> calls_test::seen(const std::string& ext, bool label, bool with_info) {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    std::vector<std::string> out;
    const auto ht = ht_line(ext);
    for (const auto& m : r.messages) {
        if (m.line != ht) continue;
        const auto key = reinterpret_cast<std::uintptr_t>(m.call);
        if (!labels_.count(key) && key != 0)
            labels_[key] = "c" + std::to_string(labels_.size() + 1);
        const std::string prefix = label ? labels_[key] + ":" : "";
        if (m.msg == LINE_NEWCALL) {
            out.push_back(prefix + "NEWCALL");
        } else if (m.msg == LINE_CALLSTATE) {
            std::string s(calls::state_name(static_cast<DWORD>(m.p1)));
            if (m.p1 == LINECALLSTATE_CONFERENCED) {
                const auto pk = m.p2;
                if (!labels_.count(pk) && pk != 0)
                    labels_[pk] = "c" + std::to_string(labels_.size() + 1);
                s += "(" + (pk ? labels_[pk] : std::string("null")) + ")";
            } else if (m.p1 == LINECALLSTATE_DISCONNECTED || m.p1 == LINECALLSTATE_BUSY ||
                       (m.p1 == LINECALLSTATE_CONNECTED && m.p2 != LINECONNECTEDMODE_ACTIVE)) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "(0x%lx)", static_cast<unsigned long>(m.p2));
                s += buf;
            }
            out.push_back(prefix + s);
        } else if (with_info && m.msg == LINE_CALLINFO) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "INFO(0x%lx)", static_cast<unsigned long>(m.p1));
            out.push_back(prefix + buf);
        }
    }
    return out;
}

void calls_test::answer_status_reads() {
    namespace svc = proto::svc;
    while (!link_->pending().empty()) {
        const auto& prm = link_->pending().front().params;
        if (std::holds_alternative<svc::get_forwarding::params>(prm)) {
            reply(proto::service_result{std::in_place_type<svc::get_forwarding::result>});
        } else if (std::holds_alternative<svc::get_do_not_disturb::params>(prm)) {
            reply(proto::service_result{std::in_place_type<svc::get_do_not_disturb::result>});
        } else {
            return;
        }
    }
}

std::vector<tapi_message> calls_test::messages(const std::string& ext, DWORD msg) {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    std::vector<tapi_message> out;
    for (const auto& m : r.messages) {
        if (m.line == ht_line(ext) && m.msg == msg) out.push_back(m);
    }
    return out;
}

void calls_test::clear_messages() {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    r.messages.clear();
}

HTAPICALL calls_test::ht_of(HDRVCALL hd) {
    drain();
    auto& r = record();
    std::lock_guard lock(r.m);
    return r.ht_of_hd[reinterpret_cast<std::uintptr_t>(hd)];
}

DWORD calls_test::state_of(HDRVCALL hd) {
    drain();
    auto c = p()->call_from_handle(hd);
    return c ? c->state() : 0;
}

DWORD calls_test::features_of(HDRVCALL hd) {
    auto c = p()->call_from_handle(hd);
    return c ? c->features : 0;
}

proto::call_event_common calls_test::common(std::optional<connection_state> lci,
                                            std::optional<event_cause> cause) {
    proto::call_event_common c;
    c.local_connection_info = lci;
    c.cause = cause;
    return c;
}

HDRVCALL calls_test::incoming_offering(const std::string& call_id, const std::string& a,
                                       const std::string& b) {
    event(b, ev_delivered({call_id, b}, a, b, connection_state::alerting));
    if (lines_.count(a)) event(a, ev_delivered({call_id, b}, a, b, connection_state::connected));
    drain();
    auto c = bound(b, call_id);
    return c ? c->hd() : nullptr;
}

HDRVCALL calls_test::incoming_connected(const std::string& call_id, const std::string& a,
                                        const std::string& b) {
    auto hd = incoming_offering(call_id, a, b);
    event(b, ev_established({call_id, b}, a, b, connection_state::connected));
    if (lines_.count(a)) event(a, ev_established({call_id, b}, a, b, connection_state::connected));
    return hd;
}

proto::evt::service_initiated ev_initiated(connection_id c, std::optional<event_cause> cause) {
    proto::evt::service_initiated e;
    e.initiated_connection = c;
    e.initiating_device = c.device_id;
    e.local_connection_info = connection_state::initiated;
    e.cause = cause;
    return e;
}
proto::evt::originated ev_originated(connection_id c, std::string calling, std::string called) {
    proto::evt::originated e;
    e.originated_connection = c;
    e.calling_device = std::move(calling);
    e.called_device = std::move(called);
    e.local_connection_info = connection_state::connected;
    e.cause = event_cause::make_call;
    return e;
}
proto::evt::delivered ev_delivered(connection_id c, std::string calling, std::string called,
                                   connection_state lci, std::optional<event_cause> cause,
                                   std::optional<std::string> last_redirection) {
    proto::evt::delivered e;
    e.alerting_device = c.device_id;
    e.connection = std::move(c);
    e.calling_device = std::move(calling);
    e.called_device = std::move(called);
    e.last_redirection_device = std::move(last_redirection);
    e.local_connection_info = lci;
    e.cause = cause.value_or(event_cause::normal);
    return e;
}
proto::evt::established ev_established(connection_id c, std::string calling, std::string called,
                                       connection_state lci, std::optional<event_cause> cause) {
    proto::evt::established e;
    e.answering_device = c.device_id;
    e.established_connection = std::move(c);
    e.calling_device = std::move(calling);
    e.called_device = std::move(called);
    e.local_connection_info = lci;
    e.cause = cause.value_or(event_cause::normal);
    return e;
}
proto::evt::held ev_held(connection_id c, connection_state lci, std::optional<event_cause> cause) {
    proto::evt::held e;
    e.holding_device = c.device_id;
    e.held_connection = std::move(c);
    e.local_connection_info = lci;
    e.cause = cause;
    return e;
}
proto::evt::retrieved ev_retrieved(connection_id c, connection_state lci,
                                   std::optional<event_cause> cause) {
    proto::evt::retrieved e;
    e.retrieving_device = c.device_id;
    e.retrieved_connection = std::move(c);
    e.local_connection_info = lci;
    e.cause = cause;
    return e;
}
proto::evt::connection_cleared ev_cleared(connection_id c, connection_state lci,
                                          std::optional<event_cause> cause) {
    proto::evt::connection_cleared e;
    e.releasing_device = c.device_id;
    e.dropped_connection = std::move(c);
    e.local_connection_info = lci;
    e.cause = cause;
    return e;
}
proto::evt::call_cleared ev_call_cleared(std::string call_id) {
    proto::evt::call_cleared e;
    e.cleared_call = std::move(call_id);
    e.local_connection_info = connection_state::null;
    e.cause = event_cause::normal_clearing;
    return e;
}
proto::evt::failed ev_failed(connection_id c, std::string failing, connection_state lci,
                             event_cause cause) {
    proto::evt::failed e;
    e.failed_connection = std::move(c);
    e.failing_device = std::move(failing);
    e.local_connection_info = lci;
    e.cause = cause;
    return e;
}
proto::evt::diverted ev_diverted(connection_id c, std::string new_dest, connection_state lci,
                                 event_cause cause) {
    proto::evt::diverted e;
    e.diverting_device = c.device_id;
    e.connection = std::move(c);
    e.new_destination = std::move(new_dest);
    e.local_connection_info = lci;
    e.cause = cause;
    return e;
}

namespace {

using svc_result = proto::service_result;
namespace svc = proto::svc;
constexpr LONG E(DWORD e) {
    return static_cast<LONG>(e);
}

// ---- the state machine ------------------------------------------------------------------------

TEST(call_machine_test, idle_is_final_and_unknown_is_not_a_target) {
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_IDLE, LINECALLSTATE_CONNECTED));
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_IDLE, LINECALLSTATE_IDLE));
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_CONNECTED, LINECALLSTATE_UNKNOWN));
    EXPECT_TRUE(call_machine::allowed(LINECALLSTATE_UNKNOWN, LINECALLSTATE_OFFERING));
    EXPECT_TRUE(call_machine::allowed(LINECALLSTATE_DISCONNECTED, LINECALLSTATE_IDLE));
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_DISCONNECTED, LINECALLSTATE_CONNECTED));
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_BUSY, LINECALLSTATE_CONNECTED));
    EXPECT_TRUE(call_machine::allowed(LINECALLSTATE_CONNECTED, LINECALLSTATE_CONNECTED));
    EXPECT_TRUE(call_machine::allowed(LINECALLSTATE_ONHOLDPENDCONF, LINECALLSTATE_CONNECTED));
    EXPECT_TRUE(call_machine::allowed(LINECALLSTATE_CONFERENCED, LINECALLSTATE_CONNECTED));
    EXPECT_FALSE(call_machine::allowed(LINECALLSTATE_OFFERING, LINECALLSTATE_ONHOLD));
}

TEST(call_machine_test, disconnect_modes_from_causes) {
    using calls::disconnect_mode;
    EXPECT_EQ(disconnect_mode(event_cause::busy), DWORD{LINEDISCONNECTMODE_BUSY});
    EXPECT_EQ(disconnect_mode(event_cause::do_not_disturb), DWORD{LINEDISCONNECTMODE_DONOTDISTURB});
    EXPECT_EQ(disconnect_mode(event_cause::dest_not_obtainable),
              DWORD{LINEDISCONNECTMODE_BADADDRESS});
    EXPECT_EQ(disconnect_mode(event_cause::number_unallocated),
              DWORD{LINEDISCONNECTMODE_BADADDRESS});
    EXPECT_EQ(disconnect_mode(event_cause::call_not_answered), DWORD{LINEDISCONNECTMODE_NOANSWER});
    EXPECT_EQ(disconnect_mode(event_cause::alert_time_expired), DWORD{LINEDISCONNECTMODE_NOANSWER});
    EXPECT_EQ(disconnect_mode(event_cause::call_pickup), DWORD{LINEDISCONNECTMODE_PICKUP});
    EXPECT_EQ(disconnect_mode(event_cause::redirected), DWORD{LINEDISCONNECTMODE_FORWARDED});
    EXPECT_EQ(disconnect_mode(event_cause::call_forward_busy), DWORD{LINEDISCONNECTMODE_FORWARDED});
    EXPECT_EQ(disconnect_mode(event_cause::network_congestion),
              DWORD{LINEDISCONNECTMODE_CONGESTION});
    EXPECT_EQ(disconnect_mode(event_cause::call_cancelled), DWORD{LINEDISCONNECTMODE_CANCELLED});
    EXPECT_EQ(disconnect_mode(event_cause::normal_clearing), DWORD{LINEDISCONNECTMODE_NORMAL});
    EXPECT_EQ(disconnect_mode(event_cause::key_operation), DWORD{LINEDISCONNECTMODE_UNKNOWN});
    EXPECT_EQ(disconnect_mode(std::nullopt), DWORD{LINEDISCONNECTMODE_NORMAL});
}

TEST(call_machine_test, reasons_from_causes) {
    using calls::reason_for;
    EXPECT_EQ(reason_for(event_cause::normal), DWORD{LINECALLREASON_DIRECT});
    EXPECT_EQ(reason_for(event_cause::call_forward_busy), DWORD{LINECALLREASON_FWDBUSY});
    EXPECT_EQ(reason_for(event_cause::call_forward_no_answer), DWORD{LINECALLREASON_FWDNOANSWER});
    EXPECT_EQ(reason_for(event_cause::call_forward_immediate), DWORD{LINECALLREASON_FWDUNCOND});
    EXPECT_EQ(reason_for(event_cause::redirected), DWORD{LINECALLREASON_REDIRECT});
    EXPECT_EQ(reason_for(event_cause::single_step_transfer), DWORD{LINECALLREASON_TRANSFER});
    EXPECT_EQ(reason_for(event_cause::recall), DWORD{LINECALLREASON_REMINDER});
    EXPECT_EQ(reason_for(event_cause::call_pickup), DWORD{LINECALLREASON_PICKUP});
}

// ---- basic call ---------------------------------------------------------------------------------

TEST_F(calls_test, incoming_call_offered_answered_and_cleared_by_far_end) {
    auto hd = incoming_offering("c1", "2001", "2002");
    ASSERT_NE(hd, nullptr);
    EXPECT_EQ(seen("2002"), (std::vector<std::string>{"NEWCALL", "OFFERING"}));
    // NEWCALL, then LINE_CALLSTATE, then LINE_CALLINFO with the party information.
    auto infos = messages("2002", LINE_CALLINFO);
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_TRUE(infos[0].p1 & LINECALLINFOSTATE_CALLERID);
    EXPECT_TRUE(infos[0].p1 & LINECALLINFOSTATE_ORIGIN);
    EXPECT_TRUE(features_of(hd) & LINECALLFEATURE_ANSWER);

    // Without a current provider the export refuses at once (no completion follows).
    EXPECT_EQ(TSPI_lineAnswer(1, hd, nullptr, 0), E(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(TSPI_lineGetCallStatus(hd, nullptr), E(LINEERR_UNINITIALIZED));
    const auto id2 = rid();
    EXPECT_EQ(calls::answer(p(), id2, hd), static_cast<LONG>(id2));
    ASSERT_EQ(pending(), 1u);
    EXPECT_EQ(std::get<svc::answer_call::params>(sent()).call_to_be_answered,
              (connection_id{"c1", "2002"}));
    reply(svc_result{std::in_place_type<svc::answer_call::result>});
    EXPECT_EQ(completions(id2), std::vector<LONG>{0});
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    event("2002", ev_cleared({"c1", "2001"}, connection_state::connected));
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    event("2002", ev_call_cleared("c1"));
    EXPECT_EQ(seen("2002"), (std::vector<std::string>{"NEWCALL", "OFFERING", "CONNECTED",
                                                      "DISCONNECTED(0x1)", "IDLE"}));
    // The handle stays valid after IDLE, until lineCloseCall.
    LINECALLSTATUS st{};
    st.dwTotalSize = sizeof st;
    EXPECT_EQ(calls::get_call_status(p(), hd, &st), 0);
    EXPECT_EQ(st.dwCallState, DWORD{LINECALLSTATE_IDLE});
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    EXPECT_EQ(calls::get_call_status(p(), hd, &st), E(LINEERR_INVALCALLHANDLE));
    EXPECT_EQ(calls::close_call(p(), hd), E(LINEERR_INVALCALLHANDLE));
}

// A call's transitions are logged at debug level when the logger writes it, and not even passed
// to the logger when it does not (their text is built only for a logger that writes them).
TEST_F(calls_test, per_event_debug_lines_go_only_to_a_logger_that_writes_them) {
    log_threshold_ = 2;  // info
    log_.clear();
    log_levels_.clear();
    ASSERT_NE(incoming_offering("c1", "2001", "2002"), nullptr);
    event("2002", ev_established({"c1", "2002"}, "2001", "2002", connection_state::connected));
    EXPECT_EQ(seen("2002"), (std::vector<std::string>{"NEWCALL", "OFFERING", "CONNECTED"}));
    EXPECT_EQ(std::count(log_levels_.begin(), log_levels_.end(), 1), 0);
    log_threshold_ = 1;  // the level changes at once (a reload)
    event("2002", ev_cleared({"c1", "2001"}, connection_state::connected));
    const auto debug_line = [&](std::string_view text) {
        for (std::size_t i = 0; i < log_.size(); ++i) {
            if (log_levels_[i] == 1 && log_[i].find(text) != std::string::npos) return true;
        }
        return false;
    };
    EXPECT_TRUE(debug_line("CONNECTED -> DISCONNECTED")) << ::testing::PrintToString(log_);
}

// Issue 12: an outside caller shows its canonical number (the dial plan: outside and national
// prefix "0") and the name the switch sends; a configured line keeps its configured name.
TEST_F(calls_test, outside_caller_shows_canonical_number_and_the_switchs_name) {
    auto in = ev_delivered({"c1", "2002"}, "0145678901", "2002", connection_state::alerting);
    in.calling_name = "Agence\tDupont\r\n & Fils ";  // a peer's controls become spaces
    event("2002", in);
    drain();
    auto c = bound("2002", "c1");
    ASSERT_NE(c, nullptr);
    std::vector<unsigned char> buf(4096);
    auto* ci = reinterpret_cast<LINECALLINFO*>(buf.data());
    const auto text = [&](DWORD size, DWORD offset) {
        if (size < 2) return std::u16string();
        return std::u16string(reinterpret_cast<const char16_t*>(buf.data() + offset), size / 2 - 1);
    };
    const auto info = [&] {
        std::fill(buf.begin(), buf.end(), 0);
        ci->dwTotalSize = static_cast<DWORD>(buf.size());
        EXPECT_EQ(calls::get_call_info(p(), c->hd(), ci), 0);
    };
    info();
    EXPECT_EQ(ci->dwCallerIDFlags, DWORD{LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME});
    EXPECT_EQ(text(ci->dwCallerIDSize, ci->dwCallerIDOffset), u"+33 1 45678901");
    EXPECT_EQ(text(ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset), u"Agence Dupont   & Fils");
    EXPECT_EQ(ci->dwOrigin, DWORD{LINECALLORIGIN_EXTERNAL});

    // Answered: an Established without a name keeps the one known, for the connected party too.
    auto answered =
        ev_established({"c1", "2002"}, "0145678901", "2002", connection_state::connected);
    event("2002", answered);
    drain();
    info();
    EXPECT_EQ(text(ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset), u"Agence Dupont   & Fils");
    EXPECT_EQ(text(ci->dwConnectedIDSize, ci->dwConnectedIDOffset), u"+33 1 45678901");

    // A name longer than a configured one may be is cut at 128 characters (not bytes).
    std::string long_name;
    for (int i = 0; i < 200; ++i) long_name += "\xC3\xA9";  // é
    auto in2 = ev_delivered({"c2", "2003"}, "0033612345678", "2003", connection_state::alerting);
    in2.calling_name = long_name;
    event("2003", in2);
    // A configured line keeps its configured name, whatever the switch calls it.
    auto in3 = ev_delivered({"c3", "2002"}, "2001", "2002", connection_state::alerting);
    in3.calling_name = "Mallory";
    event("2002", in3);
    drain();
    c = bound("2003", "c2");
    ASSERT_NE(c, nullptr);
    info();
    EXPECT_EQ(text(ci->dwCallerIDSize, ci->dwCallerIDOffset), u"+33 612345678");
    EXPECT_EQ(text(ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset),
              std::u16string(128, u'\u00E9'));
    c = bound("2002", "c3");
    ASSERT_NE(c, nullptr);
    info();
    EXPECT_EQ(text(ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset), u"Alice");
}

TEST_F(calls_test, call_ids_are_shared_while_held_and_forgotten_after_line_close_call) {
    // Found by ctigw-soak's memory check: the callID table grew with every call ever seen.
    auto hd = incoming_offering("c1", "2001", "2002");  // 2001 is a line too: two TAPI calls
    ASSERT_NE(hd, nullptr);
    auto caller = bound("2001", "c1");
    ASSERT_TRUE(caller);
    DWORD address = 0, id1 = 0, id_caller = 0, related = 0;
    ASSERT_EQ(calls::get_call_ids(p(), hd, &address, &id1, &related), 0);
    ASSERT_EQ(calls::get_call_ids(p(), caller->hd(), &address, &id_caller, &related), 0);
    EXPECT_NE(id1, 0u);
    EXPECT_EQ(id_caller, id1);  // one switch call, one dwCallID
    EXPECT_EQ(p()->call_ids_held(), 1u);
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    event("2001", ev_cleared({"c1", "2001"}, connection_state::null));
    event("2002", ev_call_cleared("c1"));
    EXPECT_EQ(p()->call_ids_held(), 1u);  // IDLE, but TAPI still has the calls
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    EXPECT_EQ(p()->call_ids_held(), 1u);  // the caller's call still holds it
    EXPECT_EQ(calls::close_call(p(), caller->hd()), 0);
    EXPECT_EQ(p()->call_ids_held(), 0u);
    // A later call gets a new id: dwCallIDs are not reused.
    auto hd2 = incoming_offering("c2", "0301555123", "2002");
    ASSERT_NE(hd2, nullptr);
    DWORD id2 = 0;
    ASSERT_EQ(calls::get_call_ids(p(), hd2, &address, &id2, &related), 0);
    EXPECT_GT(id2, id1);
    EXPECT_EQ(p()->call_ids_held(), 1u);
}

TEST_F(calls_test, nothing_reaches_tapi_for_a_call_after_line_close_call) {
    auto hd = incoming_offering("c1", "2001", "2002");
    ASSERT_NE(hd, nullptr);
    clear_messages();
    // Hold the dispatcher so that the clearing's LINE_CALLSTATEs are queued, not yet delivered,
    // when TAPI closes the call (TAPISRV may close a call whose last application let it go).
    std::promise<void> release;
    auto released = release.get_future().share();
    p()->tapi_.push([released] { released.wait(); });
    event("2002", ev_cleared({"c1", "2002"}, connection_state::null));
    EXPECT_EQ(calls::close_call(p(), hd), 0);
    release.set_value();
    drain();
    EXPECT_TRUE(seen("2002").empty());
}

}  // namespace
}  // namespace ctigw::tsp::testing
