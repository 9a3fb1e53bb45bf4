// ctigw-config's check of the TLS files (tools/config-check/tls_files.hpp), with certificates
// made here (ctigw::pbxsim's throwaway CA): missing and unloadable files, a key that does not
// match, an encrypted key and its passphrase, certificates that expire soon or have expired.
#include "tls_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ctigw/config/loader.hpp"
#include "ctigw/pbxsim/certs.hpp"

namespace ctigw::config_check {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

constexpr auto day = std::chrono::hours(24);

class tls_files_test : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ctigw-tls-files-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        ca_ = pbxsim::make_ca("Test CA");
        write("ca.pem", ca_.cert_pem);
        const auto client = issue(365 * day);
        write("client.pem", client.cert_pem);
        write("client-key.pem", client.key_pem);
    }
    void TearDown() override { fs::remove_all(dir_); }

    pbxsim::key_and_cert issue(std::chrono::seconds not_after, bool ca = false) {
        pbxsim::cert_request r;
        r.common_name = "ctigw-client";
        r.client = true;
        r.ca = ca;
        r.not_after = not_after;
        if (not_after < 0s) r.not_before = not_after - 3600s;
        return pbxsim::issue_certificate(ca_, r);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name, std::ios::binary) << text;
    }

    /// Checks a configuration whose tls object is `tls` (on line 4, from column 17), with the
    /// files relative to the test's directory, as ctigw-config does. Diagnostics formatted.
    std::pair<std::vector<std::string>, std::vector<std::string>> check(const std::string& tls) {
        const std::string text =
            "{\n\"switch\": {\"endpoints\": [\"wss://pbx/csta\"],\n"
            "\"auth\": {\"tokenEnv\": \"T\"},\n"
            "\"tls\": {" +
            tls +
            "}},\n"
            "\"devices\": {\"lines\": [\"2001\"]}\n}\n";
        const auto loaded = config::load_text(text, dir_);
        EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : format(loaded.errors[0]));
        if (!loaded.ok()) return {};
        last_ = check_tls_files(loaded.value->link.tls, config::detail::position_index::build(text),
                                std::chrono::system_clock::now());
        std::pair<std::vector<std::string>, std::vector<std::string>> out;
        for (const auto& e : last_.errors) out.first.push_back(format(e));
        for (const auto& w : last_.warnings) out.second.push_back(format(w));
        return out;
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    fs::path dir_;
    pbxsim::key_and_cert ca_;
    tls_file_findings last_;
};

const std::string client_files =
    R"("clientCertificate": "client.pem", "clientKey": "client-key.pem")";

TEST_F(tls_files_test, valid_files_pass) {
    auto [errors, warnings] = check(R"("caFile": "ca.pem", )" + client_files);
    EXPECT_THAT(errors, IsEmpty());
    EXPECT_THAT(warnings, IsEmpty());
    EXPECT_EQ(last_.key_note, "client key loaded");
}

TEST_F(tls_files_test, missing_and_unloadable_files_are_located_errors) {
    auto [errors, warnings] = check(
        R"("caFile": "nope.pem", "clientCertificate": "gone.pem", "clientKey": "client-key.pem")");
    EXPECT_THAT(errors, ElementsAre("/switch/tls/caFile: \"" + path("nope.pem") +
                                        "\" does not exist (line 4, column 19)",
                                    "/switch/tls/clientCertificate: \"" + path("gone.pem") +
                                        "\" does not exist (line 4, column 52)"));
    write("garbage.pem", "not a certificate\n");
    std::tie(errors, warnings) = check(R"("caFile": "garbage.pem")");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_THAT(errors[0], ::testing::StartsWith("/switch/tls/caFile: cannot load caFile " +
                                                 path("garbage.pem") + ": "));
    std::tie(errors, warnings) = check(R"("caFile": ".")");
    EXPECT_THAT(errors, ElementsAre("/switch/tls/caFile: \"" + (dir_ / "").string() +
                                    "\" is not a file (line 4, column 19)"));
}

