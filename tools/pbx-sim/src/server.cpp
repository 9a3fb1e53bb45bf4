// The simulator's WebSocket server (Boost.Beast over OpenSSL). One thread runs everything, so
// the model, the sessions and the fault switches need no locks.
#include "ctigw/pbxsim/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "ctigw/protocol/tls_policy.hpp"

namespace ctigw::pbxsim {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using namespace protocol;

namespace {

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
        // Not a secret: only needs to differ between runs.
        auto t = static_cast<std::uint64_t>(sim_clock::now().time_since_epoch().count());
        for (auto& b : buf) b = static_cast<unsigned char>(t >>= 3);
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (auto b : buf) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

/// The callID an event is about, so that reordering keeps each call's events in order.
std::string call_of(const event_body& body) {
    return std::visit(
        [](const auto& e) -> std::string {
            using E = std::remove_cvref_t<decltype(e)>;
            if constexpr (requires { e.connection.call_id; }) return e.connection.call_id;
            else if constexpr (requires { e.initiated_connection; }) return e.initiated_connection.call_id;
            else if constexpr (requires { e.originated_connection; }) return e.originated_connection.call_id;
            else if constexpr (requires { e.established_connection; }) return e.established_connection.call_id;
            else if constexpr (requires { e.held_connection; }) return e.held_connection.call_id;
            else if constexpr (requires { e.retrieved_connection; }) return e.retrieved_connection.call_id;
            else if constexpr (requires { e.dropped_connection; }) return e.dropped_connection.call_id;
            else if constexpr (requires { e.primary_old_call; }) return e.primary_old_call.call_id;
            else if constexpr (requires { e.queued_connection; }) return e.queued_connection.call_id;
            else if constexpr (requires { e.failed_connection; }) return e.failed_connection.call_id;
            else if constexpr (requires { e.outbound_connection; }) return e.outbound_connection.call_id;
            else if constexpr (std::is_same_v<E, evt::call_cleared>) return e.cleared_call;
            else return {};
        },
        body);
}

/// Frames that break the protocol in different ways, for the `malformed` fault.
constexpr std::array<std::string_view, 6> malformed_frames{
    R"({"type":"event","seq":)",
    R"([1,2,3])",
    R"({"type":"teleport","id":"x"})",
    R"({"type":"event","seq":"seven","event":"Held","data":{}})",
    R"({"type":"event","seq":1,"event":"Delivered","data":{"connection":42}})",
    "\xff\xfe not utf-8 \xc3\x28"};

enum class session_state { awaiting_hello, awaiting_auth, ready, closing };

std::string_view to_string(session_state s) {
    switch (s) {
        case session_state::awaiting_hello: return "awaiting_hello";
        case session_state::awaiting_auth: return "awaiting_auth";
        case session_state::ready: return "ready";
        case session_state::closing: return "closing";
    }
    return "?";
}

}  // namespace

// ---- sessions ---------------------------------------------------------------------------------

/// What the server needs of a session, whatever its stream type.
class session_base {
public:
    virtual ~session_base() = default;
    virtual session_id id() const = 0;
    /// Queues a frame; disconnects a client that lets the queue overflow.
    virtual void send(std::string frame) = 0;
    /// Sends what is queued, then closes with `code`.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    /// Closes the socket at once, no close handshake.
    virtual void drop() = 0;

    // Event stream state shared by the session types.
    std::uint64_t next_seq = 1;
    std::unique_ptr<codec> wire = make_json_codec();
    session_state state = session_state::awaiting_hello;
    std::vector<std::pair<std::string, event_message>> reorder_buffer;  // (callID, event)
};

struct detail::server_impl : std::enable_shared_from_this<detail::server_impl>, event_sink {
    server_impl(net::io_context& io_, sim_config cfg, server_options o)
        : io(io_), options(std::move(o)), acceptor(io_), model_timer(io_),
          model(std::make_unique<switch_model>(std::move(cfg), *this)) {
        if (!options.log) {
            options.log = [](std::string_view line) {
                std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(line.size()), line.data());
            };
        }
    }

