// The TAPISRV stand-in (host.hpp).
#include "ctigw/tapihost/host.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "agents.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "tspi_buffer.hpp"

namespace ctigw::tapihost {
namespace {

host* g_host = nullptr;  // the TSPI callbacks carry no context

void line_event_proc(HTAPILINE ht_line, HTAPICALL ht_call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                     DWORD_PTR p3)
{
    if (g_host) g_host->on_line_event(ht_line, ht_call, msg, p1, p2, p3);
}

void phone_event_proc(HTAPIPHONE ht_phone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
    if (g_host) g_host->on_phone_event(ht_phone, msg, p1, p2, p3);
}

void completion_proc(DRV_REQUESTID id, LONG result)
{
    if (g_host) g_host->on_completion(id, result);
}

constexpr LONG err(std::uint32_t code) { return static_cast<LONG>(code); }

template <class H>
H to_handle(std::uint64_t v)
{
    return reinterpret_cast<H>(static_cast<std::uintptr_t>(v));
}

template <class H>
std::uint64_t from_handle(H h)
{
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h));
}

std::string version_text(DWORD v)
{
    return std::to_string(v >> 16) + "." + std::to_string(v & 0xffff);
}

const DWORD all_line_states = 0x01FFFFFF;
const DWORD all_address_states = 0x000001FF;
const DWORD all_phone_states = 0x00FFFFFF;
const DWORD all_button_modes = 0x3F;
const DWORD all_button_states = 0x0F;

}  // namespace

host::host(host_options options)
    : options_(std::move(options)),
      checker_([this](const std::string& v) { violation(v); })
{
    g_host = this;
    if (!options_.print) options_.print = [](const std::string&) {};
}

host::~host()
{
    stop(std::chrono::milliseconds(0));
    g_host = nullptr;
}

double host::now() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void host::print_locked(const std::string& text) { options_.print(text); }

void host::note(const std::string& text)
{
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::note;
    e.text = text;
    push_locked(std::move(e));
}

void host::violation(const std::string& text)
{
    // Called by the checker, with the host lock held.
    print_locked(format_time(now()) + " VIOLATION " + text);
}

event& host::push_locked(event e)
{
    e.seq = events_total_++;
    e.at = now();
    print_locked(format_event(e));
    // Long runs keep the newest events only (nothing matches against the log there).
    if (options_.log_limit != 0 && log_.size() >= 2 * options_.log_limit)
        log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(options_.log_limit));
    log_.push_back(std::move(e));
    changed_.notify_all();
    return log_.back();
}

std::vector<std::string> host::violations() const
{
    std::lock_guard lock(mutex_);
    return checker_.violations();
}

void host::with_log(const std::function<void(const std::vector<event>&)>& fn) const
{
    std::lock_guard lock(mutex_);
    fn(log_);
}

void host::wait_for_events(std::size_t known, std::chrono::steady_clock::time_point deadline) const
{
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return events_total_ > known; });
}

// ---- names and lookups ---------------------------------------------------------------------------

std::uint64_t host::new_call_locked(std::size_t line, const std::string& name, bool pending)
{
    const auto key = next_call_++;
    call_rec c;
    c.key = key;
    c.line = line;
    c.name = name.empty() ? "call#" + std::to_string(key) : name;
    c.pending_create = pending;
    calls_[key] = c;
    if (!name.empty()) names_[name] = key;
    return key;
}

void host::bind_name(const std::string& name, std::uint64_t call)
{
    std::lock_guard lock(mutex_);
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    const auto old = it->second.name;
    it->second.name = name;
    names_[name] = call;
    if (old != name) print_locked(format_time(now()) + " " + old + " is now " + name);
}

std::optional<std::uint64_t> host::call_by_name(const std::string& name) const
{
    std::lock_guard lock(mutex_);
    if (auto it = names_.find(name); it != names_.end()) return it->second;
    if (name.rfind("call#", 0) == 0) {
        try {
            const auto key = std::stoull(name.substr(5));
            if (calls_.contains(key)) return key;
        } catch (...) {
        }
    }
    return std::nullopt;
}

std::string host::call_name(std::uint64_t call) const
{
    std::lock_guard lock(mutex_);
    return call_label_locked(call);
}

std::string host::call_label_locked(std::uint64_t key) const
{
    auto it = calls_.find(key);
    return it == calls_.end() ? "call#" + std::to_string(key) : it->second.name;
}

