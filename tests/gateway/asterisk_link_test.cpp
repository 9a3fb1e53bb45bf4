// The AMI link (gateway/src/asterisk/ami_link.hpp) against the fake AMI server over loopback:
// login, correlation, lists, errors, timeouts, loss, stop, reconnect, Ping, TLS, limits. The
// link runs on this thread's io_context, pumped by run_until() (no sleeps); the fake server runs
// on its own thread.
#include "asterisk/ami_link.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctigw/pbxsim/certs.hpp"
#include "fake_ami.hpp"

namespace ctigw::gateway::ami {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using testing::fake_ami;
using testing::fake_ami_options;
using testing::login_mode;
using testing::reply;

struct recorder final : link_listener {
    void on_up(std::string_view version) override { ups.emplace_back(version); }
    void on_down(std::string_view reason, bool will_retry) override {
        downs.emplace_back(std::string(reason), will_retry);
    }
    void on_event(const message& e) override { events.push_back(e); }
    void on_tick() override { ++ticks; }
    void on_transition(link_state from, link_state to, std::string_view why) override {
        transitions.push_back(std::string(to_string(from)) + "->" + std::string(to_string(to)));
        whys.emplace_back(why);
    }
    std::vector<std::string> ups;
    std::vector<std::pair<std::string, bool>> downs;
    std::vector<message> events;
    std::vector<std::string> transitions;
    std::vector<std::string> whys;
    int ticks = 0;
};

/// One action's completions (there must be exactly one).
struct outcome {
    int calls = 0;
    action_result result;
    completion done() {
        return [this](action_result r) {
            ++calls;
            result = std::move(r);
        };
    }
};

/// Throwaway certificates for the whole binary (the project's generator, tools/pbx-sim).
struct pki {
    std::filesystem::path dir, ca, other_ca, server, server_key;
    static const pki& get() {
        static const pki p;
        return p;
    }
    pki() {
        dir = std::filesystem::temp_directory_path() /
              ("ctigw-ami-test-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir);
        auto write = [](const std::filesystem::path& f, const std::string& text) {
            std::ofstream(f, std::ios::binary) << text;
        };
        const auto ca_pair = pbxsim::make_ca("ctigw AMI test CA");
        const auto other_pair = pbxsim::make_ca("some other CA");
        const auto leaf =
            pbxsim::issue_certificate(ca_pair, {"asterisk", {"127.0.0.1", "localhost"}});
        ca = dir / "ca.pem";
        other_ca = dir / "other-ca.pem";
        server = dir / "server.pem";
        server_key = dir / "server-key.pem";
        write(ca, ca_pair.cert_pem);
        write(other_ca, other_pair.cert_pem);
        write(server, leaf.cert_pem);
        write(server_key, leaf.key_pem);
    }
    ~pki() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    pki(const pki&) = delete;
    pki& operator=(const pki&) = delete;
};

constexpr const char* secret = "s3cr3t-Pa55-xyzzy";

class ami_link_test : public ::testing::Test {
  protected:
    void make_fake(fake_ami_options o = {}) {
        o.secret = secret;
        fake = std::make_unique<fake_ami>(std::move(o));
    }
    link_settings settings() {
        link_settings s;
        s.host = "127.0.0.1";
        s.port = fake->port();
        s.username = "ctigw";
        s.secret = secret;
        s.connect_timeout = 5s;
        s.action_timeout = 5s;
        s.ping_interval = 60s;
        s.backoff_min = 10ms;
        s.backoff_max = 40ms;
        s.backoff_jitter = 0;  // exact delays; the jitter has its own test
        s.stable_after = 60s;
        return s;
    }
    void start(link_settings s) {
        l = std::make_unique<link>(
            io, std::move(s), rec,
            [this](config::log_level, std::string_view line) { logs.emplace_back(line); });
        l->start();
    }
    void start_up(link_settings s) {
        start(std::move(s));
        ASSERT_TRUE(run_until([&] { return l->state() == link_state::up; }));
    }
    /// Runs the link's io until `pred` holds; false at the (generous) deadline.
    template <class Pred>
    bool run_until(Pred pred, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io.run_one_for(10ms);
        }
        return true;
    }
    bool logged(std::string_view text) const {
        for (const auto& line : logs) {
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }
    void TearDown() override {
        l.reset();
        for (const auto& line : logs) EXPECT_EQ(line.find(secret), std::string::npos) << line;
        for (const auto& d : rec.downs) EXPECT_EQ(d.first.find(secret), std::string::npos);
    }

    net::io_context io;
    net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
    recorder rec;
    std::vector<std::string> logs;
    std::unique_ptr<fake_ami> fake;
    std::unique_ptr<link> l;
};

TEST_F(ami_link_test, login) {
    make_fake();
    start_up(settings());
    EXPECT_EQ(rec.ups, std::vector<std::string>{"11.0.0"});
    EXPECT_EQ(rec.transitions,
              (std::vector<std::string>{"stopped->connecting", "connecting->awaiting_banner",
                                        "awaiting_banner->logging_in", "logging_in->up"}));
    const auto logins = fake->actions("Login");
    ASSERT_EQ(logins.size(), 1U);
    EXPECT_EQ(logins[0].get("Username"), "ctigw");
    EXPECT_EQ(logins[0].get("Secret"), secret);
    EXPECT_EQ(logins[0].get("Events"), "on");
    EXPECT_EQ(logins[0].action_id(), "ctigw-1");
    // FullyBooted follows the login response: an ordinary event.
    ASSERT_TRUE(run_until([&] { return !rec.events.empty(); }));
    EXPECT_EQ(rec.events[0].event(), "FullyBooted");
    EXPECT_TRUE(logged("ami: logging_in -> up"));
}

/// The "retry in N ms" of every transition into backoff so far.
std::vector<std::string> delays_of(const recorder& rec) {
    std::vector<std::string> delays;
    for (const auto& w : rec.whys) {
        const auto at = w.find("retry in ");
        if (at != std::string::npos) delays.push_back(w.substr(at + 9));
    }
    return delays;
}

TEST_F(ami_link_test, login_refused_is_retried_with_backoff) {
    make_fake();
    fake->set_login(login_mode::refuse);
    start(settings());
    ASSERT_TRUE(run_until([&] { return rec.downs.size() >= 4; }));
    EXPECT_EQ(l->state() == link_state::up, false);
    EXPECT_TRUE(rec.ups.empty());
    EXPECT_NE(rec.downs[0].first.find("login refused by Asterisk"), std::string::npos);
    EXPECT_NE(rec.downs[0].first.find("Authentication failed"), std::string::npos);
    EXPECT_TRUE(rec.downs[0].second);
    EXPECT_TRUE(logged("secret=<redacted>"));
    // 10, 20, 40, 40 ms: doubling up to the maximum.
    const auto delays = delays_of(rec);
    ASSERT_GE(delays.size(), 4U);
    EXPECT_EQ(delays[0], "10 ms");
    EXPECT_EQ(delays[1], "20 ms");
    EXPECT_EQ(delays[2], "40 ms");
    EXPECT_EQ(delays[3], "40 ms");
    fake->set_login(login_mode::accept);
    ASSERT_TRUE(run_until([&] { return l->state() == link_state::up; }));
    EXPECT_EQ(rec.ups.size(), 1U);
}

/// Parses "N ms".
long delay_ms(const std::string& text) {
    return std::stol(text.substr(0, text.find(' ')));
}

TEST_F(ami_link_test, backoff_delays_are_shortened_by_at_most_the_jitter) {
    make_fake();
    fake->set_login(login_mode::refuse);
    auto s = settings();
    s.backoff_min = 40ms;
    s.backoff_max = 40ms;
    s.backoff_jitter = 0.5;
    start(s);
    ASSERT_TRUE(run_until([&] { return rec.downs.size() >= 6; }));
    std::set<long> seen;
    for (const auto& d : delays_of(rec)) {
        EXPECT_GE(delay_ms(d), 20) << d;
        EXPECT_LE(delay_ms(d), 40) << d;
        seen.insert(delay_ms(d));
    }
    EXPECT_GT(seen.size(), 1U) << "six delays, all the same: no jitter";
}

TEST_F(ami_link_test, ticks_run_while_started_connected_or_not_and_end_at_stop) {
    make_fake();
    fake->set_login(login_mode::refuse);
    auto s = settings();
    s.tick_interval = 5ms;
    start(s);
    ASSERT_TRUE(run_until([&] { return rec.ticks >= 3; }));
    fake->set_login(login_mode::accept);
    ASSERT_TRUE(run_until([&] { return l->state() == link_state::up; }));
    const int at_up = rec.ticks;
    ASSERT_TRUE(run_until([&] { return rec.ticks >= at_up + 3; }));
    l->stop();
    const int at_stop = rec.ticks;
    io.restart();
    io.run_for(50ms);
    EXPECT_EQ(rec.ticks, at_stop);
}

TEST_F(ami_link_test, backoff_continues_after_a_short_session) {
    make_fake();
    fake->set_login(login_mode::refuse);
    start(settings());  // stable_after 60 s: no session here lasts that long
    ASSERT_TRUE(run_until([&] { return rec.downs.size() == 1; }));
    fake->set_login(login_mode::accept);
    ASSERT_TRUE(run_until([&] { return l->state() == link_state::up; }));
    fake->drop();
    ASSERT_TRUE(run_until([&] { return rec.ups.size() == 2; }));
    EXPECT_EQ(delays_of(rec), (std::vector<std::string>{"10 ms", "20 ms"}));
}

TEST_F(ami_link_test, backoff_restarts_after_a_stable_session) {
    make_fake();
    fake->set_login(login_mode::refuse);
    auto s = settings();
    s.stable_after = 0ms;  // every session counts as stable
    start(s);
    ASSERT_TRUE(run_until([&] { return rec.downs.size() == 2; }));
    fake->set_login(login_mode::accept);
    ASSERT_TRUE(run_until([&] { return l->state() == link_state::up; }));
    fake->drop();
    ASSERT_TRUE(run_until([&] { return rec.ups.size() == 2; }));
    EXPECT_EQ(delays_of(rec), (std::vector<std::string>{"10 ms", "20 ms", "10 ms"}));
}

TEST_F(ami_link_test, unanswered_login_times_out) {
    make_fake();
    fake->set_login(login_mode::ignore);
    auto s = settings();
    s.action_timeout = 100ms;
    start(s);
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    EXPECT_NE(rec.downs[0].first.find("no answer to Login"), std::string::npos);
}

TEST_F(ami_link_test, correlation_with_interleaved_events) {
    make_fake();
    // Originate (Async): an unrelated event, the response, then OriginateResponse carrying our
    // ActionID, which is an event for the event callback, not part of the answer.
    fake->on_action("Originate", [](const message& a) {
        return std::vector<message>{
            message{{"Event", "Newchannel"}, {"Channel", "IAX2/2001-1"}},
            reply(a, {{"Response", "Success"}, {"Message", "Originate successfully queued"}}),
            reply(a, {{"Event", "OriginateResponse"}, {"Response", "Success"}, {"Reason", "4"}}),
        };
    });
    fake->on_action("Getvar", [](const message& a) {
        return std::vector<message>{reply(a, {{"Response", "Success"},
                                              {"Variable", std::string(a.get("Variable"))},
                                              {"Value", "v-" + std::string(a.get("Variable"))}})};
    });
    start_up(settings());
    outcome o1, o2, o3;
    l->send("Originate", {{"Channel", "IAX2/2001/2001"}, {"Async", "true"}}, o1.done());
    l->send("Getvar", {{"Variable", "A"}}, o2.done());
    l->send("Getvar", {{"Variable", "B"}}, o3.done());
    ASSERT_TRUE(run_until([&] { return o1.calls && o2.calls && o3.calls; }));
    ASSERT_TRUE(run_until([&] { return rec.events.size() >= 3; }));  // FullyBooted + 2
    EXPECT_TRUE(o1.result.ok());
    EXPECT_EQ(o1.result.response.get("Message"), "Originate successfully queued");
    EXPECT_TRUE(o1.result.events.empty());
    EXPECT_EQ(o2.result.response.get("Value"), "v-A");
    EXPECT_EQ(o3.result.response.get("Value"), "v-B");
    EXPECT_EQ(rec.events[1].event(), "Newchannel");
    EXPECT_EQ(rec.events[2].event(), "OriginateResponse");
    EXPECT_EQ(rec.events[2].action_id(), o1.result.response.action_id());
    EXPECT_EQ(l->pending_actions(), 0U);
    EXPECT_EQ(o1.calls + o2.calls + o3.calls, 3);
}

TEST_F(ami_link_test, list_action_collects_its_events) {
    make_fake();
    fake->on_action("CoreShowChannels", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Success"},
                      {"EventList", "start"},
                      {"Message", "Channels will follow"}}),
            reply(a, {{"Event", "CoreShowChannel"}, {"Channel", "IAX2/2001-1"}}),
            message{{"Event", "Newstate"}, {"Channel", "IAX2/2003-3"}},  // not part of the list
            reply(a, {{"Event", "CoreShowChannel"}, {"Channel", "IAX2/2002-2"}}),
            reply(a, {{"Event", "CoreShowChannelsComplete"},
                      {"EventList", "Complete"},
                      {"ListItems", "2"}}),
        };
    });
    start_up(settings());
    outcome o;
    l->send("CoreShowChannels", {}, o.done());
    ASSERT_TRUE(run_until([&] { return o.calls > 0; }));
    ASSERT_TRUE(o.result.ok()) << o.result.reason;
    EXPECT_EQ(o.result.response.get("EventList"), "start");
    ASSERT_EQ(o.result.events.size(), 3U);
    EXPECT_EQ(o.result.events[0].get("Channel"), "IAX2/2001-1");
    EXPECT_EQ(o.result.events[1].get("Channel"), "IAX2/2002-2");
    EXPECT_EQ(o.result.events[2].event(), "CoreShowChannelsComplete");
    ASSERT_TRUE(run_until([&] { return rec.events.size() >= 2; }));
    EXPECT_EQ(rec.events.back().event(), "Newstate");
    EXPECT_EQ(rec.events.size(), 2U);  // FullyBooted + Newstate: the list was not leaked
}

