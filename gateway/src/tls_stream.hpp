// The gateway's server-side TLS stream: OpenSSL reads and writes the non-blocking socket itself
// (through a small BIO of ours) and the stream waits for readiness with Asio when OpenSSL says
// it must. Asio's ssl::stream puts a BIO pair and two record-sized buffers of its
// own between OpenSSL and the socket: ~68 KiB per connection that never shrinks (two 17 KiB
// buffers in stream_core, two in the BIO pair) and a copy of every record. Here an idle
// connection holds OpenSSL's SSL object only (SSL_MODE_RELEASE_BUFFERS gives its record
// buffers back when idle), which is what an idle session costs the gateway at 200 sessions.
//
// An AsyncStream for Beast: async_read_some, async_write_some, plus async_handshake (server
// side) and the WebSocket teardown (close_notify, then the TCP teardown). One read and one
// write may be outstanding at a time, as with any Asio stream.
//
// Threading: one thread (or strand) at a time, the socket's executor. OpenSSL's error queue is
// per thread: every call clears it first and reads it before returning.
#pragma once

#include "teardown_after.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace ctigw::gateway::detail {

class tls_stream {
  public:
    using next_layer_type = boost::beast::tcp_stream;
    using executor_type = next_layer_type::executor_type;
    using error_code = boost::system::error_code;

