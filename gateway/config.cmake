# The gateway's configuration: ctigw-gateway.json (settings, loader with located diagnostics,
# per-token access control). Defines ctigw::gateway_config.
find_package(OpenSSL 3 REQUIRED)

add_library(ctigw_gateway_config STATIC
  ${CMAKE_CURRENT_LIST_DIR}/src/config/access.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/asterisk.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/clients.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/sim_acd.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/config/tls_check.cpp)
add_library(ctigw::gateway_config ALIAS ctigw_gateway_config)
target_include_directories(ctigw_gateway_config PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_compile_features(ctigw_gateway_config PUBLIC cxx_std_20)
# The public headers expose config's diagnostic and enums; nlohmann and OpenSSL stay private.
target_link_libraries(ctigw_gateway_config
  PUBLIC ctigw::config
  PRIVATE nlohmann_json::nlohmann_json OpenSSL::Crypto)
ctigw_enable_warnings(ctigw_gateway_config)
