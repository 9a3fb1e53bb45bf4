// The gateway's protocol core (no sockets here): sessions, their requests and rights. Monitors and
// the event fan-out are in core_events.cpp.
#include <algorithm>
#include <cstdio>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include "access_rules.hpp"
#include "server_core.hpp"

namespace ctigw::gateway::detail {

using namespace protocol;

namespace {

bool is_monitor_service(std::size_t index) {
    return index == service_index_v<svc::monitor_start> ||
           index == service_index_v<svc::monitor_start_batch> ||
           index == service_index_v<svc::monitor_stop> ||
           index == service_index_v<svc::monitor_stop_batch>;
}

}  // namespace

csta_error error(error_category c, std::string_view value, std::string message) {
    return csta_error{
        c, std::string(value),
        message.empty() ? std::nullopt : std::optional<std::string>(std::move(message))};
}

csta_error privilege_violation(std::string_view what) {
    return error(error_category::security, error_values::privilege_violation,
                 std::string(what) + " is outside this client's rights");
}

std::string_view to_string(session_state s) {
    switch (s) {
        case session_state::awaiting_hello:
            return "awaiting_hello";
        case session_state::awaiting_auth:
            return "awaiting_auth";
        case session_state::ready:
            return "ready";
        case session_state::closing:
            return "closing";
    }
    return "?";
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
        // Not a secret: only needs to differ between runs.
        auto t = static_cast<std::uint64_t>(steady::now().time_since_epoch().count());
        for (auto& b : buf) b = static_cast<unsigned char>(t >>= 3);
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (auto b : buf) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

server_core::server_core(switch_backend& b, server_options o)
    : backend(b), options(std::move(o)), instance(random_hex(8)) {
    if (!options.log) {
        options.log = [](std::string_view line) {
            std::fprintf(stderr, "gateway: %.*s\n", static_cast<int>(line.size()), line.data());
        };
    }
}

void server_core::log(const std::string& line) const {
    try {
        options.log(line);
    } catch (...) {  // a logger must not take the server down
    }
}

void server_core::transition(session_base& s, session_state to) {
    log("session " + std::to_string(s.id()) + ": " + std::string(to_string(s.state_)) + " -> " +
        std::string(to_string(to)));
    s.state_ = to;
}

access server_core::rights(const session_base& s, std::string_view device) const {
    if (!s.client || !s.client->rights) return access::none;
    return s.client->rights(device);
}

// ---- sessions -----------------------------------------------------------------------------------

void server_core::session_opened(std::shared_ptr<session_base> s) {
    s->wire = make_json_codec(options.limits);
    sessions.emplace(s->id(), std::move(s));
    stats.sessions_open = sessions.size();
}

void server_core::session_closed(session_id id) {
    auto it = sessions.find(id);
    if (it == sessions.end()) return;
    auto s = it->second;
    sessions.erase(it);
    stats.sessions_open = sessions.size();
    // The session's tables are emptied at once, not monitor by monitor as stop_monitor() does:
    // a TSP of 100,000 lines reconnects after a drop while this runs.
    stats.monitors -= s->device_of_monitor.size();
    for (const auto& [ref, device] : s->device_of_monitor) unwatch(device, ref);
    s->device_of_monitor.clear();
    s->monitor_of_device.clear();
}

void server_core::on_frame(session_base& s, std::string_view frame) {
    ++stats.frames_received;
    auto decoded = s.wire->decode(frame);
    if (!decoded.ok()) return malformed_frame(s, decoded.error(), frame);
    std::visit(
        [&](auto& m) {
            using M = std::remove_cvref_t<decltype(m)>;
            if constexpr (std::is_same_v<M, heartbeat>) {
                if (!heartbeats_paused) s.send(s.wire->encode(heartbeat_ack{m.id}));
            } else if constexpr (std::is_same_v<M, heartbeat_ack>) {
                // liveness only: the transport noted the frame's arrival
            } else if constexpr (std::is_same_v<M, request>) {
                if (admit_request(s, m)) on_request(s, std::move(m));
            } else {
                count_malformed(s, "clients send requests and heartbeats only; frame ignored");
            }
        },
        decoded.value());
}

void server_core::malformed_frame(session_base& s, const decode_error& err,
                                  std::string_view frame) {
    if (!count_malformed(s, "malformed frame: " + err.to_string()) || !err.request_id) return;
    // Answer the request so the client's request completes; the echo needs the raw name.
    nlohmann::json reply{{"type", "response"}, {"id", *err.request_id}};
    const bool unknown = err.code == decode_errc::unknown_service;
    if (err.service_index) {
        reply["service"] = std::string(service_name(*err.service_index));
    } else {
        // protocol.md §4.1/§4.7: a response echoes the request's service; without a readable
        // one there is nothing to answer with, and the frame is only dropped and counted. A
        // name the envelope does not allow (empty, too long) would make the answer invalid too.
        auto raw = nlohmann::json::parse(frame, nullptr, false);
        if (!raw.is_object() || !raw.contains("service") || !raw["service"].is_string()) return;
        const auto& name = raw["service"].get_ref<const std::string&>();
        if (name.empty() || name.size() > options.limits.max_string_length) return;
        reply["service"] = name;
    }
    reply["error"] = {{"category", "operation"},
                      {"value", unknown ? "serviceNotSupported" : "valueOutOfRange"},
                      {"message", err.to_string()}};
    s.send(reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void server_core::send_response(session_base& s, const response& r) {
    s.send(s.wire->encode(r));
}

// ---- requests -----------------------------------------------------------------------------------

void server_core::on_request(session_base& s, request r) {
    const auto index = r.params.index();
    if (index == service_index_v<svc::hello>) return hello(s, r);
    if (index == service_index_v<svc::authenticate>) return authenticate(s, r);
    if (s.state_ != session_state::ready) {
        return send_response(
            s, response{r.id, index,
                        error(error_category::security, error_values::not_authenticated,
                              "Hello and Authenticate first")});
    }
    if (response_delay.count() > 0 && schedule) {
        schedule(response_delay, [self = shared_from_this(),
                                  weak = std::weak_ptr(sessions.at(s.id())), req = std::move(r)] {
            auto live = weak.lock();
            if (!live || !self->sessions.count(live->id())) return;
            self->execute(*live, req);
        });
        return;
    }
    execute(s, r);
}

void server_core::hello(session_base& s, const request& r) {
    const auto& p = std::get<svc::hello::params>(r.params);
    if (s.state_ != session_state::awaiting_hello) {
        return send_response(s, make_error_response<svc::hello>(
                                    r.id, error(error_category::operation, error_values::generic,
                                                "Hello was already done on this session")));
    }
    // The highest version both sides speak (docs/protocol.md §2.3).
    std::uint32_t version = 0;
    for (auto v : p.versions) {
        if (v >= min_protocol_version && v <= protocol_version) version = std::max(version, v);
    }
    if (version == 0) {
        send_response(
            s,
            make_error_response<svc::hello>(
                r.id, error(error_category::operation, error_values::unsupported_version,
                            "this switch speaks versions " + std::to_string(min_protocol_version) +
                                " to " + std::to_string(protocol_version))));
        return s.close(4003, "unsupported version");
    }
    s.version = version;
    svc::hello::result res{version,
                           hello_instance(),
                           options.switch_name,
                           static_cast<std::uint32_t>(options.heartbeat_interval.count()),
                           options.max_batch_size,
                           static_cast<std::uint32_t>(options.limits.max_frame_bytes)};
    send_response(s, make_response<svc::hello>(r.id, res));
    transition(s, session_state::awaiting_auth);
}

void server_core::authenticate(session_base& s, const request& r) {
    const auto& token = std::get<svc::authenticate::params>(r.params).token;
    if (s.state_ != session_state::awaiting_auth) {
        return send_response(
            s, make_error_response<svc::authenticate>(
                   r.id, error(error_category::security, error_values::not_authenticated,
                               s.state_ == session_state::ready ? "already authenticated"
                                                                : "send Hello first")));
    }
    std::optional<client_identity> who;
    if (options.authenticate) who = options.authenticate(token);
    if (!who) {
        ++stats.authentication_failures;
        log("session " + std::to_string(s.id()) + ": authentication failed");
        send_response(
            s, make_error_response<svc::authenticate>(
                   r.id, error(error_category::security, error_values::invalid_credentials)));
        return s.close(4001, "authentication failed");
    }
    log("session " + std::to_string(s.id()) + ": authenticated as client \"" + who->name + "\"");
    s.client = std::move(*who);
    s.credential = token;
    send_response(s, make_response<svc::authenticate>(r.id, {"s-" + std::to_string(s.id())}));
    transition(s, session_state::ready);
    if (backend.status() == backend_status::down) {
        s.send(s.wire->encode(system_status_message{s.next_seq++, system_status::disabled,
                                                    "the switch is not reachable"}));
    }
}

void server_core::refuse_access(session_base& s, const request& r, const std::string& what) {
    note_refusal(s, service_name(r.params.index()), what);
    send_response(s, response{r.id, r.params.index(), privilege_violation(what)});
}

void server_core::note_refusal(session_base& s, std::string_view service, const std::string& what) {
    ++stats.access_refusals;
    // A client that keeps asking for what it may not have must not flood the log: the first
    // few refusals of a session are logged, the rest only counted (access_refusals).
    constexpr std::uint64_t logged_per_session = 3;
    const auto n = ++s.access_refusals;
    if (n > logged_per_session) return;
    log("session " + std::to_string(s.id()) + " (" + (s.client ? s.client->name : "?") +
        "): " + std::string(service) + " refused: " + what + " is outside the client's rights" +
        (n == logged_per_session ? "; further refusals of this session are counted, not logged"
                                 : ""));
}

void server_core::execute(session_base& s, const request& r) {
    const auto index = r.params.index();
    const auto name = service_name(index);
    if (auto it = stats.requests_by_service.find(name); it != stats.requests_by_service.end()) {
        ++it->second;
    } else {
        stats.requests_by_service.emplace(std::string(name), 1);
    }
    if (auto it = refusals.find(name); it != refusals.end() && it->second.remaining > 0) {
        auto err = it->second.error;
        if (--it->second.remaining == 0) refusals.erase(it);
        log("fault: refusing " + std::string(name) + " with " +
            std::string(protocol::to_string(err.category)) + "/" + err.value);
        return send_response(s, response{r.id, index, std::move(err)});
    }
    // Batched services: bounded by maxBatchSize (docs/protocol.md §5.2).
    std::size_t batch = 0;
    if (auto* p = std::get_if<svc::monitor_start_batch::params>(&r.params))
        batch = p->devices.size();
    if (auto* p = std::get_if<svc::monitor_stop_batch::params>(&r.params))
        batch = p->monitor_refs.size();
    if (auto* p = std::get_if<svc::snapshot_device_batch::params>(&r.params))
        batch = p->devices.size();
    if (auto* p = std::get_if<svc::get_device_status_batch::params>(&r.params))
        batch = p->devices.size();
    if (batch > options.max_batch_size) {
        return send_response(
            s, response{r.id, index,
                        error(error_category::operation, error_values::invalid_parameter_value,
                              "/params: " + std::to_string(batch) + " items > maxBatchSize " +
                                  std::to_string(options.max_batch_size))});
    }
    if (service_since_version(index) > s.version) {
        return send_response(
            s, response{r.id, index,
                        error(error_category::operation, error_values::service_not_supported,
                              std::string(name) + " needs protocol version " +
                                  std::to_string(service_since_version(index)) +
                                  "; this session speaks " + std::to_string(s.version))});
    }
    if (index == service_index_v<svc::request_system_status>) {
        // The gateway knows its switch's status; answered here so that it works while the
        // switch is unreachable (protocol.md §7: "at any time").
        return send_response(
            s, make_response<svc::request_system_status>(
                   r.id, {backend.status() == backend_status::down ? system_status::disabled
                                                                   : system_status::normal}));
    }
    if (backend.status() == backend_status::down) {
        return send_response(
            s, response{r.id, index,
                        error(error_category::system_resource_availability,
                              error_values::resource_busy, "the switch is not reachable")});
    }
    if (is_monitor_service(index)) {
        return std::visit(
            [&](const auto& p) {
                using P = std::remove_cvref_t<decltype(p)>;
                if constexpr (std::is_same_v<P, svc::monitor_start::params>) {
                    auto m = start_monitor(s, p.device);
                    if (auto* e = std::get_if<csta_error>(&m)) {
                        return send_response(s, response{r.id, index, std::move(*e)});
                    }
                    send_response(
                        s, make_response<svc::monitor_start>(
                               r.id, {std::get<std::string>(std::move(m)),
                                      detail::capabilities_of(backend, p.device, s.version)}));
                } else if constexpr (std::is_same_v<P, svc::monitor_start_batch::params>) {
                    svc::monitor_start_batch::result out;
                    out.results.reserve(p.devices.size());
                    for (const auto& d : p.devices) {
                        auto m = start_monitor(s, d);
                        svc::monitor_item item{d, {}, {}, {}};
                        if (auto* e = std::get_if<csta_error>(&m)) {
                            item.error = std::move(*e);
                        } else {
                            item.monitor_ref = std::get<std::string>(std::move(m));
                            item.caps = detail::capabilities_of(backend, d, s.version);
                        }
                        out.results.push_back(std::move(item));
                    }
                    send_response(s, make_response<svc::monitor_start_batch>(r.id, std::move(out)));
                } else if constexpr (std::is_same_v<P, svc::monitor_stop::params>) {
                    if (auto e = stop_monitor(s, p.monitor_ref)) {
                        return send_response(s, response{r.id, index, std::move(*e)});
                    }
                    send_response(s, make_response<svc::monitor_stop>(r.id, {}));
                } else if constexpr (std::is_same_v<P, svc::monitor_stop_batch::params>) {
                    svc::monitor_stop_batch::result out;
                    for (const auto& ref : p.monitor_refs) {
                        out.results.push_back(svc::monitor_stop_item{ref, stop_monitor(s, ref)});
                    }
                    send_response(s, make_response<svc::monitor_stop_batch>(r.id, std::move(out)));
                }
            },
            r.params);
    }
    if (index == service_index_v<svc::snapshot_device_batch>) return snapshot_batch(s, r);
    if (index == service_index_v<svc::get_device_status_batch>) return status_batch(s, r);
    const auto needs =
        needs_of(r, [this](std::string_view call) { return backend.devices_in_call(call); });
    if (!allowed(needs, [&](std::string_view d) { return rights(s, d); })) {
        std::string what = "device";
        for (const auto& n : needs.all_of) {
            if (!allowed({{n}, {}}, [&](std::string_view d) { return rights(s, d); })) {
                what = "device " + n.device;
                break;
            }
        }
        if (what == "device" && !needs.any_of.empty()) what = "the call";
        return refuse_access(s, r, what);
    }
    // Listed in the device's capabilities: refused here, never a late failure from the switch.
    if (auto e = detail::unsupported_refusal(backend, r, needs)) {
        return send_response(s, response{r.id, index, std::move(*e)});
    }
    forward(s, r);
}

void server_core::forward(session_base& s, const request& r) {
    auto weak = std::weak_ptr(sessions.at(s.id()));
    backend.execute(r, [self = shared_from_this(), weak](response res) {
        auto live = weak.lock();
        if (!live || !self->sessions.count(live->id())) return;  // the session went away
        if (auto* e = std::get_if<csta_error>(&res.outcome)) {
            self->log("session " + std::to_string(live->id()) + ": " +
                      std::string(service_name(res.service_index)) +
                      " refused: " + std::string(protocol::to_string(e->category)) + "/" +
                      e->value + (e->message ? " (" + *e->message + ")" : ""));
        } else if (res.service_index == service_index_v<svc::get_switching_function_devices>) {
            // A client learns only the devices it may see.
            auto& list = std::get<svc::get_switching_function_devices::result>(
                             std::get<service_result>(res.outcome))
                             .devices;
            std::erase_if(list, [&](const device_info& d) {
                return self->rights(*live, d.device) == access::none;
            });
        }
        self->send_response(*live, res);
    });
}

void server_core::snapshot_batch(session_base& s, const request& r) {
    const auto& p = std::get<svc::snapshot_device_batch::params>(r.params);
    // The devices outside the client's rights get an error item; the others go to the backend
    // in one request, and the answer keeps the request's order.
    request allowed_req{r.id, svc::snapshot_device_batch::params{}};
    auto& allowed_devices =
        std::get<svc::snapshot_device_batch::params>(allowed_req.params).devices;
    for (const auto& d : p.devices) {
        if (rights(s, d) != access::none) {
            allowed_devices.push_back(d);
        } else {
            note_refusal(s, "SnapshotDeviceBatch", "device " + d);
        }
    }
    auto weak = std::weak_ptr(sessions.at(s.id()));
    auto order = p.devices;
    backend.execute(allowed_req, [self = shared_from_this(), weak, order](response res) {
        auto live = weak.lock();
        if (!live || !self->sessions.count(live->id())) return;
        if (std::holds_alternative<csta_error>(res.outcome)) return self->send_response(*live, res);
        auto& got =
            std::get<svc::snapshot_device_batch::result>(std::get<service_result>(res.outcome))
                .results;
        svc::snapshot_device_batch::result out;
        std::size_t next = 0;
        for (const auto& d : order) {
            if (next < got.size() && got[next].device == d) {
                out.results.push_back(std::move(got[next++]));
            } else {
                out.results.push_back(
                    svc::snapshot_item{d, {}, privilege_violation("device " + d)});
            }
        }
        self->send_batch_response<svc::snapshot_device_batch>(
            *live, res.id, out, [](svc::snapshot_item& item) {
                item = svc::snapshot_item{std::move(item.device), {}, limited_item()};
            });
    });
}

}  // namespace ctigw::gateway::detail
