// What the handlers of CSTA call events share (calls/events.cpp, calls/events_joins.cpp): the
// event's context for one line and the helpers that more than one handler uses. Provider lock
// held throughout (modules.hpp).
#pragma once

#include <optional>
#include <string>

#include "calls/calls.hpp"

namespace ctigw::tsp::calls::events {

namespace evt = protocol::evt;

/// One event as one line sees it: `self` is the line's extension, `common` the event's
/// localConnectionInfo (the monitored device's own connection state: the primary truth) and cause.
struct event_context {
    locked_provider& p;
    const line_ptr& l;
    const protocol::call_event_common& common;
    const std::string& self;

    std::optional<protocol::connection_state> lci() const { return common.local_connection_info; }
    std::optional<protocol::event_cause> cause() const { return common.cause; }
    bool cause_is(protocol::event_cause c) const { return common.cause && *common.cause == c; }
};

/// A TAPI-created call waiting for its switch connection (MakeCall / pickup / unpark in flight).
call_ptr take_pending(const event_context& x, call::awaiting kind,
                      const protocol::connection_id& conn);
/// A call this monitor has not seen start (missed events, monitor started mid-call): tracked
/// from now on, announced with the state its localConnectionInfo gives; null without one.
call_ptr adopt(const event_context& x, const std::string& call_id, const std::string& calling,
               const std::string& called);
void set_correlator(call& c, const std::optional<protocol::byte_string>& data);
/// DIALTONE, DIALING, PROCEEDING or not yet reported: the call is still being set up.
bool originating(DWORD s);
/// Moves a call being set up on to PROCEEDING (through DIALING), as TAPI expects.
void to_proceeding(const event_context& x, const call_ptr& c);
/// Every member and the parent end (the conference call is gone for this line).
void end_conference(const event_context& x, const call_ptr& parent, DWORD mode);
const protocol::call_event_common& common_of(const protocol::event_body& body);

// calls/events_joins.cpp
void on(const event_context& x, const evt::transferred& e);
void on(const event_context& x, const evt::conferenced& e);
void on(const event_context& x, const evt::diverted& e);
void on(const event_context& x, const evt::queued& e);
void on(const event_context& x, const evt::failed& e);

}  // namespace ctigw::tsp::calls::events
