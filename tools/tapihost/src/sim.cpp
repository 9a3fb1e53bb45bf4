// The in-process simulator (sim.hpp).
#include "ctigw/tapihost/sim.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#if defined(CTIGW_TAPIHOST_HAVE_PBXSIM)
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/loader.hpp"
#include "ctigw/config/token.hpp"
#include "ctigw/pbxsim/certs.hpp"
#include "ctigw/pbxsim/control.hpp"
#include "ctigw/pbxsim/server.hpp"
#endif

namespace ctigw::tapihost {

#if defined(CTIGW_TAPIHOST_HAVE_PBXSIM)

struct in_process_sim::impl {
    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::unique_ptr<pbxsim::server> server;
    std::thread thread;
    std::filesystem::path dir;
};

bool in_process_sim::available() {
    return true;
}

in_process_sim::in_process_sim() : impl_(std::make_unique<impl>()) {}

in_process_sim::~in_process_sim() {
    stop();
}

std::string in_process_sim::start(const std::set<std::string>& extensions,
                                  std::filesystem::path& config_path, bool verbose,
                                  const std::vector<acd_group_decl>& acd,
                                  const std::vector<std::pair<std::string, std::string>>& reasons) {
    std::random_device rd;
    std::ostringstream token;
    for (int i = 0; i < 4; ++i) token << std::hex << rd();
    std::error_code ec;
    impl_->dir = std::filesystem::temp_directory_path(ec) /
                 ("ctigw-tapihost-" + std::to_string(::getpid()) + "-" + token.str().substr(0, 6));
    std::filesystem::create_directories(impl_->dir, ec);
    if (ec) return "cannot create " + impl_->dir.string() + ": " + ec.message();
    if (auto err = pbxsim::write_demo_certificates(impl_->dir / "certs"); !err.empty())
        return "certificates: " + err;

    pbxsim::sim_config cfg;
    // One pickup group for `grouppickup <line> pickup1` (docs/tapihost.md).
    cfg.pickup_groups["pickup1"] = {"2001", "2002", "2003", "2004", "2005"};
    auto acd_of = [&](const std::string& e) -> const acd_group_decl* {
        for (const auto& g : acd)
            if (g.extension == e) return &g;
        return nullptr;
    };
    for (const auto& e : extensions) {
        const bool in_default = e.size() == 4 && e >= "2000" && e <= "2099";
        if (!in_default && !acd_of(e)) cfg.stations.push_back({e, e});
    }
    for (const auto& g : acd) {
        pbxsim::acd_group_config c;
        c.device = g.extension;
        c.name = g.name;
        c.agents = g.agents;
        if (g.wrapup) c.wrapup = *g.wrapup;
        cfg.acd_groups.push_back(std::move(c));
    }
    if (!reasons.empty()) {
        cfg.not_ready_reasons.clear();
        for (const auto& [code, name] : reasons) cfg.not_ready_reasons.push_back({code, name});
    }
    pbxsim::server_options opts;
    opts.port = 0;
    opts.token = token.str();
    opts.tls = pbxsim::tls_files{impl_->dir / "certs" / "server.pem",
                                 impl_->dir / "certs" / "server-key.pem",
                                 std::nullopt,
                                 {}};
    opts.log = [verbose](std::string_view text) {
        if (verbose)
            std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(text.size()), text.data());
    };
    std::promise<std::string> started;
    auto started_future = started.get_future();
    impl_->work.emplace(impl_->io.get_executor());
    impl_->thread = std::thread([this, cfg, opts, &started] {
        try {
            impl_->server = std::make_unique<pbxsim::server>(impl_->io, cfg, opts);
            started.set_value(impl_->server->start());
        } catch (const std::exception& e) {
            started.set_value(std::string("simulator: ") + e.what());
        }
        impl_->io.run();
    });
    if (auto err = started_future.get(); !err.empty()) return err;
    const auto port = impl_->server->port();

