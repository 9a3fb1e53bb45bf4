#include "ctigw/config/detail/position_index.hpp"

#include <gtest/gtest.h>

namespace ctigw::config::detail {
namespace {

TEST(config_position_index, records_values_and_keys) {
    const auto idx = position_index::build("{\n  \"a\": 1,\n  \"bb\" : [true, null]\n}");
    EXPECT_EQ(idx.value_position(""), (text_position{1, 1}));
    EXPECT_EQ(idx.value_position("/a"), (text_position{2, 8}));
    EXPECT_EQ(idx.key_position("/a"), (text_position{2, 3}));
    EXPECT_EQ(idx.key_position("/bb"), (text_position{3, 3}));
    EXPECT_EQ(idx.value_position("/bb"), (text_position{3, 10}));
    EXPECT_EQ(idx.value_position("/bb/1"), (text_position{3, 17}));
    EXPECT_EQ(idx.key_position("/bb/1"), (text_position{3, 17}));
    EXPECT_EQ(idx.value_position("/missing"), (text_position{}));
}

TEST(config_position_index, skips_comments_everywhere) {
    const auto idx = position_index::build(
        "// head { \"x\": 1 }\n{ /* a \"b\": */ \"a\" /* c */ : // d\n  [ 1, /* ] */ 2 ] }");
    EXPECT_EQ(idx.key_position("/a"), (text_position{2, 16}));
    EXPECT_EQ(idx.value_position("/a"), (text_position{3, 3}));
    EXPECT_EQ(idx.value_position("/a/1"), (text_position{3, 16}));
    EXPECT_EQ(idx.value_position("/b"), (text_position{}));
    EXPECT_EQ(idx.value_position("/x"), (text_position{}));
}

// Found by config_fuzzer: nlohmann ends a line comment at a lone CR, so what follows the CR is
// JSON; the indexer read past the end of the text when it took it for comment.
TEST(config_position_index, a_line_comment_ends_at_a_carriage_return_too) {
    const auto idx = position_index::build("{ \"a\": { // note\r  },\n  \"b\": 2 }\n");
    EXPECT_EQ(idx.value_position("/b"), (text_position{2, 8}));
    // Text that ends inside a container (not accepted by nlohmann) stops, never overruns.
    EXPECT_EQ(position_index::build("{ \"a\": [1, 2").value_position("/a/1"),
              (text_position{1, 12}));
}

TEST(config_position_index, string_contents_do_not_confuse_it) {
    const auto idx = position_index::build(R"({"s": "a \" , ] } // /*", "t": "\\", "u": "x"})");
    EXPECT_EQ(idx.value_position("/t"), (text_position{1, 32}));
    EXPECT_EQ(idx.value_position("/u"), (text_position{1, 43}));
}

TEST(config_position_index, escaped_keys_become_pointer_tokens) {
    const auto idx =
        position_index::build(R"({"a/b": 1, "m~n": 2, "\u00e9\"": 3, "\ud83d\ude00": 4})");
    EXPECT_EQ(idx.value_position("/a~1b"), (text_position{1, 9}));
    EXPECT_EQ(idx.value_position("/m~0n"), (text_position{1, 19}));
    EXPECT_EQ(idx.value_position("/\xC3\xA9\""), (text_position{1, 34}));
    EXPECT_EQ(idx.value_position("/\xF0\x9F\x98\x80"), (text_position{1, 53}));
}

TEST(config_position_index, nested_arrays_and_empty_containers) {
    const auto idx = position_index::build("[[], [[1], {}], {\"k\": [[], [2]]}]");
    EXPECT_EQ(idx.value_position("/0"), (text_position{1, 2}));
    EXPECT_EQ(idx.value_position("/1/0/0"), (text_position{1, 8}));
    EXPECT_EQ(idx.value_position("/1/1"), (text_position{1, 12}));
    EXPECT_EQ(idx.value_position("/2/k/1/0"), (text_position{1, 29}));
}

TEST(config_position_index, columns_count_characters_not_bytes) {
    const auto idx = position_index::build("{\"n\": \"\xC3\xA9t\xC3\xA9\", \"m\": 1}");
    EXPECT_EQ(idx.value_position("/m"), (text_position{1, 19}));
}

TEST(config_position_index, reports_duplicate_keys) {
    const auto idx = position_index::build("{\"a\": 1,\n \"a\": 2}");
    ASSERT_EQ(idx.duplicate_keys().size(), 1U);
    EXPECT_EQ(idx.duplicate_keys()[0].pointer, "/a");
    EXPECT_EQ(idx.duplicate_keys()[0].first, (text_position{1, 2}));
    EXPECT_EQ(idx.duplicate_keys()[0].second, (text_position{2, 2}));
    EXPECT_EQ(idx.value_position("/a"), (text_position{2, 7}));  // nlohmann keeps the last
}

TEST(config_position_index, deep_nesting_does_not_recurse) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto idx = position_index::build(deep);
    EXPECT_EQ(idx.value_position("/0/0"), (text_position{1, 3}));
    EXPECT_LE(idx.size(), 100U);  // only the first levels are recorded
}

TEST(config_position_index, offset_to_position) {
    EXPECT_EQ(position_of_offset("ab\ncd", 4), (text_position{2, 2}));
    EXPECT_EQ(position_of_offset("ab", 99), (text_position{1, 3}));
    EXPECT_EQ(escape_pointer_token("a/b~c"), "a~1b~0c");
}

}  // namespace
}  // namespace ctigw::config::detail