    /// A server-side connection on `socket` with the context's policy, certificate and verify
    /// mode. Throws std::runtime_error when OpenSSL cannot make the connection object.
    tls_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& context)
        : tcp_(std::move(socket)), ssl_(SSL_new(context.native_handle())) {
        if (!ssl_) throw std::runtime_error("TLS: cannot create a connection (SSL_new)");
        SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE |
                                     SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                     SSL_MODE_RELEASE_BUFFERS);
        // Read ahead: one recv takes whatever arrived (a burst of requests, or the client's
        // last handshake flight with its first request behind it), not a record at a time.
        // A failed handshake's alert then reaches the client: closing a socket with unread
        // bytes would send a reset instead of the alert.
        SSL_set_read_ahead(ssl_.get(), 1);
        SSL_set_accept_state(ssl_.get());
        tcp_.socket().non_blocking(true);
        socket_.fd = static_cast<int>(tcp_.socket().native_handle());
        BIO* bio = BIO_new(socket_bio_method());
        if (!bio) throw std::runtime_error("TLS: cannot attach the socket (BIO_new)");
        BIO_set_data(bio, &socket_);
        BIO_set_init(bio, 1);
        SSL_set_bio(ssl_.get(), bio, bio);  // the SSL object owns it (one reference, both ways)
    }

    tls_stream(const tls_stream&) = delete;
    tls_stream& operator=(const tls_stream&) = delete;

    executor_type get_executor() noexcept { return tcp_.get_executor(); }
    next_layer_type& next_layer() noexcept { return tcp_; }
    const next_layer_type& next_layer() const noexcept { return tcp_; }
    SSL* native_handle() noexcept { return ssl_.get(); }

    /// The server's side of the handshake; completes with the handshake's error, if any.
    template <class Token>
    auto async_handshake(Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(
            io_op<handshake_call, false>{*this, {}}, token, tcp_);
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
            io_op<read_call, true>{*this, read_call{first<boost::asio::mutable_buffer>(buffers)}},
            token, tcp_);
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
            io_op<write_call, true>{*this, write_call{first<boost::asio::const_buffer>(buffers)}},
            token, tcp_);
    }

    /// Sends close_notify; does not wait for the peer's (the TCP teardown follows).
    template <class Token>
    auto async_shutdown(Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(
            io_op<shutdown_call, false>{*this, {}}, token, tcp_);
    }

  private:
    /// The socket as OpenSSL's BIO sees it. OpenSSL's own socket BIO writes with write(2),
    /// which raises SIGPIPE on a connection the peer reset; this one sends with MSG_NOSIGNAL.
    struct socket_state {
        int fd = -1;
        bool eof = false;  // the peer closed its side (recv returned 0)
    };

    static int bio_write(BIO* b, const char* data, std::size_t size, std::size_t* written) {
        BIO_clear_retry_flags(b);
        auto* s = static_cast<socket_state*>(BIO_get_data(b));
        errno = 0;
        const ssize_t n = ::send(s->fd, data, size, MSG_NOSIGNAL);
        if (n >= 0) {
            *written = static_cast<std::size_t>(n);
            return 1;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
        return 0;
    }

    static int bio_read(BIO* b, char* data, std::size_t size, std::size_t* read) {
        BIO_clear_retry_flags(b);
        auto* s = static_cast<socket_state*>(BIO_get_data(b));
        errno = 0;
        const ssize_t n = ::recv(s->fd, data, size, 0);
        if (n > 0) {
            *read = static_cast<std::size_t>(n);
            return 1;
        }
        if (n == 0) {
            s->eof = true;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            BIO_set_retry_read(b);
        }
        return 0;
    }

    static long bio_ctrl(BIO* b, int cmd, long, void*) {
        switch (cmd) {
            case BIO_CTRL_FLUSH:
                return 1;  // nothing buffered here
            case BIO_CTRL_EOF:
                return static_cast<socket_state*>(BIO_get_data(b))->eof ? 1 : 0;
            default:
                return 0;
        }
    }

    static BIO_METHOD* socket_bio_method() {
        static BIO_METHOD* const method = [] {
            BIO_METHOD* m =
                BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                             "ctigw gateway socket");
            if (m == nullptr || BIO_meth_set_write_ex(m, &bio_write) != 1 ||
                BIO_meth_set_read_ex(m, &bio_read) != 1 || BIO_meth_set_ctrl(m, &bio_ctrl) != 1) {
                throw std::runtime_error("TLS: cannot make the socket BIO method");
            }
            return m;
        }();
        return method;
    }

    /// What one OpenSSL call did: done (with a byte count), wait for the socket, or failed.
    struct outcome {
        enum class kind { done, want_read, want_write, failed } what = kind::done;
        std::size_t bytes = 0;
        error_code ec{};
    };

    /// The first non-empty buffer: one OpenSSL call takes one (a *_some operation may do less).
    template <class Buffer, class Buffers>
    static Buffer first(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            const Buffer b(*it);
            if (b.size() != 0) return b;
        }
        return Buffer{};
    }

    /// Interprets a failed OpenSSL call (`rc` its return) on this connection.
    outcome failure(int rc) {
        const int err = SSL_get_error(ssl_.get(), rc);
        outcome o;
        if (err == SSL_ERROR_WANT_READ) {
            o.what = outcome::kind::want_read;
            return o;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
            o.what = outcome::kind::want_write;
            return o;
        }
        o.what = outcome::kind::failed;
        if (err == SSL_ERROR_ZERO_RETURN) {
            o.ec = boost::asio::error::eof;  // the peer's close_notify
        } else if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
            // The socket failed, or closed without close_notify (errno 0).
            o.ec = errno != 0 ? error_code(errno, boost::asio::error::get_system_category())
                              : error_code(boost::asio::ssl::error::stream_truncated);
        } else {
            const unsigned long e = ERR_get_error();
            o.ec = ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING
                       ? error_code(boost::asio::ssl::error::stream_truncated)
                       : error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
        }
        ERR_clear_error();
        return o;
    }

    struct handshake_call {
        outcome operator()(tls_stream& s) const {
            ERR_clear_error();
            errno = 0;
            const int rc = SSL_do_handshake(s.ssl_.get());
            return rc == 1 ? outcome{} : s.failure(rc);
        }
    };

    struct shutdown_call {
        outcome operator()(tls_stream& s) const {
            ERR_clear_error();
            errno = 0;
            const int rc = SSL_shutdown(s.ssl_.get());
            // 0: our close_notify is sent, the peer's not read — enough before a TCP teardown.
            return rc >= 0 ? outcome{} : s.failure(rc);
        }
    };

    /// One SSL_read_ex (Buffer = mutable_buffer) or SSL_write_ex (const_buffer) of `buffer`.
    template <class Buffer>
    struct transfer_call {
        Buffer buffer;
        outcome operator()(tls_stream& s) const {
            if (buffer.size() == 0) return outcome{};
            ERR_clear_error();
            errno = 0;
            std::size_t n = 0;
            int rc = 0;
            if constexpr (std::is_same_v<Buffer, boost::asio::mutable_buffer>) {
                rc = SSL_read_ex(s.ssl_.get(), buffer.data(), buffer.size(), &n);
            } else {
                rc = SSL_write_ex(s.ssl_.get(), buffer.data(), buffer.size(), &n);
            }
            if (rc == 1) return outcome{outcome::kind::done, n, {}};
            return s.failure(rc);
        }
    };
    using read_call = transfer_call<boost::asio::mutable_buffer>;
    using write_call = transfer_call<boost::asio::const_buffer>;

    /// Calls `call` until it is done or fails, waiting for the socket in between. Completes
    /// with (ec) or (ec, bytes) as WithBytes says; never inside its initiation.
    template <class Call, bool WithBytes>
    struct io_op {
        tls_stream& s;
        Call call;
        bool waited = false;
        bool posted = false;
        outcome last{};

        template <class Self>
        void operator()(Self& self, error_code wait_error = {}) {
            if (posted) return finish(self);
            if (wait_error) {
                last = outcome{outcome::kind::failed, 0, wait_error};
                return finish(self);
            }
            // A closed socket's descriptor number may already belong to another connection:
            // OpenSSL must never write to it (a write posted before the session dropped).
            last = s.tcp_.socket().is_open()
                       ? call(s)
                       : outcome{outcome::kind::failed, 0, boost::asio::error::bad_descriptor};
            using kind = typename outcome::kind;
            if (last.what == kind::want_read || last.what == kind::want_write) {
                waited = true;
                s.tcp_.socket().async_wait(last.what == kind::want_read
                                               ? boost::asio::ip::tcp::socket::wait_read
                                               : boost::asio::ip::tcp::socket::wait_write,
                                           std::move(self));
                return;
            }
            if (waited) return finish(self);
            posted = true;
            boost::asio::post(s.tcp_.get_executor(), std::move(self));
        }

        template <class Self>
        void finish(Self& self) {
            if constexpr (WithBytes) {
                self.complete(last.ec, last.bytes);
            } else {
                self.complete(last.ec);
            }
        }
    };

    struct ssl_free {
        void operator()(SSL* p) const noexcept { SSL_free(p); }
    };

    next_layer_type tcp_;
    socket_state socket_;  // before ssl_: its BIO points here until SSL_free
    std::unique_ptr<SSL, ssl_free> ssl_;
};

/// The WebSocket close's last step (found by argument-dependent lookup): close_notify, then
/// the TCP teardown Beast does for a plain stream.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, tls_stream& stream, TeardownHandler&& handler) {
    teardown_after([&stream](auto done) { stream.async_shutdown(std::move(done)); }, role,
                   stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace ctigw::gateway::detail
