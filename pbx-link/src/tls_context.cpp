#include "tls_context.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstring>
#include <memory>
#include <string_view>

#include "ctigw/protocol/tls_policy.hpp"
#include "endpoint.hpp"
#if defined(_WIN32)
#include "windows_trust.hpp"
#endif

namespace ctigw::pbx_link::detail {
namespace {

namespace ssl = boost::asio::ssl;
namespace policy = protocol::tls_policy;

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

/// The most recent OpenSSL error as text (the queue is cleared).
std::string openssl_reason() {
    const unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (e == 0) return "unknown OpenSSL error";
    if (const char* r = ERR_reason_error_string(e)) return r;
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    return buf.data();
}

/// What the passphrase callback reads: the configured passphrase while a key is being loaded.
struct passphrase_source {
    const std::string* passphrase;
    bool asked = false;
};

/// OpenSSL's PEM password callback. Without a source (no key being loaded) it refuses: OpenSSL's
/// default would prompt on the console and block the I/O thread.
int supply_passphrase(char* buf, int size, int /*rwflag*/, void* userdata) {
    auto* src = static_cast<passphrase_source*>(userdata);
    if (src == nullptr) return 0;
    src->asked = true;
    const std::string& p = *src->passphrase;
    if (p.empty() || size < 0 || p.size() > static_cast<std::size_t>(size)) return 0;
    // OpenSSL reads the length returned, not a terminator.
    std::memcpy(buf, p.data(), p.size());  // NOLINT(bugprone-not-null-terminated-result)
    return static_cast<int>(p.size());
}

int certificate_request_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

/// Called when the switch asks for a client certificate and the context has none: note it
/// (see watch_certificate_request) and send none.
int note_certificate_request(SSL* ssl, X509** /*cert*/, EVP_PKEY** /*key*/) {
    if (auto* requested = static_cast<bool*>(SSL_get_ex_data(ssl, certificate_request_index()))) {
        *requested = true;
    }
    return 0;
}

}  // namespace

// ---- the context ----------------------------------------------------------------------------

tls_context_factory::tls_context_factory(const tls_settings& settings, log_fn log)
    : settings_(settings), log_(std::move(log)) {}

std::string tls_context_factory::make(std::shared_ptr<ssl::context>& out) {
    try {
        auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
        SSL_CTX* native = ctx->native_handle();
        ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
        if (SSL_CTX_set_min_proto_version(
                native, settings_.tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION) != 1) {
            return "TLS configuration: cannot set the minimum protocol version";
        }
        if (auto e = apply_policy(native); !e.empty()) return "TLS configuration: " + e;
        if (auto e = load_trust(*ctx); !e.empty()) return "TLS configuration: " + e;
        if (auto e = load_client_identity(native, settings_); !e.empty()) {
            return "TLS configuration: " + e;
        }
        if (settings_.client_certificate.empty()) {
            SSL_CTX_set_client_cert_cb(native, &note_certificate_request);
        }
        if (!settings_.pinned_sha256.empty() && !normalize_pin(settings_.pinned_sha256)) {
            return "TLS configuration: pinned_sha256 is not 64 hex digits";
        }
        if (!settings_.verify_peer && !warned_unverified_) {
            warned_unverified_ = true;
            log_(log_level::warn, "pbx-link: certificate verification is OFF (configured)");
        }
        out = std::move(ctx);
        return {};
    } catch (const std::exception& e) {
        // File names are not secrets; key contents never reach the log.
        return std::string("TLS configuration: ") + e.what();
    }
}

std::string tls_context_factory::apply_policy(SSL_CTX* ctx) {
    // Explicit: OpenSSL builds differ in their default level (Debian 2, vcpkg/mingw 1).
    SSL_CTX_set_security_level(ctx, policy::min_security_level);
    const bool legacy = !settings_.cipher_list.empty();
    const char* list = legacy ? settings_.cipher_list.c_str() : policy::tls12_cipher_list;
    if (SSL_CTX_set_cipher_list(ctx, list) != 1) {
        ERR_clear_error();
        return "no usable TLS 1.2 cipher in cipherList \"" + std::string(list) + "\"";
    }
    if (SSL_CTX_set_ciphersuites(ctx, policy::tls13_ciphersuites) != 1) {
        ERR_clear_error();
        return "cannot set the TLS 1.3 cipher suites";
    }
    if (legacy && !warned_ciphers_) {
        warned_ciphers_ = true;
        log_(log_level::warn, "pbx-link: TLS 1.2 cipher list overridden by tls.cipherList (\"" +
                                  settings_.cipher_list +
                                  "\") instead of the ECDHE+AEAD policy: for an old switch only");
    }
    return {};
}

std::string tls_context_factory::load_trust(ssl::context& ctx) {
#if defined(_WIN32)
    // Windows: the machine's ROOT store always, and the configured CA file besides.
    std::string store_error;
    const int roots =
        add_windows_root_certificates(SSL_CTX_get_cert_store(ctx.native_handle()), store_error);
    // Read at every attempt (a root deployed meanwhile counts at the next one); said only when
    // it changes, not at every reconnection.
    if (!store_error.empty()) log_(log_level::warn, "pbx-link: " + store_error);
    if (roots != logged_root_count_) {
        logged_root_count_ = roots;
        log_(log_level::info, "pbx-link: trusting " + std::to_string(roots) +
                                  " certificates of the Windows ROOT store");
    }
    if (!settings_.ca_file.empty()) ctx.load_verify_file(settings_.ca_file);
#else
    if (settings_.ca_file.empty()) {
        ctx.set_default_verify_paths();
    } else {
        ctx.load_verify_file(settings_.ca_file);
    }
#endif
    if (!settings_.crl_file.empty()) {
        X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
        X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
        if (lookup == nullptr ||
            X509_load_crl_file(lookup, settings_.crl_file.c_str(), X509_FILETYPE_PEM) <= 0) {
            return "cannot load crlFile " + settings_.crl_file + ": " + openssl_reason();
        }
        // The leaf's issuer must have a CRL in the file, or the certificate is refused.
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
    return {};
}

// ---- the client identity -----------------------------------------------------------------------

std::string load_client_identity(SSL_CTX* ctx, const tls_settings& s) {
    SSL_CTX_set_default_passwd_cb(ctx, &supply_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    if (s.client_certificate.empty() && s.client_key.empty()) return {};
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, s.client_certificate.c_str()) != 1) {
        return "cannot load clientCertificate " + s.client_certificate + ": " + openssl_reason();
    }
    passphrase_source src{&s.client_key_passphrase};
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &src);
    const int loaded = SSL_CTX_use_PrivateKey_file(ctx, s.client_key.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);  // `src` dies here
    if (loaded != 1) {
        const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
        const std::string reason = openssl_reason();
        if (mismatch) {
            return "clientKey " + s.client_key + " does not match clientCertificate " +
                   s.client_certificate;
        }
        if (src.asked && s.client_key_passphrase.empty()) {
            return "clientKey " + s.client_key +
                   " is encrypted and no passphrase is configured (clientKeyPassphraseFile or "
                   "clientKeyPassphraseEnv)";
        }
        if (src.asked) {
            return "cannot decrypt clientKey " + s.client_key + ": wrong passphrase (" + reason +
                   ")";
        }
        return "cannot load clientKey " + s.client_key + ": " + reason;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        return "clientKey " + s.client_key + " does not match clientCertificate " +
               s.client_certificate;
    }
    return {};
}

