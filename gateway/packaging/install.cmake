# Install rules of ctigw-gateway (component "gateway"). scripts/build-deb installs them into a
# staging tree with prefix /usr and moves etc/ and lib/systemd/ to their Debian places.
install(TARGETS ctigw-gateway RUNTIME DESTINATION bin COMPONENT gateway)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/ctigw-gateway.service
        DESTINATION lib/systemd/system COMPONENT gateway)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/ctigw-gateway.8
        DESTINATION share/man/man8 COMPONENT gateway)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../schema/ctigw-gateway.schema.json
        DESTINATION share/ctigw-gateway/schema COMPONENT gateway)
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../examples/
        DESTINATION share/ctigw-gateway/examples COMPONENT gateway FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright
        DESTINATION share/doc/ctigw-gateway COMPONENT gateway)
