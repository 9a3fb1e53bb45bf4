// The Asterisk switch backend (docs/asterisk.md): Asterisk or FreePBX driven through AMI. It owns
// the AMI link (TCP on loopback, TLS otherwise) and the call model built from AMI events, and
// serves them to the gateway's server like any switch_backend.
//
// Thread safety: like every backend, on the gateway's io thread only; construct and destroy it
// on that thread (or before the io_context runs), and destroy it before the io_context.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ctigw/gateway/backend.hpp"
#include "ctigw/gateway/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace ctigw::gateway {

class asterisk_backend final : public switch_backend {
  public:
    /// One log line and its level; the strings Asterisk sent are already escaped.
    using log_fn = std::function<void(config::log_level, std::string_view)>;

    /// `secret`: the AMI secret itself (read from the configured file or environment variable by
    /// the caller); kept in memory for each login and never logged. The link starts at attach().
    asterisk_backend(boost::asio::io_context& io, asterisk_backend_settings settings,
                     std::string secret, log_fn log = {});
    ~asterisk_backend() override;
    asterisk_backend(const asterisk_backend&) = delete;
    asterisk_backend& operator=(const asterisk_backend&) = delete;

    void attach(backend_listener& listener) override;
    std::string_view kind() const noexcept override { return "asterisk"; }
    std::string instance_id() const override;
    backend_status status() const override;
    bool is_device(std::string_view device) const override;
    std::vector<std::string> devices() const override;
    std::vector<std::string> devices_in_call(std::string_view call_id) const override;
    std::size_t active_calls() const override;
    std::vector<std::string> unsupported_services(std::string_view device) const override;
    std::optional<protocol::csta_error> monitor(const std::string& device) override;
    void unmonitor(const std::string& device) override;
    void execute(const protocol::request& request, completion done) override;

    /// Closes the AMI link (no reconnect); pending requests complete with an error.
    void stop();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::gateway
