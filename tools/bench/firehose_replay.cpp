// ctigw-firehose --source replay: the fastest switch there can be, so that a client's own limits
// show. After the WebSocket upgrade it answers Hello, Authenticate, MonitorStartBatch and
// SnapshotDeviceBatch (no calls), acknowledges heartbeats, refuses every other service
// (operation/serviceNotSupported), and sends pre-encoded events: the same call mix as the gateway
// source (Delivered, Established, Held, Retrieved, ConnectionCleared per station, four call ids
// per station in turn), each frame with its seq and the current time as `timestamp`. Frames are
// framed by hand and written many per TLS write (Beast does the upgrade and the reading).
//
// Single-threaded: one io_context; a session's reads and writes run on it.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ctigw/protocol/codec.hpp"
#include "ctigw/protocol/timestamp.hpp"
#include "firehose.hpp"

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;
using namespace ctigw;

namespace ctigw::firehose {
namespace {

constexpr std::string_view placeholder = "2000-01-01T00:00:00.000000Z";
constexpr int calls_per_station = 4;
constexpr std::size_t write_chunk = 64 * 1024;

/// One pre-encoded event: `{"type":"event","seq":` + seq + `rest`, where `rest` holds the
/// monitorRef, the event and a timestamp placeholder at `stamp_at`.
struct frame_template {
    std::string rest;
    std::size_t stamp_at = 0;
};

std::vector<frame_template> make_templates(const std::vector<std::string>& stations) {
    using namespace protocol;
    std::vector<frame_template> out;
    out.reserve(stations.size() * calls_per_station * 5);
    for (int k = 0; k < calls_per_station; ++k) {
        for (const auto& d : stations) {
            const std::string call = "r-" + d + "-" + std::to_string(k);
            const connection_id c{call, d};
            const std::string caller = "+49301" + d + std::to_string(k);
            evt::delivered dl;
            dl.connection = c;
            dl.alerting_device = d;
            dl.calling_device = caller;
            dl.called_device = d;
            dl.local_connection_info = connection_state::alerting;
            dl.cause = event_cause::new_call;
            evt::established es;
            es.established_connection = c;
            es.answering_device = d;
            es.calling_device = caller;
            es.called_device = d;
            es.local_connection_info = connection_state::connected;
            es.cause = event_cause::normal;
            evt::held h;
            h.held_connection = c;
            h.holding_device = d;
            h.local_connection_info = connection_state::hold;
            h.cause = event_cause::normal;
            evt::retrieved r;
            r.retrieved_connection = c;
            r.retrieving_device = d;
            r.local_connection_info = connection_state::connected;
            r.cause = event_cause::normal;
            evt::connection_cleared cc;
            cc.dropped_connection = c;
            cc.releasing_device = d;
            cc.local_connection_info = connection_state::null;
            cc.cause = event_cause::normal;
            for (const event_body& body : std::vector<event_body>{dl, es, h, r, cc}) {
                // event_frame with seq 0, then everything after the seq is the template.
                const std::string whole =
                    event_frame(0, "m-" + d, encode_event_tail(body, std::string(placeholder)));
                const auto seq_end = whole.find(",\"monitorRef\"");
                frame_template t;
                t.rest = whole.substr(seq_end);
                t.stamp_at = t.rest.find(placeholder);
                out.push_back(std::move(t));
            }
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> sample_frames(const std::vector<std::string>& stations,
                                       std::size_t count) {
    const auto templates = make_templates(stations);
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& t = templates[i % templates.size()];
        std::string f = R"({"type":"event","seq":)" + std::to_string(i + 1);
        f += t.rest;
        out.push_back(std::move(f));
    }
    return out;
}

namespace {

/// The current time as a timestamp, into the placeholder's place.
void stamp_now(char* out) {
    const std::string text = protocol::format_timestamp(std::chrono::system_clock::now());
    std::memcpy(out, text.data(), placeholder.size());
}

/// Appends one unmasked text frame (server to client) holding `payload`.
void append_ws_frame(std::string& out, std::string_view payload) {
    out += static_cast<char>(0x81);  // FIN, text
    const std::size_t n = payload.size();
    if (n < 126) {
        out += static_cast<char>(n);
    } else if (n < 65536) {
        out += static_cast<char>(126);
        out += static_cast<char>((n >> 8) & 0xff);
        out += static_cast<char>(n & 0xff);
    } else {
        out += static_cast<char>(127);
        for (int i = 7; i >= 0; --i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    }
    out += payload;
}

class session : public std::enable_shared_from_this<session> {
  public:
    session(tcp::socket s, ssl::context& ctx, const options& o,
            const std::vector<frame_template>& templates, std::size_t stations)
        : ws_(std::move(s), ctx),
          o_(o),
          templates_(templates),
          stations_(stations),
          timer_(ws_.get_executor()) {}

    void start() {
        ws_.next_layer().async_handshake(ssl::stream_base::server,
                                         [self = shared_from_this()](beast::error_code ec) {
                                             if (!ec) self->accept();
                                         });
    }

  private:
    void accept() {
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(beast::http::field::sec_websocket_protocol, "ctigw.csta.v1");
        }));
        ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->read();
        });
    }

