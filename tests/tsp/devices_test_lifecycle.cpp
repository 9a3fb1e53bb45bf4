// A line's or phone's lifecycle (docs/state-machines/devices.md): presence (listed, awaiting
// create, removed) and service, written only by device_machine; reload adds and removes devices.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>

#include "devices/devices.hpp"
#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {
namespace {

using namespace protocol::svc;
constexpr LONG ok = 0;
LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

class DeviceLifecycle : public devices_fixture {
  protected:
    bool logged(const std::string& text) {
        std::lock_guard lock(log_mutex);
        return std::any_of(logs.begin(), logs.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    }
};

TEST_F(DeviceLifecycle, EdgesAreCheckedAndLogged) {
    start();
    const auto held = st();
    auto& s = *held;
    line l;
    l.extension = "2999";
    EXPECT_EQ(l.where(), device_lifecycle::presence::listed);
    EXPECT_TRUE(device_machine::set_in_service(s, l, true));
    EXPECT_FALSE(device_machine::set_in_service(s, l, true));  // no change, no log
    EXPECT_TRUE(logged("line 2999 out of service -> in service"));
    // A device TAPI may already use cannot wait to be created.
    EXPECT_FALSE(device_machine::await_create(s, l));
    EXPECT_FALSE(l.awaiting_create());
    EXPECT_FALSE(device_machine::created(s, l));  // nothing to create
    EXPECT_TRUE(device_machine::remove(s, l));
    EXPECT_TRUE(logged("line 2999 listed -> removed"));
    EXPECT_FALSE(l.in_service());
    // Removed is final: no service, no presence.
    EXPECT_FALSE(device_machine::set_in_service(s, l, true));
    EXPECT_TRUE(logged("line 2999 removed: stays out of service"));
    EXPECT_FALSE(device_machine::await_create(s, l));
    EXPECT_TRUE(logged("line 2999 refused removed -> awaiting create"));
    EXPECT_TRUE(l.removed());

    phone ph;
    ph.extension = "2998";
    EXPECT_TRUE(device_machine::await_create(s, ph));
    EXPECT_TRUE(device_machine::created(s, ph));
    EXPECT_TRUE(logged("phone 2998 awaiting create -> listed"));
    EXPECT_FALSE(device_machine::created(s, ph));
}

// A device removed before TAPI created it: never announced, never removed (TAPI never heard of
// it), its late create fails, and the link's truth does not bring it into service.
TEST_F(DeviceLifecycle, RemovedBeforeCreatedIsNeverAnnouncedNorCreated) {
    start();
    go_live();
    answer_all_queries();
    config_text = R"({
      "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
      "devices": { "lines": ["2001", "2002", "2003", "2005"], "phones": ["2001", "2002"] } })";
    EXPECT_EQ(prov->reload(), "");
    drain();
    ASSERT_EQ(st()->lines_.size(), 4u);
    EXPECT_TRUE(st()->lines_[3]->awaiting_create());
    config_text = default_config;
    EXPECT_EQ(prov->reload(), "");
    drain();
    EXPECT_TRUE(st()->lines_[3]->removed());
    EXPECT_TRUE(line_msgs(LINE_REMOVE).empty());
    {
        std::lock_guard lock(recorder::mutex);
        EXPECT_EQ(recorder::line_creates.size(), 1u);  // the LINE_CREATE, no LINE_REMOVE
    }
    EXPECT_EQ(prov->create_line_device(3, 700), err(LINEERR_BADDEVICEID));
    {
        const auto held = st();
        EXPECT_FALSE(device_machine::set_in_service(*held, *held->lines_[3], true));
        EXPECT_FALSE(held->lines_[3]->in_service());
    }
}

