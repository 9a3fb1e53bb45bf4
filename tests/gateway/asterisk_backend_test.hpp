// backend_test: a backend_core without a socket whose AMI actions the test answers, with a
// recording listener, a settable clock and an agent log; shared by the backend_core tests
// (asterisk_backend_test.cpp, asterisk_backend_test_call_centre.cpp).
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "asterisk/backend_core.hpp"

namespace ctigw::gateway::asterisk::fixture {

struct sent_action {
    std::string name;
    std::vector<ami::header> headers;
    ami::completion done;
    std::string get(std::string_view h) const {
        for (const auto& x : headers)
            if (x.name == h) return x.value;
        return {};
    }
};

class recording_listener : public backend_listener {
  public:
    void on_device_event(const std::string& device, const protocol::event_body& body) override {
        events.push_back(device + " " + std::string(protocol::event_name(body)));
        bodies.emplace_back(device, body);
    }
    void on_backend_status(backend_status s, bool restarted, const std::string&) override {
        statuses.push_back(std::string(to_string(s)) + (restarted ? " restarted" : ""));
    }
    std::vector<std::string> events;
    std::vector<std::pair<std::string, protocol::event_body>> bodies;
    std::vector<std::string> statuses;
};

inline ami::action_result success(std::vector<ami::message> events = {},
                                  ami::message response = {{"Response", "Success"}}) {
    ami::action_result r;
    r.response = std::move(response);
    r.events = std::move(events);
    return r;
}

inline ami::action_result refused(std::string why) {
    ami::action_result r;
    r.error = ami::action_error::refused;
    r.reason = std::move(why);
    r.response = ami::message{{"Response", "Error"}, {"Message", r.reason}};
    return r;
}

inline ami::message channel(std::string_view name, std::string_view uid, std::string_view linked,
                            int state) {
    return ami::message{{"Event", "CoreShowChannel"},
                        {"Channel", name},
                        {"Uniqueid", uid},
                        {"Linkedid", linked},
                        {"ChannelState", std::to_string(state)}};
}

class backend_test : public ::testing::Test {
  protected:
    // The settings are built before the fixture's members exist: the agent log and the clock
    // are per test, reset by the constructor.
    static std::vector<std::string>& agent_log() {
        static std::vector<std::string> log;
        return log;
    }
    static roster_clock::time_point& clock_now() {
        static roster_clock::time_point now;
        return now;
    }
    backend_test()
        : core_(make_settings(),
                [this](std::string a, std::vector<ami::header> h, ami::completion d) {
                    sent_.push_back({std::move(a), std::move(h), std::move(d)});
                }) {
        core_.attach(listener_);
        agent_log().clear();
        clock_now() = roster_clock::time_point(std::chrono::hours(1));
    }

    static core_settings make_settings() {
        core_settings s;
        s.stations = {"2001", "2002", "2003", "2004"};
        s.station_of = [](std::string_view ch) -> std::optional<std::string> {
            if (ch.substr(0, 5) != "IAX2/" || ch.size() < 10) return std::nullopt;
            return std::string(ch.substr(5, 4));
        };
        s.cause_of = [](int, bool answered) {
            return answered ? protocol::event_cause::normal_clearing
                            : protocol::event_cause::call_cancelled;
        };
        s.services.dial_string = [](std::string_view ext) { return "IAX2/" + std::string(ext); };
        s.services.context = "internal";
        s.parking_first = 7001;
        s.parking_last = 7003;
        s.agents.wrapup = std::chrono::seconds(5);
        s.on_agent = [](const agent_change& c) {
            agent_log().push_back(c.station + " " + c.queue + " " +
                                  std::string(to_string(c.state)));
        };
        s.now = [] { return clock_now(); };
        return s;
    }

    /// Answers the next action, which must be `name`.
    void answer(std::string_view name, ami::action_result r) {
        ASSERT_FALSE(sent_.empty()) << "expected " << name;
        auto a = std::move(sent_.front());
        sent_.pop_front();
        ASSERT_EQ(a.name, name);
        a.done(std::move(r));
    }
    /// Link up and a full resync with `channels`, Asterisk started at `startup`.
    void connect(std::vector<ami::message> channels = {},
                 std::string startup = "2026-12-04 10:00:00", std::vector<ami::message> parked = {},
                 std::vector<ami::message> queue_rows = {},
                 std::vector<ami::message> mailboxes = {}) {
        core_.on_link_up();
        answer("CoreStatus", success({}, ami::message{{"Response", "Success"},
                                                      {"CoreStartupDate", startup.substr(0, 10)},
                                                      {"CoreStartupTime", startup.substr(11)}}));
        answer("CoreShowChannels", success(std::move(channels)));
        answer("Parkinglots", success({ami::message{{"Event", "Parkinglot"},
                                                    {"Name", "default"},
                                                    {"StartSpace", "7001"},
                                                    {"StopSpace", "7010"}}}));
        answer("ParkedCalls", success(std::move(parked)));
        answer("QueueStatus", success(std::move(queue_rows)));
        answer("DBGetTree", refused("Database entry not found"));
        answer("DBGetTree",
               success({ami::message{
                   {"Event", "DBGetTreeResponse"}, {"Key", "/CF/2002"}, {"Val", "2004"}}}));
        answer("DBGetTree", success());
        answer("DBGetTree", success());
        answer("VoicemailUsersList", success(std::move(mailboxes)));
        ASSERT_EQ(core_.phase(), core_phase::up);
    }
    protocol::response call(protocol::service_params params) {
        std::optional<protocol::response> out;
        core_.execute(protocol::request{"r1", std::move(params)},
                      [&](protocol::response r) { out = std::move(r); });
        EXPECT_TRUE(out.has_value()) << "no response yet";
        return out.value_or(protocol::response{});
    }
    void event(ami::message m) { core_.on_ami_event(m); }

    std::deque<sent_action> sent_;
    recording_listener listener_;
    backend_core core_;
};

}  // namespace ctigw::gateway::asterisk::fixture
