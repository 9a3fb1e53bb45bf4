// TransferCall and ConferenceCall in the call model (docs/asterisk.md "Transfer and conference").
// Asterisk has no "merge two calls" operation: the backend bridges or redirects channels and hangs
// up the transferring device's legs, and every one of those steps, seen alone, would look like a
// release or a new call. So both calls stay silent while the actions run; once they all succeeded
// the merge is reported as one Transferred / Conferenced (as protocol.md §5.4 describes it) and the
// merged call reports its true state from then on.
#include <algorithm>

#include "asterisk/call_model.hpp"

namespace ctigw::gateway::asterisk {

using protocol::connection_id;
using protocol::connection_list_entry;
using protocol::connection_state;
using protocol::event_cause;
namespace evt = protocol::evt;

std::string call_model::conference_room(std::string_view call_id) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : call_id) {
        const bool plain = c != 'x' && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                                        (c >= 'a' && c <= 'z'));
        if (plain) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += 'x';
            out += hex[u >> 4U];
            out += hex[u & 0x0fU];
        }
    }
    return out;
}

std::vector<connection_list_entry> call_model::merge_list(const connection_id& held,
                                                          const connection_id& active,
                                                          merge_kind kind) const {
    std::vector<connection_list_entry> out;
    auto s = calls_.find(held.call_id);
    auto k = calls_.find(active.call_id);
    if (s == calls_.end() || k == calls_.end()) return out;
    const std::string& device = held.device_id;
    for (const auto& [dev, st] : s->second.reported) {
        if (dev == device && kind == merge_kind::transfer) continue;
        out.push_back({connection_id{s->first, dev}, connection_id{s->first, dev}, dev});
    }
    for (const auto& [dev, st] : k->second.reported) {
        if (dev == device) continue;
        out.push_back({connection_id{k->first, dev}, connection_id{s->first, dev}, dev});
    }
    if (kind == merge_kind::transfer) out.push_back({held, std::nullopt, device});
    return out;
}

void call_model::begin_merge(const connection_id& held, const connection_id& active) {
    for (const auto* id : {&held.call_id, &active.call_id}) {
        if (auto it = calls_.find(*id); it != calls_.end()) it->second.deferred = true;
    }
}

void call_model::cancel_merge(const connection_id& held, const connection_id& active) {
    for (const auto* id : {&held.call_id, &active.call_id}) {
        if (auto it = calls_.find(*id); it != calls_.end()) it->second.deferred = false;
    }
    project(held.call_id, event_cause::normal_clearing);
    project(active.call_id, event_cause::normal_clearing);
}

void call_model::commit_merge(const connection_id& held, const connection_id& active,
                              merge_kind kind) {
    auto si = calls_.find(held.call_id);
    auto ki = calls_.find(active.call_id);
    if (si == calls_.end() || ki == calls_.end()) return cancel_merge(held, active);
    const auto list = merge_list(held, active, kind);
    call& s = si->second;
    call& k = ki->second;
    const std::string& device = held.device_id;
    const bool transfer = kind == merge_kind::transfer;

    // Everyone who knew either call hears of the merge.
    std::vector<std::string> audience;
    for (const auto* c : {&s, &k}) {
        for (const auto& [dev, st] : c->reported) {
            if (std::find(audience.begin(), audience.end(), dev) == audience.end())
                audience.push_back(dev);
        }
    }
    std::string joined;                        // the first party that came from the active call
    for (const auto& entry : k.reported) {     // not a structured binding: clang 14 cannot
        const std::string& dev = entry.first;  // capture one in the lambda below
        if (dev == device) continue;
        if (joined.empty()) joined = dev;
        auto r = std::find_if(s.reported.begin(), s.reported.end(),
                              [&](const auto& p) { return p.first == dev; });
        if (r == s.reported.end()) s.reported.emplace_back(dev, entry.second);
    }
    if (joined.empty()) joined = k.called;  // an outside party: its number
    auto own = std::find_if(s.reported.begin(), s.reported.end(),
                            [&](const auto& p) { return p.first == device; });
    if (transfer && own != s.reported.end()) s.reported.erase(own);
    if (!transfer && own != s.reported.end()) own->second = connection_state::connected;

    // The channels follow: the device's legs are hung up by the backend (transfer), or its
    // active leg joins the conference and its held leg is hung up.
    for (auto& [id, ch] : channels_) {
        const bool is_device = ch.station && *ch.station == device;
        if (ch.call_id == k.id) {
            if (is_device && transfer) {
                ch.leaving = true;
            } else {
                ch.call_id = s.id;
            }
        } else if (ch.call_id == s.id && is_device && (transfer || in_hold_context(ch))) {
            ch.leaving = true;
        }
    }
    if (!s.correlator) s.correlator = k.correlator;
    aliases_[k.id] = s.id;
    for (auto& [from, to] : aliases_) {
        if (to == k.id) to = s.id;
    }

    protocol::event_body body;
    if (transfer) {
        evt::transferred t;
        t.primary_old_call = held;
        t.secondary_old_call = active;
        t.transferring_device = device;
        t.transferred_to_device = joined;
        t.transferred_connections = list;
        t.cause = event_cause::transfer;
        body = std::move(t);
        s.last_redirection = device;
    } else {
        evt::conferenced cf;
        cf.primary_old_call = held;
        cf.secondary_old_call = active;
        cf.conferencing_device = device;
        cf.added_party = joined;
        cf.conference_connections = list;
        cf.cause = event_cause::conference;
        body = std::move(cf);
        s.conference = true;
    }
    s.deferred = false;
    fan_out(s, std::move(body), device,
            transfer ? connection_state::null : connection_state::connected, audience);

    // The active call is over for TAPI; its leftover legs (the device's, being hung up) are
    // followed silently until they are gone.
    k.deferred = false;
    k.silent = true;
    k.reported.clear();
    const std::string merged = s.id;
    project(active.call_id, event_cause::normal);
    project(merged, event_cause::normal);
}

}  // namespace ctigw::gateway::asterisk
