// The provider's lifecycle as TAPI drives it (TSPI_providerEnumDevices, Init, Shutdown,
// CreateLineDevice/PhoneDevice, version negotiation): the configuration read, device ids given,
// the switch link built from the settings, started and stopped. Callers hold the lifecycle lock
// (tspi/provider.cpp); each step takes the provider lock itself, never across the link's start or
// stop (the link calls back into the provider on its own thread).
#include <algorithm>
#include <utility>

#include "ctigw/config/token.hpp"
#include "modules.hpp"
#include "state.hpp"

namespace ctigw::tsp {

namespace {

pbx_link::link_settings make_link_settings(const config::settings& s, std::string token,
                                           std::string key_passphrase) {
    pbx_link::link_settings ls;
    for (const auto& e : s.link.endpoints) {
        ls.endpoints.push_back({e.url, e.host, e.port, e.target, e.secure});
    }
    ls.tls.ca_file = s.link.tls.ca_file.string();
    ls.tls.client_certificate = s.link.tls.client_certificate.string();
    ls.tls.client_key = s.link.tls.client_key.string();
    ls.tls.client_key_passphrase = std::move(key_passphrase);
    ls.tls.cipher_list = s.link.tls.cipher_list;
    ls.tls.crl_file = s.link.tls.crl_file.string();
    if (s.link.tls.pinned_sha256) {
        static constexpr char hex[] = "0123456789abcdef";
        for (auto b : *s.link.tls.pinned_sha256) {
            ls.tls.pinned_sha256 += hex[b >> 4];
            ls.tls.pinned_sha256 += hex[b & 15];
        }
    }
    ls.tls.tls13_only = s.link.tls.min_version == config::tls_version::v1_3;
    ls.tls.verify_peer = s.link.tls.verify_peer;
    ls.tls.server_name = s.link.tls.server_name;
    ls.token = std::move(token);
    ls.client_name = "ctigw-tsp";
    ls.connect_timeout = s.link.timeouts.connect;
    ls.request_timeout = s.link.timeouts.request;
    ls.heartbeat_interval = s.link.timeouts.heartbeat_interval;
    ls.missed_heartbeats = s.link.timeouts.missed_heartbeats;
    ls.backoff_initial = s.link.reconnect.initial;
    ls.backoff_max = s.link.reconnect.max;
    ls.backoff_jitter = s.link.reconnect.jitter;
    ls.stable_after = s.link.reconnect.stable_after;
    if (s.link.fallback_to_primary.enabled) {
        ls.fallback_to_primary_after_idle =
            std::chrono::duration_cast<std::chrono::milliseconds>(s.link.fallback_to_primary.idle);
    }
    ls.max_requests_in_flight = static_cast<std::uint32_t>(s.limits.max_requests_in_flight);
    ls.max_outbound_queue = static_cast<std::uint32_t>(s.limits.max_outbound_queue);
    ls.limits.max_frame_bytes = s.limits.max_frame_bytes;
    ls.limits.max_string_length = s.limits.max_string_length;
    ls.limits.max_list_length = s.limits.max_list_length;
    return ls;
}

}  // namespace

// ---- provider -----------------------------------------------------------------------------------

provider::provider(provider_environment env)
    : state_(std::make_unique<provider_state>(std::move(env))) {}

provider::~provider() {
    shutdown(0, 0);
}

LONG provider::negotiate_tspi_version(DWORD device_id, DWORD low, DWORD high, LPDWORD version,
                                      bool phone) {
    const LONG incompatible =
        static_cast<LONG>(phone ? PHONEERR_INCOMPATIBLEAPIVERSION : LINEERR_INCOMPATIBLEAPIVERSION);
    if (version == nullptr) {
        return static_cast<LONG>(phone ? PHONEERR_INVALPOINTER : LINEERR_INVALPOINTER);
    }
    if (high < low || high < tapi_version_2_0 || low > tapi_version_3_1) return incompatible;
    if (device_id != INITIALIZE_NEGOTIATION) {
        const auto s = state_->lock();
        const bool known = phone ? s->phone_by_device_id_.count(device_id) != 0
                                 : s->line_by_device_id_.count(device_id) != 0;
        if (!known) return static_cast<LONG>(phone ? PHONEERR_BADDEVICEID : LINEERR_BADDEVICEID);
    }
    *version = std::min<DWORD>(high, tapi_version_3_1);
    return 0;
}

LONG provider::enum_devices(DWORD permanent_provider_id, LPDWORD num_lines, LPDWORD num_phones,
                            HPROVIDER provider_handle, LINEEVENT line_create,
                            PHONEEVENT phone_create) {
    if (num_lines == nullptr || num_phones == nullptr) {
        return static_cast<LONG>(LINEERR_INVALPOINTER);
    }
    auto& s = *state_;
    auto loaded = s.env_.load_config ? s.env_.load_config()
                                     : std::variant<config::settings, std::string>("no config");
    if (auto* err = std::get_if<std::string>(&loaded)) {
        s.log(level::error, "configuration refused:\n" + *err);
        return static_cast<LONG>(LINEERR_INIFILECORRUPT);
    }
    const auto held = s.lock();
    auto& m = *held;
    m.settings_ = std::move(std::get<config::settings>(loaded));
    m.dial_plan_.emplace(m.settings_->dialing);
    m.permanent_provider_id_ = permanent_provider_id;
    m.provider_handle_ = provider_handle;
    m.line_create_proc_ = line_create;
    m.phone_create_proc_ = phone_create;
    devices_build(m, *m.settings_);  // the old devices, if any, go as open_guard says
    *num_lines = static_cast<DWORD>(m.lines_.size());
    *num_phones = static_cast<DWORD>(m.phones_.size());
    m.log(level::info, "provider " + std::to_string(permanent_provider_id) + ": " +
                           std::to_string(*num_lines) + " lines, " + std::to_string(*num_phones) +
                           " phones");
    return 0;
}

LONG provider::init(DWORD tspi_version, DWORD permanent_provider_id, DWORD line_base,
                    DWORD phone_base, DWORD_PTR num_lines, DWORD_PTR num_phones,
                    ASYNC_COMPLETION completion, LPDWORD options) {
    auto& s = *state_;
    std::vector<std::string> devices;
    pbx_link::link_settings ls;
    {
        const auto held = s.lock();
        auto& m = *held;
        if (!m.settings_) return static_cast<LONG>(LINEERR_OPERATIONFAILED);  // no EnumDevices
        if (num_lines != m.lines_.size() || num_phones != m.phones_.size()) {
            m.log(level::error, "TAPI's device counts differ from TSPI_providerEnumDevices");
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
        }
        m.tspi_version_ = tspi_version;
        m.permanent_provider_id_ = permanent_provider_id;
        m.completion_proc_ = completion;
        if (options != nullptr) *options = 0;  // fully reentrant
        for (std::size_t i = 0; i < m.lines_.size(); ++i) {
            auto& l = m.lines_[i];
            l->device_id = line_base + static_cast<DWORD>(i);
            m.line_by_device_id_[l->device_id] = l;
        }
        for (std::size_t i = 0; i < m.phones_.size(); ++i) {
            auto& ph = m.phones_[i];
            ph->device_id = phone_base + static_cast<DWORD>(i);
            m.phone_by_device_id_[ph->device_id] = ph;
        }
        devices = devices_monitored(m);
        auto token = config::resolve_token(m.settings_->link.auth);
        if (!token.ok()) {
            m.log(level::error, "switch token: " + token.error());
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
        }
        auto passphrase = config::resolve_key_passphrase(m.settings_->link.tls);
        if (!passphrase.ok()) {
            m.log(level::error, "client key passphrase: " + passphrase.error());
            return static_cast<LONG>(LINEERR_OPERATIONFAILED);
        }
        ls = make_link_settings(*m.settings_, token.value(), passphrase.value());
        ls.devices = std::move(devices);
        m.initialized_ = true;
    }
    // The link calls back on its own thread; create and start it outside the lock.
    auto factory = s.env_.make_link;
    auto l = factory ? factory(std::move(ls), s) : nullptr;
    if (!l) {
        s.log(level::error, "no switch link");
        return static_cast<LONG>(LINEERR_OPERATIONFAILED);
    }
    auto& started = *l;  // the link lives until shutdown, which this lifecycle lock orders after
    {
        const auto held = s.lock();
        auto& m = *held;
        m.link_ = std::move(l);
    }
    started.start();
    return 0;
}

LONG provider::shutdown(DWORD, DWORD) {
    auto& s = *state_;
    std::unique_ptr<pbx_link::link> l;
    {
        const auto held = s.lock();
        auto& m = *held;
        if (!m.initialized_ && !m.link_) return 0;
        m.initialized_ = false;
        l = std::move(m.link_);
    }
    // stop() completes every outstanding link request (their handlers complete the TSPI
    // requests) and joins the link's threads; no callback runs after it returns.
    if (l) l->stop();
    {
        const auto held = s.lock();
        auto& m = *held;
        auto remaining = m.requests_;
        for (auto& [id, r] : remaining) m.complete(r, static_cast<LONG>(LINEERR_OPERATIONFAILED));
        m.link_live_ = false;
    }
    if (!s.tapi().on_dispatcher_thread()) s.tapi().drain();
    return 0;
}

LONG provider::create_line_device(DWORD_PTR temp_id, DWORD device_id) {
    auto& s = *state_;
    const auto held = s.lock();
    auto& m = *held;
    // Refused too for a device removed before TAPI created it: TAPI then drops it.
    if (temp_id >= m.lines_.size() || !device_machine::created(m, *m.lines_[temp_id])) {
        return static_cast<LONG>(LINEERR_BADDEVICEID);
    }
    auto& l = m.lines_[temp_id];
    l->device_id = device_id;
    m.line_by_device_id_[device_id] = l;
    return 0;
}

LONG provider::create_phone_device(DWORD_PTR temp_id, DWORD device_id) {
    auto& s = *state_;
    const auto held = s.lock();
    auto& m = *held;
    if (temp_id >= m.phones_.size() || !device_machine::created(m, *m.phones_[temp_id])) {
        return static_cast<LONG>(PHONEERR_BADDEVICEID);
    }
    auto& ph = m.phones_[temp_id];
    ph->device_id = device_id;
    m.phone_by_device_id_[device_id] = ph;
    return 0;
}

}  // namespace ctigw::tsp
