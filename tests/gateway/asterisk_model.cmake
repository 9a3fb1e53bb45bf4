# The Asterisk backend's call model, driven by AMI event sequences written from the recorded
# Asterisk 22 traffic (docs/asterisk.md).
ctigw_add_test(gateway_asterisk_model_tests
  SOURCES asterisk_model_test.cpp asterisk_services_test.cpp asterisk_features_test.cpp asterisk_backend_test.cpp
  LIBS ctigw::gateway)
target_include_directories(gateway_asterisk_model_tests PRIVATE ${PROJECT_SOURCE_DIR}/gateway/src)
