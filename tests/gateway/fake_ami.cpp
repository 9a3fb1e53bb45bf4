// The fake AMI server (fake_ami.hpp). One io thread; the state tests read is under mutex_.
#include "fake_ami.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <array>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "asterisk/ami_parser.hpp"

namespace ctigw::gateway::ami::testing {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
}

}  // namespace

std::string to_wire(const std::vector<message>& messages) {
    std::string out;
    for (const auto& m : messages) {
        auto e = encode_message(m);
        if (!e.ok()) throw std::invalid_argument("to_wire: " + e.error);
        out += e.wire;
    }
    return out;
}

message reply(const message& action,
              std::initializer_list<std::pair<std::string_view, std::string_view>> headers) {
    message m;
    bool first = true;
    for (const auto& [name, value] : headers) {
        m.add(std::string(name), std::string(value));
        if (first && action.has("ActionID")) m.add("ActionID", std::string(action.action_id()));
        first = false;
    }
    return m;
}

/// One client connection.
struct connection : std::enable_shared_from_this<connection> {
    explicit connection(tcp::socket s) : plain(std::make_unique<tcp::socket>(std::move(s))) {}
    connection(tcp::socket s, ssl::context& ctx)
        : tls(std::make_unique<ssl::stream<tcp::socket>>(std::move(s), ctx)) {}

    tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

    std::unique_ptr<tcp::socket> plain;  // one of the two
    std::unique_ptr<ssl::stream<tcp::socket>> tls;
    parser in{parser_limits{}, false};
    std::array<char, 4096> buffer{};
    std::deque<std::string> out;
    bool closed = false;
};

struct fake_ami::impl : std::enable_shared_from_this<impl> {
    explicit impl(fake_ami_options o) : options(std::move(o)), acceptor(io) {
        if (!options.cert_file.empty()) {
            tls.emplace(ssl::context::tls_server);
            tls->use_certificate_chain_file(options.cert_file);
            tls->use_private_key_file(options.key_file, ssl::context::pem);
        }
        const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
        acceptor.open(ep.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen();
        port = acceptor.local_endpoint().port();
    }

    void run() {
        accept();
        thread = std::thread([this] { io.run(); });
    }

    void accept() {
        acceptor.async_accept([self = shared_from_this()](error_code ec, tcp::socket s) {
            if (ec) return;
            auto c = self->tls ? std::make_shared<connection>(std::move(s), *self->tls)
                               : std::make_shared<connection>(std::move(s));
            self->conns.push_back(c);
            {
                std::lock_guard lock(self->mutex);
                ++self->accepted;
            }
            self->changed.notify_all();
            if (c->tls) {
                c->tls->async_handshake(ssl::stream_base::server, [self, c](error_code ec2) {
                    if (ec2) return self->close(c);
                    self->greet(c);
                });
            } else {
                self->greet(c);
            }
            self->accept();
        });
    }

    void greet(const std::shared_ptr<connection>& c) {
        if (!is_silent()) send(c, options.banner + "\r\n");
        read(c);
    }

    void read(const std::shared_ptr<connection>& c) {
        auto handler = [self = shared_from_this(), c](error_code ec, std::size_t n) {
            if (ec || c->closed) return self->close(c);
            std::vector<message> actions;
            const bool ok = c->in.feed(std::string_view(c->buffer.data(), n), actions);
            for (const auto& a : actions) self->on_action(c, a);
            if (!ok) return self->close(c);
            self->read(c);
        };
        if (c->tls) {
            c->tls->async_read_some(net::buffer(c->buffer), std::move(handler));
        } else {
            c->plain->async_read_some(net::buffer(c->buffer), std::move(handler));
        }
    }

    void on_action(const std::shared_ptr<connection>& c, const message& a) {
        action_handler h;
        login_mode mode;
        bool quiet;
        {
            std::lock_guard lock(mutex);
            received.push_back(a);
            auto it = handlers.find(lower(a.get("Action")));
            if (it != handlers.end()) h = it->second;
            mode = options.login;
            quiet = silent;
        }
        changed.notify_all();
        if (quiet) return;
        std::vector<message> answer;
        if (h) {
            answer = h(a);
        } else if (same_name(a.get("Action"), "Login")) {
            const bool good =
                a.get("Username") == options.username && a.get("Secret") == options.secret;
            if (mode == login_mode::ignore) return;
            if (mode == login_mode::accept && good) {
                answer = {
                    reply(a, {{"Response", "Success"}, {"Message", "Authentication accepted"}}),
                    message{{"Event", "FullyBooted"},
                            {"Privilege", "system,all"},
                            {"Uptime", "12"},
                            {"LastReload", "12"},
                            {"Status", "Fully Booted"}}};
            } else {
                answer = {reply(a, {{"Response", "Error"}, {"Message", "Authentication failed"}})};
            }
        } else if (same_name(a.get("Action"), "Ping")) {
            answer = {reply(
                a,
                {{"Response", "Success"}, {"Ping", "Pong"}, {"Timestamp", "1796321776.000000"}})};
        } else {
            answer = {reply(
                a, {{"Response", "Error"},
                    {"Message", "Invalid/unknown command: " + std::string(a.get("Action"))}})};
        }
        if (!answer.empty()) send(c, to_wire(answer));
    }

    void send(const std::shared_ptr<connection>& c, std::string bytes) {
        if (c->closed) return;
        c->out.push_back(std::move(bytes));
        if (c->out.size() == 1) write(c);
    }

    void write(const std::shared_ptr<connection>& c) {
        auto handler = [self = shared_from_this(), c](error_code ec, std::size_t) {
            if (ec) return self->close(c);
            c->out.pop_front();
            if (!c->out.empty()) self->write(c);
        };
        if (c->tls) {
            net::async_write(*c->tls, net::buffer(c->out.front()), std::move(handler));
        } else {
            net::async_write(*c->plain, net::buffer(c->out.front()), std::move(handler));
        }
    }

    void close(const std::shared_ptr<connection>& c) {
        if (c->closed) return;
        c->closed = true;
        error_code ignored;
        c->socket().shutdown(tcp::socket::shutdown_both, ignored);
        c->socket().close(ignored);
        conns.remove(c);
    }

    bool is_silent() {
        std::lock_guard lock(mutex);
        return silent;
    }

    template <class Pred>
    bool wait(milliseconds timeout, Pred pred) const {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, pred);
    }