// The link lost: every device goes out of service once (a second loss changes nothing); the
// next live link brings them back, each reported to a line that selected the state.
TEST_F(DeviceLifecycle, LinkLossTakesEveryDeviceOutOfServiceOnce) {
    start();
    go_live();
    answer_all_queries();
    const HDRVLINE hd = open_line(0);
    ASSERT_EQ(devices::line_set_status_messages(
                  st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0),
              ok);
    ASSERT_TRUE(st()->lines_[0]->in_service());
    devices_set_all_out_of_service(st());
    devices_set_all_out_of_service(st());
    auto states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_OUTOFSERVICE));
    for (const auto& l : st()->lines_) EXPECT_FALSE(l->in_service());
    for (const auto& ph : st()->phones_) EXPECT_FALSE(ph->in_service());
    go_live();
    answer_all_queries();
    states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[1].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    EXPECT_TRUE(st()->lines_[0]->in_service());
}

// Queued TAPI callbacks name their line and phone by a plain pointer (state.hpp open_guard): the
// devices a new enumeration replaces must outlive every callback queued before it.
TEST_F(DeviceLifecycle, ReplacedDevicesOutliveTheCallbacksQueuedBeforeThem) {
    start();
    go_live();
    answer_all_queries();
    open_line(0);
    open_phone(0);
    // Hold the dispatcher inside a callback, so that what is queued next waits behind it.
    std::promise<void> entered, go_on;
    auto go = go_on.get_future().share();
    prov->state().tapi().push([&entered, go] {
        entered.set_value();
        go.wait();
    });
    entered.get_future().wait();
    std::weak_ptr<line> old_line;
    std::weak_ptr<phone> old_phone;
    {
        const auto held = st();
        auto& s = *held;
        old_line = s.lines_[0];
        old_phone = s.phones_[0];
        s.line_event(s.lines_[0], nullptr, LINE_LINEDEVSTATE, LINEDEVSTATE_OTHER, 0, 0);
        s.phone_event(s.phones_[0], PHONE_STATE, PHONESTATE_OTHER, 0, 0);
        devices_build(s, *s.settings_);  // what a second TSPI_providerEnumDevices does
        EXPECT_NE(s.lines_[0].get(), old_line.lock().get());
    }
    EXPECT_FALSE(old_line.expired()) << "released before the callbacks queued for it ran";
    EXPECT_FALSE(old_phone.expired());
    go_on.set_value();
    drain();
    EXPECT_TRUE(old_line.expired()) << "kept after its callbacks ran";
    EXPECT_TRUE(old_phone.expired());
    EXPECT_EQ(line_msgs(LINE_LINEDEVSTATE).size(), 1u);
    EXPECT_EQ(phone_msgs(PHONE_STATE).size(), 1u);
}

// ---- reload (moved from devices_test.cpp) -------------------------------------------------------

class DeviceReload : public devices_fixture {};

