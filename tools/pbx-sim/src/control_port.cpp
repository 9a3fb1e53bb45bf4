// The control port (control_port.hpp): a TCP acceptor and line-oriented connections on the
// server's io_context. Each connection handles one line at a time: the command runs through
// server::post(), its reply is queued, then the next line is taken. Input is read only when no
// complete line is buffered and the client has taken its replies, so both buffers stay bounded.
#include "ctigw/pbxsim/control_port.hpp"

#include <array>
#include <boost/asio.hpp>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <vector>

#include "ctigw/pbxsim/control.hpp"

namespace ctigw::pbxsim {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t read_chunk_bytes = 4096;
/// After the last reply of a closing connection: how long, and how much, input is still read
/// and discarded so that unread input does not turn the close into a reset (losing the reply).
constexpr auto linger_time = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = 1024 * 1024;

bool is_blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\f\v");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\f\v");
    return s.substr(first, last - first + 1);
}

/// One line of error text: no CR/LF inside a terminator line.
std::string one_line(std::string_view s) {
    std::string r(trim(s));
    for (char& c : r) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return r.empty() ? std::string("failed") : r;
}

/// An output line that could be mistaken for a terminator gets a leading space.
void append_output_line(std::string& reply, std::string_view line) {
    if (line == "ok" || line.starts_with("error:")) reply += ' ';
    reply.append(line);
    reply += '\n';
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

/// The last line of a reply (its terminator), for the log.
std::string last_line(const std::string& reply) {
    auto lines = split_lines(reply);
    return lines.empty() ? std::string() : std::string(lines.back());
}

}  // namespace

// ---- free functions ------------------------------------------------------------------------

std::string check_control_address(std::string_view address, bool allow_any) {
    boost::system::error_code ec;
    auto ip = net::ip::make_address(std::string(address), ec);
    if (ec) return "\"" + std::string(address) + "\" is not an IP address";
    if (allow_any) return {};
    bool loopback = ip.is_loopback();
    if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
        loopback = net::ip::make_address_v4(net::ip::v4_mapped, ip.to_v6()).is_loopback();
    }
    if (loopback) return {};
    return std::string(address) +
           " is not a loopback address, and the control port has no authentication (allow it "
           "explicitly with --control-any)";
}

std::string format_endpoint(std::string_view host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string_view::npos;
    return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

std::string control_reply(server& srv, std::string_view line, bool& close) {
    close = false;
    std::string_view text = trim(line);
    if (text.empty()) return {};
    if (text.front() == '#') return "ok\n";  // a comment: nothing to do

    bool check_only = false;
    if (text == "check" || text.starts_with("check ") || text.starts_with("check\t")) {
        check_only = true;
        text = trim(text.substr(5));
        if (text.empty()) return "error: check: expected a command, e.g. check call 0301555 2001\n";
    }
    auto parsed = parse_command(text);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        return "error: " + one_line(*error) + "\n";
    }
    const auto& c = std::get<command>(parsed);
    if (check_only) return "ok\n";
    if (std::holds_alternative<cmd::quit>(c)) {
        close = true;  // this connection only; the simulator goes on
        return "ok\n";
    }

    std::ostringstream out;
    bool ok = false;
    std::string failure;
    try {
        command_executor executor(srv, out);
        ok = executor.execute(c);
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "internal error";
    }
    const std::string output = out.str();
    auto lines = split_lines(output);
    if (ok) {
        std::string reply;
        for (auto l : lines) append_output_line(reply, l);
        return reply + "ok\n";
    }
    // A failing command writes its reason as its last line (command_executor::execute).
    if (failure.empty()) {
        while (!lines.empty() && is_blank(lines.back())) lines.pop_back();
        if (!lines.empty()) {
            failure = std::string(lines.back());
            lines.pop_back();
        }
    }
    std::string reply;
    for (auto l : lines) append_output_line(reply, l);
    return reply + "error: " + one_line(failure) + "\n";
}

std::string format_ready_file(const ready_info& info) {
    std::string text = "listen " + info.listen + "\n";
    if (info.control) text += "control " + *info.control + "\n";
    text += "url " + info.url + "\n";
    return text;
}

std::string write_ready_file(const std::filesystem::path& path, const ready_info& info) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return "cannot write " + tmp.string();
        out << format_ready_file(info);
        out.flush();
        if (!out) return "cannot write " + tmp.string();
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
    }
    return {};
}

// ---- the port --------------------------------------------------------------------------------

namespace {
class control_connection;
}

struct detail::control_port_impl : std::enable_shared_from_this<detail::control_port_impl> {
    control_port_impl(net::io_context& io_, server& srv_, control_port_options o)
        : io(io_), srv(srv_), options(std::move(o)), acceptor(io_) {
        if (!options.log) {
            options.log = [](std::string_view line) {
                std::fprintf(stderr, "pbxsim: %.*s\n", static_cast<int>(line.size()), line.data());
            };
        }
        if (options.max_line_bytes == 0) options.max_line_bytes = 1;
    }

    void log(const std::string& line) const {
        try {
            options.log(line);
        } catch (...) {  // a logger must not take the port down
        }
    }

