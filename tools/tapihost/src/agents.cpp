// TAPISRV's proxy routing in the host (agents.hpp).
#include "agents.hpp"

#include <future>

#include "ctigw/tsp/agent_extension.hpp"

namespace ctigw::tapihost {
namespace {

constexpr LONG err(std::uint32_t code) {
    return static_cast<LONG>(code);
}

}  // namespace

agent_router::agent_router(host& h) : host_(h) {
    acdproxy::proxy_options o;
    // Scenarios wait seconds, not the service's 30 s; a reopen after LINE_CLOSE comes quickly.
    o.request_timeout = std::chrono::milliseconds(10000);
    o.reopen_delay_min = std::chrono::milliseconds(200);
    o.reopen_delay_max = std::chrono::milliseconds(2000);
    o.log = [this](int level, const std::string& text) {
        if (level >= acdproxy::log_level::info || host_.options_.verbose)
            host_.note("acdproxy: " + text);
    };
    proxy_ = std::make_unique<acdproxy::proxy>(*this, std::move(o));
}

agent_router::~agent_router() {
    stop();
}

void agent_router::start() {
    std::promise<void> started;
    auto done = started.get_future();
    post([this, &started] {
        proxy_->start(acdproxy::clock::now());
        started.set_value();
    });
    thread_ = std::thread([this] { loop(); });
    done.wait();
}

void agent_router::stop() {
    if (!thread_.joinable()) return;
    post([this] { proxy_->stop(); });
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void agent_router::post(std::function<void()> f) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(f));
    }
    wake_.notify_all();
}

void agent_router::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        if (queue_.empty() && !quit_) {
            if (next_tick_)
                wake_.wait_until(lock, *next_tick_);
            else
                wake_.wait(lock);
        }
        if (queue_.empty() && quit_) break;
        auto work = std::move(queue_);
        queue_.clear();
        lock.unlock();
        for (auto& f : work) {
            // One failing item (no memory) must not end the proxy's thread and the host with it.
            try {
                f();
            } catch (const std::exception& e) {
                host_.note(std::string("agent router: ") + e.what());
            }
        }
        const auto next = proxy_->tick(acdproxy::clock::now());
        lock.lock();
        next_tick_ = next;
    }
}

std::optional<std::size_t> agent_router::index_of(HLINE line) {
    if (line == 0) return std::nullopt;
    return static_cast<std::size_t>(line - 1);
}

// ---- TSPI callbacks (host lock held) --------------------------------------------------------

bool agent_router::completion(DRV_REQUESTID id, LONG result) {
    {
        std::lock_guard lock(mutex_);
        if (forwarded_.erase(id) == 0) return false;
    }
    post([this, id, result] {
        proxy_->on_message(0, LINE_REPLY, id, static_cast<DWORD>(result), 0,
                           acdproxy::clock::now());
    });
    return true;
}

void agent_router::devspecific(std::size_t line, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    const auto hline = static_cast<HLINE>(line + 1);
    post([this, hline, p1, p2, p3] {
        proxy_->on_message(hline, LINE_DEVSPECIFIC, p1, p2, p3, acdproxy::clock::now());
    });
}

void agent_router::line_closed(std::size_t line) {
    const auto hline = static_cast<HLINE>(line + 1);
    post([this, hline] { proxy_->on_message(hline, LINE_CLOSE, 0, 0, 0, acdproxy::clock::now()); });
}

void agent_router::line_created(std::size_t line) {
    const auto device = static_cast<DWORD_PTR>(line);
    post([this, device] {
        proxy_->on_message(0, LINE_CREATE, device, 0, 0, acdproxy::clock::now());
    });
}

void agent_router::line_removed(std::size_t line) {
    const auto device = static_cast<DWORD_PTR>(line);
    post([this, device] {
        proxy_->on_message(0, LINE_REMOVE, device, 0, 0, acdproxy::clock::now());
    });
}

// ---- the applications' side (runner thread) -------------------------------------------------

