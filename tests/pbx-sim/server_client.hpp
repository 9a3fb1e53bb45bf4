// The simulator's server on its own thread over real TLS on loopback, and a small blocking Beast
// client: shared by the server-level test files.
#pragma once

#include "ctigw/pbxsim/server.hpp"

#include <gtest/gtest.h>

#include "../common/csta_client.hpp"
#include "log_capture.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ctigw/pbxsim/certs.hpp"

namespace ctigw::pbxsim {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using namespace protocol;

/// Certificates for the whole test binary (EC keys are cheap, but once is enough).
struct pki {
    std::filesystem::path dir;
    pki() {
        dir = std::filesystem::temp_directory_path() /
              ("ctigw-server-test-" + std::to_string(::getpid()));
        auto err = write_demo_certificates(dir);
        if (!err.empty()) throw std::runtime_error(err);
    }
    ~pki() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};
const pki& certs() {
    static pki p;
    return p;
}

/// The simulator on its own thread, as tests and tools use it.
class running_server {
  public:
    explicit running_server(server_options o = {}, sim_config c = {}) {
        o.tls = tls_files{certs().dir / "server.pem", certs().dir / "server-key.pem", {}, {}};
        o.token = "s3cret";
        o.log = log_.sink();
        server_ = std::make_unique<server>(io_, std::move(c), std::move(o));
        auto err = server_->start();
        if (!err.empty()) throw std::runtime_error(err);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~running_server() {
        server_->post([this] {
            server_->stop();
            io_.stop();
        });
        thread_.join();
    }
    std::uint16_t port() const { return server_->port(); }
    /// Runs fn on the server thread and waits for it.
    void run(std::function<void(server&)> fn) {
        std::promise<void> done;
        server_->post([&] {
            fn(*server_);
            done.set_value();
        });
        done.get_future().wait();
    }
    bool logged(std::string_view text) const { return log_.contains(text); }

  private:
    net::io_context io_;
    std::unique_ptr<server> server_;
    std::thread thread_;
    ctigw::pbxsim::testing::log_capture log_;
};

/// The shared test client, trusting the simulator's demo CA, with the simulator's token.
class client : public ctigw::testing::csta_client {
  public:
    explicit client(std::uint16_t port, std::string subprotocol_offer = std::string(subprotocol))
        : csta_client(port, certs().dir / "ca.pem", std::move(subprotocol_offer)) {}
    void login() { ASSERT_TRUE(csta_client::login("s3cret")); }
};

using ctigw::testing::error_of;

}  // namespace
}  // namespace ctigw::pbxsim