TEST_F(DeviceReload, ReloadAddsAndRemovesDevices) {
    start();
    go_live();
    const HDRVLINE removed_hd = open_line(2);  // 2003, about to go
    answer_all_queries();
    const DWORD removed_id = line_id(2);
    config_text = R"({
      "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
      "devices": { "lines": ["2001", "2002", "2004"], "phones": ["2001", "2002", "2004"],
                   "names": { "2001": "Alice M.", "2004": "New Desk" } } })";
    EXPECT_EQ(prov->reload(), "");
    drain();
    {
        std::lock_guard lock(recorder::mutex);
        ASSERT_EQ(recorder::line_creates.size(), 1u);  // LINE_CREATE through the EnumDevices proc
        EXPECT_EQ(recorder::line_creates[0].msg, static_cast<DWORD>(LINE_CREATE));
        EXPECT_EQ(recorder::line_creates[0].p1, reinterpret_cast<DWORD_PTR>(provider_handle));
        EXPECT_EQ(recorder::line_creates[0].p2, 3u);  // temp id: its index
        ASSERT_EQ(recorder::phone_creates.size(), 1u);
        EXPECT_EQ(recorder::phone_creates[0].msg, static_cast<DWORD>(PHONE_CREATE));
        EXPECT_EQ(recorder::phone_creates[0].p2, 2u);
    }
    // the open removed line hears LINE_REMOVE on its own event proc
    auto removes = line_msgs(LINE_REMOVE);
    ASSERT_EQ(removes.size(), 1u);
    EXPECT_EQ(removes[0].p1, removed_id);
    var_buffer b(4096);
    EXPECT_EQ(devices::line_get_dev_caps(st(), removed_id, v31, 0, b.as<LINEDEVCAPS>()),
              err(LINEERR_NODEVICE));
    DWORD n = 0;
    EXPECT_EQ(devices::line_get_num_address_ids(st(), removed_hd, &n),
              err(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(devices::line_close(prov->state(), removed_hd),
              ok);  // TAPI closes it after LINE_REMOVE
    HDRVLINE hd = nullptr;
    EXPECT_EQ(devices::line_open(st(), removed_id, nullptr, &hd, v31, &recorder::line_event),
              err(LINEERR_NODEVICE));

    // TAPI creates the new line: it answers under its new id
    EXPECT_EQ(devices::line_get_dev_caps(st(), 500, v31, 0, b.as<LINEDEVCAPS>()),
              err(LINEERR_BADDEVICEID));
    ASSERT_EQ(prov->create_line_device(3, 500), 0);
    EXPECT_EQ(prov->create_line_device(3, 501), err(LINEERR_BADDEVICEID));  // only once
    ASSERT_EQ(devices::line_get_dev_caps(st(), 500, v31, 0, b.as<LINEDEVCAPS>()), ok);
    EXPECT_EQ(b.string_at(offsetof(LINEDEVCAPS, dwLineNameSize)), u"New Desk");
    EXPECT_EQ(b.as<LINEDEVCAPS>()->dwPermanentLineID, 2004u);
    ASSERT_EQ(prov->create_phone_device(2, 600), 0);
    var_buffer pc(4096);
    ASSERT_EQ(devices::phone_get_dev_caps(st(), 600, v31, 0, pc.as<PHONECAPS>()), ok);
    // renamed in place
    ASSERT_EQ(devices::line_get_dev_caps(st(), line_id(0), v31, 0, b.as<LINEDEVCAPS>()), ok);
    EXPECT_EQ(b.string_at(offsetof(LINEDEVCAPS, dwLineNameSize)), u"Alice M.");

    // the removed extension comes back: a new device with its old permanent id
    config_text = R"({
      "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
      "devices": { "lines": ["2001", "2002", "2003", "2004"], "phones": ["2001", "2002", "2004"] } })";
    EXPECT_EQ(prov->reload(), "");
    drain();
    ASSERT_EQ(st()->lines_.size(), 5u);
    EXPECT_TRUE(st()->lines_[2]->removed());
    EXPECT_EQ(st()->lines_[4]->permanent_id, 2003u);
    EXPECT_TRUE(st()->lines_[4]->awaiting_create());
}