    const char* token_env = "CTIGW_TAPIHOST_TOKEN";
    ::setenv(token_env, opts.token.c_str(), 1);
    // ACD groups are lines with a role (docs/config.md) and no phone.
    std::string list, phones;
    for (const auto& e : extensions) {
        if (const auto* g = acd_of(e)) {
            list += std::string(list.empty() ? "" : ", ") + "{ \"extension\": \"" + e +
                    "\", \"name\": \"" + g->name + "\", \"options\": { \"role\": \"" + g->role +
                    "\" } }";
            continue;
        }
        list += (list.empty() ? "\"" : ", \"") + e + "\"";
        phones += (phones.empty() ? "\"" : ", \"") + e + "\"";
    }
    if (list.empty()) list = phones = "\"2001-2004\"";
    config_path = impl_->dir / "ctigw.json";
    std::ofstream cfg_file(config_path);
    cfg_file << "{\n"
             << "  \"switch\": {\n"
             << "    \"endpoints\": [\"wss://127.0.0.1:" << port << "/csta\"],\n"
             << "    \"tls\": { \"caFile\": \"certs/ca.pem\", \"serverName\": \"localhost\" },\n"
             << "    \"auth\": { \"tokenEnv\": \"" << token_env << "\" },\n"
             << "    \"timeouts\": { \"connectMs\": 2000, \"requestMs\": 5000, "
                "\"heartbeatIntervalMs\": 5000 },\n"
             << "    \"reconnect\": { \"initialMs\": 200, \"maxMs\": 2000 }\n"
             << "  },\n"
             << "  \"devices\": { \"lines\": [" << list << "], \"phones\": [" << phones << "] },\n"
             << "  \"logging\": { \"file\": \"ctigw.log\", \"level\": \"debug\" }\n"
             << "}\n";
    if (!cfg_file) return "cannot write " + config_path.string();
    return {};
}

std::string in_process_sim::start_for_config(const std::filesystem::path& config_path,
                                             bool verbose) {
    auto loaded = config::load_file(config_path);
    if (!loaded.ok()) {
        std::string text = "the config " + config_path.string() + " is not valid:";
        for (const auto& d : loaded.errors) text += "\n  " + config::format(d);
        return text;
    }
    const auto& s = *loaded.value;
    const auto& ep = s.link.endpoints.front();
    if (ep.host != "127.0.0.1" && ep.host != "localhost" && ep.host != "::1")
        return "the simulator only serves this machine, not " + ep.host;
    pbxsim::server_options opts;
    opts.bind_address = ep.host == "localhost" ? "127.0.0.1" : ep.host;
    opts.port = ep.port;
    opts.target = ep.target;
    if (ep.secure) {
        if (s.link.tls.ca_file.empty()) return "the config has no caFile for the demo CA";
        const auto dir = s.link.tls.ca_file.parent_path();
        std::error_code ec;
        if (!std::filesystem::exists(dir / "server.pem", ec) ||
            !std::filesystem::exists(s.link.tls.ca_file, ec)) {
            if (auto err = pbxsim::write_demo_certificates(dir); !err.empty())
                return "certificates: " + err;
        }
        opts.tls = pbxsim::tls_files{dir / "server.pem", dir / "server-key.pem", std::nullopt, {}};
    }
    if (s.link.auth.source == config::token_source::environment &&
        std::getenv(s.link.auth.token_env.c_str()) == nullptr) {
        std::random_device rd;
        std::ostringstream token;
        for (int i = 0; i < 4; ++i) token << std::hex << rd();
        ::setenv(s.link.auth.token_env.c_str(), token.str().c_str(), 1);
    }
    auto token = config::resolve_token(s.link.auth);
    if (!token.ok()) return "token: " + token.error();
    opts.token = token.value();
    opts.log = [verbose](std::string_view text) {
        if (verbose)
            std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(text.size()), text.data());
    };
    pbxsim::sim_config cfg;
    cfg.stations.clear();
    std::set<std::string> stations;
    for (const auto& d : config::expand(s.devices, config::device_kind::line))
        stations.insert(d.extension);
    for (const auto& d : config::expand(s.devices, config::device_kind::phone))
        stations.insert(d.extension);
    for (const auto& e : stations) cfg.stations.push_back({e, e});
    std::promise<std::string> started;
    auto started_future = started.get_future();
    impl_->work.emplace(impl_->io.get_executor());
    impl_->thread = std::thread([this, cfg, opts, &started] {
        try {
            impl_->server = std::make_unique<pbxsim::server>(impl_->io, cfg, opts);
            started.set_value(impl_->server->start());
        } catch (const std::exception& e) {
            started.set_value(std::string("simulator: ") + e.what());
        }
        impl_->io.run();
    });
    return started_future.get();
}

