// GetDeviceStatusBatch at the gateway (docs/protocol.md §5.11): every read of every device is the
// answer the per-device Get* service gives, within the client's rights and the device's
// capabilities, on version-3 sessions only.
#include "server_harness.hpp"

namespace ctigw::gateway::testing {
namespace {

using namespace protocol;

constexpr std::string_view all_token = "all-devices-token-0123456789abcdef";
constexpr std::string_view agent_token = "agent-2001-token-0123456789abcdef";

std::vector<client> clients() {
    return {make_client("all", all_token, devices_of({"2000-2999", "7001-7005"})),
            make_client("agent-2001", agent_token, devices_of({"2001"}))};
}

const std::vector<status_read> every_read{status_read::forwarding, status_read::do_not_disturb,
                                          status_read::display,    status_read::hookswitch,
                                          status_read::ringer,     status_read::buttons,
                                          status_read::lamps};

template <class S>
typename S::result result_of(const response& r) {
    EXPECT_TRUE(succeeded(r)) << service_name(r.service_index);
    return std::get<typename S::result>(std::get<service_result>(r.outcome));
}

std::vector<device_status_item> batch(gateway_client& c, std::vector<std::string> devices,
                                      std::vector<status_read> reads = every_read,
                                      std::optional<bool> allow_same_as = {}) {
    return result_of<svc::get_device_status_batch>(
               c.call(svc::get_device_status_batch::params{std::move(devices), std::move(reads),
                                                           allow_same_as}))
        .results;
}

bool has_error(const device_status_item& item, status_read read, std::string_view value) {
    return std::any_of(item.errors.begin(), item.errors.end(), [&](const status_read_error& e) {
        return e.read == read && e.error.value == value;
    });
}

TEST(GatewayStatusBatch, EveryReadIsWhatThePerDeviceServiceAnswers) {
    running_gateway gw(clients());
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(all_token), {3, 2, 1}));
    // Give the devices some state to read back.
    ASSERT_TRUE(succeeded(c.call(svc::set_forwarding::params{
        "2002", forwarding_type::immediate, true, std::string("2005"), std::nullopt})));
    ASSERT_TRUE(succeeded(c.call(svc::set_do_not_disturb::params{"2003", true})));
    ASSERT_TRUE(succeeded(c.call(svc::set_lamp_mode::params{"2004", 3, lamp_mode::flash})));
    ASSERT_TRUE(succeeded(c.call(svc::set_display::params{"2004", "Queue 7 waiting", {}, {}})));
    ASSERT_TRUE(succeeded(c.call(
        svc::set_ringer_status::params{"2004", ringer_mode::not_ringing, std::uint32_t{40}})));

    const auto items = batch(c, {"2002", "2003", "2004", "2500"});
    ASSERT_EQ(items.size(), 4U);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& item = items[i];
        SCOPED_TRACE(item.device);
        EXPECT_FALSE(item.error.has_value());
        EXPECT_TRUE(item.errors.empty());
        EXPECT_EQ(item.forwarding,
                  result_of<svc::get_forwarding>(c.call(svc::get_forwarding::params{item.device}))
                      .forwarding);
        EXPECT_EQ(item.do_not_disturb, result_of<svc::get_do_not_disturb>(
                                           c.call(svc::get_do_not_disturb::params{item.device}))
                                           .do_not_disturb_on);
        EXPECT_EQ(item.display,
                  result_of<svc::get_display>(c.call(svc::get_display::params{item.device})));
        EXPECT_EQ(item.hookswitches, result_of<svc::get_hookswitch_status>(
                                         c.call(svc::get_hookswitch_status::params{item.device}))
                                         .hookswitches);
        EXPECT_EQ(item.ringer, result_of<svc::get_ringer_status>(
                                   c.call(svc::get_ringer_status::params{item.device})));
        const auto buttons = result_of<svc::get_button_information>(
                                 c.call(svc::get_button_information::params{item.device, {}}))
                                 .buttons;
        EXPECT_EQ(item.buttons, buttons);
        ASSERT_EQ(item.lamps.size(), 12U);  // the simulator's default: button i has lamp i
        for (const auto& l : item.lamps) {
            EXPECT_EQ(l.mode, result_of<svc::get_lamp_mode>(
                                  c.call(svc::get_lamp_mode::params{item.device, l.lamp}))
                                  .mode);
        }
    }
    // The state set above is what came back.
    EXPECT_EQ(std::count_if(items[0].forwarding.begin(), items[0].forwarding.end(),
                            [](const forwarding_entry& f) {
                                return f.type == forwarding_type::immediate && f.active &&
                                       f.forward_to == "2005";
                            }),
              1);
    EXPECT_EQ(items[1].do_not_disturb, true);
    EXPECT_EQ(items[2].ringer->volume, 40U);
    EXPECT_NE(items[2].display->text.find("Queue 7 waiting"), std::string::npos);
    EXPECT_EQ(std::count_if(
                  items[2].lamps.begin(), items[2].lamps.end(),
                  [](const lamp_status& l) { return l.lamp == 3 && l.mode == lamp_mode::flash; }),
              1);
    // An unknown device is an item error with nothing read.
    ASSERT_TRUE(items[3].error.has_value());
    EXPECT_EQ(items[3].error->value, error_values::invalid_device_id);
    EXPECT_FALSE(items[3].do_not_disturb.has_value());
}

