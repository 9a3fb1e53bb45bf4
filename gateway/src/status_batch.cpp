// GetDeviceStatusBatch (docs/protocol.md §5.11), served by the gateway for every backend: each
// read of each device becomes the backend's own Get* service (the same path a single GetForwarding
// takes, with the same capabilities), and the answers are gathered into one response. A backend
// needs nothing new, and a read it cannot do is an item error, never a failed batch. A backend
// that holds the status in memory (the simulator) answers a read at once (read_now) or a device's
// reads all at once (read_status_now).
//
// Thread safety: the gateway's io_context thread, like the rest of server_core.
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <type_traits>

#include "access_rules.hpp"
#include "server_core.hpp"
#include "status_item.hpp"

namespace ctigw::gateway::detail {

using namespace protocol;

namespace {

/// One batch in progress: its items fill as the backend answers; the response goes when the last
/// read is in (and not before every read was started: a backend may answer inside execute()).
struct status_gather {
    std::string id;
    std::weak_ptr<session_base> session;
    svc::get_device_status_batch::result out;
    std::size_t pending = 0;
    bool started = false;
    bool sent = false;
    bool share = false;  ///< the client allowSameAs: alike items carry their reads once
};

bool listed(const std::vector<std::string>& unsupported, std::string_view service) {
    return std::find(unsupported.begin(), unsupported.end(), service) != unsupported.end();
}

/// The result of service S in a backend's answer; null for an error, or for a backend that
/// answered with another service's result (its bug: an item error here, never an exception).
template <class S>
typename S::result* result_of(response& res) {
    auto* r = std::get_if<service_result>(&res.outcome);
    return r != nullptr ? std::get_if<typename S::result>(r) : nullptr;
}

csta_error error_of(response& res) {
    if (auto* e = std::get_if<csta_error>(&res.outcome)) return std::move(*e);
    return error(error_category::operation, error_values::generic,
                 "the switch answered with another service's result");
}

/// Runs read `req` for the gather: at once when the backend answers it from memory
/// (switch_backend::read_now), otherwise through execute(), counted in `pending`, with the batch's
/// `finish` after the answer. `on_answer(g, response, finish)` stores the answer either way.
template <class OnAnswer, class Finish>
void run_read(switch_backend& backend, const std::shared_ptr<status_gather>& g, const request& req,
              OnAnswer on_answer, const Finish& finish) {
    if (auto now = backend.read_now(req)) return on_answer(g, std::move(*now), finish);
    ++g->pending;
    backend.execute(req, [g, on_answer = std::move(on_answer), finish](response res) {
        on_answer(g, std::move(res), finish);
        --g->pending;
        finish();
    });
}

/// GetLampMode of every lamp `buttons` names, into item `i` (`lamp_unsupported`: the device's
/// capabilities exclude GetLampMode); one error per item is enough.
template <class Finish>
void read_lamps(switch_backend& backend, const std::shared_ptr<status_gather>& g, std::size_t i,
                const std::vector<button_info>& buttons, bool lamp_unsupported,
                const Finish& finish) {
    const auto& device = g->out.results[i].device;
    if (lamp_unsupported) {
        g->out.results[i].errors.push_back(
            {status_read::lamps, not_supported(svc::get_lamp_mode::name, device)});
        return;
    }
    for (const auto& b : buttons) {
        if (!b.lamp) continue;
        run_read(
            backend, g, request{g->id, svc::get_lamp_mode::params{device, *b.lamp}},
            [i, lamp = *b.lamp](const std::shared_ptr<status_gather>& gather, response res,
                                const Finish&) {
                auto& it = gather->out.results[i];
                if (auto* got = result_of<svc::get_lamp_mode>(res)) {
                    it.lamps.push_back({lamp, got->mode});
                } else {
                    lamp_failed(it, error_of(res));
                }
            },
            finish);
    }
}

}  // namespace

void server_core::status_batch(session_base& s, const request& r) {
    const auto& p = std::get<svc::get_device_status_batch::params>(r.params);
    auto g = std::make_shared<status_gather>();
    g->id = r.id;
    g->session = sessions.at(s.id());
    g->share = p.allow_same_as.value_or(false);
    g->out.results.resize(p.devices.size());
    auto self = shared_from_this();
    auto finish = [self, g] {
        if (!g->started || g->pending != 0 || g->sent) return;
        g->sent = true;
        auto live = g->session.lock();
        if (!live || !self->sessions.count(live->id())) return;  // the session went away
        // Errors in StatusRead order, however the backend answered (at once, later, in bulk).
        for (auto& item : g->out.results) sort_errors(item);
        // Before the frame limit is applied: the items it may cut are the last ones, and
        // references only point back.
        if (g->share) share_equal_reads(g->out.results);
        self->send_batch_response<svc::get_device_status_batch>(
            *live, g->id, g->out, [](device_status_item& item) {
                auto device = std::move(item.device);
                item = device_status_item{};
                item.device = std::move(device);
                item.error = limited_item();
            });
    };
    const bool want_buttons = reads_contain(p.reads, status_read::buttons);
    const bool want_lamps = reads_contain(p.reads, status_read::lamps);
    for (std::size_t i = 0; i < p.devices.size(); ++i) {
        const auto& device = p.devices[i];
        auto& item = g->out.results[i];
        item.device = device;
        if (rights(s, device) == access::none) {
            note_refusal(s, "GetDeviceStatusBatch", "device " + device);
            item.error = privilege_violation("device " + device);
            continue;
        }
        if (!backend.is_device(device)) {
            item.error = error(error_category::operation, error_values::invalid_device_id,
                               "device " + device + " is not a device of this switch");
            continue;
        }
        const auto unsupported = backend.unsupported_services(device);
        const bool lamp_unsupported = listed(unsupported, svc::get_lamp_mode::name);
        // The reads the device's capabilities exclude are item errors now; the others go to the
        // backend (lamps come with the buttons: GetButtonInformation names them).
        std::array<status_read, enum_traits<status_read>::names.size()> todo{};
        std::size_t count = 0;
        for (const auto read : p.reads) {
            with_service(read, [&]<class S>(std::type_identity<S>) {
                if (!listed(unsupported, S::name)) {
                    todo.at(count++) = read;
                } else if (read == status_read::buttons) {
                    buttons_failed(item, true, want_lamps, not_supported(S::name, device));
                } else if (read != status_read::lamps || !want_buttons) {
                    item.errors.push_back({read, not_supported(S::name, device)});
                }
            });
        }
        const std::span<const status_read> reads(todo.data(), count);
        // All at once when the backend can (a lamp read the device cannot do is found through
        // its buttons, read by read).
        if (reads.empty() ||
            (!(want_lamps && lamp_unsupported) && backend.read_status_now(device, reads, item))) {
            continue;
        }
        for (const auto read : reads) {
            if (read == status_read::lamps && want_buttons) continue;  // read with the buttons
            with_service(read, [&]<class S>(std::type_identity<S>) {
                const bool lamps =
                    read == status_read::lamps || (read == status_read::buttons && want_lamps);
                run_read(
                    backend, g, request{r.id, params_of<S>(device)},
                    [&backend = backend, i, read, lamps, keep = read != status_read::lamps,
                     lamp_unsupported](const std::shared_ptr<status_gather>& gather, response res,
                                       const auto& done) {
                        auto& it = gather->out.results[i];
                        // Each instantiation uses some captures: read for one service, the
                        // others for GetButtonInformation.
                        (void)read;
                        (void)lamps;
                        (void)keep;
                        if (auto* got = result_of<S>(res)) {
                            if constexpr (std::is_same_v<S, svc::get_button_information>) {
                                if (lamps) {
                                    read_lamps(backend, gather, i, got->buttons, lamp_unsupported,
                                               done);
                                }
                                if (!keep) got->buttons.clear();
                            } else {
                                (void)backend;  // only buttons lead to lamps
                                (void)lamp_unsupported;
                            }
                            store(it, std::move(*got));
                        } else if constexpr (std::is_same_v<S, svc::get_button_information>) {
                            buttons_failed(it, keep, lamps, error_of(res));
                        } else {
                            it.errors.push_back({read, error_of(res)});
                        }
                    },
                    finish);
            });
        }
    }
    g->started = true;
    finish();
}

csta_error limited_item() {
    // No message: thousands of these may have to fit where the full items did not.
    return error(error_category::performance_management, error_values::performance_limit_exceeded);
}

void server_core::send_batch_response(session_base& s, const std::string& id,
                                      std::size_t service_index, std::size_t items,
                                      const std::function<std::string(std::size_t)>& encode) {
    const auto limit = options.limits.max_frame_bytes;
    const auto service = service_name(service_index);
    std::size_t keep = items;
    auto text = encode(keep);
    while (text.size() > limit && keep > 0) {
        // Fewer items in proportion, with a margin; at least one fewer each round.
        const auto scaled =
            static_cast<std::size_t>(static_cast<double>(keep) * 0.9 * static_cast<double>(limit) /
                                     static_cast<double>(text.size()));
        keep = std::min(scaled, keep - 1);
        text = encode(keep);
    }
    if (text.size() > limit) {
        // Even the item errors do not fit: the whole request is refused.
        log("session " + std::to_string(s.id()) + ": " + std::string(service) + " of " +
            std::to_string(items) + " items refused: no answer fits the frame limit of " +
            std::to_string(limit) + " bytes");
        return send_response(s, response{id, service_index,
                                         error(error_category::performance_management,
                                               error_values::performance_limit_exceeded,
                                               "no answer of " + std::to_string(items) +
                                                   " items fits the frame limit: ask for fewer")});
    }
    if (keep < items) {
        log("session " + std::to_string(s.id()) + ": " + std::string(service) + " answered " +
            std::to_string(keep) + " of " + std::to_string(items) +
            " items within the frame limit of " + std::to_string(limit) +
            " bytes; the rest performanceLimitExceeded");
    }
    s.send(std::move(text));
}

}  // namespace ctigw::gateway::detail
