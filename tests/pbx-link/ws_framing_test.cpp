// The link's own WebSocket framing (ws_framing.hpp) and handshake pieces (ws_handshake.hpp):
// every frame a hostile switch can send, and the frames the link sends.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "ws_framing.hpp"
#include "ws_handshake.hpp"

namespace {

using namespace ctigw::pbx_link::detail;
using kind = ws::item::kind;

/// A server frame: first byte `b0` (FIN, RSV, opcode), then the length in the shortest form
/// (or `form` 126/127 forced), unmasked unless `mask`.
std::string frame(unsigned b0, const std::string& payload, bool mask = false, int form = 0) {
    std::string out(1, static_cast<char>(b0));
    const std::size_t n = payload.size();
    const unsigned m = mask ? 0x80U : 0U;
    if (form == 0) form = n < 126 ? 0 : n <= 0xFFFF ? 126 : 127;
    if (form == 0) {
        out += static_cast<char>(m | n);
    } else if (form == 126) {
        out += static_cast<char>(m | 126U);
        out += static_cast<char>(n >> 8);
        out += static_cast<char>(n & 0xFF);
    } else {
        out += static_cast<char>(m | 127U);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
    }
    if (mask) out += std::string(4, '\0');  // a zero key: the payload reads as sent
    return out + payload;
}

std::string text(const std::string& p, bool fin = true) {
    return frame((fin ? 0x80U : 0U) | 0x1U, p);
}
std::string cont(const std::string& p, bool fin) {
    return frame((fin ? 0x80U : 0U) | 0x0U, p);
}
std::string close_frame(std::uint16_t code, const std::string& reason) {
    std::string p;
    p += static_cast<char>(code >> 8);
    p += static_cast<char>(code & 0xFF);
    return frame(0x88, p + reason);
}

/// Feeds `bytes` the way connection.cpp does: items until need_more, consumed bytes dropped.
struct feeder {
    explicit feeder(std::size_t max) : r(max) {}
    ws::reader r;
    std::string buffer;
    std::vector<ws::item> items;
    std::vector<std::string> payloads;  // copied: views die with the next call

    void feed(const std::string& bytes) {
        buffer += bytes;
        for (;;) {
            std::size_t used = 0;
            const auto it = r.next(buffer, used);
            EXPECT_LE(used, buffer.size());
            if (it.what == kind::need_more) {
                buffer.erase(0, used);
                return;
            }
            items.push_back(it);
            payloads.emplace_back(it.payload);
            buffer.erase(0, used);
            if (it.what == kind::violation) return;
        }
    }
};

TEST(wsReader, EveryMessageOfOneReadIsAViewOfTheBytesRead) {
    ws::reader r(1024);
    const std::string bytes = text("one") + text(std::string(200, 'b')) + text("three");
    std::size_t at = 0;
    std::vector<std::string> seen;
    for (;;) {
        std::size_t used = 0;
        const auto it = r.next(std::string_view(bytes).substr(at), used);
        if (it.what == kind::need_more) break;
        ASSERT_EQ(it.what, kind::message);
        EXPECT_TRUE(it.text);
        // In place: the payload points into the bytes passed, just past its frame's header.
        EXPECT_GE(it.payload.data(), bytes.data() + at);
        EXPECT_EQ(it.payload.data() + it.payload.size(), bytes.data() + at + used);
        seen.emplace_back(it.payload);
        at += used;
    }
    EXPECT_EQ(at, bytes.size());
    EXPECT_EQ(seen, (std::vector<std::string>{"one", std::string(200, 'b'), "three"}));
}

TEST(wsReader, AFrameSplitAnywhereWaitsForTheRestAndSaysHowMuch) {
    const std::string whole = text(std::string(300, 'x')) + text("end");
    for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
        feeder f(1024);
        f.feed(whole.substr(0, cut));
        f.feed(whole.substr(cut));
        ASSERT_EQ(f.payloads, (std::vector<std::string>{std::string(300, 'x'), "end"})) << cut;
    }
    ws::reader r(1024);
    std::size_t used = 0;
    const std::string head = whole.substr(0, 3);  // 16-bit length form: 4 header bytes
    EXPECT_EQ(r.next(head, used).what, kind::need_more);
    EXPECT_EQ(r.wanted(), 4u);
    EXPECT_EQ(r.next(whole.substr(0, 10), used).what, kind::need_more);
    EXPECT_EQ(r.wanted(), 304u);
}