    net::io_context& io;
    server_options options;
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor;
    net::steady_timer model_timer;
    std::unique_ptr<switch_model> model;
    std::string instance = random_hex(8);
    server_stats stats;
    std::map<session_id, std::shared_ptr<session_base>> sessions;
    session_id next_session = 1;

    // fault switches
    bool heartbeats_paused = false;
    milliseconds response_delay{0};
    bool reorder = false;
    struct refusal {
        csta_error error;
        std::uint32_t remaining;
    };
    std::map<std::string, refusal, std::less<>> refusals;

    // events raised by the model during one call, delivered after the response
    struct pending_event {
        session_id session;
        std::string monitor_ref;
        event_body body;
    };
    std::vector<pending_event> pending;

    void log(const std::string& line) const {
        try {
            options.log(line);
        } catch (...) {  // a logger must not take the server down
        }
    }

    void on_event(session_id session, const std::string& monitor_ref,
                  const event_body& body) override {
        pending.push_back({session, monitor_ref, body});
    }

    std::string start();
    void do_accept();
    template <class Session, class... Args>
    void launch(Args&&... args);

    /// Delivers the events the model raised, then re-arms the model's timer.
    void flush_events() {
        auto batch = std::move(pending);
        pending.clear();
        std::vector<session_base*> touched;
        for (auto& ev : batch) {
            auto it = sessions.find(ev.session);
            if (it == sessions.end()) continue;
            auto& s = *it->second;
            event_message m{0, std::move(ev.monitor_ref), {}, std::move(ev.body)};
            if (reorder) {
                if (s.reorder_buffer.empty()) touched.push_back(&s);
                auto call = call_of(m.body);
                s.reorder_buffer.emplace_back(std::move(call), std::move(m));
            } else {
                send_event(s, std::move(m));
            }
        }
        for (auto* s : touched) flush_reordered(*s);
        arm_model_timer();
    }

    void send_event(session_base& s, event_message m) {
        m.seq = s.next_seq++;
        ++stats.events_sent;
        s.send(s.wire->encode(m));
    }

    /// Emits a burst with the calls in reverse order of first appearance: events of different
    /// calls are reordered, each call's own events stay in order.
    void flush_reordered(session_base& s) {
        std::vector<std::string> order;
        for (const auto& [call, m] : s.reorder_buffer) {
            if (std::find(order.begin(), order.end(), call) == order.end()) order.push_back(call);
        }
        auto buffer = std::move(s.reorder_buffer);
        s.reorder_buffer.clear();
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            for (auto& [call, m] : buffer) {
                if (call == *it) send_event(s, std::move(m));
            }
        }
    }

    void arm_model_timer() {
        auto deadline = model->next_deadline();
        if (!deadline) {
            model_timer.cancel();
            return;
        }
        model_timer.expires_at(*deadline);
        model_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;  // cancelled: re-armed by whoever cancelled it
            try {
                self->model->advance_to(sim_clock::now());
                self->flush_events();
            } catch (const std::exception& e) {
                self->log(std::string("model timer failed: ") + e.what());
            }
        });
    }

    // ---- protocol handling (called by sessions) ----

    void on_frame(session_base& s, std::string_view frame);
    void on_request(session_base& s, request r);
    void execute(session_base& s, const request& r);
    void send_response(session_base& s, const response& r) { s.send(s.wire->encode(r)); }
    void transition(session_base& s, session_state to) {
        log("session " + std::to_string(s.id()) + ": " + std::string(to_string(s.state)) +
            " -> " + std::string(to_string(to)));
        s.state = to;
    }

    void session_closed(session_id id) {
        if (sessions.erase(id) == 0) return;
        stats.sessions_open = sessions.size();
        model->session_closed(id);
        pending.clear();  // monitors of the closed session raise nothing now
        arm_model_timer();
    }
};

namespace {

/// One client connection. Stream is the WebSocket's next layer: beast::tcp_stream (plain) or
/// beast::ssl_stream<beast::tcp_stream> (TLS).
template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
public:
    template <class... Args>
    session(std::shared_ptr<detail::server_impl> srv, session_id id, Args&&... args)
        : srv_(std::move(srv)), id_(id), ws_(std::forward<Args>(args)...),
          heartbeat_timer_(ws_.get_executor()) {}

    session_id id() const override { return id_; }

