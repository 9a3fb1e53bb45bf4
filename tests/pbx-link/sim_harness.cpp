#include "sim_harness.hpp"

#include <boost/asio.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <stdexcept>
#include <thread>

namespace ctigw::pbx_link::testing {

namespace net = boost::asio;

namespace {
void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + p.string());
}
}  // namespace

const cert_files& cert_files::get() {
    static const cert_files files = [] {
        cert_files c;
        std::random_device rd;
        c.dir = std::filesystem::temp_directory_path() /
                ("ctigw-link-test-" + std::to_string(rd()) + std::to_string(::getpid()));
        std::filesystem::create_directories(c.dir);
        const auto ca_pair = pbxsim::make_ca("ctigw test CA");
        const auto other_ca = pbxsim::make_ca("some other CA");
        auto issue = [&](const pbxsim::key_and_cert& by, const std::string& name,
                         std::vector<std::string> alts, std::filesystem::path& cert,
                         std::filesystem::path& key, std::chrono::seconds nb = -3600s,
                         std::chrono::seconds na = std::chrono::hours(24), bool for_client = false,
                         bool rsa = false, bool is_ca = false) {
            pbxsim::cert_request r{name, std::move(alts), nb, na, for_client, rsa, is_ca};
            const auto kc = pbxsim::issue_certificate(by, r);
            cert = c.dir / (name + ".pem");
            key = c.dir / (name + "-key.pem");
            write_file(cert, kc.cert_pem);
            write_file(key, kc.key_pem);
            return kc;
        };
        c.ca = c.dir / "ca.pem";
        write_file(c.ca, ca_pair.cert_pem);
        const auto good =
            issue(ca_pair, "server", {"127.0.0.1", "::1", "localhost"}, c.server, c.server_key);
        c.server_sha256 = pbxsim::sha256_fingerprint(good.cert_pem);
        issue(ca_pair, "server2", {"127.0.0.1", "localhost"}, c.server2, c.server2_key);
        issue(ca_pair, "expired", {"127.0.0.1", "localhost"}, c.expired, c.expired_key,
              -std::chrono::hours(48), -std::chrono::hours(24));
        issue(ca_pair, "wrong", {"wrong.example.com"}, c.wrong_host, c.wrong_host_key);
        issue(other_ca, "unknown", {"127.0.0.1", "localhost"}, c.unknown, c.unknown_key);
        const auto client_pair = issue(ca_pair, "client", {}, c.client, c.client_key, -3600s,
                                       std::chrono::hours(24), true);
        c.client_key_encrypted = c.dir / "client-key-encrypted.pem";
        write_file(c.client_key_encrypted,
                   pbxsim::encrypt_key_pem(client_pair.key_pem, cert_files::client_key_passphrase));
        issue(ca_pair, "rsa-server", {"127.0.0.1", "localhost"}, c.rsa_server, c.rsa_server_key,
              -3600s, std::chrono::hours(24), false, true);
        issue(ca_pair, "ca-leaf", {"127.0.0.1", "localhost"}, c.ca_leaf, c.ca_leaf_key, -3600s,
              std::chrono::hours(24), false, false, true);
        return c;
    }();
    return files;
}

struct sim::impl {
    net::io_context io;
    net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
    std::unique_ptr<pbxsim::server> server;
    std::thread thread;
};

