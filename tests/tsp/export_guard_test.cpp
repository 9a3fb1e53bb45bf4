// The one TSPI export guard (tsp/src/tspi/export.hpp): what TAPI is told when an asynchronous
// function fails synchronously, and that no ASYNC_COMPLETION ever follows such a failure.
#include <gtest/gtest.h>

#include "calls/calls.hpp"
#include "devices_test_support.hpp"
#include "tspi/export.hpp"

namespace ctigw::tsp::testing {
namespace {

class ExportGuard : public devices_fixture {
  protected:
    void TearDown() override {
        set_current_provider(nullptr);
        devices_fixture::TearDown();
    }
    LONG make_call(DRV_REQUESTID id, HDRVLINE hd, HDRVCALL& out) {
        return line_request_export(id, [&](locked_provider& s) {
            return calls::make_call(s, id, hd, reinterpret_cast<HTAPICALL>(std::uintptr_t{0xC0}),
                                    &out, reinterpret_cast<LPCWSTR>(u"2002"), 0, nullptr);
        });
    }
};

// Issue 12 #10: the request stayed registered and shutdown completed it a second time (TAPI had
// already been told OPERATIONFAILED).
TEST_F(ExportGuard, AnAsyncExportThatThrowsNeverCompletesItsRequest) {
    start();
    const HDRVLINE hd = open_line(0);
    go_live();
    answer_all_queries();
    set_current_provider(prov.get());
    link->throw_next_request = true;
    HDRVCALL call = nullptr;
    const DRV_REQUESTID id = 4711;
    EXPECT_EQ(make_call(id, hd, call), static_cast<LONG>(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(st()->call_from_handle(call), nullptr);  // the call TAPI never heard of is gone
    set_current_provider(nullptr);
    prov->shutdown(v31, 7);
    drain();
    EXPECT_TRUE(completions_of(id).empty());
    prov.reset();
}

TEST_F(ExportGuard, AnAsyncExportThatSucceedsCompletesOnceAndAnErrorReturnIsSynchronous) {
    start();
    const HDRVLINE hd = open_line(0);
    go_live();
    answer_all_queries();
    set_current_provider(prov.get());
    HDRVCALL call = nullptr;
    EXPECT_EQ(make_call(4712, nullptr, call), static_cast<LONG>(LINEERR_INVALLINEHANDLE));
    EXPECT_EQ(track(4713, make_call(4713, hd, call)), 4713);
    ASSERT_EQ(link->pending().size(), 1u);
    link->complete_next(
        result_of<protocol::svc::make_call>({protocol::connection_id{"c1", "2001"}}));
    drain();
    EXPECT_EQ(completions_of(4713), std::vector<LONG>{0});
    EXPECT_TRUE(completions_of(4712).empty());
}

TEST_F(ExportGuard, WithoutAProviderAsyncFailsAndSyncIsUninitialized) {
    EXPECT_EQ(line_request_export(1, [](provider_state&) { return LONG{1}; }),
              static_cast<LONG>(LINEERR_OPERATIONFAILED));
    EXPECT_EQ(line_export([](provider_state&) { return LONG{0}; }),
              static_cast<LONG>(LINEERR_UNINITIALIZED));
    EXPECT_EQ(phone_export([](provider_state&) { return LONG{0}; }),
              static_cast<LONG>(PHONEERR_UNINITIALIZED));
}

}  // namespace
}  // namespace ctigw::tsp::testing