std::optional<std::size_t> host::line_index_locked(const std::string& token) const
{
    if (token.size() > 1 && token[0] == '#') {
        try {
            const auto id = static_cast<DWORD>(std::stoul(token.substr(1)));
            for (std::size_t i = 0; i < lines_.size(); ++i)
                if (lines_[i].device_id == id && !lines_[i].removed) return i;
        } catch (...) {
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < lines_.size(); ++i)
        if (!lines_[i].removed && lines_[i].extension == token) return i;
    for (std::size_t i = 0; i < lines_.size(); ++i)
        if (!lines_[i].removed && lines_[i].name == token) return i;
    return std::nullopt;
}

std::optional<std::size_t> host::phone_index_locked(const std::string& token) const
{
    if (token.size() > 1 && token[0] == '#') {
        try {
            const auto id = static_cast<DWORD>(std::stoul(token.substr(1)));
            for (std::size_t i = 0; i < phones_.size(); ++i)
                if (phones_[i].device_id == id && !phones_[i].removed) return i;
        } catch (...) {
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < phones_.size(); ++i)
        if (!phones_[i].removed && (phones_[i].extension == token || phones_[i].name == token))
            return i;
    return std::nullopt;
}

std::optional<std::string> host::line_device(const std::string& token) const
{
    std::lock_guard lock(mutex_);
    if (auto i = line_index_locked(token)) return lines_[*i].extension;
    return std::nullopt;
}

std::optional<std::string> host::phone_device(const std::string& token) const
{
    std::lock_guard lock(mutex_);
    if (auto i = phone_index_locked(token)) return phones_[*i].extension;
    return std::nullopt;
}

std::optional<DRV_REQUESTID> host::last_op()
{
    std::lock_guard lock(mutex_);
    if (last_op_ == 0) return std::nullopt;
    if (auto it = ops_.find(last_op_); it != ops_.end()) it->second.claimed = true;
    return last_op_;
}

std::optional<DRV_REQUESTID> host::claim_op(const std::string& verb_or_tspi)
{
    std::lock_guard lock(mutex_);
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const auto want = lower(verb_or_tspi);
    for (auto& [id, op] : ops_) {
        if (op.claimed) continue;
        if (lower(op.verb) == want || lower(op.tspi) == want) {
            op.claimed = true;
            return id;
        }
    }
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> host::park_check(DRV_REQUESTID id) const
{
    std::lock_guard lock(mutex_);
    auto e = park_expected_.find(id);
    if (e == park_expected_.end()) return std::nullopt;
    auto a = parked_at_.find(id);
    return std::make_pair(e->second, a == parked_at_.end() ? std::string() : a->second);
}

std::string host::op_name(DRV_REQUESTID id) const
{
    std::lock_guard lock(mutex_);
    auto it = ops_.find(id);
    return it == ops_.end() ? "?" : it->second.tspi;
}

// ---- TSPI callbacks ------------------------------------------------------------------------------

void host::on_line_event(HTAPILINE ht_line, HTAPICALL ht_call, DWORD msg, DWORD_PTR p1,
                         DWORD_PTR p2, DWORD_PTR p3)
{
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::line;
    e.msg = msg;
    e.p1 = p1;
    e.p2 = p2;
    e.p3 = p3;
    const auto li = from_handle(ht_line);
    if (msg == LINE_CREATE) {
        push_locked(e);
        tasks_.push_back({task::kind::create_line, p2});
        changed_.notify_all();
        return;
    }
    if (msg == LINE_REMOVE) {
        std::optional<std::size_t> idx;
        for (std::size_t i = 0; i < lines_.size(); ++i)
            if (lines_[i].device_id == static_cast<DWORD>(p1) && !lines_[i].removed) idx = i;
        e.device = idx ? lines_[*idx].extension : "#" + std::to_string(p1);
        push_locked(e);
        if (idx) tasks_.push_back({task::kind::remove_line, *idx});
        else checker_.unknown_call(e.device, 0, msg);
        return;
    }
    if (li == 0 || li > lines_.size()) {
        e.device = "?";
        push_locked(e);
        checker_.unknown_call("htLine " + std::to_string(li), from_handle(ht_call), msg);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(li - 1);
    e.device = lines_[index].extension;
    if (msg == LINE_NEWCALL) {
        const auto key = new_call_locked(index, "", false);
        calls_[key].hd = to_handle<HDRVCALL>(p1);
        if (p2 != 0) *reinterpret_cast<HTAPICALL*>(p2) = to_handle<HTAPICALL>(key);
        e.call = key;
        e.call_name = calls_[key].name;
        checker_.line_event(e.device, key, msg, p1);
        push_locked(e);
        return;
    }
    if (ht_call != nullptr) {
        const auto key = from_handle(ht_call);
        auto it = calls_.find(key);
        if (it == calls_.end()) {
            push_locked(e);
            checker_.unknown_call(e.device, key, msg);
            return;
        }
        auto& c = it->second;
        e.call = key;
        e.call_name = c.name;
        checker_.line_event(e.device, key, msg, p1);
        if (msg == LINE_CALLSTATE) {
            c.state = static_cast<DWORD>(p1);
            c.mode = static_cast<DWORD>(p2);
            if (p1 == LINECALLSTATE_IDLE) c.idle_since = std::chrono::steady_clock::now();
            else c.idle_since.reset();
            if (p1 == LINECALLSTATE_CONFERENCED && p2 != 0) {
                e.parent = static_cast<std::uint64_t>(p2);
                e.parent_name = call_label_locked(e.parent);
            }
        }
        push_locked(e);
        return;
    }
    checker_.line_event(e.device, 0, msg, p1);
    push_locked(e);
    if (msg == LINE_CLOSE) tasks_.push_back({task::kind::close_line, index});
    if (agents_ && msg == LINE_DEVSPECIFIC) agents_->devspecific(index, p1, p2, p3);
    if (agents_ && msg == LINE_CLOSE) agents_->line_closed(index);
}

void host::on_phone_event(HTAPIPHONE ht_phone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::phone;
    e.msg = msg;
    e.p1 = p1;
    e.p2 = p2;
    e.p3 = p3;
    if (msg == PHONE_CREATE) {
        push_locked(e);
        tasks_.push_back({task::kind::create_phone, p2});
        changed_.notify_all();
        return;
    }
    if (msg == PHONE_REMOVE) {
        std::optional<std::size_t> idx;
        for (std::size_t i = 0; i < phones_.size(); ++i)
            if (phones_[i].device_id == static_cast<DWORD>(p1) && !phones_[i].removed) idx = i;
        e.device = idx ? phones_[*idx].extension : "#" + std::to_string(p1);
        push_locked(e);
        if (idx) tasks_.push_back({task::kind::remove_phone, *idx});
        return;
    }
    const auto pi = from_handle(ht_phone);
    if (pi == 0 || pi > phones_.size()) {
        e.device = "?";
        push_locked(e);
        checker_.phone_event("htPhone " + std::to_string(pi), msg);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(pi - 1);
    e.device = phones_[index].extension;
    checker_.phone_event(e.device, msg);
    push_locked(e);
    if (msg == PHONE_CLOSE) tasks_.push_back({task::kind::close_phone, index});
}

void host::on_completion(DRV_REQUESTID id, LONG result)
{
    std::lock_guard lock(mutex_);
    event e;
    e.kind = event_kind::completion;
    e.request = id;
    e.result = result;
    auto it = ops_.find(id);
    e.op = it == ops_.end() ? "?" : it->second.tspi;
    checker_.completion(id, result);
    if (it != ops_.end() && !it->second.completed) {
        it->second.completed = true;
        for (auto key : it->second.new_calls) {
            auto c = calls_.find(key);
            if (c == calls_.end()) continue;
            c->second.pending_create = false;
            if (result != 0) c->second.closed = true;  // the handle never became valid
        }
    }
    push_locked(e);
    if (options_.on_completion) options_.on_completion(id, result);
    if (agents_) agents_->completion(id, result);
    if (auto pk = park_requests_.find(id); pk != park_requests_.end() && result == 0) {
        const auto* vs = reinterpret_cast<const VARSTRING*>(pk->second->data());
        event n;
        n.kind = event_kind::note;
        parked_at_[id] = var_string(*pk->second, vs->dwStringSize, vs->dwStringOffset);
        n.text = "parked at \"" + parked_at_[id] + "\"";
        push_locked(std::move(n));
    }
}

// ---- lifecycle -----------------------------------------------------------------------------------

std::string host::load()
{
    if (auto e = lib_.load(options_.tsp_path); !e.empty()) return e;
    std::string missing;
    for (const auto& m : lib_.missing()) missing += (missing.empty() ? "" : " ") + m;
    note("loaded " + options_.tsp_path + " (" + std::to_string(lib_.resolved()) +
         " TSPI functions" + (missing.empty() ? "" : "; not exported: " + missing) + ")");
    return {};
}

std::string host::start()
{
    const auto& fn = lib_.fn();
    DWORD v = 0;
    LONG rc = fn.lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, 0x00020000, 0x00030001, &v);
    if (rc != 0) return "TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION) → " + result_name(rc);
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

void host::setup_line(std::size_t index)
{
    const auto& fn = lib_.fn();
    DWORD id;
    {
        std::lock_guard lock(mutex_);
        id = lines_[index].device_id;
    }
    DWORD v = 0;
    LONG rc = fn.lineNegotiateTSPIVersion(id, 0x00020000, version_, &v);
    if (rc != 0) {
        note("line #" + std::to_string(id) + ": TSPI_lineNegotiateTSPIVersion → " + result_name(rc));
        return;
    }
    std::string name, address;
    DWORD permanent = 0;
    if (fn.lineGetDevCaps) {
        auto buf = get_var<LINEDEVCAPS>([&](LINEDEVCAPS* c) { return fn.lineGetDevCaps(id, v, 0, c); }, rc);
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
        if (!address.empty()) l.extension = address;
        else if (!name.empty()) l.extension = name;
    }
    note("line " + (address.empty() ? name : address) + " = device " + std::to_string(id) + " \"" +
         name + "\" address \"" + address + "\" TSPI " + version_text(v));
    if (options_.open_lines) open_line(index);
}

void host::setup_phone(std::size_t index)
{
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
        note("phone #" + std::to_string(id) + ": TSPI_phoneNegotiateTSPIVersion → " + result_name(rc));
        return;
    }
    std::string name, info;
    if (fn.phoneGetDevCaps) {
        auto buf = get_var<PHONECAPS>([&](PHONECAPS* c) { return fn.phoneGetDevCaps(id, v, 0, c); }, rc);
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
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string ext;
    if (digits_only(info)) ext = info;
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
        if (!ext.empty()) p.extension = ext;
        else if (!name.empty()) p.extension = name;
    }
    note("phone " + (ext.empty() ? name : ext) + " = device " + std::to_string(id) + " \"" + name +
         "\" TSPI " + version_text(v));
    if (options_.open_phones) open_phone(index);
}

bool host::open_line(std::size_t index)
{
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

bool host::open_phone(std::size_t index)
{
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
        if (rc != 0) checker_.phone_closed(dev);
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
        const LONG r2 = fn.phoneSetStatusMessages(hd, all_phone_states, all_button_modes, all_button_states);
        if (r2 != 0) note("phone " + dev + ": TSPI_phoneSetStatusMessages → " + result_name(r2));
    }
    note("phone " + dev + " open");
    return true;
}

std::optional<LONG> host::close_call(std::uint64_t key, const char* why)
{
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

void host::close_line(std::size_t index)
{
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

void host::close_phone(std::size_t index)
{
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

void host::maintenance()
{
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
                const LONG rc = fn.providerCreateLineDevice ? fn.providerCreateLineDevice(t.id, id)
                                                            : err(LINEERR_OPERATIONUNAVAIL);
                note("TSPI_providerCreateLineDevice(temp " + std::to_string(t.id) + ", device " +
                     std::to_string(id) + ") → " + result_name(rc));
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
                note("TSPI_providerCreatePhoneDevice(temp " + std::to_string(t.id) + ", device " +
                     std::to_string(id) + ") → " + result_name(rc));
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
                note("line #" + std::to_string(lines_[t.id].device_id) + " forgotten (LINE_REMOVE)");
                break;
            case task::kind::remove_phone:
                close_phone(t.id);
                {
                    std::lock_guard l2(mutex_);
                    phones_[t.id].removed = true;
                }
                break;
            case task::kind::close_line: close_line(t.id); break;
            case task::kind::close_phone: close_phone(t.id); break;
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

void host::stop(std::chrono::milliseconds settle)
{
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

// ---- operations ----------------------------------------------------------------------------------

op_result host::sync_result(const std::string& verb, const std::string& tspi, LONG rc)
{
    std::lock_guard lock(mutex_);
    op_rec r;
    r.id = next_id_locked();
    r.verb = verb;
    r.tspi = tspi;
    r.completed = true;
    r.returned = true;
    ops_[r.id] = r;
    last_op_ = r.id;
    event e;
    e.kind = event_kind::completion;
    e.request = r.id;
    e.op = tspi;
    e.result = rc;
    e.synchronous = true;
    push_locked(std::move(e));
    op_result out;
    out.id = r.id;
    out.rc = rc;
    return out;
}

op_result host::async_call(const std::string& verb, const std::string& tspi,
                           const std::vector<std::uint64_t>& new_calls,
                           const std::function<LONG(DRV_REQUESTID)>& fn)
{
    DRV_REQUESTID id;
    {
        std::lock_guard lock(mutex_);
        id = next_id_locked();
        op_rec r;
        r.id = id;
        r.verb = verb;
        r.tspi = tspi;
        r.async = true;
        r.new_calls = new_calls;
        ops_[id] = r;
        last_op_ = id;
        checker_.request_issued(id, tspi, new_calls);
    }
    const LONG rc = fn(id);
    std::lock_guard lock(mutex_);
    checker_.request_returned(id, rc);
    if (auto it = ops_.find(id); it != ops_.end()) it->second.returned = true;
    op_result out;
    out.id = id;
    out.rc = rc;
    out.async = true;
    out.pending = rc == static_cast<LONG>(id);
    if (!out.pending) {
        auto& r = ops_[id];
        if (!r.completed) {
            r.completed = true;
            for (auto key : new_calls) {
                calls_[key].pending_create = false;
                calls_[key].closed = true;
            }
        }
        event e;
        e.kind = event_kind::completion;
        e.request = id;
        e.op = tspi;
        e.result = rc;
        e.synchronous = true;
        push_locked(std::move(e));
    }
    return out;
}

op_result host::run(const op_stmt& op)
{
    const auto& fn = lib_.fn();
    const auto* spec = find_op(op.verb);
    const std::string tspi = spec ? std::string(spec->tspi) : op.verb;
    op_result bad;
    // Resolve arguments.
    std::vector<std::size_t> line_idx(op.args.size(), 0);
    std::vector<std::uint64_t> call_key(op.args.size(), 0);
    std::vector<HDRVCALL> call_hd(op.args.size(), nullptr);
    if (op.verb == "phone") return run_phone(op);
    if (agent::find_verb(op.verb)) {
        if (!agents_) {
            bad.error = "agent statements need a started host";
            return bad;
        }
        return agents_->run(op);
    }
    {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; spec && i < op.args.size() && i < spec->args.size(); ++i) {
            if (spec->args[i] == arg_kind::line) {
                auto li = line_index_locked(op.args[i]);
                if (!li) {
                    bad.error = "unknown line \"" + op.args[i] + "\"";
                    return bad;
                }
                line_idx[i] = *li;
                if (op.verb != "open" && !lines_[*li].open) {
                    bad.error = "line " + op.args[i] + " is not open";
                    return bad;
                }
            } else if (spec->args[i] == arg_kind::call) {
                std::optional<std::uint64_t> key;
                if (auto it = names_.find(op.args[i]); it != names_.end()) key = it->second;
                if (!key) {
                    bad.error = "call \"" + op.args[i] + "\" does not exist (yet)";
                    return bad;
                }
                auto found = calls_.find(*key);
                if (found == calls_.end()) {
                    bad.error = "call \"" + op.args[i] + "\" was forgotten (closed long ago)";
                    return bad;
                }
                auto& c = found->second;
                // A closed call's handle is stale: it still goes to the TSP, which must refuse
                // it (LINEERR_INVALCALLHANDLE) without any event.
                if (c.closed) {
                    event n;
                    n.kind = event_kind::note;
                    n.text = "call " + op.args[i] + " is closed: passing its stale handle";
                    push_locked(std::move(n));
                }
                call_key[i] = *key;
                call_hd[i] = c.hd;
            }
        }
    }
    auto unavailable = [&](const char* f) {
        note(std::string("TSPI_") + f + " is not exported");
        return sync_result(op.verb, tspi, err(LINEERR_OPERATIONUNAVAIL));
    };
    auto name_at = [&](std::size_t i) { return i < op.names.size() ? op.names[i] : std::string(); };
    auto new_call = [&](std::size_t line, std::size_t name_index) {
        std::lock_guard lock(mutex_);
        return new_call_locked(line, name_at(name_index), true);
    };
    auto set_hd = [&](std::uint64_t key, HDRVCALL hd) {
        std::lock_guard lock(mutex_);
        calls_[key].hd = hd;
    };
    auto line_hd = [&](std::size_t li) {
        std::lock_guard lock(mutex_);
        return lines_[li].hd;
    };
    auto line_of_call = [&](std::uint64_t key) {
        std::lock_guard lock(mutex_);
        return calls_[key].line;
    };
    const auto& v = op.verb;
    const auto arg = [&](std::size_t i) { return i < op.args.size() ? op.args[i] : std::string(); };

    if (v == "open") {
        const bool ok = open_line(line_idx[0]);
        return sync_result(v, tspi, ok ? 0 : err(LINEERR_OPERATIONFAILED));
    }
    if (v == "close") {
        close_line(line_idx[0]);
        return sync_result(v, tspi, 0);
    }
    if (v == "call") {
        if (!fn.lineMakeCall) return unavailable("lineMakeCall");
        const auto key = new_call(line_idx[0], 0);
        const auto dest = to_wide(arg(1));
        HDRVCALL hd = nullptr;
        const auto lhd = line_hd(line_idx[0]);
        auto r = async_call(v, tspi, {key}, [&](DRV_REQUESTID id) {
            return fn.lineMakeCall(id, lhd, to_handle<HTAPICALL>(key), &hd,
                                   op.args.size() > 1 ? dest.c_str() : nullptr, 0, nullptr);
        });
        set_hd(key, hd);
        return r;
    }
    if (v == "dial") {
        if (!fn.lineDial) return unavailable("lineDial");
        const auto dest = to_wide(arg(1));
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return fn.lineDial(id, call_hd[0], dest.c_str(), 0); });
    }
    if (v == "answer" || v == "accept" || v == "drop") {
        auto f = v == "answer" ? fn.lineAnswer : v == "accept" ? fn.lineAccept : fn.lineDrop;
        if (!f) return unavailable(tspi.c_str());
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return f(id, call_hd[0], nullptr, 0); });
    }
    if (v == "hold" || v == "unhold" || v == "removefromconference") {
        auto f = v == "hold" ? fn.lineHold : v == "unhold" ? fn.lineUnhold : fn.lineRemoveFromConference;
        if (!f) return unavailable(tspi.c_str());
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return f(id, call_hd[0]); });
    }
    if (v == "swaphold") {
        if (!fn.lineSwapHold) return unavailable("lineSwapHold");
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return fn.lineSwapHold(id, call_hd[0], call_hd[1]); });
    }
    if (v == "blindtransfer" || v == "redirect") {
        auto f = v == "blindtransfer" ? fn.lineBlindTransfer : fn.lineRedirect;
        if (!f) return unavailable(tspi.c_str());
        const auto dest = to_wide(arg(1));
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return f(id, call_hd[0], dest.c_str(), 0); });
    }
    if (v == "setuptransfer") {
        if (!fn.lineSetupTransfer) return unavailable("lineSetupTransfer");
        const auto key = new_call(line_of_call(call_key[0]), 0);
        HDRVCALL hd = nullptr;
        auto r = async_call(v, tspi, {key}, [&](DRV_REQUESTID id) {
            return fn.lineSetupTransfer(id, call_hd[0], to_handle<HTAPICALL>(key), &hd, nullptr);
        });
        set_hd(key, hd);
        return r;
    }
    if (v == "completetransfer") {
        if (!fn.lineCompleteTransfer) return unavailable("lineCompleteTransfer");
        const bool conf = arg(2) == "conference";
        std::uint64_t key = 0;
        if (conf) key = new_call(line_of_call(call_key[0]), 0);
        HDRVCALL hd = nullptr;
        auto r = async_call(v, tspi, conf ? std::vector<std::uint64_t>{key} : std::vector<std::uint64_t>{},
                            [&](DRV_REQUESTID id) {
                                return fn.lineCompleteTransfer(
                                    id, call_hd[0], call_hd[1],
                                    conf ? to_handle<HTAPICALL>(key) : nullptr, conf ? &hd : nullptr,
                                    conf ? LINETRANSFERMODE_CONFERENCE : LINETRANSFERMODE_TRANSFER);
                            });
        if (conf) set_hd(key, hd);
        return r;
    }
    if (v == "setupconference") {
        if (!fn.lineSetupConference) return unavailable("lineSetupConference");
        const auto li = line_of_call(call_key[0]);
        const auto conf = new_call(li, 0);
        const auto consult = new_call(li, 1);
        const DWORD parties = op.args.size() > 1 ? static_cast<DWORD>(std::stoul(arg(1))) : 3;
        HDRVCALL hconf = nullptr, hcons = nullptr;
        const auto lhd = line_hd(li);
        auto r = async_call(v, tspi, {conf, consult}, [&](DRV_REQUESTID id) {
            return fn.lineSetupConference(id, call_hd[0], lhd, to_handle<HTAPICALL>(conf), &hconf,
                                          to_handle<HTAPICALL>(consult), &hcons, parties, nullptr);
        });
        set_hd(conf, hconf);
        set_hd(consult, hcons);
        return r;
    }
    if (v == "prepareaddtoconference") {
        if (!fn.linePrepareAddToConference) return unavailable("linePrepareAddToConference");
        const auto key = new_call(line_of_call(call_key[0]), 0);
        HDRVCALL hd = nullptr;
        auto r = async_call(v, tspi, {key}, [&](DRV_REQUESTID id) {
            return fn.linePrepareAddToConference(id, call_hd[0], to_handle<HTAPICALL>(key), &hd, nullptr);
        });
        set_hd(key, hd);
        return r;
    }
    if (v == "addtoconference") {
        if (!fn.lineAddToConference) return unavailable("lineAddToConference");
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return fn.lineAddToConference(id, call_hd[0], call_hd[1]); });
    }
    if (v == "park") {
        if (!fn.linePark) return unavailable("linePark");
        if (arg(1) == "directed") {
            const auto dest = to_wide(arg(2));
            return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
                return fn.linePark(id, call_hd[0], LINEPARKMODE_DIRECTED, dest.c_str(), nullptr);
            });
        }
        // The TSP fills the VARSTRING when the request completes: it must outlive the request.
        auto buf = std::make_shared<std::vector<unsigned char>>(512, 0);
        reinterpret_cast<VARSTRING*>(buf->data())->dwTotalSize = 512;
        {
            std::lock_guard lock(mutex_);
            park_buffers_.push_back(buf);
        }
        auto r = async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.linePark(id, call_hd[0], LINEPARKMODE_NONDIRECTED, nullptr,
                               reinterpret_cast<VARSTRING*>(buf->data()));
        });
        {
            std::lock_guard lock(mutex_);
            park_requests_[r.id] = buf;
            if (op.args.size() > 2) park_expected_[r.id] = arg(2);
        }
        return r;
    }
    if (v == "unpark" || v == "pickup" || v == "grouppickup") {
        const auto key = new_call(line_idx[0], 0);
        HDRVCALL hd = nullptr;
        const auto lhd = line_hd(line_idx[0]);
        const auto a1 = to_wide(arg(1));
        const auto a2 = to_wide(arg(2));
        op_result r;
        if (v == "unpark") {
            if (!fn.lineUnpark) return unavailable("lineUnpark");
            r = async_call(v, tspi, {key}, [&](DRV_REQUESTID id) {
                return fn.lineUnpark(id, lhd, 0, to_handle<HTAPICALL>(key), &hd, a1.c_str());
            });
        } else {
            if (!fn.linePickup) return unavailable("linePickup");
            const bool group = v == "grouppickup";
            r = async_call(v, tspi, {key}, [&](DRV_REQUESTID id) {
                return fn.linePickup(id, lhd, 0, to_handle<HTAPICALL>(key), &hd,
                                     group ? nullptr : a1.c_str(),
                                     group ? a1.c_str() : (op.args.size() > 2 ? a2.c_str() : nullptr));
            });
        }
        set_hd(key, hd);
        return r;
    }
    if (v == "forward") {
        if (!fn.lineForward) return unavailable("lineForward");
        const auto& mode = arg(1);
        const auto dest = to_wide(arg(2));
        const DWORD rings = op.args.size() > 3 ? static_cast<DWORD>(std::stoul(arg(3))) : 0;
        std::vector<unsigned char> list;
        LINEFORWARDLIST* lp = nullptr;
        if (mode != "cancel") {
            const DWORD fixed = static_cast<DWORD>(sizeof(LINEFORWARDLIST));
            const DWORD dest_bytes = mode == "dnd" ? 0 : static_cast<DWORD>((dest.size() + 1) * sizeof(WCHAR));
            list.assign(fixed + dest_bytes, 0);
            lp = reinterpret_cast<LINEFORWARDLIST*>(list.data());
            lp->dwTotalSize = static_cast<DWORD>(list.size());
            lp->dwNumEntries = 1;
            auto& f = lp->ForwardList[0];
            f.dwForwardMode = mode == "busy" ? LINEFORWARDMODE_BUSY
                              : mode == "noanswer" ? LINEFORWARDMODE_NOANSW
                              : mode == "busyna" ? LINEFORWARDMODE_BUSYNA
                                                 : LINEFORWARDMODE_UNCOND;
            if (dest_bytes) {
                f.dwDestAddressOffset = fixed;
                f.dwDestAddressSize = dest_bytes;
                std::memcpy(list.data() + fixed, dest.c_str(), dest_bytes);
            }
        }
        const auto lhd = line_hd(line_idx[0]);
        HDRVCALL consult = nullptr;
        auto r = async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineForward(id, lhd, 1, 0, lp, rings, nullptr, &consult, nullptr);
        });
        if (consult != nullptr) note("lineForward returned a consultation call handle (not used)");
        return r;
    }
    if (v == "msgwait") {
        if (!fn.lineSetLineDevStatus) return unavailable("lineSetLineDevStatus");
        const auto lhd = line_hd(line_idx[0]);
        const DWORD on = arg(1) == "on" ? 1 : 0;
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineSetLineDevStatus(id, lhd, LINEDEVSTATUSFLAGS_MSGWAIT, on);
        });
    }
    if (v == "generatedigits") {
        if (!fn.lineGenerateDigits) return unavailable("lineGenerateDigits");
        const auto digits = to_wide(arg(1));
        const DWORD duration = op.args.size() > 2 ? static_cast<DWORD>(std::stoul(arg(2))) : 0;
        DWORD end_to_end;
        {
            std::lock_guard lock(mutex_);
            end_to_end = next_request_;
        }
        const LONG rc = fn.lineGenerateDigits(call_hd[0], end_to_end, LINEDIGITMODE_DTMF, digits.c_str(), duration);
        return sync_result(v, tspi, rc);
    }
    if (v == "monitordigits") {
        if (!fn.lineMonitorDigits) return unavailable("lineMonitorDigits");
        return sync_result(v, tspi, fn.lineMonitorDigits(call_hd[0], arg(1) == "on" ? LINEDIGITMODE_DTMF : 0));
    }
    if (v == "setcalldata") {
        if (!fn.lineSetCallData) return unavailable("lineSetCallData");
        std::string data = arg(1);
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineSetCallData(id, call_hd[0], data.empty() ? nullptr : data.data(),
                                      static_cast<DWORD>(data.size()));
        });
    }
    if (v == "setappspecific") {
        if (!fn.lineSetAppSpecific) return unavailable("lineSetAppSpecific");
        return sync_result(v, tspi, fn.lineSetAppSpecific(call_hd[0], static_cast<DWORD>(std::stoul(arg(1)))));
    }
    if (v == "callinfo") {
        if (!fn.lineGetCallInfo) return unavailable("lineGetCallInfo");
        print_call_info(call_key[0]);
        return {};
    }
    if (v == "callstatus") {
        if (!fn.lineGetCallStatus) return unavailable("lineGetCallStatus");
        print_call_status(call_key[0]);
        return {};
    }
    if (v == "devstatus") {
        if (!fn.lineGetLineDevStatus) return unavailable("lineGetLineDevStatus");
        print_dev_status(line_idx[0]);
        return {};
    }
    if (v == "addressstatus") {
        if (!fn.lineGetAddressStatus) return unavailable("lineGetAddressStatus");
        print_address_status(line_idx[0]);
        return {};
    }
    if (v == "closecall") {
        if (auto rc = close_call(call_key[0], "closecall")) return sync_result(v, tspi, *rc);
        if (!fn.lineCloseCall) return unavailable("lineCloseCall");
        return sync_result(v, tspi, fn.lineCloseCall(call_hd[0]));  // already closed: stale
    }
    bad.error = "operation \"" + v + "\" is not implemented by the host";
    return bad;
}

