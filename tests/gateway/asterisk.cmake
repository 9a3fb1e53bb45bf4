# Tests of the Asterisk backend (docs/asterisk.md): the AMI parser and encoder (no I/O), the link
# against the fake AMI server over loopback (TCP and TLS with throwaway certificates from
# ctigw::pbxsim's generator), and the call model, services, features and backend core driven by
# AMI event sequences written from the recorded Asterisk 22 traffic.
find_package(Boost 1.81 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
ctigw_add_test(gateway_asterisk_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/asterisk_ami_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_link_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/fake_ami.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_map_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_model_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_services_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_merge_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_park_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_features_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_queue_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_backend_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_backend_test_call_centre.cpp
          ${CMAKE_CURRENT_LIST_DIR}/asterisk_e2e_test.cpp
  LIBS ctigw::gateway_app ctigw::pbxsim Boost::boost OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
# The AMI part is private to the gateway library.
target_include_directories(gateway_asterisk_tests PRIVATE ${PROJECT_SOURCE_DIR}/gateway/src)
