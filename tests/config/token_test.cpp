#include "ctigw/config/token.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace ctigw::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

// A private scratch directory removed at the end of each test.
class config_token : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("ctigw-token-test-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& content) {
        const fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }

    static auth_settings from_file(const fs::path& p) {
        auth_settings a;
        a.source = token_source::file;
        a.token_file = p;
        return a;
    }

    static auth_settings from_env(const std::string& name) {
        auth_settings a;
        a.source = token_source::environment;
        a.token_env = name;
        return a;
    }

    fs::path dir_;
};

TEST_F(config_token, reads_and_trims_file) {
    const auto r = resolve_token(from_file(write("t", "\xEF\xBB\xBF  test-token-value\r\n")));
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.value(), "test-token-value");
}

TEST_F(config_token, file_errors_never_echo_content) {
    auto r = resolve_token(from_file(write("e", " \n\t")));
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error(), HasSubstr("is empty"));

    r = resolve_token(from_file(write("w", "abc def-not-a-real-secret")));
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error(), HasSubstr("whitespace or control characters"));
    EXPECT_THAT(r.error(), Not(HasSubstr("not-a-real-secret")));

    r = resolve_token(from_file(dir_ / "missing"));
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error(), HasSubstr("cannot read token file"));

    r = resolve_token(from_file(write("big", std::string(70000, 'a'))));
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error(), HasSubstr("larger than 64 KiB"));
}

TEST_F(config_token, reads_environment) {
    const std::string name = "CTIGW_TEST_TOKEN_" + std::to_string(std::random_device{}() % 100000);
    ASSERT_EQ(::setenv(name.c_str(), " env-token \n", 1), 0);
    auto r = resolve_token(from_env(name));
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.value(), "env-token");

    ASSERT_EQ(::setenv(name.c_str(), "", 1), 0);
    r = resolve_token(from_env(name));
    EXPECT_EQ(r.error(), "environment variable " + name + " is empty");

    ASSERT_EQ(::unsetenv(name.c_str()), 0);
    r = resolve_token(from_env(name));
    EXPECT_EQ(r.error(), "environment variable " + name + " is not set");
}

TEST_F(config_token, key_passphrase_from_file_env_or_none) {
    tls_settings t;
    auto none = resolve_key_passphrase(t);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.value(), "");
    // Inner and leading spaces belong to the passphrase; the line end an editor adds does not.
    t.client_key_passphrase_file = write("p", "\xEF\xBB\xBF correct horse \r\n");
    auto from_file = resolve_key_passphrase(t);
    ASSERT_TRUE(from_file.ok()) << from_file.error();
    EXPECT_EQ(from_file.value(), " correct horse ");
    t.client_key_passphrase_file = write("empty", "\n");
    auto empty = resolve_key_passphrase(t);
    ASSERT_FALSE(empty.ok());
    EXPECT_THAT(empty.error(), HasSubstr("is empty"));
    t.client_key_passphrase_file = dir_ / "missing";
    EXPECT_FALSE(resolve_key_passphrase(t).ok());
    t.client_key_passphrase_file.clear();
    t.client_key_passphrase_env = "CTIGW_TEST_KEY_PASS_UNSET_42";
    auto unset = resolve_key_passphrase(t);
    ASSERT_FALSE(unset.ok());
    EXPECT_THAT(unset.error(), HasSubstr("is not set"));
}

}  // namespace
}  // namespace ctigw::config
