// Helpers shared by the call-flow tests (calls_test_flows_*.cpp): a switch service's result, TAPI
// error codes as returned, the htCall TAPI gives a call it creates, a device's truth for a resync,
// a conference's result.
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

/// The switch's ConferenceCall result when 2002 joins its held call c1 (with 2001) and its
/// consultation c2 (with 2003): every connection moves into c1.
inline svc::conference_call::result conference_of_c1_and_c2() {
    svc::conference_call::result cr;
    cr.conference_call = {"c1", "2002"};
    cr.connections = {{connection_id{"c1", "2001"}, connection_id{"c1", "2001"}, "2001"},
                      {connection_id{"c1", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2002"}, connection_id{"c1", "2002"}, "2002"},
                      {connection_id{"c2", "2003"}, connection_id{"c1", "2003"}, "2003"}};
    return cr;
}

}  // namespace ctigw::tsp::testing
