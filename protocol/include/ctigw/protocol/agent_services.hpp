// The call-centre services of ctigw.csta.v1 version 2 (docs/protocol.md §5.10): ECMA-269
// SetAgentState and GetAgentState, and GetQueueStatistics (a ctigw extension: ECMA-269 has no
// queue statistics service). A switch answers them only on sessions that negotiated version 2.
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol::svc {

/// Logs an agent on or off a device (and ACD group), or changes its state there. While the agent
/// is busy on a call the switch may defer the change: the result then names the pending state.
struct set_agent_state {
    static constexpr std::string_view name = "SetAgentState";
    static constexpr std::uint32_t since_version = 2;
    struct params {
        std::string device;
        requested_agent_state requested = requested_agent_state::ready;
        std::optional<std::string> agent_id;
        std::optional<std::string> password;     ///< a secret: never logged
        std::optional<std::string> acd_group;    ///< absent: every group of the agent
        std::optional<std::string> reason_code;  ///< notReady: one of GetAgentState's reasons
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{
                req("device", &params::device),      req("requestedAgentState", &params::requested),
                opt("agentID", &params::agent_id),   opt("password", &params::password),
                opt("acdGroup", &params::acd_group), opt("reasonCode", &params::reason_code)};
        }
    };
    struct result {
        std::optional<agent_state> pending_state;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{opt("pendingAgentState", &result::pending_state)};
        }
    };
};

/// The agent states of a device, one entry per ACD group (none: logged off everywhere), and the
/// not-ready reasons the switch accepts for it.
struct get_agent_state {
    static constexpr std::string_view name = "GetAgentState";
    static constexpr std::uint32_t since_version = 2;
    struct params {
        std::string device;
        std::optional<std::string> acd_group;  ///< absent: every group
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("device", &params::device), opt("acdGroup", &params::acd_group)};
        }
    };
    struct result {
        std::vector<agent_group_state> agent_states;
        std::vector<agent_reason> reasons;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("agentStates", &result::agent_states),
                              opt("notReadyReasons", &result::reasons)};
        }
    };
};

/// What an ACD group (queue) device counts now: its callers and agents, and the switch's totals
/// since it started counting.
struct get_queue_statistics {
    static constexpr std::string_view name = "GetQueueStatistics";
    static constexpr std::uint32_t since_version = 2;
    struct params {
        std::string device;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() { return std::tuple{req("device", &params::device)}; }
    };
    struct result {
        std::uint32_t calls_waiting = 0;
        std::uint32_t longest_wait_seconds = 0;  ///< of the calls waiting now
        std::uint32_t agents_logged_on = 0;
        std::uint32_t agents_ready = 0;  ///< ready and idle: could take a call now
        std::uint32_t calls_completed = 0;
        std::uint32_t calls_abandoned = 0;
        std::optional<std::uint32_t> average_wait_seconds;
        std::optional<std::uint32_t> average_talk_seconds;
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() {
            return std::tuple{req("callsWaiting", &result::calls_waiting),
                              req("longestWaitSeconds", &result::longest_wait_seconds),
                              req("agentsLoggedOn", &result::agents_logged_on),
                              req("agentsReady", &result::agents_ready),
                              req("callsCompleted", &result::calls_completed),
                              req("callsAbandoned", &result::calls_abandoned),
                              opt("averageWaitSeconds", &result::average_wait_seconds),
                              opt("averageTalkSeconds", &result::average_talk_seconds)};
        }
    };
};

}  // namespace ctigw::protocol::svc
