// protocol::log_safe: what a peer-supplied string looks like once it is in a log line.
#include "ctigw/protocol/log_safe.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ctigw::protocol {
namespace {

TEST(log_safe, plain_text_and_utf8_pass_through) {
    EXPECT_EQ(log_safe("PBX 1 (main) ok"), "PBX 1 (main) ok");
    EXPECT_EQ(log_safe("Zentrale M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x93\x9e"),
              "Zentrale M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x93\x9e");
    EXPECT_EQ(log_safe(""), "");
}

TEST(log_safe, line_breaks_and_escape_codes_become_visible) {
    EXPECT_EQ(log_safe("bye\r\nFAKE LINE"), "bye\\r\\nFAKE LINE");
    EXPECT_EQ(log_safe("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(log_safe(std::string("a\0b\tc\x7f", 6)), "a\\x00b\\tc\\x7f");
    EXPECT_EQ(log_safe("C:\\x1b"), "C:\\\\x1b");  // a literal backslash cannot pose as an escape
    // Valid UTF-8 that still acts: C1 CSI, line separator, right-to-left override.
    EXPECT_EQ(log_safe("a\xc2\x9b"
                       "b\xe2\x80\xa8"
                       "c\xe2\x80\xae"),
              "a\\u009bb\\u2028c\\u202e");
}

TEST(log_safe, bytes_that_are_not_utf8_are_escaped) {
    EXPECT_EQ(log_safe("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(log_safe("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
    EXPECT_EQ(log_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
    EXPECT_EQ(log_safe("ok\xe2\x82"), "ok\\xe2\\x82");                // cut sequence
    EXPECT_EQ(log_safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(log_safe, long_strings_are_capped_with_a_marker) {
    const std::string flood(10000, 'A');
    const auto out = log_safe(flood);
    EXPECT_EQ(out, std::string(200, 'A') + "...[10000 bytes]");
    EXPECT_EQ(log_safe("abcdef", 4), "abcd...[6 bytes]");
    // The cut never splits an escape or a character.
    EXPECT_EQ(log_safe("ab\ncd", 3), "ab...[5 bytes]");
    EXPECT_EQ(log_safe("a\xc3\xbc", 2), "a...[3 bytes]");
    EXPECT_EQ(log_safe("abc", 3), "abc");
}

TEST(display_text, valid_utf8_one_line_bounded) {
    EXPECT_EQ(display_text("Agence Dupont"), "Agence Dupont");
    EXPECT_EQ(display_text("Jos\xC3\xA9"), "Jos\xC3\xA9");  // UTF-8 passes
    EXPECT_EQ(display_text("M\xFCller"), "M\xC3\xBCller");  // Latin-1 becomes UTF-8
    EXPECT_EQ(display_text("\xE2\x82"), "\xC3\xA2");        // a cut sequence too (U+0082 is C1)
    EXPECT_EQ(display_text("  a\r\n\tb\x1b[31m  "), "a   b [31m");  // controls are spaces
    EXPECT_EQ(display_text("a\xE2\x80\xAE"
                           "b"),
              "a b");  // a bidi override too
    EXPECT_EQ(display_text(" \n\x7F "), "");
    EXPECT_EQ(display_text(std::string(300, 'x')).size(), 128u);
    EXPECT_EQ(display_text("\xC3\xA9\xC3\xA9\xC3\xA9", 2),
              "\xC3\xA9\xC3\xA9");  // characters, not bytes
}

}  // namespace
}  // namespace ctigw::protocol