TEST(wsReader, LengthsInAllThreeFormsAndOnlyTheShortest) {
    feeder f(200000);
    f.feed(text(std::string(125, 'a')) + text(std::string(126, 'b')) +
           text(std::string(70000, 'c')) + frame(0x82, "bin"));
    ASSERT_EQ(f.items.size(), 4u);
    EXPECT_EQ(f.payloads[1].size(), 126u);
    EXPECT_EQ(f.payloads[2].size(), 70000u);
    EXPECT_FALSE(f.items[3].text);
    feeder g(200000);
    g.feed(frame(0x81, "short", false, 126));
    ASSERT_EQ(g.items.back().what, kind::violation);
    EXPECT_EQ(g.items.back().code, 1002);
    feeder h(200000);
    h.feed(frame(0x81, std::string(300, 'x'), false, 127));
    ASSERT_EQ(h.items.back().what, kind::violation);
}

TEST(wsReader, AFragmentedMessageIsPutTogetherAroundControlFrames) {
    feeder f(1024);
    f.feed(text("hel", false) + frame(0x89, "are you there") + cont("lo ", false) +
           frame(0x8A, "") + cont("world", true) + text("next"));
    ASSERT_EQ(f.items.size(), 4u);
    EXPECT_EQ(f.items[0].what, kind::ping);
    EXPECT_EQ(f.payloads[0], "are you there");
    EXPECT_EQ(f.items[1].what, kind::pong);
    EXPECT_EQ(f.items[2].what, kind::message);
    EXPECT_EQ(f.payloads[2], "hello world");
    EXPECT_TRUE(f.items[2].text);
    EXPECT_EQ(f.payloads[3], "next");
}

TEST(wsReader, WhatAServerMustNotSendIsAViolationWithItsCloseCode) {
    struct bad {
        std::string bytes;
        std::uint16_t code;
    };
    const std::vector<bad> cases = {
        {frame(0x81, "masked", true), 1002},
        {frame(0xC1, "rsv1"), 1002},
        {frame(0x83, "opcode 3"), 1002},
        {frame(0x8B, "opcode 11"), 1002},
        {frame(0x09, "fragmented ping"), 1002},
        {frame(0x89, std::string(126, 'p')), 1002},
        {cont("orphan", true), 1002},
        {text("a", false) + text("b"), 1002},
        {text("\xC3\x28"), 1007},                             // not UTF-8
        {text("\xED\xA0\x80"), 1007},                         // a surrogate
        {text("ok\xE2\x82", false) + cont("x", true), 1007},  // split sequence gone wrong
        {frame(0x88, "x"), 1002},                             // a 1-byte close payload
        {close_frame(1005, ""), 1002},                        // a code never sent
        {close_frame(999, ""), 1002},
        {close_frame(2000, ""), 1002},
        {close_frame(1000, "\xFF"), 1007},
    };
    for (const auto& c : cases) {
        feeder f(1024);
        f.feed(c.bytes);
        ASSERT_FALSE(f.items.empty()) << testing::PrintToString(c.bytes);
        EXPECT_EQ(f.items.back().what, kind::violation) << testing::PrintToString(c.bytes);
        EXPECT_EQ(f.items.back().code, c.code) << testing::PrintToString(c.bytes);
        // Done for good: the next call says the same, whatever comes.
        std::size_t used = 1;
        EXPECT_EQ(f.r.next(text("later"), used).what, kind::violation);
        EXPECT_EQ(used, 0u);
    }
    // A text message split inside a UTF-8 sequence is fine once whole.
    feeder ok(1024);
    ok.feed(text("caf\xC3", false) + cont("\xA9", true));
    ASSERT_EQ(ok.items.size(), 1u);
    EXPECT_EQ(ok.payloads[0], "caf\xC3\xA9");
}

