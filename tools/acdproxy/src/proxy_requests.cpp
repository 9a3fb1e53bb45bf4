// Requests and events: LINE_PROXYREQUEST -> lineDevSpecific(header + copy) -> LINE_REPLY ->
// copy back -> lineProxyResponse, once; timeouts; LINE_DEVSPECIFIC agent events ->
// lineProxyMessage.
#include <cstddef>
#include <cstring>
#include <iterator>
#include <new>
#include <utility>

#include "proxy_impl.hpp"

namespace ctigw::acdproxy {

static_assert(offsetof(LINEPROXYREQUEST, dwRequestType) + sizeof(DWORD) ==
              offsetof(LINEPROXYREQUEST, SetAgentState));
static_assert(offsetof(LINEPROXYREQUEST, SetAgentState) + sizeof(DWORD) == min_request_size);
static_assert(offsetof(LINEPROXYREQUEST, GetAgentCaps) ==
              offsetof(LINEPROXYREQUEST, SetAgentState));  // dwAddressID is the union's first field

namespace {

constexpr std::size_t header_size = sizeof(tsp::agent_request_header);

std::string_view type_name(DWORD type) {
    static constexpr std::string_view names[] = {"SETAGENTGROUP",
                                                 "SETAGENTSTATE",
                                                 "SETAGENTACTIVITY",
                                                 "GETAGENTCAPS",
                                                 "GETAGENTSTATUS",
                                                 "AGENTSPECIFIC",
                                                 "GETAGENTACTIVITYLIST",
                                                 "GETAGENTGROUPLIST",
                                                 "CREATEAGENT",
                                                 "SETAGENTMEASUREMENTPERIOD",
                                                 "GETAGENTINFO",
                                                 "CREATEAGENTSESSION",
                                                 "GETAGENTSESSIONLIST",
                                                 "SETAGENTSESSIONSTATE",
                                                 "GETAGENTSESSIONINFO",
                                                 "GETQUEUELIST",
                                                 "SETQUEUEMEASUREMENTPERIOD",
                                                 "GETQUEUEINFO",
                                                 "GETGROUPLIST",
                                                 "SETAGENTSTATEEX"};
    if (type >= 1 && type <= std::size(names)) return names[type - 1];
    return "?";
}

std::string describe(const pending_request& p) {
    std::string text = std::string(type_name(p.type)) + " on hLine " + hex(p.line);
    if (p.device) text += " (device " + std::to_string(*p.device) + ")";
    return text;
}

}  // namespace

std::string_view to_string(answer_reason r) {
    switch (r) {
        case answer_reason::completed:
            return "completed";
        case answer_reason::invalid:
            return "invalid request";
        case answer_reason::table_full:
            return "too many pending requests";
        case answer_reason::no_memory:
            return "no memory for the copy";
        case answer_reason::forward_failed:
            return "lineDevSpecific failed";
        case answer_reason::not_open:
            return "line not open";
        case answer_reason::timeout:
            return "timeout";
        case answer_reason::line_closed:
            return "LINE_CLOSE";
        case answer_reason::line_removed:
            return "LINE_REMOVE";
        case answer_reason::stopping:
            return "stopping";
        case answer_reason::replaced:
            return "request id reused";
    }
    return "?";
}

void proxy::impl::answer(pending_request& p, DWORD result, answer_reason why) {
    if (p.answered || p.original == nullptr) {
        p.answered = true;
        return;
    }
    p.answered = true;
    LINEPROXYREQUEST* request = std::exchange(p.original, nullptr);
    // TAPISRV returns data to the application only on success; a failing provider's partial
    // writes stay out. TAPISRV's dwSize and type are kept whatever the provider wrote there.
    if (why == answer_reason::completed && result == 0 && p.buffer) {
        std::memcpy(request, p.buffer.get() + header_size, p.size);
        request->dwSize = p.size;
        request->dwRequestType = p.type;
    }
    LONG r = static_cast<LONG>(LINEERR_OPERATIONFAILED);
    try {
        r = tapi_.proxy_response(p.line, request, result);
    } catch (...) {  // answered all the same: never twice; the caller's loop goes on
    }
    ++(result == 0 ? counts_.answered_ok : counts_.answered_error);
    if (why == answer_reason::timeout) ++counts_.timed_out;

    const bool expected = why == answer_reason::completed || why == answer_reason::stopping ||
                          why == answer_reason::line_closed || why == answer_reason::line_removed;
    const int level = why == answer_reason::completed && result == 0 ? log_level::debug
                      : expected                                     ? log_level::info
                                                                     : log_level::warn;
    log(level,
        describe(p) + ": answered " + hex(result) + " (" + std::string(to_string(why)) + ")");
    if (r != 0) log(log_level::warn, describe(p) + ": lineProxyResponse failed: " + err(r));
}

void proxy::impl::on_proxy_request(HLINE line, LINEPROXYREQUEST* request, time_point now) {
    if (request == nullptr) {
        log(log_level::warn, "LINE_PROXYREQUEST without a request on hLine " + hex(line));
        return;  // nothing TAPISRV could match an answer to
    }
    pending_request p;
    p.line = line;
    p.original = request;
    p.size = request->dwSize;
    p.type = request->dwRequestType;
    const line_entry* l = find_open(line);
    if (l != nullptr) p.device = l->device;

    if (p.size < min_request_size || p.size > max_request_size || p.type < 1 ||
        p.type > LINEPROXYREQUEST_SETAGENTSTATEEX) {
        log(log_level::warn, "malformed LINEPROXYREQUEST: dwSize " + std::to_string(p.size) +
                                 ", dwRequestType " + std::to_string(p.type));
        return answer(p, LINEERR_INVALPARAM, answer_reason::invalid);
    }
    if (l == nullptr) return answer(p, LINEERR_OPERATIONFAILED, answer_reason::not_open);
    if (requests_.size() >= opt_.max_pending)
        return answer(p, LINEERR_RESOURCEUNAVAIL, answer_reason::table_full);

    // Allocate everything before lineDevSpecific: once TAPI holds the buffer, nothing may throw
    // before the entry that owns it is in the table. Key 0 is never a request id.
    std::map<DWORD, pending_request>::iterator slot;
    try {
        p.buffer = std::make_unique<std::byte[]>(header_size + p.size);
        slot = requests_.try_emplace(0).first;
    } catch (const std::bad_alloc&) {
        requests_.erase(0);
        return answer(p, LINEERR_NOMEM, answer_reason::no_memory);
    }
    const tsp::agent_request_header header{tsp::agent_request_magic, tsp::agent_ext_version, 0, 0};
    std::memcpy(p.buffer.get(), &header, header_size);
    std::memcpy(p.buffer.get() + header_size, request, p.size);
    DWORD address = 0;
    if (is_address_request(p.type)) address = request->SetAgentState.dwAddressID;

    LONG r = static_cast<LONG>(LINEERR_OPERATIONFAILED);
    try {
        r = tapi_.dev_specific(line, address, p.buffer.get(),
                               static_cast<DWORD>(header_size + p.size));
    } catch (...) {  // the request must still be answered
    }
    if (r <= 0) {
        requests_.erase(slot);
        log(log_level::warn, describe(p) + ": lineDevSpecific failed: " + err(r));
        return answer(p, r < 0 ? static_cast<DWORD>(r) : LINEERR_OPERATIONFAILED,
                      answer_reason::forward_failed);
    }
    const auto id = static_cast<DWORD>(r);
    p.deadline = now + opt_.request_timeout;
    // TAPI reuses an id only once its request is over; an entry still under it is stale.
    auto stale = requests_.extract(id);
    slot->second = std::move(p);
    auto node = requests_.extract(slot);
    node.key() = id;
    requests_.insert(std::move(node));  // the key is free: no allocation, cannot fail
    ++counts_.requests_forwarded;

    if (!stale.empty()) {
        log(log_level::warn, "lineDevSpecific returned request id " + hex(id) + " still in use");
        answer(stale.mapped(), LINEERR_OPERATIONFAILED, answer_reason::replaced);
    }
    const auto& fwd = requests_.at(id);
    log(log_level::debug, describe(fwd) + ": forwarded as request " + hex(id) + " (" +
                              std::to_string(fwd.size) + " bytes, address " +
                              std::to_string(address) + ")");
}

void proxy::impl::on_reply(DWORD request_id, DWORD result) {
    auto node = request_id != 0 ? requests_.extract(request_id) : decltype(requests_)::node_type{};
    if (node.empty()) {
        log(log_level::debug, "LINE_REPLY for request " + hex(request_id) + ", not ours");
        return;
    }
    auto& p = node.mapped();
    if (!p.answered) return answer(p, result, answer_reason::completed);
    log(log_level::debug, describe(p) + ": late LINE_REPLY " + hex(result) + " for request " +
                              hex(request_id) + ", answered before; buffer released");
}

void proxy::impl::expire(time_point now) {
    for (auto& [id, p] : requests_)
        if (!p.answered && p.deadline <= now)
            answer(p, LINEERR_OPERATIONFAILED, answer_reason::timeout);
}

void proxy::impl::answer_all(std::optional<HLINE> line, answer_reason why) {
    // The buffers stay: the provider may still complete those lineDevSpecific requests.
    for (auto& [id, p] : requests_)
        if (!p.answered && (!line || p.line == *line)) answer(p, LINEERR_OPERATIONFAILED, why);
}

void proxy::impl::on_devspecific(HLINE line, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    const auto event = tsp::decode_agent_event(p1, p2, p3);
    if (!event) {
        log(log_level::debug,
            "LINE_DEVSPECIFIC " + hex(static_cast<DWORD>(p1)) + " is not an agent event, ignored");
        return;
    }
    const line_entry* l = find_open(line);
    if (l == nullptr) {
        log(log_level::debug, "agent event on hLine " + hex(line) + ", not open: dropped");
        return;
    }
    const LONG r =
        tapi_.proxy_message(line, 0, event->message, event->param1, event->param2, event->param3);
    if (r != 0) {
        log(log_level::warn, "device " + std::to_string(l->device) + ": lineProxyMessage(" +
                                 std::to_string(event->message) + ") failed: " + err(r));
        return;
    }
    ++counts_.events_relayed;
}

}  // namespace ctigw::acdproxy
