// beast_link: frames in, events out. Logs and figures; every link_callbacks call goes through
// the delivery queue (the delivery thread), and a full queue pauses reading (backpressure).
#include <string>

#include "beast_link.hpp"
#include "ctigw/protocol/log_safe.hpp"
#include "endpoint.hpp"

namespace ctigw::pbx_link::detail {

using protocol::log_safe;

// ---- logging, figures ----

link_settings beast_link::loggable(link_settings s) {
    for (auto& ep : s.endpoints) ep.url = without_query(ep.url);
    return s;
}

void beast_link::write_log(int level, const std::string& line) const noexcept {
    if (!log_) return;
    try {
        log_(level, line);
    } catch (...) {  // a logger must not take the link down
    }
}

void beast_link::internal_error(const char* what, const char* error) noexcept {
    try {
        write_log(log_level::error,
                  std::string("pbx-link: internal error in ") + what + ": " + error);
        if (conn_) lose_connection(std::string("internal error: ") + error);
    } catch (...) {  // out of memory: the session (if any) is left to the heartbeat check
    }
}

link_figures beast_link::figures() const {
    link_figures f;
    {
        std::lock_guard lock(fig_mutex_);
        f = fig_;
    }
    // The per-event figures come from the I/O thread's atomics (not under fig_mutex_): they may be
    // a few events newer than the rest of the snapshot.
    f.events = events_.load(std::memory_order_relaxed);
    f.unknown_messages = unknown_messages_.load(std::memory_order_relaxed);
    f.delivery_queue = delivery_.size();
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch()).count();
    std::uint64_t n = 0;
    for (const auto& slot : rate_) {
        // The last 4 complete seconds. Acquire: a slot showing a new second shows its zeroed (or
        // since counted) count, never the count of the second it replaced.
        const auto sec = slot.second.load(std::memory_order_acquire);
        if (sec >= now_s - 4 && sec < now_s) n += slot.count.load(std::memory_order_relaxed);
    }
    f.events_per_second = static_cast<double>(n) / 4.0;
    return f;
}

void beast_link::count_event(time_point received) {
    const auto sec =
        std::chrono::duration_cast<std::chrono::seconds>(received.time_since_epoch()).count();
    events_.fetch_add(1, std::memory_order_relaxed);
    auto& slot = rate_[static_cast<std::size_t>(sec) % rate_.size()];
    if (slot.second.load(std::memory_order_relaxed) != sec) {
        // The slot last held a second 8 (or more) ago: zero it, then publish the new second.
        slot.count.store(0, std::memory_order_relaxed);
        slot.second.store(sec, std::memory_order_release);
    }
    slot.count.fetch_add(1, std::memory_order_relaxed);
}

void beast_link::update_codec_figures() {
    const auto& s = codec_->stats();
    unknown_messages_.store(s.unknown_events + s.unknown_members + s.unknown_enum_values,
                            std::memory_order_relaxed);
}

// ---- delivery ----

void beast_link::deliver(delivery_queue::item fn, bool essential) {
    queued(delivery_.push(std::move(fn), essential));
}

void beast_link::queued(bool accepted) {
    if (!accepted && !read_paused_) {
        read_paused_ = true;
        write_log(log_level::warn, "pbx-link: delivery queue full (" +
                                       std::to_string(settings_.max_delivery_queue) +
                                       "): reading paused until the consumer catches up");
        if (conn_) conn_->pause_reading();
    }
}

void beast_link::on_delivery_drained() {
    io_.post([this] {
        guarded("delivery drained", [&] {
            if (!read_paused_) return;
            read_paused_ = false;
            write_log(log_level::info, "pbx-link: delivery queue drained: reading resumed");
            if (conn_) conn_->resume_reading();
        });
    });
}

void beast_link::complete(completion done, request_outcome o) {
    if (!done) return;
    // Runs once: the outcome (a batch answer may be a frame's worth of items) moves on.
    deliver([d = std::move(done), o = std::move(o)]() mutable { d(std::move(o)); }, true);
}