TEST(wsReader, CloseFramesCarryTheirCodeAndReason) {
    feeder f(1024);
    f.feed(close_frame(4001, "token \xE2\x9C\x93 revoked") + frame(0x88, "") +
           close_frame(3000, ""));
    ASSERT_EQ(f.items.size(), 3u);
    EXPECT_EQ(f.items[0].what, kind::close);
    EXPECT_EQ(f.items[0].code, 4001);
    EXPECT_EQ(f.payloads[0], "token \xE2\x9C\x93 revoked");
    EXPECT_EQ(f.items[1].code, 1005);  // none given
    EXPECT_EQ(f.items[2].code, 3000);
}

TEST(wsReader, AnOversizedMessageIsToldOnceFromItsHeaderAndItsBytesSkipped) {
    feeder f(1000);
    const std::string big = text(std::string(5000, 'x'));
    f.feed(big.substr(0, 4));  // the header alone says it all
    ASSERT_EQ(f.items.size(), 1u);
    EXPECT_EQ(f.items[0].what, kind::oversized);
    EXPECT_EQ(f.items[0].length, 5000u);
    f.feed(big.substr(4, 3000));
    f.feed(big.substr(3004) + close_frame(1000, "bye"));
    ASSERT_EQ(f.items.size(), 2u);
    EXPECT_EQ(f.items[1].what, kind::close);
    EXPECT_TRUE(f.buffer.empty());

    // Fragments: the one that passes the limit is told; the rest of that message goes; the next
    // message is read as usual.
    feeder g(1000);
    g.feed(text(std::string(600, 'a'), false) + cont(std::string(600, 'b'), false) +
           cont(std::string(600, 'c'), true) + text("after"));
    ASSERT_EQ(g.items.size(), 2u);
    EXPECT_EQ(g.items[0].what, kind::oversized);
    EXPECT_EQ(g.items[0].length, 1200u);
    EXPECT_EQ(g.payloads[1], "after");
    // Exactly the limit is taken.
    feeder h(1000);
    h.feed(text(std::string(600, 'a'), false) + cont(std::string(400, 'b'), true));
    ASSERT_EQ(h.items.size(), 1u);
    EXPECT_EQ(h.items[0].what, kind::message);
    EXPECT_EQ(h.payloads[0].size(), 1000u);
}