// The simulator answers a device's reads from memory all at once (switch_backend::read_status_now),
// or one by one (read_now) when a lamp read is excluded; a backend that asks its switch answers
// each read through execute(), later. The batch must not tell them apart.
TEST(GatewayStatusBatch, ReadsAnsweredLaterGiveTheSameBatchAsReadsAnsweredAtOnce) {
    // 7001, a park orbit, fails every read in the backend (not a station).
    const std::vector<std::string> devices{"2002", "2003", "2004", "2500", "7001"};
    std::vector<std::vector<device_status_item>> got;
    for (const auto answers : {backend_answers::as_simulator, backend_answers::later}) {
        running_gateway gw(clients(), {}, {}, answers);
        gw.run([](server&, sim_backend& b) {
            b.set_unsupported("2003", {"GetLampMode"});
            b.set_unsupported("2004", {"GetDisplay", "GetButtonInformation"});
        });
        gateway_client c(gw.port());
        ASSERT_TRUE(c.login(std::string(all_token), {3}));
        ASSERT_TRUE(succeeded(c.call(svc::set_do_not_disturb::params{"2002", true})));
        ASSERT_TRUE(succeeded(c.call(svc::set_lamp_mode::params{"2002", 5, lamp_mode::flash})));
        const auto executed_before = gw.executed_later();
        got.push_back(batch(c, devices));
        got.push_back(batch(c, devices, {status_read::lamps, status_read::ringer}));
        if (answers == backend_answers::later) {
            // Every read: 2002 six services (lamps come with the buttons) and 12 lamps, 2003 six
            // (no lamp), 2004 four, 7001 six (its buttons fail: no lamp). Lamps and ringer: 2002
            // buttons, 12 lamps and the ringer, 2003 and 7001 buttons and the ringer, 2004 the
            // ringer.
            EXPECT_EQ(gw.executed_later() - executed_before,
                      (18U + 6U + 4U + 6U) + (14U + 2U + 1U + 2U));
        } else {
            EXPECT_EQ(gw.executed_later(), 0U);
        }
    }
    ASSERT_EQ(got.size(), 4U);
    EXPECT_EQ(got[0], got[2]);
    EXPECT_EQ(got[1], got[3]);
    // What differs by device is in both.
    EXPECT_EQ(got[0][0].do_not_disturb, true);
    EXPECT_EQ(got[0][0].lamps.size(), 12U);
    EXPECT_TRUE(has_error(got[0][1], status_read::lamps, error_values::service_not_supported));
    EXPECT_EQ(got[0][1].buttons.size(), 12U);
    EXPECT_TRUE(has_error(got[0][2], status_read::display, error_values::service_not_supported));
    EXPECT_TRUE(has_error(got[0][2], status_read::buttons, error_values::service_not_supported));
    EXPECT_TRUE(has_error(got[0][2], status_read::lamps, error_values::service_not_supported));
    EXPECT_TRUE(got[0][2].ringer.has_value());
    EXPECT_EQ(got[0][3].error->value, error_values::invalid_device_id);
    EXPECT_TRUE(got[1][0].buttons.empty());
    EXPECT_EQ(got[1][0].lamps.size(), 12U);
    // Not a station: every read is an error of the backend's, in StatusRead order.
    std::vector<status_read> failed;
    for (const auto& e : got[0][4].errors) {
        EXPECT_EQ(e.error.value, error_values::service_not_supported);
        failed.push_back(e.read);
    }
    EXPECT_EQ(failed, every_read);
    EXPECT_FALSE(got[0][4].error.has_value());
}

