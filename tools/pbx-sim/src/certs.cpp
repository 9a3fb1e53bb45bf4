#include "ctigw/pbxsim/certs.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace ctigw::pbxsim {
namespace {

template <class T, void (*Free)(T*)>
struct deleter {
    void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("certificate generation: ") + what);
}

pkey_ptr new_key(bool rsa = false) {
    pkey_ptr key(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
    if (!key) fail("EC key generation failed");
    return key;
}

std::string to_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        fail("writing the key");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string to_pem(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("writing the certificate");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

/// Never OpenSSL's console prompt: these keys are not encrypted.
int no_passphrase(char*, int, int, void*) {
    return 0;
}

pkey_ptr key_from_pem(const std::string& pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_passphrase, nullptr));
    if (!key) fail("reading a key");
    return key;
}

x509_ptr cert_from_pem(const std::string& pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) fail("reading a certificate");
    return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("adding an extension");
}

/// Serial numbers only need to differ between certificates of one CA.
long next_serial() {
    static std::atomic<long> serial{1000};
    return ++serial;
}

x509_ptr new_certificate(const std::string& common_name, EVP_PKEY* key, std::chrono::seconds from,
                         std::chrono::seconds to) {
    x509_ptr cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), next_serial());
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(from.count()));
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(to.count()));
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("ctigw test"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    return cert;
}

bool is_ip_address(const std::string& s) {
    return s.find(':') != std::string::npos ||
           s.find_first_not_of("0123456789.") == std::string::npos;
}

void write_file(const std::filesystem::path& path, const std::string& text, bool secret) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << text;
    out.close();
    if (secret) {
        std::filesystem::permissions(
            path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
}

}  // namespace

key_and_cert make_ca(const std::string& common_name) {
    auto key = new_key();
    auto cert = new_certificate(common_name, key.get(), std::chrono::hours(-1),
                                std::chrono::hours(24 * 3650));
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("signing the CA");
    return {to_pem(key.get()), to_pem(cert.get())};
}

key_and_cert issue_certificate(const key_and_cert& ca, const cert_request& request) {
    auto ca_key = key_from_pem(ca.key_pem);
    auto ca_cert = cert_from_pem(ca.cert_pem);
    auto key = new_key(request.rsa);
    auto cert =
        new_certificate(request.common_name, key.get(), request.not_before, request.not_after);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
    add_extension(cert.get(), ca_cert.get(), NID_basic_constraints,
                  request.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_extension(
        cert.get(), ca_cert.get(), NID_key_usage,
        request.rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
    add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage,
                  request.client ? "clientAuth" : "serverAuth");
    add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
    if (!request.alt_names.empty()) {
        std::string san;
        for (const auto& n : request.alt_names) {
            if (!san.empty()) san += ',';
            san += (is_ip_address(n) ? "IP:" : "DNS:") + n;
        }
        add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
    }
    if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) fail("signing a certificate");
    return {to_pem(key.get()), to_pem(cert.get())};
}

std::string encrypt_key_pem(const std::string& key_pem, const std::string& passphrase) {
    auto key = key_from_pem(key_pem);
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), passphrase.data(),
                                      static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
        fail("encrypting a key");
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string sha256_fingerprint(const std::string& cert_pem) {
    auto cert = cert_from_pem(cert_pem);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) fail("digest");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string write_demo_certificates(const std::filesystem::path& dir,
                                    const std::vector<std::string>& hosts) {
    try {
        std::filesystem::create_directories(dir);
        auto ca = make_ca("ctigw demo CA");
        cert_request server_req{hosts.empty() ? "localhost" : hosts.front(), hosts};
        auto server = issue_certificate(ca, server_req);
        cert_request client_req{"ctigw-tsp", {}};
        client_req.client = true;
        auto client = issue_certificate(ca, client_req);
        write_file(dir / "ca.pem", ca.cert_pem, false);
        write_file(dir / "ca-key.pem", ca.key_pem, true);
        write_file(dir / "server.pem", server.cert_pem, false);
        write_file(dir / "server-key.pem", server.key_pem, true);
        write_file(dir / "client.pem", client.cert_pem, false);
        write_file(dir / "client-key.pem", client.key_pem, true);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace ctigw::pbxsim
