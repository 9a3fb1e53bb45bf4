// ctigw-setup provider add|remove|list against a fake TAPI: idempotent add, the race with
// another install (LINEERR_NOMULTIPLEINSTANCE), stale duplicates removed, failures named.
#include <gtest/gtest.h>

#include "ctigw/setup/setup.hpp"
#include "fakes.hpp"

namespace ctigw::setup::testing {
namespace {

using providerAdd = setup_fixture;
using providerRemove = setup_fixture;
using providerList = setup_fixture;

TEST_F(providerAdd, RegistersWhenAbsentAndLogsTheNewId) {
    tapi.providers = {{1, "unimdm.tsp"}, {2, "kmddsp.tsp"}};
    tapi.next_id = 42;
    EXPECT_EQ(run_args({"provider", "add"}), 0);
    ASSERT_EQ(tapi.added.size(), 1u);
    EXPECT_EQ(tapi.added[0], "ctigw.tsp");
    EXPECT_TRUE(logged("registered ctigw.tsp with TAPI as provider 42")) << log_text();
}

TEST_F(providerAdd, DoesNothingWhenAlreadyRegisteredWhateverThePathOrCase) {
    for (const char* name : {"ctigw.tsp", "CTIGW.TSP", "C:\\Windows\\System32\\CTIGW.TSP",
                             "C:/Windows/System32/ctigw.tsp", "c:ctigw.Tsp"}) {
        SCOPED_TRACE(name);
        tapi.providers = {{1, "unimdm.tsp"}, {9, name}};
        tapi.added.clear();
        EXPECT_EQ(run_args({"provider", "add"}), 0);
        EXPECT_TRUE(tapi.added.empty());
        EXPECT_TRUE(
            logged("ctigw.tsp is already registered with TAPI (provider id 9); nothing to do"))
            << log_text();
    }
}

TEST_F(providerAdd, ANameThatOnlyContainsCtigwIsNotOurs) {
    tapi.providers = {{3, "ctigw.tsp.old"}, {4, "myctigw.tsp"}, {5, "C:\\ctigw.tsp\\x.tsp"}};
    EXPECT_EQ(run_args({"provider", "add"}), 0);
    EXPECT_EQ(tapi.added.size(), 1u);
}

TEST_F(providerAdd, NoMultipleInstanceIsARaceWithAnotherInstallAndSucceeds) {
    tapi.add_result = lineerr_nomultipleinstance;
    EXPECT_EQ(run_args({"provider", "add"}), 0);
    EXPECT_EQ(tapi.added.size(), 1u);
    EXPECT_TRUE(logged("already registered")) << log_text();
    EXPECT_TRUE(logged("LINEERR_NOMULTIPLEINSTANCE")) << log_text();
}

TEST_F(providerAdd, OperationFailedFailsNamingTheErrorWithAHint) {
    tapi.add_result = lineerr_operationfailed;
    EXPECT_EQ(run_args({"provider", "add"}), 1);
    EXPECT_TRUE(logged("lineAddProvider(ctigw.tsp) failed: LINEERR_OPERATIONFAILED (0x80000048)\n"))
        << log_text();
    EXPECT_TRUE(logged("ctigw-setup provider add")) << log_text();  // how to retry
    EXPECT_EQ(log.size(), 2u);
}

TEST_F(providerAdd, AFailedListIsAWarningAndAddIsStillTried) {
    tapi.list_result = lineerr_nomem;
    EXPECT_EQ(run_args({"provider", "add"}), 0);
    EXPECT_EQ(tapi.list_calls, 1);
    EXPECT_EQ(tapi.added.size(), 1u);
    EXPECT_TRUE(logged("warning: lineGetProviderList failed: LINEERR_NOMEM")) << log_text();
    EXPECT_TRUE(logged("registered ctigw.tsp with TAPI as provider 7")) << log_text();
}

TEST_F(providerAdd, AFailedListThenDuplicateRefusedStillSucceeds) {
    tapi.list_result = lineerr_nomem;
    tapi.add_result = lineerr_nomultipleinstance;
    EXPECT_EQ(run_args({"provider", "add"}), 0);
}

TEST_F(providerAdd, WithoutTapiFailsClearly) {
    env.tapi = nullptr;
    EXPECT_EQ(run_args({"provider", "add"}), 1);
    EXPECT_TRUE(logged("TAPI is not available")) << log_text();
}

TEST_F(providerRemove, RemovesEveryEntryOfCtigwStaleDuplicatesToo) {
    tapi.providers = {{3, "ctigw.tsp"}, {1, "unimdm.tsp"}, {8, "C:\\WINDOWS\\system32\\CTIGW.TSP"}};
    EXPECT_EQ(run_args({"provider", "remove"}), 0);
    EXPECT_EQ(tapi.removed, (std::vector<std::uint32_t>{3, 8}));
    EXPECT_TRUE(logged("removed provider 3")) << log_text();
    EXPECT_TRUE(logged("removed provider 8")) << log_text();
    EXPECT_FALSE(logged("hint:")) << log_text();
}

TEST_F(providerRemove, NothingToRemoveIsSuccessWithoutCalls) {
    tapi.providers = {{1, "unimdm.tsp"}};
    EXPECT_EQ(run_args({"provider", "remove"}), 0);
    EXPECT_TRUE(tapi.removed.empty());
    EXPECT_TRUE(logged("ctigw.tsp is not registered with TAPI; nothing to do")) << log_text();
}

TEST_F(providerRemove, AFailedRemoveFailsAndTheOthersAreStillRemoved) {
    tapi.providers = {{3, "ctigw.tsp"}, {8, "ctigw.tsp"}};
    tapi.remove_results = {lineerr_operationfailed};
    EXPECT_EQ(run_args({"provider", "remove"}), 1);
    EXPECT_EQ(tapi.removed, (std::vector<std::uint32_t>{3, 8}));
    EXPECT_TRUE(logged("lineRemoveProvider(3) failed: LINEERR_OPERATIONFAILED (0x80000048)"))
        << log_text();
    EXPECT_TRUE(logged("removed provider 8")) << log_text();
    EXPECT_TRUE(logged("hint: remove it by hand")) << log_text();
}

TEST_F(providerRemove, AFailedListFails) {
    tapi.list_result = lineerr_operationfailed;
    tapi.providers = {{3, "ctigw.tsp"}};
    EXPECT_EQ(run_args({"provider", "remove"}), 1);
    EXPECT_TRUE(tapi.removed.empty());
    EXPECT_TRUE(logged("lineGetProviderList failed: LINEERR_OPERATIONFAILED")) << log_text();
    EXPECT_TRUE(logged("hint: remove it by hand")) << log_text();
}

TEST_F(providerRemove, WithoutTapiFailsClearly) {
    env.tapi = nullptr;
    EXPECT_EQ(run_args({"provider", "remove"}), 1);
    EXPECT_TRUE(logged("TAPI is not available")) << log_text();
}

TEST_F(providerList, ListsEveryProviderAndMarksOurs) {
    tapi.providers = {{1, "unimdm.tsp"}, {12, "CTIGW.TSP"}};
    EXPECT_EQ(run_args({"provider", "list"}), 0);
    EXPECT_EQ(log, (std::vector<std::string>{"1  unimdm.tsp", "12  CTIGW.TSP  (ctigw)"}));
}

TEST_F(providerList, SaysWhenCtigwIsMissing) {
    tapi.providers = {{1, "unimdm.tsp"}};
    EXPECT_EQ(run_args({"provider", "list"}), 0);
    EXPECT_TRUE(logged("ctigw.tsp is not registered with TAPI")) << log_text();
}

TEST_F(providerList, ControlCharactersInANameAreEscaped) {
    tapi.providers = {{1, "evil\nctigw.tsp registered"}};
    EXPECT_EQ(run_args({"provider", "list"}), 0);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0], "1  evil\\nctigw.tsp registered");
}

