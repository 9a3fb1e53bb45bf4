// ctigw-acdproxy's core, requests and events: forwarding with the agent extension's header,
// exactly-once answers (completion, synchronous failure, timeout, full table, invalid input),
// agent events relayed with lineProxyMessage. Lines: proxy_test_lines.cpp.
#include "ctigw/acdproxy/proxy.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "fake_tapi.hpp"

namespace ctigw::acdproxy::testing {
namespace {

using proxyRequests = proxy_fixture;

TEST_F(proxyRequests, ForwardsHeaderAndCopyAndAnswersOnceWithTheProvidersData) {
    start(1);
    const HLINE line = line_of(0);
    tapi_request caps(LINEPROXYREQUEST_GETAGENTCAPS);
    caps->dwClientAppAPIVersion = 0x00020002;
    caps->GetAgentCaps.dwAddressID = 2;
    caps->GetAgentCaps.AgentCaps.dwTotalSize = sizeof(LINEAGENTCAPS);
    const DWORD size = caps->dwSize;
    const auto before = caps.bytes();
    request(line, caps, t0);

    ASSERT_EQ(tapi.devspecifics.size(), 1u);
    const auto& fwd = tapi.devspecifics[0];
    EXPECT_EQ(fwd.line, line);
    EXPECT_EQ(fwd.address, 2u);  // an address-keyed request goes to its address
    EXPECT_EQ(fwd.size, sizeof(tsp::agent_request_header) + size);
    tsp::agent_request_header header{};
    std::memcpy(&header, fwd.params, sizeof header);
    EXPECT_EQ(header.dwMagic, tsp::agent_request_magic);
    EXPECT_EQ(header.dwExtVersion, tsp::agent_ext_version);
    EXPECT_EQ(header.dwReserved1, 0u);
    EXPECT_EQ(header.dwReserved2, 0u);
    EXPECT_EQ(std::memcmp(fwd.params + sizeof header, before.data(), size), 0);
    EXPECT_TRUE(tapi.responses.empty());  // nothing answered before the provider completes
    EXPECT_EQ(px->figures().pending, 1u);
    EXPECT_EQ(px->next_tick(), t0 + 30s);

    // The provider fills the copy (and, wrongly, grows its dwSize), then completes.
    auto* copy = fake_tapi::copy_in(fwd);
    copy->GetAgentCaps.AgentCaps.dwFeatures = LINEAGENTFEATURE_SETAGENTSTATE;
    copy->GetAgentCaps.AgentCaps.dwUsedSize = sizeof(LINEAGENTCAPS);
    copy->GetAgentCaps.AgentCaps.dwMaxNumGroupEntries = 7;
    copy->dwSize = size + 64;
    reply(fwd.result, 0, t0 + 1s);

    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].line, line);
    EXPECT_EQ(tapi.responses[0].request, caps.get());
    EXPECT_EQ(tapi.responses[0].result, 0u);
    EXPECT_EQ(caps->dwSize, size);  // TAPISRV's size kept
    EXPECT_EQ(caps->GetAgentCaps.AgentCaps.dwFeatures, DWORD(LINEAGENTFEATURE_SETAGENTSTATE));
    EXPECT_EQ(caps->GetAgentCaps.AgentCaps.dwUsedSize, sizeof(LINEAGENTCAPS));
    EXPECT_EQ(caps->GetAgentCaps.AgentCaps.dwMaxNumGroupEntries, 7u);
    EXPECT_EQ(caps->dwClientAppAPIVersion, 0x00020002u);

    // A repeated LINE_REPLY (or one with an unknown id) answers nothing.
    reply(fwd.result, 0, t0 + 2s);
    reply(999, 0, t0 + 2s);
    EXPECT_EQ(tapi.responses.size(), 1u);
    const auto f = px->figures();
    EXPECT_EQ(f.requests_forwarded, 1u);
    EXPECT_EQ(f.answered_ok, 1u);
    EXPECT_EQ(f.answered_error, 0u);
    EXPECT_EQ(f.pending, 0u);
    EXPECT_EQ(f.buffers_held, 0u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
}

TEST_F(proxyRequests, AgentHandleRequestsGoToAddressZeroAndReturnTheNewHandle) {
    start(1);
    tapi_request create(LINEPROXYREQUEST_CREATEAGENT);
    create->CreateAgent.hAgent = 0x55;  // the union's first DWORD, not an address
    request(line_of(0), create, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 1u);
    EXPECT_EQ(tapi.devspecifics[0].address, 0u);

    fake_tapi::copy_in(tapi.devspecifics[0])->CreateAgent.hAgent = 0xA6E47;
    reply(tapi.devspecifics[0].result, 0, t0);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].result, 0u);
    EXPECT_EQ(create->CreateAgent.hAgent, 0xA6E47u);
}

