// The statement tables: the host's verb table against the language's operations.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent_language.hpp"
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/scenario.hpp"
#include "suggest.hpp"

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

std::string error_of(std::string_view line) {
    statement_parser parser;
    parser.define("c1");
    std::string error;
    parser.parse(line, &error);
    return error;
}

TEST(DidYouMean, UnknownStatements) {
    // A typo (Damerau-Levenshtein distance 1 or 2, a transposition counting 1).
    EXPECT_EQ(error_of("anwser c1"), "unknown statement \"anwser\"; did you mean \"answer\"?");
    EXPECT_EQ(error_of("hodl c1"), "unknown statement \"hodl\"; did you mean \"hold\"?");
    EXPECT_EQ(error_of("expcet 2001 c1 IDLE"),
              "unknown statement \"expcet\"; did you mean \"expect\"?");
    EXPECT_EQ(error_of("WIAT 1s"), "unknown statement \"WIAT\"; did you mean \"wait\"?");
    EXPECT_EQ(error_of("setupconfrence c1"),
              "unknown statement \"setupconfrence\"; did you mean \"setupconference\"?");
    // The nearest only.
    EXPECT_EQ(error_of("cal 2001"), "unknown statement \"cal\"; did you mean \"call\"?");
    // A beginning.
    EXPECT_EQ(error_of("setuptrans c1"),
              "unknown statement \"setuptrans\"; did you mean \"setuptransfer\"?");
    EXPECT_EQ(error_of("getagentsess 2001"),
              "unknown statement \"getagentsess\"; did you mean \"getagentsessionlist\" or "
              "\"getagentsessioninfo\"?");
    // Console words too.
    EXPECT_EQ(error_of("stauts"), "unknown statement \"stauts\"; did you mean \"status\"?");
    // Nothing near: the list of statements, as before.
    EXPECT_EQ(error_of("frobnicate")
                  .rfind("unknown statement \"frobnicate\" (operations: open, "
                         "close, call, ",
                         0),
              0u);
}

TEST(DidYouMean, EditDistance) {
    EXPECT_EQ(detail::edit_distance("hold", "hold"), 0u);
    EXPECT_EQ(detail::edit_distance("HOLD", "hold"), 0u);
    EXPECT_EQ(detail::edit_distance("hodl", "hold"), 1u);  // a transposition
    EXPECT_EQ(detail::edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(detail::edit_distance("", "abc"), 3u);
    EXPECT_EQ(detail::did_you_mean({"a", "b", "c"}), "did you mean \"a\", \"b\" or \"c\"?");
    EXPECT_EQ(detail::did_you_mean({}), "");
}

}  // namespace
}  // namespace ctigw::tapihost
