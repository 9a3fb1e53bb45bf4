// One WebSocket session to the switch, as its owner (beast_link) sees it: resolve -> TCP -> TLS ->
// upgrade -> read loop, and the write queue (one write at a time). Never reused: every attempt
// is a new object (link_io::connect). The Beast implementation is in connection.cpp; this header
// is Beast-free so that the link's files by concern do not include Beast.
//
// Thread safety: everything on the link's I/O thread; a connection reports to its owner there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "request_table.hpp"

namespace ctigw::pbx_link::detail {

class connection_base;

/// What a connection reports to its owner, always on the I/O thread.
class connection_owner {
  public:
    virtual ~connection_owner() = default;
    virtual void on_tcp_connected(connection_base* c, bool tls) = 0;
    virtual void on_tls_done(connection_base* c) = 0;
    virtual void on_ws_done(connection_base* c) = 0;
    /// A whole message; protocol::frame_padding allocated bytes follow `frame` (the rest of the
    /// read buffer), so that it is decoded where it is (codec::decode_padded).
    virtual void on_frame(connection_base* c, std::string_view frame, bool text) = 0;
    /// A message passed the read limit; reading has stopped, the owner closes (1009).
    virtual void on_oversized(connection_base* c, std::size_t limit) = 0;
    /// The connection is gone. `established`: the WebSocket had been up.
    virtual void on_failed(connection_base* c, const std::string& reason, bool established) = 0;
};

class connection_base {
  public:
    virtual ~connection_base() = default;
    virtual void run() = 0;
    /// Queues a frame; `urgent` (heartbeat acks) goes ahead of queued traffic.
    virtual void send(std::string frame, bool urgent) = 0;
    /// Sends what is queued, then the close frame; the socket is cut after a grace period.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    /// Cuts the socket now. The owner is not told (it asked).
    virtual void abort() = 0;
    virtual void pause_reading() = 0;
    virtual void resume_reading() = 0;
    virtual std::size_t queued_writes() const = 0;

    time_point last_received{};
    time_point last_sent{};
    std::uint16_t close_code_seen = 0;  ///< the switch's close code, when it closed
};

}  // namespace ctigw::pbx_link::detail
