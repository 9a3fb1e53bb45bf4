# The Asterisk switch backend (docs/asterisk.md): the AMI wire parser/encoder and the link to
# Asterisk (ami_link.cpp is the only Asio/OpenSSL TU of this part), the call model, services,
# features and the backend core. Private to the gateway library: headers stay in src/asterisk/.
target_sources(ctigw_gateway PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_actions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_link.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/causes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/channel_map.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/call_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/call_merge.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/call_park.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/call_projection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/services.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/services_pickup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/features.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/queue_roster.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/agent_services.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/backend_core.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk_backend.cpp)
