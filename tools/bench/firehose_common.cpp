// What ctigw-firehose's sources share (firehose.hpp): the ready file and the run loop.
#include <boost/asio.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "firehose.hpp"

namespace net = boost::asio;

namespace ctigw::firehose {

void announce(const options& o, const std::string& url, std::size_t stations, const char* source) {
    std::fprintf(stderr, "ctigw-firehose (%s) listening on %s (%zu stations, ", source, url.c_str(),
                 stations);
    if (o.rate > 0)
        std::fprintf(stderr, "%.0f events/s)\n", o.rate);
    else
        std::fprintf(stderr, "as fast as the clients take them)\n");
    if (!o.ready_file.empty()) {
        const auto tmp = o.ready_file.string() + ".tmp";
        std::ofstream(tmp) << "url " << url << "\n";
        std::filesystem::rename(tmp, o.ready_file);
    }
}

void run_until_done(net::io_context& io, const options& o, std::function<void()> on_stop) {
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        on_stop();
        io.stop();
    });
    net::steady_timer end(io);
    if (o.seconds > 0) {
        end.expires_after(std::chrono::seconds(o.seconds));
        end.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            on_stop();
            io.stop();
        });
    }
    io.run();
}

}  // namespace ctigw::firehose
