// beast_link: heartbeats (docs/protocol.md §2.5). A tick every quarter interval checks for
// silence (heartbeat_check), sends ours when nothing else went out, and gives the fallback to
// the primary its chance (maybe_probe_primary, link_lifecycle.cpp).
#include <string>

#include "beast_link.hpp"

namespace ctigw::pbx_link::detail {

milliseconds beast_link::send_interval() const {
    return heartbeat_send_interval(settings_.heartbeat_interval, switch_heartbeat_);
}

void beast_link::start_heartbeats() {
    heartbeat_timer_.cancel();
    arm_heartbeat();
}

void beast_link::arm_heartbeat() {
    heartbeat_timer_.expires_after(std::max(send_interval() / 4, milliseconds{1}));
    heartbeat_timer_.wait([this, c = conn_.get()] {
        if (stopping_ || !current(c)) return;
        guarded("heartbeat", [&] {
            if (on_heartbeat_tick()) arm_heartbeat();
        });
    });
}

bool beast_link::on_heartbeat_tick() {
    const auto now = clock::now();
    const auto interval = send_interval();
    const heartbeat_view view{conn_->last_received, conn_->last_sent, read_paused_,
                              conn_->queued_writes()};
    switch (heartbeat_check(now, interval, settings_.missed_heartbeats, view)) {
        case heartbeat_action::dead:
            write_log(log_level::warn, "pbx-link: nothing received for " +
                                           std::to_string(settings_.missed_heartbeats) +
                                           " heartbeat intervals of " +
                                           std::to_string(interval.count()) + " ms");
            drop_session(4002, "heartbeat timeout", "heartbeat timeout");
            return false;
        case heartbeat_action::send:
            heartbeat_id_ = "c-hb-" + std::to_string(++heartbeat_count_);
            heartbeat_sent_ = now;
            send_frame(codec_->encode(protocol::heartbeat{heartbeat_id_}), false);
            conn_->last_sent = now;  // one heartbeat per interval, even before it is written
            break;
        case heartbeat_action::none:
            break;
    }
    maybe_probe_primary(now);
    return true;
}

void beast_link::on_message(protocol::heartbeat& h) {
    send_frame(codec_->encode(protocol::heartbeat_ack{h.id}), true);
}

void beast_link::on_message(protocol::heartbeat_ack& a) {
    if (a.id == heartbeat_id_) {
        const auto rtt = std::chrono::duration_cast<milliseconds>(clock::now() - heartbeat_sent_);
        write_log(log_level::debug,
                  "pbx-link: heartbeat round trip " + std::to_string(rtt.count()) + " ms");
    }
}

}  // namespace ctigw::pbx_link::detail
