// The gateway's server with the simulator backend on its own thread over real TLS on loopback,
// with per-token clients as ctigw-gateway.json configures them; shared by the server tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../common/csta_client.hpp"
#include "../pbx-sim/log_capture.hpp"
#include "ctigw/gateway/access.hpp"
#include "ctigw/gateway/app/options.hpp"
#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "ctigw/pbxsim/certs.hpp"

namespace ctigw::gateway::testing {

/// Demo certificates for the whole test binary.
inline const std::filesystem::path& cert_dir() {
    struct pki {
        std::filesystem::path dir;
        pki() {
            dir = std::filesystem::temp_directory_path() /
                  ("ctigw-gateway-test-" + std::to_string(::getpid()));
            if (auto err = pbxsim::write_demo_certificates(dir); !err.empty())
                throw std::runtime_error(err);
        }
        ~pki() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    };
    static const pki p;
    return p.dir;
}

/// Runs `io` on this thread until `done` holds, at most 10 s (a regression fails, never hangs).
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.run_for(std::chrono::milliseconds(1));
        io.restart();
    }
    return true;
}

/// A device set from "2001" or "2000-2049" items.
inline device_set devices_of(std::initializer_list<std::string_view> items) {
    std::vector<device_range> ranges;
    for (auto item : items) {
        const auto dash = item.find('-');
        if (dash == std::string_view::npos) {
            ranges.push_back({std::string(item), std::string(item)});
        } else {
            ranges.push_back(
                {std::string(item.substr(0, dash)), std::string(item.substr(dash + 1))});
        }
    }
    return device_set(std::move(ranges));
}

/// A configured client whose token is `token` (stored hashed, as in the config file).
inline client make_client(std::string name, std::string_view token, device_set devices,
                          device_set monitor_only = {}) {
    return client{std::move(name), hash_token(token), std::move(devices), std::move(monitor_only)};
}

/// The simulator as a switch behind a network would answer: every service's response later,
/// from the io_context, and its events after it; nothing answered from memory (read_now is the
/// default). The server's asynchronous paths are tested with it.
class answers_later final : public switch_backend, private backend_listener {
  public:
    answers_later(boost::asio::io_context& io, switch_backend& inner) : io_(io), inner_(inner) {}

    std::size_t executed() const { return executed_; }

    void attach(backend_listener& listener) override {
        listener_ = &listener;
        inner_.attach(*this);
    }
    std::string_view kind() const noexcept override { return inner_.kind(); }
    std::string instance_id() const override { return inner_.instance_id(); }
    backend_status status() const override { return inner_.status(); }
    bool is_device(std::string_view device) const override { return inner_.is_device(device); }
    std::vector<std::string> devices() const override { return inner_.devices(); }
    std::vector<std::string> devices_in_call(std::string_view call_id) const override {
        return inner_.devices_in_call(call_id);
    }
    std::size_t active_calls() const override { return inner_.active_calls(); }
    std::vector<std::string> unsupported_services(std::string_view device) const override {
        return inner_.unsupported_services(device);
    }
    std::optional<protocol::csta_error> monitor(const std::string& device) override {
        return inner_.monitor(device);
    }
    void unmonitor(const std::string& device) override { inner_.unmonitor(device); }
    void execute(const protocol::request& request, completion done) override {
        ++executed_;
        inner_.execute(request, [this, done = std::move(done)](protocol::response res) {
            boost::asio::post(io_, [done, res = std::move(res)] { done(res); });
        });
    }

  private:
    void on_device_event(const std::string& device, const protocol::event_body& body) override {
        boost::asio::post(io_, [this, device, body] { listener_->on_device_event(device, body); });
    }
    void on_backend_status(backend_status status, bool restarted, const std::string& why) override {
        boost::asio::post(io_, [this, status, restarted, why] {
            listener_->on_backend_status(status, restarted, why);
        });
    }

    boost::asio::io_context& io_;
    switch_backend& inner_;
    backend_listener* listener_ = nullptr;
    std::size_t executed_ = 0;
};

/// How the server's backend answers: the simulator itself, or answers_later around it.
enum class backend_answers { as_simulator, later };

/// ctigw-gateway's server on the simulator backend, authenticating `clients` the way the
/// executable does (app::make_authenticator).
class running_gateway {
  public:
    explicit running_gateway(std::vector<client> clients, server_options o = {},
                             sim::sim_config c = {},
                             backend_answers answers = backend_answers::as_simulator)
        : backend_(io_, std::move(c)) {
        o.tls = tls_files{cert_dir() / "server.pem", cert_dir() / "server-key.pem", {}, {}};
        o.authenticate =
            app::make_authenticator(std::make_shared<const access_control>(std::move(clients)));
        o.log = log_.sink();
        if (answers == backend_answers::later) later_.emplace(io_, backend_);
        server_ = std::make_unique<server>(
            io_, later_ ? static_cast<switch_backend&>(*later_) : backend_, std::move(o));
        if (auto err = server_->start(); !err.empty()) throw std::runtime_error(err);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~running_gateway() {
        server_->post([this] {
            server_->stop();
            io_.stop();
        });
        thread_.join();
    }
    running_gateway(const running_gateway&) = delete;
    running_gateway& operator=(const running_gateway&) = delete;

    std::uint16_t port() const { return server_->port(); }
    /// Runs fn on the server thread and waits for it.
    void run(const std::function<void(server&, sim_backend&)>& fn) {
        std::promise<void> done;
        server_->post([&] {
            fn(*server_, backend_);
            done.set_value();
        });
        done.get_future().wait();
    }
    server_stats stats() {
        server_stats s;
        run([&](server& srv, sim_backend&) { s = srv.stats(); });
        return s;
    }
    /// The services answers_later executed (0 without it).
    std::size_t executed_later() {
        std::size_t n = 0;
        run([&](server&, sim_backend&) { n = later_ ? later_->executed() : 0; });
        return n;
    }
    bool logged(std::string_view text) const { return log_.contains(text); }
    std::size_t log_count(std::string_view text) const { return log_.count(text); }

  private:
    boost::asio::io_context io_;
    sim_backend backend_;
    std::optional<answers_later> later_;
    std::unique_ptr<server> server_;
    std::thread thread_;
    pbxsim::testing::log_capture log_;
};

/// The shared test client, trusting the demo CA.
class gateway_client : public ctigw::testing::csta_client {
  public:
    explicit gateway_client(std::uint16_t port) : csta_client(port, cert_dir() / "ca.pem") {}
};

using ctigw::testing::error_of;
using ctigw::testing::succeeded;

}  // namespace ctigw::gateway::testing