TEST_F(proxyRequests, AFailedCompletionIsPassedOnWithoutCopyingBack) {
    start(1);
    tapi_request status(LINEPROXYREQUEST_GETAGENTSTATUS);
    status->GetAgentStatus.dwAddressID = 0;
    const auto before = status.bytes();
    request(line_of(0), status, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 1u);
    fake_tapi::copy_in(tapi.devspecifics[0])->GetAgentStatus.AgentStatus.dwState = 0xDEAD;
    // LINE_REPLY's dwParam2 may carry the LONG result sign-extended.
    px->on_message(
        0, LINE_REPLY, static_cast<DWORD_PTR>(tapi.devspecifics[0].result),
        static_cast<DWORD_PTR>(static_cast<std::intptr_t>(lineerr(LINEERR_INVALAGENTID))), 0, t0);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_INVALAGENTID));
    EXPECT_EQ(status.bytes(), before);
    EXPECT_EQ(px->figures().answered_error, 1u);
    EXPECT_EQ(px->figures().answered_ok, 0u);
}

TEST_F(proxyRequests, ASynchronousLineDevSpecificFailureIsAnsweredAtOnce) {
    start(1);
    tapi.devspecific_results = {lineerr(LINEERR_OPERATIONUNAVAIL), 0};
    tapi_request a(LINEPROXYREQUEST_SETAGENTSTATE);
    tapi_request b(LINEPROXYREQUEST_SETAGENTSTATEEX);
    request(line_of(0), a, t0);
    request(line_of(0), b, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 2u);
    ASSERT_EQ(tapi.responses.size(), 2u);
    EXPECT_EQ(tapi.responses[0].request, a.get());
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONUNAVAIL));
    EXPECT_EQ(tapi.responses[1].request, b.get());  // 0 is no request id: a failure too
    EXPECT_EQ(tapi.responses[1].result, DWORD(LINEERR_OPERATIONFAILED));
    const auto f = px->figures();
    EXPECT_EQ(f.requests_forwarded, 0u);
    EXPECT_EQ(f.answered_error, 2u);
    EXPECT_EQ(f.pending, 0u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
}

TEST_F(proxyRequests, ATimeoutAnswersOnceAndTheLateReplyNeverAgain) {
    auto o = options();
    o.request_timeout = 5s;
    start(1, o);
    tapi_request info(LINEPROXYREQUEST_GETAGENTINFO);
    const auto before = info.bytes();
    request(line_of(0), info, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 1u);
    const auto id = tapi.devspecifics[0].result;

    EXPECT_EQ(px->tick(t0 + 5s - 1ms), t0 + 5s);
    EXPECT_TRUE(tapi.responses.empty());
    EXPECT_EQ(px->tick(t0 + 5s), std::nullopt);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].request, info.get());
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
    auto f = px->figures();
    EXPECT_EQ(f.timed_out, 1u);
    EXPECT_EQ(f.answered_error, 1u);
    EXPECT_EQ(f.pending, 0u);
    EXPECT_EQ(f.buffers_held, 1u);  // the provider still holds the copy

    px->tick(t0 + 60s);
    fake_tapi::copy_in(tapi.devspecifics[0])->GetAgentInfo.hAgent = 0x77;
    reply(id, 0, t0 + 61s);
    EXPECT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(info.bytes(), before);  // nothing copied into the request TAPISRV already freed
    f = px->figures();
    EXPECT_EQ(f.buffers_held, 0u);
    EXPECT_EQ(f.answered_ok, 0u);
    EXPECT_EQ(f.timed_out, 1u);
}