    void run() {
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            do_read_upgrade();
        } else {
            ws_.next_layer().async_handshake(
                ssl::stream_base::server,
                [self = this->shared_from_this()](beast::error_code ec) {
                    if (ec) {
                        ++self->srv_->stats.tls_handshake_failures;
                        return self->fail(ec, "TLS handshake");
                    }
                    self->do_read_upgrade();
                });
        }
    }

    void send(std::string frame) override {
        if (closed_) return;
        queued_bytes_ += frame.size();
        if (queued_bytes_ > srv_->options.send_queue_limit_bytes) {
            ++srv_->stats.slow_consumers_dropped;
            srv_->log("session " + std::to_string(id_) + ": client is not reading (send queue " +
                      std::to_string(queued_bytes_) + " bytes > limit " +
                      std::to_string(srv_->options.send_queue_limit_bytes) +
                      "), disconnecting (4008)");
            return drop();
        }
        queue_.push_back(std::move(frame));
        if (!writing_ && accepted_) do_write();
    }

    void close(std::uint16_t code, std::string reason) override {
        if (closed_ || close_code_) return;
        close_code_ = code;
        close_reason_ = std::move(reason);
        state = session_state::closing;
        if (!writing_) do_close();
    }

    void drop() override {
        if (closed_) return;
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(ws_).socket().close(ec);
        finish("dropped");
    }

