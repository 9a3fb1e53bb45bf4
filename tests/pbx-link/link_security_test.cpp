// The link's security audit fixes against the in-process simulator: the TLS policy (ciphers, a
// CA certificate as leaf), an encrypted client key (never a console prompt), peer strings in log
// lines, the oversized-message and client-certificate reasons, and flapping sessions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "ctigw/pbx_link/link.hpp"
#include "sim_harness.hpp"

namespace ctigw::pbx_link::testing {
namespace {

using ::testing::HasSubstr;

link_settings base_settings(const std::string& url) {
    link_settings s;
    s.endpoints.push_back(*parse_endpoint(url));
    s.tls.ca_file = cert_files::get().ca.string();
    s.token = "secret-token";
    s.devices = {"2000", "2001"};
    s.heartbeat_interval = 1000ms;
    s.backoff_initial = 10ms;
    s.backoff_max = 50ms;
    s.seed = 42;
    return s;
}

pbxsim::server_options good_tls() {
    const auto& c = cert_files::get();
    return sim::tls_options(c.server, c.server_key);
}

/// Replaces the process's stdin by a pipe whose write end stays open, as a service's stdin may
/// be: a console prompt blocks on it. release() closes the write end (EOF) to unblock one.
class open_stdin {
  public:
    open_stdin() {
        if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
        saved_ = ::dup(0);
        ::dup2(fds_[0], 0);
    }
    ~open_stdin() {
        release();
        ::dup2(saved_, 0);
        ::close(saved_);
        ::close(fds_[0]);
    }
    void release() {
        if (fds_[1] >= 0) ::close(fds_[1]);
        fds_[1] = -1;
    }

