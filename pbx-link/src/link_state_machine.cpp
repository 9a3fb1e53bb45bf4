#include "link_state_machine.hpp"

namespace ctigw::pbx_link::detail {

std::string_view to_string(link_event e) {
    switch (e) {
        case link_event::start:
            return "start";
        case link_event::tcp_connected:
            return "tcp_connected";
        case link_event::tcp_connected_plain:
            return "tcp_connected_plain";
        case link_event::tls_done:
            return "tls_done";
        case link_event::ws_done:
            return "ws_done";
        case link_event::hello_done:
            return "hello_done";
        case link_event::authenticated:
            return "authenticated";
        case link_event::monitors_done:
            return "monitors_done";
        case link_event::truth_complete:
            return "truth_complete";
        case link_event::resync_needed:
            return "resync_needed";
        case link_event::attempt_failed:
            return "attempt_failed";
        case link_event::round_failed:
            return "round_failed";
        case link_event::connection_lost:
            return "connection_lost";
        case link_event::switch_endpoint:
            return "switch_endpoint";
        case link_event::backoff_elapsed:
            return "backoff_elapsed";
        case link_event::stop:
            return "stop";
    }
    return "?";
}

link_state_machine::link_state_machine(observer on_transition, logger log)
    : on_transition_(std::move(on_transition)), log_(std::move(log)) {}

std::optional<link_state> link_state_machine::next(link_state from, link_event e) noexcept {
    using s = link_state;
    using ev = link_event;
    if (e == ev::stop) return s::stopped;  // from anywhere, including stopped (idempotent)
    switch (from) {
        case s::stopped:
            if (e == ev::start) return s::connecting;
            break;
        case s::connecting:
            if (e == ev::tcp_connected) return s::tls_handshake;
            if (e == ev::tcp_connected_plain) return s::ws_handshake;
            break;
        case s::tls_handshake:
            if (e == ev::tls_done) return s::ws_handshake;
            break;
        case s::ws_handshake:
            if (e == ev::ws_done) return s::negotiating;
            break;
        case s::negotiating:
            if (e == ev::hello_done) return s::authenticating;
            break;
        case s::authenticating:
            if (e == ev::authenticated) return s::monitoring;
            break;
        case s::monitoring:
            if (e == ev::monitors_done) return s::resyncing;
            if (e == ev::resync_needed) return s::monitoring;  // start the monitor pass again
            break;
        case s::resyncing:
            if (e == ev::truth_complete) return s::live;
            if (e == ev::resync_needed) return s::resyncing;  // start the resync again
            break;
        case s::live:
            if (e == ev::resync_needed) return s::resyncing;
            if (e == ev::switch_endpoint) return s::connecting;
            break;
        case s::backoff:
            if (e == ev::backoff_elapsed) return s::connecting;
            break;
    }
    // Failures, valid in every state of an attempt or a session.
    switch (from) {
        case s::connecting:
        case s::tls_handshake:
        case s::ws_handshake:
            if (e == ev::attempt_failed) return s::connecting;
            if (e == ev::round_failed) return s::backoff;
            break;
        case s::negotiating:
        case s::authenticating:
        case s::monitoring:
        case s::resyncing:
        case s::live:
            if (e == ev::connection_lost) return s::backoff;
            break;
        default:
            break;
    }
    return std::nullopt;
}

bool link_state_machine::dispatch(link_event e, const std::string& why) {
    const auto to = next(state_, e);
    if (!to) {
        if (log_) {
            log_(log_level::debug, "link: event " + std::string(to_string(e)) +
                                       " ignored in state " + std::string(to_string(state_)) +
                                       " (" + why + ")");
        }
        return false;
    }
    transition(*to, why);
    return true;
}

void link_state_machine::transition(link_state to, const std::string& why) {
    const auto from = state_;
    state_ = to;
    if (log_) {
        log_(log_level::info, "link: " + std::string(to_string(from)) + " -> " +
                                  std::string(to_string(to)) + " (" + why + ")");
    }
    if (on_transition_) on_transition_(from, to, why);
}

}  // namespace ctigw::pbx_link::detail