#if !defined(_WIN32)
// A config written for the Windows servers, checked on a Linux admin box: its C:/ paths cannot
// be opened here, which is said as a warning, not an error (the exit code stays 0).
TEST_F(tls_files_test, windows_paths_are_not_checked_on_another_system) {
    auto [errors, warnings] = check(
        R"("caFile": "C:/ProgramData/ctigw/ca.pem", "clientCertificate": "//srv/share/c.pem", )"
        R"("clientKey": "client-key.pem")");
    EXPECT_THAT(errors, IsEmpty());
    EXPECT_THAT(warnings,
                ElementsAre("/switch/tls/caFile: \"C:/ProgramData/ctigw/ca.pem\" is a path of the "
                            "Windows machine: not checked here (line 4, column 19)",
                            "/switch/tls/clientCertificate: \"//srv/share/c.pem\" is a path of the "
                            "Windows machine: not checked here (line 4, column 71)"));
}
#endif

TEST_F(tls_files_test, a_key_of_another_certificate_is_refused) {
    write("other-key.pem", issue(365 * day).key_pem);
    auto [errors, warnings] =
        check(R"("clientCertificate": "client.pem", "clientKey": "other-key.pem")");
    EXPECT_THAT(errors, ElementsAre("/switch/tls/clientKey: clientKey " + path("other-key.pem") +
                                    " does not match clientCertificate " + path("client.pem") +
                                    " (line 4, column 57)"));
}

TEST_F(tls_files_test, an_encrypted_key_loads_with_its_passphrase_only) {
    const auto client = issue(365 * day);
    write("client.pem", client.cert_pem);
    write("enc-key.pem", pbxsim::encrypt_key_pem(client.key_pem, "s3cret"));
    write("pass.txt", "s3cret\n");
    write("wrong.txt", "nope\n");
    auto [errors, warnings] = check(
        R"("clientCertificate": "client.pem", "clientKey": "enc-key.pem", "clientKeyPassphraseFile": "pass.txt")");
    EXPECT_THAT(errors, IsEmpty());
    EXPECT_EQ(last_.key_note, "client key loaded (decrypted with the passphrase from file " +
                                  path("pass.txt") + ")");
    std::tie(errors, warnings) = check(
        R"("clientCertificate": "client.pem", "clientKey": "enc-key.pem", "clientKeyPassphraseFile": "wrong.txt")");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_THAT(errors[0], ::testing::HasSubstr("/switch/tls/clientKey: cannot decrypt clientKey"));
    std::tie(errors, warnings) =
        check(R"("clientCertificate": "client.pem", "clientKey": "enc-key.pem")");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_THAT(errors[0], ::testing::HasSubstr("is encrypted and no passphrase is configured"));
}

TEST_F(tls_files_test, expiry_soon_is_a_warning_with_its_date_and_expired_an_error) {
    const auto soon = issue(10 * day + 1h);
    write("client.pem", soon.cert_pem);
    write("client-key.pem", soon.key_pem);
    auto [errors, warnings] = check(client_files);
    EXPECT_THAT(errors, IsEmpty());
    ASSERT_EQ(warnings.size(), 1U);
    const auto due =
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + 10 * day + 1h);
    const std::chrono::year_month_day ymd{due};
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    EXPECT_EQ(warnings[0],
              "/switch/tls/clientCertificate: certificate /O=ctigw test/CN=ctigw-client in \"" +
                  path("client.pem") + "\" expires on " + date +
                  ", in 10 days (line 4, column 30)");

    const auto expired = issue(-2 * day);
    write("client.pem", expired.cert_pem);
    write("client-key.pem", expired.key_pem);
    std::tie(errors, warnings) = check(client_files);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_THAT(errors[0], ::testing::StartsWith("/switch/tls/clientCertificate: certificate "
                                                 "/O=ctigw test/CN=ctigw-client in \"" +
                                                 path("client.pem") + "\" expired on "));
}

TEST_F(tls_files_test, a_ca_bundle_may_keep_an_expired_certificate_beside_a_valid_one) {
    write("old-ca.pem", issue(-2 * day, true).cert_pem);
    write("bundle.pem", ca_.cert_pem + issue(-2 * day, true).cert_pem);
    auto [errors, warnings] = check(R"("caFile": "bundle.pem")");
    EXPECT_THAT(errors, IsEmpty());
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_THAT(warnings[0], ::testing::HasSubstr("(the file's other certificates are valid)"));
    std::tie(errors, warnings) = check(R"("caFile": "old-ca.pem")");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_THAT(errors[0], ::testing::HasSubstr(" expired on "));
}

}  // namespace
}  // namespace ctigw::config_check
