// The link's Asio runtime behind a Beast-free interface (pimpl), so that the files of beast_link
// include neither Asio nor Beast: the io_context and its I/O thread, timers,
// connection attempts (a TLS context each) and the probe of the primary endpoint. With
// connection.cpp and tls_context.cpp, link_io.cpp is the only file of the link with Asio/OpenSSL.
//
// Nothing thrown by a task or a timer's task reaches Asio: it is logged (and the I/O thread goes
// on). beast_link wraps its tasks in its own guard as well, which also drops the session.
//
// Thread safety: post() from any thread; start_thread() and join() from the owner's start() and
// stop() (serialised by the owner); everything else, link_timer included, on the I/O thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "connection.hpp"
#include "ctigw/pbx_link/link.hpp"
#include "request_table.hpp"

namespace ctigw::pbx_link::detail {

class link_io {
  public:
    using task = std::function<void()>;
    /// Called on the I/O thread around each burst of work (begin: true, end: false): the thread
    /// wakes for one handler and then runs what is ready without waiting, up to kBurst handlers
    /// (a socket read's decrypted frames, say), before it may wait again. The owner holds the
    /// delivery thread's wake-ups within a burst. Must not throw.
    using burst_hook = std::function<void(bool begin)>;
    /// Handlers one burst runs at most, so that a steady stream still wakes the consumer.
    static constexpr std::size_t kBurst = 64;

    /// `settings` must outlive this; `log` and `on_burst` must not throw.
    link_io(const link_settings& settings, log_sink log, burst_hook on_burst = {});
    ~link_io();
    link_io(const link_io&) = delete;
    link_io& operator=(const link_io&) = delete;

    /// Starts the I/O thread. It runs until release() has been called and the work in hand (a
    /// closing connection, say) is done.
    void start_thread();
    /// On the I/O thread: no more work is coming.
    void release();
    /// Waits for the I/O thread. Not on the I/O thread.
    void join();

    /// Runs `fn` on the I/O thread, after every task posted before it.
    void post(task fn);

    /// A connection to `ep` (not running yet) that reports to `owner`; null with `error` set when
    /// no TLS context can be made (a CA file or key that does not load).
    std::shared_ptr<connection_base> connect(connection_owner& owner, const endpoint& ep,
                                             std::string& error);

    /// Checks in the background, within `timeout`, that `primary` answers: a verified TLS
    /// handshake for wss:// (an open port alone proves little), TCP for ws://. `done(reachable)`
    /// runs on the I/O thread, once. One probe at a time.
    void probe(const endpoint& primary, milliseconds timeout, std::function<void(bool)> done);
    /// Ends a probe in progress; its done(false) follows.
    void cancel_probe();

  private:
    friend class link_timer;
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A steady timer on the link's I/O thread. Destroy it before its link_io.
class link_timer {
  public:
    explicit link_timer(link_io& io);
    ~link_timer();
    link_timer(const link_timer&) = delete;
    link_timer& operator=(const link_timer&) = delete;

    /// Setting the expiry cancels a wait in progress (its task does not run).
    void expires_after(milliseconds d);
    void expires_at(time_point t);
    /// `on_expiry` runs on the I/O thread when the timer expires; not when it is cancelled or
    /// re-armed.
    void wait(link_io::task on_expiry);
    void cancel();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ctigw::pbx_link::detail