    void do_accept();
    void on_accepted(tcp::socket socket);
    void closed(std::uint64_t id) {
        connections.erase(id);
        refused.erase(id);
        lingering.erase(id);
    }
    /// A connection whose replies are all sent and that only waits for the client's close no
    /// longer counts as a client. @return false when too many linger already: close it now.
    bool start_lingering(std::uint64_t id) {
        auto node = connections.extract(id);
        if (node.empty()) node = refused.extract(id);
        if (node.empty() || lingering.size() >= 2 * options.max_clients) return false;
        lingering.insert(std::move(node));
        return true;
    }

    net::io_context& io;
    server& srv;
    control_port_options options;
    tcp::acceptor acceptor;
    std::map<std::uint64_t, std::shared_ptr<control_connection>> connections;
    /// Connections beyond max_clients, while they are told why (at most max_clients of them).
    std::map<std::uint64_t, std::shared_ptr<control_connection>> refused;
    /// Closing connections waiting (briefly) for the client's close (at most 2 * max_clients).
    std::map<std::uint64_t, std::shared_ptr<control_connection>> lingering;
    std::uint64_t next_id = 1;
    bool stopped = false;
};

namespace {

class control_connection : public std::enable_shared_from_this<control_connection> {
  public:
    control_connection(std::shared_ptr<detail::control_port_impl> owner, std::uint64_t id,
                       tcp::socket socket)
        : owner_(std::move(owner)),
          id_(id),
          socket_(std::move(socket)),
          linger_timer_(socket_.get_executor()) {}

    void start() { pump(); }

    /// Says why (one error line) and closes; for connections beyond the limit.
    void refuse(std::string why) {
        queue("error: " + why + "\n");
        closing_ = true;
        pump();
    }

    /// Closes at once (stop(), errors, the end of a close). Never throws.
    void close_now() noexcept {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ec;
        linger_timer_.cancel();
        socket_.close(ec);
        auto keep = shared_from_this();  // the owner's map may hold the last other reference
        owner_->closed(id_);
        try {
            owner_->log("control " + std::to_string(id_) + ": closed");
        } catch (...) {
        }
    }

  private:
    /// Runs a handler's body: no exception may leave an Asio handler.
    template <class F>
    void guarded(F&& body) noexcept {
        try {
            body();
        } catch (const std::exception& e) {
            owner_->log("control " + std::to_string(id_) + ": " + e.what());
            close_now();
        } catch (...) {
            close_now();
        }
    }

    /// Decides what comes next: run the next buffered line, read more, or finish closing.
    void pump() {
        if (closed_) return;
        const auto& o = owner_->options;
        while (!busy_ && !closing_ && pending_bytes_ <= o.max_pending_reply_bytes) {
            std::string line;
            const auto nl = input_.find('\n');
            if (nl != std::string::npos) {
                line = input_.substr(0, nl);
                input_.erase(0, nl + 1);
            } else if (input_.size() > o.max_line_bytes + 1) {  // + 1: a CR before the LF
                return too_long();
            } else if (eof_) {
                if (input_.empty()) {
                    closing_ = true;
                    break;
                }
                line = std::move(input_);  // a last line without LF
                input_.clear();
            } else {
                if (!reading_) do_read();
                return;
            }
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.size() > o.max_line_bytes) return too_long();
            if (is_blank(line)) continue;
            busy_ = true;
            owner_->srv.post(
                [self = shared_from_this(), line = std::move(line)] { self->execute(line); });
        }
        if (closing_ && !writing_ && pending_.empty()) linger();
    }

    /// On the server's thread, through server::post().
    void execute(const std::string& line) {
        busy_ = false;
        if (closed_) return;
        guarded([&] {
            std::string reply;
            bool close = false;
            try {
                reply = control_reply(owner_->srv, line, close);
            } catch (const std::exception& e) {
                reply = "error: " + one_line(e.what()) + "\n";
            }
            owner_->log("control " + std::to_string(id_) + ": " + line + " -> " + last_line(reply));
            queue(std::move(reply));
            if (close) closing_ = true;
            pump();
        });
    }

    void too_long() {
        owner_->log("control " + std::to_string(id_) + ": line longer than " +
                    std::to_string(owner_->options.max_line_bytes) + " bytes, closing");
        input_.clear();
        queue("error: line too long\n");
        closing_ = true;
        pump();
    }

    void do_read() {
        reading_ = true;
        socket_.async_read_some(
            net::buffer(chunk_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->reading_ = false;
                if (self->closed_) return;
                self->guarded([&] {
                    if (self->lingering_) {  // closing meanwhile: this read was the last line's
                        if (ec) return self->close_now();
                        return self->drain();
                    }
                    if (ec == net::error::eof) {
                        self->eof_ = true;
                    } else if (ec) {
                        return self->close_now();
                    } else {
                        self->input_.append(self->chunk_.data(), n);
                    }
                    self->pump();
                });
            });
    }

    void queue(std::string text) {
        if (text.empty() || closed_) return;
        pending_bytes_ += text.size();
        pending_.push_back(std::move(text));
        if (!writing_) do_write();
    }

