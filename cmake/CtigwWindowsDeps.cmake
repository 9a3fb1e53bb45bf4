# Dependencies of the mingw-w64 cross-build (cmake/toolchains/mingw-w64-x86_64.cmake), as the
# same imported targets find_package gives on Linux and with vcpkg, so that the component
# CMakeLists stay the same:
#   Boost::boost, nlohmann_json::nlohmann_json, spdlog::spdlog  Debian's headers (header-only use)
#   simdjson::simdjson   compiled here from Debian's simdjson source package (singleheader)
#   OpenSSL::SSL/Crypto  static libraries built from Debian's openssl source package
# CTIGW_WIN_DEPS is the directory scripts/win-deps prints.
if(NOT CTIGW_WIN_DEPS OR NOT EXISTS "${CTIGW_WIN_DEPS}/.complete")
  message(FATAL_ERROR "CTIGW_WIN_DEPS must name the directory printed by scripts/win-deps "
                      "(got '${CTIGW_WIN_DEPS}')")
endif()

# Debian's header-only libraries through a directory of links (never /usr/include itself: its
# glibc headers would shadow mingw's).
add_library(ctigw_win_headers INTERFACE)
target_include_directories(ctigw_win_headers SYSTEM INTERFACE "${CTIGW_WIN_DEPS}/include")

add_library(Boost::boost INTERFACE IMPORTED)
target_link_libraries(Boost::boost INTERFACE ctigw_win_headers)
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_link_libraries(nlohmann_json::nlohmann_json INTERFACE ctigw_win_headers)
# spdlog header-only, over fmt header-only (Debian's spdlog is configured for an external fmt).
add_library(spdlog::spdlog INTERFACE IMPORTED)
target_link_libraries(spdlog::spdlog INTERFACE ctigw_win_headers)
target_compile_definitions(spdlog::spdlog INTERFACE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)

add_library(ctigw_win_simdjson STATIC "${CTIGW_WIN_DEPS}/simdjson/simdjson.cpp")
target_include_directories(ctigw_win_simdjson SYSTEM PUBLIC "${CTIGW_WIN_DEPS}/simdjson")
target_compile_features(ctigw_win_simdjson PUBLIC cxx_std_17)
add_library(simdjson::simdjson ALIAS ctigw_win_simdjson)

set(_ssl "${CTIGW_WIN_DEPS}/openssl")
add_library(OpenSSL::Crypto STATIC IMPORTED)
set_target_properties(OpenSSL::Crypto PROPERTIES
  IMPORTED_LOCATION "${_ssl}/lib/libcrypto.a"
  INTERFACE_INCLUDE_DIRECTORIES "${_ssl}/include"
  INTERFACE_LINK_LIBRARIES "ws2_32;crypt32;user32;advapi32;bcrypt")
add_library(OpenSSL::SSL STATIC IMPORTED)
set_target_properties(OpenSSL::SSL PROPERTIES
  IMPORTED_LOCATION "${_ssl}/lib/libssl.a"
  INTERFACE_INCLUDE_DIRECTORIES "${_ssl}/include"
  INTERFACE_LINK_LIBRARIES OpenSSL::Crypto)
set(OPENSSL_FOUND TRUE)
set(Boost_FOUND TRUE)
file(READ "${CTIGW_WIN_DEPS}/VERSIONS" _versions)
message(STATUS "ctigw Windows dependencies (${CTIGW_WIN_DEPS}):\n${_versions}")
