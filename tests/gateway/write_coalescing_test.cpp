// The gateway's write-coalescing layer (gateway/src/write_coalescing.hpp) over a TCP pair on
// loopback: frames one handler appends leave in one write, appends and stream writes keep their
// order, a write waits when too much is pending, a failed write fails what follows, the
// WebSocket close frame follows the pending frames, a write keeps its owner alive. Everything
// runs on this thread's io_context; the peer is a plain socket read here.
#include "write_coalescing.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server_harness.hpp"

namespace ctigw::gateway::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using layer = write_coalescing_stream<beast::tcp_stream>;

/// Frames parsed from what the peer read: (opcode, payload).
std::vector<std::pair<int, std::string>> frames_in(std::string_view bytes) {
    std::vector<std::pair<int, std::string>> out;
    while (bytes.size() >= 2) {
        const auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
        EXPECT_EQ(at(1) & 0x80, 0) << "a server frame is not masked";
        std::size_t header = 2;
        std::uint64_t length = at(1) & 0x7F;
        if (length == 126) {
            header = 4;
            length = (std::uint64_t{at(2)} << 8) | at(3);
        } else if (length == 127) {
            header = 10;
            length = 0;
            for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | at(i);
        }
        if (bytes.size() < header + length) break;
        EXPECT_EQ(at(0) & 0x80, 0x80) << "FIN set";
        out.emplace_back(at(0) & 0x0F, std::string(bytes.substr(header, length)));
        bytes.remove_prefix(header + static_cast<std::size_t>(length));
    }
    return out;
}

struct WriteCoalescing : ::testing::Test {
    net::io_context io;
    std::optional<layer> server;
    tcp::socket client{io};

    void SetUp() override {
        tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        client.connect(acceptor.local_endpoint());
        server.emplace(acceptor.accept());
    }

    /// Runs the io_context until `done` holds or 10 s pass (a regression fails, never hangs).
    template <class Pred>
    bool run_until(Pred done) {
        return testing::run_until(io, done);
    }

    /// Reads from the client socket until `bytes` have arrived.
    std::string read_client(std::size_t bytes) {
        std::string got;
        std::vector<char> buf(1 << 20);
        client.non_blocking(true);
        EXPECT_TRUE(run_until([&] {
            boost::system::error_code ec;
            while (got.size() < bytes && !ec) {
                const auto n = client.read_some(net::buffer(buf), ec);
                if (!ec) got.append(buf.data(), n);
            }
            return got.size() >= bytes;
        })) << "got "
            << got.size() << " of " << bytes << " bytes";
        return got;
    }
};

TEST(WriteCoalescingFrame, TheHeaderTakesTheLengthFormTheSizeNeeds) {
    for (const std::size_t size : {0UL, 125UL, 126UL, 65535UL, 65536UL, 100000UL}) {
        std::string out;
        append_text_frame(out, std::string(size, 'x'));
        const std::size_t header = size < 126 ? 2 : size <= 65535 ? 4 : 10;
        ASSERT_EQ(out.size(), header + size) << size;
        EXPECT_EQ(static_cast<std::uint8_t>(out[0]), 0x81);
        const auto frames = frames_in(out);
        ASSERT_EQ(frames.size(), 1U) << size;
        EXPECT_EQ(frames[0].first, 1);
        EXPECT_EQ(frames[0].second.size(), size);
    }
}

TEST_F(WriteCoalescing, EverythingOneHandlerAppendsLeavesInOneWrite) {
    std::size_t expected = 0;
    net::post(io, [&] {
        for (int i = 0; i < 500; ++i) {
            const std::string text = R"({"type":"event","seq":)" + std::to_string(i) + "}";
            server->append_text(text);
            expected += 2 + text.size();
        }
        EXPECT_EQ(server->writes_below(), 0U) << "the write starts after this handler";
    });
    const auto bytes = read_client(1);  // runs the post
    const auto all = bytes + read_client(expected - bytes.size());
    const auto frames = frames_in(all);
    ASSERT_EQ(frames.size(), 500U);
    for (int i = 0; i < 500; ++i) {
        EXPECT_EQ(frames[static_cast<std::size_t>(i)].second,
                  R"({"type":"event","seq":)" + std::to_string(i) + "}");
    }
    EXPECT_EQ(server->writes_below(), 1U);
    EXPECT_TRUE(run_until([&] { return server->buffered_bytes() == 0; }));
    EXPECT_GE(server->reserved_bytes(), expected) << "kept for the next burst";
    server->trim();
    EXPECT_LE(server->reserved_bytes(), 2 * layer::kept_capacity) << "an idle layer's share";
}

TEST_F(WriteCoalescing, TrimKeepsTheBuffersOfAWriteInFlight) {
    server->append_text(std::string(100000, 'x'));
    server->trim();
    EXPECT_GE(server->reserved_bytes(), 100000U);
    read_client(100010);
    EXPECT_TRUE(run_until([&] { return server->buffered_bytes() == 0; }));
    server->trim();
    EXPECT_LE(server->reserved_bytes(), 2 * layer::kept_capacity);
}

TEST_F(WriteCoalescing, StreamWritesAndAppendedFramesKeepTheOrderTheyWereTaken) {
    int completed = 0;
    net::async_write(*server, net::buffer(std::string_view("<first>")),
                     [&](boost::system::error_code ec, std::size_t n) {
                         EXPECT_FALSE(ec);
                         EXPECT_EQ(n, 7U);
                         ++completed;
                     });
    server->append_text("middle");
    net::async_write(*server, net::buffer(std::string_view("<last>")),
                     [&](boost::system::error_code ec, std::size_t) {
                         EXPECT_FALSE(ec);
                         ++completed;
                     });
    EXPECT_EQ(completed, 0) << "no completion inside the initiation";
    const auto bytes = read_client(7 + 8 + 6);
    EXPECT_EQ(bytes.substr(0, 7), "<first>");
    EXPECT_EQ(bytes.substr(7, 8), std::string("\x81\x06middle", 8));
    EXPECT_EQ(bytes.substr(15), "<last>");
    EXPECT_TRUE(run_until([&] { return completed == 2; }));
}

