// Test harness for the device side of the TSP: a provider with a fake link, a configuration built
// in memory, and recording LINEEVENT / PHONEEVENT / ASYNC_COMPLETION procs.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/loader.hpp"
#include "ctigw/protocol/messages.hpp"
#include "ctigw/tsp/provider.hpp"
#include "ctigw/tsp/varstruct.hpp"
#include "devices/devices.hpp"
#include "modules.hpp"
#include "pbx_link/mock_link.hpp"

namespace ctigw::tsp::testing {

struct line_msg {
    HTAPILINE ht;
    HTAPICALL htc;
    DWORD msg;
    DWORD_PTR p1, p2, p3;
};
struct phone_msg {
    HTAPIPHONE ht;
    DWORD msg;
    DWORD_PTR p1, p2, p3;
};

/// Everything TAPI received (the procs are plain function pointers, hence globals).
struct recorder {
    static inline std::mutex mutex;
    static inline std::vector<line_msg> lines;
    static inline std::vector<line_msg> line_creates;  ///< via the EnumDevices line proc
    static inline std::vector<phone_msg> phones;
    static inline std::vector<phone_msg> phone_creates;
    static inline std::map<DRV_REQUESTID, std::vector<LONG>> completions;

    static void clear() {
        std::lock_guard lock(mutex);
        lines.clear();
        line_creates.clear();
        phones.clear();
        phone_creates.clear();
        completions.clear();
    }
    static void CALLBACK line_event(HTAPILINE ht, HTAPICALL htc, DWORD msg, DWORD_PTR p1,
                                    DWORD_PTR p2, DWORD_PTR p3) {
        std::lock_guard lock(mutex);
        if (msg == LINE_NEWCALL) {
            // TAPI writes its handle for the call
            *reinterpret_cast<HTAPICALL*>(p2) = reinterpret_cast<HTAPICALL>(std::uintptr_t{0xCA11});
        }
        lines.push_back({ht, htc, msg, p1, p2, p3});
    }
    static void CALLBACK line_create(HTAPILINE ht, HTAPICALL htc, DWORD msg, DWORD_PTR p1,
                                     DWORD_PTR p2, DWORD_PTR p3) {
        std::lock_guard lock(mutex);
        line_creates.push_back({ht, htc, msg, p1, p2, p3});
    }
    static void CALLBACK phone_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                     DWORD_PTR p3) {
        std::lock_guard lock(mutex);
        phones.push_back({ht, msg, p1, p2, p3});
    }
    static void CALLBACK phone_create(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                                      DWORD_PTR p3) {
        std::lock_guard lock(mutex);
        phone_creates.push_back({ht, msg, p1, p2, p3});
    }
    static void CALLBACK completion(DRV_REQUESTID id, LONG result) {
        std::lock_guard lock(mutex);
        completions[id].push_back(result);
    }
};

inline constexpr DWORD v20 = tapi_version_2_0, v21 = tapi_version_2_1, v22 = tapi_version_2_2,
                       v30 = tapi_version_3_0, v31 = tapi_version_3_1;
inline const std::vector<DWORD> all_versions{v20, v21, v22, v30, v31};
inline constexpr DWORD line_base = 100, phone_base = 200;
inline const HPROVIDER provider_handle = reinterpret_cast<HPROVIDER>(std::uintptr_t{0x5150});

inline const char* default_config = R"({
  "switch": { "endpoints": ["wss://pbx.example:8443/csta"], "auth": { "tokenEnv": "CTIGW_DEVICES_TEST_TOKEN" } },
  "devices": {
    "lines": ["2001", { "range": "2002-2003", "name": "Agent {ext}" }],
    "phones": ["2001", "2002"],
    "names": { "2001": "Alice Martin" }
  }
})";

/// Builds a service_result for service S.
template <class S>
protocol::service_result result_of(typename S::result r) {
    return protocol::service_result{std::in_place_index<protocol::service_index_v<S>>,
                                    std::move(r)};
}

template <class E>
protocol::event_message event_of(E e) {
    protocol::event_message m;
    m.seq = 1;
    m.body = std::move(e);
    return m;
}

