// The project's TLS policy, shared by every TLS endpoint it builds (the TSP's link, the gateway's
// server, the simulator): strings and numbers only, so that this header needs no OpenSSL.
//
// Mozilla "intermediate" (https://wiki.mozilla.org/Security/Server_Side_TLS, v5.7): TLS 1.2 with
// ECDHE and an AEAD cipher only (forward secrecy, no CBC, no RSA key exchange); TLS 1.3 with
// OpenSSL's suites (all AEAD). The security level is set explicitly because its default differs
// between builds: Debian's OpenSSL is built with level 2, a vcpkg/mingw OpenSSL with level 1.
#pragma once

namespace ctigw::protocol::tls_policy {

/// SSL_CTX_set_cipher_list: the TLS 1.2 suites, in order of preference.
inline constexpr const char* tls12_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// SSL_CTX_set_ciphersuites: the TLS 1.3 suites, OpenSSL's default set, spelled out so that
/// every build offers the same ones.
inline constexpr const char* tls13_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/// SSL_CTX_set_security_level: 112-bit security (RSA/DH keys >= 2048 bits, ECC >= 224 bits,
/// no RC4), also when an operator widens the cipher list for an old switch.
inline constexpr int min_security_level = 2;

}  // namespace ctigw::protocol::tls_policy
