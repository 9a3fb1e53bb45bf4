// proxy's public face: message dispatch and the exception barrier around every entry point. No
// exception reaches the message loop; the exactly-once bookkeeping (answer()) marks a request
// answered before anything that can throw.
#include "ctigw/acdproxy/proxy.hpp"

#include <exception>
#include <utility>

#include "proxy_impl.hpp"

namespace ctigw::acdproxy {

namespace {

// Impl is deduced: proxy::impl is private to proxy.
template <typename Impl, typename F>
void guarded(const Impl& self, const char* what, F&& f) noexcept {
    try {
        std::forward<F>(f)();
    } catch (const std::exception& e) {
        self.log(log_level::error, std::string(what) + ": " + e.what());
    } catch (...) {
        self.log(log_level::error, std::string(what) + ": unknown exception");
    }
}

}  // namespace

proxy::proxy(tapi_port& tapi, proxy_options options)
    : impl_(std::make_unique<impl>(tapi, std::move(options))) {}

proxy::~proxy() = default;

void proxy::start(time_point now) {
    guarded(*impl_, "start", [&] { impl_->start(now); });
}

void proxy::on_message(DWORD device, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3,
                       time_point now) {
    guarded(*impl_, "on_message", [&] {
        switch (msg) {
            case LINE_PROXYREQUEST:
                return impl_->on_proxy_request(device, reinterpret_cast<LINEPROXYREQUEST*>(p1),
                                               now);
            case LINE_REPLY:
                return impl_->on_reply(static_cast<DWORD>(p1), static_cast<DWORD>(p2));
            case LINE_DEVSPECIFIC:
                return impl_->on_devspecific(device, p1, p2, p3);
            case LINE_CLOSE:
                return impl_->on_close(device, now);
            case LINE_CREATE:
                return impl_->on_create(static_cast<DWORD>(p1), now);
            case LINE_REMOVE:
                return impl_->on_remove(static_cast<DWORD>(p1));
            case LINE_LINEDEVSTATE:
                if ((p1 & LINEDEVSTATE_REINIT) != 0) return impl_->on_reinit(p2, p3, now);
                break;
            default:
                break;
        }
        // LINE_PROXYSTATUS (TAPISRV's news about our own registration) and the rest.
        impl_->log(log_level::debug, "message " + std::to_string(msg) + " on " + hex(device) +
                                         " (" + hex(static_cast<DWORD>(p1)) + ") ignored");
    });
}

std::optional<time_point> proxy::tick(time_point now) {
    guarded(*impl_, "tick", [&] {
        impl_->expire(now);
        impl_->reopen_due(now);
    });
    return next_tick();
}

std::optional<time_point> proxy::next_tick() const {
    return impl_->next_tick();
}

void proxy::stop() {
    guarded(*impl_, "stop", [&] { impl_->stop(); });
}

bool proxy::needs_reinitialize() const {
    return impl_->needs_reinit_;
}

void proxy::restart(time_point now) {
    guarded(*impl_, "restart", [&] { impl_->restart(now); });
}

proxy_figures proxy::figures() const {
    return impl_->figures();
}

}  // namespace ctigw::acdproxy
