// ctigw-bench-gateway: events/s through ctigw-gateway's server to N sessions, and the memory
// one session costs the gateway.
//
// The gateway (server + simulator backend) runs in a child process, so that its resident memory
// is its own; this process plays N TSP sessions over TLS on loopback (one thread, coroutines).
// Every session monitors the same devices, so each backend event is encoded once and sent N
// times. A round: the child raises a burst of calls on every device within one turn of its loop
// and reports how many events the backend produced; the round ends when every session has
// received all of them. Both processes share the machine's cores: figures are a floor. The
// gateway's CPU per delivery (its scheduler run time over the rounds / events delivered) is the
// figure that does not depend on how fast this process reads.
//
// Usage: ctigw-bench-gateway [sessions=1,10,200] [devices=50] [rounds=20]
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/protocol/codec.hpp"
#include "child_process.hpp"
#include "measure.hpp"

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace ctigw;

namespace {

constexpr const char* token = "bench-token-0123456789abcdef-0123";

std::vector<std::string> stations(int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back(std::to_string(2000 + i));
    return out;
}

/// CPU time `pid`'s main thread has run (user + kernel), in seconds, from the scheduler's
/// nanosecond count (/proc/<pid>/schedstat): both processes are single-threaded, and a burst to
/// one session takes less than the 10 ms tick /proc/<pid>/stat counts in. 0 when unreadable.
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
    double ns = 0;
    in >> ns;
    return ns / 1e9;
}

// ---- the gateway, in the child -------------------------------------------------------------

/// Serves until the command pipe closes. Writes its port, answers 'h' with the bytes of heap in
/// use (glibc's mallinfo2: live allocations, not what malloc keeps), then for each 'b' read from
/// `cmd` a burst on `devices` devices, answering with the number of events the backend produced.
[[noreturn]] void run_gateway(const std::filesystem::path& certs, int devices, int cmd_fd,
                              int reply_fd) {
    net::io_context io;
    gateway::sim_backend backend(io, {});
    gateway::server_options o;
    o.tls = gateway::tls_files{certs / "server.pem", certs / "server-key.pem", {}, {}};
    o.authenticate = gateway::single_token(token);
    o.heartbeat_interval = std::chrono::seconds(60);
    o.log = [](std::string_view) {};
    gateway::server server(io, backend, o);
    if (auto err = server.start(); !err.empty()) {
        std::fprintf(stderr, "gateway: %s\n", err.c_str());
        std::_Exit(1);
    }
    const auto port = server.port();
    if (::write(reply_fd, &port, sizeof port) != sizeof port) std::_Exit(1);

    net::posix::stream_descriptor commands(io, cmd_fd);
    char command = 0;
    std::function<void()> next = [&] {
        net::async_read(commands, net::buffer(&command, 1),
                        [&](boost::system::error_code ec, std::size_t) {
                            if (ec) {  // the bench is done
                                server.stop();
                                io.stop();
                                return;
                            }
                            if (command == 'h') {  // the heap in use (live bytes)
                                const std::uint64_t live = bench::live_heap_bytes();
                                if (::write(reply_fd, &live, sizeof live) != sizeof live)
                                    std::_Exit(1);
                                return next();
                            }
                            const auto before = server.stats().events_encoded;
                            backend.with_model(
                                [&](gateway::sim::switch_model& m, gateway::sim::time_point now) {
                                    for (const auto& d : stations(devices)) {
                                        const auto id = m.external_call("+4930123456", d, now);
                                        if (id.index() != 0) continue;
                                        m.device_action(d, "answer", now);
                                        m.external_hangup(std::get<0>(id), now);
                                    }
                                });
                            const std::uint64_t produced = server.stats().events_encoded - before;
                            if (::write(reply_fd, &produced, sizeof produced) != sizeof produced)
                                std::_Exit(1);
                            next();
                        });
    };
    next();
    io.run();
    std::_Exit(0);
}

// ---- the sessions, in the parent -----------------------------------------------------------

struct session_state {
    std::uint64_t events = 0;
    bool ready = false;
    std::string failure;
};

using ws_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

/// One whole server frame at the front of `bytes` (RFC 6455 §5.2: a server's frames are not
/// masked), or nothing while it is incomplete.
struct raw_frame {
    int opcode = 0;
    std::string_view payload;
    std::size_t size = 0;  ///< header + payload
};
std::optional<raw_frame> split_frame(std::string_view bytes) {
    if (bytes.size() < 2) return std::nullopt;
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
    std::size_t header = 2;
    std::uint64_t length = byte(1) & 0x7F;
    if (length == 126) {
        header = 4;
        if (bytes.size() < header) return std::nullopt;
        length = (std::uint64_t{byte(2)} << 8) | byte(3);
    } else if (length == 127) {
        header = 10;
        if (bytes.size() < header) return std::nullopt;
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
    }
    if (bytes.size() - header < length) return std::nullopt;
    return raw_frame{byte(0) & 0x0F, bytes.substr(header, static_cast<std::size_t>(length)),
                     header + static_cast<std::size_t>(length)};
}