op_result host::run_phone(const op_stmt& op)
{
    const auto& fn = lib_.fn();
    op_result bad;
    std::size_t pi;
    HDRVPHONE hd;
    {
        std::lock_guard lock(mutex_);
        auto idx = phone_index_locked(op.args[0]);
        if (!idx) {
            bad.error = "unknown phone \"" + op.args[0] + "\"";
            return bad;
        }
        pi = *idx;
        hd = phones_[pi].hd;
        if (op.args[1] != "open" && !phones_[pi].open) {
            bad.error = "phone " + op.args[0] + " is not open";
            return bad;
        }
    }
    std::vector<std::string> sub;
    if (op.args.size() > 2) {
        std::string e;
        sub = split_words(op.args[2], &e).value_or(std::vector<std::string>{});
    }
    const auto& k = op.args[1];
    const std::string verb = "phone";
    auto unavailable = [&](const std::string& f) {
        note("TSPI_" + f + " is not exported");
        return sync_result(verb, f, err(PHONEERR_OPERATIONUNAVAIL));
    };
    if (k == "open") return sync_result(verb, "phoneOpen", open_phone(pi) ? 0 : err(PHONEERR_OPERATIONFAILED));
    if (k == "close") {
        close_phone(pi);
        return sync_result(verb, "phoneClose", 0);
    }
    if (k == "status") {
        if (!fn.phoneGetStatus) return unavailable("phoneGetStatus");
        LONG rc = 0;
        auto buf = get_var<PHONESTATUS>([&](PHONESTATUS* s) { return fn.phoneGetStatus(hd, s); }, rc);
        if (rc == 0) {
            const auto* s = reinterpret_cast<const PHONESTATUS*>(buf.data());
            note("PHONESTATUS " + op.args[0] + ": flags " + flags_of(family::phone_status_flags, s->dwStatusFlags) +
                 " handset " + name_of(family::hookswitch_mode, s->dwHandsetHookSwitchMode) +
                 " speaker " + name_of(family::hookswitch_mode, s->dwSpeakerHookSwitchMode) +
                 " headset " + name_of(family::hookswitch_mode, s->dwHeadsetHookSwitchMode) +
                 " ring " + std::to_string(s->dwRingMode) + " display \"" +
                 var_string(buf, s->dwDisplaySize, s->dwDisplayOffset) + "\"");
        }
        return sync_result(verb, "phoneGetStatus", rc);
    }
    if (k == "display" && sub.empty()) {
        if (!fn.phoneGetDisplay) return unavailable("phoneGetDisplay");
        LONG rc = 0;
        auto buf = get_var<VARSTRING>([&](VARSTRING* s) { return fn.phoneGetDisplay(hd, s); }, rc);
        if (rc == 0) {
            const auto* s = reinterpret_cast<const VARSTRING*>(buf.data());
            note("display " + op.args[0] + ": \"" + var_string(buf, s->dwStringSize, s->dwStringOffset) + "\"");
        }
        return sync_result(verb, "phoneGetDisplay", rc);
    }
    const auto phone_async = [&](const std::string& tspi, const std::function<LONG(DRV_REQUESTID)>& f) {
        auto r = async_call(verb, tspi, {}, f);
        return r;
    };
    if (k == "display") {
        if (!fn.phoneSetDisplay) return unavailable("phoneSetDisplay");
        const auto row = static_cast<DWORD>(std::stoul(sub[1]));
        const auto col = static_cast<DWORD>(std::stoul(sub[2]));
        std::string text;
        for (std::size_t i = 3; i < sub.size(); ++i) text += (i > 3 ? " " : "") + sub[i];
        const auto w = to_wide(text);
        return phone_async("phoneSetDisplay", [&](DRV_REQUESTID id) {
            return fn.phoneSetDisplay(id, hd, row, col, w.c_str(), static_cast<DWORD>(w.size() * sizeof(WCHAR)));
        });
    }
    if (k == "hookswitch") {
        if (!fn.phoneSetHookSwitch) return unavailable("phoneSetHookSwitch");
        const auto dev = *value_of(family::hookswitch_dev, sub[0]);
        const auto mode = *value_of(family::hookswitch_mode, sub[1]);
        return phone_async("phoneSetHookSwitch", [&](DRV_REQUESTID id) { return fn.phoneSetHookSwitch(id, hd, dev, mode); });
    }
    if (k == "lamp") {
        if (!fn.phoneSetLamp) return unavailable("phoneSetLamp");
        const auto lamp = static_cast<DWORD>(std::stoul(sub[0]));
        const auto mode = *value_of(family::lamp_mode, sub[1]);
        return phone_async("phoneSetLamp", [&](DRV_REQUESTID id) { return fn.phoneSetLamp(id, hd, lamp, mode); });
    }
    if (k == "button") {
        if (!fn.phoneGetButtonInfo) return unavailable("phoneGetButtonInfo");
        const auto button = static_cast<DWORD>(std::stoul(sub[0]));
        LONG rc = 0;
        auto buf = get_var<PHONEBUTTONINFO>([&](PHONEBUTTONINFO* b) { return fn.phoneGetButtonInfo(hd, button, b); }, rc);
        if (rc == 0) {
            const auto* b = reinterpret_cast<const PHONEBUTTONINFO*>(buf.data());
            note("button " + std::to_string(button) + " of " + op.args[0] + ": mode " +
                 flags_of(family::button_mode, b->dwButtonMode) + " function " + std::to_string(b->dwButtonFunction) +
                 " state " + flags_of(family::button_state, b->dwButtonState) + " text \"" +
                 var_string(buf, b->dwButtonTextSize, b->dwButtonTextOffset) + "\"");
        }
        return sync_result(verb, "phoneGetButtonInfo", rc);
    }
    bad.error = "unknown phone operation \"" + k + "\"";
    return bad;
}

