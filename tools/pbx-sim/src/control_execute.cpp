// Executing one control command against the simulator (command_executor): what each console or
// scenario line does to the switch model and what it prints. Parsing lives in control.cpp.
#include <iostream>
#include <sstream>
#include <string>

#include "ctigw/pbxsim/control.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::pbxsim {

namespace {

std::string describe(const protocol::snapshot_connection& c) {
    std::string line = "  " + c.connection.call_id + "/" + c.connection.device_id + " " +
                       std::string(protocol::to_string(c.state));
    if (c.calling_device) line += " calling=" + *c.calling_device;
    if (c.called_device) line += " called=" + *c.called_device;
    return line;
}

}  // namespace

// ---- execution ---------------------------------------------------------------------------

command_executor::command_executor(server& srv, std::ostream& out) : server_(srv), out_(out) {}

bool command_executor::execute(const command& c) {
    bool ok = true;
    auto fail = [&](const std::string& what) {
        out_ << what << '\n';
        ok = false;
    };
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, cmd::call>) {
                std::string error;
                std::string call_id;
                server_.with_model([&](switch_model& model, time_point now) {
                    if (!model.is_device(x.from)) {
                        auto r = model.external_call(x.from, x.to, now, x.name);
                        if (r.index() == 0)
                            call_id = std::get<0>(r);
                        else
                            error = std::get<1>(r);
                        return;
                    }
                    error = model.device_action(x.from, "dial " + x.to, now);
                    if (!error.empty()) return;
                    // device_action reports no callID: the dialling device's newest call is it.
                    for (const auto& conn : model.snapshot(x.from)) {
                        if (conn.called_device == x.to || call_id.empty()) {
                            call_id = conn.connection.call_id;
                        }
                    }
                });
                if (!error.empty()) return fail("call " + x.from + " " + x.to + ": " + error);
                last_call_id_ = call_id;
                out_ << "call " << x.from << " -> " << x.to << ": callID "
                     << (call_id.empty() ? "?" : call_id) << '\n';
            } else if constexpr (std::is_same_v<T, cmd::hangup>) {
                std::string error;
                std::string call_id = x.call_id;
                server_.with_model([&](switch_model& model, time_point now) {
                    // `@2001`: the call at device 2001, since scenario files cannot know callIDs.
                    if (call_id.starts_with('@')) {
                        const auto conns = model.snapshot(call_id.substr(1));
                        if (conns.empty()) {
                            error = "no call at " + call_id.substr(1);
                            return;
                        }
                        call_id = conns.front().connection.call_id;
                    }
                    error = model.external_hangup(call_id, now);
                });
                if (!error.empty()) return fail("hangup " + x.call_id + ": " + error);
                out_ << "hangup " << call_id << ": ok\n";
            } else if constexpr (std::is_same_v<T, cmd::device_do>) {
                std::string error;
                server_.with_model([&](switch_model& model, time_point now) {
                    error = model.device_action(x.device, x.action, now);
                });
                if (!error.empty()) return fail("do " + x.device + " " + x.action + ": " + error);
                out_ << "do " << x.device << " " << x.action << ": ok\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_drop>) {
                server_.drop_connections();
                out_ << "fault: connections dropped\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_heartbeats>) {
                server_.pause_heartbeats(!x.on);
                out_ << "fault: heartbeats " << (x.on ? "on" : "off") << '\n';
            } else if constexpr (std::is_same_v<T, cmd::fault_delay>) {
                server_.delay_responses(x.delay);
                out_ << "fault: response delay " << x.delay.count() << " ms\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_malformed>) {
                server_.send_malformed(x.count);
                out_ << "fault: " << x.count << " malformed frame(s) per session\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_refuse>) {
                server_.refuse_service(x.service, x.error, x.count);
                out_ << "fault: next " << x.count << " " << x.service << " refused with "
                     << protocol::to_string(x.error.category) << "/" << x.error.value << '\n';
            } else if constexpr (std::is_same_v<T, cmd::fault_reorder>) {
                server_.reorder_events(x.on);
                out_ << "fault: reorder " << (x.on ? "on" : "off") << '\n';
            } else if constexpr (std::is_same_v<T, cmd::fault_gap>) {
                server_.skip_sequence_number();
                out_ << "fault: one sequence number skipped\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_status>) {
                server_.send_system_status(x.status);
                out_ << "fault: systemStatus " << protocol::to_string(x.status) << " sent\n";
            } else if constexpr (std::is_same_v<T, cmd::fault_restart>) {
                server_.restart();
                out_ << "fault: restarted (instance " << server_.instance_id() << ")\n";
            } else if constexpr (std::is_same_v<T, cmd::status>) {
                model_stats m;
                server_.with_model([&](switch_model& model, time_point) { m = model.stats(); });
                const server_stats s = server_.stats();
                out_ << "calls: active " << m.active_calls << ", created " << m.calls_created
                     << ", cleared " << m.calls_cleared << "\n"
                     << "monitors: " << m.monitors << "\n"
                     << "requests: handled " << m.requests_handled << ", refused "
                     << m.requests_refused << "\n"
                     << "sessions: open " << s.sessions_open << ", accepted " << s.sessions_accepted
                     << "\n"
                     << "frames: received " << s.frames_received << ", sent " << s.frames_sent
                     << ", malformed received " << s.malformed_received << "\n"
                     << "events: emitted " << m.events_emitted << ", sent " << s.events_sent << "\n"
                     << "dropped: slow consumers " << s.slow_consumers_dropped
                     << ", TLS handshake failures " << s.tls_handshake_failures << "\n"
                     << "instance: " << server_.instance_id() << '\n';
            } else if constexpr (std::is_same_v<T, cmd::snapshot>) {
                bool known = false;
                std::vector<protocol::snapshot_connection> conns;
                server_.with_model([&](switch_model& model, time_point) {
                    known = model.is_device(x.device);
                    if (known) conns = model.snapshot(x.device);
                });
                if (!known) return fail("snapshot " + x.device + ": unknown device");
                out_ << x.device << ": " << conns.size() << " connection"
                     << (conns.size() == 1 ? "" : "s") << '\n';
                for (const auto& conn : conns) out_ << describe(conn) << '\n';
            } else if constexpr (std::is_same_v<T, cmd::unsupported>) {
                server_.set_unsupported(x.device, x.services);
                out_ << "unsupported on " << x.device << ":";
                for (const auto& s : x.services) out_ << ' ' << s;
                out_ << (x.services.empty() ? " none\n" : "\n");
            } else if constexpr (std::is_same_v<T, cmd::help>) {
                out_ << help_text();
            } else if constexpr (std::is_same_v<T, cmd::quit>) {
                quit_requested_ = true;
            }
        },
        c);
    out_.flush();
    return ok;
}

}  // namespace ctigw::pbxsim
