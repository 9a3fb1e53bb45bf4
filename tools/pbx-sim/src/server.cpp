// The simulated switch: the gateway's server on the simulator backend.
#include "ctigw/pbxsim/server.hpp"

#include <cstdio>

#include "ctigw/gateway/sim_backend.hpp"

namespace ctigw::pbxsim {

namespace {

gateway::server_options gateway_options(server_options o) {
    gateway::server_options g;
    g.bind_address = std::move(o.bind_address);
    g.port = o.port;
    g.tls = std::move(o.tls);
    g.tls_cipher_list = std::move(o.tls_legacy_cipher_list);
    g.tls12_only = o.tls12_only;
    g.authenticate = gateway::single_token(std::move(o.token));
    g.target = std::move(o.target);
    g.switch_name = std::move(o.switch_name);
    g.heartbeat_interval = o.heartbeat_interval;
    g.missed_heartbeats = o.missed_heartbeats;
    g.send_queue_limit_bytes = o.send_queue_limit_bytes;
    g.max_batch_size = o.max_batch_size;
    g.malformed_tolerance = o.malformed_tolerance;
    g.limits = o.limits;
    if (o.log) {
        g.log = std::move(o.log);
    } else {
        g.log = [](std::string_view line) {
            std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(line.size()), line.data());
        };
    }
    return g;
}

}  // namespace

struct server::impl {
    impl(boost::asio::io_context& io, sim_config config, server_options options)
        : backend(io, std::move(config)), gw(io, backend, gateway_options(std::move(options))) {}
    gateway::sim_backend backend;
    gateway::server gw;
};

server::server(boost::asio::io_context& io, sim_config config, server_options options)
    : impl_(std::make_unique<impl>(io, std::move(config), std::move(options))) {}

server::~server() = default;

std::string server::start() {
    return impl_->gw.start();
}
void server::stop() {
    impl_->gw.stop();
}
std::uint16_t server::port() const {
    return impl_->gw.port();
}
std::string server::instance_id() const {
    return impl_->gw.instance_id();
}
switch_model& server::model() {
    return impl_->backend.model();
}
server_stats server::stats() const {
    return impl_->gw.stats();
}
void server::post(std::function<void()> fn) {
    impl_->gw.post(std::move(fn));
}

void server::with_model(const std::function<void(switch_model&, time_point)>& fn) {
    impl_->backend.with_model(fn);
}

void server::drop_connections() {
    impl_->gw.drop_connections();
}
void server::pause_heartbeats(bool paused) {
    impl_->gw.pause_heartbeats(paused);
}
void server::delay_responses(milliseconds delay) {
    impl_->gw.delay_responses(delay);
}
void server::send_malformed(std::uint32_t count) {
    impl_->gw.send_malformed(count);
}
void server::send_raw(std::string frame) {
    impl_->gw.send_raw(std::move(frame));
}
void server::close_sessions(std::uint16_t code, std::string reason) {
    impl_->gw.close_sessions(code, std::move(reason));
}
void server::refuse_service(std::string service, protocol::csta_error error, std::uint32_t count) {
    impl_->gw.refuse_service(std::move(service), std::move(error), count);
}
void server::reorder_events(bool enabled) {
    impl_->gw.reorder_events(enabled);
}
void server::skip_sequence_number() {
    impl_->gw.skip_sequence_number();
}
void server::send_system_status(protocol::system_status status) {
    impl_->gw.send_system_status(status);
}
void server::restart() {
    impl_->backend.restart();
}
void server::set_unreachable(bool unreachable) {
    impl_->backend.set_unreachable(unreachable);
}

}  // namespace ctigw::pbxsim
