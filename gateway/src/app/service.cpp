// ctigw-gateway's process: the service (backend + server), reload, signals, systemd readiness.
#include "ctigw/gateway/app/service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "ctigw/gateway/app/logging.hpp"
#include "ctigw/gateway/app/options.hpp"
#include "ctigw/gateway/asterisk_backend.hpp"
#include "ctigw/gateway/sim_backend.hpp"
#include "ctigw/gateway/status_http.hpp"
#include "ctigw/protocol/log_safe.hpp"

namespace ctigw::gateway::app {

namespace net = boost::asio;

struct service::parts {
    std::shared_ptr<const access_control> clients;
    std::unique_ptr<switch_backend> backend;
    std::unique_ptr<server> srv;
    std::unique_ptr<status_server> status;  ///< when the config has a "status" section
};

service::service(net::io_context& io, std::filesystem::path config_file, gateway_settings settings,
                 std::shared_ptr<spdlog::logger> log, bool any_port)
    : io_(io),
      config_file_(std::move(config_file)),
      settings_(std::move(settings)),
      log_(std::move(log)),
      parts_(std::make_unique<parts>()),
      any_port_(any_port) {}

service::~service() = default;

std::string service::start() {
    parts_->clients = std::make_shared<const access_control>(settings_.clients);
    auto built = make_server_options(settings_, parts_->clients);
    if (!built.error.empty()) return built.error;
    if (any_port_) {
        for (auto& l : built.options.listeners) l.port = 0;
    }
    // The server's lines quote what peers sent (device IDs, decoder verdicts): escaped whole.
    built.options.log = [log = log_](std::string_view line) {
        log->info("{}", protocol::log_safe(line, 2000));
    };
    if (auto err = make_backend(); !err.empty()) return err;
    parts_->srv = std::make_unique<server>(io_, *parts_->backend, std::move(built.options));
    server_ = parts_->srv.get();
    if (auto err = server_->start(); !err.empty()) return err;
    for (const auto& url : urls()) log_->info("listening on {}", url);
    if (settings_.status) {
        if (auto err = start_status(); !err.empty()) return err;
    }
    log_->info("backend {}, {} client(s) configured", to_string(settings_.backend.type),
               settings_.clients.size());
    return {};
}

std::string service::make_backend() {
    if (settings_.backend.type == backend_type::sim) {
        parts_->backend =
            std::make_unique<sim_backend>(io_, make_sim_config(settings_.backend.sim));
        return {};
    }
    const auto& ast = settings_.backend.asterisk;
    std::string secret;
    std::string error;
    if (!read_secret(
            ast.ami.secret == secret_source::file ? ast.ami.secret_file : std::filesystem::path{},
            ast.ami.secret == secret_source::environment ? ast.ami.secret_env : std::string{},
            "backend.asterisk.ami.secret", secret, error)) {
        return error;
    }
    // The link and the backend escape what Asterisk sent before it reaches a line.
    parts_->backend = std::make_unique<asterisk_backend>(
        io_, ast, std::move(secret), [log = log_](config::log_level level, std::string_view line) {
            log_at(*log, level, line);
        });
    return {};
}

std::vector<std::uint16_t> service::ports() const {
    return server_ ? server_->ports() : std::vector<std::uint16_t>{};
}

std::optional<std::uint16_t> service::status_port() const {
    if (!parts_->status) return std::nullopt;
    return parts_->status->port();
}

std::vector<std::string> service::urls() const {
    std::vector<std::string> out;
    const auto bound = ports();
    for (std::size_t i = 0; i < settings_.listen.size() && i < bound.size(); ++i) {
        const auto& l = settings_.listen[i];
        const bool v6 = l.address.find(':') != std::string::npos;
        out.push_back(std::string(l.insecure ? "ws://" : "wss://") + (v6 ? "[" : "") + l.address +
                      (v6 ? "]" : "") + ":" + std::to_string(bound[i]) + l.path);
    }
    return out;
}

reload_outcome service::reload() {
    log_->info("reload: reading {}", config_file_.string());
    return apply(load_gateway_file(config_file_));
}

reload_outcome service::apply(const load_result& loaded) {
    reload_outcome out;
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics) out.diagnostics.push_back(config::format(d));
        log_->error("reload: {} is invalid; still running on the previous configuration",
                    config_file_.string());
        for (const auto& d : out.diagnostics) log_->error("reload: {}", d);
        return out;
    }
    const gateway_settings& next = *loaded.settings;
    out.restart_needed = restart_needed(settings_, next);
    for (const auto& section : out.restart_needed) {
        log_->warn("reload: \"{}\" changed; it takes effect at the next restart", section);
    }
    if (next.logging.level != settings_.logging.level) {
        set_level(*log_, next.logging.level);
        log_->info("reload: log level {}", to_string(next.logging.level));
    }
    // Clients, tokens and rights apply now; the rest keeps its running value until a restart.
    settings_.clients = next.clients;
    settings_.logging.level = next.logging.level;
    parts_->clients = std::make_shared<const access_control>(settings_.clients);
    if (server_) out.sessions = server_->replace_authenticator(make_authenticator(parts_->clients));
    out.applied = true;
    log_->info("reload: {} client(s); {} session(s) kept, {} closed, {} monitor(s) ended",
               settings_.clients.size(), out.sessions.sessions_kept, out.sessions.sessions_closed,
               out.sessions.monitors_ended);
    return out;
}

