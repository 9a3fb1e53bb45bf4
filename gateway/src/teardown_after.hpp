// The last step of a WebSocket close for a stream layer of the gateway's own: finish what the
// layer must do first (write what is pending, send close_notify), then tear the stream below
// down as Beast would without the layer.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/error_code.hpp>

#include <utility>

namespace ctigw::gateway::detail {

/// Starts `first` with a completion handler (whatever it reports, the teardown goes on), then
/// Beast's teardown of `next`, which completes `handler` on the executor it asked for.
template <class First, class Next, class Handler>
void teardown_after(First&& first, boost::beast::role_type role, Next& next, Handler&& handler) {
    auto ex = boost::asio::get_associated_executor(handler, next.get_executor());
    std::forward<First>(first)(boost::asio::bind_executor(
        ex, [role, &next, h = std::forward<Handler>(handler)](boost::system::error_code) mutable {
            using boost::beast::websocket::async_teardown;
            async_teardown(role, next, std::move(h));
        }));
}

}  // namespace ctigw::gateway::detail
