# Tests of the Asterisk backend's AMI part: the parser and encoder (no I/O), and the link
# against the fake AMI server over loopback (TCP and TLS with throwaway certificates).
ctigw_add_test(gateway_asterisk_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/asterisk_ami_test.cpp
  LIBS ctigw::gateway)
# The AMI part is private to the gateway library.
target_include_directories(gateway_asterisk_tests PRIVATE ${PROJECT_SOURCE_DIR}/gateway/src)
