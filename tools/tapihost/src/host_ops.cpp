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

op_result host::run(const op_stmt& op) {
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
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineDial(id, call_hd[0], dest.c_str(), 0);
        });
    }
    if (v == "answer" || v == "accept" || v == "drop") {
        auto f = v == "answer" ? fn.lineAnswer : v == "accept" ? fn.lineAccept : fn.lineDrop;
        if (!f) return unavailable(tspi.c_str());
        return async_call(v, tspi, {},
                          [&](DRV_REQUESTID id) { return f(id, call_hd[0], nullptr, 0); });
    }
    if (v == "hold" || v == "unhold" || v == "removefromconference") {
        auto f = v == "hold"     ? fn.lineHold
                 : v == "unhold" ? fn.lineUnhold
                                 : fn.lineRemoveFromConference;
        if (!f) return unavailable(tspi.c_str());
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) { return f(id, call_hd[0]); });
    }
    if (v == "swaphold") {
        if (!fn.lineSwapHold) return unavailable("lineSwapHold");
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineSwapHold(id, call_hd[0], call_hd[1]);
        });
    }
    if (v == "blindtransfer" || v == "redirect") {
        auto f = v == "blindtransfer" ? fn.lineBlindTransfer : fn.lineRedirect;
        if (!f) return unavailable(tspi.c_str());
        const auto dest = to_wide(arg(1));
        return async_call(v, tspi, {},
                          [&](DRV_REQUESTID id) { return f(id, call_hd[0], dest.c_str(), 0); });
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
        auto r = async_call(
            v, tspi, conf ? std::vector<std::uint64_t>{key} : std::vector<std::uint64_t>{},
            [&](DRV_REQUESTID id) {
                return fn.lineCompleteTransfer(
                    id, call_hd[0], call_hd[1], conf ? to_handle<HTAPICALL>(key) : nullptr,
                    conf ? &hd : nullptr,
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
            return fn.linePrepareAddToConference(id, call_hd[0], to_handle<HTAPICALL>(key), &hd,
                                                 nullptr);
        });
        set_hd(key, hd);
        return r;
    }
    if (v == "addtoconference") {
        if (!fn.lineAddToConference) return unavailable("lineAddToConference");
        return async_call(v, tspi, {}, [&](DRV_REQUESTID id) {
            return fn.lineAddToConference(id, call_hd[0], call_hd[1]);
        });
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
                return fn.linePickup(
                    id, lhd, 0, to_handle<HTAPICALL>(key), &hd, group ? nullptr : a1.c_str(),
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
        const LONG rc = fn.lineGenerateDigits(call_hd[0], end_to_end, LINEDIGITMODE_DTMF,
                                              digits.c_str(), duration);
        return sync_result(v, tspi, rc);
    }
    if (v == "monitordigits") {
        if (!fn.lineMonitorDigits) return unavailable("lineMonitorDigits");
        return sync_result(
            v, tspi, fn.lineMonitorDigits(call_hd[0], arg(1) == "on" ? LINEDIGITMODE_DTMF : 0));
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
        return sync_result(
            v, tspi, fn.lineSetAppSpecific(call_hd[0], static_cast<DWORD>(std::stoul(arg(1)))));
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

}  // namespace ctigw::tapihost