void in_process_sim::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    if (impl_->server) {  // null when the simulator could not be set up
        auto stopped = std::make_shared<std::promise<void>>();
        auto f = stopped->get_future();
        impl_->server->post([this, stopped] {
            impl_->server->stop();
            stopped->set_value();
        });
        f.wait_for(std::chrono::seconds(5));
    }
    impl_->work.reset();
    impl_->io.stop();
    impl_->thread.join();
    impl_->server.reset();
    if (!std::getenv("CTIGW_TAPIHOST_KEEP_TMP")) {
        std::error_code ec;
        std::filesystem::remove_all(impl_->dir, ec);
    }
}

unsigned short in_process_sim::port() const {
    return impl_->server ? impl_->server->port() : 0;
}

std::string in_process_sim::run_on_switch(
    const std::function<void(boost::asio::io_context&, pbxsim::server&)>& fn) {
    if (!impl_->server) return "the simulator is not running";
    auto done = std::make_shared<std::promise<std::string>>();
    auto f = done->get_future();
    impl_->server->post([this, fn, done] {
        try {
            fn(impl_->io, *impl_->server);
            done->set_value({});
        } catch (const std::exception& e) {
            done->set_value(e.what());
        }
    });
    // `fn` may hold references into the caller's frame: return only once it has run. A stuck
    // simulator is said every 10 s rather than left to a dangling reference.
    while (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        std::fprintf(stderr,
                     "ctigw-tapihost: the simulator has not run a task for 10 s; waiting\n");
    return f.get();
}

std::string in_process_sim::check(const std::string& command) {
    auto parsed = pbxsim::parse_command(command);
    if (auto* err = std::get_if<std::string>(&parsed)) return *err;
    return {};
}

std::string in_process_sim::execute(const std::string& command, std::string& output) {
    auto parsed = pbxsim::parse_command(command);
    if (auto* err = std::get_if<std::string>(&parsed)) return *err;
    if (!impl_->server) return "the simulator is not running";
    auto cmd = std::get<pbxsim::command>(parsed);
    // Shared: after a timeout the handler may still run and must not reach a dead promise.
    auto done = std::make_shared<std::promise<std::pair<bool, std::string>>>();
    auto f = done->get_future();
    impl_->server->post([this, cmd, done] {
        std::ostringstream out;
        pbxsim::command_executor exec(*impl_->server, out);
        const bool ok = exec.execute(cmd);
        done->set_value({ok, out.str()});
    });
    if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        return "the simulator did not answer within 10s";
    auto [ok, text] = f.get();
    output = text;
    return ok ? std::string() : std::string("command failed");
}

#else

struct in_process_sim::impl {};
bool in_process_sim::available() {
    return false;
}
in_process_sim::in_process_sim() = default;
in_process_sim::~in_process_sim() = default;
std::string in_process_sim::start(const std::set<std::string>&, std::filesystem::path&, bool,
                                  const std::vector<acd_group_decl>&,
                                  const std::vector<std::pair<std::string, std::string>>&) {
    return "this ctigw-tapihost was built without the pbx-sim library";
}
std::string in_process_sim::start_for_config(const std::filesystem::path&, bool) {
    return "this ctigw-tapihost was built without the pbx-sim library";
}
void in_process_sim::stop() {}
unsigned short in_process_sim::port() const {
    return 0;
}
std::string in_process_sim::run_on_switch(
    const std::function<void(boost::asio::io_context&, pbxsim::server&)>&) {
    return "this ctigw-tapihost was built without the pbx-sim library";
}
std::string in_process_sim::check(const std::string&) {
    return {};
}
std::string in_process_sim::execute(const std::string&, std::string&) {
    return "this ctigw-tapihost was built without the pbx-sim library";
}

#endif

}  // namespace ctigw::tapihost
