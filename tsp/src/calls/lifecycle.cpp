// The call's lifecycle (what TAPI knows of it): call_machine's named operations, the only writers
// of call::lifecycle_, each checked against the edges below and logged. docs/state-machines/call.md
// ("Lifecycle") has the diagram; the TAPI state itself is calls/machine.cpp.
#include "calls/calls.hpp"

namespace ctigw::tsp {

namespace {

std::string_view lifecycle_name(call_lifecycle v) {
    switch (v) {
        case call_lifecycle::untold:
            return "untold";
        case call_lifecycle::requested:
            return "requested";
        case call_lifecycle::told:
            return "told";
        case call_lifecycle::failed:
            return "failed";
        case call_lifecycle::closed:
            return "closed";
    }
    return "?";
}

bool lifecycle_allowed(call_lifecycle from, call_lifecycle to) {
    using enum call_lifecycle;
    switch (from) {
        case untold:
            return to == requested || to == told || to == closed;
        case requested:
            return to == told || to == failed || to == closed;
        case told:
            return to == untold || to == closed;
        case failed:
            return to == closed;
        case closed:
            return false;
    }
    return false;
}

}  // namespace

bool call_machine::move_lifecycle(locked_provider& p, const line_ptr& l, call& c,
                                  call_lifecycle to) {
    const call_lifecycle from = c.lifecycle_;
    if (from == to) return true;
    const auto who = [&] {
        return l ? calls::describe(c, *l) : "call " + std::to_string(c.handle());
    };
    if (!lifecycle_allowed(from, to)) {
        p.log(level::warn, who() + " refused lifecycle " + std::string(lifecycle_name(from)) +
                               " -> " + std::string(lifecycle_name(to)));
        return false;
    }
    if (p.logs(level::debug)) {
        p.log(level::debug, who() + " lifecycle " + std::string(lifecycle_name(from)) + " -> " +
                                std::string(lifecycle_name(to)));
    }
    c.lifecycle_ = to;
    if (to != call_lifecycle::told) {
        c.reported_state_ = 0;  // what TAPI was told no longer counts
        c.reported_mode_ = 0;
    }
    return true;
}

void call_machine::await_request(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    move_lifecycle(p, l, *c, call_lifecycle::requested);
}

void call_machine::request_succeeded(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (c && c->requested()) move_lifecycle(p, l, *c, call_lifecycle::told);
}

void call_machine::abandon(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    // Only a call still waiting for its request; a closed one was forgotten with its handle.
    if (!c || !c->requested()) return;
    p.log(level::info, calls::describe(*c, *l) + " not created");
    calls::unbind(l, c);
    c->awaiting_connection = call::awaiting::none;
    // Silently: TAPI was told the request failed, it must hear nothing of the call.
    c->state_ = LINECALLSTATE_IDLE;
    c->state_mode_ = 0;
    c->features = 0;
    if (auto o = c->original.lock(); o && o->consultation.lock() == c) o->consultation.reset();
    move_lifecycle(p, l, *c, call_lifecycle::failed);
}

bool call_machine::announce(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (c->lifecycle_ != call_lifecycle::untold) return c->told();
    if (!p.announce_call(l, c)) return false;
    return move_lifecycle(p, l, *c, call_lifecycle::told);
}

void call_machine::line_closed(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    if (c->told()) move_lifecycle(p, l, *c, call_lifecycle::untold);
    if (c->requested()) move_lifecycle(p, l, *c, call_lifecycle::failed);
}

void call_machine::close(locked_provider& p, const line_ptr& l, const call_ptr& c) {
    move_lifecycle(p, l, *c, call_lifecycle::closed);
}

void call_machine::take_over(locked_provider& p, const line_ptr& l, const call_ptr& c,
                             const call_ptr& ghost) {
    p.log(level::info, calls::describe(*ghost, *l) + " was " + calls::describe(*c, *l));
    c->state_ = ghost->state_;
    c->state_mode_ = ghost->state_mode_;
    c->state_entered_ = ghost->state_entered_;
    c->parties = ghost->parties;
    c->switch_state = ghost->switch_state;
    if (c->caller.empty()) c->caller = ghost->caller;
    if (c->connected.empty()) c->connected = ghost->connected;
    ghost->drop_requested = true;
    transition(p, l, ghost, LINECALLSTATE_IDLE, 0);
}

}  // namespace ctigw::tsp
