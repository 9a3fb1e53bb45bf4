#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

constexpr long day = 24 * 3600;

key_ptr make_key() {
    return key_ptr(EVP_EC_gen("P-256"), &EVP_PKEY_free);
}

// Self-signed certificate valid from `from` to `to` seconds relative to now.
x509_ptr make_cert(EVP_PKEY* key, const char* cn, long from, long to) {
    x509_ptr cert(X509_new(), &X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), from);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), to);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key);
    X509_sign(cert.get(), key, EVP_sha256());
    return cert;
}

class gateway_tls_check : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ctigw-gwtls-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path write_cert(const std::string& name, X509* cert) {
        const fs::path p = dir_ / name;
        bio_ptr b(BIO_new_file(p.c_str(), "wb"), &BIO_free);
        PEM_write_bio_X509(b.get(), cert);
        return p;
    }
    fs::path write_key(const std::string& name, EVP_PKEY* key, const std::string& pass = "") {
        const fs::path p = dir_ / name;
        bio_ptr b(BIO_new_file(p.c_str(), "wb"), &BIO_free);
        if (pass.empty()) {
            PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
        } else {
            PEM_write_bio_PrivateKey(b.get(), key, EVP_aes_256_cbc(),
                                     reinterpret_cast<const unsigned char*>(pass.data()),
                                     static_cast<int>(pass.size()), nullptr, nullptr);
        }
        return p;
    }
    fs::path write(const std::string& name, const std::string& content) {
        std::ofstream(dir_ / name) << content;
        return dir_ / name;
    }

    tls_settings settings(long from, long to) {
        key_ = make_key();
        tls_settings t;
        t.certificate_file = write_cert("chain.pem", make_cert(key_.get(), "gw", from, to).get());
        t.key_file = write_key("key.pem", key_.get());
        return t;
    }

    fs::path dir_;
    key_ptr key_{nullptr, &EVP_PKEY_free};
};

TEST_F(gateway_tls_check, valid_chain_and_key) {
    const auto r = check_tls_files(settings(-day, 365 * day));
    EXPECT_THAT(r.errors, IsEmpty());
    EXPECT_THAT(r.warnings, IsEmpty());
    EXPECT_TRUE(r.ok());
}

TEST_F(gateway_tls_check, nothing_to_check_without_tls) {
    EXPECT_TRUE(check_tls_files(tls_settings{}).ok());
}

TEST_F(gateway_tls_check, expiry_within_30_days_is_a_warning) {
    const auto r = check_tls_files(settings(-day, 10 * day));
    EXPECT_THAT(r.errors, IsEmpty());
    EXPECT_THAT(r.warnings, ElementsAre(AllOf(
                                Field(&config::diagnostic::pointer, "/tls/certificateFile"),
                                Field(&config::diagnostic::message, HasSubstr("/CN=gw")),
                                Field(&config::diagnostic::message, HasSubstr("within 30 days")))));
    // The same certificate checked 11 days later has expired.
    const auto later = check_tls_files(settings(-day, 10 * day),
                                       std::chrono::system_clock::now() + std::chrono::days(11));
    EXPECT_THAT(later.errors,
                ElementsAre(Field(&config::diagnostic::message, HasSubstr("expired on"))));
}

TEST_F(gateway_tls_check, not_yet_valid_is_an_error) {
    const auto r = check_tls_files(settings(2 * day, 365 * day));
    EXPECT_THAT(r.errors,
                ElementsAre(Field(&config::diagnostic::message, HasSubstr("is not valid before"))));
}

TEST_F(gateway_tls_check, key_must_match_the_leaf) {
    tls_settings t = settings(-day, 365 * day);
    key_ptr other = make_key();
    t.key_file = write_key("other.pem", other.get());
    const auto r = check_tls_files(t);
    EXPECT_THAT(r.errors, ElementsAre(AllOf(
                              Field(&config::diagnostic::pointer, "/tls/keyFile"),
                              Field(&config::diagnostic::message, HasSubstr("does not match")))));
}

TEST_F(gateway_tls_check, encrypted_key_with_passphrase_file_and_env) {
    tls_settings t = settings(-day, 365 * day);
    const std::string pass = "Tr0ub4dor-and-3-more-words";
    t.key_file = write_key("enc.pem", key_.get(), pass);
    t.key_passphrase = passphrase_source::file;
    t.key_passphrase_file = write("pass.txt", pass + "\n");
    EXPECT_TRUE(check_tls_files(t).ok());

    t.key_passphrase_file = write("wrong.txt", "not-the-passphrase\n");
    auto r = check_tls_files(t);
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_THAT(r.errors[0].message, HasSubstr("wrong or missing passphrase"));
    EXPECT_THAT(r.errors[0].message, Not(HasSubstr("not-the-passphrase")));

    t.key_passphrase = passphrase_source::environment;
    t.key_passphrase_env = "CTIGW_GWTLS_TEST_PASS";
    ::unsetenv(t.key_passphrase_env.c_str());
    r = check_tls_files(t);
    EXPECT_THAT(r.errors,
                ElementsAre(AllOf(Field(&config::diagnostic::pointer, "/tls/keyPassphraseEnv"),
                                  Field(&config::diagnostic::message, HasSubstr("is not set")))));
    ::setenv(t.key_passphrase_env.c_str(), pass.c_str(), 1);
    EXPECT_TRUE(check_tls_files(t).ok());
    ::unsetenv(t.key_passphrase_env.c_str());

    t.key_passphrase = passphrase_source::none;
    r = check_tls_files(t);
    EXPECT_THAT(r.errors, ElementsAre(Field(&config::diagnostic::message,
                                            HasSubstr("wrong or missing passphrase"))));
}

TEST_F(gateway_tls_check, unreadable_or_non_pem_files) {
    tls_settings t = settings(-day, 365 * day);
    t.client_ca_file = write("ca.pem", "not a certificate\n");
    auto r = check_tls_files(t);
    EXPECT_THAT(
        r.errors,
        ElementsAre(AllOf(Field(&config::diagnostic::pointer, "/tls/clientCaFile"),
                          Field(&config::diagnostic::message, HasSubstr("no PEM certificate")))));
    t.client_ca_file = t.certificate_file;  // any certificate will do as a CA bundle here
    t.key_file = dir_ / "missing.pem";
    r = check_tls_files(t);
    EXPECT_THAT(r.errors,
                ElementsAre(AllOf(Field(&config::diagnostic::pointer, "/tls/keyFile"),
                                  Field(&config::diagnostic::message, HasSubstr("cannot read")))));
    t.key_file =
        write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    r = check_tls_files(t);
    EXPECT_THAT(r.errors, ElementsAre(Field(&config::diagnostic::message,
                                            HasSubstr("no usable PEM private key"))));
}

}  // namespace
}  // namespace ctigw::gateway
