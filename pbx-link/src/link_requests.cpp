// beast_link: the request pump. Requests are correlated by the request_table (one timer for
// every deadline), held while the link is not live, limited in flight with a bounded queue
// behind, and completed exactly once; a result after a timeout goes to on_late_result.
#include <string>

#include "beast_link.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::pbx_link::detail {

using namespace protocol;

void beast_link::send_frame(std::string frame, bool urgent) {
    if (conn_) conn_->send(std::move(frame), urgent);
}

void beast_link::send_internal(service_params params, completion done) {
    const auto index = params.index();
    auto id = requests_.add(index, std::move(done), settings_.request_timeout, clock::now(), true);
    send_frame(codec_->encode(protocol::request{std::move(id), std::move(params)}), false);
    arm_request_timer();
}

void beast_link::do_request(service_params params, completion done, milliseconds timeout) {
    update([&](link_figures& f) { ++f.requests; });
    if (stopping_) return complete(std::move(done), failed(request_failure::stopped));
    const bool live = sm_.state() == link_state::live && conn_;
    if (live) idle_since_ = clock::now();
    if (live && requests_.has_slot() && requests_.waiting() == 0) {
        send_user(std::move(params), std::move(done), timeout);
    } else {
        // Not live: held until the resync is over (an application that opens a line and
        // dials at once must succeed), bounded by the request's own timeout.
        waiting_request w{std::move(params), done, timeout, std::nullopt};
        if (!live) w.hold_deadline = clock::now() + timeout;
        if (!requests_.enqueue(std::move(w))) {
            complete(std::move(done), failed(request_failure::backpressure));
        } else if (!live) {
            arm_request_timer();
        }
    }
    update_request_figures();
}

void beast_link::send_user(service_params params, completion done, milliseconds timeout) {
    const auto index = params.index();
    auto id = requests_.add(index, std::move(done), timeout, clock::now(), false);
    send_frame(codec_->encode(protocol::request{std::move(id), std::move(params)}), false);
    arm_request_timer();
}

void beast_link::pump_waiting() {
    if (sm_.state() != link_state::live || !conn_) return;
    while (auto w = requests_.pop_waiting())
        send_user(std::move(w->params), std::move(w->done), w->timeout);
    update_request_figures();
}

void beast_link::update_request_figures() {
    update([&](link_figures& f) {
        f.requests_in_flight = static_cast<std::uint32_t>(requests_.user_in_flight());
        f.requests_queued = static_cast<std::uint32_t>(requests_.waiting());
    });
}

void beast_link::fail_requests(request_failure why) {
    for (auto& p : requests_.take_all_pending()) {
        auto o = failed(why);
        o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p.sent);
        if (p.internal) {
            run_internal(p, std::move(o));
        } else {
            complete(std::move(p.done), std::move(o));
        }
    }
    if (why == request_failure::link_lost) {
        // Never on the wire: they wait for the next session like any request made now.
        requests_.hold_waiting(clock::now());
        arm_request_timer();
    } else {
        for (auto& w : requests_.take_all_waiting()) complete(std::move(w.done), failed(why));
    }
    update_request_figures();
}

/// Internal completions run here, on the I/O thread: one that throws must not stop the others.
void beast_link::run_internal(pending_request& p, request_outcome o) {
    try {
        if (p.done) p.done(std::move(o));
    } catch (const std::exception& e) {
        write_log(log_level::error,
                  std::string("pbx-link: internal completion threw: ") + e.what());
    } catch (...) {
        write_log(log_level::error, "pbx-link: internal completion threw a non-standard exception");
    }
}

void beast_link::arm_request_timer() {
    const auto next = requests_.next_deadline();
    if (!next) {
        armed_deadline_.reset();
        return;  // a pending wait finds nothing expired and does not re-arm
    }
    if (armed_deadline_ && *armed_deadline_ <= *next) return;
    armed_deadline_ = *next;
    request_timer_.expires_at(*next);
    // Runs only when the timer expires; not when re-armed earlier, nor when stopping.
    request_timer_.wait([this] { guarded("request timer", [&] { on_request_timer(); }); });
}

void beast_link::on_request_timer() {
    armed_deadline_.reset();
    for (auto& w : requests_.take_expired_waiting(clock::now())) {
        write_log(log_level::warn, "pbx-link: a " + std::string(service_name(w.params.index())) +
                                       " request gave up waiting for the link to be live");
        complete(std::move(w.done), failed(request_failure::not_connected));
    }
    for (auto& p : requests_.take_expired(clock::now())) {
        auto o = failed(request_failure::timeout);
        o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p.sent);
        if (p.internal) {
            write_log(log_level::warn,
                      "pbx-link: " + std::string(service_name(p.service_index)) + " timed out");
            run_internal(p, std::move(o));
        } else {
            // The outcome on the switch is unknown; the request is never sent again.
            write_log(log_level::warn, "pbx-link: request " + p.id + " (" +
                                           std::string(service_name(p.service_index)) +
                                           ") timed out");
            update([&](link_figures& f) { ++f.request_timeouts; });
            complete(std::move(p.done), std::move(o));
        }
    }
    pump_waiting();
    arm_request_timer();
}

// ---- responses ----

void beast_link::on_message(response& r) {
    auto p = requests_.take(r.id);
    if (!p) {
        auto* late = std::get_if<service_result>(&r.outcome);
        if (late != nullptr && requests_.take_timed_out(r.id)) {
            write_log(log_level::warn, "pbx-link: response " + log_safe(r.id, 64) +
                                           " arrived after its request timed out: the switch "
                                           "carried it out");
            deliver([this, res = std::move(*late)] { callbacks_.on_late_result(res); }, false);
            return;
        }
        write_log(log_level::debug, "pbx-link: response " + log_safe(r.id, 64) +
                                        " for no outstanding request (timed out before?)");
        return;
    }
    request_outcome o;
    o.round_trip = std::chrono::duration_cast<milliseconds>(clock::now() - p->sent);
    if (r.service_index != p->service_index) {
        o.failure = request_failure::csta_error;
        o.error = csta_error{error_category::operation, std::string(error_values::generic),
                             "protocol error: response names another service"};
    } else if (auto* res = std::get_if<service_result>(&r.outcome)) {
        o.result = std::move(*res);
    } else {
        o.failure = request_failure::csta_error;
        o.error = std::get<csta_error>(std::move(r.outcome));
    }
    if (p->internal) {
        run_internal(*p, std::move(o));
    } else {
        update([&](link_figures& f) {
            f.last_round_trip = o.round_trip;
            f.average_round_trip =
                f.average_round_trip.count() == 0
                    ? o.round_trip
                    : milliseconds{(f.average_round_trip.count() * 7 + o.round_trip.count()) / 8};
        });
        complete(std::move(p->done), std::move(o));
    }
    pump_waiting();
    arm_request_timer();
}

}  // namespace ctigw::pbx_link::detail
