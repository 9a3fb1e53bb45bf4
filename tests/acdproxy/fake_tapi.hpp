// A TAPI that records every call the proxy makes (tapi_port), TAPISRV's LINEPROXYREQUEST
// buffers, and the fixture the proxy tests share.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ctigw/acdproxy/proxy.hpp"

namespace ctigw::acdproxy::testing {

using namespace std::chrono_literals;

constexpr LONG lineerr(DWORD e) {
    return static_cast<LONG>(e);
}

struct fake_device {
    bool ctigw = true;  ///< reports agent_extension_id
    LONG api_result = 0;
    LONG ext_result = 0;
    std::deque<LONG> open_results;  ///< one per lineOpen; none left: success
};

struct negotiate_call {
    DWORD device, low, high;
};
struct ext_call {
    DWORD device, api, low, high;
};
struct open_call {
    DWORD device, api, ext;
    std::vector<DWORD> types;
    HLINE line;  ///< 0 when the open failed
};
struct devspecific_call {
    HLINE line;
    DWORD address;
    std::byte* params;
    DWORD size;
    LONG result;
};
struct response {
    HLINE line;
    LINEPROXYREQUEST* request;
    DWORD result;
    std::vector<std::byte> data;  ///< the request's dwSize bytes at the time of the response
};
struct relayed {
    HLINE line;
    HCALL call;
    DWORD msg;
    DWORD_PTR p1, p2, p3;
};

class fake_tapi final : public tapi_port {
  public:
    DWORD device_count = 0;
    std::map<DWORD, fake_device> devices;
    DWORD api_version = 0x00020002;
    std::deque<LONG> devspecific_results;  ///< one per lineDevSpecific; none left: a new id
    LONG next_request_id = 100;
    HLINE next_line = 0x10001;
    bool throw_in_devspecific = false;

    std::vector<negotiate_call> negotiations;
    std::vector<ext_call> ext_negotiations;
    std::vector<open_call> opens;
    std::vector<HLINE> closes;
    std::vector<devspecific_call> devspecifics;
    std::vector<response> responses;
    std::vector<relayed> messages;

    DWORD num_devices() override { return device_count; }

    LONG negotiate_api_version(DWORD device, DWORD low, DWORD high, DWORD* version,
                               LINEEXTENSIONID* extension_id) override {
        negotiations.push_back({device, low, high});
        auto it = devices.find(device);
        if (it == devices.end()) return lineerr(LINEERR_BADDEVICEID);
        if (it->second.api_result != 0) return it->second.api_result;
        *version = api_version;
        if (it->second.ctigw) {
            extension_id->dwExtensionID0 = tsp::agent_extension_id[0];
            extension_id->dwExtensionID1 = tsp::agent_extension_id[1];
            extension_id->dwExtensionID2 = tsp::agent_extension_id[2];
            extension_id->dwExtensionID3 = tsp::agent_extension_id[3];
        } else {
            *extension_id = LINEEXTENSIONID{0x11, 0x22, 0x33, 0x44};
        }
        return 0;
    }

    LONG negotiate_ext_version(DWORD device, DWORD api, DWORD low, DWORD high,
                               DWORD* ext_version) override {
        ext_negotiations.push_back({device, api, low, high});
        auto& d = devices.at(device);
        if (d.ext_result != 0) return d.ext_result;
        *ext_version = tsp::agent_ext_version;
        return 0;
    }

    LONG open_proxy(DWORD device, DWORD api, DWORD ext, const std::vector<DWORD>& types,
                    HLINE* line) override {
        auto& d = devices.at(device);
        LONG r = 0;
        if (!d.open_results.empty()) {
            r = d.open_results.front();
            d.open_results.pop_front();
        }
        opens.push_back({device, api, ext, types, r == 0 ? next_line : 0});
        if (r == 0) *line = next_line++;
        return r;
    }

    LONG close(HLINE line) override {
        closes.push_back(line);
        return 0;
    }

