// The Beast link against the in-process simulator over real TLS on loopback (port 0): the way
// to live, the TLS refusals (each logged with its reason) and what TLS accepts.
#include <gtest/gtest.h>

#include <cctype>
#include <map>

#include "link_sim_test.hpp"

namespace ctigw::pbx_link::testing {
namespace {

TEST_F(linkSim, ConnectAuthenticateMonitorSnapshotLive) {
    sim pbx(good_tls());
    std::string call_id;
    pbx.call([&](pbxsim::server& s) {
        s.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
            auto r = m.external_call("0301555123", "2003", now);  // in progress before we connect
            ASSERT_EQ(r.index(), 0u) << std::get<1>(r);
            call_id = std::get<0>(r);
        });
    });
    auto s = base_settings({pbx.url()});
    s.devices.push_back("9999");  // not a device: its truth carries the error
    s.batch_size = 3;             // 11 devices: 4 batches each, at most 2 in flight
    s.batches_in_flight = 2;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    {
        std::lock_guard lock(cb.mutex);
        const std::vector<std::pair<link_state, link_state>> expected = {
            {link_state::stopped, link_state::connecting},
            {link_state::connecting, link_state::tls_handshake},
            {link_state::tls_handshake, link_state::ws_handshake},
            {link_state::ws_handshake, link_state::negotiating},
            {link_state::negotiating, link_state::authenticating},
            {link_state::authenticating, link_state::monitoring},
            {link_state::monitoring, link_state::resyncing},
            {link_state::resyncing, link_state::live}};
        EXPECT_EQ(cb.states, expected);
        ASSERT_EQ(cb.truths.size(), 11u);
        std::map<std::string, device_truth> by_device;
        for (const auto& t : cb.truths) by_device[t.device] = t;
        ASSERT_EQ(by_device["2003"].connections.size(), 1u);
        EXPECT_EQ(by_device["2003"].connections[0].connection.call_id, call_id);
        EXPECT_EQ(by_device["2003"].connections[0].state, connection_state::alerting);
        EXPECT_TRUE(by_device["2001"].connections.empty());
        ASSERT_TRUE(by_device["9999"].error);
        EXPECT_EQ(by_device["9999"].error->value, "invalidDeviceID");
    }
    // Live events after the truth are delivered.
    pbx.call([&](pbxsim::server& srv) {
        srv.with_model([&](pbxsim::switch_model& m, pbxsim::time_point now) {
            ASSERT_EQ(m.external_hangup(call_id, now), "");
        });
    });
    ASSERT_TRUE(cb.wait([&] {
        for (auto& [d, e] : cb.events) {
            if (d == "2003") return true;
        }
        return false;
    }));
    outcome_log out;
    EXPECT_TRUE(l->request(get_dnd("2001"), out.make(1)));
    ASSERT_TRUE(wait_until([&] { return out.completed() == 1; }));
    EXPECT_EQ(out.ok(), 1u);
    const auto f = l->figures();
    EXPECT_EQ(f.state, link_state::live);
    EXPECT_EQ(f.connects, 1u);
    EXPECT_EQ(f.endpoint, pbx.url());
    EXPECT_EQ(f.switch_instance, [&] {
        std::string id;
        pbx.call([&](pbxsim::server& srv) { id = srv.instance_id(); });
        return id;
    }());
    EXPECT_GE(f.events, 1u);
    EXPECT_FALSE(logs.contains("secret-token"));
    l->stop();
    EXPECT_EQ(cb.state, link_state::stopped);
}

// ---- TLS refusals: each class is logged with its reason, and the next endpoint is tried ----

struct tls_case {
    const char* name;
    std::function<pbxsim::server_options()> bad_server;
    std::function<void(link_settings&)> tweak;
    const char* reason;
};

class linkTlsRefusal : public linkSim, public ::testing::WithParamInterface<tls_case> {};

TEST_P(linkTlsRefusal, LoggedAndNextEndpointTried) {
    const auto& c = GetParam();
    sim bad(c.bad_server());
    sim good(good_tls());
    auto s = base_settings({bad.url(), good.url()});
    c.tweak(s);
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    EXPECT_TRUE(logs.contains(bad.url())) << "no log line for the refused endpoint";
    bool found = false;
    for (const auto& line : logs.lines()) {
        if (line.find(bad.url()) != std::string::npos && line.find(c.reason) != std::string::npos)
            found = true;
    }
    EXPECT_TRUE(found) << "expected reason: " << c.reason;
    EXPECT_EQ(l->figures().endpoint, good.url());
    l->stop();
}

INSTANTIATE_TEST_SUITE_P(
    Classes, linkTlsRefusal,
    ::testing::Values(
        tls_case{"unknown_ca",
                 [] {
                     return sim::tls_options(cert_files::get().unknown,
                                             cert_files::get().unknown_key);
                 },
                 [](link_settings&) {}, "unable to get local issuer certificate"},
        tls_case{"expired",
                 [] {
                     return sim::tls_options(cert_files::get().expired,
                                             cert_files::get().expired_key);
                 },
                 [](link_settings&) {}, "certificate has expired"},
        tls_case{"wrong_host",
                 [] {
                     return sim::tls_options(cert_files::get().wrong_host,
                                             cert_files::get().wrong_host_key);
                 },
                 [](link_settings&) {}, "host name mismatch"},
        tls_case{"pin_mismatch",
                 // Same CA, valid for the host: only the pin refuses the first server.
                 [] {
                     return sim::tls_options(cert_files::get().server2,
                                             cert_files::get().server2_key);
                 },
                 [](link_settings& s) { s.tls.pinned_sha256 = cert_files::get().server_sha256; },
                 "pin mismatch"},
        tls_case{"client_certificate_required",
                 [] {
                     auto o = good_tls();
                     o.tls->client_ca = cert_files::get().ca;
                     return o;
                 },
                 [](link_settings&) {}, "client certificate required"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(linkSim, PinMatchAccepted) {
    sim pbx(good_tls());
    auto s = base_settings({pbx.url()});
    // Upper case with colons, as operators copy it from tools.
    std::string pin;
    for (std::size_t i = 0; i < cert_files::get().server_sha256.size(); i += 2) {
        if (i) pin += ':';
        pin += cert_files::get().server_sha256.substr(i, 2);
    }
    for (auto& ch : pin) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    s.tls.pinned_sha256 = pin;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    l->stop();
}

TEST_F(linkSim, ClientCertificateAccepted) {
    auto o = good_tls();
    o.tls->client_ca = cert_files::get().ca;
    sim pbx(o);
    auto s = base_settings({pbx.url()});
    s.tls.client_certificate = cert_files::get().client.string();
    s.tls.client_key = cert_files::get().client_key.string();
    s.tls.tls13_only = true;
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    l->stop();
}

TEST_F(linkSim, ServerNameOverrideChecksThatName) {
    sim pbx(sim::tls_options(cert_files::get().wrong_host, cert_files::get().wrong_host_key));
    auto s = base_settings({pbx.url()});
    s.tls.server_name = "wrong.example.com";
    auto l = make(s);
    l->start();
    ASSERT_TRUE(wait_live());
    l->stop();
}

TEST_F(linkSim, PlainWebSocketWhenConfigured) {
    pbxsim::server_options o;
    o.token = "secret-token";
    sim pbx(o);
    auto l = make(base_settings({pbx.url(false)}));
    l->start();
    ASSERT_TRUE(wait_live());
    EXPECT_TRUE(logs.contains("plain ws://"));
    l->stop();
}

}  // namespace
}  // namespace ctigw::pbx_link::testing
