// A stream layer that gathers small writes into one. Each WebSocket frame the gateway sent used
// to be its own Beast write operation, TLS record and send(2), 12.9 µs of gateway CPU per
// delivery in a 200-session fan-out (0.72 µs with this layer; docs/performance.md has the
// figures and the profile). Under the WebSocket stream, this layer takes bytes at once into a
// pending buffer and writes them below in one operation, started after the handler that took
// them has returned (a posted write) or when the write in flight completes: a burst of events
// leaves as a few large writes (TLS records of up to 16 KiB each).
//
// Bytes come in two ways, in the order they are taken: append_text() (whole WebSocket frames the
// session built itself) and async_write_some() (what the WebSocket stream writes: its handshake
// answer, pongs and close frames). Each is taken whole, so frames never interleave.
//
// Threading: one thread (or strand) at a time, the executor of the stream below.
#pragma once

#include "teardown_after.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/saved_handler.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace ctigw::gateway::detail {

/// Appends an unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2; a server's frames
/// are never masked) holding `payload` to `out`.
inline void append_text_frame(std::string& out, std::string_view payload) {
    char header[10];
    std::size_t n = 0;
    header[n++] = static_cast<char>(0x81);  // FIN, opcode 1 (text)
    const std::uint64_t size = payload.size();
    if (size < 126) {
        header[n++] = static_cast<char>(size);
    } else if (size <= 0xFFFF) {
        header[n++] = 126;
        header[n++] = static_cast<char>(size >> 8);
        header[n++] = static_cast<char>(size & 0xFF);
    } else {
        header[n++] = 127;
        for (int shift = 56; shift >= 0; shift -= 8) {
            header[n++] = static_cast<char>((size >> shift) & 0xFF);
        }
    }
    out.append(header, n);
    out.append(payload);
}

/// Next is an AsyncStream (beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>).
///
/// Taken bytes are written, not merely queued, unless the write below fails: a failed write
/// drops what is pending and fails every later write with its error. async_write_some completes
/// once its bytes are taken; it waits for the write in flight when pending_limit bytes are
/// already pending. append() never waits: its caller bounds what it appends (the session's
/// send queue limit against buffered_bytes()). Before a WebSocket teardown everything pending
/// is written (async_teardown below), so a close frame is never lost behind the buffer.
///
/// Lifetime: a write below must not outlive the layer's owner; the owner says which object that
/// is with set_owner() (the write holds a shared_ptr to it, as Asio handlers hold their
/// session). Without an owner the caller keeps the layer alive until its writes complete.
template <class Next>
class write_coalescing_stream {
  public:
    using next_layer_type = Next;
    using executor_type = typename Next::executor_type;
    using error_code = boost::system::error_code;

    /// Pending bytes beyond which async_write_some waits for the write in flight.
    static constexpr std::size_t pending_limit = 64 * 1024;

    template <class... Args>
    explicit write_coalescing_stream(Args&&... args) : next_(std::forward<Args>(args)...) {}

    write_coalescing_stream(const write_coalescing_stream&) = delete;
    write_coalescing_stream& operator=(const write_coalescing_stream&) = delete;

    executor_type get_executor() noexcept { return next_.get_executor(); }
    Next& next_layer() noexcept { return next_; }
    const Next& next_layer() const noexcept { return next_; }

    /// The object whose lifetime covers the layer (the session).
    void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

    /// Called once, when a write below fails: nobody waits on the frames append() took, so the
    /// owner hears of the failure here (the session drops its connection).
    void on_write_error(std::function<void(error_code)> fn) { on_error_ = std::move(fn); }

    /// Takes a whole WebSocket frame holding `text`; written after the current handler.
    void append_text(std::string_view text) {
        if (error_) return;
        append_text_frame(pending_, text);
        schedule_write();
    }

    /// Drops what is pending and not yet in flight (a slow consumer is being closed).
    void discard_pending() noexcept { pending_.clear(); }

    /// Gives back burst-sized buffers when nothing is pending or in flight. The owner calls it
    /// now and then (the session: at each heartbeat tick), not after every write: buffers
    /// freed and grown again every burst cost page faults (glibc maps large blocks afresh).
    void trim() noexcept {
        if (in_flight_ || !pending_.empty()) return;
        if (writing_.capacity() > kept_capacity) std::string().swap(writing_);
        if (pending_.capacity() > kept_capacity) std::string().swap(pending_);
    }

    /// Bytes the buffers hold reserved (memory figures and tests).
    std::size_t reserved_bytes() const noexcept {
        return pending_.capacity() + writing_.capacity();
    }

    /// Bytes taken and not yet written below (pending + in flight).
    std::size_t buffered_bytes() const noexcept { return pending_.size() + writing_.size(); }

    /// When the last write below started (a write per batch, not a clock read per frame).
    std::chrono::steady_clock::time_point last_write_at() const noexcept { return last_write_; }