op_result agent_router::run(const op_stmt& op) {
    const auto* info = agent::find_verb(op.verb);
    op_result bad;
    DWORD device = 0;
    std::vector<std::pair<std::string, std::string>> line_names;  // extension → name
    {
        std::lock_guard lock(host_.mutex_);
        auto li = host_.line_index_locked(op.args.empty() ? std::string() : op.args[0]);
        if (!li) {
            bad.error = "unknown line \"" + (op.args.empty() ? std::string() : op.args[0]) + "\"";
            return bad;
        }
        if (!host_.lines_[*li].open) {
            bad.error = "line " + op.args[0] + " is not open";
            return bad;
        }
        device = static_cast<DWORD>(*li);
        for (const auto& l : host_.lines_) line_names.emplace_back(l.extension, l.name);
    }
    const auto line_name = [&](const std::string& token) -> std::optional<std::string> {
        for (const auto& [ext, name] : line_names)
            if ((ext == token || name == token) && !name.empty()) return name;
        return std::nullopt;
    };
    std::optional<std::vector<unsigned char>> bytes;
    std::optional<HLINE> proxy_line;
    std::string error;
    {
        std::lock_guard lock(mutex_);
        bytes = agent::build_request(op, names_, line_name, &error);
        if (auto it = registered_.find({device, info->type}); it != registered_.end())
            proxy_line = it->second;
    }
    if (!bytes) {
        bad.error = error;
        return bad;
    }
    // No proxy registered for this request type on the line: TAPI fails the call at once.
    if (!proxy_line) {
        host_.note("no proxy request handler for " + std::string(info->tapi) + " on line " +
                   op.args[0]);
        return host_.sync_result(op.verb, std::string(info->tapi), err(LINEERR_OPERATIONUNAVAIL));
    }
    auto buffer = std::make_shared<std::vector<unsigned char>>(std::move(*bytes));
    DRV_REQUESTID id;
    {
        // TAPISRV returns the positive request id at once; the proxy's lineProxyResponse becomes
        // the LINE_REPLY, exactly once (the checker counts it like any completion).
        std::lock_guard lock(host_.mutex_);
        id = host_.next_id_locked();
        host::op_rec r;
        r.id = id;
        r.verb = op.verb;
        r.tspi = std::string(info->tapi);
        r.async = true;
        host_.ops_[id] = r;
        host_.last_op_ = id;
        host_.checker_.proxy_request(id, std::string(info->tapi));
    }
    {
        std::lock_guard lock(mutex_);
        app_request a;
        a.id = id;
        a.op = op;
        a.buffer = buffer;
        requests_[id] = std::move(a);
        by_pointer_[buffer->data()] = id;
    }
    host_.note("LINE_PROXYREQUEST req " + std::to_string(id) + " " + std::string(info->tapi) +
               " to the proxy of line " + op.args[0]);
    auto* request = reinterpret_cast<LINEPROXYREQUEST*>(buffer->data());
    const HLINE hline = *proxy_line;
    post([this, hline, request] {
        proxy_->on_message(hline, LINE_PROXYREQUEST, reinterpret_cast<DWORD_PTR>(request), 0, 0,
                           acdproxy::clock::now());
    });
    op_result out;
    out.id = id;
    out.rc = static_cast<LONG>(id);
    out.async = true;
    out.pending = true;
    return out;
}

std::optional<agent_outcome> agent_router::result(const std::string& verb) {
    std::lock_guard lock(mutex_);
    for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
        const auto& a = it->second;
        if (verb != "last" && a.op.verb != verb) continue;
        agent_outcome o;
        o.id = a.id;
        o.verb = a.op.verb;
        o.answered = a.answers > 0;
        o.result = a.result;
        o.fields = a.fields;
        return o;
    }
    return std::nullopt;
}

std::optional<agent_outcome> host::agent_result(const std::string& verb) const {
    return agents_ ? agents_->result(verb) : std::nullopt;
}

// ---- tapi_port (the proxy's thread) ---------------------------------------------------------

