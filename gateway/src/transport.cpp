// The gateway's sockets (Boost.Beast over OpenSSL): the acceptor, TLS, the WebSocket upgrade,
// bounded send queues and heartbeats. One thread runs everything, so no locks. The protocol
// itself is server_core's (core.cpp).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <chrono>
#include <vector>

#include "ctigw/gateway/server.hpp"
#include "ctigw/protocol/tls_policy.hpp"
#include "server_core.hpp"
#include "tls_stream.hpp"
#include "write_coalescing.hpp"

namespace ctigw::gateway {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using detail::server_core;
using detail::session_base;
using detail::session_id;
using detail::steady;
using detail::write_coalescing_stream;

namespace {

/// One client connection. Stream is the transport below the write-coalescing layer (and so below
/// the WebSocket): beast::tcp_stream (plain) or detail::tls_stream (TLS).
template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
  public:
    template <class... Args>
    session(std::shared_ptr<server_core> core, session_id id, std::string target, Args&&... args)
        : session_base(id),
          core_(std::move(core)),
          target_(std::move(target)),
          ws_(std::forward<Args>(args)...),
          heartbeat_timer_(ws_.get_executor()) {}

    void run() {
        ws_.next_layer().set_owner(this->weak_from_this());
        ws_.next_layer().on_write_error([weak = this->weak_from_this()](beast::error_code ec) {
            if (auto self = weak.lock()) self->fail(ec, "write");
        });
        // TLS handshake and upgrade in time, for both kinds of session (the TLS stream waits on
        // the socket itself: a TCP stream expiry would not cover it); arm_heartbeat() replaces
        // this wait.
        const auto deadline = core_->options.handshake_timeout;
        heartbeat_timer_.expires_after(deadline);
        heartbeat_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->accepted_ || self->closed_) return;
            self->core_->log("session " + std::to_string(self->id()) +
                             ": no WebSocket upgrade within " +
                             std::to_string(self->core_->options.handshake_timeout.count()) +
                             " ms, dropping the connection");
            self->drop();
        });
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            do_read_upgrade();
        } else {
            transport().async_handshake([self = this->shared_from_this()](beast::error_code ec) {
                if (ec) {
                    ++self->core_->stats.tls_handshake_failures;
                    return self->fail(ec, "TLS handshake");
                }
                self->do_read_upgrade();
            });
        }
    }

    std::size_t queued_bytes() const override {
        return early_bytes_ + ws_.next_layer().buffered_bytes();
    }

    void send(std::string frame) override {
        if (closed_ || close_code_) return;  // closing: nothing more goes out but the close
        if (!accepted_) {
            // Not upgraded yet (a broadcast to every session): the frames follow the 101.
            if (!over_limit(frame.size())) {
                early_bytes_ += frame.size();
                early_.push_back(std::move(frame));
            }
            return;
        }
        if (over_limit(frame.size())) return;
        // Framed here and handed to the coalescing layer, which writes everything a handler
        // sends in one operation: no Beast write per frame.
        ws_.next_layer().append_text(frame);
        ++core_->stats.frames_sent;
    }

    void close(std::uint16_t code, std::string reason) override {
        if (closed_ || close_code_) return;
        close_code_ = code;
        close_reason_ = std::move(reason);
        close_requested_ = steady::now();
        do_close();  // the close frame follows what the layer holds
    }

    void drop() override {
        if (closed_) return;
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(ws_).socket().close(ec);
        finish("dropped");
    }

  private:
    /// The stream below the coalescing layer: for what must be on the wire when it completes.
    Stream& transport() { return ws_.next_layer().next_layer(); }

    void do_read_upgrade() {
        http::async_read(ws_.next_layer(), buffer_, upgrade_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->fail(ec, "HTTP upgrade read");
                             self->on_upgrade();
                         });
    }

    void refuse_upgrade(http::status status, const std::string& why) {
        core_->log("session " + std::to_string(id()) + ": upgrade refused: " + why);
        auto res = std::make_shared<http::response<http::string_body>>(status, upgrade_.version());
        res->set(http::field::content_type, "text/plain");
        res->body() = why + "\n";
        res->prepare_payload();
        // Written below the coalescing layer: the connection is dropped when this completes.
        http::async_write(transport(), *res,
                          [self = this->shared_from_this(), res](beast::error_code, std::size_t) {
                              self->drop();
                          });
    }

    void on_upgrade() {
        const auto& o = core_->options;
        if (!websocket::is_upgrade(upgrade_)) {
            return refuse_upgrade(http::status::bad_request, "not a WebSocket upgrade");
        }
        if (upgrade_.target() != target_) {
            // The path is not echoed: it is the client's text.
            return refuse_upgrade(http::status::not_found, "this server serves only " + target_);
        }
        if (!offers_subprotocol(upgrade_[http::field::sec_websocket_protocol])) {
            return refuse_upgrade(
                http::status::bad_request,
                "the client did not offer the subprotocol " + std::string(protocol::subprotocol));
        }
        if (core_->sessions.size() > o.max_sessions) {  // this one is already counted
            return refuse_upgrade(http::status::service_unavailable,
                                  "too many sessions (" + std::to_string(o.max_sessions) + ")");
        }
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(10);
        t.idle_timeout = websocket::stream_base::none();  // app-level heartbeats instead
        t.keep_alive_pings = false;
        ws_.set_option(t);
        // The header gets the configured name's printable ASCII only: a name is not a place for
        // CR/LF (header injection) nor for bytes HTTP does not allow.
        std::string name;
        for (char ch : o.switch_name) {
            if (ch >= 0x20 && ch < 0x7f) name += ch;
        }
        ws_.set_option(websocket::stream_base::decorator([name](websocket::response_type& res) {
            res.set(http::field::sec_websocket_protocol, std::string(protocol::subprotocol));
            res.set(http::field::server, name);
        }));
        ws_.read_message_max(o.limits.max_frame_bytes);
        ws_.async_accept(upgrade_, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->fail(ec, "WebSocket accept");
            self->accepted_ = true;
            // The upgrade request and its read buffer are done with: an idle session keeps
            // neither (memory per session).
            self->upgrade_ = {};
            self->buffer_ = beast::flat_buffer{};
            self->last_received_ = self->accepted_at_ = steady::now();
            self->core_->log("session " + std::to_string(self->id()) + ": connected");
            self->arm_heartbeat();
            self->do_read();
            auto early = std::move(self->early_);
            self->early_bytes_ = 0;
            for (auto& frame : early) self->send(std::move(frame));
        });
    }

    static bool offers_subprotocol(std::string_view header) {
        // "a, b, ctigw.csta.v1": a comma-separated list.
        while (!header.empty()) {
            auto comma = header.find(',');
            auto item = header.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (item == protocol::subprotocol) return true;
            if (comma == std::string_view::npos) break;
            header.remove_prefix(comma + 1);
        }
        return false;
    }

    void do_read() {
        ws_.async_read(read_buffer_, [self = this->shared_from_this()](beast::error_code ec,
                                                                       std::size_t) {
            if (ec) {
                if (ec == websocket::error::message_too_big) {
                    // An oversized frame: the protocol's malformed-frame close, said plainly.
                    self->core_->log("session " + std::to_string(self->id()) +
                                     ": frame larger than " +
                                     std::to_string(self->core_->options.limits.max_frame_bytes) +
                                     " bytes, closing (1009)");
                }
                return self->fail(ec, "read");
            }
            self->last_received_ = steady::now();
            try {
                const auto data = self->read_buffer_.cdata();
                std::string_view frame(static_cast<const char*>(data.data()), data.size());
                if (!self->ws_.got_text()) {
                    self->core_->log("session " + std::to_string(self->id()) +
                                     ": binary frame ignored");
                } else {
                    self->core_->on_frame(*self, frame);
                }
            } catch (const std::exception& e) {
                self->core_->log("session " + std::to_string(self->id()) +
                                 ": internal error: " + e.what());
                self->close(static_cast<std::uint16_t>(websocket::close_code::internal_error),
                            "internal error");
            }
            self->read_buffer_.consume(self->read_buffer_.size());
            if (!self->closed_) self->do_read();
        });
    }

    /// A client that lets `more` bytes overflow its send queue is a slow consumer: what is not
    /// on the wire yet goes, and the session closes (4008). One that reads nothing at all is
    /// dropped at the next heartbeat tick (the close cannot complete).
    bool over_limit(std::size_t more) {
        const std::size_t queued = queued_bytes() + more;
        const std::size_t limit = core_->options.send_queue_limit_bytes;
        if (queued <= limit) return false;
        ++core_->stats.slow_consumers_dropped;
        core_->log("session " + std::to_string(id()) + ": slow consumer: client is not " +
                   "reading (send queue " + std::to_string(queued) + " bytes > limit " +
                   std::to_string(limit) + "), closing (4008)");
        early_.clear();
        early_bytes_ = 0;
        ws_.next_layer().discard_pending();
        close(4008, "slow consumer");
        return true;
    }

    void do_close() {
        if (!accepted_) return drop();
        core_->log("session " + std::to_string(id()) + ": closing (" +
                   std::to_string(*close_code_) + " " + close_reason_ + ")");
        ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(*close_code_),
                                                close_reason_),
                        [self = this->shared_from_this()](beast::error_code) { self->drop(); });
    }

    void arm_heartbeat() {
        heartbeat_timer_.expires_after(core_->options.heartbeat_interval);
        heartbeat_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->closed_) return;
            self->on_heartbeat_timer();
            self->arm_heartbeat();
        });
    }

    void on_heartbeat_timer() {
        ws_.next_layer().trim();  // an idle session keeps no burst-sized buffers
        if (close_code_ && steady::now() - close_requested_ >= core_->options.heartbeat_interval) {
            // The close did not complete within a heartbeat interval (a client that reads
            // nothing, a half-open connection): a close is never left pending forever.
            core_->log("session " + std::to_string(id()) + ": close (" +
                       std::to_string(*close_code_) + ") not completed, dropping the connection");
            return drop();
        }
        if (close_code_ || core_->heartbeats_paused) return;
        const auto now = steady::now();
        const auto interval = core_->options.heartbeat_interval;
        if (now - last_received_ > interval * core_->options.missed_heartbeats) {
            core_->log("session " + std::to_string(id()) + ": nothing received for " +
                       std::to_string(core_->options.missed_heartbeats) + " heartbeat intervals");
            return close(4002, "heartbeat timeout");
        }
        // The switch sends heartbeats too (docs/protocol.md §2.5): after I ms without sending.
        const auto last_sent = std::max(accepted_at_, ws_.next_layer().last_write_at());
        if (now - last_sent >= interval) {
            send(wire->encode(protocol::heartbeat{"s-hb-" + std::to_string(++heartbeat_count_)}));
        }
    }

    void fail(beast::error_code ec, const char* what) {
        // After a drop, what fails (a write posted before it) is its consequence, not news.
        if (closed_) return;
        if (ec != net::error::operation_aborted && ec != websocket::error::closed &&
            ec != net::error::eof && ec != net::ssl::error::stream_truncated) {
            core_->log("session " + std::to_string(id()) + ": " + what + ": " + ec.message());
        }
        drop();
    }

    void finish(const char* how) {
        if (closed_) return;
        closed_ = true;
        heartbeat_timer_.cancel();
        if (accepted_) core_->log("session " + std::to_string(id()) + ": " + how);
        core_->session_closed(id());
    }

    std::shared_ptr<server_core> core_;
    const std::string target_;  // the upgrade path of the listener that accepted this session
    websocket::stream<write_coalescing_stream<Stream>> ws_;
    net::steady_timer heartbeat_timer_;  // the handshake deadline until accepted, then beats
    beast::flat_buffer buffer_;
    beast::flat_buffer read_buffer_;
    http::request<http::string_body> upgrade_;
    std::vector<std::string> early_;  // sent before the WebSocket upgrade completed
    std::size_t early_bytes_ = 0;
    bool accepted_ = false;
    bool closed_ = false;
    std::optional<std::uint16_t> close_code_;
    std::string close_reason_;
    steady::time_point close_requested_{};
    steady::time_point last_received_{}, accepted_at_{};
    std::uint64_t heartbeat_count_ = 0;
};