TEST_F(ami_link_test, error_response_is_refused_with_a_log_safe_message) {
    make_fake();
    fake->on_action("DBGet", [](const message& a) {
        return std::vector<message>{
            reply(a, {{"Response", "Error"}, {"Message", "Database entry \x1b[31mnot found"}})};
    });
    start_up(settings());
    outcome unknown, db;
    l->send("MWIGet", {{"Mailbox", "2001@default"}}, unknown.done());
    l->send("DBGet", {{"Family", "DND"}, {"Key", "2002"}}, db.done());
    ASSERT_TRUE(run_until([&] { return unknown.calls && db.calls; }));
    EXPECT_EQ(unknown.result.error, action_error::refused);
    EXPECT_NE(unknown.result.reason.find("Invalid/unknown command: MWIGet"), std::string::npos);
    EXPECT_EQ(unknown.result.response.get("Response"), "Error");
    EXPECT_EQ(db.result.error, action_error::refused);
    EXPECT_NE(db.result.reason.find("\\x1b[31mnot found"), std::string::npos) << db.result.reason;
    EXPECT_EQ(l->state(), link_state::up);
}

TEST_F(ami_link_test, unanswered_action_times_out_and_a_late_answer_is_ignored) {
    make_fake();
    fake->on_action("Slow", [](const message&) { return std::vector<message>{}; });
    auto s = settings();
    s.action_timeout = 200ms;
    start_up(s);
    outcome o;
    l->send("Slow", {}, o.done());
    ASSERT_TRUE(run_until([&] { return o.calls > 0; }));
    EXPECT_EQ(o.result.error, action_error::timeout);
    EXPECT_NE(o.result.reason.find("no answer to Slow within 200 ms"), std::string::npos);
    ASSERT_TRUE(fake->wait_for_actions("Slow", 1));
    fake->push(reply(fake->actions("Slow")[0], {{"Response", "Success"}}));
    outcome ping;
    l->send("Ping", {}, ping.done());  // answered after the late response: it was read
    ASSERT_TRUE(run_until([&] { return ping.calls > 0; }));
    EXPECT_TRUE(ping.result.ok());
    EXPECT_EQ(o.calls, 1);
    EXPECT_EQ(l->state(), link_state::up);
    EXPECT_TRUE(logged("unknown ActionID"));
}