private:
    void do_read_upgrade() {
        http::async_read(ws_.next_layer(), buffer_, upgrade_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->fail(ec, "HTTP upgrade read");
                             self->on_upgrade();
                         });
    }

    void on_upgrade() {
        const auto& o = srv_->options;
        std::string refusal;
        http::status status = http::status::bad_request;
        if (!websocket::is_upgrade(upgrade_)) {
            refusal = "not a WebSocket upgrade";
        } else if (upgrade_.target() != o.target) {
            refusal = "unknown path " + std::string(upgrade_.target());
            status = http::status::not_found;
        } else if (!offers_subprotocol(upgrade_[http::field::sec_websocket_protocol])) {
            refusal = "the client did not offer the subprotocol " + std::string(subprotocol);
        }
        if (!refusal.empty()) {
            srv_->log("session " + std::to_string(id_) + ": upgrade refused: " + refusal);
            auto res = std::make_shared<http::response<http::string_body>>(status, upgrade_.version());
            res->set(http::field::content_type, "text/plain");
            res->body() = refusal + "\n";
            res->prepare_payload();
            http::async_write(ws_.next_layer(), *res,
                              [self = this->shared_from_this(), res](beast::error_code, std::size_t) {
                                  self->drop();
                              });
            return;
        }
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(10);
        t.idle_timeout = websocket::stream_base::none();  // app-level heartbeats instead
        t.keep_alive_pings = false;
        ws_.set_option(t);
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(http::field::sec_websocket_protocol, std::string(subprotocol));
            res.set(http::field::server, "ctigw-pbxsim");
        }));
        ws_.read_message_max(srv_->options.limits.max_frame_bytes);
        ws_.async_accept(upgrade_, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->fail(ec, "WebSocket accept");
            self->accepted_ = true;
            self->last_received_ = self->last_sent_ = sim_clock::now();
            self->srv_->log("session " + std::to_string(self->id_) + ": connected");
            self->arm_heartbeat();
            self->do_read();
            if (!self->queue_.empty() && !self->writing_) self->do_write();
        });
    }

    static bool offers_subprotocol(std::string_view header) {
        // "a, b, ctigw.csta.v1": a comma-separated list.
        while (!header.empty()) {
            auto comma = header.find(',');
            auto item = header.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (item == subprotocol) return true;
            if (comma == std::string_view::npos) break;
            header.remove_prefix(comma + 1);
        }
        return false;
    }

    void do_read() {
        ws_.async_read(read_buffer_, [self = this->shared_from_this()](beast::error_code ec,
                                                                      std::size_t) {
            if (ec) return self->fail(ec, "read");
            self->last_received_ = sim_clock::now();
            ++self->srv_->stats.frames_received;
            try {
                const auto data = self->read_buffer_.cdata();
                std::string_view frame(static_cast<const char*>(data.data()), data.size());
                if (!self->ws_.got_text()) {
                    self->srv_->log("session " + std::to_string(self->id_) +
                                    ": binary frame ignored");
                } else {
                    self->srv_->on_frame(*self, frame);
                }
            } catch (const std::exception& e) {
                self->srv_->log("session " + std::to_string(self->id_) +
                                ": internal error: " + e.what());
                self->close(static_cast<std::uint16_t>(websocket::close_code::internal_error),
                            "internal error");
            }
            self->read_buffer_.consume(self->read_buffer_.size());
            if (!self->closed_) self->do_read();
        });
    }

    void do_write() {
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(queue_.front()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            self->writing_ = false;
                            if (ec) return self->fail(ec, "write");
                            ++self->srv_->stats.frames_sent;
                            self->last_sent_ = sim_clock::now();
                            self->queued_bytes_ -= self->queue_.front().size();
                            self->queue_.pop_front();
                            if (!self->queue_.empty()) return self->do_write();
                            if (self->close_code_) self->do_close();
                        });
    }

    void do_close() {
        if (!accepted_) return drop();
        srv_->log("session " + std::to_string(id_) + ": closing (" + std::to_string(*close_code_) +
                  " " + close_reason_ + ")");
        ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(*close_code_), close_reason_),
                        [self = this->shared_from_this()](beast::error_code) {
                            self->drop();
                        });
    }

    void arm_heartbeat() {
        heartbeat_timer_.expires_after(srv_->options.heartbeat_interval);
        heartbeat_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->closed_) return;
            self->on_heartbeat_timer();
            self->arm_heartbeat();
        });
    }

    void on_heartbeat_timer() {
        if (srv_->heartbeats_paused) return;
        const auto now = sim_clock::now();
        const auto interval = srv_->options.heartbeat_interval;
        if (now - last_received_ > interval * srv_->options.missed_heartbeats) {
            srv_->log("session " + std::to_string(id_) + ": nothing received for " +
                      std::to_string(srv_->options.missed_heartbeats) + " heartbeat intervals");
            return close(4002, "heartbeat timeout");
        }
        if (now - last_sent_ >= interval) {
            send(wire->encode(heartbeat{"s-hb-" + std::to_string(++heartbeat_count_)}));
        }
    }

    void fail(beast::error_code ec, const char* what) {
        if (ec != net::error::operation_aborted && ec != websocket::error::closed &&
            ec != net::error::eof && ec != net::ssl::error::stream_truncated) {
            srv_->log("session " + std::to_string(id_) + ": " + what + ": " + ec.message());
        }
        drop();
    }

    void finish(const char* how) {
        if (closed_) return;
        closed_ = true;
        heartbeat_timer_.cancel();
        if (accepted_) srv_->log("session " + std::to_string(id_) + ": " + how);
        srv_->session_closed(id_);
    }

    std::shared_ptr<detail::server_impl> srv_;
    session_id id_;
    websocket::stream<Stream> ws_;
    net::steady_timer heartbeat_timer_;
    beast::flat_buffer buffer_;
    beast::flat_buffer read_buffer_;
    http::request<http::string_body> upgrade_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool accepted_ = false;
    bool closed_ = false;
    std::optional<std::uint16_t> close_code_;
    std::string close_reason_;
    sim_clock::time_point last_received_{}, last_sent_{};
    std::uint64_t heartbeat_count_ = 0;
};

using plain_session = session<beast::tcp_stream>;
using tls_session = session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

// ---- server::impl ------------------------------------------------------------------------------

