// services_test: a call model in a known state and the planner's environment, for the service
// tests (asterisk_services_test.cpp, asterisk_merge_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "asterisk/services.hpp"
#include "asterisk_events.hpp"

namespace ctigw::gateway::asterisk::fixture {

class services_test : public model_test {
  protected:
    services_test() {
        env_.dial_string = [](std::string_view ext) { return "IAX2/" + std::string(ext); };
        env_.is_station = [](std::string_view d) {
            return d.size() == 4 && d.substr(0, 3) == "200";
        };
        env_.new_call_id = [this] { return "ctigw-" + std::to_string(++next_); };
        env_.context = "internal";
        env_.caller_id = [](std::string_view ext) { return "<" + std::string(ext) + ">"; };
    }

    plan_outcome run(protocol::service_params params) {
        return plan_call_service(protocol::request{"r1", std::move(params)}, model_, env_);
    }
    static plan ok(const plan_outcome& o) {
        if (auto* e = std::get_if<protocol::csta_error>(&o)) {
            ADD_FAILURE() << "refused: " << e->value << " " << e->message.value_or("");
            return {};
        }
        return std::get<plan>(o);
    }
    static std::string refusal(const plan_outcome& o) {
        auto* e = std::get_if<protocol::csta_error>(&o);
        return e == nullptr ? "planned" : e->value;
    }
    /// 2001 (u1) talks with 2002 (u2) in call u1, bridged.
    void talking() {
        chan("Newchannel", "IAX2/2001-1", "u1", "u1", 4, {{"Exten", "2002"}});
        chan("Newchannel", "IAX2/2002-2", "u2", "u1", 0);
        dial_begin("u1", "u1", "IAX2/2002-2", "u2", "IAX2/2002");
        chan("Newstate", "IAX2/2002-2", "u2", "u1", 6);
        chan("Newstate", "IAX2/2001-1", "u1", "u1", 6);
        chan("BridgeEnter", "IAX2/2001-1", "u1", "u1", 6, {{"BridgeUniqueid", "b1"}});
        chan("BridgeEnter", "IAX2/2002-2", "u2", "u1", 6, {{"BridgeUniqueid", "b1"}});
        take();
    }

    service_env env_;
    int next_ = 0;
};

}  // namespace ctigw::gateway::asterisk::fixture
