# Tests of the gateway's status endpoint: /metrics, /status.json and the HTTP limits over loopback,
# and the status page rendered by headless Chromium (Debian's `chromium`, installed by
# scripts/bootstrap), whose screenshot is kept in <build>/test-artefacts/.
find_package(Boost 1.81 REQUIRED)  # the tests' HTTP client

ctigw_add_test(gateway_status_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/status_http_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/status_http_test_requests.cpp
  LIBS ctigw::gateway Boost::boost)

# Chromium starts slowly on a loaded machine: its own executable and a longer TIMEOUT; every
# Chromium run inside is also bounded by `timeout` so that a hang fails the test, not ctest.
add_executable(gateway_status_page_tests ${CMAKE_CURRENT_LIST_DIR}/status_page_test.cpp)
target_link_libraries(gateway_status_page_tests PRIVATE ctigw::gateway Boost::boost
                      GTest::gmock GTest::gtest_main)
target_compile_definitions(gateway_status_page_tests PRIVATE
  CTIGW_TEST_ARTEFACTS_DIR="${CMAKE_BINARY_DIR}/test-artefacts")
ctigw_enable_warnings(gateway_status_page_tests)
gtest_discover_tests(gateway_status_page_tests DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 300 LABELS chromium)
