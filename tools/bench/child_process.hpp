// A benchmark's helper process (ctigw-bench-gateway's gateway, ctigw-bench-scale's simulator),
// forked so that its memory and CPU are measured apart from the process that drives it. It gets a
// command pipe (parent → child) and a reply pipe (child → parent). Fork before the parent starts
// any thread: fork() copies only the calling thread.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>

namespace ctigw::bench {

struct child_process {
    pid_t pid = -1;     ///< -1: pipe() or fork() failed (errno says why)
    int commands = -1;  ///< the parent writes here
    int replies = -1;   ///< and reads here
};

/// Forks; the child runs `serve(commands_fd, replies_fd)` and ends with _Exit(0) if it returns
/// (never the parent's atexit handlers or static destructors).
template <class Serve>
child_process fork_child(Serve&& serve) {
    int cmd[2], reply[2];
    if (::pipe(cmd) != 0) return {};
    if (::pipe(reply) != 0) {
        ::close(cmd[0]);
        ::close(cmd[1]);
        return {};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(cmd[1]);
        ::close(reply[0]);
        serve(cmd[0], reply[1]);
        std::_Exit(0);
    }
    ::close(cmd[0]);
    ::close(reply[1]);
    if (pid < 0) {
        ::close(cmd[1]);
        ::close(reply[0]);
        return {};
    }
    return {pid, cmd[1], reply[0]};
}

}  // namespace ctigw::bench