using plain_session = session<beast::tcp_stream>;
using tls_session = session<detail::tls_stream>;

/// OpenSSL's passphrase callback: the configured passphrase, or none (never a console prompt,
/// which would hang a service).
int supply_passphrase(char* buf, int size, int /*rwflag*/, void* userdata) {
    const auto* p = static_cast<const std::string*>(userdata);
    if (p == nullptr || p->empty() || p->size() > static_cast<std::size_t>(size)) return 0;
    std::copy(p->begin(), p->end(), buf);
    return static_cast<int>(p->size());
}

/// The project's TLS policy (tls_policy.hpp) on a server context, then the certificate, the key
/// and, for mutual TLS, the client CA. Returns an error text, or empty.
std::string configure_tls(ssl::context& tls, const server_options& o) {
    namespace policy = protocol::tls_policy;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX* native = tls.native_handle();
    SSL_CTX_set_security_level(native, policy::min_security_level);
    const std::string ciphers =
        o.tls_cipher_list.empty() ? policy::tls12_cipher_list : o.tls_cipher_list;
    if (SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1 ||
        SSL_CTX_set_ciphersuites(native, policy::tls13_ciphersuites) != 1) {
        return "TLS: no usable cipher in \"" + ciphers + "\"";
    }
    SSL_CTX_set_min_proto_version(
        native, o.tls_min_version == config::tls_version::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
    if (o.tls12_only) SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION);
    // The callback reads the passphrase only while the key loads; it is cleared afterwards.
    SSL_CTX_set_default_passwd_cb(native, &supply_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(
        native, const_cast<std::string*>(&o.tls->private_key_passphrase));
    tls.use_certificate_chain_file(o.tls->certificate_chain.string());
    tls.use_private_key_file(o.tls->private_key.string(), ssl::context::pem);
    SSL_CTX_set_default_passwd_cb_userdata(native, nullptr);
    if (o.tls->client_ca) {
        tls.load_verify_file(o.tls->client_ca->string());
        tls.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    return {};
}

}  // namespace

/// One listening socket and what its sessions get: the upgrade path, TLS or not.
struct listener_socket {
    tcp::acceptor acceptor;
    listener_options options;

    listener_socket(net::io_context& io, listener_options o)
        : acceptor(io), options(std::move(o)) {}
};

/// The sockets that belong to a server: its acceptors and the TLS context they share.
struct server_sockets {
    net::io_context& io;
    std::shared_ptr<server_core> core;
    std::optional<ssl::context> tls;
    std::vector<std::unique_ptr<listener_socket>> listeners;

    server_sockets(net::io_context& i, std::shared_ptr<server_core> c)
        : io(i), core(std::move(c)) {}

    void do_accept(listener_socket& l) {
        l.acceptor.async_accept([this, &l](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted) return;
            try {
                if (ec) {
                    core->log("accept: " + ec.message());
                } else {
                    beast::error_code ignored;
                    socket.set_option(tcp::no_delay(true), ignored);
                    ++core->stats.sessions_accepted;
                    if (l.options.tls) {
                        launch<tls_session>(l.options.target, std::move(socket), *tls);
                    } else {
                        launch<plain_session>(l.options.target, std::move(socket));
                    }
                }
            } catch (const std::exception& e) {
                core->log(std::string("accept: ") + e.what());
            }
            if (l.acceptor.is_open()) do_accept(l);
        });
    }

    template <class Session, class... Args>
    void launch(const std::string& target, Args&&... args) {
        const session_id id = core->next_session++;
        auto s = std::make_shared<Session>(core, id, target, std::forward<Args>(args)...);
        core->session_opened(s);
        s->run();
    }

    void close_all() {
        beast::error_code ec;
        for (auto& l : listeners) l->acceptor.close(ec);
    }
};

