# The Asterisk backend's pure helpers (gateway/src/asterisk/channel_map, causes): private headers
# of ctigw::gateway, hence its src directory.
ctigw_add_test(gateway_asterisk_map_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/asterisk_map_test.cpp
  LIBS ctigw::gateway)
target_include_directories(gateway_asterisk_map_tests PRIVATE ${PROJECT_SOURCE_DIR}/gateway/src)
