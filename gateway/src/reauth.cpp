// A configuration reload seen from the protocol core: every authenticated session's token is
// checked again against the new clients (docs/gateway.md, "Reload").
#include <openssl/crypto.h>

#include "server_core.hpp"

namespace ctigw::gateway::detail {

session_base::~session_base() {
    if (!credential.empty()) OPENSSL_cleanse(credential.data(), credential.size());
}

reauthentication_summary server_core::reauthenticate(authenticator a) {
    options.authenticate = std::move(a);
    reauthentication_summary summary;
    auto all = sessions;  // close() may erase from the map
    for (auto& [id, s] : all) {
        if (s->state_ != session_state::ready) continue;  // not yet authenticated: nothing held
        std::optional<client_identity> who;
        if (options.authenticate) who = options.authenticate(s->credential);
        const std::string old_name = s->client ? s->client->name : "?";
        if (!who) {
            // The protocol's code for credentials that do not (or no longer) authenticate.
            log("session " + std::to_string(id) + " (" + old_name +
                "): the reloaded configuration no longer accepts its token, closing (4001)");
            transition(*s, session_state::closing);
            s->close(4001, "credentials no longer valid");
            ++summary.sessions_closed;
            continue;
        }
        if (who->name != old_name) {
            log("session " + std::to_string(id) + ": client \"" + old_name + "\" is now \"" +
                who->name + "\"");
        }
        s->client = std::move(*who);
        ++summary.sessions_kept;
        // Monitors of devices the client may no longer see end as the protocol's MonitorEnded
        // (a switch-ended monitor, like a withdrawn licence); the client's requests on other
        // devices already use the new rights.
        auto refs = s->device_of_monitor;
        for (const auto& [ref, device] : refs) {
            if (rights(*s, device) != access::none) continue;
            protocol::evt::monitor_ended ended;
            ended.cause = protocol::event_cause::resources_not_available;
            ended.device = device;
            send_event(*s, ref, protocol::encode_event_tail(ended, std::nullopt));
            stop_monitor(*s, ref);
            ++summary.monitors_ended;
            log("session " + std::to_string(id) + " (" + s->client->name + "): monitor of " +
                device + " ended: outside the client's rights after reload");
        }
    }
    return summary;  // the caller says it once, with what else the reload changed
}

}  // namespace ctigw::gateway::detail
