#include "ctigw/config/token.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

namespace ctigw::config {

namespace {

constexpr std::uintmax_t max_token_file_size = std::uintmax_t{64} * 1024;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string trim(std::string_view s) {
    if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);  // editors on Windows add a BOM
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

// The token goes into an HTTP header; whitespace or control characters would corrupt it.
bool is_clean(std::string_view token) {
    return std::all_of(token.begin(), token.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b != 0x7F;
    });
}

result<std::string> check(std::string token, const std::string& source) {
    using r = result<std::string>;
    if (token.empty()) return r::failure(source + " is empty");
    if (!is_clean(token)) {
        return r::failure(source + " contains whitespace or control characters inside the token");
    }
    return r::success(std::move(token));
}

constexpr std::uintmax_t max_passphrase_size = 1023;  // OpenSSL's PEM_BUFSIZE, less one

// Inner spaces are part of a passphrase; only what editors add at the ends goes.
std::string trim_line_end(std::string_view s) {
    if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

result<std::string> resolve_key_passphrase(const tls_settings& tls) {
    using r = result<std::string>;
    std::string value;
    std::string source;
    if (!tls.client_key_passphrase_env.empty()) {
        source = "environment variable " + tls.client_key_passphrase_env;
        const char* v = std::getenv(tls.client_key_passphrase_env.c_str());
        if (v == nullptr) return r::failure(source + " (the client key passphrase) is not set");
        value = trim_line_end(v);
    } else if (!tls.client_key_passphrase_file.empty()) {
        source = "passphrase file \"" + tls.client_key_passphrase_file.string() + "\"";
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(tls.client_key_passphrase_file, ec);
        if (ec) return r::failure("cannot read " + source + ": " + ec.message());
        if (size > max_passphrase_size + 2) {
            return r::failure(source +
                              " is larger than 1023 bytes; it must contain only the "
                              "passphrase");
        }
        std::ifstream in(tls.client_key_passphrase_file, std::ios::binary);
        if (!in) return r::failure("cannot open " + source);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) return r::failure("cannot read " + source);
        value = trim_line_end(content);
    } else {
        return r::success(std::string());
    }
    if (value.empty()) return r::failure(source + " is empty");
    if (value.size() > max_passphrase_size)
        return r::failure(source + " is longer than 1023 bytes");
    return r::success(std::move(value));
}

result<std::string> resolve_token(const auth_settings& auth) {
    using r = result<std::string>;
    if (auth.source == token_source::environment) {
        const std::string source = "environment variable " + auth.token_env;
        if (auth.token_env.empty()) return r::failure("no token environment variable configured");
        const char* value = std::getenv(auth.token_env.c_str());
        if (value == nullptr) return r::failure(source + " is not set");
        return check(trim(value), source);
    }
    const std::string source = "token file \"" + auth.token_file.string() + "\"";
    if (auth.token_file.empty()) return r::failure("no token file configured");
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(auth.token_file, ec);
    if (ec) return r::failure("cannot read " + source + ": " + ec.message());
    if (size > max_token_file_size) {
        return r::failure(source + " is larger than 64 KiB; it must contain only the token");
    }
    std::ifstream in(auth.token_file, std::ios::binary);
    if (!in) return r::failure("cannot open " + source);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return r::failure("cannot read " + source);
    return check(trim(content), source);
}

}  // namespace ctigw::config
