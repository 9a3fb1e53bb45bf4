#include "link_io.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

#include <openssl/ssl.h>

#include <exception>
#include <optional>
#include <thread>
#include <utility>

#include "connection_factory.hpp"
#include "endpoint.hpp"
#include "tls_context.hpp"

namespace ctigw::pbx_link::detail {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

struct link_io::impl {
    impl(const link_settings& s, log_sink l, burst_hook b)
        : settings(s),
          log(std::move(l)),
          on_burst(std::move(b)),
          ex(io.get_executor()),
          tls(settings.tls, log),
          probe_socket(ex),
          probe_resolver(ex),
          probe_timer(ex) {}

    /// Runs `f`; what it throws is logged, never passed to Asio.
    template <class F>
    bool guarded(const char* what, F&& f) noexcept {
        try {
            f();
            return true;
        } catch (const std::exception& e) {
            log_error(what, e.what());
        } catch (...) {
            log_error(what, "a non-standard exception");
        }
        return false;
    }

    void log_error(const char* what, const char* error) noexcept {
        try {
            if (log) log(log_level::error, std::string("pbx-link: ") + what + " threw: " + error);
        } catch (...) {  // out of memory: nothing more to do
        }
    }

    /// Waits for one handler and runs it, then what is ready, up to kBurst, inside the burst
    /// hook. 0: the io_context has run out of work (released) or was stopped.
    std::size_t run_burst() {
        struct burst {
            const burst_hook& hook;
            explicit burst(const burst_hook& h) : hook(h) {
                if (hook) hook(true);
            }
            ~burst() {
                if (hook) hook(false);
            }
            burst(const burst&) = delete;
            burst& operator=(const burst&) = delete;
        } scope(on_burst);
        std::size_t ran = io.run_one();
        if (ran == 0) return 0;
        while (ran < kBurst && io.poll_one() != 0) ++ran;
        return ran;
    }

    void start_probe(endpoint primary, milliseconds timeout);
    void probe_tls(const endpoint& primary);
    /// Closes what the probe has open: its pending operation completes with an error.
    void cut_probe() {
        error_code ignored;
        probe_resolver.cancel();
        probe_socket.close(ignored);
        if (auto p = probe_stream.lock()) p->lowest_layer().close(ignored);
    }
    void finish_probe(bool reachable) {
        probe_timer.cancel();
        auto done = std::exchange(probe_done, {});
        if (done) guarded("the probe's completion", [&] { done(reachable); });
    }
    /// A probe step: a failure ends the probe (unreachable).
    template <class F>
    void probe_step(F&& f) noexcept {
        if (guarded("the probe of the primary", std::forward<F>(f))) return;
        guarded("the probe of the primary", [&] {
            cut_probe();
            finish_probe(false);
        });
    }

    const link_settings& settings;
    log_sink log;
    burst_hook on_burst;
    net::io_context io{1};  ///< concurrency hint 1: only the I/O thread runs it
    io_executor_t ex;       ///< one thread runs io: its handlers never overlap, no strand needed
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::thread thread;
    tls_context_factory tls;