// ---- the switch's certificate ----------------------------------------------------------------

void watch_certificate_request(SSL* ssl, bool* requested) {
    SSL_set_ex_data(ssl, certificate_request_index(), requested);
}

namespace {

bool check_certificate(bool preverified, ssl::verify_context& vc, const std::string& host,
                       std::string& refusal) {
    X509_STORE_CTX* ctx = vc.native_handle();
    const ssl::host_name_verification by_name(host);
    bool ok = by_name(preverified, vc);
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    if (ok && depth == 0) {
        // A CA certificate is not a server's: whoever holds its key can issue for any name.
        X509* leaf = X509_STORE_CTX_get_current_cert(ctx);
        if (leaf != nullptr && (X509_get_extension_flags(leaf) & EXFLAG_CA) != 0) {
            X509_STORE_CTX_set_error(ctx, X509_V_ERR_INVALID_PURPOSE);
            if (refusal.empty()) {
                refusal =
                    "certificate refused: the switch's certificate is a CA certificate "
                    "(basicConstraints CA:TRUE), not a server certificate (depth 0)";
            }
            return false;
        }
    }
    if (!ok && refusal.empty()) {
        int err = X509_STORE_CTX_get_error(ctx);
        if (err == X509_V_OK) {
            err = X509_V_ERR_HOSTNAME_MISMATCH;
            X509_STORE_CTX_set_error(ctx, err);
            refusal = "certificate refused: host name mismatch (not valid for " + host + ")";
        } else {
            refusal = std::string("certificate refused: ") + X509_verify_cert_error_string(err) +
                      " (depth " + std::to_string(depth) + ")";
        }
    }
    return ok;
}

}  // namespace

bool verify_certificate(bool preverified, ssl::verify_context& vc, const std::string& host,
                        std::string& refusal) {
    // Called from OpenSSL's C code: nothing may propagate. Out of memory refuses the certificate.
    try {
        return check_certificate(preverified, vc, host, refusal);
    } catch (...) {
        X509_STORE_CTX_set_error(vc.native_handle(), X509_V_ERR_OUT_OF_MEM);
        return false;
    }
}