class devices_fixture : public ::testing::Test {
  protected:
    std::string config_text = default_config;
    pbx_link::testing::fake_link* link = nullptr;
    pbx_link::link_settings link_settings;
    std::unique_ptr<provider> prov;
    std::vector<std::string> logs;
    std::mutex log_mutex;
    DWORD num_lines = 0, num_phones = 0;
    std::vector<DRV_REQUESTID> issued;  ///< async requests that returned their id
    DRV_REQUESTID next_request = 1000;

    void SetUp() override {
        recorder::clear();
        ::setenv("CTIGW_DEVICES_TEST_TOKEN", "test-token", 1);
    }

    void TearDown() override {
        if (prov) {
            prov->shutdown(v31, 7);
            // every async request issued by a test completed exactly once
            std::lock_guard lock(recorder::mutex);
            for (auto id : issued) {
                auto it = recorder::completions.find(id);
                ASSERT_NE(it, recorder::completions.end())
                    << "request " << id << " never completed";
                EXPECT_EQ(it->second.size(), 1u) << "request " << id << " completed more than once";
            }
            prov.reset();
        }
    }

    provider_environment make_env() {
        provider_environment env;
        env.load_config = [this]() -> std::variant<config::settings, std::string> {
            auto r = config::load_text(config_text);
            if (!r.ok()) {
                std::string e;
                for (const auto& d : r.errors) e += config::format(d) + "\n";
                return e;
            }
            return std::move(*r.value);
        };
        env.make_link = [this](pbx_link::link_settings s, pbx_link::link_callbacks& cb) {
            auto l = std::make_unique<pbx_link::testing::fake_link>(cb);
            link = l.get();
            link_settings = std::move(s);
            return l;
        };
        env.tick_count = [] { return DWORD{42}; };
        env.log = [this](int, const std::string& text) {
            std::lock_guard lock(log_mutex);
            logs.push_back(text);
        };
        return env;
    }

    /// EnumDevices + Init, like TAPISRV.
    void start() {
        prov = std::make_unique<provider>(make_env());
        ASSERT_EQ(prov->enum_devices(7, &num_lines, &num_phones, provider_handle,
                                     &recorder::line_create, &recorder::phone_create),
                  0);
        DWORD options = 0;
        ASSERT_EQ(prov->init(v31, 7, line_base, phone_base, num_lines, num_phones,
                             &recorder::completion, &options),
                  0);
        ASSERT_NE(link, nullptr);
    }

    /// The provider's model under its lock, held until the end of the full expression.
    provider_lock st() { return prov->state().lock(); }
    void drain() { prov->state().tapi().drain(); }

    /// The link's resync: every configured device has its (empty) truth, then live.
    void go_live() {
        std::vector<pbx_link::device_truth> truths;
        for (const auto& d : link_settings.devices)
            truths.push_back({d, {}, std::nullopt, std::nullopt});
        link->go_live(truths);
        drain();
    }

    /// Answers every pending request with its service's empty/default result (status queries
    /// with nothing forwarded, DND off, ...).
    void answer_all_queries() {
        for (int guard = 0; guard < 1000 && !link->pending().empty(); ++guard) {
            const auto& params = link->pending().front().params;
            std::visit([this](const auto& prm) { answer_default(prm); }, params);
        }
        drain();
    }

    template <class P>
    void answer_default(const P&) {
        using namespace protocol::svc;
        if constexpr (std::is_same_v<P, get_forwarding::params>) {
            link->complete_next(result_of<get_forwarding>({}));
        } else if constexpr (std::is_same_v<P, get_do_not_disturb::params>) {
            link->complete_next(result_of<get_do_not_disturb>({}));
        } else if constexpr (std::is_same_v<P, get_display::params>) {
            link->complete_next(result_of<get_display>({"", 2, 40}));
        } else if constexpr (std::is_same_v<P, get_button_information::params>) {
            link->complete_next(result_of<get_button_information>({}));
        } else if constexpr (std::is_same_v<P, get_hookswitch_status::params>) {
            link->complete_next(result_of<get_hookswitch_status>({}));
        } else if constexpr (std::is_same_v<P, get_ringer_status::params>) {
            link->complete_next(result_of<get_ringer_status>({}));
        } else if constexpr (std::is_same_v<P, get_lamp_mode::params>) {
            link->complete_next(result_of<get_lamp_mode>({}));
        } else if constexpr (std::is_same_v<P, snapshot_call::params>) {
            link->complete_next(result_of<snapshot_call>({}));  // the far ends after a resync
        } else {
            ADD_FAILURE() << "unexpected request "
                          << protocol::service_name(protocol::service_params(P{}).index());
            link->fail_next(pbx_link::request_failure::timeout);
        }
    }

