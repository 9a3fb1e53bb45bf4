# Tests of ctigw-gateway (the app library, the binary, the Debian package).
find_package(Boost 1.81 REQUIRED)
ctigw_add_test(gateway_app_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/app_cli_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/app_reload_test.cpp
  LIBS ctigw::gateway_app spdlog::spdlog Boost::boost GTest::gmock)

# The binary itself: signals and the port file.
ctigw_add_test(gateway_app_process_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/app_process_test.cpp
  LIBS ctigw::gateway Boost::boost)
add_dependencies(gateway_app_process_test ctigw-gateway)
target_compile_definitions(gateway_app_process_test PRIVATE
  CTIGW_GATEWAY_EXE="$<TARGET_FILE:ctigw-gateway>")

# The Debian package: builds it from this build tree, checks contents and fields, installs it
# into a throwaway root, verifies the unit (tests/gateway/deb_test.sh).
add_test(NAME gateway.deb
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/deb_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(gateway.deb PROPERTIES SKIP_RETURN_CODE 77)

# One end-to-end scenario through the real ctigw-gateway process (TLS, its own process) with the
# TSP in ctigw-tapihost: scripts/demo with that scenario instead of the demo's.
if(TARGET ctigw-tapihost AND TARGET ctigw-pbxsim AND TARGET ctigw-config AND TARGET ctigw-tsp)
  add_test(NAME gateway.e2e.call_answer_drop
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/demo ${PROJECT_BINARY_DIR}
            ${PROJECT_SOURCE_DIR}/tools/tapihost/scenarios/e2e/call_answer_drop.tsc)
  set_tests_properties(gateway.e2e.call_answer_drop PROPERTIES TIMEOUT 120 LABELS e2e
                       RUN_SERIAL TRUE)
endif()