std::string check_pin(SSL* ssl, const std::string& pinned) {
    const auto want = normalize_pin(pinned);
    if (!want) return "certificate refused: the configured pin is not a SHA-256";
    std::string got;
    if (X509* leaf = SSL_get1_peer_certificate(ssl)) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
        unsigned int len = 0;
        if (X509_digest(leaf, EVP_sha256(), md.data(), &len) == 1) got = hex(md.data(), len);
        X509_free(leaf);
    }
    if (got == *want) return {};
    return "certificate refused: pin mismatch (leaf SHA-256 " +
           (got.empty() ? std::string("unavailable") : got) + ")";
}

// ---- errors ----------------------------------------------------------------------------------

std::string describe_tls_error(const boost::beast::error_code& ec) {
    const auto text = ec.message();
    auto has = [&](std::string_view s) { return text.find(s) != std::string::npos; };
    if (has("certificate required")) {
        return "client certificate required by the switch (TLS alert: " + text + ")";
    }
    if (has("alert bad certificate") || has("alert unknown ca") ||
        has("alert certificate unknown") || has("alert certificate expired") ||
        has("alert certificate revoked") || has("alert unsupported certificate") ||
        has("alert access denied")) {
        return "client certificate refused by the switch (TLS alert: " + text + ")";
    }
    return "TLS failure: " + text;
}

bool is_tls_category(const boost::beast::error_code& ec) {
    return ec.category() == boost::asio::error::get_ssl_category() ||
           ec.category() == ssl::error::get_stream_category();
}

std::string describe_connection_error(const boost::beast::error_code& ec, const std::string& step,
                                      bool certificate_requested, bool have_client_certificate) {
    namespace error = boost::asio::error;
    if (certificate_requested && !have_client_certificate &&
        (is_tls_category(ec) || ec == error::eof || ec == error::connection_reset)) {
        // TLS 1.2 says only "handshake failure"; TLS 1.3 alerts "certificate required".
        const auto what = is_tls_category(ec) ? describe_tls_error(ec) : ec.message();
        return "client certificate required by the switch (clientCertificate/clientKey not "
               "configured; " +
               what + " during " + step + ")";
    }
    if (is_tls_category(ec) && ec != ssl::error::stream_truncated) {
        return describe_tls_error(ec) + " during " + step;
    }
    if (ec == error::eof || ec == ssl::error::stream_truncated || ec == error::connection_reset) {
        return "connection reset by the switch during " + step;
    }
    return step + ": " + ec.message();
}

}  // namespace ctigw::pbx_link::detail

namespace ctigw::pbx_link {

namespace {

/// Seconds since the epoch; ASN1_TIME_diff because time_t conversions differ between platforms.
std::int64_t epoch_seconds(const ASN1_TIME* t) {
    std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> epoch(ASN1_TIME_set(nullptr, 0),
                                                                &ASN1_TIME_free);
    int days = 0;
    int seconds = 0;
    if (!epoch || t == nullptr || ASN1_TIME_diff(&days, &seconds, epoch.get(), t) != 1) return 0;
    return std::int64_t{days} * 86400 + seconds;
}

certificate_info describe_certificate(X509* cert) {
    std::array<char, 256> subject{};
    X509_NAME_oneline(X509_get_subject_name(cert), subject.data(),
                      static_cast<int>(subject.size()));
    return {subject.data(), epoch_seconds(X509_get0_notBefore(cert)),
            epoch_seconds(X509_get0_notAfter(cert))};
}

}  // namespace

std::string check_client_identity(const tls_settings& tls, std::vector<certificate_info>* chain) {
    try {
        boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
        SSL_CTX* native = ctx.native_handle();
        auto error = detail::load_client_identity(native, tls);
        if (!error.empty() || chain == nullptr) return error;
        if (X509* leaf = SSL_CTX_get0_certificate(native))
            chain->push_back(describe_certificate(leaf));
        STACK_OF(X509)* rest = nullptr;
        if (SSL_CTX_get0_chain_certs(native, &rest) == 1 && rest != nullptr) {
            for (int i = 0; i < sk_X509_num(rest); ++i) {
                chain->push_back(describe_certificate(sk_X509_value(rest, i)));
            }
        }
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

std::string check_ca_file(const std::string& ca_file, std::vector<certificate_info>& certificates) {
    try {
        boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
        boost::system::error_code ec;
        ERR_clear_error();
        ctx.load_verify_file(ca_file, ec);  // as tls_context_factory::load_trust does
        if (ec) return "cannot load caFile " + ca_file + ": " + ec.message();
        X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
        STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
        for (int i = 0; objects != nullptr && i < sk_X509_OBJECT_num(objects); ++i) {
            // A CRL in the file loads too; it is not a certificate to trust.
            if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) {
                certificates.push_back(describe_certificate(cert));
            }
        }
        if (certificates.empty()) return "caFile " + ca_file + " holds no certificate";
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace ctigw::pbx_link