request_outcome beast_link::failed(request_failure f) {
    request_outcome o;
    o.failure = f;
    return o;
}

void beast_link::on_transition(link_state from, link_state to, const std::string& why) {
    update([&](link_figures& f) { f.state = to; });
    deliver([this, from, to, why] { callbacks_.on_state(from, to, why); },
            to == link_state::stopped);
}

void beast_link::report_down(const std::string& reason, bool restarted, bool connection_kept) {
    if (!reported_up_ && !restarted) return;
    reported_up_ = false;
    deliver(
        [this, d = link_down{reason, restarted, connection_kept}] { callbacks_.on_link_down(d); },
        false);
}

// ---- frames in ----

void beast_link::on_frame(connection_base* c, std::string_view frame, bool text) {
    if (!current(c)) return;
    if (!text) return malformed(frame.size(), "binary frame");
    // Frames arrive inside a burst of the I/O thread, which holds the delivery queue; one that
    // did not would hold it itself, for this frame.
    struct hold_scope {
        delivery_queue* q;
        explicit hold_scope(delivery_queue& d) : q(d.staging() ? nullptr : &d) {
            if (q) q->hold();
        }
        ~hold_scope() {
            if (q) q->release();
        }
        hold_scope(const hold_scope&) = delete;
        hold_scope& operator=(const hold_scope&) = delete;
    } held(delivery_);
    // An event is decoded into its delivery slot and stays there; connection_owner::on_frame:
    // the frame is padded, so it is decoded where it is.
    protocol::message& slot = delivery_.event_slot();
    delivery_.prefetch_next();  // the next frame's slot, made writable while this decodes
    auto error = codec_->decode_padded_into(frame, slot);
    update_codec_figures();
    if (error) return malformed(frame.size(), error->to_string());
    if (auto* event = std::get_if<protocol::event_message>(&slot)) {
        if (const std::string* device = accept_event(*event))
            queued(delivery_.stage_event(*device));
        return;
    }
    // Anything else leaves the slot (its handling may push, which reuses the slot).
    protocol::message m = std::move(slot);
    std::visit(
        [&](auto& x) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, protocol::event_message>)
                on_message(x);
        },
        m);
}

void beast_link::on_oversized(connection_base* c, std::size_t limit) {
    if (!current(c)) return;
    update([&](link_figures& f) { ++f.malformed_frames; });
    drop_session(1009, "message too big",
                 "a message from the switch exceeds the frame limit of " + std::to_string(limit) +
                     " bytes (closed 1009)");
}

void beast_link::malformed(std::size_t bytes, const std::string& why) {
    // The content may hold secrets: log the length and the decoder's verdict only.
    update([&](link_figures& f) { ++f.malformed_frames; });
    // The verdict may quote the frame (a member name, an unknown value): made log-safe.
    write_log(log_level::warn, "pbx-link: malformed frame (" + std::to_string(bytes) +
                                   " bytes) skipped: " + log_safe(why));
    if (malformed_.count(clock::now())) {
        drop_session(4000, "too many malformed frames",
                     "more than " + std::to_string(malformed_.tolerance()) +
                         " malformed frames within a minute (closed 4000)");
    }
}

const std::string* beast_link::accept_event(const protocol::event_message& m) {
    if (!check_seq(m.seq)) return nullptr;
    if (std::holds_alternative<protocol::evt::unknown_event>(m.body))
        return nullptr;  // counted by the codec
    const monitor_map::monitor* monitor = m.monitor_ref ? monitors_.find(*m.monitor_ref) : nullptr;
    if (!monitor) {
        write_log(log_level::debug, "pbx-link: event for an unknown monitor dropped");
        return nullptr;
    }
    // Before its snapshot the device's events are already reflected in it (§8).
    if (!monitor->ready) return nullptr;
    // on_frame() checked that the frame came from conn_, whose read stamped last_received.
    count_event(conn_->last_received);
    return &monitor->device;
}

void beast_link::on_message(protocol::request&) {
    write_log(log_level::warn, "pbx-link: the switch sent a request (not in version 1); ignored");
}

}  // namespace ctigw::pbx_link::detail
