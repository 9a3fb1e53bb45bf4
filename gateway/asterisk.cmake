# The Asterisk switch backend's AMI part (docs/asterisk.md): the wire parser/encoder and the
# link to Asterisk (ami_link.cpp is the only Asio/OpenSSL TU of this part). Private to the
# gateway library: headers stay in src/asterisk/.
target_sources(ctigw_gateway PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_actions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/asterisk/ami_link.cpp)
