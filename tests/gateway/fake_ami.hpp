// A fake Asterisk AMI server for tests: loopback TCP (or TLS) on port 0, banner, Login
// (accept / refuse / ignore), per-action handlers returning the messages to send, events pushed
// at any time, abrupt drops, a half-open mode (reads, answers nothing), and a record of every
// action received. Scripted conversations: to_wire() and reply() build what a handler returns.
//
// Threading: the server runs its own io_context on its own thread; handlers run there. Every
// public member may be called from any thread (the test's); waits block the caller only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asterisk/ami_message.hpp"

namespace ctigw::gateway::ami::testing {

using std::chrono::milliseconds;

enum class login_mode { accept, refuse, ignore };

struct fake_ami_options {
    std::string banner = "Asterisk Call Manager/11.0.0";
    std::string username = "ctigw";
    std::string secret = "fake-secret";
    /// accept: Success when Username and Secret match, else Error (as Asterisk does).
    login_mode login = login_mode::accept;
    /// TLS with this certificate chain and key (PEM files); empty: plain TCP.
    std::string cert_file;
    std::string key_file;
};

/// Gets an action as parsed, returns what to send back in order (response, events). An empty
/// vector sends nothing.
using action_handler = std::function<std::vector<message>(const message& action)>;

class fake_ami {
  public:
    explicit fake_ami(fake_ami_options options = {});
    ~fake_ami();
    fake_ami(const fake_ami&) = delete;
    fake_ami& operator=(const fake_ami&) = delete;

    std::uint16_t port() const noexcept;

    void set_login(login_mode mode);
    /// Handles `action` (case-insensitive) from now on; replaces the default (Ping is answered
    /// with Pong, anything else with "Invalid/unknown command").
    void on_action(std::string action, action_handler handler);
    /// An event (or any message) to every connection, now.
    void push(const message& m);
    /// Raw bytes to every connection (malformed input, split writes).
    void push_raw(std::string bytes);
    /// Closes every connection at once (no goodbye).
    void drop();
    /// Half-open: keeps the connections but answers nothing and sends nothing; new ones get no
    /// banner.
    void set_silent(bool silent);

    /// Every action received so far, in order (Login and Ping included).
    std::vector<message> actions() const;
    /// Those named `action`.
    std::vector<message> actions(std::string_view action) const;
    std::size_t connections() const;

    /// Waits until `count` actions named `action` were received; false at the deadline.
    bool wait_for_actions(std::string_view action, std::size_t count,
                          milliseconds timeout = milliseconds(10'000)) const;
    bool wait_for_connections(std::size_t count, milliseconds timeout = milliseconds(10'000)) const;

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

/// The wire text of `messages`, each ended by an empty line (scripted conversations).
std::string to_wire(const std::vector<message>& messages);

/// A message answering `action`: `headers` with its ActionID (when it has one) after the first
/// header, as Asterisk writes "Response: Success" / "Event: X" then "ActionID: ...".
message reply(const message& action,
              std::initializer_list<std::pair<std::string_view, std::string_view>> headers);

}  // namespace ctigw::gateway::ami::testing
