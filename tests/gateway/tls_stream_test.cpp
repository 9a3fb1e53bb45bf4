// The gateway's server-side TLS stream (gateway/src/tls_stream.hpp) against Asio's TLS client
// over loopback: a megabyte each way (partial writes, waits for the socket), the peer's
// close_notify (eof) and a close without it (stream_truncated), a client that does not speak
// TLS, and writes to a reset connection (an error, not SIGPIPE). One io_context on this thread.
#include "tls_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "server_harness.hpp"

namespace ctigw::gateway::detail {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct TlsStream : ::testing::Test {
    net::io_context io;
    ssl::context server_ctx{ssl::context::tls_server};
    ssl::context client_ctx{ssl::context::tls_client};
    std::optional<tls_stream> server;
    std::optional<ssl::stream<tcp::socket>> client;

    void SetUp() override {
        const auto& dir = testing::cert_dir();
        server_ctx.use_certificate_chain_file((dir / "server.pem").string());
        server_ctx.use_private_key_file((dir / "server-key.pem").string(), ssl::context::pem);
        client_ctx.load_verify_file((dir / "ca.pem").string());
        client_ctx.set_verify_mode(ssl::verify_peer);
        tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        client.emplace(io, client_ctx);
        client->next_layer().connect(acceptor.local_endpoint());
        server.emplace(acceptor.accept(), server_ctx);
    }

    template <class Pred>
    bool run_until(Pred done) {
        return testing::run_until(io, done);
    }

    void handshake() {
        std::optional<error_code> s, c;
        server->async_handshake([&](error_code ec) { s = ec; });
        client->async_handshake(ssl::stream_base::client, [&](error_code ec) { c = ec; });
        ASSERT_TRUE(run_until([&] { return s && c; }));
        ASSERT_FALSE(*s) << s->message();
        ASSERT_FALSE(*c) << c->message();
    }

    /// Reads on the server until an error; returns what was read and the error.
    std::pair<std::string, error_code> server_read_all(std::size_t at_most) {
        std::string got;
        std::optional<error_code> end;
        std::array<char, 4096> buf{};
        std::function<void()> next = [&] {
            server->async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
                got.append(buf.data(), n);
                if (ec) {
                    end = ec;
                } else if (got.size() < at_most) {
                    next();
                }
            });
        };
        next();
        EXPECT_TRUE(run_until([&] { return end || got.size() >= at_most; }));
        return {got, end.value_or(error_code{})};
    }
};

TEST_F(TlsStream, AMegabyteEachWayArrivesWhole) {
    handshake();
    std::string up(1 << 20, '\0'), down(1 << 20, '\0');
    for (std::size_t i = 0; i < up.size(); ++i) {
        up[i] = static_cast<char>(i * 7);
        down[i] = static_cast<char>(i * 13);
    }
    bool client_wrote = false, server_wrote = false;
    net::async_write(*client, net::buffer(up), [&](error_code ec, std::size_t n) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(n, up.size());
        client_wrote = true;
    });
    net::async_write(*server, net::buffer(down), [&](error_code ec, std::size_t n) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(n, down.size());
        server_wrote = true;
    });
    std::string got_down(down.size(), '\0');
    bool client_read = false;
    net::async_read(*client, net::buffer(got_down), [&](error_code ec, std::size_t) {
        EXPECT_FALSE(ec);
        client_read = true;
    });
    const auto [got_up, ec] = server_read_all(up.size());
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(got_up == up);
    ASSERT_TRUE(run_until([&] { return client_wrote && server_wrote && client_read; }));
    EXPECT_TRUE(got_down == down);
}

TEST_F(TlsStream, ThePeersCloseNotifyIsTheEndOfTheStream) {
    handshake();
    bool sent = false;
    net::async_write(*client, net::buffer(std::string_view("last words")),
                     [&](error_code, std::size_t) {
                         client->async_shutdown([&](error_code) {});
                         sent = true;
                     });
    const auto [got, ec] = server_read_all(1 << 20);
    EXPECT_EQ(got, "last words");
    EXPECT_EQ(ec, net::error::eof) << ec.message();
    EXPECT_TRUE(sent);
}

TEST_F(TlsStream, AConnectionClosedWithoutCloseNotifyIsTruncated) {
    handshake();
    // A FIN without close_notify (a close() could be a reset: the client has not read the
    // session tickets the server sent after the handshake).
    client->next_layer().shutdown(tcp::socket::shutdown_send);
    const auto [got, ec] = server_read_all(1 << 20);
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(ec, ssl::error::stream_truncated) << ec.message();
}