net::awaitable<std::string> request(ws_stream& ws, beast::flat_buffer& buf, std::string frame,
                                    std::string_view id) {
    co_await ws.async_write(net::buffer(frame), net::use_awaitable);
    for (;;) {
        buf.consume(buf.size());
        co_await ws.async_read(buf, net::use_awaitable);
        auto text = beast::buffers_to_string(buf.data());
        if (text.find("\"response\"") != std::string::npos &&
            text.find("\"id\":\"" + std::string(id) + "\"") != std::string::npos) {
            co_return text;
        }
    }
}

net::awaitable<void> run_session(ssl::context& ctx, std::uint16_t port, int devices,
                                 session_state& st) {
    try {
        auto ex = co_await net::this_coro::executor;
        ws_stream ws(ex, ctx);
        co_await beast::get_lowest_layer(ws).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::use_awaitable);
        co_await ws.next_layer().async_handshake(ssl::stream_base::client, net::use_awaitable);
        ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(beast::http::field::sec_websocket_protocol, protocol::subprotocol);
        }));
        ws.read_message_max(std::size_t{64} * 1024 * 1024);
        co_await ws.async_handshake("127.0.0.1", "/csta", net::use_awaitable);
        ws.text(true);
        beast::flat_buffer buf;
        co_await request(
            ws, buf,
            R"({"type":"request","id":"1","service":"Hello","params":{"versions":[1],"clientName":"bench"}})",
            "1");
        co_await request(
            ws, buf,
            std::string(
                R"({"type":"request","id":"2","service":"Authenticate","params":{"token":")") +
                token + "\"}}",
            "2");
        std::string list;
        for (const auto& d : stations(devices)) list += (list.empty() ? "\"" : ",\"") + d + "\"";
        const auto monitors = co_await request(
            ws, buf,
            R"({"type":"request","id":"3","service":"MonitorStartBatch","params":{"devices":[)" +
                list + "]}}",
            "3");
        if (monitors.find("\"error\"") != std::string::npos) throw std::runtime_error(monitors);
        st.ready = true;
        // From here on the session reads the TLS stream below the WebSocket and splits its
        // frames itself: a Beast read per message cost this process more than the gateway
        // spends per delivery, and both share the machine's two cores. Nothing arrives between
        // the MonitorStartBatch answer and the first round, so Beast holds no bytes back.
        std::string raw(std::size_t{64} * 1024, '\0');
        std::size_t have = 0;
        for (;;) {
            if (have == raw.size()) raw.resize(raw.size() * 2);
            have += co_await ws.next_layer().async_read_some(
                net::buffer(raw.data() + have, raw.size() - have), net::use_awaitable);
            std::size_t at = 0;
            while (auto frame = split_frame(std::string_view(raw.data() + at, have - at))) {
                if (frame->opcode == 1 && frame->payload.substr(0, 40).find("\"type\":\"event\"") !=
                                              std::string_view::npos) {
                    ++st.events;
                }
                at += frame->size;
            }
            raw.erase(0, at);
            raw.resize(std::max(raw.size(), std::size_t{64} * 1024), '\0');
            have -= at;
        }
    } catch (const std::exception& e) {
        if (st.failure.empty()) st.failure = e.what();
    }
}

struct figures {
    double events_per_second = 0;  ///< events delivered (sum over sessions) per second
    double backend_events_per_second = 0;
    double median_round_ms = 0;
    long kib_per_session = 0;
    long kib_per_session_after = 0;
    long heap_kib_per_session = 0;  ///< live heap per session (what malloc keeps free excluded)
                                    ///< ///< the same after the rounds (burst buffers still held)
    double gateway_cpu_share = 0;   ///< gateway CPU seconds per wall second over the rounds
    double gateway_us_per_delivery = 0;  ///< gateway CPU µs per event delivered to one session
    double clients_cpu_share = 0;        ///< this process's (the sessions') CPU per wall second
};

