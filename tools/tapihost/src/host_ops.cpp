// The TAPISRV stand-in (host.hpp): the line operations, each one TSPI function, and the
// bookkeeping of their requests.
#include <cstring>

#include "agents.hpp"
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/wide.hpp"
#include "host_internal.hpp"

namespace ctigw::tapihost {

using detail::err;
using detail::to_handle;

// ---- operations ---------------------------------------------------------------------------------

op_result host::sync_result(const std::string& verb, const std::string& tspi, LONG rc) {
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
                           const std::function<LONG(DRV_REQUESTID)>& fn) {
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

// ---- the verb table ---------------------------------------------------------------------------

/// One line operation being run: its statement, its lines and calls resolved to the host's
/// records, and one handler per verb (the table below). A friend of host.
class line_op {
  public:
    line_op(host& h, const op_stmt& op, const op_spec& spec)
        : h_(h),
          op_(op),
          fn_(h.lib_.fn()),
          tspi_(spec.tspi),
          line_idx_(op.args.size(), 0),
          call_key_(op.args.size(), 0),
          call_hd_(op.args.size(), nullptr) {}

    /// Finds the lines and calls the arguments name; an error text when one is unusable.
    std::string resolve(const op_spec& spec);

    op_result open();
    op_result close();
    op_result make_call();
    op_result dial();
    op_result answer_accept_drop();
    op_result hold_unhold_remove();
    op_result swaphold();
    op_result blindtransfer_redirect();
    op_result setuptransfer();
    op_result completetransfer();
    op_result setupconference();
    op_result prepareaddtoconference();
    op_result addtoconference();
    op_result park();
    op_result unpark_pickup();
    op_result forward();
    op_result msgwait();
    op_result generatedigits();
    op_result monitordigits();
    op_result setcalldata();
    op_result setappspecific();
    op_result callinfo();
    op_result callstatus();
    op_result devstatus();
    op_result addressstatus();
    op_result closecall();

  private:
    const std::string& verb() const { return op_.verb; }
    std::string arg(std::size_t i) const { return i < op_.args.size() ? op_.args[i] : ""; }
    op_result unavailable(const std::string& f) {
        h_.note("TSPI_" + f + " is not exported");
        return h_.sync_result(verb(), tspi_, err(LINEERR_OPERATIONUNAVAIL));
    }
    op_result async(const std::vector<std::uint64_t>& new_calls,
                    const std::function<LONG(DRV_REQUESTID)>& f) {
        return h_.async_call(verb(), tspi_, new_calls, f);
    }
    op_result sync(LONG rc) { return h_.sync_result(verb(), tspi_, rc); }
    /// A call this operation creates, named by the statement's `as` name number `name_index`.
    std::uint64_t new_call(std::size_t line, std::size_t name_index) {
        std::lock_guard lock(h_.mutex_);
        const auto name = name_index < op_.names.size() ? op_.names[name_index] : std::string();
        return h_.new_call_locked(line, name, true);
    }
    void set_hd(std::uint64_t key, HDRVCALL hd) {
        std::lock_guard lock(h_.mutex_);
        h_.calls_[key].hd = hd;
    }
    HDRVLINE line_hd(std::size_t li) {
        std::lock_guard lock(h_.mutex_);
        return h_.lines_[li].hd;
    }
    std::size_t line_of_call(std::uint64_t key) {
        std::lock_guard lock(h_.mutex_);
        return h_.calls_[key].line;
    }

    host& h_;
    const op_stmt& op_;
    const tspi_table& fn_;
    std::string tspi_;
    std::vector<std::size_t> line_idx_;
    std::vector<std::uint64_t> call_key_;
    std::vector<HDRVCALL> call_hd_;
};

namespace {

/// The verb table: each line operation of the language (scenario_ops.cpp has its TSPI function,
/// arguments and usage) and its handler. `phone` and the agent verbs go elsewhere (host::run).
struct verb_handler {
    std::string_view verb;
    op_result (line_op::*run)();
};

const verb_handler verb_handlers[] = {
    {"open", &line_op::open},
    {"close", &line_op::close},
    {"call", &line_op::make_call},
    {"dial", &line_op::dial},
    {"answer", &line_op::answer_accept_drop},
    {"accept", &line_op::answer_accept_drop},
    {"drop", &line_op::answer_accept_drop},
    {"hold", &line_op::hold_unhold_remove},
    {"unhold", &line_op::hold_unhold_remove},
    {"removefromconference", &line_op::hold_unhold_remove},
    {"swaphold", &line_op::swaphold},
    {"blindtransfer", &line_op::blindtransfer_redirect},
    {"redirect", &line_op::blindtransfer_redirect},
    {"setuptransfer", &line_op::setuptransfer},
    {"completetransfer", &line_op::completetransfer},
    {"setupconference", &line_op::setupconference},
    {"prepareaddtoconference", &line_op::prepareaddtoconference},
    {"addtoconference", &line_op::addtoconference},
    {"park", &line_op::park},
    {"unpark", &line_op::unpark_pickup},
    {"pickup", &line_op::unpark_pickup},
    {"grouppickup", &line_op::unpark_pickup},
    {"forward", &line_op::forward},
    {"msgwait", &line_op::msgwait},
    {"generatedigits", &line_op::generatedigits},
    {"monitordigits", &line_op::monitordigits},
    {"setcalldata", &line_op::setcalldata},
    {"setappspecific", &line_op::setappspecific},
    {"callinfo", &line_op::callinfo},
    {"callstatus", &line_op::callstatus},
    {"devstatus", &line_op::devstatus},
    {"addressstatus", &line_op::addressstatus},
    {"closecall", &line_op::closecall},
};

const verb_handler* find_handler(std::string_view verb) {
    for (const auto& h : verb_handlers)
        if (h.verb == verb) return &h;
    return nullptr;
}

}  // namespace

std::vector<std::string_view> host::line_verbs() {
    std::vector<std::string_view> out;
    for (const auto& h : verb_handlers) out.push_back(h.verb);
    return out;
}

op_result host::run(const op_stmt& op) {
    op_result bad;
    if (op.verb == "phone") return run_phone(op);
    if (agent::find_verb(op.verb)) {
        if (!agents_) {
            bad.error = "agent statements need a started host";
            return bad;
        }
        return agents_->run(op);
    }
    const auto* spec = find_op(op.verb);
    const auto* handler = find_handler(op.verb);
    if (!spec || !handler) {
        bad.error = "operation \"" + op.verb + "\" is not implemented by the host";
        return bad;
    }
    line_op run(*this, op, *spec);
    if (auto e = run.resolve(*spec); !e.empty()) {
        bad.error = e;
        return bad;
    }
    return (run.*handler->run)();
}

std::string line_op::resolve(const op_spec& spec) {
    std::lock_guard lock(h_.mutex_);
    for (std::size_t i = 0; i < op_.args.size() && i < spec.args.size(); ++i) {
        const auto& a = op_.args[i];
        if (spec.args[i] == arg_kind::line) {
            auto li = h_.line_index_locked(a);
            if (!li) return "unknown line \"" + a + "\"";
            line_idx_[i] = *li;
            if (verb() != "open" && !h_.lines_[*li].open) return "line " + a + " is not open";
        } else if (spec.args[i] == arg_kind::call) {
            const auto key = h_.call_key_locked(a);
            if (!key) return "call \"" + a + "\" does not exist (yet)";
            auto found = h_.calls_.find(*key);
            if (found == h_.calls_.end())
                return "call \"" + a + "\" was forgotten (closed long ago)";
            auto& c = found->second;
            // A closed call's handle is stale: it still goes to the TSP, which must refuse it
            // (LINEERR_INVALCALLHANDLE) without any event.
            if (c.closed) {
                event n;
                n.kind = event_kind::note;
                n.text = "call " + a + " is closed: passing its stale handle";
                h_.push_locked(std::move(n));
            }
            call_key_[i] = *key;
            call_hd_[i] = c.hd;
        }
    }
    return {};
}

// ---- the handlers -------------------------------------------------------------------------------

op_result line_op::open() {
    return sync(h_.open_line(line_idx_[0]) ? 0 : err(LINEERR_OPERATIONFAILED));
}

op_result line_op::close() {
    h_.close_line(line_idx_[0]);
    return sync(0);
}

op_result line_op::make_call() {
    if (!fn_.lineMakeCall) return unavailable("lineMakeCall");
    const auto key = new_call(line_idx_[0], 0);
    const auto dest = to_wide(arg(1));
    HDRVCALL hd = nullptr;
    const auto lhd = line_hd(line_idx_[0]);
    auto r = async({key}, [&](DRV_REQUESTID id) {
        return fn_.lineMakeCall(id, lhd, to_handle<HTAPICALL>(key), &hd,
                                op_.args.size() > 1 ? dest.c_str() : nullptr, 0, nullptr);
    });
    set_hd(key, hd);
    return r;
}

op_result line_op::dial() {
    if (!fn_.lineDial) return unavailable("lineDial");
    const auto dest = to_wide(arg(1));
    return async({},
                 [&](DRV_REQUESTID id) { return fn_.lineDial(id, call_hd_[0], dest.c_str(), 0); });
}

op_result line_op::answer_accept_drop() {
    auto f = verb() == "answer"   ? fn_.lineAnswer
             : verb() == "accept" ? fn_.lineAccept
                                  : fn_.lineDrop;
    if (!f) return unavailable(tspi_);
    return async({}, [&](DRV_REQUESTID id) { return f(id, call_hd_[0], nullptr, 0); });
}

op_result line_op::hold_unhold_remove() {
    auto f = verb() == "hold"     ? fn_.lineHold
             : verb() == "unhold" ? fn_.lineUnhold
                                  : fn_.lineRemoveFromConference;
    if (!f) return unavailable(tspi_);
    return async({}, [&](DRV_REQUESTID id) { return f(id, call_hd_[0]); });
}

op_result line_op::swaphold() {
    if (!fn_.lineSwapHold) return unavailable("lineSwapHold");
    return async({},
                 [&](DRV_REQUESTID id) { return fn_.lineSwapHold(id, call_hd_[0], call_hd_[1]); });
}

op_result line_op::blindtransfer_redirect() {
    auto f = verb() == "blindtransfer" ? fn_.lineBlindTransfer : fn_.lineRedirect;
    if (!f) return unavailable(tspi_);
    const auto dest = to_wide(arg(1));
    return async({}, [&](DRV_REQUESTID id) { return f(id, call_hd_[0], dest.c_str(), 0); });
}

op_result line_op::setuptransfer() {
    if (!fn_.lineSetupTransfer) return unavailable("lineSetupTransfer");
    const auto key = new_call(line_of_call(call_key_[0]), 0);
    HDRVCALL hd = nullptr;
    auto r = async({key}, [&](DRV_REQUESTID id) {
        return fn_.lineSetupTransfer(id, call_hd_[0], to_handle<HTAPICALL>(key), &hd, nullptr);
    });
    set_hd(key, hd);
    return r;
}

op_result line_op::completetransfer() {
    if (!fn_.lineCompleteTransfer) return unavailable("lineCompleteTransfer");
    const bool conf = arg(2) == "conference";
    std::uint64_t key = 0;
    if (conf) key = new_call(line_of_call(call_key_[0]), 0);
    HDRVCALL hd = nullptr;
    auto r = async(conf ? std::vector<std::uint64_t>{key} : std::vector<std::uint64_t>{},
                   [&](DRV_REQUESTID id) {
                       return fn_.lineCompleteTransfer(
                           id, call_hd_[0], call_hd_[1], conf ? to_handle<HTAPICALL>(key) : nullptr,
                           conf ? &hd : nullptr,
                           conf ? LINETRANSFERMODE_CONFERENCE : LINETRANSFERMODE_TRANSFER);
                   });
    if (conf) set_hd(key, hd);
    return r;
}

op_result line_op::setupconference() {
    if (!fn_.lineSetupConference) return unavailable("lineSetupConference");
    const auto li = line_of_call(call_key_[0]);
    const auto conf = new_call(li, 0);
    const auto consult = new_call(li, 1);
    const DWORD parties = op_.args.size() > 1 ? static_cast<DWORD>(std::stoul(arg(1))) : 3;
    HDRVCALL hconf = nullptr, hcons = nullptr;
    const auto lhd = line_hd(li);
    auto r = async({conf, consult}, [&](DRV_REQUESTID id) {
        return fn_.lineSetupConference(id, call_hd_[0], lhd, to_handle<HTAPICALL>(conf), &hconf,
                                       to_handle<HTAPICALL>(consult), &hcons, parties, nullptr);
    });
    set_hd(conf, hconf);
    set_hd(consult, hcons);
    return r;
}

op_result line_op::prepareaddtoconference() {
    if (!fn_.linePrepareAddToConference) return unavailable("linePrepareAddToConference");
    const auto key = new_call(line_of_call(call_key_[0]), 0);
    HDRVCALL hd = nullptr;
    auto r = async({key}, [&](DRV_REQUESTID id) {
        return fn_.linePrepareAddToConference(id, call_hd_[0], to_handle<HTAPICALL>(key), &hd,
                                              nullptr);
    });
    set_hd(key, hd);
    return r;
}

op_result line_op::addtoconference() {
    if (!fn_.lineAddToConference) return unavailable("lineAddToConference");
    return async({}, [&](DRV_REQUESTID id) {
        return fn_.lineAddToConference(id, call_hd_[0], call_hd_[1]);
    });
}

op_result line_op::park() {
    if (!fn_.linePark) return unavailable("linePark");
    if (arg(1) == "directed") {
        const auto dest = to_wide(arg(2));
        return async({}, [&](DRV_REQUESTID id) {
            return fn_.linePark(id, call_hd_[0], LINEPARKMODE_DIRECTED, dest.c_str(), nullptr);
        });
    }
    // The TSP fills the VARSTRING when the request completes: it must outlive the request.
    auto buf = std::make_shared<std::vector<unsigned char>>(512, 0);
    reinterpret_cast<VARSTRING*>(buf->data())->dwTotalSize = 512;
    {
        std::lock_guard lock(h_.mutex_);
        h_.park_buffers_.push_back(buf);
    }
    auto r = async({}, [&](DRV_REQUESTID id) {
        return fn_.linePark(id, call_hd_[0], LINEPARKMODE_NONDIRECTED, nullptr,
                            reinterpret_cast<VARSTRING*>(buf->data()));
    });
    {
        std::lock_guard lock(h_.mutex_);
        h_.park_requests_[r.id] = buf;
        if (op_.args.size() > 2) h_.park_expected_[r.id] = arg(2);
    }
    return r;
}

op_result line_op::unpark_pickup() {
    // The export first: a call record made for a function that is not there stays "(pending)".
    if (verb() == "unpark" ? !fn_.lineUnpark : !fn_.linePickup) {
        return unavailable(verb() == "unpark" ? "lineUnpark" : "linePickup");
    }
    const auto key = new_call(line_idx_[0], 0);
    HDRVCALL hd = nullptr;
    const auto lhd = line_hd(line_idx_[0]);
    const auto a1 = to_wide(arg(1));
    const auto a2 = to_wide(arg(2));
    op_result r;
    if (verb() == "unpark") {
        r = async({key}, [&](DRV_REQUESTID id) {
            return fn_.lineUnpark(id, lhd, 0, to_handle<HTAPICALL>(key), &hd, a1.c_str());
        });
    } else {
        const bool group = verb() == "grouppickup";
        r = async({key}, [&](DRV_REQUESTID id) {
            return fn_.linePickup(
                id, lhd, 0, to_handle<HTAPICALL>(key), &hd, group ? nullptr : a1.c_str(),
                group ? a1.c_str() : (op_.args.size() > 2 ? a2.c_str() : nullptr));
        });
    }
    set_hd(key, hd);
    return r;
}

op_result line_op::forward() {
    if (!fn_.lineForward) return unavailable("lineForward");
    const auto mode = arg(1);
    const auto dest = to_wide(arg(2));
    const DWORD rings = op_.args.size() > 3 ? static_cast<DWORD>(std::stoul(arg(3))) : 0;
    std::vector<unsigned char> list;
    LINEFORWARDLIST* lp = nullptr;
    if (mode != "cancel") {
        const DWORD fixed = static_cast<DWORD>(sizeof(LINEFORWARDLIST));
        const DWORD dest_bytes =
            mode == "dnd" ? 0 : static_cast<DWORD>((dest.size() + 1) * sizeof(WCHAR));
        list.assign(fixed + dest_bytes, 0);
        lp = reinterpret_cast<LINEFORWARDLIST*>(list.data());
        lp->dwTotalSize = static_cast<DWORD>(list.size());
        lp->dwNumEntries = 1;
        auto& f = lp->ForwardList[0];
        f.dwForwardMode = mode == "busy"       ? LINEFORWARDMODE_BUSY
                          : mode == "noanswer" ? LINEFORWARDMODE_NOANSW
                          : mode == "busyna"   ? LINEFORWARDMODE_BUSYNA
                                               : LINEFORWARDMODE_UNCOND;
        if (dest_bytes) {
            f.dwDestAddressOffset = fixed;
            f.dwDestAddressSize = dest_bytes;
            std::memcpy(list.data() + fixed, dest.c_str(), dest_bytes);
        }
    }
    const auto lhd = line_hd(line_idx_[0]);
    HDRVCALL consult = nullptr;
    auto r = async({}, [&](DRV_REQUESTID id) {
        return fn_.lineForward(id, lhd, 1, 0, lp, rings, nullptr, &consult, nullptr);
    });
    if (consult != nullptr) h_.note("lineForward returned a consultation call handle (not used)");
    return r;
}

op_result line_op::msgwait() {
    if (!fn_.lineSetLineDevStatus) return unavailable("lineSetLineDevStatus");
    const auto lhd = line_hd(line_idx_[0]);
    const DWORD on = arg(1) == "on" ? 1 : 0;
    return async({}, [&](DRV_REQUESTID id) {
        return fn_.lineSetLineDevStatus(id, lhd, LINEDEVSTATUSFLAGS_MSGWAIT, on);
    });
}

op_result line_op::generatedigits() {
    if (!fn_.lineGenerateDigits) return unavailable("lineGenerateDigits");
    const auto digits = to_wide(arg(1));
    const DWORD duration = op_.args.size() > 2 ? static_cast<DWORD>(std::stoul(arg(2))) : 0;
    DWORD end_to_end;
    {
        std::lock_guard lock(h_.mutex_);
        end_to_end = h_.next_request_;
    }
    return sync(fn_.lineGenerateDigits(call_hd_[0], end_to_end, LINEDIGITMODE_DTMF, digits.c_str(),
                                       duration));
}

op_result line_op::monitordigits() {
    if (!fn_.lineMonitorDigits) return unavailable("lineMonitorDigits");
    return sync(fn_.lineMonitorDigits(call_hd_[0], arg(1) == "on" ? LINEDIGITMODE_DTMF : 0));
}

op_result line_op::setcalldata() {
    if (!fn_.lineSetCallData) return unavailable("lineSetCallData");
    std::string data = arg(1);
    return async({}, [&](DRV_REQUESTID id) {
        return fn_.lineSetCallData(id, call_hd_[0], data.empty() ? nullptr : data.data(),
                                   static_cast<DWORD>(data.size()));
    });
}

op_result line_op::setappspecific() {
    if (!fn_.lineSetAppSpecific) return unavailable("lineSetAppSpecific");
    return sync(fn_.lineSetAppSpecific(call_hd_[0], static_cast<DWORD>(std::stoul(arg(1)))));
}

op_result line_op::callinfo() {
    if (!fn_.lineGetCallInfo) return unavailable("lineGetCallInfo");
    h_.print_call_info(call_key_[0]);
    return {};
}

op_result line_op::callstatus() {
    if (!fn_.lineGetCallStatus) return unavailable("lineGetCallStatus");
    h_.print_call_status(call_key_[0]);
    return {};
}

op_result line_op::devstatus() {
    if (!fn_.lineGetLineDevStatus) return unavailable("lineGetLineDevStatus");
    h_.print_dev_status(line_idx_[0]);
    return {};
}

op_result line_op::addressstatus() {
    if (!fn_.lineGetAddressStatus) return unavailable("lineGetAddressStatus");
    h_.print_address_status(line_idx_[0]);
    return {};
}

op_result line_op::closecall() {
    if (auto rc = h_.close_call(call_key_[0], "closecall")) return sync(*rc);
    if (!fn_.lineCloseCall) return unavailable("lineCloseCall");
    return sync(fn_.lineCloseCall(call_hd_[0]));  // already closed: the stale handle
}

}  // namespace ctigw::tapihost
