// libFuzzer target for the gateway's request path: a hostile client's frames, after a valid
// Hello and Authenticate, go through the server's protocol core (decode, rights, monitors,
// snapshots, the simulator backend). Input: frames separated by '\n'. Every frame the gateway
// sends back must decode (it never emits what its own codec refuses); nothing may crash.
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ctigw/gateway/sim_backend.hpp"
#include "server_core.hpp"

namespace {

using namespace ctigw;

struct fuzz_session final : gateway::detail::session_base {
    explicit fuzz_session(gateway::detail::session_id id) : session_base(id) {}
    void send(std::string frame) override {
        auto r = checker->decode(frame);
        // The one frame our decoder may refuse: the answer to a request for an unknown service,
        // which echoes that service's name (protocol.md §4.1).
        if (!r.ok() && r.error().code != protocol::decode_errc::unknown_service) __builtin_trap();
    }
    void close(std::uint16_t, std::string) override { closed = true; }
    void drop() override { closed = true; }
    std::size_t queued_bytes() const override { return 0; }  // every frame is "written" at once
    std::unique_ptr<protocol::codec> checker = protocol::make_json_codec();
    bool closed = false;
};

constexpr std::string_view token = "fuzz-token-fuzz-token-fuzz";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::asio::io_context io;
    gateway::sim::sim_config sim;
    sim.stations = {{"2000", "2009"}};
    gateway::sim_backend backend(io, sim);
    gateway::server_options options;
    options.log = [](std::string_view) {};
    // A client with every right on 2000-2004 and none on the rest: both paths of the checks.
    options.authenticate = [](std::string_view t) -> std::optional<gateway::client_identity> {
        if (t != token) return std::nullopt;
        return gateway::client_identity{"fuzz", [](std::string_view d) {
                                            return d >= "2000" && d <= "2004"
                                                       ? gateway::access::control
                                                       : gateway::access::none;
                                        }};
    };
    auto core = std::make_shared<gateway::detail::server_core>(backend, options);
    core->schedule = [](std::chrono::milliseconds, std::function<void()>) {};
    backend.attach(*core);
    auto s = std::make_shared<fuzz_session>(1);
    core->session_opened(s);
    core->on_frame(
        *s,
        R"({"type":"request","id":"h","service":"Hello","params":{"versions":[1],"clientName":"fuzz","clientVersion":"1"}})");
    core->on_frame(
        *s,
        std::string(R"({"type":"request","id":"a","service":"Authenticate","params":{"token":")") +
            std::string(token) + "\"}}");
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty() && !s->closed) {
        const auto end = input.find('\n');
        core->on_frame(*s, input.substr(0, end));
        io.poll();
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    }
    core->session_closed(s->id());
    return 0;
}
