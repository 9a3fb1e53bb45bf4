// A call_model fed AMI channel events written the way Asterisk 22 sends them, with the CSTA
// events it emits recorded; shared by the model and service tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asterisk/call_model.hpp"
#include "asterisk/services.hpp"
#include "ctigw/protocol/messages.hpp"

namespace ctigw::gateway::asterisk {
/// gtest prints actions as AMI text.
inline void PrintTo(const ami_action& a, std::ostream* os) {
    *os << describe(a);
}
}  // namespace ctigw::gateway::asterisk

namespace ctigw::gateway::asterisk::fixture {

using protocol::connection_state;
using protocol::event_cause;
namespace evt = protocol::evt;

struct seen {
    std::string device;
    protocol::event_body body;
};

/// "Event(device:call/conn-device state cause)" lines make failures readable.
inline std::string describe(const seen& s) {
    std::string out = s.device + " " + std::string(protocol::event_name(s.body));
    std::visit(
        [&](const auto& e) {
            if constexpr (requires { e.cause; }) {
                if (e.cause) out += " " + std::string(protocol::to_string(*e.cause));
            }
        },
        s.body);
    return out;
}

inline int q850_cause(int q850, bool answered) {
    switch (q850) {
        case 17:
            return static_cast<int>(event_cause::busy);
        case 26:
            return static_cast<int>(event_cause::call_pickup);
        default:
            return static_cast<int>(answered ? event_cause::normal_clearing
                                             : event_cause::call_cancelled);
    }
}

class model_test : public ::testing::Test {
  protected:
    model_test()
        : model_(model_hooks{[](std::string_view ch) -> std::optional<std::string> {
                                 // IAX2/2001-123 → 2001 for stations 2001-2009.
                                 auto slash = ch.find('/');
                                 auto dash = ch.rfind('-');
                                 if (ch.substr(0, 5) != "IAX2/" || dash == std::string_view::npos)
                                     return std::nullopt;
                                 auto ext = ch.substr(slash + 1, dash - slash - 1);
                                 if (ext.size() != 4 || ext.substr(0, 3) != "200")
                                     return std::nullopt;
                                 return std::string(ext);
                             },
                             [](int q, bool answered) {
                                 return static_cast<event_cause>(q850_cause(q, answered));
                             },
                             {"ctigw-hold"},
                             [this](const std::string& channel) { released_.push_back(channel); }},
                 [this](const std::string& device, protocol::event_body body) {
                     events_.push_back({device, std::move(body)});
                 }) {}

    /// A channel event: Channel, Uniqueid, Linkedid and ChannelState, plus `extra`.
    void chan(std::string_view event, std::string_view channel, std::string_view uniqueid,
              std::string_view linkedid, int state,
              std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) {
        ami::message m{{"Event", event},
                       {"Channel", channel},
                       {"ChannelState", std::to_string(state)},
                       {"Uniqueid", uniqueid},
                       {"Linkedid", linkedid}};
        for (const auto& [k, v] : extra) m.add(std::string(k), std::string(v));
        model_.on_event(m);
    }
    void dial_begin(std::string_view src_uid, std::string_view src_linked, std::string_view dest,
                    std::string_view dest_uid, std::string_view dial_string, int dest_state = 0) {
        ami::message m{{"Event", "DialBegin"},
                       {"DestChannel", dest},
                       {"DestUniqueid", dest_uid},
                       {"DestChannelState", std::to_string(dest_state)},
                       {"DialString", dial_string}};
        if (!src_uid.empty()) {
            m.add("Uniqueid", std::string(src_uid));
            m.add("Linkedid", std::string(src_linked));
        }
        model_.on_event(m);
    }
    void hangup(std::string_view channel, std::string_view uid, std::string_view linked,
                int cause) {
        chan("Hangup", channel, uid, linked, 6, {{"Cause", std::to_string(cause)}});
    }
    std::vector<std::string> take() {
        std::vector<std::string> out;
        for (const auto& s : events_) out.push_back(describe(s));
        events_.clear();
        return out;
    }

    std::vector<seen> events_;
    std::vector<std::string> released_;  ///< channels the model asked to hang up
    call_model model_;
};

using lines = std::vector<std::string>;

}  // namespace ctigw::gateway::asterisk::fixture
