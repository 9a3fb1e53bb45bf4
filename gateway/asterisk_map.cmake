# The Asterisk backend's pure helpers: channel names -> stations (channel_map) and Asterisk's
# causes and channel states -> ctigw.csta.v1 (causes). No I/O; tested in
# tests/gateway/asterisk_map_test.cpp.
target_sources(ctigw_gateway PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/causes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/channel_map.cpp)
