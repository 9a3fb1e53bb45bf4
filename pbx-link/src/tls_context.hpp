// TLS for the link: the client context under the project's policy (ctigw/protocol/tls_policy.hpp),
// the client identity (an encrypted key included: never OpenSSL's console prompt, which would
// block the I/O thread), the checks of the switch's certificate, and TLS errors in an operator's
// words. Asio's and OpenSSL's headers stay in this file's .cpp, connection.cpp and link_io.cpp.
//
// Thread safety: tls_context_factory belongs to the link's I/O thread; the free functions are pure
// (or touch only the SSL object they are given) and run on any thread.
#pragma once

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>

#include <functional>
#include <memory>
#include <string>

#include "ctigw/pbx_link/link.hpp"
#include "endpoint.hpp"  // is_ip_literal

namespace ctigw::pbx_link::detail {

/// Builds one client context per connection attempt, so that a CA file, CRL or key replaced
/// meanwhile counts at the next attempt. Warnings about the configuration are logged once.
class tls_context_factory {
  public:
    using log_fn = std::function<void(int level, const std::string& line)>;
    tls_context_factory(const tls_settings& settings, log_fn log);

    /// Empty on success (`out` set), else why the context cannot be built.
    std::string make(std::shared_ptr<boost::asio::ssl::context>& out);

  private:
    std::string apply_policy(SSL_CTX* ctx);
    std::string load_trust(boost::asio::ssl::context& ctx);

    const tls_settings& settings_;
    log_fn log_;
    bool warned_ciphers_ = false;
    bool warned_unverified_ = false;
#ifdef _WIN32
    int logged_root_count_ = -1;  // the ROOT store's size last logged
#endif
};

/// Installs the passphrase callback on `ctx` (never a prompt) and loads the client certificate
/// chain and key of `settings`, if any. Empty on success, else the reason.
std::string load_client_identity(SSL_CTX* ctx, const tls_settings& settings);

/// Per connection: `*requested` becomes true when the switch asks for a client certificate
/// that the link does not have (the context was made without one). `requested` must outlive
/// the handshake.
void watch_certificate_request(SSL* ssl, bool* requested);

/// The verify callback: OpenSSL's chain verdict, then the host name (SAN DNS or IP), then a leaf
/// that is a CA (basicConstraints CA:TRUE) is refused. The first refusal's reason goes into
/// `refusal` (the handshake error only says "verify failed"). Never throws (OpenSSL calls it).
bool verify_certificate(bool preverified, boost::asio::ssl::verify_context& vc,
                        const std::string& host, std::string& refusal);

/// Readies a client TLS stream (a connection's or the primary probe's) for its handshake: SNI
/// for `host` (host names only, RFC 6066 §3, never IP literals) and, when `tls.verify_peer`, the
/// checks of verify_certificate against `host`, its refusal reason into `refusal`. `host` and
/// `refusal` must outlive the handshake. Empty, or why the stream cannot be readied.
template <class Stream>
std::string prepare_client_stream(Stream& stream, const tls_settings& tls, const std::string& host,
                                  std::string& refusal) {
    if (!is_ip_literal(host) && SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1)
        return "TLS: cannot set SNI to " + host;
    boost::system::error_code ec;
    if (tls.verify_peer) {
        stream.set_verify_mode(boost::asio::ssl::verify_peer, ec);
        if (!ec) {
            stream.set_verify_callback(
                [&host, &refusal](bool preverified, boost::asio::ssl::verify_context& vc) {
                    return verify_certificate(preverified, vc, host, refusal);
                },
                ec);
        }
    } else {
        stream.set_verify_mode(boost::asio::ssl::verify_none, ec);
    }
    return ec ? "TLS setup: " + ec.message() : std::string();
}

/// Compares the leaf's SHA-256 with `pinned` (not empty); empty when it matches, else why not.
std::string check_pin(SSL* ssl, const std::string& pinned);

/// A TLS error as an operator can act on it: server alerts about our client certificate are
/// named as such, the rest keep OpenSSL's reason string.
std::string describe_tls_error(const boost::beast::error_code& ec);

bool is_tls_category(const boost::beast::error_code& ec);

/// Why a connection failed at `step` ("TLS handshake", "read"...), as an operator can act on
/// it: a client certificate the switch asked for and we do not have (`certificate_requested`
/// by the switch, none configured), TLS alerts, resets; otherwise the step and the error.
std::string describe_connection_error(const boost::beast::error_code& ec, const std::string& step,
                                      bool certificate_requested, bool have_client_certificate);

}  // namespace ctigw::pbx_link::detail