    fake_ami_options options;
    net::io_context io;
    tcp::acceptor acceptor;
    std::optional<ssl::context> tls;
    std::uint16_t port = 0;
    std::thread thread;
    std::list<std::shared_ptr<connection>> conns;  // io thread only

    mutable std::mutex mutex;  // what follows
    mutable std::condition_variable changed;
    std::map<std::string, action_handler> handlers;  // by lower-case action name
    std::vector<message> received;
    std::size_t accepted = 0;
    bool silent = false;
};

fake_ami::fake_ami(fake_ami_options options) : impl_(std::make_shared<impl>(std::move(options))) {
    impl_->run();
}

fake_ami::~fake_ami() {
    // Closing everything lets io.run() run out of work: every handler (each holds the impl)
    // then has run, so the impl goes with the last reference (io.stop() would leave them queued
    // inside the impl's own io_context: a cycle).
    net::post(impl_->io, [i = impl_] {
        error_code ignored;
        i->acceptor.close(ignored);
        auto all = i->conns;
        for (auto& c : all) i->close(c);
    });
    impl_->thread.join();
}

std::uint16_t fake_ami::port() const noexcept {
    return impl_->port;
}

void fake_ami::set_login(login_mode mode) {
    std::lock_guard lock(impl_->mutex);
    impl_->options.login = mode;
}

void fake_ami::on_action(std::string action, action_handler handler) {
    std::lock_guard lock(impl_->mutex);
    impl_->handlers[lower(action)] = std::move(handler);
}

void fake_ami::push(const message& m) {
    push_raw(to_wire({m}));
}

void fake_ami::push_raw(std::string bytes) {
    net::post(impl_->io, [i = impl_, bytes = std::move(bytes)] {
        if (i->is_silent()) return;
        for (auto& c : i->conns) i->send(c, bytes);
    });
}

void fake_ami::drop() {
    net::post(impl_->io, [i = impl_] {
        auto all = i->conns;
        for (auto& c : all) i->close(c);
    });
}

void fake_ami::set_silent(bool silent) {
    std::lock_guard lock(impl_->mutex);
    impl_->silent = silent;
}

std::vector<message> fake_ami::actions() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->received;
}

std::vector<message> fake_ami::actions(std::string_view action) const {
    std::lock_guard lock(impl_->mutex);
    std::vector<message> out;
    for (const auto& a : impl_->received) {
        if (same_name(a.get("Action"), action)) out.push_back(a);
    }
    return out;
}

std::size_t fake_ami::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->accepted;
}

bool fake_ami::wait_for_actions(std::string_view action, std::size_t count,
                                milliseconds timeout) const {
    return impl_->wait(timeout, [&] {
        std::size_t n = 0;
        for (const auto& a : impl_->received) {
            if (same_name(a.get("Action"), action)) ++n;
        }
        return n >= count;
    });
}

bool fake_ami::wait_for_connections(std::size_t count, milliseconds timeout) const {
    return impl_->wait(timeout, [&] { return impl_->accepted >= count; });
}

}  // namespace ctigw::gateway::ami::testing