DWORD agent_router::num_devices() {
    std::lock_guard lock(host_.mutex_);
    return static_cast<DWORD>(host_.lines_.size());
}

LONG agent_router::negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                                         LINEEXTENSIONID* extension_id) {
    DWORD id = 0, v = 0;
    {
        std::lock_guard lock(host_.mutex_);
        if (device >= host_.lines_.size() || host_.lines_[device].removed)
            return err(LINEERR_BADDEVICEID);
        id = host_.lines_[device].device_id;
        v = host_.lines_[device].version;
    }
    // The application gets the version TAPISRV negotiated with the provider for the line.
    if (v == 0 || v < low || v > high) return err(LINEERR_INCOMPATIBLEAPIVERSION);
    *version = v;
    *extension_id = {};
    if (const auto& fn = host_.lib_.fn(); fn.lineGetExtensionID) {
        if (const LONG rc = fn.lineGetExtensionID(id, v, extension_id); rc != 0) {
            host_.note("TSPI_lineGetExtensionID(" + std::to_string(id) + ") → " + result_name(rc));
            *extension_id = {};  // TAPISRV reports no extension then
        }
    }
    return 0;
}

LONG agent_router::negotiate_ext_version(DWORD device, DWORD api_version, DWORD low, DWORD high,
                                         DWORD* ext_version) {
    DWORD id = 0;
    {
        std::lock_guard lock(host_.mutex_);
        if (device >= host_.lines_.size()) return err(LINEERR_BADDEVICEID);
        id = host_.lines_[device].device_id;
    }
    const auto& fn = host_.lib_.fn();
    if (!fn.lineNegotiateExtVersion) return err(LINEERR_OPERATIONUNAVAIL);
    return fn.lineNegotiateExtVersion(id, api_version, low, high, ext_version);
}

LONG agent_router::open_proxy(DWORD device, DWORD api_version, DWORD ext_version,
                              const std::vector<DWORD>& request_types, HLINE* line) {
    (void)api_version;
    {
        std::lock_guard lock(mutex_);
        for (DWORD t : request_types)
            if (registered_.contains({device, t})) return err(LINEERR_NOTREGISTERED);
    }
    // TAPISRV opens a provider's line once for all its applications: no second TSPI_lineOpen.
    bool open = false;
    HDRVLINE hd = nullptr;
    std::string ext;
    {
        std::lock_guard lock(host_.mutex_);
        if (device >= host_.lines_.size() || host_.lines_[device].removed)
            return err(LINEERR_BADDEVICEID);
        open = host_.lines_[device].open;
        hd = host_.lines_[device].hd;
        ext = host_.lines_[device].extension;
    }
    // The host's own application has the line open (TAPISRV opened the provider's line for it).
    // Not open yet (--no-open): refused, and the proxy retries after its reopen delay, so that
    // `open <line>` stays the scenario's decision.
    if (!open) return err(LINEERR_OPERATIONFAILED);
    if (const auto& fn = host_.lib_.fn(); fn.lineSelectExtVersion) {
        if (const LONG rc = fn.lineSelectExtVersion(hd, ext_version); rc != 0)
            host_.note("line " + ext + ": TSPI_lineSelectExtVersion → " + result_name(rc));
    }
    *line = static_cast<HLINE>(device + 1);
    {
        std::lock_guard lock(mutex_);
        for (DWORD t : request_types) registered_[{device, t}] = *line;
    }
    host_.note("line " + ext + ": proxy request handler for " +
               std::to_string(request_types.size()) + " request types (LINE_PROXYSTATUS OPEN)");
    return 0;
}

LONG agent_router::close(HLINE line) {
    const auto index = index_of(line);
    if (!index) return err(LINEERR_INVALLINEHANDLE);
    std::size_t removed = 0;
    {
        std::lock_guard lock(mutex_);
        for (auto it = registered_.begin(); it != registered_.end();) {
            if (it->second == line) {
                it = registered_.erase(it);
                ++removed;
            } else {
                ++it;
            }
        }
    }
    return removed ? 0 : err(LINEERR_INVALLINEHANDLE);
}

