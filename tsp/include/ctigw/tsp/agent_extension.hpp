/**
 * @file
 * The ctigw agent extension (version 1.0): how TAPI agent requests and agent events travel
 * between the provider and a TAPI application — ctigw-acdproxy, or any application that knows
 * the extension (docs/agents.md §4).
 *
 * TSPI has no agent functions: TAPISRV hands an application's lineSetAgentGroup, lineGetAgentCaps,
 * lineCreateAgentSession … to the proxy application as a LINE_PROXYREQUEST. The proxy passes the
 * LINEPROXYREQUEST on to the provider unchanged with lineDevSpecific, and answers TAPISRV with
 * lineProxyResponse when the provider completes it:
 *
 * - Negotiate: lineGetExtensionID must return `agent_extension_id`, lineNegotiateExtVersion
 *   accepts `agent_ext_version` (1.0); the line is then agent-capable.
 * - Request: lineDevSpecific(hLine, dwAddressID, NULL, lpParams, dwSize) where lpParams starts
 *   with an `agent_request_header` followed by a copy of the LINEPROXYREQUEST (its dwSize bytes,
 *   including the room TAPISRV left for returned structures). dwSize covers both. dwAddressID is
 *   ignored: the request names its address itself.
 * - Answer: the provider completes the lineDevSpecific request (LINE_REPLY) with 0 or a LINEERR_*
 *   value. Before that it has written what the request returns into the LINEPROXYREQUEST copy in
 *   place (LINEAGENTCAPS with dwNeededSize/dwUsedSize, the new hAgent of CreateAgent, …); the
 *   proxy copies it back over TAPISRV's LINEPROXYREQUEST and calls lineProxyResponse with that
 *   result. Nothing is written after the completion.
 * - Events: LINE_DEVSPECIFIC on the line the event concerns, with
 *     dwParam1 = agent_event_tag | message (LINE_AGENTSTATUS, LINE_AGENTSTATUSEX,
 *                LINE_AGENTSESSIONSTATUS, LINE_QUEUESTATUS or LINE_GROUPSTATUS),
 *     dwParam2 = the message's dwParam1, dwParam3 = its dwParam2 | (its dwParam3 << 16).
 *   The proxy sends them on with lineProxyMessage(hLine, NULL, message, …) (agent_event_params).
 *
 * Thread safety: constants and pure functions only.
 */
#pragma once

#include <cstdint>
#include <optional>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp {

/// LINEEXTENSIONID of the ctigw agent extension (lineGetExtensionID).
inline constexpr DWORD agent_extension_id[4] = {0x7c1f0a52, 0x4b8e11ef, 0x9d5a0a58, 0xac1c0001};
/// The extension version the provider speaks (HIWORD major, LOWORD minor).
inline constexpr DWORD agent_ext_version = 0x00010000;

/// agent_request_header::dwMagic: "CTGA" in memory order.
inline constexpr DWORD agent_request_magic = 0x41475443;
/// LINE_DEVSPECIFIC dwParam1 high word of an agent event.
inline constexpr DWORD agent_event_tag = 0x43540000;

#pragma pack(push, 1)
/// What lpParams of lineDevSpecific starts with; a LINEPROXYREQUEST follows immediately.
struct agent_request_header {
    DWORD dwMagic;       ///< agent_request_magic
    DWORD dwExtVersion;  ///< agent_ext_version
    DWORD dwReserved1;   ///< 0
    DWORD dwReserved2;   ///< 0
};
#pragma pack(pop)
static_assert(sizeof(agent_request_header) == 16);

/// True for the LINE_* messages a proxy may relay with lineProxyMessage.
constexpr bool is_proxy_message(DWORD msg) {
    return msg == LINE_AGENTSTATUS || msg == LINE_AGENTSTATUSEX || msg == LINE_AGENTSESSIONSTATUS ||
           msg == LINE_QUEUESTATUS || msg == LINE_GROUPSTATUS;
}

/// A decoded agent event: the message and its three parameters as lineProxyMessage takes them.
struct agent_event_params {
    DWORD message = 0;
    DWORD param1 = 0, param2 = 0, param3 = 0;
};

/// LINE_DEVSPECIFIC parameters of an agent event (the provider's side).
constexpr void encode_agent_event(const agent_event_params& e, DWORD_PTR& p1, DWORD_PTR& p2,
                                  DWORD_PTR& p3) {
    p1 = agent_event_tag | (e.message & 0xFFFF);
    p2 = e.param1;
    p3 = (e.param2 & 0xFFFF) | ((e.param3 & 0xFFFF) << 16);
}

/// The agent event a LINE_DEVSPECIFIC carries, or nullopt when it is not one (the proxy's side).
constexpr std::optional<agent_event_params> decode_agent_event(DWORD_PTR p1, DWORD_PTR p2,
                                                               DWORD_PTR p3) {
    if ((p1 & 0xFFFF0000u) != agent_event_tag || p1 > 0xFFFFFFFFu) return std::nullopt;
    const auto msg = static_cast<DWORD>(p1 & 0xFFFF);
    if (!is_proxy_message(msg)) return std::nullopt;
    return agent_event_params{msg, static_cast<DWORD>(p2), static_cast<DWORD>(p3 & 0xFFFF),
                              static_cast<DWORD>((p3 >> 16) & 0xFFFF)};
}

}  // namespace ctigw::tsp
