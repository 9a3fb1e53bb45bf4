// ctigw-firehose: a neutral event source for client benchmarks (docs/performance.md). It is the
// gateway's server on the simulator backend — the production path: the switch model raises the
// events, the server encodes each once and fans it out over TLS — driven as fast as its clients
// take the events, or at a fixed rate. Events carry the gateway's encoding time (the server's
// event_timestamps option, microseconds), so a client measures the latency from there.
//
// The mix: on each station in turn an outside call rings, is answered, held, retrieved and hung
// up: Delivered, Established, Held, Retrieved, ConnectionCleared for the station (~5 events per
// call, 230-430 bytes a frame).
//
//   ctigw-firehose --cert-dir DIR --token-file F --stations 2000-3999 [--rate EVENTS_PER_S]
//                  [--tick-us US] [--listen 127.0.0.1:0] [--ready-file F] [--window BYTES]
//                  [--seconds S]
//
// --rate 0 (the default): as fast as the clients take them — the source keeps adding calls while
// no session has more than --window bytes (default 256 KiB) waiting to be written. A fixed rate
// is kept by ticks of --tick-us (default 1000: at 10,000 events/s a burst of 10 frames, each
// frame's latency including the frames before it in its burst); a rate the clients cannot take
// shows as a shortfall in the per-second report on stderr. The ready file gets
// "url wss://HOST:PORT/csta" once listening. Runs until --seconds have passed (0: until killed).
//
// --source replay: pre-encoded frames instead (firehose_replay.cpp), for clients faster than the
// gateway. Single-threaded: the io_context runs the server, the model and the pacing.
#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ctigw/gateway/server.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "firehose.hpp"

namespace net = boost::asio;
using namespace ctigw;
using steady = std::chrono::steady_clock;
using firehose::options;

namespace {

int usage(const char* why) {
    std::fprintf(
        stderr,
        "ctigw-firehose: %s\nusage: ctigw-firehose --cert-dir DIR (--token T | --token-file F) "
        "--stations FIRST-LAST [--rate EVENTS_PER_S] [--tick-us US] [--listen HOST:PORT] "
        "[--ready-file F] [--window BYTES] [--seconds S]\n",
        why);
    return 2;
}

std::string read_token(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string t;
    std::getline(in, t);
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
}

/// One call's life on `station`, all at `now`: the model raises its events in order.
void one_call(gateway::sim::switch_model& m, const std::string& station, std::uint64_t n,
              gateway::sim::time_point now) {
    const auto call =
        m.external_call("+49301" + std::to_string(1000000 + n % 1000000), station, now);
    if (call.index() != 0) return;  // busy or refused: skip this station this round
    m.device_action(station, "answer", now);
    m.device_action(station, "hold", now);
    m.device_action(station, "retrieve", now);
    m.external_hangup(std::get<0>(call), now);
}

class pacer {
  public:
    pacer(net::io_context& io, gateway::server& server, gateway::sim_backend& backend,
          const options& o, std::vector<std::string> stations)
        : timer_(io), server_(server), backend_(backend), o_(o), stations_(std::move(stations)) {}

    void start() {
        started_ = steady::now();
        last_report_ = started_;
        tick();
    }