TEST_F(ami_link_test, link_loss_completes_every_pending_action_once_then_reconnects) {
    make_fake();
    fake->on_action("Hold", [](const message&) { return std::vector<message>{}; });
    start_up(settings());
    std::vector<outcome> o(5);
    for (auto& x : o) l->send("Hold", {}, x.done());
    ASSERT_TRUE(run_until([&] { return fake->actions("Hold").size() == 5; }));
    fake->drop();
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    for (auto& x : o) {
        EXPECT_EQ(x.calls, 1);
        EXPECT_EQ(x.result.error, action_error::link_lost);
    }
    EXPECT_TRUE(rec.downs[0].second);
    EXPECT_NE(rec.downs[0].first.find("Asterisk closed the connection"), std::string::npos);
    ASSERT_TRUE(run_until([&] { return rec.ups.size() == 2; }));
    EXPECT_EQ(fake->connections(), 2U);
    for (auto& x : o) EXPECT_EQ(x.calls, 1);
    outcome after;
    l->send("Ping", {}, after.done());
    ASSERT_TRUE(run_until([&] { return after.calls > 0; }));
    EXPECT_TRUE(after.result.ok());
}

TEST_F(ami_link_test, stop_completes_pending_actions) {
    make_fake();
    fake->on_action("Hold", [](const message&) { return std::vector<message>{}; });
    start_up(settings());
    outcome a, b;
    l->send("Hold", {}, a.done());
    l->send("Hold", {}, b.done());
    ASSERT_TRUE(run_until([&] { return fake->actions("Hold").size() == 2; }));
    l->stop();
    EXPECT_EQ(a.calls, 1);  // before stop() returned
    EXPECT_EQ(b.calls, 1);
    EXPECT_EQ(a.result.error, action_error::stopped);
    EXPECT_EQ(l->state(), link_state::stopped);
    ASSERT_FALSE(rec.downs.empty());
    EXPECT_EQ(rec.downs.back(), (std::pair<std::string, bool>{"stopped", false}));
    outcome late;
    l->send("Ping", {}, late.done());
    EXPECT_EQ(late.calls, 0);  // never inside send()
    ASSERT_TRUE(run_until([&] { return late.calls > 0; }));
    EXPECT_EQ(late.result.error, action_error::not_up);
    io.poll();
    EXPECT_EQ(a.calls + b.calls + late.calls, 3);
}