TEST_F(TlsStream, AClientThatDoesNotSpeakTlsFailsTheHandshake) {
    net::write(client->next_layer(),
               net::buffer(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::optional<error_code> s;
    server->async_handshake([&](error_code ec) { s = ec; });
    ASSERT_TRUE(run_until([&] { return s.has_value(); }));
    EXPECT_TRUE(*s);
    EXPECT_EQ(s->category(), net::error::get_ssl_category()) << s->message();
}

TEST_F(TlsStream, WritingToAResetConnectionIsAnErrorNotASignal) {
    handshake();
    client->next_layer().set_option(net::socket_base::linger(true, 0));
    client->next_layer().close();
    const std::string chunk(64 * 1024, 'x');
    error_code failed;
    for (int i = 0; i < 100 && !failed; ++i) {
        bool done = false;
        net::async_write(*server, net::buffer(chunk), [&](error_code ec, std::size_t) {
            failed = ec;
            done = true;
        });
        ASSERT_TRUE(run_until([&] { return done; }));
    }
    EXPECT_TRUE(failed) << "still alive: no SIGPIPE, and the write reports the reset";
}

TEST_F(TlsStream, NothingIsWrittenOnceTheSocketIsClosed) {
    handshake();
    server->next_layer().socket().close();
    // The lowest free descriptor is the one just closed: a socket pair takes it, as another
    // connection would in the gateway.
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    std::optional<error_code> wrote;
    server->async_write_some(net::buffer(std::string_view("stray")),
                             [&](error_code ec, std::size_t) { wrote = ec; });
    ASSERT_TRUE(run_until([&] { return wrote.has_value(); }));
    EXPECT_EQ(*wrote, net::error::bad_descriptor);
    char buf[64];
    EXPECT_EQ(::read(pair[1], buf, sizeof buf), -1) << "bytes reached the reused descriptor";
    ::close(pair[0]);
    ::close(pair[1]);
}

/// Connects to a gateway started with a short handshake deadline and does nothing more, or a
/// TLS handshake; the gateway must drop the connection at the deadline. `plain`: a ws://
/// listener (whose session has no TLS handshake: the same deadline covers its upgrade).
void expect_dropped_at_the_deadline(bool tls_handshake_first, bool plain = false) {
    server_options o;
    o.handshake_timeout = std::chrono::milliseconds(200);
    if (plain) o.listeners = {listener_options{"127.0.0.1", 0, "/csta", false}};
    testing::running_gateway gw({}, o);
    net::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file((testing::cert_dir() / "ca.pem").string());
    ssl::stream<tcp::socket> c(io, ctx);
    c.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gw.port()));
    if (tls_handshake_first) c.handshake(ssl::stream_base::client);
    // The read ends (eof, truncated or reset) when the gateway drops the connection. A
    // regression would leave it waiting: poll() bounds that at 5 s (a receive timeout would not:
    // Asio's blocking read polls again after EAGAIN, so the test hung instead of failing).
    const auto start = std::chrono::steady_clock::now();
    char byte = 0;
    error_code ec;
    pollfd readable{c.next_layer().native_handle(), POLLIN, 0};
    if (::poll(&readable, 1, 5000) <= 0) {
        ec = net::error::would_block;
    } else if (tls_handshake_first) {
        c.read_some(net::buffer(&byte, 1), ec);
    } else {
        c.next_layer().read_some(net::buffer(&byte, 1), ec);
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ec);
    EXPECT_NE(ec, net::error::would_block) << "not dropped within 5 s";
    EXPECT_LT(waited, std::chrono::seconds(4));
    EXPECT_TRUE(gw.logged("no WebSocket upgrade within 200 ms, dropping the connection"));
}

TEST(GatewayHandshakeDeadline, AConnectionThatNeverStartsTlsIsDropped) {
    expect_dropped_at_the_deadline(false);
}

TEST(GatewayHandshakeDeadline, AConnectionThatNeverAsksForTheUpgradeIsDropped) {
    expect_dropped_at_the_deadline(true);
}

TEST(GatewayHandshakeDeadline, APlainConnectionThatNeverAsksForTheUpgradeIsDropped) {
    expect_dropped_at_the_deadline(false, true);
}

}  // namespace
}  // namespace ctigw::gateway::detail