std::optional<std::map<std::string, std::string>> host::call_info_values(std::uint64_t call,
                                                                        std::string* error)
{
    HDRVCALL hd;
    {
        std::lock_guard lock(mutex_);
        auto it = calls_.find(call);
        if (it == calls_.end() || it->second.closed) {
            *error = "the call is closed";
            return std::nullopt;
        }
        hd = it->second.hd;
    }
    if (!lib_.fn().lineGetCallInfo) {
        *error = "TSPI_lineGetCallInfo is not exported";
        return std::nullopt;
    }
    LONG rc = 0;
    auto buf = get_var<LINECALLINFO>([&](LINECALLINFO* ci) { return lib_.fn().lineGetCallInfo(hd, ci); }, rc);
    if (rc != 0) {
        *error = "TSPI_lineGetCallInfo → " + result_name(rc);
        return std::nullopt;
    }
    const auto* ci = reinterpret_cast<const LINECALLINFO*>(buf.data());
    std::map<std::string, std::string> m;
    m["CALLERID"] = var_string(buf, ci->dwCallerIDSize, ci->dwCallerIDOffset);
    m["CALLERIDNAME"] = var_string(buf, ci->dwCallerIDNameSize, ci->dwCallerIDNameOffset);
    m["CALLEDID"] = var_string(buf, ci->dwCalledIDSize, ci->dwCalledIDOffset);
    m["CALLEDIDNAME"] = var_string(buf, ci->dwCalledIDNameSize, ci->dwCalledIDNameOffset);
    m["CONNECTEDID"] = var_string(buf, ci->dwConnectedIDSize, ci->dwConnectedIDOffset);
    m["CONNECTEDIDNAME"] = var_string(buf, ci->dwConnectedIDNameSize, ci->dwConnectedIDNameOffset);
    m["REDIRECTINGID"] = var_string(buf, ci->dwRedirectingIDSize, ci->dwRedirectingIDOffset);
    m["REDIRECTINGIDNAME"] = var_string(buf, ci->dwRedirectingIDNameSize, ci->dwRedirectingIDNameOffset);
    m["REDIRECTIONID"] = var_string(buf, ci->dwRedirectionIDSize, ci->dwRedirectionIDOffset);
    m["REDIRECTIONIDNAME"] = var_string(buf, ci->dwRedirectionIDNameSize, ci->dwRedirectionIDNameOffset);
    m["REASON"] = name_of(family::call_reason, ci->dwReason);
    m["ORIGIN"] = flags_of(family::call_origin, ci->dwOrigin);
    m["APPSPECIFIC"] = std::to_string(ci->dwAppSpecific);
    m["CALLID"] = std::to_string(ci->dwCallID);
    m["RELATEDCALLID"] = std::to_string(ci->dwRelatedCallID);
    m["MEDIAMODE"] = flags_of(family::media_mode, ci->dwMediaMode);
    m["ADDRESSID"] = std::to_string(ci->dwAddressID);
    {
        std::string data;
        if (ci->dwCallDataSize && ci->dwCallDataOffset + std::size_t{ci->dwCallDataSize} <= buf.size())
            data.assign(reinterpret_cast<const char*>(buf.data()) + ci->dwCallDataOffset, ci->dwCallDataSize);
        while (!data.empty() && data.back() == '\0') data.pop_back();
        m["CALLDATA"] = data;
    }
    return m;
}