TEST_F(ami_link_test, destruction_completes_pending_actions_without_listener_calls) {
    make_fake();
    fake->on_action("Hold", [](const message&) { return std::vector<message>{}; });
    start_up(settings());
    outcome a;
    l->send("Hold", {}, a.done());
    ASSERT_TRUE(run_until([&] { return fake->actions("Hold").size() == 1; }));
    const auto downs = rec.downs.size();
    l.reset();
    EXPECT_EQ(a.calls, 1);
    EXPECT_EQ(a.result.error, action_error::stopped);
    EXPECT_EQ(rec.downs.size(), downs);
    io.poll();
}

TEST_F(ami_link_test, half_open_connection_is_found_by_ping) {
    make_fake();
    auto s = settings();
    s.ping_interval = 50ms;
    s.action_timeout = 300ms;
    start_up(s);
    ASSERT_TRUE(run_until([&] { return fake->actions("Ping").size() >= 2; }));
    EXPECT_TRUE(rec.downs.empty());
    fake->set_silent(true);  // the TCP connection stays open; nothing comes back
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    EXPECT_NE(rec.downs[0].first.find("no answer to Ping within 300 ms"), std::string::npos);
    fake->set_silent(false);
    ASSERT_TRUE(run_until([&] { return rec.ups.size() == 2; }));
}

