# Tests of ctigw::gateway_config: loader, access control, TLS file check, the JSON Schema and the
# examples.
find_package(OpenSSL 3 REQUIRED)  # the TLS check test makes its own certificates
set(_gw_examples ${CMAKE_CURRENT_LIST_DIR}/../../gateway/examples)
set(_gw_schema ${CMAKE_CURRENT_LIST_DIR}/../../gateway/schema/ctigw-gateway.schema.json)
# The TSP config's schema checker serves both files.
set(_schema_check ${CMAKE_CURRENT_LIST_DIR}/../config/schema_check.py)

ctigw_add_test(gateway_config_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/config_access_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_asterisk_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_loader_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_examples_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_tls_check_test.cpp
  LIBS ctigw::gateway_config OpenSSL::Crypto)
target_compile_definitions(gateway_config_tests PRIVATE
  CTIGW_GATEWAY_EXAMPLES_DIR="${_gw_examples}"
  CTIGW_GATEWAY_SCHEMA="${_gw_schema}"
  CTIGW_SCHEMA_CHECK="${_schema_check}"
  CTIGW_PYTHON="${CTIGW_PYTHON}")

# Every example validates against the schema.
file(GLOB _gw_example_files CONFIGURE_DEPENDS ${_gw_examples}/*.json)
add_test(NAME gateway.config.schema
  COMMAND ${CTIGW_PYTHON} ${_schema_check} ${_gw_schema} --valid ${_gw_example_files})
