// Test harness for call control: a provider_state driven directly (no devices code), lines
// opened by hand, the fake link playing the switch, and a recording LINEEVENT/ASYNC_COMPLETION.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "calls/calls.hpp"
#include "pbx_link/mock_link.hpp"

namespace ctigw::tsp::testing {

namespace proto = ctigw::protocol;
using proto::connection_id;
using proto::connection_state;
using proto::event_cause;

struct tapi_message {
    HTAPILINE line;
    HTAPICALL call;
    DWORD msg;
    DWORD_PTR p1, p2, p3;
};

/// What TAPI saw (the dispatcher thread writes, the test reads after drain()).
struct tapi_record {
    std::mutex m;
    std::vector<tapi_message> messages;
    std::map<DRV_REQUESTID, std::vector<LONG>> completions;
    std::uintptr_t next_ht = 0x7000;
    std::map<std::uintptr_t, HTAPICALL> ht_of_hd;  ///< NEWCALL: hdCall → htCall we gave
};
tapi_record& record();

class calls_test : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    /// The provider's model under its lock, held until the end of the full expression.
    provider_lock p() { return state_->lock(); }
    pbx_link::testing::fake_link& link() { return *link_; }
    void drain() { state_->tapi().drain(); }

    line_ptr open_line(const std::string& ext, const std::string& name);
    line_ptr line_of(const std::string& ext) { return lines_.at(ext); }
    HTAPILINE ht_line(const std::string& ext);

    /// Pushes a call event to `device`'s monitor.
    void event(const std::string& device, proto::event_body body);
    /// Completes the oldest pending switch request with `result` / a CSTA error.
    void reply(proto::service_result result) { link_->complete_next(std::move(result)); }
    void refuse(proto::error_category cat, std::string value);
    /// Answers (empty) the device status reads that lines coming back in service make, oldest
    /// first, until another request is first in line (a resync's SnapshotCalls follow them).
    void answer_status_reads();
    std::size_t pending() { return link_->pending().size(); }
    const proto::service_params& sent(std::size_t i = 0) { return link_->pending().at(i).params; }

    /// A request id for an async call; remembers it for the exactly-once check.
    DRV_REQUESTID rid() {
        issued_.push_back(++next_id_);
        return next_id_;
    }
    /// The completion results of a request (after drain()).
    std::vector<LONG> completions(DRV_REQUESTID id);

    /// "NEWCALL", "OFFERING", ... for `line`, optionally prefixed by the call (c1, c2 ... in order
    /// of first appearance of its htCall). States only (NEWCALL, CALLSTATE); `with_info` adds
    /// "INFO(bits)" lines; everything since the last clear_messages().
    std::vector<std::string> seen(const std::string& ext, bool label = false,
                                  bool with_info = false);
    std::vector<tapi_message> messages(const std::string& ext, DWORD msg);
    void clear_messages();
    HTAPICALL ht_of(HDRVCALL hd);

    call_ptr call_of(HDRVCALL hd) { return p()->call_from_handle(hd); }
    call_ptr bound(const std::string& ext, const std::string& call_id) {
        return calls::find_call(*line_of(ext), call_id);
    }
    DWORD state_of(HDRVCALL hd);
    DWORD features_of(HDRVCALL hd);

    // ---- event builders (localConnectionInfo = the receiving monitor's state) ----
    static proto::call_event_common common(std::optional<connection_state> lci,
                                           std::optional<event_cause> cause = {});

    /// A basic call c1 from `a` to `b`, answered: returns b's handle (NEWCALL'd).
    HDRVCALL incoming_connected(const std::string& call_id, const std::string& a,
                                const std::string& b);
    HDRVCALL incoming_offering(const std::string& call_id, const std::string& a,
                               const std::string& b);

    std::unique_ptr<provider_state> state_;
    pbx_link::testing::fake_link* link_ = nullptr;
    std::map<std::string, line_ptr> lines_;
    std::vector<DRV_REQUESTID> issued_;
    DRV_REQUESTID next_id_ = 100;
    std::vector<std::string> log_;
    std::vector<int> log_levels_;  ///< log_'s levels (level::debug ... level::error)
    int log_threshold_ = 1;        ///< the lowest level the test's logger writes (debug)
    std::map<std::uintptr_t, std::string> labels_;
};

// ---- event factories -------------------------------------------------------------------------
proto::evt::service_initiated ev_initiated(connection_id c, std::optional<event_cause> cause);
proto::evt::originated ev_originated(connection_id c, std::string calling, std::string called);
proto::evt::delivered ev_delivered(connection_id c, std::string calling, std::string called,
                                   connection_state lci, std::optional<event_cause> cause = {},
                                   std::optional<std::string> last_redirection = {});
proto::evt::established ev_established(connection_id c, std::string calling, std::string called,
                                       connection_state lci, std::optional<event_cause> cause = {});
proto::evt::held ev_held(connection_id c, connection_state lci,
                         std::optional<event_cause> cause = {});
proto::evt::retrieved ev_retrieved(connection_id c, connection_state lci,
                                   std::optional<event_cause> cause = {});
proto::evt::connection_cleared ev_cleared(
    connection_id c, connection_state lci,
    std::optional<event_cause> cause = event_cause::normal_clearing);
proto::evt::call_cleared ev_call_cleared(std::string call_id);
proto::evt::failed ev_failed(connection_id c, std::string failing, connection_state lci,
                             event_cause cause);
proto::evt::diverted ev_diverted(connection_id c, std::string new_dest, connection_state lci,
                                 event_cause cause);

/// LPCWSTR from a literal.
inline const WCHAR* w(const char16_t* s) {
    return reinterpret_cast<const WCHAR*>(s);
}

}  // namespace ctigw::tsp::testing
