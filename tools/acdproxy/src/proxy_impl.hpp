// The proxy's private state: the lines it holds (each with an explicit state) and the table of
// forwarded requests. proxy_lines.cpp owns the lines, proxy_requests.cpp the requests.
//
// Threading: the proxy's thread only (see proxy.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/acdproxy/proxy.hpp"

namespace ctigw::acdproxy {

/// A line device as the proxy sees it. Only transition() writes `state`, and it logs.
enum class line_state {
    probing,      ///< negotiating and opening (within one call)
    open,         ///< open as proxy for all request types
    reopen_wait,  ///< closed by LINE_CLOSE or a failed open: probed again at reopen_at
    not_ours,     ///< no ctigw agent extension: left alone
    other_proxy,  ///< LINEERR_NOTREGISTERED: another handler has it; never retried
    removed,      ///< LINE_REMOVE
    closed,       ///< closed by stop() or REINIT
};
std::string_view to_string(line_state s);

struct line_entry {
    DWORD device = 0;
    line_state state = line_state::probing;
    HLINE line = 0;  ///< valid in `open` only
    time_point reopen_at{};
    std::chrono::milliseconds next_delay{0};  ///< 0: reopen_delay_min; doubles per failed reopen
};

/// Why a request is answered (the log says it; timeouts are counted).
enum class answer_reason {
    completed,       ///< the provider's LINE_REPLY
    invalid,         ///< malformed LINEPROXYREQUEST
    table_full,      ///< max_pending reached
    no_memory,       ///< the copy could not be allocated
    forward_failed,  ///< lineDevSpecific failed at once
    not_open,        ///< a request on a line the proxy does not hold open
    timeout,
    line_closed,   ///< LINE_CLOSE
    line_removed,  ///< LINE_REMOVE
    stopping,      ///< stop(), REINIT
    replaced,      ///< TAPI reused the request id of an outstanding lineDevSpecific
};
std::string_view to_string(answer_reason r);

/// One request of TAPISRV's. While `original` is set it is unanswered; after answer() only the
/// buffer may remain, lent to lineDevSpecific until its LINE_REPLY.
struct pending_request {
    HLINE line = 0;
    std::optional<DWORD> device;  ///< unknown for a request on a line not open
    DWORD type = 0;
    DWORD size = 0;  ///< TAPISRV's dwSize
    LINEPROXYREQUEST* original = nullptr;
    std::unique_ptr<std::byte[]> buffer;  ///< agent_request_header + copy: size + 16 bytes
    time_point deadline{};
    bool answered = false;
};

/// "0x80000048" (LINEERR_* values and ids in logs).
std::string hex(DWORD v);
/// A TAPI function's LONG result the same way.
std::string err(LONG r);

class proxy::impl {
  public:
    impl(tapi_port& tapi, proxy_options options);

    // ---- lines (proxy_lines.cpp)
    void start(time_point now);
    void stop();
    void restart(time_point now);
    void on_close(HLINE line, time_point now);
    void on_create(DWORD device, time_point now);
    void on_remove(DWORD device);
    void on_reinit(DWORD_PTR original_msg, DWORD_PTR original_p1, time_point now);
    void reopen_due(time_point now);
    /// The open line with that handle, or null.
    line_entry* find_open(HLINE line);

    // ---- requests and events (proxy_requests.cpp)
    void on_proxy_request(HLINE line, LINEPROXYREQUEST* request, time_point now);
    void on_reply(DWORD request_id, DWORD result);
    void on_devspecific(HLINE line, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
    void expire(time_point now);
    /// Answers every unanswered request of `line`, or of every line.
    void answer_all(std::optional<HLINE> line, answer_reason why);
    /// The only caller of tapi_port::proxy_response. Answers `p` at most once; on a completion
    /// with result 0 it first copies the provider's answer back over TAPISRV's request.
    void answer(pending_request& p, DWORD result, answer_reason why);

    std::optional<time_point> next_tick() const;
    proxy_figures figures() const;
    /// Never throws (a throwing log function is ignored).
    void log(int level, const std::string& text) const noexcept;

    tapi_port& tapi_;
    proxy_options opt_;
    std::map<DWORD, line_entry> lines_;  ///< by device id
    /// By lineDevSpecific request id (always > 0); key 0 is a request being forwarded.
    std::map<DWORD, pending_request> requests_;
    bool needs_reinit_ = false;
    proxy_figures counts_;  ///< the counters (the other figures are computed)

  private:
    void probe(line_entry& l, time_point now);
    void transition(line_entry& l, line_state to, std::string_view why);
    void schedule_reopen(line_entry& l, time_point now, std::string_view why);
};

}  // namespace ctigw::acdproxy