std::string detail::server_impl::start() {
    try {
        if (options.tls) {
            tls.emplace(ssl::context::tls_server);
            tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
            // The policy of every ctigw TLS endpoint; the knobs play old switches in tests.
            SSL_CTX* native = tls->native_handle();
            SSL_CTX_set_security_level(native, protocol::tls_policy::min_security_level);
            const std::string ciphers = options.tls_legacy_cipher_list.empty()
                                            ? protocol::tls_policy::tls12_cipher_list
                                            : options.tls_legacy_cipher_list;
            if (SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1 ||
                SSL_CTX_set_ciphersuites(native, protocol::tls_policy::tls13_ciphersuites) != 1) {
                return "TLS: no usable cipher in \"" + ciphers + "\"";
            }
            if (options.tls12_only) SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION);
            // Never OpenSSL's console prompt for an encrypted key: it would hang the server.
            SSL_CTX_set_default_passwd_cb(native, [](char*, int, int, void*) { return 0; });
            tls->use_certificate_chain_file(options.tls->certificate_chain.string());
            tls->use_private_key_file(options.tls->private_key.string(), ssl::context::pem);
            if (options.tls->client_ca) {
                tls->load_verify_file(options.tls->client_ca->string());
                tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
            }
        }
        tcp::endpoint ep(net::ip::make_address(options.bind_address), options.port);
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(net::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
        // The code's message only: what() carries Boost's source location, useless to a user.
        return options.bind_address + ":" + std::to_string(options.port) + ": " +
               e.code().message();
    } catch (const std::exception& e) {
        return e.what();
    }
    do_accept();
    arm_model_timer();
    return {};
}

void detail::server_impl::do_accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == net::error::operation_aborted) return;
            self->log("accept: " + ec.message());
        } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            ++self->stats.sessions_accepted;
            if (self->tls) {
                self->launch<tls_session>(std::move(socket), *self->tls);
            } else {
                self->launch<plain_session>(std::move(socket));
            }
        }
        if (self->acceptor.is_open()) self->do_accept();
    });
}

template <class Session, class... Args>
void detail::server_impl::launch(Args&&... args) {
    const session_id id = next_session++;
    auto s = std::make_shared<Session>(shared_from_this(), id, std::forward<Args>(args)...);
    sessions.emplace(id, s);
    stats.sessions_open = sessions.size();
    s->run();
}

void detail::server_impl::on_frame(session_base& s, std::string_view frame) {
    auto decoded = s.wire->decode(frame);
    if (!decoded.ok()) {
        const auto& err = decoded.error();
        ++stats.malformed_received;
        log("session " + std::to_string(s.id()) + ": malformed frame: " + err.to_string());
        if (err.request_id && s.state != session_state::closing) {
            // Answer the request so the client's request completes; the echo needs the raw name.
            nlohmann::json reply{{"type", "response"}, {"id", *err.request_id}};
            const bool unknown = err.code == decode_errc::unknown_service;
            if (err.service_index) {
                reply["service"] = std::string(service_name(*err.service_index));
            } else {
                auto raw = nlohmann::json::parse(frame, nullptr, false);
                reply["service"] = raw.is_object() && raw.contains("service") &&
                                           raw["service"].is_string()
                                       ? raw["service"]
                                       : nlohmann::json("?");
            }
            reply["error"] = {{"category", "operation"},
                              {"value", unknown ? "serviceNotSupported" : "valueOutOfRange"},
                              {"message", err.to_string()}};
            s.send(reply.dump());
        }
        return;
    }
    std::visit(
        [&](auto& m) {
            using M = std::remove_cvref_t<decltype(m)>;
            if constexpr (std::is_same_v<M, heartbeat>) {
                if (!heartbeats_paused) s.send(s.wire->encode(heartbeat_ack{m.id}));
            } else if constexpr (std::is_same_v<M, heartbeat_ack>) {
                // liveness only: last_received was updated by the read
            } else if constexpr (std::is_same_v<M, request>) {
                on_request(s, std::move(m));
            } else {
                ++stats.malformed_received;
                log("session " + std::to_string(s.id()) +
                    ": clients send requests and heartbeats only; frame ignored");
            }
        },
        decoded.value());
}

