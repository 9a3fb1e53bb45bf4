// The simulated switch: the gateway's server on the simulator backend.
#include "ctigw/pbxsim/server.hpp"

#include <cstdio>

namespace ctigw::pbxsim {

namespace {

gateway::server_options gateway_options(server_options o) {
    auto token = std::move(o.token);
    gateway::server_options g = std::move(o);  // the gateway's part
    g.authenticate = gateway::single_token(std::move(token));
    if (!g.log) {
        g.log = [](std::string_view line) {
            std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(line.size()), line.data());
        };
    }
    return g;
}

}  // namespace

server::server(boost::asio::io_context& io, sim_config config, server_options options)
    : backend_holder(io, std::move(config)),
      gateway::server(io, backend, gateway_options(std::move(options))) {}

}  // namespace ctigw::pbxsim
