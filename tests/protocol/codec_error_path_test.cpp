// The JSON pointer of a decode failure. The decoder records no path on the way in: the members a
// failure returns through add themselves as it unwinds (json_decode.hpp, error_path). These cases
// pin what that must still give: the whole path, outermost first, at every depth and in lists;
// only the members open at the failure, not siblings decoded before it; nothing carried over from
// an earlier frame's failure, on one codec, and the same pointer in place as copied.
#include <gtest/gtest.h>

#include <string>

#include "ctigw/protocol/codec.hpp"

namespace ctigw::protocol {
namespace {

constexpr std::string_view deep_failure =
    R"({"type":"response","id":"1","service":"SnapshotCall","result":{"parties":[)"
    R"({"connection":{"callID":"c-1","deviceID":"2001"},"state":"connected"},)"
    R"({"connection":{"callID":"c-1","deviceID":7},"state":"connected"}]}})";

std::string decode_pointer(codec& c, std::string_view frame) {
    auto r = c.decode(frame);
    EXPECT_FALSE(r.ok()) << frame;
    return r.ok() ? std::string("(decoded)") : r.error().pointer;
}

TEST(codecErrorPath, APointerNamesEveryMemberAndItemFromTheRootOutermostFirst) {
    auto c = make_json_codec();
    EXPECT_EQ(decode_pointer(*c, deep_failure), "/result/parties/1/connection/deviceID");
}

TEST(codecErrorPath, MembersDecodedBeforeTheFailureAreNotInIt) {
    auto c = make_json_codec();
    // "state" of item 0 and "callID" of item 1 were decoded and left before "deviceID" failed.
    const auto r = c->decode(deep_failure);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, decode_errc::wrong_type);
    EXPECT_EQ(r.error().pointer, "/result/parties/1/connection/deviceID");
    // A required member found missing after the members were read: its own name, once.
    EXPECT_EQ(decode_pointer(*c, R"({"type":"response","id":"1","service":"SnapshotCall",)"
                                 R"("result":{"parties":[{"state":"connected"}]}})"),
              "/result/parties/0/connection");
}

TEST(codecErrorPath, AFailureAfterAnotherOnTheSameCodecCarriesNothingOver) {
    auto c = make_json_codec();
    EXPECT_EQ(decode_pointer(*c, deep_failure), "/result/parties/1/connection/deviceID");
    // A valid frame between them, then an envelope member at the top.
    EXPECT_TRUE(c->decode(R"({"type":"heartbeat","id":"h1"})").ok());
    EXPECT_EQ(decode_pointer(*c, R"({"type":"event","seq":1,"event":"Held"})"), "/data");
    EXPECT_EQ(decode_pointer(*c, deep_failure), "/result/parties/1/connection/deviceID");
    EXPECT_EQ(decode_pointer(*c, R"({"type":"request","id":"2"})"), "/service");
}

TEST(codecErrorPath, InPlaceDecodingGivesTheSamePointer) {
    auto c = make_json_codec();
    // An event body decoded in the envelope's pass, failing there: the frame is decoded again the
    // two-pass way, and the pointer is that of the second pass alone.
    const std::string frame =
        R"({"type":"event","seq":3,"event":"Held","data":{"heldConnection":)"
        R"({"callID":"c-1","deviceID":"2001"},"holdingDevice":["x"],"cause":"normal"}})";
    std::string padded = frame + std::string(frame_padding, '\0');
    message slot{std::in_place_type<event_message>};
    const auto in_place =
        c->decode_padded_into(std::string_view(padded.data(), frame.size()), slot);
    ASSERT_TRUE(in_place.has_value());
    EXPECT_EQ(in_place->pointer, "/data/holdingDevice");
    EXPECT_EQ(decode_pointer(*c, frame), "/data/holdingDevice");
}

}  // namespace
}  // namespace ctigw::protocol