TEST(GatewayStatusBatch, OnlyTheReadsAskedForAndLampsWithoutButtons) {
    running_gateway gw(clients());
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(all_token), {3}));
    const auto items =
        batch(c, {"2010", "2011"}, {status_read::do_not_disturb, status_read::lamps});
    ASSERT_EQ(items.size(), 2U);
    for (const auto& item : items) {
        EXPECT_EQ(item.do_not_disturb, false);
        EXPECT_EQ(item.lamps.size(), 12U);
        EXPECT_TRUE(item.buttons.empty());  // read to find the lamps, not reported
        EXPECT_FALSE(item.display.has_value());
        EXPECT_FALSE(item.ringer.has_value());
        EXPECT_TRUE(item.errors.empty());
    }
}

TEST(GatewayStatusBatch, AReadTheDeviceCannotDoIsAnItemErrorNotAFailedBatch) {
    running_gateway gw(clients());
    gw.run([](server&, sim_backend& b) {
        b.set_unsupported("2006", {"GetDisplay", "GetLampMode"});
        b.set_unsupported("2007", {"GetButtonInformation"});
    });
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(all_token), {3}));
    const auto items = batch(c, {"2006", "2007"});
    ASSERT_EQ(items.size(), 2U);
    EXPECT_TRUE(has_error(items[0], status_read::display, error_values::service_not_supported));
    EXPECT_TRUE(has_error(items[0], status_read::lamps, error_values::service_not_supported));
    EXPECT_FALSE(items[0].display.has_value());
    EXPECT_TRUE(items[0].lamps.empty());
    EXPECT_EQ(items[0].buttons.size(), 12U);
    EXPECT_TRUE(items[0].ringer.has_value());
    EXPECT_TRUE(has_error(items[1], status_read::buttons, error_values::service_not_supported));
    EXPECT_TRUE(has_error(items[1], status_read::lamps, error_values::service_not_supported));
    EXPECT_EQ(items[1].errors.size(), 2U);
    EXPECT_TRUE(items[1].display.has_value());
}

TEST(GatewayStatusBatch, DevicesOutsideTheRightsAreRefusedPerItem) {
    running_gateway gw(clients());
    gateway_client agent(gw.port());
    ASSERT_TRUE(agent.login(std::string(agent_token), {3}));
    const auto items = batch(agent, {"2001", "2002"});
    ASSERT_EQ(items.size(), 2U);
    EXPECT_FALSE(items[0].error.has_value());
    EXPECT_TRUE(items[0].ringer.has_value());
    ASSERT_TRUE(items[1].error.has_value());
    EXPECT_EQ(items[1].error->value, error_values::privilege_violation);
    EXPECT_TRUE(items[1].forwarding.empty());
    EXPECT_FALSE(items[1].ringer.has_value());
    EXPECT_EQ(gw.stats().access_refusals, 1U);
}

