// The primary endpoint's forwarder (proxy.hpp).
#include "ctigw/soak/proxy.hpp"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <cstdio>
#include <list>
#include <thread>

namespace ctigw::soak {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
/// One forwarded connection: two sockets, a buffer per direction. Lives while a read is pending.
struct pair : std::enable_shared_from_this<pair> {
    explicit pair(tcp::socket client) : a(std::move(client)), b(a.get_executor()) {}
    tcp::socket a, b;
    std::array<char, 16384> ab{}, ba{};

    void close() {
        boost::system::error_code ec;
        a.close(ec);
        b.close(ec);
    }
    void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buf) {
        from.async_read_some(asio::buffer(buf), [self = shared_from_this(), &from, &to, &buf](
                                                    boost::system::error_code ec, std::size_t n) {
            if (ec) return self->close();
            asio::async_write(to, asio::buffer(buf.data(), n),
                              [self, &from, &to, &buf](boost::system::error_code ec2, std::size_t) {
                                  if (ec2) return self->close();
                                  self->pump(from, to, buf);
                              });
        });
    }
};
}  // namespace

struct tcp_proxy::impl : std::enable_shared_from_this<impl> {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::uint16_t target = 0;
    std::atomic<bool> refusing{false};
    std::atomic<std::uint64_t> accepted{0};
    std::list<std::weak_ptr<pair>> pairs;  // io thread only
    std::thread thread;

    void accept() {
        acceptor.async_accept(
            [self = shared_from_this()](boost::system::error_code ec, tcp::socket s) {
                if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
                if (!ec) self->forward(std::move(s));
                self->accept();
            });
    }
    void forward(tcp::socket s) {
        ++accepted;
        if (refusing) {
            boost::system::error_code ec;
            s.close(ec);
            return;
        }
        auto p = std::make_shared<pair>(std::move(s));
        pairs.remove_if([](const auto& w) { return w.expired(); });
        pairs.push_back(p);
        p->b.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), target),
                           [p](boost::system::error_code ec) {
                               if (ec) return p->close();
                               p->pump(p->a, p->b, p->ab);
                               p->pump(p->b, p->a, p->ba);
                           });
    }
    void cut_all() {
        for (auto& w : pairs)
            if (auto p = w.lock()) p->close();
        pairs.clear();
    }
};

tcp_proxy::tcp_proxy() : impl_(std::make_shared<impl>()) {}
tcp_proxy::~tcp_proxy() {
    stop();
}

std::string tcp_proxy::start(std::uint16_t target_port) {
    try {
        impl_->target = target_port;
        const tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
        impl_->acceptor.open(ep.protocol());
        impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
        impl_->acceptor.bind(ep);
        impl_->acceptor.listen();
    } catch (const std::exception& e) {
        return std::string("proxy: ") + e.what();
    }
    impl_->accept();
    impl_->thread = std::thread([self = impl_] {
        for (;;) {
            try {
                self->io.run();
                return;
            } catch (const std::exception& e) {
                // A handler threw (it should not): say so, keep forwarding.
                std::fprintf(stderr, "ctigw-soak: forwarder: %s\n", e.what());
            } catch (...) {
                std::fprintf(stderr, "ctigw-soak: forwarder: unknown exception\n");
            }
        }
    });
    return {};
}

std::uint16_t tcp_proxy::port() const {
    boost::system::error_code ec;
    const auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void tcp_proxy::set_refusing(bool refusing) {
    impl_->refusing = refusing;
    if (refusing) asio::post(impl_->io, [self = impl_] { self->cut_all(); });
}

std::uint64_t tcp_proxy::accepted() const {
    return impl_->accepted;
}

void tcp_proxy::stop() {
    if (!impl_->thread.joinable()) return;
    // No io.stop(): the aborted handlers must run, or the ones holding the impl (the accept's)
    // would keep it alive in its own io_context (LeakSanitizer saw that cycle). With the
    // acceptor and every socket closed, run() returns once they have.
    asio::post(impl_->io, [self = impl_] {
        boost::system::error_code ec;
        self->acceptor.close(ec);
        self->cut_all();
    });
    impl_->thread.join();
}

}  // namespace ctigw::soak
