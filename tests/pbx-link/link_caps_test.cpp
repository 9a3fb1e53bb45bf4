// Capabilities (docs/protocol.md §5.2) from the MonitorStartBatch results reach the client with
// each device's truth, at the first pass and again at every resync.
#include <gtest/gtest.h>

#include <map>

#include "ctigw/pbx_link/link.hpp"
#include "sim_harness.hpp"

namespace ctigw::pbx_link::testing {
namespace {

class linkCaps : public ::testing::Test {
  protected:
    recorder cb;
    log_capture logs;
    link_settings settings(const std::string& url) {
        link_settings s;
        s.endpoints.push_back(*parse_endpoint(url));
        s.tls.ca_file = cert_files::get().ca.string();
        s.token = "secret-token";
        s.devices = {"2000", "2001", "2002"};
        s.backoff_initial = 10ms;
        s.backoff_max = 50ms;
        s.batch_size = 2;  // two MonitorStartBatch requests
        return s;
    }
    std::map<std::string, device_truth> truths_since(std::size_t from) {
        std::lock_guard lock(cb.mutex);
        std::map<std::string, device_truth> out;
        for (std::size_t i = from; i < cb.truths.size(); ++i)
            out[cb.truths[i].device] = cb.truths[i];
        return out;
    }
};

TEST_F(linkCaps, UnsupportedServicesArriveWithTheTruthAndFollowResyncs) {
    const auto& c = cert_files::get();
    // With an ACD group the switch can do the agent services too: "everything" really is.
    pbxsim::sim_config config;
    config.acd_groups = {{"6001", "Sales", {}, 20, std::nullopt, pbxsim::milliseconds{10000}}};
    sim pbx(sim::tls_options(c.server, c.server_key), config);
    pbx.call([](pbxsim::server& s) { s.set_unsupported("2001", {"AnswerCall", "ParkCall"}); });
    auto l = make_beast_link(settings(pbx.url()), cb, logs.sink());
    l->start();
    ASSERT_TRUE(cb.wait([&] { return cb.lives >= 1 && cb.state == link_state::live; }));
    auto first = truths_since(0);
    ASSERT_EQ(first.size(), 3u);
    ASSERT_TRUE(first["2001"].capabilities.has_value());
    EXPECT_EQ(first["2001"].capabilities->unsupported,
              (std::vector<std::string>{"AnswerCall", "ParkCall"}));
    EXPECT_FALSE(first["2000"].capabilities.has_value());  // absent = everything
    EXPECT_FALSE(first["2002"].capabilities.has_value());

    // The switch changes its mind; the link learns it at the next pass.
    std::size_t seen = 0;
    {
        std::lock_guard lock(cb.mutex);
        seen = cb.truths.size();
    }
    pbx.call([](pbxsim::server& s) {
        s.set_unsupported("2001", {});
        s.set_unsupported("2002", {"DeflectCall"});
        s.drop_connections();
    });
    ASSERT_TRUE(cb.wait([&] { return cb.lives >= 2 && cb.state == link_state::live; }));
    auto second = truths_since(seen);
    ASSERT_EQ(second.size(), 3u);
    EXPECT_FALSE(second["2001"].capabilities.has_value());
    ASSERT_TRUE(second["2002"].capabilities.has_value());
    EXPECT_EQ(second["2002"].capabilities->unsupported, std::vector<std::string>{"DeflectCall"});
    l->stop();
}

}  // namespace
}  // namespace ctigw::pbx_link::testing
