#include "ws_framing.hpp"

#include <algorithm>
#include <cstring>

#include "ctigw/protocol/utf8.hpp"

namespace ctigw::pbx_link::detail::ws {

namespace {

constexpr const char* kNotUtf8 = "a text message not UTF-8";

std::uint64_t big_endian(std::string_view bytes) {
    std::uint64_t v = 0;
    for (const char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
}

bool known_opcode(unsigned op) {
    switch (static_cast<opcode>(op)) {
        case opcode::continuation:
        case opcode::text:
        case opcode::binary:
        case opcode::close:
        case opcode::ping:
        case opcode::pong:
            return true;
    }
    return false;
}

}  // namespace

void append_client_frame(std::string& out, opcode op, std::string_view payload,
                         const std::array<std::uint8_t, 4>& mask) {
    const std::size_t n = payload.size();
    const std::size_t start = out.size();
    const std::size_t header = 2 + (n < 126 ? 0 : n <= 0xFFFF ? 2 : 8) + 4;
    out.resize(start + header + n);
    auto* p = reinterpret_cast<unsigned char*>(out.data() + start);
    *p++ = static_cast<unsigned char>(0x80U | static_cast<unsigned>(op));
    if (n < 126) {
        *p++ = static_cast<unsigned char>(0x80U | n);
    } else if (n <= 0xFFFF) {
        *p++ = 0x80U | 126U;
        for (int shift = 8; shift >= 0; shift -= 8) *p++ = static_cast<unsigned char>(n >> shift);
    } else {
        *p++ = 0x80U | 127U;
        for (int shift = 56; shift >= 0; shift -= 8) {
            *p++ = static_cast<unsigned char>(static_cast<std::uint64_t>(n) >> shift);
        }
    }
    std::memcpy(p, mask.data(), 4);
    p += 4;
    // Eight bytes at a time with the mask repeated: the key's phase is the same every 8 bytes.
    std::uint64_t wide = 0;
    for (std::size_t k = 0; k < 8; ++k)
        std::memcpy(reinterpret_cast<char*>(&wide) + k, &mask[k % 4], 1);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, payload.data() + i, 8);
        chunk ^= wide;
        std::memcpy(p + i, &chunk, 8);
    }
    for (; i < n; ++i) p[i] = static_cast<unsigned char>(payload[i]) ^ mask[i % 4];
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    if (code == 1005) return {};
    std::size_t cut = std::min(reason.size(), max_close_reason);
    // Not in the middle of a UTF-8 sequence: back up over its continuation bytes.
    if (cut < reason.size()) {
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0U) == 0x80U) --cut;
    }
    std::string out;
    out.reserve(2 + cut);
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    out.append(reason.substr(0, cut));
    return out;
}