sim::sim(pbxsim::server_options options, pbxsim::sim_config config)
    : impl_(std::make_unique<impl>()) {
    if (!options.log) options.log = [](std::string_view) {};
    if (options.token.empty()) options.token = "secret-token";
    impl_->server =
        std::make_unique<pbxsim::server>(impl_->io, std::move(config), std::move(options));
    const auto error = impl_->server->start();  // before the thread runs: this is its thread
    if (!error.empty()) throw std::runtime_error("simulator: " + error);
    port_ = impl_->server->port();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

sim::~sim() {
    call([](pbxsim::server& s) { s.stop(); });
    // Let the close handshakes run briefly, then stop the loop.
    std::promise<void> later;
    auto timer = std::make_shared<net::steady_timer>(impl_->io, 100ms);
    timer->async_wait([&later, timer](boost::system::error_code) { later.set_value(); });
    later.get_future().wait_for(2s);
    impl_->io.stop();
    impl_->thread.join();
    impl_->server.reset();
}

void sim::call(const std::function<void(pbxsim::server&)>& fn) {
    std::promise<void> done;
    net::post(impl_->io, [&] {
        try {
            fn(*impl_->server);
        } catch (...) {
            done.set_exception(std::current_exception());
            return;
        }
        done.set_value();
    });
    done.get_future().get();
}

std::string sim::url(bool secure) const {
    return std::string(secure ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_) + "/csta";
}

pbxsim::server_options sim::tls_options(const std::filesystem::path& cert,
                                        const std::filesystem::path& key) {
    pbxsim::server_options o;
    o.tls = pbxsim::tls_files{cert, key, std::nullopt, {}};
    o.token = "secret-token";
    o.heartbeat_interval = 1000ms;
    return o;
}

std::uint16_t closed_port() {
    net::io_context io;
    net::ip::tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

struct slamming_door::impl {
    net::io_context io;
    net::ip::tcp::acceptor acceptor{io, {net::ip::make_address("127.0.0.1"), 0}};
    std::thread thread;
    std::function<void()> accept;
};

slamming_door::slamming_door() : impl_(std::make_unique<impl>()) {
    port_ = impl_->acceptor.local_endpoint().port();
    impl_->accept = [this] {
        impl_->acceptor.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket s) {
            if (ec) return;  // closed
            ++accepted_;
            s.close(ec);
            impl_->accept();
        });
    };
    impl_->accept();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

slamming_door::~slamming_door() {
    net::post(impl_->io, [this] {
        boost::system::error_code ec;
        impl_->acceptor.close(ec);
    });
    impl_->thread.join();  // run() returns once the aborted accept has been handled
}

// ---- recorder ----

void recorder::on_state(link_state from, link_state to, const std::string&) {
    std::lock_guard lock(mutex);
    states.emplace_back(from, to);
    state = to;
    changed();
}
void recorder::on_link_down(const link_down& why) {
    std::lock_guard lock(mutex);
    downs.push_back(why);
    state_at_down.push_back(state);
    changed();
}
void recorder::on_device_truth(const device_truth& truth) {
    std::lock_guard lock(mutex);
    truths.push_back(truth);
    changed();
}
void recorder::on_live() {
    std::lock_guard lock(mutex);
    ++lives;
    changed();
}
void recorder::on_event(const std::string& device, const protocol::event_message& event) {
    std::function<void()> hook;
    std::chrono::microseconds delay{};
    {
        std::lock_guard lock(mutex);
        events.emplace_back(device, event);
        hook = on_event_hook;
        delay = event_delay;
        changed();
    }
    if (hook) hook();
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
}
void recorder::on_system_status(protocol::system_status status) {
    std::lock_guard lock(mutex);
    statuses.push_back(status);
    changed();
}

void recorder::on_late_result(const protocol::service_result& result) {
    std::lock_guard lock(mutex);
    late_results.push_back(result);
    changed();
}
bool recorder::wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return cv_.wait_for(lock, timeout, pred);
}

// ---- log capture ----

log_sink log_capture::sink() {
    static const bool echo = std::getenv("CTIGW_LINK_TEST_LOG") != nullptr;
    return [s = s_](int, const std::string& line) {
        if (echo) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
            std::fprintf(stderr, "%lld %s\n", static_cast<long long>(us % 100000000), line.c_str());
        }
        std::lock_guard lock(s->mutex);
        s->lines.push_back(line);
        s->cv.notify_all();
    };
}
bool log_capture::contains(const std::string& text) const {
    return count(text) > 0;
}
std::size_t log_capture::count(const std::string& text) const {
    std::lock_guard lock(s_->mutex);
    std::size_t n = 0;
    for (const auto& l : s_->lines) n += l.find(text) != std::string::npos ? 1u : 0u;
    return n;
}
bool log_capture::wait_for(const std::string& text, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(s_->mutex);
    return s_->cv.wait_for(lock, timeout, [&] {
        for (const auto& l : s_->lines) {
            if (l.find(text) != std::string::npos) return true;
        }
        return false;
    });
}
std::vector<std::string> log_capture::lines() const {
    std::lock_guard lock(s_->mutex);
    return s_->lines;
}

}  // namespace ctigw::pbx_link::testing
