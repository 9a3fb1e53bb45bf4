// What the control port tests share: the simulator's options for a plain ws:// server on port 0,
// and a line client with timeouts (a broken port fails a test instead of hanging it).
#pragma once

#include "ctigw/pbxsim/control_port.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ctigw::pbxsim {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using lines = std::vector<std::string>;

constexpr auto io_timeout = 10s;

inline sim_config stations_2000_2199() {
    sim_config c;
    c.stations = {{"2000", "2199"}};
    return c;
}

inline server_options plain_options() {
    server_options o;
    o.port = 0;
    o.token = "test-token";
    o.log = [](std::string_view) {};
    return o;
}

/// A line client with timeouts: Asio async operations run for at most io_timeout.
class line_client {
  public:
    explicit line_client(std::uint16_t port) : socket_(io_) {
        socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }
    void send(std::string_view text) { net::write(socket_, net::buffer(text)); }

    /// The next line (without LF), or nullopt at the end of the stream (or on a timeout, which
    /// is a test failure).
    std::optional<std::string> line() {
        auto nl = buffer_.find('\n');
        if (nl == std::string::npos) {
            bool done = false;
            boost::system::error_code result;
            net::async_read_until(socket_, net::dynamic_buffer(buffer_), '\n',
                                  [&](boost::system::error_code ec, std::size_t) {
                                      result = ec;
                                      done = true;
                                  });
            io_.restart();
            io_.run_for(io_timeout);
            if (!done) {
                ADD_FAILURE() << "no line from the control port within 10 s";
                socket_.cancel();
                io_.restart();
                io_.run();
                return std::nullopt;
            }
            if (result) {
                ended_ = result == net::error::eof || result == net::error::connection_reset;
                return std::nullopt;
            }
            nl = buffer_.find('\n');
        }
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
    }
    /// Lines up to and including the terminator (`ok` or `error: ...`).
    lines reply() {
        lines r;
        while (auto l = line()) {
            r.push_back(*l);
            if (*l == "ok" || l->starts_with("error: ")) return r;
        }
        r.push_back("<end of stream>");
        return r;
    }
    lines command(std::string_view text) {
        send(std::string(text) + "\n");
        return reply();
    }
    /// True when the server closed the connection (after what was already read).
    bool closed_by_server() {
        if (auto l = line()) {
            ADD_FAILURE() << "unexpected line: " << *l;
            return false;
        }
        return ended_;
    }

  private:
    net::io_context io_;
    tcp::socket socket_;
    std::string buffer_;
    bool ended_ = false;
};

}  // namespace
}  // namespace ctigw::pbxsim