    void do_write() {
        writing_ = true;
        net::async_write(socket_, net::buffer(pending_.front()),
                         [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             self->writing_ = false;
                             if (self->closed_) return;
                             if (ec) return self->close_now();
                             self->pending_bytes_ -= self->pending_.front().size();
                             self->pending_.pop_front();
                             self->guarded([&] {
                                 if (!self->pending_.empty()) return self->do_write();
                                 self->pump();
                             });
                         });
    }

    /// Everything is sent: FIN, then discard input until the client closes (or for a while).
    void linger() {
        if (lingering_) return;
        lingering_ = true;
        if (!owner_->start_lingering(id_)) return close_now();  // before the client sees FIN
        boost::system::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        if (ec || eof_) return close_now();
        linger_timer_.expires_after(linger_time);
        linger_timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
            if (!e) self->close_now();
        });
        drain();
    }

    void drain() {
        if (reading_) return;  // the read in flight comes back here
        reading_ = true;
        socket_.async_read_some(
            net::buffer(chunk_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->reading_ = false;
                self->drained_ += n;
                if (ec || self->closed_ || self->drained_ > linger_bytes) return self->close_now();
                self->guarded([&] { self->drain(); });
            });
    }

    std::shared_ptr<detail::control_port_impl> owner_;
    std::uint64_t id_;
    tcp::socket socket_;
    net::steady_timer linger_timer_;
    std::array<char, read_chunk_bytes> chunk_{};
    std::string input_;  ///< at most max_line_bytes + 1 + read_chunk_bytes
    std::deque<std::string> pending_;
    std::size_t pending_bytes_ = 0;
    std::size_t drained_ = 0;
    bool reading_ = false;
    bool writing_ = false;
    bool busy_ = false;  ///< a line is being executed
    bool eof_ = false;
    bool closing_ = false;  ///< no more lines: close once the replies are sent
    bool lingering_ = false;
    bool closed_ = false;
};

}  // namespace

void detail::control_port_impl::do_accept() {
    acceptor.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || self->stopped) return;
            try {
                if (ec) {
                    self->log("control: accept: " + ec.message());
                } else {
                    self->on_accepted(std::move(socket));
                }
            } catch (const std::exception& e) {  // no exception may leave an Asio handler
                self->log(std::string("control: ") + e.what());
            } catch (...) {
            }
            try {
                if (self->acceptor.is_open()) self->do_accept();
            } catch (...) {
                self->log("control: cannot accept any more clients");
            }
        });
}

void detail::control_port_impl::on_accepted(tcp::socket socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const auto peer = socket.remote_endpoint(ignored);
    const std::string from = format_endpoint(peer.address().to_string(), peer.port());
    const std::uint64_t id = next_id++;
    if (connections.size() >= options.max_clients) {
        log("control: refused " + from + ": " + std::to_string(connections.size()) +
            " clients connected, at most " + std::to_string(options.max_clients));
        if (refused.size() >= options.max_clients) return;  // closed without a word
        auto c = std::make_shared<control_connection>(shared_from_this(), id, std::move(socket));
        refused.emplace(id, c);
        c->refuse("too many control connections (at most " + std::to_string(options.max_clients) +
                  ")");
        return;
    }
    log("control " + std::to_string(id) + ": connected from " + from);
    auto c = std::make_shared<control_connection>(shared_from_this(), id, std::move(socket));
    connections.emplace(id, c);
    c->start();
}

control_port::control_port(net::io_context& io, server& srv, control_port_options options)
    : impl_(std::make_shared<detail::control_port_impl>(io, srv, std::move(options))) {}

control_port::~control_port() {
    stop();
}

std::string control_port::start() {
    auto& o = impl_->options;
    if (auto error = check_control_address(o.bind_address, o.allow_any_address); !error.empty()) {
        return error;
    }
    try {
        tcp::endpoint ep(net::ip::make_address(o.bind_address), o.port);
        impl_->acceptor.open(ep.protocol());
        impl_->acceptor.set_option(net::socket_base::reuse_address(true));
        impl_->acceptor.bind(ep);
        impl_->acceptor.listen(static_cast<int>(o.max_clients) + 8);
    } catch (const boost::system::system_error& e) {
        boost::system::error_code ignored;
        impl_->acceptor.close(ignored);
        return format_endpoint(o.bind_address, o.port) + ": " + e.code().message();
    }
    impl_->stopped = false;
    impl_->do_accept();
    return {};
}

void control_port::stop() {
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    auto connections = impl_->connections;  // close_now() erases from the maps
    connections.insert(impl_->refused.begin(), impl_->refused.end());
    connections.insert(impl_->lingering.begin(), impl_->lingering.end());
    for (auto& [id, c] : connections) c->close_now();
    impl_->connections.clear();
    impl_->refused.clear();
    impl_->lingering.clear();
}

std::uint16_t control_port::port() const {
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

std::size_t control_port::clients() const {
    return impl_->connections.size();
}

}  // namespace ctigw::pbxsim