TEST_F(DeviceReload, ReloadChangesTheMonitoredSetAndAddedLinesComeInService) {
    start();
    go_live();
    EXPECT_TRUE(link->device_sets().empty());
    const char* head = R"({
      "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
      "devices": )";
    config_text = std::string(head) +
                  R"({ "lines": ["2001", "2002", "2004"], "phones": ["2001", "2005"] } })";
    EXPECT_EQ(prov->reload(), "");
    // the link monitors the union of line and phone extensions: 2003 out, 2004 and 2005 in
    ASSERT_EQ(link->device_sets().size(), 1u);
    EXPECT_EQ(link->device_sets()[0], (std::vector<std::string>{"2001", "2002", "2004", "2005"}));

    // TAPI creates and opens the new line: out of service until its truth arrives
    ASSERT_EQ(st()->lines_[3]->extension, "2004");
    ASSERT_EQ(prov->create_line_device(3, 500), 0);
    HDRVLINE hd = nullptr;
    ASSERT_EQ(devices::line_open(st(), 500, reinterpret_cast<HTAPILINE>(std::uintptr_t{0x1400}),
                                 &hd, v31, &recorder::line_event),
              ok);
    ASSERT_EQ(devices::line_set_status_messages(
                  st(), hd, LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE, 0),
              ok);
    EXPECT_FALSE(st()->lines_[3]->in_service());
    EXPECT_TRUE(line_msgs(LINE_LINEDEVSTATE).empty());
    // the link is live: the truth puts it in service at once (no on_live follows)
    link->push_truth({"2004", {}, std::nullopt, std::nullopt});
    link->push_truth({"2005", {}, std::nullopt, std::nullopt});
    drain();
    EXPECT_TRUE(st()->lines_[3]->in_service());
    auto states = line_msgs(LINE_LINEDEVSTATE);
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].p1, static_cast<DWORD_PTR>(LINEDEVSTATE_INSERVICE));
    EXPECT_EQ(states[0].ht, reinterpret_cast<HTAPILINE>(std::uintptr_t{0x1400}));
    // ... and reads its status from the switch like any line coming in service
    ASSERT_FALSE(link->pending().empty());
    EXPECT_NE(pending_as<protocol::svc::get_forwarding::params>(0), nullptr);
    answer_all_queries();
    ASSERT_EQ(st()->phones_.back()->extension, "2005");
    EXPECT_TRUE(st()->phones_.back()->in_service());

    // a reload that changes no extension leaves the link alone
    config_text =
        std::string(head) +
        R"({ "lines": ["2001", "2002", "2004"], "phones": ["2001", "2005"], "names": { "2004": "Desk" } } })";
    EXPECT_EQ(prov->reload(), "");
    EXPECT_EQ(link->device_sets().size(), 1u);

    // a new line of an extension already monitored for its phone: no new truth comes, it is in
    // service at once since the device is
    config_text = std::string(head) +
                  R"({ "lines": ["2001", "2002", "2004", "2005"], "phones": ["2001", "2005"] } })";
    EXPECT_EQ(prov->reload(), "");
    ASSERT_EQ(link->device_sets().size(), 2u);
    EXPECT_EQ(link->device_sets()[1], link->device_sets()[0]);
    ASSERT_EQ(st()->lines_.back()->extension, "2005");
    EXPECT_TRUE(st()->lines_.back()->in_service());

    // while the link is down a truth waits for on_live, as in any resync
    link->go_down("test");
    config_text =
        std::string(head) +
        R"({ "lines": ["2001", "2002", "2004", "2005", "2006"], "phones": ["2001", "2005"] } })";
    EXPECT_EQ(prov->reload(), "");
    ASSERT_EQ(link->device_sets().size(), 3u);
    EXPECT_EQ(link->device_sets()[2].back(), "2006");
    link->set_state(pbx_link::link_state::resyncing, "resync");
    link->push_truth({"2006", {}, std::nullopt, std::nullopt});
    EXPECT_FALSE(st()->lines_.back()->in_service());
    link->set_state(pbx_link::link_state::live, "live");
    prov->state().on_live();
    EXPECT_TRUE(st()->lines_.back()->in_service());
    answer_all_queries();
}

TEST_F(DeviceReload, ReloadWithABadFileKeepsTheRunningConfiguration) {
    start();
    config_text = R"({ "switch": { "endpoints": [] }, "devices": { "lines": ["2999-2000"] } })";
    const auto errors = prov->reload();
    EXPECT_FALSE(errors.empty());
    EXPECT_EQ(st()->lines_.size(), 3u);
    drain();
    std::lock_guard lock(recorder::mutex);
    EXPECT_TRUE(recorder::line_creates.empty());
}

}  // namespace
}  // namespace ctigw::tsp::testing
