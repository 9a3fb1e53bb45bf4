// The Windows side of ctigw-setup: TAPI's provider functions over tapi32.dll and the service
// recovery settings over the service control manager, behind the portable core's interfaces
// (ctigw/setup/setup.hpp), Used by ctigw-setup.exe and the MSI custom
// action DLL; each object is used by one thread at a time. UTF-16 conversions: ctigw::tapihost's
// to_wide / from_wide (ctigw/tapihost/wide.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/setup/setup.hpp"

namespace ctigw::setup::win {

/// lineGetProviderListW, lineAddProviderW, lineRemoveProvider. No window: TAPI gets a null owner
/// (ctigw's TUISPI_providerInstall/Remove show no dialog), so this works in a service context.
class tapi32_providers final : public tapi_providers {
  public:
    std::uint32_t list(std::vector<tapi_provider>& out) override;
    std::uint32_t add(const std::string& file_name, std::uint32_t& permanent_id) override;
    std::uint32_t remove(std::uint32_t permanent_id) override;
};

/// ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS): restart after 5 s, 5 s, then 60 s,
/// failure count reset after a day (what `sc failure` would set by hand).
class scm_services final : public service_control {
  public:
    std::uint32_t set_restart_on_failure(const std::string& service_name) override;
};

}  // namespace ctigw::setup::win