    DWORD line_id(std::size_t index) const { return line_base + static_cast<DWORD>(index); }
    DWORD phone_id(std::size_t index) const { return phone_base + static_cast<DWORD>(index); }

    HDRVLINE open_line(std::size_t index, DWORD version = v31,
                       HTAPILINE ht = reinterpret_cast<HTAPILINE>(std::uintptr_t{0x1100})) {
        HDRVLINE hd = nullptr;
        EXPECT_EQ(devices::line_open(st(), line_id(index), ht, &hd, version, &recorder::line_event),
                  0);
        return hd;
    }
    HDRVPHONE open_phone(std::size_t index, DWORD version = v31,
                         HTAPIPHONE ht = reinterpret_cast<HTAPIPHONE>(std::uintptr_t{0x2200})) {
        HDRVPHONE hd = nullptr;
        EXPECT_EQ(
            devices::phone_open(st(), phone_id(index), ht, &hd, version, &recorder::phone_event),
            0);
        return hd;
    }

    DRV_REQUESTID new_request() { return next_request++; }
    /// Records an async result: either an error, or the request id (then it must complete once).
    LONG track(DRV_REQUESTID id, LONG rc) {
        if (rc == static_cast<LONG>(id)) issued.push_back(id);
        return rc;
    }

    std::vector<line_msg> line_msgs(DWORD msg) {
        drain();
        std::lock_guard lock(recorder::mutex);
        std::vector<line_msg> out;
        for (const auto& m : recorder::lines) {
            if (m.msg == msg) out.push_back(m);
        }
        return out;
    }
    std::vector<phone_msg> phone_msgs(DWORD msg) {
        drain();
        std::lock_guard lock(recorder::mutex);
        std::vector<phone_msg> out;
        for (const auto& m : recorder::phones) {
            if (m.msg == msg) out.push_back(m);
        }
        return out;
    }
    std::vector<LONG> completions_of(DRV_REQUESTID id) {
        drain();
        std::lock_guard lock(recorder::mutex);
        auto it = recorder::completions.find(id);
        return it == recorder::completions.end() ? std::vector<LONG>{} : it->second;
    }

    template <class P>
    const P* pending_as(std::size_t i) {
        if (i >= link->pending().size()) return nullptr;
        return std::get_if<P>(&link->pending()[i].params);
    }
};

/// A caller buffer for a variable-size structure: dwTotalSize set, the rest filled with a
/// canary byte so that writes past dwTotalSize show.
struct var_buffer {
    static constexpr unsigned char canary = 0xCD;
    std::vector<unsigned char> bytes;
    DWORD total;
    explicit var_buffer(DWORD total_size, DWORD capacity = 0)
        : bytes(std::max<DWORD>(std::max<DWORD>(total_size, capacity), 16) + 64, canary),
          total(total_size) {
        std::memcpy(bytes.data(), &total, sizeof total);
    }
    template <class T>
    T* as() {
        return reinterpret_cast<T*>(bytes.data());
    }
    DWORD dword(std::size_t offset) const {
        DWORD v = 0;
        std::memcpy(&v, bytes.data() + offset, sizeof v);
        return v;
    }
    bool untouched_from(std::size_t offset) const {
        for (std::size_t i = offset; i < bytes.size(); ++i) {
            if (bytes[i] != canary) return false;
        }
        return true;
    }
    std::u16string string_at(DWORD size_offset) const {
        const DWORD size = dword(size_offset), off = dword(size_offset + 4);
        if (size < 2) return {};
        std::u16string s(size / 2 - 1, u'\0');
        std::memcpy(s.data(), bytes.data() + off, s.size() * 2);
        return s;
    }
};

}  // namespace ctigw::tsp::testing
