// Park in the call model (docs/asterisk.md "Park"): res_parking's events on the mirror, and the
// reads ParkCall and unpark need. A parked party waits in the lot's holding bridge (shared by
// every parked call, with music): it stays connected for TAPI; the space is reported as the
// queue it waits in (Queued, protocol.md §5.6).
#include <algorithm>

#include "asterisk/call_model.hpp"

namespace ctigw::gateway::asterisk {

using protocol::connection_id;
using protocol::event_cause;
namespace evt = protocol::evt;

void call_model::move_to_call(channel& ch, const channel& into, event_cause why) {
    ch.joined_by = why;
    if (into.call_id == ch.call_id || calls_.count(into.call_id) == 0) return;
    const std::string old_call = ch.call_id;
    ch.linkedid = into.linkedid;
    ch.call_id = into.call_id;
    project(old_call, event_cause::normal_clearing);
}

void call_model::on_park_event(const ami::message& e) {
    const auto name = e.event();
    channel* parkee = find(e.get("ParkeeUniqueid"));
    if (parkee == nullptr) return;
    const std::string call_id = parkee->call_id;
    if (name == "ParkedCall") {
        parkee->parked_on = std::string(e.get("ParkingSpace"));
        auto it = calls_.find(call_id);
        if (it != calls_.end()) it->second.parking_on.clear();
        if (it != calls_.end() && !it->second.deferred) {
            evt::queued q;
            q.queued_connection = {call_id, parkee->parked_on};
            q.queue = parkee->parked_on;
            q.calling_device = it->second.calling;
            if (!it->second.called.empty()) q.called_device = it->second.called;
            q.last_redirection_device = it->second.parker;
            q.cause = event_cause::park;
            call_event(call_id, std::move(q));
        }
    } else if (name == "UnParkedCall") {
        parkee->parked_on.clear();
        if (channel* retriever = find(e.get("RetrieverUniqueid")); retriever != nullptr) {
            move_to_call(*retriever, *parkee, event_cause::park);
        }
    } else if (name == "ParkedCallTimeOut") {
        // The call comes back to the parker (comebacktoorigin or the park-return context).
        parkee->parked_on.clear();
        if (auto it = calls_.find(call_id); it != calls_.end()) {
            it->second.delivery_cause = event_cause::recall;
        }
    } else {
        parkee->parked_on.clear();  // ParkedCallGiveUp (its Hangup follows), ParkedCallSwap
    }
    project(call_id, event_cause::normal);
}

void call_model::load_parked(const std::vector<ami::message>& items) {
    for (const auto& item : items) {
        if (item.event() != "ParkedCall") continue;
        if (channel* parkee = find(item.get("ParkeeUniqueid")); parkee != nullptr) {
            parkee->parked_on = std::string(item.get("ParkingSpace"));
        }
    }
}

std::optional<std::string> call_model::parked_call(std::string_view space) const {
    if (space.empty()) return std::nullopt;
    for (const auto& [id, ch] : channels_) {
        if (ch.parked_on == space) return ch.call_id;
    }
    for (const auto& [id, c] : calls_) {
        if (c.parking_on == space) return id;
    }
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> call_model::park_space(
    const std::optional<std::string>& wanted) const {
    for (const auto& lot : lots_) {
        for (int n = lot.first; n <= lot.last && n - lot.first < 10000; ++n) {
            const std::string space = std::to_string(n);
            if (wanted && *wanted != space) continue;  // as text: "07001" is no space
            if (!parked_call(space)) return std::pair{lot.name, space};
        }
    }
    return std::nullopt;
}

void call_model::expect_park(const connection_id& conn, const std::string& space) {
    if (auto it = calls_.find(conn.call_id); it != calls_.end()) {
        it->second.parker = conn.device_id;
        it->second.parking_on = space;
    }
}

void call_model::forget_park(const std::string& call_id) {
    if (auto it = calls_.find(call_id); it != calls_.end()) {
        it->second.parker.reset();
        it->second.parking_on.clear();
    }
}

}  // namespace ctigw::gateway::asterisk
