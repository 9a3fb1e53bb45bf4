# The gateway's server with the simulator backend, over TLS on loopback: per-token rights,
# fan-out and isolation, backend status, the protocol's fixtures; its write-coalescing layer and
# its TLS stream.
find_package(Boost 1.81 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
ctigw_add_test(gateway_server_tests
  SOURCES server_access_test.cpp server_fanout_test.cpp server_backend_test.cpp
          server_fixtures_test.cpp server_status_batch_test.cpp write_coalescing_test.cpp
          tls_stream_test.cpp
  LIBS ctigw::gateway_app ctigw::pbxsim Boost::boost OpenSSL::SSL OpenSSL::Crypto
       nlohmann_json::nlohmann_json)
# write_coalescing_test.cpp and tls_stream_test.cpp test headers of the gateway's own sources.
target_include_directories(gateway_server_tests PRIVATE ${PROJECT_SOURCE_DIR}/gateway/src)
target_compile_definitions(gateway_server_tests PRIVATE
  CTIGW_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/protocol/data")
