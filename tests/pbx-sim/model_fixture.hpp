// The call-model test fixture shared by the model's test files: a model with a recording event
// sink, helpers to call services, expect refusals and compare event copies per monitored device.
// A named namespace, not an anonymous one: the files of one test executable share the fixture
// class (gtest wants one fixture type per test suite).
#pragma once

#include "ctigw/pbxsim/model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ctigw::pbxsim::testing {

namespace sv = protocol::svc;
namespace ev = protocol::evt;
using protocol::connection_id;
using protocol::connection_state;
using protocol::csta_error;
using protocol::error_category;
using protocol::event_cause;
using cs = protocol::connection_state;

struct recorded {
    session_id session;
    std::string ref;
    protocol::event_body body;
};

class recording_sink : public event_sink {
  public:
    void on_event(session_id session, const std::string& ref,
                  const protocol::event_body& body) override {
        events.push_back({session, ref, body});
    }
    std::vector<recorded> events;
};

/// One expected event copy: the monitored device, the event name, its localConnectionInfo.
struct ev_expect {
    std::string device;
    std::string name;
    std::optional<connection_state> lci;
    friend bool operator==(const ev_expect&, const ev_expect&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const ev_expect& e) {
    os << "{" << e.device << ", " << e.name << ", ";
    if (e.lci) {
        os << protocol::enum_traits<connection_state>::names[static_cast<std::size_t>(*e.lci)];
    } else {
        os << "-";
    }
    return os << "}";
}

inline std::optional<connection_state> lci_of(const protocol::event_body& body) {
    return std::visit(
        [](const auto& e) -> std::optional<connection_state> {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_base_of_v<protocol::call_event_common, E>) {
                return e.local_connection_info;
            } else {
                return std::nullopt;
            }
        },
        body);
}

inline sim_config test_config() {
    sim_config c;
    c.stations = {{"2000", "2099"}};
    c.park_orbits = {"7001", "7002"};
    c.pickup_groups = {{"g1", {"2001", "2002", "2003"}}, {"g2", {"2010", "2011"}}};
    c.external_rules = {
        {"90", external_behaviour::answer, milliseconds{2000}, milliseconds{30000}},
        {"91", external_behaviour::busy, milliseconds{0}, milliseconds{0}},
        {"92", external_behaviour::no_answer, milliseconds{0}, milliseconds{0}},
        {"93", external_behaviour::reject, milliseconds{3000}, milliseconds{0}},
        {"94", external_behaviour::answer_then_hangup, milliseconds{1000}, milliseconds{5000}},
    };
    c.max_conference_parties = 4;
    c.park_timeout = milliseconds{60000};
    c.ring_interval = milliseconds{4000};
    c.default_no_answer_rings = 3;
    return c;
}

inline const std::string A = "2001", B = "2002", C = "2003", D = "2004", E = "2005";

class model_test : public ::testing::Test {
  protected:
    void SetUp() override { make(test_config()); }

    void make(sim_config cfg) {
        sink_.events.clear();
        ref_device_.clear();
        model_ = std::make_unique<switch_model>(std::move(cfg), sink_);
        model_->set_transition_observer(
            [this](const connection_transition& t) { transitions_.push_back(t); });
    }

    switch_model& m() { return *model_; }

    std::string monitor(const std::string& device, session_id s = 1) {
        auto r = ok<sv::monitor_start>({device}, s);
        ref_device_[r.monitor_ref] = device;
        return r.monitor_ref;
    }
    void monitor_all(std::initializer_list<std::string> devices) {
        for (const auto& d : devices) monitor(d);
    }

    protocol::response call(protocol::service_params params, session_id s = 1) {
        return m().handle(s, protocol::request{std::to_string(next_id_++), std::move(params)},
                          now_);
    }

    template <class S>
    typename S::result ok(typename S::params p, session_id s = 1) {
        auto r = call(protocol::service_params{std::in_place_index<protocol::service_index_v<S>>,
                                               std::move(p)},
                      s);
        EXPECT_EQ(r.service_index, protocol::service_index_v<S>);
        if (auto* e = std::get_if<csta_error>(&r.outcome)) {
            ADD_FAILURE() << S::name << " failed: " << e->value << " " << e->message.value_or("");
            return {};
        }
        return std::get<protocol::service_index_v<S>>(
            std::get<protocol::service_result>(r.outcome));
    }

    /// Expects service S to fail with (category, value) and to emit nothing.
    template <class S>
    void refused(typename S::params p, error_category cat, std::string_view value) {
        const auto before = sink_.events.size();
        auto r = call(protocol::service_params{std::in_place_index<protocol::service_index_v<S>>,
                                               std::move(p)});
        EXPECT_EQ(r.service_index, protocol::service_index_v<S>);
        auto* e = std::get_if<csta_error>(&r.outcome);
        ASSERT_NE(e, nullptr) << S::name << " unexpectedly succeeded";
        EXPECT_EQ(e->category, cat) << e->value;
        EXPECT_EQ(e->value, value);
        EXPECT_EQ(sink_.events.size(), before) << S::name << " emitted events on failure";
    }

    std::vector<ev_expect> take() {
        std::vector<ev_expect> out;
        for (const auto& r : sink_.events) {
            auto it = ref_device_.find(r.ref);
            out.push_back({it == ref_device_.end() ? "?" + r.ref : it->second,
                           std::string{protocol::event_name(r.body)}, lci_of(r.body)});
        }
        sink_.events.clear();
        return out;
    }

    void expect_events(const std::vector<ev_expect>& expected) { EXPECT_EQ(take(), expected); }

    template <class E>
    E nth(std::size_t i = 0) {
        std::size_t seen = 0;
        for (const auto& r : sink_.events) {
            if (auto* e = std::get_if<E>(&r.body)) {
                if (seen++ == i) return *e;
            }
        }
        ADD_FAILURE() << "no event #" << i << " of type " << E::name;
        return E{};
    }

    /// A calls B and B answers; returns the callID; events are discarded.
    std::string connect(const std::string& a, const std::string& b) {
        auto r = ok<sv::make_call>({a, b, std::nullopt, std::nullopt});
        ok<sv::answer_call>({connection_id{r.calling_connection.call_id, b}});
        sink_.events.clear();
        return r.calling_connection.call_id;
    }

    std::vector<protocol::snapshot_connection> snap(const std::string& d) {
        return m().snapshot(d);
    }

    void advance(milliseconds d) {
        now_ += d;
        m().advance_to(now_);
    }

    recording_sink sink_;
    std::unique_ptr<switch_model> model_;
    std::map<std::string, std::string> ref_device_;
    std::vector<connection_transition> transitions_;
    time_point now_ = time_point{} + std::chrono::hours{1};
    std::uint64_t next_id_ = 1;
};

}  // namespace ctigw::pbxsim::testing