    /// Writes started below (tests and figures: fewer than the frames taken means coalescing).
    std::uint64_t writes_below() const noexcept { return writes_below_; }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return next_.async_read_some(buffers, std::forward<Token>(token));
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
            write_op<ConstBuffers>{*this, buffers}, token, next_);
    }

    /// Completes when everything taken so far has been written below, or the write failed.
    template <class Token>
    auto async_flush(Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(flush_op{*this}, token, next_);
    }

  private:
    template <class ConstBuffers>
    struct write_op {
        write_coalescing_stream& s;
        ConstBuffers buffers;
        enum class step { start, waited, posted } at = step::start;
        std::size_t taken = 0;
        error_code ec{};

        template <class Self>
        void operator()(Self& self) {
            if (at == step::posted) return self.complete(ec, taken);
            const std::size_t n = boost::asio::buffer_size(buffers);
            if (s.error_) {
                ec = s.error_;
            } else if (n != 0) {
                if (s.in_flight_ && !s.pending_.empty() && s.pending_.size() + n > pending_limit) {
                    at = step::waited;
                    s.waiting_writer_.emplace(std::move(self));  // on_written resumes it
                    return;
                }
                const std::size_t end = s.pending_.size();
                s.pending_.resize(end + n);
                boost::asio::buffer_copy(boost::asio::buffer(s.pending_.data() + end, n), buffers);
                taken = n;
                s.schedule_write();
            }
            if (at == step::waited) return self.complete(ec, taken);  // not in the initiation
            at = step::posted;
            boost::asio::post(s.next_.get_executor(), std::move(self));
        }

        /// A waiting write cancelled (saved_handler's cancellation): nothing was taken.
        template <class Self>
        void operator()(Self& self, error_code cancelled) {
            self.complete(cancelled, 0);
        }
    };

    struct flush_op {
        write_coalescing_stream& s;
        bool started = false;

        template <class Self>
        void operator()(Self& self) {
            if (started) return self.complete(s.error_);
            started = true;
            if (!s.error_ && !s.pending_.empty() && !s.in_flight_) s.start_write();
            if (s.in_flight_) {
                s.flush_waiter_.emplace(std::move(self));  // on_written resumes it
                return;
            }
            boost::asio::post(s.next_.get_executor(), std::move(self));
        }

        template <class Self>
        void operator()(Self& self, error_code cancelled) {
            self.complete(cancelled);
        }
    };

    /// The write below starts after the handler that took the bytes returns, so everything
    /// that handler takes leaves together; while a write is in flight, on_written starts the
    /// next one.
    void schedule_write() {
        if (in_flight_ || write_posted_) return;
        write_posted_ = true;
        boost::asio::post(next_.get_executor(), [this, keep = owner_.lock()] {
            write_posted_ = false;
            if (!in_flight_ && !pending_.empty() && !error_) start_write();
        });
    }

    void start_write() {
        in_flight_ = true;
        ++writes_below_;
        last_write_ = std::chrono::steady_clock::now();
        writing_.swap(pending_);
        boost::asio::async_write(
            next_, boost::asio::buffer(writing_),
            [this, keep = owner_.lock()](error_code ec, std::size_t) { on_written(ec); });
    }

    void on_written(error_code ec) {
        in_flight_ = false;
        writing_.clear();
        const bool failed_now = ec && !error_;
        if (failed_now) error_ = ec;
        if (error_) {
            pending_.clear();
        } else if (!pending_.empty()) {
            start_write();  // what gathered meanwhile: one write
        }
        if (waiting_writer_.has_value()) waiting_writer_.invoke();
        if (flush_waiter_.has_value() && !in_flight_) flush_waiter_.invoke();
        if (failed_now && on_error_) on_error_(ec);
    }

  public:
    /// What trim() leaves a buffer: an idle session's share.
    static constexpr std::size_t kept_capacity = 4096;

  private:
    Next next_;
    std::weak_ptr<void> owner_;
    std::function<void(error_code)> on_error_;
    std::string pending_;  // taken, not yet written below
    std::string writing_;  // the write in flight
    bool in_flight_ = false;
    bool write_posted_ = false;
    error_code error_{};
    std::uint64_t writes_below_ = 0;
    std::chrono::steady_clock::time_point last_write_{};
    boost::beast::saved_handler waiting_writer_;
    boost::beast::saved_handler flush_waiter_;
};

/// The WebSocket close's last step (found by argument-dependent lookup): what is pending goes
/// out first, then the stream below tears down as it would without this layer.
template <class Next, class TeardownHandler>
void async_teardown(boost::beast::role_type role, write_coalescing_stream<Next>& stream,
                    TeardownHandler&& handler) {
    teardown_after([&stream](auto done) { stream.async_flush(std::move(done)); }, role,
                   stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace ctigw::gateway::detail