TEST(GatewayStatusBatch, AClientThatAllowsSameAsGetsAlikeItemsOnceAndResolvesThemToTheSame) {
    running_gateway gw(clients());
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(all_token), {3, 2, 1}));
    ASSERT_TRUE(succeeded(c.call(svc::set_lamp_mode::params{"2004", 3, lamp_mode::flash})));
    ASSERT_TRUE(succeeded(c.call(svc::set_display::params{"2005", "Queue 7 waiting", {}, {}})));
    const std::vector<std::string> devices{"2002", "2003", "2004", "2500", "2005", "7001", "2006"};
    const auto whole = batch(c, devices);
    auto shared = batch(c, devices, every_read, true);
    ASSERT_EQ(shared.size(), whole.size());
    EXPECT_FALSE(shared[0].same_as);
    EXPECT_EQ(shared[1].same_as, std::optional<std::uint32_t>(0));
    EXPECT_TRUE(shared[1].buttons.empty());
    EXPECT_TRUE(shared[1].lamps.empty());
    EXPECT_EQ(shared[2].same_as, std::optional<std::uint32_t>(0));
    EXPECT_EQ(shared[2].lamps, whole[2].lamps);  // a lamp flashes: its lamps are its own
    EXPECT_FALSE(shared[3].same_as);             // unknown: an item error
    EXPECT_TRUE(shared[6].buttons.empty());
    ASSERT_EQ(resolve_same_as(shared), nullptr);
    EXPECT_EQ(shared, whole);
}

TEST(GatewayStatusBatch, NeedsVersion3AndAtMostMaxBatchSizeDevices) {
    server_options o;
    o.max_batch_size = 2;
    running_gateway gw(clients(), o);
    gateway_client v2(gw.port());
    ASSERT_TRUE(v2.login(std::string(all_token), {2, 1}));
    auto r = v2.call(svc::get_device_status_batch::params{{"2001"}, {status_read::ringer}, {}});
    EXPECT_EQ(error_of(r).value, error_values::service_not_supported);

    gateway_client v3(gw.port());
    ASSERT_TRUE(v3.login(std::string(all_token), {3, 2, 1}));
    r = v3.call(
        svc::get_device_status_batch::params{{"2001", "2002", "2003"}, {status_read::ringer}, {}});
    EXPECT_EQ(error_of(r).value, error_values::invalid_parameter_value);
    EXPECT_EQ(batch(v3, {"2001", "2002"}, {status_read::ringer}).size(), 2U);
}

}  // namespace
}  // namespace ctigw::gateway::testing

namespace ctigw::gateway::testing {
namespace {

TEST(GatewayBatchFrameLimit, ItemsBeyondTheFrameLimitAreAnsweredPerformanceLimitExceeded) {
    server_options o;
    o.limits.max_frame_bytes = 8 * 1024;
    running_gateway gw(clients(), o);
    gateway_client c(gw.port());
    ASSERT_TRUE(c.login(std::string(all_token), {3}));
    std::vector<std::string> devices;
    for (int d = 2000; d < 2040; ++d) devices.push_back(std::to_string(d));
    // ~1.5 KB per phone: about five fit in 8 KiB.
    const auto items = batch(c, devices);
    ASSERT_EQ(items.size(), devices.size());
    std::size_t full = 0;
    while (full < items.size() && !items[full].error) ++full;
    EXPECT_GT(full, 0U);
    EXPECT_LT(full, 8U);
    for (std::size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(items[i].device, devices[i]);
        if (i < full) {
            EXPECT_EQ(items[i].lamps.size(), 12U);
        } else {
            ASSERT_TRUE(items[i].error.has_value()) << i;
            EXPECT_EQ(items[i].error->value, error_values::performance_limit_exceeded);
        }
    }
    EXPECT_TRUE(
        gw.logged("GetDeviceStatusBatch answered " + std::to_string(full) + " of 40 items"));
    // Alike phones' buttons and lamps once: all forty fit (each refers to the first).
    const auto shared = batch(c, devices, every_read, true);
    ASSERT_EQ(shared.size(), devices.size());
    for (std::size_t i = 1; i < shared.size(); ++i) {
        EXPECT_EQ(shared[i].same_as, std::optional<std::uint32_t>(0)) << i;
        EXPECT_TRUE(shared[i].buttons.empty()) << i;
    }
    // 1,000 snapshots: not even their item errors fit; the whole request is refused.
    devices.clear();
    for (int d = 2000; d < 3000; ++d) devices.push_back(std::to_string(d));
    const auto snap = c.call(svc::snapshot_device_batch::params{devices});
    EXPECT_EQ(error_of(snap).value, error_values::performance_limit_exceeded);
    EXPECT_TRUE(gw.logged("SnapshotDeviceBatch of 1000 items refused"));
}

}  // namespace
}  // namespace ctigw::gateway::testing