void detail::server_impl::on_request(session_base& s, request r) {
    const auto index = r.params.index();
    if (index == service_index_v<svc::hello>) {
        const auto& p = std::get<svc::hello::params>(r.params);
        if (s.state != session_state::awaiting_hello) {
            return send_response(s, make_error_response<svc::hello>(
                                        r.id, {error_category::operation, "generic",
                                               "Hello was already done on this session"}));
        }
        if (std::find(p.versions.begin(), p.versions.end(), protocol_version) == p.versions.end()) {
            send_response(s, make_error_response<svc::hello>(
                                 r.id, {error_category::operation,
                                        std::string(error_values::unsupported_version),
                                        "this switch speaks version 1"}));
            return s.close(4003, "unsupported version");
        }
        svc::hello::result res{protocol_version,
                               instance,
                               options.switch_name,
                               static_cast<std::uint32_t>(options.heartbeat_interval.count()),
                               options.max_batch_size,
                               static_cast<std::uint32_t>(options.limits.max_frame_bytes)};
        send_response(s, make_response<svc::hello>(r.id, res));
        return transition(s, session_state::awaiting_auth);
    }
    if (index == service_index_v<svc::authenticate>) {
        const auto& token = std::get<svc::authenticate::params>(r.params).token;
        if (s.state != session_state::awaiting_auth) {
            return send_response(s, make_error_response<svc::authenticate>(
                                        r.id, {error_category::security,
                                               std::string(error_values::not_authenticated),
                                               s.state == session_state::ready
                                                   ? "already authenticated"
                                                   : "send Hello first"}));
        }
        const bool ok = !options.token.empty() && token.size() == options.token.size() &&
                        CRYPTO_memcmp(token.data(), options.token.data(), token.size()) == 0;
        if (!ok) {
            log("session " + std::to_string(s.id()) + ": authentication failed");
            send_response(s, make_error_response<svc::authenticate>(
                                 r.id, {error_category::security,
                                        std::string(error_values::invalid_credentials), {}}));
            return s.close(4001, "authentication failed");
        }
        send_response(s, make_response<svc::authenticate>(r.id, {"s-" + std::to_string(s.id())}));
        return transition(s, session_state::ready);
    }
    if (s.state != session_state::ready) {
        return send_response(
            s, response{r.id, index,
                        csta_error{error_category::security,
                                   std::string(error_values::not_authenticated),
                                   "Hello and Authenticate first"}});
    }
    if (response_delay.count() > 0) {
        auto timer = std::make_shared<net::steady_timer>(io, response_delay);
        auto owner = sessions.at(s.id());
        timer->async_wait([self = shared_from_this(), timer, weak = std::weak_ptr(owner),
                           req = std::move(r)](beast::error_code ec) {
            auto live = weak.lock();
            if (ec || !live || !self->sessions.count(live->id())) return;
            try {
                self->execute(*live, req);
            } catch (const std::exception& e) {
                self->log(std::string("delayed request failed: ") + e.what());
            }
        });
        return;
    }
    execute(s, r);
}

void detail::server_impl::execute(session_base& s, const request& r) {
    const auto index = r.params.index();
    const auto name = service_name(index);
    if (auto it = stats.requests_by_service.find(name); it != stats.requests_by_service.end()) {
        ++it->second;
    } else {
        stats.requests_by_service.emplace(std::string(name), 1);
    }
    if (auto it = refusals.find(name); it != refusals.end() && it->second.remaining > 0) {
        auto err = it->second.error;
        if (--it->second.remaining == 0) refusals.erase(it);
        log("fault: refusing " + std::string(name) + " with " +
            std::string(protocol::to_string(err.category)) + "/" + err.value);
        return send_response(s, response{r.id, index, std::move(err)});
    }
    // Batched services: bounded by maxBatchSize (docs/protocol.md §5.2).
    std::size_t batch = 0;
    if (auto* p = std::get_if<svc::monitor_start_batch::params>(&r.params)) batch = p->devices.size();
    if (auto* p = std::get_if<svc::monitor_stop_batch::params>(&r.params)) batch = p->monitor_refs.size();
    if (auto* p = std::get_if<svc::snapshot_device_batch::params>(&r.params)) batch = p->devices.size();
    if (batch > options.max_batch_size) {
        return send_response(
            s, response{r.id, index,
                        csta_error{error_category::operation, "valueOutOfRange",
                                   std::to_string(batch) + " items > maxBatchSize " +
                                       std::to_string(options.max_batch_size)}});
    }
    auto res = model->handle(s.id(), r, sim_clock::now());
    if (const auto* err = std::get_if<csta_error>(&res.outcome)) {
        log("session " + std::to_string(s.id()) + ": " + std::string(name) + " refused: " +
            std::string(protocol::to_string(err->category)) + "/" + err->value +
            (err->message ? " (" + *err->message + ")" : ""));
    }
    send_response(s, res);
    flush_events();
}