TEST_F(proxyRequests, AFullTableAnswersResourceUnavailable) {
    auto o = options();
    o.max_pending = 2;
    start(1, o);
    tapi_request r1(LINEPROXYREQUEST_GETQUEUEINFO), r2(LINEPROXYREQUEST_GETQUEUELIST),
        r3(LINEPROXYREQUEST_GETGROUPLIST);
    request(line_of(0), r1, t0);
    request(line_of(0), r2, t0);
    request(line_of(0), r3, t0);
    EXPECT_EQ(tapi.devspecifics.size(), 2u);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].request, r3.get());
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_RESOURCEUNAVAIL));

    // An answered request whose LINE_REPLY is outstanding still occupies its slot.
    px->tick(t0 + 30s);
    EXPECT_EQ(tapi.responses.size(), 3u);
    tapi_request r4(LINEPROXYREQUEST_GETGROUPLIST);
    request(line_of(0), r4, t0 + 31s);
    EXPECT_EQ(tapi.devspecifics.size(), 2u);
    ASSERT_EQ(tapi.responses.size(), 4u);
    EXPECT_EQ(tapi.responses[3].result, DWORD(LINEERR_RESOURCEUNAVAIL));
    reply(tapi.devspecifics[0].result, 0, t0 + 32s);
    request(line_of(0), r4, t0 + 33s);  // TAPISRV would not resend; a fresh request would do
    EXPECT_EQ(tapi.devspecifics.size(), 3u);
}

TEST_F(proxyRequests, InvalidRequestsAreAnsweredInvalidParam) {
    start(1);
    const HLINE line = line_of(0);
    tapi_request small(LINEPROXYREQUEST_SETAGENTSTATE, min_request_size - 1);
    tapi_request huge(LINEPROXYREQUEST_AGENTSPECIFIC, max_request_size + 1);
    tapi_request type0(0);
    tapi_request type21(LINEPROXYREQUEST_SETAGENTSTATEEX + 1);
    for (auto* r : {&small, &huge, &type0, &type21}) request(line, *r, t0);
    px->on_message(line, LINE_PROXYREQUEST, 0, 0, 0, t0);  // nothing to answer

    EXPECT_TRUE(tapi.devspecifics.empty());
    ASSERT_EQ(tapi.responses.size(), 4u);
    EXPECT_EQ(tapi.responses[0].request, small.get());
    EXPECT_EQ(tapi.responses[1].request, huge.get());
    EXPECT_EQ(tapi.responses[2].request, type0.get());
    EXPECT_EQ(tapi.responses[3].request, type21.get());
    for (const auto& r : tapi.responses) EXPECT_EQ(r.result, DWORD(LINEERR_INVALPARAM));

    // The limits themselves are accepted.
    tapi_request smallest(LINEPROXYREQUEST_SETAGENTACTIVITY, min_request_size);
    smallest->SetAgentActivity.dwAddressID = 3;
    tapi_request largest(LINEPROXYREQUEST_AGENTSPECIFIC, max_request_size);
    request(line, smallest, t0);
    request(line, largest, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 2u);
    EXPECT_EQ(tapi.devspecifics[0].address, 3u);
    EXPECT_EQ(tapi.devspecifics[0].size, min_request_size + 16);
    EXPECT_EQ(tapi.devspecifics[1].size, max_request_size + 16);
    EXPECT_EQ(tapi.responses.size(), 4u);
}

TEST_F(proxyRequests, ARequestOnALineNotOpenIsAnsweredOperationFailed) {
    start(1);
    tapi_request r(LINEPROXYREQUEST_GETAGENTCAPS);
    request(0xBAD, r, t0);
    EXPECT_TRUE(tapi.devspecifics.empty());
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].line, 0xBADu);
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
}

