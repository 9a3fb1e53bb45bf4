// Running commands over time and from stdin: the scenario runner (one timer stepping through
// the sorted commands) and the console reader (a reading thread posting each line to the
// server's thread). Parsing lives in control.cpp, execution in control_execute.cpp.
#include <atomic>
#include <boost/asio.hpp>
#include <iostream>
#include <mutex>
#include <thread>

#include "ctigw/pbxsim/control.hpp"

namespace ctigw::pbxsim {

// ---- scenario runner ---------------------------------------------------------------------

struct scenario_runner::impl : std::enable_shared_from_this<impl> {
    impl(boost::asio::io_context& io, server& srv, scenario p, std::ostream& output,
         std::function<void()> quit, std::function<void()> done)
        : timer(io),
          plan(std::move(p)),
          out(output),
          executor(srv, output),
          on_quit(std::move(quit)),
          on_done(std::move(done)) {}

    // One timer stepping through the sorted list keeps equal times in file order (separate
    // timers with the same expiry may fire in any order).
    void schedule() {
        if (next == plan.commands.size()) {
            if (on_done) on_done();
            return;
        }
        timer.expires_at(start + plan.commands[next].at);
        timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (!self || ec || self->stopped) return;
            self->fire();
        });
    }

    void fire() {
        const auto elapsed = std::chrono::steady_clock::now() - start;
        while (next < plan.commands.size() && plan.commands[next].at <= elapsed && !stopped) {
            const auto& c = plan.commands[next++];
            out << "[" << format_time(c.at) << "] line " << c.line << ": " << c.text << '\n';
            try {
                if (!executor.execute(c.what)) ++failed;
            } catch (const std::exception& e) {  // no exception may leave an Asio handler
                out << "line " << c.line << ": " << e.what() << '\n';
                ++failed;
            }
            ++executed;
            if (executor.quit_requested()) {
                stopped = true;
                if (on_quit) on_quit();
                return;
            }
        }
        if (!stopped) schedule();
    }

    boost::asio::steady_timer timer;
    scenario plan;
    std::ostream& out;
    command_executor executor;
    std::function<void()> on_quit;
    std::function<void()> on_done;
    std::chrono::steady_clock::time_point start;
    std::size_t next = 0;
    std::size_t executed = 0;
    std::size_t failed = 0;
    bool stopped = false;
};

scenario_runner::scenario_runner(boost::asio::io_context& io, server& srv, scenario plan,
                                 std::ostream& out, std::function<void()> on_quit,
                                 std::function<void()> on_done)
    : impl_(std::make_shared<impl>(io, srv, std::move(plan), out, std::move(on_quit),
                                   std::move(on_done))) {}

scenario_runner::~scenario_runner() {
    stop();
}

void scenario_runner::start() {
    impl_->start = std::chrono::steady_clock::now();
    impl_->next = 0;
    impl_->stopped = false;
    impl_->schedule();
}

void scenario_runner::stop() {
    impl_->stopped = true;
    impl_->timer.cancel();
}

std::size_t scenario_runner::executed() const {
    return impl_->executed;
}
std::size_t scenario_runner::failed() const {
    return impl_->failed;
}

// ---- console -----------------------------------------------------------------------------

struct console_reader::impl : std::enable_shared_from_this<impl> {
    impl(server& target, std::istream& input, std::ostream& output, bool show_prompt,
         std::function<void()> quit)
        : srv(target),
          in(input),
          out(output),
          executor(target, output),
          prompt(show_prompt),
          on_quit(std::move(quit)) {}

    // Runs on the reading thread: only `in`, and posting under the lock (so the destructor knows
    // no post is in flight once it holds the lock).
    void read_loop() {
        std::string line;
        for (;;) {
            if (prompt) post_prompt();
            if (!std::getline(in, line)) break;
            std::lock_guard lock(mutex);
            if (stopped) return;
            srv.post([self = shared_from_this(), line] { self->run_line(line); });
        }
        std::lock_guard lock(mutex);
        if (stopped) return;
        srv.post([self = shared_from_this()] {
            if (self->stopped || self->quitted) return;
            self->quitted = true;
            if (self->on_quit) self->on_quit();
        });
    }

    void post_prompt() {
        std::lock_guard lock(mutex);
        if (stopped) return;
        // The prompt goes through the server thread so it follows the previous command's output.
        srv.post([self = shared_from_this()] {
            if (self->stopped || self->quitted) return;
            self->out << "pbxsim> " << std::flush;
        });
    }

    void run_line(const std::string& line) {
        if (stopped || quitted) return;
        // Blank and comment-only lines are skipped (`#` at the start of a word is a comment).
        const auto first = line.find_first_not_of(" \t\r\n\v\f");
        if (first == std::string::npos || line[first] == '#') return;
        auto parsed = parse_command(line);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            out << "error: " << *error << '\n' << std::flush;
            return;
        }
        try {
            executor.execute(std::get<command>(parsed));
        } catch (const std::exception& e) {
            out << "error: " << e.what() << '\n' << std::flush;
        }
        if (executor.quit_requested()) {
            quitted = true;
            if (on_quit) on_quit();
        }
    }

    server& srv;
    std::istream& in;
    std::ostream& out;
    command_executor executor;
    bool prompt;
    std::function<void()> on_quit;
    std::mutex mutex;
    std::atomic<bool> stopped{false};
    bool quitted = false;  ///< server thread only
};

console_reader::console_reader(server& srv, std::istream& in, std::ostream& out, bool prompt,
                               std::function<void()> on_quit)
    : impl_(std::make_shared<impl>(srv, in, out, prompt, std::move(on_quit))) {}

console_reader::~console_reader() {
    std::lock_guard lock(impl_->mutex);
    impl_->stopped = true;
}

void console_reader::start() {
    std::thread([self = impl_] { self->read_loop(); }).detach();
}

}  // namespace ctigw::pbxsim
