#include "tls_files.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "ctigw/config/loader.hpp"
#include "ctigw/config/token.hpp"
#include "ctigw/pbx_link/link.hpp"

namespace ctigw::config_check {

namespace {

namespace fs = std::filesystem;
using pbx_link::certificate_info;

constexpr std::int64_t seconds_per_day = 86400;

std::string date_of(std::int64_t epoch_seconds) {
    const std::chrono::sys_seconds t{std::chrono::seconds{epoch_seconds}};
    const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

class checker {
  public:
    checker(const config::detail::position_index& index, std::chrono::system_clock::time_point now)
        : index_(index),
          now_(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()) {}

    tls_file_findings run(const config::tls_settings& tls) {
        if (!tls.ca_file.empty() && readable(tls.ca_file, "caFile")) {
            std::vector<certificate_info> certs;
            if (auto e = pbx_link::check_ca_file(tls.ca_file.string(), certs); !e.empty()) {
                error("caFile", e);
            } else {
                check_dates(certs, tls.ca_file, "caFile", true);
            }
        }
        if (!tls.client_certificate.empty()) check_client(tls);
        return std::move(out_);
    }

  private:
    void add(std::vector<config::diagnostic>& to, const char* key, std::string message) const {
        const std::string pointer = std::string("/switch/tls/") + key;
        const auto at = index_.value_position(pointer);
        to.push_back({pointer, std::move(message), at.line, at.column});
    }
    void error(const char* key, std::string message) { add(out_.errors, key, std::move(message)); }
    void warning(const char* key, std::string message) {
        add(out_.warnings, key, std::move(message));
    }

    // Said before OpenSSL is asked, whose reasons for a missing file are obscure.
    bool readable(const fs::path& file, const char* key) {
        const std::string name = "\"" + file.string() + "\"";
        if (config::foreign_windows_path(file)) {
            warning(key, name + " is a path of the Windows machine: not checked here");
            return false;
        }
        std::error_code ec;
        const auto status = fs::status(file, ec);
        if (ec && ec != std::errc::no_such_file_or_directory) {
            error(key, "cannot read " + name + ": " + ec.message());
        } else if (!fs::exists(status)) {
            error(key, name + " does not exist");
        } else if (!fs::is_regular_file(status)) {
            error(key, name + " is not a file");
        } else if (!std::ifstream(file, std::ios::binary)) {
            error(key, "cannot read " + name);
        } else {
            return true;
        }
        return false;
    }

    void check_client(const config::tls_settings& tls) {
        const bool cert_ok = readable(tls.client_certificate, "clientCertificate");
        const bool key_ok = readable(tls.client_key, "clientKey");
        if (!cert_ok || !key_ok) return;
        auto passphrase = config::resolve_key_passphrase(tls);
        if (!passphrase.ok()) {
            error(tls.client_key_passphrase_env.empty() ? "clientKeyPassphraseFile"
                                                        : "clientKeyPassphraseEnv",
                  passphrase.error());
            return;
        }
        pbx_link::tls_settings t;
        t.client_certificate = tls.client_certificate.string();
        t.client_key = tls.client_key.string();
        t.client_key_passphrase = passphrase.value();
        std::vector<certificate_info> chain;
        if (auto e = pbx_link::check_client_identity(t, &chain); !e.empty()) {
            // The link's reasons name the file at fault: a certificate that does not load is
            // said at clientCertificate, every other (key, passphrase, mismatch) at clientKey.
            error(
                e.starts_with("cannot load clientCertificate") ? "clientCertificate" : "clientKey",
                e);
            return;
        }
        check_dates(chain, tls.client_certificate, "clientCertificate", false);
        out_.key_note = passphrase.value().empty()
                            ? "client key loaded"
                            : "client key loaded (decrypted with the passphrase from " +
                                  (tls.client_key_passphrase_env.empty()
                                       ? "file " + tls.client_key_passphrase_file.string()
                                       : "environment variable " + tls.client_key_passphrase_env) +
                                  ")";
    }

    /// `bundle`: a CA file, where a stale certificate beside a valid one is only a warning.
    void check_dates(const std::vector<certificate_info>& certs, const fs::path& file,
                     const char* key, bool bundle) {
        bool any_valid = false;
        for (const auto& c : certs) any_valid = any_valid || valid(c);
        for (const auto& c : certs) {
            const std::string who = "certificate " + c.subject + " in \"" + file.string() + "\"";
            std::string problem;
            if (c.not_after < now_) {
                problem = who + " expired on " + date_of(c.not_after);
            } else if (c.not_before > now_) {
                problem = who + " is not valid before " + date_of(c.not_before);
            }
            if (!problem.empty()) {
                if (bundle && any_valid) {
                    warning(key, problem + " (the file's other certificates are valid)");
                } else {
                    error(key, problem);
                }
                continue;
            }
            const std::int64_t left = c.not_after - now_;
            if (left < expiry_warning_days * seconds_per_day) {
                warning(key, who + " expires on " + date_of(c.not_after) + ", in " +
                                 std::to_string(left / seconds_per_day) + " days");
            }
        }
    }

    bool valid(const certificate_info& c) const {
        return c.not_before <= now_ && now_ <= c.not_after;
    }

    const config::detail::position_index& index_;
    std::int64_t now_;
    tls_file_findings out_;
};

}  // namespace

tls_file_findings check_tls_files(const config::tls_settings& tls,
                                  const config::detail::position_index& index,
                                  std::chrono::system_clock::time_point now) {
    try {
        return checker(index, now).run(tls);
    } catch (const std::exception& e) {
        tls_file_findings f;
        f.errors.push_back(
            {"/switch/tls", std::string("internal error while checking: ") + e.what(), 0, 0});
        return f;
    }
}

}  // namespace ctigw::config_check
