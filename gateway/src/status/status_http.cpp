// The status server's HTTP side: a small Beast server with bounded requests. The only Beast TU of
// the status endpoint; content comes from status_render.hpp.
#include "ctigw/gateway/status_http.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <exception>
#include <iostream>
#include <map>
#include <optional>

#include "ctigw/protocol/log_safe.hpp"
#include "status_render.hpp"

namespace ctigw::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

class connection;

using response = http::response<http::string_body>;
using request = http::request<http::string_body>;

// After an error answer, the rest of a refused request is read and dropped for a short while
// before the socket closes: closing with unread data makes the kernel send RST, which can
// destroy the answer before the client reads it.
constexpr std::size_t linger_max_bytes = std::size_t{64} * 1024;
constexpr std::chrono::seconds linger_max_time{2};

}  // namespace

struct status_server::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io, status_options o)
        : acceptor(io), retry(io), options(std::move(o)), meter(options.rate_window) {
        if (!options.log) {
            options.log = [](std::string_view line) { std::cerr << line << '\n'; };
        }
        if (!options.now) options.now = [] { return std::chrono::steady_clock::now(); };
    }

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    response respond(const request& req);
    response snapshot_response(const request& req, bool metrics);
    void connection_closed(std::uint64_t id);

    tcp::acceptor acceptor;
    net::steady_timer retry;  ///< backs off after an accept error (EMFILE) instead of spinning
    status_options options;
    status::rate_meter meter;
    bool running = false;
    bool limit_logged = false;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, std::weak_ptr<connection>> connections;
};

namespace {

void add_common_headers(response& res) {
    res.set("Content-Security-Policy", status::content_security_policy());
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
}

response make_response(http::status status, unsigned version, std::string_view content_type,
                       std::string body) {
    response res{status, version};
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    add_common_headers(res);
    return res;
}

response plain_error(http::status status, unsigned version, std::string_view text) {
    auto res =
        make_response(status, version, "text/plain; charset=utf-8", std::string(text) + "\n");
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

/// One HTTP connection: reads requests one at a time (keep-alive), each within the request
/// timeout, and answers them in order. Lives while one of its handlers is pending.
class connection : public std::enable_shared_from_this<connection> {
  public:
    connection(std::shared_ptr<status_server::impl> owner, tcp::socket socket, std::uint64_t id)
        : owner_(std::move(owner)),
          stream_(std::move(socket)),
          buffer_(owner_->options.max_header_bytes + owner_->options.max_body_bytes + 1024),
          id_(id) {}
    ~connection() { owner_->connection_closed(id_); }

    void start() { do_read(); }

    /// Closes the socket; pending operations end with operation_aborted.
    void abort() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

  private:
    void do_read() {
        parser_.emplace();
        parser_->header_limit(owner_->options.max_header_bytes);
        parser_->body_limit(owner_->options.max_body_bytes);
        stream_.expires_after(owner_->options.request_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (!owner_->running) return abort();
        if (ec == http::error::end_of_stream) return close_gracefully();
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            return refuse(http::status::request_header_fields_too_large, "request head too large");
        }
        if (ec == http::error::body_limit) {
            return refuse(http::status::payload_too_large, "request body too large");
        }
        if (ec && ec.category() == beast::error_code(http::error::bad_target).category()) {
            return refuse(http::status::bad_request, "malformed request");
        }
        if (ec) return abort();  // timeout, reset, aborted: nobody to answer
        response res;
        try {
            res = owner_->respond(parser_->get());
        } catch (const std::exception& e) {
            owner_->options.log(std::string("status: request failed: ") +
                                protocol::log_safe(e.what()));
            res = plain_error(http::status::internal_server_error, parser_->get().version(),
                              "internal error");
        }
        write(std::move(res), false);
    }

    void refuse(http::status status, std::string_view why) {
        write(plain_error(status, 11, why), true);
    }

    void write(response res, bool linger) {
        res_ = std::move(res);
        stream_.expires_after(owner_->options.request_timeout);
        http::async_write(stream_, *res_,
                          [self = shared_from_this(), linger](beast::error_code ec, std::size_t) {
                              if (ec || !self->owner_->running) return self->abort();
                              if (linger) return self->linger();
                              if (!self->res_->keep_alive()) return self->close_gracefully();
                              self->res_.reset();
                              self->do_read();
                          });
    }

    void close_gracefully() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.socket().close(ec);
    }

    void linger() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(linger_max_time);
        drain();
    }

    void drain() {
        if (lingered_ >= linger_max_bytes) return abort();
        stream_.async_read_some(net::buffer(drain_buffer_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->lingered_ += n;
                                    if (ec) return self->abort();
                                    self->drain();
                                });
    }

