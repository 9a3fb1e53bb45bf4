// Helpers shared by the call-flow tests (calls_test_flows_*.cpp): a switch service's result, TAPI
// error codes as returned, the htCall TAPI gives a call it creates, a device's truth for a resync.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "calls_test.hpp"

namespace ctigw::tsp::testing {

using svc_result = proto::service_result;
namespace svc = proto::svc;
constexpr LONG E(DWORD e) {
    return static_cast<LONG>(e);
}
using strings = std::vector<std::string>;
inline HTAPICALL ht_call(int n) {
    return reinterpret_cast<HTAPICALL>(static_cast<std::uintptr_t>(0x5000 + n));
}

template <class S>
svc_result ok(typename S::result r = {}) {
    return svc_result{std::in_place_type<typename S::result>, std::move(r)};
}

inline pbx_link::device_truth truth(std::string device,
                                    std::vector<proto::snapshot_connection> conns) {
    return pbx_link::device_truth{std::move(device), std::move(conns), std::nullopt, std::nullopt};
}

}  // namespace ctigw::tsp::testing