TEST_F(ami_link_test, limits_and_injection_are_refused_without_sending) {
    make_fake();
    fake->on_action("Hold", [](const message&) { return std::vector<message>{}; });
    auto s = settings();
    s.max_pending_actions = 2;
    start_up(s);
    outcome a, b, c, bad, badname;
    l->send("Hold", {}, a.done());
    l->send("Hold", {}, b.done());
    l->send("Hold", {}, c.done());
    l->send("Redirect", {{"Exten", "2001\r\nAction: Hangup\r\nChannel: IAX2/2002-1"}}, bad.done());
    l->send("Redirect", {{"Exten: 1\r\nX", "1"}}, badname.done());
    ASSERT_TRUE(run_until([&] { return c.calls && bad.calls && badname.calls; }));
    EXPECT_EQ(c.result.error, action_error::queue_full);
    EXPECT_EQ(bad.result.error, action_error::invalid);
    EXPECT_EQ(badname.result.error, action_error::invalid);
    ASSERT_TRUE(run_until([&] { return fake->actions("Hold").size() == 2; }));
    outcome ping;  // internal-looking names are still user actions: the limit holds
    l->send("Ping", {}, ping.done());
    ASSERT_TRUE(run_until([&] { return ping.calls > 0; }));
    EXPECT_EQ(ping.result.error, action_error::queue_full);
    EXPECT_TRUE(fake->actions("Redirect").empty());
    EXPECT_TRUE(fake->actions("Hangup").empty());
    EXPECT_EQ(a.calls + b.calls, 0);
    l.reset();  // before the outcomes go: the two pending ones complete now
    EXPECT_EQ(a.calls + b.calls, 2);
}