TEST_F(providerList, AFailedListFails) {
    tapi.list_result = lineerr_operationfailed;
    EXPECT_EQ(run_args({"provider", "list"}), 1);
    EXPECT_TRUE(logged("LINEERR_OPERATIONFAILED")) << log_text();
}

TEST_F(providerList, WithoutTapiFails) {
    env.tapi = nullptr;
    EXPECT_EQ(run_args({"provider", "list"}), 1);
}

TEST(isCtigwProvider, ComparesTheLastPathComponentCaseInsensitively) {
    EXPECT_TRUE(is_ctigw_provider("ctigw.tsp"));
    EXPECT_TRUE(is_ctigw_provider("CtIgW.TsP"));
    EXPECT_TRUE(is_ctigw_provider("C:\\Windows\\System32\\CTIGW.TSP"));
    EXPECT_TRUE(is_ctigw_provider("\\\\server\\share/ctigw.tsp"));
    EXPECT_FALSE(is_ctigw_provider(""));
    EXPECT_FALSE(is_ctigw_provider("ctigw.ts"));
    EXPECT_FALSE(is_ctigw_provider("ctigw.tsp "));
    EXPECT_FALSE(is_ctigw_provider("C:\\ctigw.tsp\\"));
    EXPECT_FALSE(is_ctigw_provider("xctigw.tsp"));
}

}  // namespace
}  // namespace ctigw::setup::testing
