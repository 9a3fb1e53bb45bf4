// The TAPISRV stand-in (host.hpp): construction, start-up (negotiation, EnumDevices, Init, caps,
// opens), LINE_CREATE/LINE_REMOVE/LINE_CLOSE handling, closing calls, lines and phones, shutdown.
#include <algorithm>
#include <sstream>

#include "agents.hpp"
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "host_internal.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {

using detail::err;
using detail::to_handle;

namespace {

host* g_host = nullptr;  // the TSPI callbacks carry no context

void line_event_proc(HTAPILINE ht_line, HTAPICALL ht_call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                     DWORD_PTR p3) {
    if (g_host) g_host->on_line_event(ht_line, ht_call, msg, p1, p2, p3);
}

void phone_event_proc(HTAPIPHONE ht_phone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    if (g_host) g_host->on_phone_event(ht_phone, msg, p1, p2, p3);
}

void completion_proc(DRV_REQUESTID id, LONG result) {
    if (g_host) g_host->on_completion(id, result);
}

std::string version_text(DWORD v) {
    return std::to_string(v >> 16) + "." + std::to_string(v & 0xffff);
}

const DWORD all_line_states = 0x01FFFFFF;
const DWORD all_address_states = 0x000001FF;
const DWORD all_phone_states = 0x00FFFFFF;
const DWORD all_button_modes = 0x3F;
const DWORD all_button_states = 0x0F;

}  // namespace

host::host(host_options options)
    : options_(std::move(options)), checker_([this](const std::string& v) { violation(v); }) {
    g_host = this;
    if (!options_.print) options_.print = [](const std::string&) {};
}

host::~host() {
    stop(std::chrono::milliseconds(0));
    g_host = nullptr;
}

// ---- lifecycle ----------------------------------------------------------------------------------

std::string host::load() {
    if (auto e = lib_.load(options_.tsp_path); !e.empty()) return e;
    std::string missing;
    for (const auto& m : lib_.missing()) missing += (missing.empty() ? "" : " ") + m;
    note("loaded " + options_.tsp_path + " (" + std::to_string(lib_.resolved()) +
         " TSPI functions" + (missing.empty() ? "" : "; not exported: " + missing) + ")");
    return {};
}

std::string host::start() {
    const auto& fn = lib_.fn();
    DWORD v = 0;
    LONG rc = fn.lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, 0x00020000, 0x00030001, &v);
    if (rc != 0)
        return "TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION) → " + result_name(rc);
    version_ = v;
    DWORD num_lines = 0, num_phones = 0;
    rc = fn.providerEnumDevices(options_.provider_id, &num_lines, &num_phones,
                                to_handle<HPROVIDER>(0x7a91), line_event_proc, phone_event_proc);
    if (rc != 0) return "TSPI_providerEnumDevices → " + result_name(rc);
    note("TSPI version " + version_text(v) + "; provider " + std::to_string(options_.provider_id) +
         ": " + std::to_string(num_lines) + " lines, " + std::to_string(num_phones) + " phones");
    {
        std::lock_guard lock(mutex_);
        lines_.resize(num_lines);
        for (DWORD i = 0; i < num_lines; ++i) {
            lines_[i].device_id = options_.line_base + i;
            lines_[i].extension = "#" + std::to_string(options_.line_base + i);
        }
        phones_.resize(num_phones);
        for (DWORD i = 0; i < num_phones; ++i) {
            phones_[i].device_id = options_.phone_base + i;
            phones_[i].extension = "#" + std::to_string(options_.phone_base + i);
        }
        next_line_id_ = options_.line_base + num_lines;
        next_phone_id_ = options_.phone_base + num_phones;
    }
    DWORD tspi_options = 0;
    rc = fn.providerInit(v, options_.provider_id, options_.line_base, options_.phone_base,
                         num_lines, num_phones, completion_proc, &tspi_options);
    if (rc != 0) return "TSPI_providerInit → " + result_name(rc);
    if (tspi_options & LINETSPIOPTION_NONREENTRANT)
        note("the provider asked for LINETSPIOPTION_NONREENTRANT (calls are not serialized here)");
    for (std::size_t i = 0; i < num_lines; ++i) setup_line(i);
    for (std::size_t i = 0; i < num_phones; ++i) setup_phone(i);
    {
        std::lock_guard lock(mutex_);
        initialized_ = true;
    }
    // TAPISRV's proxy routing: the in-process ctigw-acdproxy opens the ctigw lines as proxy. Set
    // before the maintenance thread starts, which reads agents_ without the lock.
    auto router = std::make_unique<agent_router>(*this);
    auto* started = router.get();
    {
        std::lock_guard lock(mutex_);
        agents_ = std::move(router);
    }
    started->start();
    worker_ = std::thread([this] { maintenance(); });
    return {};
}

