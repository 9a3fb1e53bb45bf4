// The device tests' shared fixture and checks (devices_test.cpp, devices_test_service.cpp,
// devices_test_forward.cpp, devices_test_phone.cpp): DevicesTest over devices_fixture, and the
// variable-size structure rules every caps/status structure is checked against.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "devices_test_support.hpp"

namespace ctigw::tsp::testing {

inline constexpr LONG ok = 0;
inline LONG err(DWORD e) {
    return static_cast<LONG>(e);
}

/// Checks the variable-size rules for one structure: STRUCTURETOOSMALL only below the fixed
/// part, every size from the fixed part to dwNeededSize succeeds with the same dwNeededSize,
/// dwUsedSize within dwTotalSize, nothing written past dwTotalSize, every variable field either
/// absent (0, 0) or entirely inside [fixed, dwUsedSize).
inline void check_var_struct(const std::function<LONG(void*)>& call, DWORD fixed,
                             const std::vector<std::size_t>& size_members, LONG too_small,
                             const std::string& what) {
    SCOPED_TRACE(what);
    {
        var_buffer b(fixed - 1);
        EXPECT_EQ(call(b.bytes.data()), too_small);
        EXPECT_TRUE(b.untouched_from(4));
    }
    var_buffer full(8192);
    ASSERT_EQ(call(full.bytes.data()), ok);
    const DWORD needed = full.dword(4);
    ASSERT_GE(needed, fixed);
    EXPECT_EQ(full.dword(8), needed);
    for (DWORD total = fixed; total <= needed; ++total) {
        var_buffer b(total);
        ASSERT_EQ(call(b.bytes.data()), ok) << "total " << total;
        EXPECT_EQ(b.dword(0), total);
        EXPECT_EQ(b.dword(4), needed) << "total " << total;
        const DWORD used = b.dword(8);
        EXPECT_LE(used, total);
        EXPECT_GE(used, fixed);
        EXPECT_TRUE(b.untouched_from(total)) << "wrote past dwTotalSize " << total;
        EXPECT_TRUE(b.untouched_from(std::max(used, fixed))) << "wrote past dwUsedSize " << total;
        for (auto m : size_members) {
            const DWORD size = b.dword(m), off = b.dword(m + 4);
            if (size == 0) {
                EXPECT_EQ(off, 0u);
            } else {
                EXPECT_GE(off, fixed);
                EXPECT_LE(off + size, used);
                EXPECT_EQ(off % 4, 0u);
            }
        }
    }
}

/// One fixture class for the DevicesTest suite in every file (gtest requires it), hence here and
/// not in a file's anonymous namespace.
class DevicesTest : public devices_fixture {};

}  // namespace ctigw::tsp::testing