/// The listeners a server opens: the configured list, or the single one of the old form.
std::vector<listener_options> effective_listeners(const server_options& o) {
    if (!o.listeners.empty()) return o.listeners;
    return {listener_options{o.bind_address, o.port, o.target, o.tls.has_value()}};
}

std::string format_endpoint(const std::string& address, std::uint16_t port) {
    return address.find(':') != std::string::npos ? "[" + address + "]:" + std::to_string(port)
                                                  : address + ":" + std::to_string(port);
}

}  // namespace ctigw::gateway

namespace ctigw::gateway {

struct server::impl {
    impl(net::io_context& io, switch_backend& backend, server_options options)
        : core(std::make_shared<server_core>(backend, std::move(options))), sockets(io, core) {
        core->schedule = [&io, weak = std::weak_ptr(core)](milliseconds delay,
                                                           std::function<void()> fn) {
            auto timer = std::make_shared<net::steady_timer>(io, delay);
            timer->async_wait([timer, weak, fn = std::move(fn)](beast::error_code ec) {
                auto owner = weak.lock();
                if (ec || !owner) return;
                try {
                    fn();
                } catch (const std::exception& e) {
                    owner->log(std::string("scheduled work failed: ") + e.what());
                }
            });
        };
        backend.attach(*core);
    }
    std::shared_ptr<server_core> core;
    server_sockets sockets;
};

server::server(net::io_context& io, switch_backend& backend, server_options options)
    : impl_(std::make_unique<impl>(io, backend, std::move(options))) {}

server::~server() {
    stop();
    // Sessions and the core point at each other; when the io_context stopped before the closes
    // completed, break the cycle here (the io thread is gone by now).
    impl_->core->sessions.clear();
}

std::string server::start() {
    auto& o = impl_->core->options;
    auto& s = impl_->sockets;
    if (!s.listeners.empty()) return "the server is already started";
    const auto wanted = effective_listeners(o);
    bool any_tls = false;
    for (const auto& l : wanted) any_tls = any_tls || l.tls;
    if (any_tls && !o.tls) return "a TLS listener needs a certificate and key";
    const listener_options* current = nullptr;
    try {
        if (any_tls) {
            s.tls.emplace(ssl::context::tls_server);
            if (auto err = configure_tls(*s.tls, o); !err.empty()) return err;
        }
        for (const auto& l : wanted) {
            current = &l;
            auto sock = std::make_unique<listener_socket>(s.io, l);
            tcp::endpoint ep(net::ip::make_address(l.bind_address), l.port);
            sock->acceptor.open(ep.protocol());
            sock->acceptor.set_option(net::socket_base::reuse_address(true));
            if (ep.address().is_v6()) {
                // "::" means IPv6 only; an operator lists 0.0.0.0 separately for IPv4.
                sock->acceptor.set_option(net::ip::v6_only(true));
            }
            sock->acceptor.bind(ep);
            sock->acceptor.listen(net::socket_base::max_listen_connections);
            s.listeners.push_back(std::move(sock));
        }
    } catch (const boost::system::system_error& e) {
        s.close_all();
        s.listeners.clear();
        // The code's message only: what() carries Boost's source location, useless to a user.
        const std::string where =
            current ? format_endpoint(current->bind_address, current->port) : std::string("TLS");
        return where + ": " + e.code().message();
    } catch (const std::exception& e) {
        s.close_all();
        s.listeners.clear();
        return e.what();
    }
    for (auto& l : s.listeners) s.do_accept(*l);
    return {};
}

void server::stop() {
    impl_->sockets.close_all();
    auto sessions = impl_->core->sessions;  // close() may erase from the map
    for (auto& [id, s] : sessions) s->close(1001, "switch going away");
}

std::uint16_t server::port() const {
    const auto all = ports();
    return all.empty() ? 0 : all.front();
}

std::vector<std::uint16_t> server::ports() const {
    std::vector<std::uint16_t> out;
    for (const auto& l : impl_->sockets.listeners) {
        beast::error_code ec;
        auto ep = l->acceptor.local_endpoint(ec);
        out.push_back(ec ? 0 : ep.port());
    }
    return out;
}

reauthentication_summary server::replace_authenticator(authenticator a) {
    return impl_->core->reauthenticate(std::move(a));
}

std::string server::instance_id() const {
    return impl_->core->hello_instance();
}
server_stats server::stats() const {
    server_stats st = impl_->core->stats;
    for (const auto& [id, s] : impl_->core->sessions) {
        if (s->client) ++st.sessions_by_client[s->client->name];
        const std::size_t queued = s->queued_bytes();
        st.send_queue_bytes += queued;
        st.send_queue_bytes_max = std::max(st.send_queue_bytes_max, queued);
    }
    return st;
}

void server::post(std::function<void()> fn) {
    net::post(impl_->sockets.io, [core = impl_->core, fn = std::move(fn)] {
        try {
            fn();
        } catch (const std::exception& e) {
            core->log(std::string("posted work failed: ") + e.what());
        }
    });
}

void server::drop_connections() {
    auto& core = *impl_->core;
    core.log("fault: dropping " + std::to_string(core.sessions.size()) + " connection(s)");
    auto sessions = core.sessions;
    for (auto& [id, s] : sessions) s->drop();
}

void server::pause_heartbeats(bool paused) {
    impl_->core->log(paused ? "fault: heartbeats paused" : "fault: heartbeats resumed");
    impl_->core->heartbeats_paused = paused;
}

void server::delay_responses(milliseconds delay) {
    impl_->core->log("fault: responses delayed by " + std::to_string(delay.count()) + " ms");
    impl_->core->response_delay = delay;
}

void server::send_malformed(std::uint32_t count) {
    impl_->core->send_malformed(count);
}

void server::send_raw(const std::string& frame) {
    impl_->core->log("fault: sending a raw frame of " + std::to_string(frame.size()) + " bytes");
    for (auto& [id, s] : impl_->core->sessions) s->send(frame);
}

void server::close_sessions(std::uint16_t code, const std::string& reason) {
    impl_->core->log("fault: closing every session with code " + std::to_string(code));
    auto sessions = impl_->core->sessions;  // close() may erase from the map
    for (auto& [id, s] : sessions) s->close(code, reason);
}

void server::refuse_service(std::string service, protocol::csta_error error, std::uint32_t count) {
    impl_->core->log("fault: the next " + std::to_string(count) + " " + service +
                     " will be refused");
    impl_->core->refusals[std::move(service)] = server_core::refusal{std::move(error), count};
}

void server::reorder_events(bool enabled) {
    impl_->core->log(enabled ? "fault: reordering events across calls"
                             : "fault: event order restored");
    impl_->core->reorder = enabled;
}

void server::skip_sequence_number() {
    impl_->core->log("fault: skipping one event sequence number");
    for (auto& [id, s] : impl_->core->sessions) ++s->next_seq;
}

void server::send_system_status(protocol::system_status status) {
    impl_->core->send_system_status(status);
}

authenticator single_token(std::string token) {
    return
        [token = std::move(token)](std::string_view presented) -> std::optional<client_identity> {
            if (token.empty() || presented.size() != token.size() ||
                CRYPTO_memcmp(presented.data(), token.data(), token.size()) != 0) {
                return std::nullopt;
            }
            return client_identity{"default", [](std::string_view) { return access::control; }};
        };
}

std::string_view to_string(backend_status s) noexcept {
    return s == backend_status::up ? "up" : "down";
}

}  // namespace ctigw::gateway