    std::shared_ptr<status_server::impl> owner_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<response> res_;
    std::array<char, 4096> drain_buffer_{};
    std::size_t lingered_ = 0;
    const std::uint64_t id_;
};

}  // namespace

void status_server::impl::do_accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        try {
            self->on_accept(ec, std::move(socket));
        } catch (const std::exception& e) {
            self->options.log(std::string("status: accept failed: ") + e.what());
        }
    });
}

void status_server::impl::on_accept(beast::error_code ec, tcp::socket socket) {
    if (!running || ec == net::error::operation_aborted) return;
    if (ec) {
        options.log("status: accept failed: " + ec.message() + "; retrying");
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
            if (!wait_ec && self->running) self->do_accept();
        });
        return;
    }
    if (connections.size() >= options.max_connections) {
        if (!limit_logged) {
            options.log("status: " + std::to_string(options.max_connections) +
                        " connections open; refusing more until one closes");
            limit_logged = true;
        }
        beast::error_code ignored;
        socket.close(ignored);
    } else {
        const auto id = next_id++;
        auto c = std::make_shared<connection>(shared_from_this(), std::move(socket), id);
        connections.emplace(id, c);
        c->start();
    }
    do_accept();
}

void status_server::impl::connection_closed(std::uint64_t id) {
    connections.erase(id);
    if (connections.size() < options.max_connections) limit_logged = false;
}

response status_server::impl::snapshot_response(const request& req, bool metrics) {
    status_snapshot snap;
    try {
        if (!options.snapshot) throw std::runtime_error("no snapshot function");
        snap = options.snapshot();
    } catch (const std::exception& e) {
        options.log(std::string("status: snapshot failed: ") + protocol::log_safe(e.what()));
        return plain_error(http::status::internal_server_error, req.version(),
                           "status unavailable");
    }
    const double eps = meter.sample(options.now(), snap.events_sent);
    if (metrics) {
        return make_response(http::status::ok, req.version(),
                             "text/plain; version=0.0.4; charset=utf-8",
                             status::render_metrics(snap, eps));
    }
    return make_response(http::status::ok, req.version(), "application/json",
                         status::render_status_json(snap, eps));
}

response status_server::impl::respond(const request& req) {
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    enum class route { page, metrics, json, none };
    const route r = target == "/"              ? route::page
                    : target == "/metrics"     ? route::metrics
                    : target == "/status.json" ? route::json
                                               : route::none;
    response res;
    if (r == route::none) {
        res = plain_error(http::status::not_found, req.version(), "not found");
    } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
        res = plain_error(http::status::method_not_allowed, req.version(), "method not allowed");
        res.set(http::field::allow, "GET, HEAD");
    } else if (r == route::page) {
        res = make_response(http::status::ok, req.version(), "text/html; charset=utf-8",
                            std::string(status::status_page_html()));
    } else {
        res = snapshot_response(req, r == route::metrics);
    }
    if (res.result() == http::status::ok) res.keep_alive(req.keep_alive());
    res.prepare_payload();
    if (req.method() == http::verb::head) {
        // Content-Length stays that of the GET answer; the body is not sent.
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

status_server::status_server(net::io_context& io, status_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}

status_server::~status_server() {
    try {
        stop();
    } catch (...) {  // a destructor must not throw; the io_context's end closes what is left
    }
}

std::string status_server::start() {
    if (impl_->running) return "status: already started";
    beast::error_code ec;
    const auto address = net::ip::make_address(impl_->options.address, ec);
    if (ec)
        return "status: invalid listen address '" + protocol::log_safe(impl_->options.address) +
               "'";
    const tcp::endpoint ep{address, impl_->options.port};
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        beast::error_code ignored;
        a.close(ignored);
        return "status: cannot listen on " + impl_->options.address + ":" +
               std::to_string(impl_->options.port) + ": " + ec.message();
    }
    impl_->running = true;
    impl_->do_accept();
    impl_->options.log("status: serving /metrics, /status.json and / on http://" +
                       impl_->options.address + ":" + std::to_string(port()) +
                       " (no authentication: loopback or a management network only)");
    return {};
}

void status_server::stop() {
    if (!impl_->running) return;
    impl_->running = false;
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->retry.cancel();
    auto open = impl_->connections;  // abort() may end a connection and erase it
    for (auto& [id, weak] : open) {
        if (auto c = weak.lock()) c->abort();
    }
}

std::uint16_t status_server::port() const {
    beast::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

}  // namespace ctigw::gateway
