// The Asio side of connection.hpp: how link_io makes a connection. Only the link's Asio
// translation units (link_io.cpp, connection.cpp) include this header.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "connection.hpp"
#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::detail {

/// The link's I/O thread is the only one running its io_context: no strand is needed.
using io_executor_t = boost::asio::io_context::executor_type;

/// A connection to `ep` on `ex`, not yet running; `tls` null: plain ws://. It keeps
/// references to `owner` and `settings`: both must outlive it. `log` must not throw.
std::shared_ptr<connection_base> make_connection(io_executor_t ex, connection_owner& owner,
                                                 const link_settings& settings, endpoint ep,
                                                 std::shared_ptr<boost::asio::ssl::context> tls,
                                                 log_sink log);

}  // namespace ctigw::pbx_link::detail