    tcp::socket probe_socket;
    tcp::resolver probe_resolver;
    std::weak_ptr<ssl::stream<tcp::socket>> probe_stream;  ///< the TLS probe while it runs
    net::steady_timer probe_timer;                         ///< bounds a probe (its timeout)
    std::function<void(bool)> probe_done;
    bool probe_cancelled = false;
};

link_io::link_io(const link_settings& settings, log_sink log, burst_hook on_burst)
    : impl_(std::make_unique<impl>(settings, std::move(log), std::move(on_burst))) {}

link_io::~link_io() = default;

void link_io::start_thread() {
    auto& p = *impl_;
    p.io.restart();
    p.work.emplace(p.io.get_executor());
    p.thread = std::thread([&p] {
        for (;;) {
            try {
                while (p.run_burst() != 0) {
                }
                return;
            } catch (const std::exception& e) {  // handlers catch their own; belt and braces
                p.log_error("the I/O thread", e.what());
            } catch (...) {
                p.log_error("the I/O thread", "a non-standard exception");
            }
        }
    });
}

void link_io::release() {
    impl_->work.reset();
}

void link_io::join() {
    if (impl_->thread.joinable()) impl_->thread.join();
}

void link_io::post(task fn) {
    net::post(impl_->ex, [p = impl_.get(), fn = std::move(fn)] {
        p->guarded("a task on the I/O thread", fn);
    });
}

std::shared_ptr<connection_base> link_io::connect(connection_owner& owner, const endpoint& ep,
                                                  std::string& error) {
    auto& p = *impl_;
    std::shared_ptr<ssl::context> ctx;
    if (ep.secure) {
        error = p.tls.make(ctx);
        if (!error.empty()) return nullptr;
    }
    return make_connection(p.ex, owner, p.settings, ep, std::move(ctx), p.log);
}

// ---- the probe of the primary ----

void link_io::probe(const endpoint& primary, milliseconds timeout, std::function<void(bool)> done) {
    impl_->probe_done = std::move(done);
    impl_->start_probe(primary, timeout);
}

void link_io::cancel_probe() {
    impl_->probe_cancelled = true;
    impl_->probe_timer.cancel();
    impl_->cut_probe();
}

void link_io::impl::start_probe(endpoint primary, milliseconds timeout) {
    probe_cancelled = false;
    // A primary that takes the connection and then says nothing must not hold the probe.
    probe_timer.expires_after(timeout);
    probe_timer.async_wait([this](error_code ec) {
        if (!ec) guarded("the probe's timer", [&] { cut_probe(); });
    });
    const auto port = std::to_string(primary.port);
    probe_resolver.async_resolve(
        primary.host, port,
        [this, primary](error_code ec, const tcp::resolver::results_type& results) {
            probe_step([&] {
                if (ec || probe_cancelled) return finish_probe(false);
                net::async_connect(probe_socket, results,
                                   [this, primary](error_code ec2, const tcp::endpoint&) {
                                       probe_step([&] {
                                           if (ec2 || probe_cancelled || !primary.secure) {
                                               error_code ignored;
                                               probe_socket.close(ignored);
                                               return finish_probe(!ec2);
                                           }
                                           probe_tls(primary);
                                       });
                                   });
            });
        });
}

void link_io::impl::probe_tls(const endpoint& primary) {
    std::shared_ptr<ssl::context> ctx;
    if (!tls.make(ctx).empty()) {
        error_code ignored;
        probe_socket.close(ignored);
        return finish_probe(false);
    }
    auto host = std::make_shared<std::string>(
        settings.tls.server_name.empty() ? primary.host : settings.tls.server_name);
    // The stream owns the socket now (probe_socket is as new again) and ends with the probe.
    auto stream = std::make_shared<ssl::stream<tcp::socket>>(std::move(probe_socket), *ctx);
    probe_stream = stream;
    auto refusal = std::make_shared<std::string>();
    if (!prepare_client_stream(*stream, settings.tls, *host, *refusal).empty()) {
        error_code ignored;
        stream->lowest_layer().close(ignored);
        probe_stream.reset();
        return finish_probe(false);
    }
    // host and refusal live as long as the handshake: the verify callback reads them.
    stream->async_handshake(
        ssl::stream_base::client, [this, stream, ctx, host, refusal](error_code hec) {
            probe_step([&] {
                const auto& pin = settings.tls.pinned_sha256;
                const bool ok =
                    !hec && (pin.empty() || check_pin(stream->native_handle(), pin).empty());
                error_code ignored;
                stream->lowest_layer().close(ignored);
                probe_stream.reset();
                finish_probe(ok && !probe_cancelled);
            });
        });
}

// ---- timers ----

struct link_timer::impl {
    impl(io_executor_t& ex, link_io::impl& owner) : timer(ex), io(owner) {}
    net::steady_timer timer;
    link_io::impl& io;
};

link_timer::link_timer(link_io& io) : impl_(std::make_unique<impl>(io.impl_->ex, *io.impl_)) {}

link_timer::~link_timer() = default;

void link_timer::expires_after(milliseconds d) {
    impl_->timer.expires_after(d);
}

void link_timer::expires_at(time_point t) {
    impl_->timer.expires_at(t);
}

void link_timer::wait(link_io::task on_expiry) {
    impl_->timer.async_wait([io = &impl_->io, f = std::move(on_expiry)](error_code ec) {
        if (!ec) io->guarded("a timer's task", f);
    });
}

void link_timer::cancel() {
    impl_->timer.cancel();
}

}  // namespace ctigw::pbx_link::detail
