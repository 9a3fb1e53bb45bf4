// Throwaway certificates for tests and demos: a CA, server and client certificates, and the odd
// ones the TLS tests need (expired, wrong host, from an unknown CA). EC P-256 keys, SHA-256.
//
// Thread safety: pure functions (OpenSSL 3 is thread-safe); any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ctigw::pbxsim {

/// A private key and its certificate, both PEM.
struct key_and_cert {
    std::string key_pem;
    std::string cert_pem;
};

struct cert_request {
    std::string common_name;
    /// subjectAltName entries: IP addresses ("127.0.0.1", "::1") or DNS names ("localhost").
    std::vector<std::string> alt_names;
    /// Validity window relative to now (negative start = already valid; negative end = expired).
    std::chrono::seconds not_before{-3600};
    std::chrono::seconds not_after{std::chrono::hours(24 * 365)};
    bool client = false;  ///< extendedKeyUsage clientAuth instead of serverAuth
    bool rsa = false;     ///< an RSA 2048 key instead of EC P-256 (for RSA-only cipher suites)
    bool ca = false;      ///< basicConstraints CA:TRUE on the leaf (a misissued certificate)
};

/// A self-signed CA. Throws std::runtime_error on OpenSSL failure.
key_and_cert make_ca(const std::string& common_name);
/// A leaf certificate signed by `ca`. Throws std::runtime_error on OpenSSL failure.
key_and_cert issue_certificate(const key_and_cert& ca, const cert_request& request);
/// `key_pem` encrypted with `passphrase` (PKCS#8, AES-256-CBC), as an operator's protected key.
/// Throws std::runtime_error on OpenSSL failure.
std::string encrypt_key_pem(const std::string& key_pem, const std::string& passphrase);
/// SHA-256 of the certificate's DER encoding, as 64 lower-case hex digits.
std::string sha256_fingerprint(const std::string& cert_pem);

/// Writes ca.pem, ca-key.pem, server.pem, server-key.pem (for `hosts`), client.pem and
/// client-key.pem into `dir` (created if needed; keys readable by the owner only).
/// Returns an error text, or empty on success.
std::string write_demo_certificates(const std::filesystem::path& dir,
                                    const std::vector<std::string>& hosts = {"localhost",
                                                                             "127.0.0.1", "::1"});

}  // namespace ctigw::pbxsim