// The connection's loop (connection.cpp: reserve, read into space(), take every item, consume)
// over a stream of frames of every size up to the limit, read in pieces of any size: every
// message comes out, and the buffer never holds more than the largest frame and one read —
// with the frame in progress moved to the front rather than the buffer doubled (which a switch
// could repeat until memory ran out).
/// Runs the loop over `total` bytes of frames up to `limit` (a quarter of them near it); returns
/// the largest capacity the buffer had.
std::size_t run_read_loop(std::size_t limit, std::size_t total, std::size_t max_read) {
    constexpr std::size_t initial = 64 * 1024, min_read = 16 * 1024, shrink = 256 * 1024;
    std::uint64_t seed = 42;
    const auto rnd = [&](std::size_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((seed >> 33) % n);
    };
    std::string stream;
    std::vector<std::size_t> sizes;
    while (stream.size() < total) {
        // Mostly small frames, some near the limit: partial frames at every offset.
        const std::size_t n = rnd(4) == 0 ? limit - rnd(2000) : rnd(300);
        sizes.push_back(n);
        stream += text(std::string(n, static_cast<char>('a' + sizes.size() % 26)));
    }
    ws::reader r(limit);
    ws::read_buffer buf(initial, min_read, shrink);
    std::size_t at = 0, taken = 0, largest = 0;
    while (at < stream.size()) {
        buf.reserve(r.wanted());
        largest = std::max(largest, buf.capacity());
        EXPECT_GE(buf.space_size(), min_read);
        const std::size_t n = std::min({buf.space_size(), stream.size() - at, 1 + rnd(max_read)});
        std::memcpy(buf.space(), stream.data() + at, n);
        buf.commit(n);
        at += n;
        for (;;) {
            std::size_t used = 0;
            const auto it = r.next(buf.unread(), used);
            if (it.what == kind::need_more) {
                buf.consume(used);
                break;
            }
            EXPECT_EQ(it.what, kind::message);
            EXPECT_EQ(it.payload.size(), sizes[taken]);
            EXPECT_TRUE(buf.padded(it.payload));  // the codec decodes it in place
            if (it.payload.size() != sizes[taken]) return SIZE_MAX;
            ++taken;
            buf.consume(used);
        }
    }
    EXPECT_EQ(taken, sizes.size());
    return largest;
}

TEST(wsReadBuffer, TheConnectionsLoopTakesEveryMessageInBoundedMemory) {
    constexpr std::size_t min_read = 16 * 1024;
    // Frames that fit the initial 64 KiB: it never grows.
    EXPECT_LE(run_read_loop(32 * 1024, 8 * 1024 * 1024, 40000), 64u * 1024u);
    // The link's default-sized limit: it grows to one frame and a read, no more.
    const std::size_t big = 1024 * 1024 + 64 * 1024;
    EXPECT_LE(run_read_loop(big, 48 * 1024 * 1024, 200000), big + 10 + min_read);
}

TEST(wsReadBuffer, ALargeMessagesMemoryGoesBackOnceTaken) {
    ws::read_buffer buf(64 * 1024, 16 * 1024, 256 * 1024);
    buf.reserve(1024 * 1024);
    EXPECT_GE(buf.capacity(), 1024u * 1024u);
    buf.append("leftover");
    EXPECT_EQ(buf.unread(), "leftover");
    buf.consume(8);
    buf.reserve(2);
    EXPECT_EQ(buf.capacity(), 64u * 1024u);
}

TEST(wsClientFrames, AreMaskedFinalFramesInTheShortestLengthForm) {
    const std::array<std::uint8_t, 4> mask{0x12, 0x34, 0x56, 0x78};
    for (const std::size_t n : {0u, 5u, 125u, 126u, 65535u, 65536u}) {
        std::string payload(n, '\0');
        for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>('a' + i % 26);
        std::string out = "prefix";
        ws::append_client_frame(out, ws::opcode::text, payload, mask);
        ASSERT_EQ(out.substr(0, 6), "prefix");
        const auto* p = reinterpret_cast<const unsigned char*>(out.data() + 6);
        EXPECT_EQ(p[0], 0x81);
        EXPECT_EQ(p[1] & 0x80, 0x80) << "masked";
        std::size_t header = 2;
        std::size_t len = p[1] & 0x7FU;
        if (n < 126) {
            EXPECT_EQ(len, n);
        } else if (n <= 0xFFFF) {
            ASSERT_EQ(len, 126u);
            len = (std::size_t{p[2]} << 8) | p[3];
            header = 4;
        } else {
            ASSERT_EQ(len, 127u);
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
            header = 10;
        }
        EXPECT_EQ(len, n);
        ASSERT_EQ(out.size(), 6 + header + 4 + n);
        EXPECT_EQ(std::memcmp(p + header, mask.data(), 4), 0);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(static_cast<char>(p[header + 4 + i] ^ mask[i % 4]), payload[i])
                << n << " " << i;
        }
    }
}