// ---- server ------------------------------------------------------------------------------------

server::server(net::io_context& io, sim_config config, server_options options)
    : impl_(std::make_shared<detail::server_impl>(io, std::move(config), std::move(options))) {}

server::~server() {
    stop();
    // Sessions and the server point at each other; when the io_context stopped before the
    // closes completed, break the cycle here (the io thread is gone by now).
    impl_->sessions.clear();
    impl_->pending.clear();
}

std::string server::start() { return impl_->start(); }

void server::stop() {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->model_timer.cancel();
    auto sessions = impl_->sessions;  // close() may erase from the map
    for (auto& [id, s] : sessions) s->close(1001, "switch going away");
}

std::uint16_t server::port() const {
    beast::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

const std::string& server::instance_id() const { return impl_->instance; }
switch_model& server::model() { return *impl_->model; }
server_stats server::stats() const { return impl_->stats; }

void server::post(std::function<void()> fn) {
    net::post(impl_->io, [self = impl_, fn = std::move(fn)] {
        try {
            fn();
        } catch (const std::exception& e) {
            self->log(std::string("posted work failed: ") + e.what());
        }
    });
}

void server::with_model(const std::function<void(switch_model&, time_point)>& fn) {
    fn(*impl_->model, sim_clock::now());
    impl_->flush_events();
}

void server::drop_connections() {
    impl_->log("fault: dropping " + std::to_string(impl_->sessions.size()) + " connection(s)");
    auto sessions = impl_->sessions;
    for (auto& [id, s] : sessions) s->drop();
}

void server::pause_heartbeats(bool paused) {
    impl_->log(paused ? "fault: heartbeats paused" : "fault: heartbeats resumed");
    impl_->heartbeats_paused = paused;
}

void server::delay_responses(milliseconds delay) {
    impl_->log("fault: responses delayed by " + std::to_string(delay.count()) + " ms");
    impl_->response_delay = delay;
}

void server::send_malformed(std::uint32_t count) {
    impl_->log("fault: sending " + std::to_string(count) + " malformed frame(s) per session");
    for (auto& [id, s] : impl_->sessions) {
        for (std::uint32_t i = 0; i < count; ++i) {
            s->send(std::string(malformed_frames[i % malformed_frames.size()]));
        }
    }
}

void server::send_raw(std::string frame) {
    impl_->log("fault: sending a raw frame of " + std::to_string(frame.size()) + " bytes");
    for (auto& [id, s] : impl_->sessions) s->send(frame);
}

void server::close_sessions(std::uint16_t code, std::string reason) {
    impl_->log("fault: closing every session with code " + std::to_string(code));
    auto sessions = impl_->sessions;  // close() may erase from the map
    for (auto& [id, s] : sessions) s->close(code, reason);
}

void server::refuse_service(std::string service, csta_error error, std::uint32_t count) {
    impl_->log("fault: the next " + std::to_string(count) + " " + service + " will be refused");
    impl_->refusals[std::move(service)] = detail::server_impl::refusal{std::move(error), count};
}

void server::reorder_events(bool enabled) {
    impl_->log(enabled ? "fault: reordering events across calls" : "fault: event order restored");
    impl_->reorder = enabled;
}

void server::skip_sequence_number() {
    impl_->log("fault: skipping one event sequence number");
    for (auto& [id, s] : impl_->sessions) ++s->next_seq;
}

void server::send_system_status(system_status status) {
    impl_->log("systemStatus " + std::string(protocol::to_string(status)));
    for (auto& [id, s] : impl_->sessions) {
        if (s->state != session_state::ready) continue;
        s->send(s->wire->encode(system_status_message{s->next_seq++, status, {}}));
    }
}

void server::restart() {
    impl_->instance = random_hex(8);
    impl_->log("fault: restart (new instance " + impl_->instance + ")");
    auto sessions = impl_->sessions;
    for (auto& [id, s] : sessions) s->drop();
    impl_->model->restart();
    impl_->pending.clear();
    impl_->arm_model_timer();
}

}  // namespace ctigw::pbxsim