    void read() {
        ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->closed_ = true;
                return;
            }
            self->on_message(beast::buffers_to_string(self->in_.data()));
            self->in_.consume(self->in_.size());
            self->read();
        });
    }

    void reply(const json& j) {
        append_ws_frame(control_, j.dump());
        write();
    }

    void on_message(const std::string& text) {
        const json m = json::parse(text, nullptr, false);
        if (m.is_discarded()) return;
        const std::string type = m.value("type", "");
        if (type == "heartbeat") {
            reply({{"type", "heartbeatAck"}, {"id", m.value("id", "")}});
            return;
        }
        if (type != "request") return;
        const std::string service = m.value("service", "");
        json r = {{"type", "response"}, {"id", m.value("id", "")}, {"service", service}};
        const json& p = m.contains("params") ? m["params"] : json::object();
        if (service == "Hello") {
            r["result"] = {{"version", 2},
                           {"instanceId", "replay"},
                           {"switchName", "ctigw-firehose"},
                           {"heartbeatIntervalMs", 60000},
                           {"maxBatchSize", 5000}};
        } else if (service == "Authenticate") {
            if (p.value("token", "") != o_.token) {
                r["error"] = {{"category", "security"}, {"value", "invalidCredentials"}};
            } else {
                r["result"] = {{"sessionId", "s-1"}};
            }
        } else if (service == "MonitorStartBatch" || service == "SnapshotDeviceBatch") {
            json results = json::array();
            for (const auto& d : p.value("devices", json::array())) {
                const std::string dev = d.get<std::string>();
                if (service == "MonitorStartBatch")
                    results.push_back({{"device", dev}, {"monitorRef", "m-" + dev}});
                else
                    results.push_back({{"device", dev}, {"connections", json::array()}});
            }
            r["result"] = {{"results", results}};
            if (service == "SnapshotDeviceBatch") snapshots_ = true;
        } else {
            r["error"] = {{"category", "operation"}, {"value", "serviceNotSupported"}};
        }
        reply(r);
        if (snapshots_ && !pumping_) {
            pumping_ = true;
            started_ = steady::now();
            pump();
        }
    }

    /// Adds due event frames to the output, then writes.
    void pump() {
        if (closed_) return;
        std::size_t due = 0;
        if (o_.rate > 0) {
            const double t = std::chrono::duration<double>(steady::now() - started_).count();
            const auto total = static_cast<std::uint64_t>(o_.rate * t);
            due = total > sent_ ? static_cast<std::size_t>(total - sent_) : 0;
        } else if (!writing_ && events_.empty()) {
            due = write_chunk / 300 + 1;
        }
        if (due > 0) {
            char stamp[placeholder.size()];
            stamp_now(stamp);
            std::string payload;
            for (std::size_t i = 0; i < due; ++i) {
                const auto& t = templates_[next_++ % templates_.size()];
                payload.assign(R"({"type":"event","seq":)");
                payload += std::to_string(++seq_);
                const std::size_t base = payload.size();
                payload += t.rest;
                std::memcpy(payload.data() + base + t.stamp_at, stamp, sizeof stamp);
                append_ws_frame(events_, payload);
            }
            sent_ += due;
            write();
        }
        if (o_.rate > 0) {
            timer_.expires_after(o_.tick);
            timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
                if (!ec) self->pump();
            });
        }
    }

    void write() {
        if (writing_ || closed_) return;
        // Responses first, then events: a request is never stuck behind the stream.
        if (!control_.empty()) {
            out_.swap(control_);
        } else if (!events_.empty()) {
            out_.swap(events_);
        } else {
            return;
        }
        writing_ = true;
        net::async_write(ws_.next_layer(), net::buffer(out_),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->writing_ = false;
                             self->out_.clear();
                             if (ec) {
                                 self->closed_ = true;
                                 return;
                             }
                             self->write();
                             if (self->o_.rate <= 0 && self->pumping_) self->pump();
                         });
    }

    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
    const options& o_;
    const std::vector<frame_template>& templates_;
    std::size_t stations_;
    net::steady_timer timer_;
    beast::flat_buffer in_;
    std::string control_, events_, out_;
    bool writing_ = false, closed_ = false, snapshots_ = false, pumping_ = false;
    steady::time_point started_;
    std::uint64_t seq_ = 0, sent_ = 0;
    std::size_t next_ = 0;
};

}  // namespace

int run_replay(const options& o, const std::vector<std::string>& stations) {
    net::io_context io;
    ssl::context ctx(ssl::context::tls_server);
    ctx.use_certificate_chain_file((o.cert_dir / "server.pem").string());
    ctx.use_private_key_file((o.cert_dir / "server-key.pem").string(), ssl::context::pem);
    const auto templates = make_templates(stations);
    tcp::acceptor acceptor(io, {net::ip::make_address(o.host), o.port});
    const std::string url =
        "wss://" + o.host + ":" + std::to_string(acceptor.local_endpoint().port()) + "/csta";
    announce(o, url, stations.size(), "replay");
    std::function<void()> accept = [&] {
        acceptor.async_accept([&](beast::error_code ec, tcp::socket s) {
            if (ec) return;
            s.set_option(tcp::no_delay(true));
            std::make_shared<session>(std::move(s), ctx, o, templates, stations.size())->start();
            accept();
        });
    };
    accept();
    run_until_done(io, o, [] {});
    return 0;
}

}  // namespace ctigw::firehose
