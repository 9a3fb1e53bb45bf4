// check_tls_files: parses the TLS files with OpenSSL for `ctigw-gateway check`.

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>

#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway {

namespace {

using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

constexpr int warn_days = 30;
constexpr std::uintmax_t max_pem_size = std::uintmax_t{1024} * 1024;

// Wipes the passphrase when the check is done, whichever way it ends.
struct secret {
    std::string text;
    ~secret() { OPENSSL_cleanse(text.data(), text.size()); }
};

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
    const auto* s = static_cast<const secret*>(user);
    if (s == nullptr || s->text.empty() || size <= 0) return 0;
    const int n = std::min(size, static_cast<int>(s->text.size()));
    std::memcpy(buf, s->text.data(), static_cast<std::size_t>(n));
    return n;
}

std::string subject_of(X509* cert) {
    char buf[256];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    return buf;
}

std::string date_of(const ASN1_TIME* t) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return "?";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

class checker {
  public:
    explicit checker(std::chrono::system_clock::time_point now)
        : now_(std::chrono::system_clock::to_time_t(now)) {}

    tls_check_result run(const tls_settings& tls) {
        if (tls.certificate_file.empty()) return std::move(out_);
        auto chain = read_certificates(tls.certificate_file, "/tls/certificateFile");
        secret pass;
        const bool have_pass = read_passphrase(tls, pass);
        key_ptr key = have_pass ? read_key(tls.key_file, pass) : key_ptr(nullptr, &EVP_PKEY_free);
        if (key && !chain.empty() && X509_check_private_key(chain.front().get(), key.get()) != 1) {
            error("/tls/keyFile", "the private key in \"" + tls.key_file.string() +
                                      "\" does not match the first certificate of \"" +
                                      tls.certificate_file.string() + "\"");
        }
        if (!tls.client_ca_file.empty()) read_certificates(tls.client_ca_file, "/tls/clientCaFile");
        ERR_clear_error();
        return std::move(out_);
    }

  private:
    void error(std::string ptr, std::string message) {
        out_.errors.push_back({std::move(ptr), std::move(message), 0, 0});
    }
    void warning(std::string ptr, std::string message) {
        out_.warnings.push_back({std::move(ptr), std::move(message), 0, 0});
    }

    bio_ptr open(const std::filesystem::path& file, const std::string& ptr) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        if (ec) {
            error(ptr, "cannot read \"" + file.string() + "\": " + ec.message());
        } else if (size > max_pem_size) {
            error(ptr, "\"" + file.string() + "\" is larger than 1 MiB; expected PEM");
        } else if (bio_ptr b(BIO_new_file(file.c_str(), "rb"), &BIO_free); !b) {
            error(ptr, "cannot open \"" + file.string() + "\"");
        } else {
            return b;
        }
        return {nullptr, &BIO_free};
    }

    std::vector<x509_ptr> read_certificates(const std::filesystem::path& file,
                                            const std::string& ptr) {
        std::vector<x509_ptr> certs;
        bio_ptr b = open(file, ptr);
        if (!b) return certs;
        while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) {
            certs.emplace_back(c, &X509_free);
        }
        ERR_clear_error();  // the loop ends on "no start line"
        if (certs.empty()) {
            error(ptr, "no PEM certificate found in \"" + file.string() + "\"");
        }
        for (const auto& c : certs) check_validity(c.get(), file, ptr);
        return certs;
    }

    void check_validity(X509* cert, const std::filesystem::path& file, const std::string& ptr) {
        const std::string who = "certificate " + subject_of(cert) + " in \"" + file.string() + "\"";
        std::time_t now = now_;
        if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0) {
            error(ptr, who + " is not valid before " + date_of(X509_get0_notBefore(cert)));
            return;
        }
        if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0) {
            error(ptr, who + " expired on " + date_of(X509_get0_notAfter(cert)));
            return;
        }
        std::time_t soon = now_ + static_cast<std::time_t>(warn_days) * 24 * 3600;
        if (X509_cmp_time(X509_get0_notAfter(cert), &soon) < 0) {
            warning(ptr, who + " expires on " + date_of(X509_get0_notAfter(cert)) + ", within " +
                             std::to_string(warn_days) + " days");
        }
    }

    bool read_passphrase(const tls_settings& tls, secret& pass) {
        if (tls.key_passphrase == passphrase_source::environment) {
            const char* v = std::getenv(tls.key_passphrase_env.c_str());
            if (v == nullptr || *v == '\0') {
                error("/tls/keyPassphraseEnv",
                      "environment variable " + tls.key_passphrase_env + " is not set or empty");
                return false;
            }
            pass.text = v;
        } else if (tls.key_passphrase == passphrase_source::file) {
            const std::string name = "\"" + tls.key_passphrase_file.string() + "\"";
            std::ifstream in(tls.key_passphrase_file, std::ios::binary);
            if (!in) {
                error("/tls/keyPassphraseFile", "cannot open " + name);
                return false;
            }
            std::getline(in, pass.text);  // the first line; editors add a line break
            if (!pass.text.empty() && pass.text.back() == '\r') pass.text.pop_back();
            if (pass.text.empty()) {
                error("/tls/keyPassphraseFile", name + " is empty");
                return false;
            }
        }
        return true;
    }

    key_ptr read_key(const std::filesystem::path& file, secret& pass) {
        bio_ptr b = open(file, "/tls/keyFile");
        if (!b) return {nullptr, &EVP_PKEY_free};
        secret pem;  // key material: wiped like the passphrase
        char buf[4096];
        for (int n = 0; (n = BIO_read(b.get(), buf, sizeof buf)) > 0;) {
            pem.text.append(buf, static_cast<std::size_t>(n));
        }
        OPENSSL_cleanse(buf, sizeof buf);
        bio_ptr mem(BIO_new_mem_buf(pem.text.data(), static_cast<int>(pem.text.size())), &BIO_free);
        key_ptr key(mem ? PEM_read_bio_PrivateKey(mem.get(), nullptr, &passphrase_callback, &pass)
                        : nullptr,
                    &EVP_PKEY_free);
        if (!key) {
            // OpenSSL 3's decoders do not report a bad passphrase distinctly; the PEM headers do
            // say whether the key is encrypted (PKCS#8 or the traditional Proc-Type header).
            const bool encrypted = pem.text.find("ENCRYPTED") != std::string::npos;
            error("/tls/keyFile", encrypted
                                      ? "cannot decrypt the private key in \"" + file.string() +
                                            "\": wrong or missing passphrase (keyPassphraseFile or "
                                            "keyPassphraseEnv)"
                                      : "no usable PEM private key in \"" + file.string() + "\"");
            ERR_clear_error();
        }
        return key;
    }

    std::time_t now_;
    tls_check_result out_;
};

}  // namespace

tls_check_result check_tls_files(const tls_settings& tls,
                                 std::chrono::system_clock::time_point now) {
    try {
        return checker(now).run(tls);
    } catch (const std::exception& e) {
        tls_check_result r;
        r.errors.push_back(
            {"/tls", std::string("internal error while checking: ") + e.what(), 0, 0});
        return r;
    }
}

}  // namespace ctigw::gateway