void host::setup_line(std::size_t index) {
    const auto& fn = lib_.fn();
    DWORD id;
    {
        std::lock_guard lock(mutex_);
        id = lines_[index].device_id;
    }
    DWORD v = 0;
    LONG rc = fn.lineNegotiateTSPIVersion(id, 0x00020000, version_, &v);
    if (rc != 0) {
        note("line #" + std::to_string(id) + ": TSPI_lineNegotiateTSPIVersion → " +
             result_name(rc));
        return;
    }
    std::string name, address;
    DWORD permanent = 0;
    if (fn.lineGetDevCaps) {
        auto buf = get_var<LINEDEVCAPS>(
            [&](LINEDEVCAPS* c) { return fn.lineGetDevCaps(id, v, 0, c); }, rc);
        if (rc == 0) {
            const auto* c = reinterpret_cast<const LINEDEVCAPS*>(buf.data());
            name = var_string(buf, c->dwLineNameSize, c->dwLineNameOffset);
            permanent = c->dwPermanentLineID;
        } else {
            note("line #" + std::to_string(id) + ": TSPI_lineGetDevCaps → " + result_name(rc));
        }
    }
    if (fn.lineGetAddressCaps) {
        auto buf = get_var<LINEADDRESSCAPS>(
            [&](LINEADDRESSCAPS* c) { return fn.lineGetAddressCaps(id, 0, v, 0, c); }, rc);
        if (rc == 0) {
            const auto* c = reinterpret_cast<const LINEADDRESSCAPS*>(buf.data());
            address = var_string(buf, c->dwAddressSize, c->dwAddressOffset);
        } else {
            note("line #" + std::to_string(id) + ": TSPI_lineGetAddressCaps → " + result_name(rc));
        }
    }
    {
        std::lock_guard lock(mutex_);
        auto& l = lines_[index];
        l.version = v;
        l.name = name;
        l.permanent_id = permanent;
        if (!address.empty())
            l.extension = address;
        else if (!name.empty())
            l.extension = name;
    }
    note("line " + (address.empty() ? name : address) + " = device " + std::to_string(id) + " \"" +
         name + "\" address \"" + address + "\" TSPI " + version_text(v));
    if (options_.open_lines) open_line(index);
}

void host::setup_phone(std::size_t index) {
    const auto& fn = lib_.fn();
    DWORD id;
    {
        std::lock_guard lock(mutex_);
        id = phones_[index].device_id;
    }
    if (!fn.phoneNegotiateTSPIVersion) return;
    DWORD v = 0;
    LONG rc = fn.phoneNegotiateTSPIVersion(id, 0x00020000, version_, &v);
    if (rc != 0) {
        note("phone #" + std::to_string(id) + ": TSPI_phoneNegotiateTSPIVersion → " +
             result_name(rc));
        return;
    }
    std::string name, info;
    if (fn.phoneGetDevCaps) {
        auto buf =
            get_var<PHONECAPS>([&](PHONECAPS* c) { return fn.phoneGetDevCaps(id, v, 0, c); }, rc);
        if (rc == 0) {
            const auto* c = reinterpret_cast<const PHONECAPS*>(buf.data());
            name = var_string(buf, c->dwPhoneNameSize, c->dwPhoneNameOffset);
            info = var_string(buf, c->dwPhoneInfoSize, c->dwPhoneInfoOffset);
        } else {
            note("phone #" + std::to_string(id) + ": TSPI_phoneGetDevCaps → " + result_name(rc));
        }
    }
    // The extension: the phone info if it is a number, else the last number in the name.
    auto digits_only = [](const std::string& s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string ext;
    if (digits_only(info))
        ext = info;
    else {
        std::istringstream words(name);
        for (std::string w; words >> w;)
            if (digits_only(w)) ext = w;
    }
    {
        std::lock_guard lock(mutex_);
        auto& p = phones_[index];
        p.version = v;
        p.name = name;
        if (!ext.empty())
            p.extension = ext;
        else if (!name.empty())
            p.extension = name;
    }
    note("phone " + (ext.empty() ? name : ext) + " = device " + std::to_string(id) + " \"" + name +
         "\" TSPI " + version_text(v));
    if (options_.open_phones) open_phone(index);
}

bool host::open_line(std::size_t index) {
    const auto& fn = lib_.fn();
    DWORD id, v;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        auto& l = lines_[index];
        if (l.open) return true;
        id = l.device_id;
        v = l.version ? l.version : version_;
        dev = l.extension;
        checker_.line_opened(dev);  // events may arrive before lineOpen returns
    }
    HDRVLINE hd = nullptr;
    const LONG rc = fn.lineOpen(id, to_handle<HTAPILINE>(index + 1), &hd, v, line_event_proc);
    {
        std::lock_guard lock(mutex_);
        if (rc != 0) {
            checker_.line_closed(dev);
        } else {
            lines_[index].open = true;
            lines_[index].hd = hd;
        }
    }
    if (rc != 0) {
        note("line " + dev + ": TSPI_lineOpen → " + result_name(rc));
        return false;
    }
    if (fn.lineSetDefaultMediaDetection)
        fn.lineSetDefaultMediaDetection(hd, LINEMEDIAMODE_INTERACTIVEVOICE);
    if (fn.lineSetStatusMessages) {
        const LONG r2 = fn.lineSetStatusMessages(hd, all_line_states, all_address_states);
        if (r2 != 0) note("line " + dev + ": TSPI_lineSetStatusMessages → " + result_name(r2));
    }
    note("line " + dev + " open");
    return true;
}

