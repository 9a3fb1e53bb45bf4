// The client side of WebSocket framing (RFC 6455 §5), without I/O: the link reads whole socket
// buffers and takes every message in them per read (connection.cpp), which Beast's one read per
// message cannot do. No extension is negotiated, so the reserved bits must be clear.
//
// - `reader` takes the switch's frames out of the bytes received: a message that came in one
//   frame is a view of those bytes (no copy); a fragmented one is put together in the reader's
//   own buffer. Control frames may come between fragments. Anything RFC 6455 forbids a server to
//   send is a violation, with the close code to send (1002, or 1007 for text that is not UTF-8);
//   a message longer than the limit is reported as soon as its header says so, and its bytes are
//   skipped after that so that the switch's close frame can still be read.
// - `append_client_frame` writes one masked frame, as a client must send them.
//
// Thread safety: none; a reader belongs to one connection (the link's I/O thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/protocol/codec.hpp"

namespace ctigw::pbx_link::detail::ws {

enum class opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

/// Bytes allocated after every message payload reader::next() returns (in a read_buffer's bytes
/// or its own), so that the codec decodes it where it is (protocol::codec::decode_padded).
inline constexpr std::size_t payload_padding = protocol::frame_padding;

/// A close frame carries at most 125 bytes: a 2-byte code and a reason of up to 123.
inline constexpr std::size_t max_close_reason = 123;

/// Appends one client frame (FIN set) of `payload`, masked with `mask`, to `out`.
void append_client_frame(std::string& out, opcode op, std::string_view payload,
                         const std::array<std::uint8_t, 4>& mask);

/// A close frame's payload: `code` (big-endian) and `reason`, cut to 123 bytes without splitting
/// a UTF-8 sequence. Empty for code 1005 (no code: RFC 6455 §7.4.1 forbids sending it).
std::string close_payload(std::uint16_t code, std::string_view reason);

/// Whether a close frame may carry `code` (RFC 6455 §7.4: the codes defined for use, 3000-4999).
bool sendable_close_code(std::uint16_t code) noexcept;

/// What reader::next() found.
struct item {
    enum class kind {
        need_more,  ///< nothing complete yet: read more (at least wanted() bytes in all)
        message,    ///< a whole message: `payload`, `text`
        ping,       ///< `payload`: to be echoed in a pong
        pong,
        close,      ///< the switch's close frame: `code` (1005 when it gave none), `payload` reason
        oversized,  ///< a message over the limit: `length` (what the frames announced so far)
        violation,  ///< the switch broke RFC 6455: `code` to close with, `why`
    };
    kind what = kind::need_more;
    bool text = false;
    /// Into the bytes passed to next(), or the reader's buffer; a message's is followed by
    /// payload_padding allocated bytes when those bytes are a read_buffer's unread().
    std::string_view payload;
    std::uint16_t code = 0;
    std::size_t length = 0;
    const char* why = "";
};

class reader {
  public:
    /// `max_message`: the longest message taken (its frames' payloads together).
    explicit reader(std::size_t max_message) : max_(max_message) {}

    /// The next item in `data` (the bytes received and not yet consumed); `consumed` is set to
    /// the bytes it used, which the caller drops before the next call. A payload stays valid
    /// until then. After a violation the reader is done: every call reports it again.
    item next(std::string_view data, std::size_t& consumed);

    /// After need_more: how many bytes `data` must hold for the next step (a frame's header, or
    /// its header and payload). Never more than the limit plus a header.
    std::size_t wanted() const noexcept { return wanted_; }

  private:
    item fail(std::uint16_t code, const char* why);
    /// A data frame's payload (`fin`: the last of its message).
    item data_frame(opcode op, bool fin, std::string_view payload, bool& done);

    std::size_t max_;
    std::size_t wanted_ = 2;
    std::string fragments_;        // the fragmented message read so far
    bool in_message_ = false;      // a fragmented message has begun
    bool message_text_ = false;    // ... and it is text
    bool fragments_out_ = false;   // fragments_ holds the message last returned
    bool skipping_ = false;        // the message in progress is oversized: its frames are dropped
    std::uint64_t skip_left_ = 0;  // payload bytes of the current frame still to drop
    item failure_;                 // a violation once one was found: the reader is done
};

/// The bytes read and not yet taken (unread()), with room for the next read (space()). It holds
/// at most the frame in progress and one read: the frame in progress moves to the start before
/// the buffer grows, so a switch cannot make it grow past the largest frame allowed plus
/// `min_read`; the memory of a large message goes back once it is taken. payload_padding bytes
/// past the room for reads are allocated and never read into.
class read_buffer {
  public:
    read_buffer(std::size_t initial, std::size_t min_read, std::size_t shrink_above);

    std::string_view unread() const noexcept { return {data_.data() + begin_, end_ - begin_}; }
    /// Drops `n` bytes from the front of unread(); views of the rest stay valid.
    void consume(std::size_t n) noexcept { begin_ += n; }
    /// Makes room for a frame of `frame` bytes starting at unread() and a read of at least
    /// min_read after what is unread. May move unread(): views of it end here.
    void reserve(std::size_t frame);
    char* space() noexcept { return data_.data() + end_; }
    std::size_t space_size() const noexcept { return capacity() - end_; }
    /// `n` bytes were read into space().
    void commit(std::size_t n) noexcept { end_ += n; }
    /// Appends `bytes` (what came with the upgrade's answer).
    void append(std::string_view bytes);
    /// Whether `view` lies in the bytes read with payload_padding allocated bytes after it.
    bool padded(std::string_view view) const noexcept {
        const char* base = data_.data();
        return view.data() >= base && view.data() + view.size() <= base + end_ &&
               static_cast<std::size_t>(base + data_.size() - (view.data() + view.size())) >=
                   payload_padding;
    }
    /// The bytes for reads (payload_padding more are allocated).
    std::size_t capacity() const noexcept { return data_.size() - payload_padding; }

  private:
    std::size_t initial_;
    std::size_t min_read_;
    std::size_t shrink_above_;
    std::vector<char> data_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace ctigw::pbx_link::detail::ws
