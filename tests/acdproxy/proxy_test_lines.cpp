// ctigw-acdproxy's core, lines: which lines it opens and how, LINE_CLOSE and the reopen delay,
// LINE_CREATE, LINE_REMOVE, another proxy (NOTREGISTERED), REINIT, stop.
#include <gtest/gtest.h>

#include "fake_tapi.hpp"

namespace ctigw::acdproxy::testing {
namespace {

using proxyLines = proxy_fixture;

TEST_F(proxyLines, OpensOnlyCtigwLinesForAllTwentyRequestTypes) {
    tapi.devices[1].ctigw = false;  // another provider's line
    tapi.devices[2].api_result = lineerr(LINEERR_INCOMPATIBLEAPIVERSION);
    tapi.devices[4].ext_result = lineerr(LINEERR_INCOMPATIBLEEXTVERSION);  // ctigw, wrong version
    auto o = options();
    o.api_low = 0x00020001;
    o.api_high = 0x00020002;
    start(5, o);

    ASSERT_EQ(tapi.negotiations.size(), 5u);
    for (DWORD d = 0; d < 5; ++d) {
        EXPECT_EQ(tapi.negotiations[d].device, d);
        EXPECT_EQ(tapi.negotiations[d].low, 0x00020001u);
        EXPECT_EQ(tapi.negotiations[d].high, 0x00020002u);
    }
    ASSERT_EQ(tapi.ext_negotiations.size(), 3u);  // devices 0, 3, 4: the ctigw ones
    EXPECT_EQ(tapi.ext_negotiations[0].api, tapi.api_version);
    EXPECT_EQ(tapi.ext_negotiations[0].low, tsp::agent_ext_version);
    EXPECT_EQ(tapi.ext_negotiations[0].high, tsp::agent_ext_version);

    ASSERT_EQ(tapi.opens.size(), 2u);
    EXPECT_EQ(tapi.opens[0].device, 0u);
    EXPECT_EQ(tapi.opens[1].device, 3u);
    std::vector<DWORD> all;
    for (DWORD t = 1; t <= 20; ++t) all.push_back(t);
    for (const auto& o2 : tapi.opens) {
        EXPECT_EQ(o2.types, all);
        EXPECT_EQ(o2.api, tapi.api_version);
        EXPECT_EQ(o2.ext, tsp::agent_ext_version);
    }
    EXPECT_EQ(all_request_types(), all);
    EXPECT_EQ(px->figures().lines_open, 2u);
    EXPECT_EQ(px->next_tick(), std::nullopt);  // nothing is retried
    EXPECT_TRUE(logged("device 0: probing -> open"));
    EXPECT_TRUE(logged("device 1: probing -> not_ours (not a ctigw line)"));
}

TEST_F(proxyLines, AddressKeyedTypesAreOneToEight) {
    for (DWORD t = 1; t <= 8; ++t) EXPECT_TRUE(is_address_request(t)) << t;
    for (DWORD t : {0u, 9u, 12u, 20u, 21u}) EXPECT_FALSE(is_address_request(t)) << t;
}

TEST_F(proxyLines, AnotherProxyIsNotRetried) {
    tapi.devices[0].open_results = {lineerr(LINEERR_NOTREGISTERED)};
    start(1);
    ASSERT_EQ(tapi.opens.size(), 1u);
    EXPECT_EQ(px->figures().lines_open, 0u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
    px->tick(t0 + 1h);
    EXPECT_EQ(tapi.opens.size(), 1u);
    EXPECT_TRUE(logged("another proxy"));
}

TEST_F(proxyLines, LineCloseAnswersItsPendingRequestsAndReopensAfterTheDelay) {
    start(2);
    const HLINE a = line_of(0), b = line_of(1);
    tapi_request ra1(LINEPROXYREQUEST_GETAGENTCAPS), ra2(LINEPROXYREQUEST_GETAGENTSTATUS),
        rb(LINEPROXYREQUEST_GETAGENTCAPS);
    request(a, ra1, t0);
    request(b, rb, t0);
    request(a, ra2, t0);
    ASSERT_EQ(tapi.devspecifics.size(), 3u);

    px->on_message(a, LINE_CLOSE, 0, 0, 0, t0 + 1s);
    ASSERT_EQ(tapi.responses.size(), 2u);
    EXPECT_EQ(tapi.responses[0].request, ra1.get());
    EXPECT_EQ(tapi.responses[1].request, ra2.get());
    for (const auto& r : tapi.responses) {
        EXPECT_EQ(r.line, a);
        EXPECT_EQ(r.result, DWORD(LINEERR_OPERATIONFAILED));
    }
    EXPECT_TRUE(tapi.closes.empty());  // TAPISRV closed it: the handle is dead
    auto f = px->figures();
    EXPECT_EQ(f.lines_open, 1u);
    EXPECT_EQ(f.pending, 1u);       // b's
    EXPECT_EQ(f.buffers_held, 2u);  // a's, until their LINE_REPLY
    EXPECT_EQ(px->next_tick(), t0 + 2s);

    // Events and requests on the dead handle go nowhere but get their answer.
    tapi_request late(LINEPROXYREQUEST_SETAGENTSTATE);
    request(a, late, t0 + 1s);
    ASSERT_EQ(tapi.responses.size(), 3u);
    EXPECT_EQ(tapi.responses[2].result, DWORD(LINEERR_OPERATIONFAILED));

    px->tick(t0 + 2s - 1ms);
    EXPECT_EQ(tapi.opens.size(), 2u);
    px->tick(t0 + 2s);
    ASSERT_EQ(tapi.opens.size(), 3u);
    EXPECT_EQ(tapi.opens[2].device, 0u);
    const HLINE a2 = line_of(0);
    EXPECT_NE(a2, a);
    EXPECT_EQ(px->figures().lines_open, 2u);

    // The provider completes a's requests after all: buffers released, nothing answered again.
    reply(tapi.devspecifics[0].result, 0, t0 + 3s);
    reply(tapi.devspecifics[2].result, 0, t0 + 3s);
    EXPECT_EQ(tapi.responses.size(), 3u);
    f = px->figures();
    EXPECT_EQ(f.buffers_held, 0u);
    EXPECT_EQ(f.pending, 1u);
    // b was untouched.
    reply(tapi.devspecifics[1].result, 0, t0 + 3s);
    ASSERT_EQ(tapi.responses.size(), 4u);
    EXPECT_EQ(tapi.responses[3].request, rb.get());
    EXPECT_EQ(tapi.responses[3].result, 0u);
}

TEST_F(proxyLines, TheReopenDelayGrowsOnFailuresAndResetsAfterAnOpen) {
    auto o = options();
    o.reopen_delay_min = 1s;
    o.reopen_delay_max = 4s;
    start(1, o);
    tapi.devices[0].open_results = {lineerr(LINEERR_RESOURCEUNAVAIL),
                                    lineerr(LINEERR_RESOURCEUNAVAIL),
                                    lineerr(LINEERR_RESOURCEUNAVAIL)};
    px->on_message(line_of(0), LINE_CLOSE, 0, 0, 0, t0);
    auto t = t0;
    for (auto delay : {1s, 2s, 4s, 4s}) {  // three failures, then capped; the 4th open succeeds
        EXPECT_EQ(px->next_tick(), t + delay);
        const auto opens = tapi.opens.size();
        px->tick(t + delay - 1ms);
        EXPECT_EQ(tapi.opens.size(), opens);
        t += delay;
        px->tick(t);
        EXPECT_EQ(tapi.opens.size(), opens + 1);
    }
    EXPECT_EQ(px->figures().lines_open, 1u);
    EXPECT_EQ(px->next_tick(), std::nullopt);

    px->on_message(line_of(0), LINE_CLOSE, 0, 0, 0, t);
    EXPECT_EQ(px->next_tick(), t + 1s);
}

TEST_F(proxyLines, AReopenThatFindsTheExtensionGoneIsRetriedNotDropped) {
    start(1);
    px->on_message(line_of(0), LINE_CLOSE, 0, 0, 0, t0);
    tapi.devices[0].api_result = lineerr(LINEERR_NODRIVER);  // the provider is reloading
    px->tick(t0 + 1s);
    EXPECT_EQ(tapi.opens.size(), 1u);
    EXPECT_EQ(px->next_tick(), t0 + 3s);
    tapi.devices[0].api_result = 0;
    px->tick(t0 + 3s);
    EXPECT_EQ(tapi.opens.size(), 2u);
    EXPECT_EQ(px->figures().lines_open, 1u);
}

TEST_F(proxyLines, LineCreateOpensTheNewDevice) {
    start(1);
    tapi.devices[5];
    tapi.devices[6].ctigw = false;
    px->on_message(0, LINE_CREATE, 5, 0, 0, t0);
    px->on_message(0, LINE_CREATE, 6, 0, 0, t0);
    px->on_message(0, LINE_CREATE, 5, 0, 0, t0);  // already open: no second open
    ASSERT_EQ(tapi.opens.size(), 2u);
    EXPECT_EQ(tapi.opens[1].device, 5u);
    EXPECT_EQ(tapi.opens[1].types.size(), 20u);
    EXPECT_EQ(px->figures().lines_open, 2u);

    tapi_request r(LINEPROXYREQUEST_GETAGENTCAPS);
    request(line_of(5), r, t0);
    EXPECT_EQ(tapi.devspecifics.size(), 1u);
}

TEST_F(proxyLines, LineRemoveAnswersAndForgetsTheDevice) {
    start(2);
    const HLINE a = line_of(0);
    tapi_request r(LINEPROXYREQUEST_GETAGENTINFO);
    request(a, r, t0);
    px->on_message(0, LINE_REMOVE, 0, 0, 0, t0);
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(tapi.closes, std::vector<HLINE>{a});  // no LINE_CLOSE came first: handle given back
    EXPECT_EQ(px->figures().lines_open, 1u);

    // LINE_CLOSE then LINE_REMOVE: the scheduled reopen is cancelled.
    px->on_message(line_of(1), LINE_CLOSE, 0, 0, 0, t0);
    px->on_message(0, LINE_REMOVE, 1, 0, 0, t0);
    EXPECT_EQ(tapi.closes.size(), 1u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
    px->tick(t0 + 1h);
    EXPECT_EQ(tapi.opens.size(), 2u);
    EXPECT_EQ(px->figures().lines_open, 0u);
}

TEST_F(proxyLines, ReinitAnswersClosesAndRestartsAfterTheShellReinitialises) {
    start(2);
    const HLINE a = line_of(0), b = line_of(1);
    tapi_request r(LINEPROXYREQUEST_SETAGENTGROUP);
    request(a, r, t0);
    const auto old_id = tapi.devspecifics.at(0).result;

    px->on_message(0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, 0, 0, t0);
    EXPECT_TRUE(px->needs_reinitialize());
    ASSERT_EQ(tapi.responses.size(), 1u);
    EXPECT_EQ(tapi.responses[0].request, r.get());
    EXPECT_EQ(tapi.responses[0].result, DWORD(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(tapi.closes, (std::vector<HLINE>{a, b}));
    EXPECT_EQ(px->figures().lines_open, 0u);

    // The shell: lineShutdown, lineInitializeEx (now 3 devices), restart.
    tapi.device_count = 3;
    tapi.devices[2];
    px->restart(t0 + 1s);
    EXPECT_FALSE(px->needs_reinitialize());
    ASSERT_EQ(tapi.opens.size(), 5u);
    EXPECT_EQ(tapi.opens[2].device, 0u);
    EXPECT_EQ(tapi.opens[4].device, 2u);
    EXPECT_EQ(tapi.closes.size(), 2u);
    auto f = px->figures();
    EXPECT_EQ(f.lines_open, 3u);
    EXPECT_EQ(f.buffers_held, 0u);  // the old instance's requests are void
    reply(old_id, 0, t0 + 2s);
    EXPECT_EQ(tapi.responses.size(), 1u);
}

TEST_F(proxyLines, AReinitTranslatedFromLineCreateOpensInsteadOfReinitialising) {
    start(1);
    tapi.devices[7];
    px->on_message(0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, LINE_CREATE, 7, t0);
    EXPECT_FALSE(px->needs_reinitialize());
    ASSERT_EQ(tapi.opens.size(), 2u);
    EXPECT_EQ(tapi.opens[1].device, 7u);
    px->on_message(0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, LINE_REMOVE, 7, t0);
    EXPECT_FALSE(px->needs_reinitialize());
    EXPECT_EQ(px->figures().lines_open, 1u);
    EXPECT_TRUE(tapi.closes.size() == 1u && tapi.closes[0] == line_of(7));
}

TEST_F(proxyLines, StopAnswersEverythingUnansweredAndClosesEveryLine) {
    auto o = options();
    o.request_timeout = 10s;
    start(3, o);
    tapi_request r1(LINEPROXYREQUEST_GETAGENTCAPS), r2(LINEPROXYREQUEST_GETAGENTSTATUS),
        r3(LINEPROXYREQUEST_GETQUEUEINFO), r4(LINEPROXYREQUEST_GETGROUPLIST);
    request(line_of(0), r1, t0);
    px->tick(t0 + 10s);  // r1 times out
    request(line_of(0), r2, t0 + 10s);
    request(line_of(1), r3, t0 + 10s);
    request(line_of(1), r4, t0 + 10s);
    px->on_message(line_of(2), LINE_CLOSE, 0, 0, 0, t0 + 10s);  // device 2 waits for a reopen
    ASSERT_EQ(tapi.responses.size(), 1u);

    px->stop();
    ASSERT_EQ(tapi.responses.size(), 4u);
    EXPECT_EQ(tapi.responses[1].request, r2.get());
    EXPECT_EQ(tapi.responses[2].request, r3.get());
    EXPECT_EQ(tapi.responses[3].request, r4.get());
    for (const auto& r : tapi.responses) EXPECT_EQ(r.result, DWORD(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(tapi.closes, (std::vector<HLINE>{line_of(0), line_of(1)}));
    const auto f = px->figures();
    EXPECT_EQ(f.lines_open, 0u);
    EXPECT_EQ(f.pending, 0u);
    EXPECT_EQ(f.answered_error, 4u);
    EXPECT_EQ(f.timed_out, 1u);
    EXPECT_EQ(px->next_tick(), std::nullopt);
    px->tick(t0 + 1h);
    EXPECT_EQ(tapi.opens.size(), 3u);  // nothing reopened after stop
    px->stop();                        // idempotent
    EXPECT_EQ(tapi.responses.size(), 4u);
    EXPECT_EQ(tapi.closes.size(), 2u);
}

}  // namespace
}  // namespace ctigw::acdproxy::testing