bool sendable_close_code(std::uint16_t code) noexcept {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

item reader::fail(std::uint16_t code, const char* why) {
    failure_ = item{};
    failure_.what = item::kind::violation;
    failure_.code = code;
    failure_.why = why;
    return failure_;
}

item reader::next(std::string_view data, std::size_t& consumed) {
    consumed = 0;
    if (failure_.what == item::kind::violation) return failure_;
    if (fragments_out_) {  // the caller is done with the last message put together here
        fragments_out_ = false;
        if (fragments_.capacity() > std::size_t{64} * 1024) {
            std::string().swap(fragments_);
        } else {
            fragments_.clear();
        }
    }
    for (;;) {
        const std::string_view rest = data.substr(consumed);
        if (skip_left_ > 0) {  // an oversized message's payload, dropped as it comes
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(skip_left_, rest.size()));
            consumed += n;
            skip_left_ -= n;
            if (skip_left_ > 0) {
                wanted_ = 1;
                return {};
            }
            continue;
        }
        if (rest.size() < 2) {
            wanted_ = 2;
            return {};
        }
        const auto b0 = static_cast<unsigned char>(rest[0]);
        const auto b1 = static_cast<unsigned char>(rest[1]);
        if ((b0 & 0x70U) != 0) return fail(1002, "a frame with reserved bits set");
        if ((b1 & 0x80U) != 0) return fail(1002, "a masked frame (a server must not mask)");
        const unsigned op = b0 & 0x0FU;
        const bool fin = (b0 & 0x80U) != 0;
        if (!known_opcode(op)) return fail(1002, "a frame with an unknown opcode");
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7FU;
        if (length == 126) {
            header = 4;
        } else if (length == 127) {
            header = 10;
        }
        if (rest.size() < header) {
            wanted_ = header;
            return {};
        }
        if (header == 4) {
            length = big_endian(rest.substr(2, 2));
            if (length < 126) return fail(1002, "a frame length not in its shortest form");
        } else if (header == 10) {
            length = big_endian(rest.substr(2, 8));
            if ((length >> 63) != 0) return fail(1002, "a frame length over 2^63");
            if (length <= 0xFFFF) return fail(1002, "a frame length not in its shortest form");
        }
        const bool control = op >= 0x8;
        if (control) {
            if (!fin) return fail(1002, "a fragmented control frame");
            if (length > 125) return fail(1002, "a control frame longer than 125 bytes");
        } else {
            const bool continues = op == 0;
            if (continues && !in_message_ && !skipping_) {
                return fail(1002, "a continuation frame outside a message");
            }
            if (!continues && (in_message_ || skipping_)) {
                return fail(1002, "a new message before the fragmented one ended");
            }
            if (skipping_ || length > max_ || (in_message_ && length > max_ - fragments_.size())) {
                const bool first = !skipping_;
                const std::size_t so_far = in_message_ ? fragments_.size() : 0;
                consumed += header;
                skip_left_ = length;
                skipping_ = !fin;
                in_message_ = false;
                fragments_.clear();
                if (!first) continue;
                item it;
                it.what = item::kind::oversized;
                it.length =
                    static_cast<std::size_t>(std::min<std::uint64_t>(so_far + length, SIZE_MAX));
                return it;
            }
        }
        if (rest.size() - header < length) {
            wanted_ = header + static_cast<std::size_t>(length);
            return {};
        }
        const std::string_view payload = rest.substr(header, static_cast<std::size_t>(length));
        consumed += header + static_cast<std::size_t>(length);
        if (!control) {
            bool done = false;
            item it = data_frame(static_cast<opcode>(op), fin, payload, done);
            if (done) return it;
            continue;
        }
        item it;
        switch (static_cast<opcode>(op)) {
            case opcode::ping:
                it.what = item::kind::ping;
                it.payload = payload;
                return it;
            case opcode::pong:
                it.what = item::kind::pong;
                it.payload = payload;
                return it;
            default:  // close
                break;
        }
        if (payload.empty()) {
            it.code = 1005;
        } else if (payload.size() == 1) {
            return fail(1002, "a close frame with a 1-byte payload");
        } else {
            it.code = static_cast<std::uint16_t>(big_endian(payload.substr(0, 2)));
            if (!sendable_close_code(it.code)) return fail(1002, "a close code not for use");
            it.payload = payload.substr(2);
            if (!protocol::valid_utf8(it.payload)) return fail(1007, "a close reason not UTF-8");
        }
        it.what = item::kind::close;
        return it;
    }
}

item reader::data_frame(opcode op, bool fin, std::string_view payload, bool& done) {
    item it;
    done = false;
    if (!in_message_ && fin) {  // the common case: the message is this frame, in place
        done = true;
        it.text = op == opcode::text;
        if (it.text && !protocol::valid_utf8(payload)) return fail(1007, kNotUtf8);
        it.what = item::kind::message;
        it.payload = payload;
        return it;
    }
    if (!in_message_) {
        in_message_ = true;
        message_text_ = op == opcode::text;
        fragments_.assign(payload);
        return it;
    }
    fragments_.append(payload);
    if (!fin) return it;
    in_message_ = false;
    done = true;
    if (message_text_ && !protocol::valid_utf8(fragments_)) return fail(1007, kNotUtf8);
    fragments_out_ = true;
    fragments_.reserve(fragments_.size() + payload_padding);  // decoded in place (payload_padding)
    it.what = item::kind::message;
    it.text = message_text_;
    it.payload = fragments_;
    return it;
}

read_buffer::read_buffer(std::size_t initial, std::size_t min_read, std::size_t shrink_above)
    : initial_(initial),
      min_read_(min_read),
      shrink_above_(shrink_above),
      data_(initial + payload_padding) {}

void read_buffer::reserve(std::size_t frame) {
    const std::size_t have = end_ - begin_;
    if (have == 0) begin_ = end_ = 0;
    const std::size_t need = std::max(frame, have) + min_read_;
    const std::size_t size = capacity();
    if (begin_ > 0 && (size - begin_ < need || size - end_ < min_read_)) {
        std::memmove(data_.data(), data_.data() + begin_, have);
        begin_ = 0;
        end_ = have;
    }
    if (size - begin_ < need) {
        data_.resize(begin_ + need + payload_padding);  // begin_ is 0 here
    } else if (have == 0 && size > shrink_above_) {
        data_.resize(std::max(initial_, need) + payload_padding);
        data_.shrink_to_fit();
    }
}

void read_buffer::append(std::string_view bytes) {
    reserve(end_ - begin_ + bytes.size());
    std::memcpy(data_.data() + end_, bytes.data(), bytes.size());
    end_ += bytes.size();
}

}  // namespace ctigw::pbx_link::detail::ws
