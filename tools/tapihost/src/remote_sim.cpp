// The simulator's control port, as a sim_hook (remote_sim.hpp). Plain blocking sockets with a
// receive timeout: Winsock on Windows, BSD sockets elsewhere. No Asio: the host stays light.
#include "ctigw/tapihost/remote_sim.hpp"

#include <cstring>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
using socket_t = SOCKET;
constexpr socket_t no_socket = INVALID_SOCKET;
#else
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
using socket_t = int;
constexpr socket_t no_socket = -1;
#endif

namespace ctigw::tapihost {

namespace {

void close_socket(socket_t s) {
#if defined(_WIN32)
    ::closesocket(s);
#else
    ::close(s);
#endif
}

void set_receive_timeout(socket_t s, std::chrono::milliseconds t) {
#if defined(_WIN32)
    const DWORD ms = static_cast<DWORD>(t.count());
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&ms), sizeof ms);
#else
    timeval tv{};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(t.count() / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((t.count() % 1000) * 1000);
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
#endif
}

}  // namespace

struct remote_sim::impl {
    socket_t sock = no_socket;
    std::string pending;  // received bytes after the last complete line
    std::string where;
#if defined(_WIN32)
    bool wsa = false;
#endif
};

remote_sim::remote_sim() : impl_(std::make_unique<impl>()) {}

remote_sim::~remote_sim() {
    if (impl_->sock != no_socket) close_socket(impl_->sock);
#if defined(_WIN32)
    if (impl_->wsa) ::WSACleanup();
#endif
}

bool remote_sim::connected() const {
    return impl_->sock != no_socket;
}

std::string remote_sim::connect(const std::string& host_port, std::chrono::milliseconds timeout) {
    const auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size())
        return "expected HOST:PORT, got \"" + host_port + "\"";
    auto host = host_port.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto port = host_port.substr(colon + 1);
#if defined(_WIN32)
    if (!impl_->wsa) {
        WSADATA data;
        if (::WSAStartup(MAKEWORD(2, 2), &data) != 0) return "WSAStartup failed";
        impl_->wsa = true;
    }
#endif
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0 || !found)
        return "cannot resolve " + host_port;
    std::string err = "cannot connect to " + host_port;
    for (auto* a = found; a; a = a->ai_next) {
        const socket_t s = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (s == no_socket) continue;
#if defined(_WIN32)
        const int addr_len = static_cast<int>(a->ai_addrlen);
#else
        const socklen_t addr_len = a->ai_addrlen;
#endif
        if (::connect(s, a->ai_addr, addr_len) == 0) {
            set_receive_timeout(s, timeout);
            impl_->sock = s;
            impl_->where = host_port;
            err.clear();
            break;
        }
        close_socket(s);
    }
    ::freeaddrinfo(found);
    return err;
}

std::string remote_sim::exchange(const std::string& line, std::string& output) {
    if (impl_->sock == no_socket) return "not connected to the simulator's control port";
    if (line.find_first_of("\r\n") != std::string::npos) return "a command is one line";
    const std::string wire = line + "\n";
    for (std::size_t sent = 0; sent < wire.size();) {
#if defined(_WIN32)
        const auto n =
            ::send(impl_->sock, wire.data() + sent, static_cast<int>(wire.size() - sent), 0);
#else
        const auto n = ::send(impl_->sock, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
#endif
        if (n <= 0) return "control port " + impl_->where + ": send failed";
        sent += static_cast<std::size_t>(n);
    }
    output.clear();
    for (;;) {
        const auto eol = impl_->pending.find('\n');
        if (eol != std::string::npos) {
            std::string reply = impl_->pending.substr(0, eol);
            impl_->pending.erase(0, eol + 1);
            if (!reply.empty() && reply.back() == '\r') reply.pop_back();
            if (reply == "ok") return {};
            if (reply.rfind("error:", 0) == 0) {
                auto text = reply.substr(6);
                if (!text.empty() && text.front() == ' ') text.erase(0, 1);
                return text.empty() ? std::string("error") : text;
            }
            output += reply;
            output += '\n';
            continue;
        }
        char buf[4096];
        const auto n = ::recv(impl_->sock, buf, sizeof buf, 0);
        if (n <= 0) {
            close_socket(impl_->sock);
            impl_->sock = no_socket;
            return "control port " + impl_->where +
                   (n == 0 ? ": closed by the simulator" : ": no reply");
        }
        impl_->pending.append(buf, static_cast<std::size_t>(n));
        if (impl_->pending.size() > (1u << 20)) {
            // The rest of that reply would be read as the next command's: give the port up.
            close_socket(impl_->sock);
            impl_->sock = no_socket;
            impl_->pending.clear();
            return "control port " + impl_->where + ": reply too long";
        }
    }
}

std::string remote_sim::check(const std::string& command) {
    std::string ignored;
    return exchange("check " + command, ignored);
}

std::string remote_sim::execute(const std::string& command, std::string& output) {
    return exchange(command, output);
}

}  // namespace ctigw::tapihost
