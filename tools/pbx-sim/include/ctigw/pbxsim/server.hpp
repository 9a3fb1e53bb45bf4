// The simulated switch: the gateway's ctigw.csta.v1 server (gateway/server.hpp) on the
// simulator backend (gateway/sim_backend.hpp), one code path with ctigw-gateway. It *is* a
// gateway::server (every fault and counter comes from there) and adds what only a simulator has:
// one shared token with every right, direct access to the call model, restart, unreachability.
//
// Thread safety: as gateway::server — everything on the io_context's single thread, except post().
#pragma once

#include <functional>
#include <string>

#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "ctigw/pbxsim/model.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::pbxsim {

using gateway::server_stats;
using gateway::tls_files;

/// The gateway's options, with one shared token instead of an authenticator.
struct server_options : gateway::server_options {
    server_options() { switch_name = "ctigw-pbxsim"; }
    /// The bearer token clients must present; it has every right. Never logged.
    std::string token;
};

namespace detail {
/// Constructed before the gateway::server base, which needs the backend.
struct backend_holder {
    backend_holder(boost::asio::io_context& io, sim_config config)
        : backend(io, std::move(config)) {}
    gateway::sim_backend backend;
};
}  // namespace detail

class server : private detail::backend_holder, public gateway::server {
  public:
    server(boost::asio::io_context& io, sim_config config, server_options options);

    switch_model& model() { return backend.model(); }

    /// Runs `fn` against the model at the current time, then sends the events it caused.
    void with_model(const std::function<void(switch_model&, time_point)>& fn) {
        backend.with_model(fn);
    }
    /// Restart: all model state lost, a new instance id; every session gets systemStatus
    /// initializing and is closed (1001).
    void restart() { backend.restart(); }
    /// The switch becomes unreachable to the gateway (true) or reachable again (false).
    void set_unreachable(bool unreachable) { backend.set_unreachable(unreachable); }
    /// `device` ("*": every device) cannot do `services` from now on (sim_backend).
    void set_unsupported(const std::string& device, std::vector<std::string> services) {
        backend.set_unsupported(device, std::move(services));
    }
};

}  // namespace ctigw::pbxsim