  private:
    int fds_[2] = {-1, -1};
    int saved_ = -1;
};

class linkSecurity : public ::testing::Test {
  protected:
    recorder cb;
    log_capture logs;
    std::unique_ptr<link> make(link_settings s) {
        return make_beast_link(std::move(s), cb, logs.sink());
    }
    bool wait_live(int lives = 1) {
        return cb.wait([&] { return cb.lives >= lives && cb.state == link_state::live; });
    }
    /// A link with `primary` first and `standby` second, fallback after 50 ms idle, live on the
    /// standby (null, with a failure recorded, when it does not get there).
    std::unique_ptr<link> live_on_standby(const std::string& primary, const sim& standby) {
        auto s = base_settings(primary);
        s.endpoints.push_back(*parse_endpoint(standby.url()));
        s.fallback_to_primary_after_idle = 50ms;
        auto l = make(s);
        l->start();
        if (!wait_live() || l->figures().endpoint != standby.url()) {
            ADD_FAILURE() << "not live on the standby " << standby.url();
            l->stop();
            return nullptr;
        }
        return l;
    }
    std::vector<long> reconnect_delays() const {
        static const std::regex re("reconnecting in ([0-9]+) ms");
        std::vector<long> out;
        std::smatch m;
        for (const auto& line : logs.lines()) {
            if (std::regex_search(line, m, re)) out.push_back(std::stol(m[1]));
        }
        return out;
    }
};

// ---- 1: an encrypted client key ----

TEST_F(linkSecurity, EncryptedClientKeyWithoutPassphraseIsAClearErrorNotAPrompt) {
    sim pbx(good_tls());
    open_stdin stdin_open;
    auto s = base_settings(pbx.url());
    s.tls.client_certificate = cert_files::get().client.string();
    s.tls.client_key = cert_files::get().client_key_encrypted.string();
    auto l = make(s);
    l->start();
    const bool said = logs.wait_for("is encrypted and no passphrase is configured", 5s);
    stdin_open.release();  // unblocks a prompt, if one is waiting on the I/O thread
    EXPECT_TRUE(said) << "the key load blocked or gave no clear reason";
    l->stop();
    EXPECT_EQ(cb.lives, 0);
}

TEST_F(linkSecurity, EncryptedClientKeyWithAWrongPassphraseIsAClearError) {
    sim pbx(good_tls());
    open_stdin stdin_open;
    auto s = base_settings(pbx.url());
    s.tls.client_certificate = cert_files::get().client.string();
    s.tls.client_key = cert_files::get().client_key_encrypted.string();
    s.tls.client_key_passphrase = "wrong horse";
    auto l = make(s);
    l->start();
    const bool said = logs.wait_for("wrong passphrase", 5s);
    stdin_open.release();
    EXPECT_TRUE(said);
    l->stop();
    EXPECT_FALSE(logs.contains("wrong horse"));
}

TEST_F(linkSecurity, EncryptedClientKeyWithItsPassphraseGoesLive) {
    auto o = good_tls();
    o.tls->client_ca = cert_files::get().ca;
    sim pbx(o);
    open_stdin stdin_open;
    auto s = base_settings(pbx.url());
    s.tls.client_certificate = cert_files::get().client.string();
    s.tls.client_key = cert_files::get().client_key_encrypted.string();
    s.tls.client_key_passphrase = cert_files::client_key_passphrase;
    auto l = make(s);
    l->start();
    const bool live = wait_live();
    stdin_open.release();
    EXPECT_TRUE(live);
    l->stop();
    for (const auto& line : logs.lines()) EXPECT_THAT(line, ::testing::Not(HasSubstr("horse")));
}

TEST(checkClientIdentity, SaysWhatIsWrongWithTheKey) {
    open_stdin stdin_open;
    const auto& c = cert_files::get();
    tls_settings t;
    t.client_certificate = c.client.string();
    t.client_key = c.client_key.string();
    EXPECT_EQ(check_client_identity(t), "");
    t.client_key = c.client_key_encrypted.string();
    EXPECT_THAT(check_client_identity(t), HasSubstr("is encrypted and no passphrase"));
    t.client_key_passphrase = "nope";
    EXPECT_THAT(check_client_identity(t), HasSubstr("wrong passphrase"));
    t.client_key_passphrase = cert_files::client_key_passphrase;
    EXPECT_EQ(check_client_identity(t), "");
    t.client_key = c.server_key.string();  // another key
    t.client_key_passphrase.clear();
    EXPECT_THAT(check_client_identity(t), HasSubstr("does not match"));
}

/// Runs ctigw-config check on `config` with stdin left open; output and exit code. `timeout`
/// turns a prompt into exit code 124 instead of a hung test.
std::pair<int, std::string> run_checker(const std::string& config) {
    const auto file = cert_files::get().dir / "checker.json";
    std::ofstream(file) << config;
    open_stdin stdin_open;
    const std::string cmd =
        std::string("timeout 20 ") + CTIGW_CONFIG_TOOL + " check " + file.string() + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return {-1, "popen failed"};
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string checker_config(const std::string& tls_extra) {
    const auto& c = cert_files::get();
    return R"({"switch": {"endpoints": ["wss://pbx.example/csta"], "auth": {"tokenEnv": "T"},
               "tls": {"clientCertificate": ")" +
           c.client.string() + R"(", "clientKey": ")" + c.client_key_encrypted.string() + "\"" +
           tls_extra + R"(}}, "devices": {"lines": ["2001"]}})";
}

TEST(configChecker, LoadsAnEncryptedClientKeyAndSaysSo) {
    ::setenv("CTIGW_TEST_KEY_PASS", cert_files::client_key_passphrase, 1);
    auto [code, out] =
        run_checker(checker_config(R"(, "clientKeyPassphraseEnv": "CTIGW_TEST_KEY_PASS")"));
    EXPECT_EQ(code, 0) << out;
    EXPECT_THAT(out, HasSubstr("client key loaded (decrypted with the passphrase from environment "
                               "variable CTIGW_TEST_KEY_PASS)"));
    EXPECT_THAT(out, ::testing::Not(HasSubstr("horse")));

    ::setenv("CTIGW_TEST_KEY_PASS", "wrong horse", 1);
    std::tie(code, out) =
        run_checker(checker_config(R"(, "clientKeyPassphraseEnv": "CTIGW_TEST_KEY_PASS")"));
    EXPECT_EQ(code, 1) << out;
    EXPECT_THAT(out, HasSubstr("/switch/tls/clientKey: cannot decrypt clientKey"));
    EXPECT_THAT(out, HasSubstr("wrong passphrase"));
    EXPECT_THAT(out, ::testing::Not(HasSubstr("horse")));

    std::tie(code, out) = run_checker(checker_config(""));
    EXPECT_EQ(code, 1) << out;  // 124: it prompted and hung until `timeout`
    EXPECT_THAT(out, HasSubstr("is encrypted and no passphrase is configured"));
    ::unsetenv("CTIGW_TEST_KEY_PASS");
}

// ---- 2: the TLS policy ----

pbxsim::server_options legacy_switch() {
    const auto& c = cert_files::get();
    auto o = sim::tls_options(c.rsa_server, c.rsa_server_key);
    o.tls_cipher_list = "AES128-SHA";  // RSA key exchange, CBC, SHA-1 MAC
    o.tls12_only = true;
    return o;
}

TEST_F(linkSecurity, LegacyCipherSwitchRefusedByDefault) {
    sim old(legacy_switch());
    auto l = make(base_settings(old.url()));
    l->start();
    EXPECT_TRUE(logs.wait_for(old.url() + ": TLS failure", 5s));
    l->stop();
    EXPECT_EQ(cb.lives, 0);
}

TEST_F(linkSecurity, LegacyCipherSwitchAcceptedWithTheLoggedOptIn) {
    sim old(legacy_switch());
    auto s = base_settings(old.url());
    s.tls.cipher_list = "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA";
    auto l = make(s);
    l->start();
    EXPECT_TRUE(wait_live());
    EXPECT_TRUE(logs.contains("tls.cipherList"));
    l->stop();
}

TEST_F(linkSecurity, LeafCertificateThatIsACaRefused) {
    const auto& c = cert_files::get();
    sim bad(sim::tls_options(c.ca_leaf, c.ca_leaf_key));
    auto l = make(base_settings(bad.url()));
    l->start();
    EXPECT_TRUE(logs.wait_for("is a CA certificate (basicConstraints CA:TRUE)", 5s));
    l->stop();
    EXPECT_EQ(cb.lives, 0);
}

// ---- 3: peer strings in log lines ----

TEST_F(linkSecurity, PeerStringsCannotForgeLogLines) {
    auto o = good_tls();
    o.switch_name = "PBX\r\nFAKE LINE pbx-link: live\x1b[2J";
    sim pbx(o);
    auto l = make(base_settings(pbx.url()));
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) {
        srv.send_raw(
            R"({"type":"response","id":"9\r\nFAKE ID","service":"HoldCall","error":{"category":"operation","value":"generic"}})");
    });
    ASSERT_TRUE(logs.wait_for("for no outstanding request"));
    pbx.call([](pbxsim::server& srv) { srv.close_sessions(1000, "bye\r\nFAKE LINE\x1b[31m"); });
    ASSERT_TRUE(logs.wait_for("closed by the switch"));
    l->stop();
    for (const auto& line : logs.lines()) {
        EXPECT_EQ(line.find_first_of("\r\n\x1b"), std::string::npos) << line;
    }
    EXPECT_TRUE(logs.contains("PBX\\r\\nFAKE LINE pbx-link: live\\x1b[2J"));
    EXPECT_TRUE(logs.contains("9\\r\\nFAKE ID"));
    EXPECT_TRUE(logs.contains("bye\\r\\nFAKE LINE\\x1b[31m"));
}

// ---- 4: flapping sessions ----

TEST_F(linkSecurity, FlappingSessionsKeepTheBackoffGrowing) {
    sim pbx(good_tls());
    auto s = base_settings(pbx.url());
    s.backoff_initial = 40ms;
    s.backoff_max = 5000ms;
    s.backoff_jitter = 0;
    s.stable_after = 1500ms;
    auto l = make(s);
    l->start();
    // A switch that breaks every session right after the resync.
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(wait_live(i));
        pbx.call([](pbxsim::server& srv) { srv.drop_connections(); });
    }
    ASSERT_TRUE(wait_live(4));
    EXPECT_EQ(reconnect_delays(), (std::vector<long>{40, 80, 160}));
    EXPECT_EQ(l->figures().flaps, 3u);
    EXPECT_TRUE(logs.contains("(flap 3)"));
    // A session that stays up past stable_after starts the backoff again (waited for, not slept).
    ASSERT_TRUE(logs.wait_for("session stable for 1500 ms", 10s));
    pbx.call([](pbxsim::server& srv) { srv.drop_connections(); });
    ASSERT_TRUE(wait_live(5));
    EXPECT_EQ(reconnect_delays().back(), 40);
    EXPECT_EQ(l->figures().flaps, 3u);
    l->stop();
}

// ---- 5: reasons an operator can act on ----

TEST_F(linkSecurity, Tls12SwitchRequiringAClientCertificateIsNamed) {
    auto o = good_tls();
    o.tls->client_ca = cert_files::get().ca;
    o.tls12_only = true;  // TLS 1.2 has no "certificate required" alert
    sim pbx(o);
    auto l = make(base_settings(pbx.url()));
    l->start();
    EXPECT_TRUE(logs.wait_for(
        "client certificate required by the switch (clientCertificate/clientKey not configured",
        5s));
    l->stop();
}

TEST_F(linkSecurity, OversizedMessageIsNamed) {
    sim pbx(good_tls());
    auto s = base_settings(pbx.url());
    s.limits.max_frame_bytes = 64 * 1024;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    pbx.call([](pbxsim::server& srv) { srv.send_raw(std::string(4 * 1024 * 1024, 'x')); });
    ASSERT_TRUE(cb.wait([&] { return !cb.downs.empty(); }));
    {
        std::lock_guard lock(cb.mutex);
        EXPECT_THAT(cb.downs.front().reason, HasSubstr("exceeds the frame limit"));
    }
    EXPECT_TRUE(logs.contains("exceeds the frame limit of 131072 bytes"));
    EXPECT_TRUE(wait_live(2));  // and the link comes back
    l->stop();
}

// ---- fallback to the primary: only a primary that answers is worth leaving the standby for ----

TEST_F(linkSecurity, FallbackIgnoresAPrimaryThatOnlyAcceptsTcp) {
    slamming_door primary;
    sim standby(good_tls());
    auto l =
        live_on_standby("wss://127.0.0.1:" + std::to_string(primary.port()) + "/csta", standby);
    ASSERT_TRUE(l);
    // The probes reach the open port; none of them may cost the standby session.
    const auto before = primary.accepted();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (primary.accepted() < before + 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    ASSERT_GE(primary.accepted(), before + 3);
    {
        std::lock_guard lock(cb.mutex);
        EXPECT_TRUE(cb.downs.empty()) << cb.downs.front().reason;
        EXPECT_EQ(cb.lives, 1);
    }
    EXPECT_FALSE(logs.contains("returning to the primary"));
    l->stop();
}

TEST_F(linkSecurity, FallbackReturnsToThePrimaryOnceItAnswers) {
    const auto port = closed_port();
    const std::string primary_url = "wss://127.0.0.1:" + std::to_string(port) + "/csta";
    sim standby(good_tls());
    auto l = live_on_standby(primary_url, standby);
    ASSERT_TRUE(l);
    auto o = good_tls();
    o.port = port;
    sim primary(o);
    ASSERT_TRUE(wait_live(2));
    EXPECT_EQ(l->figures().endpoint, primary_url);
    EXPECT_TRUE(logs.contains("the primary is reachable again"));
    l->stop();
}

}  // namespace
}  // namespace ctigw::pbx_link::testing