void host::print_call_info(std::uint64_t key)
{
    std::string error;
    auto m = call_info_values(key, &error);
    const auto label = call_name(key);
    if (!m) {
        note("LINECALLINFO " + label + ": " + error);
        sync_result("callinfo", "lineGetCallInfo", err(LINEERR_OPERATIONFAILED));
        return;
    }
    std::string s = "LINECALLINFO " + label + ":";
    for (auto f : call_info_value_fields()) {
        const auto& val = (*m)[std::string(f)];
        if (val.empty() || val == "0") continue;
        s += " " + std::string(f) + "=" + (val.find(' ') != std::string::npos ? "\"" + val + "\"" : val);
    }
    note(s);
    sync_result("callinfo", "lineGetCallInfo", 0);
}

void host::print_call_status(std::uint64_t key)
{
    HDRVCALL hd;
    {
        std::lock_guard lock(mutex_);
        hd = calls_[key].hd;
    }
    LONG rc = 0;
    auto buf = get_var<LINECALLSTATUS>([&](LINECALLSTATUS* s) { return lib_.fn().lineGetCallStatus(hd, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINECALLSTATUS*>(buf.data());
        std::string mode;
        if (auto mf = mode_family(s->dwCallState); mf && s->dwCallStateMode)
            mode = " (" + flags_of(*mf, s->dwCallStateMode) + ")";
        note("LINECALLSTATUS " + call_name(key) + ": " + name_of(family::call_state, s->dwCallState) + mode +
             " privilege " + flags_of(family::call_privilege, s->dwCallPrivilege) + " features " +
             flags_of(family::call_feature, s->dwCallFeatures));
    }
    sync_result("callstatus", "lineGetCallStatus", rc);
}

std::optional<bool> host::line_in_service(const std::string& line, std::string* error)
{
    HDRVLINE hd{};
    {
        std::lock_guard lock(mutex_);
        auto i = line_index_locked(line);
        if (!i) {
            *error = "unknown line " + line;
            return std::nullopt;
        }
        hd = lines_[*i].hd;
    }
    if (!lib_.fn().lineGetLineDevStatus) {
        *error = "the TSP does not export TSPI_lineGetLineDevStatus";
        return std::nullopt;
    }
    LONG rc = 0;
    auto buf = get_var<LINEDEVSTATUS>([&](LINEDEVSTATUS* s) { return lib_.fn().lineGetLineDevStatus(hd, s); }, rc);
    if (rc != 0) {
        *error = "lineGetLineDevStatus → " + result_name(rc);
        return std::nullopt;
    }
    const auto* s = reinterpret_cast<const LINEDEVSTATUS*>(buf.data());
    return (s->dwDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE) != 0;
}

void host::print_dev_status(std::size_t line)
{
    HDRVLINE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        hd = lines_[line].hd;
        dev = lines_[line].extension;
    }
    LONG rc = 0;
    auto buf = get_var<LINEDEVSTATUS>([&](LINEDEVSTATUS* s) { return lib_.fn().lineGetLineDevStatus(hd, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINEDEVSTATUS*>(buf.data());
        note("LINEDEVSTATUS " + dev + ": flags " + flags_of(family::dev_status_flags, s->dwDevStatusFlags) +
             " active " + std::to_string(s->dwNumActiveCalls) + " onhold " + std::to_string(s->dwNumOnHoldCalls) +
             " onholdpend " + std::to_string(s->dwNumOnHoldPendCalls) + " features " +
             flags_of(family::line_feature, s->dwLineFeatures));
    }
    sync_result("devstatus", "lineGetLineDevStatus", rc);
}

void host::print_address_status(std::size_t line)
{
    HDRVLINE hd;
    std::string dev;
    {
        std::lock_guard lock(mutex_);
        hd = lines_[line].hd;
        dev = lines_[line].extension;
    }
    LONG rc = 0;
    auto buf = get_var<LINEADDRESSSTATUS>(
        [&](LINEADDRESSSTATUS* s) { return lib_.fn().lineGetAddressStatus(hd, 0, s); }, rc);
    if (rc == 0) {
        const auto* s = reinterpret_cast<const LINEADDRESSSTATUS*>(buf.data());
        std::string fwd;
        for (DWORD i = 0; i < s->dwForwardNumEntries; ++i) {
            const std::size_t off = s->dwForwardOffset + i * sizeof(LINEFORWARD);
            if (off + sizeof(LINEFORWARD) > buf.size()) break;
            LINEFORWARD f;
            std::memcpy(&f, buf.data() + off, sizeof f);
            fwd += " " + flags_of(family::forward_mode, f.dwForwardMode) + "→" +
                   var_string(buf, f.dwDestAddressSize, f.dwDestAddressOffset);
        }
        note("LINEADDRESSSTATUS " + dev + ": inuse " + std::to_string(s->dwNumInUse) + " active " +
             std::to_string(s->dwNumActiveCalls) + " onhold " + std::to_string(s->dwNumOnHoldCalls) +
             " features " + flags_of(family::address_feature, s->dwAddressFeatures) + " forward" +
             (fwd.empty() ? " none" : fwd));
    }
    sync_result("addressstatus", "lineGetAddressStatus", rc);
}

std::string host::status_text()
{
    std::ostringstream o;
    std::lock_guard lock(mutex_);
    o << "lines:\n";
    for (const auto& l : lines_) {
        o << "  " << l.extension << "  device " << l.device_id << "  \"" << l.name << "\"  "
          << (l.removed ? "removed" : l.open ? "open" : "closed") << "\n";
    }
    o << "phones:\n";
    for (const auto& p : phones_) {
        o << "  " << p.extension << "  device " << p.device_id << "  \"" << p.name << "\"  "
          << (p.removed ? "removed" : p.open ? "open" : "closed") << "\n";
    }
    o << "calls:\n";
    for (const auto& [key, c] : calls_) {
        if (c.closed) continue;
        o << "  " << c.name << "  line " << lines_[c.line].extension << "  "
          << (c.pending_create ? "(pending) " : "") << name_of(family::call_state, c.state);
        if (auto mf = mode_family(c.state); mf && c.mode) o << " (" << flags_of(*mf, c.mode) << ")";
        o << "\n";
    }
    o << "requests pending: " << checker_.pending() << ", violations: " << checker_.violations().size();
    return o.str();
}

}  // namespace ctigw::tapihost