LONG agent_router::dev_specific(HLINE line, DWORD address_id, void* params, DWORD size) {
    const auto index = index_of(line);
    const auto& fn = host_.lib_.fn();
    if (!index) return err(LINEERR_INVALLINEHANDLE);
    if (!fn.lineDevSpecific) return err(LINEERR_OPERATIONUNAVAIL);
    DRV_REQUESTID id;
    HDRVLINE hd;
    {
        std::lock_guard lock(host_.mutex_);
        if (*index >= host_.lines_.size() || !host_.lines_[*index].open)
            return err(LINEERR_INVALLINEHANDLE);
        hd = host_.lines_[*index].hd;
        id = host_.next_id_locked();
        host::op_rec r;
        r.id = id;
        r.tspi = "lineDevSpecific";
        r.async = true;
        r.claimed = true;  // the proxy's, not a statement's
        host_.ops_[id] = r;
        host_.checker_.request_issued(id, "lineDevSpecific");
        std::lock_guard mine(mutex_);  // host lock, then ours
        forwarded_[id] = true;
    }
    const LONG rc = fn.lineDevSpecific(id, hd, address_id, nullptr, params, size);
    std::lock_guard lock(host_.mutex_);
    host_.checker_.request_returned(id, rc);
    if (rc != static_cast<LONG>(id)) {
        {
            std::lock_guard mine(mutex_);
            forwarded_.erase(id);
        }
        host_.ops_[id].completed = true;
        event e;
        e.kind = event_kind::completion;
        e.request = id;
        e.op = "lineDevSpecific";
        e.result = rc;
        e.synchronous = true;
        host_.push_locked(std::move(e));
    }
    return rc;
}

LONG agent_router::proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) {
    (void)line;
    DRV_REQUESTID id = 0;
    std::string tapi, summary;
    {
        std::lock_guard lock(mutex_);
        auto p = by_pointer_.find(request);
        if (p == by_pointer_.end()) return err(LINEERR_INVALPOINTER);
        id = p->second;
        auto& a = requests_.at(id);
        tapi = std::string(agent::find_verb(a.op.verb)->tapi);
        // A second answer is the checker's violation; what the application read stays.
        if (a.answers++ == 0) {
            a.result = static_cast<LONG>(result);
            if (result == 0) a.fields = agent::read_result(*a.buffer, a.op, names_);
            for (const auto& [k, v] : a.fields) summary += " " + k + "=" + v;
        }
    }
    std::lock_guard lock(host_.mutex_);
    host_.checker_.proxy_answered(id, static_cast<LONG>(result));
    host_.ops_[id].completed = true;
    event e;
    e.kind = event_kind::completion;
    e.request = id;
    e.op = tapi;
    e.result = static_cast<LONG>(result);
    host_.push_locked(std::move(e));
    if (!summary.empty()) {
        event n;
        n.kind = event_kind::note;
        n.text = tapi + " returned" + summary;
        host_.push_locked(std::move(n));
    }
    return 0;
}

LONG agent_router::proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                 DWORD_PTR p3) {
    (void)call;
    const auto index = index_of(line);
    if (!index) return err(LINEERR_INVALLINEHANDLE);
    if (!tsp::is_proxy_message(msg)) return err(LINEERR_INVALPARAM);
    std::lock_guard lock(host_.mutex_);
    if (*index >= host_.lines_.size()) return err(LINEERR_INVALLINEHANDLE);
    // Every application with the line open gets it: the host's log for that line.
    event e;
    e.kind = event_kind::line;
    e.device = host_.lines_[*index].extension;
    e.msg = msg;
    e.p1 = p1;
    e.p2 = p2;
    e.p3 = p3;
    e.text = agent::describe_event(msg, p1, p2, p3);
    host_.push_locked(std::move(e));
    return 0;
}

}  // namespace ctigw::tapihost