bool host::open_phone(std::size_t index) {
    const auto& fn = lib_.fn();
    if (!fn.phoneOpen) return false;
    DWORD id, v;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        auto& p = phones_[index];
        if (p.open) return true;
        id = p.device_id;
        v = p.version ? p.version : version_;
        dev = p.extension;
        checker_.phone_opened(dev);
    }
    HDRVPHONE hd = nullptr;
    const LONG rc = fn.phoneOpen(id, to_handle<HTAPIPHONE>(index + 1), &hd, v, phone_event_proc);
    {
        std::lock_guard lock(mutex_);
        if (rc != 0)
            checker_.phone_closed(dev);
        else {
            phones_[index].open = true;
            phones_[index].hd = hd;
        }
    }
    if (rc != 0) {
        note("phone " + dev + ": TSPI_phoneOpen → " + result_name(rc));
        return false;
    }
    if (fn.phoneSetStatusMessages) {
        const LONG r2 =
            fn.phoneSetStatusMessages(hd, all_phone_states, all_button_modes, all_button_states);
        if (r2 != 0) note("phone " + dev + ": TSPI_phoneSetStatusMessages → " + result_name(r2));
    }
    note("phone " + dev + " open");
    return true;
}

std::optional<LONG> host::close_call(std::uint64_t key, const char* why) {
    HDRVCALL hd;
    std::string label;
    {
        std::lock_guard lock(mutex_);
        auto it = calls_.find(key);
        if (it == calls_.end() || it->second.closed) return std::nullopt;
        hd = it->second.hd;
        label = it->second.name;
        it->second.closed = true;  // no further closes; events are checked after the call returns
        it->second.closing = true;
    }
    LONG rc = err(LINEERR_OPERATIONUNAVAIL);
    if (lib_.fn().lineCloseCall) rc = lib_.fn().lineCloseCall(hd);
    std::lock_guard lock(mutex_);
    checker_.call_closed(key);
    if (auto it = calls_.find(key); it != calls_.end()) it->second.closing = false;
    event e;
    e.kind = event_kind::note;
    e.text = "lineCloseCall " + label + " (" + why + ") → " + result_name(rc);
    push_locked(std::move(e));
    return rc;
}

void host::close_line(std::size_t index) {
    std::vector<std::uint64_t> to_close;
    HDRVLINE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        auto& l = lines_[index];
        if (!l.open) return;
        for (const auto& [key, c] : calls_)
            if (c.line == index && !c.closed && !c.pending_create) to_close.push_back(key);
        hd = l.hd;
        dev = l.extension;
        l.open = false;
    }
    for (auto key : to_close) close_call(key, "line closing");
    const LONG rc = lib_.fn().lineClose(hd);
    std::lock_guard lock(mutex_);
    checker_.line_closed(dev);
    event e;
    e.kind = event_kind::note;
    e.text = "lineClose " + dev + " → " + result_name(rc);
    push_locked(std::move(e));
}

void host::close_phone(std::size_t index) {
    HDRVPHONE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        auto& p = phones_[index];
        if (!p.open) return;
        hd = p.hd;
        dev = p.extension;
        p.open = false;
    }
    LONG rc = err(PHONEERR_OPERATIONUNAVAIL);
    if (lib_.fn().phoneClose) rc = lib_.fn().phoneClose(hd);
    std::lock_guard lock(mutex_);
    checker_.phone_closed(dev);
    event e;
    e.kind = event_kind::note;
    e.text = "phoneClose " + dev + " → " + result_name(rc);
    push_locked(std::move(e));
}