    LONG dev_specific(HLINE line, DWORD address, void* params, DWORD size) override {
        if (throw_in_devspecific) throw std::runtime_error("port broke");
        LONG r = next_request_id;
        if (!devspecific_results.empty()) {
            r = devspecific_results.front();
            devspecific_results.pop_front();
        } else {
            ++next_request_id;
        }
        devspecifics.push_back({line, address, static_cast<std::byte*>(params), size, r});
        return r;
    }

    LONG proxy_response(HLINE line, LINEPROXYREQUEST* request, DWORD result) override {
        const auto* bytes = reinterpret_cast<const std::byte*>(request);
        responses.push_back({line, request, result, {bytes, bytes + request->dwSize}});
        return 0;
    }

    LONG proxy_message(HLINE line, HCALL call, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
                       DWORD_PTR p3) override {
        messages.push_back({line, call, msg, p1, p2, p3});
        return 0;
    }

    /// The LINEPROXYREQUEST copy the provider sees in a lineDevSpecific buffer.
    static LINEPROXYREQUEST* copy_in(const devspecific_call& c) {
        return reinterpret_cast<LINEPROXYREQUEST*>(c.params + sizeof(tsp::agent_request_header));
    }
};

/// A LINEPROXYREQUEST as TAPISRV hands it over: dwSize bytes, zeroed, type set.
class tapi_request {
  public:
    explicit tapi_request(DWORD type, DWORD size = sizeof(LINEPROXYREQUEST))
        // Room for the whole structure even when dwSize is smaller: the fields are addressed
        // through LINEPROXYREQUEST; dwSize is what the proxy may copy.
        : storage_((std::max<std::size_t>({size, min_request_size, sizeof(LINEPROXYREQUEST)}) + 7) /
                   8) {
        get()->dwSize = size;
        get()->dwRequestType = type;
    }
    LINEPROXYREQUEST* get() { return reinterpret_cast<LINEPROXYREQUEST*>(storage_.data()); }
    LINEPROXYREQUEST* operator->() { return get(); }
    DWORD_PTR param() { return reinterpret_cast<DWORD_PTR>(get()); }
    std::vector<std::byte> bytes() {
        const auto* b = reinterpret_cast<const std::byte*>(get());
        return {b, b + get()->dwSize};
    }

  private:
    std::vector<std::uint64_t> storage_;
};

class proxy_fixture : public ::testing::Test {
  protected:
    fake_tapi tapi;
    std::vector<std::pair<int, std::string>> logs;
    time_point t0 = time_point{} + 1h;
    std::unique_ptr<proxy> px;

    proxy_options options() {
        proxy_options o;
        o.log = [this](int level, const std::string& text) { logs.emplace_back(level, text); };
        return o;
    }
    /// `n` ctigw devices, started at t0.
    void start(DWORD n, proxy_options o) {
        tapi.device_count = n;
        for (DWORD d = 0; d < n; ++d) tapi.devices.try_emplace(d);
        px = std::make_unique<proxy>(tapi, std::move(o));
        px->start(t0);
    }
    void start(DWORD n) { start(n, options()); }
    /// The handle of the device's latest successful open.
    HLINE line_of(DWORD device) const {
        for (auto it = tapi.opens.rbegin(); it != tapi.opens.rend(); ++it)
            if (it->device == device && it->line != 0) return it->line;
        ADD_FAILURE() << "device " << device << " never opened";
        return 0;
    }
    void request(HLINE line, tapi_request& r, time_point now) {
        px->on_message(line, LINE_PROXYREQUEST, r.param(), 0, 0, now);
    }
    void reply(LONG id, DWORD result, time_point now) {
        px->on_message(0, LINE_REPLY, static_cast<DWORD_PTR>(id), result, 0, now);
    }
    bool logged(const std::string& part) const {
        return std::any_of(logs.begin(), logs.end(),
                           [&](const auto& l) { return l.second.find(part) != std::string::npos; });
    }
};

}  // namespace ctigw::acdproxy::testing
