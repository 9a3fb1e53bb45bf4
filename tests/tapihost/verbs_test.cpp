// The statement tables: the host's verb table against the language's operations.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent_language.hpp"
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/scenario.hpp"

namespace ctigw::tapihost {
namespace {

TEST(VerbTable, EveryLineOperationHasAHandler) {
    const auto handled = host::line_verbs();
    for (const auto& spec : op_specs()) {
        if (spec.verb == "phone" || agent::find_verb(spec.verb)) continue;
        EXPECT_NE(std::find(handled.begin(), handled.end(), spec.verb), handled.end())
            << "no host handler for \"" << spec.verb << "\"";
    }
    for (auto verb : handled) {
        const auto* spec = find_op(verb);
        ASSERT_NE(spec, nullptr) << "a handler for \"" << verb << "\", which the language lacks";
        EXPECT_EQ(spec->verb, verb) << "handlers are keyed by the canonical verb";
    }
}

}  // namespace
}  // namespace ctigw::tapihost