std::string service::start_status() {
    const auto started = std::chrono::steady_clock::now();
    status_options so;
    so.address = settings_.status->address;
    so.port = any_port_ ? 0 : settings_.status->port;
    // The names of the clients configured now: a reload may change them.
    so.snapshot = [this, started] {
        std::vector<std::string> names;
        for (const auto& c : parts_->clients->clients()) names.push_back(c.name);
        return make_status_snapshot(*parts_->srv, *parts_->backend, names, started);
    };
    so.log = [log = log_](std::string_view line) {
        log->info("status: {}", protocol::log_safe(line, 2000));
    };
    parts_->status = std::make_unique<status_server>(io_, std::move(so));
    if (auto err = parts_->status->start(); !err.empty()) return "status page: " + err;
    const bool v6 = settings_.status->address.find(':') != std::string::npos;
    log_->info("status page and /metrics on http://{}{}{}:{}/", v6 ? "[" : "",
               settings_.status->address, v6 ? "]" : "", parts_->status->port());
    return {};
}

void service::stop() {
    if (parts_->status) parts_->status->stop();
    if (server_) server_->stop();
}

std::size_t service::open_sessions() const {
    return server_ ? server_->stats().sessions_open : 0;
}

bool notify_systemd(const std::string& state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || *path == '\0') return true;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::size_t len = std::strlen(path);
    if (len >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) return false;
    std::memcpy(addr.sun_path, path, len);
    if (path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
    const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr*>(&addr), size);
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

namespace {

bool write_port_file(const std::filesystem::path& file, const std::vector<std::uint16_t>& ports) {
    const auto tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (auto p : ports) out << p << '\n';
        if (!out.flush()) return false;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    return !ec;
}

/// Serves signals: SIGHUP reloads, SIGTERM/SIGINT stop (then the io_context is stopped once
/// the sessions are closed, or after a grace period for peers that never answer the close).
class signal_loop {
  public:
    signal_loop(net::io_context& io, service& svc, spdlog::logger& log)
        : io_(io), svc_(svc), log_(log), signals_(io, SIGHUP, SIGTERM, SIGINT), timer_(io) {}

    void wait() {
        signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            try {
                if (sig == SIGHUP) {
                    notify_systemd("RELOADING=1");
                    svc_.reload();
                    notify_systemd("READY=1");
                    return wait();
                }
                log_.info("{}: stopping (sessions closed with 1001)",
                          sig == SIGTERM ? "SIGTERM" : "SIGINT");
                notify_systemd("STOPPING=1");
                svc_.stop();
                deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
                poll_stopped();
            } catch (const std::exception& e) {
                log_.error("signal handling failed: {}", e.what());
                io_.stop();
            }
        });
    }

  private:
    void poll_stopped() {
        if (svc_.open_sessions() == 0 || std::chrono::steady_clock::now() >= deadline_) {
            if (svc_.open_sessions() != 0) {
                log_.warn("{} session(s) did not finish closing; exiting", svc_.open_sessions());
            }
            io_.stop();
            return;
        }
        timer_.expires_after(std::chrono::milliseconds(50));
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) poll_stopped();
        });
    }

    net::io_context& io_;
    service& svc_;
    spdlog::logger& log_;
    net::signal_set signals_;
    net::steady_timer timer_;
    std::chrono::steady_clock::time_point deadline_{};
};

}  // namespace

int run(const run_options& options) {
    auto loaded = load_gateway_file(options.config);
    if (!loaded.ok()) {
        std::fprintf(stderr, "ctigw-gateway: %s is invalid:\n", options.config.string().c_str());
        for (const auto& d : loaded.diagnostics) {
            std::fprintf(stderr, "  %s\n", config::format(d).c_str());
        }
        return 1;
    }
    std::shared_ptr<spdlog::logger> log;
    try {
        log = make_logger(loaded.settings->logging, detect_log_target());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ctigw-gateway: cannot open the log: %s\n", e.what());
        return 1;
    }
    try {
        net::io_context io(1);
        service svc(io, options.config, std::move(*loaded.settings), log, options.any_port);
        log->info("ctigw-gateway {} starting with {}", CTIGW_VERSION, options.config.string());
        if (auto err = svc.start(); !err.empty()) {
            log->critical("cannot start: {}", err);
            return 1;
        }
        if (!options.port_file.empty() && !write_port_file(options.port_file, svc.ports())) {
            log->critical("cannot write the port file {}", options.port_file.string());
            return 1;
        }
        signal_loop signals(io, svc, *log);
        signals.wait();
        notify_systemd("READY=1");
        io.run();
        log->info("stopped");
        log->flush();
        return 0;
    } catch (const std::exception& e) {
        log->critical("fatal: {}", e.what());
        log->flush();
        return 1;
    }
}

}  // namespace ctigw::gateway::app