TEST_F(proxyRequests, AThrowingPortOrLogStillAnswersAndNothingEscapes) {
    auto o = options();
    o.log = [](int, const std::string&) { throw std::runtime_error("log broke"); };
    start(1, o);
    tapi.throw_in_devspecific = true;
    tapi_request r(LINEPROXYREQUEST_GETAGENTCAPS);
    EXPECT_NO_THROW(request(line_of(0), r, t0));
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(px->figures().pending, 0u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
}

TEST_F(proxyRequests, AReusedRequestIdAnswersTheStaleEntry) {
    start(1);
    tapi.devspecific_results = {7, 7};
    tapi_request a(LINEPROXYREQUEST_GETAGENTCAPS), b(LINEPROXYREQUEST_GETAGENTSTATUS);
    request(line_of(0), a, t0);
    request(line_of(0), b, t0);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].request, a.get());
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
    reply(7, 0, t0);
    ASSERT_EQ(tapi.responses.size(), 2u);
    EXPECT_EQ(tapi.responses[1].request, b.get());
    EXPECT_EQ(tapi.responses[1].result, 0u);
    EXPECT_EQ(px->figures().pending, 0u);
    EXPECT_EQ(px->figures().buffers_held, 0u);
}

// ---- events ----

TEST_F(proxyRequests, AgentEventsAreRelayedAndOtherDevSpecificsAreNot) {
    start(2);
    DWORD_PTR p1 = 0, p2 = 0, p3 = 0;
    tsp::encode_agent_event({LINE_AGENTSTATUS, 1, LINEAGENTSTATUS_STATE, LINEAGENTSTATE_READY}, p1,
                            p2, p3);
    px->on_message(line_of(1), LINE_DEVSPECIFIC, p1, p2, p3, t0);
    ASSERT_EQ(tapi.messages.size(), 1u);
    EXPECT_EQ(tapi.messages[0].line, line_of(1));
    EXPECT_EQ(tapi.messages[0].call, 0u);
    EXPECT_EQ(tapi.messages[0].msg, DWORD(LINE_AGENTSTATUS));
    EXPECT_EQ(tapi.messages[0].p1, 1u);
    EXPECT_EQ(tapi.messages[0].p2, DWORD_PTR(LINEAGENTSTATUS_STATE));
    EXPECT_EQ(tapi.messages[0].p3, DWORD_PTR(LINEAGENTSTATE_READY));

    tsp::encode_agent_event({LINE_QUEUESTATUS, 9, 2, 0}, p1, p2, p3);
    px->on_message(line_of(0), LINE_DEVSPECIFIC, p1, p2, p3, t0);
    ASSERT_EQ(tapi.messages.size(), 2u);
    EXPECT_EQ(tapi.messages[1].msg, DWORD(LINE_QUEUESTATUS));
    EXPECT_EQ(tapi.messages[1].p1, 9u);
    EXPECT_EQ(tapi.messages[1].p2, 2u);

    // Not agent events: another extension's devspecific, a tagged message no proxy may send,
    // an agent event on a line the proxy does not hold.
    px->on_message(line_of(0), LINE_DEVSPECIFIC, 0x1234, 1, 2, t0);
    px->on_message(line_of(0), LINE_DEVSPECIFIC, tsp::agent_event_tag | LINE_CALLSTATE, 1, 2, t0);
    tsp::encode_agent_event({LINE_GROUPSTATUS, 1, 0, 0}, p1, p2, p3);
    px->on_message(0xBAD, LINE_DEVSPECIFIC, p1, p2, p3, t0);
    EXPECT_EQ(tapi.messages.size(), 2u);
    EXPECT_EQ(px->figures().events_relayed, 2u);
}

TEST_F(proxyRequests, OtherMessagesAreIgnored) {
    start(1);
    px->on_message(line_of(0), LINE_PROXYSTATUS, LINEPROXYSTATUS_OPEN, 1, 0, t0);
    px->on_message(line_of(0), LINE_LINEDEVSTATE, LINEDEVSTATE_CONNECTED, 0, 0, t0);
    px->on_message(line_of(0), LINE_CALLSTATE, 1, 2, 3, t0);
    EXPECT_TRUE(tapi.responses.empty());
    EXPECT_TRUE(tapi.messages.empty());
    EXPECT_TRUE(tapi.closes.empty());
    EXPECT_EQ(tapi.opens.size(), 1u);
    EXPECT_FALSE(px->needs_reinitialize());
}

}  // namespace
}  // namespace ctigw::acdproxy::testing
