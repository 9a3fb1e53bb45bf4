# Tests of ctigw::gateway_config: loader, access control, TLS file check, the JSON Schema and the
# examples.
ctigw_add_test(gateway_config_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/config_access_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_loader_test.cpp
  LIBS ctigw::gateway_config)