TEST(wsClientFrames, CloseReasonsAreCutAtACharacterAndCodesChecked) {
    EXPECT_EQ(ws::close_payload(1000, "bye"), std::string("\x03\xE8"
                                                          "bye"));
    EXPECT_EQ(ws::close_payload(1005, "ignored"), "");
    std::string reason(122, 'r');
    reason += "\xE2\x9C\x93";  // a 3-byte character across byte 123
    const auto p = ws::close_payload(4000, reason);
    EXPECT_EQ(p.size(), 2u + 122u);
    EXPECT_TRUE(ws::sendable_close_code(1000));
    EXPECT_TRUE(ws::sendable_close_code(1009));
    EXPECT_TRUE(ws::sendable_close_code(4999));
    EXPECT_FALSE(ws::sendable_close_code(1005));
    EXPECT_FALSE(ws::sendable_close_code(1006));
    EXPECT_FALSE(ws::sendable_close_code(1015));
    EXPECT_FALSE(ws::sendable_close_code(5000));
}

TEST(wsHandshake, TheAcceptKeyIsTheRfcsAndKeysAreFresh) {
    // RFC 6455 §1.3's example.
    EXPECT_EQ(ws::accept_for("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    std::set<std::string> keys;
    for (int i = 0; i < 50; ++i) {
        const auto k = ws::new_key();
        EXPECT_EQ(k.size(), 24u);
        keys.insert(k);
    }
    EXPECT_EQ(keys.size(), 50u);
    ws::mask_source masks;
    std::set<std::array<std::uint8_t, 4>> seen;
    for (int i = 0; i < 200; ++i) seen.insert(masks.next());  // across four pool refills
    EXPECT_GT(seen.size(), 190u);
}

TEST(wsHandshake, TheSwitchsAnswerIsCheckedAsRfc6455Says) {
    const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    ws::upgrade_answer good;
    good.status = 101;
    good.reason = "Switching Protocols";
    good.upgrade = "websocket";
    good.connection = "Upgrade";
    good.accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    EXPECT_EQ(ws::upgrade_refusal(good, key), "");

    auto a = good;
    a.status = 404;
    a.reason = "Not Found\r\nFAKE LINE";
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch answered HTTP 404 Not Found\\r\\nFAKE LINE");
    a.reason = "";
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch answered HTTP 404");
    a = good;
    a.upgrade = "h2c";
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch's answer has no Upgrade: websocket");
    a = good;
    a.connection = "keep-alive";
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch's answer has no Connection: upgrade");
    a = good;
    const std::string other = ws::accept_for("another key");
    a.accept = other;
    EXPECT_EQ(ws::upgrade_refusal(a, key),
              "the switch's Sec-WebSocket-Accept does not match the key sent");
    a = good;
    a.extensions = true;
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch chose an extension that was not offered");
}

TEST(wsHandshake, HeaderTokensAreMatchedAsTheRfcSays) {
    // Connection lists "upgrade" among its tokens, in any case; Upgrade is "websocket".
    ws::upgrade_answer a;
    a.status = 101;
    a.upgrade = "WebSocket";
    const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    a.accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    const auto connection_ok = [&](std::string_view connection) {
        a.connection = connection;
        return ws::upgrade_refusal(a, key).empty();
    };
    EXPECT_TRUE(connection_ok("Upgrade"));
    EXPECT_TRUE(connection_ok("keep-alive, Upgrade"));
    EXPECT_TRUE(connection_ok(" \tUPGRADE\t ,x"));
    EXPECT_FALSE(connection_ok("upgraded"));
    EXPECT_FALSE(connection_ok(""));
    EXPECT_FALSE(connection_ok("keep-alive"));
    a.connection = "Upgrade";
    a.upgrade = "websocket, h2c";
    EXPECT_EQ(ws::upgrade_refusal(a, key), "the switch's answer has no Upgrade: websocket");
}

}  // namespace
