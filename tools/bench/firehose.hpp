// ctigw-firehose's two sources (firehose.cpp: the gateway on the simulator; firehose_replay.cpp:
// pre-encoded frames) and what they share. Single-threaded: each runs one io_context.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ctigw::firehose {

struct options {
    std::string source = "gateway";  ///< "gateway" or "replay"
    std::filesystem::path cert_dir;
    std::string token;
    std::string first = "2000";
    std::string last = "2099";
    double rate = 0;  ///< events/s; 0 = as fast as the clients take them
    /// A fixed rate's period: what is due goes out every tick, in one write with one stamp
    /// (10 frames per tick at 10,000/s with 1 ms; 100 µs sends them one by one).
    std::chrono::microseconds tick{1000};
    std::size_t window = 256 * 1024;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::filesystem::path ready_file;
    long seconds = 0;
};

/// Prints where it listens and writes the ready file ("url wss://...").
void announce(const options& o, const std::string& url, std::size_t stations, const char* source);
/// Runs `io` until SIGINT/SIGTERM or --seconds, calling `on_stop` first.
void run_until_done(boost::asio::io_context& io, const options& o, std::function<void()> on_stop);

int run_replay(const options& o, const std::vector<std::string>& stations);
/// `count` event frames of the replay source's mix (what its clients receive), for the floor.
std::vector<std::string> sample_frames(const std::vector<std::string>& stations, std::size_t count);

}  // namespace ctigw::firehose
