// The agent tests' fixture (agents_test.cpp, agents_test_queues.cpp): a provider with a fake
// link speaking protocol version 2, stations 2001/2002, the ACD group 8000 "Sales" and the route
// point 8100; agent requests built as the proxy forwards them through TSPI_lineDevSpecific.
#pragma once

#include <gtest/gtest.h>

#include "agents/agents.hpp"
#include "agents/write.hpp"
#include "calls/calls.hpp"
#include "ctigw/tsp/agent_extension.hpp"
#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {

namespace sv = protocol::svc;
namespace ev = protocol::evt;
using protocol::agent_state;
using protocol::requested_agent_state;

inline const char* const agents_config = R"({
  "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
  "devices": {
    "lines": ["2001", "2002",
              { "extension": "8000", "name": "Sales", "options": { "role": "acdGroup" } },
              { "extension": "8100", "name": "IVR", "options": { "role": "routePoint" } }]
  }
})";

/// Where the group entries start in agents_config (a reload test inserts another before them).
inline std::size_t agents_config_groups_at() {
    return std::string_view(agents_config).find("{ \"extension\": \"8000\"");
}

inline const HTAPILINE ht_agent = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x2001});
inline const HTAPILINE ht_group = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x8000});

/// lpParams of an agent request: the header, then a LINEPROXYREQUEST with `extra` bytes of room.
struct agent_buffer {
    std::vector<unsigned char> bytes;
    explicit agent_buffer(DWORD type, DWORD extra = 1024, DWORD app_version = v31)
        : bytes(sizeof(agent_request_header) + sizeof(LINEPROXYREQUEST) + extra, 0) {
        agent_request_header h{agent_request_magic, agent_ext_version, 0, 0};
        std::memcpy(bytes.data(), &h, sizeof h);
        req().dwSize = static_cast<DWORD>(sizeof(LINEPROXYREQUEST) + extra);
        req().dwClientAppAPIVersion = app_version;
        req().dwRequestType = type;
    }
    LINEPROXYREQUEST& req() {
        return *reinterpret_cast<LINEPROXYREQUEST*>(bytes.data() + sizeof(agent_request_header));
    }
    /// Sets the dwTotalSize of the returned structure at `member` to the room left.
    template <class T>
    T* inner(T* member) {
        const auto off =
            reinterpret_cast<unsigned char*>(member) - reinterpret_cast<unsigned char*>(&req());
        const DWORD total = req().dwSize - static_cast<DWORD>(off);
        std::memcpy(member, &total, sizeof total);
        return member;
    }
    DWORD size() const { return static_cast<DWORD>(bytes.size()); }
};

/// Reads a string at Size/Offset of a structure.
inline std::string text_at(const void* base, DWORD size, DWORD offset) {
    if (size < 2) return {};
    std::u16string s(size / 2 - 1, u'\0');
    std::memcpy(s.data(), static_cast<const unsigned char*>(base) + offset, s.size() * 2);
    return utf16_to_utf8(s);
}

class agents_fixture : public devices_fixture {
  protected:
    HDRVLINE agent_line = nullptr, group_line = nullptr;

    void SetUp() override {
        devices_fixture::SetUp();
        config_text = agents_config;
        start();
        link->mutable_figures().protocol_version = 2;
        go_live();
        agent_line = open_line(0, v31, ht_agent);
        group_line = open_line(2, v31, ht_group);
        answer_all_queries();
        recorder::clear();
    }

    LONG send(agent_buffer& b, HDRVLINE hd = nullptr, DWORD address = 0) {
        const auto id = new_request();
        return track(id, agents::dev_specific(st(), id, hd ? hd : agent_line, address, nullptr,
                                              b.bytes.data(), b.size()));
    }
    DRV_REQUESTID last_id() const { return next_request - 1; }
    void clear_line_msgs() {
        drain();
        std::lock_guard lock(recorder::mutex);
        recorder::lines.clear();
    }
    /// Sends a request that must be accepted (pending: it returned its request id).
    void go(agent_buffer& b) {
        const LONG rc = send(b);
        ASSERT_EQ(rc, static_cast<LONG>(last_id()));
    }

    /// The pending request i as service S's params (null if it is another service).
    template <class S>
    const typename S::params* sent(std::size_t i = 0) {
        return pending_as<typename S::params>(i);
    }
    void reply_agent_state(std::vector<protocol::agent_group_state> states = {}) {
        sv::get_agent_state::result r;
        r.agent_states = std::move(states);
        r.reasons = {{"10", std::string("Lunch")}, {"20", std::string("Meeting")}};
        link->complete_next(result_of<sv::get_agent_state>(r));
        drain();
    }
    void reply_ok() {
        link->complete_next(result_of<sv::set_agent_state>({}));
        drain();
    }
    template <class E>
    void agent_event(E e, const std::string& device = "2001", std::string group = "8000") {
        e.agent_device = "2001";
        e.acd_group = std::move(group);
        e.agent_id = "4711";
        link->push_event(device, event_of(std::move(e)));
        drain();
    }
    /// Agent events the TSP sent on a line, decoded.
    std::vector<agent_event_params> agent_events(HTAPILINE ht, DWORD message = 0) {
        std::vector<agent_event_params> out;
        for (const auto& m : line_msgs(LINE_DEVSPECIFIC)) {
            auto e = decode_agent_event(m.p1, m.p2, m.p3);
            if (m.ht == ht && e && (message == 0 || e->message == message)) out.push_back(*e);
        }
        return out;
    }
    /// Logs the agent on to Sales the TAPI 2.1 way (first request reads the state).
    void log_on_21() {
        agent_buffer b(LINEPROXYREQUEST_SETAGENTGROUP);
        auto* list = b.inner(&b.req().SetAgentGroup.GroupList);
        list->dwNumEntries = 2;
        list->dwListOffset = sizeof(LINEAGENTGROUPLIST);
        list->dwListSize = 2 * sizeof(LINEAGENTGROUPENTRY);
        LINEAGENTGROUPENTRY e[2]{};
        const GUID sales = agents::group_guid("8000");
        std::memcpy(&e[0].GroupID, &sales, sizeof sales);
        const std::u16string id = u"4711";
        e[1].dwNameSize = static_cast<DWORD>((id.size() + 1) * 2);
        e[1].dwNameOffset = static_cast<DWORD>(sizeof(LINEAGENTGROUPLIST) + sizeof e);
        auto* base = reinterpret_cast<unsigned char*>(list);
        std::memcpy(base + sizeof(LINEAGENTGROUPLIST), e, sizeof e);
        std::memcpy(base + e[1].dwNameOffset, id.c_str(), e[1].dwNameSize);
        go(b);
        ASSERT_NE(sent<sv::get_agent_state>(), nullptr);
        reply_agent_state();
        const auto* on = sent<sv::set_agent_state>();
        ASSERT_NE(on, nullptr);
        EXPECT_EQ(on->device, "2001");
        EXPECT_EQ(on->requested, requested_agent_state::logged_on);
        EXPECT_EQ(on->acd_group, "8000");
        EXPECT_EQ(on->agent_id, "4711");
        EXPECT_FALSE(on->password);
        reply_ok();
        EXPECT_EQ(completions_of(last_id()), std::vector<LONG>{0});
        agent_event(ev::agent_logged_on{});
        agent_event(ev::agent_not_ready{});
    }
};

}  // namespace ctigw::tsp::testing