TEST_F(ami_link_test, a_line_beyond_the_limit_ends_the_connection) {
    make_fake();
    auto s = settings();
    s.limits.max_line_bytes = 1024;
    start_up(s);
    fake->push_raw("Event: Flood\r\nData: " + std::string(2000, 'x') + "\r\n\r\n");
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    EXPECT_NE(rec.downs[0].first.find("protocol error: AMI line longer than 1024 bytes"),
              std::string::npos);
    ASSERT_TRUE(run_until([&] { return rec.ups.size() == 2; }));
}

TEST_F(ami_link_test, not_an_ami_server) {
    fake_ami_options o;
    o.banner = "SSH-2.0-OpenSSH_9.2";
    make_fake(o);
    start(settings());
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    EXPECT_NE(rec.downs[0].first.find("not an AMI server"), std::string::npos);
}

TEST_F(ami_link_test, tls_with_verification) {
    const auto& k = pki::get();
    fake_ami_options o;
    o.cert_file = k.server.string();
    o.key_file = k.server_key.string();
    make_fake(o);
    auto s = settings();
    s.tls = true;
    s.ca_file = k.ca.string();
    start_up(s);
    outcome ping;
    l->send("Ping", {}, ping.done());
    ASSERT_TRUE(run_until([&] { return ping.calls > 0; }));
    EXPECT_TRUE(ping.result.ok());
    EXPECT_EQ(fake->actions("Login")[0].get("Secret"), secret);
}

TEST_F(ami_link_test, tls_with_the_wrong_ca_is_refused) {
    const auto& k = pki::get();
    fake_ami_options o;
    o.cert_file = k.server.string();
    o.key_file = k.server_key.string();
    make_fake(o);
    auto s = settings();
    s.tls = true;
    s.ca_file = k.other_ca.string();
    start(s);
    ASSERT_TRUE(run_until([&] { return rec.downs.size() >= 2; }));
    EXPECT_TRUE(rec.ups.empty());
    EXPECT_NE(rec.downs[0].first.find("certificate refused"), std::string::npos)
        << rec.downs[0].first;
    EXPECT_TRUE(fake->actions("Login").empty());  // the secret never left
}

TEST_F(ami_link_test, tls_with_the_wrong_host_name_is_refused) {
    const auto& k = pki::get();
    fake_ami_options o;
    o.cert_file = k.server.string();
    o.key_file = k.server_key.string();
    make_fake(o);
    auto s = settings();
    s.tls = true;
    s.ca_file = k.ca.string();
    s.server_name = "pbx.example.com";
    start(s);
    ASSERT_TRUE(run_until([&] { return !rec.downs.empty(); }));
    EXPECT_NE(rec.downs[0].first.find("certificate refused"), std::string::npos)
        << rec.downs[0].first;
    EXPECT_TRUE(fake->actions("Login").empty());
}

}  // namespace
}  // namespace ctigw::gateway::ami