  private:
    void tick() {
        const auto now = steady::now();
        const auto st = server_.stats();
        const std::uint64_t encoded = st.events_encoded;
        if (st.monitors > 0 && st.send_queue_bytes_max < o_.window) {
            std::uint64_t target = encoded + 500;  // max mode: a slice (~170 KiB), then let I/O run
            if (o_.rate > 0) {
                const double due = o_.rate * std::chrono::duration<double>(now - started_).count();
                target = std::min<std::uint64_t>(static_cast<std::uint64_t>(due), target);
            } else {
                started_ = now;  // nothing owed in max mode
            }
            std::uint64_t made = encoded;
            while (made < target) {
                backend_.with_model([&](gateway::sim::switch_model& m, gateway::sim::time_point t) {
                    for (int i = 0; i < 16; ++i) {
                        one_call(m, stations_[next_ % stations_.size()], calls_++, t);
                        ++next_;
                    }
                });
                const auto after = server_.stats().events_encoded;
                if (after == made) break;  // nothing monitored among these stations
                made = after;
            }
        } else if (o_.rate > 0 && st.monitors == 0) {
            started_ = now;  // the rate counts from the first monitor
        }
        if (now - last_report_ >= std::chrono::seconds(1)) {
            const auto st2 = server_.stats();
            std::fprintf(stderr,
                         "firehose: %llu events/s encoded, %llu frames/s sent, queue max %zu B\n",
                         static_cast<unsigned long long>(st2.events_encoded - reported_encoded_),
                         static_cast<unsigned long long>(st2.events_sent - reported_sent_),
                         st2.send_queue_bytes_max);
            reported_encoded_ = st2.events_encoded;
            reported_sent_ = st2.events_sent;
            last_report_ = now;
        }
        // Max mode: straight on after a slice (the I/O ran meanwhile); a short sleep when the
        // clients' queues are full, so that the source does not spin on a core they need.
        timer_.expires_after(o_.rate > 0 ? o_.tick
                             : server_.stats().events_encoded > encoded
                                 ? std::chrono::microseconds(0)
                                 : std::chrono::microseconds(200));
        timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) tick();
        });
    }

    net::steady_timer timer_;
    gateway::server& server_;
    gateway::sim_backend& backend_;
    const options& o_;
    std::vector<std::string> stations_;
    std::size_t next_ = 0;
    std::uint64_t calls_ = 0;
    steady::time_point started_;
    steady::time_point last_report_;
    std::uint64_t reported_encoded_ = 0;
    std::uint64_t reported_sent_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return usage(("missing value of " + a).c_str());
        const std::string v = argv[++i];
        if (a == "--cert-dir") {
            o.cert_dir = v;
        } else if (a == "--token") {
            o.token = v;
        } else if (a == "--token-file") {
            o.token = read_token(v);
        } else if (a == "--stations") {
            const auto dash = v.find('-');
            if (dash == std::string::npos) return usage("--stations FIRST-LAST");
            o.first = v.substr(0, dash);
            o.last = v.substr(dash + 1);
        } else if (a == "--source") {
            if (v != "gateway" && v != "replay") return usage("--source gateway|replay");
            o.source = v;
        } else if (a == "--rate") {
            o.rate = std::atof(v.c_str());
        } else if (a == "--tick-us") {
            o.tick = std::chrono::microseconds(std::max(10L, std::atol(v.c_str())));
        } else if (a == "--window") {
            o.window = static_cast<std::size_t>(std::atol(v.c_str()));
        } else if (a == "--listen") {
            const auto colon = v.rfind(':');
            if (colon == std::string::npos) return usage("--listen HOST:PORT");
            o.host = v.substr(0, colon);
            o.port = static_cast<std::uint16_t>(std::atoi(v.c_str() + colon + 1));
        } else if (a == "--ready-file") {
            o.ready_file = v;
        } else if (a == "--seconds") {
            o.seconds = std::atol(v.c_str());
        } else {
            return usage(("unknown option " + a).c_str());
        }
    }
    if (o.cert_dir.empty() || o.token.empty()) return usage("--cert-dir and a token are required");
    const long first = std::atol(o.first.c_str());
    const long last = std::atol(o.last.c_str());
    if (last < first || o.first.size() != o.last.size()) return usage("bad --stations");

    std::vector<std::string> stations;
    for (long d = first; d <= last; ++d) {
        std::string s = std::to_string(d);
        s.insert(0, o.first.size() - std::min(o.first.size(), s.size()), '0');
        stations.push_back(std::move(s));
    }
    if (o.source == "replay") return firehose::run_replay(o, stations);

    net::io_context io;
    gateway::sim::sim_config config;
    config.stations = {{o.first, o.last}};
    gateway::sim_backend backend(io, config);
    gateway::server_options so;
    so.bind_address = o.host;
    so.port = o.port;
    so.tls = gateway::tls_files{o.cert_dir / "server.pem", o.cert_dir / "server-key.pem", {}, {}};
    so.authenticate = gateway::single_token(o.token);
    so.event_timestamps = true;
    so.switch_name = "ctigw-firehose";
    so.log = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    };
    gateway::server server(io, backend, so);
    if (auto err = server.start(); !err.empty()) {
        std::fprintf(stderr, "ctigw-firehose: %s\n", err.c_str());
        return 1;
    }
    firehose::announce(o, "wss://" + o.host + ":" + std::to_string(server.port()) + "/csta",
                       stations.size(), "gateway");
    pacer p(io, server, backend, o, std::move(stations));
    p.start();
    firehose::run_until_done(io, o, [&] { server.stop(); });
    const auto st = server.stats();
    std::printf("firehose: %llu events encoded, %llu event frames sent\n",
                static_cast<unsigned long long>(st.events_encoded),
                static_cast<unsigned long long>(st.events_sent));
    return 0;
}
