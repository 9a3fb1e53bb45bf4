// TAPISRV's proxy routing in the host (docs/tapihost.md "Agents"): an in-process ctigw-acdproxy
// (acdproxy::proxy) registered as the proxy request handler of the ctigw lines, reaching the
// loaded TSP through the tapi_port this class implements, and the applications' side: an agent
// statement becomes a LINEPROXYREQUEST for the proxy, its lineProxyResponse the application's
// completion (with the returned structure), its lineProxyMessage a LINE_AGENTSTATUS ... event.
//
// Threading: the proxy is single-threaded and runs on this class's thread (a queue of messages
// plus the proxy's tick); every tapi_port function is called there. The TSPI callbacks call
// completion(), devspecific() and line_closed() with the host lock held: they only queue. The
// runner thread calls run() and result(). Lock order: the host lock, then this class's lock; the
// proxy's thread never holds this class's lock while it takes the host lock or calls the TSP, and
// never calls the TSP under the host lock.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "agent_language.hpp"
#include "ctigw/acdproxy/proxy.hpp"
#include "ctigw/tapihost/host.hpp"

namespace ctigw::tapihost {

class agent_router final : public acdproxy::tapi_port {
  public:
    explicit agent_router(host& h);
    ~agent_router() override;
    agent_router(const agent_router&) = delete;
    agent_router& operator=(const agent_router&) = delete;

    /// Starts the proxy's thread and waits until the proxy has opened its lines (host::start).
    void start();
    /// The proxy answers what is unanswered and closes its lines; the thread ends (host::stop).
    void stop();

    // ---- TSPI callbacks, host lock held: they queue for the proxy's thread.
    /// ASYNC_COMPLETION of one of the proxy's lineDevSpecific requests → its LINE_REPLY. False
    /// when `id` is not one of them.
    bool completion(DRV_REQUESTID id, LONG result);
    /// LINE_DEVSPECIFIC on a line (index in the host's lines).
    void devspecific(std::size_t line, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
    /// LINE_CLOSE of a line: TAPISRV tells the proxy too.
    void line_closed(std::size_t line);
    /// A line TAPISRV added after LINE_CREATE (set up already), or one LINE_REMOVE took away:
    /// the proxy gets LINE_CREATE / LINE_REMOVE (maintenance thread, no lock held).
    void line_created(std::size_t line);
    void line_removed(std::size_t line);

    // ---- the runner's thread
    /// An application's agent call (an agent statement).
    op_result run(const op_stmt& op);
    /// The latest agent request with this verb ("last": of any).
    std::optional<agent_outcome> result(const std::string& verb);

    // ---- tapi_port: the proxy's thread
    DWORD num_devices() override;
    LONG negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                               LINEEXTENSIONID* extension_id) override;
    LONG negotiate_ext_version(DWORD device, DWORD api_version, DWORD low, DWORD high,
                               DWORD* ext_version) override;
    LONG open_proxy(DWORD device, DWORD api_version, DWORD ext_version,
                    const std::vector<DWORD>& request_types, HLINE* line) override;
    LONG close(HLINE line) override;
    LONG dev_specific(HLINE line, DWORD address_id, void* params, DWORD size) override;
    LONG proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) override;
    LONG proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                       DWORD_PTR p3) override;

  private:
    /// An application's request: what TAPISRV keeps until the proxy answers it.
    struct app_request {
        DRV_REQUESTID id = 0;
        op_stmt op;
        std::shared_ptr<std::vector<unsigned char>> buffer;  ///< the LINEPROXYREQUEST
        int answers = 0;
        LONG result = 0;
        std::map<std::string, std::string> fields;
    };

    void post(std::function<void()> f);
    void loop();
    /// The host's line index of a proxy HLINE (HLINE = index + 1), or nullopt.
    static std::optional<std::size_t> index_of(HLINE line);

    host& host_;
    std::unique_ptr<acdproxy::proxy> proxy_;  ///< used on the proxy's thread only

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    std::optional<acdproxy::time_point> next_tick_;
    bool quit_ = false;
    std::thread thread_;
    // Under mutex_:
    std::map<DRV_REQUESTID, bool> forwarded_;              ///< the proxy's lineDevSpecific ids
    std::map<std::pair<DWORD, DWORD>, HLINE> registered_;  ///< (device, request type) → proxy
    std::map<DRV_REQUESTID, app_request> requests_;
    std::map<const void*, DRV_REQUESTID> by_pointer_;
    agent::app_names names_;
};

}  // namespace ctigw::tapihost
