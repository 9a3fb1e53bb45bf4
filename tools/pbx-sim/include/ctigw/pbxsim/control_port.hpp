// The control port: console commands over plain TCP, for drivers that cannot use the console on
// stdin (a Windows test host under Wine, scripts). One command per line in, the command's output
// lines and exactly one terminator line (`ok` or `error: <text>`) out; `check <command>` only
// parses. The protocol is documented in docs/pbx-sim.md ("Control port").
//
// There is no authentication: anyone who can connect can drive the switch. start() therefore
// refuses addresses that are not loopback unless control_port_options::allow_any_address is set.
//
// Also here: the ready file (`--ready-file`), which tells scripts where the simulator listens.
//
// Thread safety: a control_port must be constructed, started, stopped and destroyed on the
// server's thread (server.hpp), and its io_context must be the one the server runs on. Each
// command runs on that thread through server::post(), the path the console uses, so commands
// never race the protocol side. The free functions are pure (any thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/pbxsim/server.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::pbxsim {

namespace detail {
struct control_port_impl;
}

struct control_port_options {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: pick a free port (see control_port::port())
    /// The port has no authentication: addresses other than loopback need this.
    bool allow_any_address = false;
    /// More concurrent clients get `error: too many control connections ...` and are closed.
    std::size_t max_clients = 8;
    /// A longer line (without its CR LF) gets `error: line too long` and the connection closes.
    std::size_t max_line_bytes = 4096;
    /// Replies not yet taken by the client above which its next lines wait (it must read).
    std::size_t max_pending_reply_bytes = 64 * 1024;
    /// Connections, refusals and every command with its outcome. Default: stderr.
    std::function<void(std::string_view)> log;
};

/**
 * Whether the control port may listen on `address` (an IP address as --listen takes it).
 * @return empty when it may: a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.x.x), or any
 * IP address when `allow_any` is set; otherwise why not.
 */
std::string check_control_address(std::string_view address, bool allow_any);

/// "127.0.0.1:8443", or "[::1]:8443" for an IPv6 address.
std::string format_endpoint(std::string_view host, std::uint16_t port);

/**
 * The reply to one control line, as sent to the client: zero or more output lines, then `ok` or
 * `error: <text>`, each ending in "\n". `check <command>` only parses. Runs the command on
 * `srv` (so: on the server's thread). A blank line gets no reply (empty string).
 * @param close set when the connection should close after the reply (`quit`).
 */
std::string control_reply(server& srv, std::string_view line, bool& close);

class control_port {
  public:
    control_port(boost::asio::io_context& io, server& srv, control_port_options options);
    ~control_port();
    control_port(const control_port&) = delete;
    control_port& operator=(const control_port&) = delete;

    /// Checks the address, binds and starts accepting. Returns an error text, or empty.
    std::string start();
    /// Stops accepting and closes every control connection at once.
    void stop();
    /// The port actually bound (after start()), 0 when not listening.
    std::uint16_t port() const;
    /// Control connections open now (not counting refused ones, nor closing ones whose replies
    /// are all sent).
    std::size_t clients() const;

  private:
    std::shared_ptr<detail::control_port_impl> impl_;
};

/// What the ready file says.
struct ready_info {
    std::string listen;                  ///< "host:port" of the CSTA listener
    std::optional<std::string> control;  ///< "host:port" of the control port, if any
    std::string url;                     ///< "wss://host:port/csta"
};

/// The ready file's text: `listen <host:port>`, `control <host:port>` (if any), `url <url>`.
std::string format_ready_file(const ready_info& info);

/**
 * Writes the ready file atomically: `path` + ".tmp" first, then renamed to `path`, so a reader
 * that sees `path` sees all of it. @return an error text, or empty.
 */
std::string write_ready_file(const std::filesystem::path& path, const ready_info& info);

}  // namespace ctigw::pbxsim