void host::maintenance() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        changed_.wait_for(lock, std::chrono::milliseconds(100));
        if (quit_) break;
        while (!tasks_.empty() && initialized_) {
            const task t = tasks_.front();
            tasks_.pop_front();
            lock.unlock();
            const auto& fn = lib_.fn();
            switch (t.what) {
                case task::kind::create_line: {
                    std::size_t idx;
                    DWORD id;
                    {
                        std::lock_guard l2(mutex_);
                        id = next_line_id_++;
                        lines_.push_back({});
                        idx = lines_.size() - 1;
                        lines_[idx].device_id = id;
                        lines_[idx].extension = "#" + std::to_string(id);
                    }
                    const LONG rc = fn.providerCreateLineDevice
                                        ? fn.providerCreateLineDevice(t.id, id)
                                        : err(LINEERR_OPERATIONUNAVAIL);
                    note("TSPI_providerCreateLineDevice(temp " + std::to_string(t.id) +
                         ", device " + std::to_string(id) + ") → " + result_name(rc));
                    if (rc == 0) setup_line(idx);
                    if (rc == 0 && agents_) agents_->line_created(idx);
                    break;
                }
                case task::kind::create_phone: {
                    std::size_t idx;
                    DWORD id;
                    {
                        std::lock_guard l2(mutex_);
                        id = next_phone_id_++;
                        phones_.push_back({});
                        idx = phones_.size() - 1;
                        phones_[idx].device_id = id;
                        phones_[idx].extension = "#" + std::to_string(id);
                    }
                    const LONG rc = fn.providerCreatePhoneDevice
                                        ? fn.providerCreatePhoneDevice(t.id, id)
                                        : err(PHONEERR_OPERATIONUNAVAIL);
                    note("TSPI_providerCreatePhoneDevice(temp " + std::to_string(t.id) +
                         ", device " + std::to_string(id) + ") → " + result_name(rc));
                    if (rc == 0) setup_phone(idx);
                    break;
                }
                case task::kind::remove_line:
                    if (agents_) agents_->line_removed(t.id);
                    close_line(t.id);
                    {
                        std::lock_guard l2(mutex_);
                        lines_[t.id].removed = true;
                    }
                    note("line #" + std::to_string(lines_[t.id].device_id) +
                         " forgotten (LINE_REMOVE)");
                    break;
                case task::kind::remove_phone:
                    close_phone(t.id);
                    {
                        std::lock_guard l2(mutex_);
                        phones_[t.id].removed = true;
                    }
                    break;
                case task::kind::close_line:
                    close_line(t.id);
                    break;
                case task::kind::close_phone:
                    close_phone(t.id);
                    break;
            }
            lock.lock();
        }
        if (options_.log_limit != 0) prune_locked();
        if (options_.idle_close) {
            const auto now_tp = std::chrono::steady_clock::now();
            std::vector<std::uint64_t> idle;
            for (const auto& [key, c] : calls_) {
                if (!c.closed && !c.pending_create && c.idle_since &&
                    now_tp - *c.idle_since >= *options_.idle_close)
                    idle.push_back(key);
            }
            if (!idle.empty()) {
                lock.unlock();
                for (auto key : idle) close_call(key, "IDLE");
                lock.lock();
            }
        }
    }
}

void host::stop(std::chrono::milliseconds settle) {
    {
        std::lock_guard lock(mutex_);
        if (stopped_ || !lib_.fn().providerShutdown) return;
        stopped_ = true;
    }
    // Outstanding requests get a chance to complete.
    {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, std::chrono::steady_clock::now() + settle,
                            [&] { return checker_.pending() == 0; });
    }
    // The proxy answers what is still unanswered and closes its lines (as it does on lineShutdown).
    if (agents_) agents_->stop();
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
        changed_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
    std::vector<std::uint64_t> calls;
    std::size_t nlines, nphones;
    bool init;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [key, c] : calls_)
            if (!c.closed && !c.pending_create) calls.push_back(key);
        nlines = lines_.size();
        nphones = phones_.size();
        init = initialized_;
    }
    for (auto key : calls) close_call(key, "exit");
    for (std::size_t i = 0; i < nlines; ++i) close_line(i);
    for (std::size_t i = 0; i < nphones; ++i) close_phone(i);
    if (init || version_ != 0) {
        const LONG rc = lib_.fn().providerShutdown(version_, options_.provider_id);
        note("TSPI_providerShutdown → " + result_name(rc));
    }
    std::lock_guard lock(mutex_);
    checker_.finish();
}

}  // namespace ctigw::tapihost