figures measure(const std::filesystem::path& certs, int sessions, int devices, int rounds) {
    const auto gw = bench::fork_child(
        [&](int commands, int replies) { run_gateway(certs, devices, commands, replies); });
    if (gw.pid < 0) throw std::runtime_error("pipe or fork failed");
    const pid_t child = gw.pid;
    std::uint16_t port = 0;
    if (::read(gw.replies, &port, sizeof port) != sizeof port) throw std::runtime_error("no port");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const long rss_idle = bench::rss_kib(child);
    const auto heap_in_use = [&] {
        std::uint64_t live = 0;
        if (::write(gw.commands, "h", 1) != 1 ||
            ::read(gw.replies, &live, sizeof live) != sizeof live)
            throw std::runtime_error("heap");
        return static_cast<long>(live / 1024);
    };
    const long heap_idle = heap_in_use();

    net::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file((certs / "ca.pem").string());
    std::vector<session_state> states(static_cast<std::size_t>(sessions));
    for (auto& st : states) net::co_spawn(io, run_session(ctx, port, devices, st), net::detached);
    auto run_until = [&](auto pred) {
        // A lost frame would leave a round waiting forever: it fails the run instead.
        const auto deadline = steady::now() + std::chrono::seconds(60);
        while (!pred()) {
            if (steady::now() > deadline) throw std::runtime_error("a round did not complete");
            // One handler at a time: run_for() would only return after the whole 5 ms and
            // round every burst up to it.
            io.run_one_for(std::chrono::milliseconds(5));
            for (const auto& st : states) {
                if (!st.failure.empty()) throw std::runtime_error("session: " + st.failure);
            }
        }
    };
    run_until([&] {
        for (const auto& st : states) {
            if (!st.ready) return false;
        }
        return true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const long rss_sessions = bench::rss_kib(child);
    const long heap_sessions = heap_in_use();

    std::vector<double> round_ms;
    std::uint64_t delivered = 0, produced_total = 0;
    double seconds = 0;
    std::uint64_t expected = 0;
    const double gateway_cpu_before = cpu_seconds(child);
    const double clients_cpu_before = cpu_seconds(::getpid());
    for (int r = 0; r < rounds; ++r) {
        const auto start = steady::now();
        if (::write(gw.commands, "b", 1) != 1) throw std::runtime_error("command");
        std::uint64_t produced = 0;
        if (::read(gw.replies, &produced, sizeof produced) != sizeof produced)
            throw std::runtime_error("reply");
        expected += produced;
        run_until([&] {
            for (const auto& st : states) {
                if (st.events < expected) return false;
            }
            return true;
        });
        const std::chrono::duration<double> took = steady::now() - start;
        round_ms.push_back(took.count() * 1000);
        seconds += took.count();
        produced_total += produced;
        delivered += produced * static_cast<std::uint64_t>(sessions);
    }
    const double gateway_cpu = cpu_seconds(child) - gateway_cpu_before;
    const double clients_cpu = cpu_seconds(::getpid()) - clients_cpu_before;
    const long rss_after = bench::rss_kib(child);
    ::close(gw.commands);
    ::close(gw.replies);
    io.stop();
    ::waitpid(child, nullptr, 0);

    std::sort(round_ms.begin(), round_ms.end());
    figures f;
    f.events_per_second = static_cast<double>(delivered) / seconds;
    f.backend_events_per_second = static_cast<double>(produced_total) / seconds;
    f.median_round_ms = round_ms[round_ms.size() / 2];
    f.kib_per_session = (rss_sessions - rss_idle) / sessions;
    f.kib_per_session_after = (rss_after - rss_idle) / sessions;
    f.heap_kib_per_session = (heap_sessions - heap_idle) / sessions;
    f.gateway_cpu_share = gateway_cpu / seconds;
    f.gateway_us_per_delivery = gateway_cpu * 1e6 / static_cast<double>(delivered);
    f.clients_cpu_share = clients_cpu / seconds;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> counts{1, 10, 200};
    if (argc > 1) {
        counts.clear();
        std::stringstream ss(argv[1]);
        for (std::string item; std::getline(ss, item, ',');) counts.push_back(std::stoi(item));
    }
    const int devices = argc > 2 ? std::atoi(argv[2]) : 50;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 20;
    const auto certs = std::filesystem::temp_directory_path() /
                       ("ctigw-bench-gateway-" + std::to_string(::getpid()));
    if (auto err = pbxsim::write_demo_certificates(certs, {"127.0.0.1", "localhost"});
        !err.empty()) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
    }
    std::printf("%9s %8s %16s %18s %11s %12s %8s %8s %12s %13s %12s\n", "sessions", "devices",
                "events/s (sent)", "backend events/s", "round (ms)", "KiB/session", "(heap)",
                "(after)", "gateway CPU", "gw us/event", "clients CPU");
    int rc = 0;
    for (const int n : counts) {
        try {
            const auto f = measure(certs, n, devices, rounds);
            std::printf("%9d %8d %16.0f %18.0f %11.2f %12ld %8ld %8ld %11.0f%% %13.2f %11.0f%%\n",
                        n, devices, f.events_per_second, f.backend_events_per_second,
                        f.median_round_ms, f.kib_per_session, f.heap_kib_per_session,
                        f.kib_per_session_after, f.gateway_cpu_share * 100,
                        f.gateway_us_per_delivery, f.clients_cpu_share * 100);
            std::fflush(stdout);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%d sessions: %s\n", n, e.what());
            rc = 1;
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(certs, ec);
    return rc;
}