TEST_F(WriteCoalescing, AWriteWaitsForTheWriteInFlightWhenTooMuchIsPending) {
    // The peer reads nothing yet: a write larger than the socket buffers stays in flight.
    const std::string big(16 << 20, 'b');
    server->append_text(big);
    ASSERT_TRUE(run_until([&] { return server->writes_below() == 1; }));
    io.poll();
    server->append_text("after");  // pending, behind the write in flight
    bool written = false;
    const std::string chunk(layer::pending_limit, 'c');
    net::async_write(*server, net::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(n, chunk.size());
        written = true;
    });
    for (int i = 0; i < 20; ++i) io.poll();
    EXPECT_FALSE(written) << "the write waits while the peer does not read";
    const std::size_t total = 10 + big.size() + 7 + chunk.size();
    const auto bytes = read_client(total);
    ASSERT_EQ(bytes.size(), total);
    EXPECT_TRUE(run_until([&] { return written; }));
    EXPECT_EQ(bytes.substr(10 + big.size(), 7), std::string("\x81\x05"
                                                            "after",
                                                            7));
    EXPECT_EQ(bytes.substr(10 + big.size() + 7), chunk);
}

TEST_F(WriteCoalescing, AFailedWriteFailsEveryLaterWriteAndDropsWhatIsPending) {
    std::vector<boost::system::error_code> reported;
    server->on_write_error([&](boost::system::error_code ec) { reported.push_back(ec); });
    client.set_option(net::socket_base::linger(true, 0));
    client.close();  // reset: the server's writes fail
    boost::system::error_code flushed;
    for (int i = 0; i < 100 && !flushed; ++i) {
        server->append_text(std::string(1024, 'x'));
        bool done = false;
        server->async_flush([&](boost::system::error_code ec) {
            flushed = ec;
            done = true;
        });
        ASSERT_TRUE(run_until([&] { return done; }));
    }
    ASSERT_TRUE(flushed) << "writes to a reset connection fail";
    server->append_text("dropped");
    EXPECT_EQ(server->buffered_bytes(), 0U);
    boost::system::error_code later;
    bool done = false;
    server->async_write_some(net::buffer(std::string_view("x")),
                             [&](boost::system::error_code ec, std::size_t n) {
                                 later = ec;
                                 EXPECT_EQ(n, 0U);
                                 done = true;
                             });
    ASSERT_TRUE(run_until([&] { return done; }));
    EXPECT_EQ(later, flushed);
    ASSERT_EQ(reported.size(), 1U) << "the owner hears of the failure once";
    EXPECT_EQ(reported[0], flushed);
}

TEST_F(WriteCoalescing, APendingWriteKeepsItsOwnerAlive) {
    struct owner {
        layer stream;
        explicit owner(tcp::socket s) : stream(std::move(s)) {}
    };
    auto o = std::make_shared<owner>(std::move(server->next_layer().socket()));
    server.reset();
    o->stream.set_owner(o);
    o->stream.append_text("kept");
    std::weak_ptr<owner> watch = o;
    o.reset();
    EXPECT_FALSE(watch.expired()) << "the posted write holds the owner";
    const auto bytes = read_client(6);
    EXPECT_EQ(bytes, std::string("\x81\x04kept", 6));
    EXPECT_TRUE(run_until([&] { return watch.expired(); }));
}

TEST(WriteCoalescingWebSocket, TheCloseFrameFollowsTheFramesAppendedBeforeIt) {
    net::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    websocket::stream<beast::tcp_stream> client(io);
    websocket::stream<layer> server(io);
    bool accepted = false;
    acceptor.async_accept(beast::get_lowest_layer(server).socket(),
                          [&](boost::system::error_code ec) {
                              ASSERT_FALSE(ec);
                              server.async_accept([&](boost::system::error_code e) {
                                  ASSERT_FALSE(e);
                                  accepted = true;
                              });
                          });
    bool handshaken = false;
    beast::get_lowest_layer(client).async_connect(
        acceptor.local_endpoint(), [&](boost::system::error_code ec) {
            ASSERT_FALSE(ec);
            client.async_handshake("127.0.0.1", "/", [&](boost::system::error_code e) {
                ASSERT_FALSE(e);
                handshaken = true;
            });
        });
    while (!accepted || !handshaken) io.run_one();

    for (int i = 0; i < 100; ++i) server.next_layer().append_text("frame " + std::to_string(i));
    bool closed = false;
    server.async_close(websocket::close_code::going_away, [&](boost::system::error_code ec) {
        EXPECT_FALSE(ec);
        closed = true;
    });
    std::vector<std::string> got;
    boost::system::error_code read_error;
    beast::flat_buffer buf;
    std::function<void()> read_next = [&] {
        client.async_read(buf, [&](boost::system::error_code ec, std::size_t) {
            if (ec) {
                read_error = ec;
                return;
            }
            got.push_back(beast::buffers_to_string(buf.data()));
            buf.consume(buf.size());
            read_next();
        });
    };
    read_next();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((!closed || !read_error) && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(5));
        io.restart();
    }
    ASSERT_EQ(got.size(), 100U);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(got[static_cast<std::size_t>(i)], "frame " + std::to_string(i));
    EXPECT_EQ(read_error, websocket::error::closed);
    EXPECT_EQ(client.reason().code, websocket::close_code::going_away);
    EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace ctigw::gateway::detail
